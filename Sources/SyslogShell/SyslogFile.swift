import Foundation
import ServiceSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `syslog.file`: one line per message, appended; when it passes `maxSize` it is rotated to `.1` ... `.5`
/// (oldest dropped), like logrotate's `size`. Unchecked Sendable: it is only used inside the sink's lock.
final class SyslogFile: @unchecked Sendable {
    let path: String
    let maxSize: Int
    static let keep = 5
    private var fd: Int32 = -1
    private var size = 0

    init(path: String, maxSize: Int) throws {
        self.path = path
        self.maxSize = maxSize
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        try reopen()
    }

    private func reopen() throws {
        if fd >= 0 { close(fd) }
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
        var info = stat()
        fstat(fd, &info)
        size = Int(info.st_size)
    }

    func append(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        if size + bytes.count > maxSize, size > 0 { rotate() }
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if n > 0 { size += n }
    }

    private func rotate() {
        for index in stride(from: Self.keep - 1, through: 1, by: -1) {
            rename("\(path).\(index)", "\(path).\(index + 1)")
        }
        rename(path, "\(path).1")
        try? reopen()
    }

    deinit { if fd >= 0 { close(fd) } }
}
