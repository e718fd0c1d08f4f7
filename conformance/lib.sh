# conformance/lib.sh — helpers shared by the conformance cases.
#
# Not a case (run.sh runs conformance/cases/*.sh only): run.sh exports its
# absolute path as CONFORMANCE_LIB, and each case sources it after set -u:
#
#   set -u
#   . "${CONFORMANCE_LIB:?}"
#   t=${CONFORMANCE_TMP:?}
#
# POSIX sh. It defines functions only and runs nothing when sourced.
#
#   fail MESSAGE...          "FAIL: MESSAGE" on stderr, then exit 1.
#   line VERDICT NAME DETAIL one line of `dsgctl policy check-name` output
#                            (three tab-separated fields) on stdout.
#   run LABEL STATUS ARGS... runs "$DSGCTL" ARGS with stdout in
#                            $CONFORMANCE_TMP/out and stderr in
#                            $CONFORMANCE_TMP/err; fails unless it exits
#                            STATUS. Sets got to the exit status.
#   check LABEL STATUS EXPECTED ARGS...
#                            run, then stdout must be exactly the file
#                            EXPECTED (both shown with od -c if not) and
#                            stderr empty.
#
# Standard input: run and check pass the caller's stdin on to dsgctl, and
# run.sh gives every case /dev/null. To feed dsgctl input, redirect the
# call itself:
#
#   check "LF-separated" 2 "$t/want" policy check-name --stdin <"$t/in"
#
# The functions set the globals label, want, expected and got (POSIX sh has
# no local variables); a case should not rely on their values, except got
# after run.

fail() {
    printf 'FAIL: %s\n' "$*" >&2
    exit 1
}

line() {
    printf '%s\t%s\t%s\n' "$1" "$2" "$3"
}

run() {
    label=$1 want=$2
    shift 2
    "${DSGCTL:?}" "$@" >"${CONFORMANCE_TMP:?}/out" 2>"$CONFORMANCE_TMP/err"
    got=$?
    [ "$got" -eq "$want" ] || fail "$label: exit $got, want $want"
}

check() {
    label=$1 want=$2 expected=$3
    shift 3
    run "$label" "$want" "$@"
    if ! cmp -s "$expected" "$CONFORMANCE_TMP/out"; then
        printf 'expected:\n' >&2
        od -c "$expected" >&2
        printf 'got:\n' >&2
        od -c "$CONFORMANCE_TMP/out" >&2
        fail "$label: wrong output"
    fi
    [ ! -s "$CONFORMANCE_TMP/err" ] ||
        fail "$label: unexpected stderr: $(cat "$CONFORMANCE_TMP/err")"
}

# --- dsgd cases --------------------------------------------------------------
#
#   need_root                fails (never skips) unless running as root: the
#                            sandbox cases need chroot, setuid and /proc of
#                            other users' processes (CI runs as root).
#   need_dsg_user            creates the system user dsg if missing
#   need_dsgadm_group        creates the system group dsgadm (control socket) if missing
#                            (idempotent, safe when two runs race).
#   dsgd_start BIN ARGS...   starts BIN -d -s $CONFORMANCE_TMP/var
#                            -l 127.0.0.1:$DSGD_PORT ARGS in the background,
#                            stderr to $CONFORMANCE_TMP/log; sets dsgd_pid;
#                            kills it and its workers when the case exits.
#   DSGD_PORT                the portal's TCP port for this case: not 8443,
#                            so a running gateway does not disturb the tests
#                            (default 20000 + the case shell's pid mod 6000:
#                            below the ephemeral ports, 32768 and up).
#   portal_pid               the pid of the running portal (latest start).
#   tls_probe NAME ARGS...   openssl s_client to the portal with ARGS, stdin
#                            from /dev/null, output in $CONFORMANCE_TMP/NAME.out;
#                            sets got to its exit status.
#   wait_until SECONDS CMD...  polls CMD every 0.05 s until it succeeds; fails
#                            the case with the log shown after SECONDS.
#   log_has PATTERN          the dsgd log has a line matching the ERE PATTERN.
#   wait_log PATTERN [SECONDS]  wait_until log_has PATTERN (default 5 s).
#   worker_pid ROLE          the pid of ROLE's latest start in the log.
#   alive PID                PID exists and is not a zombie.
#   dsgd_stop                SIGTERM, then waits (10 s at most) for the
#                            master; sets got to its exit status.
#   descendants PID          PID's children (one level: the workers).

