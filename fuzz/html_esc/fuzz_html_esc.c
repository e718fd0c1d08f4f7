/*
 * libFuzzer harness for the portal's HTML escaper (src/core/html_esc.h).
 * @relation(REQ-SHARE-023)
 *
 * The input is a value, any bytes. Whether it is accepted, and the offset
 * of the first offending byte, is compared with a judge written here from
 * Unicode's table 3-7 of well-formed sequences (not the library's decoder)
 * and the HTML Standard's control code points. An accepted value's escape
 * must hold none of < > " ', only '&' that start one of the five
 * references, be at least as long and at most six times as long as the
 * value, and read back to the value byte for byte. Every buffer size
 * around the one needed is tried: ROOM with the needed length and nothing
 * written below it, the same escape at and above it, never a byte written
 * at or past out[cap]. Any disagreement calls abort().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/html_esc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_IN 4096
#define MAX_OUT (6 * MAX_IN)
#define GUARD 16

/* Length of the well-formed UTF-8 sequence at s[0 .. n) (Unicode 15, table
 * 3-7), 0 when there is none. */
static size_t wf_len(const uint8_t *s, size_t n)
{
    uint8_t b = s[0];
    size_t k;
    uint8_t lo = 0x80, hi = 0xBF;
    if (b < 0x80)
        return 1;
    if (b >= 0xC2 && b <= 0xDF)
        k = 2;
    else if (b >= 0xE0 && b <= 0xEF)
        k = 3, lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
    else if (b >= 0xF0 && b <= 0xF4)
        k = 4, lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
    else
        return 0;
    if (n < k || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < k; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return k;
}

/* The expected verdict: OK, or UTF8/CONTROL with the offset in *at. */
static dsg_html_status judge(const uint8_t *s, size_t n, size_t *at)
{
    for (size_t i = 0; i < n;) {
        size_t k = wf_len(s + i, n - i);
        *at = i;
        if (k == 0)
            return DSG_HTML_ERR_UTF8;
        uint32_t cp = k == 1 ? s[i] : k == 2 ? (uint32_t)(s[i] & 0x1F) << 6 | (s[i + 1] & 0x3F) : 0x800;
        if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || (cp >= 0x7F && cp <= 0x9F))
            return DSG_HTML_ERR_CONTROL;
        i += k;
    }
    return DSG_HTML_OK;
}

static const char *const refs[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&#39;" };
static const char specials[] = "&<>\"'";

/* Checks the escape o[0 .. n) of s[0 .. len): safe, and reads back. */
static void check_escape(const uint8_t *s, size_t len, const char *o, size_t n)
{
    if (n < len || n > 6 * len)
        abort();
    size_t m = 0;
    for (size_t i = 0; i < n;) {
        if (o[i] == '<' || o[i] == '>' || o[i] == '"' || o[i] == '\'')
            abort();
        if (o[i] != '&') {
            if (m >= len || (uint8_t)o[i] != s[m])
                abort();
            m++, i++;
            continue;
        }
        size_t k = 0;
        while (k < 5 && (n - i < strlen(refs[k]) || memcmp(o + i, refs[k], strlen(refs[k])) != 0))
            k++;
        if (k == 5 || m >= len || s[m] != (uint8_t)specials[k])
            abort();
        m++, i += strlen(refs[k]);
    }
    if (m != len)
        abort();
}

/* Escapes with a buffer of cap bytes; aborts on a write at or past
 * out[cap], or on a refusal that wrote anything. */
static dsg_html_status run(const uint8_t *s, size_t len, char *buf, size_t cap, size_t *n,
                           size_t *bad)
{
    memset(buf, 0x5A, cap + GUARD);
    dsg_html_status st = dsg_html_escape(s, len, buf, cap, n, bad);
    for (size_t i = st == DSG_HTML_OK ? cap : 0; i < cap + GUARD; i++)
        if (buf[i] != 0x5A)
            abort();
    return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char buf[MAX_OUT + GUARD], first[MAX_OUT];
    if (size > MAX_IN)
        size = MAX_IN;
    size_t want_at = 0, n = 0, bad = 0, n2 = 0, bad2 = 0;
    dsg_html_status want = judge(data, size, &want_at);
    dsg_html_status st = run(data, size, buf, 6 * size + 1, &n, &bad);
    dsg_html_status st2 = dsg_html_escaped_len(data, size, &n2, &bad2);
    if (st != want || st2 != want)
        abort();
    if (want != DSG_HTML_OK) {
        if (bad != want_at || bad2 != want_at)
            abort();
        return 0;
    }
    if (n2 != n)
        abort();
    check_escape(data, size, buf, n);
    memcpy(first, buf, n);
    size_t caps[] = { n, n + 1, n - (n > 0), n / 2, 0, 1 };
    for (size_t k = 0; k < sizeof caps / sizeof caps[0]; k++) {
        size_t cap = caps[k], got = 0;
        st = run(data, size, buf, cap, &got, &bad);
        if (cap >= n ? st != DSG_HTML_OK || got != n || memcmp(buf, first, n) != 0
                     : st != DSG_HTML_ERR_ROOM || got != n)
            abort();
    }
    return 0;
}
