import DialtoneConfig
import Foundation
import ServiceSupport
import Testing
import WireSupport

@testable import DialtoneHTTP

/// What the dashboard's site view and per-device progress are computed from (issue 18), without a server.
struct SiteViewTests {
    func transfer(_ id: Int, _ client: String, bytes: Int64, size: Int64? = 4_000_000, file: String = "f")
        -> TransferRecord
    {
        var record = TransferRecord(id: id, client: client, file: file, size: size, started: Date())
        record.bytes = bytes
        return record
    }

    @Test func throughputCountsGrowthOnceAndFinishedTransfersToo() {
        var meter = ThroughputMeter()
        #expect(meter.sample(active: [transfer(1, "a:1", bytes: 500)], recent: [transfer(0, "b:1", bytes: 9)]) == 0)
        // 1 grew by 1000; 2 started and finished between the samples: all of it.
        #expect(
            meter.sample(
                active: [transfer(1, "a:1", bytes: 1_500)],
                recent: [transfer(0, "b:1", bytes: 9), transfer(2, "c:1", bytes: 700)])
                == 1_700)
        // 1 finished: it moves from active to recent with its last bytes.
        #expect(
            meter.sample(active: [], recent: [transfer(1, "a:1", bytes: 2_000), transfer(2, "c:1", bytes: 700)]) == 500)
        #expect(meter.sample(active: [], recent: [transfer(1, "a:1", bytes: 2_000)]) == 0)
    }

    @Test func historyTurnsCountersIntoRates() {
        struct Listing: TransferListing {
            let records: [TransferRecord]
            func snapshot() -> (active: [TransferRecord], recent: [TransferRecord]) { (records, []) }
        }
        let activity = SiteActivity()
        let first = ActivityHistory(activity: activity, transfers: Listing(records: [transfer(1, "a:1", bytes: 0)]))
        first.sample(at: Date())
        activity.dhcpRepliesSent(10)
        first.sample(at: Date())
        let samples = first.view.samples
        #expect(samples.map(\.dhcp_per_s) == [0, 5], "10 replies over the 2 s interval")
        #expect(samples.last?.active_transfers == 1 && samples.last?.tftp_mb_per_s == 0)
    }

    @Test func progressIsTheLadderStepAndTheFileBeingFetched() throws {
        let phones = PhonesConfiguration(
            defaultLoads: [:],
            upgradePaths: ["CP-7970G": ["TERM70.7-0-2-0S", "SCCP70.8-2-2SR1S", "SCCP70.8-5-4S", "SIP70.9-2-1S"]],
            devices: [.init(mac: MACAddress("00:1e:7a:00:00:01")!, model: nil, targetLoad: "SCCP70.8-5-4S")],
            configTemplates: nil)
        let state = #"{"mac":"00:1e:7a:00:00:01","model":"CP-7970G","step":1,"fetched":[],"bootsAtStep":1,"updated":5}"#
        let fetching = transfer(3, "198.18.0.100:50123", bytes: 1_000, size: 2_000, file: "jar70sccp.8-2-2SR1S.sbn")
        let other = transfer(4, "198.18.0.101:50123", bytes: 5, file: "other")
        let progress = try #require(
            DeviceProgress.of(ip: "198.18.0.100", phoneState: state, phones: phones, active: [fetching, other]))
        #expect(progress.step == 2 && progress.steps == 3, "the ladder stops at the device's target load")
        #expect(progress.load == "SCCP70.8-2-2SR1S")
        #expect(progress.file == "jar70sccp.8-2-2SR1S.sbn" && progress.bytes == 1_000 && progress.size == 2_000)
        // 198.18.0.10 is a prefix of 198.18.0.100's text, not its address.
        #expect(DeviceProgress.of(ip: "198.18.0.10", phoneState: nil, phones: phones, active: [fetching]) == nil)
    }
}
