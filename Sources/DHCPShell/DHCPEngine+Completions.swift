import DHCPServerCore
import DHCPWire
import DialtoneLogging
import LeaseStore
import NIOCore
import ServiceSupport
import WireSupport

/// What the store writer tells the engine once a submission is written, on the writer's thread.
///
/// The writer drops its reference to a completion after calling it, and the completion's hop may already
/// have run on the loop by then: whichever thread drops the last reference frees what the closure holds. A
/// hold's completion holds only its addresses and MAC; an ACK's parts travel in an `AwaitedReply` the loop
/// empties. So the request, the replies and their events are freed on the loop, into its own allocator
/// cache, and not on the writer's thread (`_int_free` and `destroy for DHCPOptions.Entry` there, perf under
/// bench/dhcp).
extension DHCPEngine {
    /// Offer holds, written behind. One no other server contested leaves nothing to do on the loop: no hop,
    /// so the loop is not woken once more per DISCOVER (4 context switches an exchange at 4,000/s, perf stat).
    func held(addresses: [WireSupport.IPv4Address], mac: MACAddress?) -> StoreWriter.Completion {
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        return { [eventLoop] outcome in
            guard case .success(let result) = outcome else { return }
            let lost = addresses.filter { result.rejected.keys.contains($0) }
            guard !lost.isEmpty else { return }
            eventLoop.execute {
                let engine = bound.value
                defer { engine.realtime?.checkpoint() }
                engine.lostRace(lost, result.rejected, mac: mac)
            }
        }
    }

    /// Bindings: the ACK leaves once they are durable. A lease another server changed first is learnt and
    /// the request answered again from the store's row (once; a second loss leaves it to the client).
    func committed(_ awaited: AwaitedReply, addresses: [WireSupport.IPv4Address], attempt: Int)
        -> StoreWriter.Completion
    {
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        return { [eventLoop] outcome in
            eventLoop.execute {
                let engine = bound.value
                defer { engine.realtime?.checkpoint() }
                engine.awaitingCommits -= 1
                guard let reply = awaited.take() else { return }
                switch outcome {
                case .failure(let error):
                    engine.logger.log(.error, .dhcpReplyWithheld, [.reason: "lease not durable: \(error)"])
                    return
                case .success(let result):
                    let lost = addresses.filter { result.rejected.keys.contains($0) }
                    guard !lost.isEmpty else { break }
                    engine.lostRace(lost, result.rejected, mac: reply.request.clientMAC)
                    if attempt == 0 {
                        engine.answer(
                            reply.request, context: reply.context, socket: reply.socket, channel: reply.channel,
                            arrival: reply.arrival, attempt: 1)
                    } else {
                        engine.logger.log(
                            .warning, .dhcpReplyWithheld,
                            [.reason: "another server changed \(lost[0]) again while we answered; the client retries"])
                    }
                    return
                }
                let stored = engine.sendReplies(
                    reply.replies, events: reply.events, socket: reply.socket, channel: reply.channel,
                    arrival: reply.arrival)
                // The timeline gets the events with their measured latency and size; written behind, in the
                // writer's next group commit.
                if !stored.isEmpty { engine.writer.submit(events: stored) }
            }
        }
    }
}

/// An ACK waiting for its commit: what the loop needs to send it, taken out on the loop (see above). Made,
/// emptied and read on the loop only; the writer's thread holds the reference and drops it, nothing more.
final class AwaitedReply: @unchecked Sendable {
    struct Parts {
        var request: DHCPMessage
        var context: ReceiveContext
        var socket: DHCPSocket
        var channel: Channel
        var arrival: NIODeadline
        var replies: [(DHCPMessage, ReplyDestination, Int, Int)]
        var events: [DHCPEvent]
    }

    private var parts: Parts?

    init(
        request: DHCPMessage, context: ReceiveContext, socket: DHCPSocket, channel: Channel, arrival: NIODeadline,
        replies: [(DHCPMessage, ReplyDestination, Int, Int)], events: [DHCPEvent]
    ) {
        parts = Parts(
            request: request, context: context, socket: socket, channel: channel, arrival: arrival, replies: replies,
            events: events)
    }

    /// The parts, once; the box is empty afterwards.
    func take() -> Parts? {
        defer { parts = nil }
        return parts
    }
}
