import DHCPServerCore
import Foundation
import GRDB
import LeaseStore
import Testing
import Timeline
import WireSupport

@Suite struct SQLiteLeaseStoreTests {
    func temporaryPath() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dialtone-store-\(UUID().uuidString)")
        return dir.appendingPathComponent("dialtone.sqlite").path
    }

    func lease(_ ip: String, _ mac: String, state: Lease.State = .bound) -> Lease {
        Lease(
            ip: IPv4Address(ip)!, mac: MACAddress(mac), clientID: [1, 2, 3], hostname: "h", state: state, expires: 5000,
            updated: 1000)
    }

    @Test func saveLoadAndReplace() throws {
        let path = temporaryPath()
        let store = try SQLiteLeaseStore(path: path)
        try store.save([lease("10.0.0.1", "02:00:00:00:00:01"), lease("10.0.0.2", "02:00:00:00:00:02")])
        try store.save([lease("10.0.0.1", "02:00:00:00:00:01", state: .released)])
        let reopened = try SQLiteLeaseStore(path: path)
        let leases = try reopened.loadLeases()
        #expect(
            leases == [
                lease("10.0.0.1", "02:00:00:00:00:01", state: .released), lease("10.0.0.2", "02:00:00:00:00:02"),
            ])
    }

    /// The group commit binds rows with SQLite's own calls (SQLiteRows): absent values are NULL, present ones
    /// keep their SQL types, as GRDB's bindings wrote them, and everything reads back unchanged.
    @Test func rowsKeepTheirTypesAndAbsentValuesAreNull() throws {
        let path = temporaryPath()
        let store = try SQLiteLeaseStore(path: path)
        let bare = Lease(
            ip: IPv4Address("10.0.0.9")!, mac: nil, clientID: nil, hostname: nil, state: .declined, expires: 7,
            updated: 3)
        let full = lease("10.0.0.10", "02:00:00:00:00:0a")
        let event = TimelineEvent(
            time: 42, mac: MACAddress("02:00:00:00:00:0a"), name: .dhcp(.ackSent), level: .info,
            metadata: [.reason: "quote \" backslash \\ tab \t ctl \u{1} é"])
        try store.write(StoreBatch(leases: [bare, full], events: [event]))
        #expect(try SQLiteLeaseStore(path: path).loadLeases() == [bare, full])
        #expect(try store.events(for: MACAddress("02:00:00:00:00:0a")!, limit: 10) == [event])
        let types = try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT typeof(mac), typeof(client_id), typeof(hostname), typeof(expires) FROM lease ORDER BY ip"
            ).map { row in (0..<4).map { row[$0] as String } }
        }
        #expect(types == [["null", "null", "null", "integer"], ["text", "blob", "text", "integer"]])
    }

    /// WAL is a property of the database file: read it back through a connection of our own.
    @Test func databaseIsInWALMode() throws {
        let path = temporaryPath()
        _ = try SQLiteLeaseStore(path: path)
        let mode = try DatabaseQueue(path: path).read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    @Test func eventsPerDeviceNewestFirstAndBounded() throws {
        let store = try SQLiteLeaseStore(path: temporaryPath(), maxEvents: 5)
        let mac = MACAddress("02:00:00:00:00:07")!
        try store.append(
            (0..<8).map {
                TimelineEvent(
                    time: Int64($0), mac: mac, name: .dhcp(.offerSent), level: .info, metadata: [.other("n"): "\($0)"])
            })
        let events = try store.events(for: mac, limit: 10)
        #expect(events.map(\.time) == [7, 6, 5, 4, 3])
        #expect(events.first?[.other("n")] == "7")
    }

    /// The hand-written metadata JSON must read back exactly, whatever a syslog line or a file name holds.
    @Test func metadataRoundTripsAnyText() throws {
        let store = try SQLiteLeaseStore(path: temporaryPath())
        let awkward = [
            "syslog.text": "say \"hi\" \\ C:\\ 1\n2\r\t\u{01}\u{1F} é ☎️ 𝄞", "": "empty key",
            "tftp.file": "SEP001E7A.cnf.xml", "z": "",
        ]
        try store.append([
            TimelineEvent(time: 1, mac: nil, storedName: "syslog.message", level: "info", storedMetadata: awkward)
        ])
        let back = try #require(try store.events(named: .syslog(.message), limit: 1).first)
        #expect(back.storedMetadata == awkward)
        #expect(back[.syslog(.text)] == awkward["syslog.text"] && back[.other("z")] == "")
        #expect(back.mac == nil)
    }

    /// A row another version wrote (a name and a key this build's catalogue lacks) reads back intact as
    /// `.other`, so explain and the API still show it; the catalogue's rules just do not match it.
    @Test func unknownNamesAndKeysFromAnotherVersionStayReadable() throws {
        let path = temporaryPath()
        let mac = MACAddress("02:00:00:00:00:09")!
        _ = try SQLiteLeaseStore(path: path)
        try DatabaseQueue(path: path).write { db in
            try db.execute(
                sql:
                    "INSERT INTO event (time, mac, name, level, metadata) VALUES (1, ?, 'dhcp.offer.renamed', 'info', ?)",
                arguments: [mac.description, #"{"dhcp.yiaddr":"10.0.0.9","dhcp.future_key":"x"}"#])
        }
        let back = try #require(try SQLiteLeaseStore(path: path).events(for: mac, limit: 1).first)
        #expect(back.name == .other("dhcp.offer.renamed"))
        #expect(back[.dhcp(.yiaddr)] == "10.0.0.9" && back[.other("dhcp.future_key")] == "x")
        #expect(back.storedMetadata == ["dhcp.yiaddr": "10.0.0.9", "dhcp.future_key": "x"])
    }

    /// The in-memory store the core tests use must answer every query exactly like SQLite, field by field.
    @Test func inMemoryStoreHasTheSameContract() throws {
        let sqlite = try contractAnswers(try SQLiteLeaseStore(path: temporaryPath()))
        let memory = try contractAnswers(InMemoryLeaseStore())
        #expect(memory.leases == sqlite.leases)
        #expect(memory.deviceEvents == sqlite.deviceEvents)
        #expect(memory.namedEvents == sqlite.namedEvents)
        #expect(memory.versions.keys.sorted() == sqlite.versions.keys.sorted())
        #expect(memory.phones == sqlite.phones)
        // Versions differ in value (row ids against indexes) but must order the devices alike.
        let order: ([String: Int64]) -> [String] = { v in v.keys.sorted { v[$0]! < v[$1]! } }
        #expect(order(memory.versions) == order(sqlite.versions))
        #expect(sqlite.leases.count == 3 && sqlite.deviceEvents.count == 2 && sqlite.namedEvents.count == 2)
    }

    struct ContractAnswers {
        var leases: [Lease]
        var deviceEvents: [TimelineEvent]
        var namedEvents: [TimelineEvent]
        var versions: [String: Int64]
        var phones: [String: String]
    }

    /// One scenario through every method of the protocol; the answers of each query.
    func contractAnswers(_ store: any Store) throws -> ContractAnswers {
        let a = MACAddress("02:00:00:00:00:0a")!, b = MACAddress("02:00:00:00:00:0b")!
        try store.save([lease("10.0.0.3", "02:00:00:00:00:0a"), lease("10.0.0.1", "02:00:00:00:00:0b")])
        try store.write(
            leases: [
                lease("10.0.0.3", "02:00:00:00:00:0a", state: .released),
                lease("10.0.0.2", "02:00:00:00:00:0c", state: .declined),
            ],
            events: [
                TimelineEvent(
                    time: 10, mac: a, name: .dhcp(.offerSent), level: .info, metadata: [.dhcp(.yiaddr): "10.0.0.3"]),
                TimelineEvent(
                    time: 11, mac: b, name: .syslog(.message), level: .notice, metadata: [.syslog(.text): "x"]),
            ])
        try store.append([
            TimelineEvent(time: 12, mac: a, name: .dhcp(.ackSent), level: .info, metadata: [:]),
            TimelineEvent(time: 13, mac: nil, name: .syslog(.message), level: .info, metadata: [.syslog(.host): "h"]),
        ])
        try store.savePhoneState(mac: a.description, json: #"{"step":1}"#)
        try store.savePhoneState(mac: a.description, json: #"{"step":2}"#)
        return ContractAnswers(
            leases: try store.loadLeases(), deviceEvents: try store.events(for: a, limit: 10),
            namedEvents: try store.events(named: .syslog(.message), limit: 10), versions: try store.eventVersions(),
            phones: try store.loadPhoneStates())
    }

    /// Issue 3: a lease written by a real process that is then SIGKILLed is still there on reopen.
    @Test func leaseSurvivesSIGKILL() throws {
        let binary = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent(".build/debug/dialtone")
        try #require(
            FileManager.default.isExecutableFile(atPath: binary.path),
            "build the dialtone executable first (swift build)")
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
