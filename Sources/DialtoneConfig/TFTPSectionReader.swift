import WireSupport

/// Reads the `tftp:` section.
struct TFTPSectionReader {
    static let keys = [
        "root", "listen", "allow_write", "allow_overwrite", "case_insensitive", "max_block_size", "max_window_size",
        "timeout", "retries", "max_transfers", "port_range", "client_rate_limit",
        "full_speed_transfers",
    ]

    let scalars: ConfigScalars
    let diagnostics: ConfigDiagnostics

    func read(_ s: ConfigSection) -> TFTPConfiguration? {
        let root = s.require("root", "the folder served; nothing outside it is ever read or written").flatMap {
            scalars.string($0, s.childPath("root"))
        }
        if root == "" { s.error("root must not be empty", key: "root") }
        let timeout = s.read("timeout", default: .seconds(1), scalars.duration)
        if timeout.milliseconds < 100 || timeout.milliseconds > 255_000 {
            s.error("timeout \(timeout) is outside 100ms...255s (RFC 2349 allows 1-255 s)", key: "timeout")
        }
        let portRange: ClosedRange<UInt16>? = s.read("port_range") { node, path in
            guard let text = scalars.scalar(node, path, expected: "a port range such as 50000-50999") else {
                return nil
            }
            let parts = text.split(separator: "-")
            guard parts.count == 2, let low = UInt16(parts[0]), let high = UInt16(parts[1]), low > 0, low <= high else {
                diagnostics.error(
                    "`\(text)` is not a port range (low-high, e.g. 50000-50999)", at: node.mark, path: path)
                return nil
            }
            return low...high
        }
        var config = TFTPConfiguration(
            root: root ?? "",
            listen: s.read("listen", default: [HostPort(host: "0.0.0.0", port: 69)]) {
                scalars.list($0, $1, hostPort(defaultPort: 69))
            },
            allowWrite: s.read("allow_write", default: false, scalars.bool),
            allowOverwrite: s.read("allow_overwrite", default: false, scalars.bool),
            caseInsensitive: s.read("case_insensitive", default: true, scalars.bool),
            maxBlockSize: s.read("max_block_size", default: 65464) { scalars.integer($0, $1, in: 512...65464) },
            maxWindowSize: s.read("max_window_size", default: 64) { scalars.integer($0, $1, in: 1...65535) },
            timeout: timeout,
            retries: s.read("retries", default: 5) { scalars.integer($0, $1, in: 1...100) },
            maxTransfers: s.read("max_transfers", default: 2000) { scalars.integer($0, $1, in: 1...100_000) },
            portRange: portRange)
        config.clientRateLimit = s.read("client_rate_limit", default: 100) {
            scalars.integer($0, $1, in: 0...1_000_000)
        }
        config.fullSpeedTransfers = s.read("full_speed_transfers", default: 64) {
            scalars.integer($0, $1, in: 0...100_000)
        }
        return config
    }

    func hostPort(defaultPort: UInt16) -> (ConfigNode, String) -> HostPort? {
        { node, path in parseHostPort(node, path, defaultPort: defaultPort, scalars: scalars, diagnostics: diagnostics)
        }
    }
}

/// `host:port`, `host` (default port) or `:port` (all addresses).
func parseHostPort(
    _ node: ConfigNode, _ path: String, defaultPort: UInt16, scalars: ConfigScalars, diagnostics: ConfigDiagnostics
) -> HostPort? {
    guard let text = scalars.scalar(node, path, expected: "an address such as 0.0.0.0:69") else { return nil }
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    let host = parts[0].isEmpty ? "0.0.0.0" : String(parts[0])
    var port = defaultPort
    if parts.count == 2, let p = UInt16(parts[1]) {
        port = p
    } else if parts.count != 1 {
        diagnostics.error("`\(text)` is not host:port (e.g. 0.0.0.0:\(defaultPort))", at: node.mark, path: path)
        return nil
    }
    guard host == "localhost" || IPv4Address(host) != nil else {
        diagnostics.error("`\(host)` is not an IPv4 address to listen on", at: node.mark, path: path)
        return nil
    }
    return HostPort(host: host == "localhost" ? "127.0.0.1" : host, port: port)
}
