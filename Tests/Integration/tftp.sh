#!/bin/bash
# TFTP against real clients: tftp-hpa `tftp`, `atftp` and `curl tftp://`, on loopback (high port) and, for
# the MTU clamp, across a veth between two namespaces. Byte-exact downloads, options, rollover, concurrency,
# traversal attempts against a canary outside the root, malformed packets, writes.
. "$(dirname "$0")/lib.sh"
for tool in tftp atftp curl python3; do command -v $tool >/dev/null || { echo "missing $tool"; exit 1; }; done
PORT=$((20000 + $$ % 20000))
ROOT="$WORK/root"
mkdir -p "$ROOT/sub" "$ROOT/Firmware" "$ROOT/dir.d"
echo "secret" >"$WORK/canary.txt"
: >"$ROOT/empty.bin"
for n in 1 511 512 513; do head -c $n /dev/urandom >"$ROOT/f$n.bin"; done
head -c 1048576 /dev/urandom >"$ROOT/1m.bin"
head -c 41943040 /dev/urandom >"$ROOT/40m.bin"
head -c 2097152 /dev/urandom >"$ROOT/Firmware/Jar70sccp.8-2-2SR1S.sbn"
printf 'line one\nline two\n' >"$ROOT/text.txt"
ln -s "$WORK/canary.txt" "$ROOT/escape"
ln -s "$WORK" "$ROOT/escape-dir"

config() { # allow_write
    cat >"$WORK/dialtone.yaml" <<YAML
state_dir: $WORK/state
tftp:
  root: $ROOT
  listen: ["127.0.0.1:$PORT"]
  allow_write: $1
  timeout: 1s
  retries: 3
YAML
}
config false
"$DIALTONE" serve --config "$WORK/dialtone.yaml" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 50); do grep -q tftp.started "$WORK/server.log" && break; sleep 0.1; done

get_hpa() { tftp 127.0.0.1 $PORT -m binary -c get "$1" "$2" 2>&1; }

sizes_hpa() {
    for f in empty.bin f1.bin f511.bin f512.bin f513.bin 1m.bin; do
        rm -f "$WORK/out"; get_hpa "$f" "$WORK/out" >/dev/null; cmp "$ROOT/$f" "$WORK/out" || { echo "$f differs"; return 1; }
    done
}
check "tftp-hpa: 0, 1, 511, 512, 513 B and 1 MiB byte-exact" sizes_hpa

rollover() {
    rm -f "$WORK/out"; get_hpa 40m.bin "$WORK/out"; cmp "$ROOT/40m.bin" "$WORK/out"
}
check "tftp-hpa: 40 MiB at blksize 512 (81920 blocks, block number rolls over) byte-exact" rollover

atftp_options() {
    for opts in "blksize 1468|tsize 0" "windowsize 16|blksize 1468" "windowsize 64|blksize 8192"; do
        rm -f "$WORK/out"
        atftp --option "${opts%|*}" --option "${opts#*|}" -g -r 1m.bin -l "$WORK/out" 127.0.0.1 $PORT 2>&1 | grep -v "^Option"
        cmp "$ROOT/1m.bin" "$WORK/out" || { echo "atftp $opts differs"; return 1; }
    done
    grep -q 'tftp.windowsize=64' "$WORK/server.log" && grep -q 'tftp.blksize=8192' "$WORK/server.log"
}
check "atftp: blksize, tsize, windowsize 16 and 64 byte-exact" atftp_options

curl_get() {
    rm -f "$WORK/out"; curl -s -o "$WORK/out" "tftp://127.0.0.1:$PORT/f513.bin" && cmp "$ROOT/f513.bin" "$WORK/out" || return 1
    rm -f "$WORK/out"; curl -s --tftp-blksize 1468 -o "$WORK/out" "tftp://127.0.0.1:$PORT/1m.bin" && cmp "$ROOT/1m.bin" "$WORK/out"
}
check "curl tftp:// (default and blksize 1468) byte-exact" curl_get

