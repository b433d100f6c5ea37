import DHCPServerCore
import DHCPWire
import DialtoneConfig
import Testing
import WireSupport

/// Learning "wants broadcast" from a client that ignores unicast OFFERs (issue 18), and forgetting it.
@Suite struct LearnedNeedsTests {
    let laptop = Fixtures.mac(7)

    func remembered(_ actions: [DHCPAction]) -> [(MACAddress, [LearnedNeed])] {
        actions.compactMap { if case .remember(let mac, let needs) = $0 { return (mac, needs) } else { return nil } }
    }

    /// The seed's symptom, from a client outside every class: OFFER unicast to yiaddr at chaddr, then a
    /// new DISCOVER 4 s later. That DISCOVER's OFFER already goes broadcast, and stays so.
    @Test func aDiscoverAfterAnIgnoredUnicastOfferTeachesBroadcast() throws {
        var server = DHCPServer(config: Fixtures.config(), servesTFTP: false, leases: [])
        let first = server.handle(Fixtures.message(.discover, mac: laptop, xid: 1), context: Fixtures.context, now: 0)
        guard case .hardwareUnicast? = first.replies.first?.1 else {
            Issue.record("RFC 2131 §4.1: a client without the flag is offered by unicast: \(first.replies)")
            return
        }
        #expect(remembered(first).isEmpty)

        let second = server.handle(
            Fixtures.message(.discover, mac: laptop, xid: 2), context: Fixtures.context, now: 4_000)
        #expect(second.replies.first?.1 == .broadcast(port: 68))
        let (mac, needs) = try #require(remembered(second).first)
        #expect(mac == laptop && needs.map(\.need) == [.broadcastReplies] && needs.first?.learnedAt == 4_000)
        #expect(
            needs.first?.evidence == "DISCOVER again 4.0 s after our unicast OFFER of 192.168.10.1, with no REQUEST")
        let learned = try #require(second.events.first { $0.name == .clientLearned })
        #expect(learned.level == .notice && learned.metadata[.dhcp(.learned)] == "broadcast")

        let request = server.handle(
            Fixtures.message(
                .request, mac: laptop, xid: 2, requested: second.replies[0].0.yiaddr,
                serverID: Fixtures.server),
            context: Fixtures.context, now: 4_100)
        #expect(request.replies.first?.1 == .broadcast(port: 68))
        #expect(remembered(request).isEmpty, "learned once, not again on every packet")
        #expect(server.learnedNeeds(of: laptop).map(\.need) == [.broadcastReplies])
    }

    @Test func aRetransmissionThatCrossedTheOfferTeachesNothing() {
        var server = DHCPServer(config: Fixtures.config(), servesTFTP: false, leases: [])
        _ = server.handle(Fixtures.message(.discover, mac: laptop, xid: 1), context: Fixtures.context, now: 0)
        let again = server.handle(Fixtures.message(.discover, mac: laptop, xid: 1), context: Fixtures.context, now: 300)
        #expect(remembered(again).isEmpty)
        guard case .hardwareUnicast? = again.replies.first?.1 else {
            Issue.record("still unicast: \(again.replies)")
            return
        }
    }

    @Test func aClientThatRequestsIsFine() {
        var server = DHCPServer(config: Fixtures.config(), servesTFTP: false, leases: [])
        let offer = server.handle(Fixtures.message(.discover, mac: laptop, xid: 1), context: Fixtures.context, now: 0)
        _ = server.handle(
            Fixtures.message(
                .request, mac: laptop, xid: 1, requested: offer.replies[0].0.yiaddr,
                serverID: Fixtures.server),
            context: Fixtures.context, now: 50)
        // Rebooted an hour later: a DISCOVER after a completed exchange is no evidence.
        let later = server.handle(
            Fixtures.message(.discover, mac: laptop, xid: 9), context: Fixtures.context, now: 3_600_000)
        #expect(remembered(later).isEmpty)
    }

    /// A class's `never` is the admin's word: no learning against it. Its `always` needs none.
    @Test func aClassThatSaysNeverIsObeyed() {
        let never = ClientClassConfiguration(
            name: "laptops",
            match: .init(
                vendorClass: nil, userClass: nil, clientArchitectures: [], macPrefixes: [[0x02]], relay: nil,
                circuitID: nil),
            broadcast: .never, options: [])
        var server = DHCPServer(config: Fixtures.config(classes: [never]), servesTFTP: false, leases: [])
        _ = server.handle(Fixtures.message(.discover, mac: laptop, xid: 1), context: Fixtures.context, now: 0)
        let second = server.handle(
            Fixtures.message(.discover, mac: laptop, xid: 2), context: Fixtures.context, now: 4_000)
        #expect(remembered(second).isEmpty)
    }

    @Test func whatTheStoreRemembersAppliesFromTheFirstPacketAndCanBeForgotten() throws {
        let need = LearnedNeed(.broadcastReplies, learnedAt: 1, evidence: "e")
        var server = DHCPServer(
            config: Fixtures.config(), servesTFTP: false, leases: [], learned: [laptop: [need]])
        let offer = server.handle(Fixtures.message(.discover, mac: laptop, xid: 1), context: Fixtures.context, now: 0)
        #expect(offer.replies.first?.1 == .broadcast(port: 68))

        let forgot = server.forget(laptop)
        #expect(remembered(forgot).map(\.1) == [[]])
        #expect(forgot.events.map(\.name) == [.clientForgotten])
        #expect(server.forget(laptop).isEmpty, "nothing left to forget")
        let after = server.handle(Fixtures.message(.discover, mac: laptop, xid: 2), context: Fixtures.context, now: 10)
        guard case .hardwareUnicast? = after.replies.first?.1 else {
            Issue.record("RFC 2131 again after forgetting: \(after.replies)")
            return
        }
    }
}

