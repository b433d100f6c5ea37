import DHCPServerCore
import DHCPWire
import DialtoneConfig
import WireSupport

enum Fixtures {
    static let server = IPv4Address("192.168.10.100")!
    static let context = ReceiveContext(
        interfaceName: "eth1", interfaceAddress: server, sourceAddress: .any, sourcePort: 68)

    static func subnet(pools: [String] = ["192.168.10.1-192.168.10.5"], reservations: [Reservation] = [])
        -> SubnetConfiguration
    {
        SubnetConfiguration(
            subnet: IPv4Subnet("192.168.10.0/24")!, pools: pools.map { IPv4Range($0)! }, leaseTime: .seconds(43200),
            routers: [server], dnsServers: [server], domainName: nil, ntpServers: [], tftpServers: [],
            tftpServerName: nil,
            nextServer: nil, bootFile: "", options: [], reservations: reservations)
    }

    static func config(
        _ subnet: SubnetConfiguration = subnet(), subnets: [SubnetConfiguration]? = nil, authoritative: Bool = true,
        classes: [ClientClassConfiguration] = []
    ) -> DHCPConfiguration {
        DHCPConfiguration(
            interfaces: ["eth1"], port: 67, clientPort: 68, authoritative: authoritative, conflictCheck: .off,
            subnets: subnets ?? [subnet], classes: classes)
    }

    static func mac(_ last: UInt8) -> MACAddress { MACAddress(bytes: [0x02, 0, 0, 0, 0, last])! }
    static let cisco = MACAddress("00:1e:7a:25:54:a1")!

    static func message(
        _ type: DHCPMessageType, mac: MACAddress, xid: UInt32 = 42, cisco: Bool = false,
        requested: IPv4Address? = nil, serverID: IPv4Address? = nil, ciaddr: IPv4Address = .any
    ) -> DHCPMessage {
        var m = DHCPMessage(op: DHCPMessage.bootRequest, xid: xid)
        m.setClientMAC(mac)
        m.ciaddr = ciaddr
        m.options.setMessageType(type)
        if cisco {
            m.options.set(.vendorClass, Array("Cisco Systems, Inc. IP Phone CP-7970G".utf8) + [0])
            m.options.set(.parameterRequestList, [1, 66, 6, 3, 15, 150, 35])
        } else {
            m.options.set(.parameterRequestList, [3, 1, 6])
        }
        if let requested { m.options.setIPv4(.requestedAddress, requested) }
        if let serverID { m.options.setIPv4(.serverIdentifier, serverID) }
        return m
    }
}

extension Array where Element == DHCPAction {
    var replies: [(DHCPMessage, ReplyDestination)] {
        compactMap { if case .reply(let m, let d, _, _) = $0 { return (m, d) } else { return nil } }
    }
    var commits: [Lease] { compactMap { if case .commit(let l, _) = $0 { return l } else { return nil } } }
    var events: [DHCPEvent] { compactMap { if case .event(let e) = $0 { return e } else { return nil } } }
}
