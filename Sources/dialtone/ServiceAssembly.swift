import ArgumentParser
import DHCPShell
import DialtoneConfig
import DialtoneHTTP
import LeaseStore
import Logging
import NIOPosix
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
        let store = try SQLiteLeaseStore(path: config.stateDirectory + "/dialtone.sqlite")
        let writer = StoreWriter(store: store, logger: logger)
        let directory = DeviceDirectory(leases: try store.loadLeases())
        let recorder = DeviceEventRecorder(writer: writer, directory: directory)
        var assembled = AssembledServices(services: [writer])
        if let dhcp = config.dhcp {
            let service = DHCPService(
                config: dhcp, servesTFTP: config.tftp != nil, writer: writer, directory: directory,
                sharesPortInProcess: sharesDHCPPortInProcess, logger: logger)
            assembled.dhcp = service
            assembled.services.append(service)
        }
        if let sntp = config.sntp { assembled.services.append(SNTPService(config: sntp, logger: logger)) }
        if let syslog = config.syslog {
            assembled.services.append(
                SyslogService(config: syslog, directory: directory, writer: writer, logger: logger))
        }
        var transfers: TFTPTransfers?
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
                extra.append(provisioning)
                assembled.provisioning = provisioning
                observer = { client, file, completed in
                    provisioning.transferFinished(client: client, file: file, completed: completed)
                }
            }
            let registry = TFTPTransfers(observer: observer, recorder: recorder)
            transfers = registry
            let service = TFTPService(
                config: tftp, disk: disk, transfers: registry, extraProviders: extra, logger: logger)
            assembled.tftp = service
            assembled.services.append(service)
        }
        if let web = config.web {
            // The pool view follows a reload: it reads the DHCP section in force.
            let dhcp = assembled.dhcp
            assembled.services.append(
                WebService(
                    config: web, store: store, transfers: transfers, registry: registry, liveLog: liveLog,
                    dhcp: { dhcp?.settings.value }, logger: logger))
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
