import DHCPServerCore
import DialtoneConfig
import PeerImport
import Testing
import WireSupport

@Suite struct LeaseImportPlanTests {
    static let subnet = SubnetConfiguration(
        subnet: IPv4Subnet("198.18.0.0/24")!, pools: [IPv4Range("198.18.0.100-198.18.0.150")!],
        leaseTime: .seconds(600),
        routers: [], dnsServers: [], domainName: nil, ntpServers: [], tftpServers: [], tftpServerName: nil,
        nextServer: nil,
        bootFile: "", options: [],
        reservations: [
            Reservation(
                mac: MACAddress("02:00:00:00:00:99"), clientID: nil, ip: IPv4Address("198.18.0.50")!, hostname: nil)
        ])

    static func binding(_ ip: String, _ mac: String, line: Int, expires: ImportedLease.Expiry = .at(now + 3_600_000))
        -> ImportedLease
    {
        ImportedLease(
            ip: IPv4Address(ip)!, mac: MACAddress(mac), clientID: nil, hostname: "h\(line)", expires: expires,
            line: line)
    }

    @Test func whatIsImportedAndWhatIsNot() {
        let existing = [
            Lease(
                ip: IPv4Address("198.18.0.101")!, mac: MACAddress("02:00:00:00:00:01"), clientID: nil, hostname: nil,
                state: .bound, expires: now + 60_000, updated: now),
            Lease(
                ip: IPv4Address("198.18.0.102")!, mac: MACAddress("02:00:00:00:00:02"), clientID: nil, hostname: nil,
                state: .bound, expires: now + 60_000, updated: now),
            // Expired: its address is free to import over.
            Lease(
                ip: IPv4Address("198.18.0.103")!, mac: MACAddress("02:00:00:00:00:03"), clientID: nil, hostname: nil,
                state: .bound, expires: now - 1, updated: now),
        ]
        let imported = [
            Self.binding("198.18.0.110", "02:00:00:00:00:10", line: 1),
            Self.binding("10.0.0.5", "02:00:00:00:00:11", line: 2),
            Self.binding("198.18.0.50", "02:00:00:00:00:12", line: 3),
            Self.binding("198.18.0.101", "02:00:00:00:00:13", line: 4),
            Self.binding("198.18.0.120", "02:00:00:00:00:02", line: 5),
            Self.binding("198.18.0.103", "02:00:00:00:00:14", line: 6, expires: .never),
            Self.binding("198.18.0.102", "02:00:00:00:00:02", line: 7),
            Self.binding("198.18.0.20", "02:00:00:00:00:20", line: 8),
            Self.binding("198.18.0.50", "02:00:00:00:00:99", line: 9),
        ]
        let plan = LeaseImportPlan(imported, subnets: [Self.subnet], existing: existing, now: now)
        // The reserved address outside the pools is imported for its own client.
        #expect(plan.leases.map(\.ip.description) == ["198.18.0.110", "198.18.0.103", "198.18.0.102", "198.18.0.50"])
        #expect(plan.leases.allSatisfy { $0.state == .bound && $0.updated == now })
        #expect(plan.leases[1].expires == now + 600_000)
        #expect(plan.notes.count == 1 && plan.notes[0].hasPrefix("line 6: 198.18.0.103: an infinite lease"))
        #expect(
            plan.skipped.map(\.description) == [
                "line 2: 10.0.0.5: in no configured subnet (dhcp.subnets)",
                "line 3: 198.18.0.50: reserved in the config for 02:00:00:00:00:99",
                "line 4: 198.18.0.101: held in the store by 02:00:00:00:00:01 until \(LeaseExport.iso8601(now + 60_000))",
                "line 5: 198.18.0.120: 02:00:00:00:00:02 already holds 198.18.0.102 in the store",
                "line 8: 198.18.0.20: outside the pools of 198.18.0.0/24 (add it to a pool, or reserve it)",
            ])
    }
}

@Suite struct LeaseExportTests {
    @Test func csvQuotesAndMarksExpiredLeases() {
        let leases = [
            Lease(
                ip: IPv4Address("198.18.0.10")!, mac: MACAddress("02:00:00:00:00:10"),
                clientID: [1, 2, 0, 0, 0, 0, 0x10], hostname: "a,\"b\"", state: .bound, expires: now + 1000,
                updated: now),
            Lease(
                ip: IPv4Address("198.18.0.11")!, mac: nil, clientID: nil, hostname: nil, state: .bound,
                expires: now - 1000, updated: now),
        ]
        let expected = [
            "ip,mac,client_id,hostname,state,expires",
            #"198.18.0.10,02:00:00:00:00:10,01:02:00:00:00:00:10,"a,""b""",bound,2026-12-02T01:00:01Z"#,
            "198.18.0.11,,,,expired,2026-12-02T00:59:59Z",
        ]
        #expect(LeaseExport.csv(leases, now: now) == expected.map { $0 + "\r\n" }.joined())
    }

    /// Issue 14: a hostname is the client's choice; a CSV record stays one line without escape sequences.
    @Test func csvMakesAHostnamesControlCharactersVisible() {
        let lease = Lease(
            ip: IPv4Address("198.18.0.12")!, mac: MACAddress("02:00:00:00:00:12"), clientID: nil,
            hostname: "x\r\n198.18.0.99,02:00:00:00:00:99,,forged,bound,2099-01-01T00:00:00Z\u{1B}[2J",
            state: .bound, expires: now + 1000, updated: now)
        let records = LeaseExport.csv([lease], now: now).split(separator: "\r\n")
        #expect(records.count == 2)
        #expect(
            records.last
                == #"198.18.0.12,02:00:00:00:00:12,,"x\r\n198.18.0.99,02:00:00:00:00:99,,forged,bound,2099-01-01T00:00:00Z\u{1B}[2J",bound,2026-12-02T01:00:01Z"#
        )
    }

    @Test func iso8601MatchesFoundationsFormat() {
        #expect(LeaseExport.iso8601(0) == "1970-01-01T00:00:00Z")
        #expect(LeaseExport.iso8601(1_582_979_696_000) == "2020-02-29T12:34:56Z")
        #expect(LeaseExport.iso8601(946_684_799_999) == "1999-12-31T23:59:59Z")
        #expect(LeaseExport.iso8601(-1000) == "1969-12-31T23:59:59Z")
    }
}
