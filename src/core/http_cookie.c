/*
 * Cookie request header parser (REQ-RUN-051). See http_cookie.h for the
 * grammar and the contract; acsl/PROOFS.md for what is proved.
 *
 * A pair is read in two runs: the name (tchars) up to "=", then the value
 * (cookie-octets, inside DQUOTEs or not) up to ";" or the end. Each run is
 * one loop whose invariant says every byte in it belongs to its class, so
 * the slices handed out satisfy the grammar by construction; the byte that
 * stops a run decides what comes next, or which error it is.
 */
#include "core/http_cookie.h"

/* Byte classes: branch-free expressions of 0/1 bits (as in conf_lex.c),
 * equal to the predicates of acsl/http_cookie.acsl.h. */
#define BIT(c) ((int)(c))
#define IS_OCTET(c) (BIT((c) >= 0x21u) & BIT((c) <= 0x7Eu) & BIT((c) != '"') & \
                     BIT((c) != ',') & BIT((c) != ';') & BIT((c) != '\\'))
#define IS_TCHAR(c) (IS_OCTET(c) & BIT((c) != '(') & BIT((c) != ')') & BIT((c) != '/') & \
                     BIT((c) != ':') & BIT((c) != '<') & BIT((c) != '=') & \
                     BIT((c) != '>') & BIT((c) != '?') & BIT((c) != '@') & \
                     BIT((c) != '[') & BIT((c) != ']') & BIT((c) != '{') & BIT((c) != '}'))

/* The end of the run of tchars starting at s[i]. */
/*@ requires i <= len && \valid_read(s + (0 .. len - 1));
    assigns \nothing;
    ensures i <= \result <= len;
    ensures dsg_cookie_all_tchar(s, i, \result);
    ensures \result < len ==> !dsg_cookie_tchar(s[\result]);
*/
static size_t name_end(const uint8_t *s, size_t len, size_t i)
{
    size_t p = i;
    /*@ loop invariant i <= p <= len;
        loop invariant dsg_cookie_all_tchar(s, i, p);
        loop assigns p;
        loop variant len - p;
    */
    while (p < len) {
        uint8_t c = s[p];
        if (IS_TCHAR(c) == 0)
            break;
        p++;
    }
    return p;
}

/* The end of the run of cookie-octets starting at s[i]. */
/*@ requires i <= len && \valid_read(s + (0 .. len - 1));
    assigns \nothing;
    ensures i <= \result <= len;
    ensures dsg_cookie_all_octet(s, i, \result);
    ensures \result < len ==> !dsg_cookie_octet(s[\result]);
*/
static size_t value_end(const uint8_t *s, size_t len, size_t i)
{
    size_t p = i;
    /*@ loop invariant i <= p <= len;
        loop invariant dsg_cookie_all_octet(s, i, p);
        loop assigns p;
        loop variant len - p;
    */
    while (p < len) {
        uint8_t c = s[p];
        if (IS_OCTET(c) == 0)
            break;
        p++;
    }
    return p;
}

/* Why the byte c breaks the grammar: it is white space, a control byte, or
 * neither (then `other`, the error of the place it was found in). */
/*@ requires DSG_COOKIE_OK <= other <= DSG_COOKIE_ERR_TOO_MANY;
    assigns \nothing;
    ensures \result == DSG_COOKIE_ERR_SPACE || \result == DSG_COOKIE_ERR_CONTROL ||
            \result == other;
*/
static dsg_cookie_status refuse(uint8_t c, dsg_cookie_status other)
{
    int sp = BIT(c == ' ') | BIT(c == '\t');
    int ctl = (BIT(c < 0x20u) | BIT(c == 0x7Fu)) & (sp ^ 1);
    return (dsg_cookie_status)(sp * (int)DSG_COOKIE_ERR_SPACE + ctl * (int)DSG_COOKIE_ERR_CONTROL +
                               (1 - sp - ctl) * (int)other);
}

/* The value of a pair, starting at s[v] (just after "="): its slice in
 * *p, and in *end the ";" or the end of the input that follows it. On an
 * error *end is its offset. */
