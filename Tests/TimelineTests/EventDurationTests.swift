import Testing
import Timeline

/// Durations in events read as `%.3f` did: three decimals, rounded to the millisecond.
@Suite struct EventDurationTests {
    @Test(arguments: [
        (Int64(0), "0.000"), (499_999, "0.000"), (500_000, "0.001"), (7_000_000, "0.007"), (42_000_000, "0.042"),
        (999_499_999, "0.999"), (999_500_000, "1.000"), (2_047_300_000, "2.047"), (3_600_000_000_000, "3600.000"),
        (-5_000_000, "0.000"),
    ])
    func readsAsThreeDecimals(_ row: (nanoseconds: Int64, text: String)) {
        #expect(EventDuration.seconds(nanoseconds: row.nanoseconds) == row.text)
    }
}
