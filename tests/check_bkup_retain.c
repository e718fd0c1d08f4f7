/*
 * Unit tests of the backup retention decision (src/core/bkup_retain.h,
 * REQ-BKUP-018): age, the newest verified kept whatever the list's order
 * and ties, failed runs deleted by age alone and never counted, running
 * and unknown backups kept, dependencies kept through a chain, nothing
 * deleted on an unsynchronised clock or a clock behind the newest backup,
 * and arguments out of range refused with nothing deleted.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "core/bkup_retain.h"

Suite *suite_bkup_retain(void);

#define DAY 86400
#define NOW (1800000000 + 0)   /* 2027-01-15 */

static dsg_bkr_policy policy(uint32_t days, uint32_t min_count)
{
    dsg_bkr_policy p = { NOW, -1, days, min_count, 1 };
    return p;
}

/* The decision with newest taken from the list. */
static dsg_bkr_status decide(const dsg_bkr_item *b, size_t n, const dsg_bkr_dep *d, size_t nd,
                             dsg_bkr_policy p, uint8_t *del)
{
    for (size_t i = 0; i < n; i++)
        if (b[i].time > p.newest)
            p.newest = b[i].time;
    memset(del, 0xee, n);   /* every byte must be written */
    return dsg_bkr_decide(b, n, d, nd, &p, del);
}

/* @relation(REQ-BKUP-018) */
START_TEST(test_age_and_count)
{
    /* ten daily verified backups, days 1..10 before now */
    dsg_bkr_item b[10];
    uint8_t del[10];
    for (int i = 0; i < 10; i++)
        b[i] = (dsg_bkr_item){ NOW - (int64_t)(10 - i) * DAY, DSG_BKR_VERIFIED };
    ck_assert_int_eq(decide(b, 10, NULL, 0, policy(5, 3), del), DSG_BKR_OK);
    /* older than 5 days: the first five (6..10 days old are i 0..4); i 5 is exactly 5 days */
    for (int i = 0; i < 10; i++)
        ck_assert_uint_eq(del[i], i < 5 ? 1 : 0);
    /* min_count 8 keeps the newest eight: only i 0 and 1 go */
    ck_assert_int_eq(decide(b, 10, NULL, 0, policy(0, 8), del), DSG_BKR_OK);
    for (int i = 0; i < 10; i++)
        ck_assert_uint_eq(del[i], i < 2 ? 1 : 0);
    /* a min_count above the number of backups keeps all */
    ck_assert_int_eq(decide(b, 10, NULL, 0, policy(0, 11), del), DSG_BKR_OK);
    for (int i = 0; i < 10; i++)
        ck_assert_uint_eq(del[i], 0);
    /* the age is strict: exactly days old is kept */
    dsg_bkr_item one[2] = { { NOW - DAY, DSG_BKR_VERIFIED }, { NOW - 1, DSG_BKR_FAILED } };
    ck_assert_int_eq(decide(one, 2, NULL, 0, policy(1, 1), del), DSG_BKR_OK);
    ck_assert_uint_eq(del[0], 0);
    ck_assert_uint_eq(del[1], 0);
    ck_assert_int_eq(decide(one, 2, NULL, 0, policy(0, 1), del), DSG_BKR_OK);
    ck_assert_uint_eq(del[0], 0);   /* the one verified backup */
    ck_assert_uint_eq(del[1], 1);   /* a failed run a second old */
}
END_TEST

