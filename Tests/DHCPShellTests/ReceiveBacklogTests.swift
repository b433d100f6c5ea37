import Testing

@testable import DHCPShell

/// The overflow admission (ReceiveBacklog): when new DISCOVERs wait, and that some still get through.
/// (`#expect` cannot call a mutating method inside its expression: each step is taken first.)
@Suite struct ReceiveBacklogTests {
    static let buffer = 200_000

    /// A boot storm's burst fills the queue for a moment; without a drop nothing waits.
    @Test func aDeepQueueWithoutDropsAdmitsEveryDiscover() {
        var backlog = ReceiveBacklog()
        var changed = backlog.measured(queued: 0, capacity: Self.buffer, drops: 7)
        changed = backlog.measured(queued: 190_000, capacity: Self.buffer, drops: 7) || changed
        #expect(!changed, "the first measurement is the baseline, and a full queue alone is no drop")
        #expect(admissions(&backlog, 10) == Array(repeating: true, count: 10))
    }

    @Test func dropsShedAllButOneDiscoverPerBurstUntilTheQueueDrains() {
        var backlog = ReceiveBacklog()
        backlog.measured(queued: 0, capacity: Self.buffer, drops: 0)
        var changed = backlog.measured(queued: 199_000, capacity: Self.buffer, drops: 3)
        #expect(changed, "the kernel dropped: shedding starts")
        #expect(admissions(&backlog, 3) == [true, false, false])
        changed = backlog.measured(queued: 60_000, capacity: Self.buffer, drops: 3)
        #expect(!changed, "no new drop, but still over a quarter: still shedding")
        #expect(admissions(&backlog, 2) == [true, false], "a new burst lets one through")
        changed = backlog.measured(queued: 10_000, capacity: Self.buffer, drops: 4)
        #expect(!changed, "a new drop keeps it on, however short the queue")
        changed = backlog.measured(queued: 49_999, capacity: Self.buffer, drops: 4)
        #expect(changed, "no new drop and under a quarter: every DISCOVER again")
        #expect(admissions(&backlog, 2) == [true, true])
    }

    /// The kernel's counter is 32 bits and wraps; any change is a drop.
    @Test func aWrappedDropCounterStillCounts() {
        var backlog = ReceiveBacklog()
        backlog.measured(queued: 0, capacity: Self.buffer, drops: .max)
        let changed = backlog.measured(queued: 0, capacity: Self.buffer, drops: 1)
        #expect(changed)
    }

    private func admissions(_ backlog: inout ReceiveBacklog, _ count: Int) -> [Bool] {
        (0..<count).map { _ in backlog.admitsDiscover() }
    }
}
