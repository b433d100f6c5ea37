import DHCPServerCore
import DHCPWire
import DialtoneConfig
import Foundation
import LeaseStore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Testing
import Timeline
import WireSupport

@testable import DHCPShell
@testable import ServiceSupport

/// The DHCP engine over a fake store (issue 12): an OFFER leaves at once, an ACK only once its lease is
/// durable, and never when the store cannot write it (issue 4: "durable before the ACK leaves").
@Suite struct DHCPEngineTests {
    /// The in-memory store whose writes wait while `open` is false and fail while `failing` is true.
    final class GatedStore: Sendable {
        let open = NIOLockedValueBox(true)
        let failing = NIOLockedValueBox(false)
        let inner: InMemoryLeaseStore
        struct Refused: Error {}

        init() {
            let (open, failing) = (open, failing)
            inner = InMemoryLeaseStore(beforeWrite: { _ in
                while !open.withLockedValue({ $0 }) { usleep(1000) }
                if failing.withLockedValue({ $0 }) { throw Refused() }
            })
        }
    }

    static let server = IPv4Address("198.18.0.1")!
    static let relay = IPv4Address("198.18.0.2")!
    static let mac = MACAddress("02:00:00:00:12:01")!

    static let config = DHCPConfiguration(
        interfaces: ["test0"], port: 67, clientPort: 68, authoritative: true, conflictCheck: .off,
        subnets: [
            SubnetConfiguration(
                subnet: IPv4Subnet("198.18.0.0/24")!, pools: [IPv4Range("198.18.0.100-198.18.0.110")!],
                leaseTime: .seconds(600), routers: [], dnsServers: [], domainName: nil, ntpServers: [], tftpServers: [],
                tftpServerName: nil, nextServer: nil, bootFile: "", options: [], reservations: [])
        ], classes: [])

    static func request(_ type: DHCPMessageType, requested: IPv4Address? = nil) -> AddressedEnvelope<ByteBuffer> {
        var message = DHCPMessage(op: DHCPMessage.bootRequest, xid: 0x1201)
        message.setClientMAC(mac)
        message.giaddr = relay
        message.options.setMessageType(type)
        if let requested {
            message.options.setIPv4(.requestedAddress, requested)
            message.options.setIPv4(.serverIdentifier, server)
        }
        let from = try! SocketAddress(ipAddress: relay.description, port: 67)
        return AddressedEnvelope(remoteAddress: from, data: ByteBuffer(bytes: message.encode(minimumSize: 300)))
    }

    struct Rig {
        let store = GatedStore()
        let loop = NIOAsyncTestingEventLoop()
        let channel: NIOAsyncTestingChannel
        let writer: StoreWriter
        let engine: DHCPEngine
        let socket: DHCPSocket

        init() async throws {
            channel = NIOAsyncTestingChannel(loop: loop)
            let logger = Logger(label: "test")
            writer = StoreWriter(store: store.inner, logger: logger)
            socket = DHCPSocket(
                interface: ResolvedInterface(name: "test0", address: DHCPEngineTests.server, prefixLength: 24),
                port: 67, logger: logger)
            let (writer, loop) = (writer, loop)
            engine = try await loop.submit {
                DHCPEngine(
                    core: DHCPServer(config: DHCPEngineTests.config, servesTFTP: false, leases: []), writer: writer,
                    directory: nil, logger: logger, eventLoop: loop)
            }.get()
        }

        func receive(_ envelope: AddressedEnvelope<ByteBuffer>) async throws {
            let (engine, socket, channel) = (engine, socket, channel)
            try await loop.submit { engine.received(envelope, on: socket, channel: channel) }.get()
        }

        /// The next reply the engine sent, decoded, or nil when none arrives within a moment.
        func reply() async throws -> DHCPMessage? {
            for _ in 0..<100 {
                if let sent = try await channel.readOutbound(as: AddressedEnvelope<ByteBuffer>.self) {
                    return try DHCPMessage(decoding: sent.data)
                }
                try await Task.sleep(for: .milliseconds(5))
            }
            return nil
        }
    }

    @Test func offerLeavesAtOnceAndAckWaitsForTheCommit() async throws {
        let rig = try await Rig()
        rig.store.open.withLockedValue { $0 = false }
        try await rig.receive(Self.request(.discover))
        let offer = try #require(try await rig.reply())
        #expect(offer.messageType == .offer, "an OFFER does not wait for its hold to be written")

        try await rig.receive(Self.request(.request, requested: offer.yiaddr))
        #expect(try await rig.reply() == nil, "no ACK while the lease is not durable")
        #expect(try rig.store.inner.loadLeases().isEmpty)

        rig.store.open.withLockedValue { $0 = true }
        let ack = try #require(try await rig.reply())
        #expect(ack.messageType == .ack && ack.yiaddr == offer.yiaddr)
        await rig.writer.flush()
        #expect(try rig.store.inner.loadLeases().contains { $0.ip == offer.yiaddr && $0.state == .bound })
    }

    @Test func noAckWhenTheStoreCannotWrite() async throws {
        let rig = try await Rig()
        try await rig.receive(Self.request(.discover))
        let offer = try #require(try await rig.reply())
        rig.store.failing.withLockedValue { $0 = true }
        try await rig.receive(Self.request(.request, requested: offer.yiaddr))
        await rig.writer.flush()
        #expect(try await rig.reply() == nil, "an ACK for a lease that is not stored is withheld")
    }
}
