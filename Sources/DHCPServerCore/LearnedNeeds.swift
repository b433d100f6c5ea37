import DHCPWire
import DialtoneConfig
import Timeline
import WireSupport

/// Something a client turned out to need that its requests do not say (issue 18). Learned from evidence
/// in the exchanges, kept per MAC in the store, applied to every later reply, forgotten on command.
public enum ClientNeed: String, Hashable, Sendable, CaseIterable, Comparable {
    /// Replies broadcast although the client leaves the broadcast flag clear: it does not take a unicast
    /// OFFER before it has an address (the seed's 7970; RFC 2131 §4.1 lets a client clear the flag only if
    /// it can, and some cannot). Broadcast is always safe, every client accepts it.
    case broadcastReplies = "broadcast"

    /// How explain, the API and the dashboard say it.
    public var description: String {
        switch self {
        case .broadcastReplies: "replies broadcast"
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

/// Learning "wants broadcast": the unicast OFFERs still waiting for their REQUEST, per MAC. A DISCOVER from
/// a client holding one, at least `settle` after it left, means the client never took it: RFC 2131 §4.4.1
/// has a client that got an OFFER send a REQUEST, so a new DISCOVER is the client starting over.
/// A DISCOVER sooner than `settle` may be a retransmission that crossed our OFFER on the wire.
struct UnicastOfferWatch: Sendable {
    static let settle: ServerTime = 1_000
    /// Offers older than this are forgotten: the client went away, nothing to learn.
    static let horizon: ServerTime = 120_000
    /// A DISCOVER flood from random MACs must not grow this without bound.
    static let capacity = 4_096

    private var offers: [MACAddress: (time: ServerTime, yiaddr: IPv4Address)] = [:]

    /// What the exchange's replies teach: a unicast OFFER starts a watch, any REQUEST ends it.
    mutating func observe(_ type: DHCPMessageType, mac: MACAddress, actions: [DHCPAction], now: ServerTime) {
        if type == .request || type == .decline || type == .release {
            offers[mac] = nil
            return
        }
        for case .reply(let reply, .hardwareUnicast, _, _) in actions where reply.messageType == .offer {
            if offers.count >= Self.capacity { offers = offers.filter { now - $0.value.time < Self.horizon } }
            if offers.count < Self.capacity { offers[mac] = (now, reply.yiaddr) }
        }
    }

    /// The evidence, when this DISCOVER shows that `mac` ignored our unicast OFFER.
    mutating func ignoredOffer(by mac: MACAddress, now: ServerTime) -> String? {
        guard let offer = offers[mac], now - offer.time >= Self.settle, now - offer.time < Self.horizon else {
            return nil
        }
        offers[mac] = nil
        let seconds = (now - offer.time) / 1000
        let tenths = (now - offer.time) / 100 % 10
        return "DISCOVER again \(seconds).\(tenths) s after our unicast OFFER of \(offer.yiaddr), with no REQUEST"
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
    /// Only where the policy leaves it open: `auto`, the default outside classes; a class's `always` needs
    /// no learning and its `never` is the admin's word.
    mutating func learn(from request: DHCPMessage, profile: inout ClientProfile, now: ServerTime) -> [DHCPAction] {
        guard let mac = profile.mac else { return [] }
        if let known = learned[mac], known[.broadcastReplies] != nil {
            profile.learnedBroadcast = true
            return []
        }
        guard request.messageType == .discover, profile.broadcastPolicy == .auto,
            let evidence = offerWatch.ignoredOffer(by: mac, now: now)
        else { return [] }
        let need = LearnedNeed(.broadcastReplies, learnedAt: now, evidence: evidence)
        learned[mac, default: [:]][.broadcastReplies] = need
        profile.learnedBroadcast = true
        return [
            .remember(mac, learnedNeeds(of: mac)),
            .event(
                DHCPEvent(
                    .clientLearned, level: .notice, mac: mac,
                    [.dhcp(.learned): ClientNeed.broadcastReplies.rawValue, .reason: evidence])),
        ]
    }
}
