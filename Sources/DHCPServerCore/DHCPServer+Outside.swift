import DHCPWire
import Timeline
import WireSupport

/// What reaches the core from outside the request path: addresses to probe ahead, conflicts the probes
/// found, rows another server wrote to the shared store, and other servers' replies heard on the link.
extension DHCPServer {
    /// The next addresses the allocator would hand out as new, per subnet: what a conflict prober should check
    /// ahead of time so that an OFFER never waits for a probe (issue 4; Tftpd32's blocking ARP is the anti-model).
    public func upcomingAddresses(perSubnet limit: Int, now: ServerTime) -> [IPv4Address] {
        var out: [IPv4Address] = []
        for subnet in subnets {
            let allocator = Allocator(subnet: subnet)
            out += allocator.upcoming(
                limit: limit, cursor: cursor(for: subnet.config.subnet), leases: leases, now: now)
        }
        return out
    }

    /// What the shared store says about addresses, replacing what this cache believed: rows another server
    /// wrote (followed from the database), or the row that made one of our conditional writes fail. A nil
    /// row: the database has none. The next decision about these addresses starts from the database's truth.
    public mutating func learn(_ rows: [IPv4Address: Lease?]) {
        for (address, row) in rows {
            if let row { leases.upsert(row) } else { leases.remove(address) }
        }
    }

    /// Another server's reply heard on the link of `interfaceAddress` (ForeignReply): on a proxy subnet a
    /// server offering addresses is expected, it is the address server (issue 16), at info level. A reply
    /// without an address (another proxy, WDS, FOG) stays a rival: two proxies race for the same clients.
    public func foreignReply(_ event: DHCPEvent, interfaceAddress: IPv4Address) -> DHCPEvent {
        guard let subnet = config.subnets.first(where: { $0.subnet.contains(interfaceAddress) }), subnet.proxy,
            event[.dhcp(.yiaddr)] != nil
        else { return event }
        var expected = DHCPEvent(.addressServerSeen, level: .info, mac: event.mac, event.metadata)
        expected[.reason] = "the address server of proxy subnet \(subnet.subnet)"
        return expected
    }

    /// A probe found a device answering on a free address: quarantine it like a DECLINE so it is skipped.
    /// An address bound to a live lease is ignored: the device answering is its own client.
    /// `answeredBy`: the MAC that answered, when the probe tells (ARP). The client we offered or leased the
    /// address to is no squatter: it may answer already, and an OFFER unicast to it left its MAC in our own
    /// neighbour table (docs/dhcp.md).
    public mutating func markConflict(_ ip: IPv4Address, now: ServerTime, answeredBy: MACAddress? = nil) -> [DHCPAction]
    {
        if let lease = leases[ip], !lease.isFree(at: now), lease.state != .offered { return [] }
        if let answeredBy, let lease = leases[ip], lease.mac == answeredBy,
            lease.state == .offered || lease.state == .bound
        {
            return []
        }
        let quarantined = Lease(
            ip: ip, mac: nil, clientID: nil, hostname: nil, state: .declined,
            expires: now + Self.declineQuarantineMilliseconds, updated: now)
        let previous = leases[ip]
        leases.upsert(quarantined)
        return [
            .commit(quarantined, replacing: previous),
            .event(
                DHCPEvent(
                    .conflictDetected, level: .warning, mac: nil,
                    [
                        .dhcp(.address): ip.description,
                        .reason:
                            "a device answers on this free pool address; skipped for 1h (is it configured statically?)",
                    ])),
        ]
    }
}
