#!/bin/bash
# Least privilege (issue 14, docs/security.md). Started as root, `serve` switches to its user and keeps only
# the capabilities it uses: every thread's /proc status is read while it serves, and DHCP (udhcpc, answered
# by unicast through a neighbour entry), TFTP (tftp-hpa), syslog (logger), SNTP (sntp) and HTTP (curl) all
# still answer, with the lease and the syslog line in the store. Then the systemd way: started as nobody
# with ambient capabilities, one too many, it keeps only the needed ones. Then a config that needs none.
. "$(dirname "$0")/lib.sh"
for tool in busybox tftp logger sntp curl sqlite3 setpriv python3; do
    command -v $tool >/dev/null || { echo "missing $tool"; exit 1; }
done
make_link || { echo "cannot create namespaces (need root and iproute2)"; exit 1; }
MAC=02:00:00:00:14:01
ip -n "$CLI" link set "${TAG}b" address $MAC
AS=$(served_user)
mkdir -p "$WORK/root" && echo "firmware bytes" >"$WORK/root/hello.bin"
dhcp_config "198.18.0.100-198.18.0.150"
sed -i '/^dhcp:/a\  conflict_check: arp' "$WORK/dialtone.yaml"
cat >>"$WORK/dialtone.yaml" <<YAML
tftp: { root: $WORK/root, listen: ["198.18.0.1:69"] }
syslog: { listen: ["198.18.0.1:514"] }
sntp: { listen: ["198.18.0.1:123"], trust_host_clock: true }
web: { listen: "127.0.0.1:8067" }
YAML
cat >"$WORK/hook.sh" <<'HOOK'
#!/bin/sh
[ "$1" = bound ] && ip addr add "$ip/24" dev "$interface"
exit 0
HOOK
chmod +x "$WORK/hook.sh"

