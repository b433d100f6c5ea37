import TFTPCore
import Testing

/// The transfer loop's timer heap: entries come out earliest first, only once due, whatever the order they
/// went in; equal times all come out.
@Suite struct DeadlineQueueTests {
    @Test func nothingComesOutBeforeItIsDue() {
        var queue = DeadlineQueue()
        #expect(queue.next == nil && queue.popDue(now: .max) == nil)
        queue.insert(due: 50, token: 1)
        queue.insert(due: 20, token: 2)
        #expect(queue.next == 20)
        #expect(queue.popDue(now: 19) == nil)
        #expect(queue.popDue(now: 20) == DeadlineQueue.Entry(due: 20, token: 2))
        #expect(queue.popDue(now: 49) == nil && queue.count == 1)
        #expect(queue.popDue(now: 100)?.token == 1)
        #expect(queue.count == 0 && queue.next == nil)
    }

    @Test(arguments: [1, 2, 7, 64, 1000])
    func anyInsertionOrderComesOutSorted(count: Int) {
        var generator = SystemRandomNumberGenerator()
        var queue = DeadlineQueue()
        var inserted: [Int64] = []
        for token in 0..<count {
            // Few distinct times, so equal deadlines are exercised too.
            let due = Int64.random(in: 0...Int64(count / 3 + 1), using: &generator)
            inserted.append(due)
            queue.insert(due: due, token: UInt64(token))
        }
        var popped: [DeadlineQueue.Entry] = []
        while let entry = queue.popDue(now: .max) { popped.append(entry) }
        #expect(popped.map(\.due) == inserted.sorted())
        #expect(Set(popped.map(\.token)) == Set((0..<count).map(UInt64.init)))
        #expect(popped.allSatisfy { inserted[Int($0.token)] == $0.due })
    }
}
