import TFTPWire

/// The sending side of one RRQ (RFC 1350, windowed per RFC 7440), as a value driven by events.
///
/// Blocks are counted with 64-bit absolute numbers; the wire carries the low 16 bits, so a file larger than
/// 65535 blocks rolls over to 0 (what tftp-hpa, atftp and curl expect). An ACK maps back to the absolute
/// block within the window in flight. Duplicate or old ACKs trigger nothing (the Sorcerer's Apprentice bug,
/// RFC 1123 §4.2.3.1): only the retransmission timer resends, from the last acknowledged block.
public struct ReadTransfer: Sendable {
    public enum Action: Hashable, Sendable {
        case sendOptionAcknowledgement([TFTPOption])
        /// Send DATA `block` carrying bytes `offset ..< offset+length` of the file.
        case sendData(block: UInt16, offset: Int64, length: Int)
        /// (Re)arm the retransmission timer for `milliseconds`.
        case armTimer(milliseconds: Int64)
        case finished(bytes: Int64)
        /// Give up; when `error` is set, tell the client.
        case failed(reason: String, error: TFTPPacket?)
        /// The client ended the transfer with ERROR 8 right after our OACK (RFC 2347): it asked for the
        /// size (RFC 2349 tsize) and had what it wanted. OVMF and iPXE do this before every download; it is
        /// not a failure.
        case probed(reason: String)
    }

    /// What to do, as the transfer loop receives it: a trivially copied value, so a lockstep block appends and
    /// drops its two steps without a retain or a destructor (each `Action` cost ~90 instructions to destroy,
    /// callgrind, bench/tftp). What the rare steps carry is on the transfer: the options in
    /// `parameters.acknowledged`, why it ended in `ending`.
    public enum Step: Hashable, Sendable {
        case sendOptionAcknowledgement
        case sendData(block: UInt16, offset: Int64, length: Int)
        case armTimer(milliseconds: Int64)
        case finished(bytes: Int64)
        /// `ending` says why, and what to tell the client.
        case failed
        /// `ending` says why.
        case probed
    }

    /// Why the transfer failed or was a probe, and the ERROR to send the client (for a failure, when set).
    public struct Ending: Hashable, Sendable {
        public var reason: String
        public var error: TFTPPacket?
    }

    public let parameters: TransferParameters
    public let fileSize: Int64
    public let maxRetries: Int
    /// Blocks in the file: the last one is short, possibly empty (a multiple of blksize ends with 0 bytes).
    public let lastBlock: Int64
    public private(set) var acknowledged: Int64 = 0
    public private(set) var sentUpTo: Int64 = 0
    public private(set) var retriesLeft: Int
    public private(set) var isDone = false
    private var awaitingOptionAck: Bool
    /// Set once, by the step that fails the transfer or finds it a probe.
    public private(set) var ending: Ending?

    public init(parameters: TransferParameters, fileSize: Int64, maxRetries: Int) {
        self.parameters = parameters
        self.fileSize = fileSize
        self.maxRetries = maxRetries
        self.retriesLeft = maxRetries
        self.lastBlock = fileSize / Int64(parameters.blockSize) + 1
        self.awaitingOptionAck = !parameters.acknowledged.isEmpty
    }

    /// The value-returning forms, as `Action`s, for tests and one-off callers; the transfer loop passes one
    /// array of steps it reuses (`into:`), so a lockstep block allocates no action list (callgrind, bench/tftp).
    public mutating func start() -> [Action] { collect { $0.start(into: &$1) } }
    public mutating func received(_ packet: TFTPPacket) -> [Action] { collect { $0.received(packet, into: &$1) } }
    public mutating func timerFired() -> [Action] { collect { $0.timerFired(into: &$1) } }

    private mutating func collect(_ body: (inout ReadTransfer, inout [Step]) -> Void) -> [Action] {
        var steps: [Step] = []
        body(&self, &steps)
        return steps.map(action)
    }

