#!/bin/bash
# The Debian package installed the way an admin installs it: `apt-get install ./dialtone_*.deb` in a clean
# Debian 12 root made by debootstrap (scripts/debroot, cached as a tarball in .build-debroot/, ignored by
# git), then `dialtone --version` and `dialtone check` with the packaged config as the user the postinst
# made, `serve` started the way the unit starts it (user dialtone, three ambient capabilities, no new
# privileges) with a SIGHUP, the unit checked by `systemd-analyze verify`, the man page, and a purge. The .deb is the one
# scripts/test built (scripts/package: a release build), or built here when missing.
# Where no Debian mirror answers, debootstrap cannot run: the package is then unpacked with dpkg-deb into
# a folder and its binary run from there, and the test says so (the postinst and apt are not exercised).
. "$(dirname "$0")/lib.sh"
repo=$(cd "$(dirname "$0")/../.." && pwd)
for tool in debootstrap dpkg-deb systemd-analyze unshare man; do
    command -v $tool >/dev/null || { echo "$tool missing (Debian packages debootstrap, dpkg, systemd, util-linux, man-db)"; exit 1; }
done
deb=${DIALTONE_DEB:-$(ls -t "$repo"/.build/package/dialtone_*.deb 2>/dev/null | head -1)}
if [ -z "$deb" ]; then
    deb=$("$repo/scripts/package" | tail -1) || { echo "scripts/package failed"; exit 1; }
    deb="$repo/$deb"
fi
echo "package: $deb"
version=$(tr -d '[:space:]' <"$repo/VERSION")

check "the package is named and versioned from VERSION" \
    bash -c "[ \"\$(dpkg-deb -f '$deb' Package)\" = dialtone ] && [ \"\$(dpkg-deb -f '$deb' Version)\" = '$version' ]"
check "no Swift library among its dependencies" \
    bash -c "! dpkg-deb -f '$deb' Depends | grep -qiE 'swift|foundation' && dpkg-deb -f '$deb' Depends | grep -q libc6"
check "the config is a conffile" bash -c "dpkg-deb -I '$deb' conffiles | grep -qx /etc/dialtone/dialtone.yaml"
dpkg-deb -x "$deb" "$WORK/unpacked"
check "the unit holds the hardening" bash -c "
    u='$WORK/unpacked/usr/lib/systemd/system/dialtone.service'
    grep -qx 'User=dialtone' \$u && grep -qx 'ProtectSystem=strict' \$u && grep -qx 'NoNewPrivileges=yes' \$u &&
    grep -qx 'StateDirectory=dialtone' \$u && grep -qx 'ExecReload=/bin/kill -HUP \$MAINPID' \$u &&
    grep -qx 'CapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_NET_RAW CAP_NET_ADMIN' \$u &&
    grep -qx 'AmbientCapabilities=CAP_NET_BIND_SERVICE CAP_NET_RAW CAP_NET_ADMIN' \$u"
check "ldd: the binary needs no Swift runtime" \
    bash -c "ldd '$WORK/unpacked/usr/bin/dialtone' >'$WORK/ldd' && cat '$WORK/ldd' && ! grep -qE 'libswift|libFoundation|libdispatch' '$WORK/ldd'"

# A clean Debian 12 root, made once and kept as a tarball (scripts/test makes it before the tests run).
root="$WORK/root"
mkdir -p "$root"
tarball=$("$repo/scripts/debroot") || tarball=
verify_unit() { # systemd-analyze verify ARGS...: it exits 0 even for a line it ignores ("Failed to parse ...,
    # ignoring"), so any output fails too
    local out
    out=$(systemd-analyze verify --man=no "$@" 2>&1) || { echo "$out"; return 1; }
    echo "$out"
    [ -z "$out" ]
}

