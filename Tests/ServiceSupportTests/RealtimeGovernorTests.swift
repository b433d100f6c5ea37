import Foundation
import MetricsTestKit
import NIOConcurrencyHelpers
import ServiceSupport
import Testing

/// The DHCP loop's real-time policy: the pure decision, and the system calls on a thread of its own.
@Suite struct RealtimeGovernorTests {
    static let ms: Int64 = 1_000_000

    @Test func busyThreadGoesFairAndComesBackWhenIdle() {
        var governor = RealtimeGovernor(realtime: true)
        #expect(governor.isDue(wall: 0))
        #expect(governor.observe(wall: 0, cpu: 0) == nil)  // the first look only starts a window
        #expect(!governor.isDue(wall: 9 * Self.ms))
        #expect(governor.isDue(wall: 10 * Self.ms))
        // 40 % of a window: stays real-time.
        #expect(governor.observe(wall: 10 * Self.ms, cpu: 4 * Self.ms) == nil)
        // 60 %: a flood; fair.
        #expect(governor.observe(wall: 20 * Self.ms, cpu: 10 * Self.ms) == .fair)
        #expect(!governor.isRealtime)
        // Between the two thresholds: stays fair (no flapping at one share).
        #expect(governor.observe(wall: 30 * Self.ms, cpu: 14 * Self.ms) == nil)
        #expect(governor.observe(wall: 40 * Self.ms, cpu: 17 * Self.ms) == nil)
        // Under a quarter: real-time again.
        #expect(governor.observe(wall: 50 * Self.ms, cpu: 19 * Self.ms) == .realtime)
        #expect(governor.isRealtime)
        // A long idle stretch then one packet: the share is tiny, nothing changes.
        #expect(governor.observe(wall: 5_000 * Self.ms, cpu: 20 * Self.ms) == nil)
    }

    @Test func aRefusedThreadIsNeverPromoted() {
        var governor = RealtimeGovernor(realtime: false)
        #expect(governor.observe(wall: 0, cpu: 0) == nil)
        #expect(governor.observe(wall: 10 * Self.ms, cpu: 9 * Self.ms) == nil)
        #expect(governor.observe(wall: 20 * Self.ms, cpu: 9 * Self.ms) == .realtime)
    }

    struct Seen: Sendable {
        var governed = false
        var realtimeAtStart = false
        var niceAtStart: Int32 = 0
        var fairWhenBusy = false
        var niceWhenFair: Int32 = 0
        var realtimeWhenIdle = false
    }

    /// Root with CAP_SYS_NICE (CI and the lab; a container may drop it): what SCHED_FIFO needs here.
    static var mayRunRealtime: Bool {
        guard geteuid() == 0, let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") }),
            let mask = UInt64(line.dropFirst("CapEff:".count).trimmingCharacters(in: .whitespaces), radix: 16)
        else { return false }
        return mask & (1 << 23) != 0
    }

    /// A refused switch names the limit when it is the cause, and the system's own refusals when it is not.
    @Test func aRefusalNamesItsLikelyCause() {
        let low = RealtimeThread.refusal(errno: 1, limit: (0, 0))
        #expect(low.contains("RLIMIT_RTPRIO 0 (hard 0)") && low.contains("CAP_SYS_RESOURCE"))
        let enough = RealtimeThread.refusal(errno: 1, limit: (UInt64.max, UInt64.max))
        #expect(enough.contains("RLIMIT_RTPRIO is unlimited") && enough.contains("RestrictRealtime"))
        #expect(!enough.contains("CAP_SYS_RESOURCE"))
    }

    /// The real thing on a thread of its own. Busy, the thread goes fair with the nice value it had; idle for a
    /// window, real-time again. It spins until the governor has seen a busy window (at most 2 s), so a test
    /// runner that takes the CPU away now and then only makes it spin longer.
    @Test(.enabled(if: mayRunRealtime, "needs CAP_SYS_NICE for SCHED_FIFO"))
    func aThreadGoesFairWhileBusyAndRealtimeWhenIdle() throws {
        let seen = NIOLockedValueBox(Seen())
        let metrics = TestMetrics()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            defer { done.signal() }
            guard let tid = ThreadPriority.currentThreadID() else { return }
            func nice() -> Int32 { getpriority(__priority_which_t(PRIO_PROCESS.rawValue), tid) }
            _ = ThreadPriority.raiseCurrent(by: 3)  // any value but 0, to see that it is kept
            var result = Seen()
            let realtime = RealtimeThread(metrics: metrics)
            result.governed = realtime.isGoverned
            result.realtimeAtStart = ThreadPriority.currentIsRealtime()
            result.niceAtStart = nice()
            realtime.checkpoint()  // starts the first window
            let deadline = ThreadPriority.monotonicNow() + 2_000 * Self.ms
            while ThreadPriority.currentIsRealtime(), ThreadPriority.monotonicNow() < deadline {
                realtime.checkpoint()
            }
            result.fairWhenBusy = !ThreadPriority.currentIsRealtime()
            result.niceWhenFair = nice()
            usleep(30_000)
            realtime.checkpoint()
            result.realtimeWhenIdle = ThreadPriority.currentIsRealtime()
            seen.withLockedValue { $0 = result }
        }
        thread.start()
        done.wait()
        let result = seen.withLockedValue { $0 }
        #expect(result.governed)
        #expect(result.realtimeAtStart)
        #expect(result.fairWhenBusy)
        #expect(result.niceWhenFair == result.niceAtStart && result.niceAtStart != 0)
        #expect(result.realtimeWhenIdle)
        // Real-time at the start, fair while busy, real-time again: each switch counted by the policy it went to.
        let switches = { (to: String) in
            try metrics.expectCounter("dialtone_dhcp_realtime_switches_total", [("to", to)]).totalValue
        }
        #expect(try switches("realtime") == 2)
        #expect(try switches("fair") == 1)
    }
}
