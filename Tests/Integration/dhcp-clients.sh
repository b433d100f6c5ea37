#!/bin/bash
# Real DHCP clients (busybox udhcpc, ISC dhclient, dhcpcd) against `dialtone serve` across a veth pair.
. "$(dirname "$0")/lib.sh"
make_link || { echo "cannot create namespaces (need root and iproute2)"; exit 1; }

dhcp_config "198.18.0.100-198.18.0.150"
cat >>"$WORK/dialtone.yaml" <<YAML
      lease_time: 10m
      routers: [198.18.0.1]
      dns_servers: [198.18.0.1]
      domain_name: voice.test
      reservations:
        - { mac: "02:00:00:00:00:99", ip: 198.18.0.50, hostname: reserved-phone }
      options:
        - { code: 150, type: ipv4-list, value: [198.18.0.1] }
        - { code: 66, type: string, value: "198.18.0.1" }
YAML

cat >"$WORK/udhcpc.sh" <<'HOOK'
#!/bin/sh
# udhcpc hook: record what the server gave us.
[ "$1" = bound ] || [ "$1" = renew ] || exit 0
echo "event=$1 ip=$ip subnet=$subnet router=$router dns=$dns domain=$domain serverid=$serverid tftp=$tftp opt150=$opt150" >>"$OUT"
HOOK
chmod +x "$WORK/udhcpc.sh"

start_server "$WORK/dialtone.yaml" || exit 1

udhcpc_lease() {
    OUT="$WORK/udhcpc.out" ip netns exec "$CLI" busybox udhcpc -i "${TAG}b" -f -q -n -t 4 -T 1 -O 150 -O 66 \
        -s "$WORK/udhcpc.sh" >/dev/null 2>&1
    cat "$WORK/udhcpc.out"
    grep -q "ip=198.18.0.1[0-5][0-9] subnet=255.255.255.0 router=198.18.0.1 dns=198.18.0.1 domain=voice.test serverid=198.18.0.1 tftp=198.18.0.1 opt150=c6120001" "$WORK/udhcpc.out"
}
check "udhcpc obtains a lease with options 1,3,6,15,54,66 and binary 150" udhcpc_lease

unicast_offer() {
    # udhcpc does not set the broadcast flag: RFC 2131 section 4.1 wants the reply unicast to yiaddr at chaddr.
    # The server adds the neighbour entry itself (SIOCSARP), and the reply's event says how it left.
    ip=$(sed -n 's/.*ip=\([0-9.]*\).*/\1/p' "$WORK/udhcpc.out" | head -1)
    mac=$(ip -n "$CLI" link show "${TAG}b" | awk '/link\/ether/ {print $2}')
    ip -n "$SRV" neigh show "$ip"
    ip -n "$SRV" neigh show "$ip" | grep -q "lladdr $mac" &&
        grep -q "dhcp.offer.sent client.mac=$mac dhcp.destination=\"unicast $ip:68 at $mac\"" "$WORK/server.log" &&
        ! grep -q "no ARP entry" "$WORK/server.log"
}
check "a client without the broadcast flag gets its OFFER unicast to yiaddr at chaddr" unicast_offer

same_address() {
    first=$(sed -n 's/.*ip=\([0-9.]*\).*/\1/p' "$WORK/udhcpc.out" | head -1)
    rm -f "$WORK/udhcpc.out"
    OUT="$WORK/udhcpc.out" ip netns exec "$CLI" busybox udhcpc -i "${TAG}b" -f -q -n -t 4 -T 1 -s "$WORK/udhcpc.sh" >/dev/null 2>&1
    second=$(sed -n 's/.*ip=\([0-9.]*\).*/\1/p' "$WORK/udhcpc.out" | head -1)
    echo "first=$first second=$second"; [ -n "$first" ] && [ "$first" = "$second" ]
}
check "the same client gets the same address again" same_address

reserved() {
    ip -n "$CLI" link set "${TAG}b" address 02:00:00:00:00:99
    rm -f "$WORK/udhcpc.out"
    OUT="$WORK/udhcpc.out" ip netns exec "$CLI" busybox udhcpc -i "${TAG}b" -f -q -n -t 4 -T 1 -s "$WORK/udhcpc.sh" >/dev/null 2>&1
    cat "$WORK/udhcpc.out"; grep -q "ip=198.18.0.50 " "$WORK/udhcpc.out"
}
check "a reservation by MAC is honoured" reserved

