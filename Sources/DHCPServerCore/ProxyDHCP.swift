import DHCPWire
import DialtoneConfig
import Timeline
import WireSupport

/// proxyDHCP (PXE 2.1 §2.2.2 and §2.2.3, RFC 4578 §2): on a `proxy: true` subnet another server owns the
/// addresses, and we add what it does not say, the boot file, for PXE clients only.
/// 1. A DISCOVER on the DHCP port gets a proxy OFFER: yiaddr 0, siaddr and the boot file (the `file` field
///    and option 67, from the same BootChoice as a full reply), option 60 `PXEClient`, option 43 with
///    PXE_DISCOVERY_CONTROL bit 3 set ("use the boot file in the offer": no menu, no boot server
///    discovery), option 97 echoed. Broadcast: the client has no address yet.
/// 2. A REQUEST (or INFORM) on the PXE port, which the client sends once it holds the other server's
///    address, gets the same as an ACK, to that address and its source port. A client asks there when the
///    offer leaves it to: EDK2 for an offer without PXE vendor options ("BINL"), iPXE for one without
///    siaddr and a file (its ProxyDHCPREQUEST). Our offers carry both, so the firmware tested boots the
///    offer's file (docs/netboot.md); the port serves clients that ask anyway.
/// Everything else is the address server's business, and a client that is not PXE leaves no trace. dnsmasq's
/// `dhcp-range=...,proxy` without a `pxe-service` menu answers the same way (its rfc2131.c, "proxy DHCP").
extension Exchange {
    /// Option 60 of a PXE client (PXE 2.1 Table 2-1: `PXEClient:Arch:xxxxx:UNDI:yyyzzz`) and of the reply.
    static let pxeVendorClass = "PXEClient"

    func proxy() -> [DHCPAction] {
        let vendorClass = profile.vendorClass ?? ""
        // Not even an event: on a proxy link every laptop's and phone's DHCP is the address server's, and a
        // timeline row for each would push the PXE clients' history out of the store.
        guard vendorClass.hasPrefix(Self.pxeVendorClass) || HTTPBoot.isClient(vendorClass: vendorClass) else {
            return []
        }
        switch (type, context.onPXEPort) {
        case (.discover, false): return proxyReply(.offer, event: .proxyOffered)
        case (.request, true), (.inform, true): return proxyReply(.ack, event: .proxyAcked)
        case (.request, false):
            // The client takes its address from the address server: on its timeline, and not a rival.
            if let serverID = request.options.validServerIdentifier, serverID != context.interfaceAddress {
                return [
                    event(
                        .addressServerSeen, level: .info,
                        [
                            .dhcp(.serverID): serverID.description,
                            .reason: "the address server of proxy subnet \(subnet.subnet)",
                        ])
                ]
            }
            return [
                event(.packetDropped, level: .debug, [.reason: "proxy subnet: the address server answers REQUESTs"])
            ]
        default:
            let port = context.onPXEPort ? "the PXE port" : "the DHCP port"
            return [
                event(.packetDropped, level: .debug, [.reason: "proxy subnet: \(type) on \(port) is not answered"])
            ]
        }
    }

