/// The options of one message as an ordered, lossless list of (code, value bytes).
///
/// Storage is raw so that an admin can see exactly what a client sent and we can re-encode it byte for byte;
/// typing happens in the throwing accessors (`DHCPOptions+Typed.swift`). RFC 3396: several instances of one
/// code are concatenated into one value, kept at the position of the first instance.
public struct DHCPOptions: Hashable, Sendable, Sequence {
    public struct Entry: Hashable, Sendable {
        public var code: DHCPOptionCode
        public var value: [UInt8]
        /// Where the code's first instance starts in the datagram (decoded messages only), so that a malformed
        /// option can be reported at its byte. Not part of equality: two lists with the same options are equal.
        public internal(set) var offset: Int?

        public init(code: DHCPOptionCode, value: [UInt8]) {
            self.code = code
            self.value = value
        }

        init(code: DHCPOptionCode, value: [UInt8], offset: Int?) {
            self.code = code
            self.value = value
            self.offset = offset
        }

        public static func == (lhs: Entry, rhs: Entry) -> Bool { lhs.code == rhs.code && lhs.value == rhs.value }
        public func hash(into hasher: inout Hasher) {
            hasher.combine(code)
            hasher.combine(value)
        }
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    /// Room for `minimumCapacity` options from the start, for the decoder and the reply builder: a request
    /// carries about 6-12, a reply 8-15, and growing 1, 2, 4, 8, 16 was four reallocations per message
    /// (callgrind, bench/dhcp). Not in `init()`: every `DHCPMessage` starts with an empty list it replaces.
    public init(minimumCapacity: Int) {
        entries.reserveCapacity(minimumCapacity)
    }

    public static func == (lhs: DHCPOptions, rhs: DHCPOptions) -> Bool { lhs.entries == rhs.entries }
    public func hash(into hasher: inout Hasher) { hasher.combine(entries) }

    /// Each code's offset in the datagram, kept on its entry: a dictionary beside the entries cost more to
    /// fill on every decoded packet (about 6k instructions, callgrind, bench/dhcp) than the reports it serves.
    public struct Offsets: Sendable {
        fileprivate let entries: [Entry]
        public subscript(code: DHCPOptionCode) -> Int? { entries.first { $0.code == code }?.offset }
    }
    public var offsets: Offsets { Offsets(entries: entries) }

    /// `append`, remembering where the option started in the datagram (the decoder's entry point); a later
    /// instance of the same code (RFC 3396) keeps the first one's offset.
    public mutating func append(_ code: DHCPOptionCode, _ value: [UInt8], offset: Int) {
        append(code, value, at: offset)
    }

    public init(_ entries: [Entry]) {
        self.init()
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
    public mutating func append(_ code: DHCPOptionCode, _ value: [UInt8]) { append(code, value, at: nil) }

    private mutating func append(_ code: DHCPOptionCode, _ value: [UInt8], at offset: Int?) {
        if let index = entries.firstIndex(where: { $0.code == code }) {
            entries[index].value += value
        } else {
            entries.append(Entry(code: code, value: value, offset: offset))
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

    /// Looks before it removes: `removeAll` on a list shared with another value copies it even when nothing
    /// goes (the reply builder removes 67 from a subnet's shared options on every reply).
    public mutating func remove(_ code: DHCPOptionCode) {
        guard contains(code) else { return }
        entries.removeAll { $0.code == code }
    }

    public var codes: [DHCPOptionCode] { entries.map(\.code) }
    public var count: Int { entries.count }
    public func makeIterator() -> IndexingIterator<[Entry]> { entries.makeIterator() }
}
