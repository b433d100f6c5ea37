import DHCPWire
import DialtoneConfig
import Timeline
import WireSupport

/// The DHCPv4 server as a value: `handle` takes one decoded request and returns what to do. No sockets,
/// clock or store inside; the shell passes `now` and persists `.commit` actions before sending replies.
public struct DHCPServer: Sendable {
    public private(set) var config: DHCPConfiguration {
        didSet { subnets = config.subnets.map(ConfiguredSubnet.init) }
    }
    /// `config.subnets`, each shared by reference with the options it encodes once (ConfiguredSubnet).
    private(set) var subnets: [ConfiguredSubnet]
    /// Whether this program also serves TFTP: then siaddr, 150 and 66 default to our interface address.
    public let servesTFTP: Bool
    /// Where this program serves HTTP (the first `http.listen`), for UEFI HTTP Boot URLs; nil when it does not.
    public let httpListen: HostPort?
    public internal(set) var leases: LeaseTable
    private var cursors: [IPv4Subnet: UInt64] = [:]
    /// The random allocator's generator; nil for the iterative one (`DHCPConfiguration.allocator`).
    private(set) var random: RandomCandidates?
    /// What clients turned out to need (`LearnedNeeds.swift`), per MAC, as the store keeps it.
    public internal(set) var learned: [MACAddress: [ClientNeed: LearnedNeed]] = [:]
    /// OFFERs waiting for their REQUEST that could teach a need (`LearnedNeeds.swift`).
    var offerWatch = OfferWatch()

    /// How long an OFFER holds its address for the client (RFC 2131 §4.3.1 leaves it to the server).
    public static let offerHoldMilliseconds: ServerTime = 30_000
    /// How long a DECLINEd address stays out of use.
    public static let declineQuarantineMilliseconds: ServerTime = 3_600_000

    /// - Parameter seed: the random allocator's seed (the shell passes a random one; tests a fixed one).
    /// - Parameter learned: what the store remembers of clients' needs (`Store.loadClientNeeds`).
    public init(
        config: DHCPConfiguration, servesTFTP: Bool, leases: [Lease], learned: [MACAddress: [LearnedNeed]] = [:],
        seed: UInt64 = 0, httpListen: HostPort? = nil
    ) {
        self.config = config
        subnets = config.subnets.map(ConfiguredSubnet.init)
        self.httpListen = httpListen
        if config.allocator == .random { random = RandomCandidates(seed: seed) }
        self.servesTFTP = servesTFTP
        self.leases = LeaseTable(leases)
        for (mac, needs) in learned where !needs.isEmpty {
            self.learned[mac] = Dictionary(needs.map { ($0.need, $0) }) { $1 }
        }
    }

    /// The subnet a request belongs to (RFC 2131 §4.3.1; Kea selects the same way):
    /// 1. giaddr set: the relay's subnet;
    /// 2. giaddr zero and ciaddr set (RENEWING, REBINDING, INFORM): the subnet holding ciaddr, when one does.
    ///    A client behind a relay renews by unicast straight from ciaddr (RFC 2131 §4.3.2), so it arrives on
    ///    whatever interface routes to it, not on its own link; choosing by interface dropped every such
    ///    renewal (issue 14);
    /// 3. otherwise the receiving interface's.
    public func subnet(for request: DHCPMessage, context: ReceiveContext) -> SubnetConfiguration? {
        configured(for: request, context: context)?.config
    }

    func configured(for request: DHCPMessage, context: ReceiveContext) -> ConfiguredSubnet? {
        if !request.giaddr.isAny { return subnets.first { $0.config.subnet.contains(request.giaddr) } }
        if !request.ciaddr.isAny, let owner = subnets.first(where: { $0.config.subnet.contains(request.ciaddr) }) {
            return owner
        }
        return subnets.first { $0.config.subnet.contains(context.interfaceAddress) }
    }

    public mutating func handle(_ request: DHCPMessage, context: ReceiveContext, now: ServerTime) -> [DHCPAction] {
        var profile = ClientProfile(request: request, classes: config.classes)
        // Malformed options are answered as absent, but reported first (MalformedOptions.swift).
        let problems = request.malformedOptions.map {
            DHCPAction.event($0.event(mac: profile.mac, type: request.messageType))
        }
        // What this request teaches about the client applies to its own answer already.
        let learnt = learn(from: request, profile: &profile, now: now)
        let actions = answer(request, profile: profile, context: context, now: now)
        let confirmed = confirmTrial(request, profile: profile, actions: actions, now: now)
        if let mac = profile.mac, let type = request.messageType {
            offerWatch.observe(request, type: type, mac: mac, actions: actions, trial: profile.replyTrial, now: now)
        }
        // Usually only `actions`: returned as it is, not copied into a new array three times.
        if problems.isEmpty && learnt.isEmpty && confirmed.isEmpty { return actions }
        return problems + learnt + actions + confirmed
    }

