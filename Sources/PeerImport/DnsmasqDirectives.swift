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
