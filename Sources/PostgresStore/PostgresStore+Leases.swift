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

    /// The changes, conditional as each asks (`LeaseChange.Expectation`), in a few statements whatever their
    /// number: one per kind of expectation per round, arrays unnested server-side (a group commit of a
    /// thousand offer holds is three round trips, not a thousand). A round holds at most one change per
    /// address, in submission order, so a hold and the binding after it apply in turn. Returns the refused
    /// ones with the row the database holds. Row locks make each check and write one step: a second server
    /// writing the same address waits for this transaction, then finds the row changed (READ COMMITTED
    /// re-checks an UPDATE's WHERE on the newest row; a conflicting INSERT waits, then does nothing).
    static func writeLeases(
        _ changes: [LeaseChange], server: String, _ db: PostgresConnection, _ logger: Logger
    ) async throws -> [IPv4Address: Lease?] {
        var rounds: [[LeaseChange]] = []
        var seen: [IPv4Address: Int] = [:]
        for change in changes {
            let round = seen[change.lease.ip, default: 0]
            seen[change.lease.ip] = round + 1
            if rounds.count <= round { rounds.append([]) }
            rounds[round].append(change)
        }
        var refused: Set<IPv4Address> = []
        for round in rounds {
            var written: Set<Int64> = []
            var any: [Lease] = [], new: [Lease] = [], updates: [(Lease, Lease)] = []
            for change in round.sorted(by: { $0.lease.ip < $1.lease.ip }) {
                switch change.replacing {
                case .anything: any.append(change.lease)
                case .nothing: new.append(change.lease)
                case .row(let old): updates.append((change.lease, old))
                }
            }
            if !any.isEmpty {
                written.formUnion(try await insert(any, server: server, onConflict: .update, db, logger))
            }
            if !new.isEmpty {
                written.formUnion(try await insert(new, server: server, onConflict: .nothing, db, logger))
            }
            if !updates.isEmpty { written.formUnion(try await update(updates, server: server, db, logger)) }
            // An address refused in any round stays refused: the result is keyed by address, and a later
            // round's success (a change that expected the row another server wrote) must not tell the
            // earlier change's submitter that its write went in. Told of a refusal it did not suffer, a
            // submitter only learns the row and answers again.
            for change in round where !written.contains(Int64(change.lease.ip.rawValue)) {
                refused.insert(change.lease.ip)
            }
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

    /// The columns of `leases` as arrays of text and numbers (postgres-nio binds arrays of non-optional
    /// values): an absent MAC, client id or hostname is '' and NULLIF turns it back into NULL; client ids
    /// travel as hex. PostgreSQL's text cannot hold NUL, and a hostname comes from the wire (option 12).
    struct Columns {
        var ips: [Int64] = [], macs: [String] = [], ids: [String] = [], hosts: [String] = [], states: [String] = []
        var expires: [Int64] = [], updated: [Int64] = []

        init(_ leases: [Lease]) {
            for l in leases {
                ips.append(Int64(l.ip.rawValue))
                macs.append(l.mac?.description ?? "")
                ids.append(l.clientID.map { $0.map { hex2($0) }.joined() } ?? "")
                hosts.append((l.hostname ?? "").replacingOccurrences(of: "\u{0}", with: "\\0"))
                states.append(l.state.rawValue)
                expires.append(l.expires)
                updated.append(l.updated)
            }
        }
    }

    /// What an INSERT does when the address has a row: nothing (the row wins, the change is refused), or
    /// take its place (a change that expects anything).
    enum OnConflict: String {
        case nothing = "DO NOTHING"
        case update = """
            DO UPDATE SET mac = EXCLUDED.mac, client_id = EXCLUDED.client_id, hostname = EXCLUDED.hostname,
                state = EXCLUDED.state, expires = EXCLUDED.expires, updated = EXCLUDED.updated,
                server = EXCLUDED.server, txid = pg_current_xact_id()
            """
    }

    private static func insert(
        _ leases: [Lease], server: String, onConflict: OnConflict, _ db: PostgresConnection, _ logger: Logger
    ) async throws -> Set<Int64> {
        let c = Columns(leases)
        let rows = try await db.query(
            """
            INSERT INTO lease (ip, mac, client_id, hostname, state, expires, updated, server)
            SELECT ip, NULLIF(mac, ''), decode(NULLIF(cid, ''), 'hex'), NULLIF(host, ''), state, exp, upd, \(server)
            FROM unnest(\(c.ips)::bigint[], \(c.macs)::text[], \(c.ids)::text[], \(c.hosts)::text[],
                        \(c.states)::text[], \(c.expires)::bigint[], \(c.updated)::bigint[])
                 AS n(ip, mac, cid, host, state, exp, upd)
            ON CONFLICT (ip) \(unescaped: onConflict.rawValue) RETURNING ip
            """, logger: logger)
        var written: Set<Int64> = []
        for try await ip in rows.decode(Int64.self) { written.insert(ip) }
        return written
    }

    /// `UPDATE ... WHERE` the row is still the one each change was decided from.
    private static func update(
        _ pairs: [(Lease, Lease)], server: String, _ db: PostgresConnection, _ logger: Logger
    ) async throws -> Set<Int64> {
        let c = Columns(pairs.map(\.0)), o = Columns(pairs.map(\.1))
        let rows = try await db.query(
            """
            UPDATE lease AS l SET mac = NULLIF(c.mac, ''), client_id = decode(NULLIF(c.cid, ''), 'hex'),
                hostname = NULLIF(c.host, ''), state = c.state, expires = c.exp, updated = c.upd, server = \(server),
                txid = pg_current_xact_id()
            FROM unnest(\(c.ips)::bigint[], \(c.macs)::text[], \(c.ids)::text[], \(c.hosts)::text[],
                        \(c.states)::text[], \(c.expires)::bigint[], \(c.updated)::bigint[], \(o.macs)::text[],
                        \(o.ids)::text[], \(o.states)::text[], \(o.expires)::bigint[], \(o.updated)::bigint[])
                 AS c(ip, mac, cid, host, state, exp, upd, omac, ocid, ostate, oexp, oupd)
            WHERE l.ip = c.ip AND l.state = c.ostate AND l.expires = c.oexp AND l.updated = c.oupd
                AND l.mac IS NOT DISTINCT FROM NULLIF(c.omac, '')
                AND l.client_id IS NOT DISTINCT FROM decode(NULLIF(c.ocid, ''), 'hex')
            RETURNING l.ip
            """, logger: logger)
        var written: Set<Int64> = []
        for try await ip in rows.decode(Int64.self) { written.insert(ip) }
        return written
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
