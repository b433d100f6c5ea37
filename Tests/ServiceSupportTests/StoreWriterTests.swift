import DHCPServerCore
import Foundation
import LeaseStore
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import ServiceSupport
import Testing
import Timeline
import WireSupport

/// The one store writer: group commit, completions only after the write, and nothing lost at shutdown.
@Suite struct StoreWriterTests {
    /// The in-memory store with a write hook that records each transaction and can hold writes back, so
    /// that submissions pile up.
    final class RecordingStore: Sendable {
        let transactions = NIOLockedValueBox<[Int]>([])
        let gate = NIOLockedValueBox<Bool>(true)
        /// Writes that have reached the gate.
        let arrived = NIOLockedValueBox<Int>(0)
        let inner: InMemoryLeaseStore

        init() {
            let (transactions, gate, arrived) = (transactions, gate, arrived)
            inner = InMemoryLeaseStore(beforeWrite: { batch in
                arrived.withLockedValue { $0 += 1 }
                while gate.withLockedValue({ !$0 }) { usleep(1000) }
                transactions.withLockedValue { $0.append(batch.leases.count) }
            })
        }

        func loadLeases() throws -> [Lease] { try inner.loadLeases() }
    }

    static func lease(_ n: Int) -> Lease {
        Lease(
            ip: IPv4Address(rawValue: 0xC612_0000 + UInt32(n)), mac: nil, clientID: [UInt8(n & 0xFF)], hostname: nil,
            state: .bound, expires: 10_000, updated: 1)
    }

    @Test func submissionsWhileAWriteRunsShareTheNextTransaction() async throws {
        let store = RecordingStore()
        store.gate.withLockedValue { $0 = false }
        let writer = StoreWriter(store: store.inner, logger: Logger(label: "test"))
        let durable = NIOLockedValueBox<[Int]>([])
        for n in 0..<50 {
            writer.submit(StoreBatch(leases: [Self.lease(n)])) { outcome in
                if case .failure(let error) = outcome { Issue.record("write failed: \(error)") }
                // A completion runs only once its lease is in the store.
                let stored = (try? store.inner.loadLeases().contains { $0.ip == Self.lease(n).ip }) ?? false
                durable.withLockedValue { $0.append(stored ? n : -1) }
            }
        }
        store.gate.withLockedValue { $0 = true }
        await writer.flush()
        #expect(durable.withLockedValue { $0.sorted() } == Array(0..<50))
        let transactions = store.transactions.withLockedValue { $0 }
        #expect(transactions.reduce(0, +) == 50)
        #expect(transactions.count <= 3, "group commit: \(transactions)")
    }

