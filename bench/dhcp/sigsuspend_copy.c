// Preloaded into a server run under valgrind by bench/dhcp/run.sh (instructions per exchange), nowhere else.
// libdispatch's main thread parks in sigsuspend() with a mask in read-only memory; valgrind 3.19 writes into
// the mask it is given and dies with SIGSEGV ("the 'impossible' happened"). Passing a writable copy of the
// same mask changes nothing for the program.
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

int sigsuspend(const sigset_t *mask) {
    sigset_t copy = *mask;
    return (int)syscall(SYS_rt_sigsuspend, &copy, _NSIG / 8);
}