    private mutating func answer(
        _ request: DHCPMessage, profile: ClientProfile, context: ReceiveContext, now: ServerTime
    ) -> [DHCPAction] {
        guard request.op == DHCPMessage.bootRequest else {
            return [
                .event(
                    DHCPEvent(
                        .packetDropped, level: .debug, mac: profile.mac,
                        [.reason: "op \(request.op) is not BOOTREQUEST"]))
            ]
        }
        guard let type = request.messageType else {
            return [
                .event(
                    DHCPEvent(
                        .packetDropped, level: .debug, mac: profile.mac,
                        [.reason: "BOOTP without option 53 is not served"]))
            ]
        }
        guard let subnet = configured(for: request, context: context) else {
            let anchor =
                request.giaddr.isAny
                ? "interface \(context.interfaceName) address \(context.interfaceAddress)" : "relay \(request.giaddr)"
            return [
                .event(
                    DHCPEvent(
                        .packetDropped, level: .warning, mac: profile.mac,
                        [
                            .reason: "no subnet configured for \(anchor)", .dhcp(.type): type.description,
                        ]))
            ]
        }
        var (actions, cursor, random) = respond(
            request, type: type, context: context, subnet: subnet, profile: profile, now: now)
        // A client holds one address per server: when it moves, its previous binding is released, and the
        // release is committed like any other change so the store agrees with memory.
        var moved: [DHCPAction] = []
        for case .commit(let lease, _) in actions where lease.state != .declined {
            if let key = lease.clientKey, let previous = leases.lease(for: key), previous.ip != lease.ip,
                previous.state != .declined
            {
                var freed = previous
                freed.state = .released
                freed.expires = min(freed.expires, now)
                freed.updated = now
                moved.append(.commit(freed, replacing: previous))
            }
        }
        if !moved.isEmpty { actions = moved + actions }
        for case .commit(let lease, _) in actions { leases.upsert(lease) }
        cursors[subnet.config.subnet] = cursor
        self.random = random
        return actions
    }

    /// Runs one exchange. A separate function on purpose: the `Exchange` holds a copy of this server, and it
    /// must be gone before `handle` mutates the lease table, or every packet would copy the whole table.
    private func respond(
        _ request: DHCPMessage, type: DHCPMessageType, context: ReceiveContext, subnet: ConfiguredSubnet,
        profile: ClientProfile, now: ServerTime
    ) -> ([DHCPAction], UInt64, RandomCandidates?) {
        var exchange = Exchange(
            server: self, request: request, type: type, context: context, subnet: subnet, profile: profile, now: now)
        let actions: [DHCPAction]
        if subnet.config.proxy { return (exchange.proxy(), exchange.cursor, exchange.random) }
        if context.onPXEPort {
            let reason = "the PXE port answers on proxy subnets only; \(subnet.config.subnet) is not one"
            let dropped = DHCPEvent(.packetDropped, level: .debug, mac: profile.mac, [.reason: reason])
            return ([.event(dropped)], exchange.cursor, exchange.random)
        }
        switch type {
        case .discover: actions = exchange.discover()
        case .request: actions = exchange.requestMessage()
        case .decline: actions = exchange.decline()
        case .release: actions = exchange.release()
        case .inform: actions = exchange.inform()
        default:
            actions = [
                .event(
                    DHCPEvent(
                        .packetDropped, level: .debug, mac: profile.mac, [.reason: "\(type) is not a client message"]))
            ]
        }
        return (actions, exchange.cursor, exchange.random)
    }

    func cursor(for subnet: IPv4Subnet) -> UInt64 { cursors[subnet] ?? 0 }

    /// A reload (SIGHUP, ReloadPlan): the next packet is answered with the new subnets, pools, options,
    /// reservations and classes. The lease table is kept whole, so every client keeps its binding where the
    /// new config still allows it; a lease the new config no longer covers is not cut short: it runs out,
    /// and the client's next REQUEST is judged by the new rules (a NAK, then a new address). The allocation
    /// cursor is kept per subnet that stays, so new addresses go on where they were.
    public mutating func reconfigure(_ config: DHCPConfiguration) {
        self.config = config
        let kept = Set(config.subnets.map(\.subnet))
        cursors = cursors.filter { kept.contains($0.key) }
    }

    /// Pool usage per subnet, for metrics and the dashboard; a proxy subnet has no pool of ours.
    public func poolUsage(now: ServerTime) -> [(subnet: IPv4Subnet, used: UInt64, total: UInt64)] {
        subnets.filter { !$0.config.proxy }.map { s in
            let u = Allocator(subnet: s).usage(leases: leases, now: now)
            return (s.config.subnet, u.used, u.total)
        }
    }
}
