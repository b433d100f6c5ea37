import Provisioning
import Timeline
import WireSupport

/// The upgrade ladder, stepped the way `ProvisioningProvider` steps it: a config request asks the ladder
/// whether the phone moves on, and the answer becomes a `phone.upgrade.*` event; completed downloads are
/// recorded with `fileFetched`.
extension Exchanges {
    static let ladder = UpgradeLadder(steps: ["TERM70.7-0-2-0S", "SCCP70.8-5-2S"])
    /// The components each load's `.loads` file lists.
    static func components(_ load: String) -> [String]? {
        load.hasPrefix("TERM") ? ["jar70sccp.sbn", "apps70.sbn"] : ["jar70sccp.8-5-2-14.sbn", "apps70.8-5-2-14.sbn"]
    }

    mutating func fetched(_ files: [String], by mac: MACAddress) {
        var state = phones[mac] ?? PhoneState(mac: mac.description, model: "CP-7970G")
        for file in files { Self.ladder.fileFetched(file, state: &state) }
        phones[mac] = state
    }

    /// The phone asks for its generated config: the ladder decides, the event is recorded.
    mutating func configRequested(by mac: MACAddress, at now: Int64) {
        var state = phones[mac] ?? PhoneState(mac: mac.description, model: "CP-7970G")
        let event = Self.ladder.configRequested(&state, components: Self.components, now: now)
        phones[mac] = state
        if let event {
            events.append(Self.ladder.timelineEvent(for: event, state: state, mac: mac.description).at(now, mac: mac))
        }
    }
}
