#!/bin/bash
# A way in from the peers: real lease files written by dnsmasq, Kea and ISC dhcpd for real busybox udhcpc
# clients, imported with `dialtone leases import`; then `dialtone serve` on that state gives each client its
# address back. Also `dialtone config import` of the dnsmasq.conf dnsmasq itself ran with.
. "$(dirname "$0")/lib.sh"
for tool in dnsmasq kea-dhcp4 dhcpd busybox; do
    command -v $tool >/dev/null || { echo "$tool missing (Debian packages dnsmasq-base, kea-dhcp4-server, isc-dhcp-server, busybox)"; exit 1; }
done
make_link || { echo "cannot create namespaces (need root and iproute2)"; exit 1; }

# Dialtone's pool starts at .100; each peer leases from its own higher range, so a client that gets its
# peer's address back from Dialtone got it from the import, not from the allocator's first free address.
dhcp_config "198.18.0.100-198.18.0.150"
echo "      lease_time: 10m" >>"$WORK/dialtone.yaml"

cat >"$WORK/udhcpc.sh" <<'HOOK'
#!/bin/sh
[ "$1" = bound ] || exit 0
echo "$ip" >"$OUT"
# With ASSIGN set, take the address, so that `-R` can send its unicast RELEASE from it.
[ -n "$ASSIGN" ] && ip addr add "$ip/$mask" dev "$interface"
exit 0
HOOK
chmod +x "$WORK/udhcpc.sh"

lease_from() { # name mac [udhcpc options]: one udhcpc run on the client side; its address goes to $WORK/<name>.ip
    local name=$1 mac=$2; shift 2
    ip -n "$CLI" link set "${TAG}b" address "$mac"
    rm -f "$WORK/$name.ip"
    ip -n "$CLI" addr flush dev "${TAG}b"
    ip netns exec "$CLI" env OUT="$WORK/$name.ip" busybox udhcpc -i "${TAG}b" -f -q -n -t 5 -T 1 -s "$WORK/udhcpc.sh" "$@" >"$WORK/$name.udhcpc" 2>&1
    set -- "$name" "$mac"
    [ -s "$WORK/$1.ip" ] || { cat "$WORK/$1.udhcpc"; return 1; }
    echo "$1 leased $(cat "$WORK/$1.ip") to $2"
}

lease_and_release() { # name mac: lease, take the address, then release it (udhcpc -R on SIGTERM; with -q it
    # would exit before it counts as bound and send no RELEASE)
    ip -n "$CLI" link set "${TAG}b" address "$2"
    ip -n "$CLI" addr flush dev "${TAG}b"
    ip netns exec "$CLI" env OUT="$WORK/$1.ip" ASSIGN=1 busybox udhcpc -i "${TAG}b" -f -R -t 5 -T 1 -s "$WORK/udhcpc.sh" >"$WORK/$1.udhcpc" 2>&1 &
    local client=$!
    for _ in $(seq 1 100); do [ -s "$WORK/$1.ip" ] && break; sleep 0.1; done
    kill -TERM $client; wait $client
    cat "$WORK/$1.udhcpc"
    grep -q "unicasting a release" "$WORK/$1.udhcpc"
}

stop_peer() { kill "$PEER" 2>/dev/null; wait "$PEER" 2>/dev/null; PEER=; }

imported() { # format file name mac hostname [absent-mac]: import, then `leases --json` must hold the address
    # udhcpc got, for its MAC and hostname, and nothing for a MAC whose lease the peer ended
    "$DIALTONE" leases import --from "$1" "$2" --config "$WORK/dialtone.yaml" || return 1
    "$DIALTONE" leases --config "$WORK/dialtone.yaml" --json >"$WORK/leases.json"
    python3 - "$WORK/leases.json" "$(cat "$WORK/$3.ip")" "$4" "$5" "${6:-none}" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
ip, mac, hostname, absent = sys.argv[2:6]
match = [r for r in rows if r["ip"] == ip]
print(match)
ok = match and match[0]["mac"] == mac and match[0]["state"] == "bound" and match[0]["hostname"] == hostname
sys.exit(0 if ok and not [r for r in rows if r["mac"] == absent] else 1)
PY
}

