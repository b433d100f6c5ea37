#!/bin/bash
# The phone simulator against a server we did not write: dnsmasq answering the relayed DHCP and serving
# TFTP from a folder laid out by hand (term70.default.loads, the components, a SEP<MAC>.cnf.xml).
. "$(dirname "$0")/lib.sh"
command -v dnsmasq >/dev/null || { echo "dnsmasq missing (Debian package dnsmasq-base)"; exit 1; }
make_link || { echo "cannot create namespaces (need root and iproute2)"; exit 1; }
ip -n "$CLI" addr add 198.18.0.2/24 dev "${TAG}b"
for i in $(seq 100 105); do ip -n "$CLI" addr add 198.18.0.$i/32 dev "${TAG}b"; done
ROOT="$WORK/root"
"$DIALTONE" _make-bundle "$ROOT" --component-size 4000 >/dev/null || exit 1
# dnsmasq matches names exactly: give it the names the phone asks for, as a careful admin would.
mv "$ROOT/Jar70sccp.7-0-2-0.sbn" "$ROOT/jar70sccp.7-0-2-0.sbn"
cp "$ROOT/TERM70.7-0-2-0S.loads" "$ROOT/term70.default.loads"
cat >"$ROOT/SEP001E7A0000D1.cnf.xml" <<'XML'
<device><deviceProtocol>SCCP</deviceProtocol><loadInformation>TERM70.7-0-2-0S</loadInformation></device>
XML
chmod -R a+rX "$WORK"
ip netns exec "$SRV" dnsmasq -d -k -p 0 --conf-file=/dev/null -i "${TAG}a" --bind-interfaces --no-ping \
    --dhcp-range=198.18.0.100,198.18.0.105,255.255.255.0,1h --dhcp-option=150,198.18.0.1 \
    --dhcp-leasefile="$WORK/dnsmasq.leases" --enable-tftp --tftp-root="$ROOT" --user=root >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
sleep 1

against_dnsmasq() {
    out=$(ip netns exec "$CLI" "$DIALTONE" simulate --server 198.18.0.1 --relay 198.18.0.2 --bind-leased --mac 00:1e:7a:00:00:d1 2>&1); rc=$?
    echo "$out"
    [ $rc -eq 0 ] && echo "$out" | grep -qE "done: 198\.18\.0\.10[0-5], loads TERM70.7-0-2-0S, 7 files" && ! echo "$out" | grep -q "] rejected "
}
check "a simulated 7970 recovers from dnsmasq (DHCP via relay, TFTP) and accepts its offer" against_dnsmasq

finish
