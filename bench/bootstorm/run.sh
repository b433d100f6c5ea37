#!/bin/bash
# Boot storm: a floor of phones rebooting at once (the product's "TFTP server that drops or crawls").
# PHONES simulated CP-7970Gs come out of a factory reset together: DHCP through a relay, then
# term70.default.loads and its components, then their config. Against Dialtone (DHCP + TFTP + generated
# configs) and against dnsmasq (DHCP + TFTP from a folder laid out by hand, the names exact), in one run.
#
#   sudo bench/bootstorm/run.sh     # PHONES=100 COMPONENT=262144 SERVERS="dialtone dnsmasq"
#
# The server runs in one namespace (198.18.0.1/16, on both CPUs unless SERVER_CPUS says), the phones in
# another (CPU1), joined by a veth. Each phone relays from its own address (198.18.8.1 + i) and fetches
# from its leased one (198.18.2.1-198.18.4.250): both ranges are made local on the phones' side with AnyIP
# routes, not 1000 addresses.
# Prints a table: time until every phone is done, per-phone median/p95/max (each includes the simulator's
# 1 s reboot after the recovery load), DISCOVER->OFFER as the phones saw it, failures, offers rejected.
# Beside the phones, offer_probe.py relays DISCOVERs at PROBE_RATE/s (default 200) for the whole storm from
# 198.18.1.251 and reports OFFER p50/p99/max while the TFTP load runs.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIALTONE=${DIALTONE:-$ROOT/.build/release/dialtone}
PHONES=${PHONES:-100}
COMPONENT=${COMPONENT:-262144}
SERVERS=${SERVERS:-"dialtone dnsmasq"}
S=dtstorm-s
C=dtstorm-c
WORK=$(mktemp -d /tmp/dialtone-storm.XXXXXX)
# serve started as root switches to an unprivileged user (docs/security.md), which must reach its state.
chmod 755 "$WORK"
PID=

[ "$(id -u)" -eq 0 ] || { echo "run as root (network namespaces)"; exit 2; }
# 750 addresses to lease: up to 500 phones and the probe's 50 held offers, with room for the offers of
# phones that retry.
[ "$PHONES" -ge 1 ] && [ "$PHONES" -le 500 ] || { echo "PHONES must be 1-500"; exit 2; }
for tool in dnsmasq taskset; do command -v $tool >/dev/null || { echo "missing $tool"; exit 2; }; done
[ -x "$DIALTONE" ] || { echo "build first: swift build -c release"; exit 2; }

. "$ROOT/bench/netns.sh"
bench_link dtss dtsc 198.18.0.1/16 198.18.0.2/16
ip -n $C route add local 198.18.1.0/24 dev lo # the probe's relay address
ip -n $C route add local 198.18.2.0/23 dev lo # leased addresses
ip -n $C route add local 198.18.4.0/24 dev lo
ip -n $C route add local 198.18.8.0/22 dev lo # the phones' relay addresses
PROBE_RATE=${PROBE_RATE:-200}
# The server's CPUs (taskset list; the phones and the probe are always on CPU1). The default, both, is how a
# server runs unpinned: the kernel can move the DHCP thread off the CPU where TFTP and the packet processing
# for the phones run. SERVER_CPUS=0 confines the whole server to one CPU (the runs before 2026-12-02 did).
SERVER_CPUS=${SERVER_CPUS:-0,1}
# DIALTONE_USER=root (the default here) keeps root, and with it the DHCP thread's nice -10 and SCHED_FIFO, which
# the packaged unit gives an unprivileged serve through LimitNICE=-10 and LimitRTPRIO=1 (docs/security.md); a
# container without CAP_SYS_RESOURCE, like the lab's, cannot raise those limits after the switch, so a
# switched serve would measure a priority no deployment has. DIALTONE_USER= (empty) measures the switch
# anyway. The table's "priority" column, read during the storm: "fifo" when a server thread runs SCHED_FIFO
# (Dialtone's DHCP loop while it is not busy), else the lowest nice value among the server's threads.
DIALTONE_USER=${DIALTONE_USER-root}
# tftp.full_speed_transfers for Dialtone (docs/tftp.md); unset keeps the default, 0 gives every transfer full
# speed (every transfer an equal share, as before 2026-12-04).
FULL_SPEED=${FULL_SPEED:-}

