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
        server.handle(Fixtures.message(.discover, mac: laptop, xid: 1), context: Fixtures.context, now: 0)
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
        server.handle(
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
        server.handle(Fixtures.message(.discover, mac: laptop, xid: 1), context: Fixtures.context, now: 0)
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
