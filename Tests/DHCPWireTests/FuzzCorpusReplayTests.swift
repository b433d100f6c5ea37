import DHCPWire
import Foundation
import Testing

/// Replays the fuzzer's seed corpus and every saved crasher (FuzzTesting/FailCases/dhcp) with the same
/// property the fuzz target checks: typed rejection, or a lossless round trip.
@Suite struct FuzzCorpusReplayTests {
    static let fuzzRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("FuzzTesting")

    static func files(_ folder: String) -> [URL] {
        let dir = fuzzRoot.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { dir.appendingPathComponent($0) }
    }

    @Test func seedsDecodeAndFailCasesReplay() throws {
        let seeds = Self.files("Corpus/dhcp")
        #expect(seeds.count >= 5)
        for file in seeds + Self.files("FailCases/dhcp") {
            let bytes = Array(try Data(contentsOf: file))
            guard let message = try? DHCPMessage(decoding: bytes) else {
                #expect(!seeds.contains(file), "seed \(file.lastPathComponent) must decode")
                continue
            }
            var stripped = message
            stripped.options.remove(.overload)
            let again = try DHCPMessage(decoding: stripped.encode())
            for entry in stripped.options {
                #expect(again.options[entry.code] == entry.value, "\(file.lastPathComponent) option \(entry.code)")
            }
        }
    }
}
