import ConfigLoader
import DialtoneConfig
import DialtoneLogging
import Logging
import ServiceLifecycle
import TFTPShell
import Timeline
import UnixSignals

/// `serve`'s SIGHUP (and so `systemctl reload`): the config file is read and validated again. An invalid
/// file changes nothing and is logged with every problem's file, line and key; a valid one goes through
/// ReloadPlan, whose `effective` config is handed to the running services: the DHCP core and the TFTP
/// request handler take it for the next packet, so leases, running transfers and the live log stay. Keys
/// only a restart applies keep their running values and are logged one by one.
struct LiveReload: Service {
    let path: String
    let initial: DialtoneConfiguration
    let services: AssembledServices
    let logger: Logger

    func run() async throws {
        var running = initial
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        for await _ in hangups.cancelOnGracefulShutdown() {
            running = reload(running)
        }
    }

    /// One reload; returns the configuration in force afterwards.
    func reload(_ running: DialtoneConfiguration) -> DialtoneConfiguration {
        let loaded: DialtoneConfiguration
        do {
            loaded = try ConfigLoader.load(path: path)
        } catch {
            for problem in error.errors {
                logger.log(.error, .configReloadRejected, [.server(.config): path, .server(.error): "\(problem)"])
            }
            return running
        }
        let plan = ReloadPlan(running: running, loaded: loaded)
        do {
            try apply(plan.effective)
        } catch {
            logger.log(.error, .configReloadRejected, [.server(.config): path, .server(.error): "\(error)"])
            return running
        }
        for key in plan.needsRestart {
            logger.log(
                .warning, .configReloadRestartNeeded,
                [
                    .server(.config): path, .server(.reloadRestartNeeded): key,
                    .reason: "the running value is kept until dialtone restarts",
                ])
        }
        logger.log(
            .notice, .configReloaded,
            [
                .server(.config): path,
                .server(.reloadApplied): plan.applied.isEmpty ? "none" : plan.applied.joined(separator: ","),
                .server(.reloadRestartNeeded): plan.needsRestart.isEmpty
                    ? "none" : plan.needsRestart.joined(separator: ","),
            ])
        return plan.effective
    }

    /// Hands the new sections to the running services. What can fail (the new TFTP root, the phone
    /// templates) is made first, so a failure leaves every service as it was.
    private func apply(_ config: DialtoneConfiguration) throws(ReloadRefused) {
        if let tftp = services.tftp, let section = config.tftp {
            let current = tftp.settings.value
            var disk = current.disk
            if section.root != current.config.root || section.caseInsensitive != current.config.caseInsensitive {
                do {
                    disk = try DiskFileProvider(root: section.root, caseInsensitive: section.caseInsensitive)
                } catch {
                    throw ReloadRefused("\(config.sourceFile): tftp.root: \(error)")
                }
            }
            if let provisioning = services.provisioning, let phones = config.phones {
                do {
                    try provisioning.reconfigure(config: phones, disk: disk)
                } catch {
                    throw ReloadRefused("\(config.sourceFile): phones.config_templates: \(error)")
                }
            }
            tftp.reconfigure(.init(config: section, disk: disk, extraProviders: current.extraProviders))
        }
        if let dhcp = services.dhcp, let section = config.dhcp { dhcp.reconfigure(section) }
    }
}

/// Why a valid file could not be put in force (a machine problem, not a syntax one).
struct ReloadRefused: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
