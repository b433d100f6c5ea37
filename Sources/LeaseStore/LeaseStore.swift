import DHCPServerCore
import Timeline
import WireSupport

/// Where leases and device history live. Every method returns only once the change is durable, so a
/// caller that sends an ACK after `save` never acknowledges a lease a crash could lose.
///
/// Implementations: `InMemoryLeaseStore` (core tests), `SQLiteLeaseStore` (the default, in `state_dir`).
/// PostgreSQL, shared by several servers, is planned; this protocol is all the services see.
public protocol LeaseStore: Sendable {
    func loadLeases() throws -> [Lease]
    /// Writes the leases in one transaction (group commit: callers batch concurrent changes).
    func save(_ leases: [Lease]) throws
    /// Device history (`TimelineEvent`, the typed catalogue): stored by the events' raw names and keys,
    /// read back into the same types (unknown ones as `.other`, see `TimelineEvent.init(storedName:...)`).
    func append(_ events: [TimelineEvent]) throws
    /// Leases and events in one transaction: one fsync for a whole group commit.
    func write(leases: [Lease], events: [TimelineEvent]) throws
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

extension LeaseStore {
    public func write(leases: [Lease], events: [TimelineEvent]) throws {
        try save(leases)
        try append(events)
    }
}
