/// A duration written as a number and a unit: `500ms`, `30s`, `5m`, `12h`, `2d`, or a bare number of seconds.
/// Kept in milliseconds, the finest unit the config accepts.
public struct ConfigDuration: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }
    public static func seconds(_ s: Int64) -> ConfigDuration { ConfigDuration(milliseconds: s * 1000) }

    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: " ")
        let digits = trimmed.prefix(while: { $0.isASCII && $0.isNumber })
        guard !digits.isEmpty, let number = Int64(digits) else { return nil }
        let unit = trimmed.dropFirst(digits.count)
        let factor: Int64
        switch unit {
        case "ms": factor = 1
        case "", "s": factor = 1000
        case "m": factor = 60_000
        case "h": factor = 3_600_000
        case "d": factor = 86_400_000
        default: return nil
        }
        let (product, overflow) = number.multipliedReportingOverflow(by: factor)
        guard !overflow else { return nil }
        self.milliseconds = product
    }

    public var seconds: Int64 { milliseconds / 1000 }

    public static func < (lhs: ConfigDuration, rhs: ConfigDuration) -> Bool { lhs.milliseconds < rhs.milliseconds }

    public var description: String {
        for (unit, factor) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000)]
        where milliseconds >= factor && milliseconds % factor == 0 {
            return "\(milliseconds / factor)\(unit)"
        }
        return "\(milliseconds)ms"
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return String(s)
    }
}
