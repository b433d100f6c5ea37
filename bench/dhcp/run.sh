#!/bin/bash
# DHCP benchmark: Kea's perfdhcp against Dialtone, Kea (memfile) and dnsmasq, and against Dialtone and Kea on
# PostgreSQL (one Dialtone node, two nodes, Kea's shared lease database), in one run, on one machine.
#
#   sudo bench/dhcp/run.sh            # RATES="1000 2000 5000 8000 10000 max" PERIOD=10 LAT_RATE=200 LAT_PERIOD=5
#   sudo SERVERS="dialtone-pg kea-pg dialtone-pg2" RATES="500 1000 2000 max" bench/dhcp/run.sh
#   sudo SERVERS= INSTR_SERVERS=dialtone bench/dhcp/run.sh    # only the instruction count (SERVERS= skips the rates)
#   sudo SERVERS=dialtone RATES=max KEEP_RAW=/var/tmp/x bench/dhcp/run.sh  # keeps perfdhcp reports and the timeline
#
# The PostgreSQL servers share one private instance (scripts/pg-test-cluster, a Unix socket, fsync on), a fresh
# database per run; Kea's schema comes from `kea-admin db-init pgsql`. `dialtone-pg2` is two Dialtone nodes on
# one database, each fed by its own perfdhcp (half the offered rate each, distinct MAC ranges); its row adds
# the two, and the run fails loudly if any address was ACKed to two MACs.
#
# Each server runs alone in a network namespace on a veth (198.18.0.1/15); perfdhcp runs in a second namespace
# (198.18.0.2) and, as perfdhcp always does for DHCPv4, acts as a relay (giaddr = 198.18.0.2), so replies are
# unicast to it. Servers are pinned to CPU0, perfdhcp to CPU1. Every server starts with an empty lease store
# for every run. Dialtone's leases are durable (SQLite, synchronous=FULL, group commit); Kea's memfile appends
# to a CSV without fsync; dnsmasq rewrites its lease file on every change. Namespaces are removed on exit.
#
# Prints a Markdown table: 4-way exchanges/s achieved per offered rate with the share completed and the
# server's CPU time per ACK, then DISCOVER->OFFER latency p50/p99 at a low rate from perfdhcp's per-exchange
# timers (-x t), then instructions per exchange (INSTR_SERVERS, default "dialtone kea"): each server under
# `valgrind --tool=callgrind`, counting only while perfdhcp runs INSTR_COUNT exchanges at INSTR_RATE/s,
# divided by the ACKs received. Wall-clock
# rates swing with whatever else runs on this 2-core VM; instruction counts do not (user space only: the
# kernel's share of each send and receive is not in them). INSTR_SERVERS= skips it (valgrind is slow).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIALTONE=${DIALTONE:-$ROOT/.build/release/dialtone}
RATES=${RATES-"1000 2000 5000 8000 10000 max"}
PERIOD=${PERIOD:-10}
LAT_RATE=${LAT_RATE:-200}
LAT_PERIOD=${LAT_PERIOD:-5}
SERVERS=${SERVERS-"dialtone kea dnsmasq dialtone-pg kea-pg dialtone-pg2"}
INSTR_SERVERS=${INSTR_SERVERS-"dialtone kea"}
INSTR_RATE=${INSTR_RATE:-20}
INSTR_COUNT=${INSTR_COUNT:-500}
# A prefix for the server's command: empty, or callgrind for the instruction counts.
WRAP=()
S=dtbench-s
C=dtbench-c
WORK=$(mktemp -d /tmp/dialtone-bench.XXXXXX)
# serve started as root switches to an unprivileged user (docs/security.md), which must reach its state.
chmod 755 "$WORK"
PID=

[ "$(id -u)" -eq 0 ] || { echo "run as root (network namespaces)"; exit 2; }
for tool in perfdhcp kea-dhcp4 dnsmasq taskset; do
    command -v $tool >/dev/null || { echo "missing $tool: apt-get install kea-admin kea-dhcp4-server dnsmasq-base util-linux"; exit 2; }
done
[ -x "$DIALTONE" ] || { echo "build first: swift build -c release"; exit 2; }

