/*
 * The terms of a text for the search index: see bigram.h for the scheme
 * and the contract.
 */
#include "core/bigram.h"

/*@ assigns \nothing;
    ensures \result == 1 <==> dsg_bg_cont(b);
    ensures \result == 0 || \result == 1;
*/
static int cont(uint8_t b)
{
    return b >= 0x80u && b <= 0xBFu;
}

/* Strict UTF-8 (Unicode 15.0 table 3-7): the length of the sequence at
 * s[pos], 0 when it is ill-formed or cut short; *cp its code point. */
/*@ requires pos < len && \valid_read(s + (0 .. len - 1));
    requires \valid(cp) && \separated(cp, s + (0 .. len - 1));
    assigns *cp;
    ensures \result == 0 <==> !dsg_bg_wf(s, len, pos);
    ensures \result != 0 ==> \result == dsg_bg_seqlen(s[pos]) &&
                             *cp == dsg_bg_cp(s, pos) && *cp <= 0x10FFFF;
*/
static size_t decode(const uint8_t *s, size_t len, size_t pos, uint32_t *cp)
{
    const uint8_t b = s[pos];
    const size_t avail = len - pos;
    if (b < 0x80u) {
        *cp = b;
        return 1;
    }
    if (b >= 0xC2u && b <= 0xDFu && avail >= 2u && cont(s[pos + 1u])) {
        *cp = ((uint32_t)b - 0xC0u) * 64u + ((uint32_t)s[pos + 1u] - 0x80u);
        return 2;
    }
    if (b >= 0xE0u && b <= 0xEFu && avail >= 3u) {
        uint8_t lo = b == 0xE0u ? 0xA0u : 0x80u;   /* no overlong forms */
        uint8_t hi = b == 0xEDu ? 0x9Fu : 0xBFu;   /* no surrogates */
        if (s[pos + 1u] < lo || s[pos + 1u] > hi || !cont(s[pos + 2u]))
            return 0;
        *cp = ((uint32_t)b - 0xE0u) * 4096u + ((uint32_t)s[pos + 1u] - 0x80u) * 64u +
              ((uint32_t)s[pos + 2u] - 0x80u);
        return 3;
    }
    if (b >= 0xF0u && b <= 0xF4u && avail >= 4u) {
        uint8_t lo = b == 0xF0u ? 0x90u : 0x80u;   /* no overlong forms */
        uint8_t hi = b == 0xF4u ? 0x8Fu : 0xBFu;   /* nothing above U+10FFFF */
        if (s[pos + 1u] < lo || s[pos + 1u] > hi || !cont(s[pos + 2u]) ||
            !cont(s[pos + 3u]))
            return 0;
        *cp = ((uint32_t)b - 0xF0u) * 262144u + ((uint32_t)s[pos + 1u] - 0x80u) * 4096u +
              ((uint32_t)s[pos + 2u] - 0x80u) * 64u + ((uint32_t)s[pos + 3u] - 0x80u);
        return 4;
    }
    return 0;
}

/*@ requires c <= 0x10FFFF;
    assigns \nothing;
    ensures \result == dsg_bg_fold(c) && \result <= 0x10FFFF;
*/
static uint32_t fold(uint32_t c)
{
    if (c >= 0xFF01u && c <= 0xFF5Eu)
        c -= 0xFEE0u;
    if (c >= 'A' && c <= 'Z')
        c += 32u;
    return c;
}

/*@ assigns \nothing;
    ensures \result == 1 <==> dsg_bg_sep(c);
    ensures \result == 0 || \result == 1;
*/
static int is_sep(uint32_t c)
{
    if (c <= 0x2Fu || (c >= 0x3Au && c <= 0x40u) || (c >= 0x5Bu && c <= 0x60u) ||
        (c >= 0x7Bu && c <= 0xA0u))
        return 1;
    if (c == 0x1680u || (c >= 0x2000u && c <= 0x200Au) || c == 0x2028u ||
        c == 0x2029u || c == 0x202Fu || c == 0x205Fu)
        return 1;
    if ((c >= 0x3000u && c <= 0x3002u) || (c >= 0x3008u && c <= 0x3011u) ||
        (c >= 0x3014u && c <= 0x301Fu))
        return 1;
    return c == 0xFEFFu || (c >= 0xFF61u && c <= 0xFF64u);
}

/* The character at s[pos]: its length (0 if ill-formed), *f its folded
 * code point and *word whether it is a word character. */
