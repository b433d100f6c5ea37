import Foundation
import Metrics
import NIOConcurrencyHelpers
import ServiceSupport

/// Active and recent transfers, for `max_transfers`, the log and (issue 7) the dashboard's progress bars,
/// which read them through `TransferListing`.
public final class TFTPTransfers: TransferListing {
    public typealias Info = TransferRecord

    private let state = NIOLockedValueBox<(next: Int, active: [Int: Info], recent: [Info])>((1, [:], []))
    /// (client address:port, file) of each running transfer: a retransmitted request must not start a second
    /// transfer of the same file to the same client port (issue 17: under load every retransmitted RRQ did,
    /// and the spare transfers ended in "Unknown transfer ID"). dnsmasq drops such duplicates too.
    private let running = NIOLockedValueBox<Set<String>>([])
    /// How to stop each running transfer (send ERROR, close), for a clean shutdown.
    private let aborts = NIOLockedValueBox<[Int: @Sendable () -> Void]>([:])
    let recentLimit = 200

    /// Told about every finished transfer (client IP, requested name, bytes, completed?), e.g. so provisioning
    /// can see which firmware files a phone really fetched.
    let observer: (@Sendable (_ client: String, _ file: String, _ completed: Bool) -> Void)?

    /// Where per-device timeline events go (nil: log only).
    let recorder: DeviceEventRecorder?

    public init(
        observer: (@Sendable (_ client: String, _ file: String, _ completed: Bool) -> Void)? = nil,
        recorder: DeviceEventRecorder? = nil
    ) {
        self.observer = observer
        self.recorder = recorder
    }

    /// Registers a transfer unless `limit` are already running.
    func begin(client: String, file: String, size: Int64?, limit: Int) -> Int? {
        state.withLockedValue { s in
            guard s.active.count < limit else { return nil }
            let id = s.next
            s.next += 1
            s.active[id] = Info(id: id, client: client, file: file, size: size, started: Date())
            running.withLockedValue { _ = $0.insert(Self.key(client, file)) }
            Gauge(label: "dialtone_tftp_active_transfers").record(Double(s.active.count))
            return id
        }
    }

    func update(_ id: Int, _ change: (inout Info) -> Void) {
        state.withLockedValue { s in
            if var info = s.active[id] {
                change(&info)
                s.active[id] = info
            }
        }
    }

    func onAbort(_ id: Int, _ abort: @escaping @Sendable () -> Void) {
        aborts.withLockedValue { $0[id] = abort }
    }

    /// Stops every running transfer; each tells its client with an ERROR (spec: `serve` shutdown).
    func abortAll() {
        let all = aborts.withLockedValue { a -> [@Sendable () -> Void] in
            defer { a = [:] }
            return Array(a.values)
        }
        for abort in all { abort() }
    }

    func end(_ id: Int, state newState: String, detail: String?) -> Info? {
        _ = aborts.withLockedValue { $0.removeValue(forKey: id) }
        let info = endLocked(id, state: newState, detail: detail)
        if let info {
            Counter(label: "dialtone_tftp_transfers_total", dimensions: [("result", newState)]).increment()
            Counter(label: "dialtone_tftp_bytes_total").increment(by: Int(info.bytes))
            Gauge(label: "dialtone_tftp_active_transfers").record(Double(activeCount))
        }
        if let info, let observer {
            observer(String(info.client.split(separator: ":").first ?? ""), info.file, newState == "completed")
        }
        return info
    }

    private func endLocked(_ id: Int, state newState: String, detail: String?) -> Info? {
        state.withLockedValue { s in
            guard var info = s.active.removeValue(forKey: id) else { return nil }
            running.withLockedValue { _ = $0.remove(Self.key(info.client, info.file)) }
            info.state = newState
            info.detail = detail
            info.finished = Date()
            s.recent.append(info)
            if s.recent.count > recentLimit { s.recent.removeFirst(s.recent.count - recentLimit) }
            return info
        }
    }

    public var activeCount: Int { state.withLockedValue { $0.active.count } }

    /// Whether a transfer of `file` to exactly this client address and port is under way.
    func isRunning(client: String, file: String) -> Bool {
        running.withLockedValue { $0.contains(Self.key(client, file)) }
    }

    private static func key(_ client: String, _ file: String) -> String { client + "\u{0}" + file }
    public func snapshot() -> (active: [Info], recent: [Info]) {
        state.withLockedValue { (Array($0.active.values).sorted { $0.id < $1.id }, $0.recent) }
    }
}