case_insensitive() {
    rm -f "$WORK/out"; get_hpa 'firmware\JAR70SCCP.8-2-2sr1s.SBN' "$WORK/out"
    cmp "$ROOT/Firmware/Jar70sccp.8-2-2SR1S.sbn" "$WORK/out" && grep -q 'tftp.case_mismatch=resolved' "$WORK/server.log"
}
check "case-insensitive lookup with backslashes (as Cisco phones ask)" case_insensitive

netascii() {
    rm -f "$WORK/out"; tftp 127.0.0.1 $PORT -m netascii -c get text.txt "$WORK/out"; cmp "$ROOT/text.txt" "$WORK/out"
}
check "netascii round trip through tftp-hpa" netascii

concurrent() {
    # Each client in its own session (setsid): tftp-hpa signals its process group when it ends, which would
    # otherwise reach this script's INT/TERM trap. Wait for exactly these PIDs, not the server.
    pids=()
    for i in $(seq 1 50); do setsid tftp 127.0.0.1 $PORT -m binary -c get 1m.bin "$WORK/c$i" >/dev/null 2>&1 & pids+=($!); done
    wait "${pids[@]}"
    for i in $(seq 1 50); do cmp -s "$ROOT/1m.bin" "$WORK/c$i" || { echo "download $i differs"; return 1; }; done
}
check "50 concurrent 1 MiB downloads byte-exact" concurrent

fast_miss() {
    start=$(date +%s%N)
    out=$(get_hpa CTLSEP001E7A2554A1.tlv "$WORK/out")
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    echo "$out ($ms ms)"; echo "$out" | grep -q "File not found" && [ $ms -lt 1000 ]
}
check "a missing CTL file is answered with ERROR 1 in well under a second" fast_miss

python_tftp() { # name -> prints the first reply as "opcode code message"
    python3 - "$PORT" "$1" <<'PY'
import socket, sys
port, name = int(sys.argv[1]), sys.argv[2].encode('latin-1').decode('unicode_escape').encode('latin-1')
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
s.sendto(b'\x00\x01' + name + b'\x00octet\x00', ('127.0.0.1', port))
try:
    data, _ = s.recvfrom(70000)
    print(data[1], int.from_bytes(data[2:4], 'big'), data[4:].rstrip(b'\x00').decode(errors='replace'), len(data))
except socket.timeout:
    print('timeout')
PY
}

case_clash() {
    echo one >"$ROOT/Clash.txt"; echo two >"$ROOT/clash.TXT"
    out=$(get_hpa CLASH.txt "$WORK/out"); echo "$out"
    echo "$out" | grep -q "ambiguous name: Clash.txt, clash.TXT" || return 1
    rm -f "$WORK/out"; get_hpa Clash.txt "$WORK/out" && cmp "$ROOT/Clash.txt" "$WORK/out"
}
check "a case clash is reported with both names; the exact name still works" case_clash

long_error() { # an ERROR longer than a DATA slot (200 names that differ only in case) leaves whole
    mkdir -p "$ROOT/many"
    python3 -c "
import itertools, sys
for i, caps in enumerate(itertools.product([0, 1], repeat=9)):
    if i == 0: continue  # no all-lower-case name: the request below matches none exactly
    if i > 200: break
    open(sys.argv[1] + '/' + ''.join(c.upper() if u else c for c, u in zip('abcdefghi', caps)), 'w').close()
" "$ROOT/many"
    python3 - "$PORT" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
s.sendto(b'\x00\x01many/abcdefghi\x00octet\x00', ('127.0.0.1', int(sys.argv[1])))
data, _ = s.recvfrom(70000)
print(len(data), data[:40], data[-30:])
sys.exit(0 if len(data) > 1500 and data[:4] == b'\x00\x05\x00\x00' and data.endswith(b'differ only in case\x00') else 1)
PY
    local rc=$?; rm -rf "$ROOT/many"; return $rc
}
check "an ERROR longer than a DATA slot (200 case-clashing names) arrives whole, NUL-terminated" long_error

