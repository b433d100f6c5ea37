import DHCPWire
import Testing
import WireSupport

@Suite struct DHCPMessageDecodingTests {
    @Test func ciscoPhoneDiscover() throws {
        let bytes = GoldenVectors.ciscoDiscover
        #expect(bytes.count == 548)
        let message = try DHCPMessage(decoding: bytes)
        #expect(message.messageType == .discover)
        #expect(message.isBroadcastFlagSet)
        #expect(message.secs == 48)
        #expect(message.clientMAC?.description == "00:1e:7a:25:54:a1")
        #expect(
            message.options.vendorClass == "Cisco Systems, Inc. IP Phone CP-7970G",
            "trailing NUL stripped (RFC 2132 §2)")
        #expect(message.options[.vendorClass]?.last == 0, "raw bytes are kept losslessly")
        #expect(message.options.hostName == "SEP001E7A2554A1")
        #expect(message.options.parameterRequestList.map(\.rawValue) == [1, 66, 6, 3, 15, 150, 35])
        #expect(message.options.clientIdentifier == [1] + GoldenVectors.ciscoMAC)
    }

    @Test func udhcpcAndDhclient() throws {
        let udhcpc = try DHCPMessage(decoding: GoldenVectors.udhcpcDiscover)
        #expect(try udhcpc.options.maxMessageSize == 576)
        #expect(udhcpc.options.vendorClass == "udhcp 1.35.0")
        let dhclient = try DHCPMessage(decoding: GoldenVectors.dhclientDiscover)
        #expect(dhclient.options.clientIdentifier == nil)
        #expect(dhclient.options.parameterRequestList.count == 13)
    }

    @Test func relayedDiscoverWithOption82() throws {
        let message = try DHCPMessage(decoding: GoldenVectors.relayedDiscover)
        #expect(message.giaddr == IPv4Address("10.20.0.1"))
        #expect(message.hops == 1)
        let info = try #require(try message.options.relayAgentInformation)
        #expect(String(decoding: info.circuitID ?? [], as: UTF8.self) == "Gi1/0/7")
        #expect(info.remoteID == [0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF])
    }

    @Test func longOptionsAreConcatenated() throws {
        // RFC 3396: two instances of option 43 form one value.
        var bytes = GoldenVectors.header(xid: 1, mac: GoldenVectors.ciscoMAC)
        bytes += [53, 1, 1, 43, 3, 1, 2, 3, 12, 1, 0x41, 43, 2, 4, 5, 255]
        let message = try DHCPMessage(decoding: bytes)
        #expect(message.options[.vendorSpecific] == [1, 2, 3, 4, 5])
        #expect(message.options.codes.map(\.rawValue) == [53, 43, 12])
    }

    @Test func optionOverloadReadsFileThenSname() throws {
        var bytes = GoldenVectors.header(xid: 2, mac: GoldenVectors.ciscoMAC)
        bytes[108] = 67
        bytes[109] = 3
        bytes[110...112] = [0x61, 0x62, 0x63]  // option 67 "abc" inside `file`
        bytes[113] = 255
        bytes += [53, 1, 1, 52, 1, 1, 255]
        let message = try DHCPMessage(decoding: bytes)
        #expect(message.options.string(.bootFileName) == "abc")
        #expect(message.file.isEmpty)
    }

    @Test func typedErrorsNameCodeAndOffset() {
        var bytes = GoldenVectors.header(xid: 3, mac: GoldenVectors.ciscoMAC)
        bytes += [53, 1, 1, 60, 40, 0x41]
        #expect(throws: DHCPDecodingError.truncatedOption(code: 60, declared: 40, available: 1, offset: 243)) {
            try DHCPMessage(decoding: bytes)
        }
        #expect(throws: DHCPDecodingError.tooShort(length: 100)) {
            try DHCPMessage(decoding: Array(repeating: 0, count: 100))
        }
        var cookie = GoldenVectors.header(xid: 3, mac: GoldenVectors.ciscoMAC)
        cookie[236] = 0
        #expect(throws: DHCPDecodingError.badMagicCookie(found: 0x0082_5363)) { try DHCPMessage(decoding: cookie) }
    }

    @Test func malformedTypedOption() throws {
        var bytes = GoldenVectors.header(xid: 4, mac: GoldenVectors.ciscoMAC)
        bytes += [53, 1, 1, 50, 3, 1, 2, 3, 255]
        let message = try DHCPMessage(decoding: bytes)
        // 240 bytes of header and cookie, then option 53 (3 bytes): option 50 starts at 243.
        #expect(throws: DHCPOptionError(code: .requestedAddress, length: 3, reason: "expected 4 bytes", offset: 243)) {
            try message.options.requestedAddress
        }
    }
}
