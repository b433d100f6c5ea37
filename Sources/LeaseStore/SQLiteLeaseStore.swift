import DHCPServerCore
import Foundation
import GRDB
import Synchronization
import Timeline
import WireSupport

/// The embedded default store: one SQLite file in `state_dir`, WAL mode, `synchronous=FULL` so a committed
/// transaction survives a crash or power loss before `save` returns. A batch without a promise in it
/// (`StoreBatch.needsSync`: offer holds and events only) commits with `synchronous=NORMAL`, no fsync: it is
/// appended to the same write-ahead log, so it survives a crash of the process at once and a power cut as
/// soon as the next synced commit or checkpoint flushes the log (SQLite "PRAGMA synchronous", WAL mode).
/// At a low rate that was one fsync of two or three per DHCP exchange, each a VM exit here (bench/dhcp).
public final class SQLiteLeaseStore: Store {
    public let path: String
    public var location: String { path }
    let queue: DatabaseQueue
    /// Events kept in all; older ones are pruned so the file stays bounded.
    public let maxEvents: Int
    /// Events appended since the last prune: pruning runs every `maxEvents / 100` appends (and at the first
    /// append after opening, for a file written under a larger bound).
    private let sincePrune = Mutex(Int.max / 2)
    /// The connection's `synchronous` setting now (true: FULL), changed only when a batch needs the other.
    private let syncing = Mutex(true)

    public init(path: String, maxEvents: Int = 200_000) throws {
        self.path = path
        // At least one: pruning keeps the newest row, so ids never restart (the device views key on them).
        self.maxEvents = max(1, maxEvents)
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        configuration.busyMode = .timeout(5)
        queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
        try Self.migrator.migrate(queue)
    }

