import Timeline

/// Where transfers get their bytes. The disk provider is the shell's; generated configs and load aliases
/// (issue 6) are further providers consulted in order, without touching the transfer code.
public protocol TFTPFileProvider: Sendable {
    /// Nil when this provider has no such file; throws to refuse with a reason (access, ambiguity).
    func open(_ components: [String]) throws(TFTPOpenError) -> TFTPFile?
}

/// An opened file: its size and a way to read ranges. `origin` says what served it, for the log.
public struct TFTPFile: Sendable {
    public enum Origin: Hashable, Sendable {
        case disk(path: String, caseMatched: Bool)
        case virtual(String)
    }
    public var size: Int64
    public var origin: Origin
    public var read: @Sendable (_ offset: Int64, _ count: Int) -> [UInt8]
    /// Copies up to `into.count` bytes from `offset` straight into a send buffer and returns how many: the
    /// per-block path, which so skips an intermediate array (its allocation and copy) per DATA packet.
    public var copy: @Sendable (_ offset: Int64, _ into: UnsafeMutableRawBufferPointer) -> Int
    /// The file's modification time in nanoseconds since the epoch, for a file on disk: HTTP's
    /// `Last-Modified` and entity tag (RFC 9110 §8.8). Nil for a generated file.
    public var modified: Int64?

    public init(
        size: Int64, origin: Origin, read: @escaping @Sendable (Int64, Int) -> [UInt8],
        copy: (@Sendable (Int64, UnsafeMutableRawBufferPointer) -> Int)? = nil
    ) {
        self.size = size
        self.origin = origin
        self.read = read
        self.copy =
            copy ?? { offset, into in
                let bytes = read(offset, into.count)
                into.copyBytes(from: bytes)
                return bytes.count
            }
    }

    public init(bytes: [UInt8], origin: Origin) {
        self.init(
            size: Int64(bytes.count), origin: origin,
            read: { offset, count in
                let start = Int(min(offset, Int64(bytes.count)))
                return Array(bytes[start..<min(start + count, bytes.count)])
            },
            copy: { offset, into in
                let start = Int(min(offset, Int64(bytes.count)))
                let count = min(into.count, bytes.count - start)
                bytes.withUnsafeBytes {
                    into.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[start..<start + count]))
                }
                return count
            })
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

    /// No provider has the file: error 1, with the reason the "TFTP file missing" finding looks for.
    public static let fileNotFound = TFTPOpenError(code: 1, message: EventName.TFTP.fileNotFoundReason)
}
