import WireSupport

/// Typed, throwing reads and writes. A read returns nil when the option is absent and throws
/// `DHCPOptionError` when it is present but malformed: the caller decides whether that is fatal.
extension DHCPOptions {
    public func ipv4(_ code: DHCPOptionCode) throws(DHCPOptionError) -> IPv4Address? {
        guard let value = self[code] else { return nil }
        guard value.count == 4 else {
            throw DHCPOptionError(code: code, length: value.count, reason: "expected 4 bytes", offset: offsets[code])
        }
        return IPv4Address(value[0], value[1], value[2], value[3])
    }

    public func ipv4List(_ code: DHCPOptionCode) throws(DHCPOptionError) -> [IPv4Address]? {
        guard let value = self[code] else { return nil }
        guard !value.isEmpty, value.count % 4 == 0 else {
            throw DHCPOptionError(
                code: code, length: value.count, reason: "expected a non-empty multiple of 4 bytes",
                offset: offsets[code])
        }
        return stride(from: 0, to: value.count, by: 4).map {
            IPv4Address(value[$0], value[$0 + 1], value[$0 + 2], value[$0 + 3])
        }
    }

    public func uint8(_ code: DHCPOptionCode) throws(DHCPOptionError) -> UInt8? {
        guard let value = self[code] else { return nil }
        guard value.count == 1 else {
            throw DHCPOptionError(code: code, length: value.count, reason: "expected 1 byte", offset: offsets[code])
        }
        return value[0]
    }

    public func uint16(_ code: DHCPOptionCode) throws(DHCPOptionError) -> UInt16? {
        guard let value = self[code] else { return nil }
        guard value.count == 2 else {
            throw DHCPOptionError(code: code, length: value.count, reason: "expected 2 bytes", offset: offsets[code])
        }
        return UInt16(value[0]) << 8 | UInt16(value[1])
    }

    public func uint32(_ code: DHCPOptionCode) throws(DHCPOptionError) -> UInt32? {
        guard let value = self[code] else { return nil }
        guard value.count == 4 else {
            throw DHCPOptionError(code: code, length: value.count, reason: "expected 4 bytes", offset: offsets[code])
        }
        return value.reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// NVT-ASCII text with trailing NULs removed: RFC 2132 §2 says receivers "MUST be prepared to delete
    /// trailing NULLs", and Cisco phones send option 60 as `"Cisco Systems, Inc. IP Phone CP-7970G\0"`.
    public func string(_ code: DHCPOptionCode) -> String? {
        guard var value = self[code] else { return nil }
        while value.last == 0 { value.removeLast() }
        return String(decoding: value, as: UTF8.self)
    }

    // MARK: well-known options

    public var requestedAddress: IPv4Address? { get throws(DHCPOptionError) { try ipv4(.requestedAddress) } }
    public var serverIdentifier: IPv4Address? { get throws(DHCPOptionError) { try ipv4(.serverIdentifier) } }
    public var maxMessageSize: UInt16? { get throws(DHCPOptionError) { try uint16(.maxMessageSize) } }
    public var leaseTime: UInt32? { get throws(DHCPOptionError) { try uint32(.leaseTime) } }
    public var parameterRequestList: [DHCPOptionCode] { (self[.parameterRequestList] ?? []).map { DHCPOptionCode($0) } }
    public var vendorClass: String? { string(.vendorClass) }
    public var hostName: String? { string(.hostName) }
    public var clientIdentifier: [UInt8]? { self[.clientIdentifier] }

    /// RFC 3004 user class: a list of length-prefixed opaque strings. Many clients (iPXE, Windows) send one
    /// plain string instead, so a value that does not parse as the list is returned as a single item.
    public var userClasses: [String] {
        guard let value = self[.userClass], !value.isEmpty else { return [] }
        var items: [String] = []
        var index = 0
        while index < value.count {
            let length = Int(value[index])
            guard length > 0, index + 1 + length <= value.count else {
                return [String(decoding: value.reversed().drop(while: { $0 == 0 }).reversed(), as: UTF8.self)]
            }
            items.append(String(decoding: value[(index + 1)..<(index + 1 + length)], as: UTF8.self))
            index += 1 + length
        }
        return items
    }

    /// RFC 4578 §2.1 client system architecture types (option 93), 16 bits each.
    public var clientArchitectures: [UInt16] {
        guard let value = self[.clientArchitecture], value.count % 2 == 0 else { return [] }
        return stride(from: 0, to: value.count, by: 2).map { UInt16(value[$0]) << 8 | UInt16(value[$0 + 1]) }
    }

    // MARK: writers

    public mutating func setIPv4(_ code: DHCPOptionCode, _ address: IPv4Address) { set(code, address.octets) }
    public mutating func setIPv4List(_ code: DHCPOptionCode, _ list: [IPv4Address]) {
        set(code, list.flatMap(\.octets))
    }
    public mutating func setUInt32(_ code: DHCPOptionCode, _ value: UInt32) { set(code, Self.bytes(value)) }

    /// A 32-bit option value as it goes on the wire, most significant byte first.
    public static func bytes(_ value: UInt32) -> [UInt8] {
        [
            UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8),
            UInt8(truncatingIfNeeded: value),
        ]
    }
    public mutating func setString(_ code: DHCPOptionCode, _ text: String) { set(code, Array(text.utf8)) }
    /// From a table of one-byte values, shared by every reply: `[type.rawValue]` allocated an array per reply.
    public mutating func setMessageType(_ type: DHCPMessageType) {
        let table = Self.messageTypeValues
        set(.messageType, Int(type.rawValue) < table.count ? table[Int(type.rawValue)] : [type.rawValue])
    }

    /// Option 53's value for each type RFC 2132 §9.6 and its successors (RFC 4388, RFC 6926) define.
    private static let messageTypeValues: [[UInt8]] = (0...18).map { [UInt8($0)] }
}
