/// A malformed option value, found when a typed accessor reads it. Names the code, the length seen and why,
/// so a log line says exactly which option of which client was wrong (never a silent nil).
public struct DHCPOptionError: Error, Hashable, Sendable, CustomStringConvertible {
    public var code: DHCPOptionCode
    public var length: Int
    public var reason: String
    /// The option's first byte in the datagram, when the options were decoded from one.
    public var offset: Int?

    public init(code: DHCPOptionCode, length: Int, reason: String, offset: Int? = nil) {
        self.code = code
        self.length = length
        self.reason = reason
        self.offset = offset
    }

    public var description: String {
        "option \(code)\(offset.map { " at offset \($0)" } ?? "") (length \(length)): \(reason)"
    }
}

/// Why a datagram could not be decoded as a DHCP message; carries the offset and what was there.
public enum DHCPDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    case tooShort(length: Int)
    case badMagicCookie(found: UInt32)
    case badHardwareAddressLength(Int)
    case truncatedOption(code: UInt8, declared: Int, available: Int, offset: Int)
    case missingOptionLength(code: UInt8, offset: Int)
    case notBootRequest(op: UInt8)

    public var description: String {
        switch self {
        case .tooShort(let length):
            "datagram of \(length) bytes is shorter than the 240-byte BOOTP header and magic cookie"
        case .badMagicCookie(let found):
            "magic cookie 0x\(String(found, radix: 16)) is not 0x63825363 (RFC 2131 §3)"
        case .badHardwareAddressLength(let hlen):
            "hardware address length \(hlen) is over 16"
        case .truncatedOption(let code, let declared, let available, let offset):
            "option \(code) at offset \(offset) declares \(declared) bytes but only \(available) remain"
        case .missingOptionLength(let code, let offset):
            "option \(code) at offset \(offset) has no length byte"
        case .notBootRequest(let op):
            "op \(op) is not BOOTREQUEST (1)"
        }
    }
}
