import DHCPServerCore
import DialtoneConfig
import WireSupport

/// Decides which of a peer's bindings become Dialtone leases, given the configured subnets and what the
/// store already holds. Pure: `dialtone leases import` reads the files and the store, calls this, and
/// writes `leases`.
public struct LeaseImportPlan: Hashable, Sendable {
    /// Bound leases to write, one per address.
    public var leases: [Lease] = []
    /// Bindings not imported, each with its line in the peer's file.
    public var skipped: [SkippedEntry] = []
    /// Imported, with a change worth saying (an infinite lease given the subnet's lease time).
    public var notes: [String] = []

    public init(_ imported: [ImportedLease], subnets: [SubnetConfiguration], existing: [Lease], now: ServerTime) {
        // A live lease in the store belongs to its client: an import never takes an address from one, nor
        // gives a client a second address (the server would then hold two for it).
        let live = existing.filter { !$0.isFree(at: now) }
        let liveByAddress = Dictionary(live.map { ($0.ip, $0) }, uniquingKeysWith: { a, _ in a })
        var addressByClient: [ClientKey: IPv4Address] = [:]
        for lease in live { if let key = lease.clientKey { addressByClient[key] = lease.ip } }

        for binding in imported {
            func skip(_ reason: String) {
                skipped.append(SkippedEntry(line: binding.line, kind: .inactive, reason: "\(binding.ip): \(reason)"))
            }
            guard let subnet = subnets.first(where: { $0.subnet.contains(binding.ip) }) else {
                skip("in no configured subnet (dhcp.subnets)")
                continue
            }
            guard let key = ClientKey(clientID: binding.clientID, mac: binding.mac) else {
                skip("no client identity")
                continue
            }
            // Matched as the allocator matches reservations: by MAC, or by client id.
            let reservation = subnet.reservations.first { $0.ip == binding.ip }
            let reservedForIt = reservation.map { r in
                (r.mac != nil && r.mac == binding.mac)
                    || (r.clientID != nil
                        && (binding.clientID == r.clientID || binding.clientID?.dropFirst() == r.clientID?[...]))
            }
            if let reservation, reservedForIt == false {
                skip("reserved in the config for \(reservation.mac?.description ?? "another client")")
                continue
            }
            // The allocator gives a client its current address back only from the pools (or its
            // reservation): a lease outside them would be replaced at the next request.
            if subnet.proxy {
                skip("on proxy subnet \(subnet.subnet): its addresses are the address server's")
                continue
            }
            if reservation == nil, !subnet.pools.contains(where: { $0.contains(binding.ip) }) {
                skip("outside the pools of \(subnet.subnet) (add it to a pool, or reserve it)")
                continue
            }
            if let holder = liveByAddress[binding.ip], holder.clientKey != key {
                skip(
                    "held in the store by \(holder.clientKey?.description ?? "another client") until \(LeaseExport.iso8601(holder.expires))"
                )
                continue
            }
            if let other = addressByClient[key], other != binding.ip {
                skip("\(key) already holds \(other) in the store")
                continue
            }
            let expires: ServerTime
            switch binding.expires {
            case .at(let time): expires = time
            case .never:
                expires = now + subnet.leaseTime.milliseconds
                notes.append(
                    "line \(binding.line): \(binding.ip): an infinite lease; Dialtone has none, so it runs for the subnet's lease_time (\(subnet.leaseTime)) and renews as usual"
                )
            }
            addressByClient[key] = binding.ip
            leases.append(
                Lease(
                    ip: binding.ip, mac: binding.mac, clientID: binding.clientID, hostname: binding.hostname,
                    state: .bound,
                    expires: expires, updated: now))
        }
    }
}
