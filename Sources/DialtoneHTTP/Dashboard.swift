import Hummingbird

/// The dashboard: a page, a stylesheet and a script (Sources/DialtoneHTTP/Dashboard/) that poll the JSON
/// API every two seconds. Tabs follow Tftpd32's users: Devices, DHCP (pool bars and leases), TFTP, Log
/// (live, from the server-sent events of `/api/events`, filterable and pausable) and Syslog (from the
/// store, so it survives restarts). Works on a laptop and a phone screen.
///
/// The files are compiled into the binary by SwiftPM (`.embedInCode` in Package.swift generates
/// `PackageResources`), so the binary stays self-contained and works offline, while the files stay plain
/// HTML, CSS and JavaScript that editors and linters understand.
enum Dashboard {
    static let page = Asset(contentType: "text/html; charset=utf-8", bytes: PackageResources.index_html)
    static let stylesheet = Asset(contentType: "text/css; charset=utf-8", bytes: PackageResources.dashboard_css)
    static let script = Asset(contentType: "text/javascript; charset=utf-8", bytes: PackageResources.dashboard_js)

    /// `/` and the two files the page links. Behind the token like the API: the login form, which the
    /// middleware answers for `/`, needs neither.
    static func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.get("/") { request, _ in page.response(ifNoneMatch: request.headers[.ifNoneMatch]) }
        router.get("/dashboard.css") { request, _ in stylesheet.response(ifNoneMatch: request.headers[.ifNoneMatch]) }
        router.get("/dashboard.js") { request, _ in script.response(ifNoneMatch: request.headers[.ifNoneMatch]) }
    }

    /// One embedded file with its content type and validator.
    struct Asset: Sendable {
        let contentType: String
        let bytes: [UInt8]
        /// A hash of the content. The files change only with the binary, but an upgraded server must not
        /// leave browsers on an old script: `no-cache` has them ask each time, and the ETag lets the answer
        /// be a body-less 304 until the bytes differ.
        let etag: String

        init(contentType: String, bytes: [UInt8]) {
            self.contentType = contentType
            self.bytes = bytes
            // FNV-1a, 64 bits: a change detector, not a security measure.
            let hash = bytes.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
            self.etag = "\"" + String(hash, radix: 16) + "\""
        }

        /// 304 when `If-None-Match` names this content (or `*`), else the file.
        func response(ifNoneMatch: String?) -> Response {
            let tags = (ifNoneMatch ?? "").split(separator: ",").map {
                String($0.drop { $0 == " " }.trimmingPrefix("W/"))
            }
            if tags.contains(etag) || tags.contains("*") {
                return Response(status: .notModified, headers: [.eTag: etag, .cacheControl: "no-cache"])
            }
            return Response(
                status: .ok, headers: [.contentType: contentType, .eTag: etag, .cacheControl: "no-cache"],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }
}
