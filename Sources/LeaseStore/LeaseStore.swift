import DHCPServerCore
import WireSupport

/// One recorded event of a device's timeline (DHCP exchange, TFTP request, syslog line).
public struct StoredEvent: Hashable, Sendable {
    public var time: ServerTime
    public var mac: MACAddress?
    public var name: String
    public var level: String
    public var metadata: [String: String]

    public init(time: ServerTime, mac: MACAddress?, name: String, level: String, metadata: [String: String]) {
        self.time = time
        self.mac = mac
        self.name = name
        self.level = level
        self.metadata = metadata
    }
}

/// Where leases and device history live. Every method returns only once the change is durable, so a
/// caller that sends an ACK after `save` never acknowledges a lease a crash could lose.
///
/// Implementations: `InMemoryLeaseStore` (core tests), `SQLiteLeaseStore` (the default, in `state_dir`).
/// PostgreSQL, shared by several servers, is planned; this protocol is all the services see.
public protocol LeaseStore: Sendable {
    func loadLeases() throws -> [Lease]
    /// Writes the leases in one transaction (group commit: callers batch concurrent changes).
    func save(_ leases: [Lease]) throws
    func append(_ events: [StoredEvent]) throws
    /// Leases and events in one transaction: one fsync for a whole group commit.
    func write(leases: [Lease], events: [StoredEvent]) throws
    /// The newest `limit` events of one device, newest first.
    func events(for mac: MACAddress, limit: Int) throws -> [StoredEvent]
    /// Per MAC, a number that grows whenever the device gets a new event (the newest event's id): lets
    /// a reader recompute a device's view only when its history changed.
    func eventVersions() throws -> [String: Int64]
    /// The newest `limit` events of one kind (e.g. `syslog.message`) across devices, newest first.
    func events(named name: String, limit: Int) throws -> [StoredEvent]
    /// Provisioning state per phone (upgrade ladder step), as JSON, keyed by MAC.
    func loadPhoneStates() throws -> [String: String]
    func savePhoneState(mac: String, json: String) throws
}

extension LeaseStore {
    public func write(leases: [Lease], events: [StoredEvent]) throws {
        try save(leases)
        try append(events)
    }
}
