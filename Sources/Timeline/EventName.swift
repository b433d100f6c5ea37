/// The closed catalogue of event names a device's timeline can hold (issue 12). Each name is written once,
/// here: the DHCP core, the TFTP machines' shell, provisioning and syslog emit these cases, the store
/// serialises their raw values, and diagnosis, phase, explain and the API match on the cases. A rename is
/// then one edit that every reader follows, instead of a string that silently stops matching.
///
/// The raw values are the stable names of the log lines (docs/cli.md) and of the store's `event.name`
/// column: never change one without a migration. Grouped by emitter, so a reader can ask "any TFTP event"
/// with a pattern instead of a prefix test. Names this build does not know (a row written by another
/// version) read back as `.other`, so an old timeline still shows every row.
public enum EventName: Hashable, Sendable, CustomStringConvertible {
    case dhcp(DHCP)
    case tftp(TFTP)
    case http(HTTP)
    case phone(Phone)
    case syslog(Syslog)
    /// A stored name outside this catalogue. Emitters never produce it.
    case other(String)

    /// What the DHCP core says about one exchange (`DHCPServer.handle`, `ForeignReply`, `markConflict`).
    public enum DHCP: String, CaseIterable, Sendable {
        case offerSent = "dhcp.offer.sent"
        case ackSent = "dhcp.ack.sent"
        case nakSent = "dhcp.nak.sent"
        case informAnswered = "dhcp.inform.answered"
        case requestOtherServer = "dhcp.request.other_server"
        case requestIgnored = "dhcp.request.ignored"
        case declineReceived = "dhcp.decline.received"
        case declineIgnored = "dhcp.decline.ignored"
        case releaseReceived = "dhcp.release.received"
        case releaseIgnored = "dhcp.release.ignored"
        case poolExhausted = "dhcp.pool.exhausted"
        case conflictDetected = "dhcp.conflict.detected"
        case packetDropped = "dhcp.packet.dropped"
        case otherServerReply = "dhcp.other_server.reply"
        case optionMalformed = "dhcp.option.malformed"
        /// The shared store refused one of our lease writes: another server changed the address first
        /// (issue 13). The reply was held back and the request answered again from the store's row.
        case leaseConflict = "dhcp.lease.conflict"
        /// Something the client needs was learned from its behaviour (issue 18; `dhcp.learned` says what,
        /// `reason` the evidence), e.g. broadcast replies after it ignored a unicast OFFER.
        case clientLearned = "dhcp.client.learned"
        /// What was learned about the client was forgotten on command (`dialtone forget`).
        case clientForgotten = "dhcp.client.forgotten"
        /// proxyDHCP (issue 16): a PXE client's DISCOVER on a `proxy: true` subnet was answered with boot
        /// information only (no address: another server owns them).
        case proxyOffered = "dhcp.proxy.offered"
        /// proxyDHCP: a PXE client's request on the PXE port (4011) was answered with its boot file.
        case proxyAcked = "dhcp.proxy.acked"
        /// proxyDHCP: the server that owns a proxy subnet's addresses answered this client (its reply heard
        /// on the client port) or was chosen by it (its REQUEST): expected, unlike `other_server.reply`.
        case addressServerSeen = "dhcp.address_server.seen"

        /// The events that stand for a reply we sent: the shell adds what it measured while sending (latency,
        /// size, destination) to exactly these.
        public var isReply: Bool {
            switch self {
            case .offerSent, .ackSent, .nakSent, .informAnswered, .proxyOffered, .proxyAcked: true
            default: false
            }
        }
    }

    /// One TFTP request's outcome, as the TFTP shell records it (`TFTPTimeline`).
    public enum TFTP: String, CaseIterable, Sendable {
        case requestRefused = "tftp.request.refused"
        case transferCompleted = "tftp.transfer.completed"
        case transferFailed = "tftp.transfer.failed"
        /// The client asked for the options (tsize) and ended with ERROR 8 after the OACK (RFC 2347, 2349).
        case transferProbed = "tftp.transfer.probed"

        /// The `reason` of a refusal for a file that does not exist (RFC 1350 error 1): the "TFTP file
        /// missing" finding matches on it, so the TFTP core's error and the diagnosis share this one string.
        public static let fileNotFoundReason = "File not found"
    }

    /// One HTTP fetch from the TFTP root (`http:`, issue 16), as the HTTP file shell records it
    /// (`HTTPTimeline`): the same outcomes as a TFTP request, so a phone that fetches its config over HTTP
    /// on 6970 has the same story in `explain` and the dashboard.
    public enum HTTP: String, CaseIterable, Sendable {
        /// Answered with an error status at once (404, 400, 405, 416).
        case requestRefused = "http.request.refused"
        /// The response was sent whole (200, 206, 304, or a HEAD's headers).
        case transferCompleted = "http.transfer.completed"
        /// The client went away or the file could not be read mid-response.
        case transferFailed = "http.transfer.failed"
    }

    /// Upgrade-ladder progress, when a phone asks for its generated config.
    public enum Phone: String, CaseIterable, Sendable {
        case upgradeAdvanced = "phone.upgrade.advanced"
        case upgradeDone = "phone.upgrade.done"
        case upgradeWaiting = "phone.upgrade.waiting"
    }

    public enum Syslog: String, CaseIterable, Sendable {
        case message = "syslog.message"
    }