    /// A step with what it refers to on the transfer.
    public func action(_ step: Step) -> Action {
        switch step {
        case .sendOptionAcknowledgement: .sendOptionAcknowledgement(parameters.acknowledged)
        case .sendData(let block, let offset, let length): .sendData(block: block, offset: offset, length: length)
        case .armTimer(let milliseconds): .armTimer(milliseconds: milliseconds)
        case .finished(let bytes): .finished(bytes: bytes)
        case .failed: .failed(reason: ending?.reason ?? "", error: ending?.error)
        case .probed: .probed(reason: ending?.reason ?? "")
        }
    }

    /// Appends what to do first: an OACK, or the first window.
    public mutating func start(into actions: inout [Step]) {
        if awaitingOptionAck {
            actions.append(.sendOptionAcknowledgement)
            actions.append(arm)
        } else {
            sendWindow(into: &actions)
        }
    }

    /// Appends what `packet` calls for (nothing for a duplicate or old ACK).
    public mutating func received(_ packet: TFTPPacket, into actions: inout [Step]) {
        guard !isDone else { return }
        switch packet {
        case .ack(let block):
            if awaitingOptionAck {
                // RFC 2347: the client acknowledges the OACK with ACK 0.
                guard block == 0 else { return }
                awaitingOptionAck = false
                retriesLeft = maxRetries
                return sendWindow(into: &actions)
            }
            guard let absolute = resolve(block), absolute > acknowledged else { return }
            acknowledged = absolute
            retriesLeft = maxRetries
            if acknowledged == lastBlock {
                isDone = true
                return actions.append(.finished(bytes: fileSize))
            }
            // RFC 7440 §4: an ACK inside the window restarts the window after it. Ack of the whole window
            // (the normal case) moves it on.
            sentUpTo = acknowledged
            sendWindow(into: &actions)
        case .error(let code, let message):
            isDone = true
            if awaitingOptionAck, code == .optionRefused {
                ending = Ending(reason: "client ended after the OACK (ERROR 8: \(message))")
                return actions.append(.probed)
            }
            ending = Ending(reason: "client sent ERROR: \(message)")
            actions.append(.failed)
        default:
            isDone = true
            ending = Ending(
                reason: "unexpected packet during a read",
                error: .error(.illegalOperation, message: "illegal TFTP operation"))
            actions.append(.failed)
        }
    }

    /// Appends what the retransmission timer calls for: the OACK or the window again, or giving up.
    public mutating func timerFired(into actions: inout [Step]) {
        guard !isDone else { return }
        guard retriesLeft > 0 else {
            isDone = true
            ending = Ending(
                reason: "no ACK after \(maxRetries) retransmissions", error: .error(.notDefined, message: "timeout"))
            return actions.append(.failed)
        }
        retriesLeft -= 1
        if awaitingOptionAck {
            actions.append(.sendOptionAcknowledgement)
            return actions.append(arm)
        }
        sentUpTo = acknowledged
        sendWindow(into: &actions)
    }

    private var arm: Step { .armTimer(milliseconds: parameters.timeoutMilliseconds) }

    private mutating func sendWindow(into actions: inout [Step]) {
        let end = min(acknowledged + Int64(parameters.windowSize), lastBlock)
        // Sized once: growing it append by append cost more than the rest of a lockstep step (callgrind).
        actions.reserveCapacity(actions.count + Int(max(0, end - sentUpTo)) + 1)
        while sentUpTo < end {
            sentUpTo += 1
            let offset = (sentUpTo - 1) * Int64(parameters.blockSize)
            let length = Int(min(Int64(parameters.blockSize), fileSize - offset))
            actions.append(
                .sendData(block: UInt16(truncatingIfNeeded: sentUpTo), offset: offset, length: max(0, length)))
        }
        actions.append(arm)
    }

    /// The absolute block an ACK refers to: one in (acknowledged, sentUpTo] with the same low 16 bits.
    private func resolve(_ block: UInt16) -> Int64? {
        var candidate = sentUpTo
        while candidate > acknowledged {
            if UInt16(truncatingIfNeeded: candidate) == block { return candidate }
            candidate -= 1
        }
        return nil
    }
}
