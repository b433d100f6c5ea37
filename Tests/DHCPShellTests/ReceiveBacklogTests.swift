import Testing

@testable import DHCPShell

/// The queue-depth admission (ReceiveBacklog): when new DISCOVERs wait, and that some still get through.
/// (`#expect` cannot call a mutating method inside its expression: each step is taken first.)
@Suite struct ReceiveBacklogTests {
    @Test func shortQueueAdmitsEveryDiscover() {
        var backlog = ReceiveBacklog(capacity: 212_992)
        let changed = backlog.measured(queued: 100_000)
        #expect(!changed)
        #expect(admissions(&backlog, 10) == Array(repeating: true, count: 10))
    }

    @Test func deepQueueAdmitsOneDiscoverPerBurstUntilUnderAQuarter() {
        var backlog = ReceiveBacklog(capacity: 200_000)
        var changed = backlog.measured(queued: 100_000)
        #expect(changed, "half the buffer: shedding starts")
        #expect(admissions(&backlog, 3) == [true, false, false])
        changed = backlog.measured(queued: 60_000)
        #expect(!changed, "still over a quarter: no change")
        #expect(admissions(&backlog, 2) == [true, false], "a new burst lets one through")
        changed = backlog.measured(queued: 49_999)
        #expect(changed, "under a quarter: every DISCOVER again")
        #expect(admissions(&backlog, 2) == [true, true])
        changed = backlog.measured(queued: 99_999)
        #expect(!changed, "between a quarter and a half, from below: no shedding")
    }

    @Test func unknownBufferSizeNeverSheds() {
        var backlog = ReceiveBacklog(capacity: 0)
        let changed = backlog.measured(queued: 1_000_000)
        #expect(!changed)
        #expect(admissions(&backlog, 2) == [true, true])
    }

    private func admissions(_ backlog: inout ReceiveBacklog, _ count: Int) -> [Bool] {
        (0..<count).map { _ in backlog.admitsDiscover() }
    }
}
