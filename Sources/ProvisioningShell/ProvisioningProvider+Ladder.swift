import Foundation
import LeaseStore
import Provisioning
import Timeline
import WireSupport

/// Each phone's place on its upgrade ladder: moved on by the configs it asks for and the files it finishes,
/// kept in the store (written behind), and taken from the shared store when another server moved it.
extension ProvisioningProvider {
    /// A phone asked for its own config: its ladder moves on when it holds the current step's files, and the
    /// step's event joins its timeline. Returns the state the config is rendered from.
    func configRequested(_ mac: MACAddress, ladder: UpgradeLadder, model: String?) -> PhoneState {
        let key = mac.description
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let (state, event) = states.withLockedValue { all -> (PhoneState, UpgradeLadder.Event?) in
            var state = all[key] ?? PhoneState(mac: key, model: model)
            let event = ladder.configRequested(&state, components: components(of:), now: now)
            all[key] = state
            return (state, event)
        }
        persist(state)
        if let event {
            let draft = ladder.timelineEvent(for: event, state: state, mac: "\(mac)")
            // An advance is worth a notice in the log; the timeline records every step at info.
            logger.log(
                level: draft.name == .phone(.upgradeAdvanced) ? .notice : .info, "\(draft.name)",
                metadata: draft.metadata.logMetadata)
            recorder?.record(mac: mac, draft)
        }
        return state
    }

    /// A transfer finished: record it for the phone at that address (ladder progress).
    public func transferFinished(client: String, file: String, completed: Bool) {
        guard completed, let ip = IPv4Address(client), let mac = directory.mac(for: ip) else { return }
        let name = (file.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? file).lowercased()
        // A Yealink's common file names its hardware, so its model: kept for its ladder (`ladder(for:)`).
        if case .common(let id)? = YealinkProfile.file(named: name),
            let model = YealinkProfile.models(hardwareID: id).first,
            state(for: mac)?.model == nil
        {
            let state = PhoneState(mac: mac.description, model: model)
            states.withLockedValue { $0[mac.description] = $0[mac.description] ?? state }
            persist(self.state(for: mac) ?? state)
        }
        guard let (ladder, model) = ladder(for: mac, model: nil) else { return }
        var alias: String?
        if name.hasSuffix(".default.loads") { alias = defaultLoad(term: String(name.dropLast(".default.loads".count))) }
        let state = states.withLockedValue { all -> PhoneState in
            var state = all[mac.description] ?? PhoneState(mac: mac.description, model: model)
            // Recovery: the default load is a step of the ladder; the phone now runs it.
            if let alias, let index = ladder.steps.firstIndex(where: { $0.lowercased() == alias.lowercased() }),
                state.fetched.isEmpty
            {
                state.step = index
            }
            ladder.fileFetched(name, state: &state, aliasOf: alias)
            all[mac.description] = state
            return state
        }
        persist(state)
    }

    private func persist(_ state: PhoneState) {
        guard let data = try? JSONEncoder().encode(state) else { return }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        persisted.withLockedValue { $0[state.mac] = now }
        // Written behind by the store writer: never on the event loop that saw the transfer end (issue 12).
        writer.submit(StoreBatch(phoneStates: [state.mac: String(decoding: data, as: UTF8.self)]))
    }

    public func state(for mac: MACAddress) -> PhoneState? { states.withLockedValue { $0[mac.description] } }

    /// Ladder states another server wrote to the shared store (`StoreFollower`): a phone half-way up its
    /// ladder at one server finishes it here (issue 13). A phone this server wrote in the last seconds
    /// keeps ours, which is newer than what the follower may have read.
    public func follow(_ stored: [String: String]) {
        let decoder = JSONDecoder()
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let recent = persisted.withLockedValue { p -> Set<String> in
            p = p.filter { now - $0.value < 3_000 }
            return Set(p.keys)
        }
        let fresh = stored.filter { !recent.contains($0.key) }.compactMapValues {
            try? decoder.decode(PhoneState.self, from: Data($0.utf8))
        }
        guard !fresh.isEmpty else { return }
        states.withLockedValue { $0.merge(fresh) { $1 } }
    }
}
