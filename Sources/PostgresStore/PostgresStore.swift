import DHCPServerCore
import Foundation
import LeaseStore
import Logging
import PostgresNIO
import Synchronization
import Timeline
import WireSupport

/// The store several servers share (issue 13): leases, device events, phone state and syslog in one
/// PostgreSQL database, schema in `PostgresSchema`. The database, not any server's memory, decides who owns
/// an address: a lease change from the DHCP core is written only if the row is still the one the decision
/// was made from (a plain INSERT for a new address, Kea's `UPDATE ... WHERE expire = $old` for the rest),
/// and a change that finds another row is reported in `StoreWriteResult.rejected` with that row.
///
/// The `Store` protocol is synchronous (the writer's thread, `explain`); each call runs on the
/// `BlockingBridge` and waits at most `timeout`.
public final class PostgresStore: Store {
    let url: PostgresURL
    let client: PostgresClient
    let bridge: BlockingBridge
    let logger: Logger
    /// Written into every row this server writes, and shown beside each event.
    public let serverName: String
    let timeout: Duration
    private let runner: Mutex<Task<Void, Never>?>
    /// Events kept in all (as `SQLiteLeaseStore.maxEvents`); pruned every `maxEvents / 100` appends.
    let maxEvents = 1_000_000
    private let sincePrune = Mutex(0)
    /// The schema version found when opening, before migrations (0: a new database).
    public let schemaFound: Int

    public var isShared: Bool { true }
    public var location: String { url.description }

    /// Connects, migrates the schema, and returns once the database answers; throws a readable error
    /// otherwise (the client keeps nothing running then).
    public init(
        url: PostgresURL, poolSize: Int = 4, connectTimeout: Duration = .seconds(5), serverName: String,
        logger: Logger
    ) throws {
        let timeout = max(connectTimeout, .seconds(2)) + .seconds(1)
        let bridge = BlockingBridge(name: "dialtone-postgres")
        // postgres-nio logs every failed connection attempt at info: during an outage that is one line per
        // retry. StoreHealth says it once a minute instead.
        var background = logger
        background.logLevel = max(logger.logLevel, .warning)
        let client = PostgresClient(
            configuration: url.clientConfiguration(poolSize: poolSize, connectTimeout: connectTimeout),
            backgroundLogger: background)
        let runner = bridge.start { await client.run() }
        do {
            schemaFound = try bridge.wait(timeout: timeout) {
                try await client.withConnection { try await PostgresSchema.migrate($0, logger: logger) }
            }
        } catch {
            runner.cancel()
            throw PostgresStoreError(location: url.description, error)
        }
        self.url = url
        self.serverName = serverName
        self.logger = logger
        self.timeout = timeout
        self.bridge = bridge
        self.client = client
        self.runner = Mutex(runner)
    }

    /// Stops the connection pool. Nothing can be read or written afterwards.
    public func close() {
        runner.withLock {
            $0?.cancel()
            $0 = nil
        }
    }

    deinit { close() }

    /// An error the server sent about the statement (a constraint, bad data) would come back on every retry;
    /// no connection, a timeout, or the server shutting down (SQLSTATE class 57, 08) pass.
    public func mayRetry(after error: any Error) -> Bool {
        guard let error = error as? PostgresStoreError, let state = error.sqlState else { return true }
        return state.hasPrefix("57") || state.hasPrefix("08") || state.hasPrefix("53") || state == "40001"
            || state == "40P01"
    }

    /// Runs `body` on the bridge with a pooled connection, turning postgres-nio's errors into readable ones.
    func run<T: Sendable>(_ body: @escaping @Sendable (PostgresClient) async throws -> T) throws -> T {
        let client = self.client
        do {
            return try bridge.wait(timeout: timeout) { try await body(client) }
        } catch {
            throw PostgresStoreError(location: url.description, error)
        }
    }

    public func save(_ leases: [Lease]) throws { try write(StoreBatch(leases: leases)) }
    public func append(_ events: [TimelineEvent]) throws { try write(StoreBatch(events: events)) }
    public func savePhoneState(mac: String, json: String) throws { try write(StoreBatch(phoneStates: [mac: json])) }

    @discardableResult public func write(_ batch: StoreBatch) throws -> StoreWriteResult {
        guard !batch.isEmpty else { return StoreWriteResult() }
        let server = serverName, logger = self.logger
        let result = try run { client in
            try await client.withTransaction(logger: logger) { db in
                // Offer holds and events only (`StoreBatch.needsSync`): the commit returns before its WAL
                // is flushed. Other servers see the rows at once; a crash of the database loses at most
                // the last such commits, as SQLite's `synchronous=NORMAL` does; and the next synced commit
                // flushes the WAL up to itself, these included (PostgreSQL docs, "Asynchronous Commit").
                if !batch.needsSync { try await db.query("SET LOCAL synchronous_commit = off", logger: logger) }
                let rejected = try await Self.writeLeases(batch.changes, server: server, db, logger)
                try await Self.insert(batch.events, server: server, db, logger)
                for (mac, json) in batch.phoneStates.sorted(by: { $0.key < $1.key }) {
                    try await db.query(
                        """
                        INSERT INTO phone (mac, state, server) VALUES (\(mac), \(json), \(server))
                        ON CONFLICT (mac) DO UPDATE SET state = EXCLUDED.state, server = EXCLUDED.server,
                            txid = pg_current_xact_id()
                        """, logger: logger)
                }
                try await Self.replaceClientNeeds(
                    batch.clientNeeds, forgotten: batch.forgotten, server: server, db, logger)
                return StoreWriteResult(rejected: rejected)
            }
        }
        if !batch.events.isEmpty { try pruneIfDue(after: batch.events.count) }
        return result
    }

    private func pruneIfDue(after count: Int) throws {
        let due = sincePrune.withLock { n in
            n += count
            guard n >= maxEvents / 100 else { return false }
            n = 0
            return true
        }
        guard due else { return }
        let keep = Int64(maxEvents), logger = self.logger
        try run { client in
            try await client.query(
                "DELETE FROM event WHERE id <= (SELECT max(id) FROM event) - \(keep)", logger: logger)
        }
    }
}

/// A PostgreSQL failure, said in an admin's words: where, and the server's own message when it sent one
/// (postgres-nio's `PSQLError` prints a generic text on purpose, to keep query data out of logs).
public struct PostgresStoreError: Error, CustomStringConvertible {
    public var location: String
    public var reason: String
    /// The server's SQLSTATE when it answered with an error; nil when it did not answer at all.
    public var sqlState: String?

    init(location: String, _ error: any Error) {
        self.location = location
        if let known = error as? PostgresStoreError {
            reason = known.reason
            sqlState = known.sqlState
        } else if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                sqlState = error.serverInfo?[.sqlState]
                reason = message + (sqlState.map { " (SQLSTATE \($0))" } ?? "")
            } else if let underlying = error.underlying {
                reason = "\(error.code): \(underlying)"
            } else {
                reason = "\(error.code)"
            }
        } else {
            reason = "\(error)"
        }
    }

    public var description: String { "\(location): \(reason)" }
}
