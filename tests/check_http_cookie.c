/*
 * Unit tests of the Cookie header parser (src/core/http_cookie.h):
 * REQ-RUN-051.
 *
 * Bad input first: every error code with the offset it reports (control
 * bytes, white space, separators, empty names, missing "=", bad name and
 * value bytes, quotes, too many pairs), then the lookup's refusals (a name
 * present twice, a slice outside the input). Then well-formed headers and
 * their slices, and the lookup.
 *
 * Every call goes through parse_checked(), which checks the contract on
 * each result: on success every slice lies in the input, names are
 * non-empty tokens followed by "=", values hold only cookie-octets; on an
 * error the count is 0 and the offset within the input.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "core/http_cookie.h"

Suite *suite_http_cookie(void);

#define CAP 8u

static dsg_cookie pairs[CAP];
static size_t npairs;

static int is_tchar(int c)
{
    return c > 0x20 && c < 0x7F && strchr("\"(),/:;<=>?@[\\]{}", c) == NULL;
}

static int is_octet(int c)
{
    return c > 0x20 && c < 0x7F && c != '"' && c != ',' && c != ';' && c != '\\';
}

static dsg_cookie_status parse_checked(const char *text, size_t len, size_t cap, size_t *at)
{
    const uint8_t *s = (const uint8_t *)text;
    size_t count = 99, err_at = 99;
    dsg_cookie_status st = dsg_cookie_parse(s, len, pairs, cap, &count, &err_at);
    ck_assert_uint_le(err_at, len);
    if (st == DSG_COOKIE_OK) {
        ck_assert_uint_ge(count, 1);
        ck_assert_uint_le(count, cap);
        for (size_t k = 0; k < count; k++) {
            const dsg_cookie *p = &pairs[k];
            ck_assert_uint_ge(p->name_len, 1);
            ck_assert_uint_lt(p->name_off + p->name_len, len);
            ck_assert_int_eq(s[p->name_off + p->name_len], '=');
            ck_assert_uint_le(p->value_off + p->value_len, len);
            for (size_t j = 0; j < p->name_len; j++)
                ck_assert(is_tchar(s[p->name_off + j]));
            for (size_t j = 0; j < p->value_len; j++)
                ck_assert(is_octet(s[p->value_off + j]));
        }
    } else {
        ck_assert_uint_eq(count, 0);
    }
    npairs = count;
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

/* The pair k is name=value (value without its quotes). */
static void check_pair(const char *text, size_t k, const char *name, const char *value)
{
    ck_assert_uint_lt(k, npairs);
    ck_assert_uint_eq(pairs[k].name_len, strlen(name));
    ck_assert(memcmp(text + pairs[k].name_off, name, strlen(name)) == 0);
    ck_assert_uint_eq(pairs[k].value_len, strlen(value));
    ck_assert(memcmp(text + pairs[k].value_off, value, strlen(value)) == 0);
}

/* ---- bad input -------------------------------------------------------------- */

/* @relation(REQ-RUN-051) */
START_TEST(test_cookie_empty_and_control_refused)
{
    BAD("", DSG_COOKIE_ERR_EMPTY, 0);
    BAD("a=b\001", DSG_COOKIE_ERR_CONTROL, 3);
    BAD("a\177=b", DSG_COOKIE_ERR_CONTROL, 1);
    BAD("a=\"b\r\"", DSG_COOKIE_ERR_CONTROL, 4);
    BAD("a=b\r\n", DSG_COOKIE_ERR_CONTROL, 3);
    BAD("a=\"b\"\n", DSG_COOKIE_ERR_CONTROL, 5);
    size_t at;
    ck_assert_int_eq(parse_checked("a=b\0c", 5, CAP, &at), DSG_COOKIE_ERR_CONTROL);
    ck_assert_uint_eq(at, 3);
    ck_assert_int_eq(parse_checked("\0", 1, CAP, &at), DSG_COOKIE_ERR_CONTROL);
    ck_assert_uint_eq(at, 0);
}
END_TEST

