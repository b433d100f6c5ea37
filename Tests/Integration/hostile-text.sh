#!/bin/bash
# Nothing from the wire is trusted as text (issue 14, docs/security.md). Real tools send hostile values (CR,
# LF, ESC sequences, NUL where the protocol carries it, DEL, 8-bit CSI, invalid UTF-8, a right-to-left
# override, 60 KiB) as a DHCP hostname (udhcpc -x) and vendor class (-V), syslog text, tag and host (logger,
# and one raw RFC 3164 datagram), TFTP file names (tftp-hpa, and one raw 60 KiB request), HTTP path and query
# values (curl), and a TFTP server's ERROR text to `dialtone tftp`. Then every output is read: the log,
# syslog.file, `explain`, `leases` (text, --json, export), the API and the live log (json.loads): no forged
# line, no raw control byte.
. "$(dirname "$0")/lib.sh"
for tool in busybox tftp logger curl python3; do command -v $tool >/dev/null || { echo "missing $tool"; exit 1; }; done
make_link || { echo "cannot create namespaces (need root and iproute2)"; exit 1; }
MAC=02:00:00:00:14:02
ip -n "$CLI" link set "${TAG}b" address $MAC
mkdir -p "$WORK/root"
dhcp_config "198.18.0.100-198.18.0.150"
cat >>"$WORK/dialtone.yaml" <<YAML
tftp: { root: $WORK/root, listen: ["198.18.0.1:69"] }
syslog: { listen: ["198.18.0.1:514"] }
web: { listen: "127.0.0.1:8067" }
YAML
cat >"$WORK/hook.sh" <<'HOOK'
#!/bin/sh
[ "$1" = bound ] && ip addr add "$ip/24" dev "$interface"
exit 0
HOOK
chmod +x "$WORK/hook.sh"
start_server "$WORK/dialtone.yaml" || exit 1
for _ in $(seq 1 50); do grep -q web.started "$WORK/server.log" && break; sleep 0.1; done

# Each value starts a "FORGED" line if it is ever written raw; \xff\xfe is invalid UTF-8.
EVIL=$'x\nFORGED 2026-12-02T00:00:00.000Z info dhcp.ack.sent\r\e[2J\e]0;owned\a\x7f\xc2\x9b31m\xff\xfe\xe2\x80\xae'

# A file, or stdin when "-": no line starts with FORGED, no control byte but the line ends, no 8-bit CSI,
# no DEL, no direction override; "json": the whole must parse, "sse": every data line, "csv": CRLF ends.
cat >"$WORK/inert.py" <<'PY'
import json, re, sys
path = sys.argv[1]; mode = sys.argv[2] if len(sys.argv) > 2 else ""
data = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()
bad = []
for n, line in enumerate(data.split(b"\n"), 1):
    if line.startswith(b"FORGED") or b"\nFORGED" in line: bad.append(f"line {n}: forged line")
    if mode == "csv" and line.endswith(b"\r"): line = line[:-1]  # RFC 4180 record separator
    raw = [c for c in line if c < 0x20 or c == 0x7f]
    if raw: bad.append(f"line {n}: raw control bytes {sorted(set(raw))}")
    text = line.decode("utf-8", "replace")
    if re.search("[\u0080-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]", text): bad.append(f"line {n}: raw C1 or direction character")
    if mode == "sse" and line.startswith(b"data:"): json.loads(line[5:])
if mode == "json": json.loads(data)
if bad: print(path, len(data), "bytes:", *bad[:5], sep="\n  "); sys.exit(1)
print(path, len(data), "bytes inert")
PY
inert() { python3 "$WORK/inert.py" "$@"; } # file|- [json|sse|csv]

