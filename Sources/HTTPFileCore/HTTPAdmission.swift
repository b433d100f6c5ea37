import TFTPCore

/// Step 1 of an HTTP file request, before anything is opened: the method and the request target become the
/// path components to look up, with the TFTP root's own rules (TFTPPath: `\` is `/`, no `..`, relative to
/// the root), so the same name reaches the same file over either protocol and the same names are refused.
public enum HTTPAdmission {
    public enum Method: String, Hashable, Sendable {
        case get = "GET"
        case head = "HEAD"
    }

    public struct Refusal: Error, Hashable, Sendable {
        /// 400, 404 or 405.
        public var status: Int
        public var reason: String
        public init(status: Int, reason: String) {
            (self.status, self.reason) = (status, reason)
        }
    }

    public struct Admitted: Hashable, Sendable {
        public var method: Method
        /// The percent-decoded path as asked, for the log and the timeline.
        public var name: String
        public var components: [String]
    }

    /// - Parameters:
    ///   - method: the request's method, as sent.
    ///   - target: the origin-form request target (`/path?query`, RFC 9112 §3.2.1); the query is ignored.
    public static func admit(method: String, target: String) -> Result<Admitted, Refusal> {
        // A file server has only safe methods: anything else is 405 with `Allow` (RFC 9110 §15.5.6).
        guard let method = Method(rawValue: method) else {
            return .failure(Refusal(status: 405, reason: "method \(method) is not served (GET, HEAD)"))
        }
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard let name = percentDecoded(path) else {
            return .failure(Refusal(status: 400, reason: "malformed percent-encoding in the path"))
        }
        do throws(TFTPPath.Refusal) {
            // The origin form's one leading `/` is the root; what follows is named as a TFTP client would
            // name it (so `/C:\tftp\x` loses its drive letter as `C:\tftp\x` does over TFTP).
            let relative = name.hasPrefix("/") ? String(name.dropFirst()) : name
            return .success(Admitted(method: method, name: name, components: try TFTPPath.components(of: relative)))
        } catch .empty {
            // `/` names no file: no directory listings (the TFTP root is not browsable over TFTP either).
            // Its own reason, so the "file missing" finding does not count a browser's look at the root.
            return .failure(Refusal(status: 404, reason: "no file named: the root is not listed"))
        } catch {
            return .failure(Refusal(status: 400, reason: "access violation: \(error)"))
        }
    }

    /// RFC 3986 §2.1: `%XX` to its octet; the result must be UTF-8. Nil for a bad escape.
    static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
