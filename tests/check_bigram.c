/*
 * Unit tests of the search-term scanner (src/core/bigram.h): the bigrams
 * and unigrams of Japanese, ASCII, mixed and full-width text, separators,
 * invalid UTF-8 and malformed cursors.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/bigram.h"

Suite *suite_bigram(void);

/* Appends code point c as UTF-8 (c is a scanner output, so <= U+10FFFF). */
static size_t put_utf8(char *out, size_t at, uint32_t c)
{
    if (c < 0x80u) {
        out[at++] = (char)c;
    } else if (c < 0x800u) {
        out[at++] = (char)(0xC0u | (c >> 6));
        out[at++] = (char)(0x80u | (c & 0x3Fu));
    } else if (c < 0x10000u) {
        out[at++] = (char)(0xE0u | (c >> 12));
        out[at++] = (char)(0x80u | ((c >> 6) & 0x3Fu));
        out[at++] = (char)(0x80u | (c & 0x3Fu));
    } else {
        out[at++] = (char)(0xF0u | (c >> 18));
        out[at++] = (char)(0x80u | ((c >> 12) & 0x3Fu));
        out[at++] = (char)(0x80u | ((c >> 6) & 0x3Fu));
        out[at++] = (char)(0x80u | (c & 0x3Fu));
    }
    return at;
}

/* Scans text in mode and writes its terms to out, separated by " "; returns
 * the final status and *bad the cursor position at the end. */
static int scan(const char *text, size_t len, int mode, char *out, size_t cap, size_t *bad)
{
    dsg_bg_cursor c;
    dsg_bg_term t;
    size_t at = 0;
    int rc = dsg_bg_init(&c, mode);
    ck_assert_int_eq(rc, DSG_BG_END);
    out[0] = '\0';
    while ((rc = dsg_bg_next(&c, (const uint8_t *)text, len, &t)) == DSG_BG_TERM) {
        ck_assert_uint_le(t.off + t.len, len);
        ck_assert_uint_lt(at + 10u, cap);
        if (at > 0)
            out[at++] = ' ';
        at = put_utf8(out, at, t.cp1);
        if (t.cp2 != 0)
            at = put_utf8(out, at, t.cp2);
        out[at] = '\0';
    }
    *bad = c.pos;
    return rc;
}

static void expect_terms(const char *text, int mode, const char *want)
{
    char out[1024];
    size_t pos;
    ck_assert_int_eq(scan(text, strlen(text), mode, out, sizeof out, &pos), DSG_BG_END);
    ck_assert_str_eq(out, want);
    ck_assert_uint_eq(pos, strlen(text));
}

static void expect_invalid(const char *text, size_t len, size_t at)
{
    char out[1024];
    size_t pos;
    ck_assert_int_eq(scan(text, len, DSG_BG_QUERY, out, sizeof out, &pos), DSG_BG_INVALID);
    ck_assert_uint_eq(pos, at);
    ck_assert_int_eq(scan(text, len, DSG_BG_DOCUMENT, out, sizeof out, &pos), DSG_BG_INVALID);
    ck_assert_uint_eq(pos, at);
}

/* @relation(REQ-SHARE-015) */
START_TEST(test_bigram_empty_and_separators_only)
{
    expect_terms("", DSG_BG_QUERY, "");
    expect_terms("", DSG_BG_DOCUMENT, "");
    expect_terms(" \t\r\n.,;:!?()[]{}<>/\\\"'`~@#$%^&*-+=|_", DSG_BG_QUERY, "");
    /* ideographic space, 、。「」『』【】, full-width ！, NBSP, BOM */
    expect_terms("\u3000、。「」『』【】！\u00A0\uFEFF", DSG_BG_DOCUMENT, "");
    /* a NULL text of length 0 is an empty text */
    dsg_bg_cursor c;
    dsg_bg_term t;
    ck_assert_int_eq(dsg_bg_init(&c, DSG_BG_QUERY), DSG_BG_END);
    ck_assert_int_eq(dsg_bg_next(&c, NULL, 0, &t), DSG_BG_END);
}
END_TEST

