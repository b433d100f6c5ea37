import DHCPServerCore
import DHCPWire
import DialtoneConfig
import Testing
import WireSupport

/// RFC 2131 §4.1 as a table: (giaddr, ciaddr, broadcast flag, reply type, policy) → destination.
@Suite struct ReplyRoutingTests {
    struct Row: CustomTestStringConvertible, Sendable {
        var giaddr: String?
        var ciaddr: String?
        var flag: Bool
        var type: DHCPMessageType
        var policy: BroadcastPolicy
        var expected: ReplyDestination
        var testDescription: String { "gi=\(giaddr ?? "-") ci=\(ciaddr ?? "-") flag=\(flag) \(type) \(policy)" }
    }

    static let mac = MACAddress("02:00:00:00:00:01")!
    static let yiaddr = IPv4Address("192.168.10.9")!
    static let rows: [Row] = [
        Row(giaddr: "10.0.0.1", ciaddr: nil, flag: false, type: .offer, policy: .auto, expected: .relay(IPv4Address("10.0.0.1")!, port: 67)),
        Row(giaddr: "10.0.0.1", ciaddr: nil, flag: false, type: .nak, policy: .auto, expected: .relay(IPv4Address("10.0.0.1")!, port: 67)),
        Row(giaddr: nil, ciaddr: "192.168.10.9", flag: false, type: .nak, policy: .auto, expected: .broadcast(port: 68)),
        Row(giaddr: nil, ciaddr: "192.168.10.9", flag: true, type: .ack, policy: .always, expected: .unicast(yiaddr, port: 68)),
        Row(giaddr: nil, ciaddr: nil, flag: true, type: .offer, policy: .auto, expected: .broadcast(port: 68)),
        Row(giaddr: nil, ciaddr: nil, flag: false, type: .offer, policy: .always, expected: .broadcast(port: 68)),
        Row(giaddr: nil, ciaddr: nil, flag: false, type: .offer, policy: .auto, expected: .hardwareUnicast(yiaddr, mac, port: 68)),
        Row(giaddr: nil, ciaddr: nil, flag: true, type: .ack, policy: .never, expected: .hardwareUnicast(yiaddr, mac, port: 68)),
    ]

    @Test(arguments: rows)
    func route(_ row: Row) {
        var request = DHCPMessage(op: DHCPMessage.bootRequest, xid: 1)
        request.setClientMAC(Self.mac)
        request.giaddr = row.giaddr.flatMap { IPv4Address($0) } ?? .any
        request.ciaddr = row.ciaddr.flatMap { IPv4Address($0) } ?? .any
        request.flags = row.flag ? DHCPMessage.broadcastFlag : 0
        let destination = ReplyRouting.destination(
            request: request, replyType: row.type, yiaddr: Self.yiaddr, policy: row.policy, serverPort: 67, clientPort: 68)
        #expect(destination == row.expected)
    }

    @Test func globs() {
        #expect(Glob.matches("Cisco Systems, Inc. IP Phone*", "Cisco Systems, Inc. IP Phone CP-7970G"))
        #expect(Glob.matches("*CP-79?0G", "Cisco Systems, Inc. IP Phone CP-7970G"))
        #expect(!Glob.matches("Cisco*", "cisco"))
        #expect(Glob.matches("*", ""))
    }
}
