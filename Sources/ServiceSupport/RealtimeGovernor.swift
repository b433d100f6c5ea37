/// When the DHCP loop's thread runs real-time (SCHED_FIFO) and when it goes back to the fair scheduler.
///
/// Why real-time at all: this kernel's fair scheduler (EEVDF, Linux 6.6 and later) lets a running thread
/// finish its slice before a woken one runs, whatever their nice values, and a kernel built without full
/// preemption waits for it to leave the kernel too. With 50 phones pulling 2 MiB images, a DISCOVER waited
/// behind a TFTP loop's 2-3 ms turn: OFFER p99 1.8-4.5 ms at nice -10, 0.24-0.45 ms with the DHCP thread at
/// SCHED_FIFO 1 (`perf sched timehist`, bench/bootstorm, docs/benchmarks.md). chronyd's `-P` does the same
/// for its clock samples.
///
/// Why not always: a real-time thread that is busy all the time (a DHCP flood) would take its CPU from the
/// store writer, whose commits the ACKs wait for, and from TFTP; the kernel only keeps 5 % of a CPU for them.
/// So the thread runs real-time while it is mostly idle, which is when one packet's latency is what counts,
/// and fair (at its raised nice value) once it used more than half of a window's time, until it uses less
/// than a quarter again. The share is looked at after each burst of reads and each other job on the loop, so
/// a burst costs the other threads about two windows at most (one begun idle, one busy).
package struct RealtimeGovernor: Sendable {
    package enum Change: Sendable, Equatable {
        case realtime, fair
    }

    /// Nanoseconds between two decisions: long enough for a share to mean something, short enough that a
    /// flood has the thread back in the fair scheduler before the store writer's queue builds up.
    package static let window: Int64 = 10_000_000
    package static let fairAbove = 0.5
    package static let realtimeBelow = 0.25

    package private(set) var isRealtime: Bool
    /// Monotonic and thread CPU time (nanoseconds) when the current window began; nil before the first look.
    private var start: (wall: Int64, cpu: Int64)?

    package init(realtime: Bool) { isRealtime = realtime }

    /// Whether a window has passed since the last look: the caller reads the thread's CPU time (a system
    /// call) only then.
    package func isDue(wall: Int64) -> Bool {
        guard let start else { return true }
        return wall - start.wall >= Self.window
    }

    /// The thread's share of the time since the last look decides; a new window begins either way.
    package mutating func observe(wall: Int64, cpu: Int64) -> Change? {
        defer { start = (wall, cpu) }
        guard let start, wall > start.wall else { return nil }
        let share = Double(cpu - start.cpu) / Double(wall - start.wall)
        if isRealtime, share > Self.fairAbove {
            isRealtime = false
            return .fair
        }
        if !isRealtime, share < Self.realtimeBelow {
            isRealtime = true
            return .realtime
        }
        return nil
    }
}
