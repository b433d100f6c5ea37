import ConfigLoader
import DialtoneConfig
import Testing

/// SIGHUP's decision, from two real files: which changed keys take effect at once, which wait for a
/// restart, and that the config the server runs on keeps the running value of each of the latter.
struct ReloadPlanTests {
    static let base = """
        state_dir: /var/lib/dialtone
        dhcp:
          interfaces: [eth1]
          subnets:
            - subnet: 198.18.0.0/24
              pools: ["198.18.0.100-198.18.0.150"]
              routers: [198.18.0.1]
        tftp:
          root: /srv/tftp
          listen: ["0.0.0.0:69"]
        syslog:
          listen: ["0.0.0.0:514"]
        """

    func config(_ yaml: String) throws -> DialtoneConfiguration {
        try ConfigLoader.load(yaml: yaml, file: "/etc/dialtone/dialtone.yaml")
    }

    func plan(_ edit: (String) -> String) throws -> ReloadPlan {
        ReloadPlan(running: try config(Self.base), loaded: try config(edit(Self.base)))
    }

    @Test func theSameFileChangesNothing() throws {
        let plan = try plan { $0 }
        #expect(plan.isEmpty)
        #expect(plan.effective == (try config(Self.base)))
    }

    @Test func subnetOptionsAndReservationsApplyLive() throws {
        let plan = try plan {
            $0.replacingOccurrences(
                of: "routers: [198.18.0.1]",
                with: """
                    routers: [198.18.0.1]
                          domain_name: lab.example
                          reservations:
                            - { mac: "02:00:00:00:00:01", ip: 198.18.0.50 }
                    """)
        }
        #expect(plan.applied == ["dhcp.subnets"])
        #expect(plan.needsRestart.isEmpty)
        let subnet = try #require(plan.effective.dhcp?.subnets.first)
        #expect(subnet.domainName == "lab.example")
        #expect(subnet.reservations.map(\.ip.description) == ["198.18.0.50"])
    }

    @Test func tftpRootAppliesLiveButItsListenAddressWaitsForARestart() throws {
        let plan = try plan {
            $0.replacingOccurrences(of: "/srv/tftp", with: "/srv/tftp2")
                .replacingOccurrences(of: "0.0.0.0:69", with: "198.18.0.1:69")
        }
        #expect(plan.applied == ["tftp.root"])
        #expect(plan.needsRestart == ["tftp.listen"])
        #expect(plan.effective.tftp?.root == "/srv/tftp2")
        #expect(plan.effective.tftp?.listen.map(\.description) == ["0.0.0.0:69"])
    }

    @Test func interfacesStateDirUserAndSyslogKeepTheirRunningValues() throws {
        let plan = try plan {
            "user: nobody\n"
                + $0.replacingOccurrences(of: "[eth1]", with: "[eth2]")
                .replacingOccurrences(of: "/var/lib/dialtone", with: "/tmp/elsewhere")
                .replacingOccurrences(of: "0.0.0.0:514", with: "0.0.0.0:5514")
                .replacingOccurrences(of: "198.18.0.150", with: "198.18.0.160")
        }
        #expect(Set(plan.needsRestart) == ["state_dir", "user", "syslog", "dhcp.interfaces"])
        #expect(plan.effective.user == nil)
        #expect(plan.applied == ["dhcp.subnets"])
        #expect(plan.effective.stateDirectory == "/var/lib/dialtone")
        #expect(plan.effective.dhcp?.interfaces == ["eth1"])
        #expect(plan.effective.syslog?.listen.first?.port == 514)
        #expect(plan.effective.dhcp?.subnets.first?.pools.first?.description.hasSuffix("198.18.0.160") == true)
    }

