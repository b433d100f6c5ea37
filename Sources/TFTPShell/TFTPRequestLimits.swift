import DialtoneLogging
import Logging
import Metrics
import NIOConcurrencyHelpers
import ServiceSupport
import Timeline
import WireSupport

/// Per-client limits on TFTP requests (issue 14: one IP sending thousands of requests a second must not
/// starve the others): by default 100 requests/s per client address (`tftp.client_rate_limit`), bursts of 200. A phone's boot asks for a few
/// dozen files, CTL/ITL probes included; a boot storm of many phones never meets it. Requests over the
/// limit are dropped without an ERROR (answering a flood costs as much as serving it); counted always,
/// logged once a minute per client. Shared by every listener, so it is locked.
final class TFTPRequestLimits: Sendable {
    private struct State {
        var limiter: RateLimiter<UInt32>?
        var rate = 0
        var logged: [UInt32: Int64] = [:]
        var dropped = 0
    }

    private let state = NIOLockedValueBox(State())
    private let logger: Logger

    /// `rate`: `tftp.client_rate_limit` (bursts of twice as many); 0: no limit.
    init(rate: Int, logger: Logger) {
        self.logger = logger
        setRate(rate)
    }

    /// A reload's `tftp.client_rate_limit`. The same rate keeps the limiter, and with it what each client
    /// has used of its share; a new one starts every client afresh.
    func setRate(_ rate: Int) {
        state.withLockedValue { s in
            guard s.rate != rate || (rate > 0) != (s.limiter != nil) else { return }
            s.rate = rate
            s.limiter = rate > 0 ? RateLimiter(.init(rate: Double(rate), burst: Double(rate * 2))) : nil
        }
    }

    /// Whether a request from `client` may be handled now.
    func admit(_ client: IPv4Address) -> Bool {
        let now = Clock.nowMilliseconds()
        let verdict = state.withLockedValue { s -> (admitted: Bool, log: Int?) in
            if s.limiter?.admit(client.rawValue, now: now) ?? true { return (true, nil) }
            s.dropped += 1
            if let last = s.logged[client.rawValue], now - last < 60_000 { return (false, nil) }
            if s.logged.count > 10_000 { s.logged = s.logged.filter { now - $0.value < 60_000 } }
            s.logged[client.rawValue] = now
            return (false, s.dropped)
        }
        if !verdict.admitted { Counter(label: "dialtone_tftp_limited_total").increment() }
        if let total = verdict.log {
            logger.log(
                .warning, .tftpClientLimited,
                [
                    .reason: "client \(client) sends more requests than its share; dropping until it slows down",
                    .client(.address): client.description, .server(.limitedTotal): "\(total)",
                ])
        }
        return verdict.admitted
    }
}
