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

    private let directory: DeviceDirectory?

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
            sourcePort: UInt16(envelope.remoteAddress.port ?? 0))
        let actions = core.handle(request, context: context, now: Clock.nowMilliseconds())
        metrics.received(request.messageType)

        var commits: [Lease] = []
        var replies: [(DHCPMessage, ReplyDestination, Int, Int)] = []
        var events: [DHCPEvent] = []
        for action in actions {
            switch action {
            case .commit(let lease): commits.append(lease)
            case .reply(let message, let destination, let minimum, let maximum):
                replies.append((message, destination, minimum, maximum))
            case .event(let event): events.append(event)
            }
        }
        for lease in commits { directory?.record(lease) }
        if let vendorClass = request.options.vendorClass, let mac = request.clientMAC {
            directory?.recordVendorClass(vendorClass, for: mac)
        }
        let replyList = replies, eventList = events
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let send: @Sendable (Error?) -> Void = { [eventLoop] error in
            eventLoop.execute {
                let engine = bound.value
                if let error {
                    engine.logger.log(.error, .dhcpReplyWithheld, [.reason: "lease not durable: \(error)"])
                    return
                }
                var firstReplySize: Int?
                var sentAs: String?
                for (message, destination, minimum, maximum) in replyList {
                    let bytes = message.encode(minimumSize: minimum, maximumSize: maximum)
                    firstReplySize = firstReplySize ?? bytes.count
                    sentAs = socket.send(bytes, to: destination, channel: channel) ?? sentAs
                    engine.metrics.sent(message.messageType)
                }
                let elapsed = NIODeadline.now() - arrival
                if replyList.first?.0.messageType == .offer {
                    engine.metrics.offerLatency.recordNanoseconds(elapsed.nanoseconds)
                }
                let latency = elapsed.nanoseconds / 1000
                var stored: [TimelineEvent] = []
                for var event in eventList {
                    event.recordSend(latencyMicroseconds: latency, replyBytes: firstReplySize, destination: sentAs)
                    engine.log(event)
                    stored.append(event.timelineEvent(at: Clock.nowMilliseconds()))
                }
                // The timeline gets the events with their measured latency and size; written behind, in the
                // writer's next group commit.
                if !stored.isEmpty { engine.writer.submit(events: stored) }
            }
        }
        // The core says whether the replies wait for the commits (`repliesWaitForCommits`: bindings do,
        // offer holds are written behind).
        if actions.repliesWaitForCommits {
            writer.submit(StoreBatch(leases: commits), completion: send)
        } else {
            send(nil)
            writer.submit(StoreBatch(leases: commits))
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
    func otherServerReply(_ event: DHCPEvent) {
        let server = event[.dhcp(.serverID)] ?? "?"
        Counter(label: "dialtone_dhcp_other_server_replies_total", dimensions: [("server", server)]).increment()
        let now = Clock.nowMilliseconds()
        if now - (otherServersLogged[server] ?? .min / 2) >= 60_000 {
            otherServersLogged[server] = now
            log(event)
        }
        let stored = event.timelineEvent(at: now)
        writer.submit(events: [stored])
    }

    /// Addresses the prober should check next (see `DHCPServer.upcomingAddresses`).
    func upcomingAddresses(perSubnet limit: Int) -> [WireSupport.IPv4Address] {
        core.upcomingAddresses(perSubnet: limit, now: Clock.nowMilliseconds())
    }

    /// A probe found `ip` in use: quarantine it, durably, and say so.
    func conflict(_ ip: WireSupport.IPv4Address, answeredBy mac: MACAddress?) {
        let actions = core.markConflict(ip, now: Clock.nowMilliseconds(), answeredBy: mac)
        var leases: [Lease] = []
        for action in actions {
            switch action {
            case .commit(let lease): leases.append(lease)
            case .event(let event): log(event)
            case .reply: break
            }
        }
        let events = actions.compactMap { action -> TimelineEvent? in
            guard case .event(var e) = action else { return nil }
            // Stored without a device: a conflict is about the pool, whoever answered the probe.
            e.mac = nil
            return e.timelineEvent(at: Clock.nowMilliseconds())
        }
        if !leases.isEmpty { writer.submit(StoreBatch(leases: leases, events: events)) }
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
