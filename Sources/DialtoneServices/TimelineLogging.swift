import Logging
import Timeline

/// Timeline metadata on a log line: the same keys, by raw value, that the store writes, so a log line and
/// the stored event of one occurrence always agree (integration tests grep the former, explain reads the
/// latter).
extension Dictionary where Key == EventKey, Value == String {
    var logMetadata: Logger.Metadata {
        var out: Logger.Metadata = [:]
        for (key, value) in self { out[key.rawValue] = .string(value) }
        return out
    }
}
