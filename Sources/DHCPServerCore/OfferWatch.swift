import DHCPWire
import Timeline
import WireSupport

/// The OFFERs still waiting for their REQUEST that could teach something, per MAC: unicast ones (the
/// client may want broadcast), ones over 576 bytes (it may want small replies), and small trials (did the
/// small shape work?). OFFERs relayed or broadcast within 576 bytes (a relay's phones, most flood traffic)
/// are not kept. A DISCOVER from a client holding one, at least `settle` after it left, means the client
/// never took it: RFC 2131 §4.4.1 has a client that got an OFFER send a REQUEST, so a new DISCOVER is the
/// client starting over. A DISCOVER sooner than `settle` may be a retransmission that crossed our OFFER.
struct OfferWatch: Sendable {
    static let settle: ServerTime = 1_000
    /// Offers older than this are forgotten: the client went away, nothing to learn.
    static let horizon: ServerTime = 120_000
    /// A DISCOVER flood from random MACs must not grow this without bound.
    static let capacity = 4_096
    /// RFC 2131 §2: the DHCP message every client accepts (576 bytes of IP datagram less its headers).
    static let smallSize = DHCPMessage.defaultMaximumSize
    /// Larger OFFERs ignored in a row before the small shape is tried: one lost OFFER (a switch port still
    /// learning, a client rebooting) is no evidence, and what the small shape leaves out is lost for good.
    static let missesBeforeTrial = 2

    struct Offer: Sendable {
        var time: ServerTime
        var xid: UInt32
        var yiaddr: IPv4Address
        /// Option 54 as sent: a REQUEST takes up this OFFER only when it names it (RFC 2131 §4.3.2).
        var serverID: [UInt8]?
        var unicast: Bool
        /// The encoded DHCP message's size.
        var bytes: Int
        /// Why it was sent within 576 bytes, when it was a trial of the small shape.
        var trial: String?
        /// Larger OFFERs ignored in a row before this one.
        var misses: Int
        /// A DISCOVER after it has shown it was ignored (the watch keeps it to count misses).
        var ignored = false
        /// Its loss is put down to something else (it was unicast, and broadcast was learned from it): it
        /// does not count as a miss of the large shape.
        var explained = false
    }

    private var offers: [MACAddress: Offer] = [:]
    private var lastSweep: ServerTime = 0

    /// What the exchange's replies teach: a telling OFFER starts a watch, any REQUEST ends it.
    mutating func observe(
        _ request: DHCPMessage, type: DHCPMessageType, mac: MACAddress, actions: [DHCPAction], trial: String?,
        now: ServerTime
    ) {
        if type == .request || type == .decline || type == .release {
            if !offers.isEmpty { offers[mac] = nil }
            return
        }
        // A proxyDHCP offer (no address) is the address server's client's business: nothing to learn from it.
        for case .reply(let reply, let destination, let minimum, let maximum) in actions
        where reply.messageType == .offer && !reply.yiaddr.isAny {
            var unicast = false
            if case .hardwareUnicast = destination { unicast = true }
            // Only a client whose option 57 allows more can be sent more than the small size; trials are
            // weighed too, for the evidence to say what was sent.
            let bytes =
                maximum > Self.smallSize || trial != nil
                ? max(minimum, reply.encodedSize(maximumSize: maximum)) : Self.smallSize
            let previous = offers.isEmpty ? nil : offers[mac]
            guard unicast || trial != nil || bytes > Self.smallSize else {
                if previous != nil { offers[mac] = nil }
                continue
            }
            var misses = 0
            if let previous, !previous.ignored, now - previous.time < Self.settle {
                misses = previous.misses  // a retransmitted DISCOVER crossed it: the count goes on
            } else if let previous, previous.ignored, !previous.explained, previous.trial == nil,
                previous.bytes > Self.smallSize
            {
                misses = previous.misses + 1
            }
            if previous == nil, offers.count >= Self.capacity, now - lastSweep >= Self.settle {
                lastSweep = now
                offers = offers.filter { now - $0.value.time < Self.horizon }
            }
            guard previous != nil || offers.count < Self.capacity else { continue }
            offers[mac] = Offer(
                time: now, xid: request.xid, yiaddr: reply.yiaddr, serverID: reply.options[.serverIdentifier],
                unicast: unicast, bytes: bytes, trial: trial, misses: misses)
        }
    }

    /// The watched OFFER, when this DISCOVER shows that `mac` ignored it (once per OFFER).
    mutating func ignoredOffer(by mac: MACAddress, now: ServerTime) -> Offer? {
        guard !offers.isEmpty, var offer = offers[mac], !offer.ignored, now - offer.time >= Self.settle,
            now - offer.time < Self.horizon
        else { return nil }
        offer.ignored = true
        offers[mac] = offer
        return offer
    }

    /// The ignored OFFER of `mac` was lost for another reason than its size.
    mutating func explain(_ mac: MACAddress) { offers[mac]?.explained = true }

    /// A trial OFFER younger than `settle`: a DISCOVER now is a retransmission that crossed it, and gets the
    /// same small shape rather than ending the trial with a large OFFER.
    func recentTrial(of mac: MACAddress, now: ServerTime) -> Offer? {
        guard !offers.isEmpty, let offer = offers[mac], offer.trial != nil, !offer.ignored,
            now - offer.time < Self.settle
        else { return nil }
        return offer
    }

    /// The trial OFFER this REQUEST takes up: the same transaction (xid, RFC 2131 §4.4.1), our option 54,
    /// the offered address.
    func trialTaken(by mac: MACAddress, request: DHCPMessage, now: ServerTime) -> Offer? {
        guard !offers.isEmpty, let offer = offers[mac], offer.trial != nil, !offer.ignored,
            now - offer.time < Self.horizon, request.xid == offer.xid,
            request.options[.serverIdentifier] == offer.serverID,
            request.options.validRequestedAddress == offer.yiaddr
        else { return nil }
        return offer
    }

    static func seconds(_ ms: ServerTime) -> String { "\(ms / 1000).\(ms / 100 % 10) s" }
}
