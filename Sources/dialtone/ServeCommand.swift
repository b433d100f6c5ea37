import ArgumentParser
import DialtoneConfig
import DialtoneServices
import LeaseStore
import Logging
import NIOPosix
import ServiceLifecycle
import TFTPCore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run every service enabled in the config until SIGINT or SIGTERM.",
        discussion: """
            A section present in the config is enabled unless it says `enabled: false`. Ports 67 (DHCP) and \
            69 (TFTP) need root or CAP_NET_BIND_SERVICE; DHCP answers only on `dhcp.interfaces`.

            On SIGINT/SIGTERM every service stops cleanly: pending lease writes are flushed first. \
            Leases and device history live in `state_dir` (SQLite), so a restart keeps every lease.
            """
    )

    @OptionGroup var configOption: ConfigOption
    @OptionGroup var logging: LoggingOptions

    /// Services whose issue is still open: a config that enables them is refused rather than half-run.
    static let unimplemented: [(String, Int)] = [("web", 7)]

    /// The address phones are told to use in generated configs: the TFTP listen address when specific, else
    /// this server's address on the first DHCP interface.
    static func serverAddress(_ config: DialtoneConfiguration) -> String {
        if let host = config.tftp?.listen.first?.host, host != "0.0.0.0" { return host }
        if let dhcp = config.dhcp, let first = try? DHCPService.resolveInterfaces(dhcp).first { return first.address.description }
        return "127.0.0.1"
    }

    func run() async throws {
        let config = try configOption.load()
        let missing = Self.unimplemented.filter { config.enabledServices.contains($0.0) }
        if !missing.isEmpty {
            for (name, issue) in missing {
                printError("\(config.sourceFile): service `\(name)` is enabled but not implemented yet (issue #\(issue)); remove the section or set `enabled: false`.")
            }
            throw ExitCode(2)
        }
        guard config.dhcp != nil || config.tftp != nil || config.syslog != nil || config.sntp != nil else {
            printError("\(config.sourceFile): no service is enabled; add a `dhcp:`, `tftp:`, `syslog:` or `sntp:` section (see examples/dialtone.yaml).")
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
        logging.bootstrap()
        let logger = Logger(label: "dialtone")
        let store = try SQLiteLeaseStore(path: config.stateDirectory + "/dialtone.sqlite")
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        let directory = DeviceDirectory(leases: try store.loadLeases())
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let dhcp = config.dhcp {
            services.append(.init(service: DHCPService(
                config: dhcp, servesTFTP: config.tftp != nil, store: store, threadPool: pool, directory: directory, logger: logger)))
        }
        if let sntp = config.sntp {
            services.append(.init(service: SNTPService(config: sntp, logger: logger)))
        }
        if let syslog = config.syslog {
            services.append(.init(service: SyslogService(config: syslog, directory: directory, store: store, logger: logger)))
        }
        if let tftp = config.tftp {
            let disk: DiskFileProvider
            do {
                disk = try DiskFileProvider(root: tftp.root, caseInsensitive: tftp.caseInsensitive)
            } catch {
                printError("\(config.sourceFile): tftp.root: \(error)")
                throw ExitCode(2)
            }
            var extra: [any TFTPFileProvider] = []
            var observer: (@Sendable (String, String, Bool) -> Void)?
            if let phones = config.phones {
                let provisioning = try ProvisioningProvider(
                    config: phones, disk: disk, store: store, directory: directory, serverAddress: Self.serverAddress(config), logger: logger)
                extra.append(provisioning)
                observer = { client, file, completed in provisioning.transferFinished(client: client, file: file, completed: completed) }
            }
            services.append(.init(service: TFTPService(
                config: tftp, disk: disk, transfers: TFTPTransfers(observer: observer), extraProviders: extra, logger: logger)))
        }
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        logger.info("dialtone.started", metadata: ["config": "\(config.sourceFile)", "state_dir": "\(config.stateDirectory)"])
        do {
            try await group.run()
        } catch {
            logger.error("dialtone.failed", metadata: ["reason": "\(error)"])
            try await pool.shutdownGracefully()
            throw ExitCode(1)
        }
        try await pool.shutdownGracefully()
        logger.info("dialtone.stopped")
    }
}
