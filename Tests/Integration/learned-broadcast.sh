#!/bin/bash
# Learned client needs (issue 18) with the kernel doing the dropping: a client whose interface holds only an
# unrelated address cannot receive an OFFER unicast to yiaddr at its MAC (the kernel drops a datagram for an
# address it does not have), which is the seed's 7970 symptom. The server must learn from the client's next
# DISCOVER to broadcast, lease it, keep that across a restart, show it in explain and the API, and
# `dialtone forget` (through the running server's API) must undo it.
# Then size: the client's interface MTU is 576 while a second client MAC says option 57 = 1500 and a class
# gives it a 400-byte option, so its OFFERs over 576 bytes die in the veth; after two such misses the server
# must try a 576-byte OFFER and learn "replies within 576 bytes" from the ACKed REQUEST for it.
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null && command -v python3 >/dev/null || { echo "missing curl or python3"; exit 1; }
make_link || { echo "cannot create namespaces (need root and iproute2)"; exit 1; }
ip -n "$CLI" addr add 198.18.0.250/32 dev "${TAG}b"
ip -n "$CLI" route add 198.18.0.1/32 dev "${TAG}b" # the web API, for curl
ip -n "$CLI" link set "${TAG}b" mtu 576 # replies without option 57 fit (548 + 28); larger ones are dropped
MAC=$(ip -n "$CLI" -br link show "${TAG}b" | awk '{print $3}')
BIG=02:00:5e:00:57:01 # the size client: its own chaddr, option 57 = 1500, broadcast flag set
dhcp_config "198.18.0.10-198.18.0.20"
cat >>"$WORK/dialtone.yaml" <<YAML
  classes:
    - name: big-options
      match: { mac_prefixes: ["02:00:5e:00:57"] }
      options:
        - { code: 43, type: hex, value: "$(printf '41%.0s' $(seq 1 400))" }
web:
  listen: "198.18.0.1:8067"
  token: "s3cret"
YAML

# A DHCP client on a plain UDP socket bound to port 68 on the link: it hears broadcasts, and unicasts only to
# 198.18.0.250. Broadcast flag clear (unless "big"), no vendor class (so no class or Cisco default decides
# for it). Prints one line per attempt: what came back, and the final outcome.
cat >"$WORK/client.py" <<'PY'
import socket, struct, sys
mac = bytes.fromhex(sys.argv[1].replace(":", ""))
dev = sys.argv[2].encode()
# argv[4] == "big": option 57 = 1500 and the broadcast flag (so only the size can lose an OFFER).
big = len(sys.argv) > 4 and sys.argv[4] == "big"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, dev)
s.bind(("0.0.0.0", 68))
s.settimeout(2.5)
def send(xid, kind, extra=b""):
    flags = 0x8000 if big else 0
    head = struct.pack("!BBBBIHH4s4s4s4s", 1, 1, 6, 0, xid, 0, flags, bytes(4), bytes(4), bytes(4), bytes(4))
    opts = bytes([99, 130, 83, 99, 53, 1, kind]) + (bytes([57, 2, 5, 220]) if big else b"") + extra + bytes([255])
    s.sendto(head + mac + bytes(10) + bytes(192) + opts + bytes(40), ("255.255.255.255", 67))
def wait(xid):
    try:
        while True:
            data = s.recv(2048)
            if struct.unpack("!I", data[4:8])[0] == xid:
                return data
    except socket.timeout:
        return None
for attempt in range(1, int(sys.argv[3]) + 1):
    xid = 0x5EED0000 + attempt
    send(xid, 1)
    offer = wait(xid)
    if offer is None:
        print(f"attempt {attempt}: no OFFER heard")
        continue
    yiaddr = offer[16:20]
    print(f"attempt {attempt}: OFFER {socket.inet_ntoa(yiaddr)} heard, {len(offer)} bytes")
    server = socket.inet_aton("198.18.0.1")
    send(xid, 3, bytes([50, 4]) + yiaddr + bytes([54, 4]) + server)
    ack = wait(xid)
    kind = ack[ack.index(bytes([53, 1]), 240) + 2] if ack else None
    print(f"attempt {attempt}: {'ACK ' + socket.inet_ntoa(ack[16:20]) if kind == 5 else 'no ACK'}, {len(ack or b'')} bytes")
    sys.exit(0 if kind == 5 else 1)
sys.exit(1)
PY
client() { ip netns exec "$CLI" python3 "$WORK/client.py" "${2:-$MAC}" "${TAG}b" "$1" "${3:-}"; }
api() { ip netns exec "$CLI" curl -s -X "${2:-GET}" -H "Authorization: Bearer s3cret" "http://198.18.0.1:8067$1"; }
start_server "$WORK/dialtone.yaml" || exit 1
for _ in $(seq 1 30); do grep -q web.started "$WORK/server.log" && break; sleep 0.1; done

learns() {
    client 4 | tee "$WORK/first.out"
    # The first OFFER went unicast and was lost in the client's kernel; the next one was broadcast.
    grep -q "attempt 1: no OFFER heard" "$WORK/first.out" && grep -qE "attempt 2: ACK 198.18.0.1[0-9]" "$WORK/first.out"
}
check "a client that cannot take a unicast OFFER is leased at its next DISCOVER: the server learned to broadcast" learns

