import HTTPFileCore
import TFTPCore
import Testing
import Timeline

/// What a fetch puts on a device's timeline: catalogue names and keys, and the File not found reason the
/// "file missing" finding reads, as TFTP's refusals carry it.
struct HTTPTimelineTests {
    let request = HTTPTimeline.request(
        method: "GET", name: "/SEP001E7A2554A1.cnf.xml", client: "198.18.0.100:40000", range: "bytes=0-9",
        userAgent: "curl/7.88")

    @Test func aCompletedFetchCarriesTheStory() {
        var metadata = request
        metadata.merge(
            HTTPTimeline.origin(.disk(path: "/srv/tftp/sep001e7a2554a1.cnf.xml", caseMatched: true), size: 42))
        let event = HTTPTimeline.ended(metadata, status: 206, bytes: 10, duration: "0.001", detail: nil)
        #expect(event.name == .http(.transferCompleted) && event.level == .info)
        #expect(event.metadata[.http(.status)] == "206" && event.metadata[.http(.bytes)] == "10")
        #expect(event.metadata[.http(.caseMismatch)] == "resolved" && event.metadata[.http(.size)] == "42")
        #expect(event.metadata[.http(.range)] == "bytes=0-9" && event.metadata[.http(.userAgent)] == "curl/7.88")
        #expect(event.metadata[.reason] == nil)
    }

    @Test func aCutFetchFailsWithItsReason() {
        let event = HTTPTimeline.ended(request, status: 200, bytes: 5, duration: "1.000", detail: "connection reset")
        #expect(event.name == .http(.transferFailed) && event.level == .notice)
        #expect(event.metadata[.reason] == "connection reset")
    }

    @Test func aMissingFileIsRefusedWithTheSharedReason() {
        let event = HTTPTimeline.refused(request, status: 404, reason: EventName.TFTP.fileNotFoundReason)
        #expect(event.name == .http(.requestRefused) && event.metadata[.http(.status)] == "404")
        #expect(event.metadata[.reason] == "File not found")
        let virtual = HTTPTimeline.origin(.virtual("SEP config generated"), size: 3)
        #expect(virtual[.http(.servedFrom)] == "virtual: SEP config generated" && virtual[.http(.caseMismatch)] == nil)
    }
}
