import Logging
import PostgresNIO
import Timeline

/// The PostgreSQL schema as numbered migrations, applied in order on first start and by each newer binary.
/// Schema changes append a migration; never edit a shipped one. Several servers may start at once: the
/// migrations run in one transaction under an advisory lock, so the second server waits, then finds the
/// schema ready. A database migrated by a newer Dialtone is refused (SchemaTooNew), never written.
///
/// Shaped after Kea's `dhcpdb_create.pgsql`: the address is the primary key of `lease`, so the database
/// decides who owns it. `txid` (the writing transaction's id) lets each server follow the others' changes:
/// see `PostgresStore.changes(after:)`.
enum PostgresSchema {
    static let migrations: [(version: Int, name: String, statements: [String])] = [
        (
            1, "leases, events, phone state",
            [
                """
                CREATE TABLE lease (
                    ip bigint PRIMARY KEY, mac text, client_id bytea, hostname text, state text NOT NULL,
                    expires bigint NOT NULL, updated bigint NOT NULL, server text NOT NULL DEFAULT '',
                    txid xid8 NOT NULL DEFAULT pg_current_xact_id())
                """,
                "CREATE INDEX lease_by_txid ON lease (txid)",
                """
                CREATE TABLE event (
                    id bigserial PRIMARY KEY, time bigint NOT NULL, mac text, name text NOT NULL,
                    level text NOT NULL, metadata text NOT NULL, server text NOT NULL DEFAULT '')
                """,
                "CREATE INDEX event_by_mac ON event (mac, id)",
                "CREATE INDEX event_by_name ON event (name, id)",
                """
                CREATE TABLE phone (
                    mac text PRIMARY KEY, state text NOT NULL, server text NOT NULL DEFAULT '',
                    txid xid8 NOT NULL DEFAULT pg_current_xact_id())
                """,
                "CREATE INDEX phone_by_txid ON phone (txid)",
            ]
        ),
        (
            2, "learned client needs",
            [
                """
                CREATE TABLE client_need (
                    mac text NOT NULL, need text NOT NULL, learned_at bigint NOT NULL, evidence text NOT NULL,
                    server text NOT NULL DEFAULT '', PRIMARY KEY (mac, need))
                """
            ]
        ),
        (
            // Every event paid for an entry in (name, id), yet the only name ever looked up is the
            // dashboard's syslog messages: a partial index holds just those (as SQLite's schema v5 does).
            3, "events: only syslog messages indexed by name",
            [
                """
                CREATE INDEX IF NOT EXISTS event_syslog ON event (id)
                    WHERE name = '\(EventName.syslog(.message).rawValue)'
                """,
                "DROP INDEX IF EXISTS event_by_name",
            ]
        ),
    ]

    static var current: Int { migrations.last?.version ?? 0 }

    struct SchemaTooNew: Error, CustomStringConvertible {
        var found: Int
        var known: Int
        var description: String {
            "the database's schema is version \(found), newer than this binary's \(known): upgrade Dialtone on this "
                + "server (every server sharing a database must run the same or a newer version)"
        }
    }

    /// Brings the schema to `current`; returns the version found before.
    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws -> Int {
        try await connection.withTransaction(logger: logger) { db in
            // One migrator at a time across every server (the key is any constant of ours).
            try await db.query("SELECT pg_advisory_xact_lock(7370726)", logger: logger)
            try await db.query(
                """
                CREATE TABLE IF NOT EXISTS dialtone_schema (
                    version integer PRIMARY KEY, name text NOT NULL, applied timestamptz NOT NULL DEFAULT now())
                """, logger: logger)
            var found = 0
            for try await version in try await db.query(
                "SELECT coalesce(max(version), 0) FROM dialtone_schema", logger: logger
            ).decode(Int.self) {
                found = version
            }
            guard found <= current else { throw SchemaTooNew(found: found, known: current) }
            for migration in migrations where migration.version > found {
                for statement in migration.statements {
                    try await db.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await db.query(
                    "INSERT INTO dialtone_schema (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger)
            }
            return found
        }
    }
}
