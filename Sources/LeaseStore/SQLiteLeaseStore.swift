import DHCPServerCore
import Foundation
import GRDB
import Synchronization
import Timeline
import WireSupport

/// The embedded default store: one SQLite file in `state_dir`, in WAL mode. A batch carrying a promise
/// (`StoreBatch.needsSync`: a binding, a release, a phone's state, a learned need) is durable before `write`
/// returns: its commit is followed by the sync of the write-ahead log that `synchronous=FULL` makes at every
/// commit (`WriteAheadLogSync`, which also handles a sync that fails). A batch without one (offer holds and
/// events only) is not synced on its own: it is appended to the same log, so it survives a crash of the
/// process at once and a power cut as soon as the next synced commit or checkpoint flushes the log. At a low
/// rate that was one fsync of two or three per DHCP exchange, each a VM exit here (bench/dhcp). The
/// connection runs at `synchronous=NORMAL`; if the file cannot be put in WAL mode (SQLite keeps the old mode
/// where it cannot use WAL), it runs at FULL and every commit is synced.
public final class SQLiteLeaseStore: Store {
    public let path: String
    public var location: String { path }
    let queue: DatabaseQueue
    /// Events kept in all; older ones are pruned so the file stays bounded.
    public let maxEvents: Int
    /// Events appended since the last prune: pruning runs every `maxEvents / 100` appends (and at the first
    /// append after opening, for a file written under a larger bound).
    private let sincePrune = Mutex(Int.max / 2)
    /// The file is in WAL mode, so the connection runs at NORMAL and syncs the log after a promise's commit.
    /// false: at FULL, every commit synced by SQLite itself.
    let syncsLogItself: Bool
    /// Set once, by the first write, inside the connection's serialized writes (`writerStatements`).
    nonisolated(unsafe) private var heldStatements: WriterStatements?
    /// Syncs the log after a promise's commit, and knows whether a sync has failed (`WriteAheadLogSync`).
    let logSync: WriteAheadLogSync

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
        // SQLite answers with the mode it is in, which stays the old one where WAL cannot be used.
        let logSync = WriteAheadLogSync()
        self.logSync = logSync
        syncsLogItself = try queue.writeWithoutTransaction { db in
            guard try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")?.lowercased() == "wal" else { return false }
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            logSync.installCheckpointHook(db)
            return true
        }
        try Self.migrator.migrate(queue)
    }

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
            let rows = SQLiteRows(db: db, statements: try writerStatements(db))
            let logSync = sync && syncsLogItself ? self.logSync : nil
            try logSync?.prepareForPromise(db)
            try rows.transaction { try write(batch, leases: leases, events: events, rows) }
            try logSync?.sync(db)
        }
        return StoreWriteResult()
    }

    /// The writer's held statements, prepared at the first write (`WriterStatements`). Only ever touched inside
    /// `writeWithoutTransaction`, which GRDB runs one at a time.
    private func writerStatements(_ db: Database) throws -> WriterStatements {
        if let prepared = heldStatements { return prepared }
        let prepared = try WriterStatements(db)
        heldStatements = prepared
        return prepared
    }

    /// One transaction's rows.
    private func write(_ batch: StoreBatch, leases: [Lease], events: [TimelineEvent], _ rows: SQLiteRows) throws {
        let db = rows.db
        for (mac, json) in batch.phoneStates {
            try db.execute(sql: "INSERT OR REPLACE INTO phone (mac, state) VALUES (?, ?)", arguments: [mac, json])
        }
        if !leases.isEmpty { try rows.insert(leases) }
        if !events.isEmpty { try insert(events, rows) }
        if !batch.clientNeeds.isEmpty || !batch.forgotten.isEmpty {
            try Self.replaceClientNeeds(batch.clientNeeds, forgotten: batch.forgotten, db)
        }
    }

    private func insert(_ events: [TimelineEvent], _ rows: SQLiteRows) throws {
        let db = rows.db
        try rows.insert(events)
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
