import WireSupport

/// Reads the small sections: syslog, sntp, web and phones.
struct OtherSectionsReader {
    static let syslogKeys = ["listen", "file", "max_file_size"]
    static let sntpKeys = ["listen", "stratum", "reference_id", "trust_host_clock"]
    static let webKeys = ["listen", "token"]
    static let httpKeys = ["listen"]
    static let phonesKeys = ["default_loads", "upgrade_paths", "devices", "config_templates"]

    let scalars: ConfigScalars
    let diagnostics: ConfigDiagnostics

    private func hostPorts(_ port: UInt16) -> (ConfigNode, String) -> [HostPort]? {
        { node, path in
            scalars.list(node, path) {
                parseHostPort($0, $1, defaultPort: port, scalars: scalars, diagnostics: diagnostics)
            }
        }
    }

    func syslog(_ s: ConfigSection, stateDirectory: String) -> SyslogConfiguration {
        SyslogConfiguration(
            listen: s.read("listen", default: [HostPort(host: "0.0.0.0", port: 514)], hostPorts(514)),
            file: s.read("file", default: stateDirectory + "/syslog.log", scalars.string),
            maxFileSize: s.read("max_file_size", default: 10 << 20) { scalars.integer($0, $1, in: 4096...(1 << 40)) })
    }

    func sntp(_ s: ConfigSection) -> SNTPConfiguration {
        let reference = s.read("reference_id", default: "LOCL", scalars.string)
        if reference.utf8.count > 4 {
            s.error("reference_id is at most 4 ASCII characters (RFC 4330 §4)", key: "reference_id")
        }
        return SNTPConfiguration(
            listen: s.read("listen", default: [HostPort(host: "0.0.0.0", port: 123)], hostPorts(123)),
            stratum: s.read("stratum", default: 10) { scalars.integer($0, $1, in: 1...15) }, referenceID: reference,
            trustHostClock: s.read("trust_host_clock", default: false, scalars.bool))
    }

    func web(_ s: ConfigSection) -> WebConfiguration? {
        let listen = s.read("listen", default: HostPort(host: "127.0.0.1", port: 8067)) {
            parseHostPort($0, $1, defaultPort: 8067, scalars: scalars, diagnostics: diagnostics)
        }
        let token = s.read("token", default: "", scalars.string)
        if !listen.host.hasPrefix("127."), token.isEmpty {
            s.error(
                "web listens on \(listen) beyond loopback: set `token` so the API is not open to the network",
                key: "token")
        }
        return WebConfiguration(listen: listen, token: token)
    }

    /// `http:` serves the TFTP root, so it needs `tftp`; its ports must not be the web server's (one
    /// listener per port, no SO_REUSEADDR: docs/cli.md).
    func http(_ s: ConfigSection, servesTFTP: Bool, web: WebConfiguration?) -> HTTPConfiguration {
        // Cisco phones try HTTP on 6970 before TFTP (research cisco-provisioning.md); 8080 for everyone else.
        let defaults = [HostPort(host: "0.0.0.0", port: 6970), HostPort(host: "0.0.0.0", port: 8080)]
        let listen = s.read("listen", default: defaults, hostPorts(80))
        if !servesTFTP {
            s.error("http serves the TFTP root: add a `tftp` section with `root`", key: "listen")
        }
        if listen.isEmpty { s.error("expected at least one address such as 0.0.0.0:6970", key: "listen") }
        var seen = Set<UInt16>()
        for address in listen where !seen.insert(address.port).inserted {
            s.error("port \(address.port) is listed twice", key: "listen")
        }
        if let web, listen.contains(where: { $0.port == web.listen.port }) {
            s.error("port \(web.listen.port) is the web server's (`web.listen`): pick another", key: "listen")
        }
        return HTTPConfiguration(listen: listen)
    }

    func phones(_ s: ConfigSection) -> PhonesConfiguration {
        let defaultLoads: [String: String] = s.read("default_loads", default: [:]) { node, path in
            stringMap(node, path) { scalars.string($0, $1) }
        }
        let paths: [String: [String]] = s.read("upgrade_paths", default: [:]) { node, path in
            stringMap(node, path) { scalars.list($0, $1, scalars.string) }
        }
        let devices: [PhonesConfiguration.Device] = s.read("devices", default: []) { node, path in
            scalars.list(node, path) { item, itemPath in
                guard
                    let d = ConfigSection(
                        item, path: itemPath, allowed: ["mac", "model", "target_load"], diagnostics: diagnostics),
                    let macNode = d.require("mac"), let mac = scalars.mac(macNode, d.childPath("mac"))
                else { return nil }
                return PhonesConfiguration.Device(
                    mac: mac, model: d.read("model", scalars.string), targetLoad: d.read("target_load", scalars.string))
            }
        }
        return PhonesConfiguration(
            defaultLoads: defaultLoads, upgradePaths: paths, devices: devices,
            configTemplates: s.read("config_templates", scalars.string))
    }

    /// A mapping with free-form keys (model names) to typed values.
    private func stringMap<T>(_ node: ConfigNode, _ path: String, _ value: (ConfigNode, String) -> T?) -> [String: T]? {
        guard case .mapping(let entries) = node.value else {
            if node.value == .null { return [:] }
            diagnostics.error("expected a mapping of model to value, found \(node.kindName)", at: node.mark, path: path)
            return nil
        }
        var out: [String: T] = [:]
        for entry in entries {
            if let v = value(entry.value, "\(path).\(entry.key)") { out[entry.key] = v }
        }
        return out
    }
}
