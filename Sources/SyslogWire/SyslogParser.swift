/// Lenient syslog parsing: RFC 5424 when the header says version 1, else RFC 3164, else the raw text.
/// Nothing throws: a device's odd line is still shown and stored, with whatever fields could be read.
public enum SyslogParser {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    public static func parse(_ bytes: [UInt8]) -> SyslogMessage {
        // Trailing newlines and NULs are transport noise (many devices append them).
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D || bytes[end - 1] == 0 { end -= 1 }
        let text = String(decoding: bytes[0..<end], as: UTF8.self)
        guard let (facility, severity, rest) = priority(text) else {
            return SyslogMessage(format: .unstructured, message: text)
        }
        if rest.hasPrefix("1 ") { return rfc5424(facility, severity, rest.dropFirst(2)) }
        return rfc3164(facility, severity, rest)
    }

    /// `<PRI>` with PRI 0...191, at most 3 digits and no leading zero (RFC 5424 §6.2.1).
    static func priority(_ text: String) -> (Int, Int, Substring)? {
        guard text.first == "<", let close = text.firstIndex(of: ">") else { return nil }
        let digits = text[text.index(after: text.startIndex)..<close]
        guard (1...3).contains(digits.count), digits.allSatisfy(\.isASCII), let value = Int(digits),
            (0...191).contains(value),
            digits == "0" || digits.first != "0"
        else { return nil }
        return (value / 8, value % 8, text[text.index(after: close)...])
    }

    /// RFC 5424 §6: VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD [SP MSG].
    static func rfc5424(_ facility: Int, _ severity: Int, _ rest: Substring) -> SyslogMessage {
        var fields: [String?] = []
        var cursor = rest
        for _ in 0..<5 {
            let token = cursor.prefix(while: { $0 != " " })
            fields.append(token == "-" ? nil : String(token))
            cursor = cursor.dropFirst(token.count).drop(while: { $0 == " " })
        }
        var structured: String?
        if cursor.hasPrefix("-") {
            cursor = cursor.dropFirst()
        } else if cursor.hasPrefix("[") {
            // SD-ELEMENTs: [..] repeated; `]` inside quoted values is escaped as `\]` (§6.3.3).
            var index = cursor.startIndex
            var inQuotes = false
            var escaped = false
            while index < cursor.endIndex {
                let c = cursor[index]
                if escaped {
                    escaped = false
                } else if c == "\\" {
                    escaped = true
                } else if c == "\"" {
                    inQuotes.toggle()
                } else if !inQuotes, c == "]" {
                    let next = cursor.index(after: index)
                    if next == cursor.endIndex || cursor[next] != "[" {
                        index = next
                        break
                    }
                }
                index = cursor.index(after: index)
            }
            structured = String(cursor[cursor.startIndex..<index])
            cursor = cursor[index...]
        }
        var message = String(cursor.drop(while: { $0 == " " }))
        if message.hasPrefix("\u{FEFF}") { message.removeFirst() }  // the BOM of §6.4
        return SyslogMessage(
            format: .rfc5424, facility: facility, severity: severity, timestamp: fields[0], hostname: fields[1],
            appName: fields[2],
            processID: fields[3], messageID: fields[4], structuredData: structured, message: message)
    }

    /// RFC 3164 §4.1: `Mmm dd hh:mm:ss HOSTNAME TAG[pid]: MSG`. Timestamp and hostname are optional in
    /// practice (Cisco phones send `<PRI>seq: text`), and the tag is taken only when it looks like one.
    static func rfc3164(_ facility: Int, _ severity: Int, _ rest: Substring) -> SyslogMessage {
        var cursor = rest
        var timestamp: String?
        var hostname: String?
        if cursor.count >= 15, months.contains(String(cursor.prefix(3))), cursor.dropFirst(3).first == " " {
            let stamp = cursor.prefix(15)
            if stamp.dropFirst(9).prefix(1) == ":" || stamp.dropFirst(9).prefix(1).allSatisfy(\.isNumber) {
                timestamp = String(stamp)
                cursor = cursor.dropFirst(15).drop(while: { $0 == " " })
                // After a timestamp comes the host name, unless the next token is already the tag.
                let token = cursor.prefix(while: { $0 != " " })
                if !token.isEmpty, !token.hasSuffix(":"), !token.contains("[") {
                    hostname = String(token)
                    cursor = cursor.dropFirst(token.count).drop(while: { $0 == " " })
                }
            }
        }
        var appName: String?
        var processID: String?
        let tag = cursor.prefix(while: { $0 != " " && $0 != ":" })
        if !tag.isEmpty, tag.count <= 48, cursor.dropFirst(tag.count).first == ":" {
            if let open = tag.firstIndex(of: "["), tag.last == "]" {
                appName = String(tag[tag.startIndex..<open])
                processID = String(tag[tag.index(after: open)..<tag.index(before: tag.endIndex)])
            } else {
                appName = String(tag)
            }
            cursor = cursor.dropFirst(tag.count + 1).drop(while: { $0 == " " })
        }
        return SyslogMessage(
            format: .rfc3164, facility: facility, severity: severity, timestamp: timestamp, hostname: hostname,
            appName: appName,
            processID: processID, message: String(cursor))
    }
}
