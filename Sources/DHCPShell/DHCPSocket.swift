import CARPCache
import CDHCPSocket
import DHCPServerCore
import DialtoneLogging
import Logging
import NIOCore
import NIOPosix
import ServiceSupport
import Timeline
import WireSupport

#if canImport(Glibc)
    import Glibc
#endif

/// One UDP socket per DHCP interface, bound to 0.0.0.0:port and to the device with SO_BINDTODEVICE. Each
/// socket then sees only its own interface's broadcasts, and replies to 255.255.255.255 leave through that
/// interface with its address as source (research swift-feasibility.md §1, option B). NIO ignores
/// IP_PKTINFO on send, so this is how "answer out of the interface the request arrived on" is done.
struct DHCPSocket: Sendable {
    let interface: ResolvedInterface
    let port: UInt16
    let logger: Logger
    /// Only the demo sets this: its simulated phones live in the same process and bind relay addresses on
    /// the server's port (docs/dhcp.md). A real server never shares its port (issue 19: two servers on
    /// one port split the broadcasts and each hands out addresses from its own table).
    var sharesPortInProcess = false
    /// This socket is the PXE boot server port (`dhcp.pxe_port`) for proxy subnets, not the DHCP port.
    var isPXEPort = false
    /// The socket's descriptor once bound (`bind`), for replies sent without NIO's write path; -1 before.
    var descriptor: CInt = -1

