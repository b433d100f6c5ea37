import WireSupport

/// Kea's memfile lease file for DHCPv4 (`lease-database: { type: memfile, persist: true }`, default
/// /var/lib/kea/kea-leases4.csv). A CSV whose first line names the columns (Kea ARM, "Memfile - Basic
/// Storage for Leases"): `address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,
/// hostname,state,user_context` and, from Kea 2.6, `pool_id`. Columns are found by name, so either works.
///
/// The file is a journal: every change to a lease appends a row, and a deleted lease is appended with a
/// valid lifetime of 0 (Kea's memfile_lease_mgr); the lease file cleanup (LFC) later compacts it. So the
/// last row for an address decides. `state` is 0 default (active), 1 declined, 2 expired-reclaimed,
/// 3 released. Kea writes a comma inside a value as `&#x2c` (CSVFile's escaping).
enum KeaLeaseFile {
    static let required = ["address", "hwaddr", "client_id", "valid_lifetime", "expire", "hostname", "state"]
    /// Kea's "infinite" valid lifetime (RFC 2131 §3.3: 0xffffffff means infinity).
    static let infinite: Int64 = 0xFFFF_FFFF

    static func parse(_ text: String, file: String, now: EpochMilliseconds) throws(PeerImportError) -> LeaseFileContents
    {
        let lines = TextScanning.numberedLines(text).filter { !TextScanning.trimmed($0.text).isEmpty }
        guard let header = lines.first else {
            throw PeerImportError(
                file: file, line: 1, message: "empty file: a Kea lease file starts with the header `address,hwaddr,...`"
            )
        }
        let names = header.text.split(separator: ",", omittingEmptySubsequences: false).map {
            String(TextScanning.trimmed($0))
        }
        var column: [String: Int] = [:]
        for (index, name) in names.enumerated() { column[name] = index }
        let missing = required.filter { column[$0] == nil }
        guard missing.isEmpty else {
            throw PeerImportError(
                file: file, line: header.number,
                message:
                    "not a Kea DHCPv4 lease file: the header lacks \(missing.joined(separator: ", ")) (expected `address,hwaddr,client_id,valid_lifetime,expire,subnet_id,...,state,user_context`)"
            )
        }
        var journal = LeaseJournal()
        var skipped: [SkippedEntry] = []
        for (number, line) in lines.dropFirst() {
            let values = line.split(separator: ",", omittingEmptySubsequences: false).map {
                unescape(TextScanning.trimmed($0))
            }
            guard values.count >= names.count - (column["pool_id"] != nil ? 1 : 0), values.count <= names.count else {
                skipped.append(
                    SkippedEntry(
                        line: number, kind: .malformed, reason: "expected \(names.count) columns, found \(values.count)"
                    ))
                continue
            }
            func value(_ name: String) -> String { column[name].flatMap { $0 < values.count ? values[$0] : nil } ?? "" }
            guard let ip = IPv4Address(value("address")) else {
                skipped.append(
                    SkippedEntry(
                        line: number, kind: .malformed,
                        reason: "address `\(value("address"))` is not an IPv4 address (a lease6 file?)"))
                continue
            }
            guard let valid = Int64(value("valid_lifetime")), let expire = Int64(value("expire")),
                let state = Int(value("state"))
            else {
                skipped.append(
                    SkippedEntry(
                        line: number, kind: .malformed,
                        reason: "\(ip): valid_lifetime, expire and state must be integers"))
                continue
            }
            if valid == 0 {
                journal.end(ip, line: number, "deleted (valid lifetime 0)")
                continue
            }
            guard state == 0 else {
                journal.end(
                    ip, line: number,
                    [1: "declined", 2: "expired-reclaimed", 3: "released"][state] ?? "in state \(state)")
                continue
            }
            if valid != infinite, expire * 1000 <= now {
                journal.end(ip, line: number, "expired")
                continue
            }
            let hwaddr = value("hwaddr")
            let mac = hwaddr.isEmpty ? nil : TextScanning.mac(hwaddr)
            if !hwaddr.isEmpty, mac == nil {
                skipped.append(
                    SkippedEntry(
                        line: number, kind: .malformed,
                        reason: "\(ip): hwaddr `\(hwaddr)` is not an Ethernet MAC address"))
                continue
            }
            let clientID = value("client_id").isEmpty ? nil : TextScanning.hexBytes(value("client_id"))
            guard mac != nil || clientID != nil else {
                skipped.append(
                    SkippedEntry(line: number, kind: .malformed, reason: "\(ip): neither hwaddr nor client_id"))
                continue
            }
            let hostname = value("hostname")
            journal.bind(
                ImportedLease(
                    ip: ip, mac: mac, clientID: clientID, hostname: hostname.isEmpty ? nil : hostname,
                    expires: valid == infinite ? .never : .at(expire * 1000), line: number))
        }
        return journal.contents(malformed: skipped)
    }

    /// Kea's CSVFile escapes a comma inside a value as `&#x2c`.
    static func unescape(_ text: Substring) -> String {
        guard text.contains("&#x") else { return String(text) }
        var result = ""
        var rest = text[...]
        while let range = rest.firstRange(of: "&#x2c") ?? rest.firstRange(of: "&#x2C") {
            result += rest[..<range.lowerBound] + ","
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