/* @relation(REQ-BKUP-018) */
START_TEST(test_states_and_order)
{
    /* unsorted; failed runs never count among the newest verified */
    dsg_bkr_item b[7] = {
        { NOW - 2 * DAY, DSG_BKR_FAILED },    /* 0: newest of all, failed: goes */
        { NOW - 9 * DAY, DSG_BKR_VERIFIED },  /* 1: oldest verified: goes */
        { NOW - 5 * DAY, DSG_BKR_VERIFIED },  /* 2: kept (2nd newest verified) */
        { NOW - 8 * DAY, DSG_BKR_RUNNING },   /* 3: running: kept */
        { NOW - 4 * DAY, DSG_BKR_VERIFIED },  /* 4: kept (newest verified) */
        { NOW - 7 * DAY, DSG_BKR_UNKNOWN },   /* 5: unknown: kept */
        { NOW - 6 * DAY, 9 },                 /* 6: a state out of the list: kept */
    };
    uint8_t del[7];
    ck_assert_int_eq(decide(b, 7, NULL, 0, policy(1, 2), del), DSG_BKR_OK);
    static const uint8_t want[7] = { 1, 1, 0, 0, 0, 0, 0 };
    ck_assert_mem_eq(del, want, 7);
    ck_assert_uint_eq(dsg_bkr_newer_verified(b, 7, 1), 2);
    ck_assert_uint_eq(dsg_bkr_newer_verified(b, 7, 4), 0);
    /* ties: the same start, the higher index counts as newer */
    dsg_bkr_item t[3] = { { NOW - DAY * 3, DSG_BKR_VERIFIED }, { NOW - DAY * 3, DSG_BKR_VERIFIED },
                          { NOW - DAY * 3, DSG_BKR_VERIFIED } };
    ck_assert_int_eq(decide(t, 3, NULL, 0, policy(1, 2), del), DSG_BKR_OK);
    ck_assert_uint_eq(del[0], 1);
    ck_assert_uint_eq(del[1], 0);
    ck_assert_uint_eq(del[2], 0);
}
END_TEST

/* @relation(REQ-BKUP-018) */
START_TEST(test_dependencies)
{
    /* 0 <- 1 <- 2 (2 depends on 1, 1 on 0), 3 full, 4 newest full */
    dsg_bkr_item b[5];
    for (int i = 0; i < 5; i++)
        b[i] = (dsg_bkr_item){ NOW - (int64_t)(10 - i) * DAY, DSG_BKR_VERIFIED };
    dsg_bkr_dep d[2] = { { 2, 1 }, { 1, 0 } };
    uint8_t del[5];
    /* min_count 3 keeps 2, 3, 4; 2 keeps 1, which keeps 0 */
    ck_assert_int_eq(decide(b, 5, d, 2, policy(1, 3), del), DSG_BKR_OK);
    for (int i = 0; i < 5; i++)
        ck_assert_uint_eq(del[i], 0);
    /* min_count 2 keeps 3, 4: the chain goes whole */
    ck_assert_int_eq(decide(b, 5, d, 2, policy(1, 2), del), DSG_BKR_OK);
    static const uint8_t want[5] = { 1, 1, 1, 0, 0 };
    ck_assert_mem_eq(del, want, 5);
    /* the edges in the other order need a second pass: same result */
    dsg_bkr_dep r[2] = { { 1, 0 }, { 2, 1 } };
    ck_assert_int_eq(decide(b, 5, r, 2, policy(1, 3), del), DSG_BKR_OK);
    for (int i = 0; i < 5; i++)
        ck_assert_uint_eq(del[i], 0);
    /* a young backup (kept by age) keeps what it depends on */
    dsg_bkr_item y[3] = { { NOW - 30 * DAY, DSG_BKR_VERIFIED },
                          { NOW - 20 * DAY, DSG_BKR_VERIFIED },
                          { NOW - 1, DSG_BKR_VERIFIED } };
    dsg_bkr_dep yd = { 2, 0 };
    ck_assert_int_eq(decide(y, 3, &yd, 1, policy(7, 1), del), DSG_BKR_OK);
    ck_assert_uint_eq(del[0], 0);
    ck_assert_uint_eq(del[1], 1);
    ck_assert_uint_eq(del[2], 0);
}
END_TEST

