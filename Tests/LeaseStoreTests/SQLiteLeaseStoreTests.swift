import DHCPServerCore
import Foundation
import LeaseStore
import Testing
import WireSupport

@Suite struct SQLiteLeaseStoreTests {
    func temporaryPath() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dialtone-store-\(UUID().uuidString)")
        return dir.appendingPathComponent("dialtone.sqlite").path
    }

    func lease(_ ip: String, _ mac: String, state: Lease.State = .bound) -> Lease {
        Lease(ip: IPv4Address(ip)!, mac: MACAddress(mac), clientID: [1, 2, 3], hostname: "h", state: state, expires: 5000, updated: 1000)
    }

    @Test func saveLoadAndReplace() throws {
        let path = temporaryPath()
        let store = try SQLiteLeaseStore(path: path)
        try store.save([lease("10.0.0.1", "02:00:00:00:00:01"), lease("10.0.0.2", "02:00:00:00:00:02")])
        try store.save([lease("10.0.0.1", "02:00:00:00:00:01", state: .released)])
        let reopened = try SQLiteLeaseStore(path: path)
        let leases = try reopened.loadLeases()
        #expect(leases.count == 2)
        #expect(leases.first == lease("10.0.0.1", "02:00:00:00:00:01", state: .released))
        let mode = try String(contentsOfFile: path + "-wal", encoding: .isoLatin1).isEmpty
        _ = mode  // the WAL file exists: journal_mode is WAL
    }

    @Test func eventsPerDeviceNewestFirstAndBounded() throws {
        let store = try SQLiteLeaseStore(path: temporaryPath(), maxEvents: 5)
        let mac = MACAddress("02:00:00:00:00:07")!
        try store.append((0..<8).map { StoredEvent(time: Int64($0), mac: mac, name: "dhcp.offer.sent", level: "info", metadata: ["n": "\($0)"]) })
        let events = try store.events(for: mac, limit: 10)
        #expect(events.map(\.time) == [7, 6, 5, 4, 3])
        #expect(events.first?.metadata["n"] == "7")
    }

    /// The hand-written metadata JSON must read back exactly, whatever a syslog line or a file name holds.
    @Test func metadataRoundTripsAnyText() throws {
        let store = try SQLiteLeaseStore(path: temporaryPath())
        let awkward = ["syslog.text": "say \"hi\" \\ C:\\ 1\n2\r\t\u{01}\u{1F} é ☎️ 𝄞", "": "empty key", "tftp.file": "SEP001E7A.cnf.xml", "z": ""]
        try store.append([StoredEvent(time: 1, mac: nil, name: "syslog.message", level: "info", metadata: awkward)])
        let back = try #require(try store.events(named: "syslog.message", limit: 1).first)
        #expect(back.metadata == awkward)
        #expect(back.mac == nil)
    }

    @Test func inMemoryStoreHasTheSameContract() throws {
        let store = InMemoryLeaseStore()
        try store.save([lease("10.0.0.1", "02:00:00:00:00:01")])
        #expect(try store.loadLeases().count == 1)
    }

    /// Issue 3: a lease written by a real process that is then SIGKILLed is still there on reopen.
    @Test func leaseSurvivesSIGKILL() throws {
        let binary = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/dialtone")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the dialtone executable first (swift build)")
        let path = temporaryPath()
        let process = Process()
        process.executableURL = binary
        process.arguments = ["_store-probe", "--database", path, "--ip", "198.18.0.77", "--mac", "02:00:00:00:00:77"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        #expect(line.contains("committed"))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let leases = try SQLiteLeaseStore(path: path).loadLeases()
        #expect(leases.map(\.ip.description) == ["198.18.0.77"])
        #expect(leases.first?.mac?.description == "02:00:00:00:00:77")
    }
}
