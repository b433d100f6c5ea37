import TFTPWire
import Timeline

/// The TFTP side of the device timeline: what a request, its file and its outcome put on a device's
/// timeline and log line. Pure, so the TFTP shell and the timeline contract test build the very same
/// events from the machines' outcomes, and a key renamed here is renamed for both.
///
/// A request's metadata grows as the shell learns more (the request, then where the file comes from, then
/// the negotiated parameters); a refusal carries whatever was known when it happened.
public enum TFTPTimeline {
    /// What the request itself says: file, mode, direction, the options asked for, and who asked.
    /// - Parameter client: the client's `address:port`.
    public static func request(_ request: TFTPRequest, isRead: Bool, client: String) -> EventMetadata {
        var metadata: EventMetadata = [
            .client(.address): client, .tftp(.file): request.filename, .tftp(.mode): request.mode,
            .tftp(.direction): isRead ? "read" : "write",
        ]
        if !request.options.isEmpty {
            metadata[.tftp(.options)] = request.options.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
        }
        return metadata
    }

    /// Where a read is served from. `tftp.case_mismatch` marks a file found only case-insensitively: the
    /// "case mismatch resolved" finding reads it.
    public static func origin(_ origin: TFTPFile.Origin) -> EventMetadata {
        switch origin {
        case .disk(let path, let caseMatched):
            var metadata: EventMetadata = [.tftp(.servedFrom): path]
            if caseMatched { metadata[.tftp(.caseMismatch)] = "resolved" }
            return metadata
        case .virtual(let what):
            return [.tftp(.servedFrom): "virtual: \(what)"]
        }
    }

    /// The negotiated transfer, for reads.
    public static func negotiated(_ parameters: TransferParameters, size: Int64) -> EventMetadata {
        [
            .tftp(.blockSize): "\(parameters.blockSize)", .tftp(.windowSize): "\(parameters.windowSize)",
            .tftp(.size): "\(size)",
        ]
    }

    /// A request answered with an ERROR at once (file not found, access violation, writes disabled, busy).
    /// Recorded at `notice` whatever the code; the shell logs "File not found" at `info`, since phones
    /// probe files that do not exist on every boot.
    public static func refused(_ request: EventMetadata, _ error: TFTPOpenError) -> EventDraft {
        var metadata = request
        metadata[.reason] = error.message
        return EventDraft(.tftp(.requestRefused), level: .notice, metadata)
    }

    /// A transfer's end, from its machine's last action (`.finished` or `.failed(reason:)`, or the shell's
    /// own failure such as a shutdown).
    /// - Parameters:
    ///   - bytes: bytes sent or received.
    ///   - duration: seconds, as the shell formats them (three decimals).
    ///   - detail: why it failed; nil when it completed.
    public static func ended(
        _ request: EventMetadata, completed: Bool, bytes: Int64, duration: String, detail: String?
    ) -> EventDraft {
        var metadata = request
        metadata[.tftp(.bytes)] = "\(bytes)"
        metadata[.tftp(.durationSeconds)] = duration
        if let detail { metadata[.reason] = detail }
        return EventDraft(
            completed ? .tftp(.transferCompleted) : .tftp(.transferFailed), level: completed ? .info : .notice, metadata
        )
    }

    /// A read the client ended after the OACK with ERROR 8 (`ReadTransfer.Action.probed`): a size probe,
    /// recorded at `info` under its own name so no reader counts it as a failure.
    public static func probed(_ request: EventMetadata, duration: String, detail: String) -> EventDraft {
        var metadata = request
        metadata[.tftp(.bytes)] = "0"
        metadata[.tftp(.durationSeconds)] = duration
        metadata[.reason] = detail
        return EventDraft(.tftp(.transferProbed), level: .info, metadata)
    }
}
