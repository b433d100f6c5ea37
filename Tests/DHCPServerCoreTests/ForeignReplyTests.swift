import DHCPServerCore
import DHCPWire
import Testing
import Timeline
import WireSupport

/// Other servers' replies heard on the client port: recorded against the client, ours ignored.
struct ForeignReplyTests {
    let ours = IPv4Address(192, 168, 10, 254)
    let rogue = IPv4Address(192, 168, 10, 1)

    func reply(_ type: DHCPMessageType, serverID: IPv4Address?, yiaddr: IPv4Address = IPv4Address(192, 168, 10, 77))
        -> DHCPMessage
    {
        var m = Fixtures.message(type, mac: Fixtures.cisco, xid: 0xBEEF, serverID: serverID)
        m.op = 2
        m.yiaddr = yiaddr
        m.options.setString(.tftpServerName, "10.0.0.9")
        return m
    }

    @Test func anotherServersOfferIsReportedAgainstTheClient() throws {
        let event = try #require(
            ForeignReply.event(for: reply(.offer, serverID: rogue), interface: "eth1", ours: ours, source: rogue))
        #expect(event.name == .otherServerReply)
        #expect(event.level == .warning)
        #expect(event.mac == Fixtures.cisco)
        #expect(
            event.metadata == [
                .dhcp(.serverID): "192.168.10.1", .dhcp(.type): "OFFER", .dhcp(.interface): "eth1",
                .dhcp(.xid): "0xbeef",
                .dhcp(.yiaddr): "192.168.10.77", .dhcp(.tftpServer): "10.0.0.9",
            ])
    }

    @Test func ourOwnBroadcastRepliesAreIgnored() {
        #expect(
            ForeignReply.event(for: reply(.offer, serverID: ours), interface: "eth1", ours: ours, source: ours) == nil)
        #expect(ForeignReply.event(for: reply(.ack, serverID: nil), interface: "eth1", ours: ours, source: ours) == nil)
    }

    @Test func clientBroadcastsAreNotReplies() {
        let discover = Fixtures.message(.discover, mac: Fixtures.cisco)
        #expect(ForeignReply.event(for: discover, interface: "eth1", ours: ours, source: .any) == nil)
    }

    @Test func bootpReplyWithoutOption54IsNamedBySource() throws {
        var m = reply(.ack, serverID: nil)
        m.options = DHCPOptions()
        let event = try #require(ForeignReply.event(for: m, interface: "eth1", ours: ours, source: rogue))
        #expect(event.metadata[.dhcp(.serverID)] == "192.168.10.1")
        #expect(event.metadata[.dhcp(.type)] == "BOOTP")
    }

    @Test func relayedReplyNamesTheServerAndTheRelay() throws {
        let relay = IPv4Address(192, 168, 10, 2)
        let event = try #require(
            ForeignReply.event(
                for: reply(.nak, serverID: IPv4Address(10, 9, 9, 9)), interface: "eth1", ours: ours, source: relay))
        #expect(event.metadata[.dhcp(.serverID)] == "10.9.9.9")
        #expect(event.metadata[.dhcp(.source)] == "192.168.10.2")
    }
}
