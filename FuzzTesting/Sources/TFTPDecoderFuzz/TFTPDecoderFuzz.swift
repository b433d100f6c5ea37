import TFTPWire

/// libFuzzer entry point: any datagram either fails with a typed `TFTPDecodingError` or decodes to a packet
/// that encodes and decodes back to itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let packet = try? TFTPPacket(decoding: bytes) else { return 0 }
    let again: TFTPPacket
    do {
        again = try TFTPPacket(decoding: packet.encode())
    } catch {
        fatalError("re-encoded packet does not decode: \(error) \(packet)")
    }
    precondition(again == packet, "round trip changed \(packet) into \(again)")
    return 0
}
