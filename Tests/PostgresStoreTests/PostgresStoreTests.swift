import DHCPServerCore
import Foundation
import LeaseStore
import Logging
import PostgresNIO
import Testing
import Timeline
import WireSupport

@testable import PostgresStore

/// The store against a real PostgreSQL: scripts/test starts a private instance (scripts/pg-test-cluster) and
/// sets DIALTONE_TEST_PG_SOCKET; CI always runs these. Each test works in a database of its own.
@Suite(.enabled(if: PostgresTestDatabase.socket != nil, "needs DIALTONE_TEST_PG_SOCKET (scripts/pg-test-cluster)"))
struct PostgresStoreTests {
    static func lease(_ last: UInt8, mac: UInt8, state: Lease.State = .bound, updated: Int64 = 1_000) -> Lease {
        Lease(
            ip: IPv4Address(198, 18, 5, last), mac: MACAddress(bytes: [2, 0, 0, 0, 0, mac])!, clientID: nil,
            hostname: "h\(mac)",
            state: state, expires: updated + 60_000, updated: updated)
    }

    @Test func migratesOnceAndASecondServerFindsTheSchemaReady() throws {
        let db = try PostgresTestDatabase()
        let first = try db.open(server: "a")
        #expect(first.schemaFound == 0)
        let second = try db.open(server: "b")
        #expect(second.schemaFound == PostgresSchema.current)
        first.close()
        second.close()
    }