/*@ requires pos < len && \valid_read(s + (0 .. len - 1));
    requires \valid(f) && \valid(word) && \separated(f, word, s + (0 .. len - 1));
    assigns *f, *word;
    ensures \result == 0 <==> !dsg_bg_wf(s, len, pos);
    ensures \result != 0 ==> \result == dsg_bg_seqlen(s[pos]) &&
                             pos + \result <= len &&
                             *f == dsg_bg_fold(dsg_bg_cp(s, pos)) &&
                             (*word == 1 <==> !dsg_bg_sep(*f)) &&
                             (*word == 0 || *word == 1);
    ensures \result != 0 && *word == 1 ==> dsg_bg_wchar(s, len, pos, *f);
    ensures \result != 0 && *word == 1 ==> *f != 0;
*/
static size_t char_at(const uint8_t *s, size_t len, size_t pos, uint32_t *f, int *word)
{
    uint32_t cp;
    size_t n = decode(s, len, pos, &cp);
    if (n == 0)
        return 0;
    *f = fold(cp);
    *word = !is_sep(*f);
    return n;
}

/* The unigram of the word character f, s[pos .. pos + n). */
/*@ requires \valid(t) && \valid_read(s + (0 .. len - 1));
    requires \separated(t, s + (0 .. len - 1));
    requires dsg_bg_wchar(s, len, pos, f) && n == dsg_bg_seqlen(s[pos]) && pos + n <= len;
    assigns *t;
    ensures dsg_bg_term_ok(s, len, t->cp1, t->cp2, t->off, t->len);
*/
static void put_unigram(dsg_bg_term *t, const uint8_t *s, size_t len, size_t pos, size_t n,
                        uint32_t f)
{
    (void)s;
    (void)len;
    t->cp1 = f;
    t->cp2 = 0;
    t->off = pos;
    t->len = n;
}

/* The bigram of the word characters f1 at s[pos .. pos + n1) and f2 at
 * s[pos + n1 .. pos + n1 + n2). */
/*@ requires \valid(t) && \valid_read(s + (0 .. len - 1));
    requires \separated(t, s + (0 .. len - 1));
    requires dsg_bg_wchar(s, len, pos, f1) && n1 == dsg_bg_seqlen(s[pos]);
    requires dsg_bg_wchar(s, len, pos + n1, f2) && n2 == dsg_bg_seqlen(s[pos + n1]);
    requires f2 != 0;
    requires pos + n1 + n2 <= len;
    assigns *t;
    ensures dsg_bg_term_ok(s, len, t->cp1, t->cp2, t->off, t->len);
*/
static void put_bigram(dsg_bg_term *t, const uint8_t *s, size_t len, size_t pos, size_t n1,
                       uint32_t f1, size_t n2, uint32_t f2)
{
    (void)s;
    (void)len;
    t->cp1 = f1;
    t->cp2 = f2;
    t->off = pos;
    t->len = n1 + n2;
}

int dsg_bg_init(dsg_bg_cursor *c, int mode)
{
    if (mode != DSG_BG_QUERY && mode != DSG_BG_DOCUMENT)
        return DSG_BG_BAD_CURSOR;
    c->pos = 0;
    c->prev_word = 0;
    c->uni_due = 0;
    c->unigrams = (unsigned)mode;
    return DSG_BG_END;
}

/*@ requires \valid_read(c);
    assigns \nothing;
    ensures \result == 1 <==> dsg_bg_cursor_ok(*c, len);
    ensures \result == 0 || \result == 1;
*/
static int cursor_ok(const dsg_bg_cursor *c, size_t len)
{
    return c->pos <= len && c->prev_word <= 1u && c->uni_due <= 1u &&
           c->unigrams <= 1u && (c->uni_due == 0u || c->unigrams == 1u);
}

#define STEP_ON 2   /* step: no term at this character, go on */

/* The unigram of the word character f1 at s[c->pos .. c->pos + n1), and
 * the cursor past it. */
/*@ requires \valid(c) && \valid(t) && \valid_read(s + (0 .. len - 1));
    requires \separated(c, t, s + (0 .. len - 1));
    requires dsg_bg_cursor_ok(*c, len);
    requires dsg_bg_wchar(s, len, c->pos, f1) && n1 == dsg_bg_seqlen(s[c->pos]);
    requires c->pos + n1 <= len;
    assigns *c, *t;
    ensures dsg_bg_cursor_ok(*c, len) && c->unigrams == \old(c->unigrams);
    ensures c->pos > \old(c->pos) && c->uni_due == 0;
    ensures dsg_bg_term_ok(s, len, t->cp1, t->cp2, t->off, t->len);
*/
static void unigram_out(dsg_bg_cursor *c, const uint8_t *s, size_t len, dsg_bg_term *t,
                        size_t n1, uint32_t f1)
{
    size_t at = c->pos;
    c->pos = at + n1;
    c->prev_word = 1;
    c->uni_due = 0;
    put_unigram(t, s, len, at, n1, f1);
}

