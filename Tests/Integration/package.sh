#!/bin/bash
# The Debian package installed the way an admin installs it: `apt-get install ./dialtone_*.deb` in a clean
# Debian 12 root made by debootstrap (scripts/debroot, cached as a tarball in .build-debroot/, ignored by
# git), then `dialtone --version` and `dialtone check` with the packaged config as the user the postinst
# made, the unit checked by `systemd-analyze verify`, the man page, and a purge. The .deb is the one
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
            grep -qx '/etc/dialtone/dialtone.yaml: ok (services: dhcp, tftp, syslog, sntp, web)'"
    # --man=no: verify would look for dialtone(8) on this machine, not in the root; the next check reads it.
    check "systemd-analyze verify accepts the unit in the installed root" \
        verify_unit --root="$root" /usr/lib/systemd/system/dialtone.service
    check "man 8 dialtone renders, with each command and serve's SIGHUP" \
        bash -c "MANWIDTH=100 man -l '$root/usr/share/man/man8/dialtone.8.gz' 2>/dev/null >'$WORK/man.txt' &&
            grep -q 'SIGHUP' '$WORK/man.txt' && grep -qE '^ +serve' '$WORK/man.txt' && grep -qE '^ +explain' '$WORK/man.txt'"
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
