#!/bin/sh
# dsgd_share_matrix: the access-control matrix of the file API (docs/sharing.md, "The file API", "Search", "Rights"), driven from a table written below ("user op area status code" lines): the three account types, a company user of テスト重工 (suzuki: password and WebAuthn with the software authenticator, bearer token), a Ministry user of 防衛装備庁 (sato: password and TOTP, bearer token) and an administrator (kanri1), each granted list,read,upload,new-version,rename,move,delete,create-folder,search on the root of area A and nothing on area B, where a fourth user (yamada, fully granted on both) uploaded a file, a sub-folder and (in A) the files the others rename, move and delete. For each user: GET /api/v1/share/areas (A only); for each area and each operation (list: GET the root folder; read: the download; versions; upload: the first step, a new name; new-version: the first step with the area file's name; rename; move to the area's sub-folder; delete; create-folder; search of the area; a search of every area): on A each succeeds with its effect checked (the listing holds the area's file, the download its bytes, /versions the versions made so far, an upload completes clean and is listed, a new version is the next one of the same file, the renamed name, the moved file in the sub-folder, the deleted file gone from the listing, the new folder listed, both searches find A's file and never B's); on B each is refused 404 not_found with a body byte-identical to the answer for an item that does not exist, so nothing confirms B's items exist. The administrator gets no portal session at all (what is true of dsgd: refused at login, not a session that sees nothing): its password on the portal login is refused 401 auth_failed with the one body of a wrong password, first from outside its organisation's networks (DSG administration not registered: 認証ログ network-refused), then, that organisation registered with 127.0.0.0/8, on the channel (認証ログ password-refused "this account does not log in on this channel"), and its control-socket token as a bearer is 401 session_expired for every operation on A and B, though it holds the grant on A. Then sato is granted LIST only on B: B joins its areas, its listing of B succeeds and every other operation there is 403 access_denied (the items are visible), the search of every area still not showing B's file, while suzuki still gets 404 on B; B's content is unchanged throughout (one version of its file, its sub-folder empty). The audit trail holds exactly one 監査ログ・カスタムレポート access-denied record for each 403 and 404 of the table, with the user, B as site ID and operation=OP naming the decided operation (versions as read), none for A and none naming the administrator.
# @relation(REQ-SHARE-007, REQ-SHARE-008, REQ-SHARE-009, REQ-SHARE-011, REQ-SHARE-012, REQ-SHARE-015, REQ-SHARE-016, REQ-ACCT-011, REQ-MFA-012)
set -u
# shellcheck source=SCRIPTDIR/../lib.sh disable=SC1091
. "${CONFORMANCE_LIB:?}"
t=${CONFORMANCE_TMP:?}
account_case_setup
command -v curl >/dev/null 2>&1 || fail "curl (make deps-test) is needed"
command -v openssl >/dev/null 2>&1 || fail "openssl (make deps-test) is needed"
# shellcheck source=SCRIPTDIR/../share_lib.sh disable=SC1091
. "$(dirname "$CONFORMANCE_LIB")/share_lib.sh"
all_ops=list,read,upload,new-version,rename,move,delete,create-folder,search

# refused NAME WANT CODE: the answer NAME's error is CODE; a 404 says no
# more than the one for an item that does not exist
refused() {
    [ "$(js "$1" 'a["error"]')" = "$3" ] || fail "$1: want $2 $3: $(cat "$t/$1.body")"
    [ "$2" != 404 ] || cmp -s "$t/$1.body" "$t/ghost.body" ||
        fail "$1: the 404 differs from the one for no item: $(cat "$t/$1.body")"
}
# names NAME: the children of the folder listing NAME, "kind:name:state" one a line
names() {
    js "$1" '"\n".join("%s:%s:%s" % (c["kind"], c["name"], c.get("state", "")) for c in a["children"])'
}
listed() {   # listed NAME ENTRY: the listing NAME has the child ENTRY
    ln=$(names "$1") || exit 1
    printf '%s\n' "$ln" | grep -qxF "$2" || fail "$1: no $2 in $(printf '%s' "$ln" | tr '\n' ' ')"
}
unlisted() {   # unlisted NAME FILE-NAME: no child of that name
    ln=$(names "$1") || exit 1
    ! printf '%s\n' "$ln" | cut -d: -f2 | grep -qxF "$2" || fail "$1: $2 is listed"
}
# look NAME FOLDER: yamada's listing of FOLDER
look() { share "$1" 200 GET "/api/v1/share/folder?id=$2" "$owner"; }
token_of() {
    if [ "$1" = kanri1 ]; then cat "${DSGCTL_TOKEN_FILE:?}"; else cat "$t/$1.token"; fi
}

