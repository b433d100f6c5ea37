import ArgumentParser
import DHCPServerCore
import Diagnostics
import Foundation
import LeaseStore
import Timeline
import WireSupport

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Tell the story of one device: DHCP exchanges, files requested, phase and diagnosis.",
        discussion: """
            Reads the server's store in state_dir, so it works while the server runs and after it stopped. \
            Prints the diagnosis first (each finding with its evidence and what to do), then the timeline \
            newest first. Exit 1 when any finding is an error, 0 otherwise.

            Examples:
              dialtone explain 00:1e:7a:25:54:a1 --config dialtone.yaml
              dialtone explain 001E.7A25.54A1 --config dialtone.yaml --limit 200
            """
    )
    @Argument(help: "The device's MAC address, in any notation.") var mac: String
    @OptionGroup var configOption: ConfigOption
    @Option(help: "Timeline events to show.") var limit = 40

    func run() throws {
        guard let device = MACAddress(mac) else { throw ValidationError("`\(mac)` is not a MAC address") }
        let config = try configOption.load()
        guard let store = try StoreOpener.open(config, create: false) else {
            say(
                "\(device): nothing known yet (\(StoreOpener.sqlitePath(config)) does not exist: the server has not run with this config)"
            )
            return
        }
        let events = try store.events(for: device, limit: 2000)
        let formatter = ISO8601DateFormatter()
        let clock: (Int64) -> String = { formatter.string(from: Date(timeIntervalSince1970: Double($0) / 1000)) }

        say("Device \(device)")
        if let lease = try store.loadLeases().filter({ $0.mac == device }).max(by: { $0.updated < $1.updated }) {
            say(
                "  lease: \(lease.ip) \(lease.state.rawValue) until \(clock(lease.expires))\(lease.hostname.map { " (\($0))" } ?? "")"
            )
        } else {
            say("  lease: none")
        }
        if let json = try store.loadPhoneStates()[device.description] {
            let step = json.range(of: "\"step\":").map { json[$0.upperBound...].prefix { $0.isNumber } } ?? "?"
            say("  phone: provisioning state stored, ladder step \(Int(step).map { $0 + 1 } ?? 0)")
        }
        if let vendor = events.lazy.compactMap({ $0[.dhcp(.vendorClass)] }).first {
            say("  vendor class: \(vendor)")
        }
        // What the server learned from the client's behaviour, and applies to its replies (docs/dhcp.md).
        for need in try store.loadClientNeeds()[device] ?? [] {
            say("  learned: \(need.need.description) since \(clock(need.learnedAt)) (\(need.evidence))")
            say("    `dialtone forget \(device)` undoes it")
        }
        let findings = Diagnosis.findings(events, clock: clock)
        say()
        say("Diagnosis")
        if findings.isEmpty { say("  no problem found in \(events.count) events") }
        for finding in findings {
            say("  [\(finding.severity.rawValue)] \(finding.title)")
            for line in finding.evidence { say("      \(line)") }
            // Strongest first, each with what ranked it there (Diagnostics' CauseRanking).
            for (rank, cause) in finding.causes.enumerated() {
                say("      likely cause \(rank + 1): \(cause.text)")
                say("        because \(cause.evidence)")
            }
            say("      -> \(finding.action)")
        }
        say()
        say("Timeline (newest first)")
        if events.isEmpty { say("  no events recorded for this device") }
        for event in events.prefix(limit) {
            // In a store several servers share, each line says which server recorded it.
            let server = event.server.map { "  [\($0)]" } ?? ""
            say("  \(clock(event.time))\(server)  \(event.name.rawValue)  \(Self.summary(event))")
        }
        if events.count > limit { say("  ... \(events.count - limit) older events (--limit)") }
        if findings.contains(where: { $0.severity == .error }) { throw ExitCode(1) }
    }

    /// The few fields that tell the story of each kind of event.
    static func summary(_ event: TimelineEvent) -> String {
        let keys: [EventKey]
        switch event.name {
        case .dhcp:
            keys = [
                .dhcp(.type), .dhcp(.serverID), .dhcp(.yiaddr), .dhcp(.destination), .dhcp(.latencyMicroseconds),
                .dhcp(.replyBytes), .dhcp(.bootFile), .dhcp(.fileField), .reason,
            ]
        case .tftp: keys = [.tftp(.file), .tftp(.servedFrom), .tftp(.bytes), .tftp(.blockSize), .reason]
        case .http:
            keys = [
                .http(.method), .http(.file), .http(.status), .http(.range), .http(.servedFrom), .http(.bytes), .reason,
            ]
        case .phone: keys = [.phone(.load), .phone(.step), .phone(.to), .phone(.missing)]
        case .syslog: keys = [.syslog(.severity), .syslog(.app), .syslog(.text)]
        case .other: keys = event.metadata.keys.sorted()
        }
        // The last part of the key's stable name: `yiaddr=`, `file=`, as the explain output always showed.
        return keys.compactMap { key in event[key].map { "\(key.rawValue.split(separator: ".").last!)=\($0)" } }.joined(
            separator: " ")
    }
}
