import DHCPWire
import DialtoneConfig
import Timeline
import WireSupport

extension Exchange {
    /// RFC 2131 §4.3.1: choose an address, hold it briefly, OFFER it. Never waits on anything.
    mutating func discover() -> [DHCPAction] {
        let requested = request.options.validRequestedAddress
        guard
            let ip = allocator.allocate(
                for: profile.key, mac: mac, requested: requested, leases: leases, now: now, cursor: &cursor,
                random: &random)
        else {
            return [event(.poolExhausted, level: .error, [.dhcp(.subnet): subnet.subnet.description])]
        }
        // An existing binding keeps its state and end; a new address is held as an offer.
        var held = lease(ip, state: .offered, until: now + DHCPServer.offerHoldMilliseconds)
        if let existing = leases[ip], existing.clientKey == profile.key, existing.state == .bound,
            existing.expires > now
        {
            held.state = .bound
            held.expires = existing.expires
        }
        return reply(.offer, yiaddr: ip, lease: leaseSeconds, event: .offerSent, after: commit(held))
    }

    /// RFC 2131 §4.3.2: SELECTING (server id present), INIT-REBOOT (no server id, no ciaddr), RENEWING or
    /// REBINDING (ciaddr set).
    mutating func requestMessage() -> [DHCPAction] {
        let serverID = request.options.validServerIdentifier
        let requested = request.options.validRequestedAddress
        if let serverID {
            guard serverID == context.interfaceAddress else {
                // The client chose another server: free our offer, say nothing (RFC 2131 §4.3.2).
                var actions: [DHCPAction] = [
                    event(.requestOtherServer, level: .info, [.dhcp(.serverID): serverID.description])
                ]
                if let key = profile.key, var held = leases.lease(for: key), held.state == .offered {
                    held.state = .released
                    held.updated = now
                    actions.insert(commit(held), at: 0)
                }
                return actions
            }
            guard let ip = requested ?? (request.ciaddr.isAny ? nil : request.ciaddr) else {
                return nak("REQUEST names us but carries no requested address")
            }
            return ackOrNak(ip, state: "selecting")
        }
        if request.ciaddr.isAny {
            guard let ip = requested else {
                return [event(.packetDropped, level: .warning, [.reason: "INIT-REBOOT REQUEST without option 50"])]
            }
            guard subnet.subnet.contains(ip) else { return nak("address \(ip) is not on subnet \(subnet.subnet)") }
            return ackOrNak(ip, state: "init-reboot")
        }
        return ackOrNak(request.ciaddr, state: "renewing")
    }

    private func ackOrNak(_ ip: IPv4Address, state: String) -> [DHCPAction] {
        guard subnet.subnet.contains(ip), mayBind(ip) else {
            return nak("address \(ip) is not available to this client (\(state))")
        }
        let bound = lease(ip, state: .bound, until: now + subnet.leaseTime.milliseconds)
        return reply(.ack, yiaddr: ip, lease: leaseSeconds, event: .ackSent, after: commit(bound))
    }

    private func nak(_ reason: String) -> [DHCPAction] {
        guard server.config.authoritative else {
            return [event(.requestIgnored, level: .notice, [.reason: reason + "; not authoritative, so no NAK"])]
        }
        return reply(.nak, yiaddr: .any, lease: nil, event: .nakSent).map { action in
            if case .event(var e) = action {
                e.metadata[.reason] = reason
                e.level = .notice
                return .event(e)
            }
            return action
        }
    }

    /// RFC 2131 §4.3.3: the client found the address in use. Quarantine it and forget the binding.
    func decline() -> [DHCPAction] {
        guard let ip = request.options.validRequestedAddress, let existing = leases[ip],
            existing.clientKey == profile.key
        else {
            return [
                event(.declineIgnored, level: .warning, [.reason: "DECLINE for an address this client does not hold"])
            ]
        }
        var quarantined = existing
        quarantined.state = .declined
        quarantined.expires = now + DHCPServer.declineQuarantineMilliseconds
        quarantined.updated = now
        return [commit(quarantined), event(.declineReceived, level: .warning, [.dhcp(.address): ip.description])]
    }

    /// RFC 2131 §4.3.4: the binding is kept (released) so the client gets the same address next time.
    func release() -> [DHCPAction] {
        guard let existing = leases[request.ciaddr], existing.clientKey == profile.key else {
            return [
                event(
                    .releaseIgnored, level: .debug, [.reason: "RELEASE for \(request.ciaddr), not held by this client"])
            ]
        }
        var released = existing
        released.state = .released
        released.expires = now
        released.updated = now
        return [commit(released), event(.releaseReceived, [.dhcp(.address): request.ciaddr.description])]
    }

    /// RFC 2131 §4.3.5: configuration only, no lease, no yiaddr; unicast to ciaddr.
    func inform() -> [DHCPAction] {
        reply(.ack, yiaddr: .any, lease: nil, event: .informAnswered)
    }
}
