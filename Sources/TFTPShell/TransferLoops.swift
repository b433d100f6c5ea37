import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Synchronization
import TFTPCore

/// Why a transfer loop could not be made (the process is out of descriptors, say).
struct TransferLoopError: Error, CustomStringConvertible {
    var call: String
    var code: Int32
    var description: String { "\(call): \(String(cString: strerror(code)))" }
}

/// A value handed to another thread that will be its only user from then on.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// One loop per core (`tftp-loop-N` in `ps -L`; Linux keeps 15 characters of a thread's name), made on first
/// use and kept for the life of the process: idle loops sleep in `epoll_wait`. A new transfer goes to the
/// loop running the fewest. If making them fails (no descriptors left, say), the next transfer tries again.
enum TransferLoops {
    private static let made = NIOLockedValueBox<[TransferLoop]>([])
    /// Every loop's clients, so that a phone keeps its place whichever loop runs its next file.
    static let arrivals = NIOLockedValueBox(ClientArrivals())
    private static let lanesPerLoop = Atomic<Int>(Int.max)
    /// Fast lanes per loop: `tftp.full_speed_transfers` shared out over the loops (rounded up; Int.max: all).
    static var fastLanes: Int { lanesPerLoop.load(ordering: .relaxed) }

    /// `tftp.full_speed_transfers`; 0 gives every transfer a fast lane. Running loops give out their lanes
    /// again at once (a reload near the end of a storm must not leave held transfers trickling).
    static func setFullSpeedTransfers(_ total: Int) {
        let loops = max(1, System.coreCount)
        lanesPerLoop.store(total == 0 ? Int.max : (total + loops - 1) / loops, ordering: .relaxed)
        for loop in made.withLockedValue({ $0 }) { loop.execute { $0.relane() } }
    }

    static func leastBusy() throws(TransferLoopError) -> TransferLoop {
        let loops = try made.withLockedValue { loops -> Result<[TransferLoop], TransferLoopError> in
            do throws(TransferLoopError) {
                while loops.count < max(1, System.coreCount) {
                    loops.append(try TransferLoop(name: "tftp-loop-\(loops.count)"))
                }
                return .success(loops)
            } catch {
                return .failure(error)
            }
        }.get()
        var best = loops[0]
        for loop in loops.dropFirst() where loop.load.load(ordering: .relaxed) < best.load.load(ordering: .relaxed) {
            best = loop
        }
        return best
    }
}
