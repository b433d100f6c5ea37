#!/bin/bash
# SNTP against a real client (`sntp` from Debian's ntp suite) in a namespace. By default the server does not
# claim synchronization when the kernel says the host clock is unsynchronized (the case on an
# undisciplined VM); with trust_host_clock it answers as stratum `stratum` and sntp accepts the time.
. "$(dirname "$0")/lib.sh"
command -v sntp >/dev/null || { echo "sntp missing (Debian package sntp)"; exit 1; }
make_link || { echo "cannot create namespaces (need root and iproute2)"; exit 1; }
ip -n "$CLI" addr add 198.18.0.2/24 dev "${TAG}b"
run() { # trust
    cat >"$WORK/dialtone.yaml" <<YAML
state_dir: $WORK/state
sntp:
  listen: ["198.18.0.1:123"]
  stratum: 7
  reference_id: LAB
  trust_host_clock: $1
YAML
    ip netns exec "$SRV" "$DIALTONE" serve --config "$WORK/dialtone.yaml" >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 30); do grep -q sntp.started "$WORK/server.log" && break; sleep 0.1; done
}
# Whether this host's clock is synchronized decides what the default must answer.
synced=$(python3 -c "import ctypes,ctypes.util; b=ctypes.create_string_buffer(256); print(0 if ctypes.CDLL(ctypes.util.find_library('c')).adjtimex(b)==5 else 1)")

trusted() {
    run true
    out=$(ip netns exec "$CLI" timeout 10 sntp -t 2 198.18.0.1 2>&1); echo "$out"
    stop_server
    # sntp prints "... +0.000123 +/- 0.000100 198.18.0.1 s7 no-leap" when it accepts the answer.
    echo "$out" | grep -qE "198\.18\.0\.1 s7 no-leap" && echo "$out" | grep -qE "[+-]0\.0[0-9]+ "
}
check "trust_host_clock: sntp accepts our time at stratum 7 with a near-zero offset" trusted

default_mode() {
    run false
    out=$(ip netns exec "$CLI" timeout 10 sntp -t 2 198.18.0.1 2>&1); echo "$out"
    stop_server
    if [ "$synced" = 1 ]; then
        echo "$out" | grep -qE "198\.18\.0\.1 s7 no-leap"
    else
        # Unsynchronized host: we answer LI=3 / stratum 16 and say so in the log; sntp must not take it.
        grep -q "sntp.clock.unsynchronized" "$WORK/server.log" && ! echo "$out" | grep -q "s7 no-leap"
    fi
}
check "default: never claims a synchronization the host clock does not have (host synced=$synced)" default_mode

finish
