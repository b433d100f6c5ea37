import DialtoneConfig
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Gives the files `serve` writes to the user it switches to, while it is still root: `state_dir` and all
/// it holds (the SQLite store with its -wal and -shm, the lock file), and `syslog.file` with its rotations
/// when it lives elsewhere. lchown(2), never chown: a symbolic link planted in the state directory must not
/// hand its target over. The TFTP root stays the admin's: it is read, and with `allow_write` its folders must
/// be writable by the user (docs/security.md).
struct StateHandOver {
    let config: DialtoneConfiguration
    let uid: uid_t
    let gid: gid_t

    func run() throws {
        let state = config.stateDirectory
        try giveTree(state)
        if let syslog = config.syslog, !isInside(syslog.file, state) { try giveSyslogFile(syslog.file) }
    }

    /// The file is created now if missing, so appends work in any directory; rotation renames in the file's
    /// directory, which the user can write when Dialtone created it (it is given over then).
    private func giveSyslogFile(_ path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try give(directory)
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o644)
        if fd >= 0 { close(fd) }
        for candidate in [path] + (1...5).map({ "\(path).\($0)" })
        where FileManager.default.fileExists(atPath: candidate) {
            try give(candidate)
        }
    }

    /// The directory and everything below it, descending into real directories only (lstat(2)).
    private func giveTree(_ path: String) throws {
        try give(path)
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { return }
        for name in try FileManager.default.contentsOfDirectory(atPath: path) { try giveTree(path + "/" + name) }
    }

    private func give(_ path: String) throws {
        guard lchown(path, uid, gid) == 0 else {
            throw PrivilegeDrop.Failed(
                description: "cannot give \(path) to uid \(uid): \(String(cString: strerror(errno)))")
        }
    }

    private func isInside(_ path: String, _ directory: String) -> Bool {
        let standardized = (path as NSString).standardizingPath
        let base = (directory as NSString).standardizingPath
        return standardized.hasPrefix(base + "/")
    }
}
