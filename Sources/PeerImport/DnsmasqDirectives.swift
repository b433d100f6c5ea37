import WireSupport

/// `dhcp-range`, `dhcp-host` and `dhcp-option` as dnsmasq(8) describes them.
extension DnsmasqReader {
    /// `dhcp-range=[tag:T,][set:T,]START,END|static|proxy[,NETMASK[,BROADCAST]][,LEASE-TIME]`.
    mutating func readRange(_ value: Substring, line: Int) {
        var parts = DnsmasqOptionNames.splitValues(value)
        while let first = parts.first,
            first.hasPrefix("tag:") || first.hasPrefix("set:") || first.hasPrefix("net:")
                || first.hasPrefix("interface:")
        {
            if !first.hasPrefix("interface:") {
                note(
                    line,
                    "`dhcp-range=\(value)`: tag `\(first)` ignored (Dialtone's classes match on what clients send)")
            }
            parts.removeFirst()
        }
        guard let start = parts.first.flatMap({ IPv4Address($0) }) else {
            if parts.first?.contains(":") == true {
                return note(line, "`dhcp-range=\(value)`: DHCPv6 is not served by Dialtone")
            }
            return note(line, "`dhcp-range=\(value)`: no IPv4 start address")
        }
        parts.removeFirst()
        var end: IPv4Address?
        var proxy = false
        if let second = parts.first {
            if second == "static" {
                parts.removeFirst()
            } else if second == "proxy" {
                // START is the network: boot information only, no pool (docs/netboot.md "proxyDHCP").
                proxy = true
                parts.removeFirst()
            } else if let address = IPv4Address(second) {
                end = address
                parts.removeFirst()
            }
        }
        var mask: IPv4Address?
        if let next = parts.first, let address = IPv4Address(next) {
            mask = address
            parts.removeFirst()
        }
        // A broadcast address may follow; it follows from the subnet, so it is dropped.
        if let next = parts.first, IPv4Address(next) != nil { parts.removeFirst() }
        var leaseTime: String?
        if let next = parts.first {
            if next == "infinite" {
                note(
                    line,
                    "`dhcp-range=\(value)`: infinite leases do not exist in Dialtone; lease_time left at its default")
            } else if let duration = DnsmasqOptionNames.duration(next) {
                leaseTime = duration
            } else {
                note(line, "`dhcp-range=\(value)`: `\(next)` not understood")
            }
        }
        let subnet: IPv4Subnet
        if let mask, let prefix = Self.prefixLength(mask) {
            subnet = IPv4Subnet(network: start, prefixLength: prefix)
        } else {
            // dnsmasq takes the netmask from the interface the range is served on, which a config does not say.
            var prefix = 24
            while prefix > 8, let end, !IPv4Subnet(network: start, prefixLength: prefix).contains(end) { prefix -= 1 }
            subnet = IPv4Subnet(network: start, prefixLength: prefix)
            note(
                line,
                "`dhcp-range=\(value)` has no netmask (dnsmasq takes the interface's): assumed \(subnet), check it")
        }
        var index = config.subnets.firstIndex(where: { $0.subnet == subnet })
        if index == nil {
            config.subnets.append(ImportedSubnet(subnet: subnet))
            index = config.subnets.count - 1
        }
        if proxy {
            config.subnets[index!].proxy = true
            if leaseTime != nil {
                note(line, "`dhcp-range=\(value)`: a proxy range leases nothing; lease time dropped")
            }
            return
        }
        if let end {
            guard let range = IPv4Range(lower: start, upper: end) else {
                return note(line, "`dhcp-range=\(value)`: the end is before the start")
            }
            config.subnets[index!].pools.append(range)
        }
        if let leaseTime { config.subnets[index!].leaseTime = leaseTime }
    }

