import DialtoneConfig
import WireSupport

/// A peer server's DHCP setup, read from its config, in Dialtone's terms: what `dialtone config import`
/// writes as YAML. Only what has a Dialtone equivalent lands here; the rest becomes `notes`.
public struct ImportedConfiguration: Hashable, Sendable {
    public var interfaces: [String] = []
    public var authoritative: Bool?
    public var subnets: [ImportedSubnet] = []
    /// `tftp.root`, when the peer also served TFTP (dnsmasq's `enable-tftp` and `tftp-root`).
    public var tftpRoot: String?
    /// What could not be carried over, each with where it came from: `dnsmasq.conf:12: ...`.
    public var notes: [String] = []

    public init() {}
}

public struct ImportedSubnet: Hashable, Sendable {
    public var subnet: IPv4Subnet
    public var pools: [IPv4Range] = []
    /// A Dialtone duration (`12h`, `90m`, `3600`).
    public var leaseTime: String?
    public var routers: [IPv4Address] = []
    public var dnsServers: [IPv4Address] = []
    public var domainName: String?
    public var ntpServers: [IPv4Address] = []
    public var tftpServers: [IPv4Address] = []
    public var tftpServerName: String?
    public var nextServer: IPv4Address?
    public var bootFile: String?
    public var options: [ImportedOption] = []
    public var reservations: [ImportedReservation] = []
    /// dnsmasq's `dhcp-range=NETWORK,proxy`: boot information only (docs/netboot.md "proxyDHCP").
    public var proxy = false

    public init(subnet: IPv4Subnet) { self.subnet = subnet }
}

/// `{ code, type, value }` of the config: `value` holds one scalar, or several for `ipv4-list`.
public struct ImportedOption: Hashable, Sendable {
    public var code: Int
    public var type: String
    public var values: [String]

    public init(code: Int, type: String, values: [String]) {
        self.code = code
        self.type = type
        self.values = values
    }
}

/// A reservation carried over: the config's own type, so the YAML writer and the validator agree on it.
public typealias ImportedReservation = Reservation

/// Option knowledge both translators share.
enum OptionCatalogue {
    /// The options a subnet has a key for, so they are written as that key rather than `options:`.
    static let subnetKeys: [Int: String] = [
        3: "routers", 6: "dns_servers", 15: "domain_name", 42: "ntp_servers", 66: "tftp_server_name", 67: "boot_file",
        150: "tftp_servers",
    ]

    /// Wire types fixed by RFC 2132 and RFC 5859 (the same table Dialtone's validator enforces).
    static let standardTypes: [Int: String] = [
        1: "ipv4", 3: "ipv4-list", 6: "ipv4-list", 12: "string", 15: "string", 28: "ipv4", 42: "ipv4-list",
        44: "ipv4-list", 51: "uint32", 54: "ipv4", 58: "uint32", 59: "uint32", 66: "string", 67: "string",
        150: "ipv4-list",
    ]

    /// Codes Dialtone computes itself and refuses in a config: mask and broadcast come from the subnet,
    /// the lease time from `lease_time`, the rest from the exchange.
    static let computed: [Int: String] = [
        0: "pad", 1: "the subnet mask (from `subnet`)", 28: "the broadcast address (from `subnet`)",
        51: "the lease time (`lease_time`)", 52: "option overload", 53: "the message type", 54: "the server identifier",
        55: "the parameter request list", 58: "the renewal time (T1, from `lease_time`)",
        59: "the rebinding time (T2, from `lease_time`)", 61: "the client identifier", 82: "relay agent information",
        255: "end",
    ]

    /// Types a value the way a person reading the source would: addresses, numbers, then text.
    static func guessType(code: Int, values: [String]) -> String {
        if let standard = standardTypes[code] { return standard }
        if !values.isEmpty, values.allSatisfy({ IPv4Address($0) != nil }) {
            return values.count == 1 ? "ipv4" : "ipv4-list"
        }
        if values.count == 1, let number = UInt32(values[0]) {
            return number <= 0xFF ? "uint8" : number <= 0xFFFF ? "uint16" : "uint32"
        }
        return "string"
    }
}
