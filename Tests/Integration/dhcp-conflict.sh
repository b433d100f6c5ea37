#!/bin/bash
# Conflict detection ahead of time: a device squats on the first pool address (statically configured, never
# asked us). With conflict_check icmp or arp the server finds it before any client asks, quarantines it,
# and the client is offered the next address, with no delay on the OFFER.
. "$(dirname "$0")/lib.sh"
make_link || { echo "cannot create namespaces (need root and iproute2)"; exit 1; }
# The squatter: a second veth pair end in its own namespace would be cleaner, but an extra address on the
# client side's interface answers ARP and ping the same way.
ip -n "$CLI" addr add 198.18.0.100/24 dev "${TAG}b"

run_with() { # method
    stop_server 2>/dev/null
    rm -rf "$WORK/state"
    dhcp_config "198.18.0.100-198.18.0.150"
    echo "  conflict_check: $1" >>"$WORK/dialtone.yaml"
    start_server "$WORK/dialtone.yaml" || return 1
    for _ in $(seq 1 30); do grep -q "dhcp.conflict.detected" "$WORK/server.log" && break; sleep 0.1; done
    grep "dhcp.conflict.detected" "$WORK/server.log" | head -1
    grep -q 'dhcp.conflict.detected dhcp.address=198.18.0.100' "$WORK/server.log" || return 1
    # A client (another MAC, through a macvlan so the squatter keeps its address) is offered .101.
    ip -n "$CLI" link add "${TAG}m" link "${TAG}b" type macvlan mode bridge 2>/dev/null
    ip -n "$CLI" link set "${TAG}m" up
    rm -f "$WORK/udhcpc.out"
    ip netns exec "$CLI" busybox udhcpc -i "${TAG}m" -f -q -n -t 4 -T 1 -s /bin/true 2>&1 | grep -i "lease of" 
    ip -n "$CLI" link del "${TAG}m"
    grep -q "dhcp.ack.sent.*dhcp.yiaddr=198.18.0.101" "$WORK/server.log"
}
check "conflict_check icmp finds a squatter ahead of time and skips it" run_with icmp
check "conflict_check arp finds a squatter ahead of time and skips it" run_with arp

finish
