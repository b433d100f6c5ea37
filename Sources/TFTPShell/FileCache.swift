import NIOConcurrencyHelpers
import ServiceSupport
import TFTPCore

#if canImport(Glibc)
    import Glibc
#endif

/// Hot files are read once and shared: 500 phones fetching the same 2 MB firmware image read it from memory,
/// not 500 times from disk. Entries are keyed by path, size and mtime (a replaced file is read again) and
/// evicted least-recently-used beyond `capacity` bytes. Files larger than `maxEntry` are read per block
/// with pread(2) instead.
final class FileCache: Sendable {
    private struct Entry {
        var size: Int64
        var mtime: Int
        var bytes: [UInt8]
        var lastUse: UInt64
    }
    private let state = NIOLockedValueBox<(entries: [String: Entry], total: Int, clock: UInt64)>(([:], 0, 0))
    let capacity: Int
    let maxEntry: Int64

    init(capacity: Int = 512 << 20, maxEntry: Int64 = 64 << 20) {
        self.capacity = capacity
        self.maxEntry = maxEntry
    }

    func file(path: String, size: Int64, mtime: Int, origin: TFTPFile.Origin) -> TFTPFile? {
        if size > maxEntry { return streamed(path: path, size: size, origin: origin) }
        if let bytes = cached(path: path, size: size, mtime: mtime) { return TFTPFile(bytes: bytes, origin: origin) }
        guard let bytes = Self.readAll(path, size: size) else { return nil }
        store(path: path, entry: Entry(size: size, mtime: mtime, bytes: bytes, lastUse: 0))
        return TFTPFile(bytes: bytes, origin: origin)
    }

    private func cached(path: String, size: Int64, mtime: Int) -> [UInt8]? {
        state.withLockedValue { s in
            guard var entry = s.entries[path], entry.size == size, entry.mtime == mtime else { return nil }
            s.clock += 1
            entry.lastUse = s.clock
            s.entries[path] = entry
            return entry.bytes
        }
    }

    private func store(path: String, entry: Entry) {
        state.withLockedValue { s in
            s.clock += 1
            var entry = entry
            entry.lastUse = s.clock
            if let old = s.entries[path] { s.total -= old.bytes.count }
            s.entries[path] = entry
            s.total += entry.bytes.count
            while s.total > capacity, let victim = s.entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
                s.total -= victim.value.bytes.count
                s.entries[victim.key] = nil
            }
        }
    }

    static func readAll(_ path: String, size: Int64) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: Int(size))
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, $0.count - done, off_t(done)) }
            if n <= 0 { break }
            done += n
        }
        return done == bytes.count ? bytes : Array(bytes.prefix(done))
    }

    private func streamed(path: String, size: Int64, origin: TFTPFile.Origin) -> TFTPFile? {
        let handle = FileDescriptorBox(path: path)
        guard handle.fd >= 0 else { return nil }
        return TFTPFile(
            size: size, origin: origin,
            read: { offset, count in
                var buffer = [UInt8](repeating: 0, count: count)
                let n = buffer.withUnsafeMutableBytes { pread(handle.fd, $0.baseAddress, count, off_t(offset)) }
                return n > 0 ? Array(buffer.prefix(n)) : []
            },
            copy: { offset, into in max(0, pread(handle.fd, into.baseAddress, into.count, off_t(offset))) })
    }
}

/// Closes its descriptor when the last transfer using it is gone.
final class FileDescriptorBox: Sendable {
    let fd: Int32
    init(path: String) { fd = open(path, O_RDONLY) }
    deinit { if fd >= 0 { close(fd) } }
}
