import DHCPServerCore
import LeaseStore
import Logging
import PostgresNIO
import WireSupport

/// Learned client needs (issue 18) in the shared database: one row per MAC and need, written inside the
/// batch's transaction. A learned set is upserted need by need, never replaced: servers do not follow each
/// other's rows while running (a need is cheap to learn again from the client's next exchange; each loads
/// them all when it starts), so a set written whole would delete what another server learned meanwhile.
/// An empty set is `dialtone forget`: every row of the MAC goes.
extension PostgresStore {
    public func loadClientNeeds() throws -> [MACAddress: [LearnedNeed]] {
        let logger = self.logger
        return try run { client in
            var out: [MACAddress: [LearnedNeed]] = [:]
            let rows = try await client.query(
                "SELECT mac, need, learned_at, evidence FROM client_need ORDER BY mac, need", logger: logger)
            for try await (mac, need, learnedAt, evidence) in rows.decode((String, String, Int64, String).self) {
                // A need this binary does not know (written by a newer one) is skipped, not guessed.
                guard let mac = MACAddress(mac), let need = ClientNeed(rawValue: need) else { continue }
                out[mac, default: []].append(LearnedNeed(need, learnedAt: learnedAt, evidence: evidence))
            }
            return out
        }
    }

    static func replaceClientNeeds(
        _ needs: [MACAddress: [LearnedNeed]], forgotten: Set<MACAddress>, server: String, _ db: PostgresConnection,
        _ logger: Logger
    ) async throws {
        // Forgotten in this batch (StoreBatch.forgotten): gone first, before any newer lesson.
        for mac in forgotten.sorted(by: { $0.description < $1.description }) {
            try await db.query("DELETE FROM client_need WHERE mac = \(mac.description)", logger: logger)
        }
        // Sorted, so two servers' batches touch rows in one order and cannot deadlock each other.
        for (mac, set) in needs.sorted(by: { $0.key.description < $1.key.description }) {
            for need in set {
                try await db.query(
                    """
                    INSERT INTO client_need (mac, need, learned_at, evidence, server)
                    VALUES (\(mac.description), \(need.need.rawValue), \(need.learnedAt), \(need.evidence), \(server))
                    ON CONFLICT (mac, need) DO UPDATE
                    SET learned_at = EXCLUDED.learned_at, evidence = EXCLUDED.evidence, server = EXCLUDED.server
                    """, logger: logger)
            }
        }
    }
}
