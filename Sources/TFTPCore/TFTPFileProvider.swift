/// Where transfers get their bytes. The disk provider is the shell's; generated configs and load aliases
/// (issue 6) are further providers consulted in order, without touching the transfer code.
public protocol TFTPFileProvider: Sendable {
    /// Nil when this provider has no such file; throws to refuse with a reason (access, ambiguity).
    func open(_ components: [String]) throws(TFTPOpenError) -> TFTPFile?
}

/// An opened file: its size and a way to read ranges. `origin` says what served it, for the log.
public struct TFTPFile: Sendable {
    public enum Origin: Hashable, Sendable { case disk(path: String, caseMatched: Bool), virtual(String) }
    public var size: Int64
    public var origin: Origin
    public var read: @Sendable (_ offset: Int64, _ count: Int) -> [UInt8]

    public init(size: Int64, origin: Origin, read: @escaping @Sendable (Int64, Int) -> [UInt8]) {
        self.size = size
        self.origin = origin
        self.read = read
    }

    public init(bytes: [UInt8], origin: Origin) {
        self.init(size: Int64(bytes.count), origin: origin) { offset, count in
            let start = Int(min(offset, Int64(bytes.count)))
            return Array(bytes[start..<min(start + count, bytes.count)])
        }
    }
}

public struct TFTPOpenError: Error, Hashable, Sendable, CustomStringConvertible {
    public var code: UInt16
    public var message: String
    public init(code: UInt16, message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { message }
}