dhclient_lease() {
    command -v dhclient >/dev/null || { echo "dhclient not installed"; return 1; }
    ip -n "$CLI" addr flush dev "${TAG}b"
    ip -n "$CLI" link set "${TAG}b" address 02:00:00:00:00:42
    ip netns exec "$CLI" timeout 20 dhclient -1 -v -sf /bin/true -lf "$WORK/dhclient.leases" -pf "$WORK/dhclient.pid" "${TAG}b" 2>&1
    cat "$WORK/dhclient.leases"
    grep -q "fixed-address 198.18.0.1[0-5][0-9];" "$WORK/dhclient.leases" && grep -q "option routers 198.18.0.1;" "$WORK/dhclient.leases"
}
check "dhclient obtains a lease" dhclient_lease

dhclient_renew_release() {
    # A second run with the lease file present goes through INIT-REBOOT and gets the same address; -r releases it.
    ip netns exec "$CLI" timeout 20 dhclient -1 -sf /bin/true -lf "$WORK/dhclient.leases" -pf "$WORK/dhclient.pid" "${TAG}b" 2>&1
    # -sf /bin/true configures nothing; give the interface its address so the unicast RELEASE can leave.
    addr=$(sed -n 's/.*fixed-address \(.*\);/\1/p' "$WORK/dhclient.leases" | tail -1)
    ip -n "$CLI" addr add "$addr/24" dev "${TAG}b"
    ip netns exec "$CLI" timeout 10 dhclient -r -sf /bin/true -lf "$WORK/dhclient.leases" -pf "$WORK/dhclient.pid" "${TAG}b" 2>&1
    sleep 0.5
    ip -n "$CLI" addr flush dev "${TAG}b"
    [ "$(grep -c 'dhcp.ack.sent client.mac=02:00:00:00:00:42' "$WORK/server.log")" -ge 2 ] && grep -q "dhcp.release.received client.mac=02:00:00:00:00:42" "$WORK/server.log"
}
check "dhclient renews (init-reboot) and releases" dhclient_renew_release

dhcpcd_lease() {
    command -v dhcpcd >/dev/null || { echo "dhcpcd not installed"; return 1; }
    ip -n "$CLI" addr flush dev "${TAG}b"
    ip -n "$CLI" link set "${TAG}b" address 02:00:00:00:00:43
    ip netns exec "$CLI" timeout 30 dhcpcd -4 -1 -B -t 20 --noarp "${TAG}b" >"$WORK/dhcpcd.out" 2>&1
    cat "$WORK/dhcpcd.out" | tail -12
    grep -q "leased 198.18.0.1[0-5][0-9] for 600 seconds" "$WORK/dhcpcd.out"
}
check "dhcpcd obtains a lease" dhcpcd_lease

nak_wrong_address() {
    # dhclient remembers 198.18.5.5 from another network: its INIT-REBOOT REQUEST is NAKed at once by an
    # authoritative server, and it falls back to DISCOVER and gets a lease.
    ip -n "$CLI" addr flush dev "${TAG}b"
    ip -n "$CLI" link set "${TAG}b" address 02:00:00:00:00:44
    printf 'lease {\n  interface "%s";\n  fixed-address 198.18.5.5;\n  option subnet-mask 255.255.255.0;\n  renew 4 2099/01/01 00:00:00;\n  rebind 4 2099/01/01 00:00:00;\n  expire 4 2099/01/01 00:00:00;\n}\n' "${TAG}b" >"$WORK/nak.leases"
    ip netns exec "$CLI" timeout 20 dhclient -1 -v -sf /bin/true -lf "$WORK/nak.leases" -pf "$WORK/nak.pid" "${TAG}b" 2>&1 | tail -8
    sleep 0.3
    grep -q "dhcp.nak.sent client.mac=02:00:00:00:00:44" "$WORK/server.log" || return 1
    grep -q "dhcp.ack.sent client.mac=02:00:00:00:00:44" "$WORK/server.log"
}
check "a request for a foreign address is NAKed, then the client gets a lease" nak_wrong_address

restart_keeps() {
    stop_server
    "$DIALTONE" leases --config "$WORK/dialtone.yaml" > "$WORK/before.txt"
    start_server "$WORK/dialtone.yaml" || return 1
    ip -n "$CLI" link set "${TAG}b" address 02:00:00:00:00:42
    rm -f "$WORK/udhcpc.out"
    before=$(grep "02:00:00:00:00:42" "$WORK/before.txt" | awk '{print $1}')
    OUT="$WORK/udhcpc.out" ip netns exec "$CLI" busybox udhcpc -i "${TAG}b" -f -q -n -t 4 -T 1 -s "$WORK/udhcpc.sh" >/dev/null 2>&1
    cat "$WORK/before.txt"; cat "$WORK/udhcpc.out"
    [ -n "$before" ] && grep -q "ip=$before " "$WORK/udhcpc.out"
}
check "a restart keeps every lease (same address after restart)" restart_keeps

finish
