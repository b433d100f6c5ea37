#!/bin/bash
# Netboot (issue 16) in qemu without KVM (TCG): a BIOS PC with an e1000 and qemu's iPXE ROM
# (pxe-e1000.rom, package ipxe-qemu) boots from Dialtone over a tap device in a namespace. The ROM sends
# user class iPXE, so the reply must name the script (ipxe_script) in the file field and option 67 alike;
# the script prints a token on the serial console. An OVMF-style size probe (tsize, then ERROR 8 after the
# OACK) is logged as a probe, not a failure; a script that chains itself makes `explain` name a boot
# loop; `check` flags the issue's loop-making config.
# A UEFI PC (OVMF, virtio-net) gets snponly.efi by option 93, its size probe is logged as probed, and the
# chainloaded iPXE gets the script. Needs qemu-system-x86 and ipxe-qemu (Debian), python3, root; the UEFI
# boot also ovmf and ipxe, and is skipped (said so) without them. UEFI HTTP Boot: OVMF with PXE turned off
# (fw_cfg) fetches snponly.efi by the URL the offer names, over the HTTP file service.
. "$(dirname "$0")/lib.sh"
ROM=/usr/lib/ipxe/qemu/pxe-e1000.rom
for tool in qemu-system-x86_64 python3; do command -v $tool >/dev/null || { echo "missing $tool"; exit 1; }; done
[ -r "$ROM" ] || { echo "missing $ROM (package ipxe-qemu)"; exit 1; }
TAP=${TAG}t
TOKEN="dialtone-netboot-$$"
ROOT="$WORK/root"
mkdir -p "$ROOT"
printf '#!ipxe\necho %s\nsleep 30\n' "$TOKEN" >"$ROOT/boot.ipxe"
printf 'not a real loader\n' >"$ROOT/undionly.kpxe"
OVMF=/usr/share/OVMF/OVMF_CODE_4M.fd
SNPONLY=/usr/lib/ipxe/snponly.efi
[ -r "$SNPONLY" ] && cp "$SNPONLY" "$ROOT/snponly.efi"
# A script that chains itself: the same boot file fetched again and again by one client.
printf '#!ipxe\nchain loop.ipxe\n' >"$ROOT/loop.ipxe"

# The server namespace holds the tap qemu attaches to (qemu opens it by name from inside the namespace).
ip netns add "$SRV" || exit 1
ip -n "$SRV" tuntap add dev "$TAP" mode tap || exit 1
ip -n "$SRV" addr add 198.18.0.1/24 dev "$TAP"
ip -n "$SRV" link set "$TAP" up && ip -n "$SRV" link set lo up

cat >"$WORK/dialtone.yaml" <<YAML
state_dir: $WORK/state
dhcp:
  interfaces: [$TAP]
  subnets:
    - subnet: 198.18.0.0/24
      pools: ["198.18.0.100-198.18.0.150"]
      boot_files: { bios: undionly.kpxe, efi64: snponly.efi, http64: snponly.efi }
      ipxe_script: boot.ipxe
  classes:
    - name: looping
      match: { mac_prefixes: ["52:54:01"] }
      ipxe_script: loop.ipxe
tftp:
  root: $ROOT
  listen: ["198.18.0.1:69"]
http:
  listen: ["198.18.0.1:8080"]
YAML
ip netns exec "$SRV" "$DIALTONE" serve --config "$WORK/dialtone.yaml" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 50); do grep -q dhcp.started "$WORK/server.log" 2>/dev/null && break; sleep 0.1; done

console() { tr -d '\033' <"$WORK/serial.log" 2>/dev/null | sed -E 's/\[[0-9;]*[A-Za-z]//g'; }

boot() { # mac
    timeout 90 ip netns exec "$SRV" qemu-system-x86_64 -machine pc,graphics=off -m 256 -nographic \
        -monitor none -serial "file:$WORK/serial.log" -boot n \
        -netdev "tap,id=n0,ifname=$TAP,script=no,downscript=no" \
        -device "e1000,netdev=n0,romfile=$ROM,mac=$1" >"$WORK/qemu.out" 2>&1 &
}

