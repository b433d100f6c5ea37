#!/bin/bash
# The HTTP file service (issue 16) against curl, across a veth between two namespaces: a "7970" (MAC
# 00:1e:7a:25:54:a1) leases an address with udhcpc, then fetches from the TFTP root over HTTP on 6970 and
# 8080: byte-exact GETs (one file past the hot-file cache, streamed), HEAD, single ranges (206, suffix,
# 416), a resumed download, validators (ETag, Last-Modified, 304), case-insensitive names, the root jail,
# the generated SEP<MAC>.cnf.xml and default-load alias, a climb of the upgrade ladder over HTTP alone, and
# every fetch on the device's timeline (`explain`, /api/devices, /api/transfers).
. "$(dirname "$0")/lib.sh"
for tool in curl busybox python3; do command -v $tool >/dev/null || { echo "missing $tool"; exit 1; }; done
make_link || { echo "cannot create namespaces (need root and iproute2)"; exit 1; }
MAC=00:1e:7a:25:54:a1
ip -n "$CLI" link set "${TAG}b" address $MAC
ROOT="$WORK/root"
"$DIALTONE" _make-bundle "$ROOT" --component-size 20000 >/dev/null || exit 1
mkdir -p "$ROOT/Firmware"
head -c 1048576 /dev/urandom >"$ROOT/1m.bin"
# Past FileCache's 64 MiB entry limit: read with pread per chunk, never whole.
head -c 83886080 /dev/urandom >"$ROOT/80m.img"
head -c 300000 /dev/urandom >"$ROOT/Firmware/Jar70sccp.9-9-9.sbn"
mkdir -p "$ROOT/efi" && head -c 200000 /dev/urandom >"$ROOT/efi/ipxe.efi"
echo "secret" >"$WORK/canary.txt"
ln -s "$WORK/canary.txt" "$ROOT/escape"
WEB=$((20000 + $$ % 20000))
dhcp_config "198.18.0.100-198.18.0.150"
# UEFI HTTP Boot (x64 HTTP, option 93 = 16) gets ipxe.efi as a URL on the first http.listen address.
cat >>"$WORK/dialtone.yaml" <<YAML
      boot_files: { http64: "efi/ipxe.efi" }
tftp:
  root: $ROOT
  listen: ["198.18.0.1:69"]
http:
  listen: ["198.18.0.1:6970", "198.18.0.1:8080"]
web:
  listen: "127.0.0.1:$WEB"
phones:
  default_loads: { CP-7970G: TERM70.7-0-2-0S }
  upgrade_paths:
    CP-7970G: [TERM70.7-0-2-0S, SCCP70.8-2-2SR1S, SCCP70.8-5-2S, SIP70.9-2-1S]
YAML
cat >"$WORK/hook.sh" <<'HOOK'
#!/bin/sh
[ "$1" = bound ] && ip addr add "$ip/24" dev "$interface"
exit 0
HOOK
chmod +x "$WORK/hook.sh"
start_server "$WORK/dialtone.yaml" || exit 1
for _ in $(seq 1 50); do grep -q http.started "$WORK/server.log" && break; sleep 0.1; done
ip netns exec "$CLI" busybox udhcpc -i "${TAG}b" -f -q -n -t 4 -T 1 -V "Cisco Systems, Inc. IP Phone CP-7970G" \
    -s "$WORK/hook.sh" >/dev/null 2>&1
C() { ip netns exec "$CLI" curl -s --max-time 60 "$@"; }
URL=http://198.18.0.1:6970
mkdir -p "$WORK/dl"

listening() {
    grep 'http.started' "$WORK/server.log" | grep -q 'http.listen=198.18.0.1:6970,198.18.0.1:8080' &&
        ip -n "$CLI" addr show "${TAG}b" | grep -q 'inet 198.18.0.1[0-4][0-9]/24'
}
check "http.started on both addresses; the client has a lease" listening

