import DHCPWire
import DialtoneConfig
import WireSupport

/// What every reply in a subnet carries from the config, encoded once per configuration rather than once per
/// reply: building these option values from the config on every reply (subnet mask, routers, DNS, domain,
/// NTP, 150/66, `options:`, the three lease times) was about 5k instructions and a dozen allocations per
/// reply (callgrind, bench/dhcp). A reply shares the byte arrays; a class or a Cisco phone adds to a copy.
struct SubnetOptions: Sendable {
    /// The subnet's options in config order (the order `ReplyBuilder` filled them in before): mask, routers,
    /// DNS, domain, NTP, 150, 66, then `options:` (each replacing a typed one with its code in place).
    /// Option 67 is left out: it is the boot decision's (BootChoice), and an `options:` entry for it fed
    /// that decision.
    let options: DHCPOptions
    /// Options 51, 58 and 59 for the subnet's lease time.
    let leaseTimes: LeaseTimeOptions

    init(_ subnet: SubnetConfiguration) {
        var options = DHCPOptions(minimumCapacity: 8 + subnet.options.count)
        options.setIPv4(.subnetMask, subnet.subnet.mask)
        if !subnet.routers.isEmpty { options.setIPv4List(.routers, subnet.routers) }
        if !subnet.dnsServers.isEmpty { options.setIPv4List(.domainNameServers, subnet.dnsServers) }
        if let domain = subnet.domainName { options.setString(.domainName, domain) }
        if !subnet.ntpServers.isEmpty { options.setIPv4List(.ntpServers, subnet.ntpServers) }
        if !subnet.tftpServers.isEmpty { options.setIPv4List(.tftpServerAddress, subnet.tftpServers) }
        if let name = subnet.tftpServerName { options.setString(.tftpServerName, name) }
        for option in subnet.options { options.set(option.code, option.value) }
        options.remove(.bootFileName)
        self.options = options
        leaseTimes = LeaseTimeOptions(seconds: UInt32(clamping: subnet.leaseTime.seconds))
    }

    /// One per configured subnet, by its prefix (the first subnet wins, as in `DHCPServer.subnet(for:)`).
    static func table(_ subnets: [SubnetConfiguration]) -> [IPv4Subnet: SubnetOptions] {
        var table: [IPv4Subnet: SubnetOptions] = [:]
        for subnet in subnets where table[subnet.subnet] == nil { table[subnet.subnet] = SubnetOptions(subnet) }
        return table
    }
}

/// RFC 2132 §9.2 and §9.11-9.12: the lease time, T1 at half of it and T2 at 7/8 (RFC 2131 §4.4.5's defaults).
struct LeaseTimeOptions: Sendable {
    let seconds: UInt32
    let lease: [UInt8]
    let renewal: [UInt8]
    let rebinding: [UInt8]

    init(seconds: UInt32) {
        self.seconds = seconds
        lease = Self.bytes(seconds)
        renewal = Self.bytes(seconds / 2)
        rebinding = Self.bytes(UInt32(UInt64(seconds) * 7 / 8))
    }

    private static func bytes(_ value: UInt32) -> [UInt8] {
        [
            UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8),
            UInt8(truncatingIfNeeded: value),
        ]
    }
}

/// A set of option codes as 256 bits: which options a reply has written, without an array to search or sort.
struct OptionCodeSet: Sequence {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    func contains(_ code: DHCPOptionCode) -> Bool { word(code.rawValue >> 6) & (1 << (code.rawValue & 63)) != 0 }

    mutating func insert(_ code: DHCPOptionCode) {
        let bit: UInt64 = 1 << (code.rawValue & 63)
        switch code.rawValue >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }

    private func word(_ index: UInt8) -> UInt64 {
        switch index {
        case 0: words.0
        case 1: words.1
        case 2: words.2
        default: words.3
        }
    }

    /// The codes in ascending order.
    func makeIterator() -> Iterator { Iterator(set: self) }

    struct Iterator: IteratorProtocol {
        fileprivate let set: OptionCodeSet
        fileprivate var index: UInt8 = 0
        fileprivate var remaining: UInt64 = 0
        fileprivate var started = false

        mutating func next() -> DHCPOptionCode? {
            if !started { (started, remaining) = (true, set.word(0)) }
            while remaining == 0 {
                guard index < 3 else { return nil }
                index += 1
                remaining = set.word(index)
            }
            let bit = remaining.trailingZeroBitCount
            remaining &= remaining - 1
            return DHCPOptionCode(index << 6 | UInt8(bit))
        }
    }
}
