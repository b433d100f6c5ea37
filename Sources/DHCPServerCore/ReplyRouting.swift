import DHCPWire
import DialtoneConfig
import WireSupport

/// RFC 2131 §4.1 reply routing as one pure function (coredhcp buries this in its socket code).
///
/// 1. giaddr set: to the relay on the server port (also for NAK; the relay broadcasts it on).
/// 2. NAK without giaddr: broadcast (RFC 2131 §4.3.2: the client may have no usable address).
/// 3. ciaddr set (RENEW, INFORM): unicast to ciaddr.
/// 4. Broadcast flag, or the client's class says `broadcast: always`: limited broadcast.
/// 5. `broadcast: never` or `auto` with the flag clear: to yiaddr at chaddr.
public enum ReplyRouting {
    public static func destination(
        request: DHCPMessage, replyType: DHCPMessageType, yiaddr: IPv4Address, policy: BroadcastPolicy,
        serverPort: UInt16, clientPort: UInt16
    ) -> ReplyDestination {
        if !request.giaddr.isAny { return .relay(request.giaddr, port: serverPort) }
        if replyType == .nak { return .broadcast(port: clientPort) }
        if !request.ciaddr.isAny { return .unicast(request.ciaddr, port: clientPort) }
        switch policy {
        case .always:
            return .broadcast(port: clientPort)
        case .auto where request.isBroadcastFlagSet:
            return .broadcast(port: clientPort)
        case .auto, .never:
            guard let mac = request.clientMAC, !yiaddr.isAny else { return .broadcast(port: clientPort) }
            return .hardwareUnicast(yiaddr, mac, port: clientPort)
        }
    }
}
