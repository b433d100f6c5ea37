#!/bin/bash
# A real client behind a real relay (issue 14): busybox udhcpc on its own link, dnsmasq relaying to the
# server across a router namespace. After the relayed DISCOVER/REQUEST, the client renews at T1 the RFC
# 2131 §4.3.2 way: a REQUEST unicast straight from its ciaddr, giaddr 0, routed (not relayed). The server
# must pick the subnet holding ciaddr and ACK it; it used to drop it ("no subnet configured for interface").
. "$(dirname "$0")/lib.sh"
RLY=${TAG}r
EXTRA_NS=$RLY
command -v dnsmasq >/dev/null || { echo "dnsmasq missing (Debian package dnsmasq-base)"; exit 1; }

# server ${TAG}a 198.18.0.1/24 -- ${TAG}p 198.18.0.2/24 router/relay ${TAG}q 198.18.5.1/24 -- ${TAG}b client
ip netns add "$SRV" && ip netns add "$RLY" && ip netns add "$CLI" || { echo "cannot create namespaces (need root and iproute2)"; exit 1; }
ip link add "${TAG}a" type veth peer name "${TAG}p"
ip link add "${TAG}q" type veth peer name "${TAG}b"
ip link set "${TAG}a" netns "$SRV"; ip link set "${TAG}p" netns "$RLY"; ip link set "${TAG}q" netns "$RLY"; ip link set "${TAG}b" netns "$CLI"
ip -n "$SRV" addr add 198.18.0.1/24 dev "${TAG}a"; ip -n "$SRV" link set "${TAG}a" up; ip -n "$SRV" link set lo up
ip -n "$SRV" route add 198.18.5.0/24 via 198.18.0.2
ip -n "$RLY" addr add 198.18.0.2/24 dev "${TAG}p"; ip -n "$RLY" addr add 198.18.5.1/24 dev "${TAG}q"
ip -n "$RLY" link set "${TAG}p" up; ip -n "$RLY" link set "${TAG}q" up; ip -n "$RLY" link set lo up
ip netns exec "$RLY" sysctl -qw net.ipv4.ip_forward=1
ip -n "$CLI" link set "${TAG}b" up; ip -n "$CLI" link set lo up

dhcp_config "198.18.0.100-198.18.0.150"
cat >>"$WORK/dialtone.yaml" <<YAML
    - subnet: 198.18.5.0/24
      pools: ["198.18.5.100-198.18.5.150"]
      routers: [198.18.5.1]
      lease_time: 1h
YAML
start_server "$WORK/dialtone.yaml" || exit 1
# dnsmasq as the relay agent only (no DNS, no DHCP server of its own): giaddr 198.18.5.1, to 198.18.0.1.
ip netns exec "$RLY" dnsmasq -d -k -p 0 --conf-file=/dev/null --dhcp-relay=198.18.5.1,198.18.0.1 -i "${TAG}q" \
    --bind-interfaces --user=root >"$WORK/relay.log" 2>&1 &

cat >"$WORK/udhcpc.sh" <<'HOOK'
#!/bin/sh
# udhcpc hook: configure the address and route (the renewal goes out from them) and record each event.
case "$1" in
bound)
    ip addr add "$ip/$mask" dev "$interface"
    ip route add default via "$router"
    echo "bound ip=$ip serverid=$serverid" >>"$OUT" ;;
renew) echo "renew ip=$ip" >>"$OUT" ;;
esac
HOOK
chmod +x "$WORK/udhcpc.sh"
OUT="$WORK/events" ip netns exec "$CLI" busybox udhcpc -i "${TAG}b" -f -t 5 -T 1 -s "$WORK/udhcpc.sh" >"$WORK/udhcpc.log" 2>&1 &
UDHCPC=$!

leased_through_relay() {
    for _ in $(seq 1 100); do grep -q "^bound" "$WORK/events" 2>/dev/null && break; sleep 0.1; done
    cat "$WORK/events"
    grep -q "^bound ip=198.18.5.1[0-5][0-9] serverid=198.18.0.1" "$WORK/events" \
        && grep -q 'dhcp.ack.sent.*dhcp.destination="relay 198.18.5.1:67"' "$WORK/server.log"
}
check "udhcpc behind a dnsmasq relay gets a lease from the relay's subnet" leased_through_relay

renews_by_unicast() {
    kill -USR1 "$UDHCPC"  # busybox udhcpc: renew now (as at T1)
    for _ in $(seq 1 50); do grep -q "^renew" "$WORK/events" 2>/dev/null && break; sleep 0.1; done
    cat "$WORK/events"; grep "dhcp.ack.sent" "$WORK/server.log" | tail -1
    grep -q "^renew ip=198.18.5.1[0-5][0-9]" "$WORK/events" \
        && grep 'dhcp.ack.sent' "$WORK/server.log" | tail -1 | grep -q 'dhcp.destination="unicast 198.18.5.1[0-5][0-9]:68"' \
        && ! grep -q "no subnet configured" "$WORK/server.log"
}
check "its unicast renewal from ciaddr (no relay) is ACKed from the subnet holding ciaddr" renews_by_unicast

kill "$UDHCPC" 2>/dev/null
finish
