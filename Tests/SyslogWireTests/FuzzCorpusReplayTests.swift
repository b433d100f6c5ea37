import Foundation
import SyslogWire
import Testing

/// Replays the syslog fuzzer's seeds and saved crashers: parsing never traps and stays in range.
@Suite struct SyslogFuzzCorpusReplayTests {
    @Test func seedsAndFailCases() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("FuzzTesting")
        var files: [URL] = []
        for folder in ["Corpus/syslog", "FailCases/syslog"] {
            let dir = root.appendingPathComponent(folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            files += names.filter { !$0.hasPrefix(".") }.map { dir.appendingPathComponent($0) }
        }
        #expect(files.count >= 5)
        for file in files {
            let message = SyslogParser.parse(Array(try Data(contentsOf: file)))
            #expect((0...23).contains(message.facility ?? 0) && (0...7).contains(message.severity ?? 0))
        }
    }
}
