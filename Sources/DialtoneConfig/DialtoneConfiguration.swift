import DHCPWire
import WireSupport

/// The whole validated configuration. A section that is nil is disabled (absent, or `enabled: false`).
public struct DialtoneConfiguration: Hashable, Sendable {
    public var sourceFile: String
    public var stateDirectory: String
    /// `user`: who `serve` runs as once started as root (docs/cli.md "Privileges"); nil: the default.
    public var user: String?
    public var store: StoreConfiguration
    public var dhcp: DHCPConfiguration?
    public var tftp: TFTPConfiguration?
    public var syslog: SyslogConfiguration?
    public var sntp: SNTPConfiguration?
    public var web: WebConfiguration?
    public var phones: PhonesConfiguration?
    /// The HTTP file service (`http:`): the TFTP root over HTTP; needs the `tftp` section.
    public var http: HTTPConfiguration? = nil

    /// Names of the enabled services, in start order.
    public var enabledServices: [String] {
        [
            dhcp.map { _ in "dhcp" }, tftp.map { _ in "tftp" }, syslog.map { _ in "syslog" }, sntp.map { _ in "sntp" },
            web.map { _ in "web" }, http.map { _ in "http" },
        ].compactMap { $0 }
    }
}

public struct StoreConfiguration: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable { case sqlite, postgres }
    public var kind: Kind
    /// `postgres://user[:password]@host[:port]/database[?sslmode=...]`; `host=/run/postgresql` in the query
    /// names a Unix socket directory instead.
    public var url: String?
    /// A file holding the password (first line), so the config need not carry it.
    public var passwordFile: String?
    /// Connections this server keeps open at most (`pool_size`).
    public var poolSize = 4
    /// How long one connection attempt may take (`connect_timeout`).
    public var connectTimeout = ConfigDuration.seconds(5)
    /// This server's name in the shared store: every event and lease it writes carries it (`server_name`,
    /// default the host name).
    public var serverName: String?
    public init(kind: Kind, url: String?) {
        self.kind = kind
        self.url = url
    }
}

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
    /// Requests per second one client address may send before the excess is dropped (issue 14); 0: off.
    public var clientRateLimit = 100
    /// Transfers answered at once when more are running; the others move a block per 100 ms, earliest
    /// client first, until a lane frees (issue 17's boot storm). 0: every transfer at full speed.
    public var fullSpeedTransfers = 64
    public init(
        root: String, listen: [HostPort], allowWrite: Bool, allowOverwrite: Bool, caseInsensitive: Bool,
        maxBlockSize: Int, maxWindowSize: Int, timeout: ConfigDuration, retries: Int, maxTransfers: Int,
        portRange: ClosedRange<UInt16>?
    ) {
        self.root = root
        self.listen = listen
        self.allowWrite = allowWrite
        self.allowOverwrite = allowOverwrite
        self.caseInsensitive = caseInsensitive
        self.maxBlockSize = maxBlockSize
        self.maxWindowSize = maxWindowSize
        self.timeout = timeout
        self.retries = retries
        self.maxTransfers = maxTransfers
        self.portRange = portRange
    }
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
    public init(listen: [HostPort], file: String, maxFileSize: Int) {
        self.listen = listen
        self.file = file
        self.maxFileSize = maxFileSize
    }
}

public struct SNTPConfiguration: Hashable, Sendable {
    public var listen: [HostPort]
    public var stratum: Int
    public var referenceID: String
    /// Claim synchronization even when the kernel says the clock is not (an isolated lab whose host clock
    /// was set by hand). Off by default: we do not vouch for a time we cannot.
    public var trustHostClock: Bool
    public init(listen: [HostPort], stratum: Int, referenceID: String, trustHostClock: Bool) {
        self.listen = listen
        self.stratum = stratum
        self.referenceID = referenceID
        self.trustHostClock = trustHostClock
    }
}

/// `http:`: where the TFTP root is also served over HTTP (Cisco phones try port 6970 first, UEFI HTTP Boot).
public struct HTTPConfiguration: Hashable, Sendable {
    public var listen: [HostPort]
    public init(listen: [HostPort]) { self.listen = listen }
}

public struct WebConfiguration: Hashable, Sendable {
    public var listen: HostPort
    public var token: String
    public init(listen: HostPort, token: String) {
        self.listen = listen
        self.token = token
    }
}

public struct PhonesConfiguration: Hashable, Sendable {
    public struct Device: Hashable, Sendable {
        public var mac: MACAddress
        public var model: String?
        public var targetLoad: String?
        public init(mac: MACAddress, model: String?, targetLoad: String?) {
            self.mac = mac
            self.model = model
            self.targetLoad = targetLoad
        }
    }
    public var defaultLoads: [String: String]
    public var upgradePaths: [String: [String]]
    public var devices: [Device]
    public var configTemplates: String?
    public init(
        defaultLoads: [String: String], upgradePaths: [String: [String]], devices: [Device], configTemplates: String?
    ) {
        self.defaultLoads = defaultLoads
        self.upgradePaths = upgradePaths
        self.devices = devices
        self.configTemplates = configTemplates
    }
}