. "$ROOT/bench/netns.sh"
bench_link dtbs dtbc 198.18.0.1/15 198.18.0.2/15
# A second link for the second Dialtone node (dialtone-pg2): server 198.18.0.3 on dtbs2, relay 198.18.0.4 on
# dtbc2, host routes so that each relay talks to its own server.
ip link add dtbs2 type veth peer name dtbc2 && ip link set dtbs2 netns $S && ip link set dtbc2 netns $C
ip -n $S addr add 198.18.0.3/32 dev dtbs2 && ip -n $C addr add 198.18.0.4/32 dev dtbc2
ip -n $S link set dtbs2 up && ip -n $C link set dtbc2 up
ip -n $S route add 198.18.0.4/32 dev dtbs2 src 198.18.0.3 && ip -n $C route add 198.18.0.3/32 dev dtbc2 src 198.18.0.4
PG_SOCKET=
PG_DB=
PID2=
pg_fresh() { # a new, empty database for one run
    [ -n "$PG_SOCKET" ] || PG_SOCKET=$("$ROOT/scripts/pg-test-cluster" start) || exit 2
    [ -n "$PG_DB" ] && psql -h "$PG_SOCKET" -U dialtone -d postgres -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)"
    PG_DB=dtbench_$$_$RANDOM
    psql -h "$PG_SOCKET" -U dialtone -d postgres -qc "CREATE DATABASE $PG_DB"
}
dialtone_yaml() { # state, interface, store: sqlite | postgres
    echo "state_dir: $1"
    [ "$3" = postgres ] && printf 'store:\n  kind: postgres\n  url: postgres://dialtone@/%s?host=%s\n  server_name: %s\n' \
        "$PG_DB" "$PG_SOCKET" "$2"
    # Under callgrind the server keeps root: valgrind's control pipes are made before the switch, and an
    # unprivileged process can no longer open them (instructions do not depend on the user).
    # DIALTONE_USER=root keeps root for the whole run (the DHCP thread's priority needs it where the container
    # lacks CAP_SYS_RESOURCE: docs/security.md).
    local user=${DIALTONE_USER:-}
    [ ${#WRAP[@]} -gt 0 ] && user=root
    [ -n "$user" ] && echo "user: $user"
    cat <<YAML
dhcp:
  interfaces: [$2]
  # perfdhcp is one relay flooding on purpose: capacity is measured without the per-source limits
  # (the peers have none either).
  relay_rate_limit: 0
  client_rate_limit: 0
  subnets:
    - subnet: 198.18.0.0/15
      pools: ["$POOL_FIRST-$POOL_LAST"]
      lease_time: 12h
      routers: [198.18.0.1]
YAML
}

POOL_FIRST=198.19.0.0
POOL_LAST=198.19.235.255    # 60416 addresses, more than perfdhcp's -R 60000 clients

start_server() { # name
    rm -rf "$WORK/state"; mkdir -p "$WORK/state"
    case $1 in
    dialtone | dialtone-pg | dialtone-pg2)
        store=sqlite
        [ "$1" != dialtone ] && { pg_fresh; store=postgres; }
        dialtone_yaml "$WORK/state" dtbs $store >"$WORK/dialtone.yaml"
        ip netns exec $S taskset -c 0 "${WRAP[@]}" "$DIALTONE" serve --config "$WORK/dialtone.yaml" --log-level warning \
            2>"$WORK/server.log" &
        FIRST=$!
        if [ "$1" = dialtone-pg2 ]; then
            mkdir -p "$WORK/state2"
            dialtone_yaml "$WORK/state2" dtbs2 postgres >"$WORK/dialtone2.yaml"
            ip netns exec $S taskset -c 0 "$DIALTONE" serve --config "$WORK/dialtone2.yaml" --log-level warning \
                2>"$WORK/server2.log" &
            PID2=$!
        fi
        ;;
    kea-pg)
        pg_fresh
        kea-admin db-init pgsql -u dialtone -n "$PG_DB" -h "$PG_SOCKET" >"$WORK/kea-admin.log" 2>&1 ||
            { echo "kea-admin db-init failed:"; cat "$WORK/kea-admin.log"; return 1; }
        cat >"$WORK/kea.json" <<JSON
{ "Dhcp4": {
    "interfaces-config": { "interfaces": ["dtbs"], "dhcp-socket-type": "udp" },
    "lease-database": { "type": "postgresql", "name": "$PG_DB", "user": "dialtone", "host": "$PG_SOCKET" },
    "valid-lifetime": 43200,
    "subnet4": [ { "id": 1, "subnet": "198.18.0.0/15", "pools": [ { "pool": "$POOL_FIRST - $POOL_LAST" } ],
                   "option-data": [ { "name": "routers", "data": "198.18.0.1" } ] } ],
    "loggers": [ { "name": "kea-dhcp4", "severity": "WARN", "output_options": [ { "output": "$WORK/state/kea.log" } ] } ]
} }
JSON
        ip netns exec $S env KEA_LOCKFILE_DIR="$WORK/state" KEA_PIDFILE_DIR="$WORK/state" \
            taskset -c 0 kea-dhcp4 -c "$WORK/kea.json" >"$WORK/server.log" 2>&1 &
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
            taskset -c 0 "${WRAP[@]}" kea-dhcp4 -c "$WORK/kea.json" >"$WORK/server.log" 2>&1 &
        ;;
    dnsmasq)
        ip netns exec $S taskset -c 0 dnsmasq -d -k -p 0 --conf-file=/dev/null -i dtbs --bind-interfaces \
            --dhcp-range=$POOL_FIRST,$POOL_LAST,255.254.0.0,12h --no-ping --dhcp-lease-max=70000 \
            --dhcp-leasefile="$WORK/state/dnsmasq.leases" --dhcp-option=3,198.18.0.1 --pid-file="$WORK/state/pid" \
            >"$WORK/server.log" 2>&1 &
        ;;
    esac
    PID=$!
    [ "$1" = dialtone-pg2 ] && PID=$FIRST
    sleep 1.5
    kill -0 "$PID" 2>/dev/null || { echo "$1 did not start:"; cat "$WORK/server.log"; PID=; return 1; }
}

