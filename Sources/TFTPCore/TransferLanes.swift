/// Which transfers of one transfer loop run at full speed when it has more than it should serve at once.
///
/// Why (issue 17's boot storm): when every transfer gets an equal share, 250 phones all finish together at
/// the end of the storm, so the median phone waits as long as the last (5.4-7.4 s for both), while
/// dnsmasq's median phone finished well before its last. dnsmasq's own limit (`tftp-max`, 50 by default)
/// ignores requests past it, which then retransmit, and at 500 phones half of its phones failed. Here nobody
/// is ignored: the `fastLanes` transfers of the earliest clients (`ClientArrivals`) are answered at once,
/// and the loop holds back what the others send, a block or window per hold, short of any client's
/// retransmit timeout, so they stay alive at a trickle.
/// When a fast transfer ends, the earliest slow one takes its lane. Shortest-first would be better still, but
/// a phone's remaining work is unknown; its arrival is the next best order (a phone that has fetched half its
/// firmware keeps its place for the other half).
///
/// Ordered by (priority, token): the token breaks ties, so two transfers of one client keep a fixed order.
public struct TransferLanes: Sendable {
    /// How many transfers run at full speed. At most this many is every transfer.
    public let fastLanes: Int
    private var order: [Key] = []

    private struct Key: Comparable, Sendable {
        var priority: Int64
        var token: UInt64
        static func < (a: Key, b: Key) -> Bool { (a.priority, a.token) < (b.priority, b.token) }
    }

    public init(fastLanes: Int) {
        self.fastLanes = max(1, fastLanes)
    }

    public var count: Int { order.count }

    /// What adding a transfer changed: whether it runs at full speed, and which transfer it pushed out of the
    /// fast lanes (an earlier arrival can take a later one's lane).
    public struct Added: Equatable, Sendable {
        public var isFast: Bool
        public var demoted: UInt64?
        public init(isFast: Bool, demoted: UInt64?) {
            self.isFast = isFast
            self.demoted = demoted
        }
    }

    /// Adds a transfer; `priority` is its client's arrival (lower runs first).
    public mutating func add(token: UInt64, priority: Int64) -> Added {
        let key = Key(priority: priority, token: token)
        let index = insertionIndex(of: key)
        order.insert(key, at: index)
        guard index < fastLanes else { return Added(isFast: false, demoted: nil) }
        // The transfer that held the last fast lane now sits just past it.
        let demoted = order.count > fastLanes ? order[fastLanes].token : nil
        return Added(isFast: true, demoted: demoted)
    }

    /// Removes a transfer; returns the transfer that takes the lane it freed, if it had one and a slow
    /// transfer is waiting.
    public mutating func remove(token: UInt64, priority: Int64) -> UInt64? {
        let key = Key(priority: priority, token: token)
        let index = insertionIndex(of: key)
        guard index < order.count, order[index] == key else { return nil }
        order.remove(at: index)
        guard index < fastLanes, order.count >= fastLanes else { return nil }
        return order[fastLanes - 1].token
    }

    /// Whether `token` runs at full speed (a look-up for tests and reports; the loop keeps a flag per
    /// transfer from `add` and `remove`).
    public func isFast(token: UInt64, priority: Int64) -> Bool {
        let key = Key(priority: priority, token: token)
        let index = insertionIndex(of: key)
        return index < order.count && order[index] == key && index < fastLanes
    }

    /// The first position whose key is not less than `key` (binary search).
    private func insertionIndex(of key: Key) -> Int {
        var low = 0, high = order.count
        while low < high {
            let middle = (low + high) / 2
            if order[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
