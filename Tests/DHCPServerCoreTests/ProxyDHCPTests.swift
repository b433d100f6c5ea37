import DHCPServerCore
import DHCPWire
import DialtoneConfig
import Testing
import Timeline
import WireSupport

/// Issue 16, proxyDHCP (PXE 2.1 §2.2.2-2.2.3): on a `proxy: true` subnet a PXE client's DISCOVER gets boot
/// information and no address, its request on the PXE port gets the same as an ACK to its address, and
/// nobody else gets anything: the address server owns the link.
@Suite struct ProxyDHCPTests {
    static let biosPXE = "PXEClient:Arch:00000:UNDI:002001"
    static let uefiPXE = "PXEClient:Arch:00007:UNDI:003016"
    static let addressServer = IPv4Address("192.168.10.1")!
    static let leased = IPv4Address("192.168.10.57")!

    static var proxySubnet: SubnetConfiguration {
        var s = Fixtures.subnet(pools: [])
        (s.routers, s.dnsServers) = ([], [])
        s.proxy = true
        s.bootFilesByArchitecture = [0: "undionly.kpxe", 7: "snponly.efi", 9: "snponly.efi"]
        s.ipxeScript = "boot.ipxe"
        return s
    }

    static func pxe(
        _ type: DHCPMessageType, vendorClass: String? = biosPXE, arch: UInt16 = 0, ciaddr: IPv4Address = .any,
        serverID: IPv4Address? = nil, userClass: String? = nil
    ) -> DHCPMessage {
        var m = Fixtures.message(type, mac: Fixtures.mac(7), serverID: serverID, ciaddr: ciaddr)
        if let vendorClass { m.options.setString(.vendorClass, vendorClass) }
        m.options.set(.clientArchitecture, [UInt8(arch >> 8), UInt8(arch & 0xFF)])
        m.options.set(.clientMachineID, [0] + Array(1...16))
        if let userClass { m.options.set(.userClass, [UInt8(userClass.utf8.count)] + Array(userClass.utf8)) }
        return m
    }

    static func context(pxePort: Bool, source: IPv4Address = .any, port: UInt16 = 68) -> ReceiveContext {
        ReceiveContext(
            interfaceName: "eth1", interfaceAddress: Fixtures.server, sourceAddress: source, sourcePort: port,
            onPXEPort: pxePort)
    }

    static func decoded(_ actions: [DHCPAction]) throws -> (DHCPMessage, ReplyDestination) {
        let (reply, destination) = try #require(actions.replies.first)
        return (try DHCPMessage(decoding: reply.encode(minimumSize: DHCPMessage.minimumBOOTPSize)), destination)
    }

    static func fileField(_ m: DHCPMessage) -> String { String(decoding: m.file.prefix { $0 != 0 }, as: UTF8.self) }

    @Test func biosDiscoverGetsABroadcastProxyOfferWithItsBootFileAndNoAddress() throws {
        var server = DHCPServer(config: Fixtures.config(Self.proxySubnet), servesTFTP: true, leases: [])
        let actions = server.handle(Self.pxe(.discover), context: Self.context(pxePort: false), now: 0)
        let (offer, destination) = try Self.decoded(actions)
        #expect(offer.messageType == .offer)
        #expect(offer.yiaddr == .any)
        #expect(offer.siaddr == Fixtures.server)
        #expect(Self.fileField(offer) == "undionly.kpxe")
        #expect(offer.options.string(.bootFileName) == "undionly.kpxe")
        #expect(offer.options.string(.vendorClass) == "PXEClient")
        #expect(try offer.options.serverIdentifier == Fixtures.server)
        #expect(offer.options[.clientMachineID] == [0] + Array(1...16))
        // PXE_DISCOVERY_CONTROL bit 3: boot the offer's file, no menu, no boot server discovery.
        #expect(offer.options[.vendorSpecific] == [6, 1, 8, 255])
        #expect(offer.isBroadcastFlagSet)
        #expect(destination == .broadcast(port: 68))
        // Nothing about addresses: no lease, no subnet mask, no router, no lease time.
        #expect(actions.commits.isEmpty)
        for code: DHCPOptionCode in [.subnetMask, .routers, .leaseTime, .domainNameServers] {
            #expect(offer.options[code] == nil, "option \(code)")
        }
        #expect(actions.events.map(\.name) == [.proxyOffered])
        #expect(actions.events.first?[.reason] == "subnet boot_files[0]")
    }

