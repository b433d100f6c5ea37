import DHCPServerCore
import Timeline
import WireSupport

/// A lease to write and the row it was decided from. On a store shared by several servers the write happens
/// only if the store's row is still `replacing` (issue 13); a store with one writer writes it as it is.
public struct LeaseChange: Hashable, Sendable {
    public enum Expectation: Hashable, Sendable {
        /// Write whatever is there (imports, tests, a store no other server writes).
        case anything
        /// The address has no row: a plain INSERT, which fails if another server got there first.
        case nothing
        /// The row is still this one (Kea's `UPDATE ... WHERE expire = $old`).
        case row(Lease)
    }
    public var lease: Lease
    public var replacing: Expectation

    public init(_ lease: Lease, replacing: Expectation = .anything) {
        self.lease = lease
        self.replacing = replacing
    }

    /// A change from the DHCP core's `.commit(lease, replacing:)`.
    public init(_ lease: Lease, replacingRow row: Lease?) {
        self.init(lease, replacing: row.map { .row($0) } ?? .nothing)
    }
}

/// One group commit: every change the writer gathered since the last one, written in one transaction.
public struct StoreBatch: Sendable {
    public var changes: [LeaseChange]
    public var events: [TimelineEvent]
    /// Provisioning state per phone (MAC -> JSON); the newest per MAC wins.
    public var phoneStates: [String: String]
    /// What was learned about clients (`DHCPAction.remember`, through `remember`): each MAC's newest set, its
    /// needs stored one by one (a shared store keeps another server's).
    public private(set) var clientNeeds: [MACAddress: [LearnedNeed]] = [:]
    /// MACs forgotten in this batch (an empty set): their rows are deleted before `clientNeeds` is stored, so
    /// a forget followed by a new lesson in one group commit still removes what was forgotten.
    public private(set) var forgotten: Set<MACAddress> = []

    public init(
        leases: [Lease] = [], events: [TimelineEvent] = [], phoneStates: [String: String] = [:],
        clientNeeds: [MACAddress: [LearnedNeed]] = [:]
    ) {
        self.init(
            changes: leases.map { LeaseChange($0) }, events: events, phoneStates: phoneStates, clientNeeds: clientNeeds)
    }

    public init(
        changes: [LeaseChange], events: [TimelineEvent] = [], phoneStates: [String: String] = [:],
        clientNeeds: [MACAddress: [LearnedNeed]] = [:]
    ) {
        self.changes = changes
        self.events = events
        self.phoneStates = phoneStates
        for (mac, needs) in clientNeeds { remember(mac, needs) }
    }

    /// Records `DHCPAction.remember`: the newest set per MAC; an empty one forgets (the one place that says so).
    public mutating func remember(_ mac: MACAddress, _ needs: [LearnedNeed]) {
        if needs.isEmpty { forgotten.insert(mac) }
        clientNeeds[mac] = needs
    }

    public var leases: [Lease] { changes.map(\.lease) }

    /// Whether the batch carries a promise that must survive a power cut before the writer reports it done:
    /// a binding (its ACK waits for the commit, RFC 2131 §4.3.1: the server must not reuse an address it
    /// has bound), a release or decline, a phone's provisioning state, a learned need. Offer holds and
    /// timeline events are written behind (no reply waits for them, docs/dhcp.md) and need not pay for an
    /// fsync of their own: the next batch that does syncs them with it (one append-only log).
    public var needsSync: Bool {
        !phoneStates.isEmpty || !clientNeeds.isEmpty || !forgotten.isEmpty
            || changes.contains { $0.lease.state != .offered }
    }

    public var isEmpty: Bool {
        changes.isEmpty && events.isEmpty && phoneStates.isEmpty && clientNeeds.isEmpty && forgotten.isEmpty
    }

    /// Adds `other` after this batch: later leases, phone states and client needs replace earlier ones on
    /// write.
    public mutating func append(_ other: StoreBatch) {
        changes += other.changes
        events += other.events
        phoneStates.merge(other.phoneStates) { $1 }
        forgotten.formUnion(other.forgotten)
        for (mac, needs) in other.clientNeeds { remember(mac, needs) }
    }
}

/// What a write could not do: the conditional lease changes whose row had changed under them, with the row
/// the store holds now (nil: none). Those leases were not written; the rest of the batch was.
public struct StoreWriteResult: Sendable, Hashable {
    public var rejected: [IPv4Address: Lease?]
    public init(rejected: [IPv4Address: Lease?] = [:]) { self.rejected = rejected }
}