traversal() {
    for bad in "../canary.txt" "..\\\\canary.txt" "sub/../../canary.txt" "/../canary.txt" "$WORK/canary.txt" "escape" "escape-dir/canary.txt" \
        "C:\\\\..\\\\canary.txt" "sub/..\\\\..\\\\canary.txt" "f1.bin\\x00../canary.txt" "$(printf 'a%.0s' $(seq 1 1100))" "dir.d" "sub"; do
        reply=$(python_tftp "$bad")
        echo "$bad -> $reply" | cut -c1-160
        case "$reply" in 3\ *) echo "DATA returned for $bad"; return 1 ;; esac
        echo "$reply" | grep -q secret && return 1
    done
    return 0
}
check "traversal corpus (../, ..\\\\, absolute, symlinks out, NUL, overlong, directories) never serves outside the root" traversal

malformed() {
    python3 - "$PORT" <<'PY'
import socket, sys
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(1)
for junk in [b'', b'\x00', b'\x00\x01', b'\x00\x09abc', b'\x00\x01name', b'\x00\x03\x00\x01data', b'\xff' * 600, b'\x00\x01f\x00octet\x00blksize\x00']:
    s.sendto(junk, ('127.0.0.1', port))
PY
    rm -f "$WORK/out"; get_hpa f513.bin "$WORK/out"; cmp "$ROOT/f513.bin" "$WORK/out" && grep -q tftp.packet.malformed "$WORK/server.log"
}
check "malformed packets are logged and the server keeps serving" malformed

wrong_tid() { # RFC 1350 §4: a stranger's packet on a transfer's port gets ERROR 5; the transfer goes on.
    python3 - "$PORT" "$ROOT/1m.bin" <<'PY'
import socket, struct, sys
port = int(sys.argv[1]); expected = open(sys.argv[2], 'rb').read()
client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); client.settimeout(2)
stranger = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); stranger.settimeout(2)
client.sendto(b'\x00\x011m.bin\x00octet\x00', ('127.0.0.1', port))
got, block, tid, stranger_said = b'', 1, None, None
while True:
    data, source = client.recvfrom(600)
    if data[:2] != b'\x00\x03': continue
    if tid is None:
        tid = source  # the transfer's own port (its TID)
        stranger.sendto(struct.pack('!HH', 4, 1), tid)
        reply, _ = stranger.recvfrom(600)
        stranger_said = struct.unpack('!HH', reply[:4])
    if source != tid or struct.unpack('!H', data[2:4])[0] != block & 0xffff: continue
    got += data[4:]
    client.sendto(struct.pack('!HH', 4, block & 0xffff), tid)
    block += 1
    if len(data) < 516: break
print('stranger got', stranger_said, 'client got', len(got), 'bytes')
sys.exit(0 if stranger_said == (5, 5) and got == expected else 1)
PY
}
check "a packet from another port gets ERROR 5 (unknown transfer ID) and the transfer goes on" wrong_tid

write_refused() {
    echo data >"$WORK/up.txt"
    out=$(tftp 127.0.0.1 $PORT -m binary -c put "$WORK/up.txt" up.txt 2>&1); echo "$out"
    echo "$out" | grep -q "Error code 2" && [ ! -e "$ROOT/up.txt" ]
}
check "WRQ is refused with ERROR 2 while allow_write is off" write_refused