/// A Cisco 79xx told apart by its option 55 alone (no option 60, a MAC outside the Cisco OUIs): replied to
/// by broadcast like any Cisco phone (`ClientProfile.broadcastPolicy`).
@Suite struct CiscoByRequestListTests {
    @Test func theCiscoRequestListAloneMakesACiscoPhone() {
        var request = Fixtures.message(.discover, mac: Fixtures.mac(9))
        request.options.set(.parameterRequestList, [1, 66, 6, 3, 15, 150, 35])
        let profile = ClientProfile(request: request, classes: [])
        #expect(profile.isCiscoPhone && profile.broadcastPolicy == .always)
        request.options.set(.parameterRequestList, [1, 3, 6, 15, 66, 150])
        #expect(!ClientProfile(request: request, classes: []).isCiscoPhone, "another order is another client")
    }
}

/// Learning "replies within 576 bytes" (issue 18): a client whose option 57 allows more but who never takes
/// a larger OFFER is tried with the small shape after two misses, and learned only when that one is ACKed.
@Suite struct LearnedSmallRepliesTests {
    let client = Fixtures.mac(8)

    /// A subnet whose replies outgrow 576 bytes: a 300-byte vendor option (43).
    var server: DHCPServer {
        var subnet = Fixtures.subnet()
        subnet.options = [ConfiguredOption(code: .vendorSpecific, value: Array(repeating: 0x41, count: 300))]
        return DHCPServer(config: Fixtures.config(subnet), servesTFTP: false, leases: [])
    }

    /// Broadcast flag set (no unicast question) and option 57 = 1500.
    func discover(xid: UInt32, broadcast: Bool = true) -> DHCPMessage {
        var m = Fixtures.message(.discover, mac: client, xid: xid)
        m.flags = broadcast ? DHCPMessage.broadcastFlag : 0
        m.options.set(.maxMessageSize, [0x05, 0xDC])
        return m
    }

    func request(xid: UInt32, _ address: IPv4Address, serverID: IPv4Address? = Fixtures.server) -> DHCPMessage {
        var m = Fixtures.message(.request, mac: client, xid: xid, requested: address, serverID: serverID)
        m.options.set(.maxMessageSize, [0x05, 0xDC])
        return m
    }

    func sizes(_ actions: [DHCPAction]) -> [(bytes: Int, maximum: Int)] {
        actions.compactMap {
            if case .reply(let m, _, _, let maximum) = $0 { return (m.encode(maximumSize: maximum).count, maximum) }
            return nil
        }
    }