need_root() {
    [ "$(id -u)" -eq 0 ] || fail "this case must run as root (chroot, setuid, other users' /proc); it does not skip"
}

need_dsg_user() {
    id -u dsg >/dev/null 2>&1 ||
        useradd --system --no-create-home --shell /usr/sbin/nologin dsg >/dev/null 2>&1 ||
        id -u dsg >/dev/null 2>&1 || fail "cannot create the user dsg"
}

need_dsgadm_group() {
    getent group dsgadm >/dev/null 2>&1 || groupadd --system dsgadm >/dev/null 2>&1 ||
        getent group dsgadm >/dev/null 2>&1 || fail "cannot create the group dsgadm"
}

# The account cases (dsgd_account_*): root, the user dsg, the group dsgadm
# and setpriv; $sock, and dsgctl account as root or as a member of dsgadm
# who is not root (nobody, $nobody_uid).
account_case_setup() {
    need_root
    need_dsg_user
    need_dsgadm_group
    command -v setpriv >/dev/null 2>&1 || fail "setpriv (util-linux) is needed"
    command -v python3 >/dev/null 2>&1 || fail "python3 (make deps-test) is needed"
    sock=${CONFORMANCE_TMP:?}/var/run/dsgctl.sock
    adm_gid=$(getent group dsgadm | cut -d: -f3)
    chmod 755 "$CONFORMANCE_TMP"   # the member must reach the socket's directory
    nobody_uid=$(id -u nobody)
}

as_root() { "${DSGCTL:?}" account "$@" --socket "$sock"; }

as_member() {
    setpriv --reuid="$nobody_uid" --regid="$(id -g nobody)" --groups="$adm_gid" -- \
        env DSGCTL_TOKEN_FILE="$CONFORMANCE_TMP/member/admin.token" \
        "${DSGCTL:?}" account "$@" --socket "$sock"
}

# Administrators' logins (REQ-ACCT-012): every dsgctl command but status
# needs one. A case that runs such commands adds admin_conf's lines to its
# configuration (TOTP as the administrators' factor, a cheap scrypt cost)
# (and, for speed, auth.scrypt_n = 1024 where the cost does not matter)
# and, once the auth role is ready, calls admin_login: the first call
# bootstraps kanri1 and kanri2 and logs kanri1 in as root (its token in
# $DSGCTL_TOKEN_FILE, run.sh's), later calls log in again (after a restart
# of the auth role). member_login logs kanri2 in as nobody, for as_member
# (account_case_setup first). ADMIN_PASSWORD is their password after the
# first login.
ADMIN_PASSWORD='Conformance-Admin-9'

# admin_conf [SKEW]: SKEW (auth.totp_skew_steps, default 1) lets a case that
# restarts dsgd often log in again up to SKEW times within one TOTP step
admin_conf() {
    admin_skew=${1:-1}
    printf 'auth.admin_second_factor = "totp"\n'
    [ "$admin_skew" = 1 ] || printf 'auth.totp_skew_steps = %s\n' "$admin_skew"
}

# sheet USER password|code: the secret of USER's bootstrap sheet
sheet() {
    awk -v u="$1" -v k="$2: " '
        /^DSG (initial password|enrolment code) for / { cur = $0; sub(/.* for /, "", cur); sub(/ .*/, "", cur) }
        cur == u && index($0, k) == 1 { print substr($0, length(k) + 1) }' "${CONFORMANCE_TMP:?}/admins.sheets"
}