    /// Schema changes append a migration; never edit a shipped one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: leases and events") { db in
            try db.create(table: "lease") { t in
                t.primaryKey("ip", .integer)
                t.column("mac", .text)
                t.column("client_id", .blob)
                t.column("hostname", .text)
                t.column("state", .text).notNull()
                t.column("expires", .integer).notNull()
                t.column("updated", .integer).notNull()
            }
            try db.create(table: "event") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("time", .integer).notNull()
                t.column("mac", .text)
                t.column("name", .text).notNull()
                t.column("level", .text).notNull()
                t.column("metadata", .text).notNull()
            }
            try db.create(index: "event_by_mac", on: "event", columns: ["mac", "id"])
        }
        migrator.registerMigration("v2: phone provisioning state") { db in
            try db.create(table: "phone") { t in
                t.primaryKey("mac", .text)
                t.column("state", .text).notNull()
            }
        }
        migrator.registerMigration("v3: events by name (the dashboard's Syslog tab)") { db in
            try db.create(index: "event_by_name", on: "event", columns: ["name", "id"])
        }
        migrator.registerMigration("v4: learned client needs") { db in
            try db.create(table: "client_need") { t in
                t.column("mac", .text).notNull()
                t.column("need", .text).notNull()
                t.column("learned_at", .integer).notNull()
                t.column("evidence", .text).notNull()
                t.primaryKey(["mac", "need"])
            }
        }
        migrator.registerMigration("v5: fewer pages per event insert") { db in
            try db.execute(sql: eventTableV5)
        }
        return migrator
    }

    /// Every event insert wrote four B-tree pages besides the lease's: the table's, `sqlite_sequence`'s
    /// (AUTOINCREMENT keeps the highest id there), and one leaf of each of two indexes. At 20 exchanges/s
    /// that was ~4.7 WAL frames per commit, each checksummed and written (callgrind, bench/dhcp,
    /// docs/benchmarks.md). Now: a plain INTEGER PRIMARY KEY, whose new id is the table's last plus one, so
    /// ids still only grow while pruning keeps the newest rows; the MAC index on `mac` alone (an index entry
    /// ends with the row id, so it is still ordered by (mac, id) and covers MAX(id) per MAC); and the only
    /// name ever looked up, the dashboard's syslog messages, in a partial index that no other event touches.
    /// The table is copied once, in the migration's transaction, ids and all.
    static let eventTableV5 = """
        CREATE TABLE event_v5 (
            id INTEGER PRIMARY KEY, time INTEGER NOT NULL, mac TEXT, name TEXT NOT NULL,
            level TEXT NOT NULL, metadata TEXT NOT NULL);
        INSERT INTO event_v5 (id, time, mac, name, level, metadata)
            SELECT id, time, mac, name, level, metadata FROM event ORDER BY id;
        DROP TABLE event;
        ALTER TABLE event_v5 RENAME TO event;
        CREATE INDEX event_by_mac ON event (mac);
        CREATE INDEX event_syslog ON event (id) WHERE name = '\(EventName.syslog(.message).rawValue)';
        """

    public func loadPhoneStates() throws -> [String: String] {
        try queue.read { db in
            Dictionary(
                uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT mac, state FROM phone").map {
                    ($0["mac"] as String, $0["state"] as String)
                })
        }
    }

    public func savePhoneState(mac: String, json: String) throws { try write(StoreBatch(phoneStates: [mac: json])) }

    public func loadLeases() throws -> [Lease] {
        try queue.read { db in
            try Row.fetchAll(
                db, sql: "SELECT ip, mac, client_id, hostname, state, expires, updated FROM lease ORDER BY ip"
            ).map { row in
                Lease(
                    ip: IPv4Address(rawValue: UInt32(truncatingIfNeeded: row["ip"] as Int64)),
                    mac: (row["mac"] as String?).flatMap { MACAddress($0) },
                    clientID: (row["client_id"] as Data?).map { Array($0) },
                    hostname: row["hostname"],
                    state: Lease.State(rawValue: row["state"]) ?? .released,
                    expires: row["expires"], updated: row["updated"])
            }
        }
    }

    public func save(_ leases: [Lease]) throws { try write(StoreBatch(leases: leases)) }

    public func append(_ events: [TimelineEvent]) throws { try write(StoreBatch(events: events)) }

    /// Busy, locked, full disks and I/O errors pass; anything else (a constraint, a corrupt file) is the
    /// data's or the file's fault and would fail again.
    public func mayRetry(after error: any Error) -> Bool {
        guard let error = error as? DatabaseError else { return true }
        return [.SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_CANTOPEN].contains(
            error.resultCode)
    }

    /// One server writes this file (the state directory lock says so), so every change is written as it is.
    @discardableResult public func write(_ batch: StoreBatch) throws -> StoreWriteResult {
        guard !batch.isEmpty else { return StoreWriteResult() }
        let leases = batch.leases, events = batch.events, sync = batch.needsSync
        try queue.writeWithoutTransaction { db in
            if syncing.withLock({ $0 }) != sync {
                // Prepared once: parsing the PRAGMA at each switch cost ~17k instructions (callgrind, bench/dhcp).
                try db.cachedStatement(sql: sync ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
                    .execute()
                syncing.withLock { $0 = sync }
            }
            try SQLiteRows(db: db).transaction { try write(batch, leases: leases, events: events, db) }
        }
        return StoreWriteResult()
    }

    /// One transaction's rows.
    private func write(_ batch: StoreBatch, leases: [Lease], events: [TimelineEvent], _ db: Database) throws {
        for (mac, json) in batch.phoneStates {
            try db.execute(sql: "INSERT OR REPLACE INTO phone (mac, state) VALUES (?, ?)", arguments: [mac, json])
        }
        if !leases.isEmpty { try SQLiteRows(db: db).insert(leases) }
        if !events.isEmpty { try insert(events, db) }
        if !batch.clientNeeds.isEmpty || !batch.forgotten.isEmpty {
            try Self.replaceClientNeeds(batch.clientNeeds, forgotten: batch.forgotten, db)
        }
    }

    private func insert(_ events: [TimelineEvent], _ db: Database) throws {
        try SQLiteRows(db: db).insert(events)
        let due = sincePrune.withLock { n in
            n += events.count
            if n < max(1, maxEvents / 100) { return false }
            n = 0
            return true
        }
        guard due else { return }
        // Ids only grow (a new id is the last one plus one, and with `maxEvents` at least 1 the newest row is
        // never deleted): everything more than `maxEvents` ids behind the newest goes, by a rowid range, with
        // no count(*) (an index scan of up to `maxEvents` rows) per prune. Gaps in the ids only leave fewer
        // rows than the bound.
        let cutoff = db.lastInsertedRowID - Int64(maxEvents)
        if cutoff > 0 { try db.execute(sql: "DELETE FROM event WHERE id <= ?", arguments: [cutoff]) }
    }

    public func events(for mac: MACAddress, limit: Int) throws -> [TimelineEvent] {
        try fetchEvents(where: Self.macCondition, [mac.description], limit: limit)
    }

    public func eventVersions() throws -> [String: Int64] {
        // Answered from the (mac, id) index alone.
        try queue.read { db in
            var versions: [String: Int64] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT mac, MAX(id) FROM event WHERE mac IS NOT NULL GROUP BY mac")
            while let row = try rows.next() { versions[row[0]] = row[1] }
            return versions
        }
    }

    public func events(named name: EventName, limit: Int) throws -> [TimelineEvent] {
        try fetchEvents(where: Self.nameCondition(name), [], limit: limit)
    }

    static let macCondition = "mac = ?"

    /// The name as a literal, so that the plan matches the partial index (`event_syslog`) when the statement
    /// is compiled; with a parameter SQLite matches it only by compiling again once the value is bound.
    /// Quoted as SQL text, whatever the name (an `.other` name comes from a stored row).
    static func nameCondition(_ name: EventName) -> String {
        "name = '" + name.rawValue.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// The one query behind both lookups, newest first.
    static func eventQuery(where condition: String) -> String {
        "SELECT time, mac, name, level, metadata FROM event WHERE \(condition) ORDER BY id DESC LIMIT ?"
    }

    private func fetchEvents(where condition: String, _ values: [String], limit: Int) throws -> [TimelineEvent] {
        try queue.read { db in
            try Row.fetchAll(
                db,
                sql: Self.eventQuery(where: condition),
                arguments: StatementArguments(values) + [limit]
            ).map { row in
                let text: String = row["metadata"]
                let metadata =
                    MetadataJSON.decode(text) ?? (try? JSONSerialization.jsonObject(with: Data(text.utf8)))
                    as? [String: String] ?? [:]
                return TimelineEvent(
                    time: row["time"], mac: (row["mac"] as String?).flatMap { MACAddress($0) }, storedName: row["name"],
                    level: row["level"],
                    storedMetadata: metadata)
            }
        }
    }
}
