/*
 * The HTML escaper: the contract is in html_esc.h, the logic in
 * acsl/html_esc.acsl.h.
 *
 * Three passes over the value: check it (UTF-8, controls), count its
 * escape, then, only when it fits, write it. Counting first is what lets
 * a refusal leave the buffer untouched, and its loop invariant
 * (dsg_html_mono) is what proves each write lands before the end of the
 * escape.
 */
#include "core/html_esc.h"
#include "core/utf8.h"

/*@ assigns \nothing;
    ensures \result == dsg_html_esc_len(c);
    ensures 1 <= \result <= 6;
*/
static size_t esc_len(uint8_t c)
{
    switch (c) {
    case '&': case '\'':
        return 5;
    case '<': case '>':
        return 4;
    case '"':
        return 6;
    default:
        return 1;
    }
}

/*@ assigns \nothing;
    ensures \result == 1 <==> dsg_html_allowed(c);
    ensures \result == 0 || \result == 1;
*/
static int allowed(uint8_t c)
{
    return c >= 0x20u ? c != 0x7fu : (c == 0x09u || c == 0x0au || c == 0x0du);
}

/* Checks the character at s[i]: its length in bytes, or 0 and the reason
 * in *err. */
/*@ requires i < len && \valid_read(s + (0 .. len - 1)) && \valid(err);
    requires \separated(err, s + (0 .. len - 1));
    assigns *err;
    ensures 0 <= \result <= len - i;
    ensures \result > 0 ==> \forall integer j; i <= j < i + \result ==> dsg_html_allowed(s[j]);
    ensures \result == 0 ==> *err == DSG_HTML_ERR_UTF8 || *err == DSG_HTML_ERR_CONTROL;
    ensures \result == 0 && *err == DSG_HTML_ERR_CONTROL ==>
              !dsg_html_allowed(s[i]) || dsg_html_c1_at(s, len, i);
*/
static size_t check_char(const uint8_t *s, size_t len, size_t i, dsg_html_status *err)
{
    uint32_t cp;
    size_t k = dsg_utf8_decode(s, len, i, &cp);
    if (k == 0) {
        *err = DSG_HTML_ERR_UTF8;
        return 0;
    }
    if ((k == 1 && !allowed(s[i])) || (k == 2 && s[i] == 0xC2u && s[i + 1] <= 0x9Fu)) {
        *err = DSG_HTML_ERR_CONTROL;
        return 0;
    }
    return k;
}

/* Checks the whole value: OK, or the first offending byte in *bad. */
/*@ requires \valid_read(s + (0 .. len - 1)) && \valid(bad);
    requires \separated(bad, s + (0 .. len - 1));
    assigns *bad;
    ensures \result == DSG_HTML_OK || \result == DSG_HTML_ERR_UTF8 ||
            \result == DSG_HTML_ERR_CONTROL;
    ensures \result == DSG_HTML_OK ==> dsg_html_clean(s, len) && *bad == \old(*bad);
    ensures \result != DSG_HTML_OK ==> *bad < len;
    ensures \result == DSG_HTML_ERR_CONTROL ==>
              !dsg_html_allowed(s[*bad]) || dsg_html_c1_at(s, len, *bad);
*/
static dsg_html_status check_text(const uint8_t *s, size_t len, size_t *bad)
{
    size_t i = 0;
    /*@ loop invariant 0 <= i <= len;
        loop invariant dsg_html_clean(s, i);
        loop assigns i;
        loop variant len - i;
    */
    while (i < len) {
        dsg_html_status err = DSG_HTML_OK;
        size_t k = check_char(s, len, i, &err);
        if (k == 0) {
            *bad = i;
            return err;
        }
        i += k;
    }
    return DSG_HTML_OK;
}

