import DialtoneLogging
import Logging
import Testing

/// The live log behind `/api/events`: history on subscribe, fan-out, and the shutdown that ends every stream
/// (without it an open dashboard held `serve` up after SIGTERM).
struct EventHubTests {
    @Test func newSubscriberGetsRecentHistoryThenLiveLines() async {
        let hub = EventHub(capacity: 3)
        for i in 1...5 { hub.publish("old \(i)") }
        let stream = hub.subscribe()
        hub.publish("live")
        hub.finish()
        var got: [String] = []
        for await line in stream { got.append(line) }
        #expect(got == ["old 3", "old 4", "old 5", "live"])
    }

    @Test func finishEndsOpenStreamsAndLaterOnes() async {
        let hub = EventHub()
        hub.publish("a")
        let open = hub.subscribe()
        hub.finish()
        hub.publish("after")  // kept as history, but no stream is live any more
        var first: [String] = []
        for await line in open { first.append(line) }
        var late: [String] = []
        for await line in hub.subscribe() { late.append(line) }
        #expect(first == ["a"])
        #expect(late == ["a", "after"])
    }

    @Test func handlerPublishesTheJSONLineOfEachEventAtItsLevel() async {
        let hub = EventHub()
        var logger = Logger(label: "t") { HubLogHandler(label: $0, level: .info, hub: hub) }
        logger[metadataKey: "client.mac"] = "00:1e:7a:00:00:01"
        logger.debug("dhcp.packet.dropped")
        logger.info("dhcp.ack.sent", metadata: ["dhcp.yiaddr": "198.18.0.10"])
        hub.finish()
        var got: [String] = []
        for await line in hub.subscribe() { got.append(line) }
        #expect(got.count == 1)
        #expect(got.first?.contains(#""event":"dhcp.ack.sent""#) == true)
        #expect(got.first?.contains(#""client.mac":"00:1e:7a:00:00:01""#) == true)
        #expect(got.first?.contains(#""dhcp.yiaddr":"198.18.0.10""#) == true)
    }
}

/// Issue 14: a log value from the wire stays one token of one line.
@Suite struct LineEscapingTests {
    @Test func controlCharactersAreEscapedAndQuoted() {
        #expect(LineLogHandler.quoteIfNeeded("plain") == "plain")
        #expect(LineLogHandler.quoteIfNeeded("two words") == "\"two words\"")
        #expect(LineLogHandler.quoteIfNeeded("x\ninjected=1") == #""x\ninjected=1""#)
        #expect(LineLogHandler.quoteIfNeeded("\u{1B}[31mred") == #""\u{1B}[31mred""#)
        #expect(!LineLogHandler.quoteIfNeeded("a\r\nb\u{0}").contains { $0.isNewline })
    }
}
