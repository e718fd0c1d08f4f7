/*
 * Unit tests of the proved RFC 3339 formatter (src/core/rfc3339.h): UTC,
 * exactly three fractional digits and Z. Edge cases first: buffers too
 * small, nsec and years out of range; then known dates (the epoch, leap
 * days, century rules, the ends of the range, negative seconds); then a
 * comparison with glibc's gmtime_r over many random seconds.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/rfc3339.h"

Suite *suite_rfc3339(void);

static const char *fmt(int64_t sec, int64_t nsec)
{
    static char buf[32];
    memset(buf, 'x', sizeof buf);
    size_t n = dsg_rfc3339_ms(buf, sizeof buf, sec, nsec);
    if (n != 24 || strlen(buf) != 24)
        ck_abort_msg("%lld: length %zu", (long long)sec, n);
    return buf;
}

/* The call is refused and not one byte of out is written. */
static void expect_refused(size_t size, int64_t sec, int64_t nsec)
{
    char buf[32];
    memset(buf, 'x', sizeof buf);
    ck_assert_uint_eq(dsg_rfc3339_ms(buf, size, sec, nsec), 0);
    for (size_t i = 0; i < sizeof buf; i++)
        ck_assert_int_eq(buf[i], 'x');
}

/* @relation(REQ-LOG-002) */
START_TEST(test_rfc3339_refuses_small_buffers)
{
    for (size_t size = 0; size < 25; size++)
        expect_refused(size, 0, 0);
    char exact[25];
    ck_assert_uint_eq(dsg_rfc3339_ms(exact, sizeof exact, 0, 0), 24);
    ck_assert_str_eq(exact, "1970-01-01T00:00:00.000Z");
}
END_TEST

/* @relation(REQ-LOG-002) */
START_TEST(test_rfc3339_refuses_out_of_range)
{
    expect_refused(32, 0, -1);
    expect_refused(32, 0, 1000000000);
    expect_refused(32, DSG_RFC3339_SEC_MIN - 1, 0);    /* -0001-12-31T23:59:59 */
    expect_refused(32, DSG_RFC3339_SEC_MAX + 1, 0);    /* 10000-01-01T00:00:00 */
    expect_refused(32, INT64_MIN, 0);
    expect_refused(32, INT64_MAX, 999999999);
}
END_TEST

/* @relation(REQ-LOG-002) */
START_TEST(test_rfc3339_known_dates)
{
    ck_assert_str_eq(fmt(0, 0), "1970-01-01T00:00:00.000Z");
    ck_assert_str_eq(fmt(86399, 999999999), "1970-01-01T23:59:59.999Z");
    ck_assert_str_eq(fmt(951782400, 0), "2000-02-29T00:00:00.000Z");    /* 400-year leap */
    ck_assert_str_eq(fmt(951868800, 0), "2000-03-01T00:00:00.000Z");
    ck_assert_str_eq(fmt(1709164800, 123456789), "2024-02-29T00:00:00.123Z");
    ck_assert_str_eq(fmt(-2203891200, 0), "1900-03-01T00:00:00.000Z");  /* 1900 is no leap year */
    ck_assert_str_eq(fmt(-2203977600, 0), "1900-02-28T00:00:00.000Z");
    ck_assert_str_eq(fmt(4107542400, 0), "2100-03-01T00:00:00.000Z");   /* nor is 2100 */
    ck_assert_str_eq(fmt(DSG_RFC3339_SEC_MAX, 999999999), "9999-12-31T23:59:59.999Z");
    ck_assert_str_eq(fmt(DSG_RFC3339_SEC_MIN, 0), "0000-01-01T00:00:00.000Z");
    ck_assert_str_eq(fmt(DSG_RFC3339_SEC_MIN + 59 * 86400, 0), "0000-02-29T00:00:00.000Z");
    ck_assert_str_eq(fmt(-1, 0), "1969-12-31T23:59:59.000Z");
    ck_assert_str_eq(fmt(-86400, 500000000), "1969-12-31T00:00:00.500Z");
    ck_assert_str_eq(fmt(-86401, 0), "1969-12-30T23:59:59.000Z");
    ck_assert_str_eq(fmt(1234567890, 999999), "2009-02-13T23:31:30.000Z"); /* truncated */
}
END_TEST

/* gmtime_r's answer in the same format. */
static void oracle(int64_t sec, int64_t nsec, char *out, size_t size)
{
    time_t t = (time_t)sec;
    struct tm tm;
    ck_assert_ptr_nonnull(gmtime_r(&t, &tm));
    snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             (int)(nsec / 1000000));
}

/* @relation(REQ-LOG-002) */
START_TEST(test_rfc3339_equals_gmtime)
{
    unsigned seed = 20240412;
    char want[64];
    for (int i = 0; i < 50000; i++) {
        uint64_t r = ((uint64_t)rand_r(&seed) << 32) ^ ((uint64_t)rand_r(&seed) << 16) ^
                     (uint64_t)rand_r(&seed);
        int64_t span = DSG_RFC3339_SEC_MAX - DSG_RFC3339_SEC_MIN + 1;
        int64_t sec = DSG_RFC3339_SEC_MIN + (int64_t)(r % (uint64_t)span);
        int64_t nsec = (int64_t)((unsigned)rand_r(&seed) % 1000000000u);
        oracle(sec, nsec, want, sizeof want);
        const char *got = fmt(sec, nsec);
        if (strcmp(got, want) != 0)
            ck_abort_msg("%lld %lld: %s, gmtime_r %s", (long long)sec, (long long)nsec, got, want);
    }
    /* every day of 1900..2100, at its first or its last second */
    for (int64_t day = -25567; day <= 47482; day++) {
        int64_t sec = day * 86400 + (day & 1) * 86399;
        oracle(sec, 999999999, want, sizeof want);
        const char *got = fmt(sec, 999999999);
        if (strcmp(got, want) != 0)
            ck_abort_msg("%lld: %s, gmtime_r %s", (long long)sec, got, want);
    }
}
END_TEST

Suite *suite_rfc3339(void)
{
    Suite *s = suite_create("rfc3339");
    TCase *bad = tcase_create("refused");
    tcase_add_test(bad, test_rfc3339_refuses_small_buffers);
    tcase_add_test(bad, test_rfc3339_refuses_out_of_range);
    suite_add_tcase(s, bad);
    TCase *ok = tcase_create("dates");
    tcase_add_test(ok, test_rfc3339_known_dates);
    tcase_add_test(ok, test_rfc3339_equals_gmtime);
    suite_add_tcase(s, ok);
    return s;
}
