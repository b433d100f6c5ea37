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
    /// size every client accepts, so the small shape is always safe; options that do not fit are left out.
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

/// The OFFERs still waiting for their REQUEST that could teach something, per MAC: unicast ones (the
/// client may want broadcast), ones over 576 bytes (it may want small replies), and small trials (did the
/// small shape work?). Every other OFFER is left out, so a flood of ordinary clients costs nothing here.
/// A DISCOVER from a client holding one, at least `settle` after it left, means the client never took it:
/// RFC 2131 §4.4.1 has a client that got an OFFER send a REQUEST, so a new DISCOVER is the client starting
/// over. A DISCOVER sooner than `settle` may be a retransmission that crossed our OFFER on the wire.
struct OfferWatch: Sendable {
    static let settle: ServerTime = 1_000
    /// Offers older than this are forgotten: the client went away, nothing to learn.
    static let horizon: ServerTime = 120_000
    /// A DISCOVER flood from random MACs must not grow this without bound.
    static let capacity = 4_096
    /// RFC 2131 §2: the DHCP message every client accepts (576 bytes of IP datagram less its headers).
    static let smallSize = DHCPMessage.defaultMaximumSize

    struct Offer: Sendable {
        var time: ServerTime
        var yiaddr: IPv4Address
        var unicast: Bool
        /// The encoded DHCP message's size.
        var bytes: Int
        /// Sent within 576 bytes to try the small shape after a larger OFFER was ignored.
        var trial: Bool
    }

    private var offers: [MACAddress: Offer] = [:]

    /// What the exchange's replies teach: a telling OFFER starts a watch, any REQUEST ends it.
    mutating func observe(
        _ type: DHCPMessageType, mac: MACAddress, actions: [DHCPAction], trial: Bool, now: ServerTime
    ) {
        if type == .request || type == .decline || type == .release {
            offers[mac] = nil
            return
        }
        for case .reply(let reply, let destination, let minimum, let maximum) in actions
        where reply.messageType == .offer {
            var unicast = false
            if case .hardwareUnicast = destination { unicast = true }
            // Only a client whose option 57 allows more can be sent more than the small size; trials are
            // weighed too, for the evidence to say what was sent.
            let bytes =
                maximum > Self.smallSize || trial
                ? max(minimum, reply.encodedSize(maximumSize: maximum)) : Self.smallSize
            guard unicast || trial || bytes > Self.smallSize else {
                offers[mac] = nil
                continue
            }
            if offers.count >= Self.capacity { offers = offers.filter { now - $0.value.time < Self.horizon } }
            if offers.count < Self.capacity {
                offers[mac] = Offer(time: now, yiaddr: reply.yiaddr, unicast: unicast, bytes: bytes, trial: trial)
            }
        }
    }

    /// The watched OFFER, when this DISCOVER shows that `mac` ignored it; the watch ends.
    mutating func ignoredOffer(by mac: MACAddress, now: ServerTime) -> Offer? {
        guard let offer = offers[mac], now - offer.time >= Self.settle, now - offer.time < Self.horizon else {
            return nil
        }
        offers[mac] = nil
        return offer
    }

    /// The small trial OFFER this REQUEST takes up, if it is one (the watch ends with the REQUEST anyway).
    func trialTaken(by mac: MACAddress, now: ServerTime) -> Offer? {
        guard let offer = offers[mac], offer.trial, now - offer.time < Self.horizon else { return nil }
        return offer
    }

    static func seconds(_ ms: ServerTime) -> String { "\(ms / 1000).\(ms / 100 % 10) s" }
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
    /// `always` needs no learning and its `never` is the admin's word. Size is tried, then learned: after an
    /// ignored OFFER over 576 bytes the next one is sent within 576 (a trial), and a REQUEST for that one is
    /// the evidence. One thing changes at a time, broadcast first (the seed's fault, and the commoner one).
    mutating func learn(from request: DHCPMessage, profile: inout ClientProfile, now: ServerTime) -> [DHCPAction] {
        guard let mac = profile.mac, let type = request.messageType else { return [] }
        let known = learned[mac] ?? [:]
        profile.learnedBroadcast = known[.broadcastReplies] != nil
        profile.smallReplies = known[.smallReplies] != nil
        if type == .request, !profile.smallReplies, let trial = offerWatch.trialTaken(by: mac, now: now),
            request.options.validRequestedAddress == trial.yiaddr
        {
            profile.smallReplies = true
            return remember(
                .smallReplies, mac: mac, now: now,
                evidence:
                    "REQUEST for our \(trial.bytes)-byte OFFER of \(trial.yiaddr), sent within 576 bytes after a larger one was ignored"
            )
        }
        guard type == .discover, let offer = offerWatch.ignoredOffer(by: mac, now: now) else { return [] }
        let waited = OfferWatch.seconds(now - offer.time)
        if offer.unicast, profile.broadcastPolicy == .auto {
            profile.learnedBroadcast = true
            return remember(
                .broadcastReplies, mac: mac, now: now,
                evidence: "DISCOVER again \(waited) after our unicast OFFER of \(offer.yiaddr), with no REQUEST")
        }
        if offer.bytes > OfferWatch.smallSize, !offer.trial, !profile.smallReplies {
            profile.smallReplies = true
            profile.replyTrial =
                "trying a reply within 576 bytes: DISCOVER again \(waited) after our \(offer.bytes)-byte OFFER of \(offer.yiaddr), with no REQUEST"
        }
        return []
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
