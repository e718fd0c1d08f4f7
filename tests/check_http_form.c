/*
 * Unit tests of the application/x-www-form-urlencoded parser
 * (src/core/http_form.h): REQ-RUN-052.
 *
 * Bad input first: every error code with the offset it reports (bad
 * escapes, NUL raw and encoded, ill-formed UTF-8 raw, encoded and mixed,
 * too many fields, an output buffer too small), then the lookup's
 * refusals (a name present twice however it is encoded, a slice outside
 * the input). Then well-formed forms: splitting as the WHATWG standard
 * does (empty sequences skipped, no "=", first "=" splits), decoding ("+",
 * escapes in any case, UTF-8 up to four bytes) and the lookup.
 *
 * parse_checked() checks the contract on each result: on success every
 * slice lies in the input, holds no "&" (the name no "="), and decodes
 * without error into a buffer as long as the slice; on an error the count
 * is 0 and the offset within the input.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "core/http_form.h"

Suite *suite_http_form(void);

#define CAP 8u

static dsg_form_field fields[CAP];
static size_t nfields;
static uint8_t buf[256];
static size_t buf_len;

static dsg_form_status decode_checked(const uint8_t *in, size_t n, size_t cap)
{
    size_t out_len = 12345;
    memset(buf, 0xAA, sizeof buf);
    dsg_form_status st = dsg_form_decode(in, n, buf, cap, &out_len);
    for (size_t k = cap; k < sizeof buf; k++)
        ck_assert_uint_eq(buf[k], 0xAA);      /* nothing written past cap */
    if (st == DSG_FORM_OK) {
        ck_assert_uint_le(out_len, n);
        ck_assert_uint_le(out_len, cap);
        for (size_t k = 0; k < out_len; k++)
            ck_assert_uint_ne(buf[k], 0);
        buf_len = out_len;
    } else {
        ck_assert_uint_eq(out_len, 12345);
    }
    return st;
}

static dsg_form_status parse_checked(const char *text, size_t len, size_t cap, size_t *at)
{
    const uint8_t *s = (const uint8_t *)text;
    size_t count = 99, err_at = 99;
    dsg_form_status st = dsg_form_parse(s, len, fields, cap, &count, &err_at);
    ck_assert_uint_le(err_at, len);
    if (st == DSG_FORM_OK) {
        ck_assert_uint_le(count, cap);
        for (size_t k = 0; k < count; k++) {
            const dsg_form_field *f = &fields[k];
            ck_assert_uint_le(f->name_off + f->name_len, f->value_off);
            ck_assert_uint_le(f->value_off + f->value_len, len);
            ck_assert(memchr(s + f->name_off, '&', f->name_len) == NULL);
            ck_assert(memchr(s + f->name_off, '=', f->name_len) == NULL);
            ck_assert(memchr(s + f->value_off, '&', f->value_len) == NULL);
            ck_assert_uint_le(f->name_len, sizeof buf);
            ck_assert_uint_le(f->value_len, sizeof buf);
            ck_assert_int_eq(decode_checked(s + f->name_off, f->name_len, f->name_len),
                             DSG_FORM_OK);
            ck_assert_int_eq(decode_checked(s + f->value_off, f->value_len, f->value_len),
                             DSG_FORM_OK);
        }
    } else {
        ck_assert_uint_eq(count, 0);
    }
    nfields = count;
    if (at != NULL)
        *at = err_at;
    return st;
}

#define BAD(text, code, offset)                                                   \
    do {                                                                          \
        size_t at_;                                                               \
        ck_assert_int_eq(parse_checked((text), strlen(text), CAP, &at_), (code)); \
        ck_assert_uint_eq(at_, (offset));                                         \
    } while (0)

/* Decodes `text` whole into a large buffer and compares with `want`. */
static void check_decodes(const char *text, const char *want)
{
    ck_assert_int_eq(decode_checked((const uint8_t *)text, strlen(text), sizeof buf),
                     DSG_FORM_OK);
    ck_assert_uint_eq(buf_len, strlen(want));
    ck_assert(memcmp(buf, want, buf_len) == 0);
}

/* Field k's name and value decode to name and value. */
static void check_field(const char *text, size_t k, const char *name, const char *value)
{
    const uint8_t *s = (const uint8_t *)text;
    ck_assert_uint_lt(k, nfields);
    ck_assert_int_eq(decode_checked(s + fields[k].name_off, fields[k].name_len, sizeof buf),
                     DSG_FORM_OK);
    ck_assert_uint_eq(buf_len, strlen(name));
    ck_assert(memcmp(buf, name, buf_len) == 0);
    ck_assert_int_eq(decode_checked(s + fields[k].value_off, fields[k].value_len, sizeof buf),
                     DSG_FORM_OK);
    ck_assert_uint_eq(buf_len, strlen(value));
    ck_assert(memcmp(buf, value, buf_len) == 0);
}

