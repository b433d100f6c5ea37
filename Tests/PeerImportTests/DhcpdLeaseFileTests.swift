import PeerImport
import Testing
import WireSupport

/// ISC dhcpd is not run by these tests; the samples follow dhcpd.leases(5) (ISC DHCP 4.4), field by field.
@Suite struct DhcpdLeaseFileTests {
    static let sample = #"""
        # The format of this file is documented in the dhcpd.leases(5) manual page.
        # This lease file was written by isc-dhcp-4.4.3-P1

        # authoring-byte-order entry is generated, DO NOT DELETE
        authoring-byte-order little-endian;

        server-duid "\000\001\000\001,\217\233>\002\000\000\000\000\001";

        lease 198.18.0.50 {
          starts 3 2026/12/02 00:00:00;
          ends 3 2026/12/02 12:00:00;
          tstp 3 2026/12/02 12:00:00;
          cltt 3 2026/12/02 00:00:00;
          binding state active;
          next binding state free;
          rewind binding state free;
          hardware ethernet 00:1e:7a:25:54:a1;
          uid "\001\000\036z%T\241";
          set vendor-class-identifier = "Cisco Systems, Inc. IP Phone CP-7970G";
          client-hostname "lobby-phone";
        }
        lease 198.18.0.51 {
          starts 3 2026/12/01 00:00:00;
          ends 3 2026/12/01 12:00:00;
          binding state active;
          hardware ethernet 02:00:00:00:00:51;
        }
        lease 198.18.0.52 {
          starts 3 2026/12/02 00:00:00;
          ends never;
          binding state active;
          hardware ethernet 02:00:00:00:00:52;
          on expiry { set foo = "bar"; }
        }
        lease 198.18.0.53 {
          starts 3 2026/12/02 00:00:00;
          ends epoch 1796216400; # Wed Dec 02 13:00:00 2026
          binding state active;
          hardware ethernet 02:00:00:00:00:53;
        }
        lease 198.18.0.54 {
          ends 3 2026/12/02 12:00:00;
          binding state active;
          hardware ethernet 02:00:00:00:00:54;
        }
        lease 198.18.0.54 {
          ends 3 2026/12/02 00:30:00;
          binding state free;
          hardware ethernet 02:00:00:00:00:54;
        }
        host static-phone {
          dynamic;
          hardware ethernet 02:00:00:00:00:99;
          fixed-address 198.18.0.99;
        }
        """#

    @Test func activeLeasesLastDeclarationWins() throws {
        let contents = try PeerLeaseFormat.dhcpd.parse(Self.sample, file: "dhcpd.leases", now: now)
        #expect(contents.leases.map(\.ip.description) == ["198.18.0.50", "198.18.0.52", "198.18.0.53"])
        let phone = contents.leases[0]
        #expect(phone.mac?.description == "00:1e:7a:25:54:a1")
        #expect(phone.hostname == "lobby-phone")
        // "\001\000\036z%T\241": octal escapes and printable bytes, type 1 + the MAC.
        #expect(phone.clientID == [1, 0x00, 0x1e, 0x7a, 0x25, 0x54, 0xa1])
        #expect(phone.expires == .at(1_796_216_400_000 - 3_600_000))
        #expect(phone.line == 9)
        #expect(contents.leases[1].expires == .never)
        #expect(contents.leases[2].expires == .at(1_796_216_400_000))
        #expect(
            contents.skipped.map(\.description) == [
                "line 22: 198.18.0.51 expired", "line 46: 198.18.0.54 in binding state free",
            ])
    }

    @Test func calendarDatesAreUTC() throws {
        for (date, seconds): (String, Int64) in [
            ("2020/02/29 12:34:56", 1_582_979_696), ("1999/12/31 23:59:59", 946_684_799),
            ("2030/01/01 00:00:00", 1_893_456_000),
        ] {
            let text =
                "lease 198.18.0.60 { ends 0 \(date); binding state active; hardware ethernet 02:00:00:00:00:60; }"
            let contents = try PeerLeaseFormat.dhcpd.parse(text, file: "x", now: 0)
            #expect(contents.leases.first?.expires == .at(seconds * 1000), "\(date)")
        }
    }

    @Test func malformedDeclarationsAreSkippedAndBrokenFilesRefused() throws {
        let text = """
            lease 198.18.0.70 { ends 3 2026/13/02 12:00:00; binding state active; hardware ethernet 02:00:00:00:00:70; }
            lease 198.18.0.71 { ends never; binding state active; }
            lease 198.18.0.300 { ends never; binding state active; hardware ethernet 02:00:00:00:00:72; }
            lease 198.18.0.73 { binding state active; hardware ethernet 02:00:00:00:00:73; }
            """
        let contents = try PeerLeaseFormat.dhcpd.parse(text, file: "x", now: now)
        #expect(contents.leases.isEmpty)
        #expect(contents.skipped.map(\.line) == [1, 2, 3, 4])
        #expect(contents.skipped.allSatisfy { $0.kind == .malformed })
        #expect(
            throws: PeerImportError(
                file: "dhcpd.leases", line: 2, message: "this block is never closed (a `}` is missing)")
        ) {
            try PeerLeaseFormat.dhcpd.parse("\nlease 198.18.0.80 {\n ends never;\n", file: "dhcpd.leases", now: now)
        }
        #expect(throws: PeerImportError(file: "dhcpd.leases", line: 3, message: "a quoted string is never closed")) {
            try PeerLeaseFormat.dhcpd.parse(
                "\n\nlease 198.18.0.80 { client-hostname \"x; }\n", file: "dhcpd.leases", now: now)
        }
    }
}

/// A file given with the wrong `--from` is refused at its first line, not imported as nothing.
@Suite struct WrongFormatTests {
    @Test func eachParserRefusesTheOthersFiles() throws {
        let kea = try RealPeerFileTests.fixture("kea-leases4.csv")
        let dhcpd = try RealPeerFileTests.fixture("dhcpd.leases")
        let dnsmasq = try RealPeerFileTests.fixture("dnsmasq.leases")
        #expect(throws: PeerImportError.self) { try PeerLeaseFormat.dhcpd.parse(kea, file: "k", now: now) }
        #expect(throws: PeerImportError.self) { try PeerLeaseFormat.dhcpd.parse(dnsmasq, file: "d", now: now) }
        #expect(
            throws: PeerImportError(
                file: "k", line: 1,
                message:
                    "not a dnsmasq lease file: no line reads `EXPIRY MAC IP HOSTNAME CLIENT-ID` (dnsmasq(8), --dhcp-leasefile)"
            )
        ) {
            try PeerLeaseFormat.dnsmasq.parse(kea, file: "k", now: now)
        }
        #expect(throws: PeerImportError.self) { try PeerLeaseFormat.dnsmasq.parse(dhcpd, file: "h", now: now) }
        #expect(throws: PeerImportError.self) { try PeerLeaseFormat.kea.parse(dnsmasq, file: "d", now: now) }
        #expect(throws: PeerImportError.self) { try PeerLeaseFormat.kea.parse(dhcpd, file: "h", now: now) }
    }
}
