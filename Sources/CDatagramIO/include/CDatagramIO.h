#ifndef DIALTONE_CDATAGRAMIO_H
#define DIALTONE_CDATAGRAMIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

// The TFTP transfer path's system calls (issue 17): UDP sockets addressed by raw IPv4 and port, datagrams
// sent in batches with sendmmsg(2), and an epoll(7) set with an eventfd(2) to wake it. Swift's Glibc module
// exports neither epoll, eventfd nor sendmmsg, hence this shim. Addresses and ports are in network byte
// order; every call returns -errno on failure.

/// A non-blocking, close-on-exec UDP socket bound to `host`:`port` (port 0: any free port), with a send
/// buffer of up to 1 MiB.
int dialtone_udp_open(uint32_t host, uint16_t port);

/// One datagram into `buffer`; its source in `*from_host`, `*from_port`. Returns its length (a datagram
/// longer than `capacity` is cut), or -EAGAIN when none is waiting.
ssize_t dialtone_udp_receive(int fd, void *buffer, size_t capacity, uint32_t *from_host, uint16_t *from_port);

/// Sends `count` datagrams to `host`:`port`: one with sendto, more with sendmmsg, up to 64 a call: datagram
/// i is `lengths[i]` bytes at `base + i * stride`. A full send buffer is waited out for up to 20 ms at a
/// time. Returns how many the kernel took (fewer than `count` when it stayed full), or -errno when it took
/// none.
int dialtone_udp_send_batch(
    int fd, uint32_t host, uint16_t port, const void *base, size_t stride, const size_t *lengths, int count);

/// An epoll set. Tokens are the caller's: each registered descriptor reports its own.
int dialtone_poll_create(void);
int dialtone_poll_add(int poll, int fd, uint64_t token);
int dialtone_poll_remove(int poll, int fd);
/// Stops (`readable` 0) or resumes reporting a registered descriptor without removing it; datagrams that
/// arrive meanwhile wait in its receive queue.
int dialtone_poll_watch(int poll, int fd, uint64_t token, int readable);
/// Waits up to `timeout_ms` (-1: no limit) and writes the tokens of the ready descriptors; returns their
/// number (0 on timeout or EINTR).
int dialtone_poll_wait(int poll, uint64_t *tokens, int capacity, int timeout_ms);

/// A non-blocking eventfd: `signal` makes it readable, `drain` makes it quiet again.
int dialtone_wakeup_create(void);
void dialtone_wakeup_signal(int fd);
void dialtone_wakeup_drain(int fd);

#endif
