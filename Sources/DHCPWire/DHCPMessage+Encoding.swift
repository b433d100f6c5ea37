import NIOCore
import WireSupport

extension DHCPMessage {
    /// RFC 1542 §2.1 / RFC 951: a BOOTP message is at least 300 bytes. The Linux kernel client and others
    /// silently drop shorter replies (dnsmasq `MIN_PACKETSZ`), and Tftpd32 4.x replies of 284-296 bytes are
    /// a suspect in the seed thread, so every reply we send is padded to this.
    public static let minimumBOOTPSize = 300
    /// RFC 2131 §2: the minimum every client must accept, used as the size cap when option 57 is absent.
    public static let defaultMaximumSize = 576 - 28

    /// Encodes the message.
    ///
    /// Option order follows Kea's `packOptions4`: 53 first, then the stored order, 82 last, then END.
    /// Values over 255 bytes are split into consecutive instances (RFC 3396 §6). The result is padded with
    /// PAD bytes to `minimumSize`. Options that would make the message larger than `maximumSize` are left out
    /// rather than overloaded into `sname`/`file`, which some phones mis-parse.
    public func encode(minimumSize: Int = 0, maximumSize: Int = 65_507) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(max(minimumSize, 548))
        out += [op, htype, hlen, hops]
        out.appendU32(xid)
        out.appendU16(secs)
        out.appendU16(flags)
        for address in [ciaddr, yiaddr, siaddr, giaddr] { out.appendU32(address.rawValue) }
        out += Self.fixed(chaddr, 16) + Self.fixed(sname, 64) + Self.fixed(file, 128)
        out.appendU32(Self.magicCookie)

        let ordered = orderedForEncoding()
        for entry in ordered {
            let encoded = Self.encodeOption(entry)
            // Leave room for END.
            if out.count + encoded.count + 1 > maximumSize { continue }
            out += encoded
        }
        out.append(DHCPOptionCode.end.rawValue)
        if out.count < minimumSize { out += Array(repeating: 0, count: minimumSize - out.count) }
        return out
    }

    public func encode(into buffer: inout ByteBuffer, minimumSize: Int = 0, maximumSize: Int = 65_507) {
        buffer.writeBytes(encode(minimumSize: minimumSize, maximumSize: maximumSize))
    }

    private func orderedForEncoding() -> [DHCPOptions.Entry] {
        let entries = options.entries.filter { $0.code != .pad && $0.code != .end }
        let first = entries.filter { $0.code == .messageType }
        let last = entries.filter { $0.code == .relayAgentInformation }
        let middle = entries.filter { $0.code != .messageType && $0.code != .relayAgentInformation }
        return first + middle + last
    }

    static func encodeOption(_ entry: DHCPOptions.Entry) -> [UInt8] {
        if entry.value.isEmpty { return [entry.code.rawValue, 0] }
        var out: [UInt8] = []
        var start = 0
        while start < entry.value.count {
            let chunk = entry.value[start..<min(start + 255, entry.value.count)]
            out += [entry.code.rawValue, UInt8(chunk.count)] + chunk
            start += 255
        }
        return out
    }

    private static func fixed(_ field: [UInt8], _ size: Int) -> [UInt8] {
        Array(field.prefix(size)) + Array(repeating: 0, count: max(0, size - field.count))
    }
}

extension [UInt8] {
    mutating func appendU16(_ value: UInt16) { append(contentsOf: [UInt8(value >> 8), UInt8(value & 0xFF)]) }
    mutating func appendU32(_ value: UInt32) {
        appendU16(UInt16(value >> 16))
        appendU16(UInt16(value & 0xFFFF))
    }
}
