#ifndef DIALTONE_CARPCACHE_H
#define DIALTONE_CARPCACHE_H

#include <stdint.h>

/// Adds (or refreshes) the kernel ARP entry ip -> mac on interface `ifname` with SIOCSARP, as dnsmasq does
/// before unicasting a DHCP reply to a client that has no address yet (RFC 2131 section 4.1). `ip` is in
/// network byte order. Returns 0, or an errno value (EPERM without CAP_NET_ADMIN). Swift's Glibc module
/// does not export <net/if_arp.h>, hence this shim.
int dialtone_arp_inject(uint32_t ip, const uint8_t mac[6], const char *ifname);

/// Removes the kernel ARP entry for `ip` (network byte order), whatever its interface (SIOCDARP, the
/// kernel finds the device by route). Returns 0, or an errno value (ENXIO when there was none).
int dialtone_arp_delete(uint32_t ip);

#endif
