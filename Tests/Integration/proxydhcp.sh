#!/bin/bash
# proxyDHCP (issue 16) with real firmware beside a real address server. One link, a bridge in the server
# namespace: dnsmasq in its own namespace owns the addresses (a plain range, no boot options: the
# corporate server an admin cannot touch); Dialtone has a `proxy: true` subnet and adds the boot file.
# - qemu's iPXE ROM (BIOS, e1000) takes dnsmasq's address and our boot file, asks again on port 4011 (its
#   ProxyDHCPREQUEST), fetches the script by TFTP from us and prints a token on the serial console.
# - OVMF's own PXE (UEFI, option 93 = 7) gets snponly.efi the same way; the iPXE in it gets the script.
# - udhcpc, no PXE client, gets its address from dnsmasq and nothing from us.
# Needs qemu-system-x86_64, ipxe-qemu, dnsmasq, busybox, root; the UEFI boot also ovmf and ipxe.
. "$(dirname "$0")/lib.sh"
ROM=/usr/lib/ipxe/qemu/pxe-e1000.rom
OVMF=/usr/share/OVMF/OVMF_CODE_4M.fd
SNPONLY=/usr/lib/ipxe/snponly.efi
for tool in qemu-system-x86_64 dnsmasq busybox; do command -v $tool >/dev/null || { echo "missing $tool"; exit 1; }; done
[ -r "$ROM" ] || { echo "missing $ROM (package ipxe-qemu)"; exit 1; }
PEER=${TAG}p
EXTRA_NS=$PEER
BR=${TAG}br
TAP=${TAG}t
TOKEN="dialtone-proxydhcp-$$"
ROOT="$WORK/root"
mkdir -p "$ROOT"
printf '#!ipxe\necho %s\nsleep 30\n' "$TOKEN" >"$ROOT/boot.ipxe"
printf 'not a real loader\n' >"$ROOT/undionly.kpxe"
[ -r "$SNPONLY" ] && cp "$SNPONLY" "$ROOT/snponly.efi"

# Server namespace: the bridge (our address), qemu's tap and two veths on it; dnsmasq and the client each
# sit at the other end of one veth.
ip netns add "$SRV" && ip netns add "$PEER" && ip netns add "$CLI" || exit 1
ip -n "$SRV" link add "$BR" type bridge || exit 1
ip -n "$SRV" tuntap add dev "$TAP" mode tap || exit 1
ip -n "$SRV" link set "$TAP" master "$BR"
for side in p c; do
    ip link add "${TAG}${side}0" type veth peer name "${TAG}${side}1" || exit 1
    ip link set "${TAG}${side}0" netns "$SRV" && ip -n "$SRV" link set "${TAG}${side}0" master "$BR"
    ip -n "$SRV" link set "${TAG}${side}0" up
done
ip link set "${TAG}p1" netns "$PEER" && ip link set "${TAG}c1" netns "$CLI"
ip -n "$SRV" addr add 198.18.0.1/24 dev "$BR"
ip -n "$PEER" addr add 198.18.0.2/24 dev "${TAG}p1"
for dev in "$BR" "$TAP" lo; do ip -n "$SRV" link set "$dev" up; done
ip -n "$PEER" link set "${TAG}p1" up && ip -n "$PEER" link set lo up
ip -n "$CLI" link set "${TAG}c1" up && ip -n "$CLI" link set lo up

# The address server: addresses only, no boot file, no PXE.
ip netns exec "$PEER" dnsmasq -d -k -p 0 --conf-file=/dev/null -i "${TAG}p1" --bind-interfaces --no-ping \
    --dhcp-range=198.18.0.100,198.18.0.150,10m --dhcp-leasefile="$WORK/dnsmasq.leases" --log-dhcp \
    --user=root >"$WORK/dnsmasq.log" 2>&1 &

cat >"$WORK/dialtone.yaml" <<YAML
state_dir: $WORK/state
dhcp:
  interfaces: [$BR]
  subnets:
    - subnet: 198.18.0.0/24
      proxy: true
      boot_files: { bios: undionly.kpxe, efi64: snponly.efi, http64: snponly.efi }
      ipxe_script: boot.ipxe
tftp:
  root: $ROOT
  listen: ["198.18.0.1:69"]
http:
  listen: ["198.18.0.1:8080"]
YAML
# Debug: the requests a proxy leaves alone are logged with the reason.
start_server "$WORK/dialtone.yaml" --log-level debug || exit 1

console() { tr -d '\033' <"$WORK/serial.log" 2>/dev/null | sed -E 's/\[[0-9;]*[A-Za-z]//g'; }

# Waits up to $2 s for the token while qemu ($1) runs; then stops qemu.
await_token() { # pid seconds
    local found=1
    for _ in $(seq 1 "$2"); do
        if console | grep -q "$TOKEN"; then found=0; break; fi
        kill -0 "$1" 2>/dev/null || break
        sleep 1
    done
    kill "$1" 2>/dev/null; wait "$1" 2>/dev/null
    [ $found -eq 0 ] || { echo "no token on the serial console"; console | tail -20; cat "$WORK/qemu.out"; }
    return $found
}

