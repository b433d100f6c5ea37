import CPrivilege

#if canImport(Glibc)
    import Glibc
#endif

/// Per-thread scheduling priority. On Linux `setpriority(PRIO_PROCESS, tid)` applies to one thread only
/// (setpriority(2), "BUGS": threads do not share a nice value), which is what a latency-sensitive event
/// loop among bulk ones needs.
package enum ThreadPriority {
    /// The calling thread's id. Swift's Glibc module exports neither gettid() nor a usable syscall(); the
    /// kernel names the thread in /proc/thread-self -> "PID/task/TID".
    package static func currentThreadID() -> id_t? {
        var buffer = [CChar](repeating: 0, count: 64)
        let n = readlink("/proc/thread-self", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        let text = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.split(separator: "/").last.flatMap { id_t($0) }
    }

    /// Lowers the calling thread's nice value by `steps`; false when the system refuses (no CAP_SYS_NICE,
    /// and RLIMIT_NICE does not reach that far: setrlimit(2)).
    package static func raiseCurrent(by steps: Int32) -> Bool {
        guard let tid = currentThreadID() else { return false }
        errno = 0
        let current = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), tid)
        guard errno == 0 else { return false }
        return setpriority(__priority_which_t(PRIO_PROCESS.rawValue), tid, current - steps) == 0
    }

    /// The SCHED_FIFO priority the DHCP loop takes: the lowest, above every fair-scheduled thread and below
    /// any real-time one the admin runs.
    package static let realtimePriority: Int32 = 1

    /// Switches the calling thread to SCHED_FIFO at `realtimePriority`, or back to SCHED_OTHER at the nice
    /// value it had; 0 or an errno value.
    package static func setCurrentRealtime(_ on: Bool) -> Int32 {
        dialtone_thread_realtime(on ? realtimePriority : 0)
    }

    /// Whether the calling thread runs SCHED_OTHER, the policy every thread starts with unless an admin chose
    /// another.
    package static func currentHasDefaultPolicy() -> Bool { dialtone_thread_is_default_policy() == 1 }

    /// The process's RLIMIT_RTPRIO (soft, hard), for a refusal's log line; nil if it cannot be read.
    package static func realtimeLimit() -> (soft: UInt64, hard: UInt64)? {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(__RLIMIT_RTPRIO.rawValue), &limit) == 0 else { return nil }
        return (UInt64(limit.rlim_cur), UInt64(limit.rlim_max))
    }

    /// Whether the calling thread runs SCHED_FIFO now.
    package static func currentIsRealtime() -> Bool {
        dialtone_thread_is_realtime() == 1
    }

    /// CPU time the calling thread has used, in nanoseconds.
    package static func currentCPUTime() -> Int64 { nanoseconds(CLOCK_THREAD_CPUTIME_ID) }

    package static func monotonicNow() -> Int64 { nanoseconds(CLOCK_MONOTONIC) }

    private static func nanoseconds(_ clock: clockid_t) -> Int64 {
        var time = timespec()
        clock_gettime(clock, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}
