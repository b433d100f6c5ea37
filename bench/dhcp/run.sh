#!/bin/bash
# DHCP benchmark: Kea's perfdhcp against Dialtone, Kea (memfile) and dnsmasq, in one run, on one machine.
#
#   sudo bench/dhcp/run.sh            # RATES="1000 2000 5000 8000 10000 max" PERIOD=10 LAT_RATE=200 LAT_PERIOD=5
#
# Each server runs alone in a network namespace on a veth (198.18.0.1/15); perfdhcp runs in a second namespace
# (198.18.0.2) and, as perfdhcp always does for DHCPv4, acts as a relay (giaddr = 198.18.0.2), so replies are
# unicast to it. Servers are pinned to CPU0, perfdhcp to CPU1. Every server starts with an empty lease store
# for every run. Dialtone's leases are durable (SQLite, synchronous=FULL, group commit); Kea's memfile appends
# to a CSV without fsync; dnsmasq rewrites its lease file on every change. Namespaces are removed on exit.
#
# Prints a Markdown table: 4-way exchanges/s achieved per offered rate with the share completed, then
# DISCOVER->OFFER latency p50/p99 at a low rate from perfdhcp's per-exchange timers (-x t).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIALTONE=${DIALTONE:-$ROOT/.build/release/dialtone}
RATES=${RATES:-"1000 2000 5000 8000 10000 max"}
PERIOD=${PERIOD:-10}
LAT_RATE=${LAT_RATE:-200}
LAT_PERIOD=${LAT_PERIOD:-5}
SERVERS=${SERVERS:-"dialtone kea dnsmasq"}
S=dtbench-s
C=dtbench-c
WORK=$(mktemp -d /tmp/dialtone-bench.XXXXXX)
PID=

[ "$(id -u)" -eq 0 ] || { echo "run as root (network namespaces)"; exit 2; }
for tool in perfdhcp kea-dhcp4 dnsmasq taskset; do
    command -v $tool >/dev/null || { echo "missing $tool: apt-get install kea-admin kea-dhcp4-server dnsmasq-base util-linux"; exit 2; }
done
[ -x "$DIALTONE" ] || { echo "build first: swift build -c release"; exit 2; }

. "$ROOT/bench/netns.sh"
bench_link dtbs dtbc 198.18.0.1/15 198.18.0.2/15

POOL_FIRST=198.19.0.0
POOL_LAST=198.19.235.255    # 60416 addresses, more than perfdhcp's -R 60000 clients

start_server() { # name
    rm -rf "$WORK/state"; mkdir -p "$WORK/state"
    case $1 in
    dialtone)
        cat >"$WORK/dialtone.yaml" <<YAML
state_dir: $WORK/state
dhcp:
  interfaces: [dtbs]
  # perfdhcp is one relay flooding on purpose: capacity is measured without the per-source limits
  # (the peers have none either).
  relay_rate_limit: 0
  subnets:
    - subnet: 198.18.0.0/15
      pools: ["$POOL_FIRST-$POOL_LAST"]
      lease_time: 12h
      routers: [198.18.0.1]
YAML
        ip netns exec $S taskset -c 0 "$DIALTONE" serve --config "$WORK/dialtone.yaml" --log-level warning 2>"$WORK/server.log" &
        ;;
    kea)
        cat >"$WORK/kea.json" <<JSON
{ "Dhcp4": {
    "interfaces-config": { "interfaces": ["dtbs"], "dhcp-socket-type": "udp" },
    "lease-database": { "type": "memfile", "persist": true, "name": "$WORK/state/kea-leases4.csv", "lfc-interval": 0 },
    "valid-lifetime": 43200,
    "subnet4": [ { "id": 1, "subnet": "198.18.0.0/15", "pools": [ { "pool": "$POOL_FIRST - $POOL_LAST" } ],
                   "option-data": [ { "name": "routers", "data": "198.18.0.1" } ] } ],
    "loggers": [ { "name": "kea-dhcp4", "severity": "WARN", "output_options": [ { "output": "$WORK/state/kea.log" } ] } ]
} }
JSON
        # Kea 2.2 insists on its lease file living in its data directory unless told where via the env.
        ip netns exec $S env KEA_LOCKFILE_DIR="$WORK/state" KEA_PIDFILE_DIR="$WORK/state" \
            taskset -c 0 kea-dhcp4 -c "$WORK/kea.json" >"$WORK/server.log" 2>&1 &
        ;;
    dnsmasq)
        ip netns exec $S taskset -c 0 dnsmasq -d -k -p 0 --conf-file=/dev/null -i dtbs --bind-interfaces \
            --dhcp-range=$POOL_FIRST,$POOL_LAST,255.254.0.0,12h --no-ping --dhcp-lease-max=70000 \
            --dhcp-leasefile="$WORK/state/dnsmasq.leases" --dhcp-option=3,198.18.0.1 --pid-file="$WORK/state/pid" \
            >"$WORK/server.log" 2>&1 &
        ;;
    esac
    PID=$!
    sleep 1.5
    kill -0 "$PID" 2>/dev/null || { echo "$1 did not start:"; cat "$WORK/server.log"; PID=; return 1; }
}

