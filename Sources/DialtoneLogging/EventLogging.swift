import Logging
import Timeline

/// Log lines from the catalogues: every event name and key a line carries comes from `Timeline`, so a log
/// line and the stored event of one occurrence always agree (integration tests grep the former, explain
/// reads the latter), and docs/cli.md's names have one definition.
extension EventMetadata {
    /// Keys by raw value, as the line prints them.
    public var logMetadata: Logger.Metadata {
        var out: Logger.Metadata = [:]
        for (key, value) in self { out[key.rawValue] = .string(value) }
        return out
    }
}

extension Logger {
    /// A line about the server itself.
    public func log(_ level: Logger.Level, _ name: ServerEventName, _ metadata: EventMetadata = [:]) {
        log(level: level, "\(name.rawValue)", metadata: metadata.isEmpty ? nil : metadata.logMetadata)
    }
}
