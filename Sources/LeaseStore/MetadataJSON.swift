/// Event metadata as stored in the `event.metadata` column: a JSON object of strings with sorted keys.
/// Written by hand because it runs once per stored event, on the DHCP path's writer thread: Foundation's
/// JSONEncoder cost more than the SQLite insert it fed (bench/dhcp, docs/benchmarks.md). Read back with
/// JSONDecoder, which accepts exactly this (RFC 8259 section 7 escapes).
enum MetadataJSON {
    static func encode(_ metadata: [String: String]) -> String {
        var out = "{"
        var first = true
        for key in metadata.keys.sorted() {
            if !first { out += "," }
            first = false
            append(key, to: &out)
            out += ":"
            append(metadata[key]!, to: &out)
        }
        return out + "}"
    }

    private static func append(_ string: String, to out: inout String) {
        out += "\""
        // Fast path: nothing to escape, which is nearly every key and value.
        if !string.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out += string
            return out += "\""
        }
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
