#!/bin/bash
# Relayed DHCP: Kea's perfdhcp acts as a relay agent (giaddr = its own address, source port 67), the way a
# switch's `ip helper-address` does. Every DISCOVER and REQUEST must be answered to the relay, on port 67.
. "$(dirname "$0")/lib.sh"
command -v perfdhcp >/dev/null || { echo "perfdhcp missing (Debian package kea-admin)"; exit 1; }
make_link || { echo "cannot create namespaces (need root and iproute2)"; exit 1; }
ip -n "$CLI" addr add 198.18.0.2/24 dev "${TAG}b"

dhcp_config "198.18.0.100-198.18.0.250"
cat >>"$WORK/dialtone.yaml" <<YAML
      routers: [198.18.0.1]
YAML
start_server "$WORK/dialtone.yaml" || exit 1

relayed_exchanges() {
    # -W: wait 2 s after the last request for its reply; on a loaded machine the last OFFER or ACK could
    # otherwise arrive after perfdhcp stopped listening and count as a drop.
    ip netns exec "$CLI" perfdhcp -4 -l "${TAG}b" -r 20 -p 3 -R 50 -W 2000000 198.18.0.1 >"$WORK/perf.out" 2>&1
    cat "$WORK/perf.out" | grep -E "Rate|sent packets|received packets|drops:"
    sent=$(awk '/sent packets:/ {print $3}' "$WORK/perf.out" | sed -n 2p)
    acked=$(awk '/received packets:/ {print $3}' "$WORK/perf.out" | sed -n 2p)
    offered=$(awk '/received packets:/ {print $3}' "$WORK/perf.out" | sed -n 1p)
    discovers=$(awk '/sent packets:/ {print $3}' "$WORK/perf.out" | sed -n 1p)
    [ "${discovers:-0}" -ge 40 ] && [ "$offered" = "$discovers" ] && [ "$acked" = "$sent" ]
}
check "relayed DISCOVER/REQUEST answered to giaddr:67 (perfdhcp, no drops)" relayed_exchanges

relay_logged() {
    grep -m1 "dhcp.offer.sent" "$WORK/server.log"
    grep -q 'dhcp.offer.sent.*dhcp.destination="relay 198.18.0.2:67".*dhcp.giaddr=198.18.0.2' "$WORK/server.log"
}
check "the log names the relay as destination" relay_logged

finish
