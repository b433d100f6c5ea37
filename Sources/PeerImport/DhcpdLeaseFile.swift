import WireSupport

/// ISC dhcpd's lease database, `dhcpd.leases` (dhcpd.leases(5)). A journal of declarations; a lease
/// declaration is rewritten whenever the lease changes, so the last one for an address is the current one:
///
///     lease 192.0.2.10 {
///       starts 3 2026/12/02 01:00:00;
///       ends 3 2026/12/02 13:00:00;          # UTC; or `ends never;`, or `ends epoch 1764680400;`
///       binding state active;
///       next binding state free;
///       hardware ethernet 00:1e:7a:25:54:a1;
///       uid "\001\000\036z%T\241";
///       client-hostname "lobby-phone";
///     }
///
/// Other declarations (`host`, `failover peer`, `server-duid`, `authoring-byte-order`) are skipped. A lease
/// is active when its `binding state` is `active` (files from before dhcpd 3 have none: then by `ends`).
enum DhcpdLeaseFile {
    static func parse(_ text: String, file: String, now: EpochMilliseconds) throws(PeerImportError) -> LeaseFileContents
    {
        let tokens = try DhcpdTokenizer.tokens(text, file: file)
        var journal = LeaseJournal()
        var skipped: [SkippedEntry] = []
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            guard token.kind == .word, token.text == "lease" else {
                // Anything else must still be a declaration of this file, or it is another format.
                guard token.kind == .word, otherDeclarations.contains(token.text) else {
                    throw PeerImportError(
                        file: file, line: token.line,
                        message:
                            "not a dhcpd.leases declaration: `\(token.text)` (dhcpd.leases(5) has lease, host, group, class, subclass, failover, server-duid, authoring-byte-order, ia-na, ia-ta, ia-pd)"
                    )
                }
                index = try skipDeclaration(tokens, from: index, file: file)
                continue
            }
            guard index + 2 < tokens.count, tokens[index + 2].kind == .open else {
                throw PeerImportError(file: file, line: token.line, message: "expected `lease ADDRESS {`")
            }
            let address = tokens[index + 1]
            let (statements, end) = try block(tokens, openAt: index + 2, file: file)
            index = end
            guard address.kind == .word, let ip = IPv4Address(address.text) else {
                skipped.append(
                    SkippedEntry(
                        line: token.line, kind: .malformed, reason: "`lease \(address.text)`: not an IPv4 address"))
                continue
            }
            switch LeaseDeclaration(statements).binding(ip: ip, line: token.line, now: now) {
            case .active(let lease): journal.bind(lease)
            case .inactive(let reason): journal.end(ip, line: token.line, reason)
            case .malformed(let reason):
                skipped.append(SkippedEntry(line: token.line, kind: .malformed, reason: "\(ip): \(reason)"))
            }
        }
        return journal.contents(malformed: skipped)
    }

    /// The top-level declarations of dhcpd.leases(5) other than `lease`, which are skipped.
    static let otherDeclarations: Set<String> = [
        "host", "group", "class", "subclass", "failover", "server-duid", "authoring-byte-order", "ia-na", "ia-ta",
        "ia-pd",
    ]

    /// The statements of the block opened at `openAt` (each a list of tokens, nested blocks left out),
    /// and the index after its closing brace.
    static func block(_ tokens: [DhcpdToken], openAt: Int, file: String) throws(PeerImportError) -> (
        [[DhcpdToken]], Int
    ) {
        var statements: [[DhcpdToken]] = []
        var current: [DhcpdToken] = []
        var depth = 0
        var index = openAt + 1
        while index < tokens.count {
            let token = tokens[index]
            index += 1
            switch token.kind {
            case .open: depth += 1
            case .close:
                if depth == 0 { return (statements, index) }
                depth -= 1
                current = []
            case .semicolon:
                if depth == 0, !current.isEmpty { statements.append(current) }
                current = []
            case .word, .string:
                if depth == 0 { current.append(token) }
            }
        }
        throw PeerImportError(
            file: file, line: tokens[openAt].line, message: "this block is never closed (a `}` is missing)")
    }

    /// Steps over a declaration that is not a lease: up to its `;`, or over its `{ ... }` block.
    static func skipDeclaration(_ tokens: [DhcpdToken], from start: Int, file: String) throws(PeerImportError) -> Int {
        var index = start
        while index < tokens.count {
            switch tokens[index].kind {
            case .semicolon: return index + 1
            case .open: return try block(tokens, openAt: index, file: file).1
            case .close:
                throw PeerImportError(file: file, line: tokens[index].line, message: "`}` without a matching `{`")
            case .word, .string: index += 1
            }
        }
        return index
    }
}

