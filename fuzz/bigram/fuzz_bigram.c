/*
 * libFuzzer harness for the search-term scanner (src/core/bigram.h).
 *
 * The input is one text. It is scanned in QUERY and DOCUMENT mode, and
 * each run is compared with a reference written here with another
 * structure: the whole text is first decoded into an array of characters
 * (lead-byte masks and a minimum code point per length), the runs are cut
 * from a table of separator ranges, and the expected terms are listed run
 * by run. Any disagreement calls abort():
 *  - a valid text: the scanner's terms are exactly the reference's, in
 *    order (code points, offsets, lengths), then END, and END again;
 *  - an invalid text: INVALID at the reference's first ill-formed offset,
 *    the terms before it a prefix of the reference terms of the text cut
 *    there, and INVALID again at the same offset;
 *  - every term: inside the text, cp2 == 0 exactly for unigrams.
 * No heap: the scratch arrays are static, sized for MAX_TEXT bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bigram.h"

/* @relation(REQ-SHARE-015) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)        \
    do {                   \
        if (!(cond))       \
            abort();       \
    } while (0)

#define MAX_TEXT 4096u

struct ch { uint32_t cp; size_t off, len; int word; };
struct term { uint32_t cp1, cp2; size_t off, len; };

/* Length of the strict UTF-8 sequence at s[0..n), or 0. */
static size_t ref_decode(const uint8_t *s, size_t n, uint32_t *cp)
{
    static const struct { uint8_t mask, lead; uint32_t min; } form[4] = {
        { 0x80u, 0x00u, 0x0u }, { 0xE0u, 0xC0u, 0x80u },
        { 0xF0u, 0xE0u, 0x800u }, { 0xF8u, 0xF0u, 0x10000u },
    };
    for (size_t len = 1; len <= 4u; len++) {
        if ((s[0] & form[len - 1u].mask) != form[len - 1u].lead)
            continue;
        if (len > n)
            return 0;
        uint32_t v = s[0] & (uint32_t)(0x7Fu >> (len == 1u ? 0u : len));
        for (size_t k = 1; k < len; k++) {
            if ((s[k] & 0xC0u) != 0x80u)
                return 0;
            v = (v << 6) | (s[k] & 0x3Fu);
        }
        if (v < form[len - 1u].min || v > 0x10FFFFu || (v >= 0xD800u && v <= 0xDFFFu))
            return 0;
        *cp = v;
        return len;
    }
    return 0;
}

static uint32_t ref_fold(uint32_t c)
{
    if (c > 0xFF00u && c < 0xFF5Fu)
        c = c - 0xFF00u + 0x20u;
    return (c >= 0x41u && c <= 0x5Au) ? (c | 0x20u) : c;
}

static int ref_word(uint32_t c)
{
    static const uint32_t sep[][2] = {
        { 0x0000, 0x002F }, { 0x003A, 0x0040 }, { 0x005B, 0x0060 },
        { 0x007B, 0x00A0 }, { 0x1680, 0x1680 }, { 0x2000, 0x200A },
        { 0x2028, 0x2029 }, { 0x202F, 0x202F }, { 0x205F, 0x205F },
        { 0x3000, 0x3002 }, { 0x3008, 0x3011 }, { 0x3014, 0x301F },
        { 0xFEFF, 0xFEFF }, { 0xFF61, 0xFF64 },
    };
    for (size_t i = 0; i < sizeof sep / sizeof sep[0]; i++)
        if (c >= sep[i][0] && c <= sep[i][1])
            return 0;
    return 1;
}

/* Decodes s[0..n) into ch[]; returns the count, *bad the first ill-formed
 * offset or n. */
static size_t ref_chars(const uint8_t *s, size_t n, struct ch *ch, size_t *bad)
{
    size_t k = 0, off = 0;
    while (off < n) {
        uint32_t cp;
        size_t len = ref_decode(s + off, n - off, &cp);
        if (len == 0)
            break;
        ch[k].cp = ref_fold(cp);
        ch[k].off = off;
        ch[k].len = len;
        ch[k].word = ref_word(ch[k].cp);
        k++;
        off += len;
    }
    *bad = off;
    return k;
}

/* The expected terms of the characters ch[0..k). */
static size_t ref_terms(const struct ch *ch, size_t k, int doc, struct term *out)
{
    size_t m = 0;
    for (size_t i = 0; i < k; i++) {
        if (!ch[i].word)
            continue;
        size_t j = i;
        while (j < k && ch[j].word)
            j++;
        for (size_t a = i; a < j; a++) {
            if (a + 1u < j)
                out[m++] = (struct term){ ch[a].cp, ch[a + 1u].cp, ch[a].off,
                                          ch[a].len + ch[a + 1u].len };
            if (doc || j - i == 1u)
                out[m++] = (struct term){ ch[a].cp, 0, ch[a].off, ch[a].len };
        }
        i = j;
    }
    return m;
}

static void check_mode(const uint8_t *s, size_t n, int mode, const struct ch *ch,
                       size_t k, size_t bad, struct term *want)
{
    size_t m = ref_terms(ch, k, mode == DSG_BG_DOCUMENT, want);
    dsg_bg_cursor c;
    dsg_bg_term t;
    CHECK(dsg_bg_init(&c, mode) == DSG_BG_END);
    size_t got = 0;
    int rc;
    while ((rc = dsg_bg_next(&c, s, n, &t)) == DSG_BG_TERM) {
        CHECK(t.off + t.len <= n && t.len >= 1u && t.cp1 != 0);
        CHECK(got < m);
        CHECK(t.cp1 == want[got].cp1 && t.cp2 == want[got].cp2);
        CHECK(t.off == want[got].off && t.len == want[got].len);
        got++;
    }
    if (bad == n) {
        CHECK(rc == DSG_BG_END && got == m && c.pos == n);
        CHECK(dsg_bg_next(&c, s, n, &t) == DSG_BG_END);
    } else {
        CHECK(rc == DSG_BG_INVALID && c.pos == bad);
        CHECK(dsg_bg_next(&c, s, n, &t) == DSG_BG_INVALID && c.pos == bad);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ch ch[MAX_TEXT];
    static struct term want[2u * MAX_TEXT];
    if (size > MAX_TEXT)
        return 0;
    size_t bad;
    size_t k = ref_chars(data, size, ch, &bad);
    check_mode(data, size, DSG_BG_QUERY, ch, k, bad, want);
    check_mode(data, size, DSG_BG_DOCUMENT, ch, k, bad, want);
    return 0;
}
