import DHCPWire
import DialtoneConfig
import Timeline
import WireSupport

/// One request being answered: the RFC 2131 §4.3 rules per message type.
struct Exchange {
    let server: DHCPServer
    let request: DHCPMessage
    let type: DHCPMessageType
    let context: ReceiveContext
    let configured: ConfiguredSubnet
    var subnet: SubnetConfiguration { configured.config }
    let profile: ClientProfile
    let now: ServerTime
    var cursor: UInt64
    var random: RandomCandidates?

    init(
        server: DHCPServer, request: DHCPMessage, type: DHCPMessageType, context: ReceiveContext,
        subnet: ConfiguredSubnet, profile: ClientProfile, now: ServerTime
    ) {
        self.server = server
        self.request = request
        self.type = type
        self.context = context
        self.configured = subnet
        self.profile = profile
        self.now = now
        self.cursor = server.cursor(for: subnet.config.subnet)
        self.random = server.random
    }

    var allocator: Allocator { Allocator(subnet: configured) }

    /// A commit of `lease` over the row this exchange decided from.
    func commit(_ lease: Lease) -> DHCPAction { .commit(lease, replacing: leases[lease.ip]) }
    var leases: LeaseTable { server.leases }
    var leaseSeconds: UInt32 { UInt32(clamping: subnet.leaseTime.seconds) }
    var mac: MACAddress? { profile.mac }

    var builder: ReplyBuilder {
        ReplyBuilder(
            subnet: configured, profile: profile, serverAddress: context.interfaceAddress,
            tftpAddress: server.servesTFTP ? context.interfaceAddress : nil, http: server.httpListen)
    }

    /// Made with room for the reply's keys too, so that `event` and `reply` add theirs without regrowing it.
    var baseMetadata: EventMetadata {
        var m = EventMetadata(minimumCapacity: 16)
        m[.dhcp(.xid)] = hex32(request.xid)
        m[.dhcp(.type)] = type.description
        m[.dhcp(.interface)] = context.interfaceName
        if let vc = profile.vendorClass { m[.dhcp(.vendorClass)] = vc }
        if let name = profile.hostname { m[.dhcp(.hostname)] = name }
        if !request.giaddr.isAny { m[.dhcp(.giaddr)] = request.giaddr.description }
        if request.isBroadcastFlagSet { m[.dhcp(.flags)] = "broadcast" }
        let prl = request.options.parameterRequestList
        if !prl.isEmpty { m[.dhcp(.prl)] = codeList(prl) }
        if let cls = profile.matchedClass { m[.dhcp(.clientClass)] = cls.name }
        return m
    }

    func event(_ name: EventName.DHCP, level: DHCPEvent.Level = .info, _ extra: EventMetadata = [:]) -> DHCPAction {
        // `extra` wins over the base keys.
        var metadata = baseMetadata
        metadata.merge(extra)
        return .event(DHCPEvent(name, level: level, mac: mac, metadata))
    }

    /// The reply and its event, after `commit` when there is one (the lease change the reply announces): one
    /// array built in place, where `[commit] + reply(...)` copied every action into a new one (each copy
    /// retaining the message's and the event's storage; callgrind, bench/dhcp).
    func reply(
        _ type: DHCPMessageType, yiaddr: IPv4Address, lease: UInt32?, event name: EventName.DHCP,
        after commit: DHCPAction? = nil
    ) -> [DHCPAction] {
        let message = builder.reply(to: request, type: type, yiaddr: yiaddr, leaseSeconds: lease)
        let destination = ReplyRouting.destination(
            request: request, replyType: type, yiaddr: yiaddr, policy: profile.broadcastPolicy,
            serverPort: server.config.port, clientPort: server.config.clientPort)
        // A client that ignored larger replies gets what RFC 2131 §2 says every client accepts (LearnedNeeds).
        let maximum = profile.smallReplies ? DHCPMessage.defaultMaximumSize : ReplyBuilder.maximumSize(for: request)
        // What the reply names for booting, so a boot loop can be told from its file field and option 67.
        // The options sent (not those that did not fit `maximum`), so "offers ignored" can list exactly what the
        // client turned down.
        let sent = message.encodedOptionCodes(maximumSize: maximum)
        // Written straight into the base metadata (none of these keys is a base key): a literal merged into it
        // cost ~2k instructions per reply (callgrind, bench/dhcp).
        var extra = baseMetadata
        extra[.dhcp(.yiaddr)] = yiaddr.description
        extra[.dhcp(.destination)] = describe(destination)
        extra[.dhcp(.options)] = codeList(sent)
        if let option67 = message.options[.bootFileName] {
            extra[.dhcp(.bootFile)] = String(decoding: option67.prefix { $0 != 0 }, as: UTF8.self)
        }
        if type == .offer, let trial = profile.replyTrial {
            let leftOut = message.options.codes.filter { !sent.contains($0) }
            extra[.reason] =
                leftOut.isEmpty
                ? trial : trial + "; left out: options " + codeList(leftOut)
        }
        let fileField = message.file.prefix { $0 != 0 }
        if !fileField.isEmpty { extra[.dhcp(.fileField)] = String(decoding: fileField, as: UTF8.self) }
        var actions: [DHCPAction] = []
        actions.reserveCapacity(3)
        if let commit { actions.append(commit) }
        actions.append(
            .reply(message, to: destination, minimumSize: DHCPMessage.minimumBOOTPSize, maximumSize: maximum))
        actions.append(.event(DHCPEvent(name, level: .info, mac: mac, extra)))
        return actions
    }

