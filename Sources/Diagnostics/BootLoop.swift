import Timeline

extension Diagnosis {
    /// A client that downloads the same boot file again and again without fetching anything else: the
    /// classic iPXE chainload loop (issue 16), where the reply given to iPXE itself still names the iPXE
    /// binary (in option 67 or, since iPXE reads it first, the BOOTP `file` field, RFC 2131 §2).
    /// - Parameters:
    ///   - limit: downloads of the one file in a row that make a loop.
    ///   - span: milliseconds those downloads must fall within.
    static func bootLoops(_ events: [TimelineEvent], limit: Int = 3, span: Int64 = 300_000) -> [Finding] {
        // Completed reads, oldest first; a size probe (tftp.transfer.probed) is not a download.
        let reads = events.filter { $0.name == .tftp(.transferCompleted) && $0[.tftp(.direction)] != "write" }
        guard let last = reads.last, let file = last[.tftp(.file)] else { return [] }
        // The run of downloads of the same file at the end of the timeline: anything else fetched since
        // means the boot moved on.
        let run = reads.reversed().prefix { $0[.tftp(.file)] == file }
        guard run.count >= limit, let first = run.last, last.time - first.time <= span else { return [] }
        var evidence = [
            "\(file) downloaded \(run.count) times in \((last.time - first.time) / 1000) s, nothing else fetched"
        ]
        // What the last reply before the newest download told the client.
        let reply = events.last {
            [.dhcp(.ackSent), .dhcp(.offerSent), .dhcp(.proxyOffered), .dhcp(.proxyAcked)].contains($0.name)
                && $0.time <= last.time
        }
        if let reply {
            let option67 = reply[.dhcp(.bootFile)] ?? "none"
            let fileField = reply[.dhcp(.fileField)] ?? "empty"
            var sent = "our last reply: option 67 \(option67), file field \(fileField)"
            if option67 != fileField { sent += " (they disagree: iPXE reads the file field first)" }
            if let cls = reply[.dhcp(.clientClass)] { sent += ", class \(cls)" }
            evidence.append(sent)
        }
        return [
            Finding(
                .error, "boot loop: \(file) fetched \(run.count) times", evidence: evidence,
                action:
                    "the loaded program asks again and gets itself back: give clients with user class iPXE a script "
                    + "(`ipxe_script:` on the subnet or class), and set a class's file with `boot_file:`, not option 67"
            )
        ]
    }
}