    @Test func aSectionAddedOrRemovedStartsOrStopsNothingUntilARestart() throws {
        let added = try plan { $0 + "\nsntp:\n  listen: [\"0.0.0.0:123\"]\n" }
        #expect(added.needsRestart == ["sntp (section added)"])
        #expect(added.effective.sntp == nil)
        let removed = try plan { $0.replacingOccurrences(of: "syslog:\n  listen: [\"0.0.0.0:514\"]", with: "") }
        #expect(removed.needsRestart == ["syslog (section removed)"])
        #expect(removed.effective.syslog != nil)
    }

    @Test func tftpFullSpeedTransfersApplyLive() throws {
        let plan = try plan {
            $0.replacingOccurrences(of: "  root: /srv/tftp", with: "  root: /srv/tftp\n  full_speed_transfers: 8")
        }
        #expect(plan.applied == ["tftp.full_speed_transfers"])
        #expect(plan.needsRestart.isEmpty)
        #expect(plan.effective.tftp?.fullSpeedTransfers == 8)
    }

    @Test func dhcpTasksAndPortsNeedARestartWhileLimitsApply() throws {
        let plan = try plan {
            $0.replacingOccurrences(
                of: "  interfaces: [eth1]",
                with: "  interfaces: [eth1]\n  port: 1067\n  conflict_check: arp\n  allocator: random\n"
                    + "  client_rate_limit: 5")
        }
        #expect(Set(plan.needsRestart) == ["dhcp.port", "dhcp.conflict_check", "dhcp.allocator"])
        #expect(plan.applied == ["dhcp.client_rate_limit"])
        #expect(plan.effective.dhcp?.port == 67)
        #expect(plan.effective.dhcp?.clientRateLimit == 5)
    }
}

/// proxyDHCP: the subnets apply at once, the PXE port they need is bound at start.
struct ReloadPlanProxyTests {
    @Test func aFirstProxySubnetAppliesAndNamesThePortThatWaits() throws {
        let running = try ConfigLoader.load(yaml: ReloadPlanTests.base, file: "dialtone.yaml")
        let proxy = ReloadPlanTests.base.replacingOccurrences(
            of: "      routers: [198.18.0.1]\n",
            with:
                "      routers: [198.18.0.1]\n    - subnet: 198.18.1.0/24\n      proxy: true\n      boot_file: undionly.kpxe\n"
        )
        let loaded = try ConfigLoader.load(yaml: proxy, file: "dialtone.yaml")
        let plan = ReloadPlan(running: running, loaded: loaded)
        #expect(plan.applied == ["dhcp.subnets"])
        #expect(plan.needsRestart == ["dhcp.subnets[].proxy (binds pxe_port 4011 at start)"])
    }
}

/// Every key a reload may meet has a decision: a field added to the configuration without one would be
/// reported as nothing and silently left to whatever reads it. When this fails, decide in ReloadPlan
/// whether the new field is applied live or kept until a restart, then add it here.
struct ReloadPlanCoverageTests {
    func fields(_ value: Any) -> Set<String> { Set(Mirror(reflecting: value).children.compactMap(\.label)) }

    @Test func everyFieldOfTheConfigurationHasAReloadDecision() throws {
        let config = try ConfigLoader.load(yaml: ReloadPlanTests.base, file: "dialtone.yaml")
        #expect(
            fields(config) == [
                "sourceFile", "stateDirectory", "user", "store", "dhcp", "tftp", "syslog", "sntp", "web", "phones",
                "http",
            ])
        #expect(
            fields(try #require(config.dhcp)) == [
                "interfaces", "port", "clientPort", "authoritative", "conflictCheck", "watchOtherServers", "subnets",
                "classes", "allocator", "clientRateLimit", "relayRateLimit", "advisories", "pxePort",
            ])
        #expect(
            fields(try #require(config.tftp)) == [
                "root", "listen", "allowWrite", "allowOverwrite", "caseInsensitive", "maxBlockSize", "maxWindowSize",
                "timeout", "retries", "maxTransfers", "portRange", "clientRateLimit", "fullSpeedTransfers",
            ])
    }
}
