import DHCPServerCore
import DHCPWire
import DialtoneConfig
import Provisioning
import TFTPCore
import TFTPWire
import Timeline
import WireSupport

/// Real exchanges through the pure cores, turned into timeline events with the same calls the shells make
/// (`DHCPEvent.recordSend` and `timelineEvent(at:)` as in `DHCPEngine`; `TFTPTimeline` as in `TFTPService`
/// and `TFTPTransferHandler`; `UpgradeLadder.timelineEvent` as in `ProvisioningProvider`). No sockets, no root: what the integration tests catch late, caught here.
struct Exchanges {
    static let ours = IPv4Address("192.168.10.100")!
    static let rival = IPv4Address("192.168.10.1")!
    static let context = ReceiveContext(
        interfaceName: "eth1", interfaceAddress: ours, sourceAddress: .any, sourcePort: 68)
    /// What the shell would measure while sending: 412 µs, as planned (no fallback destination).
    static let latency: Int64 = 412

    var dhcp: DHCPServer
    /// Oldest first, as recorded.
    var events: [TimelineEvent] = []
    /// The size of the last reply sent, as encoded for the wire.
    private(set) var lastReplySize: Int?
    private(set) var lastOfferOptions: [UInt8] = []
    /// Each phone's upgrade-ladder state, as `ProvisioningProvider` keeps it.
    var phones: [MACAddress: PhoneState] = [:]

    init(classes: [ClientClassConfiguration] = []) {
        let subnet = SubnetConfiguration(
            subnet: IPv4Subnet("192.168.10.0/24")!, pools: [IPv4Range("192.168.10.20-192.168.10.40")!],
            leaseTime: .seconds(43200),
            routers: [Self.ours], dnsServers: [Self.ours], domainName: nil, ntpServers: [], tftpServers: [],
            tftpServerName: nil,
            nextServer: nil, bootFile: "", options: [], reservations: [])
        let config = DHCPConfiguration(
            interfaces: ["eth1"], port: 67, clientPort: 68, authoritative: true, conflictCheck: .off, subnets: [subnet],
            classes: classes)
        dhcp = DHCPServer(config: config, servesTFTP: true, leases: [])
    }

    /// Newest first, as the store returns a device's history and Diagnosis reads it; each event through
    /// its stored form (raw name, level and metadata strings) and back, as the store writes and reads rows.
    func timeline(of mac: MACAddress) -> [TimelineEvent] {
        events.filter { $0.mac == mac }.reversed().map {
            TimelineEvent(
                time: $0.time, mac: $0.mac, storedName: $0.name.rawValue, level: $0.level.rawValue,
                storedMetadata: $0.storedMetadata)
        }
    }

    // MARK: DHCP, as DHCPEngine.received does it

    static func message(
        _ type: DHCPMessageType, mac: MACAddress, xid: UInt32, requested: IPv4Address? = nil,
        serverID: IPv4Address? = nil, vendorClass: String? = "Cisco Systems, Inc. IP Phone CP-7970G"
    ) -> DHCPMessage {
        var m = DHCPMessage(op: DHCPMessage.bootRequest, xid: xid)
        m.setClientMAC(mac)
        m.options.setMessageType(type)
        if let vendorClass { m.options.set(.vendorClass, Array(vendorClass.utf8) + [0]) }
        // A Cisco phone's option 55 alone makes it a Cisco phone (ClientProfile): others ask for less.
        m.options.set(.parameterRequestList, vendorClass == nil ? [1, 3, 6, 15] : [1, 66, 6, 3, 15, 150, 35])
        if let requested { m.options.setIPv4(.requestedAddress, requested) }
        if let serverID { m.options.setIPv4(.serverIdentifier, serverID) }
        return m
    }

    /// One request through the core; returns the first reply.
    @discardableResult
    mutating func handle(_ request: DHCPMessage, at now: Int64) -> DHCPMessage? {
        var replySize: Int?
        var first: DHCPMessage?
        var raised: [DHCPEvent] = []
        for action in dhcp.handle(request, context: Self.context, now: now) {
            switch action {
            case .reply(let message, _, let minimum, let maximum):
                replySize = replySize ?? message.encode(minimumSize: minimum, maximumSize: maximum).count
                first = first ?? message
            case .event(let event): raised.append(event)
            case .commit, .remember: break
            }
        }
        for var event in raised {
            event.recordSend(latencyMicroseconds: Self.latency, replyBytes: replySize, destination: nil)
            events.append(event.timelineEvent(at: now))
        }
        lastReplySize = replySize ?? lastReplySize
        if first?.messageType == .offer { lastOfferOptions = first!.options.codes.map(\.rawValue) }
        return first
    }

    /// Another server's OFFER heard on port 68, as `DHCPEngine.otherServerReply` records it.
    mutating func hearRivalOffer(to mac: MACAddress, yiaddr: IPv4Address, at now: Int64) {
        var reply = DHCPMessage(op: 2, xid: 7)
        reply.setClientMAC(mac)
        reply.yiaddr = yiaddr
        reply.options.setMessageType(.offer)
        reply.options.setIPv4(.serverIdentifier, Self.rival)
        if let event = ForeignReply.event(for: reply, interface: "eth1", ours: Self.ours, source: Self.rival) {
            events.append(event.timelineEvent(at: now))
        }
    }
}