/*@ requires 1 <= v <= len && \valid_read(s + (0 .. len - 1));
    requires \valid(p) && \valid(end) && \separated(p, end);
    assigns p->value_off, p->value_len, *end;
    ensures *end <= len;
    ensures \result == DSG_COOKIE_OK || \result == DSG_COOKIE_ERR_SPACE ||
            \result == DSG_COOKIE_ERR_CONTROL || \result == DSG_COOKIE_ERR_BAD_VALUE ||
            \result == DSG_COOKIE_ERR_BAD_QUOTE;
    ensures \result == DSG_COOKIE_OK ==>
              v <= p->value_off && p->value_off + p->value_len <= *end &&
              dsg_cookie_all_octet(s, p->value_off, p->value_off + p->value_len) &&
              (*end == len || s[*end] == ';');
*/
static dsg_cookie_status value(const uint8_t *s, size_t len, size_t v, dsg_cookie *p,
                               size_t *end)
{
    size_t a = v;
    int quoted = 0;
    if (v < len && s[v] == '"') {
        a = v + 1;
        quoted = 1;
    }
    size_t b = value_end(s, len, a);
    *end = b;
    if (quoted != 0) {
        if (b == len || s[b] == ';')
            return DSG_COOKIE_ERR_BAD_QUOTE;
        if (s[b] != '"')
            return refuse(s[b], DSG_COOKIE_ERR_BAD_VALUE);
        *end = b + 1;
        if (b + 1 < len && s[b + 1] != ';')
            return refuse(s[b + 1], DSG_COOKIE_ERR_BAD_QUOTE);
    } else if (b < len && s[b] != ';') {
        return refuse(s[b], DSG_COOKIE_ERR_BAD_VALUE);
    }
    p->value_off = a;
    p->value_len = b - a;
    return DSG_COOKIE_OK;
}

/* One cookie-pair starting at s[i]: into *p, and in *end the ";" or the
 * end of the input after it. On an error *end is its offset. */
/*@ requires i <= len && \valid_read(s + (0 .. len - 1));
    requires \valid(p) && \valid(end) && \separated(p, end);
    requires \separated(p, s + (0 .. len - 1)) && \separated(end, s + (0 .. len - 1));
    assigns *p, *end;
    ensures *end <= len;
    ensures \result == DSG_COOKIE_OK ||
            (DSG_COOKIE_ERR_CONTROL <= \result <= DSG_COOKIE_ERR_BAD_QUOTE);
    ensures \result == DSG_COOKIE_OK ==>
              i < *end && dsg_cookie_pair_ok(s, len, *p) && (*end == len || s[*end] == ';');
*/
static dsg_cookie_status pair(const uint8_t *s, size_t len, size_t i, dsg_cookie *p,
                              size_t *end)
{
    size_t e = name_end(s, len, i);
    *end = e;
    if (e == len || s[e] == ';')
        return e == i ? DSG_COOKIE_ERR_EMPTY_NAME : DSG_COOKIE_ERR_NO_EQUALS;
    if (s[e] != '=')
        return refuse(s[e], DSG_COOKIE_ERR_BAD_NAME);
    if (e == i)
        return DSG_COOKIE_ERR_EMPTY_NAME;
    p->name_off = i;
    p->name_len = e - i;
    return value(s, len, e + 1, p, end);
}

dsg_cookie_status dsg_cookie_parse(const uint8_t *s, size_t len, dsg_cookie *out, size_t cap,
                                   size_t *count, size_t *err_at)
{
    *count = 0;
    *err_at = 0;
    if (len == 0)
        return DSG_COOKIE_ERR_EMPTY;
    size_t i = 0, n = 0;
    /*@ loop invariant 0 <= n <= cap && i <= len;
        loop invariant dsg_cookie_pairs_ok(s, len, out, n);
        loop invariant *count == 0 && *err_at == 0;
        loop assigns i, n, out[0 .. cap - 1];
        loop variant len - i;
    */
    for (;;) {
        if (n >= cap) {
            *err_at = i;
            return DSG_COOKIE_ERR_TOO_MANY;
        }
        size_t e = 0;
        dsg_cookie_status st = pair(s, len, i, &out[n], &e);
        if (st != DSG_COOKIE_OK) {
            *err_at = e;
            return st;
        }
        n++;
        if (e == len)
            break;
        if (len - e < 2u || s[e + 1] != ' ') {   /* s[e] is ";" */
            *err_at = e + 1;
            return DSG_COOKIE_ERR_SEPARATOR;
        }
        i = e + 2;
    }
    *count = n;
    *err_at = len;
    return DSG_COOKIE_OK;
}