/* The bigram of the word characters f1 at c->pos and f2 after it; in
 * DOCUMENT mode the cursor stays, owing f1's unigram. */
/*@ requires \valid(c) && \valid(t) && \valid_read(s + (0 .. len - 1));
    requires \separated(c, t, s + (0 .. len - 1));
    requires dsg_bg_cursor_ok(*c, len) && c->uni_due == 0;
    requires dsg_bg_wchar(s, len, c->pos, f1) && n1 == dsg_bg_seqlen(s[c->pos]);
    requires dsg_bg_wchar(s, len, c->pos + n1, f2) && n2 == dsg_bg_seqlen(s[c->pos + n1]);
    requires f2 != 0 && c->pos + n1 + n2 <= len;
    assigns *c, *t;
    ensures dsg_bg_cursor_ok(*c, len) && c->unigrams == \old(c->unigrams);
    ensures c->pos > \old(c->pos) || (c->pos == \old(c->pos) && c->uni_due == 1);
    ensures dsg_bg_term_ok(s, len, t->cp1, t->cp2, t->off, t->len);
*/
static void bigram_out(dsg_bg_cursor *c, const uint8_t *s, size_t len, dsg_bg_term *t,
                       size_t n1, uint32_t f1, size_t n2, uint32_t f2)
{
    size_t at = c->pos;
    if (c->unigrams) {
        c->uni_due = 1;
    } else {
        c->pos = at + n1;
        c->prev_word = 1;
    }
    put_bigram(t, s, len, at, n1, f1, n2, f2);
}

/* The character at c->pos: a term, an error, or STEP_ON. */
/*@ requires \valid(c) && \valid(t) && \valid_read(s + (0 .. len - 1));
    requires \separated(c, t, s + (0 .. len - 1));
    requires dsg_bg_cursor_ok(*c, len) && c->pos < len;
    assigns *c, *t;
    ensures \result == DSG_BG_TERM || \result == DSG_BG_INVALID || \result == STEP_ON;
    ensures dsg_bg_cursor_ok(*c, len) && c->unigrams == \old(c->unigrams);
    ensures \result == DSG_BG_TERM ==>
              dsg_bg_term_ok(s, len, t->cp1, t->cp2, t->off, t->len);
    ensures \result == DSG_BG_TERM ==>
              c->pos > \old(c->pos) ||
              (c->pos == \old(c->pos) && \old(c->uni_due) == 0 && c->uni_due == 1);
    ensures \result == STEP_ON ==> c->pos > \old(c->pos) && c->uni_due == 0;
    ensures \result == DSG_BG_INVALID ==>
              \old(c->pos) <= c->pos < len && !dsg_bg_wf(s, len, c->pos);
*/
static int step(dsg_bg_cursor *c, const uint8_t *s, size_t len, dsg_bg_term *t)
{
    uint32_t f1, f2 = 0;
    int w1, w2 = 0;
    size_t n1 = char_at(s, len, c->pos, &f1, &w1);
    if (n1 == 0)
        return DSG_BG_INVALID;
    size_t q = c->pos + n1;
    if (!w1) {
        c->pos = q;
        c->prev_word = 0;
        c->uni_due = 0;
        return STEP_ON;
    }
    if (c->uni_due) {   /* DOCUMENT mode: the unigram after its bigram */
        unigram_out(c, s, len, t, n1, f1);
        return DSG_BG_TERM;
    }
    if (q < len) {
        size_t n2 = char_at(s, len, q, &f2, &w2);
        if (n2 == 0) {
            c->pos = q;
            return DSG_BG_INVALID;
        }
        if (w2) {
            bigram_out(c, s, len, t, n1, f1, n2, f2);
            return DSG_BG_TERM;
        }
    }
    /* the last character of its run: a term if alone or in DOCUMENT mode */
    if (!c->prev_word || c->unigrams) {
        unigram_out(c, s, len, t, n1, f1);
        return DSG_BG_TERM;
    }
    c->pos = q;
    c->prev_word = 1;
    return STEP_ON;
}

int dsg_bg_next(dsg_bg_cursor *c, const uint8_t *s, size_t len, dsg_bg_term *t)
{
    if (!cursor_ok(c, len))
        return DSG_BG_BAD_CURSOR;
    /*@ loop invariant dsg_bg_cursor_ok(*c, len);
        loop invariant c->unigrams == \at(c->unigrams, Pre);
        loop invariant c->pos >= \at(c->pos, Pre);
        loop invariant c->pos == \at(c->pos, Pre) ==> c->uni_due == \at(c->uni_due, Pre);
        loop assigns *c, *t;
        loop variant len - c->pos;
    */
    while (c->pos < len) {
        int r = step(c, s, len, t);
        if (r != STEP_ON)
            return r;
    }
    return DSG_BG_END;
}