    /// `dhcp-host=[MAC...][,id:CLIENTID][,set:TAG][,IP][,HOSTNAME][,LEASE-TIME][,ignore]`.
    mutating func readHost(_ value: Substring, line: Int) {
        var macs: [MACAddress] = []
        var clientID: [UInt8]?
        var ip: IPv4Address?
        var hostname: String?
        for part in DnsmasqOptionNames.splitValues(value) {
            if part == "ignore" { return note(line, "`dhcp-host=\(value)`: ignoring a client is not carried over") }
            if part.hasPrefix("id:") {
                guard let bytes = TextScanning.hexBytes(part.dropFirst(3)) else {
                    return note(line, "`dhcp-host=\(value)`: client id `\(part)` is not hex: not carried over")
                }
                clientID = bytes
            } else if part.hasPrefix("set:") || part.hasPrefix("tag:") || part.hasPrefix("net:") {
                note(line, "`dhcp-host=\(value)`: tag `\(part)` ignored")
            } else if let address = IPv4Address(part) {
                ip = address
            } else if let mac = TextScanning.mac(part) {
                macs.append(mac)
            } else if part.contains("*") || part.filter({ $0 == ":" }).count >= 5 {
                return note(
                    line, "`dhcp-host=\(value)`: MAC pattern `\(part)` (wildcards or hardware type) is not carried over"
                )
            } else if part.hasPrefix("[") {
                note(line, "`dhcp-host=\(value)`: the IPv6 part is not carried over")
            } else if DnsmasqOptionNames.isDuration(part) {
                note(line, "`dhcp-host=\(value)`: a lease time per host is not carried over")
            } else {
                hostname = part
            }
        }
        guard let ip else { return note(line, "`dhcp-host=\(value)`: no IPv4 address to reserve: not carried over") }
        guard macs.first != nil || clientID != nil else {
            return note(
                line,
                "`dhcp-host=\(value)`: a reservation by hostname alone is not carried over (reserve by mac or client_id)"
            )
        }
        if macs.count > 1 {
            note(
                line,
                "`dhcp-host=\(value)`: only the first of \(macs.count) MAC addresses is reserved (one reservation per address)"
            )
        }
        var mac = macs.first
        if let id = clientID {
            if id.count == 7, id[0] == 1 {
                // Type 1 + a MAC is the same client as that MAC (RFC 2132 §9.14, and Dialtone's ClientKey).
                mac = MACAddress(bytes: Array(id.dropFirst()))
                clientID = nil
            } else if id.count > 6 {
                // The config reads client_id as hex only up to 6 bytes (parseMACPrefix); longer is taken as text.
                return note(
                    line,
                    "`dhcp-host=\(value)`: a client id of \(id.count) bytes cannot be written as client_id yet: not carried over"
                )
            } else {
                mac = nil
            }
        }
        hosts.append((ImportedReservation(mac: mac, clientID: clientID, ip: ip, hostname: hostname), line))
    }

    /// `dhcp-option=[tag:T,][encap:N,][vendor:V,]CODE|option:NAME,VALUE[,VALUE...]`.
    mutating func readOption(_ value: Substring, line: Int) {
        var parts = DnsmasqOptionNames.splitValues(value)
        guard let first = parts.first else { return }
        if first.hasPrefix("tag:") || first.hasPrefix("net:") || first.hasPrefix("encap:") || first.hasPrefix("vendor:")
            || first.hasPrefix("vi-encap:")
        {
            return note(
                line,
                "`dhcp-option=\(value)`: options for tagged clients or encapsulated options are not carried over; use dhcp.classes"
            )
        }
        if first.hasPrefix("option6:") { return note(line, "`dhcp-option=\(value)`: DHCPv6 is not served by Dialtone") }
        parts.removeFirst()
        let code = first.hasPrefix("option:") ? DnsmasqOptionNames.codes[String(first.dropFirst(7))] : Int(first)
        guard let code, (1...254).contains(code) else {
            return note(line, "`dhcp-option=\(value)`: unknown option `\(first)`")
        }
        if let reason = OptionCatalogue.computed[code] {
            return note(line, "`dhcp-option=\(value)`: Dialtone sets \(reason) itself")
        }
        // dnsmasq encodes these from structured text (RFC 1035 names, route lists, sub-options); Dialtone's
        // typed options have no such type, and sending the text would be wrong on the wire.
        if [33, 43, 81, 119, 121, 124, 125].contains(code) {
            return note(
                line,
                "`dhcp-option=\(value)`: option \(code) has a structured encoding Dialtone does not build: write it as `type: hex`"
            )
        }
        if parts.contains("0.0.0.0") {
            return note(
                line,
                "`dhcp-option=\(value)`: 0.0.0.0 (dnsmasq's own address) has no Dialtone equivalent: write the address")
        }
        options.append((code, parts.filter { !$0.isEmpty }, line))
    }

    static func prefixLength(_ mask: IPv4Address) -> Int? {
        let ones = mask.rawValue.leadingZeroBitCount == 0 ? (~mask.rawValue).leadingZeroBitCount : 0
        return IPv4Subnet(network: .any, prefixLength: ones).mask == mask ? ones : nil
    }
}

