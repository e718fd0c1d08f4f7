/*
 * Unit tests of per-source throttling (src/auth/rate_limit.h): the limit
 * reached exactly at its count, the minute's edges, saturation, the clock
 * going back, and which slot a new source takes when the table is full.
 */
#include <check.h>
#include <string.h>

#include "auth/rate_limit.h"

Suite *suite_rate_limit(void);

#define T0 1800000000LL

static dsg_rate table;

static const uint8_t *key_of(uint8_t k[DSG_RATE_KEY], unsigned n)
{
    memset(k, 0, DSG_RATE_KEY);
    k[0] = 4;
    k[5] = (uint8_t)(n >> 24);
    k[6] = (uint8_t)(n >> 16);
    k[7] = (uint8_t)(n >> 8);
    k[8] = (uint8_t)n;
    return k;
}

/* @relation(REQ-MFA-013) */
START_TEST(test_rate_limit_reached_at_its_count)
{
    uint8_t a[DSG_RATE_KEY], b[DSG_RATE_KEY];
    dsg_rate_init(&table);
    key_of(a, 1);
    key_of(b, 2);
    for (unsigned i = 0; i < 10; i++) {
        ck_assert_int_eq(dsg_rate_limited(&table, a, T0, 10), 0);
        size_t slot = dsg_rate_fail(&table, a, T0 + i);
        ck_assert_uint_eq(table.slot[slot].failures, i + 1);
    }
    ck_assert_int_eq(dsg_rate_limited(&table, a, T0 + 10, 10), 1);
    ck_assert_int_eq(dsg_rate_limited(&table, a, T0 + 10, 11), 0);
    ck_assert_int_eq(dsg_rate_limited(&table, b, T0 + 10, 10), 0);   /* another source */
    ck_assert_int_eq(dsg_rate_limited(&table, a, T0 + 10, 0), 0);    /* out of range: off */
    ck_assert_int_eq(dsg_rate_limited(&table, a, T0 + 10, DSG_RATE_LIMIT_MAX + 1), 0);
}
END_TEST

/* @relation(REQ-MFA-013) */
START_TEST(test_rate_limit_minute_edges)
{
    uint8_t a[DSG_RATE_KEY];
    dsg_rate_init(&table);
    key_of(a, 1);
    for (unsigned i = 0; i < 3; i++)
        (void)dsg_rate_fail(&table, a, T0);
    ck_assert_int_eq(dsg_rate_limited(&table, a, T0 + 59, 3), 1);   /* the minute's last second */
    ck_assert_int_eq(dsg_rate_limited(&table, a, T0 + 60, 3), 0);   /* over */
    ck_assert_int_eq(dsg_rate_limited(&table, a, T0 - 1, 3), 0);    /* the clock went back */
    size_t s = dsg_rate_fail(&table, a, T0 + 60);                   /* a new minute */
    ck_assert_uint_eq(table.slot[s].failures, 1);
    ck_assert_int_eq(table.slot[s].start, T0 + 60);
    /* times far apart never overflow */
    ck_assert_int_eq(dsg_rate_limited(&table, a, INT64_MAX, 1), 0);
    s = dsg_rate_fail(&table, a, INT64_MIN);
    ck_assert_int_eq(dsg_rate_limited(&table, a, INT64_MIN + 59, 1), 1);
    ck_assert_int_eq(dsg_rate_limited(&table, a, INT64_MAX, 1), 0);
}
END_TEST

/* @relation(REQ-MFA-013) */
START_TEST(test_rate_limit_saturates)
{
    uint8_t a[DSG_RATE_KEY];
    dsg_rate_init(&table);
    key_of(a, 1);
    size_t s = dsg_rate_fail(&table, a, T0);
    table.slot[s].failures = UINT32_MAX - 1;
    ck_assert_uint_eq(dsg_rate_fail(&table, a, T0), s);
    ck_assert_uint_eq(table.slot[s].failures, UINT32_MAX);
    ck_assert_uint_eq(dsg_rate_fail(&table, a, T0), s);
    ck_assert_uint_eq(table.slot[s].failures, UINT32_MAX);
}
END_TEST

/* @relation(REQ-MFA-013) */
START_TEST(test_rate_limit_full_table)
{
    uint8_t k[DSG_RATE_KEY];
    dsg_rate_init(&table);
    for (unsigned i = 0; i < DSG_RATE_SLOTS; i++)
        ck_assert_uint_eq(dsg_rate_fail(&table, key_of(k, i), T0 + 1), i);
    table.slot[5].start = T0 - 3;   /* source 5's minute began first */
    /* full, every minute running: the one that began first (source 5) goes */
    ck_assert_uint_eq(dsg_rate_fail(&table, key_of(k, 9999), T0 + 10), 5);
    ck_assert_int_eq(dsg_rate_limited(&table, key_of(k, 5), T0 + 10, 1), 0);
    ck_assert_int_eq(dsg_rate_limited(&table, key_of(k, 9999), T0 + 10, 1), 1);
    /* once a minute is over, its slot is taken before any running one */
    ck_assert_uint_eq(dsg_rate_fail(&table, key_of(k, 10000), T0 + 60), 0);
}
END_TEST

Suite *suite_rate_limit(void)
{
    Suite *s = suite_create("rate_limit");
    TCase *tc = tcase_create("rate_limit");
    tcase_add_test(tc, test_rate_limit_reached_at_its_count);
    tcase_add_test(tc, test_rate_limit_minute_edges);
    tcase_add_test(tc, test_rate_limit_saturates);
    tcase_add_test(tc, test_rate_limit_full_table);
    suite_add_tcase(s, tc);
    return s;
}
