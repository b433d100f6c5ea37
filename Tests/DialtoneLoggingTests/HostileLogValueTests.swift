import DialtoneLogging
import Foundation
import Logging
import Synchronization
import Testing

/// Issue 14: a value from the wire in a log line, in either format, stays one token of one line. Every
/// value below reaches `serve`'s log as a hostname, vendor class, file name or syslog text.
@Suite struct HostileLogValueTests {
    static let values: [String] = [
        "phone\n2026-12-02T00:00:00.000Z info dhcp.ack.sent client.mac=00:00:00:00:00:01",
        "cr\roverwritten", "\u{1B}[2J\u{1B}]0;owned\u{7}", "nul\u{0}byte", "del\u{7F} csi\u{9B}31m",
        String(decoding: [0x66, 0xFF, 0xFE, 0xC0, 0x80], as: UTF8.self), "evil\u{202E}gpj.exe", "a=b \"c\"",
        String(repeating: "A\r\n\u{1B}", count: 64 * 1024 / 4),
    ]

    func line(_ format: LineLogHandler.Format, _ value: String) -> String {
        let captured = Mutex<[String]>([])
        let handler = LineLogHandler(label: "test", format: format, level: .trace) { line in
            captured.withLock { $0.append(line) }
        }
        Logger(label: "test") { _ in handler }.info("dhcp.offer.sent", metadata: ["dhcp.hostname": "\(value)"])
        return captured.withLock { $0.joined(separator: "\n") }
    }

    func inert(_ text: String) -> Bool {
        !text.unicodeScalars.contains {
            $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || (0x2028...0x202E).contains($0.value)
        }
    }

    // Loops rather than arguments: a failure prints the value's index, not 64 KiB of it.
    @Test func textLineIsOneInertLineWithTheValueAsOneToken() {
        for (index, value) in Self.values.enumerated() {
            let text = line(.text, value)
            #expect(inert(text), "value \(index)")
            // The value is the last field: after `dhcp.hostname=` one token (quoted when it must be), then the end.
            let field = text.components(separatedBy: " dhcp.hostname=").last ?? ""
            #expect(field == value || (field.hasPrefix("\"") && field.hasSuffix("\"")), "value \(index)")
            #expect(text.split(separator: " ", maxSplits: 3).dropFirst().first == "info", "value \(index)")
        }
    }

    /// A library's message (Hummingbird, NIO) may quote a request: the message is made visible too.
    @Test func aMessageFromTheWireStaysOnItsLine() {
        let captured = Mutex<[String]>([])
        let handler = LineLogHandler(label: "test", format: .text, level: .trace) { line in
            captured.withLock { $0.append(line) }
        }
        Logger(label: "test") { _ in handler }.info("bad request /x\n2026-12-02T00:00:00.000Z info forged\u{1B}[2J")
        let text = captured.withLock { $0.joined(separator: "\n") }
        #expect(inert(text))
        #expect(text.hasSuffix(#" info bad request /x\n2026-12-02T00:00:00.000Z info forged\u{1B}[2J"#))
    }

    @Test func jsonLineParsesBackToTheValue() throws {
        for (index, value) in Self.values.enumerated() {
            let json = line(.json, value)
            #expect(inert(json), "value \(index)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String])
            #expect(object["dhcp.hostname"] == value, "value \(index)")
            #expect(object["event"] == "dhcp.offer.sent")
        }
    }
}