stop_server() {
    kill "$PID" $PID2 2>/dev/null; wait "$PID" $PID2 2>/dev/null; PID=; PID2=
}

# Two nodes: one perfdhcp per node, each with half the rate and its own MAC range, run side by side; the
# output is the two reports one after the other, summed by `sum_runs`.
perf2() { # rate or "max"
    local half=() ; [ "$1" != max ] && half=(-r $(( $1 / 2 )))
    ip netns exec $C taskset -c 1 perfdhcp -4 -l dtbc "${half[@]}" -p "$PERIOD" -R 30000 -b mac=00:0c:01:00:00:00 \
        198.18.0.1 >"$WORK/p1.txt" 2>&1 &
    local p1=$!
    ip netns exec $C taskset -c 1 perfdhcp -4 -l dtbc2 "${half[@]}" -p "$PERIOD" -R 30000 -b mac=00:0c:02:00:00:00 \
        198.18.0.3 >"$WORK/p2.txt" 2>&1
    wait $p1
    cat "$WORK/p1.txt" "$WORK/p2.txt"
}

# The duplicate check for a shared database: every ACK either node sent is in the timeline.
pg_duplicates() {
    psql -h "$PG_SOCKET" -U dialtone -d "$PG_DB" -qtAc "SELECT count(*) FROM (SELECT metadata::json->>'dhcp.yiaddr' AS ip
        FROM event WHERE name = 'dhcp.ack.sent' GROUP BY ip HAVING count(DISTINCT mac) > 1) d"
}

perf() { # args...
    ip netns exec $C taskset -c 1 perfdhcp -4 -l dtbc "$@" 198.18.0.1 2>&1
}

# The server's CPU time (user + system, every thread; PostgreSQL's own processes not included) while perfdhcp
# runs, per ACK: unlike exchanges/s, it does not fall when another guest on the host takes CPU0 away.
cpu_ticks() {
    local total=0 p t
    for p in $PID $PID2; do
        t=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{ print $12 + $13 }')
        total=$(( total + ${t:-0} ))
    done
    echo "$total"
}
TICK=$(getconf CLK_TCK)

echo "| server | offered/s | achieved 4-way/s | completed % | DO avg ms | RA avg ms | server CPU µs / ACK |" \
    >"$WORK/rate.md"
echo "|---|---|---|---|---|---|---|" >>"$WORK/rate.md"
echo "| server | exchanges | DISCOVER->OFFER p50 ms | p99 ms | max ms |" >"$WORK/lat.md"
echo "|---|---|---|---|---|" >>"$WORK/lat.md"

