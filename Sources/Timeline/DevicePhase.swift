/// Where a device is in its boot, from its timeline: the dashboard's "phase" column and the API's `phase`.
/// Moved here from the HTTP layer so it reads catalogue cases like every other reader of the timeline.
public enum DevicePhase {
    /// - Parameter allNewestFirst: the device's events, newest first (as the store returns them).
    public static func of(_ allNewestFirst: [TimelineEvent]) -> String {
        // Syslog lines say nothing about where a boot is: the phase comes from the other events, and a
        // device known only from its syslog lines is "logging".
        let newestFirst = allNewestFirst.filter { if case .syslog = $0.name { false } else { true } }
        guard var last = newestFirst.first else { return allNewestFirst.isEmpty ? "unknown" : "logging" }
        // Provisioning events outrank the TFTP traffic that follows them within the same boot: a phone
        // told "done" that then fetches its config is still provisioned, until it starts DHCP again.
        if let phoneIndex = newestFirst.firstIndex(where: { if case .phone = $0.name { true } else { false } }),
            newestFirst[..<phoneIndex].allSatisfy({ if case .dhcp = $0.name { false } else { true } })
        {
            last = newestFirst[phoneIndex]
        }
        switch last.name {
        case .dhcp(.offerSent): return "dhcp: offered"
        case .dhcp(.ackSent): return "dhcp: bound"
        case .dhcp(.nakSent): return "dhcp: refused"
        case .dhcp(.proxyOffered), .dhcp(.proxyAcked): return "dhcp: boot file (proxy)"
        case .dhcp(.addressServerSeen): return "dhcp: address from the address server"
        case .tftp: return "tftp: " + (last[.tftp(.file)] ?? "")
        case .http: return "http: " + (last[.http(.file)] ?? "")
        case .phone(.upgradeDone): return "provisioned"
        case .phone(.upgradeAdvanced): return "upgrading to " + (last[.phone(.to)] ?? "")
        case .phone(.upgradeWaiting): return "waiting for files"
        case .dhcp, .syslog, .other: return last.name.rawValue
        }
    }
}
