import Foundation
import Logging
import WireSupport

/// One line per event on stderr, as text (`2026-11-26T10:12:59.964Z info dhcp.offer.sent client.mac=... `)
/// or as one JSON object per line (`--log-format json`). The message is the stable event name; data goes
/// in dotted metadata keys (swift-log best practice 002), so logs can be grepped and parsed alike.
/// With `journal` (stderr is journald's stream, JournalStream) a line starts with its `<N>` priority
/// instead of our timestamp: `<6>info dhcp.offer.sent ...`; JSON lines keep their `time` key, as data.
public struct LineLogHandler: LogHandler {
    public enum Format: String, Sendable, CaseIterable { case text, json }

    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let format: Format
    private let journal: Bool
    private let sink: @Sendable (String) -> Void

    public init(
        label: String, format: Format, level: Logger.Level, journal: Bool = false,
        sink: @escaping @Sendable (String) -> Void = LineLogHandler.stderr
    ) {
        self.label = label
        self.format = format
        self.journal = journal
        self.logLevel = level
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { $1 } }
        if let extra = event.metadata { all.merge(extra) { $1 } }
        let time = Self.timestamp()
        let prefix = journal ? "<\(JournalStream.priority(event.level))>" : ""
        switch format {
        case .text:
            let fields = all.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quoteIfNeeded("\($0.value)"))" }
            let head = journal ? [prefix + event.level.rawValue] : [time, event.level.rawValue]
            // Our messages are event names; a library's may quote what it was sent: made visible as values are.
            sink((head + [VisibleText.line("\(event.message)")] + fields).joined(separator: " "))
        case .json:
            var object: [String: String] = [
                "time": time, "level": event.level.rawValue, "event": "\(event.message)", "logger": label,
            ]
            for (key, value) in all { object[key] = "\(value)" }
            // JSONText: keys sorted as before, and DEL, C1 and direction characters escaped too (issue 14).
            let members: [String] = object.sorted { $0.key < $1.key }.map { key, value in
                JSONText.string(key) + ":" + JSONText.string(value)
            }
            sink(prefix + "{" + members.joined(separator: ",") + "}")
        }
    }

    /// A value as one token of one line: quoted when it holds a space, a quote, `=` or a control character,
    /// with control characters escaped (`\n`, `\u{1B}`; VisibleText), so text from the wire can neither break
    /// the line nor send escape sequences to the terminal (issue 14).
    public static func quoteIfNeeded(_ value: String) -> String {
        let needsQuotes =
            value.isEmpty
            || value.unicodeScalars.contains { (scalar: Unicode.Scalar) -> Bool in
                if scalar == " " || scalar == "\"" || scalar == "=" { return true }
                return VisibleText.isControl(scalar) || VisibleText.isInvisibleFormat(scalar)
            }
        return needsQuotes ? "\"" + VisibleText.escaped(value) + "\"" : value
    }

    static func timestamp() -> String {
        var tv = timeval()
        gettimeofday(&tv, nil)
        var seconds = time_t(tv.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(tv.tv_usec / 1000))
    }

    public static let stderr: @Sendable (String) -> Void = { line in
        let bytes = Array((line + "\n").utf8)
        bytes.withUnsafeBufferPointer { _ = write(2, $0.baseAddress, $0.count) }
    }
}
