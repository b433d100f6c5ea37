/// The closed catalogue of metadata keys on timeline events, next to `EventName` and for the same reason:
/// each key is spelled once, and diagnosis, explain and the API read `event[.dhcp(.yiaddr)]`, not a string.
/// The raw values are the log lines' keys and the keys of the store's metadata JSON (docs/cli.md): stable.
/// Keys this build does not know, read back from another version's rows, are kept as `.other`.
public enum EventKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    case dhcp(DHCP)
    case tftp(TFTP)
    case http(HTTP)
    case phone(Phone)
    case syslog(Syslog)
    case client(Client)
    /// Keys of the server's own lines (`ServerEventName`), never on a device's timeline.
    case server(Server)
    /// Why something was refused, dropped or failed: free text for people.
    case reason
    case other(String)

    public enum DHCP: String, CaseIterable, Sendable {
        case xid = "dhcp.xid"
        /// The request's message type (or, for another server's reply, that reply's).
        case type = "dhcp.type"
        case interface = "dhcp.interface"
        case vendorClass = "dhcp.vendor_class"
        case hostname = "dhcp.hostname"
        case giaddr = "dhcp.giaddr"
        case flags = "dhcp.flags"
        /// The client's parameter request list (option 55), comma separated.
        case prl = "dhcp.prl"
        case clientClass = "dhcp.class"
        case yiaddr = "dhcp.yiaddr"
        case destination = "dhcp.destination"
        /// The option codes of the reply we sent, comma separated.
        case options = "dhcp.options"
        case latencyMicroseconds = "dhcp.latency_us"
        case replyBytes = "dhcp.reply_bytes"
        case serverID = "dhcp.server_id"
        case source = "dhcp.source"
        case tftpServer = "dhcp.tftp_server"
        case address = "dhcp.address"
        case subnet = "dhcp.subnet"
        case optionCode = "dhcp.option.code"
        case optionLength = "dhcp.option.length"
        case optionOffset = "dhcp.option.offset"
        /// The boot file a reply named: option 67, and the BOOTP `file` field (they agree; both are logged so
        /// a boot loop's evidence shows what the client was told).
        case bootFile = "dhcp.boot_file"
        case fileField = "dhcp.file"
        /// A need learned about the client (`ClientNeed`'s raw value, e.g. `broadcast`).
        case learned = "dhcp.learned"
    }

    public enum TFTP: String, CaseIterable, Sendable {
        case file = "tftp.file"
        case mode = "tftp.mode"
        case direction = "tftp.direction"
        case options = "tftp.options"
        case servedFrom = "tftp.served_from"
        case caseMismatch = "tftp.case_mismatch"
        case blockSize = "tftp.blksize"
        case windowSize = "tftp.windowsize"
        case size = "tftp.size"
        case bytes = "tftp.bytes"
        case durationSeconds = "tftp.duration_s"
    }

    /// An HTTP fetch (`HTTPTimeline`): the request line's parts, what answered it, and how it ended.
    public enum HTTP: String, CaseIterable, Sendable {
        /// The requested path, percent-decoded, as the client named it.
        case file = "http.file"
        case method = "http.method"
        case status = "http.status"
        /// The client's `Range` header, when it sent one.
        case range = "http.range"
        case servedFrom = "http.served_from"
        case caseMismatch = "http.case_mismatch"
        /// The file's whole size; `http.bytes` is what the response body carried.
        case size = "http.size"
        case bytes = "http.bytes"
        case durationSeconds = "http.duration_s"
        case userAgent = "http.user_agent"
    }

    public enum Phone: String, CaseIterable, Sendable {
        case load = "phone.load"
        case step = "phone.step"
        case from = "phone.from"
        case to = "phone.to"
        case missing = "phone.missing"
        case bootsAtStep = "phone.boots_at_step"
    }

    public enum Syslog: String, CaseIterable, Sendable {
        case source = "syslog.source"
        case facility = "syslog.facility"
        case severity = "syslog.severity"
        case text = "syslog.text"
        case app = "syslog.app"
        case host = "syslog.host"
    }

    public enum Client: String, CaseIterable, Sendable {
        case mac = "client.mac"
        case address = "client.address"
    }

    public enum Server: String, CaseIterable, Sendable {
        case config = "config"
        case stateDirectory = "state_dir"
        case privilegesUser = "privileges.user"
        case privilegesUID = "privileges.uid"
        case privilegesGID = "privileges.gid"
        case privilegesCapabilities = "privileges.capabilities"
        case error = "error"
        case storeBatch = "store.batch"
        case storeLocation = "store.location"
        case storePending = "store.pending"
        case serverName = "server.name"
        case dhcpInterfaces = "dhcp.interfaces"
        case dhcpPort = "dhcp.port"
        /// The PXE boot server port, bound when a subnet is a proxy (docs/netboot.md "proxyDHCP").
        case dhcpPXEPort = "dhcp.pxe_port"
        case dhcpLeasesLoaded = "dhcp.leases_loaded"
        case dhcpMalformedTotal = "dhcp.malformed_total"
        case limitedScope = "limit.scope"
        case limitedTotal = "limit.dropped_total"
        case tftpListen = "tftp.listen"
        case tftpRoot = "tftp.root"
        case tftpActive = "tftp.active"
        case tftpMalformedTotal = "tftp.malformed_total"
        case httpListen = "http.listen"
        case syslogListen = "syslog.listen"
        case syslogFile = "syslog.file"
        case sntpListen = "sntp.listen"
        case sntpSynchronized = "sntp.synchronized"
        case sntpTrustHostClock = "sntp.trust_host_clock"
        case sntpAnswer = "sntp.answer"
        case webListen = "web.listen"
        case webToken = "web.token"
        /// A reload's keys in force now, and those that wait for a restart (ReloadPlan), comma-separated.
        case reloadApplied = "reload.applied"
        case reloadRestartNeeded = "reload.restart_needed"
    }

    public var rawValue: String {
        switch self {
        case .dhcp(let key): key.rawValue
        case .tftp(let key): key.rawValue
        case .http(let key): key.rawValue
        case .phone(let key): key.rawValue
        case .syslog(let key): key.rawValue
        case .client(let key): key.rawValue
        case .server(let key): key.rawValue
        case .reason: "reason"
        case .other(let key): key
        }
    }

    public var description: String { rawValue }

    public init(rawValue: String) {
        self = Self.byRawValue[rawValue] ?? .other(rawValue)
    }

    /// Every key emitters can produce.
    public static let catalogue: [EventKey] =
        EventKey.DHCP.allCases.map(EventKey.dhcp) + EventKey.TFTP.allCases.map(EventKey.tftp)
        + EventKey.HTTP.allCases.map(EventKey.http)
        + EventKey.Phone.allCases.map(EventKey.phone)
        + EventKey.Syslog.allCases.map(EventKey.syslog) + EventKey.Client.allCases.map(EventKey.client) + [.reason]
        + EventKey.Server.allCases.map(EventKey.server)

    private static let byRawValue = Dictionary(uniqueKeysWithValues: catalogue.map { ($0.rawValue, $0) })

    /// Ordered by raw value, as the log lines and the API print keys.
    public static func < (a: EventKey, b: EventKey) -> Bool { a.rawValue < b.rawValue }
}
