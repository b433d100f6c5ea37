import DialtoneConfig
import Foundation
import Provisioning
import ServiceSupport
import WireSupport

/// Where a device stands in its provisioning (issue 18's per-device progress): the upgrade ladder's step k
/// of n and the file it is fetching now with its bytes. Left out of the cached device view, which changes
/// only with the history: a transfer's bytes change every poll.
struct ProgressView: Encodable, Equatable {
    /// 1-based step of the upgrade ladder, and the steps this phone climbs in all.
    var step: Int?
    var steps: Int?
    /// The load served at this step.
    var load: String?
    /// The file being fetched now, and how far.
    var file: String?
    var bytes: Int64?
    var size: Int64?
}

enum DeviceProgress {
    /// nil when there is nothing to show: no ladder state and no running transfer.
    /// - Parameters:
    ///   - phoneState: the provisioning state as the store keeps it (JSON of `PhoneState`).
    ///   - active: running transfers; a device's are those from its leased address (`client` is ip:port).
    static func of(
        ip: String?, phoneState: String?, phones: PhonesConfiguration?, active: [TransferRecord]
    ) -> ProgressView? {
        var progress = ProgressView()
        if let json = phoneState, let state = try? JSONDecoder().decode(PhoneState.self, from: Data(json.utf8)),
            let model = state.model, let steps = phones?.upgradePaths[model], !steps.isEmpty
        {
            let target = phones?.devices.first { $0.mac.description == state.mac }?.targetLoad
            let ladder = UpgradeLadder(steps: steps, target: target)
            progress.steps = ladder.stepCount
            progress.step = min(max(0, state.step), ladder.stepCount - 1) + 1
            progress.load = ladder.load(for: state)
        }
        if let ip, let transfer = active.last(where: { $0.client.hasPrefix(ip + ":") }) {
            progress.file = transfer.file
            progress.bytes = transfer.bytes
            progress.size = transfer.size
        }
        return progress == ProgressView() ? nil : progress
    }
}
