import DHCPWire

/// A set of option codes as 256 bits: which options a reply has written, without an array to search or sort.
struct OptionCodeSet: Sequence {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    func contains(_ code: DHCPOptionCode) -> Bool { word(code.rawValue >> 6) & (1 << (code.rawValue & 63)) != 0 }

    mutating func insert(_ code: DHCPOptionCode) {
        let bit: UInt64 = 1 << (code.rawValue & 63)
        switch code.rawValue >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }

    private func word(_ index: UInt8) -> UInt64 {
        switch index {
        case 0: words.0
        case 1: words.1
        case 2: words.2
        default: words.3
        }
    }

    /// The codes in ascending order.
    func makeIterator() -> Iterator { Iterator(set: self) }

    struct Iterator: IteratorProtocol {
        fileprivate let set: OptionCodeSet
        fileprivate var index: UInt8 = 0
        fileprivate var remaining: UInt64 = 0
        fileprivate var started = false

        mutating func next() -> DHCPOptionCode? {
            if !started { (started, remaining) = (true, set.word(0)) }
            while remaining == 0 {
                guard index < 3 else { return nil }
                index += 1
                remaining = set.word(index)
            }
            let bit = remaining.trailingZeroBitCount
            remaining &= remaining - 1
            return DHCPOptionCode(index << 6 | UInt8(bit))
        }
    }
}
