import DialtoneConfig
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The shared shape of the TFTP, syslog and SNTP services: one datagram socket per `listen` address, each
/// with its own handler, kept open until graceful shutdown.
package enum UDPListeners {
    /// Binds every address (throwing on the first that fails, so `serve` stops with the reason), calls
    /// `started`, then waits. On shutdown the sockets close and `stopping` runs. No SO_REUSEADDR: a port
    /// already taken is an error naming its holder (PortInUse), never a silently shared port (issue 19).
    package static func run(
        _ addresses: [HostPort], service: String, handler: @escaping @Sendable () -> any ChannelHandler,
        started: () -> Void,
        stopping: @escaping @Sendable () -> Void = {}
    ) async throws {
        var opened: [Channel] = []
        for address in addresses {
            do {
                // A flood from one source must not fill the socket's queue before our per-source limits see
                // it (issue 14): a large receive buffer, and up to 64 datagrams per wake-up. Not recvmmsg
                // (`datagramVectorReadMessageCount`): NIO splits one receive buffer between the messages, and
                // a 2 KiB buffer in 64 slices truncated every request.
                let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
                    .channelOption(.maxMessagesPerRead, value: 64)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(handler())
                        }
                    }
                    .bind(host: address.host, port: Int(address.port)).get()
                opened.append(channel)
            } catch {
                for channel in opened { channel.close(promise: nil) }
                throw PortInUse.check(
                    error, service: service, address: "\(address.host):\(address.port)", port: Int(address.port))
            }
        }
        started()
        await ChannelLifetime.wait(opened, stopping: stopping)
    }
}
