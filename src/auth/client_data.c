/*
 * The clientDataJSON check (REQ-MFA-019, REQ-MFA-004, REQ-MFA-003). See
 * client_data.h for the rules; proved with WP (acsl/PROOFS.md,
 * client_data).
 *
 * Tokens are handed to the helpers by value: the proof then never has to
 * show that a write into the view leaves the token being read alone.
 */
#include "auth/client_data.h"

/* The members looked at, as indices into the located-member table. */
#define M_TYPE 0
#define M_CHALLENGE 1
#define M_ORIGIN 2
#define M_CROSS_ORIGIN 3
#define M_TOP_ORIGIN 4
#define M_OTHER 5     /* any other name: ignored (WebAuthn §5.8.1) */
#define M_COUNT 5

/* The names, compared with the decoded member names. */
static const uint8_t NAME_TYPE[4] = { 't', 'y', 'p', 'e' };
static const uint8_t NAME_CHALLENGE[9] = { 'c', 'h', 'a', 'l', 'l', 'e', 'n', 'g', 'e' };
static const uint8_t NAME_ORIGIN[6] = { 'o', 'r', 'i', 'g', 'i', 'n' };
static const uint8_t NAME_CROSS_ORIGIN[11] = { 'c', 'r', 'o', 's', 's', 'O', 'r', 'i', 'g', 'i', 'n' };
static const uint8_t NAME_TOP_ORIGIN[9] = { 't', 'o', 'p', 'O', 'r', 'i', 'g', 'i', 'n' };

/* ---- comparisons ------------------------------------------------------------ */

/* 1 when a[0 .. an) and b[0 .. bn) are the same bytes, else 0. Not for
 * secrets: it stops at the first difference. */
