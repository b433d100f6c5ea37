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

    public init(parameters: TransferParameters, fileSize: Int64, maxRetries: Int) {
        self.parameters = parameters
        self.fileSize = fileSize
        self.maxRetries = maxRetries
        self.retriesLeft = maxRetries
        self.lastBlock = fileSize / Int64(parameters.blockSize) + 1
        self.awaitingOptionAck = !parameters.acknowledged.isEmpty
    }

    /// The value-returning forms, for tests and one-off callers; the transfer loop passes one array it reuses
    /// (`into:`), so a lockstep block allocates no action list (callgrind, bench/tftp).
    public mutating func start() -> [Action] { collect { $0.start(into: &$1) } }
    public mutating func received(_ packet: TFTPPacket) -> [Action] { collect { $0.received(packet, into: &$1) } }
    public mutating func timerFired() -> [Action] { collect { $0.timerFired(into: &$1) } }

    private mutating func collect(_ body: (inout ReadTransfer, inout [Action]) -> Void) -> [Action] {
        var actions: [Action] = []
        body(&self, &actions)
        return actions
    }

    /// Appends what to do first: an OACK, or the first window.
    public mutating func start(into actions: inout [Action]) {
        if awaitingOptionAck {
            actions.append(.sendOptionAcknowledgement(parameters.acknowledged))
            actions.append(arm)
        } else {
            sendWindow(into: &actions)
        }
    }

    /// Appends what `packet` calls for (nothing for a duplicate or old ACK).
    public mutating func received(_ packet: TFTPPacket, into actions: inout [Action]) {
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
                return actions.append(.probed(reason: "client ended after the OACK (ERROR 8: \(message))"))
            }
            actions.append(.failed(reason: "client sent ERROR: \(message)", error: nil))
        default:
            isDone = true
            actions.append(
                .failed(
                    reason: "unexpected packet during a read",
                    error: .error(.illegalOperation, message: "illegal TFTP operation")))
        }
    }

    /// Appends what the retransmission timer calls for: the OACK or the window again, or giving up.
    public mutating func timerFired(into actions: inout [Action]) {
        guard !isDone else { return }
        guard retriesLeft > 0 else {
            isDone = true
            return actions.append(
                .failed(
                    reason: "no ACK after \(maxRetries) retransmissions", error: .error(.notDefined, message: "timeout")
                ))
        }
        retriesLeft -= 1
        if awaitingOptionAck {
            actions.append(.sendOptionAcknowledgement(parameters.acknowledged))
            return actions.append(arm)
        }
        sentUpTo = acknowledged
        sendWindow(into: &actions)
    }

    private var arm: Action { .armTimer(milliseconds: parameters.timeoutMilliseconds) }

    private mutating func sendWindow(into actions: inout [Action]) {
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
