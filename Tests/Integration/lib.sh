# Shared helpers for the network integration tests. Every test builds its own namespaces and veth pair with
# addresses from 198.18.0.0/15 only, and removes them on exit, even on failure.
set -u
DIALTONE=${DIALTONE:-$(cd "$(dirname "$0")/../.." && pwd)/.build/debug/dialtone}
TAG=${TAG:-dt$$}
SRV=${TAG}s
CLI=${TAG}c
WORK=$(mktemp -d /tmp/dialtone-it.XXXXXX)
# Started as root, `serve` switches to an unprivileged user (docs/security.md): it must reach its state and
# TFTP roots below this folder, which mktemp makes 0700.
chmod 755 "$WORK"
PASSED=0
SERVER_PID=
FAILED=0

cleanup() {
    [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    for ns in "$CLI" "$SRV" ${EXTRA_NS:-}; do
        ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
        ip netns del "$ns" 2>/dev/null
    done
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# Two namespaces joined by a veth: server side ${TAG}a = 198.18.0.1/24, client side ${TAG}b without address.
make_link() {
    ip netns add "$SRV" && ip netns add "$CLI" || return 1
    ip link add "${TAG}a" type veth peer name "${TAG}b" || return 1
    ip link set "${TAG}a" netns "$SRV" && ip link set "${TAG}b" netns "$CLI"
    ip -n "$SRV" addr add 198.18.0.1/24 dev "${TAG}a"
    ip -n "$SRV" link set "${TAG}a" up && ip -n "$SRV" link set lo up
    ip -n "$CLI" link set "${TAG}b" up && ip -n "$CLI" link set lo up
}

start_server() { # config file [serve options...]
    # Emptied here, not by the background job's `>`: that runs in the child, and the loop below could still
    # find the previous server's dhcp.started before the child got to truncate the file.
    : >"$WORK/server.log"
    ip netns exec "$SRV" "$DIALTONE" serve --config "$1" "${@:2}" >>"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 50); do
        grep -q dhcp.started "$WORK/server.log" 2>/dev/null && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "server did not start:"; cat "$WORK/server.log"; return 1
}

stop_server() {
    [ -n "$SERVER_PID" ] || return 0
    kill -TERM "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=
}

# The config most tests start from: DHCP on the server side of the veth, one /24 with pool $1. Sections
# and subnet keys that a test needs beyond it are appended (`cat >>`), so they read in place.
dhcp_config() { # pool range
    cat >"$WORK/dialtone.yaml" <<YAML
state_dir: $WORK/state
dhcp:
  interfaces: [${TAG}a]
  subnets:
    - subnet: 198.18.0.0/24
      pools: ["$1"]
YAML
}

# The user a root `serve` without `user:` becomes: dialtone when it exists, else nobody (docs/security.md).
served_user() { getent passwd dialtone >/dev/null && echo dialtone || echo nobody; }

check() { # name, command...
    local name=$1; shift
    if "$@" >"$WORK/check.out" 2>&1; then
        PASSED=$((PASSED + 1)); echo "ok   $name"
    else
        FAILED=$((FAILED + 1)); echo "FAIL $name"; sed 's/^/     /' "$WORK/check.out" | tail -20
        echo "     --- server log:"; tail -15 "$WORK/server.log" | sed 's/^/     /'
    fi
}

finish() {
    echo "$(basename "$0" .sh): $PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
}