/*@ requires \valid_read(a + (0 .. an - 1)) && \valid_read(b + (0 .. bn - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> an == bn && dsg_cd_same(a, b, an);
*/
static int same_text(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    if (an != bn)
        return 0;
    /*@ loop invariant 0 <= i <= an;
        loop invariant dsg_cd_same(a, b, i);
        loop assigns i;
        loop variant an - i;
    */
    for (size_t i = 0; i < an; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

/* 1 when a[0 .. n) and b[0 .. n) are the same bytes, else 0, in time
 * that depends on n only: every byte pair is looked at, the differences
 * are gathered with OR, and there is one test at the end. */
/*@ requires \valid_read(a + (0 .. n - 1)) && \valid_read(b + (0 .. n - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_cd_same(a, b, n);
*/
static int same_bytes_ct(const uint8_t *a, const uint8_t *b, size_t n)
{
    int diff = 0;
    /*@ loop invariant 0 <= i <= n;
        loop invariant diff == 0 <==> dsg_cd_same(a, b, i);
        loop assigns i, diff;
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++) {
        int x = a[i] ^ b[i];
        /*@ assert x == 0 <==> a[i] == b[i]; */
        /*@ assert (diff | x) == 0 <==> diff == 0 && x == 0; */
        diff |= x;
    }
    return diff == 0;
}

/* 1 when s[0 .. n) is the type string of t (dsg_cd_type_text), else 0. */
/*@ requires \valid_read(s + (0 .. n - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_cd_type_text(s, n, t);
*/
static int type_matches(const uint8_t *s, size_t n, dsg_client_data_type t)
{
    if (n < 9)
        return 0;
    if (s[0] != 'w' || s[1] != 'e' || s[2] != 'b' || s[3] != 'a' || s[4] != 'u' ||
        s[5] != 't' || s[6] != 'h' || s[7] != 'n' || s[8] != '.')
        return 0;
    if (t == DSG_CD_CREATE)
        return n == 15 && s[9] == 'c' && s[10] == 'r' && s[11] == 'e' && s[12] == 'a' &&
               s[13] == 't' && s[14] == 'e';
    if (t == DSG_CD_GET)
        return n == 12 && s[9] == 'g' && s[10] == 'e' && s[11] == 't';
    return 0;
}

/* ---- reading the text ------------------------------------------------------- */

/* Tokenizes json, refuses duplicate names and a top value that is not an
 * object. On OK 1 <= view->ntoks <= DSG_CD_MAX_TOKENS. */
/*@ requires \valid_read(json + (0 .. len - 1)) && \valid(view);
    requires \separated(view, json + (0 .. len - 1));
    assigns view->toks[0 .. DSG_CD_MAX_TOKENS - 1], view->ntoks, view->json_error,
            view->err_at;
    ensures \result == DSG_CD_OK || \result == DSG_CD_ERR_JSON ||
            \result == DSG_CD_ERR_DUPLICATE_KEY || \result == DSG_CD_ERR_NOT_OBJECT;
    ensures \result == DSG_CD_OK ==> 1 <= view->ntoks <= DSG_CD_MAX_TOKENS;
*/
static int read_json(const uint8_t *json, size_t len, dsg_client_data_view *view)
{
    size_t n = 0;
    view->ntoks = 0;
    int rc = dsg_json_tokenize(json, len, DSG_CD_MAX_DEPTH, view->toks, DSG_CD_MAX_TOKENS, &n,
                               &view->err_at);
    view->json_error = rc;
    if (rc != DSG_JSON_OK)
        return DSG_CD_ERR_JSON;
    rc = dsg_json_check_keys(json, len, view->toks, n, &view->err_at);
    view->json_error = rc;
    if (rc == DSG_JSON_E_DUPLICATE_KEY)
        return DSG_CD_ERR_DUPLICATE_KEY;
    if (rc != DSG_JSON_OK)
        return DSG_CD_ERR_JSON;   /* a name holding U+0000 */
    if (view->toks[0].type != DSG_JSON_OBJECT)
        return DSG_CD_ERR_NOT_OBJECT;
    view->ntoks = n;
    return DSG_CD_OK;
}

/* Which member the name token tok names (M_TYPE .. M_OTHER), decoding it
 * into name; -1 when tok is not a decodable string (a tokenizer fault). */
/*@ requires \valid_read(json + (0 .. len - 1));
    requires \valid(name + (0 .. DSG_CD_NAME_MAX - 1)) && \valid(name_len);
    requires \separated(name + (0 .. DSG_CD_NAME_MAX - 1), name_len, json + (0 .. len - 1));
    requires \separated(name_len, json + (0 .. len - 1));
    assigns name[0 .. DSG_CD_NAME_MAX - 1], *name_len;
    ensures -1 <= \result <= M_OTHER;
*/
static int name_kind(const uint8_t *json, size_t len, dsg_json_tok tok, uint8_t *name,
                     size_t *name_len)
{
    if (tok.type != DSG_JSON_STRING)
        return -1;
    int rc = dsg_json_string_value(json, len, &tok, name, DSG_CD_NAME_MAX, name_len);
    if (rc == DSG_JSON_E_NO_ROOM)
        return M_OTHER;   /* longer than every name looked at */
    if (rc != DSG_JSON_OK)
        return -1;
    size_t n = *name_len;
    if (same_text(name, n, NAME_TYPE, sizeof NAME_TYPE))
        return M_TYPE;
    if (same_text(name, n, NAME_CHALLENGE, sizeof NAME_CHALLENGE))
        return M_CHALLENGE;
    if (same_text(name, n, NAME_ORIGIN, sizeof NAME_ORIGIN))
        return M_ORIGIN;
    if (same_text(name, n, NAME_CROSS_ORIGIN, sizeof NAME_CROSS_ORIGIN))
        return M_CROSS_ORIGIN;
    if (same_text(name, n, NAME_TOP_ORIGIN, sizeof NAME_TOP_ORIGIN))
        return M_TOP_ORIGIN;
    return M_OTHER;
}

/* Finds the value tokens of the members looked at in the top object
 * (token 0): found[m] is a copy of member m's value token, of type 0 (no
 * JSON type) when the member is absent. The top object's children come in
 * document order and alternate, a name then its value; names are unique
 * (checked before). 0, or -1 on a name that is not a decodable string. */
/*@ requires 1 <= n <= DSG_CD_MAX_TOKENS;
    requires \valid_read(json + (0 .. len - 1)) && \valid_read(toks + (0 .. n - 1));
    requires \valid(name + (0 .. DSG_CD_NAME_MAX - 1)) && \valid(name_len);
    requires \valid(found + (0 .. M_COUNT - 1));
    requires \separated(name + (0 .. DSG_CD_NAME_MAX - 1), name_len, found + (0 .. M_COUNT - 1),
                        json + (0 .. len - 1), toks + (0 .. n - 1));
    requires \separated(name_len, found + (0 .. M_COUNT - 1), json + (0 .. len - 1),
                        toks + (0 .. n - 1));
    requires \separated(found + (0 .. M_COUNT - 1), json + (0 .. len - 1), toks + (0 .. n - 1));
    assigns name[0 .. DSG_CD_NAME_MAX - 1], *name_len, found[0 .. M_COUNT - 1];
    ensures \result == 0 || \result == -1;
*/
static int locate(const uint8_t *json, size_t len, const dsg_json_tok *toks, size_t n,
                  uint8_t *name, size_t *name_len, dsg_json_tok *found)
{
    static const dsg_json_tok absent = { 0, 0, 0, 0, 0, 0, 0 };
    found[M_TYPE] = absent;
    found[M_CHALLENGE] = absent;
    found[M_ORIGIN] = absent;
    found[M_CROSS_ORIGIN] = absent;
    found[M_TOP_ORIGIN] = absent;
    int pending = M_OTHER;   /* the member whose value comes next */
    size_t seen = 0;         /* children of the top object so far */
    /*@ loop invariant 1 <= i <= n;
        loop invariant seen < i;
        loop invariant 0 <= pending <= M_OTHER;
        loop assigns i, seen, pending, name[0 .. DSG_CD_NAME_MAX - 1], *name_len,
                     found[0 .. M_COUNT - 1];
        loop variant n - i;
    */
    for (size_t i = 1; i < n; i++) {
        if (toks[i].parent != 0)
            continue;   /* inside a member's value */
        if (seen % 2 == 0) {
            int kind = name_kind(json, len, toks[i], name, name_len);
            if (kind < 0)
                return -1;
            pending = kind;
        } else if (pending != M_OTHER) {
            found[pending] = toks[i];
        }
        seen++;
    }
    return 0;
}

/* ---- the members ------------------------------------------------------------ */

/* Rule 4: the "type" value tok decodes to the type string of t. */
/*@ requires \valid_read(json + (0 .. len - 1)) && \valid(view);
    requires \separated(view, json + (0 .. len - 1));
    assigns view->type[0 .. DSG_CD_TYPE_MAX - 1], view->type_len;
    ensures \result == DSG_CD_OK || \result == DSG_CD_ERR_TYPE;
    ensures \result == DSG_CD_OK ==> dsg_cd_type_text(&view->type[0], view->type_len, t);
*/
static int check_type(const uint8_t *json, size_t len, dsg_json_tok tok,
                      dsg_client_data_type t, dsg_client_data_view *view)
{
    if (tok.type != DSG_JSON_STRING)
        return DSG_CD_ERR_TYPE;
    int rc = dsg_json_string_value(json, len, &tok, view->type, DSG_CD_TYPE_MAX,
                                   &view->type_len);
    if (rc != DSG_JSON_OK)
        return DSG_CD_ERR_TYPE;   /* NO_ROOM: longer than both type strings */
    if (!type_matches(view->type, view->type_len, t))
        return DSG_CD_ERR_TYPE;
    return DSG_CD_OK;
}

/* Copies the decoded challenge raw[0 .. n) into text as characters: 1,
 * or 0 at a byte >= 0x80 (outside base64url, and not a char everywhere). */
/*@ requires n <= DSG_CD_CHALLENGE_TEXT_MAX;
    requires \valid_read(raw + (0 .. n - 1)) && \valid(text + (0 .. n - 1));
    requires \separated(raw + (0 .. n - 1), text + (0 .. n - 1));
    assigns text[0 .. n - 1];
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> \forall integer k; 0 <= k < n ==> text[k] == raw[k];
*/
static int to_text(const uint8_t *raw, size_t n, char *text)
{
    /*@ loop invariant 0 <= i <= n;
        loop invariant \forall integer k; 0 <= k < i ==> text[k] == raw[k];
        loop assigns i, text[0 .. n - 1];
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++) {
        if (raw[i] >= 0x80u)
            return 0;
        text[i] = (char)raw[i];
    }
    return 1;
}

/* Rule 5: the "challenge" value tok is canonical base64url for exactly
 * expected[0 .. n). */
/*@ requires 1 <= n <= DSG_CD_CHALLENGE_MAX;
    requires \valid_read(json + (0 .. len - 1)) && \valid_read(expected + (0 .. n - 1));
    requires \valid(view);
    requires \separated(view, json + (0 .. len - 1));
    requires \separated(view, expected + (0 .. n - 1));
    assigns view->challenge_raw[0 .. DSG_CD_CHALLENGE_TEXT_MAX - 1], view->challenge_raw_len,
            view->challenge_text[0 .. DSG_CD_CHALLENGE_TEXT_MAX - 1], view->challenge_text_len,
            view->challenge[0 .. DSG_CD_CHALLENGE_MAX - 1], view->challenge_len,
            view->b64_err_at;
    ensures \result == DSG_CD_OK || \result == DSG_CD_ERR_CHALLENGE_ENCODING ||
            \result == DSG_CD_ERR_CHALLENGE;
    ensures \result == DSG_CD_OK ==>
              view->challenge_len == n && dsg_cd_same(&view->challenge[0], expected, n);
    ensures \result == DSG_CD_OK ==>
              dsg_b64url_ok(&view->challenge_text[0], view->challenge_text_len) &&
              dsg_b64url_decodes(&view->challenge_text[0], expected, n);
*/
static int check_challenge(const uint8_t *json, size_t len, dsg_json_tok tok,
                           const uint8_t *expected, size_t n, dsg_client_data_view *view)
{
    if (tok.type != DSG_JSON_STRING)
        return DSG_CD_ERR_CHALLENGE_ENCODING;
    int rc = dsg_json_string_value(json, len, &tok, view->challenge_raw,
                                   DSG_CD_CHALLENGE_TEXT_MAX, &view->challenge_raw_len);
    if (rc == DSG_JSON_E_NO_ROOM)
        return DSG_CD_ERR_CHALLENGE;   /* longer than any challenge expected */
    if (rc != DSG_JSON_OK)
        return DSG_CD_ERR_CHALLENGE_ENCODING;
    size_t tlen = view->challenge_raw_len;
    view->challenge_text_len = 0;
    if (!to_text(view->challenge_raw, tlen, view->challenge_text))
        return DSG_CD_ERR_CHALLENGE_ENCODING;
    view->challenge_text_len = tlen;
    dsg_b64url_status st = dsg_b64url_decode(view->challenge_text, tlen, view->challenge,
                                              DSG_CD_CHALLENGE_MAX, &view->challenge_len,
                                              &view->b64_err_at);
    if (st == DSG_B64URL_ERR_ROOM)
        return DSG_CD_ERR_CHALLENGE;   /* more than DSG_CD_CHALLENGE_MAX bytes */
    if (st != DSG_B64URL_OK)
        return DSG_CD_ERR_CHALLENGE_ENCODING;
    /* the length is public (the caller chose it); the bytes are not */
    if (view->challenge_len != n)
        return DSG_CD_ERR_CHALLENGE;
    if (!same_bytes_ct(view->challenge, expected, n))
        return DSG_CD_ERR_CHALLENGE;
    return DSG_CD_OK;
}

/* Rule 6: the "origin" value tok decodes to exactly origin[0 .. n). */
/*@ requires n <= DSG_CD_ORIGIN_MAX;
    requires \valid_read(json + (0 .. len - 1)) && \valid_read(origin + (0 .. n - 1));
    requires \valid(view);
    requires \separated(view, json + (0 .. len - 1));
    requires \separated(view, origin + (0 .. n - 1));
    assigns view->origin[0 .. DSG_CD_ORIGIN_MAX - 1], view->origin_len;
    ensures \result == DSG_CD_OK || \result == DSG_CD_ERR_ORIGIN;
    ensures \result == DSG_CD_OK ==>
              view->origin_len == n && dsg_cd_same(&view->origin[0], origin, n);
*/
static int check_origin(const uint8_t *json, size_t len, dsg_json_tok tok,
                        const uint8_t *origin, size_t n, dsg_client_data_view *view)
{
    if (tok.type != DSG_JSON_STRING)
        return DSG_CD_ERR_ORIGIN;
    int rc = dsg_json_string_value(json, len, &tok, view->origin, DSG_CD_ORIGIN_MAX,
                                   &view->origin_len);
    if (rc != DSG_JSON_OK)
        return DSG_CD_ERR_ORIGIN;   /* NO_ROOM: longer than any origin expected */
    if (!same_text(view->origin, view->origin_len, origin, n))
        return DSG_CD_ERR_ORIGIN;
    return DSG_CD_OK;
}

/* ---- the check ---------------------------------------------------------------- */

/* The expectations are usable (dsg_cd_args_ok). */
/*@ assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_cd_args_ok(t, challenge_len, origin_len);
*/
static int args_ok(dsg_client_data_type t, size_t challenge_len, size_t origin_len)
{
    if (t != DSG_CD_CREATE && t != DSG_CD_GET)
        return 0;
    if (challenge_len < 1 || challenge_len > DSG_CD_CHALLENGE_MAX)
        return 0;
    return origin_len >= 1 && origin_len <= DSG_CD_ORIGIN_MAX;
}

/* Rules 4 to 8 over the located members (found[m]: member m's value
 * token, of type 0 when absent). */
/*@ requires dsg_cd_args_ok(t, challenge_len, origin_len);
    requires \valid_read(json + (0 .. len - 1));
    requires \valid_read(challenge + (0 .. challenge_len - 1));
    requires \valid_read(origin + (0 .. origin_len - 1));
    requires \valid_read(found + (0 .. M_COUNT - 1)) && \valid(view);
    requires \separated(view, json + (0 .. len - 1));
    requires \separated(view, challenge + (0 .. challenge_len - 1));
    requires \separated(view, origin + (0 .. origin_len - 1));
    requires \separated(view, found + (0 .. M_COUNT - 1));
    assigns view->type[0 .. DSG_CD_TYPE_MAX - 1], view->type_len,
            view->challenge_raw[0 .. DSG_CD_CHALLENGE_TEXT_MAX - 1], view->challenge_raw_len,
            view->challenge_text[0 .. DSG_CD_CHALLENGE_TEXT_MAX - 1], view->challenge_text_len,
            view->challenge[0 .. DSG_CD_CHALLENGE_MAX - 1], view->challenge_len,
            view->b64_err_at, view->origin[0 .. DSG_CD_ORIGIN_MAX - 1], view->origin_len;
    ensures dsg_cd_status_ok(\result) && \result != DSG_CD_ERR_ARGS;
    ensures \result == DSG_CD_OK ==>
              dsg_cd_type_text(&view->type[0], view->type_len, t);
    ensures \result == DSG_CD_OK ==>
              view->challenge_len == challenge_len &&
              dsg_cd_same(&view->challenge[0], challenge, challenge_len);
    ensures \result == DSG_CD_OK ==>
              dsg_b64url_ok(&view->challenge_text[0], view->challenge_text_len) &&
              dsg_b64url_decodes(&view->challenge_text[0], challenge, challenge_len);
    ensures \result == DSG_CD_OK ==>
              view->origin_len == origin_len && dsg_cd_same(&view->origin[0], origin, origin_len);
*/
static int check_members(const uint8_t *json, size_t len, dsg_client_data_type t,
                         const uint8_t *challenge, size_t challenge_len,
                         const uint8_t *origin, size_t origin_len, const dsg_json_tok *found,
                         dsg_client_data_view *view)
{
    /* copied first: the checks below write into *view only */
    dsg_json_tok type_tok = found[M_TYPE], challenge_tok = found[M_CHALLENGE];
    dsg_json_tok origin_tok = found[M_ORIGIN];
    uint8_t cross_type = found[M_CROSS_ORIGIN].type, top_type = found[M_TOP_ORIGIN].type;
    if (type_tok.type == 0)
        return DSG_CD_ERR_TYPE_MISSING;
    int rc = check_type(json, len, type_tok, t, view);
    if (rc != DSG_CD_OK)
        return rc;
    if (challenge_tok.type == 0)
        return DSG_CD_ERR_CHALLENGE_MISSING;
    rc = check_challenge(json, len, challenge_tok, challenge, challenge_len, view);
    if (rc != DSG_CD_OK)
        return rc;
    /*@ assert dsg_cd_type_text(&view->type[0], view->type_len, t); */
    if (origin_tok.type == 0)
        return DSG_CD_ERR_ORIGIN_MISSING;
    rc = check_origin(json, len, origin_tok, origin, origin_len, view);
    if (rc != DSG_CD_OK)
        return rc;
    if (cross_type != 0 && cross_type != DSG_JSON_FALSE)
        return DSG_CD_ERR_CROSS_ORIGIN;   /* true, or not a boolean at all */
    if (top_type != 0)
        return DSG_CD_ERR_TOP_ORIGIN;
    return DSG_CD_OK;
}

int dsg_client_data_check(const uint8_t *json, size_t len, dsg_client_data_type type,
                          const uint8_t *challenge, size_t challenge_len,
                          const uint8_t *origin, size_t origin_len,
                          dsg_client_data_view *view)
{
    if (!args_ok(type, challenge_len, origin_len))
        return DSG_CD_ERR_ARGS;
    int rc = read_json(json, len, view);
    if (rc != DSG_CD_OK)
        return rc;
    dsg_json_tok found[M_COUNT];
    if (locate(json, len, view->toks, view->ntoks, view->name, &view->name_len, found) != 0)
        return DSG_CD_ERR_JSON;
    return check_members(json, len, type, challenge, challenge_len, origin, origin_len, found,
                         view);
}

const char *dsg_client_data_error_token(int code)
{
    switch (code) {
    case DSG_CD_OK:
        return "ok";
    case DSG_CD_ERR_ARGS:
        return "bad-args";
    case DSG_CD_ERR_JSON:
        return "bad-json";
    case DSG_CD_ERR_DUPLICATE_KEY:
        return "duplicate-key";
    case DSG_CD_ERR_NOT_OBJECT:
        return "not-object";
    case DSG_CD_ERR_TYPE_MISSING:
        return "type-missing";
    case DSG_CD_ERR_TYPE:
        return "wrong-type";
    case DSG_CD_ERR_CHALLENGE_MISSING:
        return "challenge-missing";
    case DSG_CD_ERR_CHALLENGE_ENCODING:
        return "challenge-encoding";
    case DSG_CD_ERR_CHALLENGE:
        return "wrong-challenge";
    case DSG_CD_ERR_ORIGIN_MISSING:
        return "origin-missing";
    case DSG_CD_ERR_ORIGIN:
        return "wrong-origin";
    case DSG_CD_ERR_CROSS_ORIGIN:
        return "cross-origin";
    case DSG_CD_ERR_TOP_ORIGIN:
        return "top-origin";
    default:
        return "unknown";
    }
}
