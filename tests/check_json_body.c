/*
 * Unit tests of the portal's JSON request bodies (src/run/json_body.h):
 * REQ-RUN-016. Bodies gathered in pieces are checked whole by the proved
 * tokenizer with the portal's depth and token limits.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "core/json_tok.h"
#include "run/json_body.h"

Suite *suite_json_body(void);

static int check_text(const char *text, uint32_t depth, uint32_t tokens, size_t *at)
{
    dsgd_json_body b = { 0 };
    size_t n = strlen(text);
    int rc;
    /* in pieces of 3 bytes, as a chunked body might come */
    for (size_t off = 0; off < n; off += 3)
        ck_assert_int_eq(dsgd_json_body_add(&b, (const uint8_t *)text + off, n - off < 3 ? n - off : 3), 0);
    ck_assert_uint_eq(b.len, n);
    ck_assert_int_eq(memcmp(b.buf ? (const char *)b.buf : "", text, n), 0);
    rc = dsgd_json_body_check(&b, depth, tokens, at);
    dsgd_json_body_free(&b);
    ck_assert_ptr_null(b.buf);
    return rc;
}

/* Bad bodies first: each refused with its own code and where.
 * @relation(REQ-RUN-016) */
START_TEST(test_json_body_refusals)
{
    size_t at = 0;
    ck_assert_int_eq(check_text("", 32, 16, &at), DSG_JSON_E_TRUNCATED);
    ck_assert_int_eq(check_text("{\"a\":1,}", 32, 16, &at), DSG_JSON_E_UNEXPECTED);
    ck_assert_uint_eq(at, 7);
    ck_assert_int_eq(check_text("{\"a\":1,\"\\u0061\":2}", 32, 16, &at), DSG_JSON_E_DUPLICATE_KEY);
    ck_assert_int_eq(check_text("[[[1]]]", 3, 16, &at), DSG_JSON_E_DEPTH);
    ck_assert_int_eq(check_text("[[[1]]]", 4, 16, &at), DSG_JSON_OK);
    ck_assert_int_eq(check_text("[1,2,3]", 32, 3, &at), DSG_JSON_E_TOO_MANY_TOKENS);
    ck_assert_int_eq(check_text("[1,2,3]", 32, 4, &at), DSG_JSON_OK);
    ck_assert_int_eq(check_text("{\"a\":\"\x01\"}", 32, 16, &at), DSG_JSON_E_CONTROL_CHAR);
    ck_assert_int_eq(check_text("1 2", 32, 16, &at), DSG_JSON_E_TRAILING);
}
END_TEST

/* A larger body grows the buffer and checks as one text; the token array
 * grows to the largest limit asked for. @relation(REQ-RUN-016) */
START_TEST(test_json_body_grows_and_checks)
{
    static char text[200000];
    size_t at, n = 0;
    text[n++] = '[';
    for (int i = 0; i < 20000; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%s\"v%d\"", i ? "," : "", i);
    text[n++] = ']';
    text[n] = '\0';
    ck_assert_int_eq(check_text(text, 32, 20001, &at), DSG_JSON_OK);
    ck_assert_int_eq(check_text(text, 32, 20000, &at), DSG_JSON_E_TOO_MANY_TOKENS);
    ck_assert_int_eq(check_text("{\"name\":\"日本語\",\"n\":[true,false,null,1.5e3]}", 32, 16, &at),
                     DSG_JSON_OK);
}
END_TEST

Suite *suite_json_body(void)
{
    Suite *s = suite_create("json_body");
    TCase *t = tcase_create("json_body");
    tcase_add_test(t, test_json_body_refusals);
    tcase_add_test(t, test_json_body_grows_and_checks);
    suite_add_tcase(s, t);
    return s;
}
