import DHCPServerCore
import DialtoneConfig
import DialtoneLogging
import LeaseStore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import ServiceSupport
import Timeline
import WireSupport

/// The DHCPv4 service: resolves `dhcp.interfaces`, binds one socket per interface, runs until shutdown.
/// A socket that closes (NIO closes a datagram channel on some send errors) is bound again.
public struct DHCPService: Service {
    /// The section as it runs now: a reload replaces it (`reconfigure`), and the engine answers the next
    /// packet with it. What the service bound at start (interfaces, ports) is read once, at start.
    public let settings: LiveSettings<DHCPConfiguration>
    var config: DHCPConfiguration { settings.value }
    let servesTFTP: Bool
    /// The first `http.listen` address when HTTP is served: UEFI HTTP Boot URLs point there.
    let httpListen: HostPort?
    let writer: StoreWriter
    let logger: Logger
    let directory: DeviceDirectory?
    let sharesPortInProcess: Bool
    let follower: StoreFollower?
    /// Commands to the running engine (the web API's `forget`).
    public let control = DHCPControl()
    /// Where the engine counts replies for the dashboard's site view.
    public let activity: SiteActivity?

    /// `sharesPortInProcess`: the demo's in-process phones bind relay addresses on the server's port
    /// (DHCPSocket); nothing else sets it.
    public init(
        config: DHCPConfiguration, servesTFTP: Bool, writer: StoreWriter, directory: DeviceDirectory? = nil,
        sharesPortInProcess: Bool = false, follower: StoreFollower? = nil, activity: SiteActivity? = nil,
        httpListen: HostPort? = nil, logger: Logger
    ) {
        self.activity = activity
        self.httpListen = httpListen
        self.follower = follower
        self.directory = directory
        self.sharesPortInProcess = sharesPortInProcess
        self.settings = LiveSettings(config)
        self.servesTFTP = servesTFTP
        self.writer = writer
        self.logger = logger
    }

    /// Checks interfaces before anything starts, so `serve` can exit 2 with the reason.
    public static func resolveInterfaces(_ config: DHCPConfiguration) throws -> [ResolvedInterface] {
        try config.interfaces.map(InterfaceResolver.resolve)
    }

    public func run() async throws {
        let interfaces = try Self.resolveInterfaces(config)
        let leases = try writer.store.loadLeases()
        let learned = try writer.store.loadClientNeeds()
        // DHCP gets an event loop of its own. On a loop shared with TFTP transfers an OFFER queued behind
        // bulk DATA: with 50 phones pulling firmware, OFFER p99 was 40 ms against dnsmasq's 3 ms (issue 12).
        // TFTP keeps the shared group; the kernel schedules the threads.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        // On a busy CPU the kernel still time-slices that thread with the TFTP ones (several ms each); a
        // higher priority gives it the larger share. Best effort: it needs CAP_SYS_NICE or an RLIMIT_NICE
        // that allows it, which `serve` sets before it drops root (docs/security.md). It is what the thread
        // keeps whenever it is not real-time (serve, below).
        let raised = try? await group.next().submit { ThreadPriority.raiseCurrent(by: 10) }.get()
        if raised == false {
            logger.log(.debug, .dhcpPriorityUnchanged, [.reason: "no CAP_SYS_NICE and RLIMIT_NICE too low"])
        }
        do {
            try await serve(interfaces: interfaces, leases: leases, learned: learned, on: group.next())
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        try? await group.shutdownGracefully()
    }

    /// A reload's new section (ReloadPlan.effective: restart-only keys already hold their running values).
    public func reconfigure(_ config: DHCPConfiguration) { settings.update(config) }

    private func serve(
        interfaces: [ResolvedInterface], leases: [Lease], learned: [MACAddress: [LearnedNeed]], on eventLoop: EventLoop
    ) async throws {
        let config = self.config
        let core = DHCPServer(
            config: config, servesTFTP: servesTFTP, leases: leases, learned: learned,
            seed: UInt64.random(in: .min ... .max), httpListen: httpListen)
        let activity = self.activity
        let engine = try await eventLoop.submit {
            let engine = DHCPEngine(
                core: core, writer: writer, directory: directory, logger: logger, eventLoop: eventLoop)
            engine.activity = activity
            // Real-time while the loop is mostly idle, so a DHCP packet preempts bulk TFTP at once (RealtimeGovernor
            // says why and when not). Best effort, like the nice value: RLIMIT_RTPRIO from `serve` or the unit.
            let realtime = RealtimeThread()
            if realtime.isGoverned {
                engine.realtime = realtime
            } else {
                logger.log(
                    .debug, .dhcpPriorityUnchanged,
                    [.reason: realtime.refusalReason ?? "unknown"])
            }
            return NIOLoopBound(engine, eventLoop: eventLoop)
        }.get()
        // On the engine's loop, between two packets: the core's lease table stays as it is.
        // Every job on this loop ends at a checkpoint of its real-time governor, as every burst of reads does:
        // work that is not a read (a peer's bulk import through the follower, say) must not run real-time for
        // long unseen (RealtimeGovernor).
        settings.onUpdate { new in engine.execute { $0.reconfigure(new) } }
        control.attach(engine, on: eventLoop)
        defer { control.detach() }
        // A shared store (issue 13): the cache learns every row the store refused a write over, and every
        // row another server wrote.
        writer.onRejected { rows in engine.execute { $0.learn(rows) } }
        follower?.subscribe { changes in engine.execute { $0.follow(changes.leases) } }

        let poolGauges = eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: .seconds(5)) { _ in
            engine.value.afterJob { $0.publishPoolUsage() }
        }
        defer { poolGauges.cancel() }
        // Every server socket is bound before `dhcp.started`: a port taken on any interface stops the service
        // with PortInUse, and no socket is left behind.
        var bound: [(DHCPSocket, Channel)] = []
        var sockets: [DHCPSocket] = []
        for interface in interfaces {
            var socket = DHCPSocket(interface: interface, port: config.port, logger: logger)
            socket.sharesPortInProcess = sharesPortInProcess
            sockets.append(socket)
            // proxyDHCP: PXE clients ask the boot server port for their boot file (ProxyDHCP.swift).
            if config.hasProxySubnet {
                var pxe = DHCPSocket(interface: interface, port: config.pxePort, logger: logger)
                pxe.isPXEPort = true
                sockets.append(pxe)
            }
        }
        for socket in sockets {
            do {
                bound.append((socket, try await socket.bind(on: eventLoop, engine: engine)))
            } catch {
                for (_, channel) in bound { channel.close(promise: nil) }
                throw error
            }
        }
        let channels = bound
        try await withThrowingDiscardingTaskGroup { group in
            for (socket, channel) in channels {
                group.addTask {
                    try await keepBound(socket, first: channel, eventLoop: eventLoop, engine: engine)
                }
            }
            if config.watchOtherServers {
                for interface in interfaces {
                    let watcher = DHCPWatcher(interface: interface, port: config.clientPort, logger: logger)
                    group.addTask { await watch(watcher, eventLoop: eventLoop, engine: engine) }
                }
            }
            if config.conflictCheck != .off {
                let prober = ConflictProber(method: config.conflictCheck, timeout: .milliseconds(500))
                let local = interfaces.map { IPv4Subnet(network: $0.address, prefixLength: $0.prefixLength) }
                group.addTask { await probeAhead(prober, local: local, eventLoop: eventLoop, engine: engine) }
            }
            var started: EventMetadata = [
                .server(.dhcpInterfaces): interfaces.map { "\($0.name)=\($0.address)" }.joined(separator: ","),
                .server(.dhcpPort): "\(config.port)", .server(.dhcpLeasesLoaded): "\(leases.count)",
            ]
            if config.hasProxySubnet { started[.server(.dhcpPXEPort)] = "\(config.pxePort)" }
            logger.log(.info, .dhcpStarted, started)
        }
        logger.log(.info, .dhcpStopped)
    }

