import DHCPServerCore
import DHCPWire
import DialtoneConfig
import Testing
import WireSupport

/// Found by FuzzTesting/DHCPServerFuzz: a MAC reservation matches every client with that MAC, and one that
/// identified by its own client id was offered, then ACKed, the address another client with the MAC held.
@Suite struct ReservationConflictTests {
    static let reserved = Reservation(
        mac: Fixtures.mac(10), clientID: nil, ip: IPv4Address("192.168.10.60")!, hostname: nil)

    func message(_ type: DHCPMessageType, clientID: [UInt8]?, requested: IPv4Address? = nil) -> DHCPMessage {
        var m = Fixtures.message(
            type, mac: Fixtures.mac(10), requested: requested, serverID: type == .request ? Fixtures.server : nil)
        if let clientID { m.options.set(.clientIdentifier, clientID) }
        return m
    }

    @Test func aReservedAddressHeldByAnotherClientIsNotGivenTwice() throws {
        var server = DHCPServer(
            config: Fixtures.config(Fixtures.subnet(reservations: [Self.reserved])), servesTFTP: false, leases: [])
        let ip = Self.reserved.ip
        let holder = server.handle(message(.request, clientID: nil, requested: ip), context: Fixtures.context, now: 0)
        #expect(holder.replies.first?.0.messageType == .ack)

        // Same MAC, its own client id: a pool address, and a NAK for the held one.
        let other: [UInt8] = [0xFF, 0, 1]
        let offer = server.handle(message(.discover, clientID: other), context: Fixtures.context, now: 1000)
        let offered = try #require(offer.replies.first?.0.yiaddr)
        #expect(offered != ip && offered == IPv4Address("192.168.10.1"))
        let taken = server.handle(
            message(.request, clientID: other, requested: ip), context: Fixtures.context, now: 2000)
        #expect(taken.replies.first?.0.messageType == .nak)
        #expect(server.leases[ip]?.clientKey == .mac(Fixtures.mac(10)))

        // Once the holder's lease has ended, the reservation serves whoever matches it again.
        let later = Fixtures.config().subnets[0].leaseTime.milliseconds + 3000
        let moved = server.handle(message(.discover, clientID: other), context: Fixtures.context, now: later)
        #expect(moved.replies.first?.0.yiaddr == ip)
    }
}
