#!/bin/bash
# Issue 19: one server per state directory, no shared service ports. A second `serve` on the same config
# exits 2 at once naming the state directory and the PID holding it; a server with another state_dir on
# the same ports exits 2 naming the port and its holder; a simulator whose relay address would share the
# server's port refuses and says why. The first server keeps serving and keeps every lease throughout.
. "$(dirname "$0")/lib.sh"
make_link || { echo "cannot create namespaces (need root and iproute2)"; exit 1; }

dhcp_config "198.18.0.100-198.18.0.150"
cat >>"$WORK/dialtone.yaml" <<YAML
tftp:
  root: $WORK/tftp
  listen: ["198.18.0.1:69"]
YAML
mkdir -p "$WORK/tftp"
start_server "$WORK/dialtone.yaml" || exit 1

lease() { # client id (a MAC): two clients on one veth
    ip netns exec "$CLI" busybox udhcpc -i "${TAG}b" -f -q -n -t 4 -T 1 -s /bin/true -x "0x3d:01${1//:/}" 2>&1
}
check "a first client gets a lease" lease 02:00:00:00:19:01

second_on_same_state() {
    start=$(date +%s%N)
    ip netns exec "$SRV" timeout 10 "$DIALTONE" serve --config "$WORK/dialtone.yaml" >"$WORK/second.log" 2>&1
    rc=$?
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    cat "$WORK/second.log"; echo "rc=$rc after ${ms} ms"
    [ $rc -eq 2 ] && [ $ms -lt 3000 ] \
        && grep -q "state directory $WORK/state is in use by process $SERVER_PID (dialtone)" "$WORK/second.log" \
        && ! grep -q "dhcp.started" "$WORK/second.log"
}
check "a second serve on the same state exits 2 at once, naming the state directory and the PID" second_on_same_state

other_state_same_ports() {
    sed "s|state_dir: .*|state_dir: $WORK/state2|" "$WORK/dialtone.yaml" >"$WORK/other.yaml"
    ip netns exec "$SRV" timeout 10 "$DIALTONE" serve --config "$WORK/other.yaml" >"$WORK/third.log" 2>&1
    rc=$?
    cat "$WORK/third.log"; echo "rc=$rc"
    [ $rc -eq 2 ] && grep -Eq "(dhcp: UDP port 67|tftp: UDP port 69) .* is already in use by dialtone \(PID $SERVER_PID\)" "$WORK/third.log"
}
check "a server with its own state on the same ports exits 2, naming the port and its holder" other_state_same_ports

only_one_holder() {
    ip netns exec "$SRV" ss -ulpn >"$WORK/ss.out"; cat "$WORK/ss.out"
    [ "$(grep -c ':67 ' "$WORK/ss.out")" -eq 1 ] && [ "$(grep -c ':69 ' "$WORK/ss.out")" -eq 1 ]
}
check "ports 67 and 69 have exactly one socket each" only_one_holder

simulator_refuses_shared_relay() {
    ip netns exec "$SRV" timeout 20 "$DIALTONE" simulate --server 198.18.0.1 --relay 198.18.0.1 >"$WORK/sim.out" 2>&1
    rc=$?
    cat "$WORK/sim.out"; echo "rc=$rc"
    [ $rc -eq 1 ] && grep -q "cannot bind the relay address 198.18.0.1:67: Address already in use (held by dialtone (PID $SERVER_PID))" "$WORK/sim.out"
}
check "simulate refuses a relay address whose port the server holds, naming it" simulator_refuses_shared_relay

simulator_says_what_it_sent() {
    # Nothing answers on 198.18.0.9: the phone must say what it sent, from where, to where.
    ip netns exec "$CLI" ip addr add 198.18.0.2/24 dev "${TAG}b"
    ip netns exec "$CLI" timeout 30 "$DIALTONE" simulate --server 198.18.0.9 --relay 198.18.0.2 --time-scale 0.01 >"$WORK/sim2.out" 2>&1
    rc=$?
    ip netns exec "$CLI" ip addr del 198.18.0.2/24 dev "${TAG}b"
    cat "$WORK/sim2.out"; echo "rc=$rc"
    [ $rc -eq 1 ] && grep -q "no usable offer after 5 DISCOVERs sent from relay 198.18.0.2:67 (giaddr 198.18.0.2) to 198.18.0.9:67; no reply for this phone reached the relay socket" "$WORK/sim2.out"
}
check "a simulated phone that hears nothing says what it sent, from where, to where" simulator_says_what_it_sent

check "the first server still serves a new client" lease 02:00:00:00:19:02

leases_kept() {
    stop_server
    "$DIALTONE" leases --config "$WORK/dialtone.yaml" | tee "$WORK/leases.out"
    [ "$(grep -c ' bound ' "$WORK/leases.out")" -eq 2 ]
}
check "both leases are in the store after the first server stops" leases_kept

finish
