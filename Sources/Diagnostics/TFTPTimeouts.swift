import Timeline

extension Diagnosis {
    /// Transfers that ended because the client stopped acknowledging (the read machine gave up after its
    /// retransmissions), with their causes ranked by the parameters and what came after (`timeoutCauses`).
    static func tftpTimeouts(_ events: [TimelineEvent]) -> [Finding] {
        let failed = events.filter {
            $0.name == .tftp(.transferFailed) && ($0[.reason] ?? "").contains("retransmissions")
        }
        guard !failed.isEmpty else { return [] }
        return [
            Finding(
                .warning, "\(failed.count) TFTP transfers timed out",
                evidence: failed.suffix(3).map { "\($0[.tftp(.file)] ?? "?"): \($0[.reason] ?? "")" },
                causes: timeoutCauses(failed, events: events),
                action:
                    "look for packet loss or a small MTU on the path; a smaller blksize or windowsize helps lossy links"
            )
        ]
    }

    /// Ranks why a client stopped acknowledging. A DHCP exchange soon after the failure means the device
    /// restarted; blocks larger than an Ethernet frame that never got a first ACK point at the path's MTU
    /// (RFC 2348 asks clients to pick blksize from their MTU, but the path can be narrower); a failure
    /// after progress with a window of several blocks points at burst loss (RFC 7440 §5 warns of it).
    static func timeoutCauses(_ failed: [TimelineEvent], events: [TimelineEvent]) -> [Cause] {
        var ranking = CauseRanking()
        let n = failed.count
        // DHCP from the client within a minute of a failure: it rebooted (or lost its link) mid-transfer.
        let restarts = failed.filter { failure in
            events.contains {
                $0.time > failure.time && $0.time - failure.time <= 60_000
                    && [.dhcp(.offerSent), .dhcp(.ackSent), .dhcp(.proxyOffered), .dhcp(.proxyAcked)].contains($0.name)
            }
        }
        if !restarts.isEmpty {
            ranking.add(
                .consistent, "the device restarted, or lost its link, during the transfer",
                evidence: "\(restarts.count) of the \(n) failures were followed by DHCP from it within a minute")
        }
        let blockSizes = failed.compactMap { $0[.tftp(.blockSize)].flatMap(Int.init) }
        let bytes = failed.map { $0[.tftp(.bytes)].flatMap(Int64.init) ?? 0 }
        let large = zip(blockSizes, bytes).filter { $0.0 > 1468 }
        if !large.isEmpty {
            let stalledAtStart = large.filter { $0.1 <= Int64($0.0) }.count
            ranking.add(
                stalledAtStart == large.count ? .consistent : .possible,
                "blocks larger than the path's MTU are dropped (a tunnel, VPN or VLAN with a smaller MTU, or fragments filtered): cap tftp.max_block_size",
                evidence:
                    "\(large.count) of the \(n) failed transfers used blksize over 1468 (up to \(large.map(\.0).max()!)); \(stalledAtStart) of them stalled within the first block"
            )
        }
        let windows = failed.compactMap { $0[.tftp(.windowSize)].flatMap(Int.init) }.filter { $0 > 1 }
        if !windows.isEmpty {
            let progressed = zip(failed, bytes).filter {
                $0.0[.tftp(.windowSize)].flatMap(Int.init) ?? 1 > 1 && $0.1 > 0
            }
            ranking.add(
                progressed.isEmpty ? .possible : .consistent,
                "a window of several blocks overruns the link or the client's buffer (burst loss): lower tftp.max_window_size",
                evidence:
                    "\(windows.count) of the \(n) failed transfers used windowsize up to \(windows.max()!); \(progressed.count) of them failed after some data was acknowledged"
            )
        }
        ranking.add(
            .unexamined, "packet loss on the path (a busy or faulty link, a duplex mismatch)",
            evidence: "the timeline records retransmissions only as the failure; a capture shows where the packets stop"
        )
        return ranking.ranked
    }
}
