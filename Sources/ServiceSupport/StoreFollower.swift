import LeaseStore
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// Keeps this server's caches in step with a store other servers write too (issue 13): every second it
/// asks the store what changed since the last call and hands the leases and phone states to whoever
/// subscribed (the DHCP engine's lease cache, the device directory, the provisioning ladder). The cache is
/// only a cache: a decision made from a stale row fails its conditional write and is made again from the
/// store's row, so the follower's delay costs a retry, never a duplicate address.
///
/// Does nothing on a store only this server writes (`Store.isShared` false).
public final class StoreFollower: Service, Sendable {
    public typealias Subscriber = @Sendable (StoreChanges) -> Void

    private let store: any Store
    private let health: StoreHealth
    private let subscribers = NIOLockedValueBox<[Subscriber]>([])
    private let interval: Duration

    public init(store: any Store, health: StoreHealth, interval: Duration = .seconds(1)) {
        self.store = store
        self.health = health
        self.interval = interval
    }

    public func subscribe(_ subscriber: @escaping Subscriber) {
        subscribers.withLockedValue { $0.append(subscriber) }
    }

    public func run() async throws {
        guard store.isShared else {
            try? await gracefulShutdown()
            return
        }
        // From now on: what is already there was loaded at start.
        var cursor: Int64? = try? store.changes(after: nil).cursor
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await Task.sleep(for: interval)
            do {
                let changes = try store.changes(after: cursor)
                cursor = changes.cursor
                health.succeeded()
                guard !changes.leases.isEmpty || !changes.phoneStates.isEmpty else { continue }
                for subscriber in subscribers.withLockedValue({ $0 }) { subscriber(changes) }
            } catch {
                health.failed(error, pending: 0)
            }
        }
    }
}
