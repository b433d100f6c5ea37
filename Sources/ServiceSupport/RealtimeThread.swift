/// The DHCP loop's thread under its `RealtimeGovernor`: made and used on that thread only (the policy is
/// per thread). `init` tries SCHED_FIFO once; where the system refuses it (no CAP_SYS_NICE and RLIMIT_RTPRIO
/// 0, a cgroup without a real-time budget) the thread stays fair and this does nothing more.
package final class RealtimeThread {
    private var governor: RealtimeGovernor?
    /// The errno of the first refusal, for the caller's log line; 0 when the thread went real-time.
    package let refusal: Int32

    /// Call on the thread itself.
    package init() {
        refusal = ThreadPriority.setCurrentRealtime(true)
        governor = refusal == 0 ? RealtimeGovernor(realtime: true) : nil
    }

    /// After each burst of reads: one clock read, and the thread's CPU time once a window has passed.
    package func burstEnded() {
        guard var governor else { return }
        let wall = ThreadPriority.monotonicNow()
        guard governor.isDue(wall: wall) else { return }
        let change = governor.observe(wall: wall, cpu: ThreadPriority.currentCPUTime())
        self.governor = governor
        guard let change else { return }
        // Going back to fair never fails; going real-time again can only fail if the limit changed
        // (prlimit from outside): then the thread stays fair for good.
        if ThreadPriority.setCurrentRealtime(change == .realtime) != 0 { self.governor = nil }
    }
}
