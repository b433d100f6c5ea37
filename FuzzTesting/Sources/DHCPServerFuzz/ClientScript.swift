import DHCPServerCore
import DHCPWire
import FuzzSupport
import WireSupport

/// One step of a conversation, read from the fuzzer's bytes. Five bytes choose the client and how it
/// identifies itself, the message and its flags, the addresses it names, the time since the last step, its
/// option 57, whether it is a PXE client and whether it asks on the PXE port; a length-prefixed chunk of raw option bytes follows, inserted before END so any option the
/// fuzzer invents reaches the core. The request then goes through the real decoder, as the shell's would.
struct ClientScript {
    var request: DHCPMessage
    var context: ReceiveContext
    var advance: ServerTime

    static let serverAddress = IPv4Address("198.18.0.1")!
    static let relayAddress = IPv4Address("198.18.1.1")!
    /// The relay of the proxyDHCP subnet: PXE clients relayed there get boot information only.
    static let proxyRelayAddress = IPv4Address("198.18.2.1")!

    /// Pool, reserved and foreign addresses: what clients ask for, renew from, release and decline.
    static let addresses: [IPv4Address] = [
        "198.18.0.10", "198.18.0.11", "198.18.0.12", "198.18.0.13", "198.18.0.50", "198.18.0.51", "198.18.0.99",
        "198.18.1.10", "198.18.1.11", "198.18.1.200", "198.18.1.50", "10.9.9.9", "0.0.0.0", "198.18.0.1",
        "198.18.0.255", "255.255.255.255",
    ].map { IPv4Address($0)! }

    /// Milliseconds between steps: around the offer hold (30 s), both lease times (2 min, 1 h) and T1/T2.
    static let advances: [ServerTime] = [0, 1000, 29_000, 31_000, 61_000, 121_000, 1_800_000, 3_601_000]

    static func mac(_ client: Int) -> MACAddress {
        client == 6 ? MACAddress("00:1e:7a:25:54:a1")! : MACAddress(bytes: [2, 0, 0, 0, 0, UInt8(client)])!
    }

    static func next(_ input: inout FuzzInput) -> ClientScript? {
        let who = input.byte(), what = input.byte(), which = input.byte(), when = input.byte()
        let extra = input.chunk()
        let client = Int(who & 7)
        // The xid leaves out the message type's bits: a REQUEST can carry its DISCOVER's xid, as a client's does
        // (the REQUEST that takes up a trial OFFER of the learned-needs logic must).
        var message = DHCPMessage(op: DHCPMessage.bootRequest, xid: UInt32(what & 0x80) << 1 | UInt32(who))
        message.setClientMAC(mac(client))
        message.options.setMessageType(DHCPMessageType(rawValue: what % 8 + 1))
        switch who >> 3 & 3 {
        case 1: message.options.set(.clientIdentifier, [1] + mac(client).bytes)
        case 2: message.options.set(.clientIdentifier, [0xFF, 0, UInt8(client)])
        case 3: message.options.set(.clientIdentifier, [0xFF, 0, 7])
        default: break
        }
        let relayed = who & 0x20 != 0
        // A PXE client (option 60 PXEClient, option 93 BIOS or EFI); relayed, it reaches the proxy subnet.
        let pxe = when & 0x80 != 0
        if relayed { message.giaddr = pxe ? proxyRelayAddress : relayAddress }
        if pxe {
            message.options.set(.vendorClass, Array("PXEClient:Arch:00000:UNDI:002001".utf8))
            message.options.set(.clientArchitecture, [0, which & 1 == 0 ? 0 : 7])
        }
        if who & 0x40 != 0 { message.flags = DHCPMessage.broadcastFlag }
        if who & 0x80 != 0 {
            message.options.set(.vendorClass, Array("Cisco Systems, Inc. IP Phone CP-7970G".utf8) + [0])
            message.options.set(.parameterRequestList, [1, 66, 6, 3, 15, 150, 35])
        }
        if what & 0x08 != 0 {
            message.options.setIPv4(.serverIdentifier, what & 0x10 != 0 ? serverAddress : relayAddress)
        }
        if what & 0x20 != 0 { message.ciaddr = addresses[Int(which >> 4)] }
        if what & 0x40 != 0 { message.options.setIPv4(.requestedAddress, addresses[Int(which & 15)]) }
        switch when >> 3 & 7 {
        case 1: message.options.set(.maxMessageSize, [0x00, 0xC8])  // 200: below 576, ignored
        case 2: message.options.set(.maxMessageSize, [0x02, 0x40])  // 576
        case 3: message.options.set(.maxMessageSize, [0x02, 0x58])  // 600
        case 4: message.options.set(.maxMessageSize, [0x05, 0xDC])  // 1500
        case 5: message.options.set(.maxMessageSize, [0x05])  // malformed
        default: break
        }
        var bytes = message.encode()
        bytes.insert(contentsOf: extra, at: bytes.count - 1)
        guard let decoded = try? DHCPMessage(decoding: bytes) else { return nil }
        let context = ReceiveContext(
            interfaceName: "eth1", interfaceAddress: serverAddress,
            sourceAddress: relayed ? decoded.giaddr : decoded.ciaddr, sourcePort: relayed ? 67 : 68,
            onPXEPort: when & 0x40 != 0)
        return ClientScript(request: decoded, context: context, advance: advances[Int(when & 7)])
    }
}
