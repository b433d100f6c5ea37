#!/bin/bash
# The seed story, played by hand with real clients: a "7970" (MAC 00:1e:7a:25:54:a1) leases an address with
# udhcpc, fetches term70.default.loads (served as the alias of TERM70.7-0-2-0S.loads, which is on disk) and
# every component (one only in a different case), asks for SEP<MAC>.cnf.xml and is told the next load, and
# climbs the four-step ladder to SIP70.9-2-1S, one step per "boot". State survives a restart; `check`
# validates the bundle and refuses a bad jump.
. "$(dirname "$0")/lib.sh"
make_link || { echo "cannot create namespaces (need root and iproute2)"; exit 1; }
MAC=00:1e:7a:25:54:a1
ip -n "$CLI" link set "${TAG}b" address $MAC
ROOT="$WORK/root"
"$DIALTONE" _make-bundle "$ROOT" --component-size 20000 >/dev/null || exit 1
dhcp_config "198.18.0.100-198.18.0.150"
cat >>"$WORK/dialtone.yaml" <<YAML
tftp:
  root: $ROOT
  listen: ["198.18.0.1:69"]
phones:
  default_loads: { CP-7970G: TERM70.7-0-2-0S }
  upgrade_paths:
    CP-7970G: [TERM70.7-0-2-0S, SCCP70.8-2-2SR1S, SCCP70.8-5-2S, SIP70.9-2-1S]
YAML
cat >"$WORK/hook.sh" <<'HOOK'
#!/bin/sh
[ "$1" = bound ] && ip addr add "$ip/24" dev "$interface"
exit 0
HOOK
chmod +x "$WORK/hook.sh"

bundle_ok() {
    out=$("$DIALTONE" check --config "$WORK/dialtone.yaml") || { echo "$out"; return 1; }
    echo "$out"; echo "$out" | grep -q "note: .*component jar70sccp.7-0-2-0.sbn is on disk as Jar70sccp.7-0-2-0.sbn"
}
check "dialtone check accepts the bundle (and reports the case difference)" bundle_ok
start_server "$WORK/dialtone.yaml" || exit 1
ip netns exec "$CLI" busybox udhcpc -i "${TAG}b" -f -q -n -t 4 -T 1 -V "Cisco Systems, Inc. IP Phone CP-7970G" -s "$WORK/hook.sh" >/dev/null 2>&1

get() { ip netns exec "$CLI" "$DIALTONE" tftp get 198.18.0.1 "$1" "$WORK/dl/$1" 2>&1; }
mkdir -p "$WORK/dl"
load_in_config() { sed -n 's:.*<loadInformation>\(.*\)</loadInformation>.*:\1:p' "$WORK/dl/SEP001E7A2554A1.cnf.xml"; }
fetch_load() { # load
    get "$1.loads" >/dev/null || return 1
    for c in $(tr -d '\r' <"$WORK/dl/$1.loads" | strings | grep -E '\.sbn$'); do get "$c" >/dev/null || { echo "component $c failed"; return 1; }; done
}

recovery() {
    get term70.default.loads || return 1
    cmp "$WORK/dl/term70.default.loads" "$ROOT/TERM70.7-0-2-0S.loads" || return 1
    for c in $(tr -d '\r' <"$WORK/dl/term70.default.loads" | strings | grep -E '\.sbn$'); do get "$c" >/dev/null || { echo "get $c failed"; return 1; }; done
    sleep 0.2
    grep -q 'tftp.served_from="virtual: term70.default.loads as alias of TERM70.7-0-2-0S.loads"' "$WORK/server.log" &&
        grep -q "tftp.case_mismatch=resolved.*tftp.file=jar70sccp.7-0-2-0.sbn" "$WORK/server.log"
}
check "recovery: term70.default.loads aliases the default load; every component arrives (one case-resolved)" recovery

