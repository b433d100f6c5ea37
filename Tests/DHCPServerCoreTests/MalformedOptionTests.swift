import DHCPServerCore
import DHCPWire
import Testing
import Timeline
import WireSupport

/// Issue 19: a malformed option reaches the timeline with its code and offset instead of vanishing.
@Suite struct MalformedOptionTests {
    /// A DISCOVER whose option 50 (requested address) is 3 bytes long, decoded from real bytes so the
    /// offset is the datagram's.
    func discoverWithShortOption50() throws -> DHCPMessage {
        var message = Fixtures.message(.discover, mac: Fixtures.mac(9))
        message.options.set(.requestedAddress, [192, 168, 10])
        return try DHCPMessage(decoding: message.encode(minimumSize: DHCPMessage.minimumBOOTPSize))
    }

    @Test func malformedRequestedAddressIsReportedWithCodeAndOffset() throws {
        let request = try discoverWithShortOption50()
        let offset = try #require(request.options.offsets[.requestedAddress])
        var server = DHCPServer(config: Fixtures.config(), servesTFTP: false, leases: [])
        let actions = server.handle(request, context: Fixtures.context, now: 0)
        let event = try #require(actions.events.first { $0.name == .optionMalformed })
        #expect(event.metadata[.dhcp(.optionCode)] == "50")
        #expect(event.metadata[.dhcp(.optionOffset)] == "\(offset)")
        #expect(event.metadata[.dhcp(.optionLength)] == "3")
        #expect(event.mac == Fixtures.mac(9))
        #expect(event.level == .warning)
        // The option is treated as absent: the client still gets an offer from the pool.
        #expect(actions.replies.first?.0.messageType == .offer)
    }

    @Test func offsetPointsAtTheOptionCodeByte() throws {
        let request = try discoverWithShortOption50()
        let bytes = request.encode(minimumSize: DHCPMessage.minimumBOOTPSize)
        let decoded = try DHCPMessage(decoding: bytes)
        let offset = try #require(decoded.options.offsets[.requestedAddress])
        #expect(bytes[offset] == 50 && bytes[offset + 1] == 3)
        #expect(throws: DHCPOptionError(code: .requestedAddress, length: 3, reason: "expected 4 bytes", offset: offset))
        {
            try decoded.options.requestedAddress
        }
    }

    @Test func wellFormedOptionsRaiseNothing() throws {
        var server = DHCPServer(config: Fixtures.config(), servesTFTP: false, leases: [])
        let actions = server.handle(
            Fixtures.message(.discover, mac: Fixtures.mac(3), requested: IPv4Address("192.168.10.3")),
            context: Fixtures.context, now: 0)
        #expect(!actions.events.contains { $0.name == .optionMalformed })
    }
}
