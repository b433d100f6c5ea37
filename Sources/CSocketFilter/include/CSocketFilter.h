#ifndef DIALTONE_CSOCKETFILTER_H
#define DIALTONE_CSOCKETFILTER_H

#include <linux/filter.h>
#include <stdint.h>
#include <sys/socket.h>

// The DHCP sockets' DISCOVER gate (issue 17, docs/dhcp.md "Overload"): a classic BPF program that the
// kernel runs on every datagram before queueing it (socket(7) SO_ATTACH_FILTER), and the socket options
// around it. Swift's Glibc module exports neither <linux/filter.h> nor these option names.

/// The program: drops a datagram whose first DHCP option is message type 1 (DISCOVER), passes everything
/// else whole. On a UDP socket the program sees the UDP header at offset 0, so the DHCP message
/// starts at 8 (checked by DiscoverGateSocketTests). A datagram too short to hold the message type passes
/// (a read past its end would make the kernel drop it), and so does a DISCOVER whose message type is not
/// the first option: the gate is a load shedder, not a parser.
const struct sock_fprog *dialtone_discover_filter(void);

static const int dialtone_so_attach_filter = SO_ATTACH_FILTER;
static const int dialtone_so_detach_filter = SO_DETACH_FILTER;
/// The socket's memory counters: index 0 the bytes queued for reading, 1 the receive buffer's size.
static const int dialtone_so_meminfo = SO_MEMINFO;
/// Like SO_RCVBUF, past net.core.rmem_max; needs CAP_NET_ADMIN, which a DHCP server keeps (PrivilegePlan).
static const int dialtone_so_rcvbufforce = SO_RCVBUFFORCE;

#endif
