import WireSupport

/// Typed scalar readers. Each reports a precise error (what was expected, what was found) at the value's
/// line and returns nil.
struct ConfigScalars {
    let diagnostics: ConfigDiagnostics

    func scalar(_ node: ConfigNode, _ path: String, expected: String) -> String? {
        switch node.value {
        case .scalar(let text, _): return text
        case .null: diagnostics.error("expected \(expected), found nothing", at: node.mark, path: path)
        default: diagnostics.error("expected \(expected), found \(node.kindName)", at: node.mark, path: path)
        }
        return nil
    }

    func string(_ node: ConfigNode, _ path: String) -> String? {
        if node.value == .null { return "" }
        return scalar(node, path, expected: "a string")
    }

    func bool(_ node: ConfigNode, _ path: String) -> Bool? {
        guard let text = scalar(node, path, expected: "true or false") else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            diagnostics.error("expected true or false, found `\(text)`", at: node.mark, path: path)
            return nil
        }
    }

    func integer(_ node: ConfigNode, _ path: String, in range: ClosedRange<Int>) -> Int? {
        guard let text = scalar(node, path, expected: "a whole number") else { return nil }
        guard let value = Int(text) else {
            diagnostics.error("expected a whole number, found `\(text)`", at: node.mark, path: path)
            return nil
        }
        guard range.contains(value) else {
            diagnostics.error(
                "\(value) is out of range \(range.lowerBound)...\(range.upperBound)", at: node.mark, path: path)
            return nil
        }
        return value
    }

    func port(_ node: ConfigNode, _ path: String) -> UInt16? {
        integer(node, path, in: 0...65535).map(UInt16.init)
    }

    func duration(_ node: ConfigNode, _ path: String) -> ConfigDuration? {
        guard let text = scalar(node, path, expected: "a duration such as 30s, 5m, 12h or 2d") else { return nil }
        guard let value = ConfigDuration(text) else {
            diagnostics.error(
                "`\(text)` is not a duration; write a number and a unit: 500ms, 30s, 5m, 12h, 2d", at: node.mark,
                path: path)
            return nil
        }
        return value
    }

    func ipv4(_ node: ConfigNode, _ path: String) -> IPv4Address? {
        guard let text = scalar(node, path, expected: "an IPv4 address") else { return nil }
        guard let address = IPv4Address(text) else {
            diagnostics.error("`\(text)` is not an IPv4 address (expected a.b.c.d)", at: node.mark, path: path)
            return nil
        }
        return address
    }

    func subnet(_ node: ConfigNode, _ path: String) -> IPv4Subnet? {
        guard let text = scalar(node, path, expected: "a subnet such as 192.168.10.0/24") else { return nil }
        guard let subnet = IPv4Subnet(text) else {
            var message = "`\(text)` is not a subnet in CIDR form (network/prefix, e.g. 192.168.10.0/24)"
            let parts = text.split(separator: "/")
            if parts.count == 2, let host = IPv4Address(parts[0]), let length = Int(parts[1]), (0...32).contains(length)
            {
                message += "; the network of \(host)/\(length) is \(IPv4Subnet(network: host, prefixLength: length))"
            }
            diagnostics.error(message, at: node.mark, path: path)
            return nil
        }
        return subnet
    }

    func range(_ node: ConfigNode, _ path: String) -> IPv4Range? {
        guard let text = scalar(node, path, expected: "an address range such as 192.168.10.1-192.168.10.5") else {
            return nil
        }
        guard let range = IPv4Range(text) else {
            diagnostics.error(
                "`\(text)` is not an address range (first-last, first <= last, e.g. 192.168.10.1-192.168.10.5)",
                at: node.mark, path: path)
            return nil
        }
        return range
    }

    func mac(_ node: ConfigNode, _ path: String) -> MACAddress? {
        guard let text = scalar(node, path, expected: "a MAC address") else { return nil }
        guard let mac = MACAddress(text) else {
            diagnostics.error(
                "`\(text)` is not a MAC address (00:1e:7a:25:54:a1, 00-1E-7A-25-54-A1, 001e.7a25.54a1 or 001E7A2554A1)",
                at: node.mark, path: path)
            return nil
        }
        return mac
    }

    func choice<T>(_ node: ConfigNode, _ path: String, _ choices: [(String, T)]) -> T? {
        let names = choices.map(\.0)
        guard let text = scalar(node, path, expected: "one of \(names.joined(separator: ", "))") else { return nil }
        if let match = choices.first(where: { $0.0 == text.lowercased() }) { return match.1 }
        diagnostics.error("`\(text)` is not one of \(names.joined(separator: ", "))", at: node.mark, path: path)
        return nil
    }

    /// A list of items; a single scalar is accepted as a one-item list (`routers: 10.0.0.1`).
    func list<T>(_ node: ConfigNode, _ path: String, _ item: (ConfigNode, String) -> T?) -> [T]? {
        switch node.value {
        case .sequence(let nodes):
            var out: [T] = []
            var ok = true
            for (index, child) in nodes.enumerated() {
                if let value = item(child, "\(path)[\(index)]") { out.append(value) } else { ok = false }
            }
            return ok ? out : nil
        case .null:
            return []
        case .scalar:
            return item(node, path).map { [$0] }
        case .mapping:
            diagnostics.error("expected a list, found a mapping", at: node.mark, path: path)
            return nil
        }
    }
}