/* @relation(REQ-RUN-051) */
START_TEST(test_cookie_white_space_refused)
{
    BAD(" a=b", DSG_COOKIE_ERR_SPACE, 0);
    BAD("a =b", DSG_COOKIE_ERR_SPACE, 1);
    BAD("a= b", DSG_COOKIE_ERR_SPACE, 2);
    BAD("a=b ", DSG_COOKIE_ERR_SPACE, 3);
    BAD("a=b c", DSG_COOKIE_ERR_SPACE, 3);
    BAD("a=\"b c\"", DSG_COOKIE_ERR_SPACE, 4);
    BAD("a=\"b\" ; c=d", DSG_COOKIE_ERR_SPACE, 5);
    BAD("a=b;  c=d", DSG_COOKIE_ERR_SPACE, 5);
    BAD("a=b\t", DSG_COOKIE_ERR_SPACE, 3);
    BAD("\ta=b", DSG_COOKIE_ERR_SPACE, 0);
}
END_TEST

/* @relation(REQ-RUN-051) */
START_TEST(test_cookie_separators_refused)
{
    BAD("a=b;", DSG_COOKIE_ERR_SEPARATOR, 4);
    BAD("a=b;c=d", DSG_COOKIE_ERR_SEPARATOR, 4);
    BAD("a=b;;", DSG_COOKIE_ERR_SEPARATOR, 4);
    BAD("a=b;\tc=d", DSG_COOKIE_ERR_SEPARATOR, 4);
    BAD("a=\"b\";c=d", DSG_COOKIE_ERR_SEPARATOR, 6);
}
END_TEST

/* @relation(REQ-RUN-051) */
START_TEST(test_cookie_names_refused)
{
    BAD("=b", DSG_COOKIE_ERR_EMPTY_NAME, 0);
    BAD(";", DSG_COOKIE_ERR_EMPTY_NAME, 0);
    BAD("a=b; ", DSG_COOKIE_ERR_EMPTY_NAME, 5);
    BAD("a=b; =c", DSG_COOKIE_ERR_EMPTY_NAME, 5);
    BAD("a=b; ; c=d", DSG_COOKIE_ERR_EMPTY_NAME, 5);
    BAD("a", DSG_COOKIE_ERR_NO_EQUALS, 1);
    BAD("a; b=c", DSG_COOKIE_ERR_NO_EQUALS, 1);
    BAD("a=b; c", DSG_COOKIE_ERR_NO_EQUALS, 6);
    BAD("a(b=c", DSG_COOKIE_ERR_BAD_NAME, 1);
    BAD("a@b=c", DSG_COOKIE_ERR_BAD_NAME, 1);
    BAD("a:b=c", DSG_COOKIE_ERR_BAD_NAME, 1);
    BAD("\"a\"=b", DSG_COOKIE_ERR_BAD_NAME, 0);
    BAD("a,b=c", DSG_COOKIE_ERR_BAD_NAME, 1);
    BAD("\303\251=c", DSG_COOKIE_ERR_BAD_NAME, 0);
    BAD("a=b; c}=d", DSG_COOKIE_ERR_BAD_NAME, 6);
}
END_TEST

/* @relation(REQ-RUN-051) */
START_TEST(test_cookie_values_refused)
{
    BAD("a=b,c", DSG_COOKIE_ERR_BAD_VALUE, 3);
    BAD("a=b\\c", DSG_COOKIE_ERR_BAD_VALUE, 3);
    BAD("a=b\"", DSG_COOKIE_ERR_BAD_VALUE, 3);
    BAD("a=\303\251", DSG_COOKIE_ERR_BAD_VALUE, 2);
    BAD("a=\"b,\"", DSG_COOKIE_ERR_BAD_VALUE, 4);
    BAD("a=\"", DSG_COOKIE_ERR_BAD_QUOTE, 3);
    BAD("a=\"bc", DSG_COOKIE_ERR_BAD_QUOTE, 5);
    BAD("a=\"b; c=d\"", DSG_COOKIE_ERR_BAD_QUOTE, 4);
    BAD("a=\"b\"c", DSG_COOKIE_ERR_BAD_QUOTE, 5);
    BAD("a=\"b\"\"", DSG_COOKIE_ERR_BAD_QUOTE, 5);
    BAD("a=b=c", DSG_COOKIE_OK, 5);   /* but "=" is a cookie-octet */
}
END_TEST

