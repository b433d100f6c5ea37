/// Token buckets per source, so that one source cannot starve the others (issue 14: one MAC, relay or IP
/// sending thousands of requests a second). Pure: the caller passes `now` in milliseconds of any monotonic
/// clock. Memory stays bounded: when more than `maxSources` are tracked, sources whose bucket has refilled
/// (idle long enough that they would be admitted anyway) are forgotten.
public struct RateLimiter<Source: Hashable & Sendable>: Sendable {
    public struct Limit: Hashable, Sendable {
        /// Sustained requests per second.
        public var rate: Double
        /// Requests allowed at once after a quiet spell.
        public var burst: Double
        public init(rate: Double, burst: Double) {
            self.rate = rate
            self.burst = burst
        }
    }

    private struct Bucket: Sendable {
        var tokens: Double
        var updated: Int64
    }

    public let limit: Limit
    public let maxSources: Int
    private var buckets: [Source: Bucket] = [:]

    public init(_ limit: Limit, maxSources: Int = 10_000) {
        self.limit = limit
        self.maxSources = maxSources
    }

    /// Takes one token for `source` at `now`; false when its bucket is empty (the request is to be dropped).
    public mutating func admit(_ source: Source, now: Int64) -> Bool {
        var bucket = buckets[source] ?? Bucket(tokens: limit.burst, updated: now)
        let elapsed = Double(max(0, now - bucket.updated)) / 1000
        bucket.tokens = min(limit.burst, bucket.tokens + elapsed * limit.rate)
        bucket.updated = now
        let admitted = bucket.tokens >= 1
        if admitted { bucket.tokens -= 1 }
        buckets[source] = bucket
        if buckets.count > maxSources { forgetIdle(now: now) }
        return admitted
    }

    public var trackedSources: Int { buckets.count }

    private mutating func forgetIdle(now: Int64) {
        let refill = Int64((limit.burst / max(limit.rate, 0.001)) * 1000)
        buckets = buckets.filter { now - $0.value.updated < refill }
    }
}