    /// Probes the next addresses the allocator will hand out, once a second, each at most once a minute.
    /// Runs beside the sockets: allocation never waits for it, it only removes addresses found in use.
    private func probeAhead(
        _ prober: ConflictProber, local: [IPv4Subnet], eventLoop: EventLoop, engine: NIOLoopBound<DHCPEngine>
    ) async {
        var lastProbed: [IPv4Address: ContinuousClock.Instant] = [:]
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let candidates = (try? await eventLoop.submit { engine.value.upcomingAddresses(perSubnet: 8) }.get()) ?? []
            let now = ContinuousClock.now
            for address in candidates where lastProbed[address].map({ now - $0 > .seconds(60) }) ?? true {
                lastProbed[address] = now
                let answer = await withCheckedContinuation { continuation in
                    // Not the store writer's thread: a probe may block for its timeout.
                    NIOThreadPool.singleton.submit { _ in
                        continuation.resume(returning: prober.probe(address, localSubnets: local))
                    }
                }
                if let answer {
                    engine.execute { $0.conflict(address, answeredBy: answer.mac) }
                }
            }
            if lastProbed.count > 10_000 { lastProbed = lastProbed.filter { now - $0.value < .seconds(60) } }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// The other-servers watcher is best effort: if port 68 cannot be bound (another program holds it
    /// without SO_REUSEADDR), say so once and serve without it.
    private func watch(_ watcher: DHCPWatcher, eventLoop: EventLoop, engine: NIOLoopBound<DHCPEngine>) async {
        let channel: Channel
        do {
            channel = try await watcher.bind(on: eventLoop, engine: engine)
        } catch {
            logger.log(
                .notice, .dhcpWatchUnavailable,
                [
                    .dhcp(.interface): watcher.interface.name, .server(.dhcpPort): "\(watcher.port)",
                    .reason: "\(error)",
                ])
            return
        }
        await ChannelLifetime.wait([channel])
    }

    /// Serves on `first` until it closes; a channel that NIO closed by itself is bound again.
    private func keepBound(_ socket: DHCPSocket, first: Channel, eventLoop: EventLoop, engine: NIOLoopBound<DHCPEngine>)
        async throws
    {
        var channel = first
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await ChannelLifetime.wait([channel])
            if Task.isShuttingDownGracefully || Task.isCancelled { return }
            logger.log(.warning, .dhcpSocketRebound, [.dhcp(.interface): socket.interface.name])
            try await Task.sleep(for: .milliseconds(100))
            channel = try await socket.bind(on: eventLoop, engine: engine)
        }
    }
}
