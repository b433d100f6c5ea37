import Foundation
import Testing
import WireSupport

/// Values a sender on the link chooses (issue 14): a forged log line, a carriage return that overwrites,
/// terminal escapes (clear screen, window title, 8-bit CSI), NUL, DEL, invalid UTF-8 (decoded as wire bytes
/// are, to U+FFFD), a right-to-left override, a line separator, and 64 KiB of short lines.
enum Hostile {
    static let values: [String] = [
        "phone\n2026-12-02T00:00:00.000Z info dhcp.ack.sent client.mac=00:00:00:00:00:01",
        "cr\roverwritten", "\u{1B}[2J\u{1B}]0;owned\u{7}", "nul\u{0}byte", "del\u{7F} csi\u{9B}31m",
        String(decoding: [0x66, 0xFF, 0xFE, 0xC0, 0x80, 0xED, 0xA0, 0x80], as: UTF8.self), "evil\u{202E}gpj.exe",
        "one\u{2028}two", String(repeating: "A\r\n\u{1B}", count: 64 * 1024 / 4),
    ]

    /// Nothing a terminal, a line-based file or a bidirectional renderer would act on.
    static func isInert(_ text: String) -> Bool {
        !text.unicodeScalars.contains { VisibleText.isControl($0) || VisibleText.isInvisibleFormat($0) }
    }
}

@Suite struct HostileTextTests {
    // Loops rather than arguments: a failure prints the value's index, not 64 KiB of it.
    @Test func terminalLineIsInertAndDropsNothing() {
        for (index, value) in Hostile.values.enumerated() {
            let line = VisibleText.line(value)
            #expect(Hostile.isInert(line), "value \(index)")
            #expect(line.unicodeScalars.count >= value.unicodeScalars.count, "value \(index)")
        }
    }

    @Test func terminalLineLeavesOrdinaryTextAlone() {
        let plain = #"firmware\JAR70.sbn "quoted" é ☎️ 100%"#
        #expect(VisibleText.line(plain) == plain)
        #expect(VisibleText.line("a\nb\u{1B}c\u{202E}") == #"a\nb\u{1B}c\u{202E}"#)
    }

    @Test func jsonStringIsInertAndDecodesToTheSameText() throws {
        for (index, value) in Hostile.values.enumerated() {
            let literal = JSONText.string(value)
            #expect(Hostile.isInert(literal), "value \(index)")
            let decoded = try JSONSerialization.jsonObject(with: Data(literal.utf8), options: .fragmentsAllowed)
            #expect(decoded as? String == value, "value \(index)")
        }
    }

    @Test func encoderOutputLosesItsRawInvisiblesButNotItsMeaning() throws {
        for (index, value) in Hostile.values.enumerated() {
            let encoded = try JSONEncoder().encode(["hostname": value])
            let escaped = JSONText.escapingInvisibles(Array(encoded))
            #expect(Hostile.isInert(String(decoding: escaped, as: UTF8.self)), "value \(index)")
            let decoded = try JSONDecoder().decode([String: String].self, from: Data(escaped))
            #expect(decoded == ["hostname": value], "value \(index)")
        }
    }

    @Test func jsonWithoutInvisiblesComesBackByteForByte() {
        let json = Array(#"{"a":"é ☎️ \u001b","b":[1,2]}"#.utf8)
        #expect(JSONText.escapingInvisibles(json) == json)
        #expect(JSONText.string("\u{9B}\u{7F}\u{202E}") == #""\u009B\u007F\u202E""#)
    }

    @Test func rsyslogFormIsOneLine() {
        for (index, value) in Hostile.values.enumerated() {
            #expect(Hostile.isInert(VisibleText.rsyslog(value)), "value \(index)")
        }
    }
}
