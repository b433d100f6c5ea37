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
    /// rather than overloaded into `sname`/`file`, which some phones mis-parse (`forEachFittingOption`).
    ///
    /// Written straight into one array: the version that built each field and option as an array of its own
    /// and concatenated them made about 40 allocations per reply (callgrind, bench/dhcp/run.sh).
    public func encode(minimumSize: Int = 0, maximumSize: Int = 65_507) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(max(minimumSize, 548))
        out.append(op)
        out.append(htype)
        out.append(hlen)
        out.append(hops)
        out.appendU32(xid)
        out.appendU16(secs)
        out.appendU16(flags)
        out.appendU32(ciaddr.rawValue)
        out.appendU32(yiaddr.rawValue)
        out.appendU32(siaddr.rawValue)
        out.appendU32(giaddr.rawValue)
        Self.appendFixed(chaddr, 16, to: &out)
        Self.appendFixed(sname, 64, to: &out)
        Self.appendFixed(file, 128, to: &out)
        out.appendU32(Self.magicCookie)
        forEachFittingOption(maximumSize: maximumSize) { Self.appendOption($0, to: &out) }
        out.append(DHCPOptionCode.end.rawValue)
        if out.count < minimumSize { out.append(contentsOf: repeatElement(0, count: minimumSize - out.count)) }
        return out
    }

    public func encode(into buffer: inout ByteBuffer, minimumSize: Int = 0, maximumSize: Int = 65_507) {
        buffer.writeBytes(encode(minimumSize: minimumSize, maximumSize: maximumSize))
    }

    /// The length `encode(maximumSize:)` returns before padding, without building it: the DHCP core weighs a
    /// reply against the 576 bytes every client must accept (learned needs).
    public func encodedSize(maximumSize: Int = 65_507) -> Int {
        forEachFittingOption(maximumSize: maximumSize) { _ in } + 1  // END
    }

    /// The options `encode(maximumSize:)` writes, in wire order: what the client gets, for the timeline.
    public func encodedOptionCodes(maximumSize: Int = 65_507) -> [DHCPOptionCode] {
        var codes: [DHCPOptionCode] = []
        codes.reserveCapacity(options.entries.count)
        forEachFittingOption(maximumSize: maximumSize) { codes.append($0.code) }
        return codes
    }

    /// Walks the options in wire order (53, the stored order, 82), passing each that fits within
    /// `maximumSize` with room left for END, and returns the size so far (fixed fields and options). An
    /// option that does not fit is left out whole and the walk goes on: a later, smaller one may fit. Room
    /// for 82 is kept before the others (RFC 3046 §2.2 has the server echo it, and a relay drops a reply
    /// without it), after 53 and 54, which every reply needs (RFC 2131 §4.3.1, Table 3).
    @discardableResult
    func forEachFittingOption(maximumSize: Int, _ body: (DHCPOptions.Entry) -> Void) -> Int {
        var size = 240  // fixed fields and the magic cookie
        var relay = 0
        var mandatory = 0
        for entry in options.entries {
            if entry.code == .relayAgentInformation { relay += Self.encodedLength(entry) }
            if entry.code == .messageType || entry.code == .serverIdentifier {
                mandatory += Self.encodedLength(entry)
            }
        }
        if size + mandatory + relay + 1 > maximumSize { relay = 0 }  // cannot fit beside them: no room kept
        for entry in options.entries where entry.code == .messageType {
            let length = Self.encodedLength(entry)
            if size + length + 1 <= maximumSize {
                size += length
                body(entry)
            }
        }
        for entry in options.entries
        where entry.code != .pad && entry.code != .end && entry.code != .messageType
            && entry.code != .relayAgentInformation
        {
            let length = Self.encodedLength(entry)
            let kept = entry.code == .serverIdentifier ? 0 : relay
            if size + length + kept + 1 <= maximumSize {
                size += length
                body(entry)
            }
        }
        for entry in options.entries where entry.code == .relayAgentInformation {
            let length = Self.encodedLength(entry)
            if size + length + 1 <= maximumSize {
                size += length
                body(entry)
            }
        }
        return size
    }

    /// An option's bytes on the wire: code and length per instance of at most 255 bytes (RFC 3396).
    static func encodedLength(_ entry: DHCPOptions.Entry) -> Int {
        let instances = entry.value.isEmpty ? 1 : (entry.value.count + 254) / 255
        return entry.value.count + 2 * instances
    }

    /// One option, split into instances of at most 255 bytes.
    static func appendOption(_ entry: DHCPOptions.Entry, to out: inout [UInt8]) {
        let value = entry.value
        if value.isEmpty {
            out.append(entry.code.rawValue)
            out.append(0)
            return
        }
        var start = 0
        while start < value.count {
            let end = min(start + 255, value.count)
            out.append(entry.code.rawValue)
            out.append(UInt8(end - start))
            out.append(contentsOf: value[start..<end])
            start = end
        }
    }

    private static func appendFixed(_ field: [UInt8], _ size: Int, to out: inout [UInt8]) {
        out.append(contentsOf: field.prefix(size))
        if field.count < size { out.append(contentsOf: repeatElement(0, count: size - field.count)) }
    }
}

extension [UInt8] {
    mutating func appendU16(_ value: UInt16) {
        append(UInt8(value >> 8))
        append(UInt8(value & 0xFF))
    }
    mutating func appendU32(_ value: UInt32) {
        appendU16(UInt16(value >> 16))
        appendU16(UInt16(value & 0xFFFF))
    }
}
