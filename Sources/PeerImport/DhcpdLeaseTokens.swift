/// The tokens of ISC dhcpd's lease file, which uses dhcpd.conf's syntax (dhcpd.leases(5)): words, quoted
/// strings with C escapes (`uid "\001\000\036z%T\241";` is octal), `{`, `}` and `;`, and `#` comments.
struct DhcpdToken: Hashable {
    enum Kind: Hashable { case word, string, open, close, semicolon }
    var kind: Kind
    /// A string's bytes after escapes (a uid is binary), or a word's text.
    var bytes: [UInt8]
    var line: Int

    var text: String { String(decoding: bytes, as: UTF8.self) }
}

enum DhcpdTokenizer {
    static func tokens(_ text: String, file: String) throws(PeerImportError) -> [DhcpdToken] {
        var tokens: [DhcpdToken] = []
        let bytes = Array(text.utf8)
        var index = 0
        var line = 1
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\n"):
                line += 1
                index += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                index += 1
            case UInt8(ascii: "#"):
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: ";"):
                let kind: DhcpdToken.Kind =
                    byte == UInt8(ascii: "{") ? .open : byte == UInt8(ascii: "}") ? .close : .semicolon
                tokens.append(DhcpdToken(kind: kind, bytes: [byte], line: line))
                index += 1
            case UInt8(ascii: "\""):
                let start = line
                var value: [UInt8] = []
                index += 1
                while true {
                    guard index < bytes.count else {
                        throw PeerImportError(file: file, line: start, message: "a quoted string is never closed")
                    }
                    let c = bytes[index]
                    if c == UInt8(ascii: "\"") {
                        index += 1
                        break
                    }
                    if c == UInt8(ascii: "\n") { line += 1 }
                    if c == UInt8(ascii: "\\"), index + 1 < bytes.count {
                        let (decoded, length) = escape(bytes, at: index + 1)
                        value.append(decoded)
                        index += 1 + length
                    } else {
                        value.append(c)
                        index += 1
                    }
                }
                tokens.append(DhcpdToken(kind: .string, bytes: value, line: start))
            default:
                let start = index
                while index < bytes.count, !" \t\r\n{};\"#".utf8.contains(bytes[index]) { index += 1 }
                tokens.append(DhcpdToken(kind: .word, bytes: Array(bytes[start..<index]), line: line))
            }
        }
        return tokens
    }

    /// One escape after a backslash: up to three octal digits, `\t`, `\r`, `\n`, or the character itself.
    private static func escape(_ bytes: [UInt8], at index: Int) -> (UInt8, Int) {
        let octal = UInt8(ascii: "0")...UInt8(ascii: "7")
        var value = 0
        var length = 0
        while length < 3, index + length < bytes.count, octal.contains(bytes[index + length]) {
            value = value * 8 + Int(bytes[index + length] - UInt8(ascii: "0"))
            length += 1
        }
        if length > 0 { return (UInt8(truncatingIfNeeded: value), length) }
        switch bytes[index] {
        case UInt8(ascii: "t"): return (9, 1)
        case UInt8(ascii: "n"): return (10, 1)
        case UInt8(ascii: "r"): return (13, 1)
        default: return (bytes[index], 1)
        }
    }
}