# admin_login_as USER STATE-FILE [setpriv args...]: USER's first login, or
# a later one
admin_login_as() {
    who=$1 state=$2
    shift 2
    helper=$(dirname "${CONFORMANCE_LIB:?}")/admin_login.py
    socket=${sock:-$CONFORMANCE_TMP/var/run/dsgctl.sock}
    if [ ! -s "$state" ]; then
        "$@" env ADMIN_TOTP_SKEW="${admin_skew:-1}" python3 "$helper" first "${DSGCTL:?}" "$socket" "$who" "$(sheet "$who" password)" \
            "$ADMIN_PASSWORD" "$(sheet "$who" code)" "$state" >"$CONFORMANCE_TMP/login.out" 2>&1
    else
        "$@" env ADMIN_TOTP_SKEW="${admin_skew:-1}" python3 "$helper" again "${DSGCTL:?}" "$socket" "$who" "$ADMIN_PASSWORD" "$state" \
            >"$CONFORMANCE_TMP/login.out" 2>&1
    fi || fail "dsgctl login as $who: $(cat "$CONFORMANCE_TMP/login.out")"
}

admin_login() {
    if [ ! -s "${CONFORMANCE_TMP:?}/admins.sheets" ]; then
        "${DSGCTL:?}" account bootstrap kanri1 kanri2 --socket "${sock:-$CONFORMANCE_TMP/var/run/dsgctl.sock}" \
            >"$CONFORMANCE_TMP/admins.sheets" 2>"$CONFORMANCE_TMP/login.out" ||
            fail "bootstrap: $(cat "$CONFORMANCE_TMP/login.out")"
    fi
    admin_login_as kanri1 "$CONFORMANCE_TMP/kanri1.totp"
}

member_login() {
    [ -s "${CONFORMANCE_TMP:?}/admins.sheets" ] || admin_login
    mkdir -p "$CONFORMANCE_TMP/member"
    chown nobody "$CONFORMANCE_TMP/member"
    admin_login_as kanri2 "$CONFORMANCE_TMP/member/kanri2.totp" \
        setpriv --reuid="$nobody_uid" --regid="$(id -g nobody)" --groups="$adm_gid" -- \
        env DSGCTL_TOKEN_FILE="$CONFORMANCE_TMP/member/admin.token"
}

# Registered networks (REQ-ACCT-016): an account is used on the portal
# only from its organisation's registered networks. case_orgs, after
# admin_login, registers the organisations the cases' accounts belong to
# with 127.0.0.0/8, the address the cases log in from: テスト重工 and o
# (companies) and 防衛装備庁 (the Ministry).
case_orgs() {
    for o in テスト重工:company 防衛装備庁:ministry o:company; do
        "${DSGCTL:?}" org add "${o%:*}" --kind "${o##*:}" --networks 127.0.0.0/8 \
            --socket "${sock:-$CONFORMANCE_TMP/var/run/dsgctl.sock}" >/dev/null \
            2>"$CONFORMANCE_TMP/org.err" || fail "org add ${o%:*}: $(cat "$CONFORMANCE_TMP/org.err")"
    done
}

# The login API from a case: api_step NAME WANT-STATUS PATH JSON [curl
# args] posts JSON to PATH on the portal, the answer in $CONFORMANCE_TMP/NAME.json
# and its headers in NAME.h, and fails unless the status is WANT-STATUS;
# api_member NAME MEMBER prints a member of NAME.json; totp_code URI
# OFFSET-STEPS prints the RFC 6238 code of the otpauth URI's secret for
# the time step OFFSET-STEPS from now.
api_step() {
    name=$1 want=$2 path=$3 body=$4
    shift 4
    status=$(portal_curl "$path" -X POST -H 'Content-Type: application/json' --data-binary "$body" \
        -D "$CONFORMANCE_TMP/$name.h" -o "$CONFORMANCE_TMP/$name.json" -w '%{http_code}' "$@" \
        2>"$CONFORMANCE_TMP/$name.err") || fail "$name: curl: $(cat "$CONFORMANCE_TMP/$name.err")"
    [ "$status" = "$want" ] || fail "$name: status $status, want $want: $(cat "$CONFORMANCE_TMP/$name.json")"
}

api_member() {
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
        "${CONFORMANCE_TMP:?}/$1.json" "$2"
}

