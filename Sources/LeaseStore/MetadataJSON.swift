/// Event metadata as stored in the `event.metadata` column: a JSON object of strings (keys in no
/// particular order: readers decode it into a dictionary).
/// Written by hand, into one byte buffer, because it runs once per stored event on the DHCP path's writer
/// thread: Foundation's JSONEncoder cost more than the SQLite insert it fed, and String appends about
/// half as much again (perf under bench/dhcp, docs/benchmarks.md). Read back with JSONDecoder, which
/// accepts exactly this (RFC 8259 section 7 escapes).
enum MetadataJSON {
    static func encode(_ metadata: [String: String]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        out.append(UInt8(ascii: "{"))
        var first = true
        for (key, value) in metadata {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            append(key, to: &out)
            out.append(UInt8(ascii: ":"))
            append(value, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Escapes bytes, not characters: every byte of a multi-byte UTF-8 sequence is >= 0x80 and passes
    /// through unchanged, so the output stays valid UTF-8.
    private static func append(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20: out += [UInt8(ascii: "\\"), UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