bios_boot_prints_the_token() {
    # iPXE writes through the BIOS; graphics=off has SeaBIOS copy that text to the serial port (a file),
    # one character per cursor-positioning escape, which `console` strips.
    boot 52:54:00:12:34:56
    local qemu=$!
    local found=1
    for _ in $(seq 1 85); do
        if console | grep -q "$TOKEN"; then found=0; break; fi
        kill -0 $qemu 2>/dev/null || break
        sleep 1
    done
    kill $qemu 2>/dev/null; wait $qemu 2>/dev/null
    if [ $found -ne 0 ]; then
        echo "no token on the serial console"; console | tail -20
        cat "$WORK/qemu.out"; return 1
    fi
    # The ACK named the script in option 67 and the file field alike.
    grep 'dhcp.ack.sent' "$WORK/server.log" | grep -q 'dhcp.boot_file=boot.ipxe' || { echo "no ACK naming boot.ipxe"; return 1; }
    grep 'dhcp.ack.sent' "$WORK/server.log" | grep -q 'dhcp.file=boot.ipxe' || { echo "file field not boot.ipxe"; return 1; }
    grep -q 'tftp.transfer.completed.*boot.ipxe' "$WORK/server.log" || { echo "boot.ipxe not fetched"; return 1; }
}
check "a BIOS PXE boot (iPXE ROM, user class iPXE) gets the script, which prints its token" bios_boot_prints_the_token

# What OVMF's PXE does before each download: RRQ with tsize, read the OACK, end with ERROR 8 (RFC 2347).
size_probe_is_not_a_failure() {
    ip netns exec "$SRV" python3 - <<'PY' || return 1
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(b"\x00\x01boot.ipxe\x00octet\x00tsize\x000\x00blksize\x001468\x00", ("198.18.0.1", 69))
data, peer = s.recvfrom(2048)
assert data[:2] == b"\x00\x06", data
fields = data[2:].split(b"\x00")
assert b"tsize" in fields, fields
s.sendto(b"\x00\x05\x00\x08User aborted the transfer\x00", peer)
PY
    for _ in $(seq 1 30); do grep -q 'tftp.transfer.probed' "$WORK/server.log" && break; sleep 0.1; done
    grep 'tftp.transfer.probed' "$WORK/server.log" | grep -q 'tftp.file=boot.ipxe' || { echo "no probe line"; return 1; }
    if grep -q 'tftp.transfer.failed' "$WORK/server.log"; then grep 'tftp.transfer.failed' "$WORK/server.log"; return 1; fi
}
# UEFI (packages ovmf and ipxe): OVMF's own PXE on virtio-net (no option ROM) sends option 93 = 7 and no
# user class, probes snponly.efi's size (tsize, then ERROR 8), downloads it; snponly.efi then asks again
# with user class iPXE and gets the script.
uefi_boot_chainloads_ipxe_and_prints_the_token() {
    cp /usr/share/OVMF/OVMF_VARS_4M.fd "$WORK/vars.fd"
    : >"$WORK/serial.log"
    timeout 90 ip netns exec "$SRV" qemu-system-x86_64 -machine q35,graphics=off -m 512 -nographic \
        -monitor none -serial "file:$WORK/serial.log" \
        -drive "if=pflash,format=raw,readonly=on,file=$OVMF" -drive "if=pflash,format=raw,file=$WORK/vars.fd" \
        -netdev "tap,id=n0,ifname=$TAP,script=no,downscript=no" \
        -device "virtio-net-pci,netdev=n0,romfile=,mac=52:54:02:12:34:56" >"$WORK/qemu.out" 2>&1 &
    local qemu=$! found=1
    for _ in $(seq 1 88); do
        if console | grep -q "$TOKEN"; then found=0; break; fi
        kill -0 $qemu 2>/dev/null || break
        sleep 1
    done
    kill $qemu 2>/dev/null; wait $qemu 2>/dev/null
    grep '52:54:02:12:34:56' "$WORK/server.log" | grep 'dhcp.ack.sent' | grep -q 'dhcp.file=snponly.efi' ||
        { echo "no ACK naming snponly.efi for option 93 = 7"; return 1; }
    # OVMF's size probe is a probe, and nothing failed.
    grep -q 'tftp.transfer.probed.*tftp.file=snponly.efi' "$WORK/server.log" || { echo "no tsize probe seen"; return 1; }
    if grep 'tftp.transfer.failed' "$WORK/server.log"; then return 1; fi
    grep -q 'tftp.transfer.completed.*tftp.file=snponly.efi' "$WORK/server.log" || { echo "snponly.efi not fetched"; return 1; }
    [ $found -eq 0 ] || { echo "no token on the serial console"; console | tail -20; cat "$WORK/qemu.out"; return 1; }
}
if [ -r "$OVMF" ] && [ -r "$SNPONLY" ]; then
    check "a UEFI PXE boot (OVMF, option 93 = 7) gets snponly.efi after a size probe, then the script" \
        uefi_boot_chainloads_ipxe_and_prints_the_token
else
    echo "skip UEFI boot: needs $OVMF (package ovmf) and $SNPONLY (package ipxe)"
fi

