import CDatagramIO
import DialtoneLogging
import Foundation
import Logging
import NIOCore
import ServiceSupport
import TFTPCore
import TFTPWire
import Timeline
import WireSupport

/// One transfer on its own socket (its own TID, RFC 1350 §4), run by a `TransferLoop`: it feeds the socket's
/// datagrams and the timer to a `ReadTransfer` or `WriteTransfer` and carries out their actions. A datagram
/// from any other address or port is answered with ERROR 5, and the transfer goes on.
///
/// Confined to its loop's thread once adopted; the only way in from elsewhere is `TransferLoop.execute`.
final class TransferSession {
    enum Machine {
        case read(ReadTransfer, TFTPFile)
        case write(WriteTransfer, UploadTarget, overwrite: Bool)
        /// Only an ERROR to send, then close.
        case refuse(TFTPPacket)
    }

    let socket: Int32
    /// The client's address and port in network byte order, compared with each datagram's source.
    let clientHost: UInt32
    let clientPort: UInt16
    let id: Int
    let registry: TFTPTransfers
    let logger: Logger
    let describe: EventMetadata
    let started = NIODeadline.now()
    /// The machine, split by kind and mutated in place: taking a `ReadTransfer` and its file out of an enum
    /// and storing them back copied both, with their retains, on every block (callgrind).
    private var reading: ReadTransfer?
    /// What a read's DATA needs of its file and parameters, held apart from them: copying the `TFTPFile`
    /// out of an optional retained and released its three references on every block (callgrind).
    private let copyBytes: (@Sendable (Int64, UnsafeMutableRawBufferPointer) -> Int)?
    private let fileSize: Int64
    private let blockSize: Int
    /// The read machine's actions, one array reused from step to step (`ReadTransfer.received(_:into:)`); a step
    /// appends after the earlier steps' actions and reads its own.
    private var readActions: [ReadTransfer.Step] = []
    private var writing: WriteTransfer?
    let upload: (target: UploadTarget, overwrite: Bool)?
    private let refusal: TFTPPacket?
    /// The loop's key for this transfer's socket and timers; set when the loop adopts it.
    var token: UInt64 = 0
    /// Its client's arrival (`ClientArrivals`), its place in the loop's `TransferLanes`.
    var priority: Int64 = 0
    /// Whether it holds a fast lane; a slow transfer's next datagram waits `TransferLoop.hold` in its socket.
    var fast = true
    /// When a held datagram is read (uptime nanoseconds); 0 when the socket is watched.
    var heldUntil: Int64 = 0
    /// How many times it has moved its client on (a block, a window, an OACK; an upload's ACK after a write,
    /// not the repeated ACK that answers a lost or duplicate block): a hold ends at the first answer.
    var answers = 0
    /// When a timer entry must pop and what it does then: TFTPCore decides (RetransmitSchedule).
    var schedule = RetransmitSchedule()
    var ended = false

    /// The retransmission timeout both sides use (negotiated, else `tftp.timeout`); a hold stays under it.
    var timeoutMilliseconds: Int64 {
        reading?.parameters.timeoutMilliseconds ?? writing?.parameters.timeoutMilliseconds ?? 1000
    }

    init(
        socket: Int32, client: IPv4Address, port: UInt16, id: Int, machine: Machine, registry: TFTPTransfers,
        logger: Logger, describe: EventMetadata
    ) {
        self.socket = socket
        self.clientHost = client.rawValue.bigEndian
        self.clientPort = port.bigEndian
        self.id = id
        switch machine {
        case .read(let transfer, let file):
            (reading, writing, upload, refusal) = (transfer, nil, nil, nil)
            (copyBytes, fileSize, blockSize) = (file.copy, file.size, transfer.parameters.blockSize)
        case .write(let transfer, let target, let overwrite):
            (reading, writing, upload, refusal) = (nil, transfer, (target, overwrite), nil)
            (copyBytes, fileSize, blockSize) = (nil, 0, transfer.parameters.blockSize)
        case .refuse(let packet):
            (reading, writing, upload, refusal) = (nil, nil, nil, packet)
            (copyBytes, fileSize, blockSize) = (nil, 0, 0)
        }
        self.registry = registry
        self.logger = logger
        self.describe = describe
    }

    var client: IPv4Address { IPv4Address(rawValue: UInt32(bigEndian: clientHost)) }

    func start(loop: TransferLoop) {
        if id != 0 {
            let token = self.token
            registry.onAbort(id) { loop.execute { $0.session(token)?.abort(loop: $0) } }
        }
        if let packet = refusal {
            send(packet, loop: loop)
            finish(loop: loop, state: "failed", detail: nil)
        } else {
            step(loop: loop) {
                $0.start(into: &$1)
            } write: {
                $0.start()
            }
        }
    }

