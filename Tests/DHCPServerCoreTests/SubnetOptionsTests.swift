import DHCPWire
import DialtoneConfig
import Testing
import WireSupport

@testable import DHCPServerCore

/// The options a subnet's replies carry are encoded once per configuration (ConfiguredSubnet): the replies still
/// carry the config's options in RFC 2132's order, and a class or another lease time does not change them.
@Suite struct SubnetOptionsTests {
    /// Every kind of configured option, `options:` replacing a typed one (3) and naming 67, and a class adding
    /// its own: the cases where the cached list is copied, overridden or trimmed.
    static let subnet: SubnetConfiguration = {
        var s = Fixtures.subnet()
        s.domainName = "voice.example"
        s.ntpServers = [IPv4Address("198.18.0.9")!]
        s.tftpServers = [IPv4Address("198.18.0.10")!]
        s.options = [
            ConfiguredOption(code: .routers, value: [198, 18, 0, 254]),
            ConfiguredOption(code: .bootFileName, value: Array("pxelinux.0".utf8)),
            ConfiguredOption(code: DHCPOptionCode(42), value: [198, 18, 0, 11]),
            ConfiguredOption(code: DHCPOptionCode(200), value: [1, 2]),
        ]
        return s
    }()

    static let phones = ClientClassConfiguration(
        name: "phones",
        match: .init(
            vendorClass: "Cisco*", userClass: nil, clientArchitectures: [], macPrefixes: [], relay: nil,
            circuitID: nil),
        broadcast: .always, options: [ConfiguredOption(code: DHCPOptionCode(160), value: Array("x".utf8))])

    @Test(arguments: [false, true]) func repliesCarryTheSubnetsEncodedOptions(cisco: Bool) throws {
        let config = Fixtures.config(Self.subnet, classes: [Self.phones])
        let request = Fixtures.message(.discover, mac: cisco ? Fixtures.cisco : Fixtures.mac(1), cisco: cisco)
        let profile = ClientProfile(request: request, classes: config.classes)
        #expect((profile.matchedClass != nil) == cisco)
        let subnet = ConfiguredSubnet(Self.subnet)
        let builder = ReplyBuilder(
            subnet: subnet, profile: profile, serverAddress: Fixtures.server, tftpAddress: Fixtures.server)
        let offer = builder.reply(to: request, type: .offer, yiaddr: IPv4Address("192.168.10.1")!, leaseSeconds: 43200)
        let codes = offer.options.codes.map(\.rawValue)
        // 53, 54, 67 (the boot decision), the lease times, 1, then the PRL's order, then the rest by code.
        let prl: [UInt8] = cisco ? [1, 66, 6, 3, 15, 150] : [1, 3, 6]
        let rest: [UInt8] = cisco ? [42, 160, 200] : [15, 42, 150, 200]
        #expect(codes == [53, 54, 67, 51, 58, 59] + prl + rest)
        #expect(offer.options[.routers] == [198, 18, 0, 254], "options: replaces the typed routers")
        #expect(offer.options[.ntpServers] == [198, 18, 0, 11], "options: replaces the typed NTP servers")
        #expect(offer.options.string(.bootFileName) == "pxelinux.0", "67 from the boot decision, once")
        #expect(try offer.options.ipv4List(.tftpServerAddress) == [IPv4Address("198.18.0.10")!], "the subnet's 150")
        #expect(offer.options[DHCPOptionCode(160)] == (cisco ? Array("x".utf8) : nil), "the class's own option")
        #expect(!subnet.options.options.contains(DHCPOptionCode(160)), "a class adds to a copy, not the shared list")
        // A lease time other than the subnet's: the encoded 51/58/59 are not used.
        let ack = builder.reply(to: request, type: .ack, yiaddr: IPv4Address("192.168.10.1")!, leaseSeconds: 600)
        #expect(try ack.options.leaseTime == 600)
        #expect(try ack.options.uint32(.renewalTime) == 300)
        #expect(try ack.options.uint32(.rebindingTime) == 525)
        let inform = builder.reply(to: request, type: .inform, yiaddr: .any, leaseSeconds: 3600)
        #expect(try inform.options.leaseTime == nil, "no lease times in an ACK to an INFORM")
    }

    /// The encoded options follow a reload: a reply after `reconfigure` carries the new options.
    @Test func reloadReencodesTheOptions() throws {
        var server = DHCPServer(config: Fixtures.config(Self.subnet), servesTFTP: false, leases: [])
        var changed = Self.subnet
        changed.domainName = "new.example"
        changed.leaseTime = .seconds(900)
        server.reconfigure(Fixtures.config(changed))
        let offer = try #require(
            server.handle(Fixtures.message(.discover, mac: Fixtures.mac(3)), context: Fixtures.context, now: 0)
                .replies.first?.0)
        #expect(offer.options.string(.domainName) == "new.example")
        #expect(try offer.options.leaseTime == 900)
        #expect(try offer.options.uint32(.renewalTime) == 450)
        #expect(try offer.options.uint32(.rebindingTime) == 787)
    }

    @Test func codeSetIteratesInAscendingOrder() {
        var set = OptionCodeSet()
        for raw: UInt8 in [255, 150, 0, 64, 63, 1, 128, 127, 1] { set.insert(DHCPOptionCode(raw)) }
        #expect(set.map(\.rawValue) == [0, 1, 63, 64, 127, 128, 150, 255])
        #expect(set.contains(DHCPOptionCode(150)) && !set.contains(DHCPOptionCode(151)))
        #expect(Array(OptionCodeSet()).isEmpty)
    }
}