/* @relation(REQ-SHARE-015) */
START_TEST(test_bigram_invalid_utf8_is_an_error)
{
    expect_invalid("\x80", 1, 0);                       /* lone continuation */
    expect_invalid("ab\xC0\xAF", 4, 2);                 /* overlong '/' */
    expect_invalid("設\xED\xA0\x80", 6, 3);             /* surrogate after a word */
    expect_invalid("a b \xF4\x90\x80\x80", 8, 4);       /* above U+10FFFF */
    expect_invalid("設計\xE8\xA8", 8, 6);               /* cut short by the end */
    expect_invalid("x\xFFy", 3, 1);
    /* the terms before the error still come out, then the error stays */
    dsg_bg_cursor c;
    dsg_bg_term t;
    const uint8_t s[] = "ab \xFF";
    ck_assert_int_eq(dsg_bg_init(&c, DSG_BG_QUERY), DSG_BG_END);
    ck_assert_int_eq(dsg_bg_next(&c, s, 4, &t), DSG_BG_TERM);
    ck_assert_int_eq(dsg_bg_next(&c, s, 4, &t), DSG_BG_INVALID);
    ck_assert_uint_eq(c.pos, 3);
    ck_assert_int_eq(dsg_bg_next(&c, s, 4, &t), DSG_BG_INVALID);
    ck_assert_uint_eq(c.pos, 3);
}
END_TEST

/* @relation(REQ-SHARE-015) */
START_TEST(test_bigram_bad_cursor_and_mode)
{
    dsg_bg_cursor c = { 5, 0, 0, 0 };
    dsg_bg_term t = { 7, 7, 7, 7 };
    const uint8_t s[] = "abc";
    ck_assert_int_eq(dsg_bg_init(&c, 2), DSG_BG_BAD_CURSOR);
    ck_assert_int_eq(dsg_bg_init(&c, -1), DSG_BG_BAD_CURSOR);
    ck_assert_uint_eq(c.pos, 5);                        /* untouched */
    ck_assert_int_eq(dsg_bg_next(&c, s, 3, &t), DSG_BG_BAD_CURSOR);   /* pos > len */
    ck_assert_uint_eq(c.pos, 5);
    ck_assert_uint_eq(t.cp1, 7);
    c = (dsg_bg_cursor){ 0, 2, 0, 0 };
    ck_assert_int_eq(dsg_bg_next(&c, s, 3, &t), DSG_BG_BAD_CURSOR);
    c = (dsg_bg_cursor){ 0, 0, 1, 0 };                  /* unigram due in QUERY mode */
    ck_assert_int_eq(dsg_bg_next(&c, s, 3, &t), DSG_BG_BAD_CURSOR);
    c = (dsg_bg_cursor){ 0, 0, 0, 9 };
    ck_assert_int_eq(dsg_bg_next(&c, s, 3, &t), DSG_BG_BAD_CURSOR);
}
END_TEST

/* @relation(REQ-SHARE-015) */
START_TEST(test_bigram_japanese)
{
    expect_terms("設計書", DSG_BG_QUERY, "設計 計書");
    expect_terms("設計書", DSG_BG_DOCUMENT, "設計 設 計書 計 書");
    expect_terms("設", DSG_BG_QUERY, "設");
    expect_terms("設計", DSG_BG_QUERY, "設計");
    /* 「防衛装備の設計」: the brackets separate */
    expect_terms("「防衛装備の設計」", DSG_BG_QUERY, "防衛 衛装 装備 備の の設 設計");
    /* 々 (U+3005) is a word character */
    expect_terms("人々", DSG_BG_QUERY, "人々");
    /* one-character runs between separators */
    expect_terms("甲、乙。丙", DSG_BG_QUERY, "甲 乙 丙");
    expect_terms("甲、乙。丙", DSG_BG_DOCUMENT, "甲 乙 丙");
    /* a character outside the BMP */
    expect_terms("\U00020BB7野家", DSG_BG_QUERY, "\U00020BB7野 野家");
}
END_TEST