# The lines of our log about one MAC.
ours() { grep -i "$1" "$WORK/server.log"; }

bios_ipxe_boots_through_the_proxy() {
    local mac=52:54:00:12:34:56
    : >"$WORK/serial.log"
    timeout 90 ip netns exec "$SRV" qemu-system-x86_64 -machine pc,graphics=off -m 256 -nographic \
        -monitor none -serial "file:$WORK/serial.log" -boot n \
        -netdev "tap,id=n0,ifname=$TAP,script=no,downscript=no" \
        -device "e1000,netdev=n0,romfile=$ROM,mac=$mac" >"$WORK/qemu.out" 2>&1 &
    await_token $! 85 || return 1
    grep -E "DHCPACK.*198\.18\.0\.1[0-9]{2} $mac" "$WORK/dnsmasq.log" || { echo "dnsmasq gave no address"; return 1; }
    ours $mac | grep 'dhcp.proxy.offered' | grep -q 'dhcp.file=boot.ipxe' || { echo "no proxy offer"; return 1; }
    if ours $mac | grep -E 'dhcp\.(offer|ack)\.sent'; then echo "we offered an address"; return 1; fi
    grep -q 'tftp.transfer.completed.*tftp.file=boot.ipxe' "$WORK/server.log" || { echo "boot.ipxe not fetched"; return 1; }
}
check "BIOS iPXE: address from dnsmasq, boot file from our proxy, script by TFTP from us, token" \
    bios_ipxe_boots_through_the_proxy

uefi_pxe_boots_through_the_proxy() {
    local mac=52:54:02:12:34:56
    cp /usr/share/OVMF/OVMF_VARS_4M.fd "$WORK/vars.fd"
    : >"$WORK/serial.log"
    timeout 100 ip netns exec "$SRV" qemu-system-x86_64 -machine q35,graphics=off -m 512 -nographic \
        -monitor none -serial "file:$WORK/serial.log" \
        -drive "if=pflash,format=raw,readonly=on,file=$OVMF" -drive "if=pflash,format=raw,file=$WORK/vars.fd" \
        -netdev "tap,id=n0,ifname=$TAP,script=no,downscript=no" \
        -device "virtio-net-pci,netdev=n0,romfile=,mac=$mac" >"$WORK/qemu.out" 2>&1 &
    await_token $! 95 || { ours $mac; return 1; }
    grep -qE "DHCPACK.*198\.18\.0\.1[0-9]{2} $mac" "$WORK/dnsmasq.log" || { echo "dnsmasq gave no address"; return 1; }
    ours $mac | grep -E 'dhcp.proxy.(offered|acked)' | grep -q 'dhcp.file=snponly.efi' ||
        { echo "no proxy answer naming snponly.efi for option 93 = 7"; ours $mac; return 1; }
    grep -q 'tftp.transfer.completed.*tftp.file=snponly.efi' "$WORK/server.log" || { echo "snponly.efi not fetched"; return 1; }
    if ours $mac | grep -E 'dhcp\.(offer|ack)\.sent'; then echo "we offered an address"; return 1; fi
}
if [ -r "$OVMF" ] && [ -r "$SNPONLY" ]; then
    check "UEFI PXE (OVMF): address from dnsmasq, snponly.efi from our proxy, then the script, token" \
        uefi_pxe_boots_through_the_proxy
else
    echo "skip UEFI boot: needs $OVMF (package ovmf) and $SNPONLY (package ipxe)"
fi

# UEFI HTTP Boot through the proxy: OVMF with PXE turned off (fw_cfg, as in netboot.sh) sends option 60
# HTTPClient; our proxy offer says HTTPClient with the URL (no PXE options), dnsmasq's gives the address.
uefi_http_boot_through_the_proxy() {
    local mac=52:54:04:12:34:56
    cp /usr/share/OVMF/OVMF_VARS_4M.fd "$WORK/vars.fd"
    : >"$WORK/serial.log"
    timeout 120 ip netns exec "$SRV" qemu-system-x86_64 -machine q35,graphics=off -m 512 -nographic \
        -monitor none -serial "file:$WORK/serial.log" \
        -drive "if=pflash,format=raw,readonly=on,file=$OVMF" -drive "if=pflash,format=raw,file=$WORK/vars.fd" \
        -fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=no \
        -fw_cfg name=opt/org.tianocore/IPv6PXESupport,string=no \
        -fw_cfg name=opt/org.tianocore/IPv6Support,string=no \
        -netdev "tap,id=n0,ifname=$TAP,script=no,downscript=no" \
        -device "virtio-net-pci,netdev=n0,romfile=,mac=$mac" >"$WORK/qemu.out" 2>&1 &
    await_token $! 115 || { ours $mac; return 1; }
    grep -qE "DHCPACK.*198\.18\.0\.1[0-9]{2} $mac" "$WORK/dnsmasq.log" || { echo "dnsmasq gave no address"; return 1; }
    ours $mac | grep 'dhcp.proxy.offered' | grep 'dhcp.vendor_class=HTTPClient' |
        grep -q 'dhcp.boot_file=http://198.18.0.1:8080/snponly.efi' || { echo "no proxy offer with the URL"; ours $mac; return 1; }
    grep 'http.transfer.completed' "$WORK/server.log" | grep -q 'http.file=/snponly.efi' || { echo "not fetched over HTTP"; return 1; }
    if ours $mac | grep -E 'dhcp\.(offer|ack)\.sent'; then echo "we offered an address"; return 1; fi
}
if [ -r "$OVMF" ] && [ -r "$SNPONLY" ]; then
    check "UEFI HTTP Boot (OVMF, HTTPClient): address from dnsmasq, the URL from our proxy, then the script" \
        uefi_http_boot_through_the_proxy