    func lease(_ ip: IPv4Address, state: Lease.State, until expires: ServerTime) -> Lease {
        Lease(
            ip: ip, mac: mac, clientID: request.options.clientIdentifier,
            hostname: profile.hostname ?? reservedName(ip),
            state: state, expires: expires, updated: now)
    }

    func reservedName(_ ip: IPv4Address) -> String? { subnet.reservations.first { $0.ip == ip }?.hostname }

    /// Whether this client may be bound to `ip` now.
    func mayBind(_ ip: IPv4Address) -> Bool {
        if let r = allocator.usableReservation(for: profile.key, mac: mac, leases: leases, now: now) {
            return r.ip == ip
        }
        if subnet.reservations.contains(where: { $0.ip == ip }) { return false }
        return allocator.isAvailable(ip, for: profile.key, leases: leases, now: now)
    }
}

/// "0x" and eight lowercase hex digits, written in place: it is in every DHCP event's metadata, and the
/// version built from `String(radix:)` and padding strings cost three allocations per event (callgrind).
func hex32(_ value: UInt32) -> String {
    String(unsafeUninitializedCapacity: 10) { out in
        out[0] = UInt8(ascii: "0")
        out[1] = UInt8(ascii: "x")
        for i in 0..<8 {
            let nibble = UInt8((value >> UInt32(28 - 4 * i)) & 0xF)
            out[2 + i] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
        }
        return 10
    }
}

func describe(_ destination: ReplyDestination) -> String {
    switch destination {
    case .relay(let ip, let port): endpoint("relay ", ip, port)
    case .unicast(let ip, let port): endpoint("unicast ", ip, port)
    case .broadcast(let port): endpoint("broadcast ", .broadcast, port)
    case .hardwareUnicast(let ip, let mac, let port): endpoint("unicast ", ip, port, at: mac)
    }
}

/// "relay 198.18.0.2:67", appended into one reserved string: it is in every reply's event, and string
/// interpolation cost about 1,800 instructions for it (callgrind, bench/dhcp).
private func endpoint(_ kind: String, _ ip: IPv4Address, _ port: UInt16, at mac: MACAddress? = nil) -> String {
    var text = kind
    text.reserveCapacity(48)
    text += ip.description
    text += ":"
    text += String(port)
    if let mac {
        text += " at "
        text += mac.description
    }
    return text
}

/// Option codes as the events write them ("1,3,6,15"), digits written in place: two lists are in every
/// reply's event, and `map(String.init).joined` made a string per code (callgrind, bench/dhcp/run.sh).
func codeList(_ codes: some Collection<DHCPOptionCode>) -> String {
    String(unsafeUninitializedCapacity: codes.count * 4) { out in
        var n = 0
        for code in codes {
            if n > 0 {
                out[n] = UInt8(ascii: ",")
                n += 1
            }
            let value = code.rawValue
            if value >= 100 {
                out[n] = UInt8(ascii: "0") + value / 100
                n += 1
            }
            if value >= 10 {
                out[n] = UInt8(ascii: "0") + value / 10 % 10
                n += 1
            }
            out[n] = UInt8(ascii: "0") + value % 10
            n += 1
        }
        return n
    }
}
