import WireSupport

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
