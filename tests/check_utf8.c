/*
 * Unit tests of strict UTF-8 decoding (src/core/utf8.h): every boundary of
 * Unicode 15.0 table 3-7, and the ill-formed sequences it excludes.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "core/utf8.h"

Suite *suite_utf8(void);

/* Decodes the whole of s as one sequence and returns its length (0 if
 * ill-formed); *cp gets the code point. */
static size_t decode_one(const char *s, size_t len, uint32_t *cp)
{
    *cp = 0xFFFFFFFFu;
    return dsg_utf8_decode((const uint8_t *)s, len, 0, cp);
}

struct well_formed { const char *bytes; size_t len; uint32_t cp; };

/* The first and last code point of every row of table 3-7. */
static const struct well_formed boundaries[] = {
    { "\x00", 1, 0x0000 },               { "\x7F", 1, 0x007F },
    { "\xC2\x80", 2, 0x0080 },           { "\xDF\xBF", 2, 0x07FF },
    { "\xE0\xA0\x80", 3, 0x0800 },       { "\xE0\xBF\xBF", 3, 0x0FFF },
    { "\xE1\x80\x80", 3, 0x1000 },       { "\xEC\xBF\xBF", 3, 0xCFFF },
    { "\xED\x80\x80", 3, 0xD000 },       { "\xED\x9F\xBF", 3, 0xD7FF },
    { "\xEE\x80\x80", 3, 0xE000 },       { "\xEF\xBF\xBF", 3, 0xFFFF },
    { "\xF0\x90\x80\x80", 4, 0x10000 },  { "\xF0\xBF\xBF\xBF", 4, 0x3FFFF },
    { "\xF1\x80\x80\x80", 4, 0x40000 },  { "\xF3\xBF\xBF\xBF", 4, 0xFFFFF },
    { "\xF4\x80\x80\x80", 4, 0x100000 }, { "\xF4\x8F\xBF\xBF", 4, 0x10FFFF },
};

/* @relation(REQ-SHARE-003) */
START_TEST(test_utf8_table_3_7_boundaries)
{
    const struct well_formed *w = &boundaries[_i];
    uint32_t cp;
    ck_assert_uint_eq(decode_one(w->bytes, w->len, &cp), w->len);
    ck_assert_uint_eq(cp, w->cp);
}
END_TEST

struct ill_formed { const char *bytes; size_t len; const char *why; };

static const struct ill_formed rejected[] = {
    { "\x80", 1, "lone continuation byte" },
    { "\xBF", 1, "lone continuation byte" },
    { "\xC0\xAF", 2, "overlong '/'" },
    { "\xC1\xBF", 2, "overlong DEL" },
    { "\xE0\x80\xAF", 3, "overlong 3-byte" },
    { "\xE0\x9F\xBF", 3, "overlong U+07FF" },
    { "\xED\xA0\x80", 3, "surrogate U+D800" },
    { "\xED\xBF\xBF", 3, "surrogate U+DFFF" },
    { "\xF0\x80\x80\xAF", 4, "overlong 4-byte" },
    { "\xF0\x8F\xBF\xBF", 4, "overlong U+FFFF" },
    { "\xF4\x90\x80\x80", 4, "above U+10FFFF" },
    { "\xF5\x80\x80\x80", 4, "lead byte F5" },
    { "\xFF", 1, "byte FF" },
    { "\xF8\x88\x80\x80\x80", 5, "5-byte form" },
    { "\xC2", 1, "cut short" },
    { "\xE3\x81", 2, "cut short" },
    { "\xF0\x9F\x98", 3, "cut short" },
    { "\xC2\x41", 2, "ASCII where a continuation belongs" },
    { "\xE3\x81\xC0", 3, "bad third byte" },
    { "\xF0\x9F\x98\x41", 4, "bad fourth byte" },
};

/* @relation(REQ-SHARE-003) */
START_TEST(test_utf8_ill_formed_rejected)
{
    const struct ill_formed *r = &rejected[_i];
    uint32_t cp;
    ck_assert_msg(decode_one(r->bytes, r->len, &cp) == 0, "accepted: %s", r->why);
}
END_TEST

/* @relation(REQ-SHARE-003) */
START_TEST(test_utf8_position_and_bounds)
{
    const uint8_t s[] = "a\xE6\x97\xA5z";   /* a 日 z */
    uint32_t cp = 0;
    ck_assert_uint_eq(dsg_utf8_decode(s, 5, 0, &cp), 1);
    ck_assert_uint_eq(cp, 'a');
    ck_assert_uint_eq(dsg_utf8_decode(s, 5, 1, &cp), 3);
    ck_assert_uint_eq(cp, 0x65E5);
    ck_assert_uint_eq(dsg_utf8_decode(s, 5, 4, &cp), 1);
    ck_assert_uint_eq(cp, 'z');
    /* pos at or past the end: nothing to decode, *cp untouched */
    cp = 7;
    ck_assert_uint_eq(dsg_utf8_decode(s, 5, 5, &cp), 0);
    ck_assert_uint_eq(dsg_utf8_decode(s, 5, 99, &cp), 0);
    ck_assert_uint_eq(cp, 7);
    /* a sequence cut by len, not by the buffer */
    ck_assert_uint_eq(dsg_utf8_decode(s, 3, 1, &cp), 0);
}
END_TEST

Suite *suite_utf8(void)
{
    Suite *s = suite_create("utf8");
    TCase *tc = tcase_create("table-3-7");
    tcase_add_loop_test(tc, test_utf8_table_3_7_boundaries, 0,
                        (int)(sizeof boundaries / sizeof boundaries[0]));
    tcase_add_loop_test(tc, test_utf8_ill_formed_rejected, 0,
                        (int)(sizeof rejected / sizeof rejected[0]));
    tcase_add_test(tc, test_utf8_position_and_bounds);
    suite_add_tcase(s, tc);
    return s;
}
