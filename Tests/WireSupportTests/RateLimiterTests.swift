import Testing
import WireSupport

@Suite struct RateLimiterTests {
    @Test func burstThenSustainedRatePerSource() {
        var limiter = RateLimiter<String>(.init(rate: 10, burst: 5))
        let first = (0..<8).map { _ in limiter.admit("flood", now: 0) }
        #expect(first == [true, true, true, true, true, false, false, false], "the burst, then nothing")
        let other = limiter.admit("quiet", now: 0)
        #expect(other, "another source has its own bucket")
        let after100ms = [limiter.admit("flood", now: 100), limiter.admit("flood", now: 100)]
        #expect(after100ms == [true, false], "10/s: one token back after 100 ms")
        let afterIdle = (0..<6).map { _ in limiter.admit("flood", now: 10_000) }
        #expect(afterIdle == [true, true, true, true, true, false], "refills up to the burst, no more")
    }

    @Test func idleSourcesAreForgottenPastTheBound() {
        var limiter = RateLimiter<Int>(.init(rate: 10, burst: 5), maxSources: 100)
        for source in 0..<100 { _ = limiter.admit(source, now: 0) }
        #expect(limiter.trackedSources == 100)
        // A second later every old bucket has refilled: forgetting them changes no decision.
        _ = limiter.admit(1000, now: 1000)
        #expect(limiter.trackedSources == 1)
    }
}
