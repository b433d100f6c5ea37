import DHCPServerCore
import Foundation
import LeaseStore
import Testing
import WireSupport

/// Learned client needs (issue 18) survive a restart, are upserted need by need (a need learned elsewhere is
/// kept), and an empty set forgets; the SQLite file and the in-memory model agree.
@Suite struct ClientNeedsStoreTests {
    static let laptop = MACAddress("02:00:00:00:00:07")!
    static let printer = MACAddress("02:00:00:00:00:08")!
    static let need = LearnedNeed(
        .broadcastReplies, learnedAt: 4_000, evidence: "DISCOVER again 4.0 s after our unicast OFFER\nforged?")

    /// The contract, for any store; `reopen` gives the same store as a restarted server would open it.
    static func check(_ store: any Store, reopen: () throws -> any Store) throws {
        #expect(try store.loadClientNeeds().isEmpty)
        try store.write(StoreBatch(clientNeeds: [laptop: [need], printer: [need]]))
        #expect(try reopen().loadClientNeeds() == [laptop: [need], printer: [need]])
        var later = need
        later.learnedAt = 9_000
        try store.write(StoreBatch(clientNeeds: [laptop: [later]]))
        try store.write(StoreBatch(clientNeeds: [printer: []]))
        #expect(try reopen().loadClientNeeds() == [laptop: [later]])
        // Another need written alone (another server's lesson, say) leaves the first in place.
        let small = LearnedNeed(.smallReplies, learnedAt: 9_500, evidence: "REQUEST for our 300-byte OFFER")
        try store.write(StoreBatch(clientNeeds: [laptop: [small]]))
        #expect(try reopen().loadClientNeeds() == [laptop: [later, small]])
        try store.write(StoreBatch(clientNeeds: [laptop: []]))
        #expect(try reopen().loadClientNeeds().isEmpty)
    }

    @Test func sqliteKeepsThem() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dialtone-needs-\(UUID().uuidString)")
            .appendingPathComponent("dialtone.sqlite").path
        try Self.check(try SQLiteLeaseStore(path: path)) { try SQLiteLeaseStore(path: path) }
    }

    @Test func theInMemoryModelAgrees() throws {
        let store = InMemoryLeaseStore()
        try Self.check(store) { store }
    }

    @Test func batchesMergeNewestPerMAC() {
        var batch = StoreBatch(clientNeeds: [Self.laptop: [Self.need]])
        batch.append(StoreBatch(clientNeeds: [Self.laptop: []]))
        #expect(batch.clientNeeds == [Self.laptop: []] && !batch.isEmpty)
    }

    /// A forget and a new lesson for one MAC in one group commit: what was forgotten is still deleted.
    @Test func aForgetMergedWithANewerLessonStillDeletes() throws {
        let store = InMemoryLeaseStore()
        let small = LearnedNeed(.smallReplies, learnedAt: 1, evidence: "e")
        try store.write(StoreBatch(clientNeeds: [Self.laptop: [small]]))
        var batch = StoreBatch(clientNeeds: [Self.laptop: []])
        batch.append(StoreBatch(clientNeeds: [Self.laptop: [Self.need]]))
        #expect(batch.forgotten == [Self.laptop] && batch.clientNeeds == [Self.laptop: [Self.need]])
        try store.write(batch)
        #expect(try store.loadClientNeeds() == [Self.laptop: [Self.need]])

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dialtone-needs-\(UUID().uuidString)")
            .appendingPathComponent("dialtone.sqlite").path
        let sqlite = try SQLiteLeaseStore(path: path)
        try sqlite.write(StoreBatch(clientNeeds: [Self.laptop: [small]]))
        try sqlite.write(batch)
        #expect(try sqlite.loadClientNeeds() == [Self.laptop: [Self.need]])
    }
}
