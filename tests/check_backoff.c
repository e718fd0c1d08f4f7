/*
 * Unit tests of dsgd's restart backoff (src/run/backoff.h): REQ-RUN-034;
 * and of the burst limit that marks a role failed: REQ-RUN-008.
 * Edge cases first: a cap below the initial delay, overflow near UINT32_MAX,
 * the reset boundary; then the sequence the master logs.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

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

static dsgd_exit_window win;

/* @relation(REQ-RUN-008) */
START_TEST(test_burst_more_than_burst_exits_within_interval)
{
    memset(&win, 0, sizeof win);
    /* burst 5, interval 10 s: the sixth exit within 10 s is one too many */
    for (uint64_t t = 0; t < 5; t++)
        ck_assert_int_eq(dsgd_exit_window_add(&win, 1000 + t * 100, 5, 10000), 0);
    ck_assert_int_eq(dsgd_exit_window_add(&win, 1500, 5, 10000), 1);
}
END_TEST

/* @relation(REQ-RUN-008) */
START_TEST(test_burst_old_exits_are_forgotten)
{
    memset(&win, 0, sizeof win);
    /* one exit every 2.5 s never has more than 4 within 10 s */
    for (uint64_t t = 0; t < 50; t++)
        ck_assert_int_eq(dsgd_exit_window_add(&win, t * 2500, 4, 10000), 0);
    /* an exit exactly interval_ms after another no longer counts it */
    memset(&win, 0, sizeof win);
    ck_assert_int_eq(dsgd_exit_window_add(&win, 0, 1, 10000), 0);
    ck_assert_int_eq(dsgd_exit_window_add(&win, 10000, 1, 10000), 0);
    ck_assert_int_eq(dsgd_exit_window_add(&win, 10001, 1, 10000), 1);
}
END_TEST

/* @relation(REQ-RUN-008) */
START_TEST(test_burst_sliding_not_fixed_window)
{
    memset(&win, 0, sizeof win);
    /* three at 9.0-9.2 s and three at 10.1-10.3 s: six within 10 s */
    for (uint64_t t = 0; t < 3; t++)
        ck_assert_int_eq(dsgd_exit_window_add(&win, 9000 + t * 100, 5, 10000), 0);
    ck_assert_int_eq(dsgd_exit_window_add(&win, 10100, 5, 10000), 0);
    ck_assert_int_eq(dsgd_exit_window_add(&win, 10200, 5, 10000), 0);
    ck_assert_int_eq(dsgd_exit_window_add(&win, 10300, 5, 10000), 1);
}
END_TEST

/* @relation(REQ-RUN-008) */
START_TEST(test_burst_limits_and_full_window)
{
    memset(&win, 0, sizeof win);
    /* burst 0 (not allowed by the registry) fails at the first exit; a
     * burst above the cap is clamped; a full window keeps the newest */
    ck_assert_int_eq(dsgd_exit_window_add(&win, 5, 0, 10000), 1);
    memset(&win, 0, sizeof win);
    for (uint32_t i = 0; i < DSGD_BURST_MAX; i++)
        ck_assert_int_eq(dsgd_exit_window_add(&win, i, UINT32_MAX, UINT64_MAX), 0);
    ck_assert_int_eq(dsgd_exit_window_add(&win, DSGD_BURST_MAX, UINT32_MAX, UINT64_MAX), 1);
    ck_assert_int_eq(dsgd_exit_window_add(&win, DSGD_BURST_MAX + 1, UINT32_MAX, UINT64_MAX), 1);
    ck_assert_uint_eq(win.n, DSGD_BURST_MAX + 1);
    ck_assert_uint_eq(win.at[0], 1);
    /* a clock that went backwards: exits "after" now are forgotten */
    ck_assert_int_eq(dsgd_exit_window_add(&win, 0, 5, 10000), 0);
    ck_assert_uint_eq(win.n, 1);
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
    TCase *burst = tcase_create("burst");
    tcase_add_test(burst, test_burst_more_than_burst_exits_within_interval);
    tcase_add_test(burst, test_burst_old_exits_are_forgotten);
    tcase_add_test(burst, test_burst_sliding_not_fixed_window);
    tcase_add_test(burst, test_burst_limits_and_full_window);
    suite_add_tcase(s, burst);
    return s;
}