totp_code() {
    python3 - "$1" "$2" <<'PY'
import base64, hmac, struct, sys, time, urllib.parse
q = urllib.parse.parse_qs(urllib.parse.urlparse(sys.argv[1]).query)
secret = base64.b32decode(q["secret"][0] + "=" * (-len(q["secret"][0]) % 8))
mac = hmac.digest(secret, struct.pack(">Q", int(time.time()) // 30 + int(sys.argv[2])), "sha1")
o = mac[-1] & 15
print("%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7fffffff) % 10**6))
PY
}

# expect_exit STATUS NAME CMD...: runs CMD into out and err, checks its exit status
expect_exit() {
    want=$1 name=$2
    shift 2
    "$@" >"${CONFORMANCE_TMP:?}/out" 2>"$CONFORMANCE_TMP/err"
    got=$?
    [ "$got" -eq "$want" ] || fail "$name: exit $got, want $want: $(cat "$CONFORMANCE_TMP/out" "$CONFORMANCE_TMP/err")"
}

# start_refused LABEL PATTERN [DSGD-ARGS...]: dsgd, started on $CONFORMANCE_TMP/var
# with DSGD-ARGS, must refuse to start: exit 1 at once with PATTERN (an
# ERE) in what it printed ($CONFORMANCE_TMP/err), no worker started and no
# pidfile left behind
start_refused() {
    sr_label=$1 sr_pattern=$2
    shift 2
    "$DSGD" -d -s "${CONFORMANCE_TMP:?}/var" -l "127.0.0.1:$DSGD_PORT" "$@" 2>"$CONFORMANCE_TMP/err" &
    sr_pid=$!
    wait_until 10 not_alive "$sr_pid"
    wait "$sr_pid"
    sr_rc=$?
    [ "$sr_rc" -eq 1 ] || fail "$sr_label: exit $sr_rc, want 1: $(cat "$CONFORMANCE_TMP/err")"
    grep -Eq -- "$sr_pattern" "$CONFORMANCE_TMP/err" ||
        fail "$sr_label: message: $(cat "$CONFORMANCE_TMP/err")"
    ! grep -q 'started' "$CONFORMANCE_TMP/err" || fail "$sr_label: a worker was started"
    [ ! -e "$CONFORMANCE_TMP/var/dsgd.pid" ] || fail "$sr_label: pidfile left behind"
}

dsgd_cleanup() {
    for c in ${collector_pids:-}; do kill -9 "$c" 2>/dev/null; done
    if [ -n "${dsgd_pid:-}" ]; then
        for c in $(descendants "$dsgd_pid"); do kill -9 "$c" 2>/dev/null; done
        kill -9 "$dsgd_pid" 2>/dev/null
    fi
    return 0
}

# below the kernel's ephemeral ports (32768 and up), which client sockets
# of the case or of the machine may hold at any moment
DSGD_PORT=${DSGD_PORT:-$((20000 + $$ % 6000))}

dsgd_start() {
    bin=$1
    shift
    "$bin" -d -s "${CONFORMANCE_TMP:?}/var" -l "127.0.0.1:$DSGD_PORT" "$@" 2>>"$CONFORMANCE_TMP/log" &
    dsgd_pid=$!
    trap 'dsgd_cleanup' EXIT
}

wait_until() {
    secs=$1
    shift
    tries=$((secs * 20))
    while ! "$@"; do
        tries=$((tries - 1))
        if [ "$tries" -le 0 ]; then
            printf -- '--- dsgd log:\n' >&2
            cat "${CONFORMANCE_TMP:?}/log" >&2 2>/dev/null
            fail "timed out after ${secs}s waiting for: $*"
        fi
        sleep 0.05
    done
}

log_has() {
    grep -Eq -- "$1" "${CONFORMANCE_TMP:?}/log" 2>/dev/null
}

wait_log() {
    wait_until "${2:-5}" log_has "$1"
}

worker_pid() {
    sed -n "s/.* master: $1\\[\\([0-9]*\\)\\] started.*/\\1/p" "${CONFORMANCE_TMP:?}/log" | tail -n 1
}

alive() {
    [ -n "$1" ] && [ -r "/proc/$1/status" ] &&
        ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

descendants() {
    if command -v pgrep >/dev/null 2>&1; then
        pgrep -P "$1"
        return 0
    fi
    for s in /proc/[0-9]*/stat; do
        # field 4 is the parent pid; the command name (field 2) has no spaces here
        awk -v p="$1" '$4 == p { print $1 }' "$s" 2>/dev/null
    done
}

not_alive() {
    ! alive "$1"
}

dsgd_stop() {
    kill -TERM "$dsgd_pid" 2>/dev/null || fail "dsgd (pid $dsgd_pid) is not running"
    wait_until 10 not_alive "$dsgd_pid"
    wait "$dsgd_pid"
    got=$?
}

# portal_curl PATH [curl options]: curl to this case's portal, checking its
# certificate for localhost
portal_curl() {
    path=$1
    shift
    curl -sS --cacert "${CONFORMANCE_TMP:?}/var/tls/cert.pem" --resolve "localhost:$DSGD_PORT:127.0.0.1" \
        "$@" "https://localhost:$DSGD_PORT$path"
}

portal_pid() {
    worker_pid portal
}

tls_probe() {
    probe=$1
    shift
    timeout 10 openssl s_client -connect "127.0.0.1:$DSGD_PORT" "$@" \
        </dev/null >"${CONFORMANCE_TMP:?}/$probe.out" 2>&1
    got=$?
}

# --- the host's syslog, captured ---------------------------------------------
#
#   syslog_capture           starts conformance/syslog_sink.py so that what a
#                            dsgd started by dsgd_start_syslog sends to syslog(3)
#                            lands in $CONFORMANCE_TMP/syslog: at /dev/log itself
#                            when the host has none (removed at exit), else on a
#                            socket bind-mounted over /dev/log in dsgd's own
#                            mount namespace (the host's syslog is left alone).
#   dsgd_start_syslog BIN ARGS...  dsgd_start, with /dev/log as syslog_capture set it.
#   syslog_has PATTERN       the captured syslog has a line matching the ERE PATTERN.
#   cleanup_all              dsgd_cleanup, then stops the sink (the EXIT trap).

syslog_capture() {
    if [ -e /dev/log ]; then
        syslog_sock=${CONFORMANCE_TMP:?}/syslog.sock
        syslog_bind=1
    else
        syslog_sock=/dev/log
        syslog_bind=0
    fi
    python3 "$(dirname "$CONFORMANCE_LIB")/syslog_sink.py" "$syslog_sock" \
        "$CONFORMANCE_TMP/syslog" "$CONFORMANCE_TMP/syslog.ready" &
    syslog_pid=$!
    trap 'cleanup_all' EXIT
    wait_until 5 test -e "$CONFORMANCE_TMP/syslog.ready"
}

cleanup_all() {
    dsgd_cleanup
    if [ -n "${syslog_pid:-}" ]; then
        kill "$syslog_pid" 2>/dev/null
        [ "$syslog_bind" -eq 1 ] || rm -f /dev/log
    fi
    return 0
}

dsgd_start_syslog() {
    bin=$1
    shift
    if [ "$syslog_bind" -eq 1 ]; then
        unshare -m --propagation private -- sh -c 'mount --bind "$0" /dev/log && exec "$@"' \
            "$syslog_sock" "$bin" -d -s "${CONFORMANCE_TMP:?}/var" -l "127.0.0.1:$DSGD_PORT" "$@" \
            2>>"$CONFORMANCE_TMP/log" &
    else
        "$bin" -d -s "${CONFORMANCE_TMP:?}/var" -l "127.0.0.1:$DSGD_PORT" "$@" 2>>"$CONFORMANCE_TMP/log" &
    fi
    dsgd_pid=$!
    trap 'cleanup_all' EXIT
}

syslog_has() {
    grep -Eq -- "$1" "${CONFORMANCE_TMP:?}/syslog" 2>/dev/null
}

# --- collectors: RFC 5425 over TLS (openssl s_server) -------------------------
#
#   collector_pki            makes $CONFORMANCE_TMP/pki: ca.pem (the CA for
#                            log.forward_ca) and four collector certificates:
#                            good (signed by that CA, IP:127.0.0.1), rogue (the
#                            same names, signed by another CA), wrongip (signed
#                            by the CA, for IP:127.0.0.2 only) and named (signed
#                            by the CA, for DNS:collector.test only).
#   FWD_PORT                 the collector's TCP port for this case.
#   collector_start NAME CERT [ARGS...]  openssl s_server on 127.0.0.1:$FWD_PORT
#                            with pki/CERT.pem (and s_server's ARGS), serving
#                            one connection after another (set FWD_PORT
#                            first for another collector at once);
#                            the bytes it receives go to $CONFORMANCE_TMP/NAME.out,
#                            its messages to NAME.err; sets collector_pid and
#                            waits until it listens.
#   collector_stop           SIGKILL: the collector is gone at once.
#   collector_frames NAME    the messages NAME received, one a line (fails the
#                            case on anything that is not RFC 5425 framing; a
#                            last frame cut short by the kill is left out).
#   collector_seqs NAME SOURCE  the seqs of SOURCE's records NAME received.
#   collector_has NAME SOURCE SEQ  NAME received record SEQ of SOURCE.

FWD_PORT=$((DSGD_PORT + 6000))   # 26000..31999, below the ephemeral ports too

collector_pki() {
    p=${CONFORMANCE_TMP:?}/pki
    mkdir -p "$p" || fail "mkdir $p"
    for ca in ca other; do
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
            -subj "/CN=dsg test $ca" -keyout "$p/$ca.key" -out "$p/$ca.pem" 2>/dev/null ||
            fail "cannot make the test CA $ca"
    done
    for c in good:ca:IP:127.0.0.1 rogue:other:IP:127.0.0.1 wrongip:ca:IP:127.0.0.2 \
        named:ca:DNS:collector.test; do
        name=${c%%:*} rest=${c#*:}
        signer=${rest%%:*} san=${rest#*:}
        printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nbasicConstraints=critical,CA:FALSE\n' \
            "$san" >"$p/$name.ext"
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=collector" \
            -keyout "$p/$name.key" -out "$p/$name.csr" 2>/dev/null ||
            fail "cannot make the key of the collector certificate $name"
        openssl x509 -req -in "$p/$name.csr" -CA "$p/$signer.pem" -CAkey "$p/$signer.key" \
            -CAcreateserial -days 2 -extfile "$p/$name.ext" -out "$p/$name.pem" 2>/dev/null ||
            fail "cannot make the collector certificate $name"
    done
}

collector_listening() {
    awk -v a="$(printf '0100007F:%04X' "$FWD_PORT")" '$2 == a && $4 == "0A" { f = 1 } END { exit !f }' \
        /proc/net/tcp
}

collector_start() {
    [ -p "${CONFORMANCE_TMP:?}/collector.in" ] || mkfifo "$CONFORMANCE_TMP/collector.in"
    # stdin: a pipe nobody writes to and that never ends (s_server stops
    # reading its connection at the end of its input)
    exec 8<>"$CONFORMANCE_TMP/collector.in"
    cname=$1 ccert=$2
    shift 2
    openssl s_server -accept "127.0.0.1:$FWD_PORT" -cert "$CONFORMANCE_TMP/pki/$ccert.pem" \
        -key "$CONFORMANCE_TMP/pki/$ccert.key" -quiet "$@" <&8 >>"$CONFORMANCE_TMP/$cname.out" \
        2>>"$CONFORMANCE_TMP/$cname.err" &
    collector_pid=$!
    collector_pids="${collector_pids:-} $collector_pid"
    trap 'dsgd_cleanup' EXIT
    wait_until 10 collector_listening
}

collector_stop() {
    kill -9 "$collector_pid" 2>/dev/null
    wait "$collector_pid" 2>/dev/null
    collector_pid=
}

collector_frames() {
    python3 "$(dirname "$CONFORMANCE_LIB")/syslog_frames.py" frames "${CONFORMANCE_TMP:?}/$1.out" ||
        fail "$1 received bytes that are not RFC 5425 frames"
}

collector_seqs() {
    python3 "$(dirname "$CONFORMANCE_LIB")/syslog_frames.py" seqs "${CONFORMANCE_TMP:?}/$1.out" "$2" ||
        fail "$1 received bytes that are not RFC 5425 frames of dsg messages"
}

collector_has() {
    [ -s "${CONFORMANCE_TMP:?}/$1.out" ] &&
        python3 "$(dirname "$CONFORMANCE_LIB")/syslog_frames.py" seqs "$CONFORMANCE_TMP/$1.out" "$2" \
            2>/dev/null | grep -qx "$3"
}
