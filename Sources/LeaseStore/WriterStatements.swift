import GRDB

/// The group commit's statements, prepared once for the store's one connection and then held.
/// `Database.cachedStatement(sql:)` finds its statement by hashing the whole SQL text: about 600 instructions a
/// lookup, and a transaction made four or five (BEGIN, the two inserts, COMMIT, and a `synchronous` switch
/// before `WriteAheadLogSync`), ~5k instructions an exchange at 150 exchanges/s (callgrind, bench/dhcp,
/// docs/benchmarks.md). A held
/// statement stays valid: SQLite prepares it again by itself if the schema changes under it
/// (`sqlite3_prepare_v3`), and it is finalized when the store, and so this object, goes.
///
/// `@unchecked Sendable`: it is made and used only inside `DatabaseQueue.writeWithoutTransaction`, which
/// GRDB runs one at a time on the connection's own queue.
final class WriterStatements: @unchecked Sendable {
    let begin: Statement
    let commit: Statement
    let insertLease: Statement
    let insertEvent: Statement

    init(_ db: Database) throws {
        begin = try db.makeStatement(sql: "BEGIN IMMEDIATE TRANSACTION")
        commit = try db.makeStatement(sql: "COMMIT TRANSACTION")
        insertLease = try db.makeStatement(sql: SQLiteRows.leaseSQL)
        insertEvent = try db.makeStatement(sql: SQLiteRows.eventSQL)
    }
}
