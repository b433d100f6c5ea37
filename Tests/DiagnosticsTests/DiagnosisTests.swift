import Diagnostics
import Testing
import Timeline

@Suite struct DiagnosisTests {
    func event(_ t: Int64, _ name: EventName, _ m: EventMetadata = [:]) -> TimelineEvent {
        TimelineEvent(time: t, mac: nil, name: name, level: .info, metadata: m)
    }
    let clock: (Int64) -> String = { "t\($0)" }

    @Test func offersIgnoredWithEvidence() throws {
        let offer: EventMetadata = [
            .dhcp(.replyBytes): "548", .dhcp(.destination): "broadcast 255.255.255.255:68",
            .dhcp(.latencyMicroseconds): "412",
            .dhcp(.vendorClass): "Cisco Systems, Inc. IP Phone CP-7970G", .dhcp(.prl): "1,66,6,3,15,150,35",
            .dhcp(.options): "53,54,51,1,3,6,15,66,150",
        ]
        let timeline = (1...7).map { event(Int64($0), .dhcp(.offerSent), offer) }.reversed()
        let findings = Diagnosis.findings(Array(timeline), clock: clock)
        let finding = try #require(findings.first)
        #expect(finding.severity == .error && finding.title == "7 offers ignored")
        #expect(finding.evidence[0] == "7 OFFERs sent since t1, no REQUEST followed")
        #expect(
            finding.evidence[1].contains(
                "548 bytes, to broadcast 255.255.255.255:68, options 53,54,51,1,3,6,15,66,150, slowest offer 0.4 ms"))
        // Broadcast on the client's own link, no rival heard: the path is the strongest suspect left.
        #expect(finding.causes.first?.text.hasPrefix("the reply does not reach the client") == true)
        #expect(!finding.causes.contains { $0.text.hasPrefix("the client does not accept unicast") })
    }

    @Test func acknowledgedClientIsFine() {
        let timeline = [event(3, .dhcp(.ackSent)), event(2, .dhcp(.offerSent)), event(1, .dhcp(.offerSent))]
        #expect(Diagnosis.findings(timeline, clock: clock).isEmpty)
    }

    @Test func tftpFindings() {
        let timeline: [TimelineEvent] = [
            event(
                5, .tftp(.transferCompleted),
                [
                    .tftp(.file): "jar70sccp.sbn", .tftp(.caseMismatch): "resolved",
                    .tftp(.servedFrom): "/r/Jar70sccp.sbn",
                ]),
            event(4, .tftp(.requestRefused), [.tftp(.file): "SEP001E7A2554A1.cnf.xml", .reason: "File not found"]),
            event(3, .tftp(.requestRefused), [.tftp(.file): "CTLSEP001E7A2554A1.tlv", .reason: "File not found"]),
            event(2, .tftp(.transferFailed), [.tftp(.file): "apps70.sbn", .reason: "no ACK after 5 retransmissions"]),
            event(
                1, .phone(.upgradeWaiting),
                [.phone(.load): "SCCP70.8-5-2S", .phone(.bootsAtStep): "4", .phone(.missing): "apps70.sbn"]),
        ]
        let titles = Diagnosis.findings(timeline, clock: clock).map(\.title)
        #expect(titles.contains("TFTP file missing: SEP001E7A2554A1.cnf.xml"), "CTL probes are not a problem")
        #expect(titles.contains("case mismatch resolved for jar70sccp.sbn"))
        #expect(titles.contains("1 TFTP transfers timed out"))
        #expect(titles.contains("upgrade stuck on SCCP70.8-5-2S for 4 boots"))
        #expect(Diagnosis.findings(timeline, clock: clock).first?.severity == .error)
    }

    @Test func dhcpFindings() {
        let titles = Diagnosis.findings(
            [
                event(3, .dhcp(.poolExhausted), [.dhcp(.subnet): "10.0.0.0/24"]),
                event(2, .dhcp(.declineReceived), [.dhcp(.address): "10.0.0.5"]),
                event(1, .dhcp(.nakSent), [.reason: "address 10.9.9.9 is not on subnet 10.0.0.0/24"]),
            ], clock: clock
        ).map(\.title)
        #expect(
            titles == [
                "pool exhausted", "REQUEST for an address not ours (1 NAK)",
                "the client declined 10.0.0.5 as already in use",
            ])
    }

    @Test func loadComponentsNotFetchedWarnsThenErrs() {
        let waiting = { (boots: Int) in
            [
                self.event(
                    1, .phone(.upgradeWaiting),
                    [
                        .phone(.load): "SCCP70.8-5-2S", .phone(.bootsAtStep): "\(boots)",
                        .phone(.missing): "apps70.sbn,dsp70.sbn",
                    ])
            ]
        }
        #expect(Diagnosis.findings(waiting(1), clock: clock).isEmpty, "the first boot of a step is the download itself")
        let second = Diagnosis.findings(waiting(2), clock: clock)
        #expect(second.map(\.title) == ["components of SCCP70.8-5-2S not fetched (2 boots)"])
        #expect(
            second.first?.severity == .warning && second.first?.evidence.first == "never fetched: apps70.sbn,dsp70.sbn")
        #expect(Diagnosis.findings(waiting(3), clock: clock).first?.severity == .error)
    }

    @Test func rivalServerHeardAndChosen() throws {
        let rival: EventMetadata = [
            .dhcp(.serverID): "198.18.0.3", .dhcp(.type): "OFFER", .dhcp(.yiaddr): "198.18.0.50",
            .dhcp(.tftpServer): "198.18.0.3",
        ]
        // Newest first: the client took the rival's offer once, then ignored two more of ours.
        let timeline = [
            event(6, .dhcp(.offerSent)),
            event(5, .dhcp(.otherServerReply), rival),
            event(4, .dhcp(.offerSent)),
            event(3, .dhcp(.requestOtherServer), [.dhcp(.serverID): "198.18.0.3"]),
            event(2, .dhcp(.otherServerReply), rival),
            event(1, .dhcp(.offerSent)),
        ]
        let findings = Diagnosis.findings(timeline, clock: clock)
        let rivalFinding = try #require(
            findings.first { $0.title == "another DHCP server answers on the link: 198.18.0.3" })
        #expect(rivalFinding.severity == .error, "the client's latest choice was the rival")
        #expect(
            rivalFinding.evidence.contains(
                "198.18.0.3 replied: 2 OFFER; offered 198.18.0.50; TFTP server (option 66) 198.18.0.3"))
        #expect(rivalFinding.evidence.contains("the client's REQUEST chose 198.18.0.3 1 time (option 54)"))
        let ignored = try #require(findings.first { $0.title == "2 offers ignored" })
        #expect(ignored.causes.first?.text == "another DHCP server answers on this link: 198.18.0.3")

        // Once we ACK afterwards, the rival is still reported, as a warning.
        let later = [event(8, .dhcp(.ackSent)), event(7, .dhcp(.offerSent))] + timeline
        #expect(
            Diagnosis.findings(later, clock: clock).first { $0.title.hasPrefix("another DHCP server") }?.severity
                == .warning)
    }
}