fi

a_plain_client_is_left_to_the_address_server() {
    local mac=02:00:00:00:0c:01
    ip -n "$CLI" link set "${TAG}c1" address $mac
    # -B: the broadcast flag, so dnsmasq broadcasts its replies and our watcher hears the address server.
    timeout 20 ip netns exec "$CLI" busybox udhcpc -B -i "${TAG}c1" -n -q -t 5 -s /bin/true >"$WORK/udhcpc.out" 2>&1 ||
        { cat "$WORK/udhcpc.out"; return 1; }
    grep -qE "lease of 198\.18\.0\.1[0-9]{2} obtained from 198\.18\.0\.2" "$WORK/udhcpc.out" ||
        { cat "$WORK/udhcpc.out"; return 1; }
    if ours $mac | grep -E 'dhcp\.(offer|ack)\.sent|dhcp\.proxy|dhcp\.packet\.dropped|other_server'; then
        echo "we answered a plain client, or logged it"; return 1
    fi
    # dnsmasq's broadcast replies, heard on port 68, are the address server's, on the client's timeline
    # (the log says so once a minute per server, so the timeline is what to read), and not a rival.
    sleep 1
    out=$("$DIALTONE" explain $mac --config "$WORK/dialtone.yaml"); rc=$?
    echo "$out"; echo "exit $rc"
    echo "$out" | grep 'dhcp.address_server.seen' | grep -q '198.18.0.2' || { echo "address server not on the timeline"; return 1; }
    [ $rc -ne 1 ] && ! echo "$out" | grep -q "another DHCP server"
}
check "udhcpc (no PXE) gets its address from dnsmasq, nothing from us; dnsmasq is the address server, no rival" \
    a_plain_client_is_left_to_the_address_server

# The boot server port as the PXE spec has a client use it (PXE 2.1 §2.2.3; EDK2 for an offer without PXE
# vendor options, iPXE for one without siaddr and a file; ours have both): a DHCPREQUEST to 4011 from an address the address server gave, answered with
# an ACK to that address and source port, naming the boot file for option 93.
pxe_port_request_is_acked() {
    ip -n "$CLI" addr add 198.18.0.160/24 dev "${TAG}c1"
    ip netns exec "$CLI" python3 - <<'PY' || return 1
import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("198.18.0.160", 68))
s.settimeout(3)
mac = bytes.fromhex("020000000c02")
head = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, 0x4011, 0, 0, socket.inet_aton("198.18.0.160"),
                   bytes(4), bytes(4), bytes(4), mac + bytes(10), bytes(64), bytes(128))
vc = b"PXEClient:Arch:00000:UNDI:002001"
opts = (bytes([0x63, 0x82, 0x53, 0x63, 53, 1, 3, 60, len(vc)]) + vc + bytes([93, 2, 0, 0, 97, 17, 0])
        + bytes(range(16)) + bytes([43, 7, 71, 4, 0x80, 0, 0, 0, 255, 255]))
s.sendto(head + opts, ("198.18.0.1", 4011))
data, peer = s.recvfrom(2048)
assert peer == ("198.18.0.1", 4011), peer
xid, = struct.unpack("!I", data[4:8]); assert xid == 0x4011, hex(xid)
assert data[16:20] == bytes(4), "yiaddr must be 0"
assert data[12:16] == socket.inet_aton("198.18.0.160"), "ciaddr echoed"
assert data[20:24] == socket.inet_aton("198.18.0.1"), "siaddr: our TFTP"
assert data[108:236].rstrip(bytes(1)) == b"undionly.kpxe", data[108:236]
options, i = {}, 240
while i < len(data) and data[i] != 255:
    if data[i] == 0: i += 1; continue
    options[data[i]] = data[i + 2:i + 2 + data[i + 1]]; i += 2 + data[i + 1]
assert options[53] == bytes([5]), options[53]
assert options[60] == b"PXEClient" and options[97][1:] == bytes(range(16)), options
assert options[43] == bytes([6, 1, 8, 71, 4, 0x80, 0, 0, 0, 255]), options[43]
print("ACK from", peer, "file undionly.kpxe, siaddr 198.18.0.1")
PY
    grep 'dhcp.proxy.acked' "$WORK/server.log" | grep -q 'dhcp.destination="unicast 198.18.0.160:68"' ||
        { grep 'dhcp.proxy.acked' "$WORK/server.log"; return 1; }
}
check "a DHCPREQUEST on port 4011 is ACKed to the client's address with its boot file and boot item" \
    pxe_port_request_is_acked

stop_server
finish
