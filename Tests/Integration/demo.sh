#!/bin/bash
# `dialtone demo --phones 50` finishes without root (run as nobody with no capabilities) and prints the table.
. "$(dirname "$0")/lib.sh"
command -v setpriv >/dev/null || { echo "setpriv missing (util-linux)"; exit 1; }

unprivileged_demo() {
    setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all \
        timeout 300 "$DIALTONE" demo --phones 50 >"$WORK/demo.out" 2>&1; rc=$?
    tail -4 "$WORK/demo.out"; echo "exit $rc"
    [ $rc -eq 0 ] && grep -q "^50/50 phones reached SIP70.9-2-1S; offers rejected: 0" "$WORK/demo.out" &&
        [ "$(grep -c '  SIP70.9-2-1S$' "$WORK/demo.out")" -eq 50 ]
}
check "dialtone demo --phones 50 as an unprivileged user: every phone reaches the last load" unprivileged_demo

mixed_fleet() {
    timeout 300 "$DIALTONE" demo --phones 8 --models CP-7970G,T46G,VVX410,CP-8851 >"$WORK/mixed.out" 2>&1; rc=$?
    tail -3 "$WORK/mixed.out"; echo "exit $rc"
    [ $rc -eq 0 ] && grep -q "^8/8 phones reached 3111-46161-001-6.4.6 or SIP70.9-2-1S or T46-28.86.0.20 or sip88xx.14-2-1-0001-28" "$WORK/mixed.out" &&
        [ "$(grep -c '^00:15:65:.*  T46-28.86.0.20$' "$WORK/mixed.out")" -eq 2 ] &&
        [ "$(grep -c '^00:04:f2:.*  3111-46161-001-6.4.6$' "$WORK/mixed.out")" -eq 2 ] &&
        [ "$(grep -c '  sip88xx.14-2-1-0001-28$' "$WORK/mixed.out")" -eq 2 ]
}
check "dialtone demo --models CP-7970G,T46G,VVX410,CP-8851: a mixed fleet, each phone on its vendor's files and path" mixed_fleet

finish