    /// A backlog of `gatherThreshold` jobs waits before its transaction, and what arrives meanwhile joins it;
    /// a lone submission is written at once. The test ends the wait itself (1 ms in the server).
    @Test func aBacklogWaitsForLatecomersAndALoneSubmissionDoesNot() async throws {
        let store = RecordingStore()
        store.gate.withLockedValue { $0 = false }
        let waits = NIOLockedValueBox(0)
        let latecomerIn = DispatchSemaphore(value: 0)
        let writer = StoreWriter(store: store.inner, logger: Logger(label: "test")) {
            waits.withLockedValue { $0 += 1 }
            _ = latecomerIn.wait(timeout: .now() + 5)
        }
        writer.submit(StoreBatch(leases: [Self.lease(0)]))
        while store.arrived.withLockedValue({ $0 }) < 1 { try await Task.sleep(for: .milliseconds(1)) }
        // The first transaction is held at the gate; ten submissions queue behind it.
        for n in 1...10 { writer.submit(StoreBatch(leases: [Self.lease(n)])) }
        store.gate.withLockedValue { $0 = true }
        // The writer takes the ten and waits: the latecomer joins their transaction.
        let deadline = ContinuousClock.now + .seconds(5)
        while waits.withLockedValue({ $0 }) < 1, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(1))
        }
        try #require(waits.withLockedValue { $0 } == 1, "a backlog of ten did not wait for more")
        writer.submit(StoreBatch(leases: [Self.lease(11)]))
        latecomerIn.signal()
        await writer.flush()
        #expect(store.transactions.withLockedValue { $0 }.prefix(2) == [1, 11])
        #expect(waits.withLockedValue { $0 } == 1)

        // One submission alone does not wait (a wait here would count, and last 5 s: nothing signals it).
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            writer.submit(StoreBatch(leases: [Self.lease(12)])) { _ in done.resume() }
        }
        #expect(waits.withLockedValue { $0 } == 1)
        #expect(store.transactions.withLockedValue { $0 }.last == 1)
    }

    @Test func whatWasSubmittedBeforeShutdownIsWritten() async throws {
        let store = RecordingStore()
        let writer = StoreWriter(store: store.inner, logger: Logger(label: "test"))
        let group = ServiceGroup(services: [writer], logger: Logger(label: "test"))
        async let running: Void = group.run()
        store.gate.withLockedValue { $0 = false }
        for n in 0..<20 { writer.submit(StoreBatch(leases: [Self.lease(n)])) }
        await group.triggerGracefulShutdown()
        store.gate.withLockedValue { $0 = true }
        try await running
        #expect(try store.loadLeases().count == 20)
    }

    @Test func repliesWaitOnlyForBindings() {
        let offer = Lease(
            ip: IPv4Address("198.18.0.9")!, mac: nil, clientID: nil, hostname: nil, state: .offered, expires: 1,
            updated: 1)
        var bound = offer
        bound.state = .bound
        #expect(![DHCPAction.commit(offer, replacing: nil)].repliesWaitForCommits)
        #expect([DHCPAction.commit(offer, replacing: nil), .commit(bound, replacing: offer)].repliesWaitForCommits)
        #expect(![DHCPAction]().repliesWaitForCommits)
    }

    /// A store that refuses one lease for good (the data, not the connection: `mayRetry` says no).
    final class PoisonStore: Store {
        struct Poison: Error {}
        let inner = InMemoryLeaseStore()
        let poison: IPv4Address
        let gate = NIOLockedValueBox<Bool>(true)
        init(poison: IPv4Address) { self.poison = poison }

        func write(_ batch: StoreBatch) throws -> StoreWriteResult {
            while gate.withLockedValue({ !$0 }) { usleep(1000) }
            if batch.leases.contains(where: { $0.ip == poison }) { throw Poison() }
            return try inner.write(batch)
        }
        func mayRetry(after error: any Error) -> Bool { !(error is Poison) }
        var location: String { "poison" }
        func loadLeases() throws -> [Lease] { try inner.loadLeases() }
        func save(_ leases: [Lease]) throws { try write(StoreBatch(leases: leases)) }
        func append(_ events: [TimelineEvent]) throws { try write(StoreBatch(events: events)) }
        func events(for mac: MACAddress, limit: Int) throws -> [TimelineEvent] { [] }
        func eventVersions() throws -> [String: Int64] { [:] }
        func events(named name: EventName, limit: Int) throws -> [TimelineEvent] { [] }
        func loadPhoneStates() throws -> [String: String] { [:] }
        func savePhoneState(mac: String, json: String) throws {}
        func loadClientNeeds() throws -> [MACAddress: [LearnedNeed]] { [:] }
    }

    /// One submission the store refuses for good costs only itself: the others of its group commit are
    /// written, and the writer goes on (it does not keep retrying a batch no retry can fix).
    @Test func aPoisonSubmissionIsDroppedAloneAndTheRestWritten() async throws {
        let store = PoisonStore(poison: Self.lease(3).ip)
        store.gate.withLockedValue { $0 = false }
        let writer = StoreWriter(store: store, logger: Logger(label: "test"))
        let failed = NIOLockedValueBox<[Int]>([])
        for n in 0..<6 {
            writer.submit(StoreBatch(leases: [Self.lease(n)])) { outcome in
                if case .failure = outcome { failed.withLockedValue { $0.append(n) } }
            }
        }
        store.gate.withLockedValue { $0 = true }
        await writer.flush()
        #expect(failed.withLockedValue { $0 } == [3])
        #expect(try store.loadLeases().count == 5)
        writer.submit(StoreBatch(leases: [Self.lease(9)]))
        await writer.flush()
        #expect(try store.loadLeases().count == 6)
        #expect(writer.health.problem == nil, "a refused change is not an outage")
    }
}
