/*
 * Unit tests of the account review's decisions (src/auth/acct_review.h):
 * the flags an account's row raises at a moment, and whether a right on an
 * area is foreign to an account's organisation.
 */
#include <check.h>
#include <stdint.h>

#include "auth/acct_review.h"

Suite *suite_acct_review(void);

#define NOW 1800000000LL
#define DAY 86400LL

/* An ACTIVE account activated 100 days ago, expiring and its contract
 * ending in a year. */
static dsg_acct active(void)
{
    dsg_acct a = { DSG_ACCT_ACTIVE, NOW + 365 * DAY, NOW + 365 * DAY, NOW - 101 * DAY,
                   NOW - 100 * DAY, DSG_ACCT_NEVER, DSG_ACCT_NEVER, DSG_ACCT_NEVER,
                   DSG_ACCT_NEVER, NOW - 100 * DAY };
    return a;
}

/* Expired by state, or by an expiry passed whatever the state, at the
 * instant itself. @relation(REQ-ACCT-008) */
START_TEST(test_review_expired)
{
    dsg_acct a = active();
    ck_assert_uint_eq(dsg_acct_review_flags(&a, NOW - DAY, NOW, 90), 0);
    a.expiry = NOW;
    ck_assert_uint_eq(dsg_acct_review_flags(&a, NOW - DAY, NOW, 90), DSG_REVIEW_EXPIRED);
    ck_assert_uint_eq(dsg_acct_review_flags(&a, NOW - DAY, NOW - 1, 90), 0);
    a = active();
    a.state = DSG_ACCT_EXPIRED;
    ck_assert_uint_eq(dsg_acct_review_flags(&a, NOW - DAY, NOW, 90), DSG_REVIEW_EXPIRED);
    a = active();
    a.state = DSG_ACCT_SUSPENDED;
    a.expiry = NOW - DAY;
    ck_assert_uint_eq(dsg_acct_review_flags(&a, NOW - DAY, NOW, 90), DSG_REVIEW_EXPIRED);
}
END_TEST

/* Inactive from half of the days on: from the last login, else from the
 * activation; never for an account never activated, nor for days 0.
 * @relation(REQ-ACCT-008) */
START_TEST(test_review_inactive)
{
    dsg_acct a = active();
    ck_assert_uint_eq(dsg_acct_review_flags(&a, NOW - 45 * DAY, NOW, 90), DSG_REVIEW_INACTIVE);
    ck_assert_uint_eq(dsg_acct_review_flags(&a, NOW - 45 * DAY + 1, NOW, 90), 0);
    /* an odd count: half a day counts */
    ck_assert_uint_eq(dsg_acct_review_flags(&a, NOW - 3 * DAY / 2, NOW, 3), DSG_REVIEW_INACTIVE);
    ck_assert_uint_eq(dsg_acct_review_flags(&a, NOW - 3 * DAY / 2 + 1, NOW, 3), 0);
    /* never logged in: from its activation, 100 days ago */
    ck_assert_uint_eq(dsg_acct_review_flags(&a, 0, NOW, 90), DSG_REVIEW_INACTIVE);
    ck_assert_uint_eq(dsg_acct_review_flags(&a, 0, NOW, 201), 0);
    ck_assert_uint_eq(dsg_acct_review_flags(&a, 0, NOW, 200), DSG_REVIEW_INACTIVE);
    ck_assert_uint_eq(dsg_acct_review_flags(&a, 0, NOW, 0), 0);
    ck_assert_uint_eq(dsg_acct_review_flags(&a, 0, NOW, DSG_ACCT_INACTIVE_DAYS_MAX + 1), 0);
    /* a recent login outweighs an old activation */
    ck_assert_uint_eq(dsg_acct_review_flags(&a, NOW - DAY, NOW, 90), 0);
    a.state = DSG_ACCT_PENDING;
    a.activated_at = DSG_ACCT_NEVER;
    ck_assert_uint_eq(dsg_acct_review_flags(&a, 0, NOW, 1), 0);
    /* no overflow at the far ends of time */
    a = active();
    ck_assert_uint_eq(dsg_acct_review_flags(&a, 0, INT64_MIN + 1, DSG_ACCT_INACTIVE_DAYS_MAX) &
                          DSG_REVIEW_INACTIVE, 0);
}
END_TEST

