import DHCPServerCore
import DHCPWire
import DialtoneConfig
import FuzzSupport
import WireSupport

/// libFuzzer entry point for the DHCP option layer: the input is the options field of a BOOTREQUEST (after
/// a fixed header and the magic cookie). Every typed accessor must agree with the raw bytes (a value of the
/// right length reads, any other length throws), option 82 must re-encode to exactly what was read, the
/// core's malformed-option report must name exactly the options whose reads throw, and class matching
/// (globs on vendor class, user class and circuit id) must not trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let options = Array(UnsafeBufferPointer(start: data, count: size))
    guard let message = try? DHCPMessage(decoding: header + options) else { return 0 }
    for entry in message.options where entry.code != .pad && entry.code != .end {
        checkTyped(message.options, entry.code, entry.value)
    }
    checkRelayAgentInformation(message.options)
    checkLists(message.options)
    checkMalformedReport(message)
    let profile = ClientProfile(request: message, classes: classes)
    if let matched = profile.matchedClass { require(classes.contains(matched), "matched a class not configured") }
    checkGlob(message.options.vendorClass ?? "", message.options.hostName ?? "")
    return 0
}

/// A BOOTREQUEST from 02:00:00:00:00:01 through relay 10.0.0.1, up to and including the magic cookie.
private let header: [UInt8] = {
    var bytes: [UInt8] = [1, 1, 6, 0, 0, 0, 0, 42, 0, 0, 0, 0]
    bytes += [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 1]
    bytes += [2, 0, 0, 0, 0, 1] + Array(repeating: 0, count: 10 + 64 + 128)
    return bytes + [0x63, 0x82, 0x53, 0x63]
}()

/// Classes with a glob on every text the client chooses, as an admin would write them.
private let classes: [ClientClassConfiguration] = [
    ClientClassConfiguration(
        name: "phones",
        match: .init(
            vendorClass: "Cisco Systems, Inc. IP Phone *", userClass: nil, clientArchitectures: [], macPrefixes: [],
            relay: nil, circuitID: nil), broadcast: .always, options: []),
    ClientClassConfiguration(
        name: "ipxe",
        match: .init(
            vendorClass: nil, userClass: "i?XE*", clientArchitectures: [7, 9], macPrefixes: [[2, 0]], relay: nil,
            circuitID: nil), broadcast: nil, options: []),
    ClientClassConfiguration(
        name: "port",
        match: .init(
            vendorClass: nil, userClass: nil, clientArchitectures: [], macPrefixes: [],
            relay: IPv4Address("10.0.0.1"), circuitID: "Gi1/0/*"), broadcast: nil, options: []),
]

private func checkTyped(_ options: DHCPOptions, _ code: DHCPOptionCode, _ value: [UInt8]) {
    let address = try? options.ipv4(code)
    require((address != nil) == (value.count == 4), "ipv4(\(code)) on \(value.count) bytes")
    if let address { require(address.octets == value, "ipv4(\(code)) read other bytes") }
    let list = try? options.ipv4List(code)
    require((list != nil) == (!value.isEmpty && value.count % 4 == 0), "ipv4List(\(code)) on \(value.count) bytes")
    if let list { require(list.flatMap(\.octets) == value, "ipv4List(\(code)) read other bytes") }
    require(((try? options.uint8(code)) != nil) == (value.count == 1), "uint8(\(code)) on \(value.count) bytes")
    let short = try? options.uint16(code)
    require((short != nil) == (value.count == 2), "uint16(\(code)) on \(value.count) bytes")
    let long = try? options.uint32(code)
    require((long != nil) == (value.count == 4), "uint32(\(code)) on \(value.count) bytes")
    if let long { require(long == address?.rawValue, "uint32 and ipv4 disagree") }
    let text = options.string(code)
    require(text != nil && text!.utf8.count <= value.count * 3, "string(\(code)) grew past U+FFFD per byte")
}

private func checkRelayAgentInformation(_ options: DHCPOptions) {
    guard let raw = options[.relayAgentInformation] else { return }
    guard let info = try? options.relayAgentInformation else { return }
    require(info.encode() == raw, "option 82 does not re-encode to what was read")
    let first = info.subOptions.first { $0.code == RelayAgentInformation.circuitIDCode }
    require(info.circuitID == first?.value, "circuit id is not the first sub-option 1")
}

private func checkLists(_ options: DHCPOptions) {
    require(options.parameterRequestList.count == (options[.parameterRequestList]?.count ?? 0), "PRL length")
    let architectures = options[.clientArchitecture] ?? []
    let expected = architectures.count % 2 == 0 ? architectures.count / 2 : 0
    require(options.clientArchitectures.count == expected, "option 93 read as \(options.clientArchitectures)")
    let userClass = options[.userClass] ?? []
    require(options.userClasses.isEmpty == userClass.isEmpty, "option 77 of \(userClass.count) bytes read empty")
}

private func checkMalformedReport(_ message: DHCPMessage) {
    let reported = Set(message.malformedOptions.map(\.code))
    let reads: [(DHCPOptionCode, Bool)] = [
        (
            .requestedAddress,
            (try? message.options.requestedAddress) == nil && message.options[.requestedAddress] != nil
        ),
        (
            .serverIdentifier,
            (try? message.options.serverIdentifier) == nil && message.options[.serverIdentifier] != nil
        ),
        (.maxMessageSize, (try? message.options.maxMessageSize) == nil && message.options[.maxMessageSize] != nil),
        (.leaseTime, (try? message.options.leaseTime) == nil && message.options[.leaseTime] != nil),
        (
            .relayAgentInformation,
            (try? message.options.relayAgentInformation) == nil && message.options[.relayAgentInformation] != nil
        ),
    ]
    for (code, throwsOnRead) in reads {
        require(
            reported.contains(code) == throwsOnRead, "option \(code) malformed: \(throwsOnRead), reported: \(reported)")
    }
}

/// Globs are matched against what clients send: any text matches itself and `*`, and a prefix glob its extensions.
private func checkGlob(_ a: String, _ b: String) {
    require(Glob.matches(a, a), "`\(a)` does not match itself")
    require(Glob.matches("*", b), "* does not match `\(b)`")
    // Globs match Characters: when b starts with a combining mark, a + b does not start with a's Characters.
    if Array(a + b).starts(with: Array(a)) {
        require(Glob.matches(a + "*", a + b), "`\(a)*` does not match `\(a + b)`")
    }
    _ = Glob.matches(b, a)
}
