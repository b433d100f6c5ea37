import SNTPWire
import Testing

@Suite struct SNTPTests {
    /// An `sntp` (ntp 4.2.8) client request: LI 3 (unsynchronized), VN 4, mode 3, transmit time set.
    static let clientRequest: [UInt8] =
        [0xE3, 0, 0x06, 0xEC] + Array(repeating: 0, count: 36)
        + [0xEA, 0xC8, 0x46, 0x21, 0x12, 0x34, 0x56, 0x78]

    @Test func decodeEncodeRoundTrip() throws {
        let packet = try NTPPacket(decoding: Self.clientRequest)
        #expect(
            packet.leapIndicator == 3 && packet.version == 4 && packet.mode == 3 && packet.poll == 6
                && packet.precision == -20)
        #expect(packet.transmitTimestamp == NTPTimestamp(seconds: 0xEAC8_4621, fraction: 0x1234_5678))
        #expect(packet.encode() == Self.clientRequest)
        #expect(throws: NTPPacket.DecodingError.tooShort(47)) {
            try NTPPacket(decoding: Array(repeating: 0, count: 47))
        }
    }

    @Test func timestamps() {
        // 2026-11-26T00:00:00Z = 1795651200 Unix.
        let t = NTPTimestamp(unixNanoseconds: 1_795_651_200_500_000_000)
        #expect(t.seconds == UInt32(1_795_651_200 + 2_208_988_800))
        #expect(t.fraction == 0x8000_0000, "half a second")
    }

    @Test func replyWhenSynchronizedAndNot() throws {
        let request = try NTPPacket(decoding: Self.clientRequest)
        let received = NTPTimestamp(seconds: 100, fraction: 1), transmit = NTPTimestamp(seconds: 100, fraction: 2)
        let settings = SNTPResponder.Settings(stratum: 10, referenceID: "LOCL")
        let good = try #require(
            SNTPResponder.reply(
                to: request, received: received, transmit: transmit, synchronized: true, settings: settings))
        #expect(good.mode == 4 && good.version == 4 && good.leapIndicator == 0 && good.stratum == 10)
        #expect(good.originateTimestamp == request.transmitTimestamp, "RFC 4330 §5: originate = the client's transmit")
        #expect(good.receiveTimestamp == received && good.transmitTimestamp == transmit)
        #expect(good.referenceID == Array("LOCL".utf8))
        let unsynced = try #require(
            SNTPResponder.reply(
                to: request, received: received, transmit: transmit, synchronized: false, settings: settings))
        #expect(unsynced.leapIndicator == 3 && unsynced.stratum == 16)
        var server = request
        server.mode = 4
        #expect(
            SNTPResponder.reply(
                to: server, received: received, transmit: transmit, synchronized: true, settings: settings) == nil)
        var v0 = request
        v0.version = 0
        #expect(
            SNTPResponder.reply(to: v0, received: received, transmit: transmit, synchronized: true, settings: settings)
                == nil)
    }
}
