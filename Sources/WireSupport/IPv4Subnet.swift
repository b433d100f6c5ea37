/// An IPv4 network in CIDR form (`192.168.10.0/24`).
public struct IPv4Subnet: Hashable, Sendable, CustomStringConvertible {
    public let network: IPv4Address
    public let prefixLength: Int

    /// Nil unless the text is `a.b.c.d/n` with n in 0...32 and no host bits set (a host address with a prefix is
    /// almost always a typo for the network, and silently masking it would hide that).
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPv4Address(parts[0]), let length = Int(parts[1]),
            (0...32).contains(length)
        else { return nil }
        let mask = IPv4Subnet.mask(length)
        guard address.rawValue & ~mask == 0 else { return nil }
        self.network = address
        self.prefixLength = length
    }

    public init(network: IPv4Address, prefixLength: Int) {
        self.prefixLength = prefixLength
        self.network = IPv4Address(rawValue: network.rawValue & IPv4Subnet.mask(prefixLength))
    }

    static func mask(_ length: Int) -> UInt32 { length == 0 ? 0 : UInt32.max << (32 - UInt32(length)) }

    public var mask: IPv4Address { IPv4Address(rawValue: IPv4Subnet.mask(prefixLength)) }
    public var broadcast: IPv4Address { IPv4Address(rawValue: network.rawValue | ~IPv4Subnet.mask(prefixLength)) }

    public func contains(_ address: IPv4Address) -> Bool {
        address.rawValue & IPv4Subnet.mask(prefixLength) == network.rawValue
    }

    public var description: String { "\(network)/\(prefixLength)" }
}

/// An inclusive range of addresses, as pools are written: `192.168.10.1-192.168.10.5`.
public struct IPv4Range: Hashable, Sendable, CustomStringConvertible {
    public let lower: IPv4Address
    public let upper: IPv4Address

    public init?(lower: IPv4Address, upper: IPv4Address) {
        guard lower <= upper else { return nil }
        self.lower = lower
        self.upper = upper
    }

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2,
            let lower = IPv4Address(parts[0].trimmingSpaces()), let upper = IPv4Address(parts[1].trimmingSpaces())
        else { return nil }
        self.init(lower: lower, upper: upper)
    }

    public var count: UInt64 { UInt64(upper.rawValue - lower.rawValue) + 1 }
    public func contains(_ address: IPv4Address) -> Bool { lower <= address && address <= upper }
    public var description: String { "\(lower)-\(upper)" }
}

extension StringProtocol {
    func trimmingSpaces() -> Substring {
        let s = Substring(self)
        return s.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed().reduce(into: Substring()) {
            $0.append($1)
        }
    }
}
