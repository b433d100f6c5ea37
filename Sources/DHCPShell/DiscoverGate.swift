/// When a DHCP socket stops taking new DISCOVERs (issue 17; docs/dhcp.md, "Overload").
///
/// Under a flood the kernel drops datagrams once a socket's receive queue is full, whatever they are. A
/// REQUEST dropped there wastes the OFFER already made for it, and its hold: with perfdhcp at its maximum
/// rate 46 % of the REQUESTs were lost that way and 1.83 OFFERs were made per ACK (docs/benchmarks.md). So
/// once the queue holds half its buffer the gate closes: the kernel itself drops new DISCOVERs (a socket
/// filter, CDHCPSocket, at no cost to us), and the other half of the buffer stays for REQUESTs, RELEASEs,
/// DECLINEs and INFORMs, which finish exchanges already paid for. A client whose DISCOVER is dropped
/// retransmits it (RFC 2131 §4.1). The gate opens again once the queue is down to a quarter.
///
/// Everything already queued is still answered: a storm's burst is served whole. The seventh session's
/// shedding in user space discarded queued DISCOVERs and failed 49 of 250 phones in the boot storm, then
/// stretched 500 phones from 15 s to 63 s (docs/benchmarks.md); this gate never touches the queue, and the
/// buffer it watches is large (2 MiB, `DiscoverFilter.receiveBuffer`): it closes at about 900 DHCP packets of
/// 300 bytes, so a burst of 500 DISCOVERs fits below it.
///
/// Pure: the socket's counters come in, what to do with the filter goes out.
struct DiscoverGate: Equatable, Sendable {
    enum Change: Equatable, Sendable {
        /// Attach the filter: new DISCOVERs are dropped by the kernel.
        case close
        /// Detach it.
        case open
    }

    private(set) var isClosed = false

    /// `queued`: the bytes waiting in the socket's receive queue, `buffer`: its limit, both as the kernel
    /// counts them (SO_MEMINFO: each datagram with its overhead, so about 1-2 KiB a DHCP packet).
    mutating func observe(queued: Int, buffer: Int) -> Change? {
        if !isClosed, buffer > 0, queued * 2 >= buffer {
            isClosed = true
            return .close
        }
        if isClosed, queued * 4 <= buffer {
            isClosed = false
            return .open
        }
        return nil
    }
}
