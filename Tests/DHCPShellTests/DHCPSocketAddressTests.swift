import NIOCore
import Testing
import WireSupport

@testable import DHCPShell

/// A reply's destination is built from the address's bits (`DHCPSocket.address`): the same socket address,
/// byte for byte, as NIO's parse of the dotted quad it replaced.
@Suite struct DHCPSocketAddressTests {
    @Test(arguments: [
        ("198.18.0.5", UInt16(68)), ("255.255.255.255", 68), ("0.0.0.0", 67), ("198.19.255.1", 4011),
        ("10.200.3.44", 65535),
    ])
    func sameAsParsingTheText(_ text: String, _ port: UInt16) throws {
        let built = DHCPSocket.address(try #require(IPv4Address(text)), port)
        let parsed = try SocketAddress(ipAddress: text, port: Int(port))
        #expect(built == parsed)
        #expect(built.ipAddress == text && built.port == Int(port))
    }
}
