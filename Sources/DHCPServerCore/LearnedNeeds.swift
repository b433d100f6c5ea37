import DHCPWire
import DialtoneConfig
import Timeline
import WireSupport

/// Something a client turned out to need that its requests do not say (issue 18). Learned from evidence
/// in the exchanges, kept per MAC in the store, applied to every later reply, forgotten on command.
/// What else was weighed and why it is not learned: docs/dhcp.md, "Learned client needs".
public enum ClientNeed: String, Hashable, Sendable, CaseIterable, Comparable {
    /// Replies broadcast although the client leaves the broadcast flag clear: it does not take a unicast
    /// OFFER before it has an address (the seed's 7970; RFC 2131 §4.1 lets a client clear the flag only if
    /// it can, and some cannot). Broadcast is always safe, every client accepts it.
    case broadcastReplies = "broadcast"
    /// Replies within 576 bytes although the client's option 57 allows more: a larger OFFER never reaches
    /// it (a link or interface MTU under its claim, a stack that drops fragments). RFC 2131 §2 makes 576 the
    /// size every client accepts, so the small shape always arrives; what it costs is the options that do not
    /// fit, left out (named in the trial's reason), which is why it is tried only after two misses.
    case smallReplies = "small"

    /// How explain, the API and the dashboard say it.
    public var description: String {
        switch self {
        case .broadcastReplies: "replies broadcast"
        case .smallReplies: "replies within 576 bytes"
        }
    }

    public static func < (a: ClientNeed, b: ClientNeed) -> Bool { a.rawValue < b.rawValue }
}

/// One learned need: what, since when, and the evidence it was learned from.
public struct LearnedNeed: Hashable, Sendable {
    public var need: ClientNeed
    public var learnedAt: ServerTime
    public var evidence: String

    public init(_ need: ClientNeed, learnedAt: ServerTime, evidence: String) {
        self.need = need
        self.learnedAt = learnedAt
        self.evidence = evidence
    }
}

extension DHCPServer {
    /// The client's learned needs (empty: none).
    public func learnedNeeds(of mac: MACAddress) -> [LearnedNeed] {
        (learned[mac] ?? [:]).values.sorted { $0.need < $1.need }
    }

    /// Forgets what was learned about `mac` (`dialtone forget`, `POST /api/devices/MAC/forget`): its
    /// next replies follow RFC 2131 again until the evidence says otherwise.
    public mutating func forget(_ mac: MACAddress) -> [DHCPAction] {
        guard learned.removeValue(forKey: mac) != nil else { return [] }
        return [
            .remember(mac, []),
            .event(DHCPEvent(.clientForgotten, level: .notice, mac: mac, [:])),
        ]
    }

    /// Learns from this request before it is answered, so the answer already applies what was learned.
    /// Broadcast only where the policy leaves it open: `auto`, the default outside classes; a class's
    /// `always` needs no learning and its `never` is the admin's word. Size is tried, then learned: after two
    /// ignored OFFERs over 576 bytes the next one is sent within 576 (a trial), and an ACK for a REQUEST
    /// taking up that one is the evidence (`confirmTrial`). One thing changes at a time, broadcast first (the
    /// seed's fault, and the commoner one).
    mutating func learn(from request: DHCPMessage, profile: inout ClientProfile, now: ServerTime) -> [DHCPAction] {
        guard let mac = profile.mac, let type = request.messageType else { return [] }
        if let known = learned[mac] {
            profile.learnedBroadcast = known[.broadcastReplies] != nil
            profile.smallReplies = known[.smallReplies] != nil
        }
        if type == .request {
            // The REQUEST for a trial is answered in the trial's shape; the lesson waits for the ACK.
            if !profile.smallReplies, offerWatch.trialTaken(by: mac, request: request, now: now) != nil {
                profile.smallReplies = true
            }
            return []
        }
        guard type == .discover else { return [] }
        if !profile.smallReplies, let trial = offerWatch.recentTrial(of: mac, now: now) {
            profile.smallReplies = true
            profile.replyTrial = trial.trial
            return []
        }
        guard let offer = offerWatch.ignoredOffer(by: mac, now: now) else { return [] }
        let waited = OfferWatch.seconds(now - offer.time)
        if offer.unicast, profile.broadcastPolicy == .auto {
            profile.learnedBroadcast = true
            offerWatch.explain(mac)
            return remember(
                .broadcastReplies, mac: mac, now: now,
                evidence: "DISCOVER again \(waited) after our unicast OFFER of \(offer.yiaddr), with no REQUEST")
        }
        if offer.bytes > OfferWatch.smallSize, offer.trial == nil, !profile.smallReplies,
            offer.misses + 1 >= OfferWatch.missesBeforeTrial
        {
            profile.smallReplies = true
            profile.replyTrial =
                "trying a reply within 576 bytes: \(offer.misses + 1) OFFERs over 576 bytes ignored, the last "
                + "\(offer.bytes) bytes (DISCOVER again \(waited) after it, with no REQUEST)"
        }
        return []
    }

    /// After the answer: an ACK for the REQUEST that took up a trial OFFER teaches `smallReplies`.
    mutating func confirmTrial(_ request: DHCPMessage, profile: ClientProfile, actions: [DHCPAction], now: ServerTime)
        -> [DHCPAction]
    {
        guard request.messageType == .request, let mac = profile.mac, learned[mac]?[.smallReplies] == nil,
            let trial = offerWatch.trialTaken(by: mac, request: request, now: now),
            actions.contains(where: { if case .reply(let m, _, _, _) = $0 { m.messageType == .ack } else { false } })
        else { return [] }
        return remember(
            .smallReplies, mac: mac, now: now,
            evidence:
                "REQUEST for our \(trial.bytes)-byte OFFER of \(trial.yiaddr), sent within 576 bytes after "
                + "\(trial.misses) larger ones were ignored")
    }

    private mutating func remember(_ need: ClientNeed, mac: MACAddress, now: ServerTime, evidence: String)
        -> [DHCPAction]
    {
        learned[mac, default: [:]][need] = LearnedNeed(need, learnedAt: now, evidence: evidence)
        return [
            .remember(mac, learnedNeeds(of: mac)),
            .event(
                DHCPEvent(
                    .clientLearned, level: .notice, mac: mac, [.dhcp(.learned): need.rawValue, .reason: evidence])),
        ]
    }
}
