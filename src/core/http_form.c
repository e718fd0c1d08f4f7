/*
 * application/x-www-form-urlencoded parser (REQ-RUN-052). See http_form.h
 * for the rules and the contract; acsl/PROOFS.md for what is proved.
 *
 * One routine reads a name or value, a code point at a time: it decodes up
 * to four bytes ("+", "%XY" or the byte itself) and hands them to the
 * proved strict UTF-8 decoder (src/core/utf8), which says how many of them
 * make the code point. dsg_form_parse runs it over every name and value
 * without keeping the bytes; dsg_form_decode copies them out. So a form
 * that parses decodes field by field without an error but TOO_LONG, and
 * both report the same error at the same place.
 */
#include "core/http_form.h"

#include "core/utf8.h"

#define BIT(c) ((int)(c))
#define IS_DIGIT(c) (BIT((c) >= '0') & BIT((c) <= '9'))

/* The value of a hex digit, or 16 for any other byte. */
/*@ assigns \nothing;
    ensures 0 <= \result <= 16;
*/
static int hex_value(uint8_t c)
{
    int digit = IS_DIGIT(c);
    int lower = BIT(c >= 'a') & BIT(c <= 'f');
    int upper = BIT(c >= 'A') & BIT(c <= 'F');
    return digit * (c - '0') + lower * (c - 'a' + 10) + upper * (c - 'A' + 10) +
           16 * (1 - digit - lower - upper);
}

/* The byte s[i ..] decodes to in *c: "+" is SP, "%XY" the byte 0xXY, any
 * other byte itself. Returns the input bytes it takes (1 or 3), or 0 for a
 * "%" without two hex digits after it. */
/*@ requires i < n && \valid_read(s + (0 .. n - 1));
    requires \valid(c) && \separated(c, s + (0 .. n - 1));
    assigns *c;
    ensures \result == 0 || \result == 1 || \result == 3;
    ensures \result <= n - i;
*/
static size_t unescape(const uint8_t *s, size_t n, size_t i, uint8_t *c)
{
    uint8_t b = s[i];
    if (b != '%') {
        *c = (uint8_t)(b - ('+' - ' ') * BIT(b == '+'));
        return 1;
    }
    if (n - i < 3u)
        return 0;
    int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
    if ((BIT(hi > 15) | BIT(lo > 15)) != 0)
        return 0;
    *c = (uint8_t)(hi * 16 + lo);
    return 3;
}

/* The code point that starts at s[i] (i < n): its decoded bytes in
 * b[0 .. *blen) and the input bytes they take in *used. The bytes are never
 * 0: a NUL is refused, and every byte of a longer sequence is >= 0x80. */
/*@ requires i < n && \valid_read(s + (0 .. n - 1));
    requires \valid(b + (0 .. 3)) && \valid(blen) && \valid(used);
    requires \separated(b + (0 .. 3), blen, used, s + (0 .. n - 1));
    assigns b[0 .. 3], *blen, *used;
    ensures \result == DSG_FORM_OK || \result == DSG_FORM_ERR_BAD_ESCAPE ||
            \result == DSG_FORM_ERR_NUL || \result == DSG_FORM_ERR_BAD_UTF8;
    ensures \result == DSG_FORM_OK ==>
              1 <= *blen <= 4 && *blen <= *used <= n - i &&
              (\forall integer k; 0 <= k < *blen ==> b[k] != 0);
*/
static dsg_form_status code_point(const uint8_t *s, size_t n, size_t i, uint8_t *b,
                                  size_t *blen, size_t *used)
{
    size_t ends[4] = { 0, 0, 0, 0 };   /* ends[k]: input bytes taken by b[0 .. k] */
    size_t k = 0, j = i;
    /*@ loop invariant 0 <= k <= 4 && i <= j <= n && k <= j - i;
        loop invariant \forall integer m; 0 <= m < k ==> m + 1 <= ends[m] <= j - i;
        loop assigns k, j, b[0 .. 3], ends[0 .. 3];
        loop variant 4 - k;
    */
    while (k < 4u && j < n) {
        size_t r = unescape(s, n, j, &b[k]);
        if (r == 0)
            break;
        j += r;
        ends[k] = j - i;
        k++;
    }
    if (k == 0)
        return DSG_FORM_ERR_BAD_ESCAPE;
    uint32_t cp = 0;
    size_t len = dsg_utf8_decode(b, k, 0, &cp);
    if (len == 0)
        return DSG_FORM_ERR_BAD_UTF8;
    if ((BIT(len == 1u) & BIT(cp == 0u)) != 0)
        return DSG_FORM_ERR_NUL;
    *blen = len;
    *used = ends[len - 1u];
    return DSG_FORM_OK;
}

