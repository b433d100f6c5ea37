/// Turns a requested file name into path components relative to the root, or says why it is refused.
/// The file system checks (case-insensitive match, symlinks leaving the root, directories) are the
/// shell's; this part is pure so the traversal rules are tested exhaustively.
public enum TFTPPath {
    public enum Refusal: Error, Hashable, Sendable, CustomStringConvertible {
        case empty, containsNUL, parentDirectory
        case tooLong(Int)
        public var description: String {
            switch self {
            case .empty: "empty file name"
            case .containsNUL: "file name contains NUL"
            case .parentDirectory: "`..` is not allowed"
            case .tooLong(let n): "file name of \(n) bytes is longer than 1024"
            }
        }
    }

    /// `\` becomes `/` (Windows-made configs, Cisco phones), a drive letter and leading slashes are dropped
    /// (`C:\tftp\x`, `/x` are relative to the root), `.` and empty components vanish, `..` is refused.
    public static func components(of name: String) throws(Refusal) -> [String] {
        guard name.utf8.count <= 1024 else { throw .tooLong(name.utf8.count) }
        guard !name.utf8.contains(0) else { throw .containsNUL }
        var text = name.replacingBackslashes()
        if text.count >= 2, text.first!.isLetter, text.dropFirst().first == ":" { text = String(text.dropFirst(2)) }
        var parts: [String] = []
        for part in text.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." { throw .parentDirectory }
            parts.append(String(part))
        }
        guard !parts.isEmpty else { throw .empty }
        return parts
    }
}

extension String {
    func replacingBackslashes() -> String { String(map { $0 == "\\" ? "/" : $0 }) }
}
