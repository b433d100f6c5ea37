import ArgumentParser
import DHCPServerCore
import Foundation
import LeaseStore
import PeerImport
import WireSupport

/// `dialtone leases`: the table by default (`list`), and the ways in and out (`import`, `export`).
struct LeasesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leases", abstract: "The lease table in state_dir: print it, import another server's, export it.",
        discussion: """
            Without a subcommand, prints the table (`list`).

            Examples:
              dialtone leases --config dialtone.yaml
              dialtone leases import --from dnsmasq /var/lib/misc/dnsmasq.leases --config dialtone.yaml
              dialtone leases export --format csv --config dialtone.yaml --output leases.csv
            """,
        subcommands: [LeasesListCommand.self, LeasesImportCommand.self, LeasesExportCommand.self],
        defaultSubcommand: LeasesListCommand.self)
}

struct LeasesListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Print the lease table from the store in state_dir (the default).",
        discussion: """
            Reads the store directly, so it works while the server runs and after it stopped. A bound lease \
            whose time has run out shows as `expired`.

            Examples:
              dialtone leases --config dialtone.yaml
              dialtone leases --config dialtone.yaml --json | jq '.[] | select(.state == "bound")'
            """)

    @OptionGroup var configOption: ConfigOption
    @Flag(help: "JSON: [{mac, ip, hostname, state, expires}], the same shape as GET /api/leases.") var json = false

    func run() throws {
        let config = try configOption.load()
        guard let store = try StoreOpener.open(config, create: false) else {
            if json { print("[]") } else { print("no leases yet (\(StoreOpener.sqlitePath(config)) does not exist)") }
            return
        }
        let leases = try store.loadLeases()
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        if json {
            let rows: [[String: String?]] = leases.map { l in
                [
                    "mac": l.mac?.description, "ip": l.ip.description, "hostname": l.hostname,
                    "state": l.isFree(at: now) && l.state == .bound ? "expired" : l.state.rawValue,
                    "expires": ISO8601DateFormatter().string(
                        from: Date(timeIntervalSince1970: Double(l.expires) / 1000)),
                ]
            }
            let data = try JSONSerialization.data(
                withJSONObject: rows.map { $0.mapValues { $0 ?? NSNull() as Any } },
                options: [.prettyPrinted, .sortedKeys])
            print(JSONText.escapingInvisibles(String(decoding: data, as: UTF8.self)))
            return
        }
        say("IP               MAC                STATE     EXPIRES                   HOSTNAME")
        for l in leases {
            let state = l.isFree(at: now) && l.state == .bound ? "expired" : l.state.rawValue
            let expires = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(l.expires) / 1000))
            say(
                l.ip.description.padding(toLength: 17, withPad: " ", startingAt: 0)
                    + (l.mac?.description ?? "-").padding(toLength: 19, withPad: " ", startingAt: 0)
                    + state.padding(toLength: 10, withPad: " ", startingAt: 0)
                    + expires.padding(toLength: 26, withPad: " ", startingAt: 0) + (l.hostname ?? ""))
        }
    }
}

/// `dialtone leases export`: the lease table for other tools, as CSV or JSON.
struct LeasesExportCommand: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json }

    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write the lease table as CSV or JSON.",
        discussion: """
            Columns (CSV header, JSON keys): ip, mac, client_id, hostname, state, expires. `state` is offered, \
            bound, released, declined or expired; `expires` is ISO 8601 UTC. CSV follows RFC 4180 (CRLF line \
            ends, quoted fields where needed). Reads the store directly, so it works while the server runs.

            Examples:
              dialtone leases export --format csv --config dialtone.yaml --output leases.csv
              dialtone leases export --format json --config dialtone.yaml | jq '.[] | select(.state == "bound") | .ip'
            """)

    @Option(help: "csv or json.") var format: Format = .csv
    @Option(help: ArgumentHelp("Write here instead of standard output.", valueName: "file")) var output: String?
    @OptionGroup var configOption: ConfigOption

    func run() throws {
        let config = try configOption.load()
        let leases = try StoreOpener.open(config, create: false)?.loadLeases() ?? []
        let now = ServerTime(Date().timeIntervalSince1970 * 1000)
        let text: String
        switch format {
        case .csv:
            text = LeaseExport.csv(leases, now: now)
        case .json:
            let rows = LeaseExport.rows(leases, now: now).map { $0.mapValues { $0 ?? NSNull() as Any } }
            let data = try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys])
            text = JSONText.escapingInvisibles(String(decoding: data, as: UTF8.self)) + "\n"
        }
        guard let output else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            printError("dialtone: \(output): cannot be written: \(error.localizedDescription)")
            throw ExitCode(2)
        }
        printError("\(leases.count) lease\(leases.count == 1 ? "" : "s") written to \(output)")
    }
}