ladder() {
    for expected in SCCP70.8-2-2SR1S SCCP70.8-5-2S SIP70.9-2-1S; do
        get SEP001E7A2554A1.cnf.xml >/dev/null || return 1
        got=$(load_in_config); echo "config says $got"
        [ "$got" = "$expected" ] || { echo "expected $expected"; return 1; }
        fetch_load "$got" || return 1
    done
    get SEP001E7A2554A1.cnf.xml >/dev/null; echo "final: $(load_in_config)"
    [ "$(load_in_config)" = SIP70.9-2-1S ] && grep -q "phone.upgrade.done" "$WORK/server.log" && grep -q "<deviceProtocol>SIP</deviceProtocol>" "$WORK/dl/SEP001E7A2554A1.cnf.xml"
}
check "the phone climbs the ladder one step per config request, only after fetching every file" ladder

no_skip_without_files() {
    # Another phone that asks for its config without fetching anything stays on the first step.
    ip -n "$CLI" addr flush dev "${TAG}b"; ip -n "$CLI" link set "${TAG}b" address 00:1e:7a:00:00:02
    ip netns exec "$CLI" busybox udhcpc -i "${TAG}b" -f -q -n -t 4 -T 1 -s "$WORK/hook.sh" >/dev/null 2>&1
    for _ in 1 2; do get SEP001E7A000002.cnf.xml >/dev/null; done
    cp "$WORK/dl/SEP001E7A000002.cnf.xml" "$WORK/dl/SEP001E7A2554A1.cnf.xml.b"
    grep -q "<loadInformation>TERM70.7-0-2-0S</loadInformation>" "$WORK/dl/SEP001E7A000002.cnf.xml"
}
check "a phone that did not fetch its load is not moved on" no_skip_without_files

survives_restart() {
    stop_server; start_server "$WORK/dialtone.yaml" || return 1
    ip -n "$CLI" addr flush dev "${TAG}b"; ip -n "$CLI" link set "${TAG}b" address $MAC
    ip netns exec "$CLI" busybox udhcpc -i "${TAG}b" -f -q -n -t 4 -T 1 -s "$WORK/hook.sh" >/dev/null 2>&1
    get SEP001E7A2554A1.cnf.xml >/dev/null; echo "after restart: $(load_in_config)"
    [ "$(load_in_config)" = SIP70.9-2-1S ]
}
check "the ladder state survives a restart" survives_restart

xmldefault() {
    get XMLDefault.cnf.xml >/dev/null && cat "$WORK/dl/XMLDefault.cnf.xml" | grep loadInformation
    grep -q "<loadInformation30006 model=\"\">TERM70.7-0-2-0S</loadInformation30006>" "$WORK/dl/XMLDefault.cnf.xml"
}
check "XMLDefault.cnf.xml carries loadInformation30006 for the 7970" xmldefault

check_refuses() {
    sed 's/CP-7970G: \[TERM70.7-0-2-0S, SCCP70.8-2-2SR1S, SCCP70.8-5-2S, SIP70.9-2-1S\]/CP-7970G: [TERM70.7-0-2-0S, SIP70.9-2-1S, SCCP70.9-9-9S]/' "$WORK/dialtone.yaml" >"$WORK/bad.yaml"
    rm "$ROOT/cnu70.8-5-2.sbn"
    out=$("$DIALTONE" check --config "$WORK/bad.yaml"); rc=$?; echo "$out"; echo "exit $rc"
    [ $rc -eq 1 ] && echo "$out" | grep -q "TERM70.7-0-2-0S -> SIP70.9-2-1S: a phone below 8.3(3) must not jump past 8.5(2)" &&
        echo "$out" | grep -q "load SCCP70.9-9-9S: SCCP70.9-9-9S.loads is not in" &&
        "$DIALTONE" check --config "$WORK/dialtone.yaml" | grep -q "load SCCP70.8-5-2S: component cnu70.8-5-2.sbn is missing"
}
check "check refuses a bad jump, a missing load and a missing component (exit 1)" check_refuses

finish
