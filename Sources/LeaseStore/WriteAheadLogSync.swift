import GRDB
import GRDBSQLite

/// Makes a committed transaction durable by syncing the write-ahead log, as `synchronous=FULL` does at each
/// commit, but only after the commits that carry a promise (`StoreBatch.needsSync`).
///
/// Why not switch `PRAGMA synchronous` per batch, as the store did until the sixteenth session: the setting
/// takes effect when the PRAGMA is compiled, and SQLite marks a PRAGMA statement to be compiled again before
/// every run (`sqlite3VdbeRunOnlyOnce`), so each switch was a full compile, ~6.8k instructions, and at a low
/// rate there were two switches an exchange, 12k instructions (callgrind, bench/dhcp, docs/benchmarks.md).
///
/// What FULL does in WAL mode (sqlite3WalFrames): after the commit's frames are written, one
/// `xSync(wal, SQLITE_SYNC_NORMAL)` on the log's file; the header of a restarted log and the checkpoints are
/// synced the same way under NORMAL and FULL. This calls that same method on the same `sqlite3_file` that
/// SQLite holds (`SQLITE_FCNTL_JOURNAL_POINTER`), so SQLite's own unix VFS does the work: fdatasync, and the
/// directory's fsync the first time a new log is synced. The connection stays at NORMAL.
///
/// One difference: FULL syncs before the commit is published to other connections, this after. If the
/// sync fails the commit is visible but not promised; the error is thrown, so the promise (the ACK) is not
/// made and the store writer retries the batch (`mayRetry`: an I/O error): its leases are written again as
/// they are (INSERT OR REPLACE), its events a second time.
enum WriteAheadLogSync {
    /// Syncs the log of `db`'s main database. Throws if the connection has no log open (not in WAL mode),
    /// since a caller that asked for durability must not be told it has it.
    static func sync(_ db: Database) throws {
        var file: UnsafeMutablePointer<sqlite3_file>?
        let found = sqlite3_file_control(db.sqliteConnection, "main", SQLITE_FCNTL_JOURNAL_POINTER, &file)
        guard found == SQLITE_OK, let file, let sync = file.pointee.pMethods?.pointee.xSync else {
            throw DatabaseError(resultCode: .SQLITE_IOERR, message: "no write-ahead log open to sync")
        }
        let code = sync(file, SQLITE_SYNC_NORMAL)
        guard code == SQLITE_OK else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "syncing the write-ahead log failed")
        }
    }
}