/* The length of the escape of s[0 .. len). */
/*@ requires len <= DSG_HTML_IN_MAX && \valid_read(s + (0 .. len - 1));
    assigns \nothing;
    ensures \result == dsg_html_out_len(s, len);
    ensures len <= \result <= 6 * len;
    ensures dsg_html_mono(s, len);
*/
static size_t count(const uint8_t *s, size_t len)
{
    size_t n = 0;
    /*@ loop invariant 0 <= i <= len;
        loop invariant n == dsg_html_out_len(s, i);
        loop invariant i <= n <= 6 * i;
        loop invariant dsg_html_mono(s, i);
        loop assigns i, n;
        loop variant len - i;
    */
    for (size_t i = 0; i < len; i++)
        n += esc_len(s[i]);
    return n;
}

/* The char holding byte c. */
/*@ assigns \nothing;
    ensures \result == dsg_html_char(c);
*/
static char byte_char(uint8_t c)
{
    return c < 0x80u ? (char)c : (char)((int)c - 0x100);
}

/* Writes the escape of byte c at out[at ..]: the place after it. The
 * bytes before out[at] stay as they were, and so does their safety. */
/*@ requires at <= 6 * DSG_HTML_IN_MAX;
    requires \valid(out + (at .. at + dsg_html_esc_len(c) - 1));
    requires dsg_html_safe(out, at);
    assigns out[at .. at + dsg_html_esc_len(c) - 1];
    ensures \result == at + dsg_html_esc_len(c);
    ensures dsg_html_esc_at(out, at, c);
    ensures \forall integer k; 0 <= k < at ==> out[k] == \old(out[k]);
    ensures dsg_html_safe(out, \result);
*/
static size_t put_ref(char *out, size_t at, uint8_t c)
{
    size_t n = 1;
    switch (c) {
    case '&':
        out[at] = '&'; out[at + 1] = 'a'; out[at + 2] = 'm'; out[at + 3] = 'p';
        out[at + 4] = ';';
        n = 5;
        break;
    case '<':
        out[at] = '&'; out[at + 1] = 'l'; out[at + 2] = 't'; out[at + 3] = ';';
        n = 4;
        break;
    case '>':
        out[at] = '&'; out[at + 1] = 'g'; out[at + 2] = 't'; out[at + 3] = ';';
        n = 4;
        break;
    case '"':
        out[at] = '&'; out[at + 1] = 'q'; out[at + 2] = 'u'; out[at + 3] = 'o';
        out[at + 4] = 't'; out[at + 5] = ';';
        n = 6;
        break;
    case '\'':
        out[at] = '&'; out[at + 1] = '#'; out[at + 2] = '3'; out[at + 3] = '9';
        out[at + 4] = ';';
        n = 5;
        break;
    default:
        out[at] = byte_char(c);
        break;
    }
    /*@ assert n == dsg_html_esc_len(c); */
    /*@ assert \forall integer k; 0 <= k < at ==> out[k] == \at(out[k], Pre); */
    /*@ assert \forall integer k; at <= k < at + n ==> dsg_html_ok_at(out, k, at + n); */
    /*@ assert \forall integer k; 0 <= k < at ==> dsg_html_ok_at{Pre}(out, k, at); */
    /*@ assert \forall integer k; 0 <= k < at ==> dsg_html_ok_at(out, k, at); */
    /*@ assert \forall integer k; 0 <= k < at && dsg_html_ok_at(out, k, at) ==>
          dsg_html_ok_at(out, k, at + n); */
    /*@ assert \forall integer k; 0 <= k < at ==> dsg_html_ok_at(out, k, at + n); */
    return at + n;
}

/* Writes the escape of s[i] at out[at ..], at the end of the escape of
 * s[0 .. i): the next place. What was written before stays, and so do
 * its safety and its escapes. */
