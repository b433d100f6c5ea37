import DialtoneConfig
import Foundation
import Yams

/// The shell around `ConfigValidator`: reads the file, parses YAML with Yams into a `ConfigNode` tree with
/// line numbers, validates, and makes relative paths relative to the config file's folder (so a config works
/// the same whatever directory `dialtone` is started from).
public enum ConfigLoader {
    public static func load(path: String) throws(ConfigErrors) -> DialtoneConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason =
                FileManager.default.fileExists(atPath: path)
                ? "cannot be read (permissions or encoding)" : "does not exist"
            throw ConfigErrors([ConfigError(file: path, mark: nil, keyPath: "", message: "config file \(reason)")])
        }
        var config = try load(yaml: text, file: path)
        let base = (path as NSString).deletingLastPathComponent
        config.stateDirectory = resolve(config.stateDirectory, against: base)
        if var tftp = config.tftp {
            tftp.root = resolve(tftp.root, against: base)
            config.tftp = tftp
        }
        if var syslog = config.syslog {
            syslog.file = resolve(syslog.file, against: base)
            config.syslog = syslog
        }
        if var phones = config.phones, let templates = phones.configTemplates {
            phones.configTemplates = resolve(templates, against: base)
            config.phones = phones
        }
        return config
    }

    /// Parses and validates YAML text; `file` is only used in messages.
    public static func load(yaml: String, file: String) throws(ConfigErrors) -> DialtoneConfiguration {
        // Before Yams, whose recursion a hostile nesting would overflow (YAMLLimits).
        if let problem = YAMLLimits.violation(in: yaml, file: file) { throw ConfigErrors([problem]) }
        let root: ConfigNode
        do {
            root = try parse(yaml: yaml)
        } catch let error as YamlError {
            throw ConfigErrors([yamlError(error, file: file)])
        } catch {
            throw ConfigErrors([ConfigError(file: file, mark: nil, keyPath: "", message: "not valid YAML: \(error)")])
        }
        return try ConfigValidator.validate(root, file: file)
    }

    static func parse(yaml: String) throws -> ConfigNode {
        guard let node = try Yams.compose(yaml: yaml) else {
            return ConfigNode(.mapping([]), mark: SourceMark(line: 1, column: 1))
        }
        return convert(node)
    }

    static func convert(_ node: Node) -> ConfigNode {
        let mark = SourceMark(line: node.mark?.line ?? 0, column: node.mark?.column ?? 0)
        switch node {
        case .scalar(let scalar):
            let quoted = scalar.style == .singleQuoted || scalar.style == .doubleQuoted
            let isNull = !quoted && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
            return ConfigNode(isNull ? .null : .scalar(scalar.string, quoted: quoted), mark: mark)
        case .sequence(let sequence):
            return ConfigNode(.sequence(sequence.map(convert)), mark: mark)
        case .mapping(let mapping):
            let entries = mapping.map { key, value in
                ConfigNode.MappingEntry(
                    key: key.string ?? describeCollectionKey(key),
                    keyMark: SourceMark(line: key.mark?.line ?? 0, column: key.mark?.column ?? 0),
                    value: convert(value))
            }
            return ConfigNode(.mapping(entries), mark: mark)
        }
    }

    /// A sequence or mapping used as a key (YAML's `? ` complex keys): no key of ours, so a short name for the
    /// error instead of the node's reflected description, which for nested keys ran to megabytes and made
    /// `check` take seconds on a 6 KB file (the `config` fuzz target's timeout).
    static func describeCollectionKey(_ key: Node) -> String {
        if case .sequence = key { return "(a sequence used as a key)" }
        return "(a mapping used as a key)"
    }

    static func yamlError(_ error: YamlError, file: String) -> ConfigError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
            let what = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            return ConfigError(
                file: file, mark: SourceMark(line: mark.line, column: mark.column), keyPath: "",
                message: "YAML syntax error: \(what)")
        default:
            return ConfigError(file: file, mark: nil, keyPath: "", message: "YAML error: \(error)")
        }
    }

    static func resolve(_ path: String, against base: String) -> String {
        if path.hasPrefix("/") || base.isEmpty { return path }
        return (base as NSString).appendingPathComponent(path)
    }
}
