import CYaml
import DialtoneConfig

/// Yams builds its node tree recursively, and so do `ConfigLoader.convert` and the validator: a file
/// nested a few hundred levels deep overflowed the stack and killed the process (the `config` fuzz target,
/// 4.6 KB of `{`), in `check` or in a running server's reload. Aliases are expanded into that tree too, so
/// a few lines of nested aliases ("billion laughs") would stand for billions of nodes. A real config nests
/// under ten levels and expands to a few thousand nodes.
///
/// So the text is first read as libyaml's event stream, which libyaml produces with heap stacks of its own
/// (no recursion), counting how deep collections nest and how many nodes the document stands for with its
/// aliases expanded; past a limit it is refused, naming the line, before Yams sees it.
enum YAMLLimits {
    static let maximumDepth = 64
    static let maximumNodes = 1_000_000

    /// Why the text is refused, or nil: within the limits, or not valid YAML (Yams then says where).
    static func violation(in yaml: String, file: String) -> ConfigError? {
        var bytes = Array(yaml.utf8)
        bytes.append(0)
        return bytes.withUnsafeBufferPointer { buffer -> ConfigError? in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return nil }
            defer { yaml_parser_delete(&parser) }
            // As Yams sets it (Parser.init): left to detection, a leading BOM shifts every column by one, and
            // the same text parses into another tree than the one Yams would build.
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count - 1)
            var counter = NodeCounter()
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                defer { yaml_event_delete(&event) }
                let line = Int(event.start_mark.line) + 1
                if event.type == YAML_STREAM_END_EVENT { return nil }
                if let problem = counter.record(event) {
                    return ConfigError(
                        file: file, mark: SourceMark(line: line, column: Int(event.start_mark.column) + 1),
                        keyPath: "", message: problem)
                }
            }
        }
    }

    /// The open collections' node counts, and each anchor's expanded size.
    struct NodeCounter {
        var open: [(count: Int, anchor: String?)] = []
        var anchors: [String: Int] = [:]
        var total = 0

        mutating func record(_ event: yaml_event_t) -> String? {
            switch event.type {
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let anchor =
                    event.type == YAML_SEQUENCE_START_EVENT
                    ? Self.text(event.data.sequence_start.anchor) : Self.text(event.data.mapping_start.anchor)
                open.append((0, anchor))
                if open.count > YAMLLimits.maximumDepth {
                    return "collections nest deeper than \(YAMLLimits.maximumDepth) levels; a config needs a few"
                }
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let closed = open.popLast() else { return nil }
                if let anchor = closed.anchor { anchors[anchor] = closed.count + 1 }
                return add(closed.count + 1, counted: 1)
            case YAML_SCALAR_EVENT:
                if let anchor = Self.text(event.data.scalar.anchor) { anchors[anchor] = 1 }
                return add(1, counted: 1)
            case YAML_ALIAS_EVENT:
                let size = Self.text(event.data.alias.anchor).flatMap { anchors[$0] } ?? 1
                return add(size, counted: size)
            default:
                break
            }
            return nil
        }

        /// Adds a finished node of `size` nodes to its parent; `counted` of them are new to the total (a
        /// collection's children were counted as they came).
        private mutating func add(_ size: Int, counted: Int) -> String? {
            if !open.isEmpty { open[open.count - 1].count += size }
            total += counted
            guard total > YAMLLimits.maximumNodes else { return nil }
            return "the document stands for more than \(YAMLLimits.maximumNodes) nodes once its aliases are "
                + "expanded; a config needs a few thousand"
        }

        private static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            guard let pointer else { return nil }
            return String(cString: UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
        }
    }
}
