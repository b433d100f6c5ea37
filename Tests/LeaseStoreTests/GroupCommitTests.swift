import DHCPServerCore
import Foundation
import GRDB
import Testing
import Timeline
import WireSupport

@testable import LeaseStore

/// A group commit is all or nothing (`SQLiteRows.transaction`, BEGIN and COMMIT from the statement cache):
/// a batch that fails part-way leaves none of its rows, and the connection is ready for the next one.
@Suite struct GroupCommitTests {
    static let mac = MACAddress("02:00:00:00:00:01")!

    func lease(_ last: UInt8, _ state: Lease.State = .bound) -> Lease {
        Lease(
            ip: IPv4Address(10, 0, 0, last), mac: Self.mac, clientID: nil, hostname: nil, state: state,
            expires: 5000, updated: 1000)
    }

    func event(_ time: Int64) -> TimelineEvent {
        TimelineEvent(time: time, mac: Self.mac, name: .dhcp(.ackSent), level: .info, metadata: [.reason: "x"])
    }

    func store() throws -> (SQLiteLeaseStore, String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "dialtone-group-\(UUID().uuidString)/dialtone.sqlite"
        ).path
        return (try SQLiteLeaseStore(path: path), path)
    }

    /// RAISE(ABORT) fails the event insert after the lease went in: the lease must not stay.
    @Test(arguments: ["ABORT", "ROLLBACK", "FAIL"])
    func aBatchThatFailsPartWayLeavesNothing(_ raise: String) throws {
        let (store, path) = try store()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        try store.write(StoreBatch(leases: [lease(1)], events: [event(1)]))
        try store.queue.write { db in
            try db.execute(
                sql: "CREATE TRIGGER refuse BEFORE INSERT ON event BEGIN SELECT RAISE(\(raise), 'refused'); END")
        }
        #expect(throws: DatabaseError.self) {
            try store.write(StoreBatch(leases: [lease(2)], events: [event(2)]))
        }
        // A transaction left open would already have trapped in GRDB at the end of `write`; said here too.
        #expect(try store.queue.writeWithoutTransaction { !$0.isInsideTransaction })
        #expect(try SQLiteLeaseStore(path: path).loadLeases() == [lease(1)])
        try store.queue.write { try $0.execute(sql: "DROP TRIGGER refuse") }
        // The same statements, cached, work again: the next batch commits whole.
        try store.write(StoreBatch(leases: [lease(3)], events: [event(3)]))
        #expect(try SQLiteLeaseStore(path: path).loadLeases() == [lease(1), lease(3)])
        #expect(try store.events(for: Self.mac, limit: 5).map(\.time) == [3, 1])
    }
}
