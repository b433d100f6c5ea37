/// Reads one YAML mapping against the keys it may hold. Unknown keys are reported with a suggestion; each
/// typed read reports a wrong value at the value's own line and returns nil, so reading goes on and every
/// problem of the file is listed at once.
struct ConfigSection {
    let path: String
    let mark: SourceMark
    let diagnostics: ConfigDiagnostics
    private let entries: [String: ConfigNode.MappingEntry]

    /// Nil (with an error) when `node` is not a mapping. A `null` node (an empty section such as `sntp:`)
    /// reads as an empty mapping: "present, with defaults".
    init?(_ node: ConfigNode, path: String, allowed: [String], diagnostics: ConfigDiagnostics) {
        self.path = path
        self.mark = node.mark
        self.diagnostics = diagnostics
        var entries: [String: ConfigNode.MappingEntry] = [:]
        switch node.value {
        case .null:
            break
        case .mapping(let list):
            for entry in list {
                let where_ = path.isEmpty ? "the top level" : path
                if entries[entry.key] != nil {
                    diagnostics.error(
                        "key `\(entry.key)` appears twice in \(where_)", at: entry.keyMark,
                        path: Self.join(path, entry.key))
                    continue
                }
                if !allowed.contains(entry.key) {
                    var message = "unknown key `\(entry.key)` in \(where_) (line \(entry.keyMark.line))"
                    if let hint = KeySuggestion.closest(to: entry.key, among: allowed) {
                        message += "; did you mean `\(hint)`?"
                    } else {
                        message += "; valid keys: \(allowed.joined(separator: ", "))"
                    }
                    diagnostics.error(message, at: entry.keyMark, path: Self.join(path, entry.key))
                    continue
                }
                entries[entry.key] = entry
            }
        default:
            diagnostics.error("expected a mapping of keys, found \(node.kindName)", at: node.mark, path: path)
            return nil
        }
        self.entries = entries
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func childPath(_ key: String) -> String { Self.join(path, key) }

    func has(_ key: String) -> Bool { entries[key] != nil }

    func node(_ key: String) -> ConfigNode? { entries[key]?.value }

    /// Reports a missing required key at the section's own position.
    func require(_ key: String, _ explanation: String = "") -> ConfigNode? {
        if let node = entries[key]?.value, node.value != .null { return node }
        let suffix = explanation.isEmpty ? "" : " (\(explanation))"
        diagnostics.error("required key `\(key)` is missing\(suffix)", at: mark, path: childPath(key))
        return nil
    }

    func error(_ message: String, key: String) {
        diagnostics.error(message, at: entries[key]?.value.mark ?? mark, path: childPath(key))
    }

    /// Reads `key` with `parse`, or returns `defaultValue` when the key is absent.
    func read<T>(_ key: String, default defaultValue: T, _ parse: (ConfigNode, String) -> T?) -> T {
        guard let node = entries[key]?.value else { return defaultValue }
        return parse(node, childPath(key)) ?? defaultValue
    }

    func read<T>(_ key: String, _ parse: (ConfigNode, String) -> T?) -> T? {
        guard let node = entries[key]?.value else { return nil }
        return parse(node, childPath(key))
    }
}
