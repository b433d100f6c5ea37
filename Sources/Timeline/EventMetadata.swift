/// An event's metadata: its keys and their values, with the dictionary's meaning (one value a key, setting nil
/// removes, equality and hashing ignore order) but kept as a short array in the order the keys were set.
///
/// Why not `[EventKey: String]`: an event carries 5-15 keys, is built on the DHCP event loop for every
/// request and read back once or twice. A dictionary hashes every key on every insert and lookup (SipHash
/// over the enum's case and payload) and grows its table; callgrind put building and hashing those
/// dictionaries at about 45k of the 555k instructions of one DHCP exchange, and this type saved about 23k
/// (docs/benchmarks.md). A linear scan over a dozen enum cases compares small integers, and the array is
/// one allocation. The store's JSON comes out in the order the emitter set the keys (the log line sorts
/// them; events read back from the store come in no particular order).
public struct EventMetadata: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Element = (key: EventKey, value: String)

    fileprivate struct Entry: Hashable, Sendable {
        var key: EventKey
        var value: String
    }

    private var entries: [Entry]

    public init() { entries = [] }

    /// Room for `minimumCapacity` keys, so an emitter that knows its count adds them without regrowing.
    public init(minimumCapacity: Int) {
        entries = []
        entries.reserveCapacity(minimumCapacity)
    }

    /// Like a dictionary literal: a key given twice keeps its last value.
    public init(dictionaryLiteral elements: (EventKey, String)...) {
        entries = []
        entries.reserveCapacity(elements.count)
        for (key, value) in elements { self[key] = value }
    }

    public subscript(key: EventKey) -> String? {
        get { index(of: key).map { entries[$0].value } }
        set {
            switch (index(of: key), newValue) {
            case (let i?, let value?): entries[i].value = value
            case (let i?, nil): entries.remove(at: i)
            case (nil, let value?): entries.append(Entry(key: key, value: value))
            case (nil, nil): break
            }
        }
    }

    /// The scan, through the buffer: `firstIndex(where:)` copied each entry's key to compare it (a retain and
    /// a release of the `.other` payload's storage every time; ~3 % of a DHCP exchange, callgrind).
    private func index(of key: EventKey) -> Int? {
        entries.withUnsafeBufferPointer { buffer in
            for i in buffer.indices where buffer[i].key == key { return i }
            return nil
        }
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    public var keys: [EventKey] { entries.map(\.key) }

    public mutating func reserveCapacity(_ minimumCapacity: Int) { entries.reserveCapacity(minimumCapacity) }

    /// Sets every key of `other`, its value winning over one already here (`Dictionary.merge` keeping the new).
    public mutating func merge(_ other: EventMetadata) {
        for (key, value) in other { self[key] = value }
    }

    public func makeIterator() -> Iterator { Iterator(base: entries.makeIterator()) }

    public struct Iterator: IteratorProtocol {
        fileprivate var base: IndexingIterator<[Entry]>
        public mutating func next() -> Element? { base.next().map { ($0.key, $0.value) } }
    }

    /// As a dictionary: same keys, same values, whatever the order.
    public static func == (lhs: EventMetadata, rhs: EventMetadata) -> Bool {
        lhs.count == rhs.count && lhs.entries.allSatisfy { rhs[$0.key] == $0.value }
    }

    /// Order-free, as `==` is: the entries' own hashes combined by XOR (how `Dictionary` hashes, too).
    public func hash(into hasher: inout Hasher) {
        var combined = 0
        for entry in entries {
            var own = Hasher()
            own.combine(entry)
            combined ^= own.finalize()
        }
        hasher.combine(count)
        hasher.combine(combined)
    }
}

extension EventMetadata: CustomStringConvertible {
    public var description: String {
        "[" + entries.map { "\($0.key): \(String(reflecting: $0.value))" }.joined(separator: ", ") + "]"
    }
}
