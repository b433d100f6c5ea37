/// The retransmission timers of every transfer on one transfer loop, earliest first: a binary min-heap of
/// (due time, transfer token).
///
/// The loop sleeps until `next` and pops what is due. An entry is never removed early: a transfer that moved
/// its deadline or ended simply ignores it when it pops (the transfer checks it against its
/// `RetransmitSchedule.scheduled`), which keeps inserting O(log n) and cancelling free. Since
/// `RetransmitSchedule` asks for a new entry only when no earlier one is pending, a lockstep transfer adds
/// about one entry per timeout period, not one per block.
public struct DeadlineQueue: Sendable {
    public struct Entry: Hashable, Sendable {
        public var due: Int64
        public var token: UInt64
        public init(due: Int64, token: UInt64) {
            self.due = due
            self.token = token
        }
    }

    private var heap: [Entry] = []

    public init() {}

    public var count: Int { heap.count }

    /// The earliest due time, if any entry is pending.
    public var next: Int64? { heap.first?.due }

    public mutating func insert(due: Int64, token: UInt64) {
        heap.append(Entry(due: due, token: token))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].due < heap[parent].due else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest entry when it is due at `now`; nil when nothing is.
    public mutating func popDue(now: Int64) -> Entry? {
        guard let first = heap.first, first.due <= now else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown()
        }
        return first
    }

    private mutating func siftDown() {
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].due < heap[smallest].due { smallest = left }
            if right < heap.count, heap[right].due < heap[smallest].due { smallest = right }
            guard smallest != parent else { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
