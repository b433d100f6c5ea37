import DHCPWire
import DialtoneConfig
import Testing
import WireSupport

@testable import DHCPServerCore

/// The options a subnet's replies carry are encoded once per configuration (SubnetOptions); a reply built from
/// them must be byte for byte the reply built from the config itself.
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

    func replies(_ builder: ReplyBuilder, _ request: DHCPMessage) -> [[UInt8]] {
        [
            builder.reply(to: request, type: .offer, yiaddr: IPv4Address("192.168.10.1")!, leaseSeconds: 43200),
            // A lease time other than the subnet's: the cached 51/58/59 must not be used.
            builder.reply(to: request, type: .ack, yiaddr: IPv4Address("192.168.10.1")!, leaseSeconds: 600),
            builder.reply(to: request, type: .nak, yiaddr: .any, leaseSeconds: nil),
            builder.reply(to: request, type: .inform, yiaddr: .any, leaseSeconds: nil),
        ].map { $0.encode(minimumSize: DHCPMessage.minimumBOOTPSize) }
    }

    @Test(arguments: [false, true]) func cachedOptionsGiveTheSameReplies(cisco: Bool) throws {
        let config = Fixtures.config(Self.subnet, classes: [Self.phones])
        let request = Fixtures.message(.discover, mac: cisco ? Fixtures.cisco : Fixtures.mac(1), cisco: cisco)
        let profile = ClientProfile(request: request, classes: config.classes)
        #expect((profile.matchedClass != nil) == cisco)
        func builder(cached: Bool) -> ReplyBuilder {
            ReplyBuilder(
                subnet: Self.subnet, profile: profile, serverAddress: Fixtures.server, tftpAddress: Fixtures.server,
                subnetOptions: cached ? SubnetOptions(Self.subnet) : nil)
        }
        #expect(replies(builder(cached: true), request) == replies(builder(cached: false), request))
        let offer = builder(cached: true).reply(
            to: request, type: .offer, yiaddr: IPv4Address("192.168.10.1")!, leaseSeconds: 43200)
        #expect(offer.options[.routers] == [198, 18, 0, 254], "options: replaces the typed routers")
        #expect(offer.options.string(.bootFileName) == "pxelinux.0", "67 from the boot decision, once")
        #expect(offer.options.codes.filter { $0 == .bootFileName }.count == 1)
    }

    /// The server's table follows a reload: a reply after `reconfigure` carries the new options.
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