hostile_dhcp() {
    ip netns exec "$CLI" busybox udhcpc -i "${TAG}b" -f -q -n -t 4 -T 1 -s "$WORK/hook.sh" \
        -x "hostname:$EVIL" -V "Cisco$EVIL" >/dev/null 2>&1
    # udhcpc sends the hostname up to its first space, the vendor class whole.
    ip -n "$CLI" -4 addr show dev "${TAG}b" | grep -o "198.18.0.1[0-9][0-9]" &&
        grep -qF 'dhcp.hostname="x\nFORGED"' "$WORK/server.log" &&
        grep -qF 'dhcp.vendor_class="Ciscox\nFORGED 2026-12-02T00:00:00.000Z info dhcp.ack.sent\r\u{1B}[2J\u{1B}]0;owned\u{7}\u{7F}\u{9B}31m' "$WORK/server.log"
}
check "DHCP: udhcpc with a hostile hostname and vendor class is served, the values escaped in the log" hostile_dhcp

hostile_syslog() {
    # logger refuses a tag with control characters; the raw datagram below carries one.
    ip netns exec "$CLI" logger --udp --server 198.18.0.1 --port 514 -t phone "text$EVIL"
    ip netns exec "$CLI" logger --udp --server 198.18.0.1 --port 514 --size 61440 -t big "$(python3 -c 'print("L\r\n\x1b" * 15000, end="")')"
    # RFC 3164 with a hostile HOSTNAME field (logger always sends its own): one raw datagram.
    ip netns exec "$CLI" python3 -c '
import socket, sys
evil = b"x\nFORGED line\r\x1b[2J\x00\x7f\xc2\x9b\xff"
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"<13>Dec  2 00:00:00 host" + evil + b" app" + evil + b": text" + evil, ("198.18.0.1", 514))'
    sleep 1
    grep -c "syslog.message" "$WORK/server.log"; [ "$(grep -c syslog.message "$WORK/server.log")" -ge 3 ] &&
        grep -aqF "phone: textx#012FORGED 2026-12-02T00:00:00.000Z info dhcp.ack.sent#015#033[2J#033]0;owned#007#177#233" "$WORK/state/syslog.log" &&
        grep -aqF 'syslog.text="textx\nFORGED 2026-12-02T00:00:00.000Z info dhcp.ack.sent\r\u{1B}[2J' "$WORK/server.log"
}
check "syslog: logger's hostile text, 60 KiB, and a raw hostile HOSTNAME and tag are received, escaped" hostile_syslog

hostile_tftp() {
    # tftp-hpa splits its command line at white space: its name has the escapes, the raw request the rest.
    (cd "$WORK" && ip netns exec "$CLI" tftp 198.18.0.1 -m binary -c get $'fw\e[2J\e]0;owned\a\x7f\xc2\x9b\xff\xe2\x80\xae.bin') >/dev/null 2>&1
    ip netns exec "$CLI" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
for name in [b"raw\r\nFORGED\x1b[2J\x7f\xc2\x9b\xff" * 60, b"big\n\x1b" * 20000]:
    s.sendto(b"\x00\x01" + name + b"\x00octet\x00", ("198.18.0.1", 69))
    try: print(s.recv(600)[:40])
    except Exception as e: print(e)'
    sleep 0.5
    grep -aqF 'tftp.request.refused client.address=198.18.0.100' "$WORK/server.log" &&
        grep -aqF 'tftp.file="fw\u{1B}[2J\u{1B}]0;owned\u{7}\u{7F}\u{9B}' "$WORK/server.log" &&
        grep -aqF 'tftp.file="raw\r\nFORGED\u{1B}[2J\u{7F}\u{9B}' "$WORK/server.log"
}
check "TFTP: hostile file names from tftp-hpa and raw requests (one of 60 KiB) are refused, names escaped" hostile_tftp

