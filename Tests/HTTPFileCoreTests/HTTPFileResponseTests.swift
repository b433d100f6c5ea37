import HTTPFileCore
import Testing

/// RFC 9110 §13.2.2's order on one file on disk (1000 bytes, modified at 784111777) and one generated file.
struct HTTPFileResponseTests {
    typealias C = HTTPFileResponse.Conditions
    static let disk = FileFacts(
        size: 1000, tag: .file(size: 1000, modifiedNanoseconds: 784_111_777_000_000_000), modified: 784_111_777,
        contentType: "application/octet-stream")
    static let tag = disk.tag.description
    static let date = "Sun, 06 Nov 1994 08:49:37 GMT"
    static let later = "Sun, 06 Nov 1994 08:49:38 GMT"
    static let earlier = "Sun, 06 Nov 1994 08:49:36 GMT"

    /// (method, conditions, status, body offset and length or nil, Content-Range or nil)
    static let rows: [(HTTPAdmission.Method, C, Int, [Int64]?, String?)] = [
        (.get, C(), 200, [0, 1000], nil),
        (.head, C(), 200, nil, nil),
        (.get, C(range: "bytes=100-199"), 206, [100, 100], "bytes 100-199/1000"),
        (.get, C(range: "bytes=-10"), 206, [990, 10], "bytes 990-999/1000"),
        (.head, C(range: "bytes=100-199"), 200, nil, nil),  // §14.2: ranges are GET's only
        (.get, C(range: "bytes=2000-"), 416, nil, "bytes */1000"),
        (.get, C(range: "bytes=0-1,4-5"), 200, [0, 1000], nil),
        // If-None-Match: weak comparison, `*`, lists; it outranks If-Modified-Since.
        (.get, C(ifNoneMatch: tag), 304, nil, nil),
        (.get, C(ifNoneMatch: "W/" + tag), 304, nil, nil),
        (.head, C(ifNoneMatch: "\"other\", " + tag), 304, nil, nil),
        (.get, C(ifNoneMatch: "*"), 304, nil, nil),
        (.get, C(ifNoneMatch: "\"other\""), 200, [0, 1000], nil),
        (.get, C(ifNoneMatch: "\"other\"", ifModifiedSince: later), 200, [0, 1000], nil),
        (.get, C(ifNoneMatch: "not-a-tag"), 200, [0, 1000], nil),
        // If-Modified-Since: whole seconds, the file's own time counts as not modified.
        (.get, C(ifModifiedSince: date), 304, nil, nil),
        (.get, C(ifModifiedSince: later), 304, nil, nil),
        (.get, C(ifModifiedSince: earlier), 200, [0, 1000], nil),
        (.get, C(ifModifiedSince: "yesterday"), 200, [0, 1000], nil),
        // If-Range: a strong tag or the exact date keeps the range; anything else sends the whole file.
        (.get, C(range: "bytes=0-9", ifRange: tag), 206, [0, 10], "bytes 0-9/1000"),
        (.get, C(range: "bytes=0-9", ifRange: date), 206, [0, 10], "bytes 0-9/1000"),
        (.get, C(range: "bytes=0-9", ifRange: "W/" + tag), 200, [0, 1000], nil),
        (.get, C(range: "bytes=0-9", ifRange: "\"old\""), 200, [0, 1000], nil),
        (.get, C(range: "bytes=0-9", ifRange: earlier), 200, [0, 1000], nil),
    ]

    @Test(arguments: rows) func decides(
        _ method: HTTPAdmission.Method, _ conditions: C, _ status: Int, _ body: [Int64]?, _ contentRange: String?
    ) {
        let response = HTTPFileResponse.decide(method, conditions, file: Self.disk)
        #expect(response.status == status)
        #expect(response.body.map { [$0.offset, $0.length] } == body)
        #expect(response.header("Content-Range") == contentRange)
        #expect(response.header("ETag") == Self.tag)
        #expect(response.header("Last-Modified") == Self.date)
        if status == 304 {
            #expect(response.header("Content-Length") == nil)
        } else if status == 416 {
            #expect(response.header("Content-Length") == "0")
        } else {
            // HEAD announces the GET's length (§9.3.2).
            #expect(response.header("Content-Length") == "\(body?[1] ?? 1000)")
            #expect(response.header("Accept-Ranges") == "bytes")
        }
    }

    @Test func aGeneratedFileHasATagButNoDate() {
        let bytes = Array("<device/>".utf8)
        let file = FileFacts(size: 9, tag: .content(bytes), modified: nil, contentType: ContentType.of("SEP1.cnf.xml"))
        let response = HTTPFileResponse.decide(.get, C(ifModifiedSince: Self.later), file: file)
        #expect(response.status == 200 && response.header("Last-Modified") == nil)
        #expect(response.header("Content-Type") == "text/xml; charset=utf-8")
        let again = HTTPFileResponse.decide(.get, C(ifNoneMatch: file.tag.description), file: file)
        #expect(again.status == 304)
        // A date cannot validate a range on a file without one.
        #expect(HTTPFileResponse.decide(.get, C(range: "bytes=0-1", ifRange: Self.date), file: file).status == 200)
    }
}
