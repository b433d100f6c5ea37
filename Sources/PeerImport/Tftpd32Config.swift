import WireSupport

/// Translates Tftpd32's settings file, `tftpd32.ini` (Windows INI: `[SECTION]`, `Key=Value`, `;` comments),
/// into Dialtone's terms. Its `[DHCP]` section is one pool and its options, as Tftpd32 4.x writes them
/// (Tftpd32's settings.c key names): `IP_Pool` (first address), `PoolSize`, `Mask`, `Gateway`, `DNS`,
/// `DNS2`, `WINS`, `Domain`, `BootFile`, `Lease (minutes)`, and custom options as numbered pairs
/// `AddOptionNumberN` / `AddOptionValueN`.
///
/// Tftpd32 sends a custom option's value as its text (`150 | 10.0.0.1` goes out as 8 ASCII bytes, which
/// Cisco phones ignore); Dialtone types them, so an option whose standard type is an address list is
/// carried over as addresses, and a note says the bytes on the wire change.
public enum Tftpd32Config {
    public static func translate(_ text: String, file: String) -> ImportedConfiguration {
        var config = ImportedConfiguration()
        func note(_ line: Int, _ text: String) { config.notes.append("\(file):\(line): \(text)") }
        var section = ""
        var keys: [String: (value: String, line: Int)] = [:]
        for (number, raw) in TextScanning.numberedLines(text) {
            let line = TextScanning.trimmed(raw)
            if line.isEmpty || line.hasPrefix(";") || line.hasPrefix("#") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                section = line.dropFirst().dropLast().uppercased()
                continue
            }
            guard section == "DHCP", let equals = line.firstIndex(of: "=") else { continue }
            let key = TextScanning.trimmed(line[..<equals]).lowercased()
            keys[key] = (String(TextScanning.trimmed(line[line.index(after: equals)...])), number)
        }
        func value(_ key: String) -> String? { keys[key].flatMap { $0.value.isEmpty ? nil : $0.value } }
        func line(_ key: String) -> Int { keys[key]?.line ?? 0 }
        func address(_ key: String) -> IPv4Address? {
            guard let text = value(key) else { return nil }
            guard let address = IPv4Address(text), address != .any else {
                if text != "0.0.0.0" { note(line(key), "\(key)=\(text) is not an IPv4 address: not carried over") }
                return nil
            }
            return address
        }

        guard let first = address("ip_pool") else {
            config.notes.append(
                "\(file): no [DHCP] IP_Pool: Tftpd32's DHCP server was not set up; the YAML has no subnet")
            return config
        }
        let size = value("poolsize").flatMap { UInt32($0) } ?? 1
        let mask = address("mask")
        let prefix = mask.flatMap(DnsmasqReader.prefixLength) ?? 24
        if mask == nil { note(line("ip_pool"), "no Mask: assumed /24") }
        var subnet = ImportedSubnet(subnet: IPv4Subnet(network: first, prefixLength: prefix))
        let last = first.advanced(by: max(size, 1) - 1) ?? first
        if let range = IPv4Range(lower: first, upper: last) { subnet.pools = [range] }
        if !subnet.subnet.contains(last) {
            note(line("poolsize"), "the pool \(first)-\(last) runs past \(subnet.subnet): shorten it")
        }
        if let gateway = address("gateway") { subnet.routers = [gateway] }
        subnet.dnsServers = [address("dns"), address("dns2")].compactMap { $0 }
        if let wins = address("wins") {
            subnet.options.append(ImportedOption(code: 44, type: "ipv4-list", values: [wins.description]))
        }
        if let domain = value("domain") { subnet.domainName = domain }
        if let boot = value("bootfile") { subnet.bootFile = boot }
        if let minutes = value("lease (minutes)"), let count = Int(minutes) {
            if count >= 1 {
                subnet.leaseTime = "\(count)m"
            } else {
                note(line("lease (minutes)"), "a lease time of \(count) minutes is below Dialtone's 1 minute")
            }
        }
        for key in keys.keys.sorted() where key.hasPrefix("addoptionnumber") {
            let suffix = key.dropFirst("addoptionnumber".count)
            guard let codeText = value(key), let code = Int(codeText) else { continue }
            let text = value("addoptionvalue" + suffix) ?? ""
            addCustom(code: code, text: text, line: line(key), to: &subnet, note: note)
        }
        let known: Set<String> = [
            "ip_pool", "poolsize", "mask", "gateway", "dns", "dns2", "wins", "domain", "bootfile", "lease (minutes)",
        ]
        for (key, entry) in keys.sorted(by: { $0.value.line < $1.value.line })
        where !known.contains(key) && !key.hasPrefix("addoption") && !entry.value.isEmpty {
            note(entry.line, "[DHCP] \(key)=\(entry.value) has no Dialtone equivalent")
        }
        config.subnets = [subnet]
        config.notes.append(
            "\(file): Tftpd32 answers on the Windows adapter it is bound to: set dhcp.interfaces to the Linux interface facing the clients"
        )
        return config
    }

    static func addCustom(
        code: Int, text: String, line: Int, to subnet: inout ImportedSubnet, note: (Int, String) -> Void
    ) {
        guard (1...254).contains(code), code != 0 else {
            return note(line, "custom option \(code) is not a DHCP option code")
        }
        if let reason = OptionCatalogue.computed[code] {
            return note(line, "custom option \(code): Dialtone sets \(reason) itself")
        }
        let values = text.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == " " }).map(String.init)
        let type = OptionCatalogue.guessType(code: code, values: values)
        if type == "ipv4-list" || type == "ipv4" {
            guard !values.isEmpty, values.allSatisfy({ IPv4Address($0) != nil }) else {
                return note(line, "custom option \(code) must be addresses, not `\(text)`: not carried over")
            }
            note(
                line,
                "custom option \(code) `\(text)`: Tftpd32 sent it as \(text.utf8.count) bytes of text; Dialtone sends \(values.count * 4) bytes of address (RFC 2132/5859)"
            )
        }
        switch code {
        case 150: subnet.tftpServers = values.compactMap { IPv4Address($0) }
        case 42: subnet.ntpServers = values.compactMap { IPv4Address($0) }
        case 66: subnet.tftpServerName = text
        case 67: subnet.bootFile = text
        default:
            let isList = type == "ipv4-list" || type == "ipv4"
            subnet.options.append(ImportedOption(code: code, type: type, values: isList ? values : [text]))
        }
    }
}
