import DHCPServerCore
import DHCPWire
import DialtoneConfig
import Testing
import Timeline
import WireSupport

/// Issue 16: the BOOTP `file` field and option 67 come from one decision, by user class (iPXE), option 93
/// architecture (RFC 4578 §2.1) and class over subnet; siaddr from the class's next_server over the subnet's.
@Suite struct NetbootTests {
    static let tftp = IPv4Address("192.168.10.7")!
    static let classServer = IPv4Address("192.168.10.9")!

    static var subnet: SubnetConfiguration {
        var s = Fixtures.subnet()
        s.bootFile = "undionly.kpxe"
        s.nextServer = tftp
        s.bootFilesByArchitecture = [0: "undionly.kpxe", 7: "snponly.efi", 9: "snponly.efi"]
        s.ipxeScript = "http://192.168.10.100/boot.ipxe"
        return s
    }

    /// The configuration: a class for iPXE clients that sets option 67 with `options:`.
    static let ipxeOptionClass = ClientClassConfiguration(
        name: "ipxe",
        match: .init(
            vendorClass: nil, userClass: "iPXE", clientArchitectures: [], macPrefixes: [], relay: nil, circuitID: nil),
        broadcast: nil, options: [ConfiguredOption(code: .bootFileName, value: Array("boot.ipxe".utf8))])

    static let armClass = ClientClassConfiguration(
        name: "lab",
        match: .init(
            vendorClass: nil, userClass: nil, clientArchitectures: [], macPrefixes: [[0x02, 0, 0]], relay: nil,
            circuitID: nil),
        broadcast: nil, options: [],
        netboot: NetbootConfiguration(bootFile: "lab.kpxe", nextServer: classServer))

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var subnet: SubnetConfiguration
        var classes: [ClientClassConfiguration] = []
        var arch: [UInt16]?
        var userClass: String?
        var file: String?
        var siaddr: IPv4Address
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "BIOS", subnet: subnet, arch: [0], file: "undionly.kpxe", siaddr: tftp),
        Case(name: "EFI BC (OVMF sends 7)", subnet: subnet, arch: [7], file: "snponly.efi", siaddr: tftp),
        Case(name: "EFI x86-64", subnet: subnet, arch: [9], file: "snponly.efi", siaddr: tftp),
        Case(
            name: "iPXE gets the script, not the binary again", subnet: subnet, arch: [0], userClass: "iPXE",
            file: "http://192.168.10.100/boot.ipxe", siaddr: tftp),
        Case(name: "no option 93: boot_file", subnet: subnet, file: "undionly.kpxe", siaddr: tftp),
        Case(
            name: "an architecture with no file: boot_file", subnet: subnet, arch: [11], file: "undionly.kpxe",
            siaddr: tftp),
        Case(
            name: "class overrides file and siaddr", subnet: subnet, classes: [armClass], arch: [7],
            file: "lab.kpxe", siaddr: classServer),
        Case(
            name: "the issue's config: the class's option 67 fills the file field too",
            subnet: {
                var s = Fixtures.subnet()
                s.bootFile = "undionly.kpxe"
                return s
            }(),
            classes: [ipxeOptionClass], arch: [0], userClass: "iPXE", file: "boot.ipxe", siaddr: Fixtures.server),
        Case(name: "nothing configured", subnet: Fixtures.subnet(), arch: [0], file: nil, siaddr: Fixtures.server),
    ]

    @Test(arguments: cases) func fileFieldAndOption67Agree(_ c: Case) throws {
        var server = DHCPServer(config: Fixtures.config(c.subnet, classes: c.classes), servesTFTP: true, leases: [])
        var request = Fixtures.message(.discover, mac: Fixtures.mac(3))
        if let arch = c.arch {
            request.options.set(.clientArchitecture, arch.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] })
        }
        if let userClass = c.userClass { request.options.set(.userClass, Array(userClass.utf8)) }
        let actions = server.handle(request, context: Fixtures.context, now: 0)
        let offer = try #require(actions.replies.first?.0)
        let decoded = try DHCPMessage(decoding: offer.encode(minimumSize: DHCPMessage.minimumBOOTPSize))
        let fileField = String(decoding: decoded.file.prefix { $0 != 0 }, as: UTF8.self)
        #expect(decoded.options.string(.bootFileName) == c.file)
        #expect(fileField == (c.file ?? ""), "the file field says what option 67 says")
        #expect(decoded.siaddr == c.siaddr)
        let event = try #require(actions.events.first { $0.name == .offerSent })
        #expect(event.metadata[.dhcp(.bootFile)] == c.file)
        #expect(event.metadata[.dhcp(.fileField)] == c.file)
    }

    @Test func aURLTooLongForTheFileFieldGoesInOption67Alone() throws {
        var s = Fixtures.subnet()
        let url = "http://192.168.10.100/" + String(repeating: "a", count: 130) + ".ipxe"
        s.ipxeScript = url
        var server = DHCPServer(config: Fixtures.config(s), servesTFTP: true, leases: [])
        var request = Fixtures.message(.discover, mac: Fixtures.mac(4))
        request.options.set(.userClass, Array("iPXE".utf8))
        let offer = try #require(server.handle(request, context: Fixtures.context, now: 0).replies.first?.0)
        #expect(offer.options.string(.bootFileName) == url)
        #expect(offer.file.allSatisfy { $0 == 0 }, "no truncated name that disagrees with option 67")
    }
}
