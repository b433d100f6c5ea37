#!/bin/bash
# SIGHUP reloads the config of a running `dialtone serve` (issue 15), with busybox udhcpc as the client and
# curl as the TFTP client:
# - a broken file is refused: the log names the file and line, and the running config keeps serving;
# - a good file is applied: a new option and a new reservation are served at once, an existing lease is
#   kept, a restart-only key (dhcp.port) is logged and keeps its running value, and a TFTP download that
#   runs across the reload completes while the next request is served from the new root, and the
#   dashboard's live log stream stays open and carries what follows;
# - a valid file naming a TFTP root that does not exist is refused, and the old root keeps serving.
. "$(dirname "$0")/lib.sh"
for tool in busybox curl; do command -v $tool >/dev/null || { echo "$tool missing"; exit 1; }; done
make_link || { echo "cannot create namespaces (need root and iproute2)"; exit 1; }

mkdir -p "$WORK/root1" "$WORK/root2"
head -c 16000000 /dev/urandom >"$WORK/root1/big.bin"
echo "from root2" >"$WORK/root2/which.txt"
echo "from root1" >"$WORK/root1/which.txt"

dhcp_config "198.18.0.100-198.18.0.150"
cp "$WORK/dialtone.yaml" "$WORK/base.yaml"
cat >>"$WORK/dialtone.yaml" <<YAML
      lease_time: 10m
tftp:
  root: $WORK/root1
  listen: ["198.18.0.1:69"]
web:
  listen: "127.0.0.1:18067"
YAML
cp "$WORK/dialtone.yaml" "$WORK/first.yaml"

cat >"$WORK/udhcpc.sh" <<'HOOK'
#!/bin/sh
[ "$1" = bound ] || [ "$1" = renew ] || exit 0
echo "$ip" >"$OUT.ip"
echo "${domain:-}" >"$OUT.domain"
exit 0
HOOK
chmod +x "$WORK/udhcpc.sh"

lease() { # name mac [udhcpc options]: one udhcpc run; address in $WORK/<name>.ip, option 15 in <name>.domain
    local name=$1 mac=$2; shift 2
    ip -n "$CLI" link set "${TAG}b" address "$mac"
    rm -f "$WORK/$name.ip" "$WORK/$name.domain"
    ip netns exec "$CLI" env OUT="$WORK/$name" busybox udhcpc -i "${TAG}b" -f -q -n -t 5 -T 1 \
        -s "$WORK/udhcpc.sh" "$@" >"$WORK/$name.udhcpc" 2>&1
    [ -s "$WORK/$name.ip" ] || { cat "$WORK/$name.udhcpc"; return 1; }
    echo "$name: $(cat "$WORK/$name.ip") domain=$(cat "$WORK/$name.domain")"
}

hangup() { # event: SIGHUP the server, then wait for that event in its log (after the lines already there)
    local before
    before=$(grep -c "$1" "$WORK/server.log")
    kill -HUP "$SERVER_PID"
    for _ in $(seq 1 50); do
        [ "$(grep -c "$1" "$WORK/server.log")" -gt "$before" ] && return 0
        sleep 0.1
    done
    echo "no $1 after SIGHUP"; return 1
}

start_server "$WORK/dialtone.yaml" || exit 1
check "client A gets an address from the pool" lease a 02:00:00:00:15:0a
addr_a=$(cat "$WORK/a.ip")
check "no domain name before the reload" bash -c "[ -z \"\$(cat '$WORK/a.domain')\" ]"

# Broken: a mistyped key on line 7 of the file.
sed 's/lease_time: 10m/lease_tme: 10m/' "$WORK/first.yaml" >"$WORK/dialtone.yaml"
check "SIGHUP with a broken file is rejected" hangup config.reload.rejected
check "the rejection names the file, the line and the key" \
    grep -E "config.reload.rejected .*error=\"$WORK/dialtone.yaml:7:[0-9]+: dhcp.subnets\[0\].lease_tme" "$WORK/server.log"
# Valid YAML, but a TFTP root that does not exist: refused before anything is swapped.
sed 's|root1|no-such-root|' "$WORK/first.yaml" >"$WORK/dialtone.yaml"
check "SIGHUP with a missing tftp.root is refused" hangup config.reload.rejected
check "...naming the file and the key" \
    grep -E "config.reload.rejected .*error=\"$WORK/dialtone.yaml: tftp.root: .*no-such-root" "$WORK/server.log"
