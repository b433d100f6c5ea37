import WireSupport

/// dnsmasq's lease file (`--dhcp-leasefile`, default /var/lib/misc/dnsmasq.leases). One lease a line, as
/// dnsmasq's lease.c writes it: `EXPIRY MAC IP HOSTNAME CLIENTID`, where EXPIRY is seconds since the epoch
/// (0 for an infinite lease), HOSTNAME and CLIENTID are `*` when unknown, and a MAC that is not Ethernet is
/// prefixed with its ARP hardware type (`6-...`). After a `duid` line come DHCPv6 leases (IAID in place of
/// the MAC); dnsmasq rewrites the whole file, so each address appears once.
enum DnsmasqLeaseFile {
    static func parse(_ text: String, file: String, now: EpochMilliseconds) throws(PeerImportError) -> LeaseFileContents
    {
        var journal = LeaseJournal()
        var skipped: [SkippedEntry] = []
        var inIPv6 = false
        for (number, raw) in TextScanning.numberedLines(text) {
            let line = TextScanning.trimmed(raw)
            if line.isEmpty { continue }
            let fields = TextScanning.fields(line)
            if fields[0] == "duid" {
                inIPv6 = true
                continue
            }
            guard fields.count == 5 else {
                skipped.append(
                    SkippedEntry(
                        line: number, kind: .malformed,
                        reason: "expected 5 fields (expiry mac ip hostname client-id), found \(fields.count)"))
                continue
            }
            if inIPv6 || fields[2].contains(":") {
                skipped.append(
                    SkippedEntry(
                        line: number, kind: .inactive, reason: "DHCPv6 lease \(fields[2]): Dialtone serves IPv4 only"))
                continue
            }
            guard let expiry = Int64(fields[0]), expiry >= 0 else {
                skipped.append(
                    SkippedEntry(
                        line: number, kind: .malformed, reason: "expiry `\(fields[0])` is not seconds since the epoch"))
                continue
            }
            guard let ip = IPv4Address(fields[2]) else {
                skipped.append(
                    SkippedEntry(line: number, kind: .malformed, reason: "`\(fields[2])` is not an IPv4 address"))
                continue
            }
            guard let mac = TextScanning.mac(fields[1]) else {
                skipped.append(
                    SkippedEntry(
                        line: number, kind: .malformed,
                        reason: "`\(fields[1])` is not an Ethernet MAC address (another hardware type?)"))
                continue
            }
            if expiry != 0, expiry * 1000 <= now {
                journal.end(ip, line: number, "expired")
                continue
            }
            var clientID: [UInt8]?
            if fields[4] != "*" {
                guard let bytes = TextScanning.hexBytes(fields[4]) else {
                    skipped.append(
                        SkippedEntry(
                            line: number, kind: .malformed, reason: "client id `\(fields[4])` is not hex bytes"))
                    continue
                }
                clientID = bytes
            }
            journal.bind(
                ImportedLease(
                    ip: ip, mac: mac, clientID: clientID, hostname: fields[3] == "*" ? nil : String(fields[3]),
                    expires: expiry == 0 ? .never : .at(expiry * 1000), line: number))
        }
        // Not one line read, and every line unreadable: another format (a Kea CSV, a dhcpd.leases).
        if let first = skipped.first, journal.contents(malformed: []).skipped.isEmpty, journal.leases.isEmpty,
            skipped.allSatisfy({ $0.kind == .malformed })
        {
            throw PeerImportError(
                file: file, line: first.line,
                message:
                    "not a dnsmasq lease file: no line reads `EXPIRY MAC IP HOSTNAME CLIENT-ID` (dnsmasq(8), --dhcp-leasefile)"
            )
        }
        return journal.contents(malformed: skipped)
    }
}
