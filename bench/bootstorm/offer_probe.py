#!/usr/bin/env python3
"""DISCOVER -> OFFER latency while a boot storm runs: a relay agent of our own sends DISCOVERs at a fixed rate
and times each OFFER, so the table can show p50/p99 for each server under the same TFTP load (issue 12: OFFER
p99 40 ms on a loop shared with bulk TFTP, against dnsmasq's 3 ms).

    offer_probe.py RELAY_IP SERVER_IP [--rate 200] [--seconds 30] [--clients 50]

Runs until --seconds pass or SIGTERM, then prints one line:
    probe: sent=N offers=N lost=N p50_ms=X p99_ms=X max_ms=X
A fixed set of client MACs (02:dd:...) cycles, so a server holds at most --clients offers for the probe.
Each OFFER is timed by the kernel's receive timestamp (SO_TIMESTAMPNS), not by when this process got round to
reading it: the probe shares a CPU with hundreds of phone threads, and its own wake-up delay would otherwise
be measured as the server's.
"""
import argparse
import signal
import socket
import struct
import time

SO_TIMESTAMPNS = 35  # Linux <asm-generic/socket.h>; SCM_TIMESTAMPNS has the same value


def receive(sock: socket.socket):
    """(datagram, kernel receive time in ns since the epoch) or raise BlockingIOError."""
    data, ancillary, _, _ = sock.recvmsg(2048, 64)
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
            seconds, nanoseconds = struct.unpack("qq", payload[:16])
            return data, seconds * 1_000_000_000 + nanoseconds
    return data, time.time_ns()


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
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    sock.bind((args.relay, args.port))
    sock.setblocking(False)
    giaddr = socket.inet_aton(args.relay)
    pending: dict[int, int] = {}
    latencies: list[float] = []
    sent = 0
    interval = 1.0 / args.rate
    start = time.monotonic()
    next_send = start
    while not stop[0] and time.monotonic() - start < args.seconds:
        now = time.monotonic()
        if now >= next_send:
            xid = (0x5A000000 + sent) & 0xFFFFFFFF
            mac = bytes([0x02, 0xDD, 0, 0, (sent % args.clients) >> 8, (sent % args.clients) & 0xFF])
            pending[xid] = time.time_ns()
            sock.sendto(discover(xid, mac, giaddr), (args.server, args.port))
            sent += 1
            next_send += interval
        try:
            while True:
                data, arrived = receive(sock)
                if len(data) < 240 or message_type(data) != 2:
                    continue
                xid = struct.unpack("!I", data[4:8])[0]
                if xid in pending:
                    latencies.append((arrived - pending.pop(xid)) / 1e6)
        except BlockingIOError:
            pass
        time.sleep(min(0.0005, max(0.0, next_send - time.monotonic())))
    # Offers for the last DISCOVERs are still on their way: give them a moment before counting them lost.
    drain_until = time.monotonic() + 0.3
    while time.monotonic() < drain_until:
        try:
            data, arrived = receive(sock)
        except BlockingIOError:
            time.sleep(0.001)
            continue
        xid = struct.unpack("!I", data[4:8])[0] if len(data) >= 240 and message_type(data) == 2 else None
        if xid in pending:
            latencies.append((arrived - pending.pop(xid)) / 1e6)
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] if latencies else 0.0

    print(f"probe: sent={sent} offers={len(latencies)} lost={sent - len(latencies)} "
          f"p50_ms={pct(0.50):.2f} p99_ms={pct(0.99):.2f} max_ms={latencies[-1] if latencies else 0:.2f}", flush=True)


if __name__ == "__main__":
    main()
