import DHCPWire
import WireSupport

/// Where the receiving shell got a message from, and what it knows about that interface.
public struct ReceiveContext: Hashable, Sendable {
    public var interfaceName: String
    /// This server's address on the receiving interface: option 54 and the default siaddr/TFTP address.
    public var interfaceAddress: IPv4Address
    public var sourceAddress: IPv4Address
    public var sourcePort: UInt16

    public init(interfaceName: String, interfaceAddress: IPv4Address, sourceAddress: IPv4Address, sourcePort: UInt16) {
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
    case commit(Lease)
    case reply(DHCPMessage, to: ReplyDestination, minimumSize: Int, maximumSize: Int)
    case event(DHCPEvent)
}
