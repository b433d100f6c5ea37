import PeerImport
import Testing
import WireSupport

/// 2026-12-02 01:00:00 UTC, the "now" of every sample below.
let now: EpochMilliseconds = 1_796_173_200_000

@Suite struct DnsmasqLeaseFileTests {
    // The shape dnsmasq's lease.c writes (dnsmasq(8), --dhcp-leasefile): expiry mac ip hostname client-id.
    let sample = """
        1796216400 00:1e:7a:25:54:a1 198.18.0.10 lobby-phone 01:00:1e:7a:25:54:a1
        0 02:00:00:00:00:02 198.18.0.11 * *
        1796000000 02:00:00:00:00:03 198.18.0.12 old *
        duid 00:01:00:01:2c:8f:9b:3e:02:00:00:00:00:01
        1796216400 1234 2001:db8::10 v6host 00:01:00:01
        """

    @Test func activeLeasesWithExpiryClientIDAndHostname() throws {
        let contents = try PeerLeaseFormat.dnsmasq.parse(sample, file: "dnsmasq.leases", now: now)
        #expect(contents.leases.map(\.ip.description) == ["198.18.0.10", "198.18.0.11"])
        let first = contents.leases[0]
        #expect(first.mac?.description == "00:1e:7a:25:54:a1")
        #expect(first.hostname == "lobby-phone")
        #expect(first.clientID == [1, 0, 0x1e, 0x7a, 0x25, 0x54, 0xa1])
        #expect(first.expires == .at(1_796_216_400_000))
        #expect(contents.leases[1].expires == .never)
        #expect(contents.leases[1].hostname == nil && contents.leases[1].clientID == nil)
        #expect(contents.skipped.map(\.line) == [3, 5])
        #expect(contents.skipped.allSatisfy { $0.kind == .inactive })
        #expect(contents.skipped[0].reason.contains("expired"))
    }

    @Test func malformedLinesAreSkippedWithTheirLineNumber() throws {
        let text = """
            1796216400 00:1e:7a:25:54:a1 198.18.0.10 phone
            soon 00:1e:7a:25:54:a2 198.18.0.11 phone *
            1796216400 00:1e:7a:25:54:a3 198.18.0.300 phone *
            1796216400 not-a-mac 198.18.0.12 phone *
            1796216400 00:1e:7a:25:54:a4 198.18.0.13 phone zz
            1796216400 0:1e:7a:25:54:a5 198.18.0.14 phone *
            """
        let contents = try PeerLeaseFormat.dnsmasq.parse(text, file: "x", now: now)
        #expect(contents.skipped.map(\.line) == [1, 2, 3, 4, 5])
        #expect(contents.skipped.allSatisfy { $0.kind == .malformed })
        #expect(contents.skipped[0].reason.contains("5 fields"))
        // dnsmasq prints bytes without a leading zero on some platforms: still a MAC.
        #expect(contents.leases.map(\.mac?.description) == ["00:1e:7a:25:54:a5"])
    }
}

@Suite struct KeaLeaseFileTests {
    static let header =
        "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context"

