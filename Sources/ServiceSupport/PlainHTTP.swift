import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One blocking HTTP/1.1 request over a plain socket, for the two places that need one and no more:
/// `dialtone forget` asking the running server's API (POST on loopback), and a simulated Cisco 88xx fetching
/// its files on port 6970 before TFTP (GET). FoundationNetworking would tie the binary to libcurl for this.
/// Not a general client: no TLS, no redirects, no chunked bodies (`Connection: close` ends the body, and a
/// body shorter than its Content-Length is an error).
public enum PlainHTTP {
    public struct Response: Sendable {
        public var status: Int
        public var body: [UInt8]
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// - Parameters:
    ///   - local: the address to send from (a simulated phone's leased one); nil: the system's choice.
    ///   - headers: extra header lines, e.g. `("Authorization", "Bearer ...")`.
    public static func request(
        _ method: String, host: String, port: UInt16, path: String, headers: [(String, String)] = [],
        from local: String? = nil, timeout: Double = 10
    ) throws -> Response {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        // A server that accepts but never answers must not hang the caller.
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - floor(timeout)) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        if let local {
            var address = try Self.address(local, port: 0)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0 else { throw Failure(description: "bind \(local): \(String(cString: strerror(errno)))") }
        }
        var target = try Self.address(host, port: port)
        let connected = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw Failure(description: String(cString: strerror(errno))) }
        var text = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        if method != "GET" && method != "HEAD" { text += "Content-Length: 0\r\n" }
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        let bytes = Array((text + "\r\n").utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send: \(String(cString: strerror(errno)))") }
            sent += n
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { break }
            guard n > 0 else { throw Failure(description: "no answer: \(String(cString: strerror(errno)))") }
            received += buffer[..<n]
        }
        return try parse(received)
    }

    /// "HTTP/1.1 200 OK\r\n...\r\n\r\nbody" → status and body.
    static func parse(_ received: [UInt8]) throws -> Response {
        guard let end = received.firstRange(of: [13, 10, 13, 10]) else {
            throw Failure(description: "not an HTTP answer")
        }
        let head = String(decoding: received[..<end.lowerBound], as: UTF8.self)
        let parts = head.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw Failure(description: "not an HTTP answer")
        }
        let body = Array(received[end.upperBound...])
        for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
            let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces))
            guard length == body.count else { throw Failure(description: "body cut short") }
        }
        return Response(status: status, body: body)
    }

    static func address(_ ip: String, port: UInt16) throws -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, ip, &address.sin_addr) == 1 else {
            throw Failure(description: "\(ip) is not an IPv4 address")
        }
        return address
    }
}