/// What other servers changed in a shared store since a cursor (`Store.changes(after:)`).
public struct StoreChanges: Sendable {
    public var leases: [Lease]
    public var phoneStates: [String: String]
    /// Where the next call continues. Opaque to callers; nil before the first call.
    public var cursor: Int64
    public init(leases: [Lease] = [], phoneStates: [String: String] = [:], cursor: Int64) {
        self.leases = leases
        self.phoneStates = phoneStates
        self.cursor = cursor
    }
}

/// Where leases, device history (DHCP, TFTP, provisioning and syslog events) and phone state live, and the
/// queries the API and `explain` make. Every write returns only once the change is durable, so a caller that
/// sends an ACK after it never acknowledges a lease a crash could lose.
///
/// The services never write through it themselves: `StoreWriter` (ServiceSupport) is the one writer,
/// with group commit on its own thread. Readers (the API, `explain`, `leases`) query it directly.
/// Implementations: `InMemoryLeaseStore` (tests), `SQLiteLeaseStore` (the default, in `state_dir`);
/// PostgreSQL, shared by several servers, comes as a third without touching the services.
public protocol Store: Sendable {
    func loadLeases() throws -> [Lease]
    /// Writes the leases in one transaction (group commit: callers batch concurrent changes).
    func save(_ leases: [Lease]) throws
    /// Device history (`TimelineEvent`, the typed catalogue): stored by the events' raw names and keys,
    /// read back into the same types (unknown ones as `.other`, see `TimelineEvent.init(storedName:...)`).
    func append(_ events: [TimelineEvent]) throws
    /// A whole group commit in one transaction: one fsync for everything in it. Conditional lease changes
    /// whose row moved are left out and reported; the rest is written.
    @discardableResult func write(_ batch: StoreBatch) throws -> StoreWriteResult
    /// The newest `limit` events of one device, newest first.
    func events(for mac: MACAddress, limit: Int) throws -> [TimelineEvent]
    /// Per MAC, a number that grows whenever the device gets a new event (the newest event's id): lets
    /// a reader recompute a device's view only when its history changed.
    func eventVersions() throws -> [String: Int64]
    /// The newest `limit` events of one kind (e.g. `syslog.message`) across devices, newest first.
    func events(named name: EventName, limit: Int) throws -> [TimelineEvent]
    /// Provisioning state per phone (upgrade ladder step), as JSON, keyed by MAC.
    func loadPhoneStates() throws -> [String: String]
    func savePhoneState(mac: String, json: String) throws
    /// What was learned about clients (issue 18), per MAC; written through `StoreBatch.clientNeeds`.
    func loadClientNeeds() throws -> [MACAddress: [LearnedNeed]]
    /// Whether other servers write to this store too: then the DHCP cache follows `changes(after:)` and
    /// lease writes are conditional.
    var isShared: Bool { get }
    /// Leases and phone states other servers (or this one) wrote since `cursor` (nil: from now on).
    func changes(after cursor: Int64?) throws -> StoreChanges
    /// A name for this store in messages: the SQLite path, or the PostgreSQL host and database.
    var location: String { get }
    /// Whether a write that failed with `error` may succeed later unchanged (the database is down, the disk
    /// full or busy), so the writer keeps it; false when the store refused the data itself, which no retry
    /// fixes.
    func mayRetry(after error: any Error) -> Bool
}

extension Store {
    public func write(leases: [Lease], events: [TimelineEvent]) throws {
        try write(StoreBatch(leases: leases, events: events))
    }

    public func mayRetry(after error: any Error) -> Bool { true }

    /// A store with one writer: nothing changes under it.
    public var isShared: Bool { false }
    public func changes(after cursor: Int64?) throws -> StoreChanges { StoreChanges(cursor: cursor ?? 0) }
}

/// What two servers must agree on for a conditional write: who holds the address, in which state, until
/// when, as of which change. The hostname is left out (not ownership). Stores compare these columns.
public struct LeaseRowIdentity: Hashable, Sendable {
    public var mac: MACAddress?
    public var clientID: [UInt8]?
    public var state: Lease.State
    public var expires: ServerTime
    public var updated: ServerTime

    public init(_ lease: Lease) {
        mac = lease.mac
        clientID = lease.clientID
        state = lease.state
        expires = lease.expires
        updated = lease.updated
    }
}