# UEFI HTTP Boot (issue 16): Debian's OVMF has HttpBootDxe. Its fw_cfg knobs turn PXE (v4, v6) and IPv6
# off, so the only network boot option left is HTTP over IPv4: the firmware sends option 60 HTTPClient and
# option 93 = 16, must get HTTPClient back with a URL, fetches snponly.efi over HTTP, and the iPXE in it
# gets the script as before.
uefi_http_boot_fetches_over_http() {
    cp /usr/share/OVMF/OVMF_VARS_4M.fd "$WORK/vars.fd"
    : >"$WORK/serial.log"
    timeout 120 ip netns exec "$SRV" qemu-system-x86_64 -machine q35,graphics=off -m 512 -nographic \
        -monitor none -serial "file:$WORK/serial.log" \
        -drive "if=pflash,format=raw,readonly=on,file=$OVMF" -drive "if=pflash,format=raw,file=$WORK/vars.fd" \
        -fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=no \
        -fw_cfg name=opt/org.tianocore/IPv6PXESupport,string=no \
        -fw_cfg name=opt/org.tianocore/IPv6Support,string=no \
        -netdev "tap,id=n0,ifname=$TAP,script=no,downscript=no" \
        -device "virtio-net-pci,netdev=n0,romfile=,mac=52:54:04:12:34:56" >"$WORK/qemu.out" 2>&1 &
    local qemu=$! found=1
    for _ in $(seq 1 115); do
        if console | grep -q "$TOKEN"; then found=0; break; fi
        kill -0 $qemu 2>/dev/null || break
        sleep 1
    done
    kill $qemu 2>/dev/null; wait $qemu 2>/dev/null
    grep '52:54:04:12:34:56' "$WORK/server.log" | grep 'dhcp.ack.sent' | grep 'dhcp.vendor_class=HTTPClient' |
        grep -q 'dhcp.boot_file=http://198.18.0.1:8080/snponly.efi' ||
        { echo "no ACK with the URL for the HTTPClient"; grep 'dhcp.ack.sent' "$WORK/server.log" | tail -3; return 1; }
    grep 'http.transfer' "$WORK/server.log" | tail -3
    grep 'http.transfer.completed' "$WORK/server.log" | grep 'http.method=GET' | grep -q 'http.file=/snponly.efi' ||
        { echo "snponly.efi not fetched over HTTP"; console | tail -20; return 1; }
    [ $found -eq 0 ] || { echo "no token on the serial console"; console | tail -20; cat "$WORK/qemu.out"; return 1; }
}
if [ -r "$OVMF" ] && [ -r "$SNPONLY" ]; then
    check "UEFI HTTP Boot (OVMF, HTTPClient, option 93 = 16) fetches snponly.efi by URL, then the script" \
        uefi_http_boot_fetches_over_http
fi

check "a tsize probe ended with ERROR 8 after the OACK is tftp.transfer.probed, not failed" size_probe_is_not_a_failure

# A class whose script chains itself: explain names the loop from the real timeline.
explain_names_a_boot_loop() {
    boot 52:54:01:12:34:56
    local qemu=$!
    for _ in $(seq 1 85); do
        [ "$(grep -c 'tftp.transfer.completed.*tftp.file=loop.ipxe' "$WORK/server.log")" -ge 4 ] && break
        kill -0 $qemu 2>/dev/null || break
        sleep 1
    done
    kill $qemu 2>/dev/null; wait $qemu 2>/dev/null
    sleep 0.5
    out=$("$DIALTONE" explain 52:54:01:12:34:56 --config "$WORK/dialtone.yaml"); rc=$?
    echo "$out" | head -14; echo "exit $rc"
    [ $rc -eq 1 ] && echo "$out" | grep -qE "\[error\] boot loop: loop.ipxe fetched [0-9]+ times" &&
        echo "$out" | grep -q "our last reply: option 67 loop.ipxe, file field loop.ipxe, class looping"
}
check "a script that chains itself: explain names a boot loop with what the reply said" explain_names_a_boot_loop
stop_server

# The issue's config: a subnet boot_file and an iPXE class that sets option 67 through options:.
check_flags_the_issue_config() {
    cat >"$WORK/bad.yaml" <<YAML
state_dir: $WORK/state
dhcp:
  interfaces: [$TAP]
  subnets:
    - subnet: 198.18.0.0/24
      pools: ["198.18.0.100-198.18.0.150"]
      boot_file: undionly.kpxe
  classes:
    - name: ipxe
      match: { user_class: iPXE }
      options:
        - { code: 67, type: string, value: boot.ipxe }
YAML
    if "$DIALTONE" check --config "$WORK/bad.yaml" >"$WORK/check-bad.out" 2>&1; then
        echo "check said ok"; cat "$WORK/check-bad.out"; return 1
    fi
    grep -q "bad.yaml:12:.*dhcp.classes\[0\].options: class \`ipxe\` sets option 67 to \`boot.ipxe\`" "$WORK/check-bad.out" \
        || { cat "$WORK/check-bad.out"; return 1; }
}
check "check flags a class option 67 beside the subnet's boot_file (file, line, key)" check_flags_the_issue_config

finish