check "...and TFTP still serves the old root" bash -c "
    ip netns exec '$CLI' ip addr add 198.18.0.9/24 dev '${TAG}b' &&
    ip netns exec '$CLI' curl -s -o '$WORK/which.txt' tftp://198.18.0.1/which.txt; ip netns exec '$CLI' ip addr flush dev '${TAG}b';
    grep -qx 'from root1' '$WORK/which.txt'"
check "the running config keeps serving: A keeps its address" lease a 02:00:00:00:15:0a -r "$addr_a"
check "...with the address it had" bash -c "[ \"\$(cat '$WORK/a.ip')\" = '$addr_a' ]"
check "the server did not stop" kill -0 "$SERVER_PID"

# Good: option 15, a reservation for B, a new TFTP root, and dhcp.port (restart only).
sed -e 's/^  interfaces:/  port: 1067\n  interfaces:/' -e 's|root1|root2|' \
    -e 's/^      lease_time: 10m/      lease_time: 10m\n      domain_name: reload.example\n      reservations:\n        - { mac: "02:00:00:00:15:0b", ip: 198.18.0.50 }/' \
    "$WORK/first.yaml" >"$WORK/good.yaml"
"$DIALTONE" check --config "$WORK/good.yaml" >/dev/null || { echo "good.yaml is not valid:"; cat "$WORK/good.yaml"; }

# A download that runs across the reload: 16 MB in 512-byte blocks, lock-step.
ip netns exec "$CLI" ip addr add 198.18.0.9/24 dev "${TAG}b"
ip netns exec "$CLI" curl -s --tftp-blksize 512 -o "$WORK/big.copy" "tftp://198.18.0.1/big.bin" &
download=$!
for _ in $(seq 1 50); do [ -s "$WORK/big.copy" ] && break; sleep 0.1; done
# The dashboard's live log, open across the reload: it must carry the lines logged after it.
ip netns exec "$SRV" curl -s -N http://127.0.0.1:18067/api/events >"$WORK/sse.out" &
sse=$!
sleep 0.3
cp "$WORK/good.yaml" "$WORK/dialtone.yaml"
check "SIGHUP with a good file is applied" hangup config.reloaded
check "the transfer was still running at the reload" kill -0 $download
wait $download
check "the download across the reload completed intact" cmp "$WORK/root1/big.bin" "$WORK/big.copy"
check "the applied keys are logged" \
    grep -E "config.reloaded .*reload.applied=dhcp.subnets,tftp.root .*reload.restart_needed=dhcp.port" "$WORK/server.log"
check "dhcp.port is logged as needing a restart" \
    grep -E "config.reload.restart_needed .*reload.restart_needed=dhcp.port" "$WORK/server.log"
check "the next TFTP request is served from the new root" bash -c "
    ip netns exec '$CLI' curl -s -o '$WORK/which.txt' tftp://198.18.0.1/which.txt && grep -qx 'from root2' '$WORK/which.txt'"
ip netns exec "$CLI" ip addr flush dev "${TAG}b"

check "B gets its new reservation (on port 67: the port change waits for a restart)" lease b 02:00:00:00:15:0b
check "...198.18.0.50, with the new option 15" \
    bash -c "[ \"\$(cat '$WORK/b.ip')\" = 198.18.0.50 ] && [ \"\$(cat '$WORK/b.domain')\" = reload.example ]"
check "A keeps its lease through the reload, now with option 15" lease a 02:00:00:00:15:0a -r "$addr_a"
check "...the same address" \
    bash -c "[ \"\$(cat '$WORK/a.ip')\" = '$addr_a' ] && [ \"\$(cat '$WORK/a.domain')\" = reload.example ]"
check "the live log stream stayed open and carried the reload and the leases after it" bash -c "
    kill -0 $sse && grep -q '\"event\":\"config.reloaded\"' '$WORK/sse.out' &&
    grep '\"event\":\"dhcp.ack.sent\"' '$WORK/sse.out' | grep -q '\"dhcp.yiaddr\":\"198.18.0.50\"'"
kill $sse 2>/dev/null
check "the lease table still holds A" bash -c "'$DIALTONE' leases --config '$WORK/dialtone.yaml' | grep -q '$addr_a'"
grep -E "config\.reload" "$WORK/server.log"
finish
