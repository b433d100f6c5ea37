import DHCPServerCore
import Synchronization
import Timeline
import WireSupport

/// A store for tests and `--store memory` runs: same contract, nothing on disk. `shared: true` makes it
/// behave like the PostgreSQL store several servers write (conditional lease changes, `changes(after:)`),
/// so the DHCP shell's handling of a lost race is tested without a database.
public final class InMemoryLeaseStore: Store {
    private struct State {
        var leases: [IPv4Address: Lease] = [:]
        var events: [TimelineEvent] = []
        var phones: [String: String] = [:]
        var clientNeeds: [MACAddress: [LearnedNeed]] = [:]
        /// Per address and per phone, the change counter when it was last written (for `changes(after:)`).
        var leaseVersions: [IPv4Address: Int64] = [:]
        var phoneVersions: [String: Int64] = [:]
        var version: Int64 = 0
    }
    public let isShared: Bool
    public var location: String { "memory" }
    private let state = Mutex(State())
    /// Runs before every write, outside the lock: a test holds a write back (a slow disk) or throws (a
    /// failing one) to see what its callers do meanwhile.
    private let beforeWrite: @Sendable (StoreBatch) throws -> Void

    public init(
        leases: [Lease] = [], shared: Bool = false,
        beforeWrite: @escaping @Sendable (StoreBatch) throws -> Void = { _ in }
    ) {
        self.beforeWrite = beforeWrite
        self.isShared = shared
        state.withLock { s in for lease in leases { s.leases[lease.ip] = lease } }
    }

    public func loadLeases() throws -> [Lease] { state.withLock { Array($0.leases.values).sorted { $0.ip < $1.ip } } }

    public func save(_ leases: [Lease]) throws { try write(StoreBatch(leases: leases)) }

    public func append(_ events: [TimelineEvent]) throws { try write(StoreBatch(events: events)) }

    @discardableResult public func write(_ batch: StoreBatch) throws -> StoreWriteResult {
        try beforeWrite(batch)
        return state.withLock { s in
            var result = StoreWriteResult()
            // As PostgresStore: an address refused once in the batch stays refused, reported with its row
            // as the batch leaves it (a later change to it that did go in must not read as the first's).
            var refused: Set<IPv4Address> = []
            for change in batch.changes {
                if isShared, !Self.holds(change.replacing, s.leases[change.lease.ip]) {
                    refused.insert(change.lease.ip)
                    continue
                }
                s.version += 1
                s.leases[change.lease.ip] = change.lease
                s.leaseVersions[change.lease.ip] = s.version
            }
            for ip in refused { result.rejected[ip] = .some(s.leases[ip]) }
            s.events += batch.events
            // Upserted need by need, an empty set forgetting all: the stores' contract (SQLiteLeaseStore).
            for mac in batch.forgotten { s.clientNeeds[mac] = nil }
            for (mac, needs) in batch.clientNeeds where !needs.isEmpty {
                var kept = (s.clientNeeds[mac] ?? []).filter { old in !needs.contains { $0.need == old.need } }
                kept += needs
                s.clientNeeds[mac] = kept.sorted { $0.need < $1.need }
            }
            for (mac, json) in batch.phoneStates {
                s.version += 1
                s.phones[mac] = json
                s.phoneVersions[mac] = s.version
            }
            return result
        }
    }

    /// Whether the stored row is what a conditional change expects.
    static func holds(_ expectation: LeaseChange.Expectation, _ row: Lease?) -> Bool {
        switch expectation {
        case .anything: true
        case .nothing: row == nil
        case .row(let expected): row.map { LeaseRowIdentity($0) == LeaseRowIdentity(expected) } ?? false
        }
    }

    public func changes(after cursor: Int64?) throws -> StoreChanges {
        state.withLock { s in
            guard let cursor else { return StoreChanges(cursor: s.version) }
            return StoreChanges(
                leases: s.leaseVersions.filter { $0.value > cursor }.compactMap { s.leases[$0.key] },
                phoneStates: s.phoneVersions.filter { $0.value > cursor }.reduce(into: [:]) {
                    $0[$1.key] = s.phones[$1.key]
                },
                cursor: s.version)
        }
    }

    public func events(for mac: MACAddress, limit: Int) throws -> [TimelineEvent] {
        state.withLock { Array($0.events.filter { $0.mac == mac }.reversed().prefix(limit)) }
    }

    public func eventVersions() throws -> [String: Int64] {
        state.withLock { s in
            var versions: [String: Int64] = [:]
            for (index, event) in s.events.enumerated() {
                if let mac = event.mac { versions[mac.description] = Int64(index + 1) }
            }
            return versions
        }
    }

    public func events(named name: EventName, limit: Int) throws -> [TimelineEvent] {
        state.withLock { Array($0.events.filter { $0.name == name }.reversed().prefix(limit)) }
    }

    public func loadPhoneStates() throws -> [String: String] { state.withLock { $0.phones } }
    public func loadClientNeeds() throws -> [MACAddress: [LearnedNeed]] { state.withLock { $0.clientNeeds } }
    public func savePhoneState(mac: String, json: String) throws { try write(StoreBatch(phoneStates: [mac: json])) }
}
