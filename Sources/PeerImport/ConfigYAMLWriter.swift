import WireSupport

/// Writes an `ImportedConfiguration` as Dialtone YAML (the keys of examples/dialtone.yaml). Text values are
/// always double-quoted, so a hostname like `yes` or `0x10` stays a string.
public enum ConfigYAMLWriter {
    /// `source` names what was read, for the header comment (`dnsmasq /etc/dnsmasq.conf`).
    public static func yaml(_ config: ImportedConfiguration, source: String) -> String {
        var out: [String] = [
            "# Translated by `dialtone config import` from \(source).",
            "# Review it, then: dialtone check --config THIS_FILE",
        ]
        if !config.notes.isEmpty {
            out.append("# Not carried over (also printed on stderr):")
            // A line break inside a note (a `\r` from the source file) would end the comment early.
            out += config.notes.map { "#   " + String(quoted($0).dropFirst().dropLast()) }
        }
        out.append("state_dir: ./dialtone-state")
        out.append("dhcp:")
        let interfaces = config.interfaces.isEmpty ? ["eth0"] : config.interfaces
        out.append(
            "  interfaces: \(list(interfaces.map(quoted)))"
                + (config.interfaces.isEmpty ? "   # the source named none: set the interface facing the clients" : ""))
        if let authoritative = config.authoritative { out.append("  authoritative: \(authoritative)") }
        out.append("  subnets:")
        for subnet in config.subnets { out += lines(subnet) }
        if let root = config.tftpRoot {
            out.append("tftp:")
            out.append("  root: \(quoted(root))")
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func lines(_ s: ImportedSubnet) -> [String] {
        var out = ["    - subnet: \(s.subnet)"]
        func add(_ key: String, _ value: String) { out.append("      \(key): \(value)") }
        if s.proxy {
            add("proxy", "true")
        } else {
            add("pools", list(s.pools.map { quoted($0.description) }))
        }
        if let lease = s.leaseTime { add("lease_time", lease) }
        if !s.routers.isEmpty { add("routers", list(s.routers.map(\.description))) }
        if !s.dnsServers.isEmpty { add("dns_servers", list(s.dnsServers.map(\.description))) }
        if let domain = s.domainName { add("domain_name", quoted(domain)) }
        if !s.ntpServers.isEmpty { add("ntp_servers", list(s.ntpServers.map(\.description))) }
        if !s.tftpServers.isEmpty { add("tftp_servers", list(s.tftpServers.map(\.description))) }
        if let name = s.tftpServerName { add("tftp_server_name", quoted(name)) }
        if let next = s.nextServer { add("next_server", next.description) }
        if let boot = s.bootFile { add("boot_file", quoted(boot)) }
        if !s.options.isEmpty {
            out.append("      options:")
            for option in s.options {
                let value =
                    option.type == "ipv4-list"
                    ? list(option.values) : scalar(option.values.first ?? "", type: option.type)
                out.append("        - { code: \(option.code), type: \(option.type), value: \(value) }")
            }
        }
        if !s.reservations.isEmpty {
            out.append("      reservations:")
            for r in s.reservations {
                var fields: [String] = []
                if let mac = r.mac { fields.append("mac: \(quoted(mac.description))") }
                if let id = r.clientID { fields.append("client_id: \(quoted(id.map(hex2).joined(separator: ":")))") }
                fields.append("ip: \(r.ip)")
                if let name = r.hostname { fields.append("hostname: \(quoted(name))") }
                out.append("        - { \(fields.joined(separator: ", ")) }")
            }
        }
        return out
    }

    static func scalar(_ value: String, type: String) -> String {
        ["uint8", "uint16", "uint32", "ipv4", "bool"].contains(type) ? value : quoted(value)
    }

    static func list(_ items: [String]) -> String { "[" + items.joined(separator: ", ") + "]" }

    /// A YAML double-quoted scalar: backslash, quote and control characters escaped.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + hex2(UInt8(scalar.value))
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
