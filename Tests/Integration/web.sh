#!/bin/bash
# The HTTP API and dashboard with real traffic: three simulated 7970s provisioned through DHCP and TFTP, then
# the API read with curl from the other namespace, with and without the token.
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null && command -v python3 >/dev/null || { echo "missing curl or python3"; exit 1; }
make_link || { echo "cannot create namespaces (need root and iproute2)"; exit 1; }
ip -n "$CLI" addr add 198.18.0.2/24 dev "${TAG}b"
for i in $(seq 100 105); do ip -n "$CLI" addr add 198.18.0.$i/32 dev "${TAG}b"; done
"$DIALTONE" _make-bundle "$WORK/root" --component-size 4000 >/dev/null || exit 1
dhcp_config "198.18.0.100-198.18.0.105"
cat >>"$WORK/dialtone.yaml" <<YAML
tftp:
  root: $WORK/root
phones:
  default_loads: { CP-7970G: TERM70.7-0-2-0S }
  upgrade_paths: { CP-7970G: [TERM70.7-0-2-0S, SCCP70.8-2-2SR1S, SCCP70.8-5-2S, SIP70.9-2-1S] }
syslog:
  listen: ["198.18.0.1:514"]
  file: $WORK/state/syslog.log
web:
  listen: "198.18.0.1:8067"
  token: "s3cret"
YAML
start_server "$WORK/dialtone.yaml" || exit 1
for _ in $(seq 1 30); do grep -q web.started "$WORK/server.log" && break; sleep 0.1; done
ip netns exec "$CLI" "$DIALTONE" simulate --server 198.18.0.1 --relay 198.18.0.2 --bind-leased --reboot-seconds 0.25 --count 3 --mac 00:1e:7a:00:00:a1 >"$WORK/sim.out" 2>&1
api() { ip netns exec "$CLI" curl -s -H "Authorization: Bearer s3cret" "http://198.18.0.1:8067$1"; }

