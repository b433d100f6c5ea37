import WireSupport

/// A BOOTP/DHCP message (RFC 2131 §2, figure 1).
///
/// ```
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +---------------+---------------+---------------+---------------+
/// |     op (1)    |   htype (1)   |   hlen (1)    |   hops (1)    |
/// +---------------+---------------+---------------+---------------+
/// |                            xid (4)                            |
/// +-------------------------------+-------------------------------+
/// |           secs (2)            |           flags (2)           |
/// +-------------------------------+-------------------------------+
/// |          ciaddr (4) | yiaddr (4) | siaddr (4) | giaddr (4)    |
/// +---------------------------------------------------------------+
/// |  chaddr (16)  |  sname (64)  |  file (128)  |  options (var)  |
/// +---------------------------------------------------------------+
/// ```
public struct DHCPMessage: Hashable, Sendable {
    public static let bootRequest: UInt8 = 1
    public static let bootReply: UInt8 = 2
    /// RFC 2131 §2: the leftmost bit of `flags`.
    public static let broadcastFlag: UInt16 = 0x8000

    public var op: UInt8
    public var htype: UInt8 = 1
    public var hlen: UInt8 = 6
    public var hops: UInt8 = 0
    public var xid: UInt32
    public var secs: UInt16 = 0
    public var flags: UInt16 = 0
    public var ciaddr: IPv4Address = .any
    public var yiaddr: IPv4Address = .any
    public var siaddr: IPv4Address = .any
    public var giaddr: IPv4Address = .any
    /// Always 16 bytes on the wire; only the first `hlen` are meaningful.
    public var chaddr: [UInt8] = Self.zeroHardwareAddress
    /// 64 bytes on the wire, NUL padded.
    public var sname: [UInt8] = []
    /// 128 bytes on the wire, NUL padded.
    public var file: [UInt8] = []
    public var options = DHCPOptions()

    /// One shared array of 16 zeros: every message starts with it (decoding and replies then set their own),
    /// and `Array(repeating:count:)` here allocated, through the standard library's unspecialised path,
    /// about 600 instructions twice per exchange half (callgrind, bench/dhcp).
    private static let zeroHardwareAddress = [UInt8](repeating: 0, count: 16)

    public init(op: UInt8, xid: UInt32) {
        self.op = op
        self.xid = xid
    }

    public var isBroadcastFlagSet: Bool { flags & Self.broadcastFlag != 0 }

    /// The client's hardware address when it is Ethernet-shaped (htype 1, hlen 6).
    public var clientMAC: MACAddress? {
        guard hlen == 6 else { return nil }
        return MACAddress(bytes: chaddr.prefix(6))
    }

    public mutating func setClientMAC(_ mac: MACAddress) {
        htype = 1
        hlen = 6
        chaddr = mac.bytes + Array(repeating: 0, count: 10)
    }

    public var messageType: DHCPMessageType? {
        guard let value = options[.messageType], value.count == 1 else { return nil }
        return DHCPMessageType(rawValue: value[0])
    }
}
