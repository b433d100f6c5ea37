import DHCPWire
import Testing

@testable import DHCPServerCore

/// The hand-written formatters behind every DHCP event's metadata, against the library's own output.
struct EventTextTests {
    @Test func codeListMatchesJoinedDecimals() {
        let cases: [[UInt8]] = [
            [], [0], [9], [10], [99], [100], [255], [1, 3, 6, 15, 43, 66, 67, 150, 255], Array(0...255),
        ]
        for raw in cases {
            let codes = raw.map { DHCPOptionCode(rawValue: $0) }
            #expect(codeList(codes) == raw.map(String.init).joined(separator: ","))
        }
    }

    @Test func hex32IsZeroPaddedLowercase() {
        for value: UInt32 in [0, 1, 0xAB, 0xDEAD_BEEF, .max] {
            let expected =
                "0x" + String(repeating: "0", count: 8 - String(value, radix: 16).count) + String(value, radix: 16)
            #expect(hex32(value) == expected)
        }
    }
}
