import DHCPServerCore
import DHCPWire
import DialtoneConfig
import DialtoneLogging
import LeaseStore
import Logging
import Metrics
import NIOCore
import ServiceSupport
import Timeline
import WireSupport

/// Runs the pure `DHCPServer` for every DHCP socket. Confined to one event loop: all sockets are bound on it,
/// so the core's state needs no lock. Executes the core's actions: commits through the group-commit writer,
/// then replies, then log lines.
final class DHCPEngine {
    private var core: DHCPServer
    let writer: StoreWriter
    private let logger: Logger
    private let eventLoop: EventLoop
    private var malformedLogged: [String: Int64] = [:]
    private(set) var malformedCount = 0
    private var otherServersLogged: [String: Int64] = [:]
    private var limits: FloodLimits
    private var limitedLogged: [String: Int64] = [:]
    private(set) var limitedCount = 0
    fileprivate var metrics = DHCPMetrics()
    /// Addresses this engine wrote, and when: `follow` leaves them to our writes' outcomes for a while.
    private var recentWrites: [WireSupport.IPv4Address: Int64] = [:]
    static let recentWindow: Int64 = 3_000
    /// Lease writes the shared store refused (`dhcp.lease.conflict`).
    private(set) var conflictCount = 0
    /// Bindings submitted whose commit has not returned yet. Past `maxAwaitingCommits` the store is the
    /// bottleneck, and every OFFER made now only adds a REQUEST that will wait too: new DISCOVERs are left
    /// unanswered (clients retry in seconds) so that the ACKs already promised get through. Without it a
    /// flood against a slow store completed almost nothing (bench/dhcp, PostgreSQL at the maximum rate).
    private var awaitingCommits = 0
    static let maxAwaitingCommits = 512
    private(set) var shedCount = 0
    private var shedLogged: Int64 = .min / 2
    /// Times a socket's `DiscoverGate` closed, and when that was last logged.
    private(set) var gateClosedCount = 0
    private var gateLogged: Int64 = .min / 2

    private let directory: DeviceDirectory?

    /// The dashboard's site view counts replies here (nil: nobody watches).
    var activity: SiteActivity?
    /// The loop thread's real-time policy, looked at after each burst of reads and each other job
    /// (RealtimeGovernor).
    var realtime: RealtimeThread?

    /// `job` on this engine, then a checkpoint of the thread's real-time governor.
    func afterJob<T>(_ job: (DHCPEngine) -> T) -> T {
        defer { realtime?.checkpoint() }
        return job(self)
    }

    init(core: DHCPServer, writer: StoreWriter, directory: DeviceDirectory?, logger: Logger, eventLoop: EventLoop) {
        self.directory = directory
        self.core = core
        self.limits = FloodLimits(clientRate: core.config.clientRateLimit, relayRate: core.config.relayRateLimit)
        self.writer = writer
        self.logger = logger
        self.eventLoop = eventLoop
    }

    func received(_ envelope: AddressedEnvelope<ByteBuffer>, on socket: DHCPSocket, channel: Channel) {
        eventLoop.preconditionInEventLoop()
        let arrival = NIODeadline.now()
        let request: DHCPMessage
        do {
            request = try DHCPMessage(decoding: envelope.data)
        } catch {
            logMalformed("\(error)", from: envelope.remoteAddress)
            return
        }
        let source = envelope.remoteAddress.wireIPv4 ?? WireSupport.IPv4Address.any
        if let (scope, who) = limits.check(request, source: source, now: Clock.nowMilliseconds()) {
            logLimited(scope, who)
            return
        }
        let context = ReceiveContext(
            interfaceName: socket.interface.name, interfaceAddress: socket.interface.address, sourceAddress: source,
            sourcePort: UInt16(envelope.remoteAddress.port ?? 0), onPXEPort: socket.isPXEPort)
        metrics.received(request.messageType)
        if request.messageType == .discover, awaitingCommits >= Self.maxAwaitingCommits {
            shed()
            return
        }
        if let mac = request.clientMAC {
            if let vendorClass = request.options.vendorClass { directory?.recordVendorClass(vendorClass, for: mac) }
            if let list = request.options[.parameterRequestList] {
                directory?.recordParameterRequestList(list, for: mac)
            }
        }
        answer(request, context: context, socket: socket, channel: channel, arrival: arrival, attempt: 0)
    }

