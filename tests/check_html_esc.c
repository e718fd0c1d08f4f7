/*
 * Unit tests of the portal's HTML escaper (src/core/html_esc.h):
 * REQ-SHARE-023.
 *
 * Bad input first: ill-formed UTF-8, controls, the length limit, buffers
 * too small (nothing written, the length needed given back); then the
 * escapes written out in full (every special character, values that try
 * to leave an attribute or open a tag, Japanese text); then, over many
 * generated values, that the output is safe and reads back to the input.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/html_esc.h"

Suite *suite_html_esc(void);

#define GUARD 16

/* Escapes s[0 .. len) into a buffer of cap bytes followed by a guard, and
 * checks what every call must hold; the output is copied to out. */
static dsg_html_status esc_checked(const char *s, size_t len, size_t cap, char *out,
                                   size_t *outlen, size_t *bad)
{
    static char buf[8192];
    ck_assert_uint_le(cap + GUARD, sizeof buf);
    memset(buf, '#', sizeof buf);
    size_t got = 7777, at = 8888;
    dsg_html_status st = dsg_html_escape((const uint8_t *)s, len, buf, cap, &got, &at);
    int guard = 1;
    for (size_t i = cap; i < sizeof buf; i++)
        guard &= buf[i] == '#';   /* nothing at or past out[cap] */
    ck_assert(guard);
    size_t n2 = 6666, at2 = 5555;
    dsg_html_status st2 = dsg_html_escaped_len((const uint8_t *)s, len, &n2, &at2);
    if (st == DSG_HTML_OK) {
        ck_assert_uint_le(got, cap);
        ck_assert_uint_eq(at, 8888);
        ck_assert_int_eq(st2, DSG_HTML_OK);
        ck_assert_uint_eq(n2, got);
        memcpy(out, buf, got);
    } else {
        int untouched = 1;
        for (size_t i = 0; i < cap; i++)
            untouched &= buf[i] == '#';   /* a refusal writes nothing */
        ck_assert(untouched);
        if (st == DSG_HTML_ERR_ROOM) {
            ck_assert_uint_gt(got, cap);
            ck_assert_int_eq(st2, DSG_HTML_OK);
            ck_assert_uint_eq(n2, got);
        } else {
            ck_assert_uint_eq(got, 7777);
            ck_assert_int_eq(st2, st);
            ck_assert_uint_eq(at2, at);
        }
    }
    *outlen = got;
    *bad = at;
    return st;
}

static void expect_escape(const char *s, const char *want)
{
    char out[8192];
    size_t n = 0, bad = 0;
    ck_assert_int_eq(esc_checked(s, strlen(s), 4096, out, &n, &bad), DSG_HTML_OK);
    ck_assert_uint_eq(n, strlen(want));
    ck_assert(memcmp(out, want, n) == 0);
}

static void expect_refused(const char *s, size_t len, dsg_html_status want, size_t at)
{
    char out[8192];
    size_t n = 0, bad = 0;
    ck_assert_int_eq(esc_checked(s, len, 4096, out, &n, &bad), want);
    ck_assert_uint_eq(bad, at);
}

/* @relation(REQ-SHARE-023) */
START_TEST(test_html_esc_ill_formed_utf8_is_refused)
{
    expect_refused("a\xff.pdf", 6, DSG_HTML_ERR_UTF8, 1);
    expect_refused("\x80", 1, DSG_HTML_ERR_UTF8, 0);                 /* stray continuation */
    expect_refused("ok\xc0\xbc", 4, DSG_HTML_ERR_UTF8, 2);           /* overlong '<' */
    expect_refused("\xe0\x80\xbc", 3, DSG_HTML_ERR_UTF8, 0);         /* overlong '<' */
    expect_refused("\xed\xa0\x80", 3, DSG_HTML_ERR_UTF8, 0);         /* surrogate */
    expect_refused("\xf4\x90\x80\x80", 4, DSG_HTML_ERR_UTF8, 0);     /* above U+10FFFF */
    expect_refused("\xe8\xa8", 2, DSG_HTML_ERR_UTF8, 0);             /* cut short */
    expect_refused("\xe8\xa8\xad\xe8", 4, DSG_HTML_ERR_UTF8, 3);
    ck_assert_str_eq(dsg_html_status_token(DSG_HTML_ERR_UTF8), "bad-utf8");
}
END_TEST

