/// When each client's current visit began: the order in which `TransferLanes` gives out full speed.
///
/// A phone after a factory reset fetches a `.loads`, six components and its configs, one transfer after the
/// other, then reboots and fetches its config again. Ordering by each transfer's own start would send the
/// phone to the back after every file, and every phone would again finish last together; ordering by the
/// visit keeps its place from its first request until it has been idle for `idle` (a reboot is shorter).
/// Times are the caller's monotonic nanoseconds; clients are IPv4 addresses as integers.
public struct ClientArrivals: Sendable {
    public let idle: Int64
    private var visits: [UInt32: Visit] = [:]
    /// Forgotten visits are swept when the table grows past this; it doubles when a sweep frees too little,
    /// so sweeping stays amortised O(1) per transfer.
    private var sweepAt: Int

    private struct Visit: Sendable {
        var began: Int64
        var running: Int
        var lastEnded: Int64
    }

    public init(idle: Int64 = 30_000_000_000, sweepAt: Int = 1024) {
        self.idle = idle
        self.sweepAt = sweepAt
    }

    public var count: Int { visits.count }

    /// A transfer of `client` starts at `now`: returns when its visit began, the transfer's priority.
    public mutating func begin(client: UInt32, now: Int64) -> Int64 {
        if var visit = visits[client] {
            if visit.running == 0, now - visit.lastEnded >= idle { visit.began = now }
            visit.running += 1
            visits[client] = visit
            return visit.began
        }
        if visits.count >= sweepAt { sweep(now: now) }
        visits[client] = Visit(began: now, running: 1, lastEnded: now)
        return now
    }

    /// A transfer of `client` ended at `now`.
    public mutating func end(client: UInt32, now: Int64) {
        guard var visit = visits[client] else { return }
        visit.running = max(0, visit.running - 1)
        visit.lastEnded = now
        visits[client] = visit
    }

    private mutating func sweep(now: Int64) {
        visits = visits.filter { $0.value.running > 0 || now - $0.value.lastEnded < idle }
        if visits.count * 2 > sweepAt { sweepAt *= 2 }
    }
}
