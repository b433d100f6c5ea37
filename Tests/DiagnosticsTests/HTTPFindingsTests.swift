import Diagnostics
import Testing
import Timeline

/// Issue 16: phones that fetch over HTTP are diagnosed like TFTP ones; a 404 the phone then got over TFTP
/// (Cisco's HTTP-first, TFTP-fallback order) is not a problem.
@Suite struct HTTPFindingsTests {
    func event(_ t: Int64, _ name: EventName, _ m: EventMetadata = [:]) -> TimelineEvent {
        TimelineEvent(time: t, mac: nil, name: name, level: .info, metadata: m)
    }
    let clock: (Int64) -> String = { "t\($0)" }
    func notFound(_ t: Int64, _ file: String) -> TimelineEvent {
        event(t, .http(.requestRefused), [.http(.file): file, .http(.status): "404", .reason: "File not found"])
    }

    @Test func a404NeverServedIsAMissingFile() throws {
        let events = [notFound(1, "/SEP001E7A2554A1.cnf.xml"), notFound(2, "/SEP001E7A2554A1.cnf.xml")]
        let finding = try #require(Diagnosis.findings(events.reversed(), clock: clock).first)
        #expect(finding.severity == .error)
        #expect(finding.title == "HTTP file missing: /SEP001E7A2554A1.cnf.xml")
        #expect(finding.evidence == ["2 requests answered 404 and the file was not fetched over TFTP either"])
    }

    @Test func a404ThenTheSameFileOverTFTPIsTheUsualFallback() {
        let events = [
            notFound(1, "/SEP001E7A2554A1.cnf.xml"),
            event(2, .tftp(.transferCompleted), [.tftp(.file): "sep001e7a2554a1.cnf.xml"]),
        ]
        #expect(Diagnosis.findings(events.reversed(), clock: clock).isEmpty)
    }

    @Test func a404BeforeALaterHTTPSuccessIsNoFinding() {
        let events = [
            notFound(1, "/boot.ipxe"), event(2, .http(.transferCompleted), [.http(.file): "/boot.ipxe"]),
            notFound(3, "/other.efi"),
        ]
        let titles = Diagnosis.findings(events.reversed(), clock: clock).map(\.title)
        #expect(titles == ["HTTP file missing: /other.efi"])
    }

    @Test func otherRefusalsAreNotMisses() {
        let events = [event(1, .http(.requestRefused), [.http(.file): "/x", .http(.status): "416", .reason: "range"])]
        #expect(Diagnosis.findings(events, clock: clock).isEmpty)
    }

    @Test func aCaseMismatchOverHTTPIsNamed() throws {
        let events = [
            event(
                1, .http(.transferCompleted),
                [
                    .http(.file): "/Jar70SCCP.bin", .http(.caseMismatch): "resolved",
                    .http(.servedFrom): "/srv/jar70sccp.bin",
                ])
        ]
        let finding = try #require(Diagnosis.findings(events, clock: clock).first)
        #expect(finding.severity == .info && finding.title == "case mismatch resolved over HTTP for /Jar70SCCP.bin")
    }
}