# Every thread of $1: all four uids $2, gids $3, CapPrm/CapEff/CapAmb $4, CapBnd $5 (or "-"), NoNewPrivs $6.
threads_are() {
    local pid=$1 n=0 bad=0
    for status in /proc/"$pid"/task/*/status; do
        n=$((n + 1))
        python3 - "$status" "$2" "$3" "$4" "$5" "$6" <<'PY' || bad=1
import sys
path, uid, gid, caps, bounding, nnp = sys.argv[1:]
f = dict(l.split(":", 1) for l in open(path).read().splitlines() if ":" in l)
f = {k: v.split() for k, v in f.items()}
want = {"Uid": [uid] * 4, "Gid": [gid] * 4, "CapPrm": [caps], "CapEff": [caps], "CapAmb": [caps], "NoNewPrivs": [nnp]}
if bounding != "-": want["CapBnd"] = [bounding]
wrong = [f"{k}: {f.get(k)} != {v}" for k, v in want.items() if f.get(k) != v]
if int(f["CapInh"][0], 16) & ~int(caps, 16): wrong.append(f"CapInh {f['CapInh']} beyond {caps}")
if uid != "0" and "0" in f["Groups"]: wrong.append(f"Groups {f['Groups']} holds 0")
if wrong: print(path, *wrong, sep="\n  "); sys.exit(1)
PY
    done
    echo "$n threads checked"; [ "$n" -gt 3 ] && [ $bad -eq 0 ]
}

start_server "$WORK/dialtone.yaml" || exit 1
for _ in $(seq 1 50); do grep -q web.started "$WORK/server.log" && break; sleep 0.1; done

switched() {
    grep "dialtone.privileges.dropped" "$WORK/server.log"
    grep -q "dialtone.privileges.dropped privileges.capabilities=cap_net_bind_service,cap_net_admin,cap_net_raw privileges.gid=$(id -g $AS) privileges.uid=$(id -u $AS) privileges.user=$AS" "$WORK/server.log" &&
        threads_are "$SERVER_PID" "$(id -u $AS)" "$(id -g $AS)" 0000000000003400 0000000000003400 1
}
check "root start: every thread runs as $AS with net_bind_service, net_admin, net_raw only" switched

state_given() {
    ls -ln "$WORK/state"
    [ -z "$(find "$WORK/state" ! -user "$AS")" ]
}
check "state_dir and its files belong to $AS" state_given

dhcp_answers() {
    ip netns exec "$CLI" busybox udhcpc -i "${TAG}b" -f -q -n -t 4 -T 1 -s "$WORK/hook.sh" >/dev/null 2>&1
    ip -n "$CLI" -4 addr show dev "${TAG}b" | grep -o "198.18.0.1[0-9][0-9]" || return 1
    # Unicast to yiaddr at chaddr needs the neighbour entry CAP_NET_ADMIN writes (SIOCSARP).
    grep -q "dhcp.offer.sent client.mac=$MAC dhcp.destination=\"unicast 198.18.0.1[0-9][0-9]:68 at $MAC\"" "$WORK/server.log" &&
        ! grep -q "no ARP entry" "$WORK/server.log"
}
check "DHCP: udhcpc leases, the OFFER unicast through a neighbour entry" dhcp_answers

tftp_answers() {
    ip netns exec "$CLI" tftp 198.18.0.1 -m binary -c get hello.bin "$WORK/got.bin" && cmp "$WORK/root/hello.bin" "$WORK/got.bin"
}
check "TFTP: tftp-hpa downloads a file" tftp_answers

syslog_answers() {
    ip netns exec "$CLI" logger --udp --server 198.18.0.1 --port 514 -t privtest "line after the switch"
    sleep 0.5
    grep -q "privtest: line after the switch" "$WORK/state/syslog.log" || return 1
    n=$(sqlite3 "$WORK/state/dialtone.sqlite" "SELECT count(*) FROM event WHERE name='syslog.message' AND mac='$MAC'")
    echo "syslog events in the store: $n"; [ "$n" -ge 1 ]
}
check "syslog: logger's line in syslog.file and in the store" syslog_answers

sntp_answers() {
    out=$(ip netns exec "$CLI" timeout 10 sntp -t 2 198.18.0.1 2>&1); echo "$out"
    echo "$out" | grep -qE "198\.18\.0\.1 s10 no-leap"
}
check "SNTP: sntp accepts our time" sntp_answers

http_answers() {
    [ "$(ip netns exec "$SRV" curl -s http://127.0.0.1:8067/healthz)" = ok ] || return 1
    ip netns exec "$SRV" curl -s http://127.0.0.1:8067/api/leases | tee /dev/stderr | grep -q "\"mac\":\"$MAC\"" &&
        [ "$(sqlite3 "$WORK/state/dialtone.sqlite" "SELECT count(*) FROM lease WHERE mac='$MAC'")" = 1 ]
}
check "HTTP: healthz ok, the lease in the API and in the store" http_answers
stop_server

# The systemd way (AmbientCapabilities=): started as nobody with ambient capabilities, one of them not
# needed (cap_sys_admin). It keeps the needed ones, ambient too; the bounding set is systemd's to narrow.
ambient_start() {
    chown -R nobody "$WORK/state"
    # Emptied here, not by the background job's redirection: the wait below must not read the last run's lines.
    : >"$WORK/server.log"
    ip netns exec "$SRV" setpriv --reuid=nobody --regid="$(id -g nobody)" --init-groups \
        --inh-caps=+net_bind_service,+net_admin,+net_raw,+sys_admin \
        --ambient-caps=+net_bind_service,+net_admin,+net_raw,+sys_admin \
        "$DIALTONE" serve --config "$WORK/dialtone.yaml" --log-level debug >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 50); do grep -q web.started "$WORK/server.log" && break; sleep 0.1; done
    grep -v "sl-service" "$WORK/server.log" | head -5
    grep -q "debug dialtone.privileges.unchanged privileges.capabilities=cap_net_bind_service,cap_net_admin,cap_net_raw reason=\"not started as root: running as uid $(id -u nobody)\"" "$WORK/server.log" &&
        threads_are "$SERVER_PID" "$(id -u nobody)" "$(id -g nobody)" 0000000000003400 - 0 &&
        ip netns exec "$CLI" tftp 198.18.0.1 -m binary -c get hello.bin "$WORK/got2.bin" && cmp "$WORK/root/hello.bin" "$WORK/got2.bin"
}
check "non-root start with ambient capabilities: cap_sys_admin dropped, the needed three kept, TFTP answers" ambient_start
stop_server

# Nothing below port 1024 and no DHCP: nothing is kept, not even in the bounding set.
nothing_kept() {
    cat >"$WORK/high.yaml" <<YAML
state_dir: $WORK/state2
syslog: { listen: ["198.18.0.1:5514"] }
web: { listen: "127.0.0.1:8068" }
YAML
    : >"$WORK/server.log"
    ip netns exec "$SRV" "$DIALTONE" serve --config "$WORK/high.yaml" >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 50); do grep -q web.started "$WORK/server.log" && break; sleep 0.1; done
    grep "dialtone.privileges" "$WORK/server.log"
    threads_are "$SERVER_PID" "$(id -u $AS)" "$(id -g $AS)" 0000000000000000 0000000000000000 1 &&
        [ "$(ip netns exec "$SRV" curl -s http://127.0.0.1:8068/healthz)" = ok ]
}
check "high ports without DHCP: no capability at all, HTTP answers" nothing_kept
stop_server
finish
