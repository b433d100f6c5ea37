#!/bin/bash
# Syslog from real senders (util-linux `logger`, RFC 5424 and RFC 3164 over UDP): a device leases an address
# from our DHCP, then logs; each message must be tied to its MAC, written to syslog.file (with rotation),
# and recorded in that device's timeline in the store.
. "$(dirname "$0")/lib.sh"
command -v logger >/dev/null && command -v sqlite3 >/dev/null || { echo "missing logger or sqlite3"; exit 1; }
make_link || { echo "cannot create namespaces (need root and iproute2)"; exit 1; }
ip -n "$CLI" link set "${TAG}b" address 02:00:00:00:05:14
dhcp_config "198.18.0.100-198.18.0.150"
cat >>"$WORK/dialtone.yaml" <<YAML
syslog:
  listen: ["198.18.0.1:514"]
  file: $WORK/state/syslog.log
  max_file_size: 4096
YAML
cat >"$WORK/hook.sh" <<'HOOK'
#!/bin/sh
[ "$1" = bound ] && ip addr add "$ip/24" dev "$interface"
exit 0
HOOK
chmod +x "$WORK/hook.sh"
start_server "$WORK/dialtone.yaml" || exit 1

leased() {
    ip netns exec "$CLI" busybox udhcpc -i "${TAG}b" -f -q -n -t 4 -T 1 -s "$WORK/hook.sh" >/dev/null 2>&1
    ip -n "$CLI" -4 addr show dev "${TAG}b" | grep -o "198.18.0.1[0-9][0-9]"
}
check "the device leases an address first" leased

rfc5424() {
    ip netns exec "$CLI" logger --udp --server 198.18.0.1 --port 514 --rfc5424 -t phoneapp -p local7.err "boot: TFTP timeout on term70.default.loads"
    sleep 0.5
    grep "syslog.message" "$WORK/server.log" | tail -1
    grep -q 'syslog.message client.mac=02:00:00:00:05:14 syslog.app=phoneapp.*syslog.facility=local7.*syslog.severity=err.*syslog.text="boot: TFTP timeout on term70.default.loads"' "$WORK/server.log"
}
check "logger --rfc5424: parsed and tied to the device's MAC" rfc5424

rfc3164() {
    ip netns exec "$CLI" logger --udp --server 198.18.0.1 --port 514 --rfc3164 -t oldstyle -p user.notice "legacy line"
    sleep 0.5
    grep "syslog.message.*oldstyle" "$WORK/server.log" | tail -1
    grep -q 'syslog.message client.mac=02:00:00:00:05:14 syslog.app=oldstyle.*syslog.severity=notice.*syslog.text="legacy line"' "$WORK/server.log"
}
check "logger --rfc3164: parsed and tied to the device's MAC" rfc3164

in_file_and_timeline() {
    grep "02:00:00:00:05:14 local7.err" "$WORK/state/syslog.log" | head -1
    grep -q "02:00:00:00:05:14 local7.err .*phoneapp.*: boot: TFTP timeout on term70.default.loads" "$WORK/state/syslog.log" || return 1
    n=$(sqlite3 "$WORK/state/dialtone.sqlite" "SELECT count(*) FROM event WHERE name='syslog.message' AND mac='02:00:00:00:05:14'")
    echo "timeline events: $n"; [ "$n" -ge 2 ]
}
check "written to syslog.file and to the device's timeline in the store" in_file_and_timeline

rotation() {
    for i in $(seq 1 80); do ip netns exec "$CLI" logger --udp --server 198.18.0.1 --port 514 "filler line $i to force rotation"; done
    sleep 1
    ls -la "$WORK/state/" | grep syslog
    [ -s "$WORK/state/syslog.log.1" ] && [ "$(stat -c %s "$WORK/state/syslog.log")" -le 4096 ]
}
check "syslog.file rotates at max_file_size" rotation

garbage() {
    python3 -c "
import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for junk in [b'', b'<', b'<999>x', bytes(range(256)), b'\xff' * 3000]: s.sendto(junk, ('198.18.0.1', 514))
" 2>&1
    ip netns exec "$CLI" logger --udp --server 198.18.0.1 --port 514 "still alive"
    sleep 0.5
    grep -q 'syslog.text="still alive"' "$WORK/server.log"
}
check "malformed datagrams are kept as text and the service keeps running" garbage

forged_line() {
    # Issue 14: a message with a newline and an ESC sequence must stay one visible line in the file and the log.
    ip netns exec "$CLI" python3 -c "
import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b'<13>forge: real text\\n2026-01-01T00:00:00Z 198.18.0.66 local7.emerg fake: FORGED\\x1b[2J', ('198.18.0.1', 514))
"
    sleep 0.5
    grep -a "forge" "$WORK/state/syslog.log" | tail -2
    grep -a "syslog.text=" "$WORK/server.log" | grep -a forge | tail -1
    ! grep -aq "^2026-01-01T00:00:00Z" "$WORK/state/syslog.log" \
        && grep -aq 'forge: real text#0122026-01-01T00:00:00Z 198.18.0.66 local7.emerg fake: FORGED#033\[2J' "$WORK/state/syslog.log" \
        && ! grep -aq $'\x1b' "$WORK/state/syslog.log" "$WORK/server.log" \
        && grep -aq 'syslog.text="real text\\n2026-01-01' "$WORK/server.log"
}
check "a newline or an escape sequence in a message cannot forge a line in syslog.file or the log" forged_line

finish
