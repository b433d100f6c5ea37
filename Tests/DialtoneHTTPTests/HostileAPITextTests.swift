import Foundation
import Testing

@testable import DialtoneHTTP

/// Issue 14: every API answer goes through `apiJSON`, which must keep a client's hostname exactly while no
/// byte of it can act on a terminal that `curl` prints to: control, DEL, C1 and direction characters arrive
/// as `\u` escapes, and the document still parses to the same value.
struct HostileAPITextTests {
    static let hostname =
        "x\n2026-12-02T00:00:00.000Z info forged\r\u{1B}[2J\u{1B}]0;owned\u{7}\u{0}\u{7F}\u{9B}31m\u{FFFD}\u{202E}"
        + String(repeating: "A\u{1B}", count: 32 * 1024)

    @Test func leaseHostnameIsEscapedAndKept() throws {
        let view = LeaseView(
            mac: "02:00:00:00:00:01", ip: "198.18.0.10", hostname: Self.hostname, state: "bound",
            expires: "2026-12-02T01:00:00Z")
        let data = try apiJSON([view])
        let text = String(decoding: data, as: UTF8.self)
        #expect(
            !text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0 == "\u{202E}" })
        // JSONEncoder writes C0 as `\u001b`, JSONText the rest as `\u009B`: compare without case.
        let lower = text.lowercased()
        #expect(lower.contains(#"\u001b[2j"#) && lower.contains(#"\u009b31m"#) && lower.contains(#"\u202e"#))
        let decoded = try JSONSerialization.jsonObject(with: data) as? [[String: Any]]
        #expect(decoded?.first?["hostname"] as? String == Self.hostname)
    }
}
