/*
 * libFuzzer harness for the configuration-line lexer and the typed values
 * (src/core/conf_lex.h).
 *
 * Input: a configuration file; each LF-separated line goes through
 * dsg_conf_line, and each value (and each whole line) through the typed
 * parsers. Every result is checked against the contract and against
 * independent code written here, and abort() is called on any
 * disagreement:
 *  - the kind is in range; an error writes only err_col, within the line;
 *    BLANK writes nothing;
 *  - CONTROL: the byte at err_col is a control byte; UTF8: the independent
 *    decoder below fails at err_col; BLANK and SETTING: the line (without
 *    a final CR) is well-formed UTF-8 with no control byte;
 *  - BLANK: the first non-blank byte is '#' or there is none;
 *  - SETTING: only blanks before the key, the key re-checked by a separate
 *    state machine, key before value without overlap, the value slice in
 *    the line; a bare value has only bare bytes; a quoted value sits
 *    between quotes, unquotes within its length, and without escapes
 *    unquotes to itself;
 *  - integers: OK agrees with strtoull (same value, min <= v <= max), and
 *    OVERFLOW with strtoull's ERANGE; durations and sizes: OK equals the
 *    digits (strtoull) times the unit, computed with overflow checks here.
 * No heap, no globals but constant tables.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf_lex.h"

/* @relation(REQ-RUN-027) */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)        \
    do {                   \
        if (!(cond))       \
            abort();       \
    } while (0)

#define POISON ((size_t)0x5EED)

static int blank(unsigned char c) { return c == ' ' || c == '\t'; }
static int ctl(unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7F; }

/* Independent UTF-8 check (RFC 3629 section 4 syntax): the length of the
 * sequence at s[i], 0 if ill-formed. */
static size_t u8len(const unsigned char *s, size_t n, size_t i)
{
    unsigned char c = s[i];
    if (c <= 0x7F)
        return 1;
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) need = 2;
    else if (c == 0xE0) { need = 3; lo = 0xA0; }
    else if (c >= 0xE1 && c <= 0xEC) need = 3;
    else if (c == 0xED) { need = 3; hi = 0x9F; }
    else if (c >= 0xEE && c <= 0xEF) need = 3;
    else if (c == 0xF0) { need = 4; lo = 0x90; }
    else if (c >= 0xF1 && c <= 0xF3) need = 4;
    else if (c == 0xF4) { need = 4; hi = 0x8F; }
    else return 0;
    if (n - i < need)
        return 0;
    if (s[i + 1] < lo || s[i + 1] > hi)
        return 0;
    for (size_t k = 2; k < need; k++)
        if (s[i + k] < 0x80 || s[i + k] > 0xBF)
            return 0;
    return need;
}

/* Offset of the first ill-formed sequence or control byte, or n. */
static size_t first_bad(const unsigned char *s, size_t n, int *is_ctl)
{
    size_t i = 0;
    while (i < n) {
        if (ctl(s[i])) { *is_ctl = 1; return i; }
        size_t k = u8len(s, n, i);
        if (k == 0) { *is_ctl = 0; return i; }
        i += k;
    }
    return n;
}

/* The key grammar as a state machine: 0 expects a letter, 1 inside a segment. */
static int key_ok(const unsigned char *k, size_t n)
{
    if (n == 0 || n > 64)
        return 0;
    int st = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = k[i];
        if (st == 0) {
            if (c < 'a' || c > 'z') return 0;
            st = 1;
        } else if (c == '.') {
            st = 0;
        } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
            return 0;
        }
    }
    return st == 1;
}

static int bare(unsigned char c)
{
    return !blank(c) && c != '#' && c != '"' && c != '=' && !ctl(c);
}

