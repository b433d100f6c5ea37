import Testing
import Timeline

@testable import Diagnostics

/// Causes ordered by what the timeline shows (issue 18), each rule driven by hand-built timelines.
@Suite struct CauseRankingTests {
    func event(_ t: Int64, _ name: EventName, _ m: EventMetadata = [:]) -> TimelineEvent {
        TimelineEvent(time: t, mac: nil, name: name, level: .info, metadata: m)
    }
    func offers(_ destinations: [String]) -> [TimelineEvent] {
        destinations.enumerated().map {
            event(
                Int64($0.offset + 1) * 4000, .dhcp(.offerSent),
                [.dhcp(.destination): $0.element, .dhcp(.replyBytes): "342", .dhcp(.latencyMicroseconds): "300"])
        }.reversed()
    }
    func causes(_ newestFirst: [TimelineEvent], title: String) throws -> [Cause] {
        try #require(Diagnosis.findings(newestFirst, clock: { "t\($0)" }).first { $0.title == title }).causes
    }

    @Test func weightsThenInsertionOrder() {
        var ranking = CauseRanking()
        ranking.add(.unexamined, "a", evidence: "")
        ranking.add(.consistent, "b", evidence: "")
        ranking.add(.unexamined, "c", evidence: "")
        ranking.add(.contradicted, "d", evidence: "")
        ranking.add(.observed, "e", evidence: "")
        #expect(ranking.ranked.map(\.text) == ["e", "b", "a", "c", "d"])
    }

    /// The seed's 7970: every OFFER unicast to the offered address, each answered by another DISCOVER.
    @Test func unicastOffersIgnoredRankWantsBroadcastFirst() throws {
        let unicast = "unicast 198.18.0.50:68 at 00:1e:7a:25:54:a1"
        let ranked = try causes(offers([unicast, unicast, unicast]), title: "3 offers ignored")
        #expect(ranked.first?.text.hasPrefix("the client does not accept unicast replies") == true)
        #expect(ranked.first?.evidence.hasPrefix("all 3 ignored offers went unicast") == true)
        #expect(ranked.last?.text.hasPrefix("the client rejects an option value") == true)
    }

    @Test func broadcastOffersIgnoredTooSpeakAgainstUnicast() throws {
        let ranked = try causes(
            offers(["unicast 198.18.0.50:68 at 00:1e:7a:25:54:a1", "broadcast 255.255.255.255:68"]),
            title: "2 offers ignored")
        let unicast = try #require(ranked.firstIndex { $0.text.hasPrefix("the client does not accept unicast") })
        #expect(unicast == ranked.count - 1, "contradicted causes come last: \(ranked.map(\.text))")
        #expect(ranked[unicast].evidence == "1 of the ignored offers were broadcast and ignored too")
    }

    @Test func rivalHeardOutranksEverything() throws {
        let unicast = "unicast 198.18.0.50:68 at 00:1e:7a:25:54:a1"
        let rival = event(1, .dhcp(.otherServerReply), [.dhcp(.serverID): "198.18.0.3", .dhcp(.type): "OFFER"])
        let ranked = try causes(offers([unicast, unicast]) + [rival], title: "2 offers ignored")
        #expect(ranked.first?.text == "another DHCP server answers on this link: 198.18.0.3")
        #expect(ranked[1].text.hasPrefix("the client does not accept unicast"))
        #expect(!ranked.contains { $0.text.hasPrefix("another DHCP server answers first") }, "a rival was heard")
    }

    @Test func relayedOffersPointAtTheRelay() throws {
        let ranked = try causes(offers(["relay 198.18.1.1:67", "relay 198.18.1.1:67"]), title: "2 offers ignored")
        #expect(ranked.first?.text.hasPrefix("the relay does not deliver our replies") == true)
        #expect(!ranked.contains { $0.text.hasPrefix("the reply does not reach the client") })
    }

    @Test func slowOffersAreObserved() throws {
        var slow = offers(["broadcast 255.255.255.255:68", "broadcast 255.255.255.255:68"])
        slow[0].metadata[.dhcp(.latencyMicroseconds)] = "1500000"
        let ranked = try causes(slow, title: "2 offers ignored")
        #expect(ranked.first?.text == "our offers are slow (> 1 s): the client stops listening")
        #expect(ranked.first?.evidence == "the slowest offer left 1500.0 ms after its DISCOVER")
    }

    /// Offers over 576 bytes (option 57 allowed them), broadcast, all ignored: the size is the suspect.
    @Test func largeOffersIgnoredRankTheSizeFirst() throws {
        var large = offers(["broadcast 255.255.255.255:68", "broadcast 255.255.255.255:68"])
        for i in large.indices { large[i].metadata[.dhcp(.replyBytes)] = "\(700 + i)" }
        let ranked = try causes(large, title: "2 offers ignored")
        #expect(ranked.first?.text.hasPrefix("the client does not receive replies over 576 bytes") == true)
        #expect(
            ranked.first?.evidence
                == "all 2 ignored offers were over 576 bytes as IP datagrams (largest 701 bytes of DHCP)")

        large[1].metadata[.dhcp(.replyBytes)] = "548"
        let mixed = try causes(large, title: "2 offers ignored")
        #expect(mixed.last?.evidence == "1 of the ignored offers fitted in 576 bytes and were ignored too")
    }

    func failed(_ t: Int64, blksize: Int, window: Int, bytes: Int) -> TimelineEvent {
        event(
            t, .tftp(.transferFailed),
            [
                .tftp(.file): "SCCP70.8-5-4S.sbn", .reason: "no ACK after 5 retransmissions",
                .tftp(.blockSize): "\(blksize)", .tftp(.windowSize): "\(window)", .tftp(.bytes): "\(bytes)",
            ])
    }

    @Test func tftpTimeoutFollowedByDHCPIsARestart() throws {
        let timeline = [event(70_000, .dhcp(.offerSent)), failed(20_000, blksize: 512, window: 1, bytes: 900_000)]
        let ranked = try causes(timeline, title: "1 TFTP transfers timed out")
        #expect(ranked.first?.text == "the device restarted, or lost its link, during the transfer")
        #expect(ranked.map(\.text).last?.hasPrefix("packet loss on the path") == true)
        #expect(!ranked.contains { $0.text.hasPrefix("blocks larger") || $0.text.hasPrefix("a window") })
    }

    @Test func largeBlocksStalledAtTheStartPointAtTheMTU() throws {
        let timeline = [failed(2, blksize: 8192, window: 1, bytes: 0), failed(1, blksize: 8192, window: 1, bytes: 0)]
        let ranked = try causes(timeline, title: "2 TFTP transfers timed out")
        #expect(ranked.first?.text.hasPrefix("blocks larger than the path's MTU") == true)
        #expect(
            ranked.first?.evidence
                == "2 of the 2 failed transfers used blksize over 1468 (up to 8192); 2 of them stalled within the first block"
        )
    }

    @Test func windowFailingAfterProgressIsBurstLoss() throws {
        let timeline = [failed(1, blksize: 1468, window: 16, bytes: 4_000_000)]
        let ranked = try causes(timeline, title: "1 TFTP transfers timed out")
        #expect(ranked.first?.text.hasPrefix("a window of several blocks") == true)
    }
}