hostile_http() {
    ip netns exec "$SRV" curl -s "http://127.0.0.1:8067/api/syslog?limit=%1b%5b2J%0d%0aFORGED%7f%c2%9b%ff%e2%80%ae" >"$WORK/http1"
    ip netns exec "$SRV" curl -s "http://127.0.0.1:8067/api/devices/%1b%5b2J%0aFORGED%00" >"$WORK/http2"
    cat "$WORK/http1" "$WORK/http2"; echo
    inert "$WORK/http1" json && inert "$WORK/http2" json &&
        python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["error"]["message"]; assert "`\\u{1B}[2J\\r\\nFORGED" in m, m' "$WORK/http1"
}
check "HTTP: hostile query and path values come back as inert JSON" hostile_http

# A TFTP server that answers every request with an ERROR full of escapes: `dialtone tftp` prints it.
hostile_server_error() {
    ip netns exec "$SRV" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("198.18.0.1", 6969)); s.settimeout(10)
_, peer = s.recvfrom(2048)
s.sendto(b"\x00\x05\x00\x01no such file\r\nFORGED\x1b[2J\x1b]0;owned\x07\xc2\x9b\xff\x00", peer)' &
    local pid=$!; sleep 0.5
    ip netns exec "$CLI" "$DIALTONE" tftp get 198.18.0.1:6969 x "$WORK/y" --retries 1 >"$WORK/client.out" 2>&1
    wait $pid; cat "$WORK/client.out"
    inert "$WORK/client.out" && grep -q 'no such file\\r\\nFORGED\\u{1B}\[2J' "$WORK/client.out"
}
check "dialtone tftp: a server's hostile ERROR text is printed inert" hostile_server_error

outputs_inert() {
    local ok=0
    echo "== server.log"; inert "$WORK/server.log" || ok=1
    # Every log line is one of ours: it starts with a timestamp and a level.
    grep -vE '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:.]{12}Z (trace|debug|info|notice|warning|error|critical) ' "$WORK/server.log" | head -3 | grep . && ok=1
    echo "== syslog.log"; inert "$WORK/state/syslog.log" || ok=1
    grep -vE '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T' "$WORK/state/syslog.log" | head -3 | grep . && ok=1
    echo "== explain"
    "$DIALTONE" explain $MAC --config "$WORK/dialtone.yaml" 2>&1 | tee "$WORK/explain.out" | grep -aqF 'vendor class: Ciscox\nFORGED' || ok=1
    inert "$WORK/explain.out" || ok=1
    echo "== leases"; "$DIALTONE" leases --config "$WORK/dialtone.yaml" 2>&1 | inert - || ok=1
    "$DIALTONE" leases --config "$WORK/dialtone.yaml" --json | tee "$WORK/leases.json" | inert - json || ok=1
    python3 -c 'import json,sys; h=json.load(open(sys.argv[1]))[0]["hostname"]; assert h == "x\nFORGED", h' "$WORK/leases.json" || ok=1
    echo "== leases export"; "$DIALTONE" leases export --config "$WORK/dialtone.yaml" | inert - csv || ok=1
    for path in leases devices "devices/$MAC" syslog transfers; do
        echo "== /api/$path"; ip netns exec "$SRV" curl -s "http://127.0.0.1:8067/api/$path" | tee "$WORK/api.json" | inert - json || ok=1
    done
    # JSON escapes lose nothing: the vendor class reads back as sent (invalid UTF-8 as U+FFFD).
    ip netns exec "$SRV" curl -s "http://127.0.0.1:8067/api/devices/$MAC" | python3 -c '
import json, sys
v = json.load(sys.stdin)["vendor_class"]
assert v == "Ciscox\nFORGED 2026-12-02T00:00:00.000Z info dhcp.ack.sent\r\x1b[2J\x1b]0;owned\x07\x7f\x9b31m\ufffd\ufffd\u202e", repr(v)' || ok=1
    ip netns exec "$SRV" curl -s -N --max-time 2 http://127.0.0.1:8067/api/events | inert - sse
    [ ${PIPESTATUS[1]} -eq 0 ] || ok=1
    return $ok
}
check "outputs: log, syslog.file, explain, leases (text, JSON, CSV), the API and the live log are inert" outputs_inert
stop_server
finish
