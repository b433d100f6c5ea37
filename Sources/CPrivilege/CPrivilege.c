#define _GNU_SOURCE
#include "CPrivilege.h"

#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <linux/capability.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

int dialtone_capget(uint64_t *effective, uint64_t *permitted, uint64_t *inheritable) {
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2] = {{0}};
    if (syscall(SYS_capget, &header, data) != 0) return errno;
    *effective = (uint64_t)data[1].effective << 32 | data[0].effective;
    *permitted = (uint64_t)data[1].permitted << 32 | data[0].permitted;
    *inheritable = (uint64_t)data[1].inheritable << 32 | data[0].inheritable;
    return 0;
}

int dialtone_capset(uint64_t effective, uint64_t permitted, uint64_t inheritable) {
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2] = {
        {(uint32_t)effective, (uint32_t)permitted, (uint32_t)inheritable},
        {(uint32_t)(effective >> 32), (uint32_t)(permitted >> 32), (uint32_t)(inheritable >> 32)},
    };
    return syscall(SYS_capset, &header, data) == 0 ? 0 : errno;
}

int dialtone_set_keepcaps(int on) { return prctl(PR_SET_KEEPCAPS, on ? 1 : 0, 0, 0, 0) == 0 ? 0 : errno; }

int dialtone_bounding_keep_only(uint64_t keep, int last) {
    for (int cap = 0; cap <= last && cap < 64; cap++) {
        if (keep & ((uint64_t)1 << cap)) continue;
        // EINVAL: a capability this kernel does not know; nothing to drop.
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) return errno;
    }
    return 0;
}

int dialtone_ambient_set(uint64_t raise, int last) {
    // EINVAL from CLEAR_ALL: a kernel before 4.3, which has no ambient set.
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0) return errno;
    for (int cap = 0; cap <= last && cap < 64; cap++) {
        if (!(raise & ((uint64_t)1 << cap))) continue;
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0) return errno;
    }
    return 0;
}

int dialtone_no_new_privs(void) { return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 ? 0 : errno; }

int dialtone_switch_user(const char *name, uid_t uid, gid_t gid) {
    if (initgroups(name, gid) != 0) return errno;
    if (setresgid(gid, gid, gid) != 0) return errno;
    if (setresuid(uid, uid, uid) != 0) return errno;
    return 0;
}

int dialtone_cap_last(void) {
    FILE *file = fopen("/proc/sys/kernel/cap_last_cap", "re");
    int last = 40;
    if (file) {
        if (fscanf(file, "%d", &last) != 1) last = 40;
        fclose(file);
    }
    return last;
}

int dialtone_allow_nice(int steps) {
    errno = 0;
    int nice_now = getpriority(PRIO_PROCESS, 0);
    if (errno != 0) return errno;
    // setrlimit(2): the nice ceiling is 20 - rlim_cur, so reaching nice_now - steps needs this much.
    rlim_t needed = (rlim_t)(20 - (nice_now - steps));
    if (needed > 40) needed = 40;
    struct rlimit limit;
    if (getrlimit(RLIMIT_NICE, &limit) != 0) return errno;
    if (limit.rlim_cur >= needed) return 0;
    limit.rlim_cur = needed;
    if (limit.rlim_max < needed) limit.rlim_max = needed;
    return setrlimit(RLIMIT_NICE, &limit) == 0 ? 0 : errno;
}

int dialtone_allow_realtime(int priority) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_RTPRIO, &limit) != 0) return errno;
    if (limit.rlim_cur >= (rlim_t)priority) return 0;
    limit.rlim_cur = (rlim_t)priority;
    if (limit.rlim_max < (rlim_t)priority) limit.rlim_max = (rlim_t)priority;
    return setrlimit(RLIMIT_RTPRIO, &limit) == 0 ? 0 : errno;
}

int dialtone_thread_realtime(int priority) {
    struct sched_param param = {.sched_priority = priority};
    int policy = (priority > 0 ? SCHED_FIFO : SCHED_OTHER) | SCHED_RESET_ON_FORK;
    // Thread id 0 is the caller; on Linux the policy is per thread (sched(7)).
    return sched_setscheduler(0, policy, &param) == 0 ? 0 : errno;
}

int dialtone_thread_is_realtime(void) { return (sched_getscheduler(0) & ~SCHED_RESET_ON_FORK) == SCHED_FIFO; }

int dialtone_thread_is_default_policy(void) { return (sched_getscheduler(0) & ~SCHED_RESET_ON_FORK) == SCHED_OTHER; }
