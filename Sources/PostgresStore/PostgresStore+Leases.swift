import DHCPServerCore
import Foundation
import LeaseStore
import Logging
import PostgresNIO
import Timeline
import WireSupport

extension PostgresStore {
    typealias LeaseRow = (Int64, String?, Data?, String?, String, Int64, Int64)
    static let leaseColumns = "ip, mac, client_id, hostname, state, expires, updated"

    static func lease(_ row: LeaseRow) -> Lease {
        Lease(
            ip: IPv4Address(rawValue: UInt32(truncatingIfNeeded: row.0)), mac: row.1.flatMap { MACAddress($0) },
            clientID: row.2.map { Array($0) }, hostname: row.3, state: Lease.State(rawValue: row.4) ?? .released,
            expires: row.5, updated: row.6)
    }

    public func loadLeases() throws -> [Lease] {
        let logger = self.logger
        return try run { client in
            var out: [Lease] = []
            let rows = try await client.query(
                PostgresQuery(unsafeSQL: "SELECT \(Self.leaseColumns) FROM lease ORDER BY ip"), logger: logger)
            for try await row in rows.decode(LeaseRow.self) { out.append(Self.lease(row)) }
            return out
        }
    }

    /// Each change in turn, conditional as it asks (`LeaseChange.Expectation`); returns the refused ones
    /// with the row the database holds. Row locks make the check and the write one step: a second server
    /// writing the same address waits for this transaction, then finds the row changed (READ COMMITTED
    /// re-checks an UPDATE's WHERE on the newest row; a conflicting INSERT waits, then does nothing).
    static func writeLeases(
        _ changes: [LeaseChange], server: String, _ db: PostgresConnection, _ logger: Logger
    ) async throws -> [IPv4Address: Lease?] {
        var refused: Set<IPv4Address> = []
        for change in changes {
            let l = change.lease
            let ip = Int64(l.ip.rawValue), mac = l.mac?.description, clientID = l.clientID.map { Data($0) }
            // PostgreSQL's text cannot hold NUL, and a hostname comes from the wire (option 12).
            let host = l.hostname.map { $0.replacingOccurrences(of: "\u{0}", with: "\\0") }, state = l.state.rawValue,
                expires = l.expires, updated = l.updated
            let rows: PostgresRowSequence
            switch change.replacing {
            case .anything:
                rows = try await db.query(
                    """
                    INSERT INTO lease (ip, mac, client_id, hostname, state, expires, updated, server)
                    VALUES (\(ip), \(mac), \(clientID), \(host), \(state), \(expires), \(updated), \(server))
                    ON CONFLICT (ip) DO UPDATE SET mac = EXCLUDED.mac, client_id = EXCLUDED.client_id,
                        hostname = EXCLUDED.hostname, state = EXCLUDED.state, expires = EXCLUDED.expires,
                        updated = EXCLUDED.updated, server = EXCLUDED.server, txid = pg_current_xact_id()
                    RETURNING ip
                    """, logger: logger)
            case .nothing:
                rows = try await db.query(
                    """
                    INSERT INTO lease (ip, mac, client_id, hostname, state, expires, updated, server)
                    VALUES (\(ip), \(mac), \(clientID), \(host), \(state), \(expires), \(updated), \(server))
                    ON CONFLICT (ip) DO NOTHING RETURNING ip
                    """, logger: logger)
            case .row(let old):
                let oldMAC = old.mac?.description, oldID = old.clientID.map { Data($0) }
                let oldState = old.state.rawValue, oldExpires = old.expires, oldUpdated = old.updated
                rows = try await db.query(
                    """
                    UPDATE lease SET mac = \(mac), client_id = \(clientID), hostname = \(host), state = \(state),
                        expires = \(expires), updated = \(updated), server = \(server), txid = pg_current_xact_id()
                    WHERE ip = \(ip) AND state = \(oldState) AND expires = \(oldExpires) AND updated = \(oldUpdated)
                        AND mac IS NOT DISTINCT FROM \(oldMAC) AND client_id IS NOT DISTINCT FROM \(oldID)
                    RETURNING ip
                    """, logger: logger)
            }
            var written = false
            for try await _ in rows { written = true }
            if written { refused.remove(l.ip) } else { refused.insert(l.ip) }
        }
        guard !refused.isEmpty else { return [:] }
        var current: [IPv4Address: Lease?] = [:]
        for ip in refused { current[ip] = .some(nil) }
        let addresses = refused.map { Int64($0.rawValue) }
        let rows = try await db.query(
            "SELECT ip, mac, client_id, hostname, state, expires, updated FROM lease WHERE ip = ANY(\(addresses))",
            logger: logger)
        for try await row in rows.decode(LeaseRow.self) {
            let lease = Self.lease(row)
            current[lease.ip] = .some(lease)
        }
        return current
    }

    /// What changed since `cursor`, for `StoreFollower`. The cursor is the oldest transaction still running
    /// when the last call began (`pg_snapshot_xmin`): every row written by an older transaction was visible
    /// to that call, and rows of transactions that were still running are read again next time, whatever
    /// order they commit in (a sequence number would skip a row whose transaction commits after a later one).
    public func changes(after cursor: Int64?) throws -> StoreChanges {
        let logger = self.logger
        return try run { client in
            var horizon: Int64 = 0
            for try await xmin in try await client.query(
                "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint", logger: logger
            ).decode(Int64.self) {
                horizon = xmin
            }
            guard let cursor else { return StoreChanges(cursor: horizon) }
            var leases: [Lease] = []
            let rows = try await client.query(
                """
                SELECT ip, mac, client_id, hostname, state, expires, updated FROM lease
                WHERE txid >= \(String(cursor))::xid8
                """, logger: logger)
            for try await row in rows.decode(LeaseRow.self) { leases.append(Self.lease(row)) }
            var phones: [String: String] = [:]
            let phoneRows = try await client.query(
                "SELECT mac, state FROM phone WHERE txid >= \(String(cursor))::xid8", logger: logger)
            for try await (mac, state) in phoneRows.decode((String, String).self) { phones[mac] = state }
            return StoreChanges(leases: leases, phoneStates: phones, cursor: horizon)
        }
    }

    public func loadPhoneStates() throws -> [String: String] {
        let logger = self.logger
        return try run { client in
            var out: [String: String] = [:]
            let rows = try await client.query("SELECT mac, state FROM phone", logger: logger)
            for try await (mac, state) in rows.decode((String, String).self) { out[mac] = state }
            return out
        }
    }
}
