#!/bin/bash
# The dashboard in a real browser: headless Chromium (Debian's `chromium`) loads it during a demo run and
# checks that the devices table fills, a transfer's progress bar moves and the live log streams. Demo and
# browser run in a namespace of their own with only loopback, so the browser cannot reach anything else.
# Screenshots are kept in $TEST_OUTPUT (default .build/test-output).
. "$(dirname "$0")/lib.sh"
command -v chromium >/dev/null && command -v python3 >/dev/null || { echo "missing chromium or python3"; exit 1; }
OUT=${TEST_OUTPUT:-$(cd "$(dirname "$0")/../.." && pwd)/.build/test-output}
mkdir -p "$OUT"
ip netns add "$SRV" && ip -n "$SRV" link set lo up || { echo "cannot create a namespace (need root and iproute2)"; exit 1; }

ip netns exec "$SRV" "$DIALTONE" demo --phones 10 --keep-running >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do grep -q "^Dashboard: " "$WORK/server.log" && break; sleep 0.1; done
url=$(sed -n 's/^Dashboard: \(http[^ ]*\).*/\1/p' "$WORK/server.log" | head -1)
tftp_port=$(sed -n 's/.*TFTP on 127.0.0.1:\([0-9]*\)[, ].*/\1/p' "$WORK/server.log" | head -1)
root=$(sed -n 's/.*, root \(.*\)$/\1/p' "$WORK/server.log" | head -1)
# The largest firmware component: the slow reader's transfer should last several dashboard refreshes.
file=$(ls -S "$root" 2>/dev/null | head -1)
echo "demo dashboard $url, TFTP port $tftp_port, slow read of $file"

in_browser() {
    [ -n "$url" ] && [ -n "$file" ] || { cat "$WORK/server.log"; return 1; }
    ip netns exec "$SRV" timeout 240 python3 "$(dirname "$0")/dashboard_browser.py" "$url" 10 "$tftp_port" "$file" "$OUT"
}
check "headless Chromium during a demo: devices fill, a progress bar moves, the live log streams and pauses, syslog lines appear" in_browser
sed 's/^/     /' "$WORK/check.out"  # what the browser saw, and where the screenshots are

# A second server on the demo's store, with a token (awkward characters on purpose: they must survive the
# form, the query string and the cookie's percent-encoding), for the login as a person does it.
state=$(sed -n 's/.*State: \(.*\)$/\1/p' "$WORK/server.log" | head -1)
cat >"$WORK/web.yaml" <<YAML
state_dir: $state
web:
  listen: "127.0.0.1:18067"
  token: "s3cret +/=;,é"
YAML
ip netns exec "$SRV" "$DIALTONE" serve --config "$WORK/web.yaml" >"$WORK/web.log" 2>&1 &
WEB_PID=$!
for _ in $(seq 1 50); do grep -q web.started "$WORK/web.log" && break; sleep 0.1; done

login() {
    ip netns exec "$SRV" timeout 120 python3 "$(dirname "$0")/dashboard_login.py" http://127.0.0.1:18067 "s3cret +/=;,é" "$OUT"
}
check "headless Chromium logs in to a token-protected dashboard; the live log runs on the HttpOnly cookie" login
sed 's/^/     /' "$WORK/check.out"
kill "$WEB_PID"; wait "$WEB_PID" 2>/dev/null

finish
