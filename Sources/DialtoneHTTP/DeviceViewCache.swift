import LeaseStore
import Synchronization
import WireSupport

/// The Devices tab polls `/api/devices` every 2 s, and each device's view reads and diagnoses up to 500
/// stored events: 500 phones with 200 events each cost 1.0 s per poll (release build). Views are
/// therefore kept and rebuilt only for devices whose history, lease address or provisioning state changed
/// since the last poll; the change test is one indexed query (`eventVersions`).
final class DeviceViewCache: Sendable {
    private struct Key: Equatable {
        var version: Int64
        var ip: String?
        var phone: String?
        /// What was learned about the client (its own table, written apart from the event that says so).
        var learned: [LearnedView]
    }
    private let entries = Mutex<[String: (key: Key, view: DeviceView)]>([:])

    func devices(store: any Store) throws -> [DeviceView] {
        let leases = try store.loadLeases()
        let phones = try store.loadPhoneStates()
        let versions = try store.eventVersions()
        let needs = try store.loadClientNeeds()
        let macs = Set(leases.compactMap(\.mac)).union(phones.keys.compactMap { MACAddress($0) }).sorted()
        let latestIP = Dictionary(leases.compactMap { l in l.mac.map { ($0, l) } }) {
            $0.updated >= $1.updated ? $0 : $1
        }.mapValues { $0.ip.description }
        var views: [DeviceView] = []
        var fresh: [String: (key: Key, view: DeviceView)] = [:]
        let known = entries.withLock { $0 }
        for mac in macs {
            let name = mac.description
            let learned = Views.learned(needs[mac] ?? [])
            let key = Key(version: versions[name] ?? 0, ip: latestIP[mac], phone: phones[name], learned: learned)
            if let hit = known[name], hit.key == key {
                views.append(hit.view)
                fresh[name] = hit
                continue
            }
            let view = try Views.device(
                mac, store: store, leases: leases, phones: phones, learned: learned, withTimeline: false)
            views.append(view)
            fresh[name] = (key, view)
        }
        // Devices gone from the leases and phone states drop out of the cache too.
        entries.withLock { $0 = fresh }
        return views
    }
}
