#!/bin/bash
# `dialtone explain` names what went wrong, from real traffic: a simulated phone that ignores every offer,
# one whose config file is missing, one that fetches a wrong-cased component.
. "$(dirname "$0")/lib.sh"
make_link || { echo "cannot create namespaces (need root and iproute2)"; exit 1; }
ip -n "$CLI" addr add 198.18.0.2/24 dev "${TAG}b"
for i in $(seq 100 110); do ip -n "$CLI" addr add 198.18.0.$i/32 dev "${TAG}b"; done
"$DIALTONE" _make-bundle "$WORK/root" --component-size 4000 >/dev/null || exit 1
dhcp_config "198.18.0.100-198.18.0.110"
cat >>"$WORK/dialtone.yaml" <<YAML
tftp:
  root: $WORK/root
YAML
start_server "$WORK/dialtone.yaml" || exit 1
sim() { ip netns exec "$CLI" "$DIALTONE" simulate --server 198.18.0.1 --relay 198.18.0.2 --bind-leased "$@" >>"$WORK/sim.out" 2>&1; }

ignored_offers() {
    sim --mac 00:1e:7a:00:00:11 --listen-window-ms 0 --time-scale 0.01
    sleep 0.5
    out=$("$DIALTONE" explain 00:1e:7a:00:00:11 --config "$WORK/dialtone.yaml"); rc=$?
    echo "$out" | head -24; echo "exit $rc"
    [ $rc -eq 1 ] && echo "$out" | grep -q "\[error\] 5 offers ignored" &&
        echo "$out" | grep -qE "our offers: [0-9]+ bytes, to relay 198.18.0.2:67, options 53,54,[0-9,]*,150" &&
        echo "$out" | grep -q "client: Cisco Systems, Inc. IP Phone CP-7970G" &&
        echo "$out" | grep -q "likely cause 1: the relay does not deliver our replies" &&
        echo "$out" | grep -q "because all 5 offers went to a relay agent"
}
check "a phone ignoring every offer: explain says how many, what they looked like, and the likely causes" ignored_offers

missing_config() {
    sim --mac 00:1e:7a:00:00:12 --mode normal
    sleep 0.5
    out=$("$DIALTONE" explain 001e.7a00.0012 --config "$WORK/dialtone.yaml"); rc=$?
    echo "$out" | head -8; echo "exit $rc"
    [ $rc -eq 1 ] && echo "$out" | grep -q "\[error\] TFTP file missing: SEP001E7A000012.cnf.xml, XMLDefault.cnf.xml"
}
check "a phone whose config file is missing: explain names the files tried" missing_config

wrong_case() {
    # Now with a phones: section, so term70.default.loads exists (as the alias of the default load).
    stop_server
    printf 'phones:\n  default_loads: { CP-7970G: TERM70.7-0-2-0S }\n' >>"$WORK/dialtone.yaml"
    start_server "$WORK/dialtone.yaml" || return 1
    sim --mac 00:1e:7a:00:00:13 --mode recovery
    sleep 0.5
    out=$("$DIALTONE" explain 00-1E-7A-00-00-13 --config "$WORK/dialtone.yaml"); rc=$?
    echo "$out" | grep -E "info|error"; echo "exit $rc"
    echo "$out" | grep -q "\[info\] case mismatch resolved for jar70sccp.7-0-2-0.sbn" && echo "$out" | grep -q "tftp.transfer.completed  file=jar70sccp.7-0-2-0.sbn"
}
check "a phone fetching a wrong-cased component: explain notes the case resolution" wrong_case

finish
