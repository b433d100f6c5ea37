import DialtoneLogging
import Logging
import Metrics
import Synchronization
import Timeline

/// Whether the store answers, as the writer and the follower find it (issue 13: a database that goes away
/// must be visible, not a silent stall). `/healthz` answers 503 with `problem`, the `dialtone_store_up`
/// gauge says 0, and the log gets one `store.unreachable` line a minute while it lasts, then one
/// `store.recovered` line.
public final class StoreHealth: Sendable {
    private struct State {
        var problem: String?
        var since: Int64 = 0
        var lastLogged: Int64 = .min / 2
    }
    private let state = Mutex(State())
    private let logger: Logger
    private let location: String
    private let up = Gauge(label: "dialtone_store_up")
    private let errors = Counter(label: "dialtone_store_errors_total")
    /// How often an ongoing outage is logged again.
    static let logInterval: Int64 = 60_000

    public init(location: String, logger: Logger) {
        self.location = location
        self.logger = logger
        up.record(1)
    }

    /// Why the store cannot be used now, or nil when it answers.
    public var problem: String? { state.withLock { $0.problem } }

    public func failed(_ error: any Error, pending: Int) {
        errors.increment()
        up.record(0)
        let now = Clock.nowMilliseconds()
        let log = state.withLock { s -> Bool in
            if s.problem == nil { s.since = now }
            s.problem = "\(error)"
            guard now - s.lastLogged >= Self.logInterval else { return false }
            s.lastLogged = now
            return true
        }
        guard log else { return }
        logger.log(
            .error, .storeUnreachable,
            [
                .reason: "\(error)", .server(.storeLocation): location, .server(.storePending): "\(pending)",
            ])
    }

    public func succeeded() {
        let recovered = state.withLock { s -> Int64? in
            guard s.problem != nil else { return nil }
            s.problem = nil
            s.lastLogged = .min / 2
            return s.since
        }
        guard let since = recovered else { return }
        up.record(1)
        let seconds = (Clock.nowMilliseconds() - since) / 1000
        logger.log(
            .notice, .storeRecovered,
            [.reason: "the store answers again after \(seconds) s", .server(.storeLocation): location])
    }
}
