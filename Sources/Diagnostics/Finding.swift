/// A named diagnosis with its evidence and what to do about it.
public struct Finding: Hashable, Sendable {
    public enum Severity: String, Hashable, Sendable, Comparable {
        case error, warning, info
        var rank: Int {
            switch self {
            case .error: 0
            case .warning: 1
            case .info: 2
            }
        }
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }
    public var severity: Severity
    public var title: String
    public var evidence: [String]
    /// Likely causes, strongest first, each with what ranked it (empty when the finding names its cause).
    public var causes: [Cause]
    public var action: String

    public init(_ severity: Severity, _ title: String, evidence: [String], causes: [Cause] = [], action: String) {
        self.severity = severity
        self.title = title
        self.evidence = evidence
        self.causes = causes
        self.action = action
    }
}