/* ---- bad input -------------------------------------------------------------- */

/* @relation(REQ-RUN-052) */
START_TEST(test_form_bad_escapes_refused)
{
    BAD("a=%", DSG_FORM_ERR_BAD_ESCAPE, 2);
    BAD("a=%4", DSG_FORM_ERR_BAD_ESCAPE, 2);
    BAD("a=%4g", DSG_FORM_ERR_BAD_ESCAPE, 2);
    BAD("a=%g4&b=1", DSG_FORM_ERR_BAD_ESCAPE, 2);
    BAD("%%41=1", DSG_FORM_ERR_BAD_ESCAPE, 0);
    BAD("a=1&b%=2", DSG_FORM_ERR_BAD_ESCAPE, 5);
    BAD("a=%+1", DSG_FORM_ERR_BAD_ESCAPE, 2);
    BAD("a=%-1", DSG_FORM_ERR_BAD_ESCAPE, 2);
    ck_assert_int_eq(decode_checked((const uint8_t *)"x%2", 3, 10), DSG_FORM_ERR_BAD_ESCAPE);
}
END_TEST

/* @relation(REQ-RUN-052) */
START_TEST(test_form_nul_refused)
{
    size_t at;
    BAD("a=%00", DSG_FORM_ERR_NUL, 2);
    BAD("%00=a", DSG_FORM_ERR_NUL, 0);
    BAD("a=b&c=x%00y", DSG_FORM_ERR_NUL, 7);
    ck_assert_int_eq(parse_checked("a=b\0c", 5, CAP, &at), DSG_FORM_ERR_NUL);
    ck_assert_uint_eq(at, 3);
    ck_assert_int_eq(decode_checked((const uint8_t *)"\0", 1, 10), DSG_FORM_ERR_NUL);
    ck_assert_int_eq(decode_checked((const uint8_t *)"ab%00", 5, 10), DSG_FORM_ERR_NUL);
}
END_TEST

/* @relation(REQ-RUN-052) */
START_TEST(test_form_bad_utf8_refused)
{
    BAD("a=%C3", DSG_FORM_ERR_BAD_UTF8, 2);          /* cut short */
    BAD("a=%C3x", DSG_FORM_ERR_BAD_UTF8, 2);
    BAD("a=%C3%ZZ", DSG_FORM_ERR_BAD_UTF8, 2);       /* cut short by a bad escape */
    BAD("a=%C0%80", DSG_FORM_ERR_BAD_UTF8, 2);       /* overlong NUL */
    BAD("a=%E0%80%80", DSG_FORM_ERR_BAD_UTF8, 2);    /* overlong */
    BAD("a=%ED%A0%80", DSG_FORM_ERR_BAD_UTF8, 2);    /* surrogate */
    BAD("a=%F4%90%80%80", DSG_FORM_ERR_BAD_UTF8, 2); /* above U+10FFFF */
    BAD("a=%F5%80%80%80", DSG_FORM_ERR_BAD_UTF8, 2);
    BAD("a=%80", DSG_FORM_ERR_BAD_UTF8, 2);          /* stray continuation */
    BAD("a=%FF", DSG_FORM_ERR_BAD_UTF8, 2);
    BAD("a=x\200", DSG_FORM_ERR_BAD_UTF8, 3);        /* raw */
    BAD("a=\303", DSG_FORM_ERR_BAD_UTF8, 2);
    BAD("%C3=%A9", DSG_FORM_ERR_BAD_UTF8, 0);        /* no sequence across "=" */
    BAD("a=%C3&%A9", DSG_FORM_ERR_BAD_UTF8, 2);      /* nor across "&" */
    BAD("a=%E2%82+", DSG_FORM_ERR_BAD_UTF8, 2);      /* "+" is SP, not a continuation */
    ck_assert_int_eq(decode_checked((const uint8_t *)"%ED%BF%BF", 9, 10), DSG_FORM_ERR_BAD_UTF8);
}
END_TEST