# Slow TFTP clients for the full-speed lane checks: COUNT downloads of FILE from SLOW_SOURCE, PAUSE s per ACK;
# once each has its first block (every lane taken) it prints "running", then (unless LATE_SOURCE is -) one
# download from LATE_SOURCE that ACKs at once, timed.
cat >"$WORK/lanes.py" <<'PY'
import socket, sys, threading, time
port, count, expected = int(sys.argv[1]), int(sys.argv[2]), open(sys.argv[3], 'rb').read()
slow_source, late_source, pause = sys.argv[4], sys.argv[5], float(sys.argv[6])
results, started = [], []
def download(source, pause):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(3); s.bind((source, 0))
    s.sendto(b'\x00\x0120k.bin\x00octet\x00', ('127.0.0.1', port))
    data = b''
    while True:
        packet, server = s.recvfrom(1024)
        if packet[1] == 3 and int.from_bytes(packet[2:4], 'big') == len(data) // 512 + 1:
            if not data: started.append(source)
            data += packet[4:]
        time.sleep(pause)
        s.sendto(b'\x00\x04' + packet[2:4], server)
        if len(packet) < 516:
            break
    results.append(data == expected)
slow = [threading.Thread(target=download, args=(slow_source, pause)) for _ in range(count)]
for t in slow: t.start()
deadline = time.monotonic() + 5
while len(started) < count and time.monotonic() < deadline: time.sleep(0.01)
print('running' if len(started) == count else 'only %d of %d started' % (len(started), count), flush=True)
if late_source != '-':
    start = time.monotonic()
    download(late_source, 0)
    print('late client: %d ms' % ((time.monotonic() - start) * 1000))
for t in slow: t.join()
print('byte-exact:', results.count(True), 'of', len(results))
sys.exit(0 if results.count(True) == count + (late_source != '-') else 1)
PY
# The server makes one loop per core (NIO's count, which may exceed nproc under taskset): take the largest
# count, since more slow clients than loops still fill every lane.
LOOPS=$(getconf _NPROCESSORS_ONLN)
[ "$(nproc)" -gt "$LOOPS" ] && LOOPS=$(nproc)

one_lane() { # on|off: tftp.full_speed_transfers 1 (one lane per loop) by a live reload, or the default again
    local lines
    lines=$(wc -l <"$WORK/server.log")
    if [ "$1" = on ]; then
        sed -i 's/^  retries: 3$/&\n  full_speed_transfers: 1/' "$WORK/dialtone.yaml"
    else
        sed -i '/^  full_speed_transfers: 1$/d' "$WORK/dialtone.yaml"
    fi
    kill -HUP "$SERVER_PID"
    for _ in $(seq 1 50); do
        tail -n +"$((lines + 1))" "$WORK/server.log" | grep -q 'config.reloaded.*tftp.full_speed_transfers' && return 0
        sleep 0.1
    done
    echo "no config.reloaded applying tftp.full_speed_transfers after SIGHUP"; return 1
}

lanes_taken() { # until lanes.py says every slow client has its first block (5 s at most)
    for _ in $(seq 1 60); do grep -q '^running\|started$' "$WORK/lanes.out" 2>/dev/null && return; sleep 0.1; done
}

full_speed_lanes() {
    # One full-speed transfer (a reload applies it live), so one lane per transfer loop. Slow clients from
    # 127.0.0.2 (50 ms per ACK, two per loop) take every lane. A client arriving after them (127.0.0.3, ACKs
    # at once) is held, 100 ms a datagram, until lanes free: it arrives whole, later than at full speed (about
    # 40 ms alone) but long before retransmit timers would move it (40 blocks). tftp-hpa from 127.0.0.1,
    # whose visit began with this script's first download, goes first and is not held. No transfer fails.
    head -c 20000 /dev/urandom >"$ROOT/20k.bin"
    lines=$(wc -l <"$WORK/server.log")
    one_lane on || return 1
    python3 "$WORK/lanes.py" "$PORT" "$((LOOPS * 2))" "$ROOT/20k.bin" 127.0.0.2 127.0.0.3 0.05 >"$WORK/lanes.out" 2>&1 &
    clients=$!
    lanes_taken
    start=$(date +%s%N)
    rm -f "$WORK/out"; get_hpa 20k.bin "$WORK/out"
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    wait $clients; clients_rc=$?
    cat "$WORK/lanes.out"; echo "tftp-hpa from the earliest client: $ms ms"
    late=$(sed -n 's/^late client: \([0-9]*\) ms$/\1/p' "$WORK/lanes.out")
    one_lane off || return 1
    [ $clients_rc -eq 0 ] && grep -q '^running' "$WORK/lanes.out" && cmp "$ROOT/20k.bin" "$WORK/out" \
        && [ $ms -lt 1000 ] \
        && [ -n "$late" ] && [ "$late" -ge 500 ] && [ "$late" -le 8000 ] \
        && ! tail -n +"$((lines + 1))" "$WORK/server.log" | grep -q 'tftp.transfer.failed\|tftp.request.refused'
}
check "full_speed_transfers: the earliest client goes first; a late one is held, not refused, and arrives whole" \
    full_speed_lanes

kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null
config true
# Uploads are written as the user serve switched to: the folders it writes must be that user's.
chown "$(served_user)" "$ROOT" "$ROOT/sub"
"$DIALTONE" serve --config "$WORK/dialtone.yaml" >>"$WORK/server.log" 2>&1 &
SERVER_PID=$!
sleep 0.8

write_allowed() {
    head -c 300000 /dev/urandom >"$WORK/up.bin"
    tftp 127.0.0.1 $PORT -m binary -c put "$WORK/up.bin" sub/up.bin || return 1
    cmp "$WORK/up.bin" "$ROOT/sub/up.bin" || return 1
    atftp --option "blksize 1468" --option "windowsize 8" -p -l "$WORK/up.bin" -r up2.bin 127.0.0.1 $PORT 2>&1 | grep -v ^Option
    cmp "$WORK/up.bin" "$ROOT/up2.bin" || return 1
    out=$(tftp 127.0.0.1 $PORT -m binary -c put "$WORK/up.bin" sub/up.bin 2>&1); echo "$out"
    echo "$out" | grep -q "Error code 6" || return 1
    ! ls -a "$ROOT" "$ROOT/sub" | grep -q dialtone-upload
}
check "WRQ with allow_write: byte-exact (tftp-hpa, atftp windowed), no overwrite, no temp files left" write_allowed

hold_lanes() { # PAUSE: one lane per loop, every lane taken by slow downloads from 127.0.0.1 (PAUSE s per ACK)
    one_lane on || return 1
    python3 "$WORK/lanes.py" "$PORT" "$((LOOPS * 2))" "$ROOT/20k.bin" 127.0.0.1 - "$1" >"$WORK/lanes.out" 2>&1 &
    clients=$!
    lanes_taken
}

no_failure_since() { # LINE: no transfer failed in the server log after that line
    ! tail -n +"$(($1 + 1))" "$WORK/server.log" | grep -q 'tftp.transfer.failed'
}

held_upload() {
    # One full-speed transfer again; slow downloads from 127.0.0.1 (100 ms per ACK, 4 s) started first hold
    # every lane, so atftp's windowed upload (same client, a later token) is held: each hold must release a
    # whole window (16 datagrams), so its 8 windows arrive in about 1 s. Released one datagram per hold, it
    # moved only when a lane freed (5.9 s).
    head -c 65536 /dev/urandom >"$WORK/up3.bin"
    lines=$(wc -l <"$WORK/server.log")
    hold_lanes 0.1 || return 1
    start=$(date +%s%N)
    atftp --option "blksize 512" --option "windowsize 16" -p -l "$WORK/up3.bin" -r up3.bin 127.0.0.1 $PORT 2>&1 \
        | grep -v ^Option
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    wait $clients; clients_rc=$?
    cat "$WORK/lanes.out"; echo "held windowed upload: $ms ms"
    one_lane off || return 1
    [ $clients_rc -eq 0 ] && grep -q '^running' "$WORK/lanes.out" && cmp "$WORK/up3.bin" "$ROOT/up3.bin" \
        && [ $ms -ge 300 ] && [ $ms -le 3000 ] && no_failure_since "$lines"
}
check "full_speed_transfers: a held windowed upload moves a window per hold and arrives whole" held_upload

