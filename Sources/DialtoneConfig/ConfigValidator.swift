/// Turns a parsed YAML tree into a `DialtoneConfiguration`, checking the whole file at once (Kea's staging
/// then commit: nothing starts from a config with any error in it).
public enum ConfigValidator {
    static let topLevelKeys = ["state_dir", "user", "store", "dhcp", "tftp", "syslog", "sntp", "web", "phones", "http"]

    public static func validate(_ root: ConfigNode, file: String) throws(ConfigErrors) -> DialtoneConfiguration {
        let diagnostics = ConfigDiagnostics(file: file)
        let scalars = ConfigScalars(diagnostics: diagnostics)
        guard let top = ConfigSection(root, path: "", allowed: topLevelKeys, diagnostics: diagnostics) else {
            throw ConfigErrors(diagnostics.errors)
        }
        let stateDirectory = top.read("state_dir", default: "./dialtone-state", scalars.string)
        let store = readStore(top, scalars, diagnostics)
        let user = top.read("user", scalars.string)
        if user?.isEmpty == true {
            top.error("expected a user name; leave `user` out for the default (docs/cli.md, Privileges)", key: "user")
        }

        func section(_ key: String, allowed: [String]) -> ConfigSection? {
            guard let node = top.node(key),
                let section = ConfigSection(node, path: key, allowed: allowed + ["enabled"], diagnostics: diagnostics)
            else { return nil }
            return section.read("enabled", default: true, scalars.bool) ? section : nil
        }

        let dhcpSection = section("dhcp", allowed: DHCPSectionReader.keys)
        var dhcp = dhcpSection.flatMap {
            DHCPSectionReader(scalars: scalars, diagnostics: diagnostics, sharedStore: store.kind == .postgres).read($0)
        }
        let tftp = section("tftp", allowed: TFTPSectionReader.keys).flatMap {
            TFTPSectionReader(scalars: scalars, diagnostics: diagnostics).read($0)
        }
        let others = OtherSectionsReader(scalars: scalars, diagnostics: diagnostics)
        let syslog = section("syslog", allowed: OtherSectionsReader.syslogKeys).map {
            others.syslog($0, stateDirectory: stateDirectory)
        }
        let sntp = section("sntp", allowed: OtherSectionsReader.sntpKeys).map(others.sntp)
        let web = section("web", allowed: OtherSectionsReader.webKeys).flatMap(others.web)
        let phones = section("phones", allowed: OtherSectionsReader.phonesKeys).map(others.phones)
        let http = section("http", allowed: OtherSectionsReader.httpKeys).map {
            others.http($0, servesTFTP: tftp != nil, web: web)
        }

        if http == nil, let section = dhcpSection, let read = dhcp {
            dhcp?.advisories += HTTPBootAdvisory.advisories(read, section: section, file: file)
        }
        guard diagnostics.errors.isEmpty else { throw ConfigErrors(diagnostics.errors) }
        return DialtoneConfiguration(
            sourceFile: file, stateDirectory: stateDirectory, user: user, store: store, dhcp: dhcp, tftp: tftp,
            syslog: syslog,
            sntp: sntp, web: web, phones: phones, http: http)
    }

    private static func readStore(_ top: ConfigSection, _ scalars: ConfigScalars, _ diagnostics: ConfigDiagnostics)
        -> StoreConfiguration
    {
        guard let node = top.node("store"),
            let section = ConfigSection(
                node, path: "store",
                allowed: ["kind", "url", "password_file", "pool_size", "connect_timeout", "server_name"],
                diagnostics: diagnostics)
        else { return StoreConfiguration(kind: .sqlite, url: nil) }
        let kind = section.read("kind", default: .sqlite) {
            scalars.choice($0, $1, [("sqlite", StoreConfiguration.Kind.sqlite), ("postgres", .postgres)])
        }
        let url = section.read("url", scalars.string)
        if kind == .postgres, url == nil {
            _ = section.require("url", "a postgres:// URL when kind is postgres")
        }
        if kind == .sqlite {
            for key in ["url", "password_file", "pool_size", "connect_timeout", "server_name"] where section.has(key) {
                section.error("`\(key)` applies to kind: postgres only; this store is sqlite", key: key)
            }
        }
        if let url, kind == .postgres, !(url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")) {
            section.error("url must start with postgres:// (e.g. postgres://dialtone@127.0.0.1/dialtone)", key: "url")
        }
        var store = StoreConfiguration(kind: kind, url: url)
        store.passwordFile = section.read("password_file", scalars.string)
        store.poolSize = section.read("pool_size", default: 4) { scalars.integer($0, $1, in: 1...100) }
        store.connectTimeout = section.read("connect_timeout", default: .seconds(5), scalars.duration)
        store.serverName = section.read("server_name", scalars.string)
        return store
    }
}
