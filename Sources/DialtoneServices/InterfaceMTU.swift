import Foundation
import NIOCore
import NIOPosix
import WireSupport

/// The largest TFTP block that fits one datagram towards a client: the MTU of the interface whose subnet
/// holds the client, minus 32 bytes of IP, UDP and TFTP headers (RFC 2348; tftp-hpa's `-B` advice:
/// 1468 on Ethernet). A routed client gets the Ethernet value.
enum InterfaceMTU {
    static func blockLimit(towards client: IPv4Address) -> Int {
        guard let devices = try? System.enumerateDevices() else { return 1468 }
        for device in devices {
            guard case .v4(let address)? = device.address, case .v4(let mask)? = device.netmask else { continue }
            let ip = UInt32(bigEndian: address.address.sin_addr.s_addr)
            let m = UInt32(bigEndian: mask.address.sin_addr.s_addr)
            guard ip & m == client.rawValue & m else { continue }
            let text = (try? String(contentsOfFile: "/sys/class/net/\(device.name)/mtu", encoding: .utf8)) ?? ""
            if let mtu = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) { return max(512, min(65464, mtu - 32)) }
        }
        return 1468
    }
}
