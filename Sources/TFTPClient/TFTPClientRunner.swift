import Foundation
import TFTPCore
import TFTPWire

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a `ClientTransfer` over a plain blocking UDP socket: a command-line client needs no event loop.
public struct TFTPClientRunner {
    public enum Outcome: Equatable {
        case completed(bytes: Int64, seconds: Double)
        /// The server answered with ERROR (file not found, access violation...).
        case refused(String)
        /// No answer, or the transfer broke off.
        case failed(String)
    }

    public let host: String
    public let port: UInt16
    public var progress: ((Int64, Int64?) -> Void)?

    /// The local address to send from (a simulated phone uses its leased address); nil lets the kernel pick.
    public var localAddress: String?

    public init(host: String, port: UInt16, localAddress: String? = nil) {
        self.host = host
        self.port = port
        self.localAddress = localAddress
    }

    /// - Parameters:
    ///   - read: for `put`, the bytes of the local file at an offset.
    ///   - write: for `get`, stores bytes at an offset; returns false on a local write error.
    public func run(
        _ transfer: ClientTransfer, read: (Int64, Int) -> [UInt8], write: (Int64, [UInt8]) -> Bool
    ) -> Outcome {
        var transfer = transfer
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return .failed("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        if let localAddress {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            guard inet_pton(AF_INET, localAddress, &local.sin_addr) == 1 else {
                return .failed("`\(localAddress)` is not an IPv4 address")
            }
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0 else {
                return .failed("cannot send from \(localAddress): \(String(cString: strerror(errno)))")
            }
        }
        var server = sockaddr_in()
        server.sin_family = sa_family_t(AF_INET)
        server.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &server.sin_addr) == 1 else {
            return .failed("`\(host)` is not an IPv4 address")
        }
        var peer: sockaddr_in?  // the server's transfer ID, from its first reply
        let started = Date()
        var deadline = Date.distantFuture
        var size: Int64?
        var done: Int64 = 0
        var buffer = [UInt8](repeating: 0, count: 65536)
        var pending = transfer.start()

        while true {
            for action in pending {
                switch action {
                case .sendRequest(let packet):
                    send(fd, packet.encode(), to: server)
                case .send(let packet):
                    send(fd, packet.encode(), to: peer ?? server)
                case .sendData(let block, let offset, let length):
                    send(
                        fd, TFTPPacket.data(block: block, payload: length > 0 ? read(offset, length) : []).encode(),
                        to: peer ?? server)
                    done = max(done, offset + Int64(length))
                    progress?(done, size)
                case .write(let offset, let bytes):
                    guard write(offset, bytes) else {
                        return .failed("cannot write the local file: \(String(cString: strerror(errno)))")
                    }
                    done = offset + Int64(bytes.count)
                    progress?(done, size)
                case .armTimer(let ms):
                    deadline = Date().addingTimeInterval(Double(ms) / 1000)
                case .sizeKnown(let total):
                    size = total
                case .finished(let bytes):
                    return .completed(bytes: bytes, seconds: Date().timeIntervalSince(started))
                case .failed(let reason, let serverError):
                    return serverError ? .refused(reason) : .failed(reason)
                }
            }
            pending = []
            let wait = deadline.timeIntervalSinceNow
            if wait <= 0 {
                pending = transfer.timerFired()
                continue
            }
            var tv = timeval(tv_sec: Int(wait), tv_usec: Int((wait - floor(wait)) * 1_000_000))
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            var from = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let n = withUnsafeMutablePointer(to: &from) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    recvfrom(fd, &buffer, buffer.count, 0, $0, &length)
                }
            }
            if n < 0 { continue }  // timeout or interrupted: the deadline check above decides
            if from.sin_addr.s_addr != server.sin_addr.s_addr { continue }
            if let known = peer, known.sin_port != from.sin_port {
                // RFC 1350 §4: another TID; tell it, keep going.
                send(fd, TFTPPacket.error(.unknownTransferID, message: "unknown transfer ID").encode(), to: from)
                continue
            }
            guard let packet = try? TFTPPacket(decoding: Array(buffer[0..<n])) else { continue }
            if peer == nil { peer = from }
            pending = transfer.received(packet)
        }
    }

    private func send(_ fd: Int32, _ bytes: [UInt8], to address: sockaddr_in) {
        var target = address
        _ = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, bytes, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }
}
