import CDatagramIO
import DialtoneLogging
import Foundation
import Logging
import NIOCore
import TFTPCore
import TFTPWire
import Timeline

/// What a session's steps do outside it: an upload's actions, the datagrams it sends (through the loop's
/// batch), its retransmission timer, and its end (the registry, the log line, the timeline event).
extension TransferSession {
    /// A write's actions, one datagram at a time: an upload answers each DATA with one ACK.
    func executeWrite(
        _ actions: [WriteTransfer.Action], target: UploadTarget, overwrite: Bool, loop: TransferLoop
    ) {
        var wrote = false
        for action in actions {
            switch action {
            case .sendOptionAcknowledgement(let options):
                answers &+= 1
                send(.optionAcknowledgement(options), loop: loop)
            case .sendAck(let block):
                if wrote { answers &+= 1 }
                send(.ack(block: block), loop: loop)
            case .write(_, let bytes):
                wrote = true
                if !target.write(bytes) {
                    let why = errorText(errno)
                    send(.error(.diskFull, message: "write failed"), loop: loop)
                    target.abandon()
                    finish(loop: loop, state: "failed", detail: "write failed: \(why)")
                    return
                }
                registry.update(id) { $0.bytes = target.written }
            case .armTimer(let ms):
                arm(ms, loop: loop)
            case .complete(_, let finalAck):
                if let problem = target.commit(overwrite: overwrite) {
                    send(.error(problem == "file exists" ? .fileExists : .diskFull, message: problem), loop: loop)
                    finish(loop: loop, state: "failed", detail: problem)
                } else {
                    send(.ack(block: finalAck), loop: loop)
                    finish(loop: loop, state: "completed", detail: nil)
                }
            case .failed(let reason, let error):
                if let error { send(error, loop: loop) }
                target.abandon()
                finish(loop: loop, state: "failed", detail: reason)
            }
        }
    }

    /// The machine re-arms on every packet; the loop gets a timer entry only when RetransmitSchedule says so.
    func arm(_ milliseconds: Int64, loop: TransferLoop) {
        if let due = schedule.arm(milliseconds: milliseconds, now: Int64(NIODeadline.now().uptimeNanoseconds)) {
            loop.schedule(self, at: due)
        }
    }

    func queue(_ packet: TFTPPacket, in batch: DatagramBatch) {
        let bytes = packet.encode()
        if bytes.count > batch.slotSize {
            // Longer than a slot (an ERROR naming many case-clashing files, say): send what is queued, then
            // this in slots its size.
            flush(batch)
            batch.begin(maxLength: bytes.count)
        }
        batch.append { slot in
            bytes.withUnsafeBytes { slot.copyMemory(from: $0) }
            return bytes.count
        }
    }

    func flush(_ batch: DatagramBatch, to destination: (host: UInt32, port: UInt16)? = nil) {
        let to = destination ?? (clientHost, clientPort)
        if let problem = batch.send(from: socket, to: to.host, port: to.port) {
            logger.log(.debug, .tftpSocketError, [.reason: problem])
        }
    }

    func send(_ packet: TFTPPacket, loop: TransferLoop, to destination: (UInt32, UInt16)? = nil) {
        loop.batch.begin(maxLength: 0)
        queue(packet, in: loop.batch)
        flush(loop.batch, to: destination)
    }

    func finish(loop: TransferLoop, state: String, detail: String?, linger: Bool = false) {
        guard !ended else { return }
        ended = true
        schedule.disarm()
        if let info = registry.end(id, state: state, detail: detail) {
            let seconds = EventDuration.seconds(nanoseconds: (NIODeadline.now() - started).nanoseconds)
            let ended =
                state == "probed"
                ? TFTPTimeline.probed(describe, duration: seconds, detail: detail ?? "")
                : TFTPTimeline.ended(
                    describe, completed: state == "completed", bytes: info.bytes, duration: seconds, detail: detail)
            logger.log(
                level: state == "failed" ? .notice : .info, "\(ended.name)", metadata: ended.metadata.logMetadata)
            registry.recorder?.record(client: client.description, ended)
        }
        loop.remove(self, linger: linger)
    }

    func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// The loop could not watch the socket: the transfer ends before its first packet.
    func failToStart(loop: TransferLoop, reason: String) {
        close(socket)
        Self.failBeforeStart(id: id, upload: upload?.target, reason: reason, registry: registry, logger: logger)
    }

    /// A transfer that ends before its first packet (no socket, or no loop to run it): logged, its upload's
    /// temporary file removed, its registry entry ended. Shared by `TFTPService` and `failToStart`.
    static func failBeforeStart(
        id: Int, upload: UploadTarget?, reason: String, registry: TFTPTransfers, logger: Logger
    ) {
        logger.log(
            level: .error, "\(EventName.tftp(.transferFailed))",
            metadata: ([.reason: "no socket for the transfer: \(reason)"] as EventMetadata).logMetadata)
        upload?.abandon()
        _ = registry.end(id, state: "failed", detail: reason)
    }
}
