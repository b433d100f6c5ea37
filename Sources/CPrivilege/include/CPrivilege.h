#ifndef DIALTONE_CPRIVILEGE_H
#define DIALTONE_CPRIVILEGE_H

#include <stdint.h>
#include <sys/types.h>

/// The calls `serve` makes to stop being root (docs/security.md). Swift's Glibc module exports neither
/// capget/capset (they are raw system calls, libcap's territory) nor the variadic prctl(2), hence this
/// shim. Each returns 0, or an errno value. Capability sets are 64-bit masks, bit N = capability N.
/// Every call changes the calling thread only (capabilities(7), "Thread versus process capabilities"),
/// which is why `serve` makes them while it has one thread.

/// capget(2) for the calling thread.
int dialtone_capget(uint64_t *effective, uint64_t *permitted, uint64_t *inheritable);

/// capset(2) for the calling thread (_LINUX_CAPABILITY_VERSION_3, two 32-bit halves).
int dialtone_capset(uint64_t effective, uint64_t permitted, uint64_t inheritable);

/// prctl(PR_SET_KEEPCAPS): keep the permitted set across the switch from uid 0 (capabilities(7)).
int dialtone_set_keepcaps(int on);

/// prctl(PR_CAPBSET_DROP) for every capability from 0 to `last` not in `keep` (needs CAP_SETPCAP).
int dialtone_bounding_keep_only(uint64_t keep, int last);

/// prctl(PR_CAP_AMBIENT): clear the ambient set, then raise each capability in `raise` (each must be
/// permitted and inheritable already).
int dialtone_ambient_set(uint64_t raise, int last);

/// prctl(PR_SET_NO_NEW_PRIVS, 1): no execve can grant privileges again (setuid bits, file capabilities).
int dialtone_no_new_privs(void);

/// initgroups(3) for `name` with `gid`, then setresgid(2) and setresuid(2) to all three ids. Order matters:
/// groups and gid while still root, uid last.
int dialtone_switch_user(const char *name, uid_t uid, gid_t gid);

/// Raises RLIMIT_NICE (getrlimit(2)) so a thread can lower its nice value by `steps` below the process's
/// without CAP_SYS_NICE: the DHCP loop raises its priority after the switch (ThreadPriority).
int dialtone_allow_nice(int steps);

/// Raises RLIMIT_RTPRIO to `priority` (setrlimit(2)) so a thread can switch itself to SCHED_FIFO at that
/// priority without CAP_SYS_NICE: the DHCP loop does while it is idle (RealtimeGovernor).
int dialtone_allow_realtime(int priority);

/// Switches the calling thread to SCHED_FIFO at `priority` (1-99), or back to SCHED_OTHER when `priority` is 0
/// (sched_setscheduler(2); the thread's nice value is kept across both). With SCHED_RESET_ON_FORK, so nothing
/// it starts inherits the policy. Returns 0 or an errno value (EPERM: no CAP_SYS_NICE and RLIMIT_RTPRIO too
/// low, or a cgroup with no real-time budget).
int dialtone_thread_realtime(int priority);

/// 1 when the calling thread runs SCHED_FIFO, else 0.
int dialtone_thread_is_realtime(void);

/// 1 when the calling thread runs SCHED_OTHER (the default), else 0: a policy an admin chose (systemd's
/// CPUSchedulingPolicy=, chrt) is left alone.
int dialtone_thread_is_default_policy(void);

/// The highest capability number this kernel knows (/proc/sys/kernel/cap_last_cap), 40 if unreadable.
int dialtone_cap_last(void);

#endif
