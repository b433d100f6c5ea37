import Foundation
import NIOConcurrencyHelpers
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// "Port in use" as an admin wants to read it: which port, which protocol, and who holds it. dnsmasq stops
/// with "Address already in use" and leaves the admin to run `ss -ulpn`; this runs that look-up itself from
/// /proc (the holder is named only when this process may read the other's file descriptors, e.g. as root).
public struct PortInUse: Error, CustomStringConvertible {
    public let service: String
    public let address: String
    public let port: Int
    public let transport: PortHolder.Transport
    public let holders: [String]

    public var description: String {
        let who = holders.isEmpty ? "another process" : holders.joined(separator: ", ")
        return "\(service): \(transport.rawValue.uppercased()) port \(port) (\(address)) is already in use by \(who); "
            + "Dialtone does not share its service ports. Stop the other server or choose another port."
    }

    /// Wraps a bind error when it is EADDRINUSE, naming the holder; other errors pass through unchanged.
    public static func check(
        _ error: Error, service: String, address: String, port: Int, transport: PortHolder.Transport = .udp
    ) -> Error {
        guard let io = error as? IOError, io.errnoCode == EADDRINUSE else { return error }
        let live = PortHolder.holders(port: port, transport: transport)
        return PortInUse(
            service: service, address: address, port: port, transport: transport,
            holders: live.isEmpty ? PortHolder.recorded(port: port, transport: transport) : live)
    }
}

public enum PortHolder {
    public enum Transport: String, Sendable { case udp, tcp }

    private struct Key: Hashable {
        let port: Int
        let transport: Transport
    }
    private static let before = NIOLockedValueBox([Key: [String]]())

    /// Looks up, while still root, who holds the ports `serve` is about to bind. After the switch to an
    /// unprivileged user /proc no longer shows other processes' descriptors (proc(5): ptrace access mode),
    /// so a bind that then fails names the holder seen here (docs/security.md).
    public static func recordBeforeSwitch(_ ports: [(Int, Transport)]) {
        for (port, transport) in ports {
            let found = holders(port: port, transport: transport)
            if !found.isEmpty { before.withLockedValue { $0[Key(port: port, transport: transport)] = found } }
        }
    }

    static func recorded(port: Int, transport: Transport) -> [String] {
        before.withLockedValue { $0[Key(port: port, transport: transport)] ?? [] }
    }

    /// "name (PID n)" for every process with a socket bound to `port` in this network namespace (for TCP,
    /// any state: a listener and its connections name the same process).
    public static func holders(port: Int, transport: Transport = .udp) -> [String] {
        var inodes = Set<String>()
        for table in ["/proc/net/\(transport.rawValue)", "/proc/net/\(transport.rawValue)6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            inodes.formUnion(socketInodes(procNetTable: text, port: port))
        }
        guard !inodes.isEmpty else { return [] }
        var found: [String] = []
        let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for pid in processes.compactMap(Int32.init) {
            let fdDirectory = "/proc/\(pid)/fd"
            guard let fds = try? FileManager.default.contentsOfDirectory(atPath: fdDirectory) else { continue }
            let holds = fds.contains { fd in
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(fdDirectory)/\(fd)"),
                    target.hasPrefix("socket:[")
                else { return false }
                return inodes.contains(String(target.dropFirst(8).dropLast()))
            }
            if holds { found.append("\(ProcessInfo.commandName(of: pid) ?? "?") (PID \(pid))") }
        }
        return found
    }

    /// The socket inodes of a /proc/net/udp or tcp table whose local port is `port`. Columns (proc(5)): sl,
    /// local_address as HEXADDR:HEXPORT, rem_address, st, queues, tr, retrnsmt, uid, timeout, inode.
    static func socketInodes(procNetTable text: String, port: Int) -> [String] {
        text.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count > 9, let colon = fields[1].lastIndex(of: ":"),
                Int(fields[1][fields[1].index(after: colon)...], radix: 16) == port
            else { return nil }
            return String(fields[9])
        }
    }
}
