import DHCPServerCore
import Foundation
import GRDB
import GRDBSQLite
import Synchronization
import Testing
import Timeline
import WireSupport

@testable import LeaseStore

/// Which commits pay for an fsync (`StoreBatch.needsSync`): the ones carrying a promise. Offer holds and
/// events ride along with the next synced commit (SQLiteLeaseStore's header).
// Serialized: two tests count syncs through `LogSyncCounter`'s globals.
@Suite(.serialized) struct StoreSyncTests {
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

    /// Only a promise's commit syncs the write-ahead log, and each one does: counted on SQLite's own file
    /// object for the log (`LogSyncCounter`), so it holds whoever asks for the sync, SQLite at FULL or the
    /// store after the commit.
    @Test func sqliteSyncsOnlyCommitsWithPromises() throws {
        let path = temporaryPath()
        let store = try SQLiteLeaseStore(path: path)
        #expect(store.syncsLogItself)
        #expect(try store.queue.read { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == 1, "NORMAL")
        try store.write(StoreBatch(leases: [lease(.offered)], events: [event]))
        let counter = try LogSyncCounter(store)
        defer { try? counter.remove(store) }

        try store.write(StoreBatch(leases: [lease(.offered)], events: [event]))
        #expect(counter.syncs == 0, "a hold and an event ride along")
        try store.write(StoreBatch(leases: [lease(.bound)]))
        #expect(counter.syncs == 1, "a binding is synced before write returns")
        #expect(try SQLiteLeaseStore(path: path).loadLeases() == [lease(.bound)])
        try store.write(StoreBatch(events: [event]))
        #expect(counter.syncs == 1)
        try store.write(StoreBatch(phoneStates: ["02:00:00:00:00:01": "{}"]))
        try store.write(StoreBatch(clientNeeds: [Self.mac: [LearnedNeed(.smallReplies, learnedAt: 1, evidence: "e")]]))
        #expect(counter.syncs == 3, "a phone's state and a learned need are promises too")
        for _ in 0..<3 {
            try store.write(StoreBatch(leases: [lease(.offered)]))
            try store.write(StoreBatch(leases: [lease(.released)]))
        }
        #expect(counter.syncs == 6)
        #expect(counter.syncsInsideTransactions == 0, "each after its COMMIT, not before")
        #expect(try store.events(for: Self.mac, limit: 5).count == 3)
    }

    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent(
            "dialtone-sync-\(UUID().uuidString)/dialtone.sqlite"
        ).path
    }

    /// A store in a new file, its log opened by a first hold, and its log's syncs counted from then on.
    func countedStore() throws -> (path: String, store: SQLiteLeaseStore, counter: LogSyncCounter) {
        let path = temporaryPath()
        let store = try SQLiteLeaseStore(path: path)
        try store.write(StoreBatch(leases: [lease(.offered)]))
        return (path, store, try LogSyncCounter(store))
    }

    func logSize(_ path: String) throws -> Int? {
        try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int
    }

    /// A failed sync: the write throws (no promise is made), and the log is emptied into the database file at
    /// once (`PRAGMA wal_checkpoint(TRUNCATE)`), so no later commit is chained onto frames the disk may have
    /// lost; the next promise is synced as before.
    @Test func aFailedSyncMakesNoPromiseAndEmptiesTheLog() throws {
        let (path, store, counter) = try countedStore()
        defer { try? counter.remove(store) }

        LogSyncCounter.failNext = 1
        #expect(throws: DatabaseError.self) { try store.write(StoreBatch(leases: [lease(.bound)])) }
        #expect(!store.logSync.suspect)
        #expect(try logSize(path) == 0, "the log was emptied and truncated")
        #expect(try SQLiteLeaseStore(path: path).loadLeases() == [lease(.bound)], "in the database file")
        let before = counter.syncs
        try store.write(StoreBatch(leases: [lease(.released)]))
        // SQLite syncs the header of a log it starts again (sqlite3WalFrames), then the commit's own sync.
        #expect(counter.syncs == before + 2)
        #expect(try SQLiteLeaseStore(path: path).loadLeases() == [lease(.released)])
    }

    /// When the log cannot be emptied at once (here its own sync fails again inside the checkpoint), it stays
    /// suspect: holds still commit, and the next promise empties it first.
    @Test func aSuspectLogIsEmptiedBeforeTheNextPromise() throws {
        let (path, store, counter) = try countedStore()
        defer { try? counter.remove(store) }

        LogSyncCounter.failNext = 2
        #expect(throws: DatabaseError.self) { try store.write(StoreBatch(leases: [lease(.bound)])) }
        #expect(store.logSync.suspect)
        #expect(try logSize(path) ?? 0 > 0)
        try store.write(StoreBatch(leases: [lease(.offered)], events: [event]))
        #expect(store.logSync.suspect, "a hold makes no promise and leaves the log as it is")
        LogSyncCounter.failNext = 1
        #expect(throws: DatabaseError.self, "the checkpoint before the promise fails: no promise") {
            try store.write(StoreBatch(leases: [lease(.bound)]))
        }
        #expect(store.logSync.suspect)
        let before = counter.syncs
        try store.write(StoreBatch(leases: [lease(.released)]))
        #expect(!store.logSync.suspect)
        #expect(counter.syncs == before + 3, "the checkpoint's sync, the new log's header, the commit's")
        #expect(try SQLiteLeaseStore(path: path).loadLeases() == [lease(.released)])
    }

    /// SQLite's automatic checkpoint (every 1,000 frames) syncs the log inside a COMMIT and would drop a failure;
    /// the store's hook marks the log suspect instead, and the next promise empties it first.
    @Test func aFailedAutomaticCheckpointIsNotIgnored() throws {
        let (path, store, counter) = try countedStore()
        defer { try? counter.remove(store) }

        LogSyncCounter.failNext = 1
        var holds = 0
        while counter.syncs == 0 && holds < 2000 {  // holds alone sync nothing until the checkpoint
            try store.write(StoreBatch(leases: [lease(.offered)], events: [event]))
            holds += 1
        }
        #expect(counter.syncs == 1, "the automatic checkpoint ran, after \(holds) holds")
        #expect(store.logSync.suspect)
        try store.write(StoreBatch(leases: [lease(.bound)]))
        #expect(!store.logSync.suspect)
        #expect(try SQLiteLeaseStore(path: path).loadLeases() == [lease(.bound)])
    }

    /// The same when the commit that crosses the threshold carries a promise: its own sync succeeds, but the
    /// promise stands only once the log the checkpoint left suspect has been emptied.
    @Test func aPromiseWhoseCheckpointFailedWaitsForTheLogToBeEmptied() throws {
        let (path, store, counter) = try countedStore()
        defer { try? counter.remove(store) }

        // A log not yet checkpointed holds its 32-byte header and frames of 24 + 4,096 bytes.
        func frames() throws -> Int { max(0, (try logSize(path) ?? 0) - 32) / 4120 }
        while try frames() < Int(WriteAheadLogSync.autoCheckpointFrames) - 40 {
            try store.write(StoreBatch(leases: [lease(.offered)], events: [event]))
        }
        #expect(counter.syncs == 0)
        // A binding with 200 KiB of events: its commit alone takes the log past the threshold.
        let big = TimelineEvent(
            time: 1, mac: Self.mac, name: .dhcp(.offerSent), level: .info,
            metadata: [.reason: String(repeating: "x", count: 1024)])
        LogSyncCounter.failNext = 1
        try store.write(StoreBatch(leases: [lease(.bound)], events: Array(repeating: big, count: 200)))
        #expect(counter.syncs >= 3, "the checkpoint's (failed), the commit's, the emptying checkpoint's")
        #expect(!store.logSync.suspect)
        #expect(try logSize(path) == 0, "emptied before write returned")
        #expect(try SQLiteLeaseStore(path: path).loadLeases() == [lease(.bound)])
    }

    /// Where the file cannot be in WAL mode (here an in-memory database, whose journal mode stays "memory"),
    /// the connection stays at FULL and a binding is written without a log to sync (no error).
    @Test func withoutWALEveryCommitIsSyncedBySQLite() throws {
        let store = try SQLiteLeaseStore(path: ":memory:")
        #expect(!store.syncsLogItself)
        #expect(try store.queue.read { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == 2, "FULL")
        try store.write(StoreBatch(leases: [lease(.bound)]))
        #expect(try store.loadLeases() == [lease(.bound)])
    }
}

