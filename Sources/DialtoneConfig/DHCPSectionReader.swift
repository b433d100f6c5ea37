import DHCPWire
import WireSupport

/// Reads and cross-checks the `dhcp:` section.
struct DHCPSectionReader {
    static let keys = [
        "interfaces", "port", "client_port", "authoritative", "conflict_check", "watch_other_servers", "subnets",
        "classes", "client_rate_limit", "relay_rate_limit", "allocator", "pxe_port",
    ]
    static let subnetKeys = [
        "subnet", "pools", "lease_time", "routers", "dns_servers", "domain_name", "ntp_servers", "tftp_servers",
        "tftp_server_name", "next_server", "boot_file", "boot_files", "ipxe_script", "options", "reservations",
        "proxy",
    ]
    /// What a proxyDHCP subnet cannot say: the address and its settings are the other server's
    /// (PXE 2.1 §2.2.2: a proxy offer carries no address, and a PXE client takes none of these from it).
    /// A proxy answer carries the boot file and siaddr only, so option keys would be silently dropped.
    static let addressOnlyKeys = [
        "pools", "reservations", "lease_time", "routers", "dns_servers", "domain_name", "ntp_servers", "tftp_servers",
        "tftp_server_name", "options",
    ]

    let scalars: ConfigScalars
    let diagnostics: ConfigDiagnostics
    /// The store is shared by several servers (postgres): the allocator defaults to random.
    var sharedStore = false
    var options: OptionSpecReader { OptionSpecReader(scalars: scalars, diagnostics: diagnostics) }
    var netboot: NetbootReader { NetbootReader(scalars: scalars, diagnostics: diagnostics) }

    func read(_ section: ConfigSection) -> DHCPConfiguration? {
        let interfaces: [String] =
            section.require("interfaces", "the interfaces DHCP answers on, e.g. [eth1]").flatMap {
                scalars.list($0, section.childPath("interfaces"), scalars.string)
            } ?? []
        if section.has("interfaces"), interfaces.isEmpty {
            section.error(
                "list at least one interface; DHCP never answers on all interfaces by default", key: "interfaces")
        }
        let subnetNodes = section.require("subnets", "at least one subnet with a pool or reservations")
        var subnets: [SubnetConfiguration] = []
        if let subnetNodes {
            subnets = scalars.list(subnetNodes, section.childPath("subnets")) { node, path in subnet(node, path) } ?? []
        }
        checkOverlaps(subnets, section)
        let classes = section.read("classes", default: []) { node, path in
            scalars.list(node, path) { clientClass($0, $1) }
        }
        // A proxy offer without a boot file is useless to a PXE client (it waits, then gives up), so a proxy
        // subnet needs a boot file from its own keys or from a class.
        let classesBoot = classes.contains {
            !$0.netboot.namesNoBootFile || $0.options.contains { $0.code == .bootFileName }
        }
        for (index, subnet) in subnets.enumerated() where subnet.proxy && subnet.netboot.namesNoBootFile && !classesBoot
        {
            diagnostics.error(
                "proxy subnet \(subnet.subnet) names no boot file: a proxyDHCP answer is only a boot file; give "
                    + "boot_file, boot_files or ipxe_script here or in a class",
                at: subnetMark(section, index), path: "\(section.childPath("subnets"))[\(index)].proxy")
        }
        let conflictCheck: DHCPConfiguration.ConflictCheck = section.read("conflict_check", default: .off) {
            scalars.choice($0, $1, [("off", .off), ("arp", .arp), ("icmp", .icmp)])
        }
        let port = section.read("port", default: 67, scalars.port)
        let clientPort = section.read("client_port", default: 68, scalars.port)
        if port == clientPort {
            // Replies would come back into the server's own socket (and the other-servers watcher's).
            section.error(
                "client_port must differ from port (\(port)): replies go to the client port", key: "client_port")
        }
        var config = DHCPConfiguration(
            interfaces: interfaces,
            port: port,
            clientPort: clientPort,
            authoritative: section.read("authoritative", default: true, scalars.bool),
            conflictCheck: conflictCheck,
            watchOtherServers: section.read("watch_other_servers", default: true, scalars.bool),
            subnets: subnets, classes: classes,
            advisories: netboot.advisories(subnets: subnets, classes: classes, section: section))
        let rate: (ConfigNode, String) -> Int? = { scalars.integer($0, $1, in: 0...1_000_000) }
        config.clientRateLimit = section.read("client_rate_limit", default: 20, rate)
        config.relayRateLimit = section.read("relay_rate_limit", default: 2000, rate)
        config.pxePort = section.read("pxe_port", default: 4011, scalars.port)
        if subnets.contains(where: \.proxy),
            config.pxePort == 0 || config.pxePort == port || config.pxePort == clientPort
        {
            section.error("pxe_port must be a port other than port and client_port", key: "pxe_port")
        }
        config.allocator = section.read("allocator", default: sharedStore ? .random : .iterative) {
            scalars.choice($0, $1, [("iterative", DHCPConfiguration.Allocator.iterative), ("random", .random)])
        }
        return config
    }

