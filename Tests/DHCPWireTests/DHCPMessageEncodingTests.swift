import DHCPWire
import Testing
import WireSupport

@Suite struct DHCPMessageEncodingTests {
    @Test func roundTripOfGoldenVectors() throws {
        for vector in [
            GoldenVectors.ciscoDiscover, GoldenVectors.udhcpcDiscover, GoldenVectors.dhclientDiscover,
            GoldenVectors.relayedDiscover,
        ] {
            let message = try DHCPMessage(decoding: vector)
            let encoded = message.encode(minimumSize: vector.count)
            #expect(encoded == vector)
            #expect(try DHCPMessage(decoding: encoded) == message)
        }
    }

    @Test func orderPadAndSplit() throws {
        var message = DHCPMessage(op: DHCPMessage.bootReply, xid: 9)
        message.options.set(.relayAgentInformation, [1, 1, 0x41])
        message.options.set(.routers, [10, 0, 0, 1])
        message.options.setMessageType(.offer)
        message.options.set(.vendorSpecific, Array(repeating: 7, count: 300))
        let bytes = message.encode(minimumSize: 300)
        #expect(bytes.count >= 300)
        #expect(Array(bytes[240..<243]) == [53, 1, 2], "53 first")
        let decoded = try DHCPMessage(decoding: bytes)
        #expect(decoded.options.codes.last == .relayAgentInformation, "82 last")
        #expect(decoded.options[.vendorSpecific]?.count == 300, "split per RFC 3396 and joined again")
        let small = DHCPMessage(op: DHCPMessage.bootReply, xid: 1).encode(minimumSize: 300)
        #expect(small.count == 300, "padded to the BOOTP minimum")
    }

    /// RFC 3046 §2.2: option 82 is echoed even when the size cap leaves other options out; they make room.
    @Test func roomForRelayInformationComesFirst() throws {
        var message = DHCPMessage(op: DHCPMessage.bootReply, xid: 9)
        message.options.setMessageType(.offer)
        message.options.set(.vendorSpecific, Array(repeating: 7, count: 290))
        message.options.set(.routers, [10, 0, 0, 1])
        message.options.set(.relayAgentInformation, Array(repeating: 1, count: 20))
        let bytes = message.encode(maximumSize: 548)
        let decoded = try DHCPMessage(decoding: bytes)
        #expect(decoded.options.codes == [.messageType, .routers, .relayAgentInformation], "43 left out whole")
        #expect(message.encodedOptionCodes(maximumSize: 548) == decoded.options.codes)
        #expect(message.encodedSize(maximumSize: 548) == bytes.count && bytes.count <= 548)
    }

    /// 53 and 54 come before the room kept for 82: an option 82 too large to fit beside them is left out.
    @Test func messageTypeAndServerIdentifierOutrankAHugeOption82() throws {
        var message = DHCPMessage(op: DHCPMessage.bootReply, xid: 9)
        message.options.setMessageType(.ack)
        message.options.setIPv4(.serverIdentifier, IPv4Address("10.0.0.1")!)
        message.options.set(.relayAgentInformation, Array(repeating: 1, count: 250))
        #expect(message.encodedOptionCodes(maximumSize: 400) == [.messageType, .serverIdentifier])
        #expect(
            message.encodedOptionCodes(maximumSize: 548) == [.messageType, .serverIdentifier, .relayAgentInformation])
    }

    /// Property: decode(encode(x)) == x for random messages. The seed is printed so a failure can be replayed.
    @Test func randomRoundTrip() throws {
        var rng = SplitMix(seed: UInt64.random(in: 0...UInt64.max))
        print("DHCP round-trip seed: \(rng.seed)")
        for _ in 0..<500 {
            var m = DHCPMessage(op: UInt8(rng.next() % 2 + 1), xid: UInt32(truncatingIfNeeded: rng.next()))
            m.secs = UInt16(truncatingIfNeeded: rng.next())
            m.flags = rng.next() % 2 == 0 ? 0 : 0x8000
            m.yiaddr = IPv4Address(rawValue: UInt32(truncatingIfNeeded: rng.next()))
            m.chaddr = (0..<16).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let count = Int(rng.next() % 12)
            var used = Set<UInt8>([0, 255, 52])
            for _ in 0..<count {
                let code = UInt8(truncatingIfNeeded: rng.next() % 254 + 1)
                if used.contains(code) { continue }
                used.insert(code)
                let length = Int(rng.next() % 600)
                m.options.set(DHCPOptionCode(code), (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
            }
            // encodedSize is encode's length without padding, at any cap (options left out alike).
            for maximum in [548, 1000, 65_507] {
                #expect(m.encodedSize(maximumSize: maximum) == m.encode(maximumSize: maximum).count, "seed \(rng.seed)")
            }
            let decoded = try DHCPMessage(decoding: m.encode())
            #expect(decoded.options.entries.count == m.options.entries.count, "seed \(rng.seed)")
            for entry in m.options {
                #expect(decoded.options[entry.code] == entry.value, "seed \(rng.seed) code \(entry.code)")
            }
            #expect(decoded.xid == m.xid && decoded.yiaddr == m.yiaddr && decoded.chaddr == m.chaddr)
        }
    }
}

struct SplitMix {
    let seed: UInt64
    private var state: UInt64
    init(seed: UInt64) {
        self.seed = seed
        state = seed
    }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
