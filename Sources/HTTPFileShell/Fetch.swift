import DialtoneLogging
import Foundation
import HTTPFileCore
import Logging
import NIOConcurrencyHelpers
import Timeline

/// One response under way: its entry in `HTTPFetches`, and its end recorded exactly once, on the device's
/// timeline and in the log. A response Hummingbird drops without running its body (the connection closed
/// first) still ends, as failed, when the last reference goes.
final class Fetch: Sendable {
    let id: Int
    let fetches: HTTPFetches
    let logger: Logger
    let describe: EventMetadata
    let status: Int
    let started: ContinuousClock.Instant
    let clientIP: String
    /// The name to tell the provisioning observer when a GET sent the whole file.
    let observes: String?
    private let ended = NIOLockedValueBox(false)

    init(
        id: Int, fetches: HTTPFetches, logger: Logger, describe: EventMetadata, status: Int,
        started: ContinuousClock.Instant, clientIP: String, observes: String?
    ) {
        (self.id, self.fetches, self.logger, self.describe, self.status) = (id, fetches, logger, describe, status)
        (self.started, self.clientIP, self.observes) = (started, clientIP, observes)
    }

    func progress(_ bytes: Int64) { fetches.progress(id, bytes: bytes) }

    /// - Parameter detail: why the body was cut; nil when it was sent whole.
    func end(bytes: Int64, detail: String?) {
        guard
            ended.withLockedValue({ done in
                defer { done = true }
                return !done
            })
        else { return }
        let elapsed = (ContinuousClock.now - started).components
        let nanoseconds = elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000
        let draft = HTTPTimeline.ended(
            describe, status: status, bytes: bytes, duration: EventDuration.seconds(nanoseconds: nanoseconds),
            detail: detail)
        fetches.end(id, state: detail == nil ? "completed" : "failed", bytes: bytes, detail: detail)
        logger.log(level: detail == nil ? .info : .notice, "\(draft.name)", metadata: draft.metadata.logMetadata)
        fetches.recorder?.record(client: clientIP, draft)
        if let observes, detail == nil { fetches.observer?(clientIP, observes, true) }
    }

    deinit { end(bytes: 0, detail: "the response was abandoned before its body was sent") }
}