    private func subnet(_ node: ConfigNode, _ path: String) -> SubnetConfiguration? {
        guard let s = ConfigSection(node, path: path, allowed: Self.subnetKeys, diagnostics: diagnostics),
            let cidrNode = s.require("subnet", "network in CIDR form, e.g. 192.168.10.0/24"),
            let cidr = scalars.subnet(cidrNode, s.childPath("subnet"))
        else { return nil }
        let pools = s.read("pools", default: []) { scalars.list($0, $1, scalars.range) }
        for (index, pool) in pools.enumerated() where !(cidr.contains(pool.lower) && cidr.contains(pool.upper)) {
            diagnostics.error(
                "pool \(pool) is not inside subnet \(cidr)", at: s.node("pools")?.mark, path: "\(path).pools[\(index)]")
        }
        for (index, pool) in pools.enumerated() where pool.contains(cidr.network) || pool.contains(cidr.broadcast) {
            if cidr.prefixLength < 31 {
                diagnostics.error(
                    "pool \(pool) includes the network or broadcast address of \(cidr)", at: s.node("pools")?.mark,
                    path: "\(path).pools[\(index)]")
            }
        }
        for i in pools.indices {
            for j in pools.indices where i < j && pools[i].lower <= pools[j].upper && pools[j].lower <= pools[i].upper {
                diagnostics.error(
                    "pools \(pools[i]) and \(pools[j]) overlap", at: s.node("pools")?.mark, path: "\(path).pools[\(j)]")
            }
        }
        let reservations = s.read("reservations", default: []) { scalars.list($0, $1) { reservation($0, $1, cidr) } }
        let proxy = s.read("proxy", default: false, scalars.bool)
        if proxy {
            for key in Self.addressOnlyKeys where s.has(key) {
                s.error(
                    "a proxy subnet answers with a boot file and next_server only; `\(key)` is the address "
                        + "server's business: remove it",
                    key: key)
            }
        } else if pools.isEmpty, reservations.isEmpty {
            s.error(
                "subnet \(cidr) has neither pools nor reservations, so no client could get an address", key: "subnet")
        }
        let lease = s.read("lease_time", default: .seconds(12 * 3600), scalars.duration)
        if lease.milliseconds < 60_000 {
            s.error("lease_time \(lease) is under a minute; clients would renew constantly", key: "lease_time")
        }
        return SubnetConfiguration(
            subnet: cidr, pools: pools, leaseTime: lease,
            routers: s.read("routers", default: []) { scalars.list($0, $1, scalars.ipv4) },
            dnsServers: s.read("dns_servers", default: []) { scalars.list($0, $1, scalars.ipv4) },
            domainName: s.read("domain_name", scalars.string).flatMap { $0.isEmpty ? nil : $0 },
            ntpServers: s.read("ntp_servers", default: []) { scalars.list($0, $1, scalars.ipv4) },
            tftpServers: s.read("tftp_servers", default: []) { scalars.list($0, $1, scalars.ipv4) },
            tftpServerName: s.read("tftp_server_name", scalars.string).flatMap { $0.isEmpty ? nil : $0 },
            nextServer: s.read("next_server", scalars.ipv4),
            bootFile: s.read("boot_file", default: "", scalars.string),
            options: s.read("options", default: []) { scalars.list($0, $1, options.read) },
            reservations: reservations,
            bootFilesByArchitecture: s.read("boot_files", default: [:], netboot.bootFiles),
            ipxeScript: s.read("ipxe_script", scalars.string).flatMap { $0.isEmpty ? nil : $0 }, proxy: proxy)
    }

