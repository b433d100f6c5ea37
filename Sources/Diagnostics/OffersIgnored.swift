import Timeline

extension Diagnosis {
    /// The seed's symptom: OFFERs sent, no REQUEST came back. Lists what our offers looked like, so the admin
    /// sees at once that the usual suspects (size, option 54, destination, latency) are ruled out, and ranks
    /// the causes that remain by what the timeline shows (`offerCauses`).
    static func offersIgnored(_ events: [TimelineEvent], clock: (Int64) -> String) -> [Finding] {
        // Offers after the last ACK (or all, if never acknowledged). A REQUEST naming another server also
        // closes the count: those offers were not ignored but lost to a rival (its own finding).
        let lastAck = events.lastIndex { $0.name == .dhcp(.ackSent) || $0.name == .dhcp(.requestOtherServer) }
        let pending = events[(lastAck.map { $0 + 1 } ?? 0)...].filter { $0.name == .dhcp(.offerSent) }
        guard pending.count >= 2 else { return [] }
        let sizes = Set(pending.compactMap { $0[.dhcp(.replyBytes)] })
        let destinations = Set(pending.compactMap { $0[.dhcp(.destination)] })
        let latencies = pending.compactMap { $0[.dhcp(.latencyMicroseconds)].flatMap(Double.init) }
        // Older timelines lack `dhcp.options`; option 54 has always been set.
        let options = pending.last?[.dhcp(.options)].map { "options \($0)" } ?? "option 54 set"
        var evidence = [
            "\(pending.count) OFFERs sent since \(clock(pending.first!.time)), no REQUEST followed",
            "our offers: \(sizes.sorted().joined(separator: "/")) bytes, to \(destinations.sorted().joined(separator: "; ")), \(options), slowest offer \(milliseconds(latencies.max())) after the DISCOVER",
        ]
        if let vendor = pending.last?[.dhcp(.vendorClass)] { evidence.append("client: \(vendor)") }
        let rivals = Self.serverIDs(
            events.filter { $0.name == .dhcp(.requestOtherServer) || $0.name == .dhcp(.otherServerReply) })
        return [
            Finding(
                .error, "\(pending.count) offers ignored", evidence: evidence,
                causes: offerCauses(pending, rivals: rivals, latencies: latencies),
                action:
                    "capture on the client's port (tcpdump -ni IF port 67 or 68) to see whether our OFFER arrives and what else answers"
            )
        ]
    }

    /// How one OFFER left, from its `dhcp.destination` (`describe(ReplyDestination)` in the DHCP core, or the
    /// socket's fallback, which starts with "broadcast").
    enum OfferPath {
        case unicast, broadcast, relay, unknown
        init(_ destination: String?) {
            guard let destination else {
                self = .unknown
                return
            }
            if destination.hasPrefix("unicast") {
                self = .unicast
            } else if destination.hasPrefix("broadcast") {
                self = .broadcast
            } else if destination.hasPrefix("relay") {
                self = .relay
            } else {
                self = .unknown
            }
        }
    }

    /// The causes of ignored offers, ranked: what was observed first (another server, replies too small),
    /// then what every ignored offer is consistent with (all unicast: the client wants broadcast, as the
    /// seed's 7970 did; all through a relay: the relay), then the general suspects.
    static func offerCauses(_ pending: [TimelineEvent], rivals: [String], latencies: [Double]) -> [Cause] {
        var ranking = CauseRanking()
        let n = pending.count
        if !rivals.isEmpty {
            ranking.add(
                .observed, "another DHCP server answers on this link: \(rivals.joined(separator: ", "))",
                evidence: "its replies, or REQUESTs naming it, are in this timeline (see that finding)")
        }
        let sizes = pending.compactMap { $0[.dhcp(.replyBytes)].flatMap(Int.init) }
        let small = sizes.filter { $0 < 300 }
        if !small.isEmpty {
            ranking.add(
                .observed, "replies under 300 bytes (some clients drop them)",
                evidence: "\(small.count) of the \(n) offers were under 300 bytes")
        }
        if let slowest = latencies.max(), slowest > 1_000_000 {
            ranking.add(
                .observed, "our offers are slow (> 1 s): the client stops listening",
                evidence: "the slowest offer left \(milliseconds(slowest)) after its DISCOVER")
        }
        let paths = pending.map { OfferPath($0[.dhcp(.destination)]) }
        let unicast = paths.filter { $0 == .unicast }.count
        let broadcast = paths.filter { $0 == .broadcast }.count
        let relayed = paths.filter { $0 == .relay }.count
        let wantsBroadcast =
            "the client does not accept unicast replies before it has an address (it did not set the broadcast flag, yet never took a unicast OFFER): give it `broadcast: always` in a class"
        if unicast == n {
            ranking.add(
                .consistent, wantsBroadcast,
                evidence:
                    "all \(n) ignored offers went unicast to the offered address at the client's MAC, and the client answered with DISCOVERs, not a REQUEST; none was broadcast"
            )
        } else if unicast > 0 {
            ranking.add(
                .contradicted, wantsBroadcast,
                evidence: "\(broadcast) of the ignored offers were broadcast and ignored too")
        }
        // RFC 2131 §2: 576 bytes of IP datagram is all a client must accept; more needs its option 57, and
        // a link whose MTU is below that claim drops the rest (the DHCP core tries the small shape itself).
        let large = sizes.filter { $0 > 548 }
        let tooLarge =
            "the client does not receive replies over 576 bytes, though its option 57 allows them "
            + "(an MTU below its claim on the way)"
        if !large.isEmpty, large.count == n {
            ranking.add(
                .consistent, tooLarge,
                evidence:
                    "all \(n) ignored offers were over 576 bytes as IP datagrams "
                    + "(largest \(large.max()!) bytes of DHCP)")
        } else if !large.isEmpty, sizes.count > large.count {
            ranking.add(
                .contradicted, tooLarge,
                evidence: "\(sizes.count - large.count) of the ignored offers fitted in 576 bytes and were ignored too"
            )
        }
        if relayed == n {
            ranking.add(
                .consistent,
                "the relay does not deliver our replies to the client (its configuration, or a firewall on UDP 67 between it and us)",
                evidence: "all \(n) offers went to a relay agent, none straight to the client")
        } else if relayed == 0 {
            ranking.add(
                .possible,
                "the reply does not reach the client: a VLAN or switch port filtering broadcasts, or a firewall on UDP 68",
                evidence: "the offers left on the client's own link; the timeline cannot see past our interface")
        }
        if rivals.isEmpty {
            ranking.add(
                .unexamined,
                "another DHCP server answers first or the client prefers its offer (check the link for other servers)",
                evidence:
                    "our port-68 watcher heard no other server, but it only hears broadcast replies on links where it runs"
            )
        }
        ranking.add(
            .unexamined, "the client rejects an option value: compare what it asked for with what we send",
            evidence:
                "it asked for \(pending.last?[.dhcp(.prl)] ?? "-") (option 55); we sent \(pending.last?[.dhcp(.options)] ?? "?")"
        )
        return ranking.ranked
    }

    /// Microseconds as milliseconds with one decimal, by hand (a pure target, no Foundation).
    static func milliseconds(_ microseconds: Double?) -> String {
        guard let us = microseconds else { return "?" }
        return "\(Int(us / 1000)).\(Int(us / 100) % 10) ms"
    }
}
