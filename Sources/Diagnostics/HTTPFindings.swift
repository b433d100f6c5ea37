import Timeline

/// The HTTP file service's findings (issue 16). A Cisco phone asks for its files over HTTP on 6970 first
/// and falls back to TFTP on a 404 (research cisco-provisioning.md), so an HTTP miss is only a problem when
/// no later fetch, over either protocol, got that file.
extension Diagnosis {
    static func httpMisses(_ events: [TimelineEvent]) -> [Finding] {
        var missing: [String] = []
        var count = 0
        for (index, event) in events.enumerated()
        where event.name == .http(.requestRefused) && event[.reason] == EventName.TFTP.fileNotFoundReason {
            guard let name = event[.http(.file)] else { continue }
            let later = events[(index + 1)...].contains { servedLater($0, name: name) }
            if later { continue }
            count += 1
            if !missing.contains(name) { missing.append(name) }
        }
        guard !missing.isEmpty else { return [] }
        return [
            Finding(
                .error, "HTTP file missing: \(missing.joined(separator: ", "))",
                evidence: ["\(count) requests answered 404 and the file was not fetched over TFTP either"],
                action:
                    "put the file in the TFTP root (HTTP serves the same files, names matched case-insensitively), or check the URL the device was given"
            )
        ]
    }

    /// A completed fetch of the same file, by TFTP or HTTP: names compared by their last component and
    /// case-insensitively, as the root is searched (`/SEPx.cnf.xml` over HTTP is `SEPx.cnf.xml` over TFTP).
    static func servedLater(_ event: TimelineEvent, name: String) -> Bool {
        let file: String?
        switch event.name {
        case .tftp(.transferCompleted): file = event[.tftp(.file)]
        case .http(.transferCompleted): file = event[.http(.file)]
        default: return false
        }
        return file.map { baseName($0) == baseName(name) } ?? false
    }

    static func baseName(_ path: String) -> String {
        (path.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? path).lowercased()
    }

    static func httpCaseMismatches(_ events: [TimelineEvent]) -> [Finding] {
        let resolved = events.filter { $0.name == .http(.transferCompleted) && $0[.http(.caseMismatch)] != nil }
        guard !resolved.isEmpty else { return [] }
        let names = Set(resolved.compactMap { $0[.http(.file)] }).sorted()
        return [
            Finding(
                .info, "case mismatch resolved over HTTP for \(names.joined(separator: ", "))",
                evidence: ["served from \(resolved.last?[.http(.servedFrom)] ?? "?")"],
                action: "none needed here; a case-sensitive web server would answer 404")
        ]
    }
}
