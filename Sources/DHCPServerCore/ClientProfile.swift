import DHCPWire
import DialtoneConfig
import WireSupport

/// What the server learns about a client from one request: identity, vendor, the class it matched.
public struct ClientProfile: Hashable, Sendable {
    public var mac: MACAddress?
    public var key: ClientKey?
    public var vendorClass: String?
    public var hostname: String?
    public var isCiscoPhone: Bool
    public var matchedClass: ClientClassConfiguration?
    /// Learned from this client's earlier exchanges: it ignores unicast OFFERs (`LearnedNeeds.swift`).
    public var learnedBroadcast = false
    /// Replies within 576 bytes whatever option 57 says: learned, or tried now (`replyTrial`).
    public var smallReplies = false
    /// Why this exchange's OFFER tries the small shape (a larger OFFER was ignored); nil when not a trial.
    public var replyTrial: String?

    /// Cisco phones send option 60 "Cisco Systems, Inc. IP Phone CP-7970G\0" and name themselves SEP<MAC>
    /// (research: cisco-provisioning.md §1.2, wazo cisco.conf). The OUI list covers phones whose recovery
    /// loader sends neither.
    static let ciscoPhoneOUIs: [[UInt8]] = [
        [0x00, 0x1E, 0x7A], [0x00, 0x1B, 0xD4], [0x00, 0x19, 0xAA], [0x00, 0x1A, 0x2F], [0x00, 0x23, 0x04],
        [0x00, 0x26, 0x99], [0x00, 0x1D, 0x45], [0x00, 0x22, 0x90], [0x00, 0x24, 0xC4], [0x00, 0x25, 0x84],
    ]

    /// Option 55 as a Cisco 79xx sends it: 1, 66, 6, 3, 15, 150, 35.
    public static let ciscoParameterRequestList: [UInt8] = [1, 66, 6, 3, 15, 150, 35]

    public init(request: DHCPMessage, classes: [ClientClassConfiguration]) {
        mac = request.clientMAC
        key = ClientKey(clientID: request.options.clientIdentifier, mac: mac)
        vendorClass = request.options.vendorClass
        hostname = request.options.hostName
        let vendorSaysCisco = vendorClass.map { $0.hasPrefix("Cisco System") && $0.contains("Phone") } ?? false
        let nameSaysCisco = hostname.map { $0.hasPrefix("SEP") && $0.count == 15 } ?? false
        let ouiSaysCisco = mac.map { m in Self.ciscoPhoneOUIs.contains { m.hasPrefix($0) } } ?? false
        // The 79xx's own parameter request list (the CP-7911G trace, research cisco-provisioning.md §1.1): a
        // phone whose recovery loader sent no option 60 is still told apart by what it asks for.
        let requestSaysCisco = request.options[.parameterRequestList] == Self.ciscoParameterRequestList
        isCiscoPhone = vendorSaysCisco || nameSaysCisco || ouiSaysCisco || requestSaysCisco
        matchedClass = classes.first { Self.matches($0.match, request: request) }
    }

    /// The effective broadcast policy: the class's, else `always` for Cisco phones (their recovery loader's
    /// unicast handling is undocumented and Windows DHCP, which broadcasts everything, works with them:
    /// research cisco-provisioning.md §1.5, requirement 3), else RFC 2131 `auto`; and `auto` becomes
    /// `always` for a client that was seen ignoring unicast OFFERs (issue 18).
    public var broadcastPolicy: BroadcastPolicy {
        let configured = matchedClass?.broadcast ?? (isCiscoPhone ? .always : .auto)
        return configured == .auto && learnedBroadcast ? .always : configured
    }

    static func matches(_ match: ClientClassConfiguration.Match, request: DHCPMessage) -> Bool {
        if let pattern = match.vendorClass {
            guard let value = request.options.vendorClass, Glob.matches(pattern, value) else { return false }
        }
        if let pattern = match.userClass {
            guard request.options.userClasses.contains(where: { Glob.matches(pattern, $0) }) else { return false }
        }
        if !match.clientArchitectures.isEmpty {
            guard request.options.clientArchitectures.contains(where: match.clientArchitectures.contains) else {
                return false
            }
        }
        if !match.macPrefixes.isEmpty {
            guard let mac = request.clientMAC, match.macPrefixes.contains(where: mac.hasPrefix) else { return false }
        }
        if let relay = match.relay, request.giaddr != relay { return false }
        if let circuit = match.circuitID {
            guard let info = request.options.validRelayAgentInformation, let id = info.circuitID,
                Glob.matches(circuit, String(decoding: id, as: UTF8.self))
            else { return false }
        }
        return true
    }
}

/// Shell-style globs: `*` any run, `?` one character; everything else literal. Case-sensitive, as vendor
/// strings are.
public enum Glob {
    public static func matches(_ pattern: String, _ text: String) -> Bool {
        matches(Array(pattern), 0, Array(text), 0)
    }

    private static func matches(_ p: [Character], _ pi: Int, _ t: [Character], _ ti: Int) -> Bool {
        var pi = pi, ti = ti
        var starP = -1, starT = -1
        while ti < t.count {
            // `*` first: matched as a literal against a `*` in the text, it left no point to backtrack to, and
            // `a*b` missed `a*xb` (found by FuzzTesting/DHCPOptionsFuzz).
            if pi < p.count, p[pi] == "*" {
                starP = pi
                starT = ti
                pi += 1
            } else if pi < p.count, p[pi] == "?" || p[pi] == t[ti] {
                pi += 1
                ti += 1
            } else if starP >= 0 {
                pi = starP + 1
                starT += 1
                ti = starT
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
