import DHCPServerCore
import Diagnostics
import Hummingbird
import LeaseStore
import Testing
import Timeline
import WireSupport

@testable import DialtoneHTTP

/// The pieces of the HTTP layer that decide what the dashboard shows, without a server.
struct DashboardDataTests {
    let mac = MACAddress("00:1e:7a:00:00:01")!

    func lease(_ ip: String) -> Lease {
        Lease(ip: IPv4Address(ip)!, mac: mac, clientID: nil, hostname: nil, state: .bound, expires: 10_000, updated: 1)
    }

    func event(_ time: Int64, _ name: EventName, _ metadata: EventMetadata = [:]) -> TimelineEvent {
        TimelineEvent(time: time, mac: mac, name: name, level: .info, metadata: metadata)
    }

    @Test func deviceViewsAreReusedUntilTheDeviceChanges() throws {
        let store = InMemoryLeaseStore(leases: [lease("198.18.0.100")])
        try store.append([event(1, .dhcp(.ackSent))])
        let cache = DeviceViewCache()
        #expect(try cache.devices(store: store).map(\.phase) == ["dhcp: bound"])
        // A new event changes the device's version: its view is rebuilt.
        try store.append([event(2, .phone(.upgradeDone), [.phone(.load): "SIP70.9-2-1S"])])
        let after = try cache.devices(store: store)
        #expect(after.map(\.phase) == ["provisioned"])
        #expect(after.first?.load == "SIP70.9-2-1S")
        // A new lease address with no new event is noticed too.
        try store.save([
            Lease(
                ip: IPv4Address("198.18.0.101")!, mac: mac, clientID: nil, hostname: nil, state: .bound,
                expires: 10_000, updated: 5)
        ])
        #expect(try cache.devices(store: store).first?.ip == "198.18.0.101")
    }

    @Test func aDeviceIsKnownByItsEventsLeaseOrProvisioningState() throws {
        let store = InMemoryLeaseStore(leases: [])
        #expect(try Views.knownDevice(mac, store: store) == nil)
        try store.append([event(1, .syslog(.message))])
        #expect(try Views.knownDevice(mac, store: store)?.phase == "logging")
        let leased = InMemoryLeaseStore(leases: [lease("198.18.0.100")])
        #expect(try Views.knownDevice(mac, store: leased)?.ip == "198.18.0.100")
        let provisioned = InMemoryLeaseStore(leases: [])
        try provisioned.savePhoneState(mac: mac.description, json: "{}")
        #expect(try Views.knownDevice(mac, store: provisioned) != nil)
    }
}
