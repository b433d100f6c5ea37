import DHCPServerCore
import DHCPWire
import Diagnostics
import DialtoneConfig
import TFTPCore
import Testing
import Timeline
import WireSupport

/// The timeline's contract end to end (issue 12): the DHCP core and the TFTP machines run real exchanges,
/// their events are built as the shells build them and pass through the store's string form, and Diagnosis
/// and the phase must read exactly the findings those exchanges mean. An emitter and a reader that stop
/// agreeing on a name, a key or a matched value fail here, with no root and no sockets.
struct TimelineContractTests {
    let phone = MACAddress("00:1e:7a:25:54:a1")!
    let clock: (Int64) -> String = { "t\($0)" }

    @Test func offersTheClientIgnoresAreDiagnosedFromWhatWeSent() throws {
        var exchanges = Exchanges()
        for attempt in 0..<3 {
            let offer = exchanges.handle(
                Exchanges.message(.discover, mac: phone, xid: UInt32(attempt)), at: 1000 + Int64(attempt) * 4000)
            #expect(offer?.messageType == .offer)
        }
        let timeline = exchanges.timeline(of: phone)
        #expect(timeline.map(\.name) == Array(repeating: .dhcp(.offerSent), count: 3))

        let findings = Diagnosis.findings(timeline, clock: clock)
        #expect(findings.map(\.title) == ["3 offers ignored"])
        let finding = try #require(findings.first)
        let size = try #require(exchanges.lastReplySize)
        let options = exchanges.lastOfferOptions.map(String.init).joined(separator: ",")
        #expect(finding.evidence[0] == "3 OFFERs sent since t1000, no REQUEST followed")
        // Size, destination, options and latency come from four different keys, set by the core and the
        // send annotation: each must reach the finding.
        #expect(
            finding.evidence[1]
                == "our offers: \(size) bytes, to broadcast 255.255.255.255:68, options \(options), slowest offer 0.4 ms after the DISCOVER"
        )
        #expect(finding.evidence.contains { $0.hasPrefix("client: Cisco Systems, Inc. IP Phone CP-7970G") })
        #expect(finding.causes.last?.evidence == "it asked for 1,66,6,3,15,150,35 (option 55); we sent \(options)")
        #expect(DevicePhase.of(timeline) == "dhcp: offered")
    }

    /// A client without the broadcast flag, in a class that says `broadcast: never` (so nothing is learned),
    /// is offered by unicast to yiaddr at its MAC (RFC 2131 §4.1); when it ignores those offers, the diagnosis
    /// must read the core's destination as unicast and rank "wants broadcast" first (issue 18): the core's
    /// `dhcp.destination` text and the Diagnostics reading of it meet here.
    @Test func unicastOffersIgnoredRankBroadcastFirst() throws {
        let never = ClientClassConfiguration(
            name: "laptops",
            match: .init(
                vendorClass: nil, userClass: nil, clientArchitectures: [], macPrefixes: [[0x02]], relay: nil,
                circuitID: nil),
            broadcast: .never, options: [])
        var exchanges = Exchanges(classes: [never])
        let laptop = MACAddress("02:00:00:00:00:07")!
        for attempt in 0..<2 {
            exchanges.handle(
                Exchanges.message(.discover, mac: laptop, xid: UInt32(attempt), vendorClass: nil),
                at: 1000 + Int64(attempt) * 4000)
        }
        let timeline = exchanges.timeline(of: laptop)
        #expect(timeline.allSatisfy { $0[.dhcp(.destination)]?.hasPrefix("unicast 192.168.10.") == true })
        let finding = try #require(Diagnosis.findings(timeline, clock: clock).first)
        #expect(finding.title == "2 offers ignored")
        #expect(finding.causes.first?.text.hasPrefix("the client does not accept unicast replies") == true)
    }

    /// Outside every class the server learns instead (DHCPServerCore's LearnedNeeds): the second DISCOVER's
    /// OFFER is broadcast, `dhcp.client.learned` is on the timeline through the stored form, and once the
    /// client takes that OFFER there is nothing to diagnose.
    @Test func aClientIgnoringUnicastIsLearnedAndThenServed() throws {
        var exchanges = Exchanges()
        let laptop = MACAddress("02:00:00:00:00:07")!
        exchanges.handle(Exchanges.message(.discover, mac: laptop, xid: 1, vendorClass: nil), at: 1000)
        let second = exchanges.handle(Exchanges.message(.discover, mac: laptop, xid: 2, vendorClass: nil), at: 5000)
        let offer = try #require(second)
        exchanges.handle(
            Exchanges.message(
                .request, mac: laptop, xid: 2, requested: offer.yiaddr, serverID: Exchanges.ours, vendorClass: nil),
            at: 5100)
        let timeline = exchanges.timeline(of: laptop)
        #expect(
            timeline.map(\.name).reversed() == [
                .dhcp(.offerSent), .dhcp(.clientLearned), .dhcp(.offerSent), .dhcp(.ackSent),
            ])
        #expect(timeline.first { $0.name == .dhcp(.clientLearned) }?[.dhcp(.learned)] == "broadcast")
        #expect(timeline.first?[.dhcp(.destination)] == "broadcast 255.255.255.255:68")
        #expect(Diagnosis.findings(timeline, clock: clock).isEmpty)
    }

    @Test func aBoundPhoneFetchingFilesIsDiagnosedFromTheTFTPMachines() throws {
        var exchanges = Exchanges()
        let offered = exchanges.handle(Exchanges.message(.discover, mac: phone, xid: 1), at: 1000)
        let offer = try #require(offered)
        let ack = exchanges.handle(
            Exchanges.message(.request, mac: phone, xid: 1, requested: offer.yiaddr, serverID: Exchanges.ours), at: 1010
        )
        #expect(ack?.messageType == .ack)
        #expect(DevicePhase.of(exchanges.timeline(of: phone)) == "dhcp: bound")
        #expect(
            Diagnosis.findings(exchanges.timeline(of: phone), clock: clock).isEmpty,
            "an acknowledged offer was not ignored")

        let jar = TFTPFile(
            bytes: Array(repeating: 0x4A, count: 5000),
            origin: .disk(path: "/srv/tftp/Jar70sccp.sbn", caseMatched: true))
        let apps = TFTPFile(
            bytes: Array(repeating: 0x41, count: 3000), origin: .disk(path: "/srv/tftp/apps70.sbn", caseMatched: false))
        exchanges.read("CTLSEP001E7A2554A1.tlv", by: phone, file: nil, at: 2000)
        exchanges.read("SEP001E7A2554A1.cnf.xml", by: phone, file: nil, at: 2010)
        exchanges.read("jar70sccp.sbn", by: phone, file: jar, at: 2020)
        #expect(DevicePhase.of(exchanges.timeline(of: phone)) == "tftp: jar70sccp.sbn")
        exchanges.read("apps70.sbn", by: phone, file: apps, clientAcks: false, at: 2030)

        let timeline = exchanges.timeline(of: phone)
        #expect(
            timeline.map(\.name) == [
                .tftp(.transferFailed), .tftp(.transferCompleted), .tftp(.requestRefused), .tftp(.requestRefused),
                .dhcp(.ackSent), .dhcp(.offerSent),
            ])
        #expect(timeline[1][.tftp(.bytes)] == "5000")
        let findings = Diagnosis.findings(timeline, clock: clock)
        // The CTL probe is expected to be missing; the phone's config is not.
        #expect(
            findings.map(\.title) == [
                "TFTP file missing: SEP001E7A2554A1.cnf.xml", "1 TFTP transfers timed out",
                "case mismatch resolved for jar70sccp.sbn",
            ])
        #expect(findings.map(\.severity) == [.error, .warning, .info])
        #expect(findings[1].evidence == ["apps70.sbn: no ACK after 3 retransmissions"])
        #expect(findings[2].evidence == ["served from /srv/tftp/Jar70sccp.sbn"])
        #expect(DevicePhase.of(timeline) == "tftp: apps70.sbn")
    }

    @Test func aRivalServerIsDiagnosedFromItsReplyAndTheClientsChoice() throws {
        var exchanges = Exchanges()
        let offered = exchanges.handle(Exchanges.message(.discover, mac: phone, xid: 5), at: 1000)
        let offer = try #require(offered)
        exchanges.hearRivalOffer(to: phone, yiaddr: IPv4Address("192.168.10.77")!, at: 1001)
        let reply = exchanges.handle(
            Exchanges.message(
                .request, mac: phone, xid: 5, requested: IPv4Address("192.168.10.77")!, serverID: Exchanges.rival),
            at: 1010)
        #expect(reply == nil, "a REQUEST for another server gets no answer from us")
        #expect(offer.yiaddr != IPv4Address("192.168.10.77")!)

        let timeline = exchanges.timeline(of: phone)
        #expect(timeline.map(\.name) == [.dhcp(.requestOtherServer), .dhcp(.otherServerReply), .dhcp(.offerSent)])
        let findings = Diagnosis.findings(timeline, clock: clock)
        #expect(findings.map(\.title) == ["another DHCP server answers on the link: 192.168.10.1"])
        let rival = try #require(findings.first)
        #expect(rival.severity == .error, "the client's latest choice was the rival")
        #expect(rival.evidence.contains("192.168.10.1 replied: 1 OFFER; offered 192.168.10.77"))
        #expect(rival.evidence.contains("the client's REQUEST chose 192.168.10.1 1 time (option 54)"))
    }
}

