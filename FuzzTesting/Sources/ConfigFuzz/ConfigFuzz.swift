import ConfigLoader
import DHCPServerCore
import DHCPWire
import DialtoneConfig
import FuzzSupport
import WireSupport

/// libFuzzer entry point for the config path `serve` and `check` take: YAML text (hand-written, so anything)
/// through Yams and the validator. It either fails with located, non-empty errors or yields a config the
/// servers can rely on: pools and reservations inside their subnet, pools and subnets disjoint. A loaded
/// DHCP section then answers a DISCOVER on each subnet, so config-built values reach the core too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let config: DialtoneConfiguration
    do {
        config = try ConfigLoader.load(yaml: text, file: "fuzz.yaml")
    } catch {
        require(!error.errors.isEmpty, "a refused config without an error")
        for problem in error.errors { require(!problem.message.isEmpty, "an error without a message: \(problem)") }
        return 0
    }
    if let dhcp = config.dhcp { check(dhcp) }
    return 0
}

private func check(_ dhcp: DHCPConfiguration) {
    for (index, subnet) in dhcp.subnets.enumerated() {
        for pool in subnet.pools {
            require(subnet.subnet.contains(pool.lower) && subnet.subnet.contains(pool.upper), "pool \(pool) outside")
            require(pool.lower <= pool.upper, "pool \(pool) reversed")
        }
        for (i, a) in subnet.pools.enumerated() {
            for b in subnet.pools[(i + 1)...] {
                require(a.upper < b.lower || b.upper < a.lower, "pools \(a) and \(b) overlap")
            }
        }
        for reservation in subnet.reservations {
            require(subnet.subnet.contains(reservation.ip), "reservation \(reservation.ip) outside \(subnet.subnet)")
        }
        for other in dhcp.subnets[(index + 1)...] {
            require(
                !other.subnet.contains(subnet.subnet.network) && !subnet.subnet.contains(other.subnet.network),
                "subnets \(subnet.subnet) and \(other.subnet) overlap")
        }
        discover(on: subnet, dhcp)
    }
}

/// One DISCOVER through a relay inside the subnet: whatever the config holds, the reply must encode within
/// the 576-byte minimum every client accepts and decode again.
private func discover(on subnet: SubnetConfiguration, _ dhcp: DHCPConfiguration) {
    var server = DHCPServer(config: dhcp, servesTFTP: true, leases: [])
    var request = DHCPMessage(op: DHCPMessage.bootRequest, xid: 7)
    request.setClientMAC(MACAddress(bytes: [0x00, 0x1E, 0x7A, 0x25, 0x54, 0xA1])!)
    request.giaddr = subnet.subnet.network
    request.options.setMessageType(.discover)
    request.options.set(.parameterRequestList, Array(1...254))
    let context = ReceiveContext(
        interfaceName: "eth1", interfaceAddress: IPv4Address("198.18.0.1")!, sourceAddress: request.giaddr,
        sourcePort: 67)
    for action in server.handle(request, context: context, now: 1_700_000_000_000) {
        guard case .reply(let reply, _, let minimum, let maximum) = action else { continue }
        let bytes = reply.encode(minimumSize: minimum, maximumSize: maximum)
        require(bytes.count <= 576 - 28 && bytes.count >= 300, "reply of \(bytes.count) bytes")
        require((try? DHCPMessage(decoding: bytes))?.messageType == .offer, "the OFFER does not decode")
    }
}