whole() {
    for port in 6970 8080; do
        C -o "$WORK/dl/1m" "http://198.18.0.1:$port/1m.bin" && cmp "$ROOT/1m.bin" "$WORK/dl/1m" || return 1
    done
    C -D "$WORK/h" -o "$WORK/dl/80m" "$URL/80m.img" && cmp "$ROOT/80m.img" "$WORK/dl/80m" || return 1
    tr -d '\r' <"$WORK/h" | grep -qx 'Content-Length: 83886080'
}
check "GET 1 MiB on 6970 and 8080 and 80 MiB (streamed past the cache) byte-exact, with Content-Length" whole

flat_memory() {
    pid=$(pgrep -f -n "dialtone serve --config $WORK/dialtone.yaml") || return 1
    before=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
    C -o /dev/null "$URL/80m.img" && C -o /dev/null "$URL/80m.img" || return 1
    after=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
    echo "RSS ${before} kB -> ${after} kB for two 80 MiB responses"
    [ $((after - before)) -lt 40960 ]
}
check "two more 80 MiB responses grow the server's RSS by less than 40 MiB (chunks, not the file)" flat_memory

head_request() {
    C -I "$URL/1m.bin" | tr -d '\r' >"$WORK/h" || return 1
    cat "$WORK/h"
    grep -qx 'HTTP/1.1 200 OK' "$WORK/h" && grep -qx 'Content-Length: 1048576' "$WORK/h" &&
        grep -qx 'Accept-Ranges: bytes' "$WORK/h" && grep -q '^ETag: "100000-' "$WORK/h" &&
        grep -q '^Last-Modified: .* GMT$' "$WORK/h"
}
check "HEAD: 200 with Content-Length, Accept-Ranges, ETag and Last-Modified, no body" head_request

ranges() {
    C -D "$WORK/h" -r 100-199 -o "$WORK/dl/part" "$URL/1m.bin" || return 1
    tr -d '\r' <"$WORK/h" | grep -qx 'HTTP/1.1 206 Partial Content' || { cat "$WORK/h"; return 1; }
    tr -d '\r' <"$WORK/h" | grep -qx 'Content-Range: bytes 100-199/1048576' || return 1
    cmp "$WORK/dl/part" <(tail -c +101 "$ROOT/1m.bin" | head -c 100) || return 1
    C -r -10 -o "$WORK/dl/tail" "$URL/1m.bin" && cmp "$WORK/dl/tail" <(tail -c 10 "$ROOT/1m.bin") || return 1
    code=$(C -D "$WORK/h" -o /dev/null -w '%{http_code}' -r 2000000- "$URL/1m.bin")
    [ "$code" = 416 ] && tr -d '\r' <"$WORK/h" | grep -qx 'Content-Range: bytes \*/1048576'
}
check "Range: 206 with Content-Range, a suffix range, 416 beyond the end" ranges

resume() {
    head -c 300000 "$ROOT/80m.img" >"$WORK/dl/resumed"
    C -C - -o "$WORK/dl/resumed" "$URL/80m.img" && cmp "$ROOT/80m.img" "$WORK/dl/resumed"
}
check "curl -C - resumes an interrupted 80 MiB download byte-exact" resume

conditional() {
    tag=$(C -I "$URL/1m.bin" | tr -d '\r' | sed -n 's/^ETag: //p')
    date=$(C -I "$URL/1m.bin" | tr -d '\r' | sed -n 's/^Last-Modified: //p')
    [ "$(C -o /dev/null -w '%{http_code}' -H "If-None-Match: $tag" "$URL/1m.bin")" = 304 ] || return 1
    [ "$(C -o /dev/null -w '%{http_code}' -H "If-Modified-Since: $date" "$URL/1m.bin")" = 304 ] || return 1
    [ "$(C -o /dev/null -w '%{http_code}' -H 'If-None-Match: "stale"' "$URL/1m.bin")" = 200 ] || return 1
    # If-Range with a stale tag: the whole file, not the range.
    [ "$(C -o /dev/null -w '%{http_code}' -r 0-9 -H 'If-Range: "stale"' "$URL/1m.bin")" = 200 ] || return 1
    [ "$(C -o /dev/null -w '%{http_code}' -r 0-9 -H "If-Range: $tag" "$URL/1m.bin")" = 206 ] || return 1
    touch -d '2030-01-01' "$ROOT/1m.bin"
    [ "$(C -o /dev/null -w '%{http_code}' -H "If-None-Match: $tag" "$URL/1m.bin")" = 200 ]
}
check "ETag and Last-Modified revalidate (304); If-Range; a touched file gets a new tag" conditional

