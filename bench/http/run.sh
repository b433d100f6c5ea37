#!/bin/bash
# One 16 MiB image from one Dialtone, over HTTP (the file service, issue 16) against TFTP with blksize and
# windowsize (RFC 2348, 7440), in the same run, so the figures compare on one machine at one moment.
#
#   sudo bench/http/run.sh        # REPS=5 SIZE_MB=16
#
# The server listens on 127.0.0.1 (TFTP :69, HTTP :8080) in its own network namespace (loopback, MTU
# 65536), pinned to CPU0; the clients (curl for HTTP, atftp for TFTP) run in the same namespace pinned to
# CPU1. Each row is the median of REPS downloads, each checked byte for byte; "server CPU" is the server's
# utime+stime per download (median), from /proc. The file sits in the page cache and, at 16 MiB, in
# Dialtone's hot-file cache, so this measures the protocols and the server, not the disk.
# Needs: atftp, curl, taskset, and `swift build -c release`.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIALTONE=${DIALTONE:-$ROOT/.build/release/dialtone}
REPS=${REPS:-5}
SIZE_MB=${SIZE_MB:-16}
NS=dtbench-h
WORK=$(mktemp -d /tmp/dialtone-httpbench.XXXXXX)
chmod 755 "$WORK"
PID=

[ "$(id -u)" -eq 0 ] || { echo "run as root (network namespace)"; exit 2; }
for tool in atftp curl taskset; do command -v $tool >/dev/null || { echo "missing $tool"; exit 2; }; done
[ -x "$DIALTONE" ] || { echo "build first: swift build -c release"; exit 2; }

cleanup() {
    ip netns pids $NS 2>/dev/null | xargs -r kill 2>/dev/null
    sleep 0.2; ip netns del $NS 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
ip netns add $NS && ip -n $NS link set lo up
in_ns() { ip netns exec $NS "$@"; }

mkdir -p "$WORK/root"
head -c $((SIZE_MB << 20)) /dev/urandom >"$WORK/root/image.bin"
chmod -R a+rX "$WORK"
cat >"$WORK/d.yaml" <<YAML
state_dir: $WORK/state
tftp:
  root: $WORK/root
  listen: ["127.0.0.1:69"]
http:
  listen: ["127.0.0.1:8080"]
YAML
in_ns taskset -c 0 "$DIALTONE" serve --config "$WORK/d.yaml" --log-level warning 2>"$WORK/server.log" &
sleep 1.5
PID=$(ip netns pids $NS | head -1)
[ -n "$PID" ] && kill -0 "$PID" 2>/dev/null || { echo "dialtone failed to start: $(cat "$WORK/server.log")"; exit 1; }

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$PID/stat"; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# One download by "$@" into $WORK/out; prints "MB/s server-CPU-ms", or "0 0" when the bytes differ.
measure() {
    rm -f "$WORK/out"
    local c0 c1 t0 t1
    c0=$(cpu_ticks); t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    t1=$(date +%s.%N); c1=$(cpu_ticks)
    if cmp -s "$WORK/root/image.bin" "$WORK/out"; then
        awk -v t0="$t0" -v t1="$t1" -v c="$((c1 - c0))" -v hz="$(getconf CLK_TCK)" -v mb="$SIZE_MB" \
            'BEGIN { printf "%.1f %.0f\n", mb * 1.048576 / (t1 - t0), c * 1000 / hz }'
    else
        echo "0 0"
    fi
}

http_get() { in_ns taskset -c 1 curl -s -o "$WORK/out" http://127.0.0.1:8080/image.bin; }
tftp_get() { in_ns taskset -c 1 atftp "$@" -g -r image.bin -l "$WORK/out" 127.0.0.1 69; }

echo "| protocol | options | MB/s (median of $REPS) | server CPU ms per download |"
echo "|---|---|---|---|"
row() { # label options command...
    local label=$1 options=$2; shift 2
    for _ in $(seq 1 "$REPS"); do measure "$@"; done >"$WORK/runs"
    echo "| $label | $options | $(cut -d' ' -f1 "$WORK/runs" | median) | $(cut -d' ' -f2 "$WORK/runs" | median) |"
    if grep -q '^0 ' "$WORK/runs"; then echo "  ($label $options: some downloads differed from the file)"; fi
}
http_get >/dev/null 2>&1  # warm both caches: the page cache and Dialtone's hot-file cache
row HTTP "GET, curl" http_get
row TFTP "blksize 1468" tftp_get --option "blksize 1468"
row TFTP "blksize 1468, windowsize 16" tftp_get --option "blksize 1468" --option "windowsize 16"
row TFTP "blksize 8192, windowsize 16" tftp_get --option "blksize 8192" --option "windowsize 16"
row TFTP "blksize 65464, windowsize 64" tftp_get --option "blksize 65464" --option "windowsize 64"
