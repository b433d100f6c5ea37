/// A set of Linux capabilities as the kernel counts them (capabilities(7), <linux/capability.h>): bit N is
/// capability N, which is how `/proc/PID/status` prints `CapEff:` and the others, as 16 hex digits.
public struct CapabilitySet: Hashable, Sendable, CustomStringConvertible {
    public var mask: UInt64

    public init(mask: UInt64) { self.mask = mask }

    public init(_ capabilities: [Capability]) {
        mask = capabilities.reduce(0) { $0 | (1 << UInt64($1.rawValue)) }
    }

    public static let none = CapabilitySet(mask: 0)

    public func contains(_ capability: Capability) -> Bool { mask & (1 << UInt64(capability.rawValue)) != 0 }
    public func intersection(_ other: CapabilitySet) -> CapabilitySet { CapabilitySet(mask: mask & other.mask) }
    public func subtracting(_ other: CapabilitySet) -> CapabilitySet { CapabilitySet(mask: mask & ~other.mask) }
    public func isSubset(of other: CapabilitySet) -> Bool { mask & ~other.mask == 0 }
    public var isEmpty: Bool { mask == 0 }

    /// The capability numbers set, lowest first.
    public var numbers: [Int] { (0..<64).filter { mask & (1 << UInt64($0)) != 0 } }

    /// As `/proc/PID/status` prints it: `0000000000003400`.
    public var hex: String {
        let digits = String(mask, radix: 16)
        return String(repeating: "0", count: max(0, 16 - digits.count)) + digits
    }

    /// As capsh(1) names them: `cap_net_bind_service,cap_net_admin`; `none` when empty.
    public var description: String {
        isEmpty ? "none" : numbers.map { Capability(rawValue: $0)?.name ?? "cap_\($0)" }.joined(separator: ",")
    }

    /// Parses the 16 hex digits of a `Cap*:` line.
    public init?(hex: some StringProtocol) {
        guard let value = UInt64(hex.trimmingCharacters(in: " \t"), radix: 16) else { return nil }
        mask = value
    }
}

/// The capabilities `serve` may keep after it switches user (docs/security.md says why each). The raw
/// values are the kernel's numbers from <linux/capability.h>.
public enum Capability: Int, CaseIterable, Sendable {
    /// Bind a port below 1024 (ip(7), `ip_unprivileged_port_start`).
    case netBindService = 10
    /// Network administration: SIOCSARP and SIOCDARP on the neighbour table (arp(7)).
    case netAdmin = 12
    /// Raw sockets (raw(7)): the ICMP echo of a conflict check.
    case netRaw = 13

    public var name: String {
        switch self {
        case .netBindService: "cap_net_bind_service"
        case .netAdmin: "cap_net_admin"
        case .netRaw: "cap_net_raw"
        }
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text.removeFirst() }
        while let last = text.last, set.contains(last) { text.removeLast() }
        return text
    }
}
