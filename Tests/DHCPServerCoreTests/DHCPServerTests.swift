import DHCPServerCore
import DHCPWire
import DialtoneConfig
import Testing
import Timeline
import WireSupport

@Suite struct DHCPServerTests {
    @Test func ciscoPhoneGetsAnOfferItAccepts() throws {
        var server = DHCPServer(config: Fixtures.config(), servesTFTP: true, leases: [])
        let actions = server.handle(
            Fixtures.message(.discover, mac: Fixtures.cisco, cisco: true), context: Fixtures.context, now: 1000)
        let (offer, destination) = try #require(actions.replies.first)
        #expect(destination == .broadcast(port: 68), "Cisco phones default to broadcast: always")
        #expect(offer.yiaddr == IPv4Address("192.168.10.1"))
        #expect(offer.siaddr == Fixtures.server, "siaddr is our TFTP address when TFTP is served")
        let bytes = offer.encode(minimumSize: DHCPMessage.minimumBOOTPSize)
        #expect(bytes.count >= 300)
        let decoded = try DHCPMessage(decoding: bytes)
        let codes = decoded.options.codes.map(\.rawValue)
        #expect(codes.prefix(2) == [53, 54])
        #expect(try decoded.options.serverIdentifier == Fixtures.server)
        #expect(codes.firstIndex(of: 1)! < codes.firstIndex(of: 3)!, "1 before 3 (RFC 2132 §3.3)")
        #expect(try decoded.options.ipv4List(.tftpServerAddress) == [Fixtures.server], "150 is a binary list")
        #expect(decoded.options.string(.tftpServerName) == "192.168.10.100")
        #expect(try decoded.options.leaseTime == 43200)
        // PRL order after 1: 66, 6, 3, 15, 150.
        #expect(codes.filter { [66, 6, 3, 150].contains($0) } == [66, 6, 3, 150])
        #expect(actions.commits.first?.state == .offered)
    }

