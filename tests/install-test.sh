#!/bin/sh
# Installs into a staging DESTDIR and builds an integrator's program against
# the installed headers (with their ACSL contracts) and dsg.pc, statically
# and dynamically, then runs both. Then uninstalls, and does the round trip
# again into an include directory shared with another package: uninstall
# must leave the other package's headers and remove everything of dsg.
# Last, tests/install-layout.sh checks the deployable gateway: dsgd, the man
# pages, the systemd unit, sysusers.d, tmpfiles.d, the example configuration
# and the creation of the dsg user (REQ-RUN-024).
# MAKE and CC name the make and the compiler (the GNUmakefile passes its own).
set -eu
make=${MAKE:-make}
stage=$(mktemp -d "${TMPDIR:-/tmp}/dsg-install.XXXXXX")
trap 'rm -rf "$stage"' EXIT
prefix=/opt/dsg
"$make" --no-print-directory install DESTDIR="$stage" PREFIX="$prefix" > "$stage/install.log"
for f in lib/libdsg.a lib/libdsg.so include/dsg/share/name_policy.h \
         include/dsg/acsl/name_policy.acsl.h lib/pkgconfig/dsg.pc bin/dsgctl sbin/dsgd; do
    [ -e "$stage$prefix/$f" ] || { echo "install-test: missing $prefix/$f" >&2; exit 1; }
done
cat > "$stage/use.c" <<'PROG'
#include <stdio.h>
#include <string.h>
#include "share/name_policy.h"
int main(void)
{
    dsg_ext_set extra;
    dsg_name_result r;
    dsg_ext_set_init(&extra);
    const char *name = "report.tar.gz";
    dsg_name_verdict v = dsg_name_check((const uint8_t *)name, strlen(name), &extra, &r);
    return v == DSG_NAME_FORBIDDEN && r.ext->len == 6 ? 0 : 1;
}
PROG
export PKG_CONFIG_SYSROOT_DIR="$stage" PKG_CONFIG_PATH="$stage$prefix/lib/pkgconfig"
cflags=$(pkg-config --cflags dsg)
libs=$(pkg-config --libs dsg)
# shellcheck disable=SC2086 # pkg-config output and $CC are lists of words
${CC:-cc} -std=c11 -Wall -Wextra -Werror $cflags -o "$stage/use-static" "$stage/use.c" "$stage$prefix/lib/libdsg.a"
# shellcheck disable=SC2086
${CC:-cc} -std=c11 -Wall -Wextra -Werror $cflags -o "$stage/use-shared" "$stage/use.c" $libs
"$stage/use-static"
LD_LIBRARY_PATH="$stage$prefix/lib" "$stage/use-shared"
echo "install-test: headers, dsg.pc, libdsg.a and libdsg.so work for an integrator"

# files_under DIR: every file and symbolic link under DIR, sorted.
files_under() {
    (cd "$1" && find . \( -type f -o -type l \) -print | LC_ALL=C sort)
}

# Uninstall from the first stage: nothing of dsg is left, include/dsg neither.
"$make" --no-print-directory uninstall DESTDIR="$stage" PREFIX="$prefix" > "$stage/uninstall.log"
left=$(files_under "$stage$prefix")
[ -z "$left" ] || { printf 'install-test: uninstall left:\n%s\n' "$left" >&2; exit 1; }
[ ! -e "$stage/etc/dsg" ] || { echo "install-test: uninstall left /etc/dsg" >&2; exit 1; }
[ ! -e "$stage$prefix/include/dsg" ] ||
    { echo "install-test: uninstall left $prefix/include/dsg" >&2; exit 1; }

# A shared include directory (INCDIR=$prefix/include) that already holds
# another package's headers, one of them in a directory dsg installs into.
shared=$stage/shared
mkdir -p "$shared$prefix/include/share"
printf '/* other package */\n' > "$shared$prefix/include/other.h"
printf '/* other package */\n' > "$shared$prefix/include/share/other.h"
files_under "$shared" > "$stage/before"
"$make" --no-print-directory install DESTDIR="$shared" PREFIX="$prefix" \
    INCDIR="$prefix/include" > "$stage/install-shared.log"
[ -e "$shared$prefix/include/share/name_policy.h" ] ||
    { echo "install-test: INCDIR=$prefix/include: no share/name_policy.h" >&2; exit 1; }
"$make" --no-print-directory uninstall DESTDIR="$shared" PREFIX="$prefix" \
    INCDIR="$prefix/include" > "$stage/uninstall-shared.log"
files_under "$shared" > "$stage/after"
if ! cmp -s "$stage/before" "$stage/after"; then
    echo "install-test: uninstall with a shared INCDIR: files before install / after uninstall:" >&2
    diff "$stage/before" "$stage/after" >&2 || :
    exit 1
fi
[ ! -e "$shared$prefix/include/acsl" ] ||
    { echo "install-test: uninstall left the empty $prefix/include/acsl" >&2; exit 1; }
echo "install-test: uninstall removes dsg's files only, also from a shared include directory"

MAKE=$make sh "$(dirname "$0")/install-layout.sh"
