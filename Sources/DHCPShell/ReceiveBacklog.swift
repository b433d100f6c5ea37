/// Whether a DHCP socket's kernel receive queue is filling up, and so whether new DISCOVERs should wait.
///
/// Under a flood the queue overflows and the kernel drops datagrams blindly: a REQUEST that completes an
/// exchange we already paid for (an OFFER, its hold written) is as likely to go as a new DISCOVER. With
/// perfdhcp at its maximum rate that was half of all REQUESTs (20,385 ACKs for 43,368 REQUESTs, bench/dhcp),
/// while Kea, faster, lost 8 %. Leaving DISCOVERs unanswered while the queue is deep keeps the queue short
/// enough for REQUESTs, RELEASEs and INFORMs to get through; a client whose DISCOVER waits retransmits it
/// (RFC 2131 §4.1: about 4 s, then 8 s...). The queue is measured once per read burst (SO_MEMINFO: the
/// bytes the socket holds and its buffer's size), not per datagram.
///
/// Hysteresis: DISCOVERs wait from half the buffer until the queue is back under a quarter, so a queue
/// hovering at the threshold does not switch on every burst. Pure; the engine feeds it.
struct ReceiveBacklog {
    /// The socket's receive buffer in bytes (SO_RCVBUF as the kernel reports it).
    let capacity: Int
    private(set) var shedsDiscovers = false
    /// While the queue is deep, one DISCOVER per read burst is still answered: shedding them all starved a
    /// pure DISCOVER flood completely (no OFFER, so no REQUEST, and a queue that never drained: 0
    /// exchanges/s under perfdhcp at its maximum rate).
    private var admittedThisBurst = false

    init(capacity: Int) { self.capacity = capacity }

    /// One measurement of the socket: `queued` bytes waiting (skb truesize, so about 1-2 KiB per small
    /// datagram). Returns true when the state changed.
    @discardableResult mutating func measured(queued: Int) -> Bool {
        guard capacity > 0 else { return false }
        let before = shedsDiscovers
        admittedThisBurst = false
        if shedsDiscovers {
            shedsDiscovers = queued * 4 >= capacity
        } else {
            shedsDiscovers = queued * 2 >= capacity
        }
        return shedsDiscovers != before
    }

    /// Whether this DISCOVER is answered: always while the queue is short, else the first of each burst.
    mutating func admitsDiscover() -> Bool {
        guard shedsDiscovers else { return true }
        if admittedThisBurst { return false }
        admittedThisBurst = true
        return true
    }
}
