/// One syslog message as received: RFC 5424, RFC 3164 (BSD), or whatever a device really sent.
/// Every field but `message` may be missing; the parser never fails (devices send everything).
public struct SyslogMessage: Hashable, Sendable {
    public enum Format: String, Hashable, Sendable { case rfc5424, rfc3164, unstructured }

    public var format: Format
    /// 0-23 (RFC 5424 §6.2.1); nil when the message had no valid PRI.
    public var facility: Int?
    /// 0 emergency ... 7 debug.
    public var severity: Int?
    public var timestamp: String?
    public var hostname: String?
    public var appName: String?
    public var processID: String?
    public var messageID: String?
    /// RFC 5424 structured data, verbatim (`[id k="v"]...`).
    public var structuredData: String?
    public var message: String

    public init(
        format: Format, facility: Int? = nil, severity: Int? = nil, timestamp: String? = nil, hostname: String? = nil,
        appName: String? = nil, processID: String? = nil, messageID: String? = nil, structuredData: String? = nil,
        message: String
    ) {
        self.format = format
        self.facility = facility
        self.severity = severity
        self.timestamp = timestamp
        self.hostname = hostname
        self.appName = appName
        self.processID = processID
        self.messageID = messageID
        self.structuredData = structuredData
        self.message = message
    }

    public static let severityNames = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"]
    public static let facilityNames = [
        "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp", "ntp",
        "audit", "alert", "clock", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
    ]

    public var severityName: String { severity.map { Self.severityNames[$0] } ?? "-" }
    public var facilityName: String { facility.map { Self.facilityNames[$0] } ?? "-" }
}
