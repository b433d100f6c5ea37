/// The web token's decoding, out of the HTTP layer so it is pure and fuzzed (FuzzTesting/HTTPQueryFuzz):
/// anyone who reaches the dashboard's port chooses the query string and the cookie, before any login.
public enum FormQuery {
    /// A query parameter decoded as an HTML form encodes it (`+` is a space, then percent escapes): the
    /// login form submits the token that way, and Hummingbird's own decoding leaves `+` alone. The first
    /// `name=` pair wins; a pair whose escapes do not decode gives nil, as if absent. Split on bytes, not
    /// Characters: a combining mark after `&` or `=` must not glue two pairs into one grapheme.
    public static func value(_ name: String, query: String?) -> String? {
        guard let query else { return nil }
        let key = Array(name.utf8)
        for pair in Array(query.utf8).split(separator: UInt8(ascii: "&")) {
            guard let equals = pair.firstIndex(of: UInt8(ascii: "=")), Array(pair[..<equals]) == key else { continue }
            let value = pair[(equals + 1)...].map { $0 == UInt8(ascii: "+") ? UInt8(ascii: " ") : $0 }
            return percentDecoded(bytes: value)
        }
        return nil
    }

    /// RFC 3986 §2.1 escapes resolved, or nil when a `%` is not followed by two hex digits or the bytes
    /// are not UTF-8: Foundation's `removingPercentEncoding`, which the middleware used before, does the
    /// same (the fuzz target compares the two).
    public static func percentDecoded(_ text: String) -> String? { percentDecoded(bytes: Array(text.utf8)) }

    static func percentDecoded(bytes input: [UInt8]) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            guard input[index] == UInt8(ascii: "%") else {
                bytes.append(input[index])
                index += 1
                continue
            }
            guard index + 2 < input.count, let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2])
            else { return nil }
            bytes.append(high << 4 | low)
            index += 3
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Constant time in the token's length: the comparison does not stop at the first different byte, so
    /// response times do not tell an attacker how much of a guess was right.
    public static func matches(_ given: String, _ expected: String) -> Bool {
        let a = Array(given.utf8), b = Array(expected.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
