/// A 48-bit Ethernet address. Admins paste MACs in every notation (Cisco `001e.7a25.54a1`, Windows
/// `00-1E-7A-25-54-A1`, bare `001E7A2554A1`), so parsing accepts all of them; printing is always lowercase
/// with colons so logs, the store and the API agree on one spelling.
public struct MACAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 6 else { return nil }
        self.bytes = bytes
    }

    public init?(_ text: some StringProtocol) {
        let hex = String(text.filter { $0 != ":" && $0 != "-" && $0 != "." })
        guard hex.count == 12, hex.allSatisfy(\.isHexDigit) else { return nil }
        // Separators, if any, must sit on byte or Cisco-word boundaries: "0:01e7..." is a typo, not a MAC.
        if hex.count != text.count, !MACAddress.separatorsWellPlaced(String(text)) { return nil }
        var out: [UInt8] = []
        var index = hex.startIndex
        for _ in 0..<6 {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            out.append(byte)
            index = next
        }
        self.bytes = out
    }

    private static func separatorsWellPlaced(_ text: String) -> Bool {
        let groups = text.split(
            omittingEmptySubsequences: false, whereSeparator: { $0 == ":" || $0 == "-" || $0 == "." })
        let sizes = groups.map { $0.count }
        return sizes == [2, 2, 2, 2, 2, 2] || sizes == [4, 4, 4]
    }

    /// The 24-bit organisationally unique identifier, for vendor matching (Cisco phones: 00:1e:7a, ...).
    public var oui: [UInt8] { Array(bytes.prefix(3)) }

    public func hasPrefix(_ prefix: [UInt8]) -> Bool { bytes.starts(with: prefix) }

    /// Hot: every log line and store row names a MAC, so this writes the 17 bytes straight into the string's
    /// storage: one allocation, not a byte array's and then the string's.
    public var description: String {
        String(unsafeUninitializedCapacity: 17) { out in
            var n = 0
            for (index, byte) in bytes.enumerated() {
                if index > 0 {
                    out[n] = UInt8(ascii: ":")
                    n += 1
                }
                out[n] = hexDigits[Int(byte >> 4)]
                out[n + 1] = hexDigits[Int(byte & 0x0F)]
                n += 2
            }
            return n
        }
    }

    /// Uppercase without separators, the form Cisco uses in `SEP001E7A2554A1.cnf.xml`.
    public var compactUppercase: String { bytes.map { hex2($0).uppercased() }.joined() }

    public static func < (lhs: MACAddress, rhs: MACAddress) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }
}

/// Two lowercase hex digits.
public func hex2(_ byte: UInt8) -> String {
    String(decoding: [hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]], as: UTF8.self)
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

/// Parses a MAC prefix such as `00:1e:7a` (1 to 6 bytes, `:`/`-` separated or bare hex).
public func parseMACPrefix(_ text: String) -> [UInt8]? {
    let hex = String(text.filter { $0 != ":" && $0 != "-" && $0 != "." })
    guard !hex.isEmpty, hex.count % 2 == 0, hex.count <= 12, hex.allSatisfy(\.isHexDigit) else { return nil }
    var out: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        out.append(UInt8(hex[index..<next], radix: 16)!)
        index = next
    }
    return out
}

/// Bytes written as colon-separated hex pairs of any length (`01:00:1e:7a:25:54:a1`, a client identifier),
/// or nil when the text is not exactly that. Longer than a MAC, so `parseMACPrefix` does not take it.
public func parseHexPairs(_ text: String) -> [UInt8]? {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count >= 2, parts.count <= 255, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isHexDigit) })
    else {
        return nil
    }
    return parts.map { UInt8($0, radix: 16)! }
}
