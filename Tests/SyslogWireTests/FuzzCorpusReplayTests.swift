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
            let bytes = Array(try Data(contentsOf: file))
            let message = SyslogParser.parse(bytes)
            // A message that opens with a valid PRI (RFC 5424 §6.2.1: <0-191>) must yield its facility and
            // severity, in range; one without has neither (RFC 3164 §4.3.3 leaves them to the receiver).
            if let pri = Self.priority(bytes) {
                #expect(message.facility == pri / 8 && message.severity == pri % 8, "\(file.lastPathComponent)")
            } else {
                #expect(
                    (0...23).contains(message.facility ?? 0) && (0...7).contains(message.severity ?? 0),
                    "\(file.lastPathComponent)")
            }
        }
    }

    @Test func seedsWithPriorityYieldFacility() throws {
        let parsed = SyslogParser.parse(Array("<187>12: SEP001E7A2554A1: Load: TFTP timeout".utf8))
        #expect(parsed.facility == 23 && parsed.severity == 3)
        #expect(SyslogParser.parse(Array("no priority at all".utf8)).facility == nil)
    }

    /// The PRI value when the bytes open with `<N>`, N of 1-3 digits and at most 191.
    static func priority(_ bytes: [UInt8]) -> Int? {
        guard bytes.first == UInt8(ascii: "<"), let close = bytes.prefix(5).firstIndex(of: UInt8(ascii: ">")), close > 1
        else { return nil }
        let digits = bytes[1..<close]
        guard digits.allSatisfy({ (48...57).contains($0) }), let value = Int(String(decoding: digits, as: UTF8.self)),
            value <= 191
        else {
            return nil
        }
        return value
    }
}
