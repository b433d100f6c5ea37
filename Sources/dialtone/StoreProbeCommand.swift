import ArgumentParser
import DHCPServerCore
import Foundation
import LeaseStore
import WireSupport

/// Hidden: used by the crash-durability test. Writes one lease through the real store, prints `committed`
/// once `save` returned, then waits to be killed with SIGKILL.
struct StoreProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "_store-probe", shouldDisplay: false)

    @Option var database: String
    @Option var ip: String
    @Option var mac: String

    func run() throws {
        guard let address = IPv4Address(ip), let hardware = MACAddress(mac) else {
            throw ValidationError("bad ip or mac")
        }
        let store = try SQLiteLeaseStore(path: database)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        try store.save([
            Lease(
                ip: address, mac: hardware, clientID: nil, hostname: "probe", state: .bound, expires: now + 3_600_000,
                updated: now)
        ])
        FileHandle.standardOutput.write(Data("committed\n".utf8))
        while true { sleep(60) }
    }
}