# op USER OP AREA WANT CODE: one line of the matrix, a 2xx with CODE -,
# whose effect is then checked, or a refusal with its error code
op() {
    ow=$1 oo=$2 oa=$3 want=$4 code=$5
    case $want/$code in
    2??/-|[45]??/[a-z]*) ;;
    *) fail "matrix: $ow $oo $oa: status $want with code $code" ;;
    esac
    n=$ow-$oo-$oa-$phase
    tok=$(token_of "$ow")
    case $oa in
    A) area=$areaA root=$rootA sub=$subA target=$fileA tname=資料A.txt
       eval "ren=\$ren_$ow mov=\$mov_$ow del=\$del_$ow" ;;
    B) area=$areaB root=$rootB sub=$subB target=$fileB tname=資料B.txt ren=$fileB mov=$fileB del=$fileB ;;
    -) area= ;;
    *) fail "matrix: unknown area $oa" ;;
    esac
    case $oo in
    areas) share "$n" "$want" GET /api/v1/share/areas "$tok" ;;
    list) share "$n" "$want" GET "/api/v1/share/folder?id=$root" "$tok" ;;
    read) share "$n" "$want" GET "/api/v1/share/download?file=$target" "$tok" ;;
    versions) share "$n" "$want" GET "/api/v1/share/versions?file=$target" "$tok" ;;
    upload)
        if [ "$code" = - ]; then upload "$n" "$tok" "$root" "$ow-新規.txt" "$t/new.txt"
        else begin "$n" "$want" "$tok" "$root" "$ow-新規.txt" "$(size "$t/new.txt")"; fi ;;
    new-version) begin "$n" "$want" "$tok" "$root" "$tname" "$(size "$t/$oa.txt")" ;;
    rename) post "$n" "$want" /api/v1/share/rename "$tok" "{\"file\":$ren,\"name\":\"$ow-改名後.txt\"}" ;;
    move) post "$n" "$want" /api/v1/share/move "$tok" "{\"file\":$mov,\"folder\":$sub}" ;;
    delete) post "$n" "$want" /api/v1/share/delete "$tok" "{\"file\":$del}" ;;
    create-folder) post "$n" "$want" /api/v1/share/folders "$tok" "{\"parent\":$root,\"name\":\"$ow-フォルダ\"}" ;;
    search) share "$n" "$want" GET /api/v1/share/search "$tok" -G --data-urlencode "area=$area" \
                --data-urlencode q=資料 ;;
    search-all) share "$n" "$want" GET /api/v1/share/search "$tok" -G --data-urlencode q=資料 ;;
    *) fail "matrix: unknown operation $oo" ;;
    esac
    if [ "$code" != - ]; then
        refused "$n" "$want" "$code"
        case $want in 403|404) printf '%s %s %s\n' "$ow" "$oo" "$area" >>"$t/denied.want" ;; esac
        return
    fi
    effect "$n" "$ow" "$oo" "$oa"
}

