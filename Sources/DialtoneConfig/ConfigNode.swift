/// Where a node sits in the config file (1-based, as editors count).
public struct SourceMark: Hashable, Sendable {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

/// A YAML document as a plain tree with source positions. The YAML parser lives in a shell target
/// (`ConfigLoader`, which uses Yams); everything from here on is pure and tested on trees built in memory.
public struct ConfigNode: Hashable, Sendable {
    public indirect enum Value: Hashable, Sendable {
        case null
        /// `quoted` is true for `'...'`/`"..."` scalars, which are never read as numbers or booleans.
        case scalar(String, quoted: Bool)
        case sequence([ConfigNode])
        case mapping([MappingEntry])
    }

    public struct MappingEntry: Hashable, Sendable {
        public var key: String
        public var keyMark: SourceMark
        public var value: ConfigNode
        public init(key: String, keyMark: SourceMark, value: ConfigNode) {
            self.key = key
            self.keyMark = keyMark
            self.value = value
        }
    }

    public var value: Value
    public var mark: SourceMark

    public init(_ value: Value, mark: SourceMark) {
        self.value = value
        self.mark = mark
    }

    var kindName: String {
        switch value {
        case .null: "nothing"
        case .scalar: "a single value"
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }
}
