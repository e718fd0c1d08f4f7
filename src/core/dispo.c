/*
 * The Content-Disposition value of a download: the contract is in
 * dispo.h, the logic in acsl/dispo.acsl.h.
 *
 * The value is written left to right; *at is the next free byte and stays
 * below cap, so that the NUL always has a place. Every helper refuses a
 * byte that would take the last place, and the caller then blanks the
 * whole output.
 */
#include "core/dispo.h"
#include "core/utf8.h"

/* Appends c at out[*at]: -1 (nothing written) when out[*at + 1] would not
 * be left for the NUL. */
/*@ requires \valid(out + (0 .. cap - 1)) && \valid(at);
    requires \separated(at, out + (0 .. cap - 1));
    requires *at < cap && dsg_dispo_text(out, *at);
    requires dsg_dispo_printable(c);
    assigns out[*at], *at;
    ensures *at < cap && dsg_dispo_text(out, *at);
    behavior room:
      assumes cap - *at >= 2;
      ensures \result == 0 && *at == \old(*at) + 1 && out[\old(*at)] == c;
    behavior full:
      assumes cap - *at < 2;
      assigns \nothing;
      ensures \result == -1;
    complete behaviors;
    disjoint behaviors;
*/
static int put(char *out, size_t cap, size_t *at, char c)
{
    if (cap - *at < 2)
        return -1;
    out[*at] = c;
    *at += 1;
    return 0;
}

/* Appends lit[0 .. k), a printable literal. */
/*@ requires \valid(out + (0 .. cap - 1)) && \valid(at);
    requires \valid_read(lit + (0 .. k - 1));
    requires \separated(at, out + (0 .. cap - 1), lit + (0 .. k - 1));
    requires \separated(out + (0 .. cap - 1), lit + (0 .. k - 1));
    requires *at < cap && dsg_dispo_text(out, *at);
    requires dsg_dispo_text(lit, k);
    assigns out[*at .. cap - 1], *at;
    ensures *at < cap && dsg_dispo_text(out, *at);
    ensures \result == 0 || \result == -1;
    ensures \result == 0 ==> *at == \old(*at) + k;
    ensures \result == 0 ==> \forall integer j; 0 <= j < k ==> out[\old(*at) + j] == lit[j];
*/
static int put_lit(char *out, size_t cap, size_t *at, const char *lit, size_t k)
{
    /*@ loop invariant 0 <= i <= k;
        loop invariant *at == \at(*at, Pre) + i;
        loop invariant *at < cap && dsg_dispo_text(out, *at);
        loop invariant \forall integer j; 0 <= j < i ==> out[\at(*at, Pre) + j] == lit[j];
        loop assigns i, *at, out[\at(*at, Pre) .. cap - 1];
        loop variant k - i;
    */
    for (size_t i = 0; i < k; i++)
        if (put(out, cap, at, lit[i]) != 0)
            return -1;
    return 0;
}

/* The upper-case hex digit of d. */
/*@ requires d < 16;
    assigns \nothing;
    ensures dsg_dispo_printable(\result);
    ensures d < 10 ==> \result == '0' + d;
    ensures d >= 10 ==> \result == 'A' + (d - 10);
*/
static char hex(unsigned d)
{
    return d < 10 ? (char)('0' + d) : (char)('A' + (d - 10));
}

/*@ assigns \nothing;
    ensures \result == 1 <==> dsg_dispo_attr_char(c);
    ensures \result == 0 || \result == 1;
*/
static int attr_char(uint8_t c)
{
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
        return 1;
    switch (c) {
    case '!': case '#': case '$': case '&': case '+': case '-': case '.':
    case '^': case '_': case '`': case '|': case '~':
        return 1;
    default:
        return 0;
    }
}

/* The fallback's character for an ASCII byte c: c itself when printable
 * and not '"', '\' or '%', else '_'. */
/*@ requires c < 0x80;
    assigns \nothing;
    ensures dsg_dispo_printable(\result);
    ensures \result != '"' && \result != '\\' && \result != '%';
*/
static char plain(uint8_t c)
{
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\' || c == '%')
        return '_';
    return (char)c;
}

/* Appends the quoted-string fallback's content: one character per ASCII
 * byte, one '_' per well-formed multi-byte UTF-8 sequence and per other
 * byte >= 0x80. */