# effect NAME USER OP AREA: what a granted operation did
effect() {
    case $3 in
    areas)
        want_areas="[$areaA]"
        [ "$2/$phase" != sato/2 ] || want_areas="[$areaA, $areaB]"
        [ "$(js "$1" 'sorted(x["area"] for x in a["areas"])')" = "$want_areas" ] ||
            fail "$1: want the areas $want_areas: $(cat "$t/$1.body")" ;;
    list) listed "$1" "file:$tname:clean" ;;
    read) cmp -s "$t/$1.body" "$t/$4.txt" || fail "$1: not the bytes of $tname" ;;
    versions)
        eval "nv=\$versions_$4"
        [ "$(js "$1" '(a["file"], [v["version"] for v in a["versions"]])')" = \
          "($target, $(python3 -c "print(list(range($nv, 0, -1)))"))" ] || fail "$1: $(cat "$t/$1.body")" ;;
    upload)
        look "$1.look" "$root"
        listed "$1.look" "file:$2-新規.txt:clean" ;;
    new-version)
        eval "nv=\$((versions_$4 + 1))"
        [ "$file" = "$target" ] && [ "$version" = "$nv" ] ||
            fail "$1: file $file version $version, want $target version $nv"
        share "$1.content" 201 PUT "/api/v1/share/uploads/content?upload=$u" "$tok" \
            -H 'Content-Type: application/octet-stream' -T "$t/$4.txt"
        [ "$(js "$1.content" '(a["file"], a["version"], a["state"])')" = "($target, $nv, 'clean')" ] ||
            fail "$1.content: $(cat "$t/$1.content.body")"
        eval "versions_$4=$nv" ;;
    rename)
        [ "$(js "$1" 'a["file"]')" = "$ren" ] || fail "$1: $(cat "$t/$1.body")"
        look "$1.look" "$root"
        listed "$1.look" "file:$2-改名後.txt:clean"
        unlisted "$1.look" "$2-改名前.txt" ;;
    move)
        look "$1.look" "$sub"
        listed "$1.look" "file:$2-移動.txt:clean"
        look "$1.root" "$root"
        unlisted "$1.root" "$2-移動.txt" ;;
    delete)
        look "$1.look" "$root"
        unlisted "$1.look" "$2-削除.txt" ;;
    create-folder)
        look "$1.look" "$root"
        [ "$(js "$1.look" '[c["id"] for c in a["children"] if c["kind"] == "folder" and c["name"] == "'"$2"'-フォルダ"]')" = \
          "[$(js "$1" 'a["folder"]')]" ] || fail "$1: $(cat "$t/$1.look.body")" ;;
    search|search-all)
        [ "$(js "$1" 'sorted(x["file"] for x in a["results"])')" = "[$fileA]" ] ||
            fail "$1: want A's file $fileA only: $(cat "$t/$1.body")" ;;
    esac
}

# run_matrix FILE: every line of FILE ("user op area status code"; # comments)
run_matrix() {
    while read -r mw mo ma ms mc <&3; do
        case $mw in ''|'#'*) continue ;; esac
        op "$mw" "$mo" "$ma" "$ms" "$mc"
    done 3<"$1"
}

share_gateway_start "$(share_webauthn_conf)"
grep -qF "auth: 1 WebAuthn attestation root from $t/roots.pem" "$t/log" ||
    fail "the roots were not read: $(grep auth "$t/log")"

# areas A and B; the company user, the Ministry user and yamada, who fills both
share_area 1 C-9 研究A
areaA=1 rootA=$area_root
share_area 2 C-10 研究B
areaB=2 rootB=$area_root
share_company_user suzuki テスト重工 3
share_user sato 防衛装備庁 4
share_user yamada 防衛装備庁 5
owner=$(cat "$t/yamada.token")
share_grant 1 yamada "$areaA" "$rootA" "$all_ops"
share_grant 2 yamada "$areaB" "$rootB" "$all_ops"
share_grant 3 suzuki "$areaA" "$rootA" "$all_ops"
share_grant 4 sato "$areaA" "$rootA" "$all_ops"
share_grant 5 kanri1 "$areaA" "$rootA" "$all_ops"

