/// When a transfer's retransmission timer really needs the event loop, as a pure value with `now` passed in.
///
/// The machines re-arm the timer on every ACK or DATA ("retransmit `ms` from now"), but re-scheduling the
/// loop's task per packet re-armed the kernel timer per block, which cost lockstep transfers about a
/// fifth of their rate (perf, bench/tftp). So the deadline moves on every packet while the scheduled task
/// stays: when it fires early it is scheduled again for the moved deadline, and only a deadline that has
/// really passed retransmits. Times are in nanoseconds of the shell's monotonic clock.
public struct RetransmitSchedule: Hashable, Sendable {
    public enum Firing: Hashable, Sendable {
        /// The deadline has passed: drive the machine's `timerFired()`.
        case retransmit
        /// The deadline moved on since the task was scheduled: schedule it again for this time.
        case reschedule(at: Int64)
        /// Nothing is due (disarmed, or the transfer ended).
        case nothing
    }

    /// When a retransmission is due, if armed.
    public private(set) var due: Int64?
    /// When the scheduled task fires, if one is scheduled.
    public private(set) var scheduled: Int64?

    public init() {}

    /// The machine asked to (re)arm for `milliseconds` from `now`. Returns the time to schedule a task for,
    /// or nil when the task already scheduled fires no later than the new deadline (it will look again).
    public mutating func arm(milliseconds: Int64, now: Int64) -> Int64? {
        let deadline = now + milliseconds * 1_000_000
        due = deadline
        if let scheduled, scheduled <= deadline { return nil }
        scheduled = deadline
        return deadline
    }

    /// The scheduled task fired at `now`.
    public mutating func fired(now: Int64) -> Firing {
        scheduled = nil
        guard let due else { return .nothing }
        if now < due {
            scheduled = due
            return .reschedule(at: due)
        }
        self.due = nil
        return .retransmit
    }

    /// The transfer ended: nothing is due any more.
    public mutating func disarm() {
        due = nil
        scheduled = nil
    }
}
