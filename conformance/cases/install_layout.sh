#!/bin/sh
# install_layout: make install into a staging DESTDIR installs dsgd, dsgctl, libdsg with its headers and dsg.pc, the man pages dsgd.8, dsgd.conf.5 and dsgctl.8 (rendering without warnings, listing every key with its default), the hardened systemd unit (systemd-analyze verify), sysusers.d and tmpfiles.d files (applied to a scratch root) and the example configuration, each with its mode; make install as root without DESTDIR creates the user dsg and the group dsgadm only when missing, never with a DESTDIR; make uninstall removes every file (tests/install-layout.sh).
# @relation(REQ-RUN-024)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
need_root
root=$(cd "$(dirname "$CONFORMANCE_LIB")/.." && pwd) || fail "no source tree"
command -v "${MAKE:-make}" >/dev/null 2>&1 || fail "make is needed"
sh "$root/tests/install-layout.sh" >&2 || fail "tests/install-layout.sh failed"
exit 0
