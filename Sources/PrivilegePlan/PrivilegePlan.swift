import DialtoneConfig

/// What `serve` keeps once it stops being root: which user it becomes and which capabilities it still
/// needs, each with the operation that needs it. Decided from the config alone, so a test can read it
/// without root; `dialtone`'s PrivilegeDrop applies it.
public struct PrivilegePlan: Hashable, Sendable {
    /// A capability kept and the operations after start-up that use it.
    public struct Kept: Hashable, Sendable {
        public var capability: Capability
        public var reason: String
    }

    public var kept: [Kept]
    public var capabilities: CapabilitySet { CapabilitySet(kept.map(\.capability)) }

    /// The ports below 1024 the config binds, named by service. `serve` switches user while it still has a
    /// single thread, before any service binds (capset(2) changes the calling thread only, so a later switch
    /// would leave the other threads as they were), hence all of them are bound after the switch; DHCP also
    /// binds its port again when NIO closes a socket, and the watcher binds the client port.
    public static func privilegedPorts(_ config: DialtoneConfiguration) -> [String] {
        var ports: [(String, UInt16)] = []
        if let dhcp = config.dhcp {
            ports.append(("dhcp", dhcp.port))
            if dhcp.watchOtherServers { ports.append(("dhcp watcher", dhcp.clientPort)) }
        }
        if let tftp = config.tftp {
            ports += tftp.listen.map { ("tftp", $0.port) }
            if let range = tftp.portRange { ports.append(("tftp transfers", range.lowerBound)) }
        }
        ports += (config.syslog?.listen ?? []).map { ("syslog", $0.port) }
        ports += (config.sntp?.listen ?? []).map { ("sntp", $0.port) }
        if let web = config.web { ports.append(("web", web.listen.port)) }
        ports += (config.http?.listen ?? []).map { ("http", $0.port) }
        var seen = Set<String>()
        return ports.filter { $0.1 < 1024 }.map { "\($0.0) \($0.1)" }.filter { seen.insert($0).inserted }
    }

    public init(config: DialtoneConfiguration) {
        var kept: [Kept] = []
        let ports = Self.privilegedPorts(config)
        if !ports.isEmpty {
            kept.append(
                Kept(
                    capability: .netBindService,
                    reason: "binds ports below 1024 after the switch: \(ports.joined(separator: ", "))"))
        }
        if let dhcp = config.dhcp {
            // RFC 2131 §4.1: a reply to a client without an address goes to yiaddr at chaddr, which needs a
            // neighbour entry nobody answers for yet (SIOCSARP, arp(7)); ARP probes delete stale ones first.
            kept.append(
                Kept(
                    capability: .netAdmin,
                    reason: "writes neighbour (ARP) entries to unicast replies to clients without an address"))
            // A conflict check pings (ARP falls back to ICMP beyond our own links): raw(7) needs CAP_NET_RAW.
            if dhcp.conflictCheck != .off {
                kept.append(
                    Kept(capability: .netRaw, reason: "sends ICMP echo requests for dhcp.conflict_check"))
            }
        }
        self.kept = kept.sorted { $0.capability.rawValue < $1.capability.rawValue }
    }

    /// Who `serve` becomes.
    public enum Identity: Hashable, Sendable {
        /// Started as root: switch to this user.
        case switchTo(String)
        /// Started as root with `user: root`: the admin asked to keep root; nothing is dropped.
        case stayRoot
        /// Not started as root: run as we are, keeping only the needed capabilities we were given.
        case unchanged
    }

    /// `user` from the config when set; else `dialtone` when that user exists (the Debian package creates
    /// it), else `nobody`, as dnsmasq does by default.
    public static func identity(effectiveUID: UInt32, configuredUser: String?, userExists: (String) -> Bool)
        -> Identity
    {
        guard effectiveUID == 0 else { return .unchanged }
        if let configuredUser { return configuredUser == "root" ? .stayRoot : .switchTo(configuredUser) }
        return .switchTo(userExists("dialtone") ? "dialtone" : "nobody")
    }
}
