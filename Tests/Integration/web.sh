#!/bin/bash
# The HTTP API and dashboard with real traffic: three simulated 7970s provisioned through DHCP and TFTP, then
# the API read with curl from the other namespace, with and without the token.
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null && command -v python3 >/dev/null || { echo "missing curl or python3"; exit 1; }
make_link || { echo "cannot create namespaces (need root and iproute2)"; exit 1; }
ip -n "$CLI" addr add 198.18.0.2/24 dev "${TAG}b"
for i in $(seq 100 105); do ip -n "$CLI" addr add 198.18.0.$i/32 dev "${TAG}b"; done
"$DIALTONE" _make-bundle "$WORK/root" --component-size 4000 >/dev/null || exit 1
cat >"$WORK/dialtone.yaml" <<YAML
state_dir: $WORK/state
dhcp:
  interfaces: [${TAG}a]
  subnets:
    - subnet: 198.18.0.0/24
      pools: ["198.18.0.100-198.18.0.105"]
tftp:
  root: $WORK/root
phones:
  default_loads: { CP-7970G: TERM70.7-0-2-0S }
  upgrade_paths: { CP-7970G: [TERM70.7-0-2-0S, SCCP70.8-2-2SR1S, SCCP70.8-5-2S, SIP70.9-2-1S] }
web:
  listen: "198.18.0.1:8067"
  token: "s3cret"
YAML
start_server "$WORK/dialtone.yaml" || exit 1
for _ in $(seq 1 30); do grep -q web.started "$WORK/server.log" && break; sleep 0.1; done
ip netns exec "$CLI" "$DIALTONE" simulate --server 198.18.0.1 --relay 198.18.0.2 --bind-leased --count 3 --mac 00:1e:7a:00:00:a1 >"$WORK/sim.out" 2>&1
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
        echo "$out" | grep -q '^dialtone_dhcp_pool_size{subnet="198.18.0.0/24"} 6'
}
check "GET /metrics: DHCP messages, offer latency histogram, pool usage, TFTP transfers (Prometheus text)" metrics

dashboard() {
    page=$(api /); echo "$page" | head -3
    echo "$page" | grep -q "<title>Dialtone</title>" && echo "$page" | grep -q "/api/devices"
}
check "GET / serves the dashboard page" dashboard

finish
