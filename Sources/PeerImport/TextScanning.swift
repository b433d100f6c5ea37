import WireSupport

/// Small helpers the parsers share. No Foundation here (scripts/check-purity), so splitting, trimming,
/// hex and calendar arithmetic are written out.
enum TextScanning {
    /// Lines with their 1-based numbers; `\r\n` endings (files copied from Windows, tftpd32.ini) are accepted.
    /// (In Swift `\r\n` is one Character, so it is a separator of its own.)
    static func numberedLines(_ text: String) -> [(number: Int, text: Substring)] {
        text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated().map {
            index, line in
            (index + 1, line.hasSuffix("\r") ? line.dropLast() : line)
        }
    }

    static func trimmed(_ text: Substring) -> Substring {
        var result = text
        while let first = result.first, first == " " || first == "\t" { result = result.dropFirst() }
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return result
    }

    /// Whitespace-separated fields.
    static func fields(_ text: Substring) -> [Substring] {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" })
    }

    /// `01:00:1e:7a:25:54:a1`, `01-00-...` or `01001e...` as bytes; nil if not hex pairs.
    static func hexBytes(_ text: some StringProtocol) -> [UInt8]? {
        let groups = text.split(whereSeparator: { $0 == ":" || $0 == "-" })
        var bytes: [UInt8] = []
        for group in groups {
            // dnsmasq and dhcpd drop a byte's leading zero (`1:0:1e`), Kea does not.
            if group.count <= 2, groups.count > 1 {
                guard let byte = UInt8(group, radix: 16) else { return nil }
                bytes.append(byte)
            } else {
                guard group.count % 2 == 0 else { return nil }
                var index = group.startIndex
                while index < group.endIndex {
                    let next = group.index(index, offsetBy: 2)
                    guard let byte = UInt8(group[index..<next], radix: 16) else { return nil }
                    bytes.append(byte)
                    index = next
                }
            }
        }
        return bytes.isEmpty ? nil : bytes
    }

    /// A MAC address in any notation, accepting dnsmasq's and dhcpd's unpadded bytes (`0:1e:7a:...`).
    static func mac(_ text: some StringProtocol) -> MACAddress? {
        if let mac = MACAddress(text) { return mac }
        guard let bytes = hexBytes(text), bytes.count == 6 else { return nil }
        return MACAddress(bytes: bytes)
    }

    /// Seconds since the epoch for a UTC calendar date (proleptic Gregorian; Howard Hinnant's
    /// days_from_civil), so dhcpd's `YYYY/MM/DD HH:MM:SS` needs no calendar library.
    static func epochSeconds(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = Int64(era) * 146_097 + Int64(dayOfEra) - 719_468
        return days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// Address order, for stable output.
    static func sorted(_ leases: some Sequence<ImportedLease>) -> [ImportedLease] { leases.sorted { $0.ip < $1.ip } }
}

/// The last word per address. Kea's memfile and dhcpd.leases are append-only journals: a later entry is a
/// later state of the same lease, so an active entry followed by a free one is no binding at all.
/// An entry that a later one supersedes is not reported either: only each address's final state is.
struct LeaseJournal {
    private enum Outcome {
        case bound(ImportedLease)
        case ended(SkippedEntry)
    }
    private var latest: [IPv4Address: Outcome] = [:]

    mutating func bind(_ lease: ImportedLease) { latest[lease.ip] = .bound(lease) }
    mutating func end(_ ip: IPv4Address, line: Int, _ reason: String) {
        latest[ip] = .ended(SkippedEntry(line: line, kind: .inactive, reason: "\(ip) \(reason)"))
    }

    var leases: [ImportedLease] {
        TextScanning.sorted(latest.values.compactMap { if case .bound(let lease) = $0 { lease } else { nil } })
    }

    /// The contents: active bindings, and the ended ones with `malformed` entries, in line order.
    func contents(malformed: [SkippedEntry]) -> LeaseFileContents {
        let ended = latest.values.compactMap { if case .ended(let entry) = $0 { entry } else { nil } }
        return LeaseFileContents(leases: leases, skipped: (malformed + ended).sorted { $0.line < $1.line })
    }
}
