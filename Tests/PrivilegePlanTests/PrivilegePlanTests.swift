import ConfigLoader
import DialtoneConfig
import Foundation
import PrivilegePlan
import Testing

/// Which capabilities `serve` keeps, by config (docs/security.md's table), and whom it becomes.
@Suite struct PrivilegePlanTests {
    func plan(_ yaml: String) throws -> PrivilegePlan {
        PrivilegePlan(config: try ConfigLoader.load(yaml: yaml, file: "x.yaml"))
    }

    static let dhcp = """
        dhcp:
          interfaces: [eth1]
          conflict_check: arp
          subnets:
            - subnet: 192.168.10.0/24
              pools: ["192.168.10.1-192.168.10.5"]

        """

    @Test func everyServiceOnItsStandardPortKeepsAllThree() throws {
        let plan = try plan(
            Self.dhcp + """
                tftp: { root: /srv/tftp }
                syslog: {}
                sntp: {}
                web: { listen: "127.0.0.1:8067" }
                """)
        #expect(plan.capabilities == CapabilitySet([.netBindService, .netAdmin, .netRaw]))
        #expect(plan.capabilities.hex == "0000000000003400")
        #expect(plan.capabilities.description == "cap_net_bind_service,cap_net_admin,cap_net_raw")
        let bind = try #require(plan.kept.first { $0.capability == .netBindService })
        #expect(bind.reason.hasSuffix("dhcp 67, dhcp watcher 68, tftp 69, syslog 514, sntp 123"))
    }

    @Test func highPortsWithoutDHCPKeepNothing() throws {
        let plan = try plan(
            """
            syslog: { listen: ["0.0.0.0:5514"] }
            sntp: { listen: ["0.0.0.0:1123"] }
            web: { listen: "127.0.0.1:8067" }
            """)
        #expect(plan.kept.isEmpty)
        #expect(plan.capabilities == .none)
        #expect(plan.capabilities.description == "none")
    }

    @Test func dhcpWithoutConflictCheckOnAHighPortKeepsOnlyNeighbourEntries() throws {
        let yaml = Self.dhcp.replacingOccurrences(of: "conflict_check: arp", with: "conflict_check: off")
            .replacingOccurrences(
                of: "  interfaces: [eth1]", with: "  interfaces: [eth1]\n  port: 1067\n  watch_other_servers: false")
        let plan = try plan(yaml)
        #expect(plan.kept.map(\.capability) == [.netAdmin])
    }

    @Test func aTFTPPortRangeBelow1024NeedsTheBindCapability() throws {
        let plan = try plan(#"tftp: { root: /srv/tftp, listen: ["0.0.0.0:6969"], port_range: "1000-1100" }"#)
        #expect(plan.kept.map(\.capability) == [.netBindService])
        #expect(plan.kept.first?.reason.hasSuffix("tftp transfers 1000") == true)
    }

    @Test func identityFollowsUserThenDialtoneThenNobody() {
        let exists: (String) -> Bool = { $0 == "dialtone" }
        let none: (String) -> Bool = { _ in false }
        #expect(
            PrivilegePlan.identity(effectiveUID: 0, configuredUser: nil, userExists: exists) == .switchTo("dialtone"))
        #expect(PrivilegePlan.identity(effectiveUID: 0, configuredUser: nil, userExists: none) == .switchTo("nobody"))
        #expect(PrivilegePlan.identity(effectiveUID: 0, configuredUser: "svc", userExists: none) == .switchTo("svc"))
        #expect(PrivilegePlan.identity(effectiveUID: 0, configuredUser: "root", userExists: exists) == .stayRoot)
        #expect(PrivilegePlan.identity(effectiveUID: 1000, configuredUser: "svc", userExists: exists) == .unchanged)
    }

    @Test func userKeyIsReadAndAnEmptyOneRefused() throws {
        let config = try ConfigLoader.load(yaml: "user: dialtone\nsyslog: {}", file: "x.yaml")
        #expect(config.user == "dialtone")
        #expect(throws: ConfigErrors.self) { try ConfigLoader.load(yaml: "user: \"\"\nsyslog: {}", file: "x.yaml") }
    }
}
