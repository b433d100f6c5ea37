import WireSupport

/// Translates a dnsmasq configuration (dnsmasq(8): `key=value` lines, `#` comments) into Dialtone's terms.
/// Carried over: `interface`, `dhcp-authoritative`, `domain`, `dhcp-range`, `dhcp-host`, `dhcp-option`
/// (`-force` too), `dhcp-boot`, `enable-tftp` with `tftp-root`. Everything else becomes a note.
public enum DnsmasqConfig {
    public static func translate(_ text: String, file: String) -> ImportedConfiguration {
        var reader = DnsmasqReader(file: file)
        for (number, raw) in TextScanning.numberedLines(text) {
            let line = stripComment(TextScanning.trimmed(raw))
            if line.isEmpty { continue }
            let key: Substring
            let value: Substring
            if let equals = line.firstIndex(of: "=") {
                key = TextScanning.trimmed(line[..<equals])
                value = TextScanning.trimmed(line[line.index(after: equals)...])
            } else {
                key = line
                value = ""
            }
            reader.read(key: String(key), value: value, line: number)
        }
        return reader.finish()
    }

    /// dnsmasq ignores a line from a `#` at its start, or after whitespace outside quotes.
    static func stripComment(_ line: Substring) -> Substring {
        var quoted = false
        var previous: Character = " "
        for index in line.indices {
            let c = line[index]
            if c == "\"" { quoted.toggle() }
            if c == "#", !quoted, previous == " " || previous == "\t" { return TextScanning.trimmed(line[..<index]) }
            previous = c
        }
        return line
    }
}

/// The state of one translation: directives are read in order, and options and reservations are placed
/// into subnets once every `dhcp-range` is known (dnsmasq allows them in any order).
struct DnsmasqReader {
    let file: String
    var config = ImportedConfiguration()
    var options: [(code: Int, values: [String], line: Int)] = []
    var hosts: [(reservation: ImportedReservation, line: Int)] = []
    var domain: String?
    var boot: (file: String, server: String?, address: IPv4Address?)?
    var tftpEnabled = false
    var tftpRoot: String?

    init(file: String) { self.file = file }

    mutating func note(_ line: Int, _ text: String) { config.notes.append("\(file):\(line): \(text)") }

    mutating func read(key: String, value: Substring, line: Int) {
        switch key {
        case "interface":
            config.interfaces += value.split(separator: ",").map { String(TextScanning.trimmed($0)) }
        case "dhcp-authoritative": config.authoritative = true
        case "domain":
            let parts = DnsmasqOptionNames.splitValues(value)
            if parts.count == 1 {
                domain = parts[0]
            } else {
                note(
                    line,
                    "`domain=\(value)`: a domain per address range is not carried over; set domain_name per subnet")
            }
        case "dhcp-range": readRange(value, line: line)
        case "dhcp-host": readHost(value, line: line)
        case "dhcp-option", "dhcp-option-force": readOption(value, line: line)
        case "dhcp-boot":
            var parts = DnsmasqOptionNames.splitValues(value)
            if parts.first?.hasPrefix("tag:") == true {
                note(
                    line,
                    "`dhcp-boot=\(value)`: a boot file for tagged clients only; use a class in dhcp.classes (docs/configuration.md)"
                )
                return
            }
            if parts.first?.hasPrefix("net:") == true { parts.removeFirst() }
            guard let name = parts.first, !name.isEmpty else { return note(line, "`dhcp-boot` without a file name") }
            boot = (
                name, parts.count > 1 && !parts[1].isEmpty ? parts[1] : nil,
                parts.count > 2 ? IPv4Address(parts[2]) : nil
            )
        case "enable-tftp": tftpEnabled = true
        case "tftp-root": tftpRoot = DnsmasqOptionNames.splitValues(value).first
        case "dhcp-leasefile", "leasefile-ro", "log-dhcp", "bind-interfaces", "bind-dynamic":
            break  // where dnsmasq keeps its own files or logs: nothing for Dialtone to do
        default:
            note(line, "`\(key)\(value.isEmpty ? "" : "=" + value)` has no Dialtone equivalent")
        }
    }

    mutating func finish() -> ImportedConfiguration {
        for index in config.subnets.indices where config.subnets[index].proxy && !config.subnets[index].pools.isEmpty {
            config.subnets[index].proxy = false
            config.notes.append(
                "\(file): subnet \(config.subnets[index].subnet) has both a proxy range and an address range: "
                    + "written as an ordinary subnet that leases them")
        }
        for option in options {
            if config.subnets.isEmpty { break }
            // A proxy answer carries the boot file only (docs/netboot.md): options are the address server's.
            for index in config.subnets.indices where !config.subnets[index].proxy {
                var subnet = config.subnets[index]
                DnsmasqOptionPlacement.place(code: option.code, values: option.values, in: &subnet)
                config.subnets[index] = subnet
            }
        }
        for (reservation, line) in hosts {
            guard let index = config.subnets.firstIndex(where: { $0.subnet.contains(reservation.ip) }) else {
                note(line, "reservation of \(reservation.ip) lies in no dhcp-range's subnet: not carried over")
                continue
            }
            if config.subnets[index].proxy {
                note(
                    line, "reservation of \(reservation.ip) is on a proxy range: the address server's, not carried over"
                )
                continue
            }
            config.subnets[index].reservations.append(reservation)
        }
        for index in config.subnets.indices where config.subnets[index].proxy {
            // Only the boot keys apply; a proxy subnet without a boot file fails `check`.
            if let boot {
                config.subnets[index].bootFile = boot.file
                config.subnets[index].nextServer = boot.address
            } else {
                config.notes.append(
                    "\(file): proxy subnet \(config.subnets[index].subnet) has no dhcp-boot: add boot_file or "
                        + "boot_files (dnsmasq's pxe-service menus are not carried over)")
            }
        }
        for index in config.subnets.indices where !config.subnets[index].proxy {
            if let domain, config.subnets[index].domainName == nil { config.subnets[index].domainName = domain }
            if let boot {
                config.subnets[index].bootFile = boot.file
                if let address = boot.address { config.subnets[index].nextServer = address }
                // The server name goes to BOOTP's sname field in dnsmasq; option 66 is its option form (RFC 2132 §9.4).
                if let server = boot.server, config.subnets[index].tftpServerName == nil {
                    config.subnets[index].tftpServerName = server
                }
            }
            if config.subnets[index].routers.isEmpty || config.subnets[index].dnsServers.isEmpty {
                // dnsmasq(8), --dhcp-option: "by default dnsmasq sends ... its own address as router and DNS server".
                config.notes.append(
                    "\(file): subnet \(config.subnets[index].subnet): dnsmasq gives clients its own address as router and DNS server unless told otherwise; Dialtone sends only what is configured: add routers and dns_servers"
                )
            }
        }
        if config.subnets.isEmpty {
            config.notes.append("\(file): no IPv4 dhcp-range: the YAML has no subnet, add one")
        }
        if tftpEnabled, let root = tftpRoot {
            config.tftpRoot = root
        } else if tftpEnabled {
            config.notes.append("\(file): enable-tftp without tftp-root: add tftp.root")
        }
        return config
    }
}
