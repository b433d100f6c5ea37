import DHCPServerCore
import GRDB
import WireSupport

/// Learned client needs (issue 18) in the SQLite file: one row per MAC and need. A learned set is upserted
/// need by need and an empty one (`dialtone forget`) deletes the MAC's rows, as in PostgresStore, where
/// another server's lessons must survive.
extension SQLiteLeaseStore {
    public func loadClientNeeds() throws -> [MACAddress: [LearnedNeed]] {
        try queue.read { db in
            var out: [MACAddress: [LearnedNeed]] = [:]
            let rows = try Row.fetchCursor(
                db, sql: "SELECT mac, need, learned_at, evidence FROM client_need ORDER BY mac, need")
            while let row = try rows.next() {
                // A need this binary does not know (written by a newer one) is skipped, not guessed.
                guard let mac = MACAddress(row["mac"] as String), let need = ClientNeed(rawValue: row["need"]) else {
                    continue
                }
                out[mac, default: []].append(LearnedNeed(need, learnedAt: row["learned_at"], evidence: row["evidence"]))
            }
            return out
        }
    }

    /// Inside the batch's transaction: the forgotten MACs' rows deleted first, then each need stored (or
    /// updated).
    static func replaceClientNeeds(
        _ needs: [MACAddress: [LearnedNeed]], forgotten: Set<MACAddress>, _ db: Database
    ) throws {
        for mac in forgotten {
            try db.execute(sql: "DELETE FROM client_need WHERE mac = ?", arguments: [mac.description])
        }
        for (mac, set) in needs {
            for need in set {
                try db.execute(
                    sql: """
                        INSERT INTO client_need (mac, need, learned_at, evidence) VALUES (?, ?, ?, ?)
                        ON CONFLICT (mac, need) DO UPDATE SET learned_at = excluded.learned_at, evidence = excluded.evidence
                        """,
                    arguments: [mac.description, need.need.rawValue, need.learnedAt, need.evidence])
            }
        }
    }
}
