#!/bin/bash
# The acceptance story of the seed thread, done right: 10 strict CP-7970Gs after a factory reset, on a link
# with Dialtone and nothing else, whose config names only the interface, a pool, the default load and the
# ladder. All must get an offer they accept on the first DISCOVER, recover with term70.default.loads, and
# climb to SIP70.9-2-1S with every file verified; every missing CTL/ITL probe is answered in well under 1 s.
# The phones are `dialtone simulate --parallel` in the client namespace: all ten boot at once, each
# relaying from its own address (198.18.0.2-11) and sending TFTP from its leased address, which the
# namespace owns.
. "$(dirname "$0")/lib.sh"
make_link || { echo "cannot create namespaces (need root and iproute2)"; exit 1; }
ip -n "$CLI" addr add 198.18.0.2/24 dev "${TAG}b"
for i in $(seq 3 11); do ip -n "$CLI" addr add 198.18.0.$i/32 dev "${TAG}b"; done
for i in $(seq 100 120); do ip -n "$CLI" addr add 198.18.0.$i/32 dev "${TAG}b"; done
"$DIALTONE" _make-bundle "$WORK/root" --component-size 30000 >/dev/null || exit 1
dhcp_config "198.18.0.100-198.18.0.120"
cat >>"$WORK/dialtone.yaml" <<YAML
tftp:
  root: $WORK/root
phones:
  default_loads: { CP-7970G: TERM70.7-0-2-0S }
  upgrade_paths: { CP-7970G: [TERM70.7-0-2-0S, SCCP70.8-2-2SR1S, SCCP70.8-5-2S, SIP70.9-2-1S] }
YAML
start_server "$WORK/dialtone.yaml" || exit 1

story() {
    ip netns exec "$CLI" "$DIALTONE" simulate --server 198.18.0.1 --relay 198.18.0.2 --parallel --bind-leased --reboot-seconds 0.25 --count 10 \
        --mac 00:1e:7a:25:54:a1 >"$WORK/sim.out" 2>&1; rc=$?
    grep -E "done:|FAILED|rejected|^summary" "$WORK/sim.out"
    [ $rc -eq 0 ] || return 1
    [ "$(grep -c 'done: .*loads TERM70.7-0-2-0S -> SCCP70.8-2-2SR1S -> SCCP70.8-5-2S -> SIP70.9-2-1S, 28 files' "$WORK/sim.out")" -eq 10 ] || return 1
    ! grep -q "] rejected " "$WORK/sim.out"
}
check "10 strict 7970s: no offer rejected, recovery, ladder to SIP70.9-2-1S, every file verified" story

fast_misses() {
    grep "missing trust-list probes" "$WORK/sim.out" | head -3
    # 3 probes per boot, 4 boots per phone; the slowest answer per phone must stay well under a second.
    awk '/missing trust-list probes answered/ { if ($2 != 12) bad = 1; if ($(NF - 1) + 0 > 250) bad = 1 } END { exit bad }' "$WORK/sim.out"
}
check "every missing CTL/ITL probe answered with an ERROR in well under 1 s" fast_misses

finish
