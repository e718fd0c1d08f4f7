/*
 * Unit tests of dsgd's log timestamps (src/run/log.h): UTC RFC 3339 with
 * milliseconds, computed without gmtime_r (no time-zone file, so it works in
 * a chroot): REQ-RUN-030. Edge cases first: a buffer too small, the epoch,
 * leap days, century rules, the last millisecond of a day.
 */
#include <check.h>
#include <string.h>
#include <unistd.h>

#include "run/log.h"

Suite *suite_log_time(void);

static const char *ts(int64_t sec, int64_t nsec)
{
    static char buf[64];
    size_t n = dsgd_log_timestamp(buf, sizeof buf, sec, nsec);
    ck_assert_uint_eq(n, strlen(buf));
    return buf;
}

/* @relation(REQ-RUN-030) */
START_TEST(test_log_time_buffer_too_small)
{
    char small[24];   /* 24 characters and the NUL need 25 */
    ck_assert_uint_eq(dsgd_log_timestamp(small, sizeof small, 0, 0), 0);
    char exact[25];
    ck_assert_uint_eq(dsgd_log_timestamp(exact, sizeof exact, 0, 0), 24);
}
END_TEST

/* @relation(REQ-RUN-030) */
START_TEST(test_log_time_calendar_edges)
{
    ck_assert_str_eq(ts(0, 0), "1970-01-01T00:00:00.000Z");
    ck_assert_str_eq(ts(86399, 999999999), "1970-01-01T23:59:59.999Z");
    ck_assert_str_eq(ts(951782400, 0), "2000-02-29T00:00:00.000Z");   /* 400-year leap */
    ck_assert_str_eq(ts(4107456000, 0), "2100-02-28T00:00:00.000Z");
    ck_assert_str_eq(ts(4107542400, 0), "2100-03-01T00:00:00.000Z");  /* 2100 is no leap year */
    ck_assert_str_eq(ts(1709164800, 123456789), "2024-02-29T00:00:00.123Z");
    ck_assert_str_eq(ts(1798761599, 999000000), "2026-12-31T23:59:59.999Z");
    ck_assert_str_eq(ts(-1, 0), "1969-12-31T23:59:59.000Z");
}
END_TEST

/* A message that quotes a newline (a user ID typed with one) stays one
 * line: it cannot begin a line of its own, such as a forged "ALERT: ".
 * @relation(REQ-RUN-030, REQ-STOR-015) */
START_TEST(test_log_message_is_one_line)
{
    int p[2], saved = dup(2);
    char out[256];
    ck_assert_int_eq(pipe(p), 0);
    ck_assert_int_eq(dup2(p[1], 2), 2);
    dsgd_log_init("test", 1);
    dsgd_log("user %s refused", "x\nALERT: forged\r\x7f");
    dsgd_log_alert("share: %s", "real");
    ck_assert_int_eq(dup2(saved, 2), 2);
    close(p[1]);
    ssize_t n = read(p[0], out, sizeof out - 1);
    close(p[0]);
    ck_assert_int_gt(n, 0);
    out[n] = '\0';
    ck_assert_str_eq(out, "user x?ALERT: forged?? refused\nALERT: share: real\n");
}
END_TEST

Suite *suite_log_time(void)
{
    Suite *s = suite_create("log_time");
    TCase *tc = tcase_create("rfc3339");
    tcase_add_test(tc, test_log_time_buffer_too_small);
    tcase_add_test(tc, test_log_time_calendar_edges);
    tcase_add_test(tc, test_log_message_is_one_line);
    suite_add_tcase(s, tc);
    return s;
}
