import Foundation
import ServiceSupport
import Synchronization

/// Bytes the file services moved between two samples of their transfer listing: each transfer's growth
/// since the previous sample, for running ones and for those that finished in between (they sit in
/// `recent`). The first sample only learns what exists, so a restart of the sampler is no spike.
struct ThroughputMeter {
    private var seen: [Int: Int64] = [:]
    private var started = false

    mutating func sample(active: [TransferRecord], recent: [TransferRecord]) -> Int64 {
        var moved: Int64 = 0
        var next: [Int: Int64] = [:]
        for transfer in active + recent {
            next[transfer.id] = transfer.bytes
            // One not seen before began after the previous sample: all of its bytes are new.
            moved += max(0, transfer.bytes - (seen[transfer.id] ?? 0))
        }
        seen = next
        defer { started = true }
        return started ? moved : 0
    }
}

/// One point of the site view: rates over the interval that ended at `time`.
struct ActivitySample: Encodable, Equatable {
    var time: String
    var dhcp_per_s: Double
    var tftp_mb_per_s: Double
    var active_transfers: Int
}

struct ActivityView: Encodable {
    var interval_s: Int
    var samples: [ActivitySample]
}

/// The last minutes of site activity (issue 18's charts): a ring of samples taken every `interval`
/// seconds by the web service while it runs. Counters only grow, so each sample is a difference.
final class ActivityHistory: Sendable {
    static let interval = 2
    static let kept = 150  // 5 minutes

    private struct State {
        var samples: [ActivitySample] = []
        var meter = ThroughputMeter()
        var lastReplies: Int?
    }
    private let state = Mutex(State())
    private let activity: SiteActivity?
    private let transfers: (any TransferListing)?

    init(activity: SiteActivity?, transfers: (any TransferListing)?) {
        self.activity = activity
        self.transfers = transfers
    }

    func sample(at now: Date) {
        let replies = activity?.dhcpReplies ?? 0
        let listing = transfers?.snapshot() ?? (active: [], recent: [])
        let seconds = Double(Self.interval)
        state.withLock { s in
            let bytes = s.meter.sample(active: listing.active, recent: listing.recent)
            let dhcp = s.lastReplies.map { Double(replies - $0) / seconds } ?? 0
            s.lastReplies = replies
            s.samples.append(
                ActivitySample(
                    time: now.formatted(.iso8601), dhcp_per_s: dhcp, tftp_mb_per_s: Double(bytes) / 1_000_000 / seconds,
                    active_transfers: listing.active.count))
            if s.samples.count > Self.kept { s.samples.removeFirst(s.samples.count - Self.kept) }
        }
    }

    var view: ActivityView { ActivityView(interval_s: Self.interval, samples: state.withLock { $0.samples }) }

    /// Samples until the task is cancelled (the web service's shutdown).
    func run() async {
        while !Task.isCancelled {
            sample(at: Date())
            try? await Task.sleep(for: .seconds(Self.interval))
        }
    }
}