/* The oracle for the integers: strtoull on digits only. */
static int digits_only(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static void check_uint(const char *s, size_t n, uint64_t min, uint64_t max)
{
    uint64_t v = 12345;
    dsg_conf_val r = dsg_conf_parse_uint(s, n, min, max, &v);
    char buf[64];
    int plain = n > 0 && n < sizeof buf && digits_only(s, n) && (s[0] != '0' || n == 1);
    unsigned long long o = 0;
    int range_err = 0;
    if (plain) {
        memcpy(buf, s, n);
        buf[n] = '\0';
        errno = 0;
        o = strtoull(buf, NULL, 10);
        range_err = errno == ERANGE;
    }
    switch (r) {
    case DSG_CONF_VAL_OK:
        CHECK(plain && !range_err && o == v && min <= v && v <= max);
        return;
    case DSG_CONF_VAL_EMPTY: CHECK(n == 0); break;
    case DSG_CONF_VAL_SYNTAX: CHECK(n > 0 && !digits_only(s, n)); break;
    case DSG_CONF_VAL_LEADING_ZERO: CHECK(n > 1 && digits_only(s, n) && s[0] == '0'); break;
    case DSG_CONF_VAL_OVERFLOW: CHECK(digits_only(s, n) && (n >= sizeof buf || range_err)); break;
    case DSG_CONF_VAL_RANGE: CHECK(plain && !range_err && (o < min || o > max)); break;
    default: abort();
    }
    CHECK(v == 12345);
}

/* Durations and sizes: digits, then a unit; factor 0 means not a unit. */
static uint64_t ms_factor(const char *u, size_t n)
{
    if (n == 2 && u[0] == 'm' && u[1] == 's') return 1;
    if (n != 1) return 0;
    return u[0] == 's' ? 1000 : u[0] == 'm' ? 60000 : u[0] == 'h' ? 3600000 :
           u[0] == 'd' ? 86400000 : 0;
}

static uint64_t size_factor(const char *u, size_t n)
{
    if (n == 0) return 1;
    if (n == 1) return u[0] == 'B';
    if (n != 3 || u[1] != 'i' || u[2] != 'B') return 0;
    return u[0] == 'K' ? 1024u : u[0] == 'M' ? 1048576u : u[0] == 'G' ? 1073741824u : 0;
}

static void check_unit(const char *s, size_t n, int size_kind, uint64_t min, uint64_t max)
{
    uint64_t v = 12345;
    dsg_conf_val r = size_kind ? dsg_conf_parse_size(s, n, min, max, &v)
                               : dsg_conf_parse_duration(s, n, min, max, &v);
    size_t k = 0;
    while (k < n && s[k] >= '0' && s[k] <= '9')
        k++;
    uint64_t f = size_kind ? size_factor(s + k, n - k) : ms_factor(s + k, n - k);
    if (r != DSG_CONF_VAL_OK) {
        CHECK(v == 12345);
        if (r == DSG_CONF_VAL_UNIT)
            CHECK(k > 0 && f == 0);
        if (r == DSG_CONF_VAL_EMPTY)
            CHECK(n == 0);
        return;
    }
    CHECK(k > 0 && k < 32 && f != 0 && (s[0] != '0' || k == 1));
    char buf[32];
    memcpy(buf, s, k);
    buf[k] = '\0';
    errno = 0;
    unsigned long long d = strtoull(buf, NULL, 10);
    CHECK(errno == 0);
    uint64_t want;
    CHECK(!__builtin_mul_overflow((uint64_t)d, f, &want));
    CHECK(v == want && min <= v && v <= max);
}

static void check_values(const char *s, size_t n)
{
    check_uint(s, n, 0, UINT64_MAX);
    check_uint(s, n, 10, 1000);
    check_unit(s, n, 0, 0, UINT64_MAX);
    check_unit(s, n, 0, 1000, 3600000);
    check_unit(s, n, 1, 0, UINT64_MAX);
    check_unit(s, n, 1, 1024, 1073741824);
    int b = 7;
    dsg_conf_val r = dsg_conf_parse_bool(s, n, &b);
    if (n == 4 && memcmp(s, "true", 4) == 0)
        CHECK(r == DSG_CONF_VAL_OK && b == 1);
    else if (n == 5 && memcmp(s, "false", 5) == 0)
        CHECK(r == DSG_CONF_VAL_OK && b == 0);
    else
        CHECK(r == DSG_CONF_VAL_SYNTAX && b == 7);
}

static void check_line(const char *line, size_t len)
{
    const unsigned char *u = (const unsigned char *)line;
    dsg_conf_entry e;
    e.key_off = e.key_len = e.val_off = e.val_len = e.err_col = POISON;
    e.quoted = e.escaped = 0xAB;
    dsg_conf_kind k = dsg_conf_line(line, len, &e);
    CHECK(k >= DSG_CONF_BLANK && k <= DSG_CONF_ERR_TRAILING);
    size_t n = len > 0 && line[len - 1] == '\r' ? len - 1 : len;
    if (k != DSG_CONF_SETTING)
        CHECK(e.key_off == POISON && e.key_len == POISON && e.val_off == POISON &&
              e.val_len == POISON && e.quoted == 0xAB && e.escaped == 0xAB);
    if (k == DSG_CONF_BLANK)
        CHECK(e.err_col == POISON);
    if (k >= DSG_CONF_ERR_TOO_LONG)
        CHECK(e.err_col <= len);
    if (k == DSG_CONF_ERR_TOO_LONG) {
        CHECK(len > DSG_CONF_LINE_MAX);
        return;
    }
    if (len > DSG_CONF_LINE_MAX) {
        CHECK(0);
    }
    int is_ctl = 0;
    size_t bad = first_bad(u, n, &is_ctl);
    if (k == DSG_CONF_ERR_CONTROL || k == DSG_CONF_ERR_UTF8) {
        CHECK(bad == e.err_col && bad < n);
        CHECK(is_ctl == (k == DSG_CONF_ERR_CONTROL));
        return;
    }
    CHECK(bad == n);   /* every other kind: clean UTF-8, no control byte */
    size_t i = 0;
    while (i < n && blank(u[i]))
        i++;
    if (k == DSG_CONF_BLANK) {
        CHECK(i == n || u[i] == '#');
        return;
    }
    CHECK(i < n && u[i] != '#');
    if (k != DSG_CONF_SETTING)
        return;
    CHECK(e.err_col == POISON);
    CHECK(e.key_off == i);
    CHECK(key_ok(u + e.key_off, e.key_len));
    CHECK(e.key_off + e.key_len < e.val_off);
    CHECK(e.val_off + e.val_len <= n);
    /* between the key and the value: blanks, one '=', blanks (and a quote) */
    size_t j = e.key_off + e.key_len;
    while (blank(u[j]))
        j++;
    CHECK(u[j] == '=');
    j++;
    while (blank(u[j]))
        j++;
    CHECK(j == e.val_off - (e.quoted ? 1u : 0u));
    size_t after;
    if (e.quoted == 0) {
        CHECK(e.escaped == 0 && e.val_len >= 1);
        for (size_t q = e.val_off; q < e.val_off + e.val_len; q++)
            CHECK(bare(u[q]));
        after = e.val_off + e.val_len;
        CHECK(after == n || !bare(u[after]));
    } else {
        CHECK(e.quoted == 1 && (e.escaped == 0 || e.escaped == 1));
        CHECK(u[e.val_off - 1] == '"' && e.val_off + e.val_len < n &&
              u[e.val_off + e.val_len] == '"');
        after = e.val_off + e.val_len + 1;
        char buf[DSG_CONF_LINE_MAX];
        size_t out = POISON;
        dsg_conf_val r = dsg_conf_unquote(line + e.val_off, e.val_len, buf, sizeof buf, &out);
        CHECK(r == DSG_CONF_VAL_OK && out <= e.val_len);
        int has_bs = memchr(line + e.val_off, '\\', e.val_len) != NULL;
        CHECK(has_bs == e.escaped);
        if (!has_bs)
            CHECK(out == e.val_len && memcmp(buf, line + e.val_off, out) == 0);
        /* independent unescaping: same bytes; no unescaped quote inside */
        size_t o = 0;
        for (size_t q = e.val_off; q < e.val_off + e.val_len; q++) {
            CHECK(u[q] != '"');
            if (u[q] == '\\') {
                q++;
                CHECK(u[q] == '"' || u[q] == '\\');
            }
            CHECK(o < out && buf[o] == line[q]);
            o++;
        }
        CHECK(o == out);
        check_values(buf, out);
    }
    while (after < n && blank(u[after]))
        after++;
    CHECK(after == n || u[after] == '#');
    check_values(line + e.val_off, e.val_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    size_t pos = 0;
    while (pos <= size) {
        const char *lf = pos < size ? memchr(s + pos, '\n', size - pos) : NULL;
        size_t end = lf != NULL ? (size_t)(lf - s) : size;
        check_line(s + pos, end - pos);
        check_values(s + pos, end - pos);
        pos = end + 1;
    }
    /* unquote on raw bytes: total, bounded, nothing written on error */
    char buf[64];
    memset(buf, 'Z', sizeof buf);
    size_t out = POISON;
    size_t n = size < 200 ? size : 200;
    dsg_conf_val r = dsg_conf_unquote(s, n, buf, sizeof buf, &out);
    if (r == DSG_CONF_VAL_OK)
        CHECK(out <= n && out <= sizeof buf);
    else
        CHECK(out == POISON && buf[0] == 'Z' && buf[sizeof buf - 1] == 'Z');
    return 0;
}
