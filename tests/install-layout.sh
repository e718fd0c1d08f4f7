#!/bin/sh
# install-layout.sh: `make install` installs a deployable gateway
# (REQ-RUN-024), and `make uninstall` removes it again. Into a staging
# DESTDIR: every file at its place with its mode and nothing else; the
# systemd unit with its hardening options and paths (and, where
# systemd-analyze exists, `systemd-analyze verify`); the man pages render
# without a warning; dsgd.conf(5) and the example configuration list every
# key of docs/config.md with its default, and dsgd loads the example with
# every key set; the sysusers.d and tmpfiles.d files create the user, the
# group and the directories in a scratch root; the host's users are not
# touched. As root, without DESTDIR (into a scratch prefix): install
# creates the user and the group through systemd-sysusers, or useradd and
# groupadd, only when they are missing (fakes record the calls).
# Run by tests/install-test.sh (make check-install) and by the conformance
# case install_layout. MAKE names the make to use.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
make=${MAKE:-make}
work=$(mktemp -d "${TMPDIR:-/tmp}/dsg-layout.XXXXXX")
trap 'rm -rf "$work"' EXIT
# a nested make must not try to join the jobserver of a make that runs us
unset MAKEFLAGS MFLAGS MAKELEVEL || :
prefix=/opt/dsg
dest=$work/dest

fail() {
    echo "install-layout: $*" >&2
    exit 1
}

# files_under DIR: every file and symbolic link under DIR, sorted.
files_under() {
    (cd "$1" && find . \( -type f -o -type l \) -print | LC_ALL=C sort)
}

# Fakes of the commands that create users: each records its call in
# $work/calls; getent answers with the status in FAKE_GETENT_STATUS
# (2: no such entry).
fake=$work/fake
mkdir -p "$fake"
for c in useradd groupadd systemd-sysusers; do
    printf '#!/bin/sh\necho "%s $*" >>"%s/calls"\n' "$c" "$work" >"$fake/$c"
done
# shellcheck disable=SC2016 # $* and FAKE_GETENT_STATUS: the fake's own
printf '#!/bin/sh\necho "getent $*" >>"%s/calls"\nexit "${FAKE_GETENT_STATUS:-2}"\n' \
    "$work" >"$fake/getent"