    private func reservation(_ node: ConfigNode, _ path: String, _ cidr: IPv4Subnet) -> Reservation? {
        guard
            let r = ConfigSection(
                node, path: path, allowed: ["mac", "client_id", "ip", "hostname"], diagnostics: diagnostics),
            let ipNode = r.require("ip"), let ip = scalars.ipv4(ipNode, r.childPath("ip"))
        else { return nil }
        let mac = r.read("mac", scalars.mac)
        // Hex pairs of any length (a type-1 client id is 7 bytes), a shorter hex form, else the text itself.
        let clientID = r.read("client_id", scalars.string).flatMap {
            parseHexPairs($0) ?? parseMACPrefix($0) ?? Array($0.utf8)
        }
        if !r.has("mac"), !r.has("client_id") { _ = r.require("mac", "a reservation needs mac or client_id") }
        if !cidr.contains(ip) { r.error("reserved address \(ip) is not inside subnet \(cidr)", key: "ip") }
        return Reservation(mac: mac, clientID: clientID, ip: ip, hostname: r.read("hostname", scalars.string))
    }

    private func clientClass(_ node: ConfigNode, _ path: String) -> ClientClassConfiguration? {
        guard
            let c = ConfigSection(
                node, path: path, allowed: ["name", "match", "broadcast", "options"] + NetbootReader.keys,
                diagnostics: diagnostics),
            let nameNode = c.require("name"), let name = scalars.string(nameNode, c.childPath("name")),
            let matchNode = c.require(
                "match", "vendor_class, user_class, client_arch, mac_prefixes, relay or circuit_id"),
            let m = ConfigSection(
                matchNode, path: c.childPath("match"),
                allowed: ["vendor_class", "user_class", "client_arch", "mac_prefixes", "relay", "circuit_id"],
                diagnostics: diagnostics)
        else { return nil }
        let prefixes: [[UInt8]] = m.read("mac_prefixes", default: []) { node, path in
            scalars.list(node, path) { item, itemPath in
                guard let text = scalars.string(item, itemPath) else { return nil }
                if let prefix = parseMACPrefix(text) { return prefix }
                diagnostics.error("`\(text)` is not a MAC prefix such as 00:1e:7a", at: item.mark, path: itemPath)
                return nil
            }
        }
        let match = ClientClassConfiguration.Match(
            vendorClass: m.read("vendor_class", scalars.string), userClass: m.read("user_class", scalars.string),
            clientArchitectures: m.read("client_arch", default: []) {
                scalars.list($0, $1) { scalars.integer($0, $1, in: 0...0xFFFF).map(UInt16.init) }
            },
            macPrefixes: prefixes, relay: m.read("relay", scalars.ipv4), circuitID: m.read("circuit_id", scalars.string)
        )
        if match.vendorClass == nil, match.userClass == nil, match.clientArchitectures.isEmpty,
            match.macPrefixes.isEmpty,
            match.relay == nil, match.circuitID == nil
        {
            c.error("class `\(name)` matches nothing; give at least one criterion", key: "match")
        }
        return ClientClassConfiguration(
            name: name, match: match,
            broadcast: c.read("broadcast") {
                scalars.choice($0, $1, [("always", .always), ("auto", .auto), ("never", .never)])
            },
            options: c.read("options", default: []) { scalars.list($0, $1, options.read) },
            netboot: netboot.read(c))
    }

    /// Where the `proxy` key of the `index`th subnet sits, else the subnet itself.
    private func subnetMark(_ section: ConfigSection, _ index: Int) -> SourceMark? {
        guard case .sequence(let nodes)? = section.node("subnets")?.value, index < nodes.count else { return nil }
        guard case .mapping(let entries) = nodes[index].value else { return nodes[index].mark }
        return entries.first { $0.key == "proxy" }?.keyMark ?? nodes[index].mark
    }

    private func checkOverlaps(_ subnets: [SubnetConfiguration], _ section: ConfigSection) {
        for i in subnets.indices {
            for j in subnets.indices where i < j {
                let a = subnets[i].subnet, b = subnets[j].subnet
                if a.contains(b.network) || b.contains(a.network) {
                    section.error("subnets \(a) and \(b) overlap", key: "subnets")
                }
            }
            var seen: [IPv4Address: Int] = [:]
            for (index, r) in subnets[i].reservations.enumerated() {
                if seen[r.ip] != nil { section.error("address \(r.ip) is reserved twice", key: "subnets") }
                seen[r.ip] = index
            }
        }
    }
}
