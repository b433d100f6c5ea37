import DHCPWire
import DialtoneConfig
import Testing
import WireSupport

@testable import DHCPServerCore

/// The random allocator (issue 13): servers sharing a store must not walk the pool in the same order.
@Suite struct RandomAllocatorTests {
    static func config(_ allocator: DHCPConfiguration.Allocator) -> DHCPConfiguration {
        var config = DHCPConfiguration(
            interfaces: ["t0"], port: 67, clientPort: 68, authoritative: true, conflictCheck: .off,
            subnets: [
                SubnetConfiguration(
                    subnet: IPv4Subnet("198.18.0.0/24")!, pools: [IPv4Range("198.18.0.10-198.18.0.250")!],
                    leaseTime: .seconds(600), routers: [], dnsServers: [], domainName: nil, ntpServers: [],
                    tftpServers: [], tftpServerName: nil, nextServer: nil, bootFile: "", options: [], reservations: [])
            ], classes: [])
        config.allocator = allocator
        return config
    }

    static func offers(_ allocator: DHCPConfiguration.Allocator, seed: UInt64, clients: Int) -> [IPv4Address] {
        var server = DHCPServer(config: config(allocator), servesTFTP: false, leases: [], seed: seed)
        let context = ReceiveContext(
            interfaceName: "t0", interfaceAddress: IPv4Address("198.18.0.1")!, sourceAddress: .any, sourcePort: 68)
        return (0..<clients).compactMap { n in
            var message = DHCPMessage(op: DHCPMessage.bootRequest, xid: UInt32(n))
            message.setClientMAC(MACAddress(bytes: [2, 0, 0, 0, 1, UInt8(n)])!)
            message.options.setMessageType(.discover)
            return server.handle(message, context: context, now: 1_000).lazy.compactMap { action -> IPv4Address? in
                if case .reply(let reply, _, _, _) = action { return reply.yiaddr }
                return nil
            }.first
        }
    }

    @Test func twoServersDrawDifferentCandidatesAndNeverTheSameTwice() {
        let a = Self.offers(.random, seed: 1, clients: 50)
        let b = Self.offers(.random, seed: 2, clients: 50)
        #expect(a.count == 50 && Set(a).count == 50, "one server never offers an address twice")
        // Iterative servers would collide on all 50; random ones on a few at most (50 of 241 each).
        #expect(Set(a).intersection(b).count < 25)
        #expect(Self.offers(.iterative, seed: 1, clients: 50) == Self.offers(.iterative, seed: 2, clients: 50))
        #expect(Self.offers(.random, seed: 1, clients: 50) == a, "the same seed replays the same offers")
    }

    @Test func commitsNameTheRowTheyReplaceAndLearnTakesTheStoresWord() {
        var server = DHCPServer(config: Self.config(.random), servesTFTP: false, leases: [], seed: 7)
        let context = ReceiveContext(
            interfaceName: "t0", interfaceAddress: IPv4Address("198.18.0.1")!, sourceAddress: .any, sourcePort: 68)
        var message = DHCPMessage(op: DHCPMessage.bootRequest, xid: 1)
        message.setClientMAC(MACAddress(bytes: [2, 0, 0, 0, 2, 1])!)
        message.options.setMessageType(.discover)
        let actions = server.handle(message, context: context, now: 1_000)
        guard case .commit(let hold, let replacing)? = actions.first else {
            Issue.record("no commit: \(actions)")
            return
        }
        #expect(replacing == nil, "a new address: the store must have no row for it")
        var theirs = hold
        theirs.mac = MACAddress(bytes: [2, 0, 0, 0, 2, 9])!
        theirs.state = .bound
        server.learn([hold.ip: theirs])
        #expect(server.leases[hold.ip] == theirs)
        server.learn([hold.ip: nil])
        #expect(server.leases[hold.ip] == nil)
    }
}
