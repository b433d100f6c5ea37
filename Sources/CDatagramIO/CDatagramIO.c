#define _GNU_SOURCE
#include "CDatagramIO.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

// The per-block calls (recvfrom, sendmmsg, epoll_wait) go through syscall(2): glibc's wrappers are
// cancellation points, and each brackets the call with __pthread_enable_asynccancel and its undo, ~90
// instructions a lockstep block together (callgrind, bench/tftp). Nothing here is ever cancelled.
// epoll_pwait with no signal mask is epoll_wait, and the one of the two that every architecture has.

static struct sockaddr_in address_of(uint32_t host, uint16_t port) {
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = host;
    address.sin_port = port;
    return address;
}

int dialtone_udp_open(uint32_t host, uint16_t port) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    // Room for a large window in the kernel: a full send buffer makes sendmmsg stop short (EAGAIN). The
    // kernel caps the request at net.core.wmem_max; what remains is handled in dialtone_udp_send_batch.
    int size = 1 << 20;
    (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    struct sockaddr_in address = address_of(host, port);
    if (bind(fd, (struct sockaddr *)&address, sizeof address) < 0) {
        int error = errno;
        close(fd);
        return -error;
    }
    return fd;
}

ssize_t dialtone_udp_receive(int fd, void *buffer, size_t capacity, uint32_t *from_host, uint16_t *from_port) {
    struct sockaddr_in from;
    socklen_t length = sizeof from;
    ssize_t n = syscall(SYS_recvfrom, fd, buffer, capacity, 0, (struct sockaddr *)&from, &length);
    if (n < 0) return -errno;
    // Only AF_INET reaches an AF_INET socket; zero anything else rather than read past it.
    if (length < sizeof from || from.sin_family != AF_INET) {
        *from_host = 0;
        *from_port = 0;
    } else {
        *from_host = from.sin_addr.s_addr;
        *from_port = from.sin_port;
    }
    return n;
}

enum { batch_limit = 64 };

// The socket's send buffer is full (a window larger than it, on a slow link): waits up to 20 ms for room, a
// bounded time so the loop's other transfers are not held up; the retransmission timer covers what still does
// not fit. True when the send should be tried again; false leaves errno at EAGAIN for the caller.
static int wait_for_room(int fd) {
    struct pollfd writable = {.fd = fd, .events = POLLOUT};
    int ready = poll(&writable, 1, 20);
    if (ready == 1 || (ready < 0 && errno == EINTR)) return 1;
    errno = EAGAIN;  // what the caller is told, not poll's
    return 0;
}

int dialtone_udp_send_batch(
    int fd, uint32_t host, uint16_t port, const void *base, size_t stride, const size_t *lengths, int count) {
    struct sockaddr_in to = address_of(host, port);
    if (count == 1) {
        // A lockstep block: sendto is the shorter path through the kernel for one datagram (sendmmsg copies
        // and imports a message header and writes its length back).
        for (int waits = 0;;) {
            ssize_t n = syscall(SYS_sendto, fd, base, lengths[0], 0, (struct sockaddr *)&to, sizeof to);
            if (n >= 0) return 1;
            if (errno == EINTR) continue;
            if (errno == EAGAIN && waits++ < 8 && wait_for_room(fd)) continue;
            return -errno;
        }
    }
    struct mmsghdr messages[batch_limit];
    struct iovec vectors[batch_limit];
    int sent = 0, waits = 0;
    while (sent < count) {
        int chunk = count - sent < batch_limit ? count - sent : batch_limit;
        for (int i = 0; i < chunk; i++) {
            vectors[i].iov_base = (char *)base + (size_t)(sent + i) * stride;
            vectors[i].iov_len = lengths[sent + i];
            memset(&messages[i], 0, sizeof messages[i]);
            messages[i].msg_hdr.msg_name = &to;
            messages[i].msg_hdr.msg_namelen = sizeof to;
            messages[i].msg_hdr.msg_iov = &vectors[i];
            messages[i].msg_hdr.msg_iovlen = 1;
        }
        int n = (int)syscall(SYS_sendmmsg, fd, messages, (unsigned)chunk, 0);
        if (n < 0 && errno == EINTR) continue;
        // At most 8 waits a call.
        if (n < 0 && errno == EAGAIN && waits++ < 8 && wait_for_room(fd)) continue;
        if (n < 0) return sent > 0 ? sent : -errno;
        sent += n;
    }
    return sent;
}

int dialtone_poll_create(void) {
    int fd = epoll_create1(EPOLL_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int dialtone_poll_add(int poll, int fd, uint64_t token) {
    struct epoll_event event;
    memset(&event, 0, sizeof event);
    event.events = EPOLLIN;
    event.data.u64 = token;
    return epoll_ctl(poll, EPOLL_CTL_ADD, fd, &event) < 0 ? -errno : 0;
}

int dialtone_poll_watch(int poll, int fd, uint64_t token, int readable) {
    struct epoll_event event;
    memset(&event, 0, sizeof event);
    event.events = readable ? EPOLLIN : 0;
    event.data.u64 = token;
    return epoll_ctl(poll, EPOLL_CTL_MOD, fd, &event) < 0 ? -errno : 0;
}

int dialtone_poll_remove(int poll, int fd) {
    return epoll_ctl(poll, EPOLL_CTL_DEL, fd, NULL) < 0 ? -errno : 0;
}

int dialtone_poll_wait(int poll, uint64_t *tokens, int capacity, int timeout_ms) {
    struct epoll_event events[64];
    if (capacity > 64) capacity = 64;
    int n = (int)syscall(SYS_epoll_pwait, poll, events, capacity, timeout_ms, NULL, (size_t)8);
    if (n < 0) return errno == EINTR ? 0 : -errno;
    for (int i = 0; i < n; i++) tokens[i] = events[i].data.u64;
    return n;
}

int dialtone_wakeup_create(void) {
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

void dialtone_wakeup_signal(int fd) {
    uint64_t one = 1;
    ssize_t ignored = write(fd, &one, sizeof one);
    (void)ignored;
}

void dialtone_wakeup_drain(int fd) {
    uint64_t count;
    ssize_t ignored = read(fd, &count, sizeof count);
    (void)ignored;
}
