import DHCPWire
import WireSupport

/// The whole validated configuration. A section that is nil is disabled (absent, or `enabled: false`).
public struct DialtoneConfiguration: Hashable, Sendable {
    public var sourceFile: String
    public var stateDirectory: String
    public var store: StoreConfiguration
    public var dhcp: DHCPConfiguration?
    public var tftp: TFTPConfiguration?
    public var syslog: SyslogConfiguration?
    public var sntp: SNTPConfiguration?
    public var web: WebConfiguration?
    public var phones: PhonesConfiguration?

    /// Names of the enabled services, in start order.
    public var enabledServices: [String] {
        [dhcp.map { _ in "dhcp" }, tftp.map { _ in "tftp" }, syslog.map { _ in "syslog" }, sntp.map { _ in "sntp" },
         web.map { _ in "web" }].compactMap { $0 }
    }
}

public struct StoreConfiguration: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable { case sqlite, postgres }
    public var kind: Kind
    public var url: String?
}

public struct DHCPConfiguration: Hashable, Sendable {
    public enum ConflictCheck: String, Hashable, Sendable { case off, arp, icmp }
    public var interfaces: [String]
    public var port: UInt16
    public var clientPort: UInt16
    public var authoritative: Bool
    public var conflictCheck: ConflictCheck
    public var subnets: [SubnetConfiguration]
    public var classes: [ClientClassConfiguration]
}

/// A DHCP option from the config, already encoded to its wire bytes.
public struct ConfiguredOption: Hashable, Sendable {
    public var code: DHCPOptionCode
    public var value: [UInt8]
    public init(code: DHCPOptionCode, value: [UInt8]) {
        self.code = code
        self.value = value
    }
}

public struct SubnetConfiguration: Hashable, Sendable {
    public var subnet: IPv4Subnet
    public var pools: [IPv4Range]
    public var leaseTime: ConfigDuration
    public var routers: [IPv4Address]
    public var dnsServers: [IPv4Address]
    public var domainName: String?
    public var ntpServers: [IPv4Address]
    public var tftpServers: [IPv4Address]
    public var tftpServerName: String?
    public var nextServer: IPv4Address?
    public var bootFile: String
    public var options: [ConfiguredOption]
    public var reservations: [Reservation]
}

public struct Reservation: Hashable, Sendable {
    public var mac: MACAddress?
    public var clientID: [UInt8]?
    public var ip: IPv4Address
    public var hostname: String?
}

public enum BroadcastPolicy: String, Hashable, Sendable { case always, auto, never }

public struct ClientClassConfiguration: Hashable, Sendable {
    public struct Match: Hashable, Sendable {
        /// Glob with `*` and `?`, matched against option 60 with trailing NULs removed.
        public var vendorClass: String?
        public var userClass: String?
        public var clientArchitectures: [UInt16]
        public var macPrefixes: [[UInt8]]
        public var relay: IPv4Address?
        public var circuitID: String?
    }
    public var name: String
    public var match: Match
    public var broadcast: BroadcastPolicy?
    public var options: [ConfiguredOption]
}

public struct TFTPConfiguration: Hashable, Sendable {
    public var root: String
    public var listen: [HostPort]
    public var allowWrite: Bool
    public var allowOverwrite: Bool
    public var caseInsensitive: Bool
    public var maxBlockSize: Int
    public var maxWindowSize: Int
    public var timeout: ConfigDuration
    public var retries: Int
    public var maxTransfers: Int
    public var portRange: ClosedRange<UInt16>?
}

public struct HostPort: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: UInt16
    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }
    public var description: String { "\(host):\(port)" }
}

public struct SyslogConfiguration: Hashable, Sendable {
    public var listen: [HostPort]
    public var file: String
    public var maxFileSize: Int
}

public struct SNTPConfiguration: Hashable, Sendable {
    public var listen: [HostPort]
    public var stratum: Int
    public var referenceID: String
}

public struct WebConfiguration: Hashable, Sendable {
    public var listen: HostPort
    public var token: String
}

public struct PhonesConfiguration: Hashable, Sendable {
    public struct Device: Hashable, Sendable {
        public var mac: MACAddress
        public var model: String?
        public var targetLoad: String?
    }
    public var defaultLoads: [String: String]
    public var upgradePaths: [String: [String]]
    public var devices: [Device]
    public var configTemplates: String?
}
