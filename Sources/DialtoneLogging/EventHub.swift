import Foundation
import Logging
import Synchronization

/// The live log for the dashboard (`GET /api/events`): every log event of the process, as one JSON line,
/// fanned out to subscribers. Keeps the last `capacity` lines so a new page starts with recent history.
public final class EventHub: Sendable {
    private struct State {
        /// A ring: `recent[oldest...] + recent[..<oldest]` in order once full, so publishing never shifts.
        var recent: [String] = []
        var oldest = 0
        var subscribers: [UInt64: AsyncStream<String>.Continuation] = [:]
        var next: UInt64 = 0
        var closed = false
    }
    private let state = Mutex(State())
    public let capacity: Int

    public init(capacity: Int = 500) { self.capacity = max(1, capacity) }

    public func publish(_ line: String) {
        let targets = state.withLock { s -> [AsyncStream<String>.Continuation] in
            if s.recent.count < capacity {
                s.recent.append(line)
            } else {
                s.recent[s.oldest] = line
                s.oldest = (s.oldest + 1) % capacity
            }
            return s.subscribers.isEmpty ? [] : Array(s.subscribers.values)
        }
        for target in targets { target.yield(line) }
    }

    /// Ends every stream, now and later: an open `/api/events` response would otherwise hold the web
    /// server's graceful shutdown forever (found with `curl -N` and SIGTERM).
    public func finish() {
        let targets = state.withLock { s -> [AsyncStream<String>.Continuation] in
            s.closed = true
            defer { s.subscribers = [:] }
            return Array(s.subscribers.values)
        }
        for target in targets { target.finish() }
    }

    /// Recent lines first, then live ones, until the consumer goes away.
    public func subscribe() -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(1000))
        let id = state.withLock { s -> UInt64? in
            for line in s.recent[s.oldest...] { continuation.yield(line) }
            for line in s.recent[..<s.oldest] { continuation.yield(line) }
            if s.closed { return nil }
            s.next += 1
            s.subscribers[s.next] = continuation
            return s.next
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }
}

/// A LogHandler that feeds the hub with the same JSON objects `--log-format json` prints.
public struct HubLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    let hub: EventHub
    let json: LineLogHandler

    public init(label: String, level: Logger.Level, hub: EventHub) {
        self.logLevel = level
        self.hub = hub
        self.json = LineLogHandler(label: label, format: .json, level: level) { hub.publish($0) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var handler = json
        handler.metadata = metadata
        handler.log(event: event)
    }
}
