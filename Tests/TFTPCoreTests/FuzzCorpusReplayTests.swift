import Foundation
import TFTPWire
import Testing

/// Replays the TFTP fuzzer's seeds and saved crashers with the fuzz target's property: typed rejection, or
/// a packet that encodes and decodes back to itself.
@Suite struct TFTPFuzzCorpusReplayTests {
    static let fuzzRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("FuzzTesting")

    static func files(_ folder: String) -> [URL] {
        let dir = fuzzRoot.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { dir.appendingPathComponent($0) }
    }

    @Test func seedsAndFailCases() throws {
        let seeds = Self.files("Corpus/tftp")
        #expect(seeds.count >= 6)
        for file in seeds + Self.files("FailCases/tftp") {
            guard let packet = try? TFTPPacket(decoding: Array(try Data(contentsOf: file))) else {
                #expect(!seeds.contains(file), "seed \(file.lastPathComponent) must decode")
                continue
            }
            #expect(try TFTPPacket(decoding: packet.encode()) == packet, "\(file.lastPathComponent)")
        }
    }
}
