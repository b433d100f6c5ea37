import DHCPServerCore
import Timeline
import WireSupport

/// One group commit: every change the writer gathered since the last one, written in one transaction.
public struct StoreBatch: Sendable {
    public var leases: [Lease]
    public var events: [TimelineEvent]
    /// Provisioning state per phone (MAC -> JSON); the newest per MAC wins.
    public var phoneStates: [String: String]

    public init(leases: [Lease] = [], events: [TimelineEvent] = [], phoneStates: [String: String] = [:]) {
        self.leases = leases
        self.events = events
        self.phoneStates = phoneStates
    }

    public var isEmpty: Bool { leases.isEmpty && events.isEmpty && phoneStates.isEmpty }

    /// Adds `other` after this batch: later leases and phone states replace earlier ones on write.
    public mutating func append(_ other: StoreBatch) {
        leases += other.leases
        events += other.events
        phoneStates.merge(other.phoneStates) { $1 }
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
    /// A whole group commit in one transaction: one fsync for everything in it.
    func write(_ batch: StoreBatch) throws
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
}

extension Store {
    public func write(leases: [Lease], events: [TimelineEvent]) throws {
        try write(StoreBatch(leases: leases, events: events))
    }
}
