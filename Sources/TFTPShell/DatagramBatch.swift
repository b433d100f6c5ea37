import CDatagramIO
import Foundation

/// The datagrams of one transfer step, written in place and sent with `sendmmsg` (up to 64 a call; a lone
/// lockstep block with `sendto`): a whole RFC 7440 window usually costs one system call instead of one per
/// block. Owned by a `TransferLoop` and reused by every transfer on it (one step at a time), so the per-block
/// path allocates nothing once the buffer has grown to the largest window seen.
final class DatagramBatch {
    private var base: UnsafeMutableRawPointer
    private var lengths: UnsafeMutablePointer<Int>
    private var slots: Int
    private var stride: Int
    private(set) var count = 0
    /// The largest datagram a slot holds now (at least 1472 bytes).
    var slotSize: Int { stride }

    init() {
        slots = 16
        stride = 1472
        base = .allocate(byteCount: slots * stride, alignment: 8)
        lengths = .allocate(capacity: slots)
    }

    /// Starts a batch of datagrams of at most `maxLength` bytes each.
    func begin(maxLength: Int) {
        count = 0
        guard maxLength > stride else { return }
        base.deallocate()
        stride = maxLength
        base = .allocate(byteCount: slots * stride, alignment: 8)
    }

    /// Adds a datagram: `fill` writes it into the slot it is given and returns its length.
    func append(_ fill: (UnsafeMutableRawBufferPointer) -> Int) {
        if count == slots { grow() }
        let slot = UnsafeMutableRawBufferPointer(start: base + count * stride, count: stride)
        lengths[count] = fill(slot)
        count += 1
    }

    /// Sends the datagrams to `host`:`port` (network byte order). Returns nil when the kernel took them all;
    /// else why not, for the log (what was not taken is retransmitted by the transfer's timer, as after a
    /// lost packet).
    func send(from socket: Int32, to host: UInt32, port: UInt16) -> String? {
        defer { count = 0 }
        guard count > 0 else { return nil }
        let sent = dialtone_udp_send_batch(socket, host, port, base, stride, lengths, Int32(count))
        if sent < 0 { return String(cString: strerror(-sent)) }
        return sent < count ? "the send buffer stayed full: \(sent) of \(count) datagrams sent" : nil
    }

    private func grow() {
        let larger = UnsafeMutableRawPointer.allocate(byteCount: 2 * slots * stride, alignment: 8)
        larger.copyMemory(from: base, byteCount: count * stride)
        base.deallocate()
        base = larger
        let moreLengths = UnsafeMutablePointer<Int>.allocate(capacity: 2 * slots)
        moreLengths.update(from: lengths, count: count)
        lengths.deallocate()
        lengths = moreLengths
        slots *= 2
    }
}
