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

extension NIOLoopBound where Value == DHCPEngine {
    /// `job` on the engine's loop from anywhere, ending at the real-time governor's checkpoint (`afterJob`):
    /// the way in for every job that is not a read (reloads, refused writes, followed rows, conflicts).
    func execute(_ job: @escaping @Sendable (DHCPEngine) -> Void) {
        eventLoop.execute { self.value.afterJob(job) }
    }
}

/// Runs the pure `DHCPServer` for every DHCP socket. Confined to one event loop: all sockets are bound on it,
/// so the core's state needs no lock. Executes the core's actions: commits through the group-commit writer,
/// then replies, then log lines.
final class DHCPEngine {
    /// Internal, not private, for the engine's store side (DHCPEngine+Store.swift); nothing else in the module
    /// touches it.
    var core: DHCPServer
    let writer: StoreWriter
    let logger: Logger
    let eventLoop: EventLoop
    private var limits: FloodLimits
    /// The core's events as log lines, and the counted, rate-limited warnings.
    private(set) var reports: DHCPReports
    private var metrics = DHCPMetrics()
    /// Addresses this engine wrote, and when: `follow` leaves them to our writes' outcomes for a while.
    var recentWrites: [WireSupport.IPv4Address: Int64] = [:]
    static let recentWindow: Int64 = 3_000
    /// Bindings submitted whose commit has not returned yet. Past `maxAwaitingCommits` the store is the
    /// bottleneck, and every OFFER made now only adds a REQUEST that will wait too: new DISCOVERs are left
    /// unanswered (clients retry in seconds) so that the ACKs already promised get through. Without it a
    /// flood against a slow store completed almost nothing (bench/dhcp, PostgreSQL at the maximum rate).
    var awaitingCommits = 0
    static let maxAwaitingCommits = 512

    let directory: DeviceDirectory?

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
        self.reports = DHCPReports(logger: logger)
        self.eventLoop = eventLoop
    }

    func received(_ envelope: AddressedEnvelope<ByteBuffer>, on socket: DHCPSocket, channel: Channel) {
        eventLoop.preconditionInEventLoop()
        let arrival = NIODeadline.now()
        let request: DHCPMessage
        do {
            request = try DHCPMessage(decoding: envelope.data)
        } catch {
            reports.malformed("\(error)", from: envelope.remoteAddress, now: Clock.nowMilliseconds())
            return
        }
        let source = envelope.remoteAddress.wireIPv4 ?? WireSupport.IPv4Address.any
        if let (scope, who) = limits.check(request, source: source, now: Clock.nowMilliseconds()) {
            reports.limited(scope, who, now: Clock.nowMilliseconds())
            return
        }
        let context = ReceiveContext(
            interfaceName: socket.interface.name, interfaceAddress: socket.interface.address, sourceAddress: source,
            sourcePort: UInt16(envelope.remoteAddress.port ?? 0), onPXEPort: socket.isPXEPort)
        metrics.received(request.messageType)
        if request.messageType == .discover, awaitingCommits >= Self.maxAwaitingCommits {
            reports.shed(awaiting: awaitingCommits, now: Clock.nowMilliseconds())
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
    func answer(
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
        let addresses = changes.map(\.lease.ip)
        // The core says whether the replies wait for the commits (`repliesWaitForCommits`: bindings do,
        // offer holds are written behind; a refused hold is learnt, and the client's REQUEST is judged from
        // the store's row).
        if actions.repliesWaitForCommits {
            awaitingCommits += 1
            let awaited = AwaitedReply(
                request: request, context: context, socket: socket, channel: channel, arrival: arrival,
                replies: replies, events: events)
            writer.submit(
                StoreBatch(changes: changes), completion: committed(awaited, addresses: addresses, attempt: attempt))
        } else {
            // The holds and the events in one submission: one job for the writer instead of two, and one
            // transaction when the writer is idle.
            let stored = sendReplies(replies, events: events, socket: socket, channel: channel, arrival: arrival)
            if !changes.isEmpty {
                writer.submit(
                    StoreBatch(changes: changes, events: stored),
                    completion: held(addresses: addresses, mac: request.clientMAC))
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
    func sendReplies(
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
            reports.log(event)
            stored.append(event.timelineEvent(at: Clock.nowMilliseconds()))
        }
        return stored
    }

    /// A socket's `DiscoverGate` closed or opened (DHCPReports.gate).
    func discoverGate(_ change: DiscoverGate.Change, memory: DiscoverFilter.Memory, on socket: DHCPSocket) {
        reports.gate(
            change, memory: memory, place: "\(socket.interface.name) port \(socket.port)", now: Clock.nowMilliseconds())
    }

    /// Another server's reply heard by a `DHCPWatcher`: into the client's timeline (where `explain` finds
    /// it), and counted and logged (DHCPReports.otherServer).
    func otherServerReply(_ event: DHCPEvent, interfaceAddress: WireSupport.IPv4Address) {
        let event = core.foreignReply(event, interfaceAddress: interfaceAddress)
        let now = Clock.nowMilliseconds()
        reports.otherServer(event, now: now)
        writer.submit(events: [event.timelineEvent(at: now)])
    }
}