    @Test func aNewerSchemaIsRefusedWithTheReason() throws {
        let db = try PostgresTestDatabase()
        try db.open(server: "a").close()
        try db.psql("INSERT INTO dialtone_schema (version, name) VALUES (99, 'from the future')")
        #expect {
            try db.open(server: "a")
        } throws: { error in
            "\(error)".contains("version 99, newer than this binary's \(PostgresSchema.current)")
        }
    }

    @Test func theDatabaseDecidesWhoOwnsAnAddress() throws {
        let db = try PostgresTestDatabase()
        try db.withTwo { a, b in
            let mine = Self.lease(10, mac: 1)
            let theirs = Self.lease(10, mac: 2)
            // Both servers decide from an empty cache: a plain INSERT each; the second finds the first's row.
            #expect(try a.write(StoreBatch(changes: [LeaseChange(mine, replacingRow: nil)])).rejected.isEmpty)
            let lost = try b.write(StoreBatch(changes: [LeaseChange(theirs, replacingRow: nil)]))
            #expect(lost.rejected == [mine.ip: .some(mine)])
            // A renewal from the row as it is succeeds; one from a stale row is refused with the current row.
            var renewed = mine
            renewed.expires += 60_000
            renewed.updated += 1
            #expect(try b.write(StoreBatch(changes: [LeaseChange(renewed, replacingRow: mine)])).rejected.isEmpty)
            var stale = mine
            stale.state = .released
            stale.updated += 2
            let refused = try a.write(StoreBatch(changes: [LeaseChange(stale, replacingRow: mine)]))
            #expect(refused.rejected == [mine.ip: .some(renewed)])
            #expect(try a.loadLeases() == [renewed])
        }
    }

    /// Two changes to one address in one group commit are written in turn; when the first is refused, the
    /// address is reported refused even though the second (which expected the other server's row) went in:
    /// the result is keyed by address, and the first change's submitter must not take it as written (the
    /// eleventh session's CI saw an address ACKed to two MACs in two-servers.sh).
    @Test func anAddressRefusedInOneRoundStaysRefused() throws {
        let db = try PostgresTestDatabase()
        try db.withTwo { a, b in
            let theirs = Self.lease(20, mac: 2)
            #expect(try b.write(StoreBatch(changes: [LeaseChange(theirs, replacingRow: nil)])).rejected.isEmpty)
            var mine = Self.lease(20, mac: 1)
            mine.updated += 1
            var overTheirs = Self.lease(20, mac: 3)
            overTheirs.updated += 2
            let changes = [LeaseChange(mine, replacingRow: nil), LeaseChange(overTheirs, replacingRow: theirs)]
            let result = try a.write(StoreBatch(changes: changes))
            #expect(result.rejected == [theirs.ip: .some(overTheirs)])
            #expect(try a.loadLeases() == [overTheirs])
        }
    }

    @Test func followersSeeEveryChangeOnceTheirTransactionCommits() throws {
        let db = try PostgresTestDatabase()
        try db.withTwo { a, b in
            let start = try b.changes(after: nil)
            try a.write(StoreBatch(leases: [Self.lease(1, mac: 1)], phoneStates: ["02:00:00:00:00:01": "{\"step\":1}"]))
            let seen = try b.changes(after: start.cursor)
            #expect(seen.leases.map(\.ip) == [IPv4Address(198, 18, 5, 1)])
            #expect(seen.phoneStates == ["02:00:00:00:00:01": "{\"step\":1}"])
            // The next call has the new row. It may repeat older ones: the cursor is the oldest transaction still
            // running anywhere in the cluster (other tests' too), and re-reading is how none is ever missed.
            try a.write(StoreBatch(leases: [Self.lease(2, mac: 2)]))
            let next = try b.changes(after: seen.cursor)
            #expect(next.leases.contains { $0.ip == IPv4Address(198, 18, 5, 2) })
            #expect(Set(next.leases.map(\.ip)).isSubset(of: [IPv4Address(198, 18, 5, 1), IPv4Address(198, 18, 5, 2)]))
        }
    }

    /// Learned client needs (issue 18): upserted need by need, so what one server learns does not delete what
    /// another learned about the same client; an empty set forgets; a server that starts later loads them.
    @Test func learnedClientNeedsAreShared() throws {
        let db = try PostgresTestDatabase()
        try db.withTwo { a, b in
            let laptop = MACAddress(bytes: [2, 0, 0, 0, 0, 7])!, printer = MACAddress(bytes: [2, 0, 0, 0, 0, 8])!
            let need = LearnedNeed(.broadcastReplies, learnedAt: 4_000, evidence: "DISCOVER again\nforged?")
            try a.write(StoreBatch(clientNeeds: [laptop: [need], printer: [need]]))
            #expect(try b.loadClientNeeds() == [laptop: [need], printer: [need]])
            try b.write(StoreBatch(clientNeeds: [printer: []]))
            #expect(try a.loadClientNeeds() == [laptop: [need]])
            let small = LearnedNeed(.smallReplies, learnedAt: 5_000, evidence: "REQUEST for our 300-byte OFFER")
            try b.write(StoreBatch(clientNeeds: [laptop: [small]]))
            #expect(try a.loadClientNeeds() == [laptop: [need, small]])
            // A forget merged with a newer lesson in one group commit still deletes what was forgotten.
            var batch = StoreBatch(clientNeeds: [laptop: []])
            batch.append(StoreBatch(clientNeeds: [laptop: [small]]))
            try a.write(batch)
            #expect(try b.loadClientNeeds() == [laptop: [small]])
        }
    }

    @Test func eventsCarryTheServerThatRecordedThem() throws {
        let db = try PostgresTestDatabase()
        try db.withTwo("alpha", "beta") { a, b in
            let mac = MACAddress(bytes: [2, 0, 0, 0, 0, 7])!
            let hostile = "line\nforged\u{1B}[31m\u{0}" + String(repeating: "x", count: 65_536)
            try a.append([
                TimelineEvent(time: 1, mac: mac, name: .dhcp(.offerSent), level: .info, metadata: [.reason: hostile])
            ])
            try b.append([TimelineEvent(time: 2, mac: mac, name: .dhcp(.ackSent), level: .info)])
            try b.append([TimelineEvent(time: 3, mac: nil, name: .syslog(.message), level: .info)])
            let read = try a.events(for: mac, limit: 10)
            #expect(read.map(\.server) == ["beta", "alpha"])
            #expect(read.map(\.name) == [.dhcp(.ackSent), .dhcp(.offerSent)])
            #expect(read.last?[.reason] == hostile)
            #expect(try a.events(named: .syslog(.message), limit: 5).count == 1)
            #expect(try a.eventVersions().keys.sorted() == [mac.description])
        }
    }

    /// Schema 3: the name index is gone, syslog messages have a partial one, the store's own syslog query
    /// uses it, and a database at schema 2 is brought there with its events intact.
    @Test func onlySyslogMessagesAreIndexedByName() throws {
        let db = try PostgresTestDatabase()
        var store = try db.open(server: "a")
        let mac = MACAddress(bytes: [2, 0, 0, 0, 0, 9])!
        try store.append([
            TimelineEvent(time: 1, mac: mac, name: .dhcp(.offerSent), level: .info),
            TimelineEvent(time: 2, mac: nil, name: .syslog(.message), level: .info, metadata: [.reason: "it's"]),
        ])
        store.close()
        // Back to schema 2, as an older Dialtone left it.
        try db.psql(
            """
            DROP INDEX event_syslog; CREATE INDEX event_by_name ON event (name, id);
            DELETE FROM dialtone_schema WHERE version = 3;
            """)
        store = try db.open(server: "a")
        defer { store.close() }
        #expect(store.schemaFound == 2)
        let indexes = try Self.lines(store, [], "SELECT indexname FROM pg_indexes WHERE tablename = 'event' ORDER BY 1")
        #expect(indexes == ["event_by_mac", "event_pkey", "event_syslog"])
        #expect(try store.events(named: .syslog(.message), limit: 5).map(\.[.reason]) == ["it's"])
        #expect(try store.events(for: mac, limit: 5).map(\.name) == [.dhcp(.offerSent)])
        // Planned as PostgreSQL plans the store's unnamed statement: for the values bound to it.
        let query = PostgresStore.eventQuery(where: "name = $2")
        let plan = try Self.lines(
            store,
            [
                "SET enable_seqscan = off", "PREPARE syslog_events (bigint, text) AS \(query)",
                "SET plan_cache_mode = force_custom_plan",
            ], "EXPLAIN EXECUTE syslog_events (5, 'syslog.message')")
        #expect(plan.joined(separator: "\n").contains("event_syslog"), "\(plan)")
    }

    /// `setup` then `sql` on one connection of the pool (settings are per connection), reset after so that
    /// nothing set here reaches another use; `sql`'s rows, each one text column.
    static func lines(_ store: PostgresStore, _ setup: [String], _ sql: String) throws -> [String] {
        try store.run { client in
            try await client.withConnection { connection in
                for statement in setup {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: Logger(label: "t"))
                }
                var out: [String] = []
                let rows = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "t"))
                for try await line in rows.decode(String.self) { out.append(line) }
                // Back to the pool as it came (closing it here raced the pool: clientClosedConnection in CI).
                for statement in ["RESET ALL", "DEALLOCATE ALL"] {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: Logger(label: "t"))
                }
                return out
            }
        }
    }

    /// What each commit ran with, seen from inside it: a trigger records `synchronous_commit` per row.
    @Test func offerHoldsAndEventsCommitWithoutWaitingForTheFlush() throws {
        let db = try PostgresTestDatabase()
        let store = try db.open(server: "a")
        defer { store.close() }
        try db.psql(
            """
            CREATE TABLE seen (n serial PRIMARY KEY, tbl text, setting text);
            CREATE FUNCTION note_setting() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN INSERT INTO seen (tbl, setting) VALUES (TG_TABLE_NAME, current_setting('synchronous_commit'));
                RETURN NEW; END $$;
            CREATE TRIGGER note_lease AFTER INSERT OR UPDATE ON lease FOR EACH ROW EXECUTE FUNCTION note_setting();
            CREATE TRIGGER note_event AFTER INSERT ON event FOR EACH ROW EXECUTE FUNCTION note_setting();
            """)
        let event = TimelineEvent(time: 1, mac: nil, name: .dhcp(.offerSent), level: .info)
        let offered = Self.lease(20, mac: 1, state: .offered)
        try store.write(StoreBatch(changes: [LeaseChange(offered, replacingRow: nil)], events: [event]))
        var bound = offered
        bound.state = .bound
        bound.updated += 1
        try store.write(StoreBatch(changes: [LeaseChange(bound, replacingRow: offered)], events: [event]))
        try store.append([event])
        let seen = try store.run { client in
            var out: [String] = []
            let rows = try await client.query(
                "SELECT tbl || ' ' || setting FROM seen ORDER BY n", logger: Logger(label: "t"))
            for try await line in rows.decode(String.self) { out.append(line) }
            return out
        }
        #expect(seen == ["lease off", "event off", "lease on", "event on", "event off"])
    }

    @Test func anUnreachableDatabaseIsAClearErrorWithinTheTimeout() throws {
        let url = try PostgresURL("postgres://dialtone@/nowhere?host=/nonexistent-dialtone-socket")
        let started = Date()
        #expect {
            try PostgresStore(url: url, connectTimeout: .seconds(1), serverName: "x", logger: Logger(label: "t"))
        } throws: { error in
            "\(error)".contains("/nonexistent-dialtone-socket")
        }
        #expect(Date().timeIntervalSince(started) < 10)
    }
}

