import CDHCPSocket
import DHCPServerCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
import WireSupport

@testable import DHCPShell
@testable import ServiceSupport

#if canImport(Glibc)
    import Glibc
#endif

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

/// Replies leave straight through the socket's descriptor (CDHCPSocket), not through NIO's write path, and
/// not at all once the channel is closed (the descriptor may belong to another socket by then).
@Suite struct DHCPSocketSendTests {
    final class CountWrites: ChannelOutboundHandler, Sendable {
        typealias OutboundIn = AddressedEnvelope<ByteBuffer>
        let writes = NIOLockedValueBox(0)
        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            writes.withLockedValue { $0 += 1 }
            context.write(data, promise: promise)
        }
    }

    @Test func aReplyLeavesThroughTheDescriptorAndNeverAfterClose() async throws {
        let received = NIOLockedValueBox<[[UInt8]]>([])
        let client = try await DiscoverGateTests.bindCollector(received)
        defer { client.close(promise: nil) }
        let clientPort = UInt16(try #require(client.localAddress?.port))
        var socket = DHCPSocket(
            interface: ResolvedInterface(name: "lo", address: IPv4Address(127, 0, 0, 1), prefixLength: 8), port: 0,
            logger: Logger(label: "test"))
        socket.descriptor = try DHCPSocket.open(
            interface: "lo", port: 0, broadcast: true, reuseAddress: false, place: "0.0.0.0 on lo")
        let counter = CountWrites()
        let channel = try await DHCPSocket.adopt(
            socket.descriptor, on: MultiThreadedEventLoopGroup.singleton.next(), handler: { counter })
        let sent = socket
        _ = try await channel.eventLoop.submit {
            sent.send([1, 2, 3], to: .unicast(IPv4Address(127, 0, 0, 1), port: clientPort), channel: channel)
        }.get()
        try await DiscoverGateTests.waitFor { received.withLockedValue { $0 } == [[1, 2, 3]] }
        #expect(counter.writes.withLockedValue { $0 } == 0, "the reply went through NIO's pipeline")

        // Closed, the descriptor's number is free, and the kernel hands out the lowest free number: the next
        // socket usually gets it. A send through the stale number would then leave from that socket, and
        // arrive. (Tests running beside this one may take the number first; then the send below fails with
        // EBADF or goes nowhere, and the check still holds, only more weakly.)
        try await channel.close()
        let next = dialtone_dhcp_socket("lo", 0, 0, 0)
        defer { if next >= 0 { close(next) } }
        _ = try await channel.eventLoop.submit {
            sent.send([4, 5, 6], to: .unicast(IPv4Address(127, 0, 0, 1), port: clientPort), channel: channel)
        }.get()
        try await Task.sleep(for: .milliseconds(100))
        #expect(received.withLockedValue { $0 } == [[1, 2, 3]], "reused descriptor: \(next == socket.descriptor)")
    }
}
