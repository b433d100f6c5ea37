import DHCPServerCore
import DHCPWire
import DialtoneConfig
import Testing
import WireSupport

/// Issue 16, UEFI HTTP Boot: a client whose option 60 starts `HTTPClient` gets its boot file as a URL on our
/// HTTP file service and option 60 `HTTPClient` back (UEFI 2.x "HTTP Boot"; EDK2 takes the URI only from
/// such an offer). Everyone else is answered as before.
@Suite struct HTTPBootTests {
    static let uefiHTTP = "HTTPClient:Arch:00016:UNDI:003001"
    static let uefiPXE = "PXEClient:Arch:00007:UNDI:003016"

    static var subnet: SubnetConfiguration {
        var s = Fixtures.subnet()
        s.bootFile = "undionly.kpxe"
        s.bootFilesByArchitecture = [7: "snponly.efi", 16: "ipxe.efi"]
        return s
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var subnet: SubnetConfiguration = HTTPBootTests.subnet
        var vendorClass: String?
        var arch: UInt16
        var http: HostPort?
        var file: String?
        var option60: String?
        var testDescription: String { name }
    }

    static let any8080 = HostPort(host: "0.0.0.0", port: 8080)
    static let cases: [Case] = [
        Case(
            name: "x64 HTTP: boot_files[16] as a URL on our address and port", vendorClass: uefiHTTP, arch: 16,
            http: any8080, file: "http://192.168.10.100:8080/ipxe.efi", option60: "HTTPClient"),
        Case(
            name: "a specific listen address on port 80: no port in the URL", vendorClass: uefiHTTP, arch: 16,
            http: HostPort(host: "192.168.10.99", port: 80), file: "http://192.168.10.99/ipxe.efi",
            option60: "HTTPClient"),
        Case(
            name: "a path with a backslash and a space is a URL path, %-encoded",
            subnet: {
                var s = subnet
                s.bootFilesByArchitecture[16] = "\\efi\\boot x64.efi"
                return s
            }(), vendorClass: uefiHTTP, arch: 16, http: any8080, file: "http://192.168.10.100:8080/efi/boot%20x64.efi",
            option60: "HTTPClient"),
        Case(
            name: "a file given as a URL is kept, even without our HTTP service",
            subnet: {
                var s = subnet
                s.bootFilesByArchitecture[16] = "https://images.example/ipxe.efi"
                return s
            }(), vendorClass: uefiHTTP, arch: 16, http: nil, file: "https://images.example/ipxe.efi",
            option60: "HTTPClient"),
        Case(
            name: "no HTTP service and a plain name: an ordinary offer, no HTTPClient", vendorClass: uefiHTTP,
            arch: 16, http: nil, file: "ipxe.efi", option60: nil),
        Case(
            name: "UEFI PXE is untouched by HTTP being on", vendorClass: uefiPXE, arch: 7, http: any8080,
            file: "snponly.efi", option60: nil),
        Case(
            name: "no vendor class: untouched", vendorClass: nil, arch: 16, http: any8080, file: "ipxe.efi",
            option60: nil),
        Case(
            name: "nothing to boot: no URL, no HTTPClient", subnet: Fixtures.subnet(), vendorClass: uefiHTTP, arch: 16,
            http: any8080, file: nil, option60: nil),
    ]

    @Test(arguments: cases) func httpClientsGetAURLAndHTTPClientBack(_ c: Case) throws {
        var server = DHCPServer(
            config: Fixtures.config(c.subnet), servesTFTP: true, leases: [], httpListen: c.http)
        var offered = IPv4Address.any
        for type in [DHCPMessageType.discover, .request] {
            var request = Fixtures.message(
                type, mac: Fixtures.mac(9), requested: type == .request ? offered : nil,
                serverID: type == .request ? Fixtures.server : nil)
            request.options.set(.clientArchitecture, [UInt8(c.arch >> 8), UInt8(c.arch & 0xFF)])
            if let vendorClass = c.vendorClass { request.options.setString(.vendorClass, vendorClass) }
            let reply = try #require(server.handle(request, context: Fixtures.context, now: 0).replies.first?.0)
            let decoded = try DHCPMessage(decoding: reply.encode(minimumSize: DHCPMessage.minimumBOOTPSize))
            offered = decoded.yiaddr
            #expect(decoded.messageType == (type == .discover ? .offer : .ack))
            #expect(decoded.options.string(.bootFileName) == c.file, "\(type)")
            #expect(String(decoding: decoded.file.prefix { $0 != 0 }, as: UTF8.self) == (c.file ?? ""))
            #expect(decoded.options.string(.vendorClass) == c.option60, "\(type)")
        }
    }
}
