#include "CARPCache.h"

#include <errno.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

// One descriptor for the process: any AF_INET socket carries the ioctls.
static int ioctl_socket(void) {
    static int fd = -1;
    if (fd < 0) {
        int made = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (made < 0) return -1;
        if (!__sync_bool_compare_and_swap(&fd, -1, made)) close(made);
    }
    return fd;
}

// A request naming `ip` (network byte order); the caller fills in the rest.
static struct arpreq request_for(uint32_t ip) {
    struct arpreq req;
    memset(&req, 0, sizeof req);
    struct sockaddr_in *pa = (struct sockaddr_in *)&req.arp_pa;
    pa->sin_family = AF_INET;
    pa->sin_addr.s_addr = ip;
    return req;
}

int dialtone_arp_inject(uint32_t ip, const uint8_t mac[6], const char *ifname) {
    int fd = ioctl_socket();
    if (fd < 0) return errno;
    struct arpreq req = request_for(ip);
    req.arp_ha.sa_family = ARPHRD_ETHER;
    memcpy(req.arp_ha.sa_data, mac, 6);
    req.arp_flags = ATF_COM;
    strncpy(req.arp_dev, ifname, sizeof req.arp_dev - 1);
    return ioctl(fd, SIOCSARP, &req) == 0 ? 0 : errno;
}

int dialtone_arp_delete(uint32_t ip) {
    int fd = ioctl_socket();
    if (fd < 0) return errno;
    struct arpreq req = request_for(ip);
    return ioctl(fd, SIOCDARP, &req) == 0 ? 0 : errno;
}
