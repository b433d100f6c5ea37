import CPrivilege
import DialtoneConfig
import DialtoneLogging
import Foundation
import Logging
import PrivilegePlan
import ServiceSupport
import Timeline

#if canImport(Glibc)
    import Glibc
#endif

/// Stops being root before any service starts (issue 14, docs/security.md): hands the state files to the
/// user, switches to it and keeps only the capabilities `PrivilegePlan` names. It runs while the process
/// has one thread: capset(2) and prctl(2) change the calling thread only, and glibc broadcasts setuid to
/// every thread but not the capability sets, so a switch made after NIO's threads exist leaves them as
/// they were. Threads created afterwards inherit the calling thread's credentials (clone(2)).
enum PrivilegeDrop {
    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    /// What was done, logged once logging is set up.
    enum Outcome {
        case dropped(user: String, uid: UInt32, gid: UInt32, plan: PrivilegePlan)
        case keptRoot
        case unchanged(uid: UInt32, kept: CapabilitySet, missing: CapabilitySet)

        func log(to logger: Logger) {
            switch self {
            case .dropped(let user, let uid, let gid, let plan):
                logger.log(
                    .info, .dialtonePrivilegesDropped,
                    [
                        .server(.privilegesUser): user, .server(.privilegesUID): "\(uid)",
                        .server(.privilegesGID): "\(gid)", .server(.privilegesCapabilities): "\(plan.capabilities)",
                    ])
            case .keptRoot:
                logger.log(
                    .warning, .dialtonePrivilegesUnchanged,
                    [.reason: "user: root in the config; every service runs as root"])
            case .unchanged(let uid, let kept, let missing):
                let lacking = missing.isEmpty ? "" : "; not given \(missing), docs/security.md says what works without"
                logger.log(
                    .debug, .dialtonePrivilegesUnchanged,
                    [
                        .reason: "not started as root: running as uid \(uid)\(lacking)",
                        .server(.privilegesCapabilities): "\(kept)",
                    ])
            }
        }
    }

    static func apply(_ config: DialtoneConfiguration) throws -> Outcome {
        let plan = PrivilegePlan(config: config)
        let identity = PrivilegePlan.identity(
            effectiveUID: geteuid(), configuredUser: config.user, userExists: { getpwnam($0) != nil })
        switch identity {
        case .stayRoot: return .keptRoot
        case .unchanged: return try narrow(to: plan)
        case .switchTo(let name): return try switchUser(to: name, plan: plan, config: config)
        }
    }

    private static func switchUser(to name: String, plan: PrivilegePlan, config: DialtoneConfiguration) throws
        -> Outcome
    {
        try requireOneThread()
        guard let entry = getpwnam(name) else {
            throw Failed(
                description: "\(config.sourceFile): user: `\(name)` does not exist; create it (useradd --system "
                    + "--no-create-home \(name)) or name another user (docs/security.md)")
        }
        let (uid, gid) = (entry.pointee.pw_uid, entry.pointee.pw_gid)
        try StateHandOver(config: config, uid: uid, gid: gid).run()
        PortHolder.recordBeforeSwitch(servicePorts(config))
        if config.dhcp != nil {
            _ = dialtone_allow_nice(10)
            _ = dialtone_allow_realtime(1)
        }
        let keep = plan.capabilities.mask
        let last = dialtone_cap_last()
        try call(dialtone_bounding_keep_only(keep, last), "PR_CAPBSET_DROP")
        try call(dialtone_set_keepcaps(1), "PR_SET_KEEPCAPS")
        try call(dialtone_switch_user(name, uid, gid), "switching to user \(name) (uid \(uid), gid \(gid))")
        try call(dialtone_capset(keep, keep, keep), "capset")
        try call(dialtone_ambient_set(keep, last), "PR_CAP_AMBIENT_RAISE")
        try call(dialtone_set_keepcaps(0), "PR_SET_KEEPCAPS")
        try call(dialtone_no_new_privs(), "PR_SET_NO_NEW_PRIVS")
        try verify(uid: uid, gid: gid, capabilities: plan.capabilities, boundingChecked: true)
        guard access(config.stateDirectory, R_OK | W_OK | X_OK) == 0 else {
            throw Failed(
                description: "state_dir \(config.stateDirectory) is not usable by user \(name): "
                    + "\(String(cString: strerror(errno))) (is every parent directory searchable by it?)")
        }
        return .dropped(user: name, uid: uid, gid: gid, plan: plan)
    }

