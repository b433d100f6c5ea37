import DHCPWire
import DialtoneConfig
import WireSupport

/// Builds OFFER/ACK/NAK replies with the option set and order the 7970 and strict clients accept.
struct ReplyBuilder {
    /// The subnet with the options it encodes once per configuration; nil when the request has none.
    let subnet: ConfiguredSubnet?
    let profile: ClientProfile
    let serverAddress: IPv4Address
    /// Where TFTP is served, when this program serves it (or next_server says so).
    let tftpAddress: IPv4Address?
    /// The first `http.listen` address, when this program serves HTTP: UEFI HTTP Boot URLs point there.
    var http: HostPort? = nil

    func reply(to request: DHCPMessage, type: DHCPMessageType, yiaddr: IPv4Address, leaseSeconds: UInt32?)
        -> DHCPMessage
    {
        var reply = Self.header(answering: request)
        reply.yiaddr = yiaddr
        // RFC 2131 §4.3.2: a NAK relayed through giaddr must have the broadcast bit set.
        if type == .nak, !request.giaddr.isAny { reply.flags |= DHCPMessage.broadcastFlag }
        if type == .inform || type == .ack, !request.ciaddr.isAny { reply.ciaddr = request.ciaddr }

        var options = DHCPOptions(minimumCapacity: 16)
        options.setMessageType(type)
        options.setIPv4(.serverIdentifier, serverAddress)
        if type == .nak {
            options.setString(.message, "requested address is not valid on this network")
            reply.options = echoRelayInfo(options, request)
            return reply
        }
        // Keep siaddr non-zero: U-Boot and some phones take the TFTP server from it (Tftpd64 4.72 regression,
        // peers.md §1.7; cisco-provisioning.md requirement 12).
        // The file field and option 67 from one decision (BootChoice), never one without the other.
        let boot = bootChoice(for: request)
        reply.siaddr = boot.nextServer ?? .any
        reply.file = boot.fileField
        if let file = boot.file { options.setString(.bootFileName, file) }

        // The subnet's part comes encoded (SubnetOptions); a class or a Cisco phone adds to a copy of it.
        var configured = subnet?.options.options ?? DHCPOptions()
        for option in profile.matchedClass?.options ?? [] { configured.set(option.code, option.value) }
        // UEFI HTTP Boot: the firmware takes the URL only from an offer whose option 60 says HTTPClient.
        if let vendorClass = boot.vendorClass { configured.setString(.vendorClass, vendorClass) }
        // Option 67 is the boot decision's, already set above; an `options:` entry for it fed that decision.
        configured.remove(.bootFileName)
        // Cisco phones find TFTP by 150, then 66, then siaddr; fill both with our TFTP address when the config
        // is silent (pelikan/dhcpd fakes 150 the same way; cisco-provisioning.md §1.3).
        if profile.isCiscoPhone, let tftp = boot.nextServer {
            if !configured.contains(.tftpServerAddress) { configured.setIPv4List(.tftpServerAddress, [tftp]) }
            if !configured.contains(.tftpServerName) { configured.setString(.tftpServerName, tftp.description) }
        }
        if let leaseSeconds, type != .inform {
            let times = subnet?.options.leaseTimes(for: leaseSeconds) ?? LeaseTimeOptions(seconds: leaseSeconds)
            options.set(.leaseTime, times.lease)
            options.set(.renewalTime, times.renewal)
            options.set(.rebindingTime, times.rebinding)
        }
        // Order: 53, 54, lease times, then 1 before 3 (RFC 2132 §3.3), then the client's PRL order, then the
        // rest by code; 82 last (added by echoRelayInfo). A bit set, not arrays to search and sort.
        var written = OptionCodeSet()
        if let mask = configured[.subnetMask] {
            options.set(.subnetMask, mask)
            written.insert(.subnetMask)
        }
        for byte in request.options[.parameterRequestList] ?? [] {
            let code = DHCPOptionCode(byte)
            guard !written.contains(code), let value = configured[code] else { continue }
            options.set(code, value)
            written.insert(code)
        }
        var rest = OptionCodeSet()
        for entry in configured where !written.contains(entry.code) { rest.insert(entry.code) }
        for code in rest { options.set(code, configured[code]!) }
        reply.options = echoRelayInfo(options, request)
        return reply
    }

    /// A BOOTREPLY with what RFC 2131 §4.3.1 (Table 3) copies from the request: xid, htype, hlen, chaddr,
    /// flags and giaddr.
    static func header(answering request: DHCPMessage) -> DHCPMessage {
        var reply = DHCPMessage(op: DHCPMessage.bootReply, xid: request.xid)
        reply.htype = request.htype
        reply.hlen = request.hlen
        reply.chaddr = request.chaddr
        reply.flags = request.flags
        reply.giaddr = request.giaddr
        return reply
    }

    func bootChoice(for request: DHCPMessage) -> BootChoice {
        BootChoice(
            request: request, subnet: subnet?.config, matchedClass: profile.matchedClass, tftpAddress: tftpAddress,
            http: http, serverAddress: serverAddress)
    }

    private func echoRelayInfo(_ options: DHCPOptions, _ request: DHCPMessage) -> DHCPOptions {
        var options = options
        if let info = request.options[.relayAgentInformation] { options.set(.relayAgentInformation, info) }
        return options
    }

    /// RFC 2131 §2 and option 57: the largest reply the client accepts.
    static func maximumSize(for request: DHCPMessage) -> Int {
        guard let declared = request.options.validMaxMessageSize, declared >= 576 else {
            return DHCPMessage.defaultMaximumSize
        }
        return Int(declared) - 28
    }
}