# A windowed upload (RFC 7440, windowsize 16) that loses a block in every window on its first send: each gap
# gets one ACK, the sender restarts its window from it, and the rest of the lost window is dropped in silence
# (answered, each datagram made the sender restart again). The client counts the ACKs and DATA it saw.
cat >"$WORK/gappy_upload.py" <<'PY'
import socket, struct, sys, time
port, path, name = int(sys.argv[1]), sys.argv[2], sys.argv[3]
data = open(path, 'rb').read()
blocks = [data[i:i + 512] for i in range(0, len(data), 512)] + ([b''] if len(data) % 512 == 0 else [])
last, window, first_sends, sent, acks, timeouts = len(blocks), 16, [], 0, 0, 0
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('127.0.0.1', 0)); s.settimeout(1.0)
s.sendto(b'\x00\x02' + name.encode() + b'\x00octet\x00blksize\x00512\x00windowsize\x0016\x00', ('127.0.0.1', port))
server, acked, start = None, 0, time.monotonic()
def send_window(base):
    global sent
    for block in range(base, min(base + window, last + 1)):
        # Lost on its first send; block 37 on its second too, as the first of a restarted window.
        if block % 16 == 5 and first_sends.count(block) < (2 if block == 37 else 1):
            first_sends.append(block)
            continue
        first_sends.append(block)
        s.sendto(struct.pack('!HH', 3, block) + blocks[block - 1], server); sent += 1
while acked < last:
    try:
        packet, address = s.recvfrom(1024)
    except socket.timeout:
        timeouts += 1
        if server is None or timeouts > 10: sys.exit('no answer')
        send_window(acked + 1); continue
    opcode = int.from_bytes(packet[:2], 'big')
    if opcode == 5: sys.exit('server error: %r' % packet)
    block = 0 if opcode == 6 else int.from_bytes(packet[2:4], 'big')
    server, acks = address, acks + 1
    if block >= acked:  # the window's end, or a gap: go on from the block after it
        acked = block
        send_window(acked + 1)
print('gappy upload: %d ms, %d blocks, %d DATA sent, %d ACKs, %d timeouts'
      % ((time.monotonic() - start) * 1000, last, sent, acks, timeouts))
PY

gappy_upload() {
    # As held_upload, with slower clients taking the lanes (10 s) and a block lost in each window (and once
    # in a restarted window too): about two holds a window, so about 2 s for 128 blocks, and no timeout.
    # Answering every datagram after a gap restarted the window once per datagram, and read one datagram per
    # hold when each such ACK ended a hold (9e34ec8); a new gap in a restarted window went unanswered until
    # the client's timer.
    head -c 65536 /dev/urandom >"$WORK/up4.bin"
    lines=$(wc -l <"$WORK/server.log")
    hold_lanes 0.25 || return 1
    python3 "$WORK/gappy_upload.py" "$PORT" "$WORK/up4.bin" up4.bin >"$WORK/gappy.out" 2>&1; rc=$?
    grep -q '^running' "$WORK/lanes.out"; running=$?
    wait $clients; clients_rc=$?
    cat "$WORK/lanes.out" "$WORK/gappy.out"
    one_lane off || return 1
    read -r ms sent acks timeouts < <(sed -n \
        's/^gappy upload: \([0-9]*\) ms, [0-9]* blocks, \([0-9]*\) DATA sent, \([0-9]*\) ACKs, \([0-9]*\) timeouts$/\1 \2 \3 \4/p' \
        "$WORK/gappy.out")
    # 129 blocks (65536 bytes end with an empty one) and 8 gaps, each resending about a window: some 250 DATA
    # and 18 ACKs. Answering every datagram after a gap, the client resent about 14 windows a gap.
    [ $rc -eq 0 ] && [ $running -eq 0 ] && [ $clients_rc -eq 0 ] && cmp "$WORK/up4.bin" "$ROOT/up4.bin" \
        && [ "${ms:-0}" -ge 300 ] && [ "${ms:-99999}" -le 6000 ] && [ "${sent:-9999}" -le 400 ] \
        && [ "${acks:-9999}" -le 40 ] && [ "${timeouts:-1}" -eq 0 ] && no_failure_since "$lines"
}
check "full_speed_transfers: a held windowed upload losing a block a window gets one ACK per gap, arrives whole" \
    gappy_upload