/* @relation(REQ-RUN-052) */
START_TEST(test_form_too_many_and_too_long_refused)
{
    size_t at;
    const char *text = "a=1&b=2&&c=3";
    ck_assert_int_eq(parse_checked(text, strlen(text), 2, &at), DSG_FORM_ERR_TOO_MANY);
    ck_assert_uint_eq(at, 9);
    ck_assert_int_eq(parse_checked(text, strlen(text), 0, &at), DSG_FORM_ERR_TOO_MANY);
    ck_assert_uint_eq(at, 0);
    ck_assert_int_eq(parse_checked(text, strlen(text), 3, &at), DSG_FORM_OK);
    ck_assert_uint_eq(nfields, 3);
    /* decoding: the output must fit; a code point is never cut */
    ck_assert_int_eq(decode_checked((const uint8_t *)"abc", 3, 2), DSG_FORM_ERR_TOO_LONG);
    ck_assert_int_eq(decode_checked((const uint8_t *)"a%C3%A9", 7, 2), DSG_FORM_ERR_TOO_LONG);
    ck_assert_int_eq(decode_checked((const uint8_t *)"a%C3%A9", 7, 3), DSG_FORM_OK);
    ck_assert_int_eq(decode_checked((const uint8_t *)"x", 1, 0), DSG_FORM_ERR_TOO_LONG);
    ck_assert_int_eq(decode_checked((const uint8_t *)"", 0, 0), DSG_FORM_OK);
    ck_assert_uint_eq(buf_len, 0);
    /* the first problem in reading order wins */
    ck_assert_int_eq(decode_checked((const uint8_t *)"ab%00", 5, 1), DSG_FORM_ERR_TOO_LONG);
    ck_assert_int_eq(decode_checked((const uint8_t *)"%00ab", 5, 1), DSG_FORM_ERR_NUL);
}
END_TEST

/* @relation(REQ-RUN-052) */
START_TEST(test_form_find_refuses_duplicates_and_bad_fields)
{
    const char *text = "user=a&role=x&%75ser=b";
    const uint8_t *s = (const uint8_t *)text;
    size_t index = 77;
    ck_assert_int_eq(parse_checked(text, strlen(text), CAP, NULL), DSG_FORM_OK);
    ck_assert_int_eq(dsg_form_find(s, strlen(text), fields, nfields, (const uint8_t *)"user", 4,
                                   &index),
                     DSG_FORM_DUPLICATE);
    const char *plus = "a+b=1&a%20b=2";
    ck_assert_int_eq(parse_checked(plus, strlen(plus), CAP, NULL), DSG_FORM_OK);
    ck_assert_int_eq(dsg_form_find((const uint8_t *)plus, strlen(plus), fields, nfields,
                                   (const uint8_t *)"a b", 3, &index),
                     DSG_FORM_DUPLICATE);
    ck_assert_uint_eq(index, 77);
    dsg_form_field bad[2] = { { 0, 4, 5, 1 }, { 20, 5, 0, 0 } };
    ck_assert_int_eq(dsg_form_find(s, strlen(text), bad, 2, (const uint8_t *)"user", 4, &index),
                     DSG_FORM_ERR_BAD_FIELD);
    dsg_form_field wrap[1] = { { SIZE_MAX, 2, 0, 0 } };
    ck_assert_int_eq(dsg_form_find(s, strlen(text), wrap, 1, (const uint8_t *)"x", 1, &index),
                     DSG_FORM_ERR_BAD_FIELD);
    ck_assert_uint_eq(index, 77);
}
END_TEST

/* ---- good input ------------------------------------------------------------- */

/* @relation(REQ-RUN-052) */
START_TEST(test_form_split_as_whatwg)
{
    const char *text = "a=1&&b&=x&c=d=e&&";
    ck_assert_int_eq(parse_checked(text, strlen(text), CAP, NULL), DSG_FORM_OK);
    ck_assert_uint_eq(nfields, 4);
    check_field(text, 0, "a", "1");
    check_field(text, 1, "b", "");
    check_field(text, 2, "", "x");
    check_field(text, 3, "c", "d=e");
    ck_assert_int_eq(parse_checked("", 0, CAP, NULL), DSG_FORM_OK);
    ck_assert_uint_eq(nfields, 0);
    ck_assert_int_eq(parse_checked("&&&", 3, 0, NULL), DSG_FORM_OK);
    ck_assert_uint_eq(nfields, 0);
    const char *more = "q=%E6%97%A5%E6%9C%AC&emoji=%F0%9F%98%80&raw=\303\251&sp=a+b%2Bc";
    ck_assert_int_eq(parse_checked(more, strlen(more), CAP, NULL), DSG_FORM_OK);
    ck_assert_uint_eq(nfields, 4);
    check_field(more, 0, "q", "\346\227\245\346\234\254");
    check_field(more, 1, "emoji", "\360\237\230\200");
    check_field(more, 2, "raw", "\303\251");
    check_field(more, 3, "sp", "a b+c");
}
END_TEST