/* @relation(REQ-BKUP-018) */
START_TEST(test_clock_refusals)
{
    dsg_bkr_item b[3] = { { NOW - 100 * DAY, DSG_BKR_VERIFIED },
                          { NOW - 90 * DAY, DSG_BKR_FAILED },
                          { NOW - 80 * DAY, DSG_BKR_VERIFIED } };
    uint8_t del[3];
    dsg_bkr_policy p = policy(1, 1);
    p.synced = 0;
    ck_assert_int_eq(decide(b, 3, NULL, 0, p, del), DSG_BKR_UNSYNCED);
    for (int i = 0; i < 3; i++)
        ck_assert_uint_eq(del[i], 0);
    /* a backup in the future: the clock is behind it */
    b[2].time = NOW + 1;
    ck_assert_int_eq(decide(b, 3, NULL, 0, policy(1, 1), del), DSG_BKR_BEHIND);
    for (int i = 0; i < 3; i++)
        ck_assert_uint_eq(del[i], 0);
    /* the caller's newest alone says so too */
    b[2].time = NOW - 80 * DAY;
    p = policy(1, 1);
    p.newest = NOW + 60;
    memset(del, 0xee, 3);
    ck_assert_int_eq(dsg_bkr_decide(b, 3, NULL, 0, &p, del), DSG_BKR_BEHIND);
    for (int i = 0; i < 3; i++)
        ck_assert_uint_eq(del[i], 0);
    /* now equal to the newest start is not behind */
    p.newest = NOW;
    ck_assert_int_eq(dsg_bkr_decide(b, 3, NULL, 0, &p, del), DSG_BKR_OK);
    ck_assert_uint_eq(del[0], 1);
    ck_assert_uint_eq(del[1], 1);
    ck_assert_uint_eq(del[2], 0);
    ck_assert_str_eq(dsg_bkr_status_token(DSG_BKR_UNSYNCED), "clock-unsynchronised");
    ck_assert_str_eq(dsg_bkr_status_token(DSG_BKR_BEHIND), "clock-behind-newest-backup");
    ck_assert_str_eq(dsg_bkr_status_token((dsg_bkr_status)42), "unknown");
}
END_TEST

/* @relation(REQ-BKUP-018) */
START_TEST(test_bad_arguments)
{
    dsg_bkr_item b[2] = { { NOW - 100 * DAY, DSG_BKR_VERIFIED },
                          { NOW - 90 * DAY, DSG_BKR_FAILED } };
    uint8_t del[2];
    dsg_bkr_dep d = { 0, 2 };   /* to an index outside the list */
    ck_assert_int_eq(decide(b, 2, &d, 1, policy(1, 1), del), DSG_BKR_ERR_ARGS);
    ck_assert_uint_eq(del[0] | del[1], 0);
    dsg_bkr_policy p = policy(DSG_BKR_DAYS_MAX + 1, 1);
    ck_assert_int_eq(decide(b, 2, NULL, 0, p, del), DSG_BKR_ERR_ARGS);
    ck_assert_uint_eq(del[0] | del[1], 0);
    p = policy(1, 1);
    p.now = -1;
    ck_assert_int_eq(decide(b, 2, NULL, 0, p, del), DSG_BKR_ERR_ARGS);
    b[0].time = -5;   /* before 1970 */
    ck_assert_int_eq(decide(b, 2, NULL, 0, policy(1, 1), del), DSG_BKR_ERR_ARGS);
    b[0].time = DSG_BKR_TIME_MAX + 1;
    ck_assert_int_eq(decide(b, 2, NULL, 0, policy(1, 1), del), DSG_BKR_ERR_ARGS);
    ck_assert_uint_eq(del[0] | del[1], 0);
    /* unsynchronised and out of range: the arguments first */
    p = policy(DSG_BKR_DAYS_MAX + 1, 1);
    p.synced = 0;
    b[0].time = NOW;
    ck_assert_int_eq(decide(b, 2, NULL, 0, p, del), DSG_BKR_ERR_ARGS);
    /* an empty list decides nothing, OK */
    ck_assert_int_eq(decide(b, 0, NULL, 0, policy(1, 1), del), DSG_BKR_OK);
}
END_TEST

Suite *suite_bkup_retain(void)
{
    Suite *s = suite_create("bkup_retain");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_age_and_count);
    tcase_add_test(tc, test_states_and_order);
    tcase_add_test(tc, test_dependencies);
    tcase_add_test(tc, test_clock_refusals);
    tcase_add_test(tc, test_bad_arguments);
    suite_add_tcase(s, tc);
    return s;
}
