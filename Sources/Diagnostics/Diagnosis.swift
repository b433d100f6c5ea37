/// Findings computed from a device's timeline (issue 7). Pure: events in, findings out, so each rule is
/// tested on hand-built timelines. Times are Unix milliseconds; `clock` formats them for the text.
public enum Diagnosis {
    public static func findings(_ newestFirst: [DeviceEvent], clock: (Int64) -> String) -> [Finding] {
        let events = Array(newestFirst.reversed())  // oldest first
        var findings: [Finding] = []
        findings += offersIgnored(events, clock: clock)
        findings += naks(events)
        findings += declines(events)
        findings += exhausted(events)
        findings += tftpMisses(events)
        findings += caseMismatches(events)
        findings += tftpTimeouts(events)
        findings += upgradeStuck(events)
        return findings.sorted { $0.severity < $1.severity }
    }

    /// The seed's symptom: OFFERs sent, no REQUEST came back. Lists what our offers looked like, so the admin
    /// sees at once that the usual suspects (size, option 54, broadcast, latency) are ruled out, and ranks the
    /// causes that remain.
    static func offersIgnored(_ events: [DeviceEvent], clock: (Int64) -> String) -> [Finding] {
        // Offers after the last ACK (or all, if never acknowledged).
        let lastAck = events.lastIndex { $0.name == "dhcp.ack.sent" }
        let pending = events[(lastAck.map { $0 + 1 } ?? 0)...].filter { $0.name == "dhcp.offer.sent" }
        guard pending.count >= 2 else { return [] }
        let sizes = Set(pending.compactMap { $0.metadata["dhcp.reply_bytes"] })
        let destinations = Set(pending.compactMap { $0.metadata["dhcp.destination"] })
        let latencies = pending.compactMap { $0.metadata["dhcp.latency_us"].flatMap(Double.init) }
        // Pure target, no Foundation: one decimal by hand.
        let worst = latencies.max().map { "\(Int($0 / 1000)).\(Int($0 / 100) % 10) ms" } ?? "?"
        var evidence = [
            "\(pending.count) OFFERs sent since \(clock(pending.first!.time)), no REQUEST followed",
            "our offers: \(sizes.sorted().joined(separator: "/")) bytes, to \(destinations.sorted().joined(separator: "; ")), option 54 set, slowest offer \(worst) after the DISCOVER",
        ]
        if let vendor = pending.last?.metadata["dhcp.vendor_class"] { evidence.append("client: \(vendor)") }
        var causes: [String] = []
        if sizes.contains(where: { (Int($0) ?? 300) < 300 }) { causes.append("replies under 300 bytes (some clients drop them)") }
        causes.append("another DHCP server answers first or the client prefers its offer (check the link for other servers)")
        causes.append("the reply does not reach the client: a VLAN or switch port filtering broadcasts, or a relay not forwarding replies")
        if latencies.contains(where: { $0 > 1_000_000 }) { causes.append("our offers are slow (> 1 s): the client stops listening") }
        causes.append("the client rejects an option value: compare its PRL (\(pending.last?.metadata["dhcp.prl"] ?? "-")) with what we send")
        return [Finding(.error, "\(pending.count) offers ignored", evidence: evidence + causes.enumerated().map { "likely cause \($0.offset + 1): \($0.element)" },
                        action: "capture on the client's port (tcpdump -ni IF port 67 or 68) to see whether our OFFER arrives and what else answers")]
    }

    static func naks(_ events: [DeviceEvent]) -> [Finding] {
        let naks = events.filter { $0.name == "dhcp.nak.sent" }
        guard let last = naks.last else { return [] }
        return [Finding(.warning, "REQUEST for an address not ours (\(naks.count) NAK)", evidence: [last.metadata["reason"] ?? "address not valid here"],
                        action: "normal after a move between networks; if it repeats, the client holds a static or foreign lease")]
    }

    static func declines(_ events: [DeviceEvent]) -> [Finding] {
        let declines = events.filter { $0.name == "dhcp.decline.received" }
        guard let last = declines.last else { return [] }
        return [Finding(.warning, "the client declined \(last.metadata["dhcp.address"] ?? "an address") as already in use",
                        evidence: ["\(declines.count) DECLINE"], action: "find the device using that address statically; the address is quarantined for 1 h")]
    }

    static func exhausted(_ events: [DeviceEvent]) -> [Finding] {
        guard let last = events.last(where: { $0.name == "dhcp.pool.exhausted" }) else { return [] }
        return [Finding(.error, "pool exhausted", evidence: ["no free address in \(last.metadata["dhcp.subnet"] ?? "the subnet")"],
                        action: "enlarge the pool, shorten lease_time, or release stale leases")]
    }

    static func tftpMisses(_ events: [DeviceEvent]) -> [Finding] {
        let misses = events.filter { $0.name == "tftp.request.refused" && $0.metadata["reason"] == "File not found" }
        // CTL/ITL probes are expected to be missing on a non-secure setup: not a problem.
        let real = misses.compactMap { $0.metadata["tftp.file"] }.filter { name in
            let n = name.lowercased()
            return !(n.hasPrefix("ctlsep") || n.hasPrefix("itlsep") || n == "itlfile.tlv" || n.hasSuffix(".sgn"))
        }
        guard !real.isEmpty else { return [] }
        var unique: [String] = []
        for name in real where !unique.contains(name) { unique.append(name) }
        return [Finding(.error, "TFTP file missing: \(unique.joined(separator: ", "))", evidence: ["\(real.count) requests answered File not found"],
                        action: "put the file in the TFTP root (names are matched case-insensitively), or check the phone's load and bundle with `dialtone check`")]
    }

    static func caseMismatches(_ events: [DeviceEvent]) -> [Finding] {
        let resolved = events.filter { $0.name == "tftp.transfer.completed" && $0.metadata["tftp.case_mismatch"] != nil }
        guard !resolved.isEmpty else { return [] }
        let names = Set(resolved.compactMap { $0.metadata["tftp.file"] }).sorted()
        return [Finding(.info, "case mismatch resolved for \(names.joined(separator: ", "))", evidence: ["served from \(resolved.last?.metadata["tftp.served_from"] ?? "?")"],
                        action: "none needed here; a case-sensitive server (tftpd-hpa) would answer File not found")]
    }

    static func tftpTimeouts(_ events: [DeviceEvent]) -> [Finding] {
        let failed = events.filter { $0.name == "tftp.transfer.failed" && ($0.metadata["reason"] ?? "").contains("retransmissions") }
        guard !failed.isEmpty else { return [] }
        return [Finding(.warning, "\(failed.count) TFTP transfers timed out", evidence: failed.suffix(3).map { "\($0.metadata["tftp.file"] ?? "?"): \($0.metadata["reason"] ?? "")" },
                        action: "look for packet loss or a small MTU on the path; a smaller blksize or windowsize helps lossy links")]
    }

    static func upgradeStuck(_ events: [DeviceEvent], limit: Int = 3) -> [Finding] {
        guard let last = events.last(where: { $0.name.hasPrefix("phone.upgrade.") }), last.name == "phone.upgrade.waiting",
            let boots = last.metadata["phone.boots_at_step"].flatMap(Int.init), boots >= limit
        else { return [] }
        return [Finding(.error, "upgrade stuck on \(last.metadata["phone.load"] ?? "?") for \(boots) boots",
                        evidence: ["never fetched: \(last.metadata["phone.missing"] ?? "?")"],
                        action: "the phone asks for its config but does not fetch the load: check the files exist (`dialtone check`) and that this jump is supported")]
    }
}