for server in $SERVERS; do
    for rate in $RATES; do
        start_server "$server" || continue
        cpu0=$(cpu_ticks)
        if [ "$server" = dialtone-pg2 ]; then
            out=$(perf2 "$rate")
            sleep 1
            dups=$(pg_duplicates)
            echo "dialtone-pg2 $rate: addresses ACKed to two MACs: $dups" >&2
            [ "$dups" = 0 ] ||
                echo "| $server | $rate | DUPLICATES: $dups addresses ACKed to two MACs | | | | |" >>"$WORK/rate.md"
        elif [ "$rate" = max ]; then out=$(perf -p "$PERIOD" -R 60000); else out=$(perf -r "$rate" -p "$PERIOD" -R 60000); fi
        cpu1=$(cpu_ticks)
        stop_server
        echo "$out" >"$WORK/$server-$rate.txt"
        # KEEP_RAW=DIR keeps perfdhcp's report and the server's state directory (its timeline) for a look after.
        [ -n "${KEEP_RAW:-}" ] && rm -rf "$KEEP_RAW/state-$server-$rate" && cp "$WORK/$server-$rate.txt" "$KEEP_RAW/" &&
            cp -r "$WORK/state" "$KEEP_RAW/state-$server-$rate"
        # Summed over the reports (one, or two for dialtone-pg2): each has a DISCOVER and a REQUEST section.
        achieved=$(echo "$out" | sed -n 's/^Rate: \([0-9.]*\) 4-way.*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
        sent=$(echo "$out" | awk '/sent packets:/ { n++; if (n % 2 == 1) s += $3 } END { print s + 0 }')
        acks=$(echo "$out" | awk '/received packets:/ { n++; if (n % 2 == 0) s += $3 } END { print s + 0 }')
        davg=$(echo "$out" | awk '/avg delay:/ {print $3}' | sed -n 1p)
        ravg=$(echo "$out" | awk '/avg delay:/ {print $3}' | sed -n 2p)
        pct=$(awk -v a="${acks:-0}" -v s="${sent:-0}" 'BEGIN { if (s > 0) printf "%.1f", 100 * a / s; else print "-" }')
        # A server that died meanwhile reads as 0: no figure rather than a negative one.
        cpu=$(awk -v t=$(( cpu1 - cpu0 )) -v hz="$TICK" -v a="${acks:-0}" \
            'BEGIN { if (a > 0 && t >= 0) printf "%.1f", t * 1e6 / hz / a; else print "-" }')
        printf '| %s | %s | %.0f | %s | %s | %s | %s |\n' "$server" "$rate" "${achieved:-0}" "$pct" \
            "${davg:--}" "${ravg:--}" "$cpu" >>"$WORK/rate.md"
        echo "done: $server $rate -> ${achieved:-0}/s" >&2
    done
    [ "$server" = dialtone-pg2 ] && continue   # latency is a one-node figure
    start_server "$server" || continue
    out=$(perf -r "$LAT_RATE" -p "$LAT_PERIOD" -R 60000 -x t)
    stop_server
    echo "$out" >"$WORK/$server-latency.txt"
    [ -n "${KEEP_RAW:-}" ] && rm -rf "$KEEP_RAW/state-$server-latency" && cp "$WORK/$server-latency.txt" "$KEEP_RAW/" &&
        cp -r "$WORK/state" "$KEEP_RAW/state-$server-latency"
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

# Instructions per exchange: the server under callgrind, instrumentation switched on once it listens and off again
# before it stops, so start-up and shutdown are not in the figure. All threads count (the event loop, the
# store writer, SQLite); perfdhcp's low fixed rate keeps group commits small and the figure repeatable.
echo "| server | exchanges (ACKs) | instructions | instructions per exchange | heap allocations per exchange | store transactions per exchange |" \
    >"$WORK/instr.md"
echo "|---|---|---|---|---|---|" >>"$WORK/instr.md"
# valgrind 3.19 cannot read the Swift binary's DWARF 5 debug info: it runs a copy without it (symbols stay).
if [ -n "$INSTR_SERVERS" ] && command -v valgrind >/dev/null; then
    objcopy --strip-debug "$DIALTONE" "$WORK/dialtone-nodebug" && chmod 755 "$WORK/dialtone-nodebug"
    cc -O2 -shared -fPIC -o "$WORK/sigsuspend_copy.so" "$ROOT/bench/dhcp/sigsuspend_copy.c" || exit 2
fi
for server in $INSTR_SERVERS; do
    command -v valgrind >/dev/null || { echo "missing valgrind: apt-get install valgrind" >&2; break; }
    WRAP=(env LD_PRELOAD="$WORK/sigsuspend_copy.so" valgrind --tool=callgrind --instr-atstart=no
        --callgrind-out-file="$WORK/callgrind.$server")
    saved=$DIALTONE
    DIALTONE=$WORK/dialtone-nodebug
    start_server "$server" || { WRAP=(); DIALTONE=$saved; continue; }
    DIALTONE=$saved
    for _ in $(seq 1 120); do
        ip netns exec $S ss -Hlun 'sport = :67' | grep -q . && break
        sleep 0.5
    done
    timeout 60 callgrind_control -i on "$PID" >/dev/null || { echo "callgrind_control failed" >&2; stop_server; WRAP=(); continue; }
    out=$(perf -r "$INSTR_RATE" -n "$INSTR_COUNT" -R 60000)
    sleep 1 # replies still in flight, and the last group commit
    timeout 60 callgrind_control -i off "$PID" >/dev/null
    stop_server
    WRAP=()
    echo "$out" >"$WORK/$server-instr.txt"
    acks=$(echo "$out" | awk '/received packets:/ { n++; if (n == 2) print $3 }')
    total=$(awk '/^totals:/ { print $2 }' "$WORK/callgrind.$server")
    per=$(awk -v t="${total:-0}" -v a="${acks:-0}" 'BEGIN { if (a > 0) printf "%.0f", t / a; else print "-" }')
    # Dialtone's store transactions (calls of SQLiteLeaseStore.write): how the writer's submissions grouped
    # in this run. It moves the figure by about 100k instructions per transaction, and with timing.
    txns=-
    if [ "$server" = dialtone ]; then
        txns=$(callgrind_annotate --tree=caller "$WORK/callgrind.$server" 2>/dev/null |
            sed -n 's/.*< .*SQLiteaB0CAA0B0A2aDP5write.*TW (\([0-9,]*\)x).*/\1/p' | head -1 | tr -d ,)
        txns=$(awk -v t="${txns:-0}" -v a="${acks:-0}" 'BEGIN { if (a > 0 && t > 0) printf "%.2f", t / a; else print "-" }')
    fi
    # Heap allocations: calls into the C allocator, where Swift's objects and buffers, C++'s new and SQLite
    # all end, summed over every caller callgrind recorded (the same window as the instructions).
    # glibc's own allocators calling malloc (memalign's path does) are not counted twice.
    allocs=$(callgrind_annotate --tree=caller --threshold=100 "$WORK/callgrind.$server" 2>/dev/null | awk '
        /^$/ { n = 0; next }
        / < / {
            if ($0 ~ /:(_mid_memalign|realloc|calloc|posix_memalign|aligned_alloc|memalign) \[/) next
            if (match($0, /\([0-9,]+x\)/)) { c = substr($0, RSTART + 1, RLENGTH - 3); gsub(",", "", c); n += c }
            next
        }
        /\*  / { if ($0 ~ /:(malloc|calloc|realloc|posix_memalign|aligned_alloc|memalign) \[/) { t += n; seen = 1 }; n = 0 }
        END { if (seen) print t; else print "-" }')
    allocs=$(awk -v t="$allocs" -v a="${acks:-0}" 'BEGIN { if (a > 0 && t != "-") printf "%.0f", t / a; else print "-" }')
    echo "| $server | ${acks:-0} | ${total:-0} | $per | $allocs | $txns |" >>"$WORK/instr.md"
    # The profile behind the figure, for callgrind_annotate (bench/*/results is not committed).
    mkdir -p "$ROOT/bench/dhcp/results"
    cp "$WORK/callgrind.$server" "$ROOT/bench/dhcp/results/callgrind-$server-$(date +%Y%m%d-%H%M%S).out"
    echo "done: $server instructions -> $per per exchange" >&2
done

echo
[ -n "$PG_DB" ] && psql -h "$PG_SOCKET" -U dialtone -d postgres -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)"
echo "## DHCP throughput (perfdhcp, ${PERIOD}s per run, fresh lease store per run)"
cat "$WORK/rate.md"
echo
echo "## DISCOVER->OFFER latency at $LAT_RATE/s for ${LAT_PERIOD}s"
cat "$WORK/lat.md"
echo
echo "## Instructions per exchange (callgrind, $INSTR_COUNT exchanges at $INSTR_RATE/s; load average $(cut -d' ' -f1-3 /proc/loadavg))"
cat "$WORK/instr.md"
mkdir -p "$ROOT/bench/dhcp/results"
out="$ROOT/bench/dhcp/results/$(date +%Y%m%d-%H%M%S).md"
{ echo "# dhcp bench $(date -u +%FT%TZ) on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    cat "$WORK/rate.md"; echo; cat "$WORK/lat.md"; echo; cat "$WORK/instr.md"; } >"$out"
echo; echo "written to $out (raw perfdhcp output was in $WORK, removed on exit)"
