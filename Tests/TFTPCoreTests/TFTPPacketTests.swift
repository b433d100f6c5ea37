import TFTPWire
import Testing

@Suite struct TFTPDataHeaderTests {
    @Test(arguments: [UInt16(0), 1, 255, 256, 65535]) func headerMatchesEncode(_ block: UInt16) {
        let word = TFTPPacket.dataHeader(block: block)
        let bytes = [UInt8(word >> 24), UInt8(word >> 16 & 0xFF), UInt8(word >> 8 & 0xFF), UInt8(word & 0xFF)]
        #expect(bytes == TFTPPacket.data(block: block, payload: []).encode())
    }
}

@Suite struct TFTPPacketTests {
    @Test func readRequestWithOptions() throws {
        // tftp-hpa: RRQ "term70.default.loads" octet blksize 1468 tsize 0
        let bytes: [UInt8] =
            [0, 1] + Array("term70.default.loads".utf8) + [0] + Array("OCTET".utf8) + [0]
            + Array("blksize".utf8) + [0] + Array("1468".utf8) + [0] + Array("tsize".utf8) + [0, 0x30, 0]
        guard case .readRequest(let request) = try TFTPPacket(decoding: bytes) else {
            Issue.record("not an RRQ")
            return
        }
        #expect(request.filename == "term70.default.loads")
        #expect(request.mode == "octet")
        #expect(request.options == [TFTPOption("blksize", "1468"), TFTPOption("tsize", "0")])
        #expect(
            TFTPPacket.readRequest(
                TFTPRequest(filename: "term70.default.loads", mode: "OCTET", options: request.options)
            ).encode() == bytes)
    }

    @Test func dataAckErrorOack() throws {
        #expect(try TFTPPacket(decoding: [0, 3, 0xFF, 0xFF, 1, 2]) == .data(block: 65535, payload: [1, 2]))
        #expect(try TFTPPacket(decoding: [0, 4, 0, 7]) == .ack(block: 7))
        #expect(
            try TFTPPacket(decoding: [0, 5, 0, 1] + Array("File not found".utf8) + [0])
                == .error(.fileNotFound, message: "File not found"))
        #expect(
            try TFTPPacket(decoding: [0, 5, 0, 2] + Array("no nul".utf8)) == .error(.accessViolation, message: "no nul")
        )
        let oack = TFTPPacket.optionAcknowledgement([TFTPOption("blksize", "1468"), TFTPOption("windowsize", "16")])
        #expect(try TFTPPacket(decoding: oack.encode()) == oack)
        #expect(TFTPPacket.ack(block: 0x0102).encode() == [0, 4, 1, 2])
    }

    @Test func malformed() {
        #expect(throws: TFTPDecodingError.tooShort(length: 2)) { try TFTPPacket(decoding: [0, 1]) }
        #expect(throws: TFTPDecodingError.unknownOpcode(9)) { try TFTPPacket(decoding: [0, 9, 0, 0]) }
        #expect(throws: TFTPDecodingError.unterminatedString(field: "mode", offset: 4)) {
            try TFTPPacket(decoding: [0, 1, 0x61, 0, 0x6F])
        }
        #expect(throws: TFTPDecodingError.emptyFilename) { try TFTPPacket(decoding: [0, 1, 0, 0x6F, 0]) }
        #expect(throws: TFTPDecodingError.oddOptionList) {
            try TFTPPacket(decoding: [0, 1, 0x61, 0, 0x6F, 0, 0x62, 0])
        }
    }

    @Test func netascii() {
        let local: [UInt8] = Array("a\nb\rc".utf8)
        let wire = NetASCII.encode(local)
        #expect(wire == Array("a\r\nb\r\0c".utf8))
        // Split across blocks right after a CR.
        var pending = false
        let first = NetASCII.decode(Array(wire[0..<2]), pendingCR: &pending)
        let rest = NetASCII.decode(Array(wire[2...]), pendingCR: &pending)
        #expect(first + rest == local)
    }
}