    /// Runs the core on one request and carries out its actions. `attempt` 1 is the second answer to the
    /// same request, after the shared store refused a lease the first one wrote: the cache has learnt the
    /// store's row meanwhile, so the core decides again from the truth (an ACK for another address, or a NAK).
    private func answer(
        _ request: DHCPMessage, context: ReceiveContext, socket: DHCPSocket, channel: Channel, arrival: NIODeadline,
        attempt: Int
    ) {
        let now = Clock.nowMilliseconds()
        let actions = core.handle(request, context: context, now: now)
        var changes: [LeaseChange] = []
        var replies: [(DHCPMessage, ReplyDestination, Int, Int)] = []
        var events: [DHCPEvent] = []
        var learned: [MACAddress: [LearnedNeed]] = [:]
        for action in actions {
            switch action {
            case .commit(let lease, let replacing):
                changes.append(LeaseChange(lease, replacingRow: replacing))
                recentWrites[lease.ip] = now
            case .reply(let message, let destination, let minimum, let maximum):
                replies.append((message, destination, minimum, maximum))
            case .event(let event): events.append(event)
            case .remember(let mac, let needs): learned[mac] = needs
            }
        }
        // Written behind: no reply waits for what was learned (DHCPAction.remember).
        if !learned.isEmpty { writer.submit(StoreBatch(clientNeeds: learned)) }
        for change in changes { directory?.record(change.lease) }
        let replyList = replies, eventList = events, addresses = changes.map(\.lease.ip)
        let waits = actions.repliesWaitForCommits
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let send: StoreWriter.Completion = { [eventLoop] outcome in
            eventLoop.execute {
                let engine = bound.value
                defer { engine.realtime?.checkpoint() }
                if waits { engine.awaitingCommits -= 1 }
                switch outcome {
                case .failure(let error):
                    guard waits else { return }
                    engine.logger.log(.error, .dhcpReplyWithheld, [.reason: "lease not durable: \(error)"])
                    return
                case .success(let result):
                    let lost = addresses.filter { result.rejected.keys.contains($0) }
                    guard !lost.isEmpty else { break }
                    engine.lostRace(lost, result.rejected, request: request)
                    guard waits else { return }
                    if attempt == 0 {
                        engine.answer(
                            request, context: context, socket: socket, channel: channel, arrival: arrival, attempt: 1)
                    } else {
                        engine.logger.log(
                            .warning, .dhcpReplyWithheld,
                            [.reason: "another server changed \(lost[0]) again while we answered; the client retries"])
                    }
                    return
                }
                guard waits else { return }
                let stored = engine.sendReplies(
                    replyList, events: eventList, socket: socket, channel: channel, arrival: arrival)
                // The timeline gets the events with their measured latency and size; written behind, in the
                // writer's next group commit.
                if !stored.isEmpty { engine.writer.submit(events: stored) }
            }
        }
        // The core says whether the replies wait for the commits (`repliesWaitForCommits`: bindings do,
        // offer holds are written behind; a refused hold is learnt, and the client's REQUEST is judged from
        // the store's row).
        if waits {
            awaitingCommits += 1
            writer.submit(StoreBatch(changes: changes), completion: send)
        } else {
            // The holds and the events in one submission: one job for the writer instead of two, and one
            // transaction when the writer is idle.
            let stored = sendReplies(replyList, events: eventList, socket: socket, channel: channel, arrival: arrival)
            if !changes.isEmpty {
                writer.submit(StoreBatch(changes: changes, events: stored), completion: send)
            } else if !stored.isEmpty {
                writer.submit(events: stored)
            }
        }
    }

    /// A reload: the core answers the next packet with `config` (DHCPServer.reconfigure); the flood limits
    /// are made anew only when their rates changed, so a reload does not reset a flooding client's count.
    func reconfigure(_ config: DHCPConfiguration) {
        eventLoop.preconditionInEventLoop()
        let rates = (core.config.clientRateLimit, core.config.relayRateLimit)
        core.reconfigure(config)
        if rates != (config.clientRateLimit, config.relayRateLimit) {
            limits = FloodLimits(clientRate: config.clientRateLimit, relayRate: config.relayRateLimit)
        }
    }

