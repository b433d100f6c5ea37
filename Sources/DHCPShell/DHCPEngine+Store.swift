import DHCPServerCore
import DHCPWire
import LeaseStore
import Metrics
import ServiceSupport
import Timeline
import WireSupport

/// The engine's store side, beside the request path: what the store tells it (a shared store's refusals, rows
/// another server wrote), what the admin asks of it (forget a client), what the conflict prober finds, and the
/// pool gauges. Each goes through the core and ends in a group commit, like an answer.
extension DHCPEngine {
    /// The shared store refused our write to `addresses`: another server changed them first. The cache
    /// takes the store's rows, and the device's timeline says so.
    func lostRace(
        _ addresses: [WireSupport.IPv4Address], _ rows: [WireSupport.IPv4Address: Lease?], mac: MACAddress?
    ) {
        learn(rows)
        let event = DHCPEvent(
            .leaseConflict, level: .notice, mac: mac,
            [
                .dhcp(.address): addresses.map(\.description).joined(separator: ","),
                .reason: "another server changed this address in the shared store first; answered again from its row",
            ])
        reports.log(event)
        writer.submit(events: [event.timelineEvent(at: Clock.nowMilliseconds())])
    }

    /// Rows the shared store holds now (refused writes, see `StoreWriter.onRejected`).
    func learn(_ rows: [WireSupport.IPv4Address: Lease?]) {
        core.learn(rows)
        for case let (_, row?) in rows { directory?.record(row) }
    }

    /// Rows another server wrote (`StoreFollower`). An address this server wrote in the last few seconds is
    /// left alone: the follower may have read it before our own write landed, and our write's outcome
    /// (committed, or refused with the store's row) is the newer word on it.
    func follow(_ rows: [Lease]) {
        let now = Clock.nowMilliseconds()
        var fresh: [WireSupport.IPv4Address: Lease?] = [:]
        for row in rows where now - (recentWrites[row.ip] ?? .min / 2) > Self.recentWindow { fresh[row.ip] = row }
        learn(fresh)
        if recentWrites.count > 50_000 { recentWrites = recentWrites.filter { now - $0.value <= Self.recentWindow } }
    }

    /// Pool usage per subnet, for the `dialtone_dhcp_pool_*` gauges (refreshed on a timer: it walks the leases).
    func publishPoolUsage() {
        for usage in core.poolUsage(now: Clock.nowMilliseconds()) {
            Gauge(label: "dialtone_dhcp_pool_used", dimensions: [("subnet", usage.subnet.description)]).record(
                Double(usage.used))
            Gauge(label: "dialtone_dhcp_pool_size", dimensions: [("subnet", usage.subnet.description)]).record(
                Double(usage.total))
        }
    }

    /// Forgets what was learned about `mac` (`DHCPServer.forget`), durably and on its timeline; false when
    /// nothing was learned.
    func forget(_ mac: MACAddress) -> Bool {
        let now = Clock.nowMilliseconds()
        var batch = StoreBatch()
        for action in core.forget(mac) {
            switch action {
            case .remember(let mac, let needs): batch.remember(mac, needs)
            case .event(let event):
                reports.log(event)
                batch.events.append(event.timelineEvent(at: now))
            case .commit, .reply: break
            }
        }
        guard !batch.isEmpty else { return false }
        writer.submit(batch)
        return true
    }

    /// Addresses the prober should check next (see `DHCPServer.upcomingAddresses`).
    func upcomingAddresses(perSubnet limit: Int) -> [WireSupport.IPv4Address] {
        core.upcomingAddresses(perSubnet: limit, now: Clock.nowMilliseconds())
    }

    /// A probe found `ip` in use: quarantine it, durably, and say so.
    func conflict(_ ip: WireSupport.IPv4Address, answeredBy mac: MACAddress?) {
        let actions = core.markConflict(ip, now: Clock.nowMilliseconds(), answeredBy: mac)
        var leases: [LeaseChange] = []
        for action in actions {
            switch action {
            case .commit(let lease, let replacing): leases.append(LeaseChange(lease, replacingRow: replacing))
            case .event(let event): reports.log(event)
            case .reply, .remember: break
            }
        }
        let events = actions.compactMap { action -> TimelineEvent? in
            guard case .event(var e) = action else { return nil }
            // Stored without a device: a conflict is about the pool, whoever answered the probe.
            e.mac = nil
            return e.timelineEvent(at: Clock.nowMilliseconds())
        }
        if !leases.isEmpty { writer.submit(StoreBatch(changes: leases, events: events)) }
    }
}
