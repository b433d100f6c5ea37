import Timeline

/// The provisioning side of the device timeline: what a config request's ladder outcome puts on the
/// phone's timeline and log line. Pure, so the provisioning shell and the timeline contract test build the
/// same `phone.upgrade.*` events, and the "upgrade stuck" finding reads keys this function wrote.
extension UpgradeLadder {
    /// - Parameters:
    ///   - event: what `configRequested` answered.
    ///   - state: the phone's state after that request (its step and boots at the step).
    ///   - mac: the phone, as logged (`client.mac`).
    /// - Returns: the event to record, at `info`; the shell logs an advance at `notice`.
    public func timelineEvent(for event: Event, state: PhoneState, mac: String) -> EventDraft {
        var metadata: EventMetadata = [
            .client(.mac): mac, .phone(.load): load(for: state) ?? "-",
            .phone(.step): "\(state.step + 1)/\(steps.count)",
        ]
        let name: EventName.Phone
        switch event {
        case .advanced(let from, let to):
            metadata[.phone(.from)] = from
            metadata[.phone(.to)] = to
            name = .upgradeAdvanced
        case .reachedTarget:
            name = .upgradeDone
        case .waiting(_, let missing):
            metadata[.phone(.missing)] = missing.joined(separator: ",")
            metadata[.phone(.bootsAtStep)] = "\(state.bootsAtStep)"
            name = .upgradeWaiting
        }
        return EventDraft(.phone(name), level: .info, metadata)
    }
}
