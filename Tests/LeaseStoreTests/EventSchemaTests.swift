import DHCPServerCore
import Foundation
import GRDB
import Testing
import Timeline
import WireSupport

@testable import LeaseStore

/// The event table of migration v5 (`SQLiteLeaseStore.eventTableV5`): fewer B-tree pages per commit, the
/// same rows and ids as before, and the same answers.
@Suite struct EventSchemaTests {
    static let mac = MACAddress("02:00:00:00:00:05")!

    func path() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent(
            "dialtone-schema-\(UUID().uuidString)/dialtone.sqlite"
        ).path
    }

    func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
    }

    /// Frames in the write-ahead log, read from a connection of our own: after a TRUNCATE checkpoint the log
    /// holds exactly the pages the next commit wrote.
    func walFrames(_ path: String) throws -> Int {
        try DatabaseQueue(path: path).writeWithoutTransaction { db in
            try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")![1] as Int
        }
    }

    func truncateWAL(_ path: String) throws {
        try DatabaseQueue(path: path).writeWithoutTransaction { db in
            _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }

    /// A DHCP reply's commit (a lease and an event) writes three pages: the lease's, the event's and one
    /// leaf of the MAC index. With AUTOINCREMENT and the name index it wrote five (sqlite_sequence and the
    /// name index's leaf besides). A syslog message adds its partial index's page.
    @Test func aReplysCommitWritesThreePages() throws {
        let path = path()
        defer { remove(path) }
        let store = try SQLiteLeaseStore(path: path)
        let lease = Lease(
            ip: IPv4Address(10, 0, 0, 1), mac: Self.mac, clientID: nil, hostname: nil, state: .bound, expires: 9,
            updated: 1)
        let ack = TimelineEvent(time: 1, mac: Self.mac, name: .dhcp(.ackSent), level: .info, metadata: [:])
        // The first append after opening also prunes (a file written under a larger bound): out of the count.
        try store.write(StoreBatch(leases: [lease], events: [ack]))
        try truncateWAL(path)
        try store.write(StoreBatch(leases: [lease], events: [ack]))
        #expect(try walFrames(path) == 3)
        try truncateWAL(path)
        let line = TimelineEvent(time: 2, mac: Self.mac, name: .syslog(.message), level: .info, metadata: [:])
        try store.write(StoreBatch(leases: [lease], events: [line]))
        #expect(try walFrames(path) == 4)
        #expect(try store.events(named: .syslog(.message), limit: 5).map(\.time) == [2])
    }

    /// A file written before v5 (every migration up to v4, AUTOINCREMENT ids with a pruned gap) keeps every
    /// row and id; new ids continue after the highest; the lookups use the new indexes.
    @Test func anOlderFileKeepsItsEventsAndIds() throws {
        let path = path()
        defer { remove(path) }
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let old = try DatabaseQueue(path: path)
        try SQLiteLeaseStore.migrator.migrate(old, upTo: "v4: learned client needs")
        try old.write { db in
            for (id, name) in [(7, "dhcp.offer.sent"), (9, "syslog.message"), (12, "dhcp.ack.sent")] {
                try db.execute(
                    sql: "INSERT INTO event (id, time, mac, name, level, metadata) VALUES (?, ?, ?, ?, 'info', '{}')",
                    arguments: [id, id * 10, Self.mac.description, name])
            }
        }
        try old.close()
        let store = try SQLiteLeaseStore(path: path)
        #expect(try store.events(for: Self.mac, limit: 10).map(\.time) == [120, 90, 70])
        #expect(try store.events(named: .syslog(.message), limit: 10).map(\.time) == [90])
        #expect(try store.eventVersions() == [Self.mac.description: 12])
        try store.append([TimelineEvent(time: 130, mac: Self.mac, name: .dhcp(.ackSent), level: .info, metadata: [:])])
        #expect(try store.eventVersions() == [Self.mac.description: 13])
        let plans = try store.queue.read { db in
            // The store's own statements (eventVersions' is written out: it has no builder).
            let statements: [(String, StatementArguments)] = [
                (SQLiteLeaseStore.eventQuery(where: SQLiteLeaseStore.macCondition), [Self.mac.description, 5]),
                ("SELECT mac, MAX(id) FROM event WHERE mac IS NOT NULL GROUP BY mac", []),
                (SQLiteLeaseStore.eventQuery(where: SQLiteLeaseStore.nameCondition(.syslog(.message))), [5]),
            ]
            return try statements.map { sql, arguments in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map {
                    $0["detail"] as String
                }.joined()
            }
        }
        #expect(plans[0].contains("USING INDEX event_by_mac") && !plans[0].contains("TEMP B-TREE"))
        #expect(plans[1].contains("COVERING INDEX event_by_mac"))
        #expect(plans[2].contains("USING INDEX event_syslog") && !plans[2].contains("TEMP B-TREE"))
        let sequence = try store.queue.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_sequence WHERE name = 'event'")
        }
        #expect(sequence == 0)
    }
}
