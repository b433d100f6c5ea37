import SyslogWire

/// libFuzzer entry point: the lenient parser must accept any datagram without trapping, and what it
/// returns must be in range (facility 0-23, severity 0-7).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let message = SyslogParser.parse(Array(UnsafeBufferPointer(start: data, count: size)))
    if let facility = message.facility { precondition((0...23).contains(facility)) }
    if let severity = message.severity { precondition((0...7).contains(severity)) }
    _ = message.facilityName
    _ = message.severityName
    return 0
}
