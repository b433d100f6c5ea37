import DHCPServerCore
import Foundation
import GRDB
import GRDBSQLite
import Timeline

/// The group commit's row inserts, bound with SQLite's own calls on the writer's held statements. Under a DHCP
/// flood the writer inserts a lease and an event row per reply; going through `StatementArguments` built
/// an array of `DatabaseValue`s per row and cost more instructions than SQLite's insert itself (callgrind,
/// bench/dhcp/run.sh, docs/benchmarks.md). Same SQL, same values, same errors (a `DatabaseError` carrying
/// SQLite's result code, which `mayRetry` reads); only the binding is direct.
struct SQLiteRows {
    let db: Database
    let statements: WriterStatements

    static let leaseSQL = """
        INSERT OR REPLACE INTO lease (ip, mac, client_id, hostname, state, expires, updated)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """
    static let eventSQL = "INSERT INTO event (time, mac, name, level, metadata) VALUES (?, ?, ?, ?, ?)"

    func insert(_ leases: [Lease]) throws {
        let s = statements.insertLease.sqliteStatement
        for lease in leases {
            sqlite3_reset(s)
            sqlite3_bind_int64(s, 1, Int64(lease.ip.rawValue))
            if let id = lease.clientID {
                // Through Data, as GRDB bound it (an empty one has no base address: NULL, as before).
                Data(id).withUnsafeBytes { raw in
                    _ = sqlite3_bind_blob(s, 3, raw.baseAddress, Int32(raw.count), transient)
                }
            } else {
                sqlite3_bind_null(s, 3)
            }
            sqlite3_bind_int64(s, 6, lease.expires)
            sqlite3_bind_int64(s, 7, lease.updated)
            try withText(s, 2, lease.mac?.description) {
                try withText(s, 4, lease.hostname) {
                    try withText(s, 5, lease.state.rawValue) { try step(s, Self.leaseSQL) }
                }
            }
        }
        sqlite3_reset(s)
    }

    func insert(_ events: [TimelineEvent]) throws {
        let s = statements.insertEvent.sqliteStatement
        for event in events {
            sqlite3_reset(s)
            sqlite3_bind_int64(s, 1, event.time)
            try withText(s, 2, event.mac?.description) {
                try withText(s, 3, event.name.rawValue) {
                    try withText(s, 4, event.level.rawValue) {
                        try MetadataJSON.utf8(event.metadata).withUnsafeBufferPointer { json in
                            _ = sqlite3_bind_text(s, 5, json.baseAddress, Int32(json.count), nil)
                            try step(s, Self.eventSQL)
                        }
                    }
                }
            }
        }
        sqlite3_reset(s)
    }

    /// `body` in one IMMEDIATE transaction (what GRDB's `inTransaction` opens for a writer), with BEGIN and
    /// COMMIT prepared once (`WriterStatements`): `inTransaction` parsed both again for every transaction (BEGIN about
    /// 18k instructions, COMMIT's parse about 9k; callgrind, bench/dhcp, docs/benchmarks.md). GRDB
    /// still sees both statements (it reads their effect when they are prepared, and observes the commit).
    /// On any error the transaction is rolled back and the error rethrown; if SQLite already rolled it back
    /// (SQLITE_FULL, SQLITE_IOERR and the like may), the COMMIT is not reached: the rows did not go in
    /// one by one behind our back, because every failed step throws at once.
    func transaction(_ body: () throws -> Void) throws {
        try statements.begin.execute()
        do {
            try body()
            guard db.isInsideTransaction else {
                throw DatabaseError(resultCode: .SQLITE_ABORT, message: "the transaction was rolled back by SQLite")
            }
            try statements.commit.execute()
        } catch {
            try? db.rollback()  // only when still open (GRDB checks)
            throw error
        }
    }

    /// SQLITE_TRANSIENT: SQLite copies the bytes before the call returns (the macro is not imported).
    private var transient: sqlite3_destructor_type {
        unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
    }

    /// Binds `text` as a C string up to its first NUL, as GRDB binds a String, and runs `body` while it is
    /// bound. SQLITE_STATIC (a nil destructor): SQLite reads the caller's bytes during the step instead of
    /// copying them into a buffer of its own at the bind (an allocation and a copy per text, ~740
    /// instructions a bind in a loaded callgrind run). `step` clears the bindings before the bytes go, so no
    /// later use of the held statement can read them.
    private func withText(_ s: OpaquePointer, _ index: Int32, _ text: String?, _ body: () throws -> Void) throws {
        guard let text else {
            sqlite3_bind_null(s, index)
            return try body()
        }
        try text.withCString { pointer in
            _ = sqlite3_bind_text(s, index, pointer, -1, nil)
            try body()
        }
    }

    private func step(_ s: OpaquePointer, _ sql: String) throws {
        let code = sqlite3_step(s)
        sqlite3_clear_bindings(s)
        guard code == SQLITE_DONE else {
            let message = String(cString: sqlite3_errmsg(db.sqliteConnection))
            sqlite3_reset(s)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
        }
    }
}
