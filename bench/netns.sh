# Shared by the DHCP and boot-storm benchmarks: a server namespace $S and a client namespace $C joined by a
# veth ($1 on the server side, $2 on the client side), addresses $3 and $4 (198.18.0.0/15 only), and a
# cleanup that kills the server ($PID), empties both namespaces, deletes them and $WORK, even on failure.
bench_cleanup() {
    [ -n "${PID:-}" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
    for ns in "$S" "$C"; do
        ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
        ip netns del "$ns" 2>/dev/null
    done
    rm -rf "$WORK"
}

bench_link() { # server-veth client-veth server-address/prefix client-address/prefix
    trap bench_cleanup EXIT INT TERM
    ip netns add "$S" && ip netns add "$C" || exit 2
    ip link add "$1" type veth peer name "$2" || exit 2
    ip link set "$1" netns "$S" && ip link set "$2" netns "$C"
    ip -n "$S" addr add "$3" dev "$1" && ip -n "$C" addr add "$4" dev "$2"
    ip -n "$S" link set "$1" up && ip -n "$C" link set "$2" up
    ip -n "$S" link set lo up && ip -n "$C" link set lo up
}