chmod +x "$fake"/*
: >"$work/calls"

# 1. Into a DESTDIR, even as root: no user command runs.
PATH=$fake:$PATH "$make" -C "$root" --no-print-directory install DESTDIR="$dest" \
    PREFIX="$prefix" SYSUSERS="$fake/systemd-sysusers" >"$work/install.log"
[ ! -s "$work/calls" ] || fail "install with DESTDIR ran: $(cat "$work/calls")"

# 2. Every file, with its mode, and nothing else (headers: install-test.sh).
expected="0644 ./etc/dsg/dsgd.conf
0644 ./etc/dsg/dsgd.conf.example
0755 .$prefix/bin/dsgctl
0644 .$prefix/lib/libdsg.a
0755 .$prefix/lib/libdsg.so.0.1.0
0644 .$prefix/lib/pkgconfig/dsg.pc
0644 .$prefix/lib/systemd/system/dsgd.service
0644 .$prefix/lib/sysusers.d/dsg.conf
0644 .$prefix/lib/tmpfiles.d/dsg.conf
0755 .$prefix/sbin/dsgd
0644 .$prefix/share/man/man5/dsgd.conf.5
0644 .$prefix/share/man/man8/dsgctl.8
0644 .$prefix/share/man/man8/dsgd.8"
got=$(cd "$dest" && find . -type f ! -path "*/include/*" -exec stat -c '%a %n' {} + |
    sed 's/^\([0-7][0-7][0-7]\) /0\1 /' | LC_ALL=C sort -k2)
if [ "$got" != "$expected" ]; then
    printf 'install-layout: installed files and modes:\n%s\nexpected:\n%s\n' "$got" "$expected" >&2
    exit 1
fi
[ "$(readlink "$dest$prefix/lib/libdsg.so")" = libdsg.so.0 ] || fail "libdsg.so link"
[ "$(stat -c %a "$dest/etc/dsg")" = 755 ] || fail "/etc/dsg is not 0755"
# dsgd.conf: the example, but the control socket in /run/dsg
diff "$dest/etc/dsg/dsgd.conf.example" "$dest/etc/dsg/dsgd.conf" >"$work/conf.diff" || :
if [ "$(grep -c '^[<>]' "$work/conf.diff")" -ne 2 ] ||
    ! grep -qx '> ctl.socket = "/run/dsg/dsgctl.sock"' "$work/conf.diff"; then
    fail "the installed dsgd.conf is not the example with ctl.socket set: $(cat "$work/conf.diff")"
fi
! grep -l '@[A-Z]*@' "$dest$prefix/share/man/man5/dsgd.conf.5" "$dest$prefix/share/man/man8/"* \
    "$dest$prefix/lib/systemd/system/dsgd.service" || fail "a @VARIABLE@ was not replaced"
echo "install-layout: every file installed with its mode"

# 3. The unit: its commands, directories and hardening options, exactly.
unit=$dest$prefix/lib/systemd/system/dsgd.service
args="-f /etc/dsg/dsgd.conf -s /var/lib/dsg -p /run/dsg/dsgd.pid"
# shellcheck disable=SC2016 # $MAINPID is the unit's, not ours
for want in "Type=simple" \
    "ExecStart=$prefix/sbin/dsgd -d $args" 'ExecReload=/bin/kill -HUP $MAINPID' \
    KillMode=mixed Restart=on-failure StateDirectory=dsg StateDirectoryMode=0700 \
    RuntimeDirectory=dsg UMask=0077 \
    "CapabilityBoundingSet=CAP_SETUID CAP_SETGID CAP_SYS_CHROOT CAP_CHOWN CAP_FOWNER CAP_DAC_READ_SEARCH CAP_KILL" \
    NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes \
    PrivateDevices=yes ProtectKernelTunables=yes ProtectKernelModules=yes \
    ProtectKernelLogs=yes ProtectControlGroups=yes ProtectClock=yes ProtectHostname=yes \
    "RestrictAddressFamilies=AF_UNIX AF_INET" RestrictNamespaces=yes LockPersonality=yes \
    MemoryDenyWriteExecute=yes RestrictRealtime=yes RestrictSUIDSGID=yes \
    SystemCallArchitectures=native "WantedBy=multi-user.target"; do
    grep -qxF -- "$want" "$unit" || fail "dsgd.service lacks the line '$want'"
done
# every key is one systemd knows in its section (a typo would be ignored
# with a mere warning by systemd)
awk '
/^\[/ { section = $0; next }
/^#/ || /^$/ { next }
{
    key = $0; sub(/=.*/, "", key)
    if (section == "[Unit]" && key ~ /^(Description|Documentation|Wants|After)$/) next
    if (section == "[Install]" && key == "WantedBy") next
    if (section == "[Service]" && key ~ /^(Type|ExecStart|ExecReload|KillMode|TimeoutStopSec|Restart|RestartSec|StateDirectory|StateDirectoryMode|RuntimeDirectory|RuntimeDirectoryMode|UMask|CapabilityBoundingSet|NoNewPrivileges|ProtectSystem|ProtectHome|PrivateTmp|PrivateDevices|ProtectKernelTunables|ProtectKernelModules|ProtectKernelLogs|ProtectControlGroups|ProtectClock|ProtectHostname|RestrictAddressFamilies|RestrictNamespaces|LockPersonality|MemoryDenyWriteExecute|RestrictRealtime|RestrictSUIDSGID|SystemCallArchitectures)$/) next
    printf "install-layout: dsgd.service: unexpected %s in %s\n", key, section > "/dev/stderr"
    bad = 1
}
END { exit bad }' "$unit" || exit 1
if command -v systemd-analyze >/dev/null 2>&1; then
    # the staged copy, its commands pointing into the stage
    sed "s|$prefix/|$dest$prefix/|g" "$unit" >"$work/dsgd.service"
    MANPATH=$dest$prefix/share/man systemd-analyze verify "$work/dsgd.service" \
        >"$work/verify" 2>&1 || { cat "$work/verify" >&2; fail "systemd-analyze verify failed"; }
    [ ! -s "$work/verify" ] || { cat "$work/verify" >&2; fail "systemd-analyze verify warned"; }
    echo "install-layout: systemd-analyze verify: dsgd.service is valid"
else
    echo "install-layout: no systemd-analyze: dsgd.service checked by its keys only"
fi

