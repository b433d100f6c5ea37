import Foundation
import Metrics
import NIOConcurrencyHelpers
import ServiceSupport

/// Running and recent HTTP fetches: what `/api/transfers` and the dashboard show beside TFTP's transfers
/// (through `TransferListing`), plus the hooks TFTP's registry has: the device timeline and the provisioning
/// observer, so a phone that fetches its firmware over HTTP climbs its upgrade ladder the same way.
public final class HTTPFetches: TransferListing {
    private let state = NIOLockedValueBox<(next: Int, active: [Int: TransferRecord], recent: [TransferRecord])>(
        // Ids from 2^32: the API lists these beside TFTP's transfers (numbered from 1) and ids stay unique.
        (1 << 32, [:], []))
    let recentLimit = 200
    /// Told about every GET that sent a whole file (client IP, requested name), as TFTP tells of a completed
    /// transfer.
    let observer: (@Sendable (_ client: String, _ file: String, _ completed: Bool) -> Void)?
    let recorder: DeviceEventRecorder?

    public init(
        observer: (@Sendable (_ client: String, _ file: String, _ completed: Bool) -> Void)? = nil,
        recorder: DeviceEventRecorder? = nil
    ) {
        self.observer = observer
        self.recorder = recorder
    }

    func begin(client: String, file: String, size: Int64?) -> Int {
        state.withLockedValue { s in
            let id = s.next
            s.next += 1
            var record = TransferRecord(id: id, client: client, file: file, size: size, started: Date())
            // Not TFTP: no block or window size to show.
            (record.blockSize, record.windowSize) = (0, 0)
            s.active[id] = record
            Gauge(label: "dialtone_http_active_transfers").record(Double(s.active.count))
            return id
        }
    }

    func progress(_ id: Int, bytes: Int64) {
        state.withLockedValue { s in s.active[id]?.bytes = bytes }
    }

    func end(_ id: Int, state newState: String, bytes: Int64, detail: String?) {
        let count = state.withLockedValue { s -> Int in
            guard var record = s.active.removeValue(forKey: id) else { return s.active.count }
            (record.state, record.bytes, record.detail, record.finished) = (newState, bytes, detail, Date())
            s.recent.append(record)
            if s.recent.count > recentLimit { s.recent.removeFirst(s.recent.count - recentLimit) }
            return s.active.count
        }
        Counter(label: "dialtone_http_transfers_total", dimensions: [("result", newState)]).increment()
        Counter(label: "dialtone_http_bytes_total").increment(by: Int(bytes))
        Gauge(label: "dialtone_http_active_transfers").record(Double(count))
    }

    public var activeCount: Int { state.withLockedValue { $0.active.count } }

    public func snapshot() -> (active: [TransferRecord], recent: [TransferRecord]) {
        state.withLockedValue { (Array($0.active.values).sorted { $0.id < $1.id }, $0.recent) }
    }
}
