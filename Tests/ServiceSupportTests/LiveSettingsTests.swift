import NIOConcurrencyHelpers
import ServiceSupport
import Testing

/// The hand-over from a reload to a running service.
struct LiveSettingsTests {
    @Test func aServiceThatRegistersLateStillGetsTheLatestValue() {
        let settings = LiveSettings(1)
        settings.update(2)  // a reload before the service was ready
        let seen = NIOLockedValueBox<[Int]>([])
        settings.onUpdate { value in seen.withLockedValue { $0.append(value) } }
        #expect(seen.withLockedValue { $0 } == [2])
        settings.update(3)
        #expect(seen.withLockedValue { $0 } == [2, 3])
        #expect(settings.value == 3)
    }

    @Test func withoutAServiceTheValueIsStillReplaced() {
        let settings = LiveSettings("old")
        settings.update("new")
        #expect(settings.value == "new")
    }
}