    private func proxyReply(_ type: DHCPMessageType, event name: EventName.DHCP) -> [DHCPAction] {
        let boot = builder.bootChoice(for: request)
        guard let file = boot.file else {
            let arch = request.options.clientArchitectures.map(String.init).joined(separator: ",")
            return [
                event(
                    .packetDropped, level: .warning,
                    [
                        .reason:
                            "proxy subnet \(subnet.subnet) has no boot file for this client (option 93 "
                            + "\(arch.isEmpty ? "absent" : arch)); unanswered, it gives up netbooting"
                    ])
            ]
        }
        var reply = ReplyBuilder.header(answering: request)
        reply.ciaddr = request.ciaddr
        // dnsmasq sets the flag too: a client without an address can only hear a broadcast.
        if request.ciaddr.isAny { reply.flags |= DHCPMessage.broadcastFlag }
        reply.siaddr = boot.nextServer ?? .any
        reply.file = boot.fileField
        var options = DHCPOptions()
        options.setMessageType(type)
        options.setIPv4(.serverIdentifier, context.interfaceAddress)
        // An HTTP Boot client takes the URL only beside `HTTPClient` (HTTPBoot); the PXE vendor options are
        // PXE's alone.
        options.setString(.vendorClass, boot.vendorClass ?? Self.pxeVendorClass)
        if let uuid = request.options[.clientMachineID] { options.set(.clientMachineID, uuid) }
        if boot.vendorClass == nil { options.set(.vendorSpecific, PXEVendorOptions.reply(to: request)) }
        options.setString(.bootFileName, file)
        if let info = request.options[.relayAgentInformation] { options.set(.relayAgentInformation, info) }
        reply.options = options

        let destination = proxyDestination()
        var extra: EventMetadata = [
            .dhcp(.yiaddr): IPv4Address.any.description, .dhcp(.destination): describe(destination),
            .dhcp(.options): codeList(options.codes),
            .dhcp(.bootFile): file, .dhcp(.subnet): subnet.subnet.description,
        ]
        if let reason = boot.reason { extra[.reason] = reason }
        if let next = boot.nextServer { extra[.dhcp(.tftpServer)] = next.description }
        let fileField = reply.file.prefix { $0 != 0 }
        if !fileField.isEmpty { extra[.dhcp(.fileField)] = String(decoding: fileField, as: UTF8.self) }
        return [
            .reply(
                reply, to: destination, minimumSize: DHCPMessage.minimumBOOTPSize,
                maximumSize: ReplyBuilder.maximumSize(for: request)),
            event(name, extra),
        ]
    }

    /// A relayed request goes back through its relay; a request on the PXE port goes to the client's address
    /// (ciaddr, else the datagram's source) and source port (PXE 2.1 §2.2.3: the boot server replies to
    /// the port the client sent from); a DISCOVER's proxy offer is broadcast to the client port.
    private func proxyDestination() -> ReplyDestination {
        if !request.giaddr.isAny { return .relay(request.giaddr, port: server.config.port) }
        guard context.onPXEPort else { return .broadcast(port: server.config.clientPort) }
        let port = context.sourcePort == 0 ? server.config.clientPort : context.sourcePort
        if !request.ciaddr.isAny { return .unicast(request.ciaddr, port: port) }
        if !context.sourceAddress.isAny { return .unicast(context.sourceAddress, port: port) }
        return .broadcast(port: port)
    }
}

/// Option 43 for a PXE client (PXE 2.1 Table 2-1, "PXE Vendor Options"): sub-option 6 PXE_DISCOVERY_CONTROL
/// with bit 3 set, so the client boots the file named in the offer instead of looking for a menu or boot
/// servers, and sub-option 71 PXE_BOOT_ITEM echoed when the client named one (the boot server's ACK
/// carries the item it answers).
enum PXEVendorOptions {
    static let discoveryControl: UInt8 = 6
    static let bootItem: UInt8 = 71
    /// Bit 3: "if set, and a boot file name is present in the initial DHCP or ProxyDHCP offer packet,
    /// download the boot file (do not prompt/menu/discover)".
    static let useBootFileInOffer: UInt8 = 0x08

    static func reply(to request: DHCPMessage) -> [UInt8] {
        var out: [UInt8] = [discoveryControl, 1, useBootFileInOffer]
        if let item = subOption(bootItem, in: request.options[.vendorSpecific] ?? []), item.count == 4 {
            out += [bootItem, 4] + item
        }
        return out + [255]
    }

    /// One sub-option's value in an option 43 of code/length/value triples; nil when absent or truncated.
    static func subOption(_ code: UInt8, in bytes: [UInt8]) -> [UInt8]? {
        var index = 0
        while index < bytes.count {
            let tag = bytes[index]
            if tag == 255 { return nil }
            if tag == 0 {
                index += 1
                continue
            }
            guard index + 1 < bytes.count else { return nil }
            let length = Int(bytes[index + 1])
            guard index + 2 + length <= bytes.count else { return nil }
            if tag == code { return Array(bytes[(index + 2)..<(index + 2 + length)]) }
            index += 2 + length
        }
        return nil
    }
}
