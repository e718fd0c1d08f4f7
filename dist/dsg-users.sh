#!/bin/sh
# dsg-users.sh SYSUSERS_CONF: creates the system user dsg (the workers'
# user) and the group dsgadm (the control socket's operators) when they are
# missing, as make install does when run as root without DESTDIR. dsgd
# itself never creates users (REQ-RUN-024).
#
# With systemd-sysusers (the command SYSUSERS names, default
# systemd-sysusers) it applies SYSUSERS_CONF, the installed dsg.sysusers;
# otherwise it runs groupadd and useradd with the same names, comment, home
# and shell as that file (tests/install-layout.sh checks both paths).
set -eu
conf=${1:?usage: dsg-users.sh SYSUSERS_CONF}
sysusers=${SYSUSERS-systemd-sysusers}

if [ -n "$sysusers" ] && command -v "$sysusers" >/dev/null 2>&1; then
    echo "dsg-users: $sysusers $conf"
    exec "$sysusers" "$conf"
fi
if ! getent group dsgadm >/dev/null; then
    echo "dsg-users: creating the system group dsgadm"
    groupadd --system dsgadm
fi
if ! getent passwd dsg >/dev/null; then
    echo "dsg-users: creating the system user dsg"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin --comment "DSG gateway workers" dsg
fi
