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

        init(shared: Bool = false) {
            let (open, failing) = (open, failing)
            inner = InMemoryLeaseStore(
                shared: shared,
                beforeWrite: { _ in
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
        let store: GatedStore
        let loop = NIOAsyncTestingEventLoop()
        let channel: NIOAsyncTestingChannel
        let writer: StoreWriter
        let engine: DHCPEngine
        let socket: DHCPSocket

        init(shared: Bool = false) async throws {
            store = GatedStore(shared: shared)
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

    /// Issue 13: the shared store, not the engine's cache, decides. Another server binds the address this
    /// client was offered; the client's REQUEST is then refused by the store, the engine learns the other
    /// server's row and answers the same request again from it: a NAK, never an ACK for a taken address.
    @Test func aBindingTheSharedStoreRefusesIsAnsweredAgainFromItsRow() async throws {
        let rig = try await Rig(shared: true)
        try await rig.receive(Self.request(.discover))
        let offer = try #require(try await rig.reply())
        await rig.writer.flush()
        let theirs = Lease(
            ip: offer.yiaddr, mac: MACAddress("02:00:00:00:12:99")!, clientID: nil, hostname: "other", state: .bound,
            expires: Int64(Date().timeIntervalSince1970 * 1000) + 600_000, updated: 42)
        try rig.store.inner.write(StoreBatch(leases: [theirs]))

        try await rig.receive(Self.request(.request, requested: offer.yiaddr))
        let answer = try #require(try await rig.reply())
        #expect(answer.messageType == .nak, "the address belongs to another server's client now")
        await rig.writer.flush()
        #expect(try rig.store.inner.loadLeases() == [theirs], "our binding was never written over theirs")
        let conflicts = try rig.store.inner.events(named: .dhcp(.leaseConflict), limit: 5)
        #expect(conflicts.count == 1 && conflicts.first?[.dhcp(.address)] == offer.yiaddr.description)
    }

    /// The offer hold's side of issue 13: another server bound the address first, so the store refuses the
    /// hold written behind the OFFER. The engine learns the other server's row (the hold's completion hops to
    /// the loop only then), records the conflict, and offers another address next time.
    @Test func aHoldTheSharedStoreRefusesIsLearnt() async throws {
        let rig = try await Rig(shared: true)
        let first = IPv4Address("198.18.0.100")!
        let theirs = Lease(
            ip: first, mac: MACAddress("02:00:00:00:12:99")!, clientID: nil, hostname: "other", state: .bound,
            expires: Int64(Date().timeIntervalSince1970 * 1000) + 600_000, updated: 42)
        try rig.store.inner.write(StoreBatch(leases: [theirs]))
        try await rig.receive(Self.request(.discover))
        let offer = try #require(try await rig.reply())
        #expect(offer.yiaddr == first, "the engine's cache did not know the other server's row yet")
        await rig.writer.flush()
        // The refusal reaches the loop, which records the conflict through the writer: up to 2 s on a busy machine.
        for _ in 0..<400 where try rig.store.inner.events(named: .dhcp(.leaseConflict), limit: 5).isEmpty {
            try await Task.sleep(for: .milliseconds(5))
        }
        let conflicts = try rig.store.inner.events(named: .dhcp(.leaseConflict), limit: 5)
        #expect(conflicts.count == 1 && conflicts.first?[.dhcp(.address)] == first.description)
        #expect(try rig.store.inner.loadLeases() == [theirs], "the refused hold never replaced their binding")
        try await rig.receive(Self.request(.discover))
        let again = try #require(try await rig.reply())
        #expect(again.yiaddr != first, "the learnt row keeps the address out of the next offer")
    }

    /// A write that fails (the database is down) is kept and written once the store answers again: the
    /// ACK was withheld, but nothing submitted is lost while the server runs (issue 13).
    @Test func aFailedWriteIsKeptAndWrittenWhenTheStoreReturns() async throws {
        let rig = try await Rig()
        rig.store.failing.withLockedValue { $0 = true }
        try await rig.receive(Self.request(.discover))
        let offer = try #require(try await rig.reply())
        await rig.writer.flush()
        #expect(rig.writer.health.problem != nil)
        rig.store.failing.withLockedValue { $0 = false }
        for _ in 0..<40 where try rig.store.inner.loadLeases().isEmpty { try await Task.sleep(for: .milliseconds(100)) }
        #expect(try rig.store.inner.loadLeases().map(\.ip) == [offer.yiaddr])
        #expect(rig.writer.health.problem == nil)
    }
}