    /// The socket has a datagram: one per wake-up (the poll is level-triggered; a lockstep transfer never
    /// has a second one waiting, and a read until EAGAIN would cost a system call per block). Returns false
    /// when there was none.
    @discardableResult
    func readable(loop: TransferLoop) -> Bool {
        var host: UInt32 = 0, port: UInt16 = 0
        let buffer = loop.receiveBuffer
        let length = dialtone_udp_receive(socket, buffer.baseAddress, buffer.count, &host, &port)
        guard length >= 0 else {
            // ICMP errors are not reported on an unconnected socket; anything else, the timer decides.
            if length != -Int(EAGAIN) { logger.log(.debug, .tftpSocketError, [.reason: errorText(Int32(-length))]) }
            return false
        }
        guard host == clientHost, port == clientPort else {
            send(.error(.unknownTransferID, message: "unknown transfer ID"), loop: loop, to: (host, port))
            return true
        }
        let bytes = UnsafeRawBufferPointer(rebasing: buffer[..<length])
        let packet: TFTPPacket
        if length == 4, bytes[0] == 0, bytes[1] == 4 {
            // The lockstep path's one packet kind, read without an intermediate array.
            packet = .ack(block: UInt16(bytes[2]) << 8 | UInt16(bytes[3]))
        } else {
            guard let decoded = try? TFTPPacket(decoding: Array(bytes)) else { return true }
            packet = decoded
        }
        step(loop: loop) {
            $0.received(packet, into: &$1)
        } write: {
            $0.received(packet)
        }
        return true
    }

    /// A timer entry for `due` popped at `now`. Entries the schedule no longer holds are stale: the deadline
    /// moved earlier, or the transfer retransmitted since.
    func timerDue(_ due: Int64, now: Int64, loop: TransferLoop) {
        guard !ended, schedule.scheduled == due else { return }
        switch schedule.fired(now: now) {
        case .retransmit:
            step(loop: loop) {
                $0.timerFired(into: &$1)
            } write: {
                $0.timerFired()
            }
        case .reschedule(let next): loop.schedule(self, at: next)
        case .nothing: break
        }
    }

    /// Shutdown: tell the client, clean up an upload, end.
    func abort(loop: TransferLoop) {
        guard !ended else { return }
        send(.error(.notDefined, message: "server shutting down"), loop: loop)
        upload?.target.abandon()
        finish(loop: loop, state: "failed", detail: "server shutting down", linger: true)
    }

    /// One step of whichever state machine this transfer runs (start, a packet, the timer), then its actions,
    /// which may end the transfer. A refusal has no machine.
    private func step(
        loop: TransferLoop, read: (inout ReadTransfer, inout [ReadTransfer.Step]) -> Void,
        write: (inout WriteTransfer) -> [WriteTransfer.Action]
    ) {
        if reading != nil {
            // Emptied only now and then: `removeAll(keepingCapacity:)` goes through the generic `replaceSubrange`,
            // ~220 instructions, more than a lockstep step's own work (callgrind, bench/tftp). Each step reads
            // the actions it appended.
            if readActions.count > 64 { readActions.removeAll(keepingCapacity: true) }
            let first = readActions.count
            read(&reading!, &readActions)
            execute(readActions[first...], loop: loop)
            // A window of thousands (max_window_size allows 65535) would keep that much room per transfer.
            if readActions.capacity > 1024 { readActions = [] }
        } else if writing != nil, let upload {
            executeWrite(write(&writing!), target: upload.target, overwrite: upload.overwrite, loop: loop)
        }
    }

    /// A read's actions. Datagrams collect in the loop's batch and leave together.
    private func execute(_ actions: ArraySlice<ReadTransfer.Step>, loop: TransferLoop) {
        guard let copyBytes else { return }
        let blockSize = self.blockSize
        let batch = loop.batch
        batch.begin(maxLength: 4 + blockSize)
        for action in actions {
            switch action {
            case .sendOptionAcknowledgement:
                answers &+= 1
                queue(.optionAcknowledgement(reading?.parameters.acknowledged ?? []), in: batch)
            case .sendData(let block, let offset, let length):
                answers &+= 1
                // Header and payload written straight into the datagram's slot (no intermediate arrays).
                batch.append { slot in
                    slot.storeBytes(of: TFTPPacket.dataHeader(block: block).bigEndian, as: UInt32.self)
                    guard length > 0 else { return 4 }
                    return 4 + copyBytes(offset, UnsafeMutableRawBufferPointer(rebasing: slot[4..<(4 + length)]))
                }
            case .armTimer(let ms):
                arm(ms, loop: loop)
                // The dashboard polls every 2 s: progress every 16 blocks is plenty, and spares a locked
                // update per packet.
                if let acknowledged = reading?.acknowledged, acknowledged % 16 == 0 {
                    let done = acknowledged * Int64(blockSize)
                    let size = fileSize
                    registry.update(id) { $0.bytes = min(done, size) }
                }
            case .finished(let bytes):
                registry.update(id) { $0.bytes = bytes }
                flush(batch)
                finish(loop: loop, state: "completed", detail: nil)
            case .failed:
                let ending = reading?.ending
                if let error = ending?.error { queue(error, in: batch) }
                flush(batch)
                finish(loop: loop, state: "failed", detail: ending?.reason)
            case .probed:
                flush(batch)
                finish(loop: loop, state: "probed", detail: reading?.ending?.reason)
            }
        }
        flush(batch)
    }
}
