import DHCPServerCore
import NIOConcurrencyHelpers
import WireSupport

/// Which device holds which address, for tying syslog lines (and later TFTP requests) to a MAC. Fed by the
/// DHCP service on every lease commit, seeded from the store at start.
public final class DeviceDirectory: Sendable {
    private let byIP = NIOLockedValueBox<[IPv4Address: MACAddress]>([:])
    /// Option 60 as last seen per device: tells provisioning the phone's model.
    private let vendorClasses = NIOLockedValueBox<[MACAddress: String]>([:])

    public init(leases: [Lease] = []) {
        for lease in leases { record(lease) }
    }

    package func record(_ lease: Lease) {
        guard let mac = lease.mac else { return }
        byIP.withLockedValue { $0[lease.ip] = mac }
    }

    public func mac(for ip: IPv4Address) -> MACAddress? { byIP.withLockedValue { $0[ip] } }

    package func recordVendorClass(_ vendorClass: String, for mac: MACAddress) {
        vendorClasses.withLockedValue { $0[mac] = vendorClass }
    }
    public func vendorClass(for mac: MACAddress) -> String? { vendorClasses.withLockedValue { $0[mac] } }

    /// Option 55 as last seen per device: tells provisioning the vendor when option 60 does not.
    private let requestLists = NIOLockedValueBox<[MACAddress: [UInt8]]>([:])

    package func recordParameterRequestList(_ list: [UInt8], for mac: MACAddress) {
        requestLists.withLockedValue { $0[mac] = list }
    }
    public func parameterRequestList(for mac: MACAddress) -> [UInt8]? { requestLists.withLockedValue { $0[mac] } }
}
