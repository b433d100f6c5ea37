/// One problem in a config file, with everything an admin needs to fix it without reading our code:
/// file, line, column, the key path (`dhcp.subnets[0].pools[1]`) and what is wrong.
public struct ConfigError: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var mark: SourceMark?
    public var keyPath: String
    public var message: String

    public init(file: String, mark: SourceMark?, keyPath: String, message: String) {
        self.file = file
        self.mark = mark
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        let location = mark.map { "\(file):\($0.line):\($0.column)" } ?? file
        let path = keyPath.isEmpty ? "" : " \(keyPath):"
        return "\(location):\(path) \(message)"
    }
}

/// Every problem found in one validation pass: the whole file is checked, not just up to the first error.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [ConfigError]
    public init(_ errors: [ConfigError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// Collects errors while a config is read. A class so nested readers share it; used by one thread.
final class ConfigDiagnostics {
    let file: String
    private(set) var errors: [ConfigError] = []

    init(file: String) { self.file = file }

    func error(_ message: String, at mark: SourceMark?, path: String) {
        errors.append(ConfigError(file: file, mark: mark, keyPath: path, message: message))
    }
}
