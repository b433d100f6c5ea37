import DHCPServerCore
import DHCPWire
import FuzzSupport
import WireSupport

/// What the clients were promised, kept apart from the server's own table: every address ACKed, to whom and
/// until when. After each step it checks the invariants the issue names (no address bound to two clients,
/// every reply decodes and fits the client's limit) and that the server still holds what it promised.
struct BindingModel {
    struct Binding {
        var client: ClientKey?
        var expires: ServerTime
    }

    private(set) var bound: [IPv4Address: Binding] = [:]

    mutating func check(_ actions: [DHCPAction], request: DHCPMessage, server: DHCPServer, now: ServerTime) {
        let client = ClientKey(clientID: request.options.clientIdentifier, mac: request.clientMAC)
        for action in actions {
            switch action {
            case .commit(let lease, _): commit(lease, from: client, now: now)
            case .reply(let reply, _, let minimum, let maximum):
                checkReply(reply, minimum: minimum, maximum: maximum, to: request, client: client, server: server)
            case .event, .remember: break
            }
        }
        for (ip, binding) in bound where binding.expires > now {
            let held = server.leases[ip]
            require(
                held?.state == .bound && held?.clientKey == binding.client && held?.expires == binding.expires,
                "\(ip) was ACKed to \(describe(binding.client)) until \(binding.expires), the server holds \(held as Any)"
            )
        }
    }

    /// A commit may take an address only from its own holder or from nobody: binding or offering an address
    /// that another client holds, or freeing it on someone else's request, hands it to two clients.
    private mutating func commit(_ lease: Lease, from client: ClientKey?, now: ServerTime) {
        // Quarantines after a conflict probe have no client; DECLINE keeps the decliner's key.
        if lease.state == .declined, lease.clientKey == nil { return bound[lease.ip] = nil }
        require(lease.clientKey == client, "a commit for \(describe(lease.clientKey)) answers \(describe(client))")
        if let holder = bound[lease.ip], holder.expires > now, holder.client != client {
            require(false, "\(lease.ip) is \(lease.state) for \(describe(client)), bound to \(describe(holder.client))")
        }
        if lease.state == .bound {
            bound[lease.ip] = Binding(client: client, expires: lease.expires)
        } else if lease.state == .released || lease.state == .declined {
            bound[lease.ip] = nil
        }
    }

    private func checkReply(
        _ reply: DHCPMessage, minimum: Int, maximum: Int, to request: DHCPMessage, client: ClientKey?,
        server: DHCPServer
    ) {
        // RFC 2131 §2: 576 bytes (IP and UDP headers included) unless option 57 allows more.
        var limit = 576
        if let raw = request.options[.maxMessageSize], raw.count == 2 {
            limit = max(576, Int(raw[0]) << 8 | Int(raw[1]))
        }
        let bytes = reply.encode(minimumSize: minimum, maximumSize: maximum)
        require(bytes.count + 28 <= limit, "a \(bytes.count)-byte reply to a client accepting \(limit)")
        require(max(minimum, reply.encodedSize(maximumSize: maximum)) == bytes.count, "encodedSize is not encode's")
        // A client that learned `small` (the big-replies class makes larger replies possible) gets 576 at most.
        if let mac = request.clientMAC, server.learnedNeeds(of: mac).contains(where: { $0.need == .smallReplies }) {
            require(bytes.count <= DHCPMessage.defaultMaximumSize, "a \(bytes.count)-byte reply after learning small")
        }
        require(bytes.count >= DHCPMessage.minimumBOOTPSize, "a \(bytes.count)-byte reply, under the BOOTP minimum")
        guard let decoded = try? DHCPMessage(decoding: bytes) else { return require(false, "reply does not decode") }
        require(decoded.op == DHCPMessage.bootReply && decoded.xid == request.xid, "reply header \(decoded)")
        require(decoded.chaddr == request.chaddr, "reply to another chaddr")
        require((try? decoded.options.serverIdentifier) == ClientScript.serverAddress, "option 54 missing")
        // RFC 3046 §2.2: option 82 comes back whenever it fits beside 53 and 54 (room is kept for it first).
        if let relay = request.options[.relayAgentInformation], 240 + 3 + 6 + relay.count + 2 + 1 <= maximum,
            relay.count <= 255
        {
            require(decoded.options[.relayAgentInformation] == relay, "option 82 not echoed")
        }
        switch decoded.messageType {
        case .offer, .ack:
            // An ACK to INFORM names no address (RFC 2131 §4.3.5), nor does a proxyDHCP answer: then no lease.
            if decoded.yiaddr.isAny, decoded.messageType == .ack { return }
            if decoded.yiaddr.isAny {
                require(decoded.options.vendorClass == "PXEClient", "an OFFER of no address that is not a proxy offer")
                return require(decoded.options[.leaseTime] == nil, "a proxy offer with a lease time")
            }
            let held = server.leases[decoded.yiaddr]
            require(held?.clientKey == client, "\(decoded.yiaddr) sent to \(describe(client)), held \(held as Any)")
            if decoded.messageType == .ack {
                require(held?.state == .bound, "ACK for \(decoded.yiaddr) that is \(held?.state as Any)")
                require(bound[decoded.yiaddr]?.client == client, "ACK of \(decoded.yiaddr) without a binding")
            }
            require(decoded.options[.leaseTime] != nil, "\(decoded.messageType!) without a lease time")
        case .nak:
            break
        default:
            require(false, "reply of type \(String(describing: decoded.messageType))")
        }
    }
}

private func describe(_ key: ClientKey?) -> String { key.map(\.description) ?? "no client" }
