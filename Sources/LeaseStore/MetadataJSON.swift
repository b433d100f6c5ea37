import Timeline

/// Event metadata as stored in the `event.metadata` column: a JSON object of strings, keys in the order the
/// emitter set them (`EventMetadata`); readers must not depend on it (they decode it into a dictionary).
/// Written by hand, into one byte buffer, because it runs once per stored event on the DHCP path's writer
/// thread: Foundation's JSONEncoder cost more than the SQLite insert it fed, and String appends about
/// half as much again (perf under bench/dhcp, docs/benchmarks.md). Read back by hand too (the dashboard
/// reads the history of hundreds of phones), with JSONSerialization as the fallback for anything else.
package enum MetadataJSON {
    package static func encode(_ metadata: [String: String]) -> String {
        String(decoding: bytes(pairs: metadata.lazy.map { ($0.key, $0.value) }), as: UTF8.self)
    }

    /// A timeline event's metadata, keys by raw value (`TimelineEvent.storedMetadata`'s strings), written
    /// straight from the typed metadata: no intermediate dictionary of strings per stored event.
    package static func encode(_ metadata: EventMetadata) -> String {
        String(decoding: utf8(metadata), as: UTF8.self)
    }

    /// `encode`'s bytes, for the store to bind as they are: valid UTF-8 (Swift strings' bytes, and ASCII
    /// escapes), never a NUL (a control byte is escaped). Saves building and checking a String per row.
    package static func utf8(_ metadata: EventMetadata) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        out.append(UInt8(ascii: "{"))
        for (key, value) in metadata {
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            // The catalogue's raw values are plain ASCII identifiers (a test checks): copied, not scanned.
            // With that, the encoder's own instructions fell from about 3.2k to 1.3k an event (callgrind,
            // bench/dhcp).
            if case .other(let raw) = key { append(raw, to: &out) } else { appendPlain(key.rawValue, to: &out) }
            out.append(UInt8(ascii: ":"))
            append(value, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// A string that needs no escape, quoted.
    private static func appendPlain(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { out.append(contentsOf: $0) }
        out.append(UInt8(ascii: "\""))
    }

    /// Whether `string` can be written between quotes as it is (`append` would escape none of its bytes).
    package static func isPlain(_ string: String) -> Bool {
        string.utf8.allSatisfy { !needsEscape($0) }
    }

    @inline(__always)
    private static func needsEscape(_ byte: UInt8) -> Bool { byte < 0x20 || byte == 0x22 || byte == 0x5C }

    private static func bytes(pairs: some Sequence<(String, String)>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        out.append(UInt8(ascii: "{"))
        var first = true
        for (key, value) in pairs {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            append(key, to: &out)
            out.append(UInt8(ascii: ":"))
            append(value, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Escapes bytes, not characters: every byte of a multi-byte UTF-8 sequence is >= 0x80 and passes
    /// through unchanged, so the output stays valid UTF-8. Runs of bytes that need no escape are copied
    /// whole: this runs for every byte of every stored event (callgrind, bench/dhcp/run.sh).
    private static func append(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            // A plain index loop over the buffer, no iterator.
            var start = 0
            var i = 0
            while i < bytes.count {
                let byte = bytes[i]
                if needsEscape(byte) {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
                    escape(byte, to: &out)
                    start = i + 1
                }
                i += 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func escape(_ byte: UInt8, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
        case UInt8(ascii: "\n"): out.append(UInt8(ascii: "n"))
        case UInt8(ascii: "\r"): out.append(UInt8(ascii: "r"))
        case UInt8(ascii: "\t"): out.append(UInt8(ascii: "t"))
        default:
            out.append(UInt8(ascii: "u"))
            out.append(0x30)
            out.append(0x30)
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0xF)])
        }
    }

    /// Parses a flat object of strings, as `encode` writes it (and as JSONEncoder did before). Nil for
    /// anything else, so the caller can fall back to a general parser.
    package static func decode(_ text: String) -> [String: String]? {
        var bytes = Array(text.utf8)[...]
        var out: [String: String] = [:]
        func skipSpace() {
            while let b = bytes.first, b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { bytes.removeFirst() }
        }
        func expect(_ c: UInt8) -> Bool {
            skipSpace()
            guard bytes.first == c else { return false }
            bytes.removeFirst()
            return true
        }
        guard expect(UInt8(ascii: "{")) else { return nil }
        if expect(UInt8(ascii: "}")) { return bytes.allSatisfy { $0 == 0x20 || $0 == 0x0A } ? out : nil }
        repeat {
            skipSpace()
            guard let key = string(&bytes), expect(UInt8(ascii: ":")) else { return nil }
            skipSpace()
            guard let value = string(&bytes) else { return nil }
            out[key] = value
        } while expect(UInt8(ascii: ","))
        return expect(UInt8(ascii: "}")) ? out : nil
    }

    /// `\"` `\\` `\/` `\b` `\f` `\n` `\r` `\t`: the escaped byte -> the byte it stands for.
    private static let simpleEscapes: [UInt8: UInt8] = [
        0x22: 0x22, 0x5C: 0x5C, 0x2F: 0x2F, 0x62: 0x08, 0x66: 0x0C, 0x6E: 0x0A, 0x72: 0x0D, 0x74: 0x09,
    ]

    /// One JSON string at the front of `bytes` (RFC 8259 section 7), consumed.
    private static func string(_ bytes: inout ArraySlice<UInt8>) -> String? {
        guard bytes.first == UInt8(ascii: "\"") else { return nil }
        bytes.removeFirst()
        var out: [UInt8] = []
        var pendingHigh: UInt32?
        while let b = bytes.popFirst() {
            switch b {
            case UInt8(ascii: "\""):
                guard pendingHigh == nil else { return nil }
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let e = bytes.popFirst() else { return nil }
                if let c = simpleEscapes[e] {
                    guard pendingHigh == nil else { return nil }
                    out.append(c)
                    continue
                }
                guard e == UInt8(ascii: "u"), bytes.count >= 4,
                    let unit = UInt32(String(decoding: bytes.prefix(4), as: UTF8.self), radix: 16)
                else { return nil }
                bytes.removeFirst(4)
                if let high = pendingHigh {
                    guard (0xDC00...0xDFFF).contains(unit),
                        let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00))
                    else { return nil }
                    out += Array(String(Character(scalar)).utf8)
                    pendingHigh = nil
                } else if (0xD800...0xDBFF).contains(unit) {
                    pendingHigh = unit
                } else {
                    guard let scalar = Unicode.Scalar(unit) else { return nil }
                    out += Array(String(Character(scalar)).utf8)
                }
            default:
                guard pendingHigh == nil, b >= 0x20 else { return nil }
                out.append(b)
            }
        }
        return nil
    }
}
