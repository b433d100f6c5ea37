import ArgumentParser
import DHCPServerCore
import Foundation
import LeaseStore

struct LeasesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leases", abstract: "Print the lease table from the store in state_dir.",
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
        let path = config.stateDirectory + "/dialtone.sqlite"
        guard FileManager.default.fileExists(atPath: path) else {
            if json { print("[]") } else { print("no leases yet (\(path) does not exist)") }
            return
        }
        let leases = try SQLiteLeaseStore(path: path).loadLeases()
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
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("IP               MAC                STATE     EXPIRES                   HOSTNAME")
        for l in leases {
            let state = l.isFree(at: now) && l.state == .bound ? "expired" : l.state.rawValue
            let expires = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(l.expires) / 1000))
            print(
                l.ip.description.padding(toLength: 17, withPad: " ", startingAt: 0)
                    + (l.mac?.description ?? "-").padding(toLength: 19, withPad: " ", startingAt: 0)
                    + state.padding(toLength: 10, withPad: " ", startingAt: 0)
                    + expires.padding(toLength: 26, withPad: " ", startingAt: 0) + (l.hostname ?? ""))
        }
    }
}