in_root() { # command...: run inside the Debian root, with its own /proc, in a mount namespace that goes away
    unshare --mount --pid --fork --mount-proc="$root/proc" chroot "$root" /usr/bin/env -i \
        PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

serves_as_the_unit_says() { # the packaged config, on a veth in a namespace of its own, started
    # as the unit starts it: user dialtone, the unit's three capabilities ambient and nothing else bounded,
    # no new privileges. Every service binds its port below 1024, and a SIGHUP reloads as that user. The
    # server takes the example's own address (.100, the routers/tftp_servers it names), outside its pool.
    if ! { ip netns add "$SRV" && ip -n "$SRV" link add d0 type veth peer name d1 && ip -n "$SRV" link set d0 up &&
        ip -n "$SRV" link set d1 up && ip -n "$SRV" link set lo up && ip -n "$SRV" addr add 198.18.0.100/24 dev d0; }; then
        check "a namespace with a veth for serve" false
        return
    fi
    sed -e 's/\[eth1\]/[d0]/' -e 's/192\.168\.10\./198.18.0./g' "$root/etc/dialtone/dialtone.yaml" >"$root/etc/dialtone/ns.yaml"
    chgrp --reference="$root/etc/dialtone/dialtone.yaml" "$root/etc/dialtone/ns.yaml"
    chmod 0640 "$root/etc/dialtone/ns.yaml"
    local caps=+net_bind_service,+net_raw,+net_admin
    # No pid namespace here: `unshare` and `chroot` exec, so $! is dialtone itself and gets the SIGHUP.
    ip netns exec "$SRV" unshare --mount sh -c "mount -t proc proc '$root/proc' && exec chroot '$root' \
        setpriv --reuid=dialtone --regid=dialtone --init-groups --inh-caps=$caps --ambient-caps=$caps \
        --bounding-set=-all,$caps --no-new-privs /usr/bin/dialtone serve --config /etc/dialtone/ns.yaml" \
        >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 50); do
        grep -q dhcp.started "$WORK/server.log" && grep -q web.started "$WORK/server.log" && break
        sleep 0.1
    done
    check "serve starts as the unit starts it: DHCP, TFTP, syslog and SNTP on ports 67, 69, 514, 123, and web" \
        bash -c "grep -q 'dhcp.started .*dhcp.port=67' '$WORK/server.log' && grep -q 'tftp.started tftp.listen=0.0.0.0:69' '$WORK/server.log' &&
            grep -q 'syslog.started .*syslog.listen=0.0.0.0:514' '$WORK/server.log' &&
            grep -q 'sntp.started sntp.listen=0.0.0.0:123' '$WORK/server.log' && grep -q 'web.started' '$WORK/server.log'"
    # The root's uid of dialtone (this machine may call that uid something else). The unit's bounding set:
    # CAP_NET_BIND_SERVICE (bit 10), CAP_NET_ADMIN (12), CAP_NET_RAW (13), 0x3400; of those serve keeps what
    # the packaged config uses (no conflict check, so no CAP_NET_RAW): 0x1400 (docs/security.md).
    check "...as user dialtone, keeping CAP_NET_BIND_SERVICE and CAP_NET_ADMIN of the unit's three" \
        bash -c "grep -E '^(Uid|CapEff|CapBnd)' /proc/$SERVER_PID/status; [ \"\$(awk '/^Uid:/ {print \$2}' /proc/$SERVER_PID/status)\" = \"\$(chroot '$root' id -u dialtone)\" ] &&
            grep -qP '^CapEff:\t0000000000001400$' /proc/$SERVER_PID/status &&
            grep -qP '^CapBnd:\t0000000000003400$' /proc/$SERVER_PID/status"
    # A real client on the veth's other end: the ACK goes unicast to its new address only if the server could
    # write the neighbour entry (CAP_NET_ADMIN); broadcast would mean the capability did not reach it.
    check "busybox udhcpc gets a lease from it, the ACK sent unicast" bash -c "
        ip netns exec '$SRV' busybox udhcpc -i d1 -f -q -n -t 5 -T 1 -s /bin/true >/dev/null 2>&1 &&
        grep -q 'dhcp.ack.sent .*dhcp.destination=\"unicast 198.18.0.' '$WORK/server.log'"
    sed -i 's/domain_name: voice.example/domain_name: reload.example/' "$root/etc/dialtone/ns.yaml"
    kill -HUP "$SERVER_PID"
    for _ in $(seq 1 50); do grep -q config.reloaded "$WORK/server.log" && break; sleep 0.1; done
    check "as that user, SIGHUP rereads the root-owned config and applies it" \
        grep -q 'config.reloaded .*reload.applied=dhcp.subnets' "$WORK/server.log"
    stop_server
    rm -f "$root/etc/dialtone/ns.yaml"
}

