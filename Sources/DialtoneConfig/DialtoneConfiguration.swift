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