/* @relation(REQ-SHARE-015) */
START_TEST(test_bigram_ascii_mixed_and_full_width)
{
    expect_terms("DSG", DSG_BG_QUERY, "ds sg");
    expect_terms("ＤＳＧ", DSG_BG_QUERY, "ds sg");
    expect_terms("ｄｓｇ", DSG_BG_QUERY, "ds sg");
    expect_terms("a", DSG_BG_QUERY, "a");
    expect_terms("Ａ", DSG_BG_QUERY, "a");
    expect_terms("ab", DSG_BG_DOCUMENT, "ab a b");
    expect_terms("設計書.txt", DSG_BG_QUERY, "設計 計書 tx xt");
    expect_terms("DSG設計v2", DSG_BG_QUERY, "ds sg g設 設計 計v v2");
    /* full-width punctuation folds to ASCII punctuation: a separator */
    expect_terms("Ａ（Ｂ）", DSG_BG_QUERY, "a b");
    expect_terms("x y", DSG_BG_QUERY, "x y");
    /* a one-character run after a longer one, and before one */
    expect_terms("ab c de", DSG_BG_QUERY, "ab c de");
    expect_terms("ab c de", DSG_BG_DOCUMENT, "ab a b c de d e");
}
END_TEST

/* @relation(REQ-SHARE-015) */
START_TEST(test_bigram_offsets)
{
    const uint8_t s[] = "Ａ設 x";   /* EF BC A1, E8 A8 AD, SP, x */
    const struct { uint32_t cp1, cp2; size_t off, len; } want[] = {
        { 'a', 0x8A2D, 0, 6 }, { 'a', 0, 0, 3 }, { 0x8A2D, 0, 3, 3 }, { 'x', 0, 7, 1 },
    };
    dsg_bg_cursor c;
    dsg_bg_term t;
    ck_assert_int_eq(dsg_bg_init(&c, DSG_BG_DOCUMENT), DSG_BG_END);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        ck_assert_int_eq(dsg_bg_next(&c, s, 8, &t), DSG_BG_TERM);
        ck_assert_uint_eq(t.cp1, want[i].cp1);
        ck_assert_uint_eq(t.cp2, want[i].cp2);
        ck_assert_uint_eq(t.off, want[i].off);
        ck_assert_uint_eq(t.len, want[i].len);
    }
    ck_assert_int_eq(dsg_bg_next(&c, s, 8, &t), DSG_BG_END);
    ck_assert_int_eq(dsg_bg_next(&c, s, 8, &t), DSG_BG_END);
}
END_TEST

/* @relation(REQ-SHARE-015) */
START_TEST(test_bigram_resumes_on_a_longer_text)
{
    /* a cursor that ended on a prefix goes on over the whole text */
    dsg_bg_cursor c;
    dsg_bg_term t;
    const uint8_t s[] = "ab cd";
    ck_assert_int_eq(dsg_bg_init(&c, DSG_BG_QUERY), DSG_BG_END);
    ck_assert_int_eq(dsg_bg_next(&c, s, 2, &t), DSG_BG_TERM);
    ck_assert_int_eq(dsg_bg_next(&c, s, 2, &t), DSG_BG_END);
    ck_assert_int_eq(dsg_bg_next(&c, s, 5, &t), DSG_BG_TERM);
    ck_assert_uint_eq(t.off, 3);
    ck_assert_uint_eq(t.cp1, 'c');
    ck_assert_uint_eq(t.cp2, 'd');
}
END_TEST

Suite *suite_bigram(void)
{
    Suite *s = suite_create("bigram");
    TCase *bad = tcase_create("bad-input");
    tcase_add_test(bad, test_bigram_empty_and_separators_only);
    tcase_add_test(bad, test_bigram_invalid_utf8_is_an_error);
    tcase_add_test(bad, test_bigram_bad_cursor_and_mode);
    suite_add_tcase(s, bad);
    TCase *tc = tcase_create("terms");
    tcase_add_test(tc, test_bigram_japanese);
    tcase_add_test(tc, test_bigram_ascii_mixed_and_full_width);
    tcase_add_test(tc, test_bigram_offsets);
    tcase_add_test(tc, test_bigram_resumes_on_a_longer_text);
    suite_add_tcase(s, tc);
    return s;
}