/// The provisioning emitter against the "upgrade stuck" finding and the phase.
struct UpgradeContractTests {
    let phone = MACAddress("00:1e:7a:25:54:a1")!
    let clock: (Int64) -> String = { "t\($0)" }

    @Test func aPhoneThatNeverFetchesItsNextLoadIsStuck() {
        var exchanges = Exchanges()
        exchanges.fetched(["term70.7-0-2-0s.loads", "jar70sccp.sbn", "apps70.sbn"], by: phone)
        exchanges.configRequested(by: phone, at: 1000)
        #expect(exchanges.timeline(of: phone).first?.name == .phone(.upgradeAdvanced))
        #expect(DevicePhase.of(exchanges.timeline(of: phone)) == "upgrading to SCCP70.8-5-2S")

        // It boots on the new step and asks for its config, but never fetches the load's files.
        exchanges.configRequested(by: phone, at: 2000)
        #expect(
            Diagnosis.findings(exchanges.timeline(of: phone), clock: clock).isEmpty,
            "one boot at a step is the download itself")
        exchanges.configRequested(by: phone, at: 3000)
        let warned = Diagnosis.findings(exchanges.timeline(of: phone), clock: clock)
        #expect(warned.map(\.title) == ["components of SCCP70.8-5-2S not fetched (2 boots)"])
        #expect(
            warned.first?.evidence.first
                == "never fetched: sccp70.8-5-2s.loads,jar70sccp.8-5-2-14.sbn,apps70.8-5-2-14.sbn")
        exchanges.configRequested(by: phone, at: 4000)
        let timeline = exchanges.timeline(of: phone)
        let stuck = Diagnosis.findings(timeline, clock: clock)
        #expect(stuck.map(\.title) == ["upgrade stuck on SCCP70.8-5-2S for 3 boots"])
        #expect(stuck.first?.severity == .error)
        #expect(DevicePhase.of(timeline) == "waiting for files")

        // Once the files arrive, the next config request ends the climb: provisioned, nothing to report.
        exchanges.fetched(["sccp70.8-5-2s.loads", "jar70sccp.8-5-2-14.sbn", "apps70.8-5-2-14.sbn"], by: phone)
        exchanges.configRequested(by: phone, at: 5000)
        #expect(DevicePhase.of(exchanges.timeline(of: phone)) == "provisioned")
        #expect(Diagnosis.findings(exchanges.timeline(of: phone), clock: clock).isEmpty)
    }
}
