import Timeline

/// Findings computed from a device's timeline (issue 7). Pure: events in, findings out, so each rule is
/// tested on hand-built timelines. Times are Unix milliseconds; `clock` formats them for the text.
public enum Diagnosis {
    public static func findings(_ newestFirst: [TimelineEvent], clock: (Int64) -> String) -> [Finding] {
        let events = Array(newestFirst.reversed())  // oldest first
        var findings: [Finding] = []
        findings += offersIgnored(events, clock: clock)
        findings += naks(events)
        findings += declines(events)
        findings += exhausted(events)
        findings += otherServers(events)
        findings += tftpMisses(events)
        findings += caseMismatches(events)
        findings += tftpTimeouts(events)
        findings += httpMisses(events)
        findings += httpCaseMismatches(events)
        findings += upgradeStuck(events)
        findings += bootLoops(events)
        return findings.sorted { $0.severity < $1.severity }
    }

    static func naks(_ events: [TimelineEvent]) -> [Finding] {
        let naks = events.filter { $0.name == .dhcp(.nakSent) }
        guard let last = naks.last else { return [] }
        return [
            Finding(
                .warning, "REQUEST for an address not ours (\(naks.count) NAK)",
                evidence: [last[.reason] ?? "address not valid here"],
                action:
                    "normal after a move between networks; if it repeats, the client holds a static or foreign lease")
        ]
    }

    static func declines(_ events: [TimelineEvent]) -> [Finding] {
        let declines = events.filter { $0.name == .dhcp(.declineReceived) }
        guard let last = declines.last else { return [] }
        return [
            Finding(
                .warning, "the client declined \(last[.dhcp(.address)] ?? "an address") as already in use",
                evidence: ["\(declines.count) DECLINE"],
                action: "find the device using that address statically; the address is quarantined for 1 h")
        ]
    }

    static func exhausted(_ events: [TimelineEvent]) -> [Finding] {
        guard let last = events.last(where: { $0.name == .dhcp(.poolExhausted) }) else { return [] }
        return [
            Finding(
                .error, "pool exhausted", evidence: ["no free address in \(last[.dhcp(.subnet)] ?? "the subnet")"],
                action: "enlarge the pool, shorten lease_time, or release stale leases")
        ]
    }

    /// A rival server on the link: its replies heard on port 68, or the client's REQUEST naming it in
    /// option 54. An error when the client's latest choice was the rival (it runs on the rival's settings).
    static func otherServers(_ events: [TimelineEvent]) -> [Finding] {
        let replies = events.filter { $0.name == .dhcp(.otherServerReply) }
        let chosen = events.filter { $0.name == .dhcp(.requestOtherServer) }
        guard !replies.isEmpty || !chosen.isEmpty else { return [] }
        let servers = serverIDs(replies + chosen)
        var evidence: [String] = []
        for server in servers {
            let theirs = replies.filter { $0[.dhcp(.serverID)] == server }
            if !theirs.isEmpty {
                var types: [String: Int] = [:]
                for reply in theirs { types[reply[.dhcp(.type)] ?? "?", default: 0] += 1 }
                var line =
                    "\(server) replied: "
                    + types.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
                if let offered = theirs.last?[.dhcp(.yiaddr)] { line += "; offered \(offered)" }
                if let tftp = theirs.last?[.dhcp(.tftpServer)] { line += "; TFTP server (option 66) \(tftp)" }
                evidence.append(line)
            }
            let picks = chosen.filter { $0[.dhcp(.serverID)] == server }.count
            if picks > 0 {
                evidence.append(
                    "the client's REQUEST chose \(server) \(picks) time\(picks == 1 ? "" : "s") (option 54)")
            }
        }
        let lastOurs = events.lastIndex { $0.name == .dhcp(.ackSent) } ?? -1
        let lastTheirs = events.lastIndex { $0.name == .dhcp(.requestOtherServer) } ?? -1
        let lost = lastTheirs > lastOurs
        if lost {
            evidence.append(
                "the client's latest choice was the other server: it runs on that server's address and TFTP settings")
        }
        return [
            Finding(
                lost ? .error : .warning, "another DHCP server answers on the link: \(servers.joined(separator: ", "))",
                evidence: evidence,
                action:
                    "find the other server (`ip neigh show ADDRESS` gives its MAC, then the switch's MAC table its port) and stop it or make it ignore these clients"
            )
        ]
    }

