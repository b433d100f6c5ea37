import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One `serve` per state directory. Two servers over one SQLite file each keep their own in-memory lease
/// table and hand out the same address twice (issue 19), so the second one must not start. Kea refuses with
/// its PID file; this is the same idea with `flock`, which the kernel releases when the process dies, so a
/// SIGKILLed server never leaves a stale lock behind (a PID file alone would).
public final class StateDirectoryLock: Sendable {
    public let path: String
    private let fd: Int32

    public struct Held: Error, CustomStringConvertible {
        public let directory: String
        public let pid: Int32?
        public var description: String {
            let holder =
                pid.map { "process \($0)\(ProcessInfo.commandName(of: $0).map { " (\($0))" } ?? "")" }
                ?? "another process"
            return "state directory \(directory) is in use by \(holder): another `dialtone serve` already runs on it. "
                + "Stop that one first, or give this server a state_dir of its own (several servers share leases only "
                + "through `store: {kind: postgres}`)."
        }
    }

    public struct Failed: Error, CustomStringConvertible {
        public let description: String
    }

    /// Creates the directory if needed, then takes `state_dir/dialtone.lock` exclusively and writes our PID
    /// into it for the next one to name. Throws `Held` at once (never waits) when another process holds it.
    public init(directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw Failed(description: "state directory \(directory) cannot be created: \(error.localizedDescription)")
        }
        path = directory + "/dialtone.lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failed(description: "\(path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno
            let pid = Self.readPID(fd)
            close(fd)
            if reason == EWOULDBLOCK { throw Held(directory: directory, pid: pid) }
            throw Failed(description: "\(path): cannot lock: \(String(cString: strerror(reason)))")
        }
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, text, text.count, 0)
    }

    /// Kept for the life of the process; the kernel drops the lock with the descriptor.
    deinit { close(fd) }

    private static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = pread(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

extension ProcessInfo {
    /// The short command name of a process (`/proc/PID/comm`), when the system tells.
    static func commandName(of pid: Int32) -> String? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8) else { return nil }
        let name = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return name.isEmpty ? nil : name
    }
}
