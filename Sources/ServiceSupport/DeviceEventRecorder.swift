import Foundation
import LeaseStore
import Timeline
import WireSupport

/// Adds TFTP and provisioning events to the timeline of the device that caused them (IP -> MAC through the
/// leases). They go to the store writer's next group commit; DHCP events go there from the DHCP engine.
public final class DeviceEventRecorder: Sendable {
    package let writer: StoreWriter
    package let directory: DeviceDirectory

    public init(writer: StoreWriter, directory: DeviceDirectory) {
        self.writer = writer
        self.directory = directory
    }

    public func record(client: String, _ draft: EventDraft) {
        guard let ip = IPv4Address(client), let mac = directory.mac(for: ip) else { return }
        record(mac: mac, draft)
    }

    public func record(mac: MACAddress, _ draft: EventDraft) {
        writer.submit(events: [draft.at(Int64(Date().timeIntervalSince1970 * 1000), mac: mac)])
    }
}
