/// The DHCP loop's thread under its `RealtimeGovernor`: made and used on that thread only (the policy is
/// per thread). `init` tries SCHED_FIFO once; where the system refuses it (no CAP_SYS_NICE and RLIMIT_RTPRIO
/// 0, systemd's RestrictRealtime=, a cgroup without a real-time budget) the thread stays fair and this does
/// nothing more. A thread that does not run SCHED_OTHER to begin with (an admin's CPUSchedulingPolicy=, or
/// chrt) is left as it is.
package final class RealtimeThread {
    private var governor: RealtimeGovernor?
    /// Whether the governor runs: false when the thread kept its policy (see `refusalReason`).
    package var isGoverned: Bool { governor != nil }
    /// Why the thread is not governed, for the caller's log line; nil when it is.
    package let refusalReason: String?

    /// Call on the thread itself.
    package init() {
        guard ThreadPriority.currentHasDefaultPolicy() else {
            refusalReason = "the thread's scheduling policy was set from outside; left as it is"
            return
        }
        let error = ThreadPriority.setCurrentRealtime(true)
        if error == 0 {
            governor = RealtimeGovernor(realtime: true)
            refusalReason = nil
        } else {
            refusalReason =
                "SCHED_FIFO refused (errno \(error)): no CAP_SYS_NICE and RLIMIT_RTPRIO 0, systemd's "
                + "RestrictRealtime=yes, or a cgroup without a real-time budget"
        }
    }

    /// After each burst of reads and each other job on the loop: one clock read, and the thread's CPU time
    /// once a window has passed.
    package func checkpoint() {
        guard let before = governor else { return }
        let wall = ThreadPriority.monotonicNow()
        guard before.isDue(wall: wall) else { return }
        var after = before
        let change = after.observe(wall: wall, cpu: ThreadPriority.currentCPUTime())
        governor = after
        guard let change, ThreadPriority.setCurrentRealtime(change == .realtime) != 0 else { return }
        switch change {
        // Going real-time again can only fail if the limit changed (prlimit from outside): fair for good.
        case .realtime: governor = nil
        // Going back to fair should never fail; if it did, the thread is still real-time: say so, so that the
        // next window tries again.
        case .fair: governor = RealtimeGovernor(realtime: true)
        }
    }
}
