import WireSupport

/// Milliseconds since the Unix epoch. Cores never read a clock: the shell passes `now` in.
public typealias ServerTime = Int64

/// What the server knows about one address.
public struct Lease: Hashable, Sendable {
    public enum State: String, Hashable, Sendable, CaseIterable {
        /// Offered and held briefly for the client (RFC 2131 §4.3.1 "the server SHOULD reserve the address").
        case offered
        case bound
        /// Given back by the client; the binding is remembered so the same client gets the same address.
        case released
        /// Refused by the client as already in use (DECLINE): quarantined until `expires`.
        case declined
    }

    public var ip: IPv4Address
    public var mac: MACAddress?
    /// Option 61, when the client sent one (RFC 4361 clients identify by it, not by chaddr).
    public var clientID: [UInt8]?
    public var hostname: String?
    public var state: State
    /// When the lease (or the offer hold, or the quarantine) ends.
    public var expires: ServerTime
    public var updated: ServerTime

    public init(
        ip: IPv4Address, mac: MACAddress?, clientID: [UInt8]?, hostname: String?, state: State, expires: ServerTime,
        updated: ServerTime
    ) {
        self.ip = ip
        self.mac = mac
        self.clientID = clientID
        self.hostname = hostname
        self.state = state
        self.expires = expires
        self.updated = updated
    }

    public var clientKey: ClientKey? { ClientKey(clientID: clientID, mac: mac) }

    /// Free for anyone at `now`: released, or past its end (bound, offered or declined alike).
    public func isFree(at now: ServerTime) -> Bool { state == .released || expires <= now }
}

/// How a client is identified: by client identifier (option 61) when present, else by hardware address
/// (RFC 2131 §4.2, RFC 4361 §6.1).
public enum ClientKey: Hashable, Sendable, CustomStringConvertible {
    case clientID([UInt8])
    case mac(MACAddress)

    public init?(clientID: [UInt8]?, mac: MACAddress?) {
        // Type 1 + the hardware address is the same identity as the MAC (RFC 2132 §9.14): udhcpc sends it,
        // dhclient does not, and a machine switching clients must keep its address.
        if let clientID, let mac, clientID.first == 1, MACAddress(bytes: clientID.dropFirst()) == mac {
            self = .mac(mac)
        } else if let clientID, !clientID.isEmpty {
            self = .clientID(clientID)
        } else if let mac {
            self = .mac(mac)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .clientID(let bytes): "id:" + bytes.map(hex2).joined(separator: ":")
        case .mac(let mac): mac.description
        }
    }
}