    @Test func theRequestOnThePXEPortIsAckedToTheClientsAddressAndSourcePort() throws {
        var server = DHCPServer(config: Fixtures.config(Self.proxySubnet), servesTFTP: true, leases: [])
        var request = Self.pxe(.request, arch: 7, ciaddr: Self.leased)
        request.options.set(.vendorSpecific, [71, 4, 0x80, 0x00, 0x00, 0x00, 255])
        let actions = server.handle(
            request, context: Self.context(pxePort: true, source: Self.leased, port: 4011), now: 0)
        let (ack, destination) = try Self.decoded(actions)
        #expect(ack.messageType == .ack)
        #expect(ack.yiaddr == .any)
        #expect(ack.ciaddr == Self.leased)
        #expect(Self.fileField(ack) == "snponly.efi")
        // The boot item the client asked for comes back (PXE 2.1 §2.2.3).
        #expect(ack.options[.vendorSpecific] == [6, 1, 8, 71, 4, 0x80, 0, 0, 0, 255])
        #expect(destination == .unicast(Self.leased, port: 4011))
        #expect(actions.events.map(\.name) == [.proxyAcked])
    }

    @Test func iPXEGetsItsScriptThroughTheProxyToo() throws {
        var server = DHCPServer(config: Fixtures.config(Self.proxySubnet), servesTFTP: true, leases: [])
        let actions = server.handle(
            Self.pxe(.discover, userClass: "iPXE"), context: Self.context(pxePort: false), now: 0)
        let (offer, _) = try Self.decoded(actions)
        #expect(Self.fileField(offer) == "boot.ipxe")
        #expect(offer.options.string(.bootFileName) == "boot.ipxe")
    }

    struct Silent: CustomTestStringConvertible, Sendable {
        var name: String
        var message: DHCPMessage
        var pxePort = false
        /// What the timeline gets: nothing for a client that is not PXE.
        var events: [EventName.DHCP]
        var testDescription: String { name }
    }

    static let silent: [Silent] = [
        Silent(
            name: "a client that is not PXE (a phone, a laptop) is the address server's, and leaves no trace",
            message: Fixtures.message(.discover, mac: Fixtures.mac(8), cisco: true), events: []),
        Silent(
            name: "the REQUEST for the address server's offer is noted, not answered",
            message: pxe(.request, serverID: addressServer), events: [.addressServerSeen]),
        Silent(
            name: "a DISCOVER on the PXE port is not a boot server request",
            message: pxe(.discover), pxePort: true, events: [.packetDropped]),
        Silent(
            name: "an architecture the subnet has no file for: unanswered, and said why",
            message: pxe(.discover, arch: 11), events: [.packetDropped]),
        Silent(name: "a RELEASE is the address server's", message: pxe(.release), events: [.packetDropped]),
    ]

    @Test(arguments: silent) func everythingElseIsLeftToTheAddressServer(_ c: Silent) {
        var subnet = Self.proxySubnet
        subnet.ipxeScript = nil
        var server = DHCPServer(config: Fixtures.config(subnet), servesTFTP: true, leases: [])
        let actions = server.handle(c.message, context: Self.context(pxePort: c.pxePort), now: 0)
        #expect(actions.replies.isEmpty)
        #expect(actions.commits.isEmpty)
        #expect(actions.events.map(\.name) == c.events)
    }

    @Test func thePXEPortIsDeadOnAnOrdinarySubnet() {
        var server = DHCPServer(config: Fixtures.config(), servesTFTP: true, leases: [])
        let actions = server.handle(
            Self.pxe(.request, ciaddr: Self.leased), context: Self.context(pxePort: true), now: 0)
        #expect(actions.replies.isEmpty)
        #expect(actions.events.first?[.reason]?.contains("proxy subnets only") == true)
    }

    @Test func aProxySubnetHasNoPoolToReport() {
        let server = DHCPServer(
            config: Fixtures.config(subnets: [Fixtures.subnet(), Self.proxySubnet]), servesTFTP: true, leases: [])
        #expect(server.poolUsage(now: 0).map(\.total) == [5])
    }

    @Test func theAddressServersRepliesAreExpectedOnAProxySubnet() {
        let server = DHCPServer(config: Fixtures.config(Self.proxySubnet), servesTFTP: true, leases: [])
        let heard = DHCPEvent(
            .otherServerReply, level: .warning, mac: Fixtures.mac(7),
            [.dhcp(.serverID): "192.168.10.1", .dhcp(.yiaddr): "192.168.10.57"])
        let judged = server.foreignReply(heard, interfaceAddress: Fixtures.server)
        #expect(judged.name == .addressServerSeen)
        #expect(judged.level == .info)
        #expect(judged[.reason] == "the address server of proxy subnet 192.168.10.0/24")
        let ordinary = DHCPServer(config: Fixtures.config(), servesTFTP: true, leases: [])
        #expect(ordinary.foreignReply(heard, interfaceAddress: Fixtures.server) == heard)
        // Another proxy (no address offered) races us for the same clients: still a rival.
        var proxy = heard
        proxy[.dhcp(.yiaddr)] = nil
        #expect(server.foreignReply(proxy, interfaceAddress: Fixtures.server) == proxy)
    }
}
