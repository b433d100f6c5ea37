import DHCPWire
import WireSupport

/// Golden byte vectors built field by field, each annotated with where its shape comes from.
enum GoldenVectors {
    static func header(
        op: UInt8 = 1, xid: UInt32, secs: UInt16 = 0, flags: UInt16 = 0, giaddr: [UInt8] = [0, 0, 0, 0], mac: [UInt8]
    ) -> [UInt8] {
        var b: [UInt8] = [op, 1, 6, giaddr == [0, 0, 0, 0] ? 0 : 1]
        b += [UInt8(xid >> 24), UInt8(xid >> 16 & 0xFF), UInt8(xid >> 8 & 0xFF), UInt8(xid & 0xFF)]
        b += [UInt8(secs >> 8), UInt8(secs & 0xFF), UInt8(flags >> 8), UInt8(flags & 0xFF)]
        b += Array(repeating: 0, count: 12) + giaddr
        b += mac + Array(repeating: 0, count: 10) + Array(repeating: 0, count: 64 + 128)
        b += [0x63, 0x82, 0x53, 0x63]
        return b
    }

    static let ciscoMAC: [UInt8] = [0x00, 0x1E, 0x7A, 0x25, 0x54, 0xA1]

    /// A Cisco IP phone DISCOVER as in the CP-7911G trace (research cisco-provisioning.md §1.1, staticdhcpd #28):
    /// broadcast flag, client id 01+MAC, hostname SEP<MAC>, option 60 with a trailing NUL, PRL
    /// 1,66,6,3,15,150,35, padded with PAD to 548 bytes.
    static var ciscoDiscover: [UInt8] {
        var b = header(xid: 0x1B3A, secs: 48, flags: 0x8000, mac: ciscoMAC)
        b += [53, 1, 1]
        b += [61, 7, 1] + ciscoMAC
        b += [12, 15] + Array("SEP001E7A2554A1".utf8)
        let vendor = Array("Cisco Systems, Inc. IP Phone CP-7970G".utf8) + [0]
        b += [60, UInt8(vendor.count)] + vendor
        b += [55, 7, 1, 66, 6, 3, 15, 150, 35]
        b += [255]
        return b + Array(repeating: 0, count: 548 - b.count)
    }

    /// busybox udhcpc 1.35 DISCOVER: client id, vendor class "udhcp 1.35.0", PRL 1,3,6,12,15,28,42, max size 576.
    static var udhcpcDiscover: [UInt8] {
        var b = header(xid: 0xF6EC_9920, mac: [0x86, 0xD9, 0x8D, 0xA8, 0x6C, 0x1C])
        b += [53, 1, 1, 61, 7, 1, 0x86, 0xD9, 0x8D, 0xA8, 0x6C, 0x1C, 57, 2, 0x02, 0x40]
        b += [60, 12] + Array("udhcp 1.35.0".utf8)
        b += [55, 7, 1, 3, 6, 12, 15, 28, 42, 255]
        return b
    }

    /// ISC dhclient 4.4 DISCOVER: hostname, PRL of 13 codes, no client id.
    static var dhclientDiscover: [UInt8] {
        var b = header(xid: 0x0A97_2259, mac: [0x02, 0, 0, 0, 0, 0x42])
        b += [53, 1, 1, 12, 2] + Array("vm".utf8)
        b += [55, 13, 1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42, 255]
        return b + Array(repeating: 0, count: 300 - b.count)
    }

    /// A DISCOVER relayed by a switch: giaddr 10.20.0.1, hops 1, option 82 with circuit id "Gi1/0/7" and
    /// remote id 6 bytes (RFC 3046).
    static var relayedDiscover: [UInt8] {
        var b = header(xid: 0x1234_5678, giaddr: [10, 20, 0, 1], mac: ciscoMAC)
        b += [53, 1, 1, 55, 3, 1, 3, 150]
        b += [82, 17, 1, 7] + Array("Gi1/0/7".utf8) + [2, 6, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF]
        b += [255]
        return b
    }
}
