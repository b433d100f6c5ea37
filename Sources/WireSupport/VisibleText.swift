/// Text heard on the wire, made safe to write where a line break or an escape sequence means something: a
/// log file, a terminal. Anyone on the link chooses these bytes; written raw, a syslog message holding a
/// newline forges a second line in `syslog.file`, and an ESC sequence repaints the admin's terminal.
/// rsyslog escapes on receive for exactly this reason (`$EscapeControlCharactersOnReceive`, default on).
/// Invalid UTF-8 is already visible by then: decoding turns it into U+FFFD.
public enum VisibleText {
    /// rsyslog's form: each control character (C0, DEL, and the C1 range) as `#` and three octal digits of
    /// its code, so a newline reads `#012` and a tab `#011`. A direction character (`isInvisibleFormat`) is
    /// written as its UTF-8 bytes in the same form (U+202E reads `#342#200#256`), as rsyslog's
    /// `$Escape8BitCharactersOnReceive` would write it. Printable text, `#` included, is unchanged.
    public static func rsyslog(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) || isInvisibleFormat($0) }) else { return text }
        var out = String.UnicodeScalarView()
        func octal(_ value: UInt32) {
            out.append("#")
            for digit in String(value, radix: 8).leftPadded(to: 3).unicodeScalars { out.append(digit) }
        }
        for scalar in text.unicodeScalars {
            if isControl(scalar), scalar.value < 0x100 {
                octal(scalar.value)
            } else if isInvisibleFormat(scalar) {
                for byte in String(scalar).utf8 { octal(UInt32(byte)) }
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Backslash form for a quoted log value: `\n`, `\r`, `\t`, `\\`, `\"`, and `\u{1B}` for the other controls.
    public static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case _ where isControl(scalar) || isInvisibleFormat(scalar):
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// One line for a terminal (`explain`, `leases`, `simulate`, the TFTP client): control and direction
    /// characters in the backslash form above, everything else as it is, so a value from the wire can
    /// neither end the line nor repaint or reorder the screen. Quotes and backslashes stay: the line is
    /// read by people, not parsed back.
    public static func line(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0) || isInvisibleFormat($0) }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where isControl(scalar) || isInvisibleFormat(scalar):
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Characters that change how a line reads without showing themselves: line and paragraph separators
    /// (U+2028/9, new lines to some viewers and to JavaScript before ES2019) and the bidirectional marks,
    /// embeddings, overrides and isolates (Unicode TR 9; the "Trojan Source" reordering, CVE-2021-42574).
    public static func isInvisibleFormat(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// C0 controls, DEL and C1 controls (U+0080-U+009F): what a terminal or a line-based file interprets.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
