#include "CSocketFilter.h"

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
