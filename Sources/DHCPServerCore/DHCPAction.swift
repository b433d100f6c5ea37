import DHCPWire
import Timeline
import WireSupport

/// Where the receiving shell got a message from, and what it knows about that interface.
public struct ReceiveContext: Hashable, Sendable {
    public var interfaceName: String
    /// This server's address on the receiving interface: option 54 and the default siaddr/TFTP address.
    public var interfaceAddress: IPv4Address
    public var sourceAddress: IPv4Address
    public var sourcePort: UInt16
    /// The request came in on the PXE boot server port (`dhcp.pxe_port`, 4011), not the DHCP port: only a
    /// proxy subnet answers there (ProxyDHCP.swift).
    public var onPXEPort: Bool

    public init(
        interfaceName: String, interfaceAddress: IPv4Address, sourceAddress: IPv4Address, sourcePort: UInt16,
        onPXEPort: Bool = false
    ) {
        self.onPXEPort = onPXEPort
        self.interfaceName = interfaceName
        self.interfaceAddress = interfaceAddress
        self.sourceAddress = sourceAddress
        self.sourcePort = sourcePort
    }
}

/// Where a reply goes (RFC 2131 §4.1), decided by `ReplyRouting`.
public enum ReplyDestination: Hashable, Sendable {
    /// To a relay agent's giaddr, on the server port.
    case relay(IPv4Address, port: UInt16)
    /// To a client that has an address (renewing, INFORM).
    case unicast(IPv4Address, port: UInt16)
    /// Limited broadcast 255.255.255.255 out of the receiving interface.
    case broadcast(port: UInt16)
    /// To yiaddr at chaddr, for a client without an address that did not ask for broadcast. Needs a link-layer
    /// send or an ARP entry; shells that cannot do either broadcast instead (see docs/dhcp.md).
    case hardwareUnicast(IPv4Address, MACAddress, port: UInt16)
}

/// What the core asks the shell to do, in order. Commits come before the reply they belong to, so the shell
/// makes the lease durable before the ACK leaves.
public enum DHCPAction: Hashable, Sendable {
    /// Write `Lease`. `replacing` is the row this decision was made from (nil: the address had none): a
    /// store shared by several servers writes only if its row is still that one (Kea's `UPDATE ... WHERE
    /// expire = $old`, a plain INSERT for a new address), so the database, not this cache, decides who owns
    /// an address (issue 13). A single server's own store writes unconditionally.
    case commit(Lease, replacing: Lease?)
    case reply(DHCPMessage, to: ReplyDestination, minimumSize: Int, maximumSize: Int)
    case event(DHCPEvent)
    /// Keep what was learned about this client (`LearnedNeeds.swift`): each need stored or updated (a shared
    /// store may hold another server's too); empty: forget everything learned about it. No reply waits for
    /// it: a need lost to a crash is learned again from the next exchange.
    case remember(MACAddress, [LearnedNeed])
}

/// What the core says about an exchange: a name from the timeline's catalogue (only DHCP names: the type
/// says which emitter this is) and typed metadata keys. The shell logs it and records it on the device's
/// timeline through `timelineEvent(at:)`, so the log line and the stored row carry the same strings.
public struct DHCPEvent: Hashable, Sendable {
    public enum Level: String, Hashable, Sendable { case debug, info, notice, warning, error }
    public var name: EventName.DHCP
    public var level: Level
    public var mac: MACAddress?
    public var metadata: EventMetadata

    public init(_ name: EventName.DHCP, level: Level = .info, mac: MACAddress?, _ metadata: EventMetadata = [:]) {
        self.name = name
        self.level = level
        self.mac = mac
        self.metadata = metadata
    }

    public subscript(key: EventKey) -> String? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// What the shell measured while sending the replies of this exchange, added to the events that stand
    /// for a reply (`EventName.DHCP.isReply`): "offers ignored" lists them to rule out size, destination and
    /// latency. The DHCP shell and the timeline contract test both call this, so they annotate alike.
    /// - Parameters:
    ///   - latencyMicroseconds: from the request's arrival to the replies handed to the socket.
    ///   - replyBytes: the size of the first reply as encoded, when one was sent.
    ///   - destination: how the last reply was actually sent (the socket may fall back to broadcast).
    public mutating func recordSend(latencyMicroseconds: Int64, replyBytes: Int?, destination: String?) {
        guard name.isReply else { return }
        metadata[.dhcp(.latencyMicroseconds)] = String(latencyMicroseconds)
        if let replyBytes { metadata[.dhcp(.replyBytes)] = String(replyBytes) }
        if let destination { metadata[.dhcp(.destination)] = destination }
    }

    /// The event as the device's timeline stores it.
    public func timelineEvent(at time: ServerTime) -> TimelineEvent {
        TimelineEvent(
            time: time, mac: mac, name: .dhcp(name), level: EventLevel(rawValue: level.rawValue), metadata: metadata)
    }
}

extension Array where Element == DHCPAction {
    /// Whether the replies must wait until the commits are durable. Bindings must: an ACK for a lease a
    /// crash could lose hands one address to two clients (issue 4: durable before the ACK leaves). Offer
    /// holds need not: one lost in a crash costs nothing (the client DISCOVERs again), so OFFERs leave at
    /// once and their holds are written behind.
    public var repliesWaitForCommits: Bool {
        contains { action in
            if case .commit(let lease, _) = action { return lease.state != .offered }
            return false
        }
    }
}
