import DHCPWire

/// libFuzzer entry point. Any input must either be rejected with a typed `DHCPDecodingError` or decode to a
/// message that survives an encode/decode round trip unchanged (options compared by value, as RFC 3396
/// concatenation may merge split instances). Typed option accessors must throw, never crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let message = try? DHCPMessage(decoding: bytes) else { return 0 }
    _ = try? message.options.requestedAddress
    _ = try? message.options.serverIdentifier
    _ = try? message.options.maxMessageSize
    _ = try? message.options.relayAgentInformation
    _ = message.options.userClasses
    _ = message.options.clientArchitectures
    _ = message.options.vendorClass
    var stripped = message
    // Overloaded sname/file were consumed as options; re-encoding puts them in the options field.
    stripped.options.remove(.overload)
    let again: DHCPMessage
    do {
        again = try DHCPMessage(decoding: stripped.encode())
    } catch {
        fatalError("re-encoded message does not decode: \(error)")
    }
    precondition(again.xid == message.xid && again.chaddr == message.chaddr && again.yiaddr == message.yiaddr)
    for entry in stripped.options where entry.code != .pad && entry.code != .end {
        precondition(again.options[entry.code] == entry.value, "option \(entry.code) changed in round trip")
    }
    return 0
}