/* ---- lookup ----------------------------------------------------------------- */

/* 1 when every name slice of p[0 .. n) lies inside s[0 .. len). */
/*@ requires \valid_read(p + (0 .. n - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_cookie_names_in(p, n, len);
*/
static int names_in(const dsg_cookie *p, size_t n, size_t len)
{
    size_t k = 0;
    /*@ loop invariant 0 <= k <= n;
        loop invariant dsg_cookie_names_in(p, k, len);
        loop assigns k;
        loop variant n - k;
    */
    while (k < n) {
        size_t off = p[k].name_off;
        if (off > len || p[k].name_len > len - off)
            return 0;
        k++;
    }
    return 1;
}

/* 1 when the name of *p is exactly name[0 .. n). */
/*@ requires \valid_read(s + (0 .. len - 1)) && \valid_read(name + (0 .. n - 1));
    requires \valid_read(p) && dsg_cookie_in(p->name_off, p->name_len, len);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_cookie_named(s, *p, name, n);
*/
static int is_named(const uint8_t *s, size_t len, const dsg_cookie *p, const uint8_t *name,
                    size_t n)
{
    (void)len;   /* the contract's: the slice lies inside s[0 .. len) */
    if (p->name_len != n)
        return 0;
    size_t off = p->name_off;
    size_t k = 0;
    /*@ loop invariant 0 <= k <= n;
        loop invariant \forall integer j; 0 <= j < k ==> s[off + j] == name[j];
        loop assigns k;
        loop variant n - k;
    */
    while (k < n) {
        if (s[off + k] != name[k]) {
            /*@ assert !dsg_cookie_named(s, *p, name, n); */
            return 0;
        }
        k++;
    }
    return 1;
}

dsg_cookie_status dsg_cookie_find(const uint8_t *s, size_t len, const dsg_cookie *pairs,
                                  size_t n, const uint8_t *name, size_t name_len,
                                  size_t *index)
{
    if (!names_in(pairs, n, len))
        return DSG_COOKIE_ERR_BAD_PAIR;
    size_t found = n;
    size_t k = 0;
    /*@ loop invariant 0 <= k <= n;
        loop invariant found == n || found < k;
        loop invariant found == n ==>
          \forall integer j; 0 <= j < k ==> !dsg_cookie_named(s, pairs[j], name, name_len);
        loop invariant found < n ==> dsg_cookie_named(s, pairs[found], name, name_len);
        loop invariant found < n ==>
          \forall integer j; 0 <= j < k && j != found ==>
            !dsg_cookie_named(s, pairs[j], name, name_len);
        loop assigns k, found;
        loop variant n - k;
    */
    while (k < n) {
        if (is_named(s, len, &pairs[k], name, name_len)) {
            if (found < n)
                return DSG_COOKIE_DUPLICATE;
            found = k;
        }
        k++;
    }
    if (found == n)
        return DSG_COOKIE_NOT_FOUND;
    *index = found;
    return DSG_COOKIE_OK;
}

/* Index = status; the last row answers any value outside the enum. */
static const char status_tokens[DSG_COOKIE_ERR_BAD_PAIR + 2][16] = {
    "ok", "empty", "control", "space", "bad-separator", "empty-name", "bad-name",
    "no-equals", "bad-value", "bad-quote", "too-many", "not-found", "duplicate",
    "bad-pair", "unknown",
};

const char *dsg_cookie_status_token(dsg_cookie_status status)
{
    unsigned i = (unsigned)status;
    if (i > (unsigned)DSG_COOKIE_ERR_BAD_PAIR)
        i = (unsigned)DSG_COOKIE_ERR_BAD_PAIR + 1u;
    return status_tokens[i];
}
