import ServiceSupport
import TFTPWire

#if canImport(Glibc)
    import Glibc
#endif

/// Where a WRQ's bytes go: a temporary file beside the target, renamed into place only when complete.
final class UploadTarget {
    let temporary: String
    let final: String
    let fd: Int32
    let netascii: Bool
    var pendingCR = false
    var written: Int64 = 0

    init?(directory: String, name: String, netascii: Bool) {
        final = directory + "/" + name
        temporary = directory + "/.\(name).dialtone-upload-\(UInt32.random(in: 0...UInt32.max))"
        fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        self.netascii = netascii
        if fd < 0 { return nil }
    }

    func write(_ bytes: [UInt8]) -> Bool {
        let data = netascii ? NetASCII.decode(bytes, pendingCR: &pendingCR) : bytes
        var done = 0
        while done < data.count {
            let n = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, data.count - done) }
            if n <= 0 { return false }
            done += n
        }
        written += Int64(data.count)
        return true
    }

    /// fsync, then rename: a half-written upload is never visible under the real name.
    func commit(overwrite: Bool) -> String? {
        if pendingCR { _ = write([]) }
        guard fsync(fd) == 0 else { return "fsync failed: \(String(cString: strerror(errno)))" }
        close(fd)
        if !overwrite, access(final, F_OK) == 0 {
            unlink(temporary)
            return "file exists"
        }
        guard rename(temporary, final) == 0 else { return "rename failed: \(String(cString: strerror(errno)))" }
        return nil
    }

    func abandon() {
        close(fd)
        unlink(temporary)
    }
}
