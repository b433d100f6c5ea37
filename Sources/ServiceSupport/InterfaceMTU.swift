import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import WireSupport

/// The largest TFTP block that fits one datagram towards a client: the MTU of the interface whose subnet
/// holds the client, minus 32 bytes of IP, UDP and TFTP headers (RFC 2348; tftp-hpa's `-B` advice:
/// 1468 on Ethernet). A routed client gets the Ethernet value.
///
/// The interface table is read at most once every 5 s, not per request: walking every interface costs a
/// netlink dump plus a socket, an ioctl and a close per interface, and in a 500-phone storm that was 75 %
/// system time on the event loop (issue 17). An MTU change is picked up within those 5 s.
package enum InterfaceMTU {
    struct Route: Sendable {
        var network: UInt32
        var mask: UInt32
        var blockLimit: Int
    }

    private static let snapshot = NIOLockedValueBox<(routes: [Route], read: NIODeadline)?>(nil)
    package static let refreshInterval = TimeAmount.seconds(5)

    package static func blockLimit(towards client: IPv4Address) -> Int {
        let now = NIODeadline.now()
        let routes = snapshot.withLockedValue { cached -> [Route] in
            if let cached, now - cached.read < refreshInterval { return cached.routes }
            let fresh = readRoutes()
            cached = (fresh, now)
            return fresh
        }
        return routes.first { client.rawValue & $0.mask == $0.network }?.blockLimit ?? 1468
    }

    private static func readRoutes() -> [Route] {
        guard let devices = try? System.enumerateDevices() else { return [] }
        return devices.compactMap { device in
            guard case .v4(let address)? = device.address, case .v4(let mask)? = device.netmask else { return nil }
            let ip = UInt32(bigEndian: address.address.sin_addr.s_addr)
            let m = UInt32(bigEndian: mask.address.sin_addr.s_addr)
            let text = (try? String(contentsOfFile: "/sys/class/net/\(device.name)/mtu", encoding: .utf8)) ?? ""
            guard let mtu = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
            return Route(network: ip & m, mask: m, blockLimit: max(512, min(65464, mtu - 32)))
        }
    }
}