token_required() {
    code=$(ip netns exec "$CLI" curl -s -o /dev/null -w '%{http_code}' http://198.18.0.1:8067/api/leases); echo "without token: $code"
    [ "$code" = 401 ] && [ "$(ip netns exec "$CLI" curl -s http://198.18.0.1:8067/healthz)" = ok ]
}
check "beyond loopback the API needs the token (healthz does not)" token_required

leases_json() {
    api /api/leases | python3 -c "
import json, sys; l = json.load(sys.stdin); print(l)
assert len(l) == 3 and all(x['state'] == 'bound' and x['ip'].startswith('198.18.0.1') and x['mac'].startswith('00:1e:7a') for x in l)"
}
check "GET /api/leases lists the three leases" leases_json

devices_json() {
    api /api/devices | python3 -c "
import json, sys; d = json.load(sys.stdin); print(d)
assert len(d) == 3
for x in d:
    assert x['phase'] == 'provisioned' and x['load'] == 'SIP70.9-2-1S' and x['vendor_class'].endswith('CP-7970G'), x
    assert x['findings'] and all(f['severity'] == 'info' for f in x['findings'])"
}
check "GET /api/devices: every phone provisioned on SIP70.9-2-1S, only the case-mismatch note as finding" devices_json

device_timeline() {
    api /api/devices/001e.7a00.00a1 | python3 -c "
import json, sys; d = json.load(sys.stdin)
names = [e['name'] for e in d['timeline']]; print(names[:8])
assert 'dhcp.ack.sent' in names and 'tftp.transfer.completed' in names and 'phone.upgrade.done' in names"
}
check "GET /api/devices/{mac} carries the timeline (DHCP, TFTP, provisioning)" device_timeline

transfers_json() {
    api /api/transfers | python3 -c "
import json, sys; t = json.load(sys.stdin); print(len(t['recent']), 'recent')
assert len(t['recent']) >= 3 * 28 and all(x['state'] in ('completed', 'failed') for x in t['recent'])
assert any(x['file'] == 'term70.default.loads' and x['state'] == 'completed' and x['bytes'] == x['size'] for x in t['recent'])"
}
check "GET /api/transfers lists recent transfers with sizes" transfers_json

metrics() {
    out=$(api /metrics); echo "$out" | grep -E "^dialtone_(dhcp_sent_total|dhcp_offer_latency_seconds_count|tftp_transfers_total|dhcp_pool_used)" | head
    echo "$out" | grep -q '^dialtone_dhcp_received_total{type="DISCOVER"} [1-9]' &&
        echo "$out" | grep -q '^dialtone_dhcp_sent_total{type="ACK"} 3' &&
        echo "$out" | grep -q '^dialtone_dhcp_offer_latency_seconds_bucket{le="0.001"}' &&
        echo "$out" | grep -qE '^dialtone_tftp_transfers_total\{result="completed"\} [0-9]{2,}' &&
        echo "$out" | grep -q '^dialtone_dhcp_pool_size{subnet="198.18.0.0/24"} 6' || return 1
    # The DHCP loop went real-time when it started (docs/dhcp.md "Sockets"), where the machine lets the user
    # `serve` switches to do so: root raises RLIMIT_RTPRIO to 1 first, which needs CAP_SYS_RESOURCE (a host's
    # root has it, Docker's does not: docs/security.md). The same steps, tried here with the same user.
    local u; u=$(served_user)
    if prlimit --rtprio=1:1 setpriv --reuid="$u" --regid="$(id -g "$u")" --clear-groups chrt -f 1 true 2>/dev/null; then
        echo "$out" | grep -E '^dialtone_dhcp_realtime_switches_total'
        echo "$out" | grep -qE '^dialtone_dhcp_realtime_switches_total\{to="realtime"\} [1-9]'
    fi
}
check "GET /metrics: DHCP messages, offer latency histogram, pool usage, TFTP transfers (Prometheus text)" metrics

cookie_login() {
    # A browser: the bare page is the login form; ?token= logs in and sets an HttpOnly cookie that then
    # opens the API (and the EventSource, which cannot send headers).
    local base=http://198.18.0.1:8067
    code=$(ip netns exec "$CLI" curl -s -o "$WORK/login.html" -w '%{http_code}' $base/); echo "bare /: $code"
    [ "$code" = 401 ] && grep -q 'name="token"' "$WORK/login.html" || return 1
    ip netns exec "$CLI" curl -s -o /dev/null -c "$WORK/jar" "$base/?token=s3cret"
    grep dialtone_token "$WORK/jar" | grep -q '#HttpOnly' || { cat "$WORK/jar"; return 1; }
    code=$(ip netns exec "$CLI" curl -s -o /dev/null -w '%{http_code}' -b "$WORK/jar" $base/api/leases); echo "with cookie: $code"
    [ "$code" = 200 ] || return 1
    code=$(ip netns exec "$CLI" curl -s -o /dev/null -w '%{http_code}' -b "dialtone_token=wrong" $base/api/leases); echo "wrong cookie: $code"
    [ "$code" = 401 ]
}
check "cookie login: login form at /, ?token= sets an HttpOnly cookie that opens the API" cookie_login

pools_json() {
    api /api/pools | python3 -c "
import json, sys; p = json.load(sys.stdin); print(p)
assert p == [{'subnet': '198.18.0.0/24', 'used': 3, 'size': 6}]"
}
check "GET /api/pools: 3 of 6 addresses in use" pools_json

syslog_json() {
    ip netns exec "$CLI" logger --udp --server 198.18.0.1 --port 514 --rfc5424 -t phoneapp -p local7.err "web test: RTP timeout"
    # The line reaches /api/syslog once the store writer has committed it: poll rather than guess how long
    # that takes on a loaded machine (a fixed 0.5 s flaked once).
    for _ in $(seq 1 50); do api "/api/syslog?limit=5" | grep -q "web test: RTP timeout" && break; sleep 0.2; done
    api "/api/syslog?limit=5" | python3 -c "
import json, sys; l = json.load(sys.stdin); print(l)
assert l[0]['text'] == 'web test: RTP timeout' and l[0]['severity'] == 'err' and l[0]['app'] == 'phoneapp', l[0]
assert l[0]['source'] == '198.18.0.2' and l[0].get('mac') is None, 'kept, though 198.18.0.2 holds no lease (syslog.sh checks the MAC tie)'"
}
check "GET /api/syslog: a logger line from an address without a lease is kept too" syslog_json

bad_limit() {
    out=$(ip netns exec "$CLI" curl -s -w ' %{http_code}' -H "Authorization: Bearer s3cret" "http://198.18.0.1:8067/api/syslog?limit=lots"); echo "$out"
    echo "$out" | grep -q "limit must be a whole number from 1 to 5000" && echo "$out" | grep -q " 400$"
}
check "GET /api/syslog?limit=lots answers 400 with the reason" bad_limit

openapi() {
    # Every route, its statuses and every body against docs/openapi.yaml; with a python that has PyYAML and
    # jsonschema (Debian's python3-yaml, python3-jsonschema: /usr/bin/python3 when another python3 is first).
    local py
    for py in python3 /usr/bin/python3; do "$py" -c "import yaml, jsonschema" 2>/dev/null && break; py=; done
    [ -n "$py" ] || { echo "no python3 with yaml and jsonschema (apt-get install python3-yaml python3-jsonschema)"; return 1; }
    local here; here=$(cd "$(dirname "$0")" && pwd)
    ip netns exec "$CLI" "$py" "$here/openapi_check.py" "$here/../../docs/openapi.yaml" http://198.18.0.1:8067 s3cret "$here/../../Sources/DialtoneHTTP"
}
check "every route answers as docs/openapi.yaml says (statuses, content types, schemas), and the spec lists every route" openapi
sed 's/^/     /' "$WORK/check.out"  # each request checked

live_events() {
    # Server-sent events: the recent log first, then live lines; a fourth phone must show up in the stream.
    # (Not udhcpc with a new MAC on the client's veth: the server's neighbour entry would keep the old MAC
    # and the stream's own packets would be lost.)
    ip netns exec "$CLI" timeout 4 curl -s -N -H "Authorization: Bearer s3cret" http://198.18.0.1:8067/api/events >"$WORK/sse.out" &
    local reader=$!
    sleep 1
    ip netns exec "$CLI" "$DIALTONE" simulate --server 198.18.0.1 --relay 198.18.0.2 --bind-leased --reboot-seconds 0.25 --count 1 --mac 00:1e:7a:00:00:b1 >"$WORK/sim4.out" 2>&1
    wait $reader  # not a bare `wait`: that would also wait for the server
    grep -c "^data: " "$WORK/sse.out"
    grep -q '^data: {.*"event":"phone.upgrade.done"' "$WORK/sse.out" &&
        grep -q '^data: {.*"client.mac":"00:1e:7a:00:00:b1".*"event":"dhcp.ack.sent"' "$WORK/sse.out"
}
check "GET /api/events streams the log as server-sent events (history, then live)" live_events

dashboard() {
    # The page, then the script it links (embedded in the binary, as the stylesheet), which draws from the API.
    page=$(api /); echo "$page" | grep -E "title|dashboard\.(css|js)"
    echo "$page" | grep -q "<title>Dialtone</title>" && echo "$page" | grep -q 'src="/dashboard.js"' &&
        echo "$page" | grep -q 'href="/dashboard.css"' && api /dashboard.js | grep -q "/api/devices"
}
check "GET / serves the dashboard page, and the script it links draws from the API" dashboard

sse_shutdown() {
    # An open dashboard must not hold the server up: SIGTERM ends the event stream and the process.
    ip netns exec "$CLI" curl -s -N -H "Authorization: Bearer s3cret" http://198.18.0.1:8067/api/events >/dev/null &
    local reader=$! pid=$SERVER_PID
    sleep 0.5
    kill -TERM "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then echo "server still running 5 s after SIGTERM"; kill -KILL "$pid"; kill "$reader"; return 1; fi
    SERVER_PID=
    for _ in $(seq 1 20); do kill -0 "$reader" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$reader" 2>/dev/null && { echo "curl still connected"; kill "$reader"; return 1; }
    wait "$reader"; grep -E "web.stopped|dialtone.stopped|stopped" "$WORK/server.log" | tail -3
}
check "SIGTERM with a live-log client connected: the stream ends, the server exits" sse_shutdown

finish
