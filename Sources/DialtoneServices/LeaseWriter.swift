import DHCPServerCore
import DialtoneLogging
import LeaseStore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Timeline

/// Group commit: lease changes from concurrent exchanges are written in one transaction, then each
/// exchange's replies are sent. A reply whose lease is not yet durable is never sent (issue 4: "durable
/// in SQLite before the ACK leaves"), and one fsync covers every exchange that arrived meanwhile.
final class LeaseWriter: Sendable {
    struct Job {
        var leases: [Lease]
        var events: [TimelineEvent]
        /// Runs on the event loop once the leases are durable (or with the error when they are not).
        var completion: @Sendable (Error?) -> Void
    }

    private let store: any LeaseStore
    private let pool: NIOThreadPool
    private let logger: Logger
    private let state = NIOLockedValueBox<(pending: [Job], writing: Bool)>(([], false))

    init(store: any LeaseStore, pool: NIOThreadPool, logger: Logger) {
        self.store = store
        self.pool = pool
        self.logger = logger
    }

    func submit(leases: [Lease], events: [TimelineEvent], completion: @escaping @Sendable (Error?) -> Void) {
        let start = state.withLockedValue { s -> Bool in
            s.pending.append(Job(leases: leases, events: events, completion: completion))
            if s.writing { return false }
            s.writing = true
            return true
        }
        if start { pool.submit { [self] _ in drain() } }
    }

    private func drain() {
        while true {
            let batch = state.withLockedValue { s -> [Job] in
                let jobs = s.pending
                s.pending = []
                if jobs.isEmpty { s.writing = false }
                return jobs
            }
            if batch.isEmpty { return }
            var error: Error?
            do {
                try store.write(leases: batch.flatMap(\.leases), events: batch.flatMap(\.events))
            } catch let e {
                error = e
                logger.log(.error, .storeWriteFailed, [.server(.error): "\(e)", .server(.storeBatch): "\(batch.count)"])
            }
            for job in batch { job.completion(error) }
        }
    }
}
