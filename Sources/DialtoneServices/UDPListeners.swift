import DialtoneConfig
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The shared shape of the TFTP, syslog and SNTP services: one datagram socket per `listen` address, each
/// with its own handler, kept open until graceful shutdown.
enum UDPListeners {
    /// Binds every address (throwing on the first that fails, so `serve` stops with the reason), calls
    /// `started`, then waits. On shutdown the sockets close and `stopping` runs.
    static func run(
        _ addresses: [HostPort], handler: @escaping @Sendable () -> any ChannelHandler, started: () -> Void,
        stopping: @escaping @Sendable () -> Void = {}
    ) async throws {
        var opened: [Channel] = []
        for address in addresses {
            let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.socketOption(.so_reuseaddr), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler()) }
                }
                .bind(host: address.host, port: Int(address.port)).get()
            opened.append(channel)
        }
        let channels = opened
        started()
        await withGracefulShutdownHandler {
            for channel in channels { try? await channel.closeFuture.get() }
        } onGracefulShutdown: {
            for channel in channels { channel.close(promise: nil) }
            stopping()
        }
    }
}
