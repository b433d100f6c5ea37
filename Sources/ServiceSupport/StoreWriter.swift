import DialtoneLogging
import LeaseStore
import Logging
import NIOConcurrencyHelpers
import NIOPosix
import ServiceLifecycle
import Timeline

/// The one writer of the store (issue 12: four writers used to share the SQLite file, one of them on an
/// event loop). Every service submits its changes here: DHCP leases with their events, TFTP and
/// provisioning events, phone state, syslog lines. Whatever arrived while the last transaction ran is
/// written as the next one (group commit), on a thread of the writer's own, so no event loop ever waits
/// for a disk, and one fsync covers every exchange that arrived meanwhile.
///
/// A submission with a completion is told once its changes are durable (or that they are not): the DHCP
/// engine sends an ACK only then (issue 4). The writer is started first and stopped last (ServiceGroup
/// stops services in reverse order), so everything submitted before shutdown is written.
public final class StoreWriter: Service, Sendable {
    struct Job {
        var batch: StoreBatch
        var completion: (@Sendable (Error?) -> Void)?
    }

    package let store: any Store
    private let logger: Logger
    private let thread = NIOThreadPool(numberOfThreads: 1)
    private let state = NIOLockedValueBox<(pending: [Job], writing: Bool)>(([], false))

    public init(store: any Store, logger: Logger) {
        self.store = store
        self.logger = logger
        thread.start()
    }

    /// Queues changes for the next group commit. `completion` runs on the writer's thread.
    public func submit(_ batch: StoreBatch, completion: (@Sendable (Error?) -> Void)? = nil) {
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

    /// Runs until shutdown, then waits until everything queued so far is written, and stops the thread.
    public func run() async throws {
        try? await gracefulShutdown()
        await flush()
        try await thread.shutdownGracefully()
    }

    /// Returns once every change submitted before the call is written (or failed).
    public func flush() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            submit(StoreBatch()) { _ in done.resume() }
        }
    }

    private func drain() {
        while true {
            let jobs = state.withLockedValue { s -> [Job] in
                let jobs = s.pending
                s.pending = []
                if jobs.isEmpty { s.writing = false }
                return jobs
            }
            if jobs.isEmpty { return }
            var batch = StoreBatch()
            for job in jobs { batch.append(job.batch) }
            var failure: Error?
            do {
                try store.write(batch)
            } catch {
                failure = error
                logger.log(
                    .error, .storeWriteFailed, [.server(.error): "\(error)", .server(.storeBatch): "\(jobs.count)"])
            }
            for job in jobs { job.completion?(failure) }
        }
    }
}
