import NIOCore
import ServiceLifecycle

/// Keeps a service's sockets open until the service must stop, for either of the two reasons it can:
/// graceful shutdown (SIGTERM) or cancellation, which ServiceGroup uses when another service failed. The
/// second matters: when `serve` found a port taken, a socket waiting only for graceful shutdown kept its
/// task, and so the whole process, alive forever (issue 19).
package enum ChannelLifetime {
    /// Returns when every channel has closed: by itself, on graceful shutdown or on cancellation.
    package static func wait(_ channels: [Channel], stopping: @escaping @Sendable () -> Void = {}) async {
        let closeAll: @Sendable () -> Void = {
            for channel in channels { channel.close(promise: nil) }
        }
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                for channel in channels { try? await channel.closeFuture.get() }
            } onGracefulShutdown: {
                closeAll()
                stopping()
            }
        } onCancel: {
            closeAll()
        }
    }
}
