import DHCPServerCore
import Foundation
import GRDB
import Testing
import Timeline
import WireSupport

@testable import LeaseStore

/// Which commits pay for an fsync (`StoreBatch.needsSync`): the ones carrying a promise. Offer holds and
/// events ride along with the next synced commit (SQLiteLeaseStore's header).
@Suite struct StoreSyncTests {
    static let mac = MACAddress("02:00:00:00:00:01")!

    func lease(_ state: Lease.State) -> Lease {
        Lease(
            ip: IPv4Address("10.0.0.1")!, mac: Self.mac, clientID: nil, hostname: nil, state: state, expires: 5000,
            updated: 1000)
    }

    var event: TimelineEvent {
        TimelineEvent(time: 1, mac: Self.mac, name: .dhcp(.offerSent), level: .info, metadata: [.reason: "x"])
    }

    @Test func onlyPromisesNeedSync() {
        #expect(!StoreBatch(leases: [lease(.offered)], events: [event]).needsSync)
        #expect(!StoreBatch(events: [event]).needsSync)
        for state in [Lease.State.bound, .released, .declined] {
            #expect(StoreBatch(leases: [lease(.offered), lease(state)]).needsSync, "\(state)")
        }
        #expect(StoreBatch(phoneStates: ["02:00:00:00:00:01": "{}"]).needsSync)
        let need = LearnedNeed(.smallReplies, learnedAt: 1, evidence: "e")
        #expect(StoreBatch(clientNeeds: [Self.mac: [need]]).needsSync)
        #expect(StoreBatch(clientNeeds: [Self.mac: []]).needsSync, "a forget is a promise too")
    }

    /// The connection switches to NORMAL for a hold and back to FULL for a binding, and both are in the file.
    @Test func sqliteSyncsOnlyCommitsWithPromises() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "dialtone-sync-\(UUID().uuidString)/dialtone.sqlite"
        ).path
        let store = try SQLiteLeaseStore(path: path)
        func synchronous() throws -> Int? { try store.queue.read { try Int.fetchOne($0, sql: "PRAGMA synchronous") } }
        #expect(try synchronous() == 2)
        try store.write(StoreBatch(leases: [lease(.offered)], events: [event]))
        #expect(try synchronous() == 1)
        #expect(try SQLiteLeaseStore(path: path).loadLeases() == [lease(.offered)])
        try store.write(StoreBatch(leases: [lease(.bound)]))
        #expect(try synchronous() == 2)
        #expect(try SQLiteLeaseStore(path: path).loadLeases() == [lease(.bound)])
        #expect(try store.events(for: Self.mac, limit: 5) == [event])
        // Again, from the statement cache this time: a PRAGMA's effect is made when it is compiled, so a
        // cached one that SQLite did not compile again would leave a binding's commit unsynced.
        for _ in 0..<3 {
            try store.write(StoreBatch(leases: [lease(.offered)]))
            #expect(try synchronous() == 1)
            try store.write(StoreBatch(leases: [lease(.bound)]))
            #expect(try synchronous() == 2)
        }
    }
}
