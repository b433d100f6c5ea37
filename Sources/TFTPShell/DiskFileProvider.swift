import Foundation
import NIOConcurrencyHelpers
import ServiceSupport
import TFTPCore

#if canImport(Glibc)
    import Glibc
#endif

/// Serves files from `tftp.root`: exact name first, then a case-insensitive match per path component
/// (`case_insensitive`; Cisco phones ask `Jar70sccp...` for `jar70sccp...`). Nothing outside the root is
/// ever opened: the resolved path is checked with realpath(3), so a symlink that leaves the root is refused.
public final class DiskFileProvider: TFTPFileProvider {
    public let root: String
    let caseInsensitive: Bool
    let cache: FileCache

    public convenience init(root: String, caseInsensitive: Bool) throws {
        try self.init(root: root, caseInsensitive: caseInsensitive, cache: FileCache())
    }

    init(root: String, caseInsensitive: Bool, cache: FileCache) throws {
        guard let real = realpath(root, nil) else {
            throw TFTPOpenError(code: 0, message: "\(root) does not exist")
        }
        self.root = String(cString: real)
        free(real)
        self.caseInsensitive = caseInsensitive
        self.cache = cache
    }

    public func open(_ components: [String]) throws(TFTPOpenError) -> TFTPFile? {
        guard let (path, caseMatched) = try resolve(components) else { return nil }
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw TFTPOpenError(code: 1, message: "\(components.joined(separator: "/")) is not a regular file")
        }
        guard access(path, R_OK) == 0 else { throw TFTPOpenError(code: 2, message: "permission denied") }
        let mtime = info.st_mtim.tv_sec * 1_000_000_000 + info.st_mtim.tv_nsec
        var file = cache.file(
            path: path, size: Int64(info.st_size), mtime: mtime, origin: .disk(path: path, caseMatched: caseMatched))
        file?.modified = Int64(mtime)
        return file
    }

    /// The real path of an existing file, and whether a case-insensitive match was needed.
    public func resolve(_ components: [String]) throws(TFTPOpenError) -> (String, Bool)? {
        var current = root
        var caseMatched = false
        for component in components {
            let exact = current + "/" + component
            if lstatExists(exact) {
                current = exact
                continue
            }
            guard caseInsensitive else { return nil }
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: current)) ?? []
            let matches = entries.filter { $0.lowercased() == component.lowercased() }
            if matches.count > 1 {
                throw TFTPOpenError(
                    code: 0, message: "ambiguous name: \(matches.sorted().joined(separator: ", ")) differ only in case")
            }
            guard let match = matches.first else { return nil }
            current = current + "/" + match
            caseMatched = true
        }
        return (try inside(current), caseMatched)
    }

    /// The parent folder of a file to be written, resolved the same way; the last component is kept as given.
    func resolveForWrite(_ components: [String]) throws(TFTPOpenError) -> (
        directory: String, name: String, existing: String?
    ) {
        let parent = Array(components.dropLast())
        let directory: String
        if parent.isEmpty {
            directory = root
        } else {
            guard let (resolved, _) = try resolve(parent) else {
                throw TFTPOpenError(code: 2, message: "folder \(parent.joined(separator: "/")) does not exist")
            }
            directory = resolved
        }
        let name = components.last!
        let existing = try? resolve(components)
        return (directory, name, existing.flatMap { $0 }.map { $0.0 })
    }

    private func lstatExists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// realpath and root containment: the only gate between a request and the file system.
    private func inside(_ path: String) throws(TFTPOpenError) -> String {
        guard let real = realpath(path, nil) else { throw TFTPOpenError(code: 1, message: "file not found") }
        defer { free(real) }
        let resolved = String(cString: real)
        guard resolved == root || resolved.hasPrefix(root + "/") else {
            throw TFTPOpenError(code: 2, message: "access violation: the name leads outside the TFTP root")
        }
        return resolved
    }
}