case_and_jail() {
    C -D "$WORK/h" -o "$WORK/dl/jar" "$URL/firmware%5CJAR70SCCP.9-9-9.SBN" || return 1
    cmp "$ROOT/Firmware/Jar70sccp.9-9-9.sbn" "$WORK/dl/jar" || return 1
    for path in /../canary.txt /%2e%2e/canary.txt /escape /..%5Ccanary.txt; do
        code=$(C --path-as-is -o "$WORK/dl/jail" -w '%{http_code}' "$URL$path")
        echo "$path -> $code"
        case $code in 400 | 403 | 404) ;; *) return 1 ;; esac
        ! grep -q secret "$WORK/dl/jail" || return 1
    done
    [ "$(C -o /dev/null -w '%{http_code}' "$URL/")" = 404 ] &&
        [ "$(C -o /dev/null -w '%{http_code}' -X POST "$URL/1m.bin")" = 405 ] &&
        C -o /dev/null -D - -X DELETE "$URL/1m.bin" | tr -d '\r' | grep -qx 'Allow: GET, HEAD'
}
check "case-insensitive names with backslashes; .., encoded .. and symlinks stay in the root; 405 with Allow" case_and_jail

virtual_files() {
    C -o "$WORK/dl/term70.default.loads" "$URL/term70.default.loads" || return 1
    cmp "$WORK/dl/term70.default.loads" "$ROOT/TERM70.7-0-2-0S.loads" || return 1
    C -D "$WORK/h" -o "$WORK/dl/sep.xml" "$URL/SEP001E7A2554A1.cnf.xml" || return 1
    tr -d '\r' <"$WORK/h" | grep -qx 'Content-Type: text/xml; charset=utf-8' &&
        grep -q '<loadInformation>' "$WORK/dl/sep.xml" && grep -q '^ETag: "g' <(tr -d '\r' <"$WORK/h")
}
check "virtual files: the default-load alias and a generated SEP<MAC>.cnf.xml with a content tag" virtual_files

ladder_over_http() {
    load() { sed -n 's:.*<loadInformation>\(.*\)</loadInformation>.*:\1:p' "$WORK/dl/sep.xml"; }
    # Recovery by HTTP alone: the default load's components, then one step per config fetch.
    for c in $(tr -d '\r' <"$WORK/dl/term70.default.loads" | strings | grep -E '\.sbn$'); do
        C -f -o /dev/null "$URL/$c" || { echo "component $c"; return 1; }
    done
    for expected in SCCP70.8-2-2SR1S SCCP70.8-5-2S SIP70.9-2-1S; do
        C -f -o "$WORK/dl/sep.xml" "$URL/SEP001E7A2554A1.cnf.xml" || return 1
        got=$(load); echo "config says $got"
        [ "$got" = "$expected" ] || { echo "expected $expected"; return 1; }
        C -f -o "$WORK/dl/$got.loads" "$URL/$got.loads" || return 1
        for c in $(tr -d '\r' <"$WORK/dl/$got.loads" | strings | grep -E '\.sbn$'); do
            C -f -o /dev/null "$URL/$c" || { echo "component $c"; return 1; }
        done
        sleep 0.3
    done
}
check "the upgrade ladder climbs on HTTP fetches alone (the provisioning observer sees them)" ladder_over_http

