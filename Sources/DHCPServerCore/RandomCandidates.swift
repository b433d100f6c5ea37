/// The random allocator's source (`dhcp.allocator: random`): SplitMix64 (Steele, Lea, Flood, "Fast Splittable
/// Pseudorandom Number Generators", 2014), a value the core carries so that it stays pure and a test can
/// replay it; the shell seeds it from the system's generator.
///
/// Why random at all: servers sharing one store walk the same pools. In pool order they offer the same
/// candidates to different clients, and one of each pair loses the commit race and NAKs (ISC measured this
/// with Kea's iterative allocator on a shared database; its docs require the random allocator there).
public struct RandomCandidates: RandomNumberGenerator, Hashable, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// How many random draws the allocator tries before it falls back to walking the pool in order: a pool
    /// that is 90 % used still yields a never-used address within 32 draws with probability 1 - 0.9^32 = 97 %.
    static let draws = 32
}
