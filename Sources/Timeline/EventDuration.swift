/// A duration as events carry it: seconds with three decimals ("2.047"), what `String(format: "%.3f")` gave.
///
/// Written out by hand because that call cost about 430,000 instructions per use on Linux: the C-variadic
/// argument is cast to `CVarArg` at run time, and the cast scans every protocol conformance in the binary
/// each time (callgrind, one per TFTP transfer ended; issue 17).
public enum EventDuration {
    /// `nanoseconds`, rounded to the millisecond; negative values (a clock step) read as 0.
    public static func seconds(nanoseconds: Int64) -> String {
        let milliseconds = max(0, (nanoseconds + 500_000) / 1_000_000)
        let fraction = String(milliseconds % 1000)
        return "\(milliseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