    /// Sends the replies and returns the events as the timeline stores them, with the measured latency and
    /// size, for the caller to submit.
    private func sendReplies(
        _ replies: [(DHCPMessage, ReplyDestination, Int, Int)], events: [DHCPEvent], socket: DHCPSocket,
        channel: Channel, arrival: NIODeadline
    ) -> [TimelineEvent] {
        var firstReplySize: Int?
        var sentAs: String?
        for (message, destination, minimum, maximum) in replies {
            let bytes = message.encode(minimumSize: minimum, maximumSize: maximum)
            firstReplySize = firstReplySize ?? bytes.count
            sentAs = socket.send(bytes, to: destination, channel: channel) ?? sentAs
            metrics.sent(message.messageType)
        }
        activity?.dhcpRepliesSent(replies.count)
        let elapsed = NIODeadline.now() - arrival
        if replies.first?.0.messageType == .offer {
            metrics.offerLatency.recordNanoseconds(elapsed.nanoseconds)
        }
        let latency = elapsed.nanoseconds / 1000
        var stored: [TimelineEvent] = []
        for var event in events {
            event.recordSend(latencyMicroseconds: latency, replyBytes: firstReplySize, destination: sentAs)
            log(event)
            stored.append(event.timelineEvent(at: Clock.nowMilliseconds()))
        }
        return stored
    }

