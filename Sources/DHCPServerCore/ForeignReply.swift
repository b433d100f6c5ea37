import DHCPWire
import Timeline
import WireSupport

/// Replies from another DHCP server, seen on the client port (issue 7: "another DHCP server answering on
/// the link"). The seed's 7970 had two servers racing; Tftpd32 never said so. Two sources of evidence:
/// - replies (OFFER, ACK, NAK) that other servers broadcast to port 68, which the watcher socket hears;
/// - a client's REQUEST naming another server in option 54 (`dhcp.request.other_server`, from the core):
///   the client took that server's offer (RFC 2131 §4.3.2).
/// Unicast replies from a server that injects ARP (dnsmasq does) are invisible to us: the REQUEST remains.
public enum ForeignReply {
    /// The event to record for a datagram heard on the client port, or nil when it is not another server's
    /// reply (a client's own broadcast, our reply looping back, garbage).
    /// - Parameters:
    ///   - ours: this server's address on the interface the datagram came in on.
    ///   - source: the datagram's source address (used when option 54 is missing, as in BOOTP replies).
    public static func event(for message: DHCPMessage, interface: String, ours: IPv4Address, source: IPv4Address)
        -> DHCPEvent?
    {
        guard message.op == 2 else { return nil }  // BOOTREPLY
        let server = message.options.validServerIdentifier ?? source
        guard server != ours, source != ours, !server.isAny else { return nil }
        var metadata: EventMetadata = [
            .dhcp(.serverID): server.description, .dhcp(.type): message.messageType?.description ?? "BOOTP",
            .dhcp(.interface): interface, .dhcp(.xid): "0x" + String(message.xid, radix: 16),
        ]
        if !message.yiaddr.isAny { metadata[.dhcp(.yiaddr)] = message.yiaddr.description }
        if source != server { metadata[.dhcp(.source)] = source.description }
        if let next = message.options.string(.tftpServerName) { metadata[.dhcp(.tftpServer)] = next }
        return DHCPEvent(.otherServerReply, level: .warning, mac: message.clientMAC, metadata)
    }
}