stop_server() { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; PID=; }

perf() { # args...
    ip netns exec $C taskset -c 1 perfdhcp -4 -l dtbc "$@" 198.18.0.1 2>&1
}

echo "| server | offered/s | achieved 4-way/s | completed % | DO avg ms | RA avg ms |" >"$WORK/rate.md"
echo "|---|---|---|---|---|---|" >>"$WORK/rate.md"
echo "| server | exchanges | DISCOVER->OFFER p50 ms | p99 ms | max ms |" >"$WORK/lat.md"
echo "|---|---|---|---|---|" >>"$WORK/lat.md"

for server in $SERVERS; do
    for rate in $RATES; do
        start_server "$server" || continue
        if [ "$rate" = max ]; then out=$(perf -p "$PERIOD" -R 60000); else out=$(perf -r "$rate" -p "$PERIOD" -R 60000); fi
        stop_server
        echo "$out" >"$WORK/$server-$rate.txt"
        achieved=$(echo "$out" | sed -n 's/^Rate: \([0-9.]*\) 4-way.*/\1/p' | head -1)
        sent=$(echo "$out" | awk '/sent packets:/ {print $3}' | head -1)
        acks=$(echo "$out" | awk '/received packets:/ {print $3}' | sed -n 2p)
        davg=$(echo "$out" | awk '/avg delay:/ {print $3}' | sed -n 1p)
        ravg=$(echo "$out" | awk '/avg delay:/ {print $3}' | sed -n 2p)
        pct=$(awk -v a="${acks:-0}" -v s="${sent:-0}" 'BEGIN { if (s > 0) printf "%.1f", 100 * a / s; else print "-" }')
        printf '| %s | %s | %.0f | %s | %s | %s |\n' "$server" "$rate" "${achieved:-0}" "$pct" "${davg:--}" "${ravg:--}" >>"$WORK/rate.md"
        echo "done: $server $rate -> ${achieved:-0}/s" >&2
    done
    start_server "$server" || continue
    out=$(perf -r "$LAT_RATE" -p "$LAT_PERIOD" -R 60000 -x t)
    stop_server
    echo "$out" >"$WORK/$server-latency.txt"
    # -x t prints "***Timestamps for packets: DISCOVER-OFFER***" and then one "sent / received: S / R" line
    # (seconds) per successful exchange; the DISCOVER->OFFER latency is R - S.
    echo "$out" | awk '/Timestamps for packets: DISCOVER-OFFER/ { on = 1; next } /^\*\*\*/ { on = 0 }
        on && /sent \/ received:/ { printf "%.3f\n", ($6 - $4) * 1000 }' | sort -n >"$WORK/$server-do.txt"
    n=$(wc -l <"$WORK/$server-do.txt")
    if [ "$n" -gt 0 ]; then
        p50=$(sed -n "$(( (n + 1) / 2 ))p" "$WORK/$server-do.txt")
        p99=$(sed -n "$(( (n * 99 + 99) / 100 ))p" "$WORK/$server-do.txt")
        max=$(tail -1 "$WORK/$server-do.txt")
        echo "| $server | $n | $p50 | $p99 | $max |" >>"$WORK/lat.md"
    else
        echo "| $server | 0 | - | - | - |" >>"$WORK/lat.md"
    fi
done

echo
echo "## DHCP throughput (perfdhcp, ${PERIOD}s per run, fresh lease store per run)"
cat "$WORK/rate.md"
echo
echo "## DISCOVER->OFFER latency at $LAT_RATE/s for ${LAT_PERIOD}s"
cat "$WORK/lat.md"
mkdir -p "$ROOT/bench/dhcp/results"
out="$ROOT/bench/dhcp/results/$(date +%Y%m%d-%H%M%S).md"
{ echo "# dhcp bench $(date -u +%FT%TZ) on $(nproc) cores"; cat "$WORK/rate.md"; echo; cat "$WORK/lat.md"; } >"$out"
echo; echo "written to $out (raw perfdhcp output was in $WORK, removed on exit)"