/*@ requires \valid_read(s + (0 .. i));
    requires dsg_html_mono(s, i + 1);
    requires at == dsg_html_out_len(s, i) && at <= 6 * DSG_HTML_IN_MAX;
    requires \valid(out + (at .. at + dsg_html_esc_len(s[i]) - 1));
    requires \separated(out + (at .. at + dsg_html_esc_len(s[i]) - 1), s + (0 .. i));
    requires dsg_html_safe(out, at) && dsg_html_escapes(s, i, out);
    assigns out[at .. at + dsg_html_esc_len(s[i]) - 1];
    ensures \result == dsg_html_out_len(s, i + 1) && \result <= at + 6;
    ensures dsg_html_safe(out, \result);
    ensures dsg_html_escapes(s, i + 1, out);
*/
static size_t put_esc(const uint8_t *s, size_t i, char *out, size_t at)
{
    uint8_t c = s[i];
    /*@ assert \forall integer j; 0 <= j < i ==>
          dsg_html_out_len(s, j) + dsg_html_esc_len(s[j]) <= at; */
    size_t next = put_ref(out, at, c);
    /*@ assert dsg_html_escapes(s, i, out); */
    return next;
}

/* Writes the escape of s[0 .. len) at out[0 ..]. */
/*@ requires len <= DSG_HTML_IN_MAX && \valid_read(s + (0 .. len - 1));
    requires dsg_html_mono(s, len);
    requires \valid(out + (0 .. dsg_html_out_len(s, len) - 1));
    requires \separated(out + (0 .. dsg_html_out_len(s, len) - 1), s + (0 .. len - 1));
    assigns out[0 .. dsg_html_out_len(s, len) - 1];
    ensures dsg_html_safe(out, dsg_html_out_len(s, len));
    ensures dsg_html_escapes(s, len, out);
*/
static void write_all(const uint8_t *s, size_t len, char *out)
{
    size_t at = 0;
    /*@ loop invariant 0 <= i <= len;
        loop invariant at == dsg_html_out_len(s, i) && at <= 6 * i;
        loop invariant dsg_html_safe(out, at) && dsg_html_escapes(s, i, out);
        loop assigns i, at, out[0 .. dsg_html_out_len(s, len) - 1];
        loop variant len - i;
    */
    for (size_t i = 0; i < len; i++) {
        /*@ assert at + dsg_html_esc_len(s[i]) <= dsg_html_out_len(s, len); */
        at = put_esc(s, i, out, at);
    }
}

dsg_html_status dsg_html_escaped_len(const uint8_t *s, size_t len, size_t *outlen,
                                     size_t *bad)
{
    if (len > DSG_HTML_IN_MAX) {
        *bad = DSG_HTML_IN_MAX;
        return DSG_HTML_ERR_TOO_LONG;
    }
    dsg_html_status st = check_text(s, len, bad);
    if (st != DSG_HTML_OK)
        return st;
    *outlen = count(s, len);
    return DSG_HTML_OK;
}

dsg_html_status dsg_html_escape(const uint8_t *s, size_t len, char *out, size_t cap,
                                size_t *outlen, size_t *bad)
{
    if (len > DSG_HTML_IN_MAX) {
        *bad = DSG_HTML_IN_MAX;
        return DSG_HTML_ERR_TOO_LONG;
    }
    dsg_html_status st = check_text(s, len, bad);
    if (st != DSG_HTML_OK)
        return st;
    size_t need = count(s, len);
    *outlen = need;
    if (need > cap)
        return DSG_HTML_ERR_ROOM;
    write_all(s, len, out);
    return DSG_HTML_OK;
}

static const char status_tokens[DSG_HTML_ERR_ROOM + 2][10] = {
    "ok", "too-long", "bad-utf8", "control", "no-room", "unknown",
};

const char *dsg_html_status_token(dsg_html_status status)
{
    unsigned i = (unsigned)status;
    if (i > (unsigned)DSG_HTML_ERR_ROOM)
        i = (unsigned)DSG_HTML_ERR_ROOM + 1u;
    return status_tokens[i];
}
