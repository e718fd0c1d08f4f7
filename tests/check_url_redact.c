/*
 * Unit tests of the access log's URL redaction (src/log/url_redact.h):
 * REQ-SHARE-018.
 *
 * Hostile queries first: secrets under many names and encodings, a query
 * the form parser refuses, more fields than the limit, a cut buffer; then
 * ordinary URLs, which pass unchanged.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "log/url_redact.h"

Suite *suite_url_redact(void);

static const char *redact(const char *url, size_t cap)
{
    static uint8_t out[4096];
    memset(out, 0xAA, sizeof out);
    size_t n = dsg_url_redact((const uint8_t *)url, strlen(url), out, cap);
    ck_assert_uint_le(n, cap);
    ck_assert_uint_eq(out[cap], 0xAA);   /* nothing past cap */
    out[n] = 0;
    return (const char *)out;
}

/* @relation(REQ-SHARE-018) */
START_TEST(test_redact_secret_values)
{
    ck_assert_str_eq(redact("/api/v1/health?password=hunter2&n=1", 4000),
                     "/api/v1/health?password=*&n=1");
    ck_assert_str_eq(redact("/x?code=123456&otp=1&totp_code=9&token=abc&session=s", 4000),
                     "/x?code=*&otp=*&totp_code=*&token=*&session=*");
    ck_assert_str_eq(redact("/x?PassWord=a&SID=b&api_key=c&X-Auth=d&csrf=e&cred=f", 4000),
                     "/x?PassWord=*&SID=*&api_key=*&X-Auth=*&csrf=*&cred=*");
    ck_assert_str_eq(redact("/x?secret", 4000), "/x?secret=*");
    ck_assert_str_eq(redact("/x?enrolment_code=ABCD-EFGH", 4000), "/x?enrolment_code=*");
    ck_assert_str_eq(redact("/api/v1/share/uploads/content?upload=Zm9vYmFyYmF6cXV4cXV1eA", 4000),
                     "/api/v1/share/uploads/content?upload=*");
}
END_TEST

/* A name encoded to hide it is decoded before it is judged, and a name
 * that does not decode is taken for a secret. @relation(REQ-SHARE-018) */
START_TEST(test_redact_encoded_names)
{
    ck_assert_str_eq(redact("/x?p%61ss=a&q=b", 4000), "/x?p%61ss=*&q=b");
    ck_assert_str_eq(redact("/x?pa+ss=a", 4000), "/x?pa+ss=a");   /* "pa ss" is no secret word */
    ck_assert_str_eq(redact("/x?%50W=1", 4000), "/x?%50W=*");
}
END_TEST

/* A query the parser refuses is replaced whole. @relation(REQ-SHARE-018) */
START_TEST(test_redact_refused_query_whole)
{
    ck_assert_str_eq(redact("/x?a=%zz&password=p", 4000), "/x?*");
    ck_assert_str_eq(redact("/x?a=%00", 4000), "/x?*");
    ck_assert_str_eq(redact("/x?a=%ff", 4000), "/x?*");
    char many[2000] = "/x?";
    for (unsigned i = 0; i <= DSG_URL_REDACT_FIELDS; i++)
        strcat(many, "a=1&");
    ck_assert_str_eq(redact(many, 4000), "/x?*");
}
END_TEST

/* The redaction comes before the cut, so a cut never shows a secret's
 * first bytes. @relation(REQ-SHARE-018) */
START_TEST(test_redact_cut)
{
    const char *url = "/a?password=hunter2";
    for (size_t cap = 0; cap <= 20; cap++) {
        const char *got = redact(url, cap);
        ck_assert_ptr_null(strstr(got, "h"));
        ck_assert_int_eq(strncmp(got, "/a?password=*", strlen(got)), 0);
    }
}
END_TEST

/* @relation(REQ-SHARE-018) */
START_TEST(test_redact_ordinary_urls_unchanged)
{
    const char *same[] = { "/", "/api/v1/share/areas", "/api/v1/share/search?q=%E8%A3%85&area=1",
                           "/x?", "/x?a", "/x?a=", "/x?a=1&&b=2", "" };
    const char *want[] = { "/", "/api/v1/share/areas", "/api/v1/share/search?q=%E8%A3%85&area=1",
                           "/x?", "/x?a", "/x?a=", "/x?a=1&b=2", "" };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
        ck_assert_str_eq(redact(same[i], 4000), want[i]);
}
END_TEST

Suite *suite_url_redact(void)
{
    Suite *s = suite_create("url_redact");
    TCase *t = tcase_create("redact");
    tcase_add_test(t, test_redact_secret_values);
    tcase_add_test(t, test_redact_encoded_names);
    tcase_add_test(t, test_redact_refused_query_whole);
    tcase_add_test(t, test_redact_cut);
    tcase_add_test(t, test_redact_ordinary_urls_unchanged);
    suite_add_tcase(s, t);
    return s;
}