    /// The distinct `dhcp.server_id`s of these events, in the order first seen.
    static func serverIDs(_ events: [TimelineEvent]) -> [String] {
        var ids: [String] = []
        for event in events.sorted(by: { $0.time < $1.time }) {
            if let id = event[.dhcp(.serverID)], !ids.contains(id) { ids.append(id) }
        }
        return ids
    }

    static func tftpMisses(_ events: [TimelineEvent]) -> [Finding] {
        let misses = events.filter {
            $0.name == .tftp(.requestRefused) && $0[.reason] == EventName.TFTP.fileNotFoundReason
        }
        // CTL/ITL probes are expected to be missing on a non-secure setup: not a problem.
        let real = misses.compactMap { $0[.tftp(.file)] }.filter { name in
            let n = name.lowercased()
            return !(n.hasPrefix("ctlsep") || n.hasPrefix("itlsep") || n == "itlfile.tlv" || n.hasSuffix(".sgn"))
        }
        guard !real.isEmpty else { return [] }
        var unique: [String] = []
        for name in real where !unique.contains(name) { unique.append(name) }
        return [
            Finding(
                .error, "TFTP file missing: \(unique.joined(separator: ", "))",
                evidence: ["\(real.count) requests answered File not found"],
                action:
                    "put the file in the TFTP root (names are matched case-insensitively), or check the phone's load and bundle with `dialtone check`"
            )
        ]
    }

    static func caseMismatches(_ events: [TimelineEvent]) -> [Finding] {
        let resolved = events.filter { $0.name == .tftp(.transferCompleted) && $0[.tftp(.caseMismatch)] != nil }
        guard !resolved.isEmpty else { return [] }
        let names = Set(resolved.compactMap { $0[.tftp(.file)] }).sorted()
        return [
            Finding(
                .info, "case mismatch resolved for \(names.joined(separator: ", "))",
                evidence: ["served from \(resolved.last?[.tftp(.servedFrom)] ?? "?")"],
                action: "none needed here; a case-sensitive server (tftpd-hpa) would answer File not found")
        ]
    }

    /// A load whose components were never fetched: the phone booted on this step again (its config asked
    /// for the load) without downloading what the `.loads` file lists. One such boot can be a power cut
    /// mid-download; `limit` boots in a row is an upgrade that will not happen by itself.
    static func upgradeStuck(_ events: [TimelineEvent], limit: Int = 3) -> [Finding] {
        // Every phone event is an upgrade step: the newest one says where the ladder stands.
        guard let last = events.last(where: { if case .phone = $0.name { true } else { false } }),
            last.name == .phone(.upgradeWaiting),
            let boots = last[.phone(.bootsAtStep)].flatMap(Int.init), boots >= 2
        else { return [] }
        let load = last[.phone(.load)] ?? "?"
        let evidence = [
            "never fetched: \(last[.phone(.missing)] ?? "?")", "\(boots) boots asked for \(load) since the step began",
        ]
        if boots < limit {
            return [
                Finding(
                    .warning, "components of \(load) not fetched (\(boots) boots)", evidence: evidence,
                    action:
                        "usually a download cut short; if it repeats, check the files with `dialtone check` and the TFTP findings"
                )
            ]
        }
        return [
            Finding(
                .error, "upgrade stuck on \(load) for \(boots) boots", evidence: evidence,
                action:
                    "the phone asks for its config but does not fetch the load: check the files exist (`dialtone check`) and that this jump is supported"
            )
        ]
    }
}