    /// Not root: keep the needed capabilities among those we were given (systemd's AmbientCapabilities=, or
    /// file capabilities), drop the others. The bounding set needs CAP_SETPCAP, which we rarely have.
    private static func narrow(to plan: PrivilegePlan) throws -> Outcome {
        var (effective, permitted, inheritable): (UInt64, UInt64, UInt64) = (0, 0, 0)
        try call(dialtone_capget(&effective, &permitted, &inheritable), "capget")
        let had = CapabilitySet(mask: permitted)
        let kept = had.intersection(plan.capabilities)
        let outcome = Outcome.unchanged(uid: getuid(), kept: kept, missing: plan.capabilities.subtracting(had))
        let ambient = try ownStatus().ambient
        if had == kept, CapabilitySet(mask: effective) == kept, CapabilitySet(mask: inheritable) == kept,
            ambient == kept
        {
            return outcome
        }
        try requireOneThread()
        let setpcap = CapabilitySet(mask: effective).mask & (1 << 8) != 0
        if setpcap { try call(dialtone_bounding_keep_only(kept.mask, dialtone_cap_last()), "PR_CAPBSET_DROP") }
        try call(dialtone_capset(kept.mask, kept.mask, kept.mask), "capset")
        try call(dialtone_ambient_set(kept.mask, dialtone_cap_last()), "PR_CAP_AMBIENT_RAISE")
        try verify(uid: nil, gid: nil, capabilities: kept, boundingChecked: setpcap)
        return outcome
    }

    /// The ports the services bind, for PortHolder's look-up while /proc still shows every process.
    private static func servicePorts(_ config: DialtoneConfiguration) -> [(Int, PortHolder.Transport)] {
        var udp: [UInt16] = config.dhcp.map { [$0.port] } ?? []
        udp += (config.tftp?.listen ?? []).map(\.port) + (config.syslog?.listen ?? []).map(\.port)
        udp += (config.sntp?.listen ?? []).map(\.port)
        let tcp = config.web.map { [($0.listen.port, PortHolder.Transport.tcp)] } ?? []
        return Set(udp).map { (Int($0), .udp) } + tcp.map { (Int($0.0), $0.1) }
    }

    /// Every thread's status must match the plan; a switch that half worked does not serve.
    private static func verify(uid: UInt32?, gid: UInt32?, capabilities: CapabilitySet, boundingChecked: Bool)
        throws
    {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        for task in tasks {
            guard let text = try? String(contentsOfFile: "/proc/self/task/\(task)/status", encoding: .utf8),
                let status = ProcessStatus(text: text)
            else { throw Failed(description: "cannot read /proc/self/task/\(task)/status after switching user") }
            let differences = status.differences(
                uid: uid, gid: gid, capabilities: capabilities, boundingChecked: boundingChecked)
            if !differences.isEmpty {
                throw Failed(description: "thread \(task) after switching user: " + differences.joined(separator: "; "))
            }
        }
    }

    private static func ownStatus() throws -> ProcessStatus {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let status = ProcessStatus(text: text)
        else { throw Failed(description: "cannot read /proc/self/status") }
        return status
    }

    /// A second thread here would keep root's capabilities (or lose all of them): refuse rather than run so.
    private static func requireOneThread() throws {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        guard tasks.count == 1 else {
            throw Failed(
                description: "cannot drop privileges: \(tasks.count) threads already run, and capset(2) changes one")
        }
    }

    private static func call(_ result: Int32, _ what: String) throws {
        guard result == 0 else { throw Failed(description: "\(what): \(String(cString: strerror(result)))") }
    }
}
