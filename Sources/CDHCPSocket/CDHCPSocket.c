#include "CDHCPSocket.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

int dialtone_dhcp_socket(const char *device, uint16_t port, int broadcast, int reuse_address) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    int on = 1;
    if ((reuse_address && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0) ||
        (broadcast && setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof on) < 0) ||
        setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, device, (socklen_t)strnlen(device, 15)) < 0) {
        int error = errno;
        close(fd);
        return -error;
    }
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(fd, (struct sockaddr *)&address, sizeof address) < 0) {
        int error = errno;
        close(fd);
        return -error;
    }
    return fd;
}

ssize_t dialtone_dhcp_send(int fd, const void *bytes, size_t length, uint32_t host, uint16_t port) {
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(host);
    ssize_t sent = sendto(fd, bytes, length, MSG_DONTWAIT, (struct sockaddr *)&address, sizeof address);
    return sent < 0 ? -errno : sent;
}

// Offsets in the UDP datagram as the filter sees it: the 8-byte UDP header, then the DHCP message
// (RFC 2131 §2: 236 bytes of fixed fields, the magic cookie 99.130.83.99, then the options).
enum {
    dhcp = 8,
    cookie = dhcp + 236,
    first_option = dhcp + 240,
    first_value = dhcp + 242,
};

static struct sock_filter discover_filter[] = {
    // Shorter than the first option's value: pass (0 to 7 are jump offsets to "pass").
    BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0),
    BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, first_value + 1, 0, 7),
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, cookie),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x63825363, 0, 5),
    // Option 53 (message type), length 1, first.
    BPF_STMT(BPF_LD | BPF_H | BPF_ABS, first_option),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x3501, 0, 3),
    BPF_STMT(BPF_LD | BPF_B | BPF_ABS, first_value),
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, 0),          // DISCOVER: dropped
    BPF_STMT(BPF_RET | BPF_K, 0xFFFFFFFF), // pass, whole
};

static const struct sock_fprog discover_program = {
    .len = sizeof discover_filter / sizeof discover_filter[0],
    .filter = discover_filter,
};

const struct sock_fprog *dialtone_discover_filter(void) { return &discover_program; }
