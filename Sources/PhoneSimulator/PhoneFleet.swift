import Foundation

/// Many simulated phones booting at once, one thread each (the phones use blocking sockets, like the
/// firmware's simple stack): `dialtone demo`, `simulate --parallel` and the boot-storm benchmark.
public enum PhoneFleet {
    /// Runs every phone and returns their reports in `setups` order, once all have finished.
    /// `onEvent(index, text)` is called from the phones' threads, one call at a time.
    public static func run(_ setups: [SimulatedPhone.Setup], onEvent: (@Sendable (Int, String) -> Void)? = nil) async
        -> [SimulatedPhone.Report]
    {
        guard !setups.isEmpty else { return [] }
        let board = Board(count: setups.count)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            board.whenDone = { continuation.resume() }
            for (index, setup) in setups.enumerated() {
                let phone = SimulatedPhone(setup)
                if let onEvent { phone.onEvent = { text in board.serialized { onEvent(index, text) } } }
                let thread = Thread { board.finished(index, phone.run()) }
                // Small stacks: 250 phones must not reserve 2 GiB of address space.
                thread.stackSize = 1 << 20
                thread.start()
            }
        }
        return board.reports
    }

    /// The reports as they come in, and the output lock. Every access goes through `lock`.
    private final class Board: @unchecked Sendable {
        private let lock = NSLock()
        private let output = NSLock()
        private var results: [Int: SimulatedPhone.Report] = [:]
        private var remaining: Int
        var whenDone: (() -> Void)?

        init(count: Int) { remaining = count }

        func finished(_ index: Int, _ report: SimulatedPhone.Report) {
            let done: (() -> Void)? = lock.withLock {
                results[index] = report
                remaining -= 1
                return remaining == 0 ? whenDone : nil
            }
            done?()
        }

        func serialized(_ body: () -> Void) { output.withLock(body) }

        var reports: [SimulatedPhone.Report] { lock.withLock { results.keys.sorted().compactMap { results[$0] } } }
    }
}
