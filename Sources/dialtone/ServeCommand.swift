import ArgumentParser
import DHCPShell
import DialtoneConfig
import DialtoneLogging
import LeaseStore
import Logging
import NIOPosix
import ServiceLifecycle
import ServiceSupport
import TFTPCore
import Timeline

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run every service enabled in the config until SIGINT or SIGTERM; SIGHUP reloads the config.",
        discussion: """
            A section present in the config is enabled unless it says `enabled: false`. Ports 67 (DHCP) and \
            69 (TFTP) need root or CAP_NET_BIND_SERVICE; DHCP answers only on `dhcp.interfaces`.

            Started as root, `serve` locks its state, gives `state_dir` to `user` (default: `dialtone` when \
            that user exists, else `nobody`), switches to it and keeps only the capabilities it uses \
            (docs/security.md). `user: root` keeps root. Started as another user, it runs as it is and keeps \
            only the needed capabilities among those it was given (systemd's AmbientCapabilities=).

            On SIGINT/SIGTERM every service stops cleanly: pending lease writes are flushed first. \
            Leases and device history live in `state_dir` (SQLite), so a restart keeps every lease.

            On SIGHUP (`systemctl reload dialtone`) the config is validated again: an invalid file keeps the \
            running config and logs each problem with file and line (config.reload.rejected); a valid one \
            applies DHCP subnets, options, reservations, classes and limits, the TFTP root and transfer \
            settings and the phones' provisioning at once, keeping leases and running transfers. Interfaces, \
            ports, listen addresses, state_dir, store, syslog, sntp and web keep their running values until a \
            restart, each logged as config.reload.restart_needed.

            One server per state directory: `serve` locks `state_dir/dialtone.lock`, and a second `serve` on \
            the same state exits 2 naming the PID that holds it. Service ports are never shared: a port \
            already in use exits 2 naming the port and, where the system tells, the process holding it.

            Example:
              dialtone check --config /etc/dialtone/dialtone.yaml && \
                sudo dialtone serve --config /etc/dialtone/dialtone.yaml --log-format json
            """
    )

    @OptionGroup var configOption: ConfigOption
    @OptionGroup var logging: LoggingOptions

    /// Services whose issue is still open: a config that enables them is refused rather than half-run.
    static let unimplemented: [(String, Int)] = []

    /// The config, the state lock and what the privilege switch did: everything done before any thread.
    struct Prepared {
        let config: DialtoneConfiguration
        let lock: StateDirectoryLock
        let privileges: PrivilegeDrop.Outcome
    }

    func run() async throws { try await serve(try prepare()) }

    /// Everything up to the privilege switch, synchronously: `Dialtone.main` calls it before its first
    /// `await`, while the process still has one thread (PrivilegeDrop says why that matters).
    func prepare() throws -> Prepared {
        let config = try configOption.load()
        let missing = Self.unimplemented.filter { config.enabledServices.contains($0.0) }
        if !missing.isEmpty {
            for (name, issue) in missing {
                printError(
                    "\(config.sourceFile): service `\(name)` is enabled but not implemented yet (issue #\(issue)); remove the section or set `enabled: false`."
                )
            }
            throw ExitCode(2)
        }
        guard
            config.dhcp != nil || config.tftp != nil || config.syslog != nil || config.sntp != nil || config.web != nil
        else {
            printError(
                "\(config.sourceFile): no service is enabled; add a `dhcp:`, `tftp:`, `syslog:` or `sntp:` section (see examples/dialtone.yaml)."
            )
            throw ExitCode(2)
        }
        if let dhcp = config.dhcp {
            do {
                _ = try DHCPService.resolveInterfaces(dhcp)
            } catch {
                printError("\(config.sourceFile): dhcp.interfaces: \(error)")
                throw ExitCode(2)
            }
        }
        // Before any socket: a second server on the same state must not answer a single packet (issue 19).
        let lock: StateDirectoryLock
        do {
            lock = try StateDirectoryLock(directory: config.stateDirectory)
        } catch {
            printError("dialtone: \(error)")
            throw ExitCode(2)
        }
        do {
            return Prepared(config: config, lock: lock, privileges: try PrivilegeDrop.apply(config))
        } catch {
            printError("dialtone: \(error)")
            throw ExitCode(2)
        }
    }

    func serve(_ prepared: Prepared) async throws {
        let config = prepared.config
        defer { withExtendedLifetime(prepared.lock) {} }
        logging.bootstrap()
        let logger = Logger(label: "dialtone")
        prepared.privileges.log(to: logger)
        let assembled = try ServiceAssembly.services(for: config, logger: logger)
        var services = assembled.services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
        // SIGHUP re-reads the config; this service ends with the others and stops nothing by ending.
        let reload = LiveReload(path: configOption.config, initial: config, services: assembled, logger: logger)
        services.append(.init(service: reload, successTerminationBehavior: .ignore))
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        logger.log(
            .info, .dialtoneStarted,
            [.server(.config): "\(config.sourceFile)", .server(.stateDirectory): config.stateDirectory])
        do {
            try await group.run()
        } catch let error as PortInUse {
            // Nothing was served: like a bad config, exit 2 (dnsmasq stops the same way on EADDRINUSE).
            logger.log(.error, .dialtoneFailed, [.reason: "\(error)"])
            printError("dialtone: \(error)")
            throw ExitCode(2)
        } catch {
            logger.log(.error, .dialtoneFailed, [.reason: "\(error)"])
            throw ExitCode(1)
        }
        logger.log(.info, .dialtoneStopped)
    }
}
