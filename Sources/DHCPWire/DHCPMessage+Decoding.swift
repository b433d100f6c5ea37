import NIOCore
import WireSupport

extension DHCPMessage {
    static let magicCookie: UInt32 = 0x6382_5363
    static let fixedHeaderLength = 236

    /// Decodes one datagram. Options are parsed from the options field, then, when option 52 asks for it, from
    /// `file` and `sname` in that order (RFC 2132 §9.3); instances of one code are concatenated (RFC 3396).
    public init(decoding bytes: [UInt8]) throws(DHCPDecodingError) {
        guard bytes.count >= Self.fixedHeaderLength + 4 else { throw .tooShort(length: bytes.count) }
        var reader = ByteReader(bytes)
        self.init(op: reader.u8(), xid: 0)
        htype = reader.u8()
        hlen = reader.u8()
        guard hlen <= 16 else { throw .badHardwareAddressLength(Int(hlen)) }
        hops = reader.u8()
        xid = reader.u32()
        secs = reader.u16()
        flags = reader.u16()
        ciaddr = IPv4Address(rawValue: reader.u32())
        yiaddr = IPv4Address(rawValue: reader.u32())
        siaddr = IPv4Address(rawValue: reader.u32())
        giaddr = IPv4Address(rawValue: reader.u32())
        chaddr = reader.bytes(16)
        // Read without their trailing NULs: most requests leave both fields empty, and copying 192 zero bytes
        // into two arrays to trim them again cost two allocations a message (callgrind, bench/dhcp).
        sname = reader.bytesTrimmingNULs(64)
        file = reader.bytesTrimmingNULs(128)
        let cookie = reader.u32()
        guard cookie == Self.magicCookie else { throw .badMagicCookie(found: cookie) }

        var options = DHCPOptions(minimumCapacity: 16)
        try Self.parseOptions(bytes, from: Self.fixedHeaderLength + 4, to: bytes.count, into: &options)
        if let overload = options[.overload], overload.count == 1 {
            if overload[0] & 1 != 0 { try Self.parseOptions(bytes, from: 108, to: 236, into: &options) }
            if overload[0] & 2 != 0 { try Self.parseOptions(bytes, from: 44, to: 108, into: &options) }
            // The fields held options, not a server name or file: do not show them as text.
            if overload[0] & 1 != 0 { file = [] }
            if overload[0] & 2 != 0 { sname = [] }
        }
        self.options = options
    }

    public init(decoding buffer: ByteBuffer) throws(DHCPDecodingError) {
        try self.init(decoding: Array(buffer.readableBytesView))
    }

    private static func parseOptions(
        _ bytes: [UInt8], from start: Int, to end: Int, into options: inout DHCPOptions
    ) throws(DHCPDecodingError) {
        var offset = start
        while offset < end {
            let code = bytes[offset]
            if code == DHCPOptionCode.pad.rawValue {
                offset += 1
                continue
            }
            if code == DHCPOptionCode.end.rawValue { return }
            guard offset + 1 < end else { throw .missingOptionLength(code: code, offset: offset) }
            let length = Int(bytes[offset + 1])
            let available = end - offset - 2
            guard length <= available else {
                throw .truncatedOption(code: code, declared: length, available: available, offset: offset)
            }
            options.append(DHCPOptionCode(code), Array(bytes[(offset + 2)..<(offset + 2 + length)]), offset: offset)
            offset += 2 + length
        }
        // A missing END is tolerated: many embedded clients (and padding-only tails) omit it.
    }

}

/// A bounds-checked reader over a byte array whose callers have already checked the length.
struct ByteReader {
    private let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func u8() -> UInt8 {
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u16() -> UInt16 { UInt16(u8()) << 8 | UInt16(u8()) }
    mutating func u32() -> UInt32 { UInt32(u16()) << 16 | UInt32(u16()) }

    mutating func bytes(_ count: Int) -> [UInt8] {
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    /// The next `count` bytes up to their last non-NUL byte (a NUL-padded text field: `sname`, `file`).
    mutating func bytesTrimmingNULs(_ count: Int) -> [UInt8] {
        defer { offset += count }
        var end = offset + count
        while end > offset, bytes[end - 1] == 0 { end -= 1 }
        return end == offset ? [] : Array(bytes[offset..<end])
    }
}
