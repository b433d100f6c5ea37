import CARPCache
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

    /// Sends one reply and returns how it really left, for the event's `dhcp.destination` when that differs
    /// from the plan (nil: as planned).
    @discardableResult
    func send(_ bytes: [UInt8], to destination: ReplyDestination, channel: Channel) -> String? {
        let target: SocketAddress
        var actual: String?
        switch destination {
        case .relay(let ip, let port), .unicast(let ip, let port):
            target = Self.address(ip, port)
        case .broadcast(let port):
            target = Self.address(.broadcast, port)
        case .hardwareUnicast(let ip, let mac, let port):
            // RFC 2131 §4.1: a client without an address that did not ask for broadcast gets a unicast to
            // yiaddr at chaddr. The kernel needs an ARP entry for that address, which nobody answers
            // yet: add it (SIOCSARP, as dnsmasq does). Without CAP_NET_ADMIN, broadcast, which every
            // client accepts (docs/dhcp.md).
            let error = mac.bytes.withUnsafeBufferPointer {
                dialtone_arp_inject(ip.rawValue.bigEndian, $0.baseAddress, interface.name)
            }
            if error == 0 {
                target = Self.address(ip, port)
            } else {
                target = Self.address(.broadcast, port)
                actual =
                    "broadcast 255.255.255.255:\(port) (no ARP entry for \(ip): \(String(cString: strerror(error))))"
            }
        }
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
        let socket = self
        let channel: Channel
        do {
            channel = try await Self.bind(
                interface: interface.name, port: port, broadcast: true, reuseAddress: sharesPortInProcess, on: eventLoop
            ) {
                DHCPDatagramHandler(
                    onRead: { envelope, channel in engine.value.received(envelope, on: socket, channel: channel) },
                    onError: { error in socket.logger.log(.debug, .dhcpSocketError, [.reason: "\(error)"]) },
                    onGate: { change, memory in engine.value.discoverGate(change, memory: memory, on: socket) })
            }
        } catch {
            throw PortInUse.check(error, service: "dhcp", address: "0.0.0.0 on \(interface.name)", port: Int(port))
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
        try await DatagramBootstrap(group: eventLoop)
            .channelOption(.socketOption(.so_reuseaddr), value: reuseAddress ? 1 : 0)
            .channelOption(.socketOption(.so_broadcast), value: broadcast ? 1 : 0)
            .channelOption(.maxMessagesPerRead, value: UInt(DHCPDatagramHandler.readsPerBurst))
            .channelInitializer { channel in
                bindToDevice(channel, name: name).flatMapThrowing {
                    try channel.pipeline.syncOperations.addHandler(handler())
                }
            }
            .bind(host: "0.0.0.0", port: Int(port)).get()
    }

    /// SO_BINDTODEVICE takes the interface name as a C string (IFNAMSIZ 16); NIO's socketOption passes an
    /// 8-byte integer, so this goes through `unsafeSetSocketOption` (research swift-feasibility.md §1).
    static func bindToDevice(_ channel: Channel, name: String) -> EventLoopFuture<Void> {
        guard let provider = channel as? SocketOptionProvider else {
            return channel.eventLoop.makeSucceededVoidFuture()
        }
        var bytes = Array(name.utf8.prefix(15)).map { CChar(bitPattern: $0) }
        bytes += Array(repeating: 0, count: 16 - bytes.count)
        let value = (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
            bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
        )
        return provider.unsafeSetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_BINDTODEVICE), value: value)
    }
}