    /// The shared store refused our write to `addresses`: another server changed them first. The cache
    /// takes the store's rows, and the device's timeline says so.
    private func lostRace(
        _ addresses: [WireSupport.IPv4Address], _ rows: [WireSupport.IPv4Address: Lease?], request: DHCPMessage
    ) {
        learn(rows)
        conflictCount += 1
        let event = DHCPEvent(
            .leaseConflict, level: .notice, mac: request.clientMAC,
            [
                .dhcp(.address): addresses.map(\.description).joined(separator: ","),
                .reason: "another server changed this address in the shared store first; answered again from its row",
            ])
        log(event)
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

    /// A DISCOVER left unanswered while the store is behind: counted, logged once a minute.
    private func shed() {
        shedCount += 1
        Counter(label: "dialtone_dhcp_shed_total").increment()
        logShed(
            &shedLogged,
            [
                .reason: "\(awaitingCommits) bindings wait for the store; "
                    + "new DISCOVERs are not answered until it catches up",
                .server(.limitedTotal): "\(shedCount)",
            ])
    }

    /// A socket's `DiscoverGate` closed or opened. Closing is counted (`dialtone_dhcp_discover_gate_closed_total`)
    /// and logged at most once a minute; opening is logged at debug.
    func discoverGate(_ change: DiscoverGate.Change, memory: DiscoverFilter.Memory, on socket: DHCPSocket) {
        let place = "\(socket.interface.name) port \(socket.port)"
        guard change == .close else {
            logger.log(.debug, .dhcpDiscoverShed, [.reason: "receive queue on \(place) drained; DISCOVERs taken again"])
            return
        }
        gateClosedCount += 1
        Counter(label: "dialtone_dhcp_discover_gate_closed_total").increment()
        logShed(
            &gateLogged,
            [
                .reason: "receive queue on \(place) half full (\(memory.queued) of \(memory.buffer) bytes): the kernel "
                    + "drops new DISCOVERs until it is down to a quarter; REQUESTs and the rest still come through "
                    + "(closed \(gateClosedCount) times since start)"
            ])
    }

    /// `dhcp.discover.shed` at most once a minute for each cause (`last`: when that cause was last logged), so
    /// that a store falling behind does not hide a gate closing, or the other way round.
    private func logShed(_ last: inout Int64, _ metadata: EventMetadata) {
        let now = Clock.nowMilliseconds()
        guard now - last >= 60_000 else { return }
        last = now
        logger.log(.warning, .dhcpDiscoverShed, metadata)
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

    /// Another server's reply heard by a `DHCPWatcher`: into the client's timeline (where `explain` finds
    /// it), counted, and logged as a warning at most once a minute per server so a busy rival cannot flood.
    func otherServerReply(_ event: DHCPEvent, interfaceAddress: WireSupport.IPv4Address) {
        let event = core.foreignReply(event, interfaceAddress: interfaceAddress)
        let server = event[.dhcp(.serverID)] ?? "?"
        // The counter is for alerts on rivals: a proxy subnet's address server is not one.
        if event.name == .otherServerReply {
            Counter(label: "dialtone_dhcp_other_server_replies_total", dimensions: [("server", server)]).increment()
        }
        let now = Clock.nowMilliseconds()
        if now - (otherServersLogged[server] ?? .min / 2) >= 60_000 {
            otherServersLogged[server] = now
            log(event)
        }
        let stored = event.timelineEvent(at: now)
        writer.submit(events: [stored])
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
                log(event)
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
            case .event(let event): log(event)
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

    private func log(_ event: DHCPEvent) {
        let level = Self.level(event.level)
        guard logger.logLevel <= level else { return }
        var metadata = event.metadata
        if let mac = event.mac { metadata[.client(.mac)] = mac.description }
        logger.log(level: level, "\(event.name.rawValue)", metadata: metadata.logMetadata)
    }

    private static func level(_ level: DHCPEvent.Level) -> Logger.Level {
        switch level {
        case .debug: .debug
        case .info: .info
        case .notice: .notice
        case .warning: .warning
        case .error: .error
        }
    }

    /// Malformed packets are counted always and logged at most once a minute per source, with the reason.
    /// A dropped request over its source's share: counted always, logged once a minute per source.
    private func logLimited(_ scope: FloodLimits.Scope, _ who: String) {
        limitedCount += 1
        Counter(label: "dialtone_dhcp_limited_total", dimensions: [("scope", scope.rawValue)]).increment()
        let key = scope.rawValue + " " + who
        let now = Clock.nowMilliseconds()
        if let last = limitedLogged[key], now - last < 60_000 { return }
        if limitedLogged.count > 10_000 { limitedLogged = limitedLogged.filter { now - $0.value < 60_000 } }
        limitedLogged[key] = now
        logger.log(
            .warning, .dhcpClientLimited,
            [
                .reason: "\(scope.rawValue) \(who) sends more requests than its share; dropping until it slows down",
                .server(.limitedScope): scope.rawValue, .server(.limitedTotal): "\(limitedCount)",
            ])
    }

    private func logMalformed(_ reason: String, from address: SocketAddress) {
        malformedCount += 1
        Counter(label: "dialtone_dhcp_malformed_total").increment()
        let key = address.ipAddress ?? "?"
        let now = Clock.nowMilliseconds()
        if let last = malformedLogged[key], now - last < 60_000 { return }
        malformedLogged[key] = now
        logger.log(
            .warning, .dhcpPacketMalformed,
            [.reason: reason, .client(.address): "\(address)", .server(.dhcpMalformedTotal): "\(malformedCount)"])
    }
}

/// The per-packet metrics, made once: looking a counter up in the Prometheus registry takes a lock and
/// hashes its label on every call, a few percent of the DHCP path under flood (perf, bench/dhcp).
/// Confined to the engine's event loop like the engine itself.
struct DHCPMetrics {
    private var receivedByType: [UInt8: Counter] = [:]
    private var sentByType: [UInt8: Counter] = [:]
    let offerLatency = Timer(label: "dialtone_dhcp_offer_latency_seconds")

    mutating func received(_ type: DHCPMessageType?) {
        counter(&receivedByType, "dialtone_dhcp_received_total", type, unknown: "BOOTP").increment()
    }

    mutating func sent(_ type: DHCPMessageType?) {
        counter(&sentByType, "dialtone_dhcp_sent_total", type, unknown: "?").increment()
    }

    private func counter(_ table: inout [UInt8: Counter], _ label: String, _ type: DHCPMessageType?, unknown: String)
        -> Counter
    {
        let key = type?.rawValue ?? 0
        if let known = table[key] { return known }
        let made = Counter(label: label, dimensions: [("type", type?.description ?? unknown)])
        table[key] = made
        return made
    }
}
