import CDHCPSocket
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// The socket side of `DiscoverGate`: the receive queue's counters, the kernel filter that drops new
/// DISCOVERs, and a receive buffer large enough for a storm's burst. All through NIO's socket option calls,
/// which complete at once on the channel's event loop.
enum DiscoverFilter {
    /// What the kernel counts for a socket's receive side.
    struct Memory: Equatable, Sendable {
        /// Bytes waiting to be read, each datagram with its overhead.
        var queued: Int
        /// The queue's limit: past it the kernel drops whatever arrives.
        var buffer: Int
    }

    /// The receive buffer asked for: the kernel doubles it for its overhead (socket(7)), so the queue holds
    /// 2 MiB as SO_MEMINFO counts, about 1,800 DHCP datagrams of 300 bytes (1.1 KiB each there, measured on
    /// loopback), and the gate closes at about 900. The default, 208 KiB, held about 190, two fifths of a
    /// 500-phone storm's first burst; the rest was dropped before we saw it.
    static let receiveBuffer: CInt = 1 << 20

    /// The gate could not read the queue or set the filter, and is off on that socket from then on.
    struct Failure: Error, CustomStringConvertible {
        var underlying: Error
        /// The filter could not be detached either: the socket drops DISCOVERs until it is bound again.
        var filterLeftAttached = false
        var description: String {
            filterLeftAttached
                ? "the DISCOVER filter could not be detached (\(underlying)): restart serve to answer DISCOVERs here"
                : "DISCOVER gate off on this socket: \(underlying)"
        }
    }

    /// SO_MEMINFO: SK_MEMINFO_VARS (9) counters, the first two of which we read.
    private typealias MemInfo = (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)

    /// sock_fprog holds a pointer, to a static array (CDHCPSocket.c) that is never written.
    private struct Program: @unchecked Sendable { let program: sock_fprog }

    static func memory(of channel: Channel) -> EventLoopFuture<Memory> {
        guard let provider = channel as? SocketOptionProvider else {
            return channel.eventLoop.makeFailedFuture(ChannelError.operationUnsupported)
        }
        let future: EventLoopFuture<MemInfo> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(dialtone_so_meminfo))
        return future.map { Memory(queued: Int($0.0), buffer: Int($0.1)) }
    }

    /// Attaches the filter (`.close`) or detaches it (`.open`).
    static func apply(_ change: DiscoverGate.Change, to channel: Channel) -> EventLoopFuture<Void> {
        guard let provider = channel as? SocketOptionProvider else {
            return channel.eventLoop.makeFailedFuture(ChannelError.operationUnsupported)
        }
        let level = SocketOptionLevel(SOL_SOCKET)
        switch change {
        case .close:
            return provider.unsafeSetSocketOption(
                level: level, name: SocketOptionName(dialtone_so_attach_filter),
                value: Program(program: dialtone_discover_filter().pointee))
        case .open:
            return provider.unsafeSetSocketOption(
                level: level, name: SocketOptionName(dialtone_so_detach_filter), value: CInt(0))
        }
    }

    /// Sets `receiveBuffer`: SO_RCVBUFFORCE passes net.core.rmem_max (212,992 bytes on a stock Debian) and
    /// needs CAP_NET_ADMIN, which serve keeps for DHCP; without it SO_RCVBUF, which the kernel caps there.
    static func enlargeReceiveBuffer(of channel: Channel) -> EventLoopFuture<Void> {
        guard let provider = channel as? SocketOptionProvider else {
            return channel.eventLoop.makeSucceededVoidFuture()
        }
        let level = SocketOptionLevel(SOL_SOCKET)
        return provider.unsafeSetSocketOption(
            level: level, name: SocketOptionName(dialtone_so_rcvbufforce), value: receiveBuffer
        ).flatMapError { _ in
            channel.setOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(receiveBuffer))
        }
    }
}
