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
        let inner: InMemoryLeaseStore

        init() {
            let (transactions, gate) = (transactions, gate)
            inner = InMemoryLeaseStore(beforeWrite: { batch in
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
}
