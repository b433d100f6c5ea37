import NIOCore

/// The handler on every DHCP socket (server ports and the port-68 watcher): hands each datagram to the
/// engine's loop-bound code. A read error (an ICMP port unreachable surfacing as ECONNREFUSED, say) must
/// never stop the service, so errors are only passed to `onError`.
///
/// On a server socket it also keeps the `DiscoverGate`: every few reads of a burst that may leave datagrams
/// behind, it reads the queue's counters and closes or opens the gate; `onGate` hears each change.
final class DHCPDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    /// NIO's `maxMessagesPerRead` on DHCP sockets. A burst shorter than this ended on an empty queue.
    static let readsPerBurst = 16
    /// The queue is measured every this many reads of a burst, not only at its end: a slow server (a debug
    /// build, a busy machine) under perfdhcp saw the 2 MiB queue fill within one burst of 16. At ordinary
    /// rates a burst is one datagram and the gate costs no system call.
    static let readsPerCheck = 4

    private let onRead: (AddressedEnvelope<ByteBuffer>, Channel) -> Void
    private let onError: (Error) -> Void
    private let onGate: ((DiscoverGate.Change, DiscoverFilter.Memory) -> Void)?
    /// After every burst of reads, on the loop: the thread's real-time governor looks at its share of CPU
    /// (`RealtimeThread.checkpoint`).
    private let onBurstEnd: () -> Void
    /// nil on the watcher, and on a server socket whose filter could not be set (the error went to onError).
    private var gate: DiscoverGate?
    private var readsInBurst = 0

    init(
        onRead: @escaping (AddressedEnvelope<ByteBuffer>, Channel) -> Void,
        onError: @escaping (Error) -> Void = { _ in },
        onGate: ((DiscoverGate.Change, DiscoverFilter.Memory) -> Void)? = nil,
        onBurstEnd: @escaping () -> Void = {}
    ) {
        self.onRead = onRead
        self.onError = onError
        self.onGate = onGate
        self.onBurstEnd = onBurstEnd
        self.gate = onGate == nil ? nil : DiscoverGate()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        readsInBurst += 1
        onRead(unwrapInboundIn(data), context.channel)
        if gate != nil, readsInBurst % Self.readsPerCheck == 0 { measure(context.channel) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        let reads = readsInBurst
        readsInBurst = 0
        context.fireChannelReadComplete()
        onBurstEnd()
        // A short burst ended on an empty queue: a closed gate is measured once more, and opens unless the
        // queue filled again meanwhile.
        if gate?.isClosed == true, reads < Self.readsPerBurst { measure(context.channel) }
    }

    private func measure(_ channel: Channel) {
        DiscoverFilter.memory(of: channel).assumeIsolated().whenComplete { result in
            switch result {
            case .failure(let error): self.disable(error, channel)
            case .success(let memory):
                guard let change = self.gate?.observe(queued: memory.queued, buffer: memory.buffer) else { return }
                DiscoverFilter.apply(change, to: channel).assumeIsolated().whenComplete { applied in
                    switch applied {
                    case .failure(let error): self.disable(error, channel)
                    case .success: self.onGate?(change, memory)
                    }
                }
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) { onError(error) }

    /// Without its counters or its filter the socket runs as it did before the gate: the kernel drops
    /// whatever overflows. A filter that may still be attached is detached first: left there, it would drop
    /// every DISCOVER on this socket. `onError` hears a `DiscoverFilter.Failure`, logged as a warning.
    private func disable(_ error: Error, _ channel: Channel) {
        let wasClosed = gate?.isClosed ?? false
        gate = nil
        onError(DiscoverFilter.Failure(underlying: error))
        guard wasClosed else { return }
        DiscoverFilter.apply(.open, to: channel).assumeIsolated().whenFailure { error in
            self.onError(DiscoverFilter.Failure(underlying: error, filterLeftAttached: true))
        }
    }
}
