import Foundation
import Synchronization

/// Runs postgres-nio's async API for the `Store` protocol's synchronous callers (the store writer's thread,
/// `explain`, the API's reads). Everything PostgreSQL does (the client's pool in `run()`, each query's
/// continuations) runs on this bridge's own thread as a task executor, never on Swift's cooperative pool:
/// a caller that blocks a cooperative thread while it waits (there are as many as cores, 2 here) then
/// cannot starve the very work it waits for.
final class BlockingBridge: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    /// Guarded by `condition`.
    private var jobs: [UnownedJob] = []
    private var thread: Thread?

    init(name: String) {
        let thread = Thread { [unowned self] in self.loop() }
        thread.name = name
        self.thread = thread
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let batch = jobs
            jobs = []
            condition.unlock()
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }

    /// Starts `body` on the bridge, detached from the caller (the client's `run()`).
    func start(_ body: @escaping @Sendable () async -> Void) -> Task<Void, Never> {
        Task(executorPreference: self) { await body() }
    }

    /// Runs `body` on the bridge and blocks the calling thread until it finishes or `timeout` passes.
    /// Never call it from the bridge's own thread.
    func wait<T: Sendable>(timeout: Duration, _ body: @escaping @Sendable () async throws -> T) throws -> T {
        let outcome = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task(executorPreference: self) {
            let result: Result<T, any Error>
            do {
                result = .success(
                    try await withThrowingTaskGroup(of: T.self) { group in
                        group.addTask { try await body() }
                        group.addTask {
                            try await Task.sleep(for: timeout)
                            throw StoreTimeout(after: timeout)
                        }
                        let first = try await group.next()!
                        group.cancelAll()
                        return first
                    })
            } catch {
                result = .failure(error)
            }
            outcome.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return try outcome.withLock { $0! }.get()
    }
}

/// The database did not answer in time (down, unreachable, or every connection busy).
struct StoreTimeout: Error, CustomStringConvertible {
    var after: Duration
    var description: String { "no answer from PostgreSQL within \(after.components.seconds) s" }
}