/// A database of its own per test, dropped when the test ends.
final class PostgresTestDatabase {
    static var socket: String? { ProcessInfo.processInfo.environment["DIALTONE_TEST_PG_SOCKET"] }
    let name = "dialtone_test_\(UInt32.random(in: 0...UInt32.max))"

    init() throws { try Self.psql(database: "postgres", "CREATE DATABASE \(name)") }

    deinit { try? Self.psql(database: "postgres", "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }

    func open(server: String) throws -> PostgresStore {
        let url = try PostgresURL("postgres://dialtone@/\(name)?host=\(Self.socket!)")
        return try PostgresStore(url: url, serverName: server, logger: Logger(label: "test"))
    }

    /// Two servers on this database for `body`, both closed after it.
    func withTwo(
        _ first: String = "a", _ second: String = "b", _ body: (PostgresStore, PostgresStore) throws -> Void
    ) throws {
        let (a, b) = (try open(server: first), try open(server: second))
        defer {
            a.close()
            b.close()
        }
        try body(a, b)
    }

    func psql(_ sql: String) throws { try Self.psql(database: name, sql) }

    static func psql(database: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = ["-h", socket!, "-U", "dialtone", "-d", database, "-qc", sql]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.featureUnsupported) }
    }
}

@Suite struct PostgresURLTests {
    @Test func readsTheLibpqForms() throws {
        let tcp = try PostgresURL("postgres://dial%40tone:s3cret@db.example:6543/leases?sslmode=require")
        #expect(tcp.user == "dial@tone")
        #expect(tcp.password == "s3cret")
        #expect(tcp.host == "db.example")
        #expect(tcp.port == 6543)
        #expect(tcp.database == "leases")
        #expect(tcp.tls == .require)
        #expect(!tcp.description.contains("s3cret"))
        let socket = try PostgresURL("postgres://dialtone@/dialtone?host=/run/postgresql")
        #expect(socket.socketDirectory == "/run/postgresql")
        #expect(socket.description == "postgres dialtone@/run/postgresql/.s.PGSQL.5432/dialtone")
    }

    @Test func refusesWhatItCannotUse() {
        #expect(throws: PostgresURL.Invalid.self) { try PostgresURL("mysql://x@y/z") }
        #expect(throws: PostgresURL.Invalid.self) { try PostgresURL("postgres://x@y/z?sslmode=maybe") }
        #expect(PostgresURL.redacted("postgres://u:secret@h/d") == "postgres://u:***@h/d")
    }

    @Test func readsThePasswordFile() throws {
        let file = NSTemporaryDirectory() + "/dialtone-pgpass-\(UInt32.random(in: 0...UInt32.max))"
        try "from-file\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(try PostgresURL("postgres://u:inline@h/d", passwordFile: file).password == "from-file")
    }
}
