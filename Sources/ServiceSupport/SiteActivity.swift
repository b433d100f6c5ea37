import Synchronization

/// Counts what the site view of the dashboard draws (issue 18) that no other reader exposes: DHCP replies
/// sent. The DHCP engine counts; the web service samples it every few seconds and charts the rate. A typed
/// counter rather than a read of the Prometheus text, whose metric names are strings.
public final class SiteActivity: Sendable {
    private let replies = Atomic<Int>(0)

    public init() {}

    public func dhcpRepliesSent(_ count: Int) { replies.add(count, ordering: .relaxed) }

    /// DHCP replies sent since this process started.
    public var dhcpReplies: Int { replies.load(ordering: .relaxed) }
}
