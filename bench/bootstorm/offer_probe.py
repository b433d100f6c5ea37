#!/usr/bin/env python3
"""DISCOVER -> OFFER latency while a boot storm runs: a relay agent of our own sends DISCOVERs at a fixed rate
and times each OFFER, so the table can show p50/p99 for each server under the same TFTP load (issue 12: OFFER
p99 40 ms on a loop shared with bulk TFTP, against dnsmasq's 3 ms).

    offer_probe.py RELAY_IP SERVER_IP [--rate 200] [--seconds 30] [--clients 50]

Runs until --seconds pass or SIGTERM, then prints one line:
    probe: sent=N offers=N lost=N p50_ms=X p99_ms=X max_ms=X

Both ends are timed by the kernel (SO_TIMESTAMPING, software stamps): when the DISCOVER left this socket and
when the OFFER reached it. The probe shares a CPU with hundreds of phone threads; timing in Python would
measure its own wake-up delays as the server's. A fixed set of client MACs (02:dd:...) cycles, so a server
holds at most --clients offers for the probe.
"""
import argparse
import signal
import socket
import struct
import time

# <linux/net_tstamp.h>, <asm-generic/socket.h>, <linux/errqueue.h>
SO_TIMESTAMPING = 37  # also SCM_TIMESTAMPING
TX_SOFTWARE, RX_SOFTWARE, SOFTWARE, OPT_ID, OPT_TSONLY = 1 << 1, 1 << 3, 1 << 4, 1 << 7, 1 << 11
IP_RECVERR = 11
MSG_ERRQUEUE = 0x2000


def stamp(ancillary) -> int | None:
    """The software timestamp (ns since the epoch) in a SCM_TIMESTAMPING message, if any."""
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPING and len(payload) >= 16:
            seconds, nanoseconds = struct.unpack("qq", payload[:16])
            return seconds * 1_000_000_000 + nanoseconds
    return None


def sent_id(ancillary) -> int | None:
    """OPT_ID's counter (the n-th datagram sent) from the sock_extended_err of a TX timestamp."""
    for level, kind, payload in ancillary:
        if level == socket.IPPROTO_IP and kind == IP_RECVERR and len(payload) >= 16:
            return struct.unpack("IBBBBII", payload[:16])[6]
    return None


def discover(xid: int, mac: bytes, giaddr: bytes) -> bytes:
    header = struct.pack("!BBBBIHH4s4s4s4s", 1, 1, 6, 1, xid, 0, 0, bytes(4), bytes(4), bytes(4), giaddr)
    packet = header + mac + bytes(10) + bytes(192) + bytes([99, 130, 83, 99]) + bytes([53, 1, 1, 255])
    return packet + bytes(max(0, 300 - len(packet)))


def message_type(packet: bytes) -> int:
    i = 240
    while i + 1 < len(packet):
        code = packet[i]
        if code == 0:
            i += 1
            continue
        if code == 255:
            break
        length = packet[i + 1]
        if code == 53 and length == 1:
            return packet[i + 2]
        i += 2 + length
    return 0


class Probe:
    BASE = 0x5A000000

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.sent_at: dict[int, int] = {}  # n -> kernel TX time
        self.offer_at: dict[int, int] = {}  # n -> kernel RX time

    def poll(self) -> None:
        """Reads every TX timestamp and every OFFER waiting on the socket."""
        while True:
            try:
                _, ancillary, _, _ = self.sock.recvmsg(1, 512, MSG_ERRQUEUE)
            except BlockingIOError:
                break
            n, when = sent_id(ancillary), stamp(ancillary)
            if n is not None and when is not None:
                self.sent_at[n] = when
        while True:
            try:
                data, ancillary, _, _ = self.sock.recvmsg(2048, 512)
            except BlockingIOError:
                break
            when = stamp(ancillary)
            if len(data) >= 240 and message_type(data) == 2 and when is not None:
                n = (struct.unpack("!I", data[4:8])[0] - self.BASE) & 0xFFFFFFFF
                self.offer_at.setdefault(n, when)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("relay")
    parser.add_argument("server")
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--port", type=int, default=67)
    args = parser.parse_args()

    stop = [False]
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__(0, True))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPING, TX_SOFTWARE | RX_SOFTWARE | SOFTWARE | OPT_ID | OPT_TSONLY)
    sock.bind((args.relay, args.port))
    sock.setblocking(False)
    probe = Probe(sock)
    giaddr = socket.inet_aton(args.relay)
    sent = 0
    interval = 1.0 / args.rate
    start = time.monotonic()
    next_send = start
    while not stop[0] and time.monotonic() - start < args.seconds:
        if time.monotonic() >= next_send:
            mac = bytes([0x02, 0xDD, 0, 0, (sent % args.clients) >> 8, (sent % args.clients) & 0xFF])
            sock.sendto(discover((Probe.BASE + sent) & 0xFFFFFFFF, mac, giaddr), (args.server, args.port))
            sent += 1
            next_send += interval
        probe.poll()
        time.sleep(min(0.0005, max(0.0, next_send - time.monotonic())))
    # Offers for the last DISCOVERs are still on their way: give them a moment before counting them lost.
    drain_until = time.monotonic() + 0.3
    while time.monotonic() < drain_until:
        probe.poll()
        time.sleep(0.001)
    latencies = sorted((probe.offer_at[n] - probe.sent_at[n]) / 1e6 for n in probe.offer_at if n in probe.sent_at)

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] if latencies else 0.0

    print(f"probe: sent={sent} offers={len(latencies)} lost={sent - len(probe.offer_at)} "
          f"p50_ms={pct(0.50):.2f} p99_ms={pct(0.99):.2f} max_ms={latencies[-1] if latencies else 0:.2f}", flush=True)


if __name__ == "__main__":
    main()
