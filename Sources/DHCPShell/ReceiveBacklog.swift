/// Whether a DHCP socket's kernel receive queue is overflowing, and so whether new DISCOVERs should wait.
///
/// Under a flood the queue overflows and the kernel drops datagrams blindly: a REQUEST that completes an
/// exchange we already paid for (an OFFER, its hold written) is as likely to go as a new DISCOVER. With
/// perfdhcp at its maximum rate that was half of all REQUESTs (20,385 ACKs for 43,368 REQUESTs, bench/dhcp),
/// while Kea, faster, lost 8 %. Leaving most DISCOVERs unanswered while the kernel is dropping lets the
/// loop read faster and keeps room for REQUESTs, RELEASEs and INFORMs; a client whose DISCOVER waits
/// retransmits it (RFC 2131 §4.1: about 4 s, then 8 s...). Measured once per read burst (SO_MEMINFO: the
/// bytes queued, the buffer's size, the socket's drop counter), not per datagram.
///
/// The trigger is a drop, not a deep queue: a boot storm's burst of DISCOVERs fills the queue for a moment
/// and drains, and shedding on depth alone failed 49 of 250 phones after five DISCOVERs each
/// (bench/bootstorm). Shedding lasts until no new drop was seen and the queue is under a quarter of the
/// buffer. Pure; the engine feeds it.
struct ReceiveBacklog {
    private(set) var shedsDiscovers = false
    /// The socket's drop counter at the last measurement (nil before the first: the baseline).
    private var drops: UInt32?
    /// While shedding, one DISCOVER per read burst is still answered: shedding them all starved a pure
    /// DISCOVER flood completely (no OFFER, so no REQUEST, and a queue that never drained: 0 exchanges/s
    /// under perfdhcp at its maximum rate).
    private var admittedThisBurst = false

    /// One measurement of the socket: `queued` bytes waiting (skb truesize, about 1-2 KiB per small
    /// datagram), `capacity` its receive buffer, `drops` the kernel's count of datagrams it could not
    /// queue (wraps). Returns true when the state changed.
    @discardableResult mutating func measured(queued: Int, capacity: Int, drops: UInt32) -> Bool {
        let before = shedsDiscovers
        admittedThisBurst = false
        let dropped = self.drops.map { drops != $0 } ?? false
        self.drops = drops
        if dropped {
            shedsDiscovers = true
        } else if shedsDiscovers, queued * 4 < capacity {
            shedsDiscovers = false
        }
        return shedsDiscovers != before
    }

    /// Whether this DISCOVER is answered: always unless shedding, else the first of each burst.
    mutating func admitsDiscover() -> Bool {
        guard shedsDiscovers else { return true }
        if admittedThisBurst { return false }
        admittedThisBurst = true
        return true
    }
}