/* @relation(REQ-RUN-052) */
START_TEST(test_form_decode_exact)
{
    check_decodes("", "");
    check_decodes("+", " ");
    check_decodes("%2b%2B+", "++ ");
    check_decodes("%41%6a%6A%7e", "Ajj~");
    check_decodes("%0D%0A\t", "\r\n\t");              /* controls other than NUL pass */
    check_decodes("%C3%A9\303\251%c3\251", "\303\251\303\251\303\251");  /* raw and encoded mixed */
    check_decodes("%EF%BF%BF%F4%8F%BF%BF", "\357\277\277\364\217\277\277");
    check_decodes("%C2%80%DF%BF", "\302\200\337\277");
    check_decodes("=&?#", "=&?#");                     /* decode takes any slice */
}
END_TEST

/* @relation(REQ-RUN-052) */
START_TEST(test_form_find_decoded_name)
{
    const char *text = "a%20b=1&User=2&user%21=3&=4&c";
    const uint8_t *s = (const uint8_t *)text;
    size_t index = 77;
    ck_assert_int_eq(parse_checked(text, strlen(text), CAP, NULL), DSG_FORM_OK);
    ck_assert_uint_eq(nfields, 5);
    ck_assert_int_eq(dsg_form_find(s, strlen(text), fields, nfields, (const uint8_t *)"a b", 3,
                                   &index),
                     DSG_FORM_OK);
    ck_assert_uint_eq(index, 0);
    ck_assert_int_eq(dsg_form_find(s, strlen(text), fields, nfields, (const uint8_t *)"user!", 5,
                                   &index),
                     DSG_FORM_OK);
    ck_assert_uint_eq(index, 2);
    ck_assert_int_eq(dsg_form_find(s, strlen(text), fields, nfields, (const uint8_t *)"", 0,
                                   &index),
                     DSG_FORM_OK);
    ck_assert_uint_eq(index, 3);
    ck_assert_int_eq(dsg_form_find(s, strlen(text), fields, nfields, (const uint8_t *)"c", 1,
                                   &index),
                     DSG_FORM_OK);
    ck_assert_uint_eq(index, 4);
    index = 77;
    ck_assert_int_eq(dsg_form_find(s, strlen(text), fields, nfields, (const uint8_t *)"user", 4,
                                   &index),
                     DSG_FORM_NOT_FOUND);
    ck_assert_int_eq(dsg_form_find(s, strlen(text), fields, nfields, (const uint8_t *)"a%20b", 5,
                                   &index),
                     DSG_FORM_NOT_FOUND);
    ck_assert_uint_eq(index, 77);
}
END_TEST

/* @relation(REQ-RUN-052) */
START_TEST(test_form_status_tokens)
{
    ck_assert_str_eq(dsg_form_status_token(DSG_FORM_OK), "ok");
    ck_assert_str_eq(dsg_form_status_token(DSG_FORM_ERR_BAD_ESCAPE), "bad-escape");
    ck_assert_str_eq(dsg_form_status_token(DSG_FORM_ERR_BAD_UTF8), "bad-utf8");
    ck_assert_str_eq(dsg_form_status_token(DSG_FORM_ERR_BAD_FIELD), "bad-field");
    ck_assert_str_eq(dsg_form_status_token((dsg_form_status)99), "unknown");
}
END_TEST

Suite *suite_http_form(void)
{
    Suite *s = suite_create("http_form");
    TCase *bad = tcase_create("bad input");
    tcase_add_test(bad, test_form_bad_escapes_refused);
    tcase_add_test(bad, test_form_nul_refused);
    tcase_add_test(bad, test_form_bad_utf8_refused);
    tcase_add_test(bad, test_form_too_many_and_too_long_refused);
    tcase_add_test(bad, test_form_find_refuses_duplicates_and_bad_fields);
    suite_add_tcase(s, bad);
    TCase *good = tcase_create("good input");
    tcase_add_test(good, test_form_split_as_whatwg);
    tcase_add_test(good, test_form_decode_exact);
    tcase_add_test(good, test_form_find_decoded_name);
    tcase_add_test(good, test_form_status_tokens);
    suite_add_tcase(s, good);
    return s;
}
