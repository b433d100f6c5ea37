import DHCPServerCore
import DHCPWire
import Logging
import NIOCore
import NIOPosix
import ServiceSupport
import WireSupport

/// Listens on the DHCP client port (68) of each served interface for replies from other DHCP servers (issue
/// 7; docs/dhcp.md "Other servers on the link"). Bound like the server sockets (0.0.0.0 + SO_BINDTODEVICE),
/// with SO_REUSEADDR so that a DHCP client on the same host that sets it too can still bind the port;
/// broadcasts reach every socket bound to it. This is the one documented port we share (issue 19): the
/// watcher only listens, it never answers, so sharing it cannot split a decision. Unicast replies to other hosts never reach us.
struct DHCPWatcher: Sendable {
    let interface: ResolvedInterface
    let port: UInt16
    let logger: Logger

    func bind(on eventLoop: EventLoop, engine: NIOLoopBound<DHCPEngine>) async throws -> Channel {
        let interface = self.interface
        return try await DHCPSocket.bind(
            interface: interface.name, port: port, broadcast: false, reuseAddress: true, on: eventLoop
        ) {
            DHCPDatagramHandler(
                onRead: { envelope, _ in
                    // Anything undecodable on port 68 is not our business: no malformed-packet noise from here.
                    guard let message = try? DHCPMessage(decoding: envelope.data) else { return }
                    let source = envelope.remoteAddress.wireIPv4 ?? .any
                    if let event = ForeignReply.event(
                        for: message, interface: interface.name, ours: interface.address, source: source)
                    {
                        engine.value.otherServerReply(event, interfaceAddress: interface.address)
                    }
                }, onBurstEnd: { engine.value.realtime?.checkpoint() })
        }
    }
}
