#!/bin/bash
# Another DHCP server on the link (issue 7): dnsmasq answers the same clients beside us. Dialtone must hear
# its replies on port 68, see clients choose it (option 54 in their REQUEST), and `explain` must name it.
# Topology: our server in $SRV; in $CLI a bridge joins our veth and a second veth to the rival's namespace,
# and the client (udhcpc) runs on the bridge.
. "$(dirname "$0")/lib.sh"
command -v dnsmasq >/dev/null && command -v busybox >/dev/null || { echo "missing dnsmasq or busybox"; exit 1; }
make_link || { echo "cannot create namespaces (need root and iproute2)"; exit 1; }
RIVAL=${TAG}r
EXTRA_NS=$RIVAL
ip netns add "$RIVAL" || exit 1
ip -n "$CLI" link add "${TAG}br" type bridge
ip -n "$CLI" link set "${TAG}b" master "${TAG}br"
ip link add "${TAG}c" type veth peer name "${TAG}d"
ip link set "${TAG}c" netns "$CLI" && ip link set "${TAG}d" netns "$RIVAL"
ip -n "$CLI" link set "${TAG}c" master "${TAG}br"
ip -n "$CLI" link set "${TAG}c" up
ip -n "$CLI" link set "${TAG}br" address 02:00:00:00:0f:01
ip -n "$CLI" link set "${TAG}br" up
ip -n "$RIVAL" addr add 198.18.0.3/24 dev "${TAG}d"
ip -n "$RIVAL" link set "${TAG}d" up && ip -n "$RIVAL" link set lo up

dhcp_config "198.18.0.100-198.18.0.110"
start_server "$WORK/dialtone.yaml" || exit 1
# --dhcp-broadcast: the rival broadcasts its replies (as many servers do), so port 68 carries them to us.
ip netns exec "$RIVAL" dnsmasq -d -k -p 0 --conf-file=/dev/null -i "${TAG}d" --bind-interfaces --no-ping --dhcp-broadcast \
    --dhcp-range=198.18.0.150,198.18.0.160,255.255.255.0,1h --dhcp-option=66,198.18.0.3 \
    --dhcp-leasefile="$WORK/dnsmasq.leases" --user=root >"$WORK/rival.log" 2>&1 &
sleep 1

rival_named() {
    # Several boots: whichever offer arrives first wins each time, so the client may pick either server
    # (dnsmasq then ACKs, or only offers: both are evidence).
    for _ in 1 2 3; do
        ip netns exec "$CLI" busybox udhcpc -i "${TAG}br" -f -q -n -t 3 -T 1 -s /bin/true 2>&1 | grep -i "lease of" 
        ip -n "$CLI" addr flush dev "${TAG}br"
    done
    sleep 0.5
    grep -h "other_server" "$WORK/server.log" | cut -c1-200 | head -4
    out=$("$DIALTONE" explain 02:00:00:00:0f:01 --config "$WORK/dialtone.yaml"); rc=$?
    echo "$out" | grep -v "^  \(lease\|vendor\)"; echo "exit $rc"
    echo "$out" | grep -qE "\[(error|warning)\] another DHCP server answers on the link: 198.18.0.3" &&
        echo "$out" | grep -qE "198.18.0.3 replied: ([0-9]+ ACK, )?[0-9]+ OFFER; offered 198.18.0.15[0-9]" &&
        grep -q "dhcp.other_server.reply" "$WORK/server.log" &&
        # Our own broadcast replies loop back to the port-68 socket too: none may be taken for a rival's.
        ! grep "other_server.reply" "$WORK/server.log" | grep -q "dhcp.server_id=198.18.0.1"
}
check "dnsmasq answering on the same link: its replies are heard and explain names it" rival_named

finish
