import DHCPWire
import DialtoneConfig
import WireSupport

/// A configured subnet with what its replies carry, shared by reference: an exchange, its allocator and its
/// reply builder each held a copy of the `SubnetConfiguration`, about 35 references retained and released per
/// copy, three copies per packet (callgrind, bench/dhcp).
final class ConfiguredSubnet: Sendable {
    let config: SubnetConfiguration
    let options: SubnetOptions

    init(_ config: SubnetConfiguration) {
        self.config = config
        options = SubnetOptions(config)
    }
}

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

    /// 51, 58 and 59 for `seconds`: the encoded ones when it is the subnet's lease time, else made now.
    func leaseTimes(for seconds: UInt32) -> LeaseTimeOptions {
        seconds == leaseTimes.seconds ? leaseTimes : LeaseTimeOptions(seconds: seconds)
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
        lease = DHCPOptions.bytes(seconds)
        renewal = DHCPOptions.bytes(seconds / 2)
        rebinding = DHCPOptions.bytes(UInt32(UInt64(seconds) * 7 / 8))
    }
}
