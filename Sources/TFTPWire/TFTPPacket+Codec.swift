extension TFTPPacket {
    public init(decoding bytes: [UInt8]) throws(TFTPDecodingError) {
        guard bytes.count >= 4 else { throw .tooShort(length: bytes.count) }
        let opcode = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        let word = UInt16(bytes[2]) << 8 | UInt16(bytes[3])
        switch opcode {
        case 1, 2:
            var offset = 2
            let filename = try Self.string(bytes, &offset, field: "file name")
            guard !filename.isEmpty else { throw .emptyFilename }
            let mode = try Self.string(bytes, &offset, field: "mode").lowercased()
            let options = try Self.options(bytes, from: offset)
            let request = TFTPRequest(filename: filename, mode: mode, options: options)
            self = opcode == 1 ? .readRequest(request) : .writeRequest(request)
        case 3:
            self = .data(block: word, payload: Array(bytes[4...]))
        case 4:
            // Some clients pad ACKs; RFC 1350 gives them no payload, so extra bytes are ignored, not fatal.
            self = .ack(block: word)
        case 5:
            var offset = 4
            // Many devices omit the final NUL of the message: accept the rest of the packet as the text.
            let message =
                (try? Self.string(bytes, &offset, field: "message"))
                ?? String(decoding: bytes[4...], as: UTF8.self)
            self = .error(TFTPErrorCode(rawValue: word), message: message)
        case 6:
            // RFC 2347: an OACK acknowledges at least one option; an empty one (found by the fuzzer, as
            // 00 06 00 00) would not even survive re-encoding.
            let options = try Self.options(bytes, from: 2)
            guard !options.isEmpty else { throw .emptyOptionAcknowledgement }
            self = .optionAcknowledgement(options)
        default:
            throw .unknownOpcode(opcode)
        }
    }

    public func encode() -> [UInt8] {
        func u16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
        func cstring(_ s: String) -> [UInt8] { Array(s.utf8) + [0] }
        switch self {
        case .readRequest(let r), .writeRequest(let r):
            let opcode: UInt16 = if case .readRequest = self { 1 } else { 2 }
            return u16(opcode) + cstring(r.filename) + cstring(r.mode)
                + r.options.flatMap { cstring($0.name) + cstring($0.value) }
        case .data(let block, let payload):
            return u16(3) + u16(block) + payload
        case .ack(let block):
            return u16(4) + u16(block)
        case .error(let code, let message):
            return u16(5) + u16(code.rawValue) + cstring(message)
        case .optionAcknowledgement(let options):
            return u16(6) + options.flatMap { cstring($0.name) + cstring($0.value) }
        }
    }

    private static func string(_ bytes: [UInt8], _ offset: inout Int, field: String) throws(TFTPDecodingError) -> String
    {
        guard offset < bytes.count, let end = bytes[offset...].firstIndex(of: 0) else {
            throw .unterminatedString(field: field, offset: offset)
        }
        defer { offset = end + 1 }
        return String(decoding: bytes[offset..<end], as: UTF8.self)
    }

    private static func options(_ bytes: [UInt8], from start: Int) throws(TFTPDecodingError) -> [TFTPOption] {
        var offset = start
        var options: [TFTPOption] = []
        while offset < bytes.count {
            // Trailing NUL padding after the last pair is seen from some PXE ROMs; stop there.
            if bytes[offset...].allSatisfy({ $0 == 0 }) { break }
            let name = try string(bytes, &offset, field: "option name")
            guard offset < bytes.count else { throw .oddOptionList }
            let value = try string(bytes, &offset, field: "option \(name) value")
            options.append(TFTPOption(name, value))
        }
        return options
    }
}

extension TFTPPacket {
    /// A DATA packet's 4-byte header (opcode 3, then the block number) as one big-endian word. The server
    /// copies each block's payload straight into its send buffer after it, so it cannot build a `.data`
    /// value first; this keeps the wire format here all the same (a test checks it against `encode`).
    public static func dataHeader(block: UInt16) -> UInt32 { 3 << 16 | UInt32(block) }
}
