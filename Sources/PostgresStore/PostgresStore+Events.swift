import DHCPServerCore
import Foundation
import LeaseStore
import Logging
import PostgresNIO
import Timeline
import WireSupport

extension PostgresStore {
    /// One INSERT for the whole batch, arrays unnested server-side: a group commit of a thousand events is
    /// one round trip, not a thousand.
    static func insert(_ events: [TimelineEvent], server: String, _ db: PostgresConnection, _ logger: Logger)
        async throws
    {
        guard !events.isEmpty else { return }
        let times = events.map(\.time)
        let macs = events.map { $0.mac?.description ?? "" }
        let names = events.map(\.name.rawValue)
        let levels = events.map(\.level.rawValue)
        let metadata = events.map { MetadataJSON.encode($0.metadata) }
        let servers = events.map { $0.server ?? server }
        try await db.query(
            """
            INSERT INTO event (time, mac, name, level, metadata, server)
            SELECT t, NULLIF(m, ''), n, l, d, s
            FROM unnest(\(times)::bigint[], \(macs)::text[], \(names)::text[], \(levels)::text[],
                        \(metadata)::text[], \(servers)::text[]) AS e(t, m, n, l, d, s)
            """, logger: logger)
    }

    public func events(for mac: MACAddress, limit: Int) throws -> [TimelineEvent] {
        try fetchEvents(where: "mac = $2", mac.description, limit: limit)
    }

    /// The name is bound like any value: PostgresNIO's statements are unnamed, and PostgreSQL plans an unnamed
    /// statement with the values bound to it, so the syslog messages' partial index (`event_syslog`, schema
    /// 3) applies (the test plans it the same way, with a custom plan for the value).
    public func events(named name: EventName, limit: Int) throws -> [TimelineEvent] {
        try fetchEvents(where: "name = $2", name.rawValue, limit: limit)
    }

    /// The statement behind both lookups, newest first; `$1` is the limit, `$2` the value.
    static func eventQuery(where condition: String) -> String {
        "SELECT time, mac, name, level, metadata, server FROM event WHERE \(condition) ORDER BY id DESC LIMIT $1"
    }

    private func fetchEvents(where condition: String, _ value: String, limit: Int) throws -> [TimelineEvent] {
        let logger = self.logger
        return try run { client in
            var query = PostgresQuery(unsafeSQL: Self.eventQuery(where: condition))
            query.binds.append(limit)
            query.binds.append(value)
            var out: [TimelineEvent] = []
            let rows = try await client.query(query, logger: logger)
            for try await (time, mac, name, level, text, server) in rows.decode(
                (Int64, String?, String, String, String, String).self)
            {
                var event = TimelineEvent(
                    time: time, mac: mac.flatMap { MACAddress($0) }, storedName: name, level: level,
                    storedMetadata: MetadataJSON.decode(text) ?? [:])
                event.server = server.isEmpty ? nil : server
                out.append(event)
            }
            return out
        }
    }

    public func eventVersions() throws -> [String: Int64] {
        let logger = self.logger
        return try run { client in
            var out: [String: Int64] = [:]
            let rows = try await client.query(
                "SELECT mac, max(id) FROM event WHERE mac IS NOT NULL GROUP BY mac", logger: logger)
            for try await (mac, id) in rows.decode((String, Int64).self) { out[mac] = id }
            return out
        }
    }
}