/* Checks s[i .. n), a name or a value: every code point decodes. On an
 * error *at is the offset of the code point. */
/*@ requires i <= n && \valid_read(s + (0 .. n - 1));
    requires \valid(at) && \separated(at, s + (0 .. n - 1));
    assigns *at;
    ensures \result == DSG_FORM_OK || \result == DSG_FORM_ERR_BAD_ESCAPE ||
            \result == DSG_FORM_ERR_NUL || \result == DSG_FORM_ERR_BAD_UTF8;
    ensures \result != DSG_FORM_OK ==> *at < n;
    ensures \result == DSG_FORM_OK ==> *at == \old(*at);
*/
static dsg_form_status check(const uint8_t *s, size_t n, size_t i, size_t *at)
{
    uint8_t b[4];
    size_t blen = 0, used = 0;
    size_t p = i;
    /*@ loop invariant i <= p <= n;
        loop assigns p, b[0 .. 3], blen, used;
        loop variant n - p;
    */
    while (p < n) {
        dsg_form_status st = code_point(s, n, p, b, &blen, &used);
        if (st != DSG_FORM_OK) {
            *at = p;
            return st;
        }
        p += used;
    }
    return DSG_FORM_OK;
}

/* The first c in s[i .. n), or n. */
/*@ requires i <= n && \valid_read(s + (0 .. n - 1));
    assigns \nothing;
    ensures i <= \result <= n;
    ensures dsg_form_none(s, i, \result, c);
    ensures \result < n ==> s[\result] == c;
*/
static size_t find_byte(const uint8_t *s, size_t n, size_t i, uint8_t c)
{
    size_t p = i;
    /*@ loop invariant i <= p <= n;
        loop invariant dsg_form_none(s, i, p, c);
        loop assigns p;
        loop variant n - p;
    */
    while (p < n) {
        if (s[p] == c)
            break;
        p++;
    }
    return p;
}

/* The field s[i .. e) (no "&" in it): split at the first "=", name and
 * value checked. On an error *at is its offset. */
/*@ requires i < e <= len && \valid_read(s + (0 .. len - 1));
    requires dsg_form_none(s, i, e, '&');
    requires \valid(f) && \valid(at) && \separated(f, at);
    requires \separated(f, s + (0 .. len - 1)) && \separated(at, s + (0 .. len - 1));
    assigns *f, *at;
    ensures \result == DSG_FORM_OK || \result == DSG_FORM_ERR_BAD_ESCAPE ||
            \result == DSG_FORM_ERR_NUL || \result == DSG_FORM_ERR_BAD_UTF8;
    ensures \result != DSG_FORM_OK ==> *at < len;
    ensures \result == DSG_FORM_OK ==> *at == \old(*at) && dsg_form_field_ok(s, len, *f);
*/
static dsg_form_status field(const uint8_t *s, size_t len, size_t i, size_t e,
                             dsg_form_field *f, size_t *at)
{
    (void)len;   /* the contract's: the field lies inside s[0 .. len) */
    size_t q = find_byte(s, e, i, '=');
    size_t v = q + (size_t)BIT(q < e);
    dsg_form_status st = check(s, q, i, at);
    if (st != DSG_FORM_OK)
        return st;
    st = check(s, e, v, at);
    if (st != DSG_FORM_OK)
        return st;
    f->name_off = i;
    f->name_len = q - i;
    f->value_off = v;
    f->value_len = e - v;
    return DSG_FORM_OK;
}

dsg_form_status dsg_form_parse(const uint8_t *s, size_t len, dsg_form_field *out, size_t cap,
                               size_t *count, size_t *err_at)
{
    *count = 0;
    *err_at = 0;
    size_t i = 0, n = 0;
    /*@ loop invariant 0 <= n <= cap && i <= len;
        loop invariant dsg_form_fields_ok(s, len, out, n);
        loop invariant *count == 0 && *err_at == 0;
        loop assigns i, n, out[0 .. cap - 1], *err_at;
        loop variant len - i;
    */
    while (i < len) {
        size_t e = find_byte(s, len, i, '&');
        if (e > i) {                      /* empty sequences are skipped */
            if (n >= cap) {
                *err_at = i;
                return DSG_FORM_ERR_TOO_MANY;
            }
            dsg_form_status st = field(s, len, i, e, &out[n], err_at);
            if (st != DSG_FORM_OK)
                return st;
            n++;
        }
        if (e == len)
            break;
        i = e + 1;
    }
    /*@ assert dsg_form_fields_ok(s, len, out, n); */
    *count = n;
    *err_at = len;
    return DSG_FORM_OK;
}

