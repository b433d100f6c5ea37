import DHCPWire
import WireSupport

/// The `dhcp:` section: interfaces, subnets with their pools, options and reservations, and client classes.
public struct DHCPConfiguration: Hashable, Sendable {
    public enum ConflictCheck: String, Hashable, Sendable { case off, arp, icmp }
    public var interfaces: [String]
    public var port: UInt16
    public var clientPort: UInt16
    public var authoritative: Bool
    public var conflictCheck: ConflictCheck
    /// Listen on the client port for other servers' replies (`watch_other_servers`, default on).
    public var watchOtherServers: Bool
    public var subnets: [SubnetConfiguration]
    public var classes: [ClientClassConfiguration]
    /// Requests per second one client (`client_rate_limit`) and one relay or sender (`relay_rate_limit`)
    /// may send before the excess is dropped (issue 14); 0 turns the limit off.
    public enum Allocator: String, Hashable, Sendable { case iterative, random }
    /// How new addresses are picked (`allocator`): in pool order, or at random, which servers sharing one
    /// store need so that they do not offer the same candidates (Kea's advice for a shared lease database).
    /// Default: random on the postgres store, iterative otherwise.
    public var allocator: Allocator = .iterative
    public var clientRateLimit = 20
    public var relayRateLimit = 2000
    /// The PXE boot server port (`pxe_port`, PXE 2.1 §2.2.3: 4011), bound beside `port` when a subnet is
    /// `proxy: true`: PXE clients ask it for their boot file once the other server gave them an address.
    public var pxePort: UInt16 = 4011
    /// Whether any subnet is a proxyDHCP subnet: then `serve` binds `pxe_port` too.
    public var hasProxySubnet: Bool { subnets.contains(where: \.proxy) }
    /// Valid but likely wrong, with the place to fix it: `dialtone check` reports these (NetbootAdvisories).
    public var advisories: [ConfigError]
    public init(
        interfaces: [String], port: UInt16, clientPort: UInt16, authoritative: Bool, conflictCheck: ConflictCheck,
        watchOtherServers: Bool = true,
        subnets: [SubnetConfiguration], classes: [ClientClassConfiguration], advisories: [ConfigError] = []
    ) {
        self.advisories = advisories
        self.watchOtherServers = watchOtherServers
        self.interfaces = interfaces
        self.port = port
        self.clientPort = clientPort
        self.authoritative = authoritative
        self.conflictCheck = conflictCheck
        self.subnets = subnets
        self.classes = classes
    }
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
    /// `boot_files` and `ipxe_script` (NetbootConfiguration).
    public var bootFilesByArchitecture: [UInt16: String]
    public var ipxeScript: String?
    public var options: [ConfiguredOption]
    public var reservations: [Reservation]
    /// `proxy: true`: proxyDHCP (PXE 2.1 §2.2.2, dnsmasq's `dhcp-range=...,proxy`). Another server owns the
    /// addresses on this link; we answer PXE clients with boot information only, never an address.
    public var proxy = false
    public init(
        subnet: IPv4Subnet, pools: [IPv4Range], leaseTime: ConfigDuration, routers: [IPv4Address],
        dnsServers: [IPv4Address], domainName: String?, ntpServers: [IPv4Address], tftpServers: [IPv4Address],
        tftpServerName: String?, nextServer: IPv4Address?, bootFile: String, options: [ConfiguredOption],
        reservations: [Reservation], bootFilesByArchitecture: [UInt16: String] = [:], ipxeScript: String? = nil,
        proxy: Bool = false
    ) {
        self.proxy = proxy
        self.bootFilesByArchitecture = bootFilesByArchitecture
        self.ipxeScript = ipxeScript
        self.subnet = subnet
        self.pools = pools
        self.leaseTime = leaseTime
        self.routers = routers
        self.dnsServers = dnsServers
        self.domainName = domainName
        self.ntpServers = ntpServers
        self.tftpServers = tftpServers
        self.tftpServerName = tftpServerName
        self.nextServer = nextServer
        self.bootFile = bootFile
        self.options = options
        self.reservations = reservations
    }
}

extension SubnetConfiguration {
    /// The subnet's boot keys as one value, read like a class's.
    public var netboot: NetbootConfiguration {
        NetbootConfiguration(
            bootFile: bootFile.isEmpty ? nil : bootFile, bootFilesByArchitecture: bootFilesByArchitecture,
            ipxeScript: ipxeScript, nextServer: nextServer)
    }
}

public struct Reservation: Hashable, Sendable {
    public var mac: MACAddress?
    public var clientID: [UInt8]?
    public var ip: IPv4Address
    public var hostname: String?
    public init(mac: MACAddress?, clientID: [UInt8]?, ip: IPv4Address, hostname: String?) {
        self.mac = mac
        self.clientID = clientID
        self.ip = ip
        self.hostname = hostname
    }
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
        public init(
            vendorClass: String?, userClass: String?, clientArchitectures: [UInt16], macPrefixes: [[UInt8]],
            relay: IPv4Address?, circuitID: String?
        ) {
            self.vendorClass = vendorClass
            self.userClass = userClass
            self.clientArchitectures = clientArchitectures
            self.macPrefixes = macPrefixes
            self.relay = relay
            self.circuitID = circuitID
        }
    }
    public var name: String
    public var match: Match
    public var broadcast: BroadcastPolicy?
    public var options: [ConfiguredOption]
    /// `boot_file`, `boot_files`, `ipxe_script`, `next_server`: override the subnet's.
    public var netboot: NetbootConfiguration
    public init(
        name: String, match: Match, broadcast: BroadcastPolicy?, options: [ConfiguredOption],
        netboot: NetbootConfiguration = NetbootConfiguration()
    ) {
        self.netboot = netboot
        self.name = name
        self.match = match
        self.broadcast = broadcast
        self.options = options
    }
}