timeline() {
    C -o /dev/null "$URL/missing-file.bin"
    sleep 1.5
    out=$("$DIALTONE" explain $MAC --config "$WORK/dialtone.yaml" --limit 400)
    echo "$out" | grep -E 'http\.|HTTP' | head -12
    echo "$out" | grep -q 'http.transfer.completed  method=GET file=/SEP001E7A2554A1.cnf.xml status=200' &&
        echo "$out" | grep -q 'http.transfer.completed  method=GET file=/1m.bin status=206 range=bytes=100-199' &&
        echo "$out" | grep -q 'http.request.refused  method=GET file=/missing-file.bin status=404' &&
        echo "$out" | grep -q 'HTTP file missing: /missing-file.bin' &&
        echo "$out" | grep -qF 'case mismatch resolved over HTTP for /firmware\JAR70SCCP.9-9-9.SBN'
}
check "explain: every fetch on the phone's timeline (IP -> MAC by its lease), the HTTP findings" timeline

api() {
    ip netns exec "$SRV" python3 - "$WEB" "$MAC" <<'PY'
import json, sys, urllib.request
port, mac = sys.argv[1], sys.argv[2]
get = lambda p: json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}{p}", timeout=10))
device = get(f"/api/devices/{mac}")
names = [e["name"] for e in device["timeline"]]
assert "http.transfer.completed" in names and "http.request.refused" in names, names[:20]
transfers = get("/api/transfers")
http = [t for t in transfers["recent"] if t["id"] >= 1 << 32]
assert any(t["file"] == "/80m.img" and t["bytes"] == 83886080 and t["state"] == "completed" for t in http), http[-5:]
print(device["phase"], len(http), "HTTP transfers listed")
PY
}
check "/api/devices/MAC and /api/transfers show the HTTP fetches" api

# A scripted UEFI HTTP Boot client, as OVMF's HttpBootDxe asks: DISCOVER with option 60 HTTPClient and
# option 93 = 16. The OFFER must say HTTPClient back and name a URL (option 67 and the file field), which
# then serves the file.
http_boot() {
    ip netns exec "$CLI" python3 - "${TAG}b" >"$WORK/boot.out" <<'PY' || { cat "$WORK/boot.out"; return 1; }
import os, socket, struct, sys
ifname = sys.argv[1]
mac = bytes.fromhex(open(f"/sys/class/net/{ifname}/address").read().strip().replace(":", ""))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, ifname.encode())
s.bind(("0.0.0.0", 68))
s.settimeout(5)
xid = os.urandom(4)
vc = b"HTTPClient:Arch:00016:UNDI:003001"
options = bytes([53, 1, 1, 60, len(vc)]) + vc + bytes([93, 2, 0, 16, 55, 3, 1, 60, 67, 255])
packet = bytes([1, 1, 6, 0]) + xid + struct.pack("!HH", 0, 0x8000) + bytes(16) + mac + bytes(10 + 192)
s.sendto(packet + b"\x63\x82\x53\x63" + options, ("255.255.255.255", 67))
while True:
    data = s.recv(2048)
    if data[4:8] == xid and data[0] == 2:
        break
found, i = {}, 240
while i < len(data) and data[i] != 255:
    if data[i] == 0:
        i += 1
        continue
    found[data[i]] = data[i + 2 : i + 2 + data[i + 1]]
    i += 2 + data[i + 1]
file_field = data[108:236].rstrip(b"\0").decode()
print(f"type={found[53][0]} option60={found.get(60, b'').decode()} option67={found.get(67, b'').decode()} file={file_field}")
PY
    cat "$WORK/boot.out"
    grep -qx "type=2 option60=HTTPClient option67=http://198.18.0.1:6970/efi/ipxe.efi file=http://198.18.0.1:6970/efi/ipxe.efi" \
        "$WORK/boot.out" || return 1
    C -o "$WORK/dl/ipxe.efi" -D "$WORK/h" "http://198.18.0.1:6970/efi/ipxe.efi" && cmp "$ROOT/efi/ipxe.efi" "$WORK/dl/ipxe.efi" &&
        tr -d '\r' <"$WORK/h" | grep -qx 'Content-Type: application/efi'
}
check "UEFI HTTP Boot (scripted client): option 60 HTTPClient back, the URL in option 67 and file, the URL serves" http_boot

stop_server
finish