    /// Sends one reply and returns how it really left, for the event's `dhcp.destination` when that differs
    /// from the plan (nil: as planned).
    @discardableResult
    func send(_ bytes: [UInt8], to destination: ReplyDestination, channel: Channel) -> String? {
        let ip: IPv4Address
        let port: UInt16
        var actual: String?
        switch destination {
        case .relay(let address, let destinationPort), .unicast(let address, let destinationPort):
            (ip, port) = (address, destinationPort)
        case .broadcast(let destinationPort):
            (ip, port) = (.broadcast, destinationPort)
        case .hardwareUnicast(let address, let mac, let destinationPort):
            // RFC 2131 §4.1: a client without an address that did not ask for broadcast gets a unicast to
            // yiaddr at chaddr. The kernel needs an ARP entry for that address, which nobody answers
            // yet: add it (SIOCSARP, as dnsmasq does). Without CAP_NET_ADMIN, broadcast, which every
            // client accepts (docs/dhcp.md).
            let error = mac.bytes.withUnsafeBufferPointer {
                dialtone_arp_inject(address.rawValue.bigEndian, $0.baseAddress, interface.name)
            }
            if error == 0 {
                (ip, port) = (address, destinationPort)
            } else {
                (ip, port) = (.broadcast, destinationPort)
                let reason = String(cString: strerror(error))
                actual = "broadcast 255.255.255.255:\(port) (no ARP entry for \(address): \(reason))"
            }
        }
        // Straight out of the socket (CDHCPSocket.h says why). The channel's state says whether the descriptor
        // is still ours: it closes on this event loop, so not between the check and the call. A full send
        // buffer (EAGAIN) falls back to NIO, which holds the reply until the socket takes it.
        if descriptor >= 0, channel.isActive {
            let sent = bytes.withUnsafeBytes {
                dialtone_dhcp_send(descriptor, $0.baseAddress, $0.count, ip.rawValue, port)
            }
            if sent >= 0 { return actual }
            if sent != -Int(EAGAIN) {
                logger.log(
                    .warning, .dhcpReplyFailed,
                    [.reason: String(cString: strerror(Int32(-sent))), .dhcp(.destination): "\(ip):\(port)"])
                return actual
            }
        }
        let target = Self.address(ip, port)
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: target, data: buffer)).whenFailure { [logger] error in
            logger.log(.warning, .dhcpReplyFailed, [.reason: "\(error)", .dhcp(.destination): "\(target)"])
        }
        return actual
    }

    /// The reply's destination as a socket address, built from the address's bits rather than formatted and
    /// parsed back by NIO (`SocketAddress(ipAddress:port:)`, `inet_pton`), whose only failure was text we
    /// wrote ourselves. The host name stays empty, as that initializer left it. (The saving is small, under
    /// 1k instructions a reply; callgrind, bench/dhcp.)
    static func address(_ ip: IPv4Address, _ port: UInt16) -> SocketAddress {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr = in_addr(s_addr: ip.rawValue.bigEndian)
        return SocketAddress(address, host: "")
    }

    /// Binds the socket; `handler` receives each datagram on the event loop.
    func bind(on eventLoop: EventLoop, engine: NIOLoopBound<DHCPEngine>) async throws -> Channel {
        let place = "0.0.0.0 on \(interface.name)"
        var socket = self
        socket.descriptor = try Self.open(
            interface: interface.name, port: port, broadcast: true, reuseAddress: sharesPortInProcess, place: place)
        let bound = socket
        let channel = try await Self.adopt(bound.descriptor, on: eventLoop) {
            DHCPDatagramHandler(
                onRead: { envelope, channel in engine.value.received(envelope, on: bound, channel: channel) },
                onError: { error in
                    // A read error is routine (an ICMP unreachable); the gate turning itself off is not.
                    bound.logger.log(
                        error is DiscoverFilter.Failure ? .warning : .debug, .dhcpSocketError, [.reason: "\(error)"])
                },
                onGate: { change, memory in engine.value.discoverGate(change, memory: memory, on: bound) },
                onBurstEnd: { engine.value.realtime?.checkpoint() })
        }
        do {
            try await DiscoverFilter.enlargeReceiveBuffer(of: channel).get()
        } catch {
            logger.log(.debug, .dhcpSocketError, [.reason: "receive buffer left at the default: \(error)"])
        }
        return channel
    }

    /// A UDP socket on 0.0.0.0:`port` tied to one interface (SO_BINDTODEVICE, optionally SO_BROADCAST and
    /// SO_REUSEADDR) with `handler` on it: the server sockets and the other-servers watcher alike. Sockets on
    /// different devices do not conflict on Linux, so one server binds the same port on every interface
    /// without SO_REUSEADDR.
    static func bind(
        interface name: String, port: UInt16, broadcast: Bool, reuseAddress: Bool, on eventLoop: EventLoop,
        handler: @escaping @Sendable () -> any ChannelHandler
    ) async throws -> Channel {
        let descriptor = try open(
            interface: name, port: port, broadcast: broadcast, reuseAddress: reuseAddress, place: "0.0.0.0 on \(name)")
        return try await adopt(descriptor, on: eventLoop, handler: handler)
    }

    /// The socket, made and bound by us (CDHCPSocket) so that its descriptor is known for `send`. A port
    /// taken is a `PortInUse` naming its holder.
    static func open(
        interface name: String, port: UInt16, broadcast: Bool, reuseAddress: Bool, place: String
    ) throws -> CInt {
        let descriptor = dialtone_dhcp_socket(name, port, broadcast ? 1 : 0, reuseAddress ? 1 : 0)
        guard descriptor >= 0 else {
            throw PortInUse.check(
                IOError(errnoCode: -descriptor, reason: "opening UDP \(place):\(port)"), service: "dhcp",
                address: place, port: Int(port))
        }
        return descriptor
    }

    /// Hands a bound socket to NIO, which reads it on `eventLoop` and closes it with the channel.
    static func adopt(
        _ descriptor: CInt, on eventLoop: EventLoop, handler: @escaping @Sendable () -> any ChannelHandler
    ) async throws -> Channel {
        try await DatagramBootstrap(group: eventLoop)
            .channelOption(.maxMessagesPerRead, value: UInt(DHCPDatagramHandler.readsPerBurst))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler()) }
            }
            .withBoundSocket(descriptor).get()
    }
}
