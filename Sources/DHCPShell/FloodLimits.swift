import DHCPWire
import WireSupport

/// Per-source limits on DHCP requests (issue 14: one MAC, relay or IP sending thousands of DISCOVERs a
/// second must not starve the others). Two buckets, both must admit:
/// - per client (option 61, else chaddr): by default 20 requests/s, bursts of 40. A client needs 2 to 4 per boot, a
///   phone climbing a ladder a few per minute; RFC 2131 retransmits back off from 4 s;
/// - per relay or sender (giaddr, else the source address; not for broadcasts from 0.0.0.0): by default
///   2,000/s, bursts of 4,000, so one switch's helper address cannot take the whole server, yet a floor of phones
///   behind it rebooting at once (a few hundred requests a second) never meets the limit.
/// Pure apart from being held by the engine's event loop; `now` is passed in.
struct FloodLimits {
    enum Scope: String { case client, relay }

    private var perClient: RateLimiter<[UInt8]>?
    private var perRelay: RateLimiter<UInt32>?

    /// Rates from the config (`client_rate_limit`, `relay_rate_limit`), bursts of twice as many; 0: no limit.
    init(clientRate: Int, relayRate: Int) {
        if clientRate > 0 { perClient = RateLimiter(.init(rate: Double(clientRate), burst: Double(clientRate * 2))) }
        if relayRate > 0 { perRelay = RateLimiter(.init(rate: Double(relayRate), burst: Double(relayRate * 2))) }
    }

    /// nil when the request may be handled, else which limit it ran into and the source's name for the log.
    mutating func check(_ request: DHCPMessage, source: IPv4Address, now: Int64) -> (Scope, String)? {
        let relay = request.giaddr.isAny ? source : request.giaddr
        if !relay.isAny, perRelay?.admit(relay.rawValue, now: now) == false { return (.relay, relay.description) }
        let client = request.options.clientIdentifier ?? request.clientMAC?.bytes ?? []
        if perClient?.admit(client, now: now) == false {
            return (
                .client, request.clientMAC?.description ?? client.map { String($0, radix: 16) }.joined(separator: ":")
            )
        }
        return nil
    }
}
