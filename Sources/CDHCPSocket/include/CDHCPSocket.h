#ifndef DIALTONE_CDHCPSOCKET_H
#define DIALTONE_CDHCPSOCKET_H

#include <linux/filter.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

// The DHCP sockets' system calls (issue 17). The sockets are made here and handed to NIO, which reads them;
// replies are sent straight from the engine with sendto(2), without NIO's write pipeline (about 9k
// instructions a reply, 9 % of the flood's; callgrind, bench/dhcp). And the DISCOVER gate (docs/dhcp.md
// "Overload"): a classic BPF program that the kernel runs on every datagram before queueing it (socket(7)
// SO_ATTACH_FILTER), with the socket options around it. Swift's Glibc module exports neither
// <linux/filter.h> nor these option names.

/// A non-blocking, close-on-exec UDP socket on 0.0.0.0:`port` (host order), tied to `device` (SO_BINDTODEVICE),
/// with SO_BROADCAST and SO_REUSEADDR as asked. Returns the descriptor, or -errno (of the call that failed).
int dialtone_dhcp_socket(const char *device, uint16_t port, int broadcast, int reuse_address);

/// One datagram to `host`:`port` (both in host order). Returns the bytes sent, or -errno: -EAGAIN when the
/// send buffer is full (the caller queues it through NIO instead).
ssize_t dialtone_dhcp_send(int fd, const void *bytes, size_t length, uint32_t host, uint16_t port);

/// The program: drops a datagram whose first DHCP option is message type 1 (DISCOVER), passes everything
/// else whole. On a UDP socket the program sees the UDP header at offset 0, so the DHCP message
/// starts at 8 (checked by DiscoverGateTests). A datagram too short to hold the message type passes
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