# dnsmasq, from the config file `config import` reads below.
cat >"$WORK/dnsmasq.conf" <<CONF
port=0
interface=${TAG}a
bind-interfaces
dhcp-authoritative
dhcp-range=198.18.0.130,198.18.0.134,255.255.255.0,1h
dhcp-option=option:router,198.18.0.1
dhcp-option=150,198.18.0.1
dhcp-host=02:00:00:00:01:99,198.18.0.120,desk-phone
dhcp-leasefile=$WORK/dnsmasq.leases
CONF
ip netns exec "$SRV" dnsmasq -d -k --conf-file="$WORK/dnsmasq.conf" --user=root >"$WORK/dnsmasq.log" 2>&1 &
PEER=$!
sleep 1
check "udhcpc leases from dnsmasq" lease_from dnsmasq 02:00:00:00:01:01 -x hostname:dnsmasq-phone
stop_peer
cat "$WORK/dnsmasq.leases"
check "dnsmasq's lease file is imported: leases --json has its address and MAC" imported dnsmasq "$WORK/dnsmasq.leases" dnsmasq 02:00:00:00:01:01 dnsmasq-phone

dry_run_reports() {
    # dnsmasq's real file plus a line from another network, one outside the pools, and one garbled: a dry run
    # names each skipped line, writes nothing, and exits 1 for the unreadable one.
    { cat "$WORK/dnsmasq.leases"; echo "$(( $(date +%s) + 600 )) 02:00:00:00:01:07 203.0.113.7 elsewhere *"
      echo "$(( $(date +%s) + 600 )) 02:00:00:00:01:08 198.18.0.20 unpooled *"; echo "garbage"; } >"$WORK/mixed.leases"
    cp "$WORK/state/dialtone.sqlite" "$WORK/before.sqlite"
    "$DIALTONE" leases import --from dnsmasq "$WORK/mixed.leases" --config "$WORK/dialtone.yaml" --dry-run 2>"$WORK/dry.err"
    code=$?
    cat "$WORK/dry.err"; echo "exit $code"
    [ $code -eq 1 ] && cmp -s "$WORK/state/dialtone.sqlite" "$WORK/before.sqlite" &&
        grep -q "skipped $WORK/mixed.leases:2: 203.0.113.7: in no configured subnet" "$WORK/dry.err" &&
        grep -q "skipped $WORK/mixed.leases:3: 198.18.0.20: outside the pools" "$WORK/dry.err" &&
        grep -q "skipped $WORK/mixed.leases:4: expected 5 fields" "$WORK/dry.err"
}
check "a dry run reports each skipped line (another network, outside the pools, garbled), writes nothing, exits 1" dry_run_reports

# Kea with a memfile that persists and is never compacted, so the file is what Kea wrote.
cat >"$WORK/kea.json" <<JSON
{ "Dhcp4": {
    "interfaces-config": { "interfaces": [ "${TAG}a" ] },
    "lease-database": { "type": "memfile", "persist": true, "name": "$WORK/kea-leases4.csv", "lfc-interval": 0 },
    "valid-lifetime": 3600,
    "subnet4": [ { "id": 1, "subnet": "198.18.0.0/24", "pools": [ { "pool": "198.18.0.140 - 198.18.0.144" } ] } ],
    "loggers": [ { "name": "kea-dhcp4", "output_options": [ { "output": "stdout" } ], "severity": "INFO" } ]
} }
JSON
KEA_PIDFILE_DIR=$WORK KEA_LOCKFILE_DIR=$WORK ip netns exec "$SRV" kea-dhcp4 -c "$WORK/kea.json" >"$WORK/kea.log" 2>&1 &
PEER=$!
for _ in $(seq 1 50); do grep -q DHCP4_STARTED "$WORK/kea.log" && break; sleep 0.1; done
# The first client releases its lease on exit (-R): Kea appends the ended lease to its journal.
check "udhcpc leases from Kea and releases it" lease_and_release kea-released 02:00:00:00:01:05
check "udhcpc leases from Kea" lease_from kea 02:00:00:00:01:02 -x hostname:kea-phone
stop_peer
cat "$WORK/kea-leases4.csv"
check "Kea's memfile CSV is imported" imported kea "$WORK/kea-leases4.csv" kea 02:00:00:00:01:02 kea-phone 02:00:00:00:01:05

