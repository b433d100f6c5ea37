import DialtoneConfig
import WireSupport

/// Picks an address for a client in one subnet, Kea style: the allocator proposes, the lease table and the
/// reservations decide. Order (issue 4): reservation; the client's current or previous address; the
/// requested address (option 50) when free; a never-used address; the free lease that ended longest ago.
struct Allocator {
    /// Shared, not copied: the allocator is made for every exchange (ConfiguredSubnet).
    let configured: ConfiguredSubnet
    var subnet: SubnetConfiguration { configured.config }

    init(subnet: ConfiguredSubnet) { configured = subnet }

    /// Addresses reserved for someone, so dynamic allocation skips them.
    var reservedAddresses: Set<IPv4Address> { Set(subnet.reservations.map(\.ip)) }

    func reservation(for key: ClientKey?, mac: MACAddress?) -> Reservation? {
        subnet.reservations.first { r in
            if let id = r.clientID, case .clientID(let bytes)? = key, bytes == id || bytes.dropFirst() == id[...] {
                return true
            }
            if let rmac = r.mac, rmac == mac { return true }
            return false
        }
    }

    /// The client's reservation, unless another client holds its address: a device whose MAC matches a
    /// reservation but who identifies by a different client id than the holder (a PXE ROM, then an OS), or a
    /// reservation added while the address was leased. Kea then serves the client from the pool until that
    /// lease ends, rather than bind one address to two clients (found by FuzzTesting/DHCPServerFuzz).
    func usableReservation(for key: ClientKey?, mac: MACAddress?, leases: LeaseTable, now: ServerTime) -> Reservation? {
        guard let r = reservation(for: key, mac: mac) else { return nil }
        if let lease = leases[r.ip], let holder = lease.clientKey, holder != key, lease.state != .declined,
            !lease.isFree(at: now)
        {
            return nil
        }
        return r
    }

    func inPool(_ address: IPv4Address) -> Bool { subnet.pools.contains { $0.contains(address) } }

    /// May `client` take `address` now?
    func isAvailable(_ address: IPv4Address, for client: ClientKey?, leases: LeaseTable, now: ServerTime) -> Bool {
        guard inPool(address), !reservedAddresses.contains(address) else { return false }
        guard let lease = leases[address] else { return true }
        if lease.state == .declined { return lease.expires <= now }
        if let client, lease.clientKey == client { return true }
        return lease.isFree(at: now)
    }

    /// - Parameter cursor: the next never-tried address offset within the pools, advanced as addresses are handed
    ///   out so allocation stays O(1) until the pools have been walked once.
    ///   - random: set for the random allocator: never-used addresses are drawn at random before the walk.
    func allocate(
        for client: ClientKey?, mac: MACAddress?, requested: IPv4Address?, leases: LeaseTable, now: ServerTime,
        cursor: inout UInt64, random: inout RandomCandidates?
    ) -> IPv4Address? {
        if let r = usableReservation(for: client, mac: mac, leases: leases, now: now) { return r.ip }
        if let client, let current = leases.lease(for: client), subnet.subnet.contains(current.ip),
            current.state != .declined, inPool(current.ip), !reservedAddresses.contains(current.ip)
        {
            return current.ip
        }
        if let requested, isAvailable(requested, for: client, leases: leases, now: now) { return requested }
        let total = subnet.pools.reduce(UInt64(0)) { $0 + $1.count }
        if var generator = random, total > 0 {
            defer { random = generator }
            for _ in 0..<RandomCandidates.draws {
                // The modulo's bias is below 2^-32 for any pool an IPv4 subnet can hold.
                let candidate = address(at: generator.next() % total)
                if leases[candidate] == nil, !reservedAddresses.contains(candidate) { return candidate }
            }
        }
        while cursor < total {
            let candidate = address(at: cursor)
            cursor += 1
            if leases[candidate] == nil, !reservedAddresses.contains(candidate) { return candidate }
        }
        // Every address has been used once: reuse the free one that ended longest ago.
        let reusable = leases.byAddress.values.filter { lease in
            inPool(lease.ip) && !reservedAddresses.contains(lease.ip)
                && (lease.state == .declined ? lease.expires <= now : lease.isFree(at: now))
        }
        return reusable.min { ($0.expires, $0.ip) < ($1.expires, $1.ip) }?.ip
    }

    /// Up to `limit` never-used addresses from the cursor on, without advancing it; then free expired ones.
    func upcoming(limit: Int, cursor: UInt64, leases: LeaseTable, now: ServerTime) -> [IPv4Address] {
        let total = subnet.pools.reduce(UInt64(0)) { $0 + $1.count }
        var out: [IPv4Address] = []
        var offset = cursor
        while offset < total, out.count < limit {
            let candidate = address(at: offset)
            offset += 1
            if leases[candidate] == nil, !reservedAddresses.contains(candidate) { out.append(candidate) }
        }
        if out.count < limit {
            let reusable = leases.byAddress.values.filter {
                inPool($0.ip) && $0.isFree(at: now) && $0.state != .declined
            }
            out += reusable.sorted { ($0.expires, $0.ip) < ($1.expires, $1.ip) }.prefix(limit - out.count).map(\.ip)
        }
        return out
    }

    private func address(at offset: UInt64) -> IPv4Address {
        var remaining = offset
        for pool in subnet.pools {
            if remaining < pool.count { return IPv4Address(rawValue: pool.lower.rawValue + UInt32(remaining)) }
            remaining -= pool.count
        }
        preconditionFailure("offset \(offset) outside the pools")
    }

    /// Used and total addresses, for the pool-usage gauge and the "pool exhausted" finding.
    func usage(leases: LeaseTable, now: ServerTime) -> (used: UInt64, total: UInt64) {
        let total = subnet.pools.reduce(UInt64(0)) { $0 + $1.count }
        let used = leases.byAddress.values.filter { inPool($0.ip) && !$0.isFree(at: now) }.count
        return (UInt64(used), total)
    }
}
