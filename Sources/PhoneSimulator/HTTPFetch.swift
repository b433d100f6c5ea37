import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One blocking HTTP/1.1 GET, as a Cisco 78xx/88xx asks its server on port 6970 before trying TFTP
/// (docs/research/phones-beyond-7970.md §1.2). Only what the simulator needs: a body with Content-Length,
/// `Connection: close`, no redirects. Nil when the server does not answer 200 (the phone then uses TFTP).
enum HTTPFetch {
    static func get(host: String, port: UInt16, path: String, from local: String?, timeout: Double) -> [UInt8]? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - floor(timeout)) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        if let local {
            var bindAddress = sockaddr_in()
            bindAddress.sin_family = sa_family_t(AF_INET)
            guard inet_pton(AF_INET, local, &bindAddress.sin_addr) == 1 else { return nil }
            let bound = withUnsafePointer(to: &bindAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0 else { return nil }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { return nil }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return nil }
        let request = Array("GET /\(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n\r\n".utf8)
        guard send(fd, request, request.count, Int32(MSG_NOSIGNAL)) == request.count else { return nil }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n == 0 { break }
            guard n > 0 else { return nil }
            received += buffer[..<n]
        }
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = received.firstRange(of: separator) else { return nil }
        let head = String(decoding: received[..<end.lowerBound], as: UTF8.self)
        guard head.hasPrefix("HTTP/1.1 200") || head.hasPrefix("HTTP/1.0 200") else { return nil }
        let body = Array(received[end.upperBound...])
        // A body cut short (the server closed early) is no file.
        for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
            guard Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) == body.count else {
                return nil
            }
        }
        return body
    }
}
