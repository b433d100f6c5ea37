/// The `Range` request header (RFC 9110 §14.1.2, §14.2), one range only. iPXE, curl and UEFI HTTP Boot ask
/// for one range to resume or to read a header; a multi-range request may be ignored (§14.2: "A server
/// MAY ignore the Range header field"), and we answer it with the whole file, which every client accepts,
/// instead of a multipart/byteranges body none of our clients needs.
public enum ByteRange: Hashable, Sendable {
    /// Serve these bytes with 206: `offset` and `length` within the file.
    case satisfiable(offset: Int64, length: Int64)
    /// 416 (§15.5.17): no byte of the range is in the file.
    case unsatisfiable
    /// Serve the whole file with 200: no usable range (another unit, several ranges, a syntax error).
    case ignored

    /// - Parameters:
    ///   - header: the `Range` field's value, nil when absent.
    ///   - size: the file's size in bytes.
    public static func parse(_ header: String?, size: Int64) -> ByteRange {
        guard let header else { return .ignored }
        let text = header.trimmingSpaces()
        // The unit is case-insensitive (§14.1); only `bytes` is defined.
        guard text.lowercased().hasPrefix("bytes=") else { return .ignored }
        let set = text.dropFirst("bytes=".count)
        guard !set.contains(",") else { return .ignored }
        let spec = set.trimmingSpaces()
        guard let dash = spec.firstIndex(of: "-") else { return .ignored }
        let first = spec[..<dash], last = spec[spec.index(after: dash)...]
        if first.isEmpty {
            // suffix-range: the last N bytes (§14.1.2); N = 0 selects nothing.
            guard let count = digits(last) else { return .ignored }
            guard count > 0, size > 0 else { return .unsatisfiable }
            let length = min(count, size)
            return .satisfiable(offset: size - length, length: length)
        }
        guard let start = digits(first) else { return .ignored }
        var end = size - 1
        if !last.isEmpty {
            guard let given = digits(last) else { return .ignored }
            // last-pos < first-pos makes the range invalid, so the header is ignored (§14.1.2).
            guard given >= start else { return .ignored }
            end = min(given, size - 1)
        }
        guard start < size else { return .unsatisfiable }
        return .satisfiable(offset: start, length: end - start + 1)
    }

    /// 1*DIGIT, without a sign, within Int64.
    static func digits(_ text: Substring) -> Int64? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int64(text)
    }
}

extension StringProtocol {
    /// Without the spaces and tabs around it (RFC 9110 §5.6.3 OWS).
    func trimmingSpaces() -> String {
        var text = Substring(String(self))
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return String(text)
    }
}