shows_it() {
    sleep 0.5 # the learned need and its event are written behind the replies
    out=$("$DIALTONE" explain "$MAC" --config "$WORK/dialtone.yaml")
    echo "$out" | head -12
    echo "$out" | grep -q "learned: replies broadcast since .* (DISCOVER again [0-9.]* s after our unicast OFFER of 198.18.0.1[0-9], with no REQUEST)" &&
        echo "$out" | grep -q "dhcp.client.learned" &&
        api "/api/devices/$MAC" | python3 -c "
import json, sys; d = json.load(sys.stdin); print(d['learned'])
assert [l['need'] for l in d['learned']] == ['broadcast'] and d['learned'][0]['description'] == 'replies broadcast'"
}
check "explain and the API say what was learned and from what" shows_it

kept() {
    stop_server
    start_server "$WORK/dialtone.yaml" >/dev/null || return 1
    for _ in $(seq 1 30); do grep -q web.started "$WORK/server.log" && break; sleep 0.1; done
    client 1
}
check "after a restart the learned need applies from the first DISCOVER" kept

forgets() {
    out=$(ip netns exec "$SRV" "$DIALTONE" forget "$MAC" --config "$WORK/dialtone.yaml"); echo "$out"
    echo "$out" | grep -q "forgotten by the running server" || return 1
    again=$(ip netns exec "$SRV" "$DIALTONE" forget "$MAC" --config "$WORK/dialtone.yaml"); echo "$again"
    echo "$again" | grep -q "nothing learned" || return 1
    # Unicast again: the client's one attempt hears no OFFER.
    ! client 1 && api "/api/devices/$MAC" | grep -q '"learned":\[\]'
}
check "dialtone forget, through the running server: unicast again, and the API shows nothing learned" forgets

offline() {
    client 3 >/dev/null || return 1 # learned again
    stop_server
    out=$("$DIALTONE" forget "$MAC" --config "$WORK/dialtone.yaml"); echo "$out"
    echo "$out" | grep -q "forgot replies broadcast" && "$DIALTONE" explain "$MAC" --config "$WORK/dialtone.yaml" | grep -q "dhcp.client.forgotten" &&
        ! "$DIALTONE" explain "$MAC" --config "$WORK/dialtone.yaml" | grep -q "learned: replies"
}
check "dialtone forget with no server running writes the store itself" offline

# What the server's timeline says it sent the size client: "NAME BYTES REASON" per OFFER and ACK, oldest first.
sent_sizes() {
    api "/api/devices/$BIG" | python3 -c "
import json, sys
for e in reversed(json.load(sys.stdin)['timeline']):
    if e['name'] in ('dhcp.offer.sent', 'dhcp.ack.sent'):
        print(e['name'], e['metadata']['dhcp.reply_bytes'], e['metadata'].get('reason', '-'))"
}
# Polls (the learned need and the events are written behind the replies) for up to 5 s.
eventually() { for _ in $(seq 1 50); do "$@" && return 0; sleep 0.1; done; "$@"; }
learned_small() { "$DIALTONE" explain "$BIG" --config "$WORK/dialtone.yaml" | grep -q "learned: replies within"; }
six_sent() { [ "$(sent_sizes | wc -l)" -ge 6 ]; }

small() {
    start_server "$WORK/dialtone.yaml" >/dev/null || return 1
    for _ in $(seq 1 30); do grep -q web.started "$WORK/server.log" && break; sleep 0.1; done
    client 5 "$BIG" big | tee "$WORK/big.out"
    # Two OFFERs over 576 bytes died in the veth; the third, the trial within 576, was heard and taken.
    grep -q "attempt 2: no OFFER heard" "$WORK/big.out" &&
        grep -qE "attempt 3: OFFER 198.18.0.1[0-9] heard" "$WORK/big.out" &&
        grep -qE "attempt 3: ACK 198.18.0.1[0-9]" "$WORK/big.out" || return 1
    eventually learned_small || return 1
    out=$("$DIALTONE" explain "$BIG" --config "$WORK/dialtone.yaml"); echo "$out" | head -12
    echo "$out" | grep -q "learned: replies within 576 bytes since .* (REQUEST for our [0-9]*-byte OFFER of 198.18.0.1[0-9], sent within 576 bytes after 2 larger ones were ignored)" &&
        echo "$out" | grep -q "trying a reply within 576 bytes: 2 OFFERs over 576 bytes ignored" &&
        ! echo "$out" | grep -q "learned: replies broadcast" || return 1
    # The sizes as sent: two OFFERs over 548 bytes of DHCP, then the trial and its ACK within 548.
    sent_sizes | tee "$WORK/sizes.out"
    awk 'NR <= 2 && !($1 == "dhcp.offer.sent" && $2 > 548) { bad = 1 }
         NR == 3 && !($1 == "dhcp.offer.sent" && $2 <= 548 && $3 == "trying") { bad = 1 }
         NR == 4 && !($1 == "dhcp.ack.sent" && $2 <= 548) { bad = 1 }
         END { exit bad || NR != 4 }' "$WORK/sizes.out" &&
        api "/api/devices/$BIG" | python3 -c "
import json, sys; d = json.load(sys.stdin)
assert [l['need'] for l in d['learned']] == ['small'] and d['learned'][0]['description'] == 'replies within 576 bytes', d['learned']"
}
check "a client that never sees an OFFER over 576 bytes gets a 576-byte one after two misses, and the server learns it" small

small_kept() {
    stop_server
    start_server "$WORK/dialtone.yaml" >/dev/null || return 1
    for _ in $(seq 1 30); do grep -q web.started "$WORK/server.log" && break; sleep 0.1; done
    client 1 "$BIG" big && eventually six_sent
    sent_sizes | tail -2 | tee /dev/stderr | awk '$2 > 548 { bad = 1 } END { exit bad || NR != 2 }'
}
check "after a restart a small-replies client is answered within 576 bytes from its first DISCOVER" small_kept
finish
