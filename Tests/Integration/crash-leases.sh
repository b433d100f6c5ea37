#!/bin/bash
# No ACKed lease lost to a crash (issue 14), under real load: perfdhcp, as a relay agent, runs 4-way
# exchanges while the server is SIGKILLed at a random moment, CYCLES times (default 20). The ground truth
# is the client side: every address perfdhcp got an ACK for (`-x l`). After each kill the server restarts
# on the same state and the store must hold every one of them as bound, no client may hold two addresses,
# `PRAGMA integrity_check` must say ok, and a sample of those clients asking for their address again
# (INIT-REBOOT through the relay) must be ACKed with it.
. "$(dirname "$0")/lib.sh"
command -v perfdhcp >/dev/null && command -v sqlite3 >/dev/null || { echo "missing perfdhcp or sqlite3"; exit 1; }
make_link || { echo "cannot create namespaces (need root and iproute2)"; exit 1; }
ip -n "$CLI" addr add 198.18.0.2/24 dev "${TAG}b"
CYCLES=${CYCLES:-20}

cat >"$WORK/dialtone.yaml" <<YAML
state_dir: $WORK/state
dhcp:
  interfaces: [${TAG}a]
  subnets:
    - subnet: 198.18.0.0/20
      pools: ["198.18.1.0-198.18.15.254"]
YAML

# A relayed INIT-REBOOT REQUEST (RFC 2131 §4.3.2: option 50, no server id, no ciaddr) for each MAC,IP line
# on stdin; prints one line per client: "ack IP" when the ACK names the same address, else what came back.
cat >"$WORK/reboot.py" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("198.18.0.2", 67))
s.settimeout(2)
for n, line in enumerate(sys.stdin):
    mac, ip = line.split()
    chaddr = bytes.fromhex(mac.replace(":", "")) + bytes(10)
    xid = 0x7E000000 + n
    head = struct.pack("!BBBBIHH4s4s4s4s", 1, 1, 6, 1, xid, 0, 0, bytes(4), bytes(4), bytes(4), socket.inet_aton("198.18.0.2"))
    opts = bytes([99, 130, 83, 99, 53, 1, 3, 50, 4]) + socket.inet_aton(ip) + bytes([255])
    s.sendto(head + chaddr + bytes(192) + opts + bytes(60), ("198.18.0.1", 67))
    try:
        while True:
            data = s.recv(2048)
            if struct.unpack("!I", data[4:8])[0] == xid:
                break
        kind = data[data.index(bytes([53, 1]), 240) + 2]
        got = socket.inet_ntoa(data[16:20])
        print(f"ack {got}" if kind == 5 and got == ip else f"type {kind} yiaddr {got} for {ip}")
    except socket.timeout:
        print(f"no answer for {ip}")
PY

acked_total=0
crash_cycles() {
    for cycle in $(seq 1 "$CYCLES"); do
        start_server "$WORK/dialtone.yaml" >/dev/null || { echo "cycle $cycle: server did not start"; cat "$WORK/server.log"; return 1; }
        ip netns exec "$CLI" perfdhcp -4 -l "${TAG}b" -r 400 -R 3000 -p 2 -x l 198.18.0.1 >"$WORK/perf.out" 2>&1 &
        perf=$!
        sleep "0.$((RANDOM % 9 + 1))$((RANDOM % 10))"
        kill -9 "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=
        wait "$perf"
        awk '/Leases for REQUEST-ACK/ {f = 1; next} f && /^,/ {split($0, a, ","); print a[2]}' "$WORK/perf.out" | sort -u >"$WORK/acked"
        acked_total=$((acked_total + $(wc -l <"$WORK/acked")))
        integrity=$(sqlite3 "$WORK/state/dialtone.sqlite" "PRAGMA integrity_check")
        [ "$integrity" = ok ] || { echo "cycle $cycle: integrity_check says $integrity"; return 1; }
        "$DIALTONE" leases --config "$WORK/dialtone.yaml" --json >"$WORK/leases.json" || return 1
        python3 - "$WORK/leases.json" "$WORK/acked" "$WORK/sample" <<'PY' || { echo "cycle $cycle"; return 1; }
import json, sys
leases = json.load(open(sys.argv[1]))
acked = [l.strip() for l in open(sys.argv[2]) if l.strip()]
bound = {l["ip"]: l["mac"] for l in leases if l["state"] == "bound"}
missing = [ip for ip in acked if ip not in bound]
if missing:
    sys.exit(f"ACKed but not bound in the store after SIGKILL: {missing[:10]} ({len(missing)} of {len(acked)})")
macs = [m for m in bound.values()]
twice = {m for m in macs if macs.count(m) > 1}
if twice:
    sys.exit(f"clients bound to two addresses: {sorted(twice)[:5]}")
with open(sys.argv[3], "w") as out:
    for ip in acked[:: max(1, len(acked) // 20)]:
        out.write(f"{bound[ip]} {ip}\n")
PY
        # Restarted on the same state, the server gives a sample of those clients their address again.
        start_server "$WORK/dialtone.yaml" >/dev/null || return 1
        ip netns exec "$CLI" python3 "$WORK/reboot.py" <"$WORK/sample" >"$WORK/reboot.out"
        stop_server
        if grep -qv "^ack " "$WORK/reboot.out"; then echo "cycle $cycle: after restart:"; grep -v "^ack " "$WORK/reboot.out" | head; return 1; fi
        # CRASH_LOG: bench/crash-soak collects these lines from every cycle.
        echo "cycle $cycle: $(wc -l <"$WORK/acked") ACKed before the kill, all bound after it; $(wc -l <"$WORK/reboot.out") re-ACKed with their address" \
            | tee -a "${CRASH_LOG:-/dev/null}"
    done
    echo "$acked_total ACKed leases over $CYCLES kills"
    [ "$acked_total" -gt 0 ]
}
check "SIGKILL under perfdhcp load, $CYCLES times: every ACKed lease survives, integrity ok, re-ACKed after restart" crash_cycles
sed "s/^/     /" "$WORK/check.out" | tail -3
finish
