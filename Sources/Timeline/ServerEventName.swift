/// The other closed list of log names: lines about the server itself (a service started or stopped, a
/// socket error, a store write that failed). They never reach a device's timeline, so they are not
/// `EventName`s (diagnosis and phase never see them), but they are the same kind of contract: docs/cli.md
/// lists them and the integration tests grep for them, so each is spelled once, here. Their metadata keys
/// are `EventKey`s (`.server(...)`, plus the shared ones such as `.reason` and `.dhcp(.interface)`).
public enum ServerEventName: String, CaseIterable, Sendable, CustomStringConvertible {
    case dialtoneStarted = "dialtone.started"
    case dialtoneStopped = "dialtone.stopped"
    case dialtoneFailed = "dialtone.failed"

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

    case tftpStarted = "tftp.started"
    case tftpStopped = "tftp.stopped"
    case tftpPacketMalformed = "tftp.packet.malformed"
    case tftpSocketError = "tftp.socket.error"

    case syslogStarted = "syslog.started"
    case syslogStopped = "syslog.stopped"

    case sntpStarted = "sntp.started"
    case sntpStopped = "sntp.stopped"
    case sntpClockSynchronized = "sntp.clock.synchronized"
    case sntpClockUnsynchronized = "sntp.clock.unsynchronized"

    case webStarted = "web.started"

    case storeWriteFailed = "store.write.failed"
    case storeEventsFailed = "store.events.failed"

    public var description: String { rawValue }
}
