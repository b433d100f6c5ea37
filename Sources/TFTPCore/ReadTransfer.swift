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

    public mutating func start() -> [Action] {
        if awaitingOptionAck { return [.sendOptionAcknowledgement(parameters.acknowledged), arm] }
        return sendWindow()
    }

    public mutating func received(_ packet: TFTPPacket) -> [Action] {
        guard !isDone else { return [] }
        switch packet {
        case .ack(let block):
            if awaitingOptionAck {
                // RFC 2347: the client acknowledges the OACK with ACK 0.
                guard block == 0 else { return [] }
                awaitingOptionAck = false
                retriesLeft = maxRetries
                return sendWindow()
            }
            guard let absolute = resolve(block), absolute > acknowledged else { return [] }
            acknowledged = absolute
            retriesLeft = maxRetries
            if acknowledged == lastBlock {
                isDone = true
                return [.finished(bytes: fileSize)]
            }
            // RFC 7440 §4: an ACK inside the window restarts the window after it. Ack of the whole window
            // (the normal case) moves it on.
            sentUpTo = acknowledged
            return sendWindow()
        case .error(let code, let message):
            isDone = true
            if awaitingOptionAck, code == .optionRefused {
                return [.probed(reason: "client ended after the OACK (ERROR 8: \(message))")]
            }
            return [.failed(reason: "client sent ERROR: \(message)", error: nil)]
        default:
            isDone = true
            return [
                .failed(
                    reason: "unexpected packet during a read",
                    error: .error(.illegalOperation, message: "illegal TFTP operation"))
            ]
        }
    }

    public mutating func timerFired() -> [Action] {
        guard !isDone else { return [] }
        guard retriesLeft > 0 else {
            isDone = true
            return [
                .failed(
                    reason: "no ACK after \(maxRetries) retransmissions", error: .error(.notDefined, message: "timeout")
                )
            ]
        }
        retriesLeft -= 1
        if awaitingOptionAck { return [.sendOptionAcknowledgement(parameters.acknowledged), arm] }
        sentUpTo = acknowledged
        return sendWindow()
    }

    private var arm: Action { .armTimer(milliseconds: parameters.timeoutMilliseconds) }

    private mutating func sendWindow() -> [Action] {
        let end = min(acknowledged + Int64(parameters.windowSize), lastBlock)
        // Sized once: growing it append by append cost more than the rest of a lockstep step (callgrind).
        var actions: [Action] = []
        actions.reserveCapacity(Int(max(0, end - sentUpTo)) + 1)
        while sentUpTo < end {
            sentUpTo += 1
            let offset = (sentUpTo - 1) * Int64(parameters.blockSize)
            let length = Int(min(Int64(parameters.blockSize), fileSize - offset))
            actions.append(
                .sendData(block: UInt16(truncatingIfNeeded: sentUpTo), offset: offset, length: max(0, length)))
        }
        actions.append(arm)
        return actions
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
