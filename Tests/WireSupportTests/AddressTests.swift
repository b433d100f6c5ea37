import Testing
import WireSupport

@Suite struct AddressTests {
    @Test(arguments: ["00:1e:7a:25:54:a1", "00-1E-7A-25-54-A1", "001e.7a25.54a1", "001E7A2554A1"])
    func macNotations(_ text: String) throws {
        let mac = try #require(MACAddress(text))
        #expect(mac.description == "00:1e:7a:25:54:a1")
        #expect(mac.compactUppercase == "001E7A2554A1")
    }

    @Test(arguments: ["00:1e:7a:25:54", "0:01e:7a:25:54:a1", "zz:1e:7a:25:54:a1", "", "00:1e:7a:25:54:a1:ff"])
    func badMACs(_ text: String) { #expect(MACAddress(text) == nil) }

    /// A MAC is one integer inside (MACAddress.swift says why); bytes, order and prefixes still read as bytes.
    @Test func macBytesOrderAndPrefixes() throws {
        let bytes: [UInt8] = [0x00, 0x1E, 0x7A, 0x25, 0x54, 0xA1]
        let mac = try #require(MACAddress(bytes: bytes))
        #expect(mac.bytes == bytes && mac.oui == [0x00, 0x1E, 0x7A] && mac[5] == 0xA1)
        #expect(MACAddress(bytes: [0xFF] + bytes)?.bytes == nil && MACAddress(bytes: Array(bytes.prefix(5))) == nil)
        #expect(MACAddress(bytes: ([0x01] + bytes).dropFirst()) == mac)
        #expect(mac.hasPrefix([0x00, 0x1E, 0x7A]) && mac.hasPrefix([]) && mac.hasPrefix(bytes))
        #expect(!mac.hasPrefix([0x00, 0x1E, 0x7B]) && !mac.hasPrefix(bytes + [0]))
        let sorted = ["ff:00:00:00:00:00", "00:00:00:00:00:01", "00:ff:00:00:00:00", "00:00:00:00:00:00"]
            .compactMap { MACAddress($0) }.sorted().map(\.description)
        #expect(sorted == ["00:00:00:00:00:00", "00:00:00:00:00:01", "00:ff:00:00:00:00", "ff:00:00:00:00:00"])
        #expect(Set([mac, MACAddress("00:1e:7a:25:54:a1")!]).count == 1)
    }

    @Test func ipv4Parsing() {
        #expect(IPv4Address("192.168.10.100")?.octets == [192, 168, 10, 100])
        for bad in ["256.1.1.1", "1.2.3", "1.2.3.4.5", "a.b.c.d", " 1.2.3.4", "1..2.3"] {
            #expect(IPv4Address(bad) == nil, "\(bad)")
        }
    }

    @Test(arguments: ["0.0.0.0", "255.255.255.255", "10.100.9.200", "192.168.10.1", "1.20.199.9"])
    func ipv4TextRoundTrip(_ text: String) throws {
        #expect(try #require(IPv4Address(text)).description == text)
    }

    @Test func subnetsAndRanges() throws {
        let subnet = try #require(IPv4Subnet("192.168.10.0/24"))
        #expect(subnet.mask.description == "255.255.255.0")
        #expect(subnet.broadcast.description == "192.168.10.255")
        #expect(subnet.contains(IPv4Address("192.168.10.77")!))
        #expect(!subnet.contains(IPv4Address("192.168.11.1")!))
        #expect(IPv4Subnet("192.168.10.5/24") == nil, "host bits set")
        let range = try #require(IPv4Range("192.168.10.1-192.168.10.5"))
        #expect(range.count == 5)
        #expect(IPv4Range("192.168.10.5-192.168.10.1") == nil)
    }
}
