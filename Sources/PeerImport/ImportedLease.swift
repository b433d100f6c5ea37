import WireSupport

/// Milliseconds since the Unix epoch, as in DHCPServerCore's `ServerTime` (this target does not depend on the
/// core, so it names its own).
public typealias EpochMilliseconds = Int64

/// The lease files another DHCP server writes, which `dialtone leases import --from` reads.
public enum PeerLeaseFormat: String, CaseIterable, Sendable {
    /// dnsmasq's `--dhcp-leasefile` (dnsmasq(8), "dhcp-leasefile").
    case dnsmasq
    /// Kea's memfile `lease4` CSV (Kea ARM, "Memfile - Basic Storage for Leases").
    case kea
    /// ISC dhcpd's `dhcpd.leases` (dhcpd.leases(5)).
    case dhcpd

    /// Reads `text` (the contents of `file`; `file` is only used in messages). `now` decides which leases
    /// have run out: a parser never reads the clock.
    public func parse(_ text: String, file: String, now: EpochMilliseconds) throws(PeerImportError) -> LeaseFileContents
    {
        switch self {
        case .dnsmasq: try DnsmasqLeaseFile.parse(text, file: file, now: now)
        case .kea: try KeaLeaseFile.parse(text, file: file, now: now)
        case .dhcpd: try DhcpdLeaseFile.parse(text, file: file, now: now)
        }
    }
}

/// One active binding found in a peer's lease file: an address held by a client until `expires`.
public struct ImportedLease: Hashable, Sendable {
    public enum Expiry: Hashable, Sendable {
        case at(EpochMilliseconds)
        /// dnsmasq's `0`, Kea's valid lifetime 0xffffffff, dhcpd's `ends never`. Dialtone has no infinite
        /// leases: the command gives these the subnet's lease time and says so.
        case never
    }

    public var ip: IPv4Address
    public var mac: MACAddress?
    /// Option 61 as the peer recorded it.
    public var clientID: [UInt8]?
    public var hostname: String?
    public var expires: Expiry
    /// The line the binding was read from, for reports.
    public var line: Int

    public init(ip: IPv4Address, mac: MACAddress?, clientID: [UInt8]?, hostname: String?, expires: Expiry, line: Int) {
        self.ip = ip
        self.mac = mac
        self.clientID = clientID
        self.hostname = hostname
        self.expires = expires
        self.line = line
    }
}

/// An entry of the file that was read but not imported, and why (expired, declined, not IPv4, malformed).
public struct SkippedEntry: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// The file says the binding is over or not a binding at all: nothing is lost.
        case inactive
        /// The entry could not be read: something may be lost, so the command reports it as a problem.
        case malformed
    }

    public var line: Int
    public var kind: Kind
    public var reason: String

    public init(line: Int, kind: Kind, reason: String) {
        self.line = line
        self.kind = kind
        self.reason = reason
    }

    public var description: String { "line \(line): \(reason)" }
}

/// What a lease file held: the active bindings (one per address) and everything left out.
public struct LeaseFileContents: Hashable, Sendable {
    public var leases: [ImportedLease]
    public var skipped: [SkippedEntry]

    public init(leases: [ImportedLease], skipped: [SkippedEntry]) {
        self.leases = leases
        self.skipped = skipped
    }
}

/// A file that is not in the format it was said to be in: nothing is imported from it.
public struct PeerImportError: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message)" }
}