    @Test func fullExchangeAndStableAddress() throws {
        var server = DHCPServer(config: Fixtures.config(), servesTFTP: false, leases: [])
        let mac = Fixtures.mac(1)
        let offer = try #require(
            server.handle(Fixtures.message(.discover, mac: mac), context: Fixtures.context, now: 0).replies.first?.0)
        let ack = server.handle(
            Fixtures.message(.request, mac: mac, requested: offer.yiaddr, serverID: Fixtures.server),
            context: Fixtures.context, now: 10)
        #expect(ack.replies.first?.0.messageType == .ack)
        #expect(ack.commits.first?.state == .bound)
        // Retries and later DISCOVERs get the same address.
        let again = server.handle(Fixtures.message(.discover, mac: mac, xid: 99), context: Fixtures.context, now: 20)
        #expect(again.replies.first?.0.yiaddr == offer.yiaddr)
        // Restart: a new core from the stored leases still gives the same address.
        var restarted = DHCPServer(config: Fixtures.config(), servesTFTP: false, leases: server.leases.all)
        #expect(
            restarted.handle(Fixtures.message(.discover, mac: mac), context: Fixtures.context, now: 30).replies.first?.0
                .yiaddr == offer.yiaddr)
        #expect(offer.siaddr == .any, "no TFTP here and no next_server: siaddr stays 0")
    }

    @Test func requestedAddressHonouredWhenFree() {
        var server = DHCPServer(config: Fixtures.config(), servesTFTP: false, leases: [])
        let actions = server.handle(
            Fixtures.message(.discover, mac: Fixtures.mac(2), requested: IPv4Address("192.168.10.4")),
            context: Fixtures.context, now: 0)
        #expect(actions.replies.first?.0.yiaddr == IPv4Address("192.168.10.4"))
    }

    @Test func requestNamingAnotherServerIsSilent() {
        var server = DHCPServer(config: Fixtures.config(), servesTFTP: false, leases: [])
        _ = server.handle(Fixtures.message(.discover, mac: Fixtures.mac(3)), context: Fixtures.context, now: 0)
        let actions = server.handle(
            Fixtures.message(
                .request, mac: Fixtures.mac(3), requested: IPv4Address("192.168.10.1"),
                serverID: IPv4Address("192.168.10.200")),
            context: Fixtures.context, now: 5)
        #expect(actions.replies.isEmpty)
        #expect(actions.commits.first?.state == .released, "our offer is freed")
    }

    @Test func authoritativeNakAndNonAuthoritativeSilence() {
        let request = Fixtures.message(.request, mac: Fixtures.mac(4), requested: IPv4Address("10.9.9.9"))
        var authoritative = DHCPServer(config: Fixtures.config(), servesTFTP: false, leases: [])
        let nak = authoritative.handle(request, context: Fixtures.context, now: 0)
        #expect(nak.replies.first?.0.messageType == .nak)
        #expect(nak.replies.first?.1 == .broadcast(port: 68))
        var quiet = DHCPServer(config: Fixtures.config(authoritative: false), servesTFTP: false, leases: [])
        #expect(quiet.handle(request, context: Fixtures.context, now: 0).replies.isEmpty)
    }

    @Test func addressOfAnotherClientIsNaked() throws {
        var server = DHCPServer(config: Fixtures.config(), servesTFTP: false, leases: [])
        let ip = try #require(
            server.handle(Fixtures.message(.discover, mac: Fixtures.mac(5)), context: Fixtures.context, now: 0).replies
                .first?.0.yiaddr)
        _ = server.handle(
            Fixtures.message(.request, mac: Fixtures.mac(5), requested: ip, serverID: Fixtures.server),
            context: Fixtures.context, now: 1)
        let thief = server.handle(
            Fixtures.message(.request, mac: Fixtures.mac(6), requested: ip), context: Fixtures.context, now: 2)
        #expect(thief.replies.first?.0.messageType == .nak)
    }

    @Test func declineQuarantinesAndExhaustionIsReported() throws {
        var server = DHCPServer(
            config: Fixtures.config(Fixtures.subnet(pools: ["192.168.10.1-192.168.10.2"])), servesTFTP: false,
            leases: [])
        let a = Fixtures.mac(7), b = Fixtures.mac(8), c = Fixtures.mac(9)
        let ipA = try #require(
            server.handle(Fixtures.message(.discover, mac: a), context: Fixtures.context, now: 0).replies.first?.0
                .yiaddr)
        _ = server.handle(
            Fixtures.message(.request, mac: a, requested: ipA, serverID: Fixtures.server), context: Fixtures.context,
            now: 1)
        let decline = server.handle(
            Fixtures.message(.decline, mac: a, requested: ipA, serverID: Fixtures.server), context: Fixtures.context,
            now: 2)
        #expect(decline.commits.first?.state == .declined)
        let ipA2 = server.handle(Fixtures.message(.discover, mac: a), context: Fixtures.context, now: 3).replies.first?
            .0.yiaddr
        #expect(ipA2 != nil && ipA2 != ipA, "the declined address is not offered again")
        _ = server.handle(Fixtures.message(.discover, mac: b), context: Fixtures.context, now: 4)
        let none = server.handle(Fixtures.message(.discover, mac: c), context: Fixtures.context, now: 5)
        #expect(none.replies.isEmpty)
        #expect(none.events.first?.name == .poolExhausted)
        // Offers expire: after the hold, c can have b's offered address.
        let later = server.handle(
            Fixtures.message(.discover, mac: c), context: Fixtures.context,
            now: 5 + DHCPServer.offerHoldMilliseconds + 1)
        #expect(later.replies.first != nil)
    }

    @Test func reservationsAndReleaseKeepBinding() {
        let reserved = Reservation(
            mac: Fixtures.mac(10), clientID: nil, ip: IPv4Address("192.168.10.50")!, hostname: "lobby")
        var server = DHCPServer(
            config: Fixtures.config(Fixtures.subnet(reservations: [reserved])), servesTFTP: false, leases: [])
        let offer = server.handle(Fixtures.message(.discover, mac: Fixtures.mac(10)), context: Fixtures.context, now: 0)
        #expect(offer.replies.first?.0.yiaddr == reserved.ip)
        #expect(offer.commits.first?.hostname == "lobby")
        var m = Fixtures.message(.release, mac: Fixtures.mac(10), ciaddr: reserved.ip)
        m.options.setIPv4(.serverIdentifier, Fixtures.server)
        _ = server.handle(
            Fixtures.message(.request, mac: Fixtures.mac(10), requested: reserved.ip, serverID: Fixtures.server),
            context: Fixtures.context, now: 1)
        #expect(server.handle(m, context: Fixtures.context, now: 2).commits.first?.state == .released)
    }

    @Test func relayedRequestUsesRelaySubnetAndEchoes82() throws {
        var subnet = Fixtures.subnet()
        subnet.subnet = IPv4Subnet("10.20.0.0/24")!
        subnet.pools = [IPv4Range("10.20.0.10-10.20.0.20")!]
        var server = DHCPServer(config: Fixtures.config(subnet), servesTFTP: false, leases: [])
        var m = Fixtures.message(.discover, mac: Fixtures.mac(11))
        m.giaddr = IPv4Address("10.20.0.1")!
        m.options.set(.relayAgentInformation, [1, 3, 0x61, 0x62, 0x63])
        let (offer, destination) = try #require(server.handle(m, context: Fixtures.context, now: 0).replies.first)
        #expect(destination == .relay(IPv4Address("10.20.0.1")!, port: 67))
        #expect(offer.yiaddr == IPv4Address("10.20.0.10"))
        #expect(offer.giaddr == m.giaddr)
        #expect(offer.options.codes.last == .relayAgentInformation)
        #expect(offer.options[.relayAgentInformation] == [1, 3, 0x61, 0x62, 0x63])
    }

    @Test func classesOverrideOptionsAndBroadcast() throws {
        let cls = ClientClassConfiguration(
            name: "pxe",
            match: .init(
                vendorClass: "PXEClient*", userClass: nil, clientArchitectures: [], macPrefixes: [], relay: nil,
                circuitID: nil),
            broadcast: .never, options: [ConfiguredOption(code: .bootFileName, value: Array("ipxe.efi".utf8))])
        var server = DHCPServer(config: Fixtures.config(classes: [cls]), servesTFTP: false, leases: [])
        var m = Fixtures.message(.discover, mac: Fixtures.mac(12))
        m.options.setString(.vendorClass, "PXEClient:Arch:00007:UNDI:003016")
        m.flags = DHCPMessage.broadcastFlag
        let (offer, destination) = try #require(server.handle(m, context: Fixtures.context, now: 0).replies.first)
        #expect(offer.options.string(.bootFileName) == "ipxe.efi")
        #expect(destination == .hardwareUnicast(offer.yiaddr, Fixtures.mac(12), port: 68))
    }

    @Test func informGetsOptionsWithoutLease() throws {
        var server = DHCPServer(config: Fixtures.config(), servesTFTP: false, leases: [])
        let m = Fixtures.message(.inform, mac: Fixtures.mac(13), ciaddr: IPv4Address("192.168.10.77")!)
        let actions = server.handle(m, context: Fixtures.context, now: 0)
        let (ack, destination) = try #require(actions.replies.first)
        #expect(ack.messageType == .ack && ack.yiaddr == .any && ack.options[.leaseTime] == nil)
        #expect(destination == .unicast(IPv4Address("192.168.10.77")!, port: 68))
        #expect(actions.commits.isEmpty)
    }

    @Test func movingClientReleasesItsPreviousAddress() throws {
        var server = DHCPServer(config: Fixtures.config(), servesTFTP: false, leases: [])
        let mac = Fixtures.mac(14)
        let first = try #require(
            server.handle(Fixtures.message(.discover, mac: mac), context: Fixtures.context, now: 0).replies.first?.0
                .yiaddr)
        _ = server.handle(
            Fixtures.message(.request, mac: mac, requested: first, serverID: Fixtures.server),
            context: Fixtures.context, now: 1)
        // The admin adds a reservation; after a restart the client moves to it and its old address is freed.
        let reserved = Reservation(mac: mac, clientID: nil, ip: IPv4Address("192.168.10.60")!, hostname: nil)
        var restarted = DHCPServer(
            config: Fixtures.config(Fixtures.subnet(reservations: [reserved])), servesTFTP: false,
            leases: server.leases.all)
        let actions = restarted.handle(Fixtures.message(.discover, mac: mac), context: Fixtures.context, now: 2)
        #expect(actions.replies.first?.0.yiaddr == reserved.ip)
        #expect(actions.commits.map(\.ip) == [first, reserved.ip])
        #expect(actions.commits.first?.state == .released)
        #expect(restarted.leases[first]?.isFree(at: 2) == true)
    }

    @Test func conflictsFoundAheadAreSkipped() throws {
        var server = DHCPServer(config: Fixtures.config(), servesTFTP: false, leases: [])
        #expect(
            server.upcomingAddresses(perSubnet: 3, now: 0).map(\.description) == [
                "192.168.10.1", "192.168.10.2", "192.168.10.3",
            ])
        let actions = server.markConflict(IPv4Address("192.168.10.1")!, now: 0)
        #expect(actions.commits.first?.state == .declined)
        #expect(actions.events.first?.name == .conflictDetected)
        #expect(server.upcomingAddresses(perSubnet: 1, now: 0).first == IPv4Address("192.168.10.2"))
        let offer = server.handle(Fixtures.message(.discover, mac: Fixtures.mac(15)), context: Fixtures.context, now: 1)
        #expect(offer.replies.first?.0.yiaddr == IPv4Address("192.168.10.2"))
        // A bound client answering on its own address is not a conflict.
        let ip = try #require(offer.replies.first?.0.yiaddr)
        _ = server.handle(
            Fixtures.message(.request, mac: Fixtures.mac(15), requested: ip, serverID: Fixtures.server),
            context: Fixtures.context, now: 2)
        #expect(server.markConflict(ip, now: 3).isEmpty)
    }

    /// An ARP probe that meets the very client we offered the address to (the neighbour entry our unicast
    /// OFFER left, or the client itself) is no conflict; any other MAC is.
    @Test func offeredClientAnsweringIsNoConflict() throws {
        var server = DHCPServer(config: Fixtures.config(), servesTFTP: false, leases: [])
        let offer = server.handle(Fixtures.message(.discover, mac: Fixtures.mac(16)), context: Fixtures.context, now: 1)
        let ip = try #require(offer.replies.first?.0.yiaddr)
        #expect(server.markConflict(ip, now: 2, answeredBy: Fixtures.mac(16)).isEmpty)
        #expect(server.markConflict(ip, now: 2, answeredBy: Fixtures.mac(17)).commits.first?.state == .declined)
    }
}