    func remembered(_ actions: [DHCPAction]) -> [[ClientNeed]] {
        actions.compactMap { if case .remember(_, let needs) = $0 { return needs.map(\.need) } else { return nil } }
    }

    func reason(_ actions: [DHCPAction]) -> String? {
        actions.events.first { $0.name == .offerSent }?.metadata[.reason]
    }

    /// Two large OFFERs ignored, then the trial; its REQUEST is answered small, and the ACK teaches.
    @Test func twoIgnoredLargeOffersBringATrialWhoseAckTeachesSmall() throws {
        var server = server
        let first = server.handle(discover(xid: 1), context: Fixtures.context, now: 0)
        #expect(sizes(first).first?.bytes ?? 0 > 548, "option 57 allows the large shape: \(sizes(first))")
        let second = server.handle(discover(xid: 2), context: Fixtures.context, now: 3_000)
        #expect(sizes(second).first?.maximum == 1472 && reason(second) == nil, "one miss is no evidence")

        let trial = server.handle(discover(xid: 3), context: Fixtures.context, now: 7_000)
        #expect(sizes(trial).first?.maximum == 548 && sizes(trial).first?.bytes ?? 999 <= 548)
        #expect(remembered(trial).isEmpty, "a trial, not yet a lesson")
        #expect(
            reason(trial)
                == "trying a reply within 576 bytes: 2 OFFERs over 576 bytes ignored, the last 590 bytes "
                + "(DISCOVER again 4.0 s after it, with no REQUEST); left out: options 43")
        let offered = try #require(trial.events.first { $0.name == .offerSent })
        #expect(offered.metadata[.dhcp(.options)]?.split(separator: ",").contains("43") == false, "what was sent")

