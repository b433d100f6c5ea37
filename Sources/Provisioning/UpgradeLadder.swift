/// Staged firmware upgrades, one step per boot (research cisco-provisioning.md §5, requirement 18): the
/// 7970 that came back on TERM70.7-0-2-0S climbs 8.2 -> 8.5 -> 9.2.1 because big jumps brick or loop.
public struct PhoneState: Hashable, Sendable, Codable {
    public var mac: String
    public var model: String?
    /// Index into the ladder of the load served now.
    public var step: Int
    /// Lowercased names of files of the current step's load the phone fetched completely.
    public var fetched: Set<String>
    /// How many times the phone asked for its config while on this step (boots at this step).
    public var bootsAtStep: Int
    public var updated: Int64

    public init(
        mac: String, model: String?, step: Int = 0, fetched: Set<String> = [], bootsAtStep: Int = 0, updated: Int64 = 0
    ) {
        self.mac = mac
        self.model = model
        self.step = step
        self.fetched = fetched
        self.bootsAtStep = bootsAtStep
        self.updated = updated
    }
}

public struct UpgradeLadder: Hashable, Sendable {
    /// What a step's image is made of, and so what the phone must have fetched to run it.
    public enum Images: Hashable, Sendable {
        /// Cisco: `<load>.loads` lists the components fetched with it (research cisco-provisioning.md §2).
        case ciscoLoads
        /// One file per step, named by the step (Yealink's `<version>.rom`, `YealinkProfile`).
        case singleFile(suffix: String)
    }
    public var steps: [String]
    /// Stop here even if the ladder goes further (`phones.devices[].target_load`).
    public var target: String?
    public var images: Images

    public init(steps: [String], target: String? = nil, images: Images = .ciscoLoads) {
        self.steps = steps
        self.target = target
        self.images = images
    }

    /// The files a phone must have fetched to run `load`; `components` lists a Cisco load's (its `.loads`).
    func requiredFiles(_ load: String, components: (String) -> [String]?) -> [String] {
        switch images {
        case .ciscoLoads: [load.lowercased() + ".loads"] + (components(load) ?? []).map { $0.lowercased() }
        case .singleFile(let suffix): [(load + suffix).lowercased()]
        }
    }

    var lastStep: Int {
        if let target, let index = steps.firstIndex(where: { $0.lowercased() == target.lowercased() }) { return index }
        return steps.count - 1
    }

    /// Steps this phone climbs in all (the ladder up to its target): the dashboard's "step k of n".
    public var stepCount: Int { steps.isEmpty ? 0 : lastStep + 1 }

    public func load(for state: PhoneState) -> String? {
        steps.isEmpty ? nil : steps[min(max(0, state.step), lastStep)]
    }

    public enum Event: Hashable, Sendable {
        case advanced(from: String, to: String)
        case reachedTarget(String)
        case waiting(load: String, missing: [String])
    }

    /// The phone asked for its config: if it holds every required file of the current step (so it runs that
    /// load), move it to the next step. `components` gives the required files of a load (from its `.loads`).
    public func configRequested(_ state: inout PhoneState, components: (String) -> [String]?, now: Int64) -> Event? {
        guard let current = load(for: state) else { return nil }
        state.updated = now
        let required = requiredFiles(current, components: components)
        let missing = required.filter { !state.fetched.contains($0) }
        guard missing.isEmpty else {
            state.bootsAtStep += 1
            return state.fetched.isEmpty && state.step == 0 ? nil : .waiting(load: current, missing: missing)
        }
        guard state.step < lastStep else { return .reachedTarget(current) }
        state.step += 1
        state.fetched = []
        state.bootsAtStep = 0
        return .advanced(from: current, to: steps[state.step])
    }

    /// Records a completed download. The recovery file `termXX.default.loads` counts as the first step's
    /// `.loads` when it is served as its alias.
    public func fileFetched(_ name: String, state: inout PhoneState, aliasOf: String? = nil) {
        state.fetched.insert((aliasOf.map { $0 + ".loads" } ?? name).lowercased())
    }

    /// Refuses jumps known to brick or loop: from below 8.3(3) straight past 8.5(2) (the dual-key images;
    /// research §5). Returns a reason per bad step.
    public static func badJumps(_ steps: [String]) -> [String] {
        var reasons: [String] = []
        for (from, to) in zip(steps, steps.dropFirst()) {
            guard let a = version(from), let b = version(to) else { continue }
            if a.lexicographicallyPrecedes([8, 3, 3]), [8, 5, 2].lexicographicallyPrecedes(b) {
                reasons.append(
                    "\(from) -> \(to): a phone below 8.3(3) must not jump past 8.5(2); add an 8.5(2) or 8.3(3) step between them"
                )
            }
        }
        return reasons
    }

    /// `SCCP70.8-5-4S` -> [8, 5, 4]; `TERM70.7-0-2-0S` -> [7, 0, 2, 0].
    public static func version(_ load: String) -> [Int]? {
        guard let dot = load.firstIndex(of: ".") else { return nil }
        let numbers = load[load.index(after: dot)...].split(separator: "-").map { $0.prefix(while: \.isNumber) }
        let values = numbers.compactMap { Int($0) }
        return values.isEmpty ? nil : values
    }
}
