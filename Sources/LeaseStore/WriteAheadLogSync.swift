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
/// SQLite holds (`SQLITE_FCNTL_JOURNAL_POINTER`), so SQLite's own unix VFS does the work (fdatasync). FULL
/// also pads a commit to a sector boundary where the device cannot overwrite a sector safely; SQLite's unix
/// VFS reports that it can (SQLITE_POWERSAFE_OVERWRITE, the default), so it pads nothing there either.
///
/// A failed sync. FULL syncs before the commit is published, so there a failed sync fails the commit and the
/// next one writes its frames over the same place. Here the commit is already published, and Linux marks
/// pages whose write-back failed as clean: a later sync would succeed without them, and every later frame is
/// chained onto them by its checksum, so a power cut would lose everything after the hole. So a failed sync
/// throws (the promise, the ACK, is not made; the store writer retries the batch) and marks the log
/// suspect; a suspect log is emptied into the database file with `PRAGMA wal_checkpoint(TRUNCATE)` (which
/// syncs the database file and truncates the log) at once, and again before the next promise if that did
/// not succeed. No promise is made on top of a suspect log. SQLite's own automatic checkpoint (every 1,000
/// frames) runs inside a COMMIT and ignores its result, so a sync of the log failing in it would go unseen
/// and the store's own sync after the commit could succeed without the dropped pages: the store's hook
/// (`installCheckpointHook`) checkpoints as SQLite's does and marks the log suspect on an error.
///
/// `@unchecked Sendable`: used only inside `DatabaseQueue.writeWithoutTransaction`, which GRDB runs one at a
/// time.
final class WriteAheadLogSync: @unchecked Sendable {
    /// A sync of the log failed, and no checkpoint has emptied the log since.
    private(set) var suspect = false

    /// `sqlite3WalDefaultHook`'s threshold (SQLITE_DEFAULT_WAL_AUTOCHECKPOINT).
    static let autoCheckpointFrames: Int32 = 1000

    /// Replaces SQLite's automatic checkpoint with one that does the same (a PASSIVE checkpoint once the log
    /// holds `autoCheckpointFrames`, after the commit) and marks the log suspect if it fails for any reason
    /// but a busy reader. Unretained: SQLite calls it only inside a commit, that is inside `write`, while the
    /// store, which holds this object, is alive.
    func installCheckpointHook(_ db: Database) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        _ = sqlite3_wal_hook(
            db.sqliteConnection,
            { context, connection, name, frames in
                guard frames >= WriteAheadLogSync.autoCheckpointFrames, let context else { return SQLITE_OK }
                let code = sqlite3_wal_checkpoint_v2(connection, name, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
                if code != SQLITE_OK && code & 0xFF != SQLITE_BUSY {
                    Unmanaged<WriteAheadLogSync>.fromOpaque(context).takeUnretainedValue().suspect = true
                }
                return SQLITE_OK
            }, context)
    }

    /// Before the transaction of a batch that carries a promise.
    func prepareForPromise(_ db: Database) throws {
        if suspect { try empty(db) }
    }

    /// After the commit of a batch that carries a promise: syncs the log of `db`'s main database.
    func sync(_ db: Database) throws {
        var file: UnsafeMutablePointer<sqlite3_file>?
        let found = sqlite3_file_control(db.sqliteConnection, "main", SQLITE_FCNTL_JOURNAL_POINTER, &file)
        // Only called in WAL mode, where the log stays open as long as the connection does.
        guard found == SQLITE_OK, let file, let sync = file.pointee.pMethods?.pointee.xSync else {
            throw DatabaseError(resultCode: .SQLITE_IOERR, message: "no write-ahead log open to sync")
        }
        let code = sync(file, SQLITE_SYNC_NORMAL)
        guard code == SQLITE_OK else {
            suspect = true
            try? empty(db)  // now if it can; else before the next promise
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "syncing the write-ahead log failed")
        }
        // This commit's own automatic checkpoint may have failed (the hook ran inside the COMMIT): the promise
        // stands only once the log is emptied; if that fails, the write throws and no promise is made.
        if suspect { try empty(db) }
    }

    /// Copies every frame into the database file, syncs that, and truncates the log, so that no later commit
    /// is chained onto frames the disk may not have.
    private func empty(_ db: Database) throws {
        // One row: busy (1 when the checkpoint could not finish), frames in the log, frames checkpointed.
        let busy = try Int.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        guard busy == 0 else {
            throw DatabaseError(resultCode: .SQLITE_BUSY, message: "the write-ahead log could not be emptied")
        }
        suspect = false
    }
}
