import DialtoneLogging
import Foundation
import Logging
import NIOCore
import ServiceSupport
import TFTPCore
import TFTPWire
import Timeline

#if canImport(Glibc)
    import Glibc
#endif

/// One transfer on its own socket (its own TID, RFC 1350 §4). Runs a `ReadTransfer` or `WriteTransfer` and
/// executes its actions: packets out, the retransmission timer, the end. Packets from any other address or
/// port are answered with ERROR 5 and otherwise ignored.
final class TFTPTransferHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    enum Machine {
        case read(ReadTransfer, TFTPFile)
        case write(WriteTransfer, UploadTarget, overwrite: Bool)
        /// Only an ERROR to send, then close.
        case refuse(TFTPPacket)
    }

    let client: SocketAddress
    let id: Int
    let registry: TFTPTransfers
    let logger: Logger
    let started = NIODeadline.now()
    let describe: [EventKey: String]
    var machine: Machine
    private var timer: Scheduled<Void>?
    /// When the timer task must run and what it does when it fires: TFTPCore decides (RetransmitSchedule).
    private var schedule = RetransmitSchedule()
    private var ended = false

    init(
        client: SocketAddress, id: Int, machine: Machine, registry: TFTPTransfers, logger: Logger,
        describe: [EventKey: String]
    ) {
        self.client = client
        self.id = id
        self.machine = machine
        self.registry = registry
        self.logger = logger
        self.describe = describe
    }

    func channelActive(context: ChannelHandlerContext) {
        if id != 0 {
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            registry.onAbort(id) { [eventLoop = context.eventLoop] in
                eventLoop.execute {
                    let (handler, context) = bound.value
                    handler.abort(context: context)
                }
            }
        }
        if case .refuse(let packet) = machine {
            send(packet, context: context)
            finish(context: context, state: "failed", detail: nil)
        } else {
            step(context: context) {
                $0.start()
            } write: {
                $0.start()
            }
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard envelope.remoteAddress == client else {
            // RFC 1350 §4: a packet with the wrong TID gets ERROR 5, and the transfer goes on.
            send(
                .error(.unknownTransferID, message: "unknown transfer ID"), to: envelope.remoteAddress, context: context
            )
            return
        }
        guard let packet = try? TFTPPacket(decoding: Array(envelope.data.readableBytesView)) else { return }
        step(context: context) {
            $0.received(packet)
        } write: {
            $0.received(packet)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // ICMP port unreachable (client gone) surfaces as a read error: let the retransmit timer decide.
        logger.log(.debug, .tftpSocketError, [.reason: "\(error)"])
    }

    /// Shutdown: tell the client, clean up an upload, end.
    func abort(context: ChannelHandlerContext) {
        guard !ended else { return }
        send(.error(.notDefined, message: "server shutting down"), context: context)
        if case .write(_, let target, _) = machine { target.abandon() }
        finish(context: context, state: "failed", detail: "server shutting down")
    }

    private func timerFired(context: ChannelHandlerContext) {
        step(context: context) {
            $0.timerFired()
        } write: {
            $0.timerFired()
        }
    }

    /// One step of whichever state machine this transfer runs (start, a packet, the timer): the machine is
    /// stored back before its actions run, since they may end the transfer. A refusal has no machine.
    private func step(
        context: ChannelHandlerContext, read: (inout ReadTransfer) -> [ReadTransfer.Action],
        write: (inout WriteTransfer) -> [WriteTransfer.Action]
    ) {
        switch machine {
        case .read(var transfer, let file):
            let actions = read(&transfer)
            machine = .read(transfer, file)
            execute(actions, transfer: transfer, file: file, context: context)
        case .write(var transfer, let target, let overwrite):
            let actions = write(&transfer)
            machine = .write(transfer, target, overwrite: overwrite)
            executeWrite(actions, context: context)
        case .refuse:
            break
        }
    }

    /// `transfer` and `file` are the machine's, passed on rather than taken out of `machine` a second time (an
    /// enum payload copied per block: callgrind).
    private func execute(
        _ actions: [ReadTransfer.Action], transfer: ReadTransfer, file: TFTPFile, context: ChannelHandlerContext
    ) {
        for action in actions {
            switch action {
            case .sendOptionAcknowledgement(let options):
                send(.optionAcknowledgement(options), context: context)
            case .sendData(let block, let offset, let length):
                // Header and payload written straight into the datagram's buffer (no intermediate arrays).
                var buffer = context.channel.allocator.buffer(capacity: 4 + length)
                buffer.writeInteger(TFTPPacket.dataHeader(block: block))
                if length > 0 {
                    buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: length) {
                        file.copy(offset, UnsafeMutableRawBufferPointer(rebasing: $0[..<length]))
                    }
                }
                context.writeAndFlush(
                    wrapOutboundOut(AddressedEnvelope(remoteAddress: client, data: buffer)), promise: nil)
            case .armTimer(let ms):
                arm(ms, context: context)
                // The dashboard polls every 2 s: progress every 16 blocks is plenty, and spares a locked
                // update per packet.
                if transfer.acknowledged % 16 == 0 {
                    let done = transfer.acknowledged * Int64(transfer.parameters.blockSize)
                    registry.update(id) { $0.bytes = min(done, file.size) }
                }
            case .finished(let bytes):
                registry.update(id) { $0.bytes = bytes }
                finish(context: context, state: "completed", detail: nil)
            case .failed(let reason, let error):
                if let error { send(error, context: context) }
                finish(context: context, state: "failed", detail: reason)
            case .probed(let reason):
                finish(context: context, state: "probed", detail: reason)
            }
        }
    }

    private func executeWrite(_ actions: [WriteTransfer.Action], context: ChannelHandlerContext) {
        guard case .write(_, let target, let overwrite) = machine else { return }
        for action in actions {
            switch action {
            case .sendOptionAcknowledgement(let options):
                send(.optionAcknowledgement(options), context: context)
            case .sendAck(let block):
                send(.ack(block: block), context: context)
            case .write(_, let bytes):
                if !target.write(bytes) {
                    send(.error(.diskFull, message: "write failed"), context: context)
                    target.abandon()
                    finish(
                        context: context, state: "failed", detail: "write failed: \(String(cString: strerror(errno)))")
                    return
                }
                registry.update(id) { $0.bytes = target.written }
            case .armTimer(let ms):
                arm(ms, context: context)
            case .complete(_, let finalAck):
                if let problem = target.commit(overwrite: overwrite) {
                    send(.error(problem == "file exists" ? .fileExists : .diskFull, message: problem), context: context)
                    finish(context: context, state: "failed", detail: problem)
                } else {
                    send(.ack(block: finalAck), context: context)
                    finish(context: context, state: "completed", detail: nil)
                }
            case .failed(let reason, let error):
                if let error { send(error, context: context) }
                target.abandon()
                finish(context: context, state: "failed", detail: reason)
            }
        }
    }

    /// The machine re-arms on every packet; a loop task is scheduled only when RetransmitSchedule says so.
    private func arm(_ milliseconds: Int64, context: ChannelHandlerContext) {
        if let deadline = schedule.arm(milliseconds: milliseconds, now: Int64(NIODeadline.now().uptimeNanoseconds)) {
            scheduleTask(at: deadline, context: context)
        }
    }

    private func scheduleTask(at deadline: Int64, context: ChannelHandlerContext) {
        timer?.cancel()
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: NIODeadline.uptimeNanoseconds(UInt64(deadline))) {
            let (handler, context) = bound.value
            handler.timer = nil
            guard !handler.ended else { return }
            switch handler.schedule.fired(now: Int64(NIODeadline.now().uptimeNanoseconds)) {
            case .retransmit: handler.timerFired(context: context)
            case .reschedule(let due): handler.scheduleTask(at: due, context: context)
            case .nothing: break
            }
        }
    }

    private func send(_ packet: TFTPPacket, to address: SocketAddress? = nil, context: ChannelHandlerContext) {
        let bytes = packet.encode()
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        context.writeAndFlush(
            wrapOutboundOut(AddressedEnvelope(remoteAddress: address ?? client, data: buffer)), promise: nil)
    }

    private func finish(context: ChannelHandlerContext, state: String, detail: String?) {
        guard !ended else { return }
        ended = true
        timer?.cancel()
        schedule.disarm()
        let duration = Double((NIODeadline.now() - started).nanoseconds) / 1e9
        if let info = registry.end(id, state: state, detail: detail) {
            let seconds = String(format: "%.3f", duration)
            let ended =
                state == "probed"
                ? TFTPTimeline.probed(describe, duration: seconds, detail: detail ?? "")
                : TFTPTimeline.ended(
                    describe, completed: state == "completed", bytes: info.bytes, duration: seconds, detail: detail)
            logger.log(
                level: state == "failed" ? .notice : .info, "\(ended.name)", metadata: ended.metadata.logMetadata)
            if let client = client.wireIPv4 { registry.recorder?.record(client: client.description, ended) }
        }
        // Let the last packet leave before the socket goes.
        context.eventLoop.scheduleTask(in: .milliseconds(10)) { [channel = context.channel] in
            channel.close(promise: nil)
        }
    }
}