if [ -s "$tarball" ]; then
    tar -C "$root" -xf "$tarball"
    cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
    cp "$deb" "$root/tmp/dialtone.deb"
    check "a clean root is Debian 12 without dialtone" \
        bash -c "grep -q '^12' '$root/etc/debian_version' && [ ! -e '$root/usr/bin/dialtone' ]"
    # apt resolves Depends (libsqlite3-0, adduser...) from the mirror as on a real machine.
    check "apt-get install ./dialtone.deb" \
        in_root sh -c "apt-get update -qq && apt-get install -y -qq /tmp/dialtone.deb"
    check "dialtone --version in the root" \
        bash -c "unshare --mount --pid --fork --mount-proc='$root/proc' chroot '$root' /usr/bin/dialtone --version | grep -qx 'dialtone $version (commit .*)'"
    check "the postinst made the system user and its state directory" \
        in_root sh -c "getent passwd dialtone | grep -q ':/var/lib/dialtone:' && [ \"\$(stat -c %U:%a /var/lib/dialtone)\" = dialtone:750 ]"
    check "the config is readable by the service's group only" \
        in_root sh -c "[ \"\$(stat -c %U:%G:%a /etc/dialtone/dialtone.yaml)\" = root:dialtone:640 ]"
    check "dialtone check accepts the packaged config, as the dialtone user" \
        bash -c "unshare --mount --pid --fork --mount-proc='$root/proc' chroot --userspec=dialtone:dialtone '$root' \
            /usr/bin/dialtone check --config /etc/dialtone/dialtone.yaml | tee /dev/stderr |
            grep -qx '/etc/dialtone/dialtone.yaml: ok (services: dhcp, tftp, syslog, sntp, web, http)'"
    # --man=no: verify would look for dialtone(8) on this machine, not in the root; the next check reads it.
    check "systemd-analyze verify accepts the unit in the installed root" \
        verify_unit --root="$root" /usr/lib/systemd/system/dialtone.service
    check "man 8 dialtone renders, with each command and serve's SIGHUP" \
        bash -c "MANWIDTH=100 man -l '$root/usr/share/man/man8/dialtone.8.gz' 2>/dev/null >'$WORK/man.txt' &&
            grep -q 'SIGHUP' '$WORK/man.txt' && grep -qE '^ +serve' '$WORK/man.txt' && grep -qE '^ +explain' '$WORK/man.txt'"
    serves_as_the_unit_says
    check "apt-get purge removes the binary, the config and the state" \
        in_root sh -c "apt-get purge -y -qq dialtone >/dev/null && [ ! -e /usr/bin/dialtone ] && [ ! -e /etc/dialtone ] && [ ! -e /var/lib/dialtone ]"
else
    echo "fallback: debootstrap could not reach a Debian mirror; checking the unpacked package on this machine"
    conf="$WORK/unpacked/etc/dialtone/dialtone.yaml"
    sed -i -e "s|/var/lib/dialtone|$WORK/state|" -e "s|/srv/tftp|$WORK/unpacked/srv/tftp|" "$conf"
    check "dialtone --version (unpacked)" bash -c "'$WORK/unpacked/usr/bin/dialtone' --version | grep -q '^dialtone $version '"
    check "dialtone check (unpacked, paths moved under $WORK)" "$WORK/unpacked/usr/bin/dialtone" check --config "$conf"
    # The unit with ExecStart pointing into the unpacked tree, verified against this machine's systemd.
    sed "s|/usr/bin/dialtone|$WORK/unpacked/usr/bin/dialtone|" \
        "$WORK/unpacked/usr/lib/systemd/system/dialtone.service" >"$WORK/dialtone.service"
    check "systemd-analyze verify (unpacked; the targets are this machine's)" \
        verify_unit "$WORK/dialtone.service"
fi
finish
