#!/bin/bash
# Phones beyond the 7970 end to end (issue 18), on one `serve` in namespaces beside a 7970:
# - simulated Yealink T46Gs (option 60 `yealink`, a Yealink OUI): `<mac>.boot` and `y000000000000.boot`
#   (absent), their hardware's common file y000000000028.cfg, their own `<mac>.cfg` naming the firmware of
#   their ladder step, the `.rom`, a reboot, and again until the config names the image they run;
# - a simulated Polycom VVX 410 (RFC 3925 option 60, a Polycom OUI): its `<mac>.cfg` master file naming the
#   `.sip.ld` of its step, the image, a reboot, then its `<mac>-user.cfg`;
# - a simulated Cisco 8851 (enterprise firmware): no recovery file, AppDialRules.xml among its probes,
#   SEP<MAC>.cnf.xml and two sip88xx loads.
# Checks the files the server generated, the ladder's events in `explain`, the dashboard API's progress,
# and `check` on the images.
. "$(dirname "$0")/lib.sh"
make_link || { echo "cannot create namespaces (need root and iproute2)"; exit 1; }
ip -n "$CLI" addr add 198.18.0.2/24 dev "${TAG}b"
for i in $(seq 3 7); do ip -n "$CLI" addr add 198.18.0.$i/32 dev "${TAG}b"; done
for i in $(seq 100 120); do ip -n "$CLI" addr add 198.18.0.$i/32 dev "${TAG}b"; done
"$DIALTONE" _make-bundle "$WORK/root" --component-size 20000 >/dev/null || exit 1
dhcp_config "198.18.0.100-198.18.0.120"
cat >>"$WORK/dialtone.yaml" <<YAML
tftp:
  root: $WORK/root
phones:
  default_loads: { CP-7970G: TERM70.7-0-2-0S }
  upgrade_paths:
    CP-7970G: [TERM70.7-0-2-0S, SCCP70.8-2-2SR1S, SCCP70.8-5-2S, SIP70.9-2-1S]
    T46G: [T46-28.83.0.50, T46-28.86.0.20]
    VVX410: [3111-46161-001-5.9.0, 3111-46161-001-6.4.6]
    CP-8851: [sip88xx.12-8-1-0001-455, sip88xx.14-2-1-0001-28]
web:
  listen: "127.0.0.1:8067"
http:
  listen: ["198.18.0.1:6970"]
YAML
start_server "$WORK/dialtone.yaml" || exit 1
sim() { ip netns exec "$CLI" "$DIALTONE" simulate --server 198.18.0.1 --bind-leased --reboot-seconds 0.25 "$@" 2>&1; }

checked() {
    out=$("$DIALTONE" check --config "$WORK/dialtone.yaml"); rc=$?; echo "$out" | tail -3
    [ $rc -eq 0 ] || return 1
    mv "$WORK/root/T46-28.86.0.20.rom" "$WORK/T46-28.86.0.20.rom"
    out=$("$DIALTONE" check --config "$WORK/dialtone.yaml"); rc=$?
    mv "$WORK/T46-28.86.0.20.rom" "$WORK/root/"
    echo "$out" | grep firmware
    [ $rc -eq 1 ] && echo "$out" | grep -q "firmware T46-28.86.0.20: T46-28.86.0.20.rom is not in"
}
check "dialtone check accepts the Yealink images, and names a missing one" checked

climbs() {
    sim --model T46G --mac 00:15:65:4a:a9:37 --count 2 --parallel --relay 198.18.0.2 >"$WORK/yealink.out"; rc=$?
    grep -E "done:|FAILED|upgrading" "$WORK/yealink.out"
    [ $rc -eq 0 ] && [ "$(grep -c 'done: .*loads T46-28.83.0.50 -> T46-28.86.0.20, 8 files' "$WORK/yealink.out")" -eq 2 ]
}
check "two T46Gs fetch their common and own configs and climb both firmware steps" climbs

beside_cisco() {
    sim --mac 00:1e:7a:25:54:a1 --relay 198.18.0.4 >"$WORK/cisco.out"; rc=$?
    grep -E "done:|FAILED" "$WORK/cisco.out"
    [ $rc -eq 0 ] && grep -q "loads TERM70.7-0-2-0S -> SCCP70.8-2-2SR1S -> SCCP70.8-5-2S -> SIP70.9-2-1S" "$WORK/cisco.out"
}
check "a 7970 on the same server still climbs its own ladder" beside_cisco

polycom() {
    sim --model VVX410 --mac 00:04:f2:00:10:6c --relay 198.18.0.5 >"$WORK/polycom.out"; rc=$?
    grep -E "done:|FAILED|upgrading" "$WORK/polycom.out"
    [ $rc -eq 0 ] && grep -q "done: .*loads 3111-46161-001-5.9.0 -> 3111-46161-001-6.4.6, 6 files" "$WORK/polycom.out" &&
        grep -q 'tftp.file=0004f200106c-user.cfg' "$WORK/server.log"
}
check "a VVX 410 reads its master file, climbs both application images, then reads its settings" polycom

cisco88xx() {
    # Enterprise firmware asks for every file over HTTP on 6970 first (the http: section serves the TFTP root
    # and the generated files there); the absent ones (trust lists, AppDialRules.xml) it then tries over TFTP.
    sim --model CP-8851 --mode normal --mac 00:1e:7a:88:51:01 --relay 198.18.0.6 >"$WORK/8851.out"; rc=$?
    grep -E "done:|FAILED|upgrading" "$WORK/8851.out"
    [ $rc -eq 0 ] && grep -q "done: .*loads sip88xx.12-8-1-0001-455 -> sip88xx.14-2-1-0001-28, 13 files (13 over HTTP)$" "$WORK/8851.out" &&
        grep -q "http.file=/SEP001E7A885101.cnf.xml" "$WORK/server.log" && grep -q "tftp.file=AppDialRules.xml" "$WORK/server.log"
}
check "a CP-8851 (no recovery file) fetches its config and two sip88xx loads over HTTP on 6970; the absent probes fall back to TFTP" cisco88xx

served_and_explained() {
    sleep 0.5
    grep -q 'tftp.file=y000000000028.cfg.*tftp.served_from="virtual: Yealink common config generated (T46G)"' "$WORK/server.log" ||
        grep -q 'tftp.served_from="virtual: Yealink common config generated (T46G)".*tftp.file=y000000000028.cfg' "$WORK/server.log" || return 1
    grep -q "0015654aa937.boot" "$WORK/server.log" || { echo "no .boot probe logged"; return 1; }
    out=$("$DIALTONE" explain 00:15:65:4a:a9:37 --config "$WORK/dialtone.yaml")
    echo "$out" | grep -E "phone.upgrade" | head -3
    echo "$out" | grep -q "phone.upgrade.advanced" && echo "$out" | grep -q "phone.upgrade.done" &&
        ip netns exec "$SRV" curl -s http://127.0.0.1:8067/api/devices/00:15:65:4a:a9:37 | python3 -c "
import json, sys; d = json.load(sys.stdin); print(d.get('progress'))
assert d['progress']['step'] == 2 and d['progress']['steps'] == 2 and d['progress']['load'] == 'T46-28.86.0.20'"
}
check "the server logged the generated files; explain and the API show the T46G's ladder" served_and_explained
finish
