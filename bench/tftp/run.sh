#!/bin/bash
# TFTP benchmark: Dialtone against tftpd-hpa, atftpd and dnsmasq's TFTP, in one run, on one machine.
#
#   sudo bench/tftp/run.sh      # SERVERS="dialtone tftpd-hpa atftpd dnsmasq" REPS=3 CONC=200 CONC_MB=2 BIG=1000
#   sudo SERVERS="dialtone tftpd-hpa atftpd dialtone tftpd-hpa atftpd" REPS=3 BIG=0 bench/tftp/run.sh  # in rounds
#
# Every server listens on 127.0.0.1:69 inside its own network namespace (loopback, MTU 65536), pinned to
# CPU0; clients (atftp, which speaks blksize and windowsize) run in the same namespace pinned to CPU1.
#   1. one 16 MiB download: lockstep at blksize 512, at blksize 1468, and blksize 1468 + windowsize 16
#      (servers without RFC 7440 ignore windowsize and run lockstep: that is part of the comparison);
#   2. CONC concurrent CONC_MB MiB downloads: aggregate MB/s, server CPU seconds (with reaped children,
#      for forking servers), server peak RSS (VmHWM of the main process; forked children not included);
#   3. Dialtone only: BIG concurrent 1 MiB downloads, peak RSS (the "1000 transfers under 100 MiB" target);
#   4. instructions per DATA block (INSTR_SERVERS, default "dialtone tftpd-hpa atftpd"; empty skips it): each
#      server under `valgrind --tool=callgrind`, counting while one 1 MiB download runs lockstep at blksize
#      512 and once more at blksize 1468 + windowsize 16, all processes and threads summed (tftpd-hpa forks a
#      child per transfer). User space only: the kernel's share of each send and receive is not in it. A
#      figure that does not move with the machine's noise, unlike MB/s. The profiles are kept in
#      bench/tftp/results/callgrind-SERVER-bBLKSIZE-wWINDOW-PID.out for callgrind_annotate.
# Needs: apt-get install atftp dnsmasq-base libwrap0, and `swift build -c release`. Debian's tftpd-hpa
# and atftpd packages conflict (both provide in.tftpd), so whichever server is not installed has its binary
# unpacked from its .deb into .build-bench/ on first use, without installing it.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIALTONE=${DIALTONE:-$ROOT/.build/release/dialtone}
SERVERS=${SERVERS-"dialtone tftpd-hpa atftpd dnsmasq"} # empty: only the instruction counts
REPS=${REPS:-3}
CONC=${CONC:-200}
CONC_MB=${CONC_MB:-2}
BIG=${BIG:-1000}
INSTR_SERVERS=${INSTR_SERVERS-"dialtone tftpd-hpa atftpd"}
WRAP=() # a prefix for the server's command: empty, or callgrind for the instruction counts
NS=dtbench-t
WORK=$(mktemp -d /tmp/dialtone-tftpbench.XXXXXX)
# serve started as root switches to an unprivileged user (docs/security.md), which must reach its state.
chmod 755 "$WORK"
PID=

[ "$(id -u)" -eq 0 ] || { echo "run as root (network namespace)"; exit 2; }
HPA=${HPA:-$ROOT/.build-bench/tftpd-hpa/usr/sbin/in.tftpd}
if [ ! -x "$HPA" ]; then
    mkdir -p "$ROOT/.build-bench/tftpd-hpa"
    (cd "$(mktemp -d)" && chmod 777 . && apt-get download -qq tftpd-hpa && dpkg-deb -x tftpd-hpa_*.deb "$ROOT/.build-bench/tftpd-hpa") || {
        echo "could not unpack tftpd-hpa"; exit 2; }
fi
# Same for atftpd when it is not installed (a machine set up for the tests has tftpd-hpa instead).
ATFTPD=$(command -v atftpd || echo "$ROOT/.build-bench/atftpd/usr/sbin/atftpd")
if [ ! -x "$ATFTPD" ]; then
    mkdir -p "$ROOT/.build-bench/atftpd"
    (cd "$(mktemp -d)" && chmod 777 . && apt-get download -qq atftpd && dpkg-deb -x atftpd_*.deb "$ROOT/.build-bench/atftpd") || {
        echo "could not unpack atftpd"; exit 2; }
