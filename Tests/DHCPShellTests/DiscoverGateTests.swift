import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

@testable import DHCPShell

/// The DISCOVER gate (docs/dhcp.md, "Overload"): its thresholds, the kernel filter on a real loopback
/// socket, and the handler closing and opening it while it reads a queue it never discards from.
@Suite struct DiscoverGateTests {
    @Test func closesAtHalfTheBufferAndOpensAtAQuarter() {
        var gate = DiscoverGate()
        #expect(gate.observe(queued: 0, buffer: 0) == nil)
        #expect(gate.observe(queued: 499, buffer: 1000) == nil)
        #expect(gate.observe(queued: 500, buffer: 1000) == .close)
        #expect(gate.isClosed)
        #expect(gate.observe(queued: 900, buffer: 1000) == nil)
        #expect(gate.observe(queued: 251, buffer: 1000) == nil)
        #expect(gate.observe(queued: 250, buffer: 1000) == .open)
        #expect(!gate.isClosed)
        #expect(gate.observe(queued: 400, buffer: 1000) == nil)
    }

    /// 300 bytes of BOOTREQUEST with the magic cookie and `options` at 240.
    static func datagram(_ options: [UInt8], cookie: [UInt8] = [99, 130, 83, 99], length: Int = 300) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 240)
        bytes[0] = 1
        bytes.replaceSubrange(236..<240, with: cookie)
        bytes += options + [255]
        return Array((bytes + [UInt8](repeating: 0, count: max(0, length - bytes.count))).prefix(length))
    }

    @Test func kernelFilterDropsDiscoversTypedFirstAndNothingElse() async throws {
        let received = NIOLockedValueBox<[[UInt8]]>([])
        let server = try await Self.bindCollector(received)
        let client = try await Self.bindClient()
        defer {
            server.close(promise: nil)
            client.close(promise: nil)
        }
        let discover = Self.datagram([53, 1, 1])
        let request = Self.datagram([53, 1, 3])
        let discoverTypedLater = Self.datagram([61, 2, 1, 2, 53, 1, 1])
        let short = Array(discover.prefix(242))
        let notDHCP = Self.datagram([53, 1, 1], cookie: [1, 2, 3, 4])
        let inform = Self.datagram([53, 1, 8])

        try await DiscoverFilter.apply(.close, to: server).get()
        for bytes in [discover, request, discoverTypedLater, short, notDHCP, discover, inform] {
            try await Self.send(bytes, from: client, to: server)
        }
        // Loopback delivers in order: once the INFORM is in, everything sent before it was queued or dropped.
        try await Self.waitFor { received.withLockedValue { $0.last == inform } }
        #expect(received.withLockedValue { $0 } == [request, discoverTypedLater, short, notDHCP, inform])

        try await DiscoverFilter.apply(.open, to: server).get()
        try await Self.send(discover, from: client, to: server)
        try await Self.waitFor { received.withLockedValue { $0.last == discover } }
    }

    @Test func receiveBufferIsEnlarged() async throws {
        let server = try await Self.bindCollector(NIOLockedValueBox([]))
        defer { server.close(promise: nil) }
        try await DiscoverFilter.enlargeReceiveBuffer(of: server).get()
        let memory = try await DiscoverFilter.memory(of: server).get()
        // With CAP_NET_ADMIN (CI runs as root with it) SO_RCVBUFFORCE passes any rmem_max; without it the
        // kernel caps SO_RCVBUF there.
        if Self.hasNetAdmin { #expect(memory.buffer == 2 << 20) } else { #expect(memory.buffer > 0) }
        #expect(memory.queued == 0)
    }

    /// A queue filled to three quarters while nobody reads: every queued DISCOVER is still read (the gate never
    /// discards), the gate closes on the first full burst and opens once the queue is down to a quarter;
    /// afterwards a DISCOVER passes again.
    @Test func handlerClosesTheGateAndStillReadsWhatWasQueued() async throws {
        let reads = NIOLockedValueBox(0)
        let changes = NIOLockedValueBox<[(DiscoverGate.Change, DiscoverFilter.Memory)]>([])
        let server = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.autoRead, value: false)
            .channelOption(.maxMessagesPerRead, value: UInt(DHCPDatagramHandler.readsPerBurst))
            .channelOption(.socketOption(.so_rcvbuf), value: 128 << 10)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        DHCPDatagramHandler(
                            onRead: { _, _ in reads.withLockedValue { $0 += 1 } },
                            onGate: { change, memory in changes.withLockedValue { $0.append((change, memory)) } }))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let client = try await Self.bindClient()
        defer {
            server.close(promise: nil)
            client.close(promise: nil)
        }
        let discover = Self.datagram([53, 1, 1])
        var sent = 0
        var memory = try await DiscoverFilter.memory(of: server).get()
        while memory.queued * 4 < memory.buffer * 3 {
            try await Self.send(discover, from: client, to: server)
            sent += 1
            memory = try await DiscoverFilter.memory(of: server).get()
        }
        #expect(memory.queued * 10 < memory.buffer * 9, "the test must not overflow the queue")
        #expect(sent > 4 * DHCPDatagramHandler.readsPerBurst)

        let queued = sent
        try await server.setOption(.autoRead, value: true).get()
        try await Self.waitFor { reads.withLockedValue { $0 } == queued && changes.withLockedValue { $0.count } == 2 }
        let seen = changes.withLockedValue { $0 }
        try #require(seen.map(\.0) == [.close, .open])
        #expect(seen[0].1.queued * 2 >= seen[0].1.buffer)
        #expect(seen[1].1.queued * 4 <= seen[1].1.buffer)

        try await Self.send(discover, from: client, to: server)
        try await Self.waitFor { reads.withLockedValue { $0 } == queued + 1 }
    }

    // MARK: helpers

    /// CAP_NET_ADMIN (bit 12) in this process's effective set (`CapEff` in /proc/self/status).
    static var hasNetAdmin: Bool {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") }),
            let bits = UInt64(line.dropFirst("CapEff:".count).trimmingCharacters(in: .whitespaces), radix: 16)
        else { return false }
        return bits & (1 << 12) != 0
    }

    final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let received: NIOLockedValueBox<[[UInt8]]>
        init(_ received: NIOLockedValueBox<[[UInt8]]>) { self.received = received }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = Array(buffer: unwrapInboundIn(data).data)
            received.withLockedValue { $0.append(bytes) }
        }
    }

    static func bindCollector(_ received: NIOLockedValueBox<[[UInt8]]>) async throws -> Channel {
        try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(received))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    static func bindClient() async throws -> Channel {
        try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
    }

    static func send(_ bytes: [UInt8], from client: Channel, to server: Channel) async throws {
        let target = try #require(server.localAddress)
        try await client.writeAndFlush(AddressedEnvelope(remoteAddress: target, data: ByteBuffer(bytes: bytes))).get()
    }

    static func waitFor(_ condition: @Sendable () -> Bool) async throws {
        for _ in 0..<500 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
        #expect(condition())
    }
}
