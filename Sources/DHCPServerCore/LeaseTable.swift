import WireSupport

/// The in-memory lease state the core decides from, indexed by address and by client. The shell loads it
/// from the store at start and persists every change the core returns as a `.commit` action.
public struct LeaseTable: Hashable, Sendable {
    public private(set) var byAddress: [IPv4Address: Lease] = [:]
    private var byClient: [ClientKey: IPv4Address] = [:]

    /// Oldest change first, so a client that held several addresses over time is indexed to its latest.
    public init(_ leases: [Lease] = []) {
        for lease in leases.sorted(by: { ($0.updated, $0.ip) < ($1.updated, $1.ip) }) { upsert(lease) }
    }

    public subscript(address: IPv4Address) -> Lease? { byAddress[address] }

    /// The client's latest binding, if that address still belongs to it.
    public func lease(for client: ClientKey) -> Lease? {
        guard let ip = byClient[client], let lease = byAddress[ip], lease.clientKey == client else { return nil }
        return lease
    }

    public mutating func upsert(_ lease: Lease) {
        if let key = lease.clientKey, lease.state != .declined { byClient[key] = lease.ip }
        byAddress[lease.ip] = lease
    }

    /// Forgets `address` (the shared store has no row for it any more).
    public mutating func remove(_ address: IPv4Address) {
        guard let lease = byAddress.removeValue(forKey: address) else { return }
        if let key = lease.clientKey, byClient[key] == address { byClient[key] = nil }
    }

    public var all: [Lease] { byAddress.values.sorted { $0.ip < $1.ip } }
    public var count: Int { byAddress.count }
}
