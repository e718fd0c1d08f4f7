#!/bin/sh
# Installs into a staging DESTDIR and builds an integrator's program against
# the installed headers (with their ACSL contracts) and dsg.pc, statically
# and dynamically, then runs both.
set -eu
stage=$(mktemp -d "${TMPDIR:-/tmp}/dsg-install.XXXXXX")
trap 'rm -rf "$stage"' EXIT
prefix=/opt/dsg
make --no-print-directory install DESTDIR="$stage" PREFIX="$prefix" > "$stage/install.log"
for f in lib/libdsg.a lib/libdsg.so include/dsg/share/name_policy.h \
         include/dsg/acsl/name_policy.acsl.h lib/pkgconfig/dsg.pc bin/dsgctl; do
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
# shellcheck disable=SC2086 # pkg-config output is a list of words
cc -std=c11 -Wall -Wextra -Werror $cflags -o "$stage/use-static" "$stage/use.c" "$stage$prefix/lib/libdsg.a"
# shellcheck disable=SC2086
cc -std=c11 -Wall -Wextra -Werror $cflags -o "$stage/use-shared" "$stage/use.c" $libs
"$stage/use-static"
LD_LIBRARY_PATH="$stage$prefix/lib" "$stage/use-shared"
echo "install-test: headers, dsg.pc, libdsg.a and libdsg.so work for an integrator"
