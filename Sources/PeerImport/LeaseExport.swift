import DHCPServerCore
import WireSupport

/// `dialtone leases export`: the lease table as CSV (RFC 4180) or as rows for JSON, the same columns either
/// way, so a spreadsheet or another server's import script can take it.
public enum LeaseExport {
    public static let columns = ["ip", "mac", "client_id", "hostname", "state", "expires"]

    /// One row per lease; `state` says `expired` for a bound lease whose time has run out (as `leases` does).
    public static func rows(_ leases: [Lease], now: ServerTime) -> [[String: String?]] {
        leases.map { lease in
            [
                "ip": lease.ip.description, "mac": lease.mac?.description,
                "client_id": lease.clientID.map { $0.map(hex2).joined(separator: ":") }, "hostname": lease.hostname,
                "state": lease.isFree(at: now) && lease.state == .bound ? "expired" : lease.state.rawValue,
                "expires": iso8601(lease.expires),
            ]
        }
    }

    public static func csv(_ leases: [Lease], now: ServerTime) -> String {
        var out = columns.joined(separator: ",") + "\r\n"
        for row in rows(leases, now: now) {
            out += columns.map { field(row[$0].flatMap { $0 } ?? "") }.joined(separator: ",") + "\r\n"
        }
        return out
    }

    /// RFC 4180 §2: a field holding a comma, quote or line break is quoted, with quotes doubled. A hostname
    /// is the client's choice: its control characters are made visible first (VisibleText.line), so no line
    /// break or escape sequence from the wire reaches the file or a terminal (issue 14).
    static func field(_ raw: String) -> String {
        let text = VisibleText.line(raw)
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    /// `2026-12-02T13:00:00Z`, as Foundation's ISO8601DateFormatter writes it (whole seconds, UTC), computed
    /// here (Howard Hinnant's civil_from_days) because this target has no Foundation.
    public static func iso8601(_ time: ServerTime) -> String {
        let seconds = time >= 0 ? time / 1000 : (time - 999) / 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ n: Int64, _ width: Int) -> String {
            let text = String(n)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return
            "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))Z"
    }
}