/* @relation(REQ-RUN-051) */
START_TEST(test_cookie_too_many_refused)
{
    size_t at;
    const char *text = "a=1; b=2; c=3";
    ck_assert_int_eq(parse_checked(text, strlen(text), 2, &at), DSG_COOKIE_ERR_TOO_MANY);
    ck_assert_uint_eq(at, 10);
    ck_assert_int_eq(parse_checked(text, strlen(text), 0, &at), DSG_COOKIE_ERR_TOO_MANY);
    ck_assert_uint_eq(at, 0);
    ck_assert_int_eq(parse_checked(text, strlen(text), 3, &at), DSG_COOKIE_OK);
    ck_assert_uint_eq(npairs, 3);
    ck_assert_int_eq(dsg_cookie_parse((const uint8_t *)text, strlen(text), NULL, 0, &npairs, &at),
                     DSG_COOKIE_ERR_TOO_MANY);
}
END_TEST

/* @relation(REQ-RUN-051) */
START_TEST(test_cookie_find_refuses_duplicates_and_bad_pairs)
{
    const char *text = "sid=1; lang=en; sid=2";
    size_t index = 77;
    ck_assert_int_eq(parse_checked(text, strlen(text), CAP, NULL), DSG_COOKIE_OK);
    ck_assert_uint_eq(npairs, 3);
    const uint8_t *s = (const uint8_t *)text;
    ck_assert_int_eq(dsg_cookie_find(s, strlen(text), pairs, npairs, (const uint8_t *)"sid", 3,
                                     &index),
                     DSG_COOKIE_DUPLICATE);
    ck_assert_uint_eq(index, 77);
    /* a slice outside the input is refused before any name is compared */
    dsg_cookie bad[2] = { pairs[1], { 20, 5, 0, 0 } };
    ck_assert_int_eq(dsg_cookie_find(s, strlen(text), bad, 2, (const uint8_t *)"lang", 4, &index),
                     DSG_COOKIE_ERR_BAD_PAIR);
    dsg_cookie wrap[1] = { { SIZE_MAX, 2, 0, 0 } };
    ck_assert_int_eq(dsg_cookie_find(s, strlen(text), wrap, 1, (const uint8_t *)"x", 1, &index),
                     DSG_COOKIE_ERR_BAD_PAIR);
    ck_assert_uint_eq(index, 77);
}
END_TEST

/* ---- good input ------------------------------------------------------------- */

/* @relation(REQ-RUN-051) */
START_TEST(test_cookie_pairs_sliced)
{
    const char *text = "SID=31d4d96e407aad42; lang=en-US; q=\"a.b\"; e=; z=\"\"; x=y=z";
    ck_assert_int_eq(parse_checked(text, strlen(text), CAP, NULL), DSG_COOKIE_OK);
    ck_assert_uint_eq(npairs, 6);
    check_pair(text, 0, "SID", "31d4d96e407aad42");
    check_pair(text, 1, "lang", "en-US");
    check_pair(text, 2, "q", "a.b");
    check_pair(text, 3, "e", "");
    check_pair(text, 4, "z", "");
    check_pair(text, 5, "x", "y=z");
    /* every tchar in a name, every cookie-octet in a value */
    const char *all = "!#$%&'*+-.^_`|~09AZaz=!#$%&'()*+-./09:<=>?@AZ[]^_`az{|}~";
    ck_assert_int_eq(parse_checked(all, strlen(all), CAP, NULL), DSG_COOKIE_OK);
    check_pair(all, 0, "!#$%&'*+-.^_`|~09AZaz", "!#$%&'()*+-./09:<=>?@AZ[]^_`az{|}~");
    /* exactly as many pairs as the array holds */
    ck_assert_int_eq(parse_checked("a=1; b=2", 8, 2, NULL), DSG_COOKIE_OK);
    ck_assert_uint_eq(npairs, 2);
}
END_TEST