    @Test func lastRowPerAddressDecides() throws {
        // Kea's memfile is a journal: a renewal appends a row, a deletion appends one with valid lifetime 0.
        let text = """
            \(Self.header)
            198.18.0.20,02:00:00:00:00:20,01:02:00:00:00:00:20,3600,1796100000,1,0,0,first,0,
            198.18.0.20,02:00:00:00:00:20,01:02:00:00:00:00:20,3600,1796176800,1,0,0,a&#x2cb,0,
            198.18.0.21,02:00:00:00:00:21,,3600,1796176800,1,0,0,,0,
            198.18.0.21,02:00:00:00:00:21,,0,1796173000,1,0,0,,0,
            198.18.0.22,02:00:00:00:00:22,,3600,1796176800,1,0,0,,1,
            198.18.0.23,02:00:00:00:00:23,,3600,1796176800,1,0,0,,2,
            198.18.0.24,02:00:00:00:00:24,,4294967295,1796176800,1,0,0,forever,0,
            198.18.0.25,02:00:00:00:00:25,,3600,1796100000,1,0,0,,0,
            """
        let contents = try PeerLeaseFormat.kea.parse(text, file: "kea-leases4.csv", now: now)
        #expect(contents.leases.map(\.ip.description) == ["198.18.0.20", "198.18.0.24"])
        #expect(contents.leases[0].hostname == "a,b")
        #expect(contents.leases[0].expires == .at(1_796_176_800_000))
        #expect(contents.leases[0].clientID == [1, 2, 0, 0, 0, 0, 0x20])
        #expect(contents.leases[1].expires == .never)
        let reasons = contents.skipped.map(\.description)
        #expect(
            reasons == [
                "line 5: 198.18.0.21 deleted (valid lifetime 0)", "line 6: 198.18.0.22 declined",
                "line 7: 198.18.0.23 expired-reclaimed", "line 9: 198.18.0.25 expired",
            ])
    }

    @Test func poolIDColumnOfNewerKea() throws {
        let text = Self.header + ",pool_id\n198.18.0.30,02:00:00:00:00:30,,3600,1796176800,1,0,0,h,0,,0\n"
        let contents = try PeerLeaseFormat.kea.parse(text, file: "x", now: now)
        #expect(contents.leases.map(\.mac?.description) == ["02:00:00:00:00:30"])
    }

    @Test func aFileThatIsNotKeasIsRefusedWithFileAndLine() {
        #expect(
            throws: PeerImportError(
                file: "dnsmasq.leases", line: 1,
                message:
                    "not a Kea DHCPv4 lease file: the header lacks address, hwaddr, client_id, valid_lifetime, expire, hostname, state (expected `address,hwaddr,client_id,valid_lifetime,expire,subnet_id,...,state,user_context`)"
            )
        ) {
            try PeerLeaseFormat.kea.parse(
                "1796216400 00:1e:7a:25:54:a1 198.18.0.10 * *\n", file: "dnsmasq.leases", now: now)
        }
    }

    @Test func malformedRows() throws {
        let text = """
            \(Self.header)
            198.18.0.40,02:00:00:00:00:40,,3600
            2001:db8::1,02:00:00:00:00:41,,3600,1796176800,1,0,0,,0,
            198.18.0.42,02:00:00:00:00:42,,long,1796176800,1,0,0,,0,
            198.18.0.43,zz,,3600,1796176800,1,0,0,,0,
            """
        let contents = try PeerLeaseFormat.kea.parse(text, file: "x", now: now)
        #expect(contents.leases.isEmpty)
        #expect(contents.skipped.map(\.line) == [2, 3, 4, 5])
        #expect(contents.skipped.allSatisfy { $0.kind == .malformed })
    }
}

/// Files written by the real programs (Tests/Integration/peer-import.sh with PEER_FILES_OUT, on Debian 12:
/// dnsmasq 2.90, Kea 2.2.0, isc-dhcp-server 4.4.3-P1), each for busybox udhcpc clients.
@Suite struct RealPeerFileTests {
    static func fixture(_ name: String) throws -> String {
        let here = #filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast(2).joined(separator: "/")
        return try String(contentsOfFile: here + "/Fixtures/peers/" + name, encoding: .utf8)
    }

    /// Just after the files were written (2026-12-02 01:51:48 UTC), before any lease ran out.
    let written: EpochMilliseconds = 1_796_176_310_000

    @Test(arguments: [
        (PeerLeaseFormat.dnsmasq, "dnsmasq.leases", ["198.18.0.132 02:00:00:00:01:01 dnsmasq-phone"]),
        // Kea: .140 was leased, then released (a row with valid lifetime 0), so only .141 is active.
        (PeerLeaseFormat.kea, "kea-leases4.csv", ["198.18.0.141 02:00:00:00:01:02 kea-phone"]),
        (PeerLeaseFormat.dhcpd, "dhcpd.leases", ["198.18.0.146 02:00:00:00:01:03 dhcpd-phone"]),
    ])
    func realFiles(format: PeerLeaseFormat, name: String, expected: [String]) throws {
        let text = try Self.fixture(name)
        let contents = try format.parse(text, file: name, now: written)
        #expect(contents.leases.map { "\($0.ip) \($0.mac?.description ?? "-") \($0.hostname ?? "-")" } == expected)
        #expect(
            contents.leases.allSatisfy { $0.clientID == [1] + ($0.mac?.bytes ?? []) }, "udhcpc sends client id 1 + MAC")
        #expect(!contents.skipped.contains { $0.kind == .malformed })
        if format == .kea {
            #expect(contents.skipped.map(\.description) == ["line 3: 198.18.0.140 deleted (valid lifetime 0)"])
        }
        // Two hours later every lease (one hour each) has run out.
        let later = try format.parse(text, file: name, now: written + 7_200_000)
        #expect(later.leases.isEmpty)
    }
}