/* @relation(REQ-SHARE-023) */
START_TEST(test_html_esc_controls_are_refused)
{
    expect_refused("a\0b", 3, DSG_HTML_ERR_CONTROL, 1);
    expect_refused("\x1b[31m", 5, DSG_HTML_ERR_CONTROL, 0);
    expect_refused("x\x7f", 2, DSG_HTML_ERR_CONTROL, 1);             /* DEL */
    expect_refused("x\xc2\x85y", 4, DSG_HTML_ERR_CONTROL, 1);        /* NEL, a C1 control */
    expect_refused("\xc2\x80", 2, DSG_HTML_ERR_CONTROL, 0);
    expect_refused("\xc2\x9f", 2, DSG_HTML_ERR_CONTROL, 0);
    expect_refused("<\x0c>", 3, DSG_HTML_ERR_CONTROL, 1);            /* form feed */
    /* TAB, LF and CR stay, and U+00A0 (just after C1) is text */
    expect_escape("a\tb\nc\rd", "a\tb\nc\rd");
    expect_escape("\xc2\xa0", "\xc2\xa0");
    ck_assert_str_eq(dsg_html_status_token(DSG_HTML_ERR_CONTROL), "control");
}
END_TEST

/* @relation(REQ-SHARE-023) */
START_TEST(test_html_esc_length_limit)
{
    char *big = malloc(DSG_HTML_IN_MAX + 1);
    ck_assert_ptr_nonnull(big);
    memset(big, 'a', DSG_HTML_IN_MAX + 1);
    size_t n = 0, bad = 0;
    ck_assert_int_eq(dsg_html_escaped_len((const uint8_t *)big, DSG_HTML_IN_MAX, &n, &bad),
                     DSG_HTML_OK);
    ck_assert_uint_eq(n, DSG_HTML_IN_MAX);
    memset(big, '"', DSG_HTML_IN_MAX);
    ck_assert_int_eq(dsg_html_escaped_len((const uint8_t *)big, DSG_HTML_IN_MAX, &n, &bad),
                     DSG_HTML_OK);
    ck_assert_uint_eq(n, 6 * DSG_HTML_IN_MAX);
    n = 3;
    ck_assert_int_eq(dsg_html_escaped_len((const uint8_t *)big, DSG_HTML_IN_MAX + 1, &n, &bad),
                     DSG_HTML_ERR_TOO_LONG);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(bad, DSG_HTML_IN_MAX);
    char out[4];
    ck_assert_int_eq(dsg_html_escape((const uint8_t *)big, DSG_HTML_IN_MAX + 1, out, sizeof out,
                                     &n, &bad),
                     DSG_HTML_ERR_TOO_LONG);
    free(big);
}
END_TEST

/* @relation(REQ-SHARE-023) */
START_TEST(test_html_esc_too_small_writes_nothing)
{
    const char *s = "a\"b";   /* a&quot;b: 8 bytes */
    char out[64];
    size_t n = 0, bad = 0;
    for (size_t cap = 0; cap < 8; cap++) {
        ck_assert_int_eq(esc_checked(s, 3, cap, out, &n, &bad), DSG_HTML_ERR_ROOM);
        ck_assert_uint_eq(n, 8);   /* the length it needs */
    }
    ck_assert_int_eq(esc_checked(s, 3, 8, out, &n, &bad), DSG_HTML_OK);
    ck_assert(memcmp(out, "a&quot;b", 8) == 0);
    /* the empty value fits anywhere, even in no buffer at all */
    ck_assert_int_eq(esc_checked("", 0, 0, out, &n, &bad), DSG_HTML_OK);
    ck_assert_uint_eq(n, 0);
    /* a refusal for the content comes before the one for the room */
    ck_assert_int_eq(esc_checked("<\x01", 2, 0, out, &n, &bad), DSG_HTML_ERR_CONTROL);
    ck_assert_str_eq(dsg_html_status_token(DSG_HTML_ERR_ROOM), "no-room");
    ck_assert_str_eq(dsg_html_status_token((dsg_html_status)99), "unknown");
}
END_TEST

/* @relation(REQ-SHARE-023) */
START_TEST(test_html_esc_every_special_character)
{
    expect_escape("&", "&amp;");
    expect_escape("<", "&lt;");
    expect_escape(">", "&gt;");
    expect_escape("\"", "&quot;");
    expect_escape("'", "&#39;");
    expect_escape("&<>\"'", "&amp;&lt;&gt;&quot;&#39;");
    /* a reference in the input is text, not a reference */
    expect_escape("&amp;", "&amp;amp;");
    expect_escape("&#60;", "&amp;#60;");
    expect_escape("", "");
    expect_escape("plain text / = ` ;", "plain text / = ` ;");
}
END_TEST

