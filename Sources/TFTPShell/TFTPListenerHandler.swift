import DialtoneLogging
import Logging
import NIOCore
import TFTPWire
import Timeline

/// The listening socket's handler: decodes each datagram and hands it to the service, which decides what
/// the request gets; a malformed one is answered with an ERROR and logged (the first ten, then every 1000th).
final class TFTPListenerHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let service: TFTPService
    private var malformed = 0

    init(service: TFTPService) { self.service = service }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        do {
            let packet = try TFTPPacket(decoding: Array(envelope.data.readableBytesView))
            service.handle(packet, from: envelope.remoteAddress)
        } catch {
            malformed += 1
            if malformed <= 10 || malformed % 1000 == 0 {
                service.logger.log(
                    .warning, .tftpPacketMalformed,
                    [
                        .reason: "\(error)", .client(.address): "\(envelope.remoteAddress)",
                        .server(.tftpMalformedTotal): "\(malformed)",
                    ])
            }
            service.handle(
                .error(.illegalOperation, message: "malformed"), from: envelope.remoteAddress)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        service.logger.log(.debug, .tftpSocketError, [.reason: "\(error)"])
    }
}
