import DHCPWire
import Timeline
import WireSupport

/// RFC 2131 leaves a malformed option to the server's judgement; ours is to carry on without it (as Kea
/// and dnsmasq do) but never silently: each one the core reads becomes a `dhcp.option.malformed` event with
/// the option's code, its offset in the datagram and why, so `explain` and the log show what the client
/// sent (issue 19). The typed reads in `Exchange` then treat the option as absent.
extension DHCPMessage {
    /// Every option the core interprets that is present but does not decode, each read through its typed
    /// accessor (the same reads `Exchange` makes).
    public var malformedOptions: [DHCPOptionError] {
        var found: [DHCPOptionError] = []
        func check<T>(_ read: () throws(DHCPOptionError) -> T) {
            do { _ = try read() } catch { found.append(error) }
        }
        check { () throws(DHCPOptionError) in try options.requestedAddress }
        check { () throws(DHCPOptionError) in try options.serverIdentifier }
        check { () throws(DHCPOptionError) in try options.maxMessageSize }
        check { () throws(DHCPOptionError) in try options.leaseTime }
        check { () throws(DHCPOptionError) in try options.relayAgentInformation }
        return found
    }
}

extension DHCPOptionError {
    func event(mac: MACAddress?, type: DHCPMessageType?) -> DHCPEvent {
        var metadata: EventMetadata = [
            .dhcp(.optionCode): "\(code.rawValue)", .dhcp(.optionLength): "\(length)",
            .reason: "option \(code.rawValue) \(reason); treated as absent",
        ]
        if let offset { metadata[.dhcp(.optionOffset)] = "\(offset)" }
        if let type { metadata[.dhcp(.type)] = type.description }
        return DHCPEvent(.optionMalformed, level: .warning, mac: mac, metadata)
    }
}

/// The core's reads: a malformed value counts as absent, because `DHCPServer.handle` has already turned it
/// into a `dhcp.option.malformed` event. Named so that no `try?` hides an error anywhere else.
extension DHCPOptions {
    var validRequestedAddress: IPv4Address? { (try? requestedAddress) ?? nil }
    var validServerIdentifier: IPv4Address? { (try? serverIdentifier) ?? nil }
    var validMaxMessageSize: UInt16? { (try? maxMessageSize) ?? nil }
    var validRelayAgentInformation: RelayAgentInformation? { (try? relayAgentInformation) ?? nil }
}