/// The statements of one `lease ADDRESS { ... }` declaration of dhcpd.leases(5), read into a binding.
struct LeaseDeclaration {
    enum Outcome {
        case active(ImportedLease)
        case inactive(String)
        case malformed(String)
    }

    var statements: [[DhcpdToken]]

    init(_ statements: [[DhcpdToken]]) { self.statements = statements }

    /// The first statement whose leading words are `words` (so `binding state` does not match
    /// `next binding state`), without those words.
    func statement(_ words: String...) -> [DhcpdToken]? {
        for statement in statements where statement.count >= words.count {
            if zip(statement, words).allSatisfy({ $0.kind == .word && $0.text == $1 }) {
                return Array(statement.dropFirst(words.count))
            }
        }
        return nil
    }

    func binding(ip: IPv4Address, line: Int, now: EpochMilliseconds) -> Outcome {
        let state = statement("binding", "state")?.first?.text
        if let state, state != "active" {
            return .inactive("in binding state \(state)")
        }
        guard let endsTokens = statement("ends") else { return .malformed("no `ends` statement") }
        guard let expires = Self.time(endsTokens) else {
            return .malformed(
                "`ends \(endsTokens.map(\.text).joined(separator: " "))` is not `W YYYY/MM/DD HH:MM:SS`, `epoch N` or `never`"
            )
        }
        if case .at(let end) = expires, end <= now { return .inactive("expired") }
        var mac: MACAddress?
        if let hardware = statement("hardware") {
            guard hardware.count == 2, hardware[0].text == "ethernet", let parsed = TextScanning.mac(hardware[1].text)
            else {
                return .malformed(
                    "`hardware \(hardware.map(\.text).joined(separator: " "))` is not an Ethernet address")
            }
            mac = parsed
        }
        // `uid` is a quoted string with octal escapes, or colon-separated hex when it is not printable.
        let uid = statement("uid")?.first.flatMap { $0.kind == .string ? $0.bytes : TextScanning.hexBytes($0.text) }
        guard mac != nil || uid != nil else { return .malformed("neither `hardware ethernet` nor `uid`") }
        let hostname = statement("client-hostname")?.first.map(\.text)
        return .active(ImportedLease(ip: ip, mac: mac, clientID: uid, hostname: hostname, expires: expires, line: line))
    }

    /// `4 2026/12/02 13:00:00` (weekday, UTC date and time), `epoch 1764680400` (db-time-format local) or
    /// `never` (dhcpd.leases(5), "DATES").
    static func time(_ tokens: [DhcpdToken]) -> ImportedLease.Expiry? {
        let words = tokens.map(\.text)
        if words == ["never"] { return .never }
        if words.count == 2, words[0] == "epoch", let seconds = Int64(words[1]) { return .at(seconds * 1000) }
        guard words.count == 3 else { return nil }
        let date = words[1].split(separator: "/").compactMap { Int($0) }
        let time = words[2].split(separator: ":").compactMap { Int($0) }
        guard date.count == 3, time.count == 3, (1...12).contains(date[1]), (1...31).contains(date[2]),
            (0...23).contains(time[0]), (0...59).contains(time[1]), (0...60).contains(time[2])
        else { return nil }
        let seconds = TextScanning.epochSeconds(
            year: date[0], month: date[1], day: date[2], hour: time[0], minute: time[1], second: time[2])
        return .at(seconds * 1000)
    }
}