        let ack = server.handle(request(xid: 3, trial.replies[0].0.yiaddr), context: Fixtures.context, now: 7_050)
        #expect(ack.replies.first?.0.messageType == .ack)
        #expect(remembered(ack) == [[.smallReplies]])
        #expect(sizes(ack).first?.maximum == 548, "the ACK keeps to the trial's shape")
        let learned = try #require(ack.events.first { $0.name == .clientLearned })
        #expect(learned.metadata[.dhcp(.learned)] == "small")
        #expect(
            learned.metadata[.reason]
                == "REQUEST for our 300-byte OFFER of 192.168.10.1, sent within 576 bytes after 2 larger ones were ignored"
        )

        let later = server.handle(discover(xid: 4), context: Fixtures.context, now: 3_600_000)
        #expect(sizes(later).first?.maximum == 548 && remembered(later).isEmpty)
        #expect(server.learnedNeeds(of: client).map(\.need) == [.smallReplies])
    }

    /// Two large OFFERs ignored (DISCOVERs at 0 and 3 s), then the trial at 7 s: its actions.
    @discardableResult
    func trial(on server: inout DHCPServer) -> [DHCPAction] {
        _ = server.handle(discover(xid: 1), context: Fixtures.context, now: 0)
        _ = server.handle(discover(xid: 2), context: Fixtures.context, now: 3_000)
        return server.handle(discover(xid: 3), context: Fixtures.context, now: 7_000)
    }

    /// Only the REQUEST that takes up the trial (its xid, our option 54) teaches: an INIT-REBOOT for the same
    /// address or a REQUEST choosing another server does not.
    @Test func otherRequestsForTheAddressTeachNothing() {
        for (xid, serverID) in [(UInt32(77), Optional<IPv4Address>.none), (3, IPv4Address("192.168.10.200")!)] {
            var server = server
            let offered = trial(on: &server)
            let answer = server.handle(
                request(xid: xid, offered.replies[0].0.yiaddr, serverID: serverID), context: Fixtures.context,
                now: 7_050)
            #expect(remembered(answer).isEmpty, "xid \(xid), server \(String(describing: serverID))")
            #expect(server.learnedNeeds(of: client).isEmpty)
        }
    }

    /// The small shape ignored too: size was not the reason, nothing is learned and the full shape returns.
    @Test func anIgnoredTrialTeachesNothing() {
        var server = server
        trial(on: &server)
        let fourth = server.handle(discover(xid: 4), context: Fixtures.context, now: 11_000)
        #expect(remembered(fourth).isEmpty && sizes(fourth).first?.maximum == 1472 && reason(fourth) == nil)
    }

    /// A DISCOVER retransmitted within a second of the trial OFFER crossed it: it gets the small shape too,
    /// and the REQUEST for the trial still teaches.
    @Test func aRetransmissionDuringTheTrialKeepsTheSmallShape() {
        var server = server
        trial(on: &server)
        let again = server.handle(discover(xid: 3), context: Fixtures.context, now: 7_300)
        #expect(sizes(again).first?.maximum == 548 && reason(again)?.hasPrefix("trying a reply within 576") == true)
        let ack = server.handle(request(xid: 3, again.replies[0].0.yiaddr), context: Fixtures.context, now: 7_400)
        #expect(remembered(ack) == [[.smallReplies]])
    }

    /// A client that sends its DISCOVERs in quick pairs: the second of each pair crossed the first's OFFER
    /// and neither resets the count of misses.
    @Test func retransmissionsInPairsStillCountTheMisses() {
        var server = server
        for (xid, now) in [(UInt32(1), ServerTime(0)), (1, 300), (2, 3_000), (2, 3_300)] {
            let offer = server.handle(discover(xid: xid), context: Fixtures.context, now: now)
            #expect(reason(offer) == nil && sizes(offer).first?.maximum == 1472, "at \(now)")
        }
        let trial = server.handle(discover(xid: 3), context: Fixtures.context, now: 6_000)
        #expect(reason(trial)?.hasPrefix("trying a reply within 576 bytes: 2 OFFERs") == true)
    }

    /// Offers that fit in 576 bytes say nothing about size, and a large one taken at once is fine.
    @Test func smallOffersAndTakenOffersAreNoEvidence() {
        var plain = DHCPServer(config: Fixtures.config(), servesTFTP: false, leases: [])
        for (xid, now) in [(UInt32(1), ServerTime(0)), (2, 3_000), (3, 6_000)] {
            let offer = plain.handle(discover(xid: xid), context: Fixtures.context, now: now)
            #expect(reason(offer) == nil && sizes(offer).first?.maximum == 1472)
        }

        var server = server
        let offer = server.handle(discover(xid: 1), context: Fixtures.context, now: 0)
        _ = server.handle(request(xid: 1, offer.replies[0].0.yiaddr), context: Fixtures.context, now: 40)
        let reboot = server.handle(discover(xid: 2), context: Fixtures.context, now: 60_000)
        let again = server.handle(discover(xid: 3), context: Fixtures.context, now: 64_000)
        #expect(sizes(reboot).first?.maximum == 1472 && sizes(again).first?.maximum == 1472)
        #expect(remembered(reboot).isEmpty && reason(again) == nil, "one miss after a completed exchange")
    }

    /// Large and unicast: one thing changes at a time, broadcast first (the seed's fault), and that miss is
    /// put down to unicast: two more large broadcast OFFERs ignored bring the trial.
    @Test func aLargeUnicastOfferTeachesBroadcastFirstThenSizeIsTried() {
        var server = server
        _ = server.handle(discover(xid: 1, broadcast: false), context: Fixtures.context, now: 0)
        let second = server.handle(discover(xid: 2, broadcast: false), context: Fixtures.context, now: 3_000)
        #expect(remembered(second) == [[.broadcastReplies]])
        #expect(second.replies.first?.1 == .broadcast(port: 68))
        #expect(sizes(second).first?.maximum == 1472, "size is not tried in the same step")
        let third = server.handle(discover(xid: 3, broadcast: false), context: Fixtures.context, now: 7_000)
        #expect(reason(third) == nil, "the unicast miss was broadcast's")
        let fourth = server.handle(discover(xid: 4, broadcast: false), context: Fixtures.context, now: 11_000)
        #expect(sizes(fourth).first?.maximum == 548 && reason(fourth)?.hasPrefix("trying a reply within 576") == true)
        let ack = server.handle(request(xid: 4, fourth.replies[0].0.yiaddr), context: Fixtures.context, now: 11_050)
        #expect(remembered(ack) == [[.broadcastReplies, .smallReplies]])
    }
}
