/// Step 2 of an HTTP file request, once the file is open: the status, the headers and which bytes to send,
/// from the request's conditional and range fields and the file's validators. Pure, so every branch of
/// RFC 9110's evaluation order (§13.2.2) is table-tested; the shell only streams the chosen bytes.
public struct HTTPFileResponse: Hashable, Sendable {
    public var status: Int
    /// In the order sent. `Content-Length` is always present, also on HEAD (the GET's length, §9.3.2).
    public var headers: [(String, String)]
    /// The bytes of the file the body carries; nil: no body (HEAD, 304, 416).
    public var body: (offset: Int64, length: Int64)?

    /// The request fields that matter here, nil when absent.
    public struct Conditions: Hashable, Sendable {
        public var range: String?
        public var ifRange: String?
        public var ifNoneMatch: String?
        public var ifModifiedSince: String?
        public init(
            range: String? = nil, ifRange: String? = nil, ifNoneMatch: String? = nil, ifModifiedSince: String? = nil
        ) {
            (self.range, self.ifRange, self.ifNoneMatch, self.ifModifiedSince) = (
                range, ifRange, ifNoneMatch, ifModifiedSince
            )
        }
    }

    public static func decide(_ method: HTTPAdmission.Method, _ conditions: Conditions, file: FileFacts)
        -> HTTPFileResponse
    {
        var validators: [(String, String)] = [("ETag", file.tag.description)]
        if let modified = file.modified { validators.append(("Last-Modified", HTTPDate.format(modified))) }
        // Generated configs change from one boot to the next: caches must ask again (RFC 9111 §5.2.2.4).
        validators.append(("Cache-Control", "no-cache"))
        if notModified(conditions, file: file) {
            return HTTPFileResponse(status: 304, headers: validators, body: nil)
        }
        let common = [("Content-Type", file.contentType), ("Accept-Ranges", "bytes")] + validators
        // §14.2: GET is the only method range handling is defined for; HEAD describes the whole file.
        var range = method == .get ? ByteRange.parse(conditions.range, size: file.size) : .ignored
        if range != .ignored, let ifRange = conditions.ifRange, !rangeStillValid(ifRange, file: file) {
            range = .ignored  // §13.1.5: the client's copy is stale, send the whole new file.
        }
        switch range {
        case .satisfiable(let offset, let length):
            let contentRange = "bytes \(offset)-\(offset + length - 1)/\(file.size)"
            return HTTPFileResponse(
                status: 206, headers: common + [("Content-Range", contentRange), ("Content-Length", "\(length)")],
                body: (offset, length))
        case .unsatisfiable:
            // §15.5.17: the current length, so the client can ask again.
            return HTTPFileResponse(
                status: 416, headers: common + [("Content-Range", "bytes */\(file.size)"), ("Content-Length", "0")],
                body: nil)
        case .ignored:
            return HTTPFileResponse(
                status: 200, headers: common + [("Content-Length", "\(file.size)")],
                body: method == .get ? (0, file.size) : nil)
        }
    }

    /// §13.1.2-§13.1.3 in §13.2.2's order: If-None-Match decides when present, and If-Modified-Since is
    /// then ignored; a date only counts for a file with a modification time, compared in whole seconds.
    static func notModified(_ conditions: Conditions, file: FileFacts) -> Bool {
        if let field = conditions.ifNoneMatch {
            switch EntityTag.list(field) {
            case .any: return true
            case .tags(let tags): return tags.contains { $0.matches(file.tag, strong: false) }
            case nil: return false
            }
        }
        if let field = conditions.ifModifiedSince, let since = HTTPDate.parse(field), let modified = file.modified {
            return modified <= since
        }
        return false
    }

    /// §13.1.5: an entity tag must match strongly; a date must equal Last-Modified exactly.
    static func rangeStillValid(_ field: String, file: FileFacts) -> Bool {
        let trimmed = field.trimmingSpaces()
        if trimmed.hasPrefix("\"") || trimmed.hasPrefix("W/") {
            guard case .tags(let tags) = EntityTag.list(trimmed), tags.count == 1 else { return false }
            return tags[0].matches(file.tag, strong: true)
        }
        guard let date = HTTPDate.parse(trimmed), let modified = file.modified else { return false }
        return date == modified
    }

    public static func == (a: HTTPFileResponse, b: HTTPFileResponse) -> Bool {
        a.status == b.status && a.headers.elementsEqual(b.headers, by: ==) && a.body?.offset == b.body?.offset
            && a.body?.length == b.body?.length
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(status)
        for (name, value) in headers {
            hasher.combine(name)
            hasher.combine(value)
        }
    }

    /// The named header's value, for the shell's log and the tests.
    public func header(_ name: String) -> String? { headers.first { $0.0 == name }?.1 }
}
