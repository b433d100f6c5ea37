import WireSupport

/// The in-memory lease state the core decides from, indexed by address and by client. The shell loads it
/// from the store at start and persists every change the core returns as a `.commit` action.
public struct LeaseTable: Hashable, Sendable {
    public private(set) var byAddress: [IPv4Address: Lease] = [:]
    private var byClient: [ClientKey: IPv4Address] = [:]

    public init(_ leases: [Lease] = []) {
        for lease in leases { upsert(lease) }
    }

    public subscript(address: IPv4Address) -> Lease? { byAddress[address] }

    public func lease(for client: ClientKey) -> Lease? { byClient[client].flatMap { byAddress[$0] } }

    public mutating func upsert(_ lease: Lease) {
        if let old = byAddress[lease.ip], let key = old.clientKey, byClient[key] == lease.ip { byClient[key] = nil }
        if let key = lease.clientKey {
            // A client holds one address per server: moving it frees its previous binding's index.
            if let previous = byClient[key], previous != lease.ip, var stale = byAddress[previous] {
                stale.clientID = nil
                stale.mac = nil
                byAddress[previous] = stale
            }
            if lease.state != .declined { byClient[key] = lease.ip }
        }
        byAddress[lease.ip] = lease
    }

    public var all: [Lease] { byAddress.values.sorted { $0.ip < $1.ip } }
    public var count: Int { byAddress.count }
}
