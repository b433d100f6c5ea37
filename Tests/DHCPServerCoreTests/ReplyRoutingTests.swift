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
        Row(
            giaddr: "10.0.0.1", ciaddr: nil, flag: false, type: .offer, policy: .auto,
            expected: .relay(IPv4Address("10.0.0.1")!, port: 67)),
        Row(
            giaddr: "10.0.0.1", ciaddr: nil, flag: false, type: .nak, policy: .auto,
            expected: .relay(IPv4Address("10.0.0.1")!, port: 67)),
        Row(
            giaddr: nil, ciaddr: "192.168.10.9", flag: false, type: .nak, policy: .auto, expected: .broadcast(port: 68)),
        Row(
            giaddr: nil, ciaddr: "192.168.10.9", flag: true, type: .ack, policy: .always,
            expected: .unicast(yiaddr, port: 68)),
        Row(giaddr: nil, ciaddr: nil, flag: true, type: .offer, policy: .auto, expected: .broadcast(port: 68)),
        Row(giaddr: nil, ciaddr: nil, flag: false, type: .offer, policy: .always, expected: .broadcast(port: 68)),
        Row(
            giaddr: nil, ciaddr: nil, flag: false, type: .offer, policy: .auto,
            expected: .hardwareUnicast(yiaddr, mac, port: 68)),
        Row(
            giaddr: nil, ciaddr: nil, flag: true, type: .ack, policy: .never,
            expected: .hardwareUnicast(yiaddr, mac, port: 68)),
    ]

    @Test(arguments: rows)
    func route(_ row: Row) {
        var request = DHCPMessage(op: DHCPMessage.bootRequest, xid: 1)
        request.setClientMAC(Self.mac)
        request.giaddr = row.giaddr.flatMap { IPv4Address($0) } ?? .any
        request.ciaddr = row.ciaddr.flatMap { IPv4Address($0) } ?? .any
        request.flags = row.flag ? DHCPMessage.broadcastFlag : 0
        let destination = ReplyRouting.destination(
            request: request, replyType: row.type, yiaddr: Self.yiaddr, policy: row.policy, serverPort: 67,
            clientPort: 68)
        #expect(destination == row.expected)
    }

    @Test func globs() {
        #expect(Glob.matches("Cisco Systems, Inc. IP Phone*", "Cisco Systems, Inc. IP Phone CP-7970G"))
        #expect(Glob.matches("*CP-79?0G", "Cisco Systems, Inc. IP Phone CP-7970G"))
        #expect(!Glob.matches("Cisco*", "cisco"))
        #expect(Glob.matches("*", ""))
        // A `*` in the text under a `*` in the pattern (DHCPOptionsFuzz).
        #expect(Glob.matches("*", "*S"))
        #expect(Glob.matches("a*b", "a*xb"))
        #expect(Glob.matches("Gi1/0/*", "Gi1/0/*7"))
    }
}

/// Subnet selection (RFC 2131 §4.3.1): relay first, then a renewing client's own address, then the interface.
@Suite struct SubnetSelectionTests {
    static let local = Fixtures.subnet()
    static let remote = SubnetConfiguration(
        subnet: IPv4Subnet("10.20.0.0/24")!, pools: [IPv4Range("10.20.0.10-10.20.0.20")!], leaseTime: .seconds(3600),
        routers: [IPv4Address("10.20.0.1")!], dnsServers: [], domainName: nil, ntpServers: [], tftpServers: [],
        tftpServerName: nil, nextServer: nil, bootFile: "", options: [], reservations: [])
    let server = DHCPServer(config: Fixtures.config(local, subnets: [local, remote]), servesTFTP: false, leases: [])

    @Test func renewalUnicastFromBehindARelayUsesCiaddr() {
        let renew = Fixtures.message(.request, mac: Fixtures.mac(5), ciaddr: IPv4Address("10.20.0.12")!)
        #expect(server.subnet(for: renew, context: Fixtures.context)?.subnet == Self.remote.subnet)
    }

    @Test func relayWinsOverCiaddr() {
        var relayed = Fixtures.message(.request, mac: Fixtures.mac(5), ciaddr: IPv4Address("192.168.10.3")!)
        relayed.giaddr = IPv4Address("10.20.0.1")!
        #expect(server.subnet(for: relayed, context: Fixtures.context)?.subnet == Self.remote.subnet)
    }

    @Test func unknownCiaddrFallsBackToTheInterface() {
        let stray = Fixtures.message(.request, mac: Fixtures.mac(5), ciaddr: IPv4Address("172.31.0.9")!)
        #expect(server.subnet(for: stray, context: Fixtures.context)?.subnet == Self.local.subnet)
        let fresh = Fixtures.message(.discover, mac: Fixtures.mac(5))
        #expect(server.subnet(for: fresh, context: Fixtures.context)?.subnet == Self.local.subnet)
    }

    @Test func relayedClientRenewingByUnicastIsAcked() throws {
        var server = self.server
        var discover = Fixtures.message(.discover, mac: Fixtures.mac(6))
        discover.giaddr = IPv4Address("10.20.0.1")!
        let offer = try #require(server.handle(discover, context: Fixtures.context, now: 0).replies.first?.0)
        var request = Fixtures.message(
            .request, mac: Fixtures.mac(6), requested: offer.yiaddr, serverID: Fixtures.server)
        request.giaddr = IPv4Address("10.20.0.1")!
        #expect(server.handle(request, context: Fixtures.context, now: 10).replies.first?.0.messageType == .ack)
        // T1: unicast from ciaddr, no relay in between.
        let renew = Fixtures.message(.request, mac: Fixtures.mac(6), xid: 7, ciaddr: offer.yiaddr)
        let (ack, destination) = try #require(server.handle(renew, context: Fixtures.context, now: 20).replies.first)
        #expect(ack.messageType == .ack && ack.yiaddr == offer.yiaddr)
        #expect(destination == .unicast(offer.yiaddr, port: 68))
    }
}