/*@ requires \valid(out + (0 .. cap - 1)) && \valid(at);
    requires \valid_read(name + (0 .. len - 1));
    requires \separated(at, out + (0 .. cap - 1), name + (0 .. len - 1));
    requires \separated(out + (0 .. cap - 1), name + (0 .. len - 1));
    requires *at < cap && dsg_dispo_text(out, *at);
    assigns out[*at .. cap - 1], *at;
    ensures *at < cap && dsg_dispo_text(out, *at);
    ensures \result == 0 || \result == -1;
    ensures \result == 0 ==> *at >= \old(*at);
*/
static int put_fallback(char *out, size_t cap, size_t *at, const uint8_t *name, size_t len)
{
    size_t i = 0;
    /*@ loop invariant 0 <= i <= len;
        loop invariant \at(*at, Pre) <= *at < cap && dsg_dispo_text(out, *at);
        loop assigns i, *at, out[\at(*at, Pre) .. cap - 1];
        loop variant len - i;
    */
    while (i < len) {
        size_t step = 1;
        char c = '_';
        if (name[i] < 0x80) {
            c = plain(name[i]);
        } else {
            uint32_t cp;
            size_t k = dsg_utf8_decode(name, len, i, &cp);
            if (k >= 2)
                step = k;
        }
        if (put(out, cap, at, c) != 0)
            return -1;
        i += step;
    }
    return 0;
}

/* Appends the ext-value's characters (RFC 8187 §3.2.1): an attr-char as
 * itself, every other byte as %XX. At least one character per byte. */
/*@ requires \valid(out + (0 .. cap - 1)) && \valid(at);
    requires \valid_read(name + (0 .. len - 1));
    requires \separated(at, out + (0 .. cap - 1), name + (0 .. len - 1));
    requires \separated(out + (0 .. cap - 1), name + (0 .. len - 1));
    requires *at < cap && dsg_dispo_text(out, *at);
    assigns out[*at .. cap - 1], *at;
    ensures *at < cap && dsg_dispo_text(out, *at);
    ensures \result == 0 || \result == -1;
    ensures \result == 0 ==> *at >= \old(*at) + len;
*/
static int put_ext(char *out, size_t cap, size_t *at, const uint8_t *name, size_t len)
{
    /*@ loop invariant 0 <= i <= len;
        loop invariant \at(*at, Pre) + i <= *at < cap && dsg_dispo_text(out, *at);
        loop assigns i, *at, out[\at(*at, Pre) .. cap - 1];
        loop variant len - i;
    */
    for (size_t i = 0; i < len; i++) {
        uint8_t b = name[i];
        if (attr_char(b)) {
            if (put(out, cap, at, (char)b) != 0)
                return -1;
        } else if (put(out, cap, at, '%') != 0 || put(out, cap, at, hex(b / 16u)) != 0 ||
                   put(out, cap, at, hex(b % 16u)) != 0) {
            return -1;
        }
    }
    return 0;
}

/* Appends the start of the value, up to the fallback's opening quote. */
/*@ requires \valid(out + (0 .. cap - 1)) && \valid(at);
    requires \separated(at, out + (0 .. cap - 1));
    requires *at == 0 && cap > 0;
    assigns out[0 .. cap - 1], *at;
    ensures *at < cap && dsg_dispo_text(out, *at);
    ensures \result == 0 || \result == -1;
    ensures \result == 0 ==> *at == 22 && dsg_dispo_is_attachment(out);
*/
static int put_head(char *out, size_t cap, size_t *at)
{
    const char head[] = "attachment; filename=\"";
    /*@ assert dsg_dispo_text(&head[0], 22) && dsg_dispo_is_attachment(&head[0]); */
    return put_lit(out, cap, at, head, sizeof head - 1);
}

/* Appends the fallback's closing quote and the start of filename*. */
/*@ requires \valid(out + (0 .. cap - 1)) && \valid(at);
    requires \separated(at, out + (0 .. cap - 1));
    requires *at < cap && dsg_dispo_text(out, *at);
    assigns out[*at .. cap - 1], *at;
    ensures *at < cap && dsg_dispo_text(out, *at);
    ensures \result == 0 || \result == -1;
    ensures \result == 0 ==> *at == \old(*at) + 20;
*/
static int put_mid(char *out, size_t cap, size_t *at)
{
    const char mid[] = "\"; filename*=UTF-8''";
    /*@ assert dsg_dispo_text(&mid[0], 20); */
    return put_lit(out, cap, at, mid, sizeof mid - 1);
}

int dsg_dispo_attachment(const uint8_t *name, size_t len, char *out, size_t cap,
                         size_t *outlen)
{
    if (cap == 0)
        return -1;
    size_t at = 0;
    if (put_head(out, cap, &at) != 0 || put_fallback(out, cap, &at, name, len) != 0 ||
        put_mid(out, cap, &at) != 0 || put_ext(out, cap, &at, name, len) != 0) {
        out[0] = '\0';
        return -1;
    }
    out[at] = '\0';
    *outlen = at;
    return 0;
}
