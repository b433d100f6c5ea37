import Diagnostics
import Testing
import Timeline

/// Issue 16: iPXE given its own binary again fetches it forever; `explain` must name the loop.
@Suite struct BootLoopTests {
    func event(_ t: Int64, _ name: EventName, _ m: EventMetadata = [:]) -> TimelineEvent {
        TimelineEvent(time: t, mac: nil, name: name, level: .info, metadata: m)
    }
    let clock: (Int64) -> String = { "t\($0)" }

    /// The ACK: option 67 the script, the file field still the binary.
    func loop(fetches: Int, gap: Int64 = 20_000) -> [TimelineEvent] {
        var events: [TimelineEvent] = []
        for i in 0..<fetches {
            let t = Int64(i) * gap
            events.append(
                event(
                    t, .dhcp(.ackSent),
                    [.dhcp(.bootFile): "boot.ipxe", .dhcp(.fileField): "undionly.kpxe", .dhcp(.clientClass): "ipxe"]))
            events.append(event(t + 1000, .tftp(.transferProbed), [.tftp(.file): "undionly.kpxe"]))
            events.append(
                event(
                    t + 2000, .tftp(.transferCompleted), [.tftp(.file): "undionly.kpxe", .tftp(.direction): "read"]))
        }
        return events.reversed()
    }

    @Test func theSameBootFileThreeTimesIsALoop() throws {
        let finding = try #require(Diagnosis.findings(loop(fetches: 3), clock: clock).first)
        #expect(finding.severity == .error)
        #expect(finding.title == "boot loop: undionly.kpxe fetched 3 times")
        #expect(finding.evidence[0] == "undionly.kpxe downloaded 3 times in 40 s, nothing else fetched")
        #expect(
            finding.evidence[1]
                == "our last reply: option 67 boot.ipxe, file field undionly.kpxe (they disagree: iPXE reads the file field first), class ipxe"
        )
        #expect(finding.action.contains("ipxe_script"))
    }

    @Test(arguments: [
        (2, Int64(20_000)),  // twice: a reboot, not yet a loop
        (3, Int64(400_000)),  // three boots over 13 minutes: not a loop
    ])
    func notALoop(_ fetches: Int, _ gap: Int64) {
        #expect(Diagnosis.findings(loop(fetches: fetches, gap: gap), clock: clock).isEmpty)
    }

    @Test func movingOnToTheScriptEndsIt() {
        let next = event(
            200_000, .tftp(.transferCompleted), [.tftp(.file): "boot.ipxe", .tftp(.direction): "read"])
        #expect(Diagnosis.findings([next] + loop(fetches: 3), clock: clock).isEmpty)
    }

    /// A size probe is not a failed transfer: no "timed out" or failure finding comes of it.
    @Test func probesAreNotFailures() {
        let probes = (1...5).map { event(Int64($0), .tftp(.transferProbed), [.tftp(.file): "snponly.efi"]) }
        #expect(Diagnosis.findings(probes.reversed(), clock: clock).isEmpty)
    }
}