    /// The name as logged and stored.
    public var rawValue: String {
        switch self {
        case .dhcp(let name): name.rawValue
        case .tftp(let name): name.rawValue
        case .http(let name): name.rawValue
        case .phone(let name): name.rawValue
        case .syslog(let name): name.rawValue
        case .other(let name): name
        }
    }

    public var description: String { rawValue }

    /// The name for a stored or logged string: a catalogue case, or `.other` for anything else.
    public init(rawValue: String) {
        self = Self.byRawValue[rawValue] ?? .other(rawValue)
    }

    /// Every name emitters can produce.
    public static let catalogue: [EventName] =
        EventName.DHCP.allCases.map(EventName.dhcp) + EventName.TFTP.allCases.map(EventName.tftp)
        + EventName.HTTP.allCases.map(EventName.http)
        + EventName.Phone.allCases.map(EventName.phone) + EventName.Syslog.allCases.map(EventName.syslog)

    private static let byRawValue = Dictionary(uniqueKeysWithValues: catalogue.map { ($0.rawValue, $0) })

    /// A reply the DHCP core sent (OFFER, ACK, NAK, INFORM's ACK): replaces `hasSuffix(".sent")`.
    public var isDHCPReply: Bool {
        if case .dhcp(let name) = self { return name.isReply }
        return false
    }
}

/// The other closed list of log names: lines about the server itself (a service started or stopped, a
/// socket error, a store write that failed). They never reach a device's timeline, so they are not
/// `EventName`s (diagnosis and phase never see them), but they are the same kind of contract: docs/cli.md
/// lists them and the integration tests grep for them, so each is spelled once, here. Their metadata keys
/// are `EventKey`s (`.server(...)`, plus the shared ones such as `.reason` and `.dhcp(.interface)`).
public enum ServerEventName: String, CaseIterable, Sendable, CustomStringConvertible {
    case dialtoneStarted = "dialtone.started"
    case dialtoneStopped = "dialtone.stopped"
    case dialtoneFailed = "dialtone.failed"
    /// Started as root, `serve` switched to its user and kept only the capabilities it uses (docs/security.md).
    case dialtonePrivilegesDropped = "dialtone.privileges.dropped"
    /// Nothing to drop: started as another user (debug), or `user: root` (warning).
    case dialtonePrivilegesUnchanged = "dialtone.privileges.unchanged"
    /// SIGHUP: the file was valid and is in force, but for `reload.restart_needed`.
    case configReloaded = "config.reloaded"
    /// SIGHUP: the file is invalid (one line per problem, file and line in `error`); the running config stays.
    case configReloadRejected = "config.reload.rejected"
    /// SIGHUP: a changed key that only a restart applies; its running value stays.
    case configReloadRestartNeeded = "config.reload.restart_needed"

    case dhcpStarted = "dhcp.started"
    case dhcpStopped = "dhcp.stopped"
    case dhcpWatchUnavailable = "dhcp.watch.unavailable"
    case dhcpSocketRebound = "dhcp.socket.rebound"
    case dhcpSocketError = "dhcp.socket.error"
    case dhcpReplyFailed = "dhcp.reply.failed"
    /// The lease could not be made durable, so no reply was sent.
    case dhcpReplyWithheld = "dhcp.reply.withheld"
    /// Logged at most once a minute per source, always counted.
    case dhcpPacketMalformed = "dhcp.packet.malformed"
    /// A client or relay sent more than its share and its packets are dropped (FloodLimits); logged at
    /// most once a minute per source, always counted.
    case dhcpClientLimited = "dhcp.client.limited"
    /// DISCOVERs left unanswered while too many bindings wait for the store (DHCPEngine); once a minute.
    case dhcpDiscoverShed = "dhcp.discover.shed"
    /// The DHCP loop could not raise its thread's priority (no CAP_SYS_NICE, RLIMIT_NICE too low).
    case dhcpPriorityUnchanged = "dhcp.priority.unchanged"

    case tftpStarted = "tftp.started"
    case tftpStopped = "tftp.stopped"
    case tftpPacketMalformed = "tftp.packet.malformed"
    case tftpSocketError = "tftp.socket.error"
    /// A client sent more requests than its share and they are dropped; at most once a minute per client.
    case tftpClientLimited = "tftp.client.limited"
    /// A client repeated a request its running transfer already answers.
    case tftpRequestDuplicate = "tftp.request.duplicate"

    /// The HTTP file service (`http:`) listens on every `http.listen` address.
    case httpStarted = "http.started"
    case httpStopped = "http.stopped"

    case syslogStarted = "syslog.started"
    case syslogStopped = "syslog.stopped"

    case sntpStarted = "sntp.started"
    case sntpStopped = "sntp.stopped"
    case sntpClockSynchronized = "sntp.clock.synchronized"
    case sntpClockUnsynchronized = "sntp.clock.unsynchronized"

    case webStarted = "web.started"

    case storeWriteFailed = "store.write.failed"
    case storeEventsFailed = "store.events.failed"
    /// The store cannot be written or read (database down): at most once a minute while it lasts.
    case storeUnreachable = "store.unreachable"
    /// The store answers again after `store.unreachable`; what waited is written.
    case storeRecovered = "store.recovered"
    /// The PostgreSQL store is ready: connected, schema at this binary's version.
    case storeReady = "store.ready"
    /// Changes still unwritten when the server stopped with the store unreachable.
    case storeChangesLost = "store.changes.lost"

    public var description: String { rawValue }
}
