/// The credentials in one `/proc/PID/status` or `/proc/PID/task/TID/status` (proc(5)): what the kernel
/// says a thread runs as. `serve` reads its own after switching and refuses to run when any thread differs
/// from the plan; the tests read the same lines.
public struct ProcessStatus: Hashable, Sendable {
    /// Real, effective, saved and filesystem ids (the `Uid:` and `Gid:` lines).
    public var uids: [UInt32]
    public var gids: [UInt32]
    public var groups: [UInt32]
    public var inheritable: CapabilitySet
    public var permitted: CapabilitySet
    public var effective: CapabilitySet
    public var bounding: CapabilitySet
    public var ambient: CapabilitySet
    public var noNewPrivileges: Bool

    /// Nil when a line the kernel always writes is missing or malformed.
    public init?(text: String) {
        var fields: [Substring: Substring] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon]] = line[line.index(after: colon)...]
        }
        func ids(_ key: Substring) -> [UInt32]? {
            guard let value = fields[key] else { return nil }
            let parsed = value.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { UInt32($0) }
            return parsed.contains(nil) ? nil : parsed.compactMap { $0 }
        }
        func caps(_ key: Substring) -> CapabilitySet? { fields[key].flatMap { CapabilitySet(hex: $0) } }
        guard let uids = ids("Uid"), uids.count == 4, let gids = ids("Gid"), gids.count == 4,
            let groups = ids("Groups"), let inheritable = caps("CapInh"), let permitted = caps("CapPrm"),
            let effective = caps("CapEff"), let bounding = caps("CapBnd")
        else { return nil }
        self.uids = uids
        self.gids = gids
        self.groups = groups
        self.inheritable = inheritable
        self.permitted = permitted
        self.effective = effective
        self.bounding = bounding
        // CapAmb since Linux 4.3, NoNewPrivs since 4.10: absent means none and off.
        ambient = caps("CapAmb") ?? .none
        noNewPrivileges = fields["NoNewPrivs"].map { $0.contains("1") } ?? false
    }

    /// What differs from a thread that switched to `uid`:`gid` (nil: not checked) and keeps exactly
    /// `capabilities` (permitted, effective and ambient; bounding too when `boundingChecked`; inheritable
    /// at most those). Empty when the thread is as planned.
    public func differences(uid: UInt32?, gid: UInt32?, capabilities: CapabilitySet, boundingChecked: Bool)
        -> [String]
    {
        var out: [String] = []
        if let uid, uids.contains(where: { $0 != uid }) { out.append("Uid \(uids) is not \(uid) in all four") }
        if let gid, gids.contains(where: { $0 != gid }) { out.append("Gid \(gids) is not \(gid) in all four") }
        if let gid, gid != 0, groups.contains(0) { out.append("still in group 0 (Groups \(groups))") }
        let sets = [
            ("CapPrm", permitted), ("CapEff", effective), ("CapAmb", ambient),
        ]
        for (name, set) in sets where set != capabilities {
            out.append("\(name) \(set.hex) (\(set)) is not \(capabilities.hex) (\(capabilities))")
        }
        if !inheritable.isSubset(of: capabilities) {
            out.append("CapInh \(inheritable.hex) (\(inheritable)) holds more than \(capabilities)")
        }
        if boundingChecked, bounding != capabilities {
            out.append("CapBnd \(bounding.hex) (\(bounding)) is not \(capabilities.hex) (\(capabilities))")
        }
        return out
    }
}
