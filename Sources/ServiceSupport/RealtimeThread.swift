import Metrics

/// The DHCP loop's thread under its `RealtimeGovernor`: made and used on that thread only (the policy is
/// per thread). `init` tries SCHED_FIFO once; where the system refuses it (no CAP_SYS_NICE and RLIMIT_RTPRIO
/// 0, systemd's RestrictRealtime=, a cgroup without a real-time budget) the thread stays fair and this does
/// nothing more. A thread that does not run SCHED_OTHER to begin with (an admin's CPUSchedulingPolicy=, or
/// chrt) is left as it is.
package final class RealtimeThread {
    private var governor: RealtimeGovernor?
    /// Every switch made, by the policy switched to: `dialtone_dhcp_realtime_switches_total{to}`. Not logged
    /// (under a moderate load the thread may switch every few windows), but an admin who wonders whether the
    /// loop runs real-time sees it here: a count that stops at its first `realtime` means it never got busy,
    /// one that climbs in pairs means it keeps going fair under load and back.
    private let switchedToFair: Counter
    private let switchedToRealtime: Counter
    /// Whether the governor runs: false when the thread kept its policy (see `refusalReason`).
    package var isGoverned: Bool { governor != nil }
    /// Why the thread is not governed, for the caller's log line; nil when it is.
    package let refusalReason: String?

    /// Call on the thread itself. `metrics`: the process's, except in tests.
    package init(metrics: any MetricsFactory = MetricsSystem.factory) {
        let label = "dialtone_dhcp_realtime_switches_total"
        switchedToFair = Counter(label: label, dimensions: [("to", "fair")], factory: metrics)
        switchedToRealtime = Counter(label: label, dimensions: [("to", "realtime")], factory: metrics)
        guard ThreadPriority.currentHasDefaultPolicy() else {
            refusalReason = "the thread's scheduling policy was set from outside; left as it is"
            return
        }
        let error = ThreadPriority.setCurrentRealtime(true)
        if error == 0 {
            governor = RealtimeGovernor(realtime: true)
            refusalReason = nil
            switchedToRealtime.increment()
        } else {
            refusalReason = Self.refusal(errno: error, limit: ThreadPriority.realtimeLimit())
        }
    }

    /// Why SCHED_FIFO was refused, for the debug line. A limit under the priority is named with its usual cause,
    /// one `serve` could not fix: root raises it before switching users only with CAP_SYS_RESOURCE, which
    /// Docker's root lacks (docs/security.md). A limit high enough leaves the system's own refusals.
    package static func refusal(errno error: Int32, limit: (soft: UInt64, hard: UInt64)?) -> String {
        func text(_ value: UInt64) -> String { value == UInt64(bitPattern: -1) ? "unlimited" : "\(value)" }
        let head = "SCHED_FIFO refused (errno \(error))"
        guard let limit else { return head + ": RLIMIT_RTPRIO unreadable" }
        if limit.soft < UInt64(ThreadPriority.realtimePriority) {
            return head + " with RLIMIT_RTPRIO \(text(limit.soft)) (hard \(text(limit.hard))) and no CAP_SYS_NICE: "
                + "root could not raise it before switching users (no CAP_SYS_RESOURCE, as in a container); "
                + "systemd's LimitRTPRIO=1 sets it"
        }
        return head + " although RLIMIT_RTPRIO is \(text(limit.soft)): systemd's RestrictRealtime=yes, or a cgroup "
            + "without a real-time budget"
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
        guard let change else { return }
        guard ThreadPriority.setCurrentRealtime(change == .realtime) != 0 else {
            (change == .realtime ? switchedToRealtime : switchedToFair).increment()
            return
        }
        switch change {
        // Going real-time again can only fail if the limit changed (prlimit from outside): fair for good.
        case .realtime: governor = nil
        // Going back to fair should never fail; if it did, the thread is still real-time: say so, so that the
        // next window tries again.
        case .fair: governor = RealtimeGovernor(realtime: true)
        }
    }
}
