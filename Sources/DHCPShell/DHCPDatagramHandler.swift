import NIOCore

/// The handler on every DHCP socket (server ports and the port-68 watcher): hands each datagram to the
/// engine's loop-bound code. A read error (an ICMP port unreachable surfacing as ECONNREFUSED, say) must
/// never stop the service, so errors are only passed to `onError`.
final class DHCPDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    private let onRead: (AddressedEnvelope<ByteBuffer>, Channel) -> Void
    private let onError: (Error) -> Void

    init(
        onRead: @escaping (AddressedEnvelope<ByteBuffer>, Channel) -> Void,
        onError: @escaping (Error) -> Void = { _ in }
    ) {
        self.onRead = onRead
        self.onError = onError
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) { onRead(unwrapInboundIn(data), context.channel) }

    func errorCaught(context: ChannelHandlerContext, error: Error) { onError(error) }
}
