/// One likely cause of a finding, with the evidence from the timeline that put it where it is in the
/// ranking (issue 18): an admin reads the first cause first, so it must be the one the timeline supports
/// best, and the reason it ranks there must be visible rather than a fixed order of guesses.
public struct Cause: Hashable, Sendable {
    /// What may be wrong, and where to look.
    public var text: String
    /// Why this cause ranks where it does: what the timeline shows for it, or that it shows nothing either
    /// way.
    public var evidence: String

    public init(_ text: String, evidence: String) {
        self.text = text
        self.evidence = evidence
    }
}

/// Collects candidate causes with a weight each and gives them back strongest first. Weights are only
/// compared with each other; ties keep the order they were added in, so the rules read top-down as the
/// default order when the timeline says nothing.
struct CauseRanking {
    private var candidates: [(weight: Int, order: Int, cause: Cause)] = []

    /// Weights used by the rules, named so that each rule states how strong its evidence is.
    enum Strength: Int {
        /// Seen directly in the timeline (another server's reply, a reply too small to be accepted).
        case observed = 100
        /// Every relevant event fits this cause and no other explains it as well.
        case consistent = 70
        /// Fits, but the timeline cannot tell it apart from others.
        case possible = 40
        /// A general suspect with nothing for or against it.
        case unexamined = 20
        /// The timeline speaks against it; listed last so the admin knows it was considered.
        case contradicted = 5
    }

    mutating func add(_ strength: Strength, _ text: String, evidence: String) {
        candidates.append((strength.rawValue, candidates.count, Cause(text, evidence: evidence)))
    }

    var ranked: [Cause] {
        candidates.sorted { ($0.weight, -$0.order) > ($1.weight, -$1.order) }.map(\.cause)
    }
}
