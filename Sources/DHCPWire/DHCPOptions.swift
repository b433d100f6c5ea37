/// The options of one message as an ordered, lossless list of (code, value bytes).
///
/// Storage is raw so that an admin can see exactly what a client sent and we can re-encode it byte for byte;
/// typing happens in the throwing accessors (`DHCPOptions+Typed.swift`). RFC 3396: several instances of one
/// code are concatenated into one value, kept at the position of the first instance.
public struct DHCPOptions: Hashable, Sendable, Sequence {
    public struct Entry: Hashable, Sendable {
        public var code: DHCPOptionCode
        public var value: [UInt8]
        public init(code: DHCPOptionCode, value: [UInt8]) {
            self.code = code
            self.value = value
        }
    }

    public private(set) var entries: [Entry] = []
    /// Where each code's first instance starts in the datagram (decoded messages only), so that a malformed
    /// option can be reported at its byte. Not part of equality: two lists with the same options are equal.
    public private(set) var offsets: [DHCPOptionCode: Int] = [:]

    public init() {}

    public static func == (lhs: DHCPOptions, rhs: DHCPOptions) -> Bool { lhs.entries == rhs.entries }
    public func hash(into hasher: inout Hasher) { hasher.combine(entries) }

    /// `append`, remembering where the option started in the datagram (the decoder's entry point).
    public mutating func append(_ code: DHCPOptionCode, _ value: [UInt8], offset: Int) {
        if offsets[code] == nil { offsets[code] = offset }
        append(code, value)
    }

    public init(_ entries: [Entry]) {
        for entry in entries { append(entry.code, entry.value) }
    }

    public subscript(code: DHCPOptionCode) -> [UInt8]? {
        get { entries.first(where: { $0.code == code })?.value }
        set {
            if let newValue { set(code, newValue) } else { remove(code) }
        }
    }

    public func contains(_ code: DHCPOptionCode) -> Bool { entries.contains { $0.code == code } }

    /// Appends bytes to the option, concatenating with an existing instance (RFC 3396 §5).
    public mutating func append(_ code: DHCPOptionCode, _ value: [UInt8]) {
        if let index = entries.firstIndex(where: { $0.code == code }) {
            entries[index].value += value
        } else {
            entries.append(Entry(code: code, value: value))
        }
    }

    /// Replaces the option's value, keeping its position, or appends it.
    public mutating func set(_ code: DHCPOptionCode, _ value: [UInt8]) {
        if let index = entries.firstIndex(where: { $0.code == code }) {
            entries[index].value = value
        } else {
            entries.append(Entry(code: code, value: value))
        }
    }

    public mutating func remove(_ code: DHCPOptionCode) {
        entries.removeAll { $0.code == code }
        offsets[code] = nil
    }

    public var codes: [DHCPOptionCode] { entries.map(\.code) }
    public var count: Int { entries.count }
    public func makeIterator() -> IndexingIterator<[Entry]> { entries.makeIterator() }
}
