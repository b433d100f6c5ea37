import DHCPServerCore
import DialtoneLogging
import Foundation
import LeaseStore
import Logging
import NIOConcurrencyHelpers
import NIOPosix
import ServiceLifecycle
import Timeline
import WireSupport

/// The one writer of the store (issue 12: four writers used to share the SQLite file, one of them on an
/// event loop). Every service submits its changes here: DHCP leases with their events, TFTP and
/// provisioning events, phone state, syslog lines. Whatever arrived while the last transaction ran is
/// written as the next one (group commit), on a thread of the writer's own, so no event loop ever waits
/// for a disk, and one fsync covers every exchange that arrived meanwhile.
///
/// A submission with a completion is told once its changes are durable, or why not: the DHCP engine sends
/// an ACK only then (issue 4), and learns from `StoreWriteResult.rejected` which of its leases another
/// server changed first (issue 13). A batch the store cannot take (the database is down) is kept and
/// tried again every second, so nothing submitted is lost while the server runs; its submitters are told
/// at once, so no ACK waits for it. The writer is started first and stopped last (ServiceGroup stops
/// services in reverse order), so everything submitted before shutdown is written.
public final class StoreWriter: Service, Sendable {
    public typealias Completion = @Sendable (Result<StoreWriteResult, any Error>) -> Void

    struct Job {
        var batch: StoreBatch
        var completion: Completion?
    }

    private struct State {
        var pending: [Job] = []
        var writing = false
        var stopping = false
    }

    package let store: any Store
    public let health: StoreHealth
    private let logger: Logger
    private let thread = NIOThreadPool(numberOfThreads: 1)
    private let state = NIOLockedValueBox(State())
    /// A batch that failed, waiting for the next attempt. Touched by the writer's thread only.
    private let carried = NIOLockedValueBox(StoreBatch())
    private let rejectionHandlers = NIOLockedValueBox<[@Sendable ([IPv4Address: Lease?]) -> Void]>([])
    /// How long to wait before trying a failed batch again, and how many events a kept batch holds at most
    /// (a long outage drops the oldest events first; leases and phone states are always kept).
    static let retryInterval: TimeInterval = 1
    static let maxCarriedEvents = 100_000

    public convenience init(store: any Store, health: StoreHealth? = nil, logger: Logger) {
        let delay = Self.defaultGatherDelay
        self.init(store: store, health: health, logger: logger, gatherWait: { Thread.sleep(forTimeInterval: delay) })
    }

    /// `gatherWait` is how a commit under load waits for more submissions (`defaultGatherDelay` in the server; tests
    /// pass a wait they end themselves).
    package init(
        store: any Store, health: StoreHealth? = nil, logger: Logger, gatherWait: @escaping @Sendable () -> Void
    ) {
        self.store = store
        self.gatherWait = gatherWait
        self.health = health ?? StoreHealth(location: store.location, logger: logger)
        self.logger = logger
        thread.start()
    }

    /// Queues changes for the next group commit. `completion` runs on the writer's thread.
    public func submit(_ batch: StoreBatch, completion: Completion? = nil) {
        guard !batch.isEmpty || completion != nil else { return }
        let start = state.withLockedValue { s -> Bool in
            s.pending.append(Job(batch: batch, completion: completion))
            if s.writing { return false }
            s.writing = true
            return true
        }
        if start { thread.submit { [self] _ in drain() } }
    }

    public func submit(events: [TimelineEvent]) { submit(StoreBatch(events: events)) }

    /// Called with every lease change the store refused (another server changed the row first), including
    /// those of batches tried again after an outage, whose submitters were already told: the DHCP cache
    /// learns the store's row from here.
    public func onRejected(_ handler: @escaping @Sendable ([IPv4Address: Lease?]) -> Void) {
        rejectionHandlers.withLockedValue { $0.append(handler) }
    }

    /// Runs until shutdown, then waits until everything queued so far is written, and stops the thread.
    public func run() async throws {
        try? await gracefulShutdown()
        state.withLockedValue { $0.stopping = true }
        await flush()
        try await thread.shutdownGracefully()
    }