# ISC dhcpd (isc-dhcp-server 4.4, still in Debian 12 though end-of-life upstream).
cat >"$WORK/dhcpd.conf" <<CONF
default-lease-time 3600;
max-lease-time 7200;
authoritative;
subnet 198.18.0.0 netmask 255.255.255.0 { range 198.18.0.146 198.18.0.149; }
CONF
touch "$WORK/dhcpd.leases"
ip netns exec "$SRV" dhcpd -4 -f -d -cf "$WORK/dhcpd.conf" -lf "$WORK/dhcpd.leases" -pf "$WORK/dhcpd.pid" "${TAG}a" >"$WORK/dhcpd.log" 2>&1 &
PEER=$!
sleep 1
check "udhcpc leases from ISC dhcpd" lease_from dhcpd 02:00:00:00:01:03 -x hostname:dhcpd-phone
stop_peer
cat "$WORK/dhcpd.leases"
check "dhcpd.leases is imported" imported dhcpd "$WORK/dhcpd.leases" dhcpd 02:00:00:00:01:03 dhcpd-phone

exported() {
    "$DIALTONE" leases export --format csv --config "$WORK/dialtone.yaml" --output "$WORK/leases.csv" || return 1
    cat "$WORK/leases.csv"
    local peer
    for peer in dnsmasq kea dhcpd; do grep -q "^$(cat "$WORK/$peer.ip"),02:00:00:00:01:0" "$WORK/leases.csv" || return 1; done
}
check "leases export --format csv lists the three imported leases" exported

start_server "$WORK/dialtone.yaml" || exit 1

refused_while_serving() {
    "$DIALTONE" leases import --from dnsmasq "$WORK/dnsmasq.leases" --config "$WORK/dialtone.yaml" 2>"$WORK/refused.err"
    code=$?
    cat "$WORK/refused.err"; echo "exit $code"
    [ $code -eq 2 ] && grep -q "is in use by process $SERVER_PID" "$WORK/refused.err"
}
check "leases import refuses (exit 2) while dialtone serve holds the state directory" refused_while_serving

same_address_back() { # name mac
    expected=$(cat "$WORK/$1.ip")
    lease_from "$1-again" "$2" || return 1
    echo "expected $expected, got $(cat "$WORK/$1-again.ip")"
    [ "$(cat "$WORK/$1-again.ip")" = "$expected" ]
}
check "dialtone serve gives the dnsmasq client its imported address back" same_address_back dnsmasq 02:00:00:00:01:01
check "dialtone serve gives the Kea client its imported address back" same_address_back kea 02:00:00:00:01:02
check "dialtone serve gives the dhcpd client its imported address back" same_address_back dhcpd 02:00:00:00:01:03
stop_server

config_import() {
    mkdir -p "$WORK/imported"
    "$DIALTONE" config import --from dnsmasq "$WORK/dnsmasq.conf" --output "$WORK/imported/dialtone.yaml" 2>"$WORK/notes.err" || return 1
    cat "$WORK/imported/dialtone.yaml" "$WORK/notes.err"
    "$DIALTONE" check --config "$WORK/imported/dialtone.yaml"; [ $? -ne 2 ] || return 1
    grep -q 'pools: \["198.18.0.130-198.18.0.134"\]' "$WORK/imported/dialtone.yaml" &&
        grep -q 'mac: "02:00:00:00:01:99", ip: 198.18.0.120' "$WORK/imported/dialtone.yaml" &&
        grep -q "note: $WORK/dnsmasq.conf:1: \`port=0\` has no Dialtone equivalent" "$WORK/notes.err"
}
check "config import turns the dnsmasq.conf dnsmasq ran with into YAML that dialtone check accepts" config_import

# PEER_FILES_OUT=DIR keeps the three real lease files (Tests/Fixtures/peers/ came from such a run).
[ -n "${PEER_FILES_OUT:-}" ] && cp "$WORK/dnsmasq.leases" "$WORK/kea-leases4.csv" "$WORK/dhcpd.leases" "$PEER_FILES_OUT"/
finish