/* Without an active contract from the contract's end on; the flags add
 * up. @relation(REQ-ACCT-008) */
START_TEST(test_review_contract)
{
    dsg_acct a = active();
    a.contract_end = NOW + 1;
    ck_assert_uint_eq(dsg_acct_review_flags(&a, NOW - DAY, NOW, 90), 0);
    a.contract_end = NOW;
    a.expiry = NOW;
    ck_assert_uint_eq(dsg_acct_review_flags(&a, NOW - DAY, NOW, 90),
                      DSG_REVIEW_EXPIRED | DSG_REVIEW_NO_CONTRACT);
    ck_assert_uint_eq(dsg_acct_review_flags(&a, 0, NOW, 90),
                      DSG_REVIEW_EXPIRED | DSG_REVIEW_NO_CONTRACT | DSG_REVIEW_INACTIVE);
}
END_TEST

/* Foreign: an organisation that is neither the prime nor a vendor, never
 * the Ministry. @relation(REQ-ACCT-008) */
START_TEST(test_review_foreign)
{
    const char *const vendors[] = { "下請一号", "下請二号" };
    ck_assert_int_eq(dsg_acct_review_foreign("テスト重工", DSG_ORG_PRIME, "テスト重工", vendors, 2),
                     0);
    ck_assert_int_eq(dsg_acct_review_foreign("下請二号", DSG_ORG_VENDOR, "テスト重工", vendors, 2),
                     0);
    ck_assert_int_eq(dsg_acct_review_foreign("下請二号", DSG_ORG_VENDOR, "テスト重工", vendors, 1),
                     1);
    ck_assert_int_eq(dsg_acct_review_foreign("他社", DSG_ORG_PRIME, "テスト重工", vendors, 2), 1);
    ck_assert_int_eq(dsg_acct_review_foreign("他社", DSG_ORG_PRIME, "テスト重工", NULL, 0), 1);
    ck_assert_int_eq(dsg_acct_review_foreign("防衛省", DSG_ORG_MINISTRY, "テスト重工", NULL, 0), 0);
}
END_TEST

/* The words of the flags, and none for anything else. @relation(REQ-ACCT-008) */
START_TEST(test_review_flag_names)
{
    ck_assert_str_eq(dsg_acct_review_flag_name(DSG_REVIEW_EXPIRED), "expired");
    ck_assert_str_eq(dsg_acct_review_flag_name(DSG_REVIEW_INACTIVE), "inactive");
    ck_assert_str_eq(dsg_acct_review_flag_name(DSG_REVIEW_NO_CONTRACT), "no_active_contract");
    ck_assert_str_eq(dsg_acct_review_flag_name(DSG_REVIEW_FOREIGN_RIGHTS), "foreign_rights");
    ck_assert_ptr_null(dsg_acct_review_flag_name(0));
    ck_assert_ptr_null(dsg_acct_review_flag_name(DSG_REVIEW_EXPIRED | DSG_REVIEW_INACTIVE));
    ck_assert_ptr_null(dsg_acct_review_flag_name(16));
}
END_TEST

Suite *suite_acct_review(void)
{
    Suite *s = suite_create("acct_review");
    TCase *c = tcase_create("core");
    tcase_add_test(c, test_review_expired);
    tcase_add_test(c, test_review_inactive);
    tcase_add_test(c, test_review_contract);
    tcase_add_test(c, test_review_foreign);
    tcase_add_test(c, test_review_flag_names);
    suite_add_tcase(s, c);
    return s;
}
