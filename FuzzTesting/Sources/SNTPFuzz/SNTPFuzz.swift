import SNTPWire

/// libFuzzer entry point for SNTP: any datagram either is too short or decodes to a header that encodes
/// back to its first 48 bytes; the responder answers only client requests of version 1-4, and its answer
/// is a well-formed server packet that echoes the client's transmit time (RFC 4330 §5).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let request = try? NTPPacket(decoding: bytes) else {
        precondition(bytes.count < 48, "a \(bytes.count)-byte datagram was refused")
        return 0
    }
    precondition(request.encode() == Array(bytes.prefix(48)), "header does not re-encode to its bytes")
    // The clock's readings come from the shell; the fuzzer picks them too (the bytes after the header).
    let tail = bytes.dropFirst(48) + Array(repeating: 0, count: 17)
    let received = NTPTimestamp(seconds: word(tail, 0), fraction: word(tail, 4))
    let transmit = NTPTimestamp(seconds: word(tail, 8), fraction: word(tail, 12))
    let synchronized = tail[tail.startIndex + 16] & 1 == 1
    for settings in [
        SNTPResponder.Settings(stratum: 2, referenceID: "LOCL"),
        SNTPResponder.Settings(stratum: 1, referenceID: "GPS"),
        SNTPResponder.Settings(stratum: 3, referenceID: "☎️é"),
    ] {
        let reply = SNTPResponder.reply(
            to: request, received: received, transmit: transmit, synchronized: synchronized, settings: settings)
        let served = request.mode == 3 && (1...4).contains(request.version)
        precondition((reply != nil) == served, "mode \(request.mode) version \(request.version) answered: \(!served)")
        guard let reply else { continue }
        precondition(reply.mode == 4 && reply.version == request.version, "reply header")
        precondition(reply.originateTimestamp == request.transmitTimestamp, "originate is not the client's transmit")
        precondition(reply.referenceID.count == 4, "reference id of \(reply.referenceID.count) bytes")
        precondition(synchronized || (reply.leapIndicator == 3 && reply.stratum == 16), "unsynchronized")
        let wire = reply.encode()
        precondition(wire.count == 48, "reply of \(wire.count) bytes")
        precondition((try? NTPPacket(decoding: wire)) == reply, "reply does not decode to itself")
    }
    return 0
}

private func word(_ bytes: ArraySlice<UInt8>, _ offset: Int) -> UInt32 {
    let start = bytes.startIndex + offset
    return bytes[start..<(start + 4)].reduce(0) { $0 << 8 | UInt32($1) }
}
