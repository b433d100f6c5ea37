import TFTPWire

/// The receiving side of one WRQ (RFC 1350, windowed per RFC 7440). DATA in order is written; anything else
/// is dropped and, for a gap, answered with an ACK of the last in-order block so the sender resends.
public struct WriteTransfer: Sendable {
    public enum Action: Hashable, Sendable {
        case sendOptionAcknowledgement([TFTPOption])
        case sendAck(block: UInt16)
        case write(offset: Int64, bytes: [UInt8])
        case armTimer(milliseconds: Int64)
        /// All data received; the shell makes the file visible (rename into place) and then sends `finalAck`.
        case complete(bytes: Int64, finalAck: UInt16)
        case failed(reason: String, error: TFTPPacket?)
    }

    public let parameters: TransferParameters
    public let maxRetries: Int
    public let maxBytes: Int64
    public private(set) var received: Int64 = 0
    public private(set) var bytes: Int64 = 0
    public private(set) var isDone = false
    private var retriesLeft: Int
    private var sinceAck = 0
    private var lastSent: Action?
    /// How far past the expected block (1: the expected one) the furthest datagram since the current gap's
    /// ACK was; nil while there is no gap. The rest of the sender's window is still on its way after that ACK,
    /// and answering each of those datagrams too made the sender restart its window once per datagram (RFC
    /// 7440 §4: the sender restarts from the block after the one acknowledged). A datagram no further than one
    /// already seen means the sender went back (it restarted, and lost a block of the new window too): that
    /// new gap gets its ACK at once. If an ACK is lost, the timer resends it.
    private var gapReach: Int?

    public init(parameters: TransferParameters, maxRetries: Int, maxBytes: Int64 = 4 << 30) {
        self.parameters = parameters
        self.maxRetries = maxRetries
        self.retriesLeft = maxRetries
        self.maxBytes = maxBytes
    }

    public mutating func start() -> [Action] {
        let first: Action =
            parameters.acknowledged.isEmpty ? .sendAck(block: 0) : .sendOptionAcknowledgement(parameters.acknowledged)
        lastSent = first
        return [first, arm]
    }

    public mutating func received(_ packet: TFTPPacket) -> [Action] {
        guard !isDone else { return [] }
        switch packet {
        case .data(let block, let payload):
            guard block == UInt16(truncatingIfNeeded: received + 1) else {
                // Duplicate or out of order: re-acknowledge what we have (RFC 7440 §4), once per gap.
                if block == UInt16(truncatingIfNeeded: received) { return [] }
                let reach = Int(block &- UInt16(truncatingIfNeeded: received))
                if let seen = gapReach, reach > seen {
                    gapReach = reach
                    return []
                }
                gapReach = reach
                let ack = Action.sendAck(block: UInt16(truncatingIfNeeded: received))
                lastSent = ack
                sinceAck = 0
                return [ack, arm]
            }
            guard payload.count <= parameters.blockSize else {
                isDone = true
                return [
                    .failed(
                        reason: "DATA of \(payload.count) bytes exceeds blksize",
                        error: .error(.illegalOperation, message: "block too large"))
                ]
            }
            guard bytes + Int64(payload.count) <= maxBytes else {
                isDone = true
                return [
                    .failed(
                        reason: "upload larger than \(maxBytes) bytes",
                        error: .error(.diskFull, message: "file too large"))
                ]
            }
            received += 1
            retriesLeft = maxRetries
            gapReach = nil
            var actions: [Action] = [.write(offset: bytes, bytes: payload)]
            bytes += Int64(payload.count)
            if payload.count < parameters.blockSize {
                isDone = true
                actions.append(.complete(bytes: bytes, finalAck: UInt16(truncatingIfNeeded: received)))
                return actions
            }
            sinceAck += 1
            if sinceAck >= parameters.windowSize {
                sinceAck = 0
                let ack = Action.sendAck(block: UInt16(truncatingIfNeeded: received))
                lastSent = ack
                actions.append(ack)
            }
            actions.append(arm)
            return actions
        case .optionAcknowledgement where received == 0:
            // The sender repeated its OACK: our ACK 0 was late or lost (RFC 2347 §3: the OACK is answered by
            // ACK 0, and its sender retransmits it like DATA). Acknowledge it again instead of failing; a
            // loaded server does this (seen as demo phones failing "unexpected packet during a write").
            let ack = Action.sendAck(block: 0)
            lastSent = ack
            return [ack, arm]
        case .error(_, let message):
            isDone = true
            return [.failed(reason: "client sent ERROR: \(message)", error: nil)]
        default:
            isDone = true
            return [
                .failed(
                    reason: "unexpected packet during a write",
                    error: .error(.illegalOperation, message: "illegal TFTP operation"))
            ]
        }
    }

    public mutating func timerFired() -> [Action] {
        guard !isDone else { return [] }
        guard retriesLeft > 0, let lastSent else {
            isDone = true
            return [
                .failed(
                    reason: "no DATA after \(maxRetries) retransmissions",
                    error: .error(.notDefined, message: "timeout"))
            ]
        }
        retriesLeft -= 1
        // Resend what we last said; on a window, acknowledge what arrived so far.
        let resend: Action = received > 0 ? .sendAck(block: UInt16(truncatingIfNeeded: received)) : lastSent
        sinceAck = 0
        return [resend, arm]
    }

    private var arm: Action { .armTimer(milliseconds: parameters.timeoutMilliseconds) }
}
