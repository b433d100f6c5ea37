/// JSON that stays inert wherever it is read: a terminal (`--log-format json`, `leases --json`), a browser,
/// a script. RFC 8259 §7 only requires C0 controls, `"` and `\` to be escaped inside strings; DEL, the C1
/// controls (U+0080-U+009F: 8-bit CSI is U+009B) and the invisible format characters may appear raw, and
/// Foundation's encoders leave them so. A sender on the wire chooses those characters (issue 14), so every
/// JSON Dialtone writes goes through here and carries them as `\u` escapes: the same JSON value, and no byte
/// a terminal would act on. Invalid UTF-8 never gets this far: decoding wire bytes turns it into U+FFFD.
public enum JSONText {
    /// A JSON string literal, quotes included, with every control and invisible format character escaped.
    public static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where needsEscape(scalar): out += unicodeEscape(scalar)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Serialized JSON with its raw DEL, C1 and invisible format characters rewritten as `\u` escapes. Those
    /// characters can only occur inside strings (they are not JSON's structural or whitespace characters),
    /// so the document means the same. Input that already escapes them comes back unchanged.
    public static func escapingInvisibles(_ json: [UInt8]) -> [UInt8] {
        // ASCII below DEL is the common case: nothing to do.
        guard json.contains(where: { $0 >= 0x7F }) else { return json }
        var out: [UInt8] = []
        out.reserveCapacity(json.count + 16)
        for scalar in String(decoding: json, as: UTF8.self).unicodeScalars {
            if scalar.value >= 0x7F, needsEscape(scalar) {
                out += Array(unicodeEscape(scalar).utf8)
            } else {
                out += Array(String(scalar).utf8)
            }
        }
        return out
    }

    public static func escapingInvisibles(_ json: String) -> String {
        String(decoding: escapingInvisibles(Array(json.utf8)), as: UTF8.self)
    }

    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        VisibleText.isControl(scalar) || VisibleText.isInvisibleFormat(scalar)
    }

    /// `\u001B`, `\u009B`, `\u202E`: every character concerned is in the Basic Multilingual Plane.
    static func unicodeEscape(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
