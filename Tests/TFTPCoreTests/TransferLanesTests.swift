import TFTPCore
import Testing

/// Full speed for the earliest clients' transfers, a trickle for the rest, and a freed lane going to the
/// earliest waiting transfer; a phone keeps its place between its files.
@Suite struct TransferLanesTests {
    @Test func withinTheLanesEveryTransferIsFast() {
        var lanes = TransferLanes(fastLanes: 3)
        for token in UInt64(1)...3 {
            #expect(lanes.add(token: token, priority: Int64(token) * 10) == .init(isFast: true, demoted: nil))
        }
        #expect(lanes.add(token: 4, priority: 40) == .init(isFast: false, demoted: nil))
        #expect(lanes.isFast(token: 3, priority: 30) && !lanes.isFast(token: 4, priority: 40))
    }

    @Test func anEarlierClientTakesTheLaneOfTheLatestFastOne() {
        var lanes = TransferLanes(fastLanes: 2)
        _ = lanes.add(token: 1, priority: 10)
        _ = lanes.add(token: 2, priority: 30)
        _ = lanes.add(token: 3, priority: 40)
        // A phone that arrived at 20 starts its next file: it goes before 30, which loses its lane.
        #expect(lanes.add(token: 4, priority: 20) == .init(isFast: true, demoted: 2))
        #expect(lanes.isFast(token: 4, priority: 20) && !lanes.isFast(token: 2, priority: 30))
    }

    @Test func aFreedLaneGoesToTheEarliestWaitingTransfer() {
        var lanes = TransferLanes(fastLanes: 2)
        for (token, priority) in [(1, 10), (2, 20), (3, 50), (4, 30)] as [(UInt64, Int64)] {
            _ = lanes.add(token: token, priority: priority)
        }
        #expect(lanes.remove(token: 1, priority: 10) == 4)
        #expect(lanes.isFast(token: 4, priority: 30))
        // A slow transfer that ends frees no lane.
        #expect(lanes.remove(token: 3, priority: 50) == nil)
        // Nobody is waiting any more.
        #expect(lanes.remove(token: 2, priority: 20) == nil && lanes.count == 1)
        // Unknown (already removed) transfers change nothing.
        #expect(lanes.remove(token: 2, priority: 20) == nil && lanes.count == 1)
    }

    @Test func oneClientsTransfersKeepTheirOrderByToken() {
        var lanes = TransferLanes(fastLanes: 1)
        _ = lanes.add(token: 7, priority: 10)
        #expect(lanes.add(token: 5, priority: 10) == .init(isFast: true, demoted: 7))
        #expect(lanes.remove(token: 5, priority: 10) == 7)
    }

    /// Random adds and removes against a sorted model: the fast set is always the `fastLanes` lowest keys,
    /// and the flags a loop keeps from `add`'s and `remove`'s answers agree with it.
    @Test(arguments: [1, 3, 16])
    func flagsFromTheAnswersMatchTheLowestKeys(fastLanes: Int) {
        var generator = SystemRandomNumberGenerator()
        var lanes = TransferLanes(fastLanes: fastLanes)
        var running: [UInt64: Int64] = [:]
        var fast: Set<UInt64> = []
        for token in UInt64(1)...400 {
            if !running.isEmpty, Bool.random(using: &generator) {
                let (gone, priority) = running.randomElement(using: &generator)!
                running[gone] = nil
                fast.remove(gone)
                if let promoted = lanes.remove(token: gone, priority: priority) { fast.insert(promoted) }
            }
            let priority = Int64.random(in: 0...40, using: &generator)
            running[token] = priority
            let added = lanes.add(token: token, priority: priority)
            if added.isFast { fast.insert(token) }
            if let demoted = added.demoted { fast.remove(demoted) }
            let lowest = running.sorted { ($0.value, $0.key) < ($1.value, $1.key) }.prefix(fastLanes).map(\.key)
            #expect(fast == Set(lowest))
            #expect(lanes.count == running.count)
        }
    }

    @Test func aVisitKeepsItsPlaceUntilTheClientHasBeenIdle() {
        var arrivals = ClientArrivals(idle: 100)
        #expect(arrivals.begin(client: 1, now: 5) == 5)
        arrivals.end(client: 1, now: 20)
        // The next file, shortly after: same visit.
        #expect(arrivals.begin(client: 1, now: 60) == 5)
        // Two files at once, one ends: still running, so no idle time counts.
        #expect(arrivals.begin(client: 1, now: 70) == 5)
        arrivals.end(client: 1, now: 80)
        #expect(arrivals.begin(client: 1, now: 500) == 5)
        arrivals.end(client: 1, now: 510)
        arrivals.end(client: 1, now: 520)
        // Idle for the whole `idle`: a new visit.
        #expect(arrivals.begin(client: 1, now: 620) == 620)
        #expect(arrivals.begin(client: 2, now: 630) == 630)
    }

    @Test func forgottenVisitsAreSweptAndRunningOnesKept() {
        var arrivals = ClientArrivals(idle: 100, sweepAt: 4)
        for client in UInt32(1)...4 {
            _ = arrivals.begin(client: client, now: 0)
            if client != 2 { arrivals.end(client: client, now: 10) }
        }
        // The fifth client sweeps the three idle ones; client 2 is still transferring.
        #expect(arrivals.begin(client: 5, now: 200) == 200)
        #expect(arrivals.count == 2)
        #expect(arrivals.begin(client: 2, now: 210) == 0)
    }
}