/// Counts the syncs of one store's write-ahead log: the log's `sqlite3_file` gets a copy of its methods whose
/// `xSync` counts and then calls SQLite's own. One store at a time (the count and the original are global,
/// since a C function pointer cannot capture).
final class LogSyncCounter {
    typealias Sync = @convention(c) (UnsafeMutablePointer<sqlite3_file>?, Int32) -> Int32
    nonisolated(unsafe) private static var original: Sync?
    /// The store's connection, to ask whether a sync came inside a transaction.
    nonisolated(unsafe) private static var connection: OpaquePointer?
    /// How many of the next syncs fail (SQLITE_IOERR_FSYNC) without reaching the file.
    nonisolated(unsafe) static var failNext = 0
    private static let count = Atomic<Int>(0)
    private static let insideTransactions = Atomic<Int>(0)
    private let methods = UnsafeMutablePointer<sqlite3_io_methods>.allocate(capacity: 1)
    private var originalMethods: UnsafePointer<sqlite3_io_methods>?

    var syncs: Int { Self.count.load(ordering: .relaxed) }
    var syncsInsideTransactions: Int { Self.insideTransactions.load(ordering: .relaxed) }

    init(_ store: SQLiteLeaseStore) throws {
        Self.count.store(0, ordering: .relaxed)
        Self.insideTransactions.store(0, ordering: .relaxed)
        Self.failNext = 0
        try store.queue.writeWithoutTransaction { db in
            Self.connection = db.sqliteConnection
            let file = try #require(Self.log(db))
            let current = try #require(file.pointee.pMethods)
            originalMethods = current
            methods.initialize(to: current.pointee)
            Self.original = current.pointee.xSync
            methods.pointee.xSync = { file, flags in
                LogSyncCounter.count.add(1, ordering: .relaxed)
                if sqlite3_get_autocommit(LogSyncCounter.connection) == 0 {
                    LogSyncCounter.insideTransactions.add(1, ordering: .relaxed)
                }
                if LogSyncCounter.failNext > 0 {
                    LogSyncCounter.failNext -= 1
                    return SQLITE_IOERR | (4 << 8)  // SQLITE_IOERR_FSYNC
                }
                return LogSyncCounter.original?(file, flags) ?? SQLITE_MISUSE
            }
            file.pointee.pMethods = UnsafePointer(methods)
        }
    }

    /// Puts SQLite's methods back before the store closes the log.
    func remove(_ store: SQLiteLeaseStore) throws {
        try store.queue.writeWithoutTransaction { db in
            if let file = Self.log(db), file.pointee.pMethods == UnsafePointer(methods) {
                file.pointee.pMethods = originalMethods
            }
        }
    }

    private static func log(_ db: Database) -> UnsafeMutablePointer<sqlite3_file>? {
        var file: UnsafeMutablePointer<sqlite3_file>?
        guard sqlite3_file_control(db.sqliteConnection, "main", SQLITE_FCNTL_JOURNAL_POINTER, &file) == SQLITE_OK
        else { return nil }
        return file
    }
}
