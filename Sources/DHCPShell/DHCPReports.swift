import DHCPServerCore
import DialtoneLogging
import Logging
import Metrics
import NIOCore
import Timeline

/// What the DHCP engine tells the admin besides its replies: the core's events as log lines, and the warnings
/// a flood could repeat thousands of times a second (malformed packets, clients over their share, DISCOVERs
/// shed, a closed `DiscoverGate`, another server's replies). Each is counted always (a Prometheus counter and
/// a total quoted in the line) and logged at most once a minute per source or cause, so that the log stays
/// readable under the very attack it reports. Confined to the engine's event loop like the engine itself.
struct DHCPReports {
    let logger: Logger
    private var malformedLogged: [String: Int64] = [:]
    private var limitedLogged: [String: Int64] = [:]
    private var otherServersLogged: [String: Int64] = [:]
    private var shedLogged: Int64 = .min / 2
    private var gateLogged: Int64 = .min / 2
    private(set) var malformedCount = 0
    private(set) var limitedCount = 0
    private(set) var shedCount = 0
    /// Times a socket's `DiscoverGate` closed.
    private(set) var gateClosedCount = 0

    init(logger: Logger) { self.logger = logger }

    /// The core's event as a log line at its level, with the client's MAC (the timeline stores it apart).
    func log(_ event: DHCPEvent) {
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

    /// A datagram that does not decode as DHCP: counted always, logged once a minute per source with the reason.
    mutating func malformed(_ reason: String, from address: SocketAddress, now: Int64) {
        malformedCount += 1
        Counter(label: "dialtone_dhcp_malformed_total").increment()
        let key = address.ipAddress ?? "?"
        if let last = malformedLogged[key], now - last < 60_000 { return }
        malformedLogged[key] = now
        logger.log(
            .warning, .dhcpPacketMalformed,
            [.reason: reason, .client(.address): "\(address)", .server(.dhcpMalformedTotal): "\(malformedCount)"])
    }

    /// A request dropped over its source's share (`FloodLimits`): counted always, logged once a minute per source.
    mutating func limited(_ scope: FloodLimits.Scope, _ who: String, now: Int64) {
        limitedCount += 1
        Counter(label: "dialtone_dhcp_limited_total", dimensions: [("scope", scope.rawValue)]).increment()
        let key = scope.rawValue + " " + who
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

    /// A DISCOVER left unanswered while `awaiting` bindings wait for the store: counted, logged once a minute.
    mutating func shed(awaiting: Int, now: Int64) {
        shedCount += 1
        Counter(label: "dialtone_dhcp_shed_total").increment()
        let metadata: EventMetadata = [
            .reason: "\(awaiting) bindings wait for the store; new DISCOVERs are not answered until it catches up",
            .server(.limitedTotal): "\(shedCount)",
        ]
        logShed(&shedLogged, metadata, now: now)
    }

    /// A socket's `DiscoverGate` closed or opened at `place`. Closing is counted
    /// (`dialtone_dhcp_discover_gate_closed_total`) and logged at most once a minute; opening is logged at debug.
    mutating func gate(_ change: DiscoverGate.Change, memory: DiscoverFilter.Memory, place: String, now: Int64) {
        guard change == .close else {
            logger.log(.debug, .dhcpDiscoverShed, [.reason: "receive queue on \(place) drained; DISCOVERs taken again"])
            return
        }
        gateClosedCount += 1
        Counter(label: "dialtone_dhcp_discover_gate_closed_total").increment()
        let metadata: EventMetadata = [
            .reason: "receive queue on \(place) half full (\(memory.queued) of \(memory.buffer) bytes): the kernel "
                + "drops new DISCOVERs until it is down to a quarter; REQUESTs and the rest still come through "
                + "(closed \(gateClosedCount) times since start)"
        ]
        logShed(&gateLogged, metadata, now: now)
    }

    /// `dhcp.discover.shed` at most once a minute for each cause (`last`: when that cause was last logged), so
    /// that a store falling behind does not hide a gate closing, or the other way round.
    private func logShed(_ last: inout Int64, _ metadata: EventMetadata, now: Int64) {
        guard now - last >= 60_000 else { return }
        last = now
        logger.log(.warning, .dhcpDiscoverShed, metadata)
    }

    /// Another server's reply: counted per server (a proxy subnet's address server is not a rival, and not
    /// counted) and logged as a warning at most once a minute per server, so that a busy rival cannot flood.
    mutating func otherServer(_ event: DHCPEvent, now: Int64) {
        let server = event[.dhcp(.serverID)] ?? "?"
        if event.name == .otherServerReply {
            Counter(label: "dialtone_dhcp_other_server_replies_total", dimensions: [("server", server)]).increment()
        }
        if now - (otherServersLogged[server] ?? .min / 2) >= 60_000 {
            otherServersLogged[server] = now
            log(event)
        }
    }
}
