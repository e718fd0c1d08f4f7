/*
 * Unit tests of dsgd's restart backoff (src/run/backoff.h): REQ-RUN-034.
 * Edge cases first: a cap below the initial delay, overflow near UINT32_MAX,
 * the reset boundary; then the sequence the master logs.
 */
#include <check.h>
#include <stdint.h>

#include "run/backoff.h"

Suite *suite_backoff(void);

/* @relation(REQ-RUN-034) */
START_TEST(test_backoff_initial_above_cap_gives_cap)
{
    ck_assert_uint_eq(dsgd_backoff_next(0, 0, 5000, 1000, 60000), 1000);
    ck_assert_uint_eq(dsgd_backoff_next(1000, 0, 5000, 1000, 60000), 1000);
}
END_TEST

/* @relation(REQ-RUN-034) */
START_TEST(test_backoff_no_overflow_near_max)
{
    ck_assert_uint_eq(dsgd_backoff_next(UINT32_MAX, 0, 1, UINT32_MAX, UINT64_MAX), UINT32_MAX);
    ck_assert_uint_eq(dsgd_backoff_next(UINT32_MAX / 2 + 1, 0, 1, UINT32_MAX, UINT64_MAX),
                      UINT32_MAX);
}
END_TEST

/* @relation(REQ-RUN-034) */
START_TEST(test_backoff_zero_initial_and_previous_below_initial)
{
    /* a previous delay below the initial one (settings lowered) restarts at initial */
    ck_assert_uint_eq(dsgd_backoff_next(10, 0, 100, 60000, 60000), 100);
    ck_assert_uint_eq(dsgd_backoff_next(0, 0, 0, 60000, 60000), 0);
}
END_TEST

/* @relation(REQ-RUN-034) */
START_TEST(test_backoff_reset_after_long_uptime)
{
    ck_assert_uint_eq(dsgd_backoff_next(32000, 59999, 100, 60000, 60000), 60000);
    ck_assert_uint_eq(dsgd_backoff_next(32000, 60000, 100, 60000, 60000), 100);
    ck_assert_uint_eq(dsgd_backoff_next(60000, 3600000, 100, 60000, 60000), 100);
}
END_TEST

/* @relation(REQ-RUN-034) */
START_TEST(test_backoff_doubles_to_the_cap)
{
    /* 100 ms doubling to 60 s: the sequence the master logs for a crash loop */
    static const uint32_t want[] = { 100, 200, 400, 800, 1600, 3200, 6400, 12800,
                                     25600, 51200, 60000, 60000 };
    uint32_t d = 0;
    for (unsigned i = 0; i < sizeof want / sizeof want[0]; i++) {
        d = dsgd_backoff_next(d, 10, 100, 60000, 60000);
        ck_assert_uint_eq(d, want[i]);
    }
}
END_TEST

Suite *suite_backoff(void)
{
    Suite *s = suite_create("backoff");
    TCase *bad = tcase_create("edge");
    tcase_add_test(bad, test_backoff_initial_above_cap_gives_cap);
    tcase_add_test(bad, test_backoff_no_overflow_near_max);
    tcase_add_test(bad, test_backoff_zero_initial_and_previous_below_initial);
    tcase_add_test(bad, test_backoff_reset_after_long_uptime);
    suite_add_tcase(s, bad);
    TCase *seq = tcase_create("sequence");
    tcase_add_test(seq, test_backoff_doubles_to_the_cap);
    suite_add_tcase(s, seq);
    return s;
}
