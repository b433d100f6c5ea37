import TFTPCore
import Testing

/// The retransmission timer's decisions as a table: which re-arms need a new task, and what a firing task
/// does. Times in ms for readability, converted to the schedule's nanoseconds.
@Suite struct RetransmitScheduleTests {
    static let ms: Int64 = 1_000_000

    @Test func firstArmSchedulesLaterArmsOnlyMoveTheDeadline() {
        var schedule = RetransmitSchedule()
        #expect(schedule.arm(milliseconds: 1000, now: 0) == 1000 * Self.ms)
        // An ACK at 10 ms moves the deadline to 1010 ms; the task at 1000 ms stays.
        #expect(schedule.arm(milliseconds: 1000, now: 10 * Self.ms) == nil)
        #expect(schedule.due == 1010 * Self.ms && schedule.scheduled == 1000 * Self.ms)
    }

    @Test func anEarlierDeadlineNeedsANewTask() {
        var schedule = RetransmitSchedule()
        _ = schedule.arm(milliseconds: 5000, now: 0)
        // A shorter timeout (an OACK'd `timeout` option, say) cannot wait for the later task.
        #expect(schedule.arm(milliseconds: 1000, now: 0) == 1000 * Self.ms)
    }

    @Test(arguments: [
        (firedAt: Int64(1000), expected: RetransmitSchedule.Firing.reschedule(at: 1010 * 1_000_000)),
        (firedAt: Int64(1010), expected: .retransmit),
        (firedAt: Int64(2000), expected: .retransmit),
    ])
    func aFiringTaskRetransmitsOnlyWhenTheDeadlineHasPassed(
        _ row: (firedAt: Int64, expected: RetransmitSchedule.Firing)
    ) {
        var schedule = RetransmitSchedule()
        _ = schedule.arm(milliseconds: 1000, now: 0)
        _ = schedule.arm(milliseconds: 1000, now: 10 * Self.ms)
        #expect(schedule.fired(now: row.firedAt * Self.ms) == row.expected)
    }

    @Test func afterRetransmittingOrDisarmingNothingIsDue() {
        var schedule = RetransmitSchedule()
        _ = schedule.arm(milliseconds: 1000, now: 0)
        #expect(schedule.fired(now: 1000 * Self.ms) == .retransmit)
        #expect(schedule.fired(now: 3000 * Self.ms) == .nothing)
        #expect(
            schedule.arm(milliseconds: 1000, now: 3000 * Self.ms) == 4000 * Self.ms, "re-armed after a retransmission")
        schedule.disarm()
        #expect(schedule.fired(now: 5000 * Self.ms) == .nothing)
    }
}
