/// Text heard on the wire, made safe to write where a line break or an escape sequence means something: a
/// log file, a terminal. Anyone on the link chooses these bytes; written raw, a syslog message holding a
/// newline forges a second line in `syslog.file`, and an ESC sequence repaints the admin's terminal.
/// rsyslog escapes on receive for exactly this reason (`$EscapeControlCharactersOnReceive`, default on).
/// Invalid UTF-8 is already visible by then: decoding turns it into U+FFFD.
public enum VisibleText {
    /// rsyslog's form: each control character (C0, DEL, and the C1 range) as `#` and three octal digits of
    /// its code, so a newline reads `#012` and a tab `#011`. Printable text, `#` included, is unchanged.
    public static func rsyslog(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isControl(scalar), scalar.value < 0x100 {
                out.append("#")
                for digit in String(scalar.value, radix: 8).leftPadded(to: 3).unicodeScalars { out.append(digit) }
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
            case _ where isControl(scalar): out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
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