printf '研究Aの資料\n' >"$t/A.txt"
printf '研究Bの資料\n' >"$t/B.txt"
printf '新しい文書\n' >"$t/new.txt"
post subA 201 /api/v1/share/folders "$owner" "{\"parent\":$rootA,\"name\":\"移動先\"}"
subA=$(js subA 'a["folder"]') || exit 1
post subB 201 /api/v1/share/folders "$owner" "{\"parent\":$rootB,\"name\":\"移動先\"}"
subB=$(js subB 'a["folder"]') || exit 1
upload fileA "$owner" "$rootA" 資料A.txt "$t/A.txt"
fileA=$file versions_A=1
upload fileB "$owner" "$rootB" 資料B.txt "$t/B.txt"
fileB=$file versions_B=1
for who in suzuki sato; do
    for what in 改名前:ren 移動:mov 削除:del; do
        upload "$who-${what%:*}" "$owner" "$rootA" "$who-${what%:*}.txt" "$t/new.txt"
        eval "${what#*:}_$who=$file"
    done
done
look b-before "$rootB"
ren_kanri1=$fileA mov_kanri1=$fileA del_kanri1=$fileA
# the answer for an item that does not exist, which B's refusals must equal
share ghost 404 GET "/api/v1/share/download?file=999999" "$owner"
: >"$t/denied.want"

# the administrator: no portal session (REQ-ACCT-011), refused at the
# password step like a wrong password, from outside its organisation's
# networks (none registered) and from inside them
api_step kanri1-portal 401 /api/v1/auth/login "{\"user_id\":\"kanri1\",\"password\":\"$ADMIN_PASSWORD\"}"
expect_exit 0 "org DSG administration" ctl org add 'DSG administration' --kind ministry --networks 127.0.0.0/8
api_step kanri1-portal2 401 /api/v1/auth/login "{\"user_id\":\"kanri1\",\"password\":\"$ADMIN_PASSWORD\"}"
for n in kanri1-portal kanri1-portal2; do
    [ "$(cat "$t/$n.json")" = '{"error":"auth_failed","message":"the user ID, the password or the second factor was not accepted"}' ] ||
        fail "$n: $(cat "$t/$n.json")"
done

# the matrix, each user's own area A and another area B
phase=1
cat >"$t/matrix1" <<'EOF'
# user  op            area status code
suzuki  areas         -    200    -
suzuki  list          A    200    -
suzuki  read          A    200    -
suzuki  versions      A    200    -
suzuki  upload        A    201    -
suzuki  new-version   A    201    -
suzuki  rename        A    200    -
suzuki  move          A    200    -
suzuki  delete        A    200    -
suzuki  create-folder A    201    -
suzuki  search        A    200    -
suzuki  search-all    -    200    -
suzuki  list          B    404    not_found
suzuki  read          B    404    not_found
suzuki  versions      B    404    not_found
suzuki  upload        B    404    not_found
suzuki  new-version   B    404    not_found
suzuki  rename        B    404    not_found
suzuki  move          B    404    not_found
suzuki  delete        B    404    not_found
suzuki  create-folder B    404    not_found
suzuki  search        B    404    not_found
sato    areas         -    200    -
sato    list          A    200    -
sato    read          A    200    -
sato    versions      A    200    -
sato    upload        A    201    -
sato    new-version   A    201    -
sato    rename        A    200    -
sato    move          A    200    -
sato    delete        A    200    -
sato    create-folder A    201    -
sato    search        A    200    -
sato    search-all    -    200    -
sato    list          B    404    not_found
sato    read          B    404    not_found
sato    versions      B    404    not_found
sato    upload        B    404    not_found
sato    new-version   B    404    not_found
sato    rename        B    404    not_found
sato    move          B    404    not_found
sato    delete        B    404    not_found
sato    create-folder B    404    not_found
sato    search        B    404    not_found
kanri1  areas         -    401    session_expired
kanri1  list          A    401    session_expired
kanri1  read          A    401    session_expired
kanri1  versions      A    401    session_expired
kanri1  upload        A    401    session_expired
kanri1  new-version   A    401    session_expired
kanri1  rename        A    401    session_expired
kanri1  move          A    401    session_expired
kanri1  delete        A    401    session_expired
kanri1  create-folder A    401    session_expired
kanri1  search        A    401    session_expired
kanri1  search-all    -    401    session_expired
kanri1  list          B    401    session_expired
kanri1  read          B    401    session_expired
kanri1  versions      B    401    session_expired
kanri1  upload        B    401    session_expired
kanri1  new-version   B    401    session_expired
kanri1  rename        B    401    session_expired
kanri1  move          B    401    session_expired
kanri1  delete        B    401    session_expired
kanri1  create-folder B    401    session_expired
kanri1  search        B    401    session_expired
EOF
run_matrix "$t/matrix1"

