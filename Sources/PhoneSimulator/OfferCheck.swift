import DHCPWire
import Provisioning
import WireSupport

/// Why a strict phone ignores an OFFER: the quirks that made the seed thread's 7970 re-DISCOVER forever,
/// as named switches (issue 6; research cisco-provisioning.md §1.6). All are on for the CP-7970G.
public struct PhoneQuirks: Hashable, Sendable {
    /// RFC 1542 §2.1: replies under 300 bytes are dropped (dnsmasq MIN_PACKETSZ, Linux kernel client).
    public var rejectShortReplies = true
    /// RFC 2131 Table 3: OFFER and ACK must carry option 54.
    public var requireServerIdentifier = true
    /// A TFTP server must be named: option 150, else 66, else siaddr.
    public var requireTFTPServer = true
    /// An OFFER for a DISCOVER older than this is no longer awaited (retransmits use a new xid).
    public var listeningWindowMilliseconds: Int64 = 4000

    public init() {}
}

public enum OfferRejection: Hashable, Sendable, CustomStringConvertible {
    case tooShort(Int)
    case noServerIdentifier, noTFTPServer
    case late(milliseconds: Int64)
    public var description: String {
        switch self {
        case .tooShort(let n): "reply of \(n) bytes is under 300"
        case .noServerIdentifier: "no option 54"
        case .noTFTPServer: "no TFTP server in 150, 66 or siaddr"
        case .late(let ms): "arrived \(ms) ms after the DISCOVER, outside the listening window"
        }
    }
}

public enum OfferCheck {
    /// The phone's verdict on a reply, and the TFTP server it would use (150 → 66 → siaddr).
    public static func check(_ bytes: [UInt8], _ message: DHCPMessage, elapsedMilliseconds: Int64, quirks: PhoneQuirks)
        -> (rejections: [OfferRejection], tftpServer: IPv4Address?)
    {
        var rejections: [OfferRejection] = []
        if quirks.rejectShortReplies, bytes.count < 300 { rejections.append(.tooShort(bytes.count)) }
        if quirks.requireServerIdentifier, (try? message.options.serverIdentifier) == nil {
            rejections.append(.noServerIdentifier)
        }
        let tftp =
            ((try? message.options.ipv4List(.tftpServerAddress)) ?? nil)?.first
            ?? message.options.string(.tftpServerName).flatMap { IPv4Address($0) }
            ?? (message.siaddr.isAny ? nil : message.siaddr)
        if quirks.requireTFTPServer, tftp == nil { rejections.append(.noTFTPServer) }
        if elapsedMilliseconds > quirks.listeningWindowMilliseconds {
            rejections.append(.late(milliseconds: elapsedMilliseconds))
        }
        return (rejections, tftp)
    }

    /// The DISCOVER/REQUEST a phone of `model` sends. A Cisco phone: broadcast flag, client id, SEP<MAC> host
    /// name, option 60 with its trailing NUL, PRL 1,66,6,3,15,150,35, padded to 548 bytes (the CP-7911G trace,
    /// §1.1). A Yealink T4x: option 60 `yealink`, host name `SIP-<model>`, a PRL with 66 and no 150. A
    /// Polycom: option 60 in RFC 3925's binary form. (The Yealink and Polycom PRLs are not documented: these
    /// are guesses that ask for what they use; docs/provisioning.md.)
    public static func request(
        _ type: DHCPMessageType, mac: MACAddress, xid: UInt32, model: String, giaddr: IPv4Address,
        requested: IPv4Address? = nil, server: IPv4Address? = nil, secs: UInt16
    ) -> [UInt8] {
        var m = DHCPMessage(op: DHCPMessage.bootRequest, xid: xid)
        m.setClientMAC(mac)
        m.flags = DHCPMessage.broadcastFlag
        m.secs = secs
        m.giaddr = giaddr
        m.hops = giaddr.isAny ? 0 : 1
        m.options.setMessageType(type)
        m.options.set(.clientIdentifier, [1] + mac.bytes)
        if YealinkProfile.isModel(model) {
            m.options.setString(.hostName, "SIP-\(model)")
            m.options.set(.vendorClass, Array("yealink".utf8))
            m.options.set(.parameterRequestList, [1, 3, 6, 12, 15, 28, 42, 43, 66, 120, 125])
        } else if PolycomProfile.isModel(model) {
            m.options.set(.vendorClass, polycomVendorClass(model: model))
            m.options.set(.parameterRequestList, [1, 3, 6, 12, 15, 42, 43, 66, 160])
        } else {
            m.options.setString(.hostName, "SEP" + mac.compactUppercase)
            m.options.set(.vendorClass, Array("Cisco Systems, Inc. IP Phone \(model)".utf8) + [0])
            m.options.set(.parameterRequestList, [1, 66, 6, 3, 15, 150, 35])
        }
        if let requested { m.options.setIPv4(.requestedAddress, requested) }
        if let server { m.options.setIPv4(.serverIdentifier, server) }
        return m.encode(minimumSize: 548)
    }

    /// A Polycom's option 60 in RFC 3925's format (Polycom SIP 3.1 Administrator's Guide, appendix C):
    /// enterprise 13885, then sub-options 1 company, 2 model, 3 part number, 4 application version.
    static func polycomVendorClass(model: String) -> [UInt8] {
        let subOptions: [(UInt8, String)] = [
            (1, "Polycom"), (2, "VVX-\(model.uppercased())"), (3, "3111-46161-001,1"),
            (4, "SIP/5.9.0.9373/01-Jan-19 10:00"),
        ]
        let data = subOptions.flatMap { [$0.0, UInt8($0.1.utf8.count)] + Array($0.1.utf8) }
        return [0x00, 0x00, 0x36, 0x3D, UInt8(data.count)] + data
    }
}