    /// Returns once every change submitted before the call is written (or failed).
    public func flush() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            submit(StoreBatch()) { _ in done.resume() }
        }
    }

    /// Under load, a commit waits `defaultGatherDelay` for more submissions before it starts: PostgreSQL's
    /// `commit_delay` with `commit_siblings`. A commit costs about the same for one exchange as for twenty
    /// (BEGIN and COMMIT, ~28 `fcntl` locks on the WAL index, the pages written twice each with `pwrite`, an
    /// fdatasync), and under a DHCP flood the writer shares a CPU with the event loop, so each commit it
    /// started at once took whatever few jobs had arrived (~8 exchanges a commit, 31 `pwrite`s; perf under
    /// bench/dhcp). Only a backlog of `gatherThreshold` jobs (thousands of submissions a second) waits: at
    /// ordinary rates a commit still starts as soon as anything is queued.
    static let gatherThreshold = 8
    static let spareCapacityLimit = 4096
    /// 1 ms: a flood run with 2 ms gave no more (perf under bench/dhcp, docs/benchmarks.md).
    static let defaultGatherDelay: TimeInterval = 0.001
    private let gatherWait: @Sendable () -> Void

    private func gather(into jobs: inout [Job]) {
        gatherWait()
        state.withLockedValue { s in
            jobs.append(contentsOf: s.pending)
            s.pending.removeAll(keepingCapacity: true)
        }
    }

    private func drain() {
        // The drained array, emptied with its capacity kept, becomes the next `pending`: submitters then
        // append without regrowing it from nothing after every drain (callgrind and perf under bench/dhcp).
        var spare: [Job] = []
        while true {
            var jobs: [Job] = []
            swap(&jobs, &spare)
            let stopping = state.withLockedValue { s -> Bool in
                swap(&jobs, &s.pending)
                if jobs.isEmpty, carried.withLockedValue({ $0.isEmpty }) { s.writing = false }
                return s.stopping
            }
            if jobs.count >= Self.gatherThreshold, !stopping { gather(into: &jobs) }
            var batch = carried.withLockedValue { kept in
                let batch = kept
                kept = StoreBatch()
                return batch
            }
            if jobs.isEmpty, batch.isEmpty { return }
            for job in jobs { batch.append(job.batch) }
            let outcome: Result<StoreWriteResult, any Error>
            do {
                outcome = .success(try store.write(batch))
                health.succeeded()
            } catch {
                outcome = .failure(error)
                if !store.mayRetry(after: error) {
                    // The store refused the data, not the connection: write each submission on its own so
                    // one bad change (a poison batch) costs only itself, and drop what still fails.
                    isolate(jobs, carried: batch, error)
                    continue
                }
                health.failed(error, pending: batch.changes.count + batch.events.count + batch.phoneStates.count)
                if stopping {
                    logger.log(
                        .error, .storeChangesLost,
                        [
                            .reason: "the store is unreachable at shutdown: \(error)",
                            .server(.storePending): "\(batch.changes.count) leases, \(batch.events.count) events",
                        ])
                } else {
                    keep(batch)
                }
            }
            if case .success(let result) = outcome, !result.rejected.isEmpty {
                for handler in rejectionHandlers.withLockedValue({ $0 }) { handler(result.rejected) }
            }
            for job in jobs { job.completion?(outcome) }
            // Kept for the next queue, unless a backlog (an outage, a storm) grew it far past a flood's batch.
            if jobs.capacity <= Self.spareCapacityLimit {
                jobs.removeAll(keepingCapacity: true)
                spare = jobs
            }
            if case .failure = outcome, !stopping { Thread.sleep(forTimeInterval: Self.retryInterval) }
        }
    }

    /// After a failure no retry fixes: each job alone, so that the others are written; a job that fails
    /// alone is dropped and logged. What was kept from an earlier outage goes first, as one more job.
    private func isolate(_ jobs: [Job], carried: StoreBatch, _ error: any Error) {
        var parts = jobs
        let fromJobs = jobs.reduce(into: StoreBatch()) { $0.append($1.batch) }
        if carried.changes.count > fromJobs.changes.count || carried.events.count > fromJobs.events.count {
            var kept = carried
            kept.changes.removeLast(fromJobs.changes.count)
            kept.events.removeLast(fromJobs.events.count)
            parts.insert(Job(batch: kept, completion: nil), at: 0)
        }
        for job in parts {
            let outcome: Result<StoreWriteResult, any Error>
            do {
                outcome = .success(try store.write(job.batch))
            } catch let refused {
                outcome = .failure(refused)
                logger.log(
                    .error, .storeChangesLost,
                    [
                        .reason: "the store refused these changes: \(refused)",
                        .server(.storePending):
                            "\(job.batch.changes.count) leases, \(job.batch.events.count) events",
                    ])
            }
            if case .success(let result) = outcome, !result.rejected.isEmpty {
                for handler in rejectionHandlers.withLockedValue({ $0 }) { handler(result.rejected) }
            }
            job.completion?(outcome)
        }
    }

    /// Keeps a failed batch for the next attempt, bounded by dropping the oldest events.
    private func keep(_ batch: StoreBatch) {
        var batch = batch
        if batch.events.count > Self.maxCarriedEvents {
            batch.events.removeFirst(batch.events.count - Self.maxCarriedEvents)
        }
        carried.withLockedValue { $0 = batch }
    }
}