grep -E "^gappy upload" "$WORK/check.out" | sed "s/^/     /"

shutdown_aborts() {
    head -c 20000000 /dev/urandom >"$ROOT/slow.bin"
    # A slow lockstep download (blksize 8), then SIGTERM: the client must get an ERROR, not a silent stall.
    atftp --option "blksize 8" -g -r slow.bin -l "$WORK/slow.out" 127.0.0.1 $PORT >"$WORK/atftp.out" 2>&1 &
    client=$!
    sleep 1
    kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null; SERVER_PID=
    wait $client
    cat "$WORK/atftp.out"
    # atftp reads at most blksize+4 bytes, so with blksize 8 it shows only the start of our message.
    grep -q "error received from server" "$WORK/atftp.out" && grep -q 'tftp.transfer.failed.*reason="server shutting down"' "$WORK/server.log"
}
check "SIGTERM aborts running transfers with a TFTP ERROR" shutdown_aborts

mtu_clamp() {
    make_link || return 1
    ip -n "$CLI" addr add 198.18.0.2/24 dev "${TAG}b"
    cat >"$WORK/ns.yaml" <<YAML
state_dir: $WORK/state-ns
tftp:
  root: $ROOT
  listen: ["198.18.0.1:69"]
YAML
    ip netns exec "$SRV" "$DIALTONE" serve --config "$WORK/ns.yaml" >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    sleep 0.8
    rm -f "$WORK/out"
    ip netns exec "$CLI" curl -s --tftp-blksize 65464 -o "$WORK/out" tftp://198.18.0.1/1m.bin || return 1
    cmp "$ROOT/1m.bin" "$WORK/out" && grep -q "tftp.blksize=1468" "$WORK/server.log"
}
check "across a 1500-byte veth, blksize 65464 is clamped to 1468 and the file arrives" mtu_clamp

port_range() { # every transfer's socket is bound inside tftp.port_range
    [ -n "$SERVER_PID" ] && { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null; }
    cat >"$WORK/range.yaml" <<YAML
state_dir: $WORK/state-range
tftp:
  root: $ROOT
  listen: ["127.0.0.1:$PORT"]
  port_range: "$((PORT + 1))-$((PORT + 3))"
YAML
    "$DIALTONE" serve --config "$WORK/range.yaml" >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 50); do grep -q tftp.started "$WORK/server.log" && break; sleep 0.1; done
    python3 - "$PORT" "$ROOT/f513.bin" <<'PY'
import socket, sys
port = int(sys.argv[1]); expected = open(sys.argv[2], 'rb').read()
seen = set()
for _ in range(6):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
    s.sendto(b'\x00\x01f513.bin\x00octet\x00', ('127.0.0.1', port))
    got, block = b'', 1
    while True:
        data, source = s.recvfrom(600)
        seen.add(source[1])
        got += data[4:]
        s.sendto(b'\x00\x04' + data[2:4], source)
        if len(data) < 516: break
    if got != expected: sys.exit('content differs')
print('transfer ports', sorted(seen))
sys.exit(0 if seen and all(port + 1 <= p <= port + 3 for p in seen) else 1)
PY
}
check "port_range: every transfer answers from a port inside it" port_range

finish
