#!/bin/bash
# `dialtone tftp get|put` against tftpd-hpa (a server we did not write) and against `dialtone serve`.
# Both servers run in a namespace on 198.18.0.1; the client runs in the second namespace.
. "$(dirname "$0")/lib.sh"
HPA=$(command -v in.tftpd || true)
make_link || { echo "cannot create namespaces (need root and iproute2)"; exit 1; }
ip -n "$CLI" addr add 198.18.0.2/24 dev "${TAG}b"
ROOT="$WORK/root"
mkdir -p "$ROOT"
head -c 3000000 /dev/urandom >"$ROOT/fw.bin"
head -c 512 /dev/urandom >"$ROOT/b512.bin"
head -c 700000 /dev/urandom >"$WORK/upload.bin"
chmod -R a+rwX "$WORK"
client() { ip netns exec "$CLI" "$DIALTONE" tftp "$@"; }

hpa_running() {
    [ -n "$HPA" ] && "$HPA" -V 2>&1 | grep -q tftp-hpa || { echo "tftpd-hpa's in.tftpd not installed"; return 1; }
    ip netns exec "$SRV" "$HPA" -L -c -s "$ROOT" -u root >"$WORK/hpa.log" 2>&1 &
    HPA_PID=$!
    sleep 0.5
    kill -0 $HPA_PID
}
check "tftpd-hpa starts in the server namespace" hpa_running

against() { # label
    for opts in "" "--blksize 1468 --tsize" "--blksize 1468 --windowsize 8"; do
        rm -f "$WORK/got"
        # shellcheck disable=SC2086
        client get 198.18.0.1 fw.bin "$WORK/got" $opts || { echo "get $opts failed"; return 1; }
        cmp "$ROOT/fw.bin" "$WORK/got" || { echo "get $opts differs"; return 1; }
    done
    rm -f "$WORK/got"; client get 198.18.0.1 b512.bin "$WORK/got" && cmp "$ROOT/b512.bin" "$WORK/got" || return 1
    client put 198.18.0.1 "up-$1.bin" "$WORK/upload.bin" --blksize 1468 || { echo "put failed"; return 1; }
    sleep 0.2
    cmp "$WORK/upload.bin" "$ROOT/up-$1.bin"
}
check "against tftpd-hpa: get (lockstep, blksize+tsize, windowsize), 512 B edge, put" against hpa

hpa_missing() {
    client get 198.18.0.1 missing.bin "$WORK/missing"; rc=$?
    echo "exit $rc"; [ $rc -eq 1 ] && [ ! -e "$WORK/missing" ] && [ ! -e "$WORK/missing.part" ]
}
check "a missing file exits 1 and leaves no file" hpa_missing
kill "$HPA_PID" 2>/dev/null; wait "$HPA_PID" 2>/dev/null

cat >"$WORK/dialtone.yaml" <<YAML
state_dir: $WORK/state
tftp:
  root: $ROOT
  listen: ["198.18.0.1:69"]
  allow_write: true
YAML
chown "$(served_user)" "$ROOT"   # uploads are written as the user serve switched to
ip netns exec "$SRV" "$DIALTONE" serve --config "$WORK/dialtone.yaml" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
sleep 0.8
check "against dialtone serve: get (lockstep, blksize+tsize, windowsize), 512 B edge, put" against dialtone

no_server() {
    client get 198.18.0.9 x "$WORK/x" --retries 1; rc=$?
    echo "exit $rc"; [ $rc -eq 3 ]
}
check "no server answering exits 3" no_server

finish
