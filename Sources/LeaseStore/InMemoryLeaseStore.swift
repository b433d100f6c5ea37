import DHCPServerCore
import Synchronization
import Timeline
import WireSupport

/// A store for tests and `--store memory` runs: same contract, nothing on disk.
public final class InMemoryLeaseStore: Store {
    private struct State {
        var leases: [IPv4Address: Lease] = [:]
        var events: [TimelineEvent] = []
        var phones: [String: String] = [:]
    }
    private let state = Mutex(State())
    /// Runs before every write, outside the lock: a test holds a write back (a slow disk) or throws (a
    /// failing one) to see what its callers do meanwhile.
    private let beforeWrite: @Sendable (StoreBatch) throws -> Void

    public init(leases: [Lease] = [], beforeWrite: @escaping @Sendable (StoreBatch) throws -> Void = { _ in }) {
        self.beforeWrite = beforeWrite
        state.withLock { s in for lease in leases { s.leases[lease.ip] = lease } }
    }

    public func loadLeases() throws -> [Lease] { state.withLock { Array($0.leases.values).sorted { $0.ip < $1.ip } } }

    public func save(_ leases: [Lease]) throws { try write(StoreBatch(leases: leases)) }

    public func append(_ events: [TimelineEvent]) throws { try write(StoreBatch(events: events)) }

    public func write(_ batch: StoreBatch) throws {
        try beforeWrite(batch)
        state.withLock { s in
            for lease in batch.leases { s.leases[lease.ip] = lease }
            s.events += batch.events
            s.phones.merge(batch.phoneStates) { $1 }
        }
    }

    public func events(for mac: MACAddress, limit: Int) throws -> [TimelineEvent] {
        state.withLock { Array($0.events.filter { $0.mac == mac }.reversed().prefix(limit)) }
    }

    public func eventVersions() throws -> [String: Int64] {
        state.withLock { s in
            var versions: [String: Int64] = [:]
            for (index, event) in s.events.enumerated() {
                if let mac = event.mac { versions[mac.description] = Int64(index + 1) }
            }
            return versions
        }
    }

    public func events(named name: EventName, limit: Int) throws -> [TimelineEvent] {
        state.withLock { Array($0.events.filter { $0.name == name }.reversed().prefix(limit)) }
    }

    public func loadPhoneStates() throws -> [String: String] { state.withLock { $0.phones } }
    public func savePhoneState(mac: String, json: String) throws { try write(StoreBatch(phoneStates: [mac: json])) }
}
