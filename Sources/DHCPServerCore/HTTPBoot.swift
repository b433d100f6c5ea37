import DialtoneConfig
import WireSupport

/// UEFI HTTP Boot (UEFI 2.x, "HTTP Boot"; RFC 4578 §2.1 code 16 is x64 HTTP): the firmware sends option 60
/// `HTTPClient:Arch:00016:UNDI:003001` and takes an offer as an HTTP boot offer only when its option 60 says
/// `HTTPClient` and its boot file is a URI (EDK2's HttpBootDxe ignores the URI of any other offer). So for
/// such a client the boot decision's file becomes a URL on this server's HTTP file service, and the reply
/// says `HTTPClient` back. A file already given as a URL is used as it is (another web server).
struct HTTPBoot: Hashable {
    /// The vendor class prefix the firmware sends and the value the reply carries.
    static let vendorClass = "HTTPClient"

    /// The URL for the client, and why; nil `url` when none can be made (the file is a name and this server
    /// does not serve HTTP), then the reply is an ordinary one and the firmware moves on.
    var url: String?
    var reason: String

    /// - Parameters:
    ///   - file: the boot decision's file (a name in the TFTP root, or a URL).
    ///   - http: the first `http.listen` address; nil when the HTTP file service is off.
    ///   - serverAddress: our address on the client's link, for an `http.listen` on 0.0.0.0.
    init(file: String, http: HostPort?, serverAddress: IPv4Address) {
        if file.contains("://") {
            (url, reason) = (file, "given as a URL")
            return
        }
        guard let http else {
            (url, reason) = (nil, "a file name for an HTTP client, and the http section is off")
            return
        }
        let host = http.host == "0.0.0.0" ? serverAddress.description : http.host
        // RFC 9110 §4.2.1: port 80 is http's default and left out.
        let port = http.port == 80 ? "" : ":\(http.port)"
        // The same path rules as the file service (TFTPPath): `\` is `/`, leading slashes are the root.
        let path = file.split(whereSeparator: { $0 == "/" || $0 == "\\" }).map(Self.escaped).joined(separator: "/")
        (url, reason) = ("http://\(host)\(port)/\(path)", "on our HTTP file service")
    }

    /// Whether option 60 marks a UEFI HTTP Boot client.
    static func isClient(vendorClass: String?) -> Bool { vendorClass?.hasPrefix(Self.vendorClass) == true }

    /// RFC 3986 §3.3: a path segment keeps unreserved characters and sub-delims; the rest is %-encoded.
    static func escaped(_ segment: Substring) -> String {
        var out = ""
        for byte in segment.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "@"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}