# 4. The man pages render without a warning, in a UTF-8 locale (the
# sources of some defaults name DSG spec sections in Japanese).
for page in "$dest$prefix"/share/man/man*/*; do
    LC_ALL=C.UTF-8 groff -ww -man -Tutf8 -z "$page" 2>"$work/groff" ||
        fail "groff failed on ${page##*/}"
    [ ! -s "$work/groff" ] || { cat "$work/groff" >&2; fail "${page##*/}: groff warns"; }
    if command -v man >/dev/null 2>&1; then
        for width in 80 120; do
            LC_ALL=C.UTF-8 MANWIDTH=$width man --warnings -l "$page" >/dev/null 2>"$work/man" ||
                fail "man failed on ${page##*/}"
            [ ! -s "$work/man" ] || { cat "$work/man" >&2; fail "${page##*/}: man warns"; }
        done
    fi
done
echo "install-layout: the man pages render without warnings"

# 5. Every key of docs/config.md, with its default, in dsgd.conf(5) and in
# the example; dsgd loads the example as it is and with every key set.
page=$dest$prefix/share/man/man5/dsgd.conf.5
example=$dest/etc/dsg/dsgd.conf.example
# shellcheck disable=SC2016 # backquotes of Markdown
sed -n 's/^| `\([a-z0-9_.]*\)` | [^|]* | `\(.*\)` | [^|]* | .*/\1 \2/p' "$root/docs/config.md" \
    >"$work/keys"
[ "$(wc -l <"$work/keys")" -ge 30 ] || fail "docs/config.md: too few keys found"
while read -r key def; do
    grep -qxF ".B $key" "$page" || fail "dsgd.conf.5 has no entry for $key"
    # as dist/confdoc.c writes it: \- \: after : and , and \[uXXXX] for non-ASCII
    roff_def=$(printf '%s\n' "$def" | sed 's/-/\\-/g; s/:/:\\:/g; s/,/,\\:/g' |
        python3 -X utf8 -c 'import sys; sys.stdout.write("".join(c if ord(c) < 128 else "\\[u%04X]" % ord(c) for c in sys.stdin.read()))')
    grep -qF "default: \\fB$roff_def\\fR." "$page" || fail "dsgd.conf.5: $key lacks its default $def"
    grep -qxF "#$key = $def" "$example" || fail "the example lacks '#$key = $def'"
done <"$work/keys"
nkeys=$(awk '/^\.SH/ { in_keys = $2 == "KEYS" } in_keys && /^\.B [a-z]/' "$page" | wc -l)
[ "$nkeys" -eq "$(wc -l <"$work/keys")" ] ||
    fail "dsgd.conf.5 lists keys docs/config.md does not"
"$dest$prefix/sbin/dsgd" -n -f "$example" >/dev/null || fail "dsgd -n refuses the example"
"$dest$prefix/sbin/dsgd" -n -f "$dest/etc/dsg/dsgd.conf" >/dev/null ||
    fail "dsgd -n refuses the installed dsgd.conf"
sed 's/^#\([a-z]\)/\1/' "$example" >"$work/every-key.conf"
[ "$(grep -c '^[a-z]' "$work/every-key.conf")" -eq "$(wc -l <"$work/keys")" ] ||
    fail "the example does not set every key once uncommented"
"$dest$prefix/sbin/dsgd" -n -f "$work/every-key.conf" >/dev/null ||
    fail "dsgd -n refuses the example with every key set"
echo "install-layout: dsgd.conf(5) and the example list every key with its default"

# 6. sysusers.d and tmpfiles.d, applied to a scratch root.
sysusers=$dest$prefix/lib/sysusers.d/dsg.conf
tmpfiles=$dest$prefix/lib/tmpfiles.d/dsg.conf
grep -qx 'u dsg - "DSG gateway workers" /nonexistent /usr/sbin/nologin' "$sysusers" ||
    fail "dsg.sysusers: no line for the user dsg"