/* @relation(REQ-RUN-051) */
START_TEST(test_cookie_find_exact_name)
{
    const char *text = "sid=abc; SID=def; sidx=1; lang=en";
    const uint8_t *s = (const uint8_t *)text;
    size_t index = 77;
    ck_assert_int_eq(parse_checked(text, strlen(text), CAP, NULL), DSG_COOKIE_OK);
    ck_assert_int_eq(dsg_cookie_find(s, strlen(text), pairs, npairs, (const uint8_t *)"sid", 3,
                                     &index),
                     DSG_COOKIE_OK);
    ck_assert_uint_eq(index, 0);
    ck_assert_int_eq(dsg_cookie_find(s, strlen(text), pairs, npairs, (const uint8_t *)"SID", 3,
                                     &index),
                     DSG_COOKIE_OK);
    ck_assert_uint_eq(index, 1);
    ck_assert_int_eq(dsg_cookie_find(s, strlen(text), pairs, npairs, (const uint8_t *)"lang", 4,
                                     &index),
                     DSG_COOKIE_OK);
    ck_assert_uint_eq(index, 3);
    index = 77;
    ck_assert_int_eq(dsg_cookie_find(s, strlen(text), pairs, npairs, (const uint8_t *)"si", 2,
                                     &index),
                     DSG_COOKIE_NOT_FOUND);
    ck_assert_int_eq(dsg_cookie_find(s, strlen(text), pairs, npairs, (const uint8_t *)"", 0,
                                     &index),
                     DSG_COOKIE_NOT_FOUND);
    ck_assert_int_eq(dsg_cookie_find(s, strlen(text), pairs, 0, (const uint8_t *)"sid", 3,
                                     &index),
                     DSG_COOKIE_NOT_FOUND);
    ck_assert_uint_eq(index, 77);
}
END_TEST

/* @relation(REQ-RUN-051) */
START_TEST(test_cookie_status_tokens)
{
    ck_assert_str_eq(dsg_cookie_status_token(DSG_COOKIE_OK), "ok");
    ck_assert_str_eq(dsg_cookie_status_token(DSG_COOKIE_ERR_SEPARATOR), "bad-separator");
    ck_assert_str_eq(dsg_cookie_status_token(DSG_COOKIE_ERR_TOO_MANY), "too-many");
    ck_assert_str_eq(dsg_cookie_status_token(DSG_COOKIE_ERR_BAD_PAIR), "bad-pair");
    ck_assert_str_eq(dsg_cookie_status_token((dsg_cookie_status)99), "unknown");
}
END_TEST

Suite *suite_http_cookie(void)
{
    Suite *s = suite_create("http_cookie");
    TCase *bad = tcase_create("bad input");
    tcase_add_test(bad, test_cookie_empty_and_control_refused);
    tcase_add_test(bad, test_cookie_white_space_refused);
    tcase_add_test(bad, test_cookie_separators_refused);
    tcase_add_test(bad, test_cookie_names_refused);
    tcase_add_test(bad, test_cookie_values_refused);
    tcase_add_test(bad, test_cookie_too_many_refused);
    tcase_add_test(bad, test_cookie_find_refuses_duplicates_and_bad_pairs);
    suite_add_tcase(s, bad);
    TCase *good = tcase_create("good input");
    tcase_add_test(good, test_cookie_pairs_sliced);
    tcase_add_test(good, test_cookie_find_exact_name);
    tcase_add_test(good, test_cookie_status_tokens);
    suite_add_tcase(s, good);
    return s;
}