dsg_form_status dsg_form_decode(const uint8_t *in, size_t n, uint8_t *out, size_t cap,
                                size_t *out_len)
{
    uint8_t b[4];
    size_t blen = 0, used = 0;
    size_t i = 0, w = 0;
    /*@ loop invariant 0 <= w <= i <= n && w <= cap;
        loop invariant \forall integer k; 0 <= k < w ==> out[k] != 0;
        loop assigns i, w, out[0 .. cap - 1], b[0 .. 3], blen, used;
        loop variant n - i;
    */
    while (i < n) {
        dsg_form_status st = code_point(in, n, i, b, &blen, &used);
        if (st != DSG_FORM_OK)
            return st;
        if (blen > cap - w)
            return DSG_FORM_ERR_TOO_LONG;
        size_t k = 0;
        /*@ loop invariant 0 <= k <= blen;
            loop invariant \forall integer m; 0 <= m < w + k ==> out[m] != 0;
            loop assigns k, out[w .. w + blen - 1];
            loop variant blen - k;
        */
        while (k < blen) {
            out[w + k] = b[k];
            k++;
        }
        w += blen;
        i += used;
    }
    *out_len = w;
    return DSG_FORM_OK;
}

/* ---- lookup ----------------------------------------------------------------- */

/* 1 when every name slice of f[0 .. n) lies inside s[0 .. len). */
/*@ requires \valid_read(f + (0 .. n - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_form_names_in(f, n, len);
*/
static int names_in(const dsg_form_field *f, size_t n, size_t len)
{
    size_t k = 0;
    /*@ loop invariant 0 <= k <= n;
        loop invariant dsg_form_names_in(f, k, len);
        loop assigns k;
        loop variant n - k;
    */
    while (k < n) {
        size_t off = f[k].name_off;
        if (off > len || f[k].name_len > len - off)
            return 0;
        k++;
    }
    return 1;
}

/* 1 when s[i .. e) decodes ("+" and "%XY", as unescape) to exactly
 * want[0 .. wn); a bad escape matches nothing. */
/*@ requires i <= e && \valid_read(s + (0 .. e - 1));
    requires \valid_read(want + (0 .. wn - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
*/
static int decodes_to(const uint8_t *s, size_t i, size_t e, const uint8_t *want, size_t wn)
{
    uint8_t c = 0;
    size_t p = i, j = 0;
    /*@ loop invariant i <= p <= e && 0 <= j <= wn;
        loop assigns p, j, c;
        loop variant e - p;
    */
    while (p < e) {
        if (j >= wn)
            return 0;
        size_t r = unescape(s, e, p, &c);
        if ((BIT(r == 0) | BIT(c != want[j])) != 0)
            return 0;
        p += r;
        j++;
    }
    return BIT(j == wn);
}

dsg_form_status dsg_form_find(const uint8_t *s, size_t len, const dsg_form_field *fields,
                              size_t n, const uint8_t *name, size_t name_len, size_t *index)
{
    if (!names_in(fields, n, len))
        return DSG_FORM_ERR_BAD_FIELD;
    size_t found = n;
    size_t k = 0;
    /*@ loop invariant 0 <= k <= n;
        loop invariant found == n || found < k;
        loop assigns k, found;
        loop variant n - k;
    */
    while (k < n) {
        size_t off = fields[k].name_off;
        if (decodes_to(s, off, off + fields[k].name_len, name, name_len)) {
            if (found < n)
                return DSG_FORM_DUPLICATE;
            found = k;
        }
        k++;
    }
    if (found == n)
        return DSG_FORM_NOT_FOUND;
    *index = found;
    return DSG_FORM_OK;
}

/* Index = status; the last row answers any value outside the enum. */
static const char status_tokens[DSG_FORM_ERR_BAD_FIELD + 2][16] = {
    "ok", "bad-escape", "nul", "bad-utf8", "too-many", "too-long", "not-found",
    "duplicate", "bad-field", "unknown",
};

const char *dsg_form_status_token(dsg_form_status status)
{
    unsigned i = (unsigned)status;
    if (i > (unsigned)DSG_FORM_ERR_BAD_FIELD)
        i = (unsigned)DSG_FORM_ERR_BAD_FIELD + 1u;
    return status_tokens[i];
}
