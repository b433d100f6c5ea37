import TFTPCore
import Timeline

/// The HTTP side of the device timeline, next to `TFTPTimeline` and built the same way: what a fetch puts
/// on the timeline of the device holding the client's lease (the shell maps the client IP to a MAC through
/// the lease table, like TFTP's). Pure, so the shell and the tests build the very same events.
public enum HTTPTimeline {
    /// What the request says. `userAgent` tells a phone from iPXE, UEFI or curl.
    public static func request(method: String, name: String, client: String, range: String?, userAgent: String?)
        -> EventMetadata
    {
        var metadata: EventMetadata = [.client(.address): client, .http(.method): method, .http(.file): name]
        if let range { metadata[.http(.range)] = range }
        if let userAgent { metadata[.http(.userAgent)] = userAgent }
        return metadata
    }

    /// Where the file came from, with the keys TFTP uses for the same facts under `http.`.
    public static func origin(_ origin: TFTPFile.Origin, size: Int64) -> EventMetadata {
        var metadata: EventMetadata = [.http(.size): "\(size)"]
        switch origin {
        case .disk(let path, let caseMatched):
            metadata[.http(.servedFrom)] = path
            if caseMatched { metadata[.http(.caseMismatch)] = "resolved" }
        case .virtual(let what):
            metadata[.http(.servedFrom)] = "virtual: \(what)"
        }
        return metadata
    }

    /// An error status sent at once (400, 404, 405, 416). A missing file carries the reason the "file
    /// missing" finding matches, as TFTP's File not found does; logged at info like TFTP's, phones probe.
    public static func refused(_ request: EventMetadata, status: Int, reason: String) -> EventDraft {
        var metadata = request
        metadata[.http(.status)] = "\(status)"
        metadata[.reason] = reason
        return EventDraft(.http(.requestRefused), level: .notice, metadata)
    }

    /// A response's end: the whole body sent (`detail` nil), or cut (the client went away, a read failed).
    public static func ended(
        _ request: EventMetadata, status: Int, bytes: Int64, duration: String, detail: String?
    ) -> EventDraft {
        var metadata = request
        metadata[.http(.status)] = "\(status)"
        metadata[.http(.bytes)] = "\(bytes)"
        metadata[.http(.durationSeconds)] = duration
        if let detail { metadata[.reason] = detail }
        return EventDraft(
            detail == nil ? .http(.transferCompleted) : .http(.transferFailed), level: detail == nil ? .info : .notice,
            metadata)
    }
}