# One bundle; dnsmasq gets the exact names the phone asks for (it has no case-insensitive lookup and no
# default-load alias), and a SEP config per phone.
"$DIALTONE" _make-bundle "$WORK/root" --component-size "$COMPONENT" >/dev/null || exit 2
mkdir -p "$WORK/dnsmasq-root"
cp "$WORK"/root/* "$WORK/dnsmasq-root/"
mv "$WORK/dnsmasq-root/Jar70sccp.7-0-2-0.sbn" "$WORK/dnsmasq-root/jar70sccp.7-0-2-0.sbn"
cp "$WORK/root/TERM70.7-0-2-0S.loads" "$WORK/dnsmasq-root/term70.default.loads"
for i in $(seq 1 "$PHONES"); do
    printf '<device><deviceProtocol>SCCP</deviceProtocol><loadInformation>TERM70.7-0-2-0S</loadInformation></device>\n' \
        >"$WORK/dnsmasq-root/SEP001E7A00$(printf '%04X' "$i").cnf.xml"
done
chmod -R a+rX "$WORK"

start_server() { # name
    rm -rf "$WORK/state"; mkdir -p "$WORK/state"
    case $1 in
    dialtone)
        cat >"$WORK/dialtone.yaml" <<YAML
state_dir: $WORK/state
dhcp:
  interfaces: [dtss]
  subnets:
    - subnet: 198.18.0.0/16
      pools: ["198.18.2.1-198.18.2.250", "198.18.3.1-198.18.3.250", "198.18.4.1-198.18.4.250"]
tftp:
  root: $WORK/root
phones:
  default_loads: { CP-7970G: TERM70.7-0-2-0S }
YAML
        [ -n "$FULL_SPEED" ] && sed -i "s|^  root: $WORK/root\$|&\n  full_speed_transfers: $FULL_SPEED|" "$WORK/dialtone.yaml"
        [ -n "$DIALTONE_USER" ] && echo "user: $DIALTONE_USER" >>"$WORK/dialtone.yaml"
        ip netns exec $S taskset -c "$SERVER_CPUS" "$DIALTONE" serve --config "$WORK/dialtone.yaml" --log-level warning 2>"$WORK/server.log" & ;;
    dnsmasq)
        ip netns exec $S taskset -c "$SERVER_CPUS" dnsmasq -d -k -p 0 --conf-file=/dev/null -i dtss --bind-interfaces --no-ping \
            --dhcp-range=198.18.2.1,198.18.4.250,255.255.0.0,1h --dhcp-option=150,198.18.0.1 --dhcp-lease-max=1000 \
            --dhcp-leasefile="$WORK/state/dnsmasq.leases" --enable-tftp --tftp-root="$WORK/dnsmasq-root" --tftp-max=1000 \
            --user=root >"$WORK/server.log" 2>&1 & ;;
    esac
    PID=$!
    sleep 1.5
    kill -0 "$PID" 2>/dev/null || { echo "$1 did not start:"; cat "$WORK/server.log"; PID=; return 1; }
}

echo "| server | priority | phones | all done s | phone median s | p95 s | max s | OFFER median ms | max ms | probe OFFER p50 ms | p99 ms | max ms | probe lost | failed | offers rejected | files | MB |" >"$WORK/table.md"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|" >>"$WORK/table.md"
for server in $SERVERS; do
    start_server "$server" || continue
    # The probe starts a second into the storm, when the phones are past DHCP and pulling files.
    (sleep 1; exec ip netns exec $C taskset -c 1 python3 "$ROOT/bench/bootstorm/offer_probe.py" 198.18.1.251 198.18.0.1 \
        --rate "$PROBE_RATE" --seconds 600) >"$WORK/probe-$server.out" 2>&1 &
    probe=$!
    (sleep 1; ps -L -o cls=,nice= -p "$PID" |
        awk '$1 == "FF" { fifo = 1 } $2 ~ /^-?[0-9]+$/ && (low == "" || $2 + 0 < low) { low = $2 + 0 }
            END { print fifo ? "fifo" : low }' >"$WORK/nice-$server") &
    ip netns exec $C taskset -c 1 "$DIALTONE" simulate --server 198.18.0.1 --relay 198.18.8.1 --parallel --bind-leased \
        --count "$PHONES" --mac 00:1e:7a:00:00:01 --mode recovery >"$WORK/sim-$server.out" 2>&1
    pkill -TERM -f "offer_probe.py 198.18.1.251" ; wait $probe 2>/dev/null
    kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; PID=
    line=$(grep '^summary:' "$WORK/sim-$server.out")
    [ -n "$line" ] || { echo "$server: no summary"; tail -5 "$WORK/sim-$server.out"; continue; }
    get() { echo "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
    probe_line=$(grep '^probe:' "$WORK/probe-$server.out")
    pget() { echo "$probe_line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
    echo "| $server | $(cat "$WORK/nice-$server" 2>/dev/null) | $(get phones) | $(get wall_s) | $(get phone_median_s) | $(get phone_p95_s) | $(get phone_max_s) | $(get offer_median_ms) | $(get offer_max_ms) | $(pget p50_ms) | $(pget p99_ms) | $(pget max_ms) | $(pget lost)/$(pget sent) | $(get failed) | $(get rejected_offers) | $(get files) | $(awk "BEGIN {printf \"%.1f\", $(get bytes) / 1048576}") |" >>"$WORK/table.md"
    grep -m3 "FAILED" "$WORK/sim-$server.out"
    echo "done: $server"
done

echo
echo "## Boot storm: $PHONES phones recovering at once, components of $COMPONENT bytes${FULL_SPEED:+, full_speed_transfers $FULL_SPEED for Dialtone}"
cat "$WORK/table.md"
mkdir -p "$ROOT/bench/bootstorm/results"
cp "$WORK/table.md" "$ROOT/bench/bootstorm/results/$(date +%Y%m%d-%H%M%S).md"
