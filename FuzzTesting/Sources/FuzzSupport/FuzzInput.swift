/// The fuzzer's bytes read as a stream of choices, for the structured and stateful harnesses: each read
/// takes what it needs from the front, and an exhausted input reads as zeros, so every input is a valid
/// script and libFuzzer's mutations (insert, erase, copy parts) keep meaning something.
public struct FuzzInput {
    public private(set) var bytes: [UInt8]
    private var index = 0

    public init(_ data: UnsafePointer<UInt8>, _ size: Int) {
        bytes = Array(UnsafeBufferPointer(start: data, count: size))
    }

    public init(bytes: [UInt8]) { self.bytes = bytes }

    public var isEmpty: Bool { index >= bytes.count }
    public var remaining: Int { max(0, bytes.count - index) }

    public mutating func byte() -> UInt8 {
        guard index < bytes.count else { return 0 }
        defer { index += 1 }
        return bytes[index]
    }

    public mutating func u16() -> UInt16 { UInt16(byte()) << 8 | UInt16(byte()) }
    public mutating func u32() -> UInt32 { UInt32(u16()) << 16 | UInt32(u16()) }

    /// A choice among `count` cases (count ≥ 1).
    public mutating func pick(_ count: Int) -> Int { Int(byte()) % count }

    public mutating func bool() -> Bool { byte() & 1 == 1 }

    /// Up to `count` bytes, fewer at the end of the input.
    public mutating func take(_ count: Int) -> [UInt8] {
        let end = min(bytes.count, index + max(0, count))
        guard index < end else { return [] }
        defer { index = end }
        return Array(bytes[index..<end])
    }

    /// A length-prefixed slice: one byte of length, then that many bytes.
    public mutating func chunk() -> [UInt8] { take(Int(byte())) }

    /// Everything not read yet.
    public mutating func rest() -> [UInt8] { take(remaining) }
}

/// The check every harness makes: a broken invariant must stop the run where libFuzzer can save the input.
/// `precondition` is kept in the -Onone builds scripts/fuzz makes, and this names what broke.
@inline(__always)
public func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("invariant broken: \(message())") }
}