# LIST only on B for sato: B's items become visible, nothing else allowed
share_grant 6 sato "$areaB" "$rootB" list
phase=2
cat >"$t/matrix2" <<'EOF'
# user  op            area status code
sato    areas         -    200    -
sato    list          B    200    -
sato    read          B    403    access_denied
sato    versions      B    403    access_denied
sato    upload        B    403    access_denied
sato    new-version   B    403    access_denied
sato    rename        B    403    access_denied
sato    move          B    403    access_denied
sato    delete        B    403    access_denied
sato    create-folder B    403    access_denied
sato    search        B    403    access_denied
sato    search-all    -    200    -
suzuki  areas         -    200    -
suzuki  list          B    404    not_found
suzuki  read          B    404    not_found
EOF
run_matrix "$t/matrix2"

# B is as yamada left it
look b-after "$rootB"
[ "$(names b-after)" = "$(names b-before)" ] || fail "B changed: $(cat "$t/b-after.body")"
listed b-after file:資料B.txt:clean
look b-sub-after "$subB"
[ "$(js b-sub-after 'a["children"]')" = "[]" ] || fail "B's sub-folder: $(cat "$t/b-sub-after.body")"
share b-versions-after 200 GET "/api/v1/share/versions?file=$fileB" "$owner"
[ "$(js b-versions-after '[v["version"] for v in a["versions"]]')" = "[1]" ] ||
    fail "B's file: $(cat "$t/b-versions-after.body")"

# the trail: one access-denied record for each refusal, naming the operation
"$DSGCTL" log export --format jsonl --socket "$sock" >"$t/export" 2>"$t/err" ||
    fail "export: $(cat "$t/err")"
python3 - "$t/export" "$t/denied.want" <<'PY' || fail "trail: $(grep -o '"custom_event_name":"access-denied"[^}]*' "$t/export" | head -40)"
import collections, json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
share = [r["fields"] for r in recs if r.get("type") == 23 and r["fields"].get("event_source") == "api"]
decided = {"versions": "read"}
want = collections.Counter()
for line in open(sys.argv[2]):
    user, op, area = line.split()
    want[(user, area, "operation=" + decided.get(op, op))] += 1
got = collections.Counter((f["user_id"], f["site_id"], f["event_data"])
                          for f in share if f["custom_event_name"] == "access-denied")
assert got == want, ("missing", want - got, "extra", got - want)
assert not [f for f in share if f["user_id"] == "kanri1"], "a record names the administrator"
auth = [r["fields"] for r in recs if r.get("type") == 14 and r["fields"].get("user_id") == "kanri1"]
portal = [(f["event"], f["detail"]) for f in auth if f["computer_name"] == "127.0.0.1"]
assert len(portal) == 2 and portal[0][0] == "network-refused" and portal[1] == \
    ("password-refused", "this account does not log in on this channel"), portal
PY

dsgd_stop
[ "$got" -eq 0 ] || fail "dsgd exit $got"
! grep -q 'killed by seccomp' "$t/log" || fail "$(grep 'killed by seccomp' "$t/log")"
exit 0
