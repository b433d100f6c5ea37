/// A 48-bit Ethernet address. Admins paste MACs in every notation (Cisco `001e.7a25.54a1`, Windows
/// `00-1E-7A-25-54-A1`, bare `001E7A2554A1`), so parsing accepts all of them; printing is always lowercase
/// with colons so logs, the store and the API agree on one spelling.
public struct MACAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The six bytes in the low 48 bits, the first byte highest, so that comparing the integers orders MACs
    /// as their bytes. An array here was a heap object that every copy of every lease, event, client key and
    /// dictionary key retained and released, and hashing it walked the array; one integer is copied, compared
    /// and hashed in place (callgrind, bench/dhcp, docs/benchmarks.md).
    private let value: UInt64

    public var bytes: [UInt8] { (0..<6).map { self[$0] } }

    /// Byte `index` (0-5), without building `bytes`.
    public subscript(index: Int) -> UInt8 {
        precondition((0..<6).contains(index), "a MAC address has bytes 0-5, not \(index)")
        return UInt8(truncatingIfNeeded: value >> UInt64(40 - 8 * index))
    }

    public init?(bytes: [UInt8]) { self.init(bytes: bytes[...]) }

    /// Concrete, not generic over `Collection`: called from other modules, a generic initialiser ran
    /// unspecialised and allocated for every byte it read (callgrind, bench/dhcp).
    public init?(bytes: ArraySlice<UInt8>) {
        guard bytes.count == 6 else { return nil }
        var value: UInt64 = 0
        for byte in bytes { value = value << 8 | UInt64(byte) }
        self.value = value
    }

    public init?(_ text: some StringProtocol) {
        let hex = String(text.filter { $0 != ":" && $0 != "-" && $0 != "." })
        guard hex.count == 12, hex.allSatisfy(\.isHexDigit) else { return nil }
        // Separators, if any, must sit on byte or Cisco-word boundaries: "0:01e7..." is a typo, not a MAC.
        if hex.count != text.count, !MACAddress.separatorsWellPlaced(String(text)) { return nil }
        guard let value = UInt64(hex, radix: 16) else { return nil }
        self.value = value
    }

    private static func separatorsWellPlaced(_ text: String) -> Bool {
        let groups = text.split(
            omittingEmptySubsequences: false, whereSeparator: { $0 == ":" || $0 == "-" || $0 == "." })
        let sizes = groups.map { $0.count }
        return sizes == [2, 2, 2, 2, 2, 2] || sizes == [4, 4, 4]
    }

    /// The 24-bit organisationally unique identifier, for vendor matching (Cisco phones: 00:1e:7a, ...).
    public var oui: [UInt8] { (0..<3).map { self[$0] } }

    public func hasPrefix(_ prefix: [UInt8]) -> Bool {
        prefix.count <= 6 && prefix.indices.allSatisfy { prefix[$0] == self[$0 - prefix.startIndex] }
    }

    /// Hot: every log line and store row names a MAC, so this writes the 17 bytes straight into the string's
    /// storage: one allocation, not a byte array's and then the string's.
    public var description: String {
        String(unsafeUninitializedCapacity: 17) { out in
            var n = 0
            for index in 0..<6 {
                let byte = self[index]
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

    public static func < (lhs: MACAddress, rhs: MACAddress) -> Bool { lhs.value < rhs.value }
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