/* @relation(REQ-SHARE-023) */
START_TEST(test_html_esc_attribute_breaking_values)
{
    expect_escape("\"><script>alert(1)</script>",
                  "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
    expect_escape("x\" onload=\"alert(1)", "x&quot; onload=&quot;alert(1)");
    expect_escape("x' onmouseover='alert(1)", "x&#39; onmouseover=&#39;alert(1)");
    expect_escape("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;");
    expect_escape("</title><svg/onload=alert(1)>",
                  "&lt;/title&gt;&lt;svg/onload=alert(1)&gt;");
    expect_escape("<!--", "&lt;!--");
}
END_TEST

/* @relation(REQ-SHARE-023) */
START_TEST(test_html_esc_japanese_text)
{
    expect_escape("設計書.pdf", "設計書.pdf");
    expect_escape("見積書<最終版>&「確定」.xlsx", "見積書&lt;最終版&gt;&amp;「確定」.xlsx");
    expect_escape("ﾃｽﾄ 🗂 'ファイル'", "ﾃｽﾄ 🗂 &#39;ファイル&#39;");
}
END_TEST

/* Reads the five references back: the input again, or -1. */
static long unescape(const char *o, size_t n, char *back)
{
    static const char *const refs[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&#39;" };
    static const char chars[] = "&<>\"'";
    size_t m = 0;
    for (size_t i = 0; i < n;) {
        if (o[i] != '&') {
            back[m++] = o[i++];
            continue;
        }
        size_t k = 0;
        while (k < 5 && (n - i < strlen(refs[k]) || memcmp(o + i, refs[k], strlen(refs[k])) != 0))
            k++;
        if (k == 5)
            return -1;
        back[m++] = chars[k];
        i += strlen(refs[k]);
    }
    return (long)m;
}

/* @relation(REQ-SHARE-023) */
START_TEST(test_html_esc_many_values_are_safe_and_read_back)
{
    static const char *const pieces[] = { "a", "&", "<", ">", "\"", "'", "設", "\t", "=",
                                          "amp;", "#39;", "🗂", " ", "/", "\xc2\xa0" };
    unsigned seed = 12345;
    int safe = 1, same = 1;
    for (int round = 0; round < 3000; round++) {
        char in[256], out[2048], back[2048];
        size_t len = 0;
        seed = seed * 1103515245u + 12345u;
        int parts = (int)(seed >> 16) % 20;
        for (int p = 0; p < parts; p++) {
            seed = seed * 1103515245u + 12345u;
            const char *piece = pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])];
            memcpy(in + len, piece, strlen(piece));
            len += strlen(piece);
        }
        size_t n = 0, bad = 0;
        dsg_html_status st = dsg_html_escape((const uint8_t *)in, len, out, sizeof out, &n, &bad);
        ck_assert_int_eq(st, DSG_HTML_OK);
        for (size_t i = 0; i < n; i++)
            safe &= out[i] != '<' && out[i] != '>' && out[i] != '"' && out[i] != '\'';
        long m = unescape(out, n, back);
        same &= m == (long)len && memcmp(back, in, len) == 0;
    }
    ck_assert(safe);
    ck_assert(same);
}
END_TEST

Suite *suite_html_esc(void)
{
    Suite *s = suite_create("html_esc");
    TCase *bad = tcase_create("refused");
    tcase_add_test(bad, test_html_esc_ill_formed_utf8_is_refused);
    tcase_add_test(bad, test_html_esc_controls_are_refused);
    tcase_add_test(bad, test_html_esc_length_limit);
    tcase_add_test(bad, test_html_esc_too_small_writes_nothing);
    suite_add_tcase(s, bad);
    TCase *ok = tcase_create("escapes");
    tcase_add_test(ok, test_html_esc_every_special_character);
    tcase_add_test(ok, test_html_esc_attribute_breaking_values);
    tcase_add_test(ok, test_html_esc_japanese_text);
    tcase_add_test(ok, test_html_esc_many_values_are_safe_and_read_back);
    suite_add_tcase(s, ok);
    return s;
}
