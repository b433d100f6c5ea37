import CDatagramIO
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Synchronization
import TFTPCore

/// One thread that runs transfers: an epoll set over their sockets, their retransmission timers, and an
/// inbox through which other threads hand it new transfers and aborts.
///
/// Why not a NIO channel per transfer (issue 17): callgrind put a lockstep block at 17k instructions through
/// NIO (an `AddressedEnvelope` per datagram with the source turned into text by `inet_ntop`, pipeline hops,
/// exclusivity checks) against ~1k for tftpd-hpa's plain `recvfrom`/`sendto`. Here a block is one
/// `epoll_wait`, one `recvfrom` with the source compared as two integers, one step of the pure transfer
/// machine, and one `sendmmsg` for the whole window (up to 64 datagrams). A transfer stays on the loop it started on, so its
/// state needs no lock; `TransferLoops` spreads new transfers over one loop per core.
final class TransferLoop: @unchecked Sendable {
    let name: String
    /// Transfers running here, for `TransferLoops` to pick the least busy loop.
    let load = Atomic<Int>(0)
    private let poll: Int32
    private let wakeup: Int32
    private let inbox = NIOLockedValueBox<[@Sendable (TransferLoop) -> Void]>([])

    // Touched only on the loop's thread.
    /// Running transfers by slot; a token is (serial << 32 | slot), so an epoll event or a timer entry left
    /// from an ended transfer never reaches the one that reuses its slot. Slot 0 is the wake-up's. An array,
    /// not a dictionary: hashing the token was a tenth of a lockstep block's instructions (callgrind).
    private var slots: [TransferSession?] = [nil]
    private var freeSlots: [Int] = []
    private var serial: UInt64 = 0
    private var timers = DeadlineQueue()
    /// Which transfers are answered at once when there are more than `TransferLoops.fastLanes` here.
    private var lanes = TransferLanes(fastLanes: TransferLoops.fastLanes)
    /// One datagram received, then decoded; big enough for any blksize (RFC 2348 allows 65464).
    let receiveBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 8)
    /// The datagrams of one step, sent together.
    let batch = DatagramBatch()

    private static let wakeupToken: UInt64 = 0

    init(name: String) throws(TransferLoopError) {
        self.name = name
        let poll = dialtone_poll_create()
        guard poll >= 0 else { throw TransferLoopError(call: "epoll_create1", code: -poll) }
        let wakeup = dialtone_wakeup_create()
        guard wakeup >= 0 else {
            close(poll)
            throw TransferLoopError(call: "eventfd", code: -wakeup)
        }
        let added = dialtone_poll_add(poll, wakeup, Self.wakeupToken)
        guard added == 0 else {
            close(poll)
            close(wakeup)
            throw TransferLoopError(call: "epoll_ctl", code: -added)
        }
        self.poll = poll
        self.wakeup = wakeup
        // Named from inside: set before start, corelibs Foundation keeps the name from the kernel (`ps -L`).
        Thread { [self] in
            Thread.current.name = name
            run()
        }.start()
    }

    /// Runs `work` on the loop's thread, soon.
    func execute(_ work: @escaping @Sendable (TransferLoop) -> Void) {
        inbox.withLockedValue { $0.append(work) }
        dialtone_wakeup_signal(wakeup)
    }

    /// Takes a transfer whose socket is open: from now on only this thread touches it.
    func adopt(_ session: TransferSession) {
        load.add(1, ordering: .relaxed)
        let handOver = UncheckedSendable(session)
        execute { loop in loop.start(handOver.value) }
    }

    private func start(_ session: TransferSession) {
        let slot = freeSlots.popLast() ?? slots.count
        if slot == slots.count { slots.append(nil) }
        serial += 1
        let token = serial << 32 | UInt64(slot)
        let added = dialtone_poll_add(poll, session.socket, token)
        guard added == 0 else {
            session.failToStart(loop: self, reason: "epoll_ctl: \(String(cString: strerror(-added)))")
            freeSlots.append(slot)
            load.subtract(1, ordering: .relaxed)
            return
        }
        session.token = token
        session.priority = TransferLoops.arrivals.withLockedValue {
            $0.begin(client: session.clientHost, now: Int64(NIODeadline.now().uptimeNanoseconds))
        }
        // A reload relanes every loop through `execute`; this catches a loop made while that reload ran.
        relane()
        slots[slot] = session
        let lane = lanes.add(token: token, priority: session.priority)
        session.fast = lane.isFast
        if let demoted = lane.demoted { self.session(demoted)?.fast = false }
        session.start(loop: self)
    }

    /// A reload changed `tftp.full_speed_transfers`: the lanes are given out again.
    func relane() {
        guard lanes.fastLanes != TransferLoops.fastLanes else { return }
        lanes = TransferLanes(fastLanes: TransferLoops.fastLanes)
        let running = slots.compactMap { $0 }.sorted { ($0.priority, $0.token) < ($1.priority, $1.token) }
        for session in running {
            session.fast = lanes.add(token: session.token, priority: session.priority).isFast
            if session.fast, session.heldUntil != 0 { release(session) }
        }
    }

    /// How long a slow transfer's datagrams wait before they are read: under any client's retransmit timeout
    /// (RFC 2349's floor is 1 s; iPXE's adaptive retry timer never drops below 250 ms, `DEFAULT_MIN_TIMEOUT`
    /// in its retry.h), so the client does not repeat itself, and a slow transfer still moves a block or
    /// window per hold. Half the transfer's own timeout when that is shorter (`tftp.timeout` may be 100 ms),
    /// so that the server does not retransmit a block whose ACK it is holding.
    static let hold: Int64 = 100_000_000
    /// At most this many datagrams are read when a hold ends: a window's worth of an upload (RFC 7440) and a
    /// duplicate or two; what is left is held again.
    static let readsPerRelease = 66

    /// A slow transfer's socket is readable: the datagram stays in the socket for `hold`, unwatched.
    private func holdBack(_ session: TransferSession) {
        guard dialtone_poll_watch(poll, session.socket, session.token, 0) == 0 else {
            session.readable(loop: self)
            return
        }
        session.heldUntil =
            Int64(NIODeadline.now().uptimeNanoseconds) + min(Self.hold, session.timeoutMilliseconds * 500_000)
        timers.insert(due: session.heldUntil, token: session.token)
    }

    /// Reads a held transfer's datagram now: its hold ran out or it got a fast lane. Through the timer heap,
    /// not at once, so that `remove` (which promotes) never reenters a session's step.
    private func release(_ session: TransferSession) {
        session.heldUntil = Int64(NIODeadline.now().uptimeNanoseconds)
        timers.insert(due: session.heldUntil, token: session.token)
    }

    /// The hold is over: what waited in the socket is read until the transfer answers (the next block or
    /// window of a download, the ACK of an upload's window), the socket is empty, the transfer ends, or
    /// `readsPerRelease`; then the socket is watched again. Stopping at the answer keeps the hold a hold: the
    /// client's next window, already arriving, waits for the next one.
    private func resume(_ session: TransferSession) {
        session.heldUntil = 0
        _ = dialtone_poll_watch(poll, session.socket, session.token, 1)
        let answered = session.answers
        var reads = 0
        // `ended` first: an ended transfer's descriptor is closed and may already be another socket's.
        while reads < Self.readsPerRelease, !session.ended, session.answers == answered,
            session.readable(loop: self)
        {
            reads += 1
        }
    }

    /// Retransmission check for `session` at `due` (nanoseconds, NIODeadline's uptime clock).
    func schedule(_ session: TransferSession, at due: Int64) {
        timers.insert(due: due, token: session.token)
    }

    /// The transfer is over: its socket leaves the set and closes. Datagrams already passed to the kernel
    /// still leave (a UDP send is complete when `sendmmsg` returns).
    ///
    /// `linger` keeps the socket bound, unread, for half a second before it closes: after an ERROR the
    /// transfer did not expect (shutdown), the client's ACK of the previous block may already be on its way.
    /// A closed port answers it with ICMP port unreachable, and Linux reports that error on the client's
    /// connected socket before any datagram already queued (`__skb_recv_udp` checks `sk_err` first), so
    /// atftp printed "unknown error" instead of reading our ERROR (tftp.sh, one run in three).
    func remove(_ session: TransferSession, linger: Bool = false) {
        let slot = Int(truncatingIfNeeded: session.token & 0xffff_ffff)
        guard self.session(session.token) != nil else { return }
        slots[slot] = nil
        freeSlots.append(slot)
        _ = dialtone_poll_remove(poll, session.socket)
        TransferLoops.arrivals.withLockedValue {
            $0.end(client: session.clientHost, now: Int64(NIODeadline.now().uptimeNanoseconds))
        }
        if let promoted = lanes.remove(token: session.token, priority: session.priority),
            let next = self.session(promoted)
        {
            next.fast = true
            if next.heldUntil != 0 { release(next) }
        }
        if linger {
            let socket = session.socket
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(500)) { close(socket) }
        } else {
            close(session.socket)
        }
        load.subtract(1, ordering: .relaxed)
    }

    /// The session with `token`, if it is still running here (for aborts handed in through the inbox).
    func session(_ token: UInt64) -> TransferSession? {
        let slot = Int(truncatingIfNeeded: token & 0xffff_ffff)
        guard slot < slots.count, let session = slots[slot], session.token == token else { return nil }
        return session
    }

    private func run() {
        let tokens = UnsafeMutablePointer<UInt64>.allocate(capacity: 64)
        while true {
            let timeout: Int32
            if let next = timers.next {
                let wait = next - Int64(NIODeadline.now().uptimeNanoseconds)
                timeout = wait <= 0 ? 0 : Int32(clamping: (wait + 999_999) / 1_000_000)
            } else {
                timeout = -1
            }
            let ready = dialtone_poll_wait(poll, tokens, 64, timeout)
            for index in 0..<max(0, Int(ready)) {
                let token = tokens[index]
                if token == Self.wakeupToken {
                    dialtone_wakeup_drain(wakeup)
                    let work = inbox.withLockedValue { pending in
                        defer { pending.removeAll(keepingCapacity: true) }
                        return pending
                    }
                    for item in work { item(self) }
                } else if let session = session(token) {
                    if session.fast { session.readable(loop: self) } else { holdBack(session) }
                }
            }
            let now = Int64(NIODeadline.now().uptimeNanoseconds)
            while let entry = timers.popDue(now: now) {
                guard let session = session(entry.token) else { continue }
                if session.heldUntil == entry.due { resume(session) }
                session.timerDue(entry.due, now: now, loop: self)
            }
        }
    }
}
