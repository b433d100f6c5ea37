import ArgumentParser
import DHCPShell
import DialtoneConfig
import DialtoneHTTP
import HTTPFileShell
import LeaseStore
import Logging
import NIOPosix
import PostgresStore
import Prometheus
import ProvisioningShell
import SNTPShell
import ServiceLifecycle
import ServiceSupport
import SyslogShell
import TFTPCore
import TFTPShell

/// The services a config enables, and the handles a reload reaches them by (LiveReload).
struct AssembledServices {
    var services: [any Service]
    var dhcp: DHCPService?
    var tftp: TFTPService?
    var provisioning: ProvisioningProvider?
}

/// Builds the services a validated config enables, sharing one store and one device directory. Used by
/// `serve` and by `demo`.
enum ServiceAssembly {
    /// The Prometheus registry behind `/metrics`; bootstrapped once, on first use.
    static let registry: PrometheusCollectorRegistry = DialtoneMetrics.bootstrap()

    /// `sharesDHCPPortInProcess`: only the demo, whose phones run in this process (DHCPService).
    /// The store writer comes first: ServiceGroup stops services in reverse order, so it stops last and
    /// writes everything the others submitted while they stopped.
    static func services(
        for config: DialtoneConfiguration, sharesDHCPPortInProcess: Bool = false, logger: Logger
    ) throws -> AssembledServices {
        let registry = Self.registry
        guard let store = try StoreOpener.open(config, create: true, logger: logger) else {
            return AssembledServices(services: [])
        }
        let health = StoreHealth(location: store.location, logger: logger)
        let writer = StoreWriter(store: store, health: health, logger: logger)
        let directory = DeviceDirectory(leases: try store.loadLeases())
        let recorder = DeviceEventRecorder(writer: writer, directory: directory)
        // A shared store: other servers' leases reach the device directory (and, below, the DHCP cache and
        // the upgrade ladders) within a second.
        let follower = StoreFollower(store: store, health: health)
        follower.subscribe { changes in for lease in changes.leases { directory.record(lease) } }
        // The store's own lifetime first: stopped last, after the writer has flushed into it.
        var assembled = AssembledServices(services: [StoreLifetime(store: store), writer, follower])
        if store.isShared {
            logger.log(
                .info, .storeReady,
                [.server(.storeLocation): store.location, .server(.serverName): StoreOpener.serverName(config)])
        }
        // DHCP counts its replies here; the web service charts the rate (the dashboard's site view).
        let activity = SiteActivity()
        if let dhcp = config.dhcp {
            let service = DHCPService(
                config: dhcp, servesTFTP: config.tftp != nil, writer: writer, directory: directory,
                sharesPortInProcess: sharesDHCPPortInProcess, follower: follower, activity: activity,
                // HTTP is served only with TFTP (the root it serves): UEFI HTTP Boot URLs need both.
                httpListen: config.tftp == nil ? nil : config.http?.listen.first, logger: logger)
            assembled.dhcp = service
            assembled.services.append(service)
        }
        if let sntp = config.sntp { assembled.services.append(SNTPService(config: sntp, logger: logger)) }
        if let syslog = config.syslog {
            assembled.services.append(
                SyslogService(config: syslog, directory: directory, writer: writer, logger: logger))
        }
        var transfers: [any TransferListing] = []
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
                    config: phones, disk: disk, writer: writer, directory: directory,
                    serverAddress: serverAddress(config), recorder: recorder,
                    logger: logger)
                follower.subscribe { changes in provisioning.follow(changes.phoneStates) }
                extra.append(provisioning)
                assembled.provisioning = provisioning
                observer = { client, file, completed in
                    provisioning.transferFinished(client: client, file: file, completed: completed)
                }
            }
            let registry = TFTPTransfers(observer: observer, recorder: recorder)
            transfers.append(registry)
            let service = TFTPService(
                config: tftp, disk: disk, transfers: registry, extraProviders: extra, logger: logger)
            assembled.tftp = service
            assembled.services.append(service)
            if let http = config.http {
                // The same providers as TFTP, as in force now: one jail, one cache, one set of virtual files.
                let fetches = HTTPFetches(observer: observer, recorder: recorder)
                transfers.append(fetches)
                assembled.services.append(
                    HTTPFileService(
                        config: http,
                        providers: {
                            let current = service.settings.value
                            return [current.disk] + current.extraProviders
                        }, fetches: fetches, logger: logger))
            }
        }
        if let web = config.web {
            // The pool view follows a reload: it reads the DHCP section in force.
            let dhcp = assembled.dhcp
            assembled.services.append(
                WebService(
                    config: web, store: store, health: health,
                    transfers: transfers.isEmpty ? nil : MergedTransferListing(transfers), registry: registry,
                    liveLog: liveLog, dhcp: { dhcp?.settings.value },
                    forget: { mac in await dhcp?.control.forget(mac) }, phones: { [phones = config.phones] in phones },
                    activity: activity, logger: logger))
        }
        return assembled
    }

    /// The address phones are told to use in generated configs: the TFTP listen address when specific, else
    /// this server's address on the first DHCP interface.
    static func serverAddress(_ config: DialtoneConfiguration) -> String {
        if let host = config.tftp?.listen.first?.host, host != "0.0.0.0" { return host }
        if let dhcp = config.dhcp, let first = try? DHCPService.resolveInterfaces(dhcp).first {
            return first.address.description
        }
        return "127.0.0.1"
    }
}

/// Closes the store when the server stops: ServiceGroup stops services in reverse order, and this one comes
/// first, so the store writer has flushed into it by then. For PostgreSQL it ends the connection pool.
struct StoreLifetime: Service {
    let store: any Store

    func run() async throws {
        try? await gracefulShutdown()
        (store as? PostgresStore)?.close()
    }
}
