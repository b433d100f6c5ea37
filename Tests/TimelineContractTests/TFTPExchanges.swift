import TFTPCore
import TFTPWire
import Timeline
import WireSupport

/// TFTP reads through `RequestAdmission` and `ReadTransfer`, admitted and ended the way `TFTPService.handle`
/// and `TFTPTransferHandler.finish` do it: the request's metadata, then the file's origin and the negotiated
/// parameters, then the machine's last action as the transfer's end.
extension Exchanges {
    static let limits = NegotiationLimits(maxBlockSize: 1468, maxWindowSize: 8, defaultTimeoutMilliseconds: 1000)

    /// A read of `filename` by the phone `mac`. `file` nil: no provider has it, refused at once.
    /// - Parameter clientAcks: false for a client that never acknowledges (the transfer times out).
    mutating func read(_ filename: String, by mac: MACAddress, file: TFTPFile?, clientAcks: Bool = true, at now: Int64)
    {
        let request = TFTPRequest(
            filename: filename, mode: "octet", options: [TFTPOption("blksize", "1024"), TFTPOption("tsize", "0")])
        var describe = TFTPTimeline.request(request, isRead: true, client: "192.168.10.20:49152")
        // Admission decides a missing file's refusal, and its reason is what the finding matches.
        let admission = RequestAdmission(allowWrite: false, allowOverwrite: false, maxTransfers: 8)
        guard case .success = admission.admit(request, .read) else {
            preconditionFailure("a plain octet read is admitted")
        }
        if case .refuse(let why) = admission.decide(.read, lookup: file == nil ? .missing : .found, running: 0) {
            events.append(TFTPTimeline.refused(describe, why).at(now, mac: mac))
            return
        }
        guard let file else { preconditionFailure("admission refuses a missing file") }
        describe.merge(TFTPTimeline.origin(file.origin))
        let parameters = OptionNegotiation.negotiate(request, limits: Self.limits, transferSize: file.size)
        describe.merge(TFTPTimeline.negotiated(parameters, size: file.size))
        var transfer = ReadTransfer(parameters: parameters, fileSize: file.size, maxRetries: 3)
        let ended: EventDraft
        switch clientAcks ? Self.acknowledgeAll(&transfer) : Self.neverAcknowledge(&transfer) {
        case .finished(let bytes):
            ended = TFTPTimeline.ended(describe, completed: true, bytes: bytes, duration: "0.004", detail: nil)
        case .failed(let reason, _):
            ended = TFTPTimeline.ended(describe, completed: false, bytes: 0, duration: "3.000", detail: reason)
        default:
            preconditionFailure("not an end")
        }
        events.append(ended.at(now, mac: mac))
    }

    /// What OVMF's PXE does before a download (RFC 2347, 2349): ask for tsize, end with ERROR 8 after the
    /// OACK; ended as `TFTPTransferHandler.finish` ends a `.probed` machine.
    mutating func probe(_ filename: String, by mac: MACAddress, file: TFTPFile, at now: Int64) {
        let request = TFTPRequest(filename: filename, mode: "octet", options: [TFTPOption("tsize", "0")])
        var describe = TFTPTimeline.request(request, isRead: true, client: "192.168.10.21:1024")
        describe.merge(TFTPTimeline.origin(file.origin))
        let parameters = OptionNegotiation.negotiate(request, limits: Self.limits, transferSize: file.size)
        var transfer = ReadTransfer(parameters: parameters, fileSize: file.size, maxRetries: 3)
        _ = transfer.start()
        guard case .probed(let reason)? = transfer.received(.error(.optionRefused, message: "abort")).first else {
            preconditionFailure("ERROR 8 after the OACK is a probe")
        }
        events.append(TFTPTimeline.probed(describe, duration: "0.001", detail: reason).at(now, mac: mac))
    }

    /// A client that acknowledges the OACK and every window, until the machine ends the transfer.
    static func acknowledgeAll(_ transfer: inout ReadTransfer) -> ReadTransfer.Action {
        var actions = transfer.start()
        for _ in 0..<10_000 {
            if let end = actions.first(where: isEnd) { return end }
            if actions.contains(where: { if case .sendOptionAcknowledgement = $0 { true } else { false } }) {
                actions = transfer.received(.ack(block: 0))
                continue
            }
            let sent = actions.compactMap { if case .sendData(let block, _, _) = $0 { block } else { nil } }
            guard let last = sent.last else { break }
            actions = transfer.received(.ack(block: last))
        }
        preconditionFailure("the transfer did not end")
    }

    /// A client gone silent: only the retransmission timer fires, until the machine gives up.
    static func neverAcknowledge(_ transfer: inout ReadTransfer) -> ReadTransfer.Action {
        var actions = transfer.start()
        for _ in 0..<100 {
            if let end = actions.first(where: isEnd) { return end }
            actions = transfer.timerFired()
        }
        preconditionFailure("the transfer did not time out")
    }

    static func isEnd(_ action: ReadTransfer.Action) -> Bool {
        switch action {
        case .finished, .failed: true
        default: false
        }
    }
}
