import DialtoneLogging
import Foundation
import LeaseStore
import Logging
import NIOConcurrencyHelpers
import NIOPosix
import Timeline
import WireSupport

/// Adds TFTP and provisioning events to the timeline of the device that caused them (IP -> MAC through the
/// leases), batched on a background thread like the syslog sink. DHCP events are stored by the DHCP engine.
public final class DeviceEventRecorder: Sendable {
    let store: any LeaseStore
    let directory: DeviceDirectory
    let logger: Logger
    private let pending = NIOLockedValueBox<(events: [TimelineEvent], scheduled: Bool)>(([], false))

    public init(store: any LeaseStore, directory: DeviceDirectory, logger: Logger) {
        self.store = store
        self.directory = directory
        self.logger = logger
    }

    public func record(client: String, _ draft: EventDraft) {
        guard let ip = IPv4Address(client), let mac = directory.mac(for: ip) else { return }
        record(mac: mac, draft)
    }

    public func record(mac: MACAddress, _ draft: EventDraft) {
        let event = draft.at(Int64(Date().timeIntervalSince1970 * 1000), mac: mac)
        let start = pending.withLockedValue { p -> Bool in
            p.events.append(event)
            if p.scheduled { return false }
            p.scheduled = true
            return true
        }
        if start { NIOThreadPool.singleton.submit { [self] _ in flush() } }
    }

    public func flush() {
        let events = pending.withLockedValue { p -> [TimelineEvent] in
            defer { p.events = []; p.scheduled = false }
            return p.events
        }
        guard !events.isEmpty else { return }
        do { try store.append(events) } catch { logger.log(.warning, .storeEventsFailed, [.server(.error): "\(error)"]) }
    }
}