grep -qx 'g dsgadm -' "$sysusers" || fail "dsg.sysusers: no line for the group dsgadm"
if command -v systemd-sysusers >/dev/null 2>&1 && command -v systemd-tmpfiles >/dev/null 2>&1; then
    sysroot=$work/sysroot
    mkdir -p "$sysroot/etc" "$sysroot/var/lib" "$sysroot/run"
    systemd-sysusers --root="$sysroot" "$sysusers" >/dev/null 2>&1 || fail "systemd-sysusers failed"
    grep -Eq '^dsg:x:[1-9][0-9]*:[1-9][0-9]*:DSG gateway workers:/nonexistent:/usr/sbin/nologin$' \
        "$sysroot/etc/passwd" || fail "systemd-sysusers: no user dsg: $(cat "$sysroot/etc/passwd")"
    grep -Eq '^dsgadm:x:[1-9][0-9]*:' "$sysroot/etc/group" || fail "systemd-sysusers: no group dsgadm"
    systemd-tmpfiles --create --root="$sysroot" "$tmpfiles" >/dev/null 2>&1 ||
        fail "systemd-tmpfiles failed"
    [ "$(stat -c '%a %U %G' "$sysroot/var/lib/dsg")" = "700 root root" ] ||
        fail "tmpfiles: /var/lib/dsg is $(stat -c '%a %U %G' "$sysroot/var/lib/dsg")"
    [ "$(stat -c '%a %U %G' "$sysroot/run/dsg")" = "755 root root" ] || fail "tmpfiles: /run/dsg"
    echo "install-layout: sysusers.d creates dsg and dsgadm, tmpfiles.d the directories"
else
    grep -qx 'd /var/lib/dsg 0700 root root -' "$tmpfiles" || fail "dsg.tmpfiles: /var/lib/dsg"
    echo "install-layout: no systemd-sysusers or systemd-tmpfiles: their files checked as text"
fi

# 7. Uninstall leaves nothing; a changed dsgd.conf is kept.
"$make" -C "$root" --no-print-directory uninstall DESTDIR="$dest" PREFIX="$prefix" >"$work/uninstall.log"
left=$(files_under "$dest")
[ -z "$left" ] || fail "uninstall left: $left"
[ ! -e "$dest/etc/dsg" ] || fail "uninstall left /etc/dsg"
"$make" -C "$root" --no-print-directory install DESTDIR="$dest" PREFIX="$prefix" >"$work/install2.log"
echo 'portal.listen = "127.0.0.1:9443"' >>"$dest/etc/dsg/dsgd.conf"
"$make" -C "$root" --no-print-directory install DESTDIR="$dest" PREFIX="$prefix" >"$work/install3.log"
grep -q 9443 "$dest/etc/dsg/dsgd.conf" || fail "install replaced a changed dsgd.conf"
"$make" -C "$root" --no-print-directory uninstall DESTDIR="$dest" PREFIX="$prefix" >"$work/uninstall2.log"
[ "$(files_under "$dest")" = ./etc/dsg/dsgd.conf ] ||
    fail "uninstall with a changed dsgd.conf: left $(files_under "$dest")"
echo "install-layout: uninstall removes every file; a changed dsgd.conf stays"

# 8. As root without DESTDIR: the user and group are created when missing,
# by systemd-sysusers or else by groupadd and useradd; never when present.
if [ "$(id -u)" -ne 0 ]; then
    echo "install-layout: not root: user creation by make install not tested"
    exit 0
fi
scratch=$work/scratch
vars="PREFIX=$scratch/usr SYSCONFDIR=$scratch/etc"
# shellcheck disable=SC2086 # vars is a list of words
install_as_root() {
    PATH=$fake:$PATH "$make" -C "$root" --no-print-directory install $vars "$@" >"$work/root.log"
}
: >"$work/calls"
install_as_root SYSUSERS="$fake/systemd-sysusers"
[ "$(cat "$work/calls")" = "systemd-sysusers $scratch/usr/lib/sysusers.d/dsg.conf" ] ||
    fail "with systemd-sysusers: calls: $(cat "$work/calls")"
: >"$work/calls"
install_as_root SYSUSERS=
grep -qx 'groupadd --system dsgadm' "$work/calls" || fail "no groupadd: $(cat "$work/calls")"
grep -qx 'useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin --comment DSG gateway workers dsg' \
    "$work/calls" || fail "no useradd as dsg.sysusers says: $(cat "$work/calls")"
: >"$work/calls"
FAKE_GETENT_STATUS=0 install_as_root SYSUSERS=
! grep -Eq '^(useradd|groupadd)' "$work/calls" || fail "users created although present: $(cat "$work/calls")"
# shellcheck disable=SC2086
"$make" -C "$root" --no-print-directory uninstall $vars >"$work/root-uninstall.log"
[ -z "$(files_under "$scratch")" ] || fail "uninstall without DESTDIR left: $(files_under "$scratch")"
echo "install-layout: as root, make install creates dsg and dsgadm only when missing"
