import ArgumentParser
import DHCPServerCore
import Foundation
import LeaseStore
import PeerImport
import ServiceSupport

extension PeerLeaseFormat: ExpressibleByArgument {}

/// `dialtone leases import`: another DHCP server's active bindings into the store, so clients keep their
/// addresses when Dialtone takes over the network (docs/migrating.md).
struct LeasesImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import the active leases of dnsmasq, Kea or ISC dhcpd into the store.",
        discussion: """
            Reads the peer's lease file and writes each active binding (address, MAC, client id, hostname, \
            expiry) into the store in state_dir as a bound lease, so each client gets its address back from \
            `dialtone serve`. Left out, each reported with its line: expired, released, declined and free \
            entries; addresses in no configured subnet or outside its pools, reserved in the config for another client, or held in \
            the store by another client; a client that already holds another address. An infinite lease gets \
            the subnet's lease_time.

            The store must not be in use: stop `dialtone serve` first (exit 2 otherwise).

            Files: dnsmasq --dhcp-leasefile (/var/lib/misc/dnsmasq.leases); Kea memfile \
            (/var/lib/kea/kea-leases4.csv; after Kea's lease file cleanup, join kea-leases4.csv.2 and the \
            current file into one, older first, without the second header); ISC dhcpd \
            (/var/lib/dhcp/dhcpd.leases).

            Exit codes: 0 imported; 1 imported, but some entries could not be read (listed); 2 bad usage, \
            an invalid config, a file that is not in that format, or the store in use.

            Examples:
              dialtone leases import --from dnsmasq /var/lib/misc/dnsmasq.leases --config dialtone.yaml --dry-run
              dialtone leases import --from kea /var/lib/kea/kea-leases4.csv --config dialtone.yaml
              dialtone leases import --from dhcpd /var/lib/dhcp/dhcpd.leases --config dialtone.yaml
            """)

    @Option(help: "The lease file's format: dnsmasq, kea or dhcpd.") var from: PeerLeaseFormat
    @Argument(help: ArgumentHelp("The peer's lease file.", valueName: "file")) var file: String
    @OptionGroup var configOption: ConfigOption
    @Flag(help: "Say what would be imported; write nothing.") var dryRun = false

    func run() throws {
        let config = try configOption.load()
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            printError(
                "dialtone: \(file): cannot be read (\(FileManager.default.fileExists(atPath: file) ? "permissions or encoding" : "does not exist"))"
            )
            throw ExitCode(2)
        }
        let now = ServerTime(Date().timeIntervalSince1970 * 1000)
        let contents: LeaseFileContents
        do {
            contents = try from.parse(text, file: file, now: now)
        } catch {
            printError("dialtone: \(error)")
            throw ExitCode(2)
        }
        let subnets = config.dhcp?.subnets ?? []
        if subnets.isEmpty {
            printError("dialtone: \(config.sourceFile) has no dhcp.subnets: every address is outside them")
        }
        let path = config.stateDirectory + "/dialtone.sqlite"
        // The same lock `serve` takes: a running server keeps its own lease table in memory and would
        // never see (and could hand out again) what is written behind its back.
        var lock: StateDirectoryLock?
        if !dryRun {
            do {
                lock = try StateDirectoryLock(directory: config.stateDirectory)
            } catch {
                printError("dialtone: \(error)")
                throw ExitCode(2)
            }
        }
        defer { withExtendedLifetime(lock) {} }
        let store = try StoreOpener.open(config, create: !dryRun)
        let existing = try store?.loadLeases() ?? []
        let plan = LeaseImportPlan(contents.leases, subnets: subnets, existing: existing, now: now)
        if !dryRun, !plan.leases.isEmpty {
            // Into a shared store, an import only adds addresses no server holds: a plain INSERT each.
            let changes = plan.leases.map {
                LeaseChange($0, replacing: store?.isShared == true ? .nothing : .anything)
            }
            let refused = try store?.write(StoreBatch(changes: changes)).rejected ?? [:]
            for ip in refused.keys.sorted() { printError("skipped \(ip): a server holds it in the shared store") }
        }

        for lease in plan.leases {
            say(
                "\(dryRun ? "would import" : "imported") \(lease.ip) \(lease.mac?.description ?? "-") until \(LeaseExport.iso8601(lease.expires))\(lease.hostname.map { " " + $0 } ?? "")"
            )
        }
        for note in plan.notes { printError("note: \(file): \(note)") }
        let skipped = (contents.skipped + plan.skipped).sorted { $0.line < $1.line }
        for entry in skipped { printError("skipped \(file):\(entry.line): \(entry.reason)") }
        let malformed = skipped.filter { $0.kind == .malformed }.count
        say(
            "\(plan.leases.count) lease\(plan.leases.count == 1 ? "" : "s") \(dryRun ? "would be imported" : "imported into \(store?.location ?? path)"); \(skipped.count) entr\(skipped.count == 1 ? "y" : "ies") skipped\(malformed > 0 ? " (\(malformed) unreadable)" : "")"
        )
        if malformed > 0 { throw ExitCode(1) }
    }
}
