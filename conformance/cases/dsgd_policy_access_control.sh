#!/bin/sh
# dsgd_policy_access_control: `dsgctl policy access-control` prints the access-control policy from the running dsgd's configuration: in Markdown, auth.lockout_threshold set in the file (5) with its FILE:LINE origin and the defaults in force (auth.lockout_window 15m, default), the account types, approval and grant sections, and a footer whose SHA-256 equals the one computed here over `dsgctl config show --json` ("key=value\n" sorted by key); after the file changes the threshold to 7 and SIGHUP reloads it, the value and the hash follow; the HTML page is well-formed, has no script, and escapes a logon notice with < and &; without an administrator's login exit 77; a bad --format exit 64.
# @relation(REQ-ACCT-017)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
account_case_setup

policy() { "$DSGCTL" policy access-control --socket "$sock" "$@"; }

# the hash of `config show --json`, computed the documented way
config_hash() {
    "$DSGCTL" config show --json --socket "$sock" >"$t/config.json" 2>"$t/err" ||
        fail "config show: $(cat "$t/err")"
    python3 - "$t/config.json" <<'PY'
import hashlib, json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
text = "".join(k["key"] + "=" + k["value"] + "\n" for k in sorted(d["keys"], key=lambda k: k["key"].encode()))
print(hashlib.sha256(text.encode("utf-8")).hexdigest())
PY
}

printed_hash() { sed -n 's/^Configuration generation .*sorted by key): `\([0-9a-f]\{64\}\)`$/\1/p' "$t/out"; }

write_conf() {
    printf 'auth.lockout_threshold = %s\nauth.logon_notice = "Authorised <use> only & monitored"\nauth.scrypt_n = 1024\n' "$1" >"$t/gw.conf"
    admin_conf 2 >>"$t/gw.conf"
}

expect_exit 64 "bad format" policy --format pdf
write_conf 5
dsgd_start "$DSGD" -f "$t/gw.conf"
for role in logd ctl auth; do wait_log "master: $role\\[[0-9]+\\] ready"; done
expect_exit 77 "no login" env DSGCTL_TOKEN_FILE="$t/none.token" "$DSGCTL" policy access-control --socket "$sock"
admin_login

expect_exit 0 "md" policy
grep -q "^| \`auth.lockout_threshold\` | .* | \`5\` | $t/gw.conf:1 |$" "$t/out" || fail "threshold: $(grep lockout_threshold "$t/out")"
grep -q "^| \`auth.lockout_window\` | .* | \`15m\` | default |$" "$t/out" || fail "window: $(grep lockout_window "$t/out")"
grep -q "^| \`auth.reauth_max_age\` | .* | default |$" "$t/out" || fail "reauth: $(grep reauth_max_age "$t/out")"
grep -q "^| \`auth.logon_notice\` | .* | \`Authorised <use> only & monitored\` | $t/gw.conf:2 |$" "$t/out" ||
    fail "notice: $(grep logon_notice "$t/out")"
for h in '## 1. Account types' '## 2. Applications and approval' '## 3. Grants' '### Lockout' '### Sessions' '### Passwords' '### Networks'; do
    grep -qx "$h" "$t/out" || fail "no section '$h'"
done
grep -q 'Ministry user' "$t/out" && grep -q 'self_approval' "$t/out" && grep -q 'Default deny' "$t/out" ||
    fail "the fixed texts: $(cat "$t/out")"
h1=$(printed_hash)
[ -n "$h1" ] || fail "no hash: $(tail -n 3 "$t/out")"
grep -q '^Configuration generation 1;' "$t/out" || fail "generation: $(tail -n 1 "$t/out")"
[ "$h1" = "$(config_hash)" ] || fail "hash $h1, config show gives $(config_hash)"

expect_exit 0 "html" policy --format html
cp "$t/out" "$t/page.html"
python3 - "$t/page.html" <<'PY' || fail "html: $(cat "$t/page.html")"
import sys
from html.parser import HTMLParser
VOID = {"meta", "hr", "br"}
class P(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.tags, self.data = [], set(), []
    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag not in VOID:
            self.stack.append(tag)
    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (tag, self.stack)
        self.stack.pop()
    def handle_data(self, d):
        self.data.append(d)
raw = open(sys.argv[1], encoding="utf-8").read()
assert raw.startswith("<!DOCTYPE html>\n"), raw[:40]
p = P(); p.feed(raw); p.close()
assert p.stack == [], p.stack
assert "script" not in p.tags and "<script" not in raw.lower()
assert {"html", "head", "body", "title", "table", "code"} <= p.tags, p.tags
assert "Authorised &lt;use&gt; only &amp; monitored" in raw
assert "<use>" not in raw
assert "Authorised <use> only & monitored" in "".join(p.data)
PY

write_conf 7
kill -HUP "$dsgd_pid"
wait_log 'master: SIGHUP: configuration reloaded, generation 2.*restarting auth to apply it'
auth_again() { [ "$(grep -Ec 'master: auth\[[0-9]+\] ready' "$t/log")" -ge 2 ]; }
wait_until 15 auth_again
admin_login
expect_exit 0 "md after reload" policy
grep -q "^| \`auth.lockout_threshold\` | .* | \`7\` | $t/gw.conf:1 |$" "$t/out" || fail "threshold after: $(grep lockout_threshold "$t/out")"
grep -q '^Configuration generation 2;' "$t/out" || fail "generation after: $(tail -n 1 "$t/out")"
h2=$(printed_hash)
[ -n "$h2" ] && [ "$h2" != "$h1" ] || fail "the hash did not change: $h1 $h2"
[ "$h2" = "$(config_hash)" ] || fail "hash after $h2, config show gives $(config_hash)"
dsgd_stop
