#!/bin/bash
# Crash soak (issue 14): Tests/Integration/crash-leases.sh, which CI runs with 20 kills, run for many more.
#
#   sudo bench/crash-soak/run.sh        # KILLS=200; DIALTONE=.build/release/dialtone by default
#
# Each cycle starts the server on the same SQLite state, drives perfdhcp (relayed 4-way exchanges, 3,000/s
# asked) at it, SIGKILLs it at a random moment 0.1-1 s in, and checks from the clients' side: every address
# perfdhcp was ACKed is bound in the store after the restart, no client holds two addresses, `PRAGMA
# integrity_check` says ok, and a sample of those clients is re-ACKed with its address (INIT-REBOOT through
# the relay). The first failing cycle stops the soak and is reported with the server's log.
# Prints a table: kills, ACKed leases in all, per cycle (min / median / max), lost, time.
# Needs root (network namespaces), perfdhcp (kea-admin's package), sqlite3, and `swift build -c release`.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export DIALTONE=${DIALTONE:-$ROOT/.build/release/dialtone}
KILLS=${KILLS:-200}
[ "$(id -u)" -eq 0 ] || { echo "run as root (network namespaces)"; exit 2; }
[ -x "$DIALTONE" ] || { echo "no $DIALTONE: run swift build -c release first"; exit 2; }
LOG=$(mktemp /tmp/dialtone-soak.XXXXXX)
trap 'rm -f "$LOG"' EXIT

started=$(date +%s)
CYCLES=$KILLS CRASH_LOG=$LOG bash "$ROOT/Tests/Integration/crash-leases.sh"
status=$?
took=$(($(date +%s) - started))

python3 - "$LOG" "$KILLS" "$took" "$status" <<'PY'
import re, statistics, sys
lines = open(sys.argv[1]).read().splitlines()
kills, took, status = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
acked = [int(m.group(1)) for l in lines if (m := re.search(r": (\d+) ACKed before the kill", l))]
done = len(acked)
print()
print(f"== crash soak: {done} of {kills} SIGKILLs passed in {took} s ({'all checks ok' if status == 0 else 'FAILED'})")
print(f"{'kills':>6} {'ACKed leases':>13} {'per kill min/median/max':>24} {'lost':>5} {'double-bound':>13}")
if acked:
    spread = f"{min(acked)} / {int(statistics.median(acked))} / {max(acked)}"
else:
    spread = "-"
# A cycle only prints its line once every check passed, so the cycles counted here lost nothing; a failing
# cycle stops the soak, and its reason is in the output above.
print(f"{done:>6} {sum(acked):>13} {spread:>24} {0 if status == 0 else '?':>5} {0 if status == 0 else '?':>13}")
PY
exit $status