fi
for tool in "$HPA" "$ATFTPD" atftp dnsmasq taskset; do command -v $tool >/dev/null || { echo "missing $tool"; exit 2; }; done
# The instruction counts need these; checked now, not after the throughput runs.
if [ -n "$INSTR_SERVERS" ]; then
    for tool in valgrind callgrind_control objcopy cc; do
        command -v $tool >/dev/null || { echo "missing $tool (INSTR_SERVERS= skips the instruction counts)"; exit 2; }
    done
fi
[ -x "$DIALTONE" ] || { echo "build first: swift build -c release"; exit 2; }

cleanup() {
    [ -n "$PID" ] && kill "$PID" 2>/dev/null
    ip netns pids $NS 2>/dev/null | xargs -r kill 2>/dev/null
    sleep 0.2; ip netns del $NS 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
ip netns add $NS && ip -n $NS link set lo up
in_ns() { ip netns exec $NS "$@"; }

mkdir -p "$WORK/root" "$WORK/out"
head -c $((16 << 20)) /dev/urandom >"$WORK/root/16m.bin"
head -c $((CONC_MB << 20)) /dev/urandom >"$WORK/root/conc.bin"
head -c $((1 << 20)) /dev/urandom >"$WORK/root/1m.bin"
chmod -R a+rX "$WORK"

start() {
    case $1 in
    dialtone)
        # One client address opens up to 1000 transfers at once: capacity without the per-client limit.
        printf 'state_dir: %s/state\ntftp:\n  root: %s/root\n  listen: ["127.0.0.1:69"]\n  max_transfers: 5000\n  client_rate_limit: 0\n' "$WORK" "$WORK" >"$WORK/d.yaml"
        # Under callgrind serve keeps root: valgrind's control pipes are made before a switch (bench/dhcp).
        [ ${#WRAP[@]} -gt 0 ] && echo "user: root" >>"$WORK/d.yaml"
        # tftp.full_speed_transfers (default 64); FULL_SPEED=0 runs every transfer at full speed.
        [ -n "${FULL_SPEED:-}" ] && sed -i "s/^  client_rate_limit: 0$/&\n  full_speed_transfers: $FULL_SPEED/" "$WORK/d.yaml"
        ip netns exec $NS taskset -c 0 "${WRAP[@]}" "$DIALTONE" serve --config "$WORK/d.yaml" --log-level warning 2>"$WORK/server.log" & ;;
    tftpd-hpa)
        # Debian's 5.2 refuses -a 127.0.0.1:69 (exit 66); in a private namespace 0.0.0.0:69 is the same.
        ip netns exec $NS taskset -c 0 "${WRAP[@]}" "$HPA" -L -s "$WORK/root" -B 65464 -u root 2>"$WORK/server.log" & ;;
    atftpd)
        ip netns exec $NS taskset -c 0 "${WRAP[@]}" "$ATFTPD" --daemon --no-fork --port 69 --bind-address 127.0.0.1 --maxthread 5000 \
            --logfile /dev/null --user root.root "$WORK/root" 2>"$WORK/server.log" & ;;
    dnsmasq)
        ip netns exec $NS taskset -c 0 dnsmasq -d -k -p 0 --conf-file=/dev/null --enable-tftp --tftp-root="$WORK/root" \
            --listen-address=127.0.0.1 --bind-interfaces --tftp-max=5000 --user=root 2>"$WORK/server.log" & ;;
    esac
    sleep $([ ${#WRAP[@]} -gt 0 ] && echo 6 || echo 1) # valgrind takes seconds to start
    # The only process in the namespace is the server (ip netns exec, taskset, env and valgrind exec into it).
    PID=$(ip netns pids $NS | head -1)
    [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null || { echo "$1 failed to start: $(cat "$WORK/server.log")"; PID=; return 1; }
}
stop() {
    ip netns pids $NS | xargs -r kill 2>/dev/null
    # Under valgrind a server takes seconds to write its profile and exit.
    for _ in $(seq 1 $([ ${#WRAP[@]} -gt 0 ] && echo 600 || echo 50)); do [ -z "$(ip netns pids $NS)" ] && break; sleep 0.1; done
    PID=
}

cpu_seconds() { # utime+stime+cutime+cstime of $PID in seconds
    awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15 + $16 + $17) / hz }' "/proc/$PID/stat"
}
peak_rss_mb() { awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$PID/status"; }

fetch() { # file, out, atftp options...
    local file=$1 out=$2; shift 2
    in_ns taskset -c 1 atftp "$@" -g -r "$file" -l "$out" 127.0.0.1 69 >/dev/null 2>&1
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

echo "| server | 16 MiB, blksize 512 | blksize 1468 | blksize 1468 + windowsize 16 |" >"$WORK/single.md"
echo "|---|---|---|---|" >>"$WORK/single.md"
echo "| server | $CONC x $CONC_MB MiB: wall s | aggregate MB/s | failed | server CPU s | server peak RSS MiB |" >"$WORK/conc.md"
echo "|---|---|---|---|---|---|" >>"$WORK/conc.md"

for server in $SERVERS; do
    start "$server" || continue
    row="| $server"
    for opts in "" "--option|blksize 1468" "--option|blksize 1468|--option|windowsize 16"; do
        IFS='|' read -r -a args <<<"$opts"
        [ -z "$opts" ] && args=()
        for _ in $(seq 1 "$REPS"); do
            rm -f "$WORK/out/16m"
            t0=$(date +%s.%N); fetch 16m.bin "$WORK/out/16m" "${args[@]}"; t1=$(date +%s.%N)
            if cmp -s "$WORK/root/16m.bin" "$WORK/out/16m"; then echo "$t0 $t1" | awk '{ printf "%.2f\n", 16.777216 / ($2 - $1) }'; else echo 0; fi
        done | tee -a "$WORK/samples-$server-${#args[@]}" | median >"$WORK/m"
        row="$row | $(cat "$WORK/m") MB/s"
    done
    echo "$row |" >>"$WORK/single.md"

    if [ "$CONC" -eq 0 ]; then
        stop
        echo "done: $server" >&2
        continue
    fi
    cpu0=$(cpu_seconds)
    t0=$(date +%s.%N)
    pids=()
    for i in $(seq 1 "$CONC"); do
        in_ns taskset -c 1 setsid atftp --option "blksize 1468" -g -r conc.bin -l "$WORK/out/c$i" 127.0.0.1 69 >/dev/null 2>&1 &
        pids+=($!)
    done
    wait "${pids[@]}"
    t1=$(date +%s.%N)
    failed=0
    for i in $(seq 1 "$CONC"); do cmp -s "$WORK/root/conc.bin" "$WORK/out/c$i" || failed=$((failed + 1)); done
    rm -f "$WORK"/out/c*
    cpu1=$(cpu_seconds)
    echo "$t0 $t1 $cpu0 $cpu1 $failed" | awk -v n="$CONC" -v mb="$CONC_MB" -v s="$server" -v rss="$(peak_rss_mb)" \
        '{ w = $2 - $1; printf "| %s | %.1f | %.1f | %d | %.2f | %s |\n", s, w, (n - $5) * mb * 1.048576 / w, $5, $4 - $3, rss }' >>"$WORK/conc.md"
    stop
    echo "done: $server" >&2
done

big=""
if [[ " $SERVERS " == *" dialtone "* ]] && [ "$BIG" -gt 0 ]; then
    start dialtone && {
        pids=()
        for i in $(seq 1 "$BIG"); do
            in_ns setsid atftp -g -r 1m.bin -l "$WORK/out/b$i" 127.0.0.1 69 >/dev/null 2>&1 &
            pids+=($!)
        done
        wait "${pids[@]}"
        failed=0
        for i in $(seq 1 "$BIG"); do cmp -s "$WORK/root/1m.bin" "$WORK/out/b$i" || failed=$((failed + 1)); done
        big="Dialtone, $BIG concurrent 1 MiB downloads at blksize 512: $failed failed, peak RSS $(peak_rss_mb) MiB"
        stop
    }
fi

# Instructions per DATA block: the server under callgrind, instrumentation on once it listens and a first
# download is done (file opened, caches warm), off before it stops. valgrind 3.19 cannot read the Swift
# binary's DWARF 5 debug info: it runs a copy without it; sigsuspend_copy.so as in bench/dhcp/run.sh.
instr=""
if [ -n "$INSTR_SERVERS" ]; then
    objcopy --strip-debug "$DIALTONE" "$WORK/dialtone-nodebug" && chmod 755 "$WORK/dialtone-nodebug"
    cc -O2 -shared -fPIC -o "$WORK/sigsuspend_copy.so" "$ROOT/bench/dhcp/sigsuspend_copy.c" || exit 2
    chmod a+rx "$WORK/dialtone-nodebug" "$WORK/sigsuspend_copy.so"
    instr="| server | lockstep, blksize 512 | blksize 1468 + windowsize 16 |"$'\n'"|---|---|---|"
    for server in $INSTR_SERVERS; do
        row="| $server"
        for opts in "--option|blksize 512" "--option|blksize 1468|--option|windowsize 16"; do
            IFS='|' read -r -a args <<<"$opts"
            # A second attempt on a fresh server when the counted download does not arrive whole: under
            # valgrind a lockstep server now and then answers slower than atftp's retries (about one run in
            # three, fourteenth session), and the figure is only kept from a complete download.
            for attempt in 1 2; do
                # tftpd-hpa's child chroots into the TFTP root (-s) before callgrind writes its file at exit:
                # the same path must exist inside it too.
                rm -rf "$WORK"/cg.* "$WORK/root$WORK"
                [ "$server" = tftpd-hpa ] && mkdir -p "$WORK/root$WORK"
                WRAP=(env LD_PRELOAD="$WORK/sigsuspend_copy.so" valgrind --tool=callgrind --instr-atstart=no
                    --trace-children=yes "--callgrind-out-file=$WORK/cg.%p")
                DIALTONE_REAL=$DIALTONE DIALTONE=$WORK/dialtone-nodebug
                start "$server" || { DIALTONE=$DIALTONE_REAL WRAP=(); ok=none; break; }
                DIALTONE=$DIALTONE_REAL
                fetch 1m.bin "$WORK/out/warm" "${args[@]}"
                timeout 60 callgrind_control -i on "$PID" >/dev/null
                rm -f "$WORK/out/instr"
                fetch 1m.bin "$WORK/out/instr" "${args[@]}"
                timeout 60 callgrind_control -i off "$PID" >/dev/null
                ok=$(cmp -s "$WORK/root/1m.bin" "$WORK/out/instr" && echo yes)
                stop
                WRAP=()
                [ "$ok" = yes ] && break
                echo "callgrind download from $server incomplete (attempt $attempt)" >&2
            done
            [ "$ok" = none ] && { row="$row | - "; continue; }
            blksize=${args[1]#blksize }
            blocks=$((1048576 / blksize + 1))
            total=$(cat "$WORK"/cg.* "$WORK/root$WORK"/cg.* 2>/dev/null | awk '/^totals:/ { s += $2 } END { print s + 0 }')
            # The profiles behind the figure, for callgrind_annotate (bench/*/results is not committed).
            mkdir -p "$ROOT/bench/tftp/results"
            for f in "$WORK"/cg.* "$WORK/root$WORK"/cg.*; do
                [ -e "$f" ] && cp "$f" "$ROOT/bench/tftp/results/callgrind-$server-b$blksize-w$([ ${#args[@]} -gt 2 ] && echo 16 || echo 1)-${f##*.}.out"
            done
            if [ "$ok" = yes ] && [ "$total" -gt 0 ]; then
                row="$row | $(awk -v t="$total" -v b="$blocks" 'BEGIN { printf "%.0f", t / b }')"
            else
                row="$row | failed"
            fi
        done
        instr="$instr"$'\n'"$row |"
        echo "done: $server (callgrind)" >&2
    done
fi

echo
echo "## One 16 MiB download (atftp client, loopback, median of $REPS)"
cat "$WORK/single.md"
# A server named more than once in SERVERS ("dialtone tftpd-hpa dialtone tftpd-hpa ...") ran in rounds taken
# in turn, so a slow quarter of an hour falls on both: the median over every round's downloads.
if [ "$(echo $SERVERS | tr ' ' '\n' | sort | uniq -d)" ]; then
    echo
    echo "## Every round together: median of all single downloads"
    echo "| server | downloads each | blksize 512 | blksize 1468 | blksize 1468 + windowsize 16 |"
    echo "|---|---|---|---|---|"
    for server in $(echo $SERVERS | tr ' ' '\n' | awk '!seen[$0]++'); do
        [ -f "$WORK/samples-$server-0" ] || continue
        echo "| $server | $(wc -l <"$WORK/samples-$server-0") | $(median <"$WORK/samples-$server-0") MB/s |" \
            "$(median <"$WORK/samples-$server-2") MB/s | $(median <"$WORK/samples-$server-4") MB/s |"
    done
fi
echo
echo "## $CONC concurrent downloads (atftp, blksize 1468)"
cat "$WORK/conc.md"
[ -n "$big" ] && { echo; echo "$big"; }
[ -n "$instr" ] && { echo; echo "## Instructions per DATA block (callgrind, one 1 MiB download, user space)"; echo "$instr"; }
