import NIOCore
import NIOPosix
import WireSupport

/// Finds the IPv4 address and index of a named interface. A missing interface or one without an IPv4
/// address is a startup error that names it and lists what exists.
public struct ResolvedInterface: Sendable, Hashable {
    public var name: String
    public var address: IPv4Address
    public var prefixLength: Int
}

public enum InterfaceError: Error, CustomStringConvertible {
    case notFound(String, available: [String])
    case noIPv4(String)

    public var description: String {
        switch self {
        case .notFound(let name, let available):
            "interface `\(name)` does not exist (interfaces with IPv4: \(available.joined(separator: ", ")))"
        case .noIPv4(let name):
            "interface `\(name)` has no IPv4 address; DHCP needs one to use as its server identifier (option 54)"
        }
    }
}

public enum InterfaceResolver {
    public static func resolve(_ name: String) throws -> ResolvedInterface {
        let devices = try System.enumerateDevices()
        let ipv4 = devices.compactMap { device -> ResolvedInterface? in
            guard case .v4(let address)? = device.address else { return nil }
            let ip = IPv4Address(rawValue: UInt32(bigEndian: address.address.sin_addr.s_addr))
            var prefix = 32
            if case .v4(let mask)? = device.netmask {
                prefix = UInt32(bigEndian: mask.address.sin_addr.s_addr).nonzeroBitCount
            }
            return ResolvedInterface(name: device.name, address: ip, prefixLength: prefix)
        }
        if let match = ipv4.first(where: { $0.name == name }) { return match }
        if devices.contains(where: { $0.name == name }) { throw InterfaceError.noIPv4(name) }
        throw InterfaceError.notFound(name, available: Array(Set(ipv4.map(\.name))).sorted())
    }
}

extension SocketAddress {
    /// The peer's IPv4 address in our own type (nil for IPv6 and Unix sockets): how every service names a
    /// client in its events.
    package var wireIPv4: WireSupport.IPv4Address? {
        guard case .v4(let v4) = self else { return nil }
        return WireSupport.IPv4Address(rawValue: UInt32(bigEndian: v4.address.sin_addr.s_addr))
    }
}
