import HTTPFileCore
import Testing

/// RFC 9110 §14.1.2 and §14.2 on a 1000-byte file, one row per rule.
struct ByteRangeTests {
    static let rows: [(String?, ByteRange)] = [
        (nil, .ignored),
        ("bytes=0-499", .satisfiable(offset: 0, length: 500)),
        ("bytes=500-999", .satisfiable(offset: 500, length: 500)),
        ("bytes=500-", .satisfiable(offset: 500, length: 500)),
        ("bytes=900-5000", .satisfiable(offset: 900, length: 100)),  // last-pos beyond the end is clamped
        ("bytes=-100", .satisfiable(offset: 900, length: 100)),  // suffix: the last 100 bytes
        ("bytes=-5000", .satisfiable(offset: 0, length: 1000)),  // suffix longer than the file: all of it
        ("bytes=999-999", .satisfiable(offset: 999, length: 1)),
        ("Bytes=0-0", .satisfiable(offset: 0, length: 1)),  // the unit is case-insensitive
        (" bytes=0-9 ", .satisfiable(offset: 0, length: 10)),
        ("bytes=1000-", .unsatisfiable),  // first-pos at the end
        ("bytes=5000-6000", .unsatisfiable),
        ("bytes=-0", .unsatisfiable),  // a zero-length suffix selects nothing
        ("bytes=500-400", .ignored),  // last < first: invalid, so ignored
        ("bytes=0-1,5-6", .ignored),  // several ranges: the whole file (§14.2 MAY ignore)
        ("items=0-1", .ignored),
        ("bytes=a-b", .ignored),
        ("bytes=+1-2", .ignored),
        ("bytes=", .ignored),
        ("bytes=5", .ignored),
        ("bytes=99999999999999999999-", .ignored),  // beyond Int64: not a number we can serve
    ]

    @Test(arguments: rows) func parses(_ header: String?, _ expected: ByteRange) {
        #expect(ByteRange.parse(header, size: 1000) == expected)
    }

    @Test func anEmptyFileSatisfiesNoRange() {
        #expect(ByteRange.parse("bytes=0-", size: 0) == .unsatisfiable)
        #expect(ByteRange.parse("bytes=-1", size: 0) == .unsatisfiable)
        #expect(ByteRange.parse(nil, size: 0) == .ignored)
    }
}
