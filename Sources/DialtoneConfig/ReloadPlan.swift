/// What a reload (SIGHUP) of a valid config changes in a running `serve`, and what waits for a restart.
///
/// Live: what a service reads per packet or per request (DHCP subnets, pools, options, reservations,
/// classes, limits; TFTP root and transfer settings; the phones' provisioning). Those are values the DHCP
/// core and the TFTP request handler look up each time, so swapping them keeps the lease table, the
/// running transfers and the live log as they are.
///
/// Restart: what was bound, opened, locked or switched to at start (interfaces, ports, listen addresses,
/// `state_dir` and the store, `user`, the syslog file, the web server), what starts or stops a task (a
/// section added or removed, `watch_other_servers`, `conflict_check`, `allocator`), and the SNTP answer (kept with its
/// socket: one place to reason about what SNTP says). For these the running value is kept and the key is named, so
/// the log says exactly which change is not in force yet.
public struct ReloadPlan: Hashable, Sendable {
    /// Keys whose new value is in force once the plan is applied, e.g. `dhcp.subnets`, `tftp.root`.
    public var applied: [String] = []
    /// Keys whose new value needs a restart; `effective` keeps the running value for each.
    public var needsRestart: [String] = []
    /// The configuration to run from now on.
    public var effective: DialtoneConfiguration

    /// Nothing differs between the running config and the file.
    public var isEmpty: Bool { applied.isEmpty && needsRestart.isEmpty }

    public init(running: DialtoneConfiguration, loaded: DialtoneConfiguration) {
        effective = loaded
        effective.sourceFile = running.sourceFile
        restartOnly(\.stateDirectory, "state_dir", running, loaded)
        restartOnly(\.store, "store", running, loaded)
        // Who `serve` runs as: switched to once, at start, and root is gone after that.
        restartOnly(\.user, "user", running, loaded)
        restartOnlySection(\.syslog, "syslog", running.syslog, loaded.syslog)
        restartOnlySection(\.sntp, "sntp", running.sntp, loaded.sntp)
        restartOnlySection(\.web, "web", running.web, loaded.web)
        // Its sockets are bound at start; what it serves follows `tftp.root` and `phones` live.
        restartOnlySection(\.http, "http", running.http, loaded.http)
        planDHCP(running.dhcp, loaded.dhcp)
        planTFTP(running.tftp, loaded.tftp)
        if (running.phones == nil) != (loaded.phones == nil) {
            restartOnlySection(\.phones, "phones", running.phones, loaded.phones)
        } else if running.phones != loaded.phones {
            applied.append("phones")
        }
    }

    private mutating func planDHCP(_ running: DHCPConfiguration?, _ loaded: DHCPConfiguration?) {
        guard let running, let loaded else {
            restartOnlySection(\.dhcp, "dhcp", running, loaded)
            return
        }
        var kept = loaded
        keep(\.interfaces, "dhcp.interfaces", running, &kept)
        keep(\.port, "dhcp.port", running, &kept)
        keep(\.clientPort, "dhcp.client_port", running, &kept)
        keep(\.watchOtherServers, "dhcp.watch_other_servers", running, &kept)
        keep(\.conflictCheck, "dhcp.conflict_check", running, &kept)
        // The core makes its random generator, or none, when it is built (DHCPServer.init).
        keep(\.allocator, "dhcp.allocator", running, &kept)
        keep(\.pxePort, "dhcp.pxe_port", running, &kept)
        // The PXE port is bound at start when a subnet is a proxy: the subnets apply now, and the port for the
        // boot file requests (or its closing) waits for a restart.
        if running.hasProxySubnet != loaded.hasProxySubnet {
            needsRestart.append("dhcp.subnets[].proxy (binds pxe_port \(running.pxePort) at start)")
        }
        live(\.subnets, "dhcp.subnets", running, loaded)
        live(\.classes, "dhcp.classes", running, loaded)
        live(\.authoritative, "dhcp.authoritative", running, loaded)
        live(\.clientRateLimit, "dhcp.client_rate_limit", running, loaded)
        live(\.relayRateLimit, "dhcp.relay_rate_limit", running, loaded)
        effective.dhcp = kept
    }

    private mutating func planTFTP(_ running: TFTPConfiguration?, _ loaded: TFTPConfiguration?) {
        guard let running, let loaded else {
            restartOnlySection(\.tftp, "tftp", running, loaded)
            return
        }
        var kept = loaded
        keep(\.listen, "tftp.listen", running, &kept)
        live(\.root, "tftp.root", running, loaded)
        live(\.allowWrite, "tftp.allow_write", running, loaded)
        live(\.allowOverwrite, "tftp.allow_overwrite", running, loaded)
        live(\.caseInsensitive, "tftp.case_insensitive", running, loaded)
        live(\.maxBlockSize, "tftp.max_block_size", running, loaded)
        live(\.maxWindowSize, "tftp.max_window_size", running, loaded)
        live(\.timeout, "tftp.timeout", running, loaded)
        live(\.retries, "tftp.retries", running, loaded)
        live(\.maxTransfers, "tftp.max_transfers", running, loaded)
        live(\.portRange, "tftp.port_range", running, loaded)
        live(\.clientRateLimit, "tftp.client_rate_limit", running, loaded)
        live(\.fullSpeedTransfers, "tftp.full_speed_transfers", running, loaded)
        effective.tftp = kept
    }

    /// A whole-config value that only a restart changes: the running one stays in `effective`.
    private mutating func restartOnly<Value: Equatable>(
        _ key: WritableKeyPath<DialtoneConfiguration, Value>, _ name: String, _ running: DialtoneConfiguration,
        _ loaded: DialtoneConfiguration
    ) {
        guard running[keyPath: key] != loaded[keyPath: key] else { return }
        needsRestart.append(name)
        effective[keyPath: key] = running[keyPath: key]
    }

    /// A section added or removed (the service is started or stopped only by a restart), or one whose
    /// every key is restart-only.
    private mutating func restartOnlySection<Section: Equatable>(
        _ key: WritableKeyPath<DialtoneConfiguration, Section?>, _ name: String, _ running: Section?,
        _ loaded: Section?
    ) {
        guard running != loaded else { return }
        let presence = running == nil ? " (section added)" : loaded == nil ? " (section removed)" : ""
        needsRestart.append(name + presence)
        effective[keyPath: key] = running
    }

    private mutating func keep<Section, Value: Equatable>(
        _ key: WritableKeyPath<Section, Value>, _ name: String, _ running: Section, _ kept: inout Section
    ) {
        guard running[keyPath: key] != kept[keyPath: key] else { return }
        needsRestart.append(name)
        kept[keyPath: key] = running[keyPath: key]
    }

    private mutating func live<Section, Value: Equatable>(
        _ key: KeyPath<Section, Value>, _ name: String, _ running: Section, _ loaded: Section
    ) {
        if running[keyPath: key] != loaded[keyPath: key] { applied.append(name) }
    }
}
