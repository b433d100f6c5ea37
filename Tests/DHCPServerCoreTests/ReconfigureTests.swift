import DHCPServerCore
import DHCPWire
import DialtoneConfig
import Testing
import WireSupport

/// A reload swaps the core's config under a running lease table: bindings stay, the next reply carries the
/// new options, and a new reservation is honoured at once.
struct ReconfigureTests {
    func bind(_ mac: MACAddress, on server: inout DHCPServer, now: Int64) throws -> IPv4Address {
        let offer = try #require(
            server.handle(Fixtures.message(.discover, mac: mac), context: Fixtures.context, now: now).replies.first?.0)
        let ack = server.handle(
            Fixtures.message(.request, mac: mac, requested: offer.yiaddr, serverID: Fixtures.server),
            context: Fixtures.context, now: now + 1)
        #expect(ack.replies.first?.0.messageType == .ack)
        return offer.yiaddr
    }

    @Test func leasesSurviveAndTheNextReplyCarriesTheNewConfig() throws {
        var server = DHCPServer(config: Fixtures.config(), servesTFTP: false, leases: [])
        let kept = Fixtures.mac(1), reserved = Fixtures.mac(2)
        let keptAddress = try bind(kept, on: &server, now: 0)
        let leasesBefore = server.leases.all

        var subnet = Fixtures.subnet(
            reservations: [Reservation(mac: reserved, clientID: nil, ip: IPv4Address("192.168.10.50")!, hostname: nil)])
        subnet.domainName = "lab.example"
        server.reconfigure(Fixtures.config(subnet))

        #expect(server.leases.all == leasesBefore, "a reload writes and drops no lease")
        #expect(server.config.subnets.first?.domainName == "lab.example")
        // The bound client renews (RENEWING: ciaddr, no server id) and keeps its address, with the new option.
        let renew = server.handle(
            Fixtures.message(.request, mac: kept, xid: 7, ciaddr: keptAddress), context: Fixtures.context, now: 100)
        let ack = try #require(renew.replies.first?.0)
        #expect(ack.messageType == .ack)
        #expect(ack.yiaddr == keptAddress)
        #expect(ack.options.string(.domainName) == "lab.example")
        // A client the reload reserved an address for gets it on its next DISCOVER.
        #expect(try bind(reserved, on: &server, now: 200) == IPv4Address("192.168.10.50"))
    }

    @Test func withoutAReloadTheOldConfigIsAnswered() throws {
        var server = DHCPServer(config: Fixtures.config(), servesTFTP: false, leases: [])
        let offer = try #require(
            server.handle(Fixtures.message(.discover, mac: Fixtures.mac(3)), context: Fixtures.context, now: 0)
                .replies.first?.0)
        #expect(offer.options.string(.domainName) == nil)
    }
}
