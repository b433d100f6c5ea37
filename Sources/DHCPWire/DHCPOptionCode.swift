/// A DHCP option code (RFC 2132 and later). An open set: codes we do not know still decode, are logged by
/// number and re-encode unchanged.
public struct DHCPOptionCode: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public init(_ rawValue: UInt8) { self.rawValue = rawValue }

    public static let pad = DHCPOptionCode(0)
    public static let subnetMask = DHCPOptionCode(1)
    public static let routers = DHCPOptionCode(3)
    public static let domainNameServers = DHCPOptionCode(6)
    public static let hostName = DHCPOptionCode(12)
    public static let domainName = DHCPOptionCode(15)
    public static let arpCacheTimeout = DHCPOptionCode(35)
    public static let ntpServers = DHCPOptionCode(42)
    public static let vendorSpecific = DHCPOptionCode(43)
    public static let requestedAddress = DHCPOptionCode(50)
    public static let leaseTime = DHCPOptionCode(51)
    /// RFC 2132 §9.3: the `file` and/or `sname` fields carry more options.
    public static let overload = DHCPOptionCode(52)
    public static let messageType = DHCPOptionCode(53)
    public static let serverIdentifier = DHCPOptionCode(54)
    public static let parameterRequestList = DHCPOptionCode(55)
    public static let message = DHCPOptionCode(56)
    public static let maxMessageSize = DHCPOptionCode(57)
    public static let renewalTime = DHCPOptionCode(58)
    public static let rebindingTime = DHCPOptionCode(59)
    public static let vendorClass = DHCPOptionCode(60)
    public static let clientIdentifier = DHCPOptionCode(61)
    public static let tftpServerName = DHCPOptionCode(66)
    public static let bootFileName = DHCPOptionCode(67)
    public static let userClass = DHCPOptionCode(77)
    public static let relayAgentInformation = DHCPOptionCode(82)
    public static let clientArchitecture = DHCPOptionCode(93)
    /// RFC 4578 §2.3 client machine identifier (the PXE client's UUID/GUID): type 0 and 16 bytes.
    public static let clientMachineID = DHCPOptionCode(97)
    /// Cisco's TFTP server address list (RFC 5859 "TFTP server address"): binary IPv4 addresses, never text.
    public static let tftpServerAddress = DHCPOptionCode(150)
    public static let end = DHCPOptionCode(255)

    public static func < (lhs: DHCPOptionCode, rhs: DHCPOptionCode) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { String(rawValue) }
}

/// DHCP message type, option 53 (RFC 2132 §9.6, RFC 2131 Table 2). Open like every wire code point.
public struct DHCPMessageType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let discover = DHCPMessageType(rawValue: 1)
    public static let offer = DHCPMessageType(rawValue: 2)
    public static let request = DHCPMessageType(rawValue: 3)
    public static let decline = DHCPMessageType(rawValue: 4)
    public static let ack = DHCPMessageType(rawValue: 5)
    public static let nak = DHCPMessageType(rawValue: 6)
    public static let release = DHCPMessageType(rawValue: 7)
    public static let inform = DHCPMessageType(rawValue: 8)

    public var description: String {
        switch rawValue {
        case 1: "DISCOVER"
        case 2: "OFFER"
        case 3: "REQUEST"
        case 4: "DECLINE"
        case 5: "ACK"
        case 6: "NAK"
        case 7: "RELEASE"
        case 8: "INFORM"
        default: "TYPE\(rawValue)"
        }
    }
}