/// Puts an option's values on the subnet key that carries it, or into `options:` with a type.
enum DnsmasqOptionPlacement {
    static func place(code: Int, values: [String], in subnet: inout ImportedSubnet) {
        let addresses = values.compactMap { IPv4Address($0) }
        let allAddresses = addresses.count == values.count && !values.isEmpty
        switch code {
        case 3 where allAddresses: subnet.routers = addresses
        case 6 where allAddresses: subnet.dnsServers = addresses
        case 42 where allAddresses: subnet.ntpServers = addresses
        case 150 where allAddresses: subnet.tftpServers = addresses
        case 15 where values.count == 1: subnet.domainName = values[0]
        case 66 where values.count == 1: subnet.tftpServerName = values[0]
        case 67 where values.count == 1: subnet.bootFile = values[0]
        default:
            let type = OptionCatalogue.guessType(code: code, values: values)
            subnet.options.removeAll { $0.code == code }
            subnet.options.append(
                ImportedOption(
                    code: code, type: type, values: type == "string" ? [values.joined(separator: ",")] : values))
        }
    }
}

/// dnsmasq's option names (`dhcp-option=option:router,...`), as `dnsmasq --help dhcp` lists them.
enum DnsmasqOptionNames {
    static let codes: [String: Int] = [
        "netmask": 1, "time-offset": 2, "router": 3, "dns-server": 6, "log-server": 7, "lpr-server": 9,
        "hostname": 12, "boot-file-size": 13, "domain-name": 15, "swap-server": 16, "root-path": 17,
        "extension-path": 18, "ip-forward-enable": 19, "non-local-source-routing": 20, "policy-filter": 21,
        "max-datagram-reassembly": 22, "default-ttl": 23, "mtu": 26, "all-subnets-local": 27, "broadcast": 28,
        "router-discovery": 31, "router-solicitation": 32, "static-route": 33, "trailer-encapsulation": 34,
        "arp-timeout": 35, "ethernet-encap": 36, "tcp-ttl": 37, "tcp-keepalive": 38, "nis-domain": 40,
        "nis-server": 41, "ntp-server": 42, "vendor-encap": 43, "netbios-ns": 44, "netbios-dd": 45,
        "netbios-nodetype": 46, "netbios-scope": 47, "x-windows-fs": 48, "x-windows-dm": 49,
        "requested-address": 50, "lease-time": 51, "option-overload": 52, "message-type": 53,
        "server-identifier": 54, "parameter-request": 55, "message": 56, "max-message-size": 57, "T1": 58,
        "T2": 59, "vendor-class": 60, "client-id": 61, "nis+-domain": 64, "nis+-server": 65, "tftp-server": 66,
        "bootfile-name": 67, "mobile-ip-home": 68, "smtp-server": 69, "pop3-server": 70, "nntp-server": 71,
        "irc-server": 74, "user-class": 77, "rapid-commit": 80, "FQDN": 81, "agent-id": 82, "client-arch": 93,
        "client-interface-id": 94, "client-machine-id": 97, "posix-timezone": 100, "tzdb-timezone": 101,
        "subnet-select": 118, "domain-search": 119, "sip-server": 120, "classless-static-route": 121,
        "vendor-id-encap": 125, "tftp-server-address": 150, "server-ip-address": 255,
    ]

    /// Splits a dnsmasq value list at commas outside double quotes, and unquotes (dnsmasq's option.c).
    static func splitValues(_ text: Substring) -> [String] {
        var values: [String] = []
        var current = ""
        var quoted = false
        for character in text {
            if character == "\"" {
                quoted.toggle()
            } else if character == ",", !quoted {
                values.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        values.append(current)
        return values.map { String(TextScanning.trimmed($0[...])) }
    }

    /// A dnsmasq lease time as a Dialtone duration: `45m`, `12h`, `2d`, `1w` or seconds; nil for
    /// `infinite` and anything unreadable (dnsmasq(8), `--dhcp-range`).
    static func duration(_ text: String) -> String? {
        guard let last = text.last else { return nil }
        if last.isNumber { return Int(text).map { String($0) } }
        guard let amount = Int(text.dropLast()) else { return nil }
        switch last {
        case "s", "S": return "\(amount)s"
        case "m", "M": return "\(amount)m"
        case "h", "H": return "\(amount)h"
        case "d", "D": return "\(amount)d"
        case "w", "W": return "\(amount * 7)d"
        default: return nil
        }
    }

    static func isDuration(_ text: String) -> Bool { text == "infinite" || duration(text) != nil }
}
