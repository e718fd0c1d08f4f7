/*
 * Unit tests of the signature-counter and flags rules
 * (src/auth/sign_count.h): REQ-MFA-004 (login), REQ-MFA-003 (the flags
 * at enrolment). The counter at its boundaries: 0/0, 0/1, 5/5, 5/4, 5/6
 * and around UINT32_MAX; the flags with UP and UV each set and clear.
 */
#include <check.h>
#include <stdint.h>

#include "auth/sign_count.h"

Suite *suite_sign_count(void);

/* @relation(REQ-MFA-004) */
START_TEST(test_sign_count_not_increased_refused)
{
    ck_assert_int_eq(dsg_sign_count_check(5, 5), DSG_SIGN_ERR_COUNTER);
    ck_assert_int_eq(dsg_sign_count_check(5, 4), DSG_SIGN_ERR_COUNTER);
    ck_assert_int_eq(dsg_sign_count_check(5, 0), DSG_SIGN_ERR_COUNTER);   /* counter dropped */
    ck_assert_int_eq(dsg_sign_count_check(1, 0), DSG_SIGN_ERR_COUNTER);
    ck_assert_int_eq(dsg_sign_count_check(UINT32_MAX, UINT32_MAX), DSG_SIGN_ERR_COUNTER);
    ck_assert_int_eq(dsg_sign_count_check(UINT32_MAX, 0), DSG_SIGN_ERR_COUNTER);   /* no wrap */
    ck_assert_int_eq(dsg_sign_count_check(UINT32_MAX, UINT32_MAX - 1), DSG_SIGN_ERR_COUNTER);
}
END_TEST

/* @relation(REQ-MFA-004) */
START_TEST(test_sign_count_increased_accepted)
{
    ck_assert_int_eq(dsg_sign_count_check(0, 0), DSG_SIGN_OK);   /* no counter at all */
    ck_assert_int_eq(dsg_sign_count_check(0, 1), DSG_SIGN_OK);
    ck_assert_int_eq(dsg_sign_count_check(5, 6), DSG_SIGN_OK);
    ck_assert_int_eq(dsg_sign_count_check(5, 1000), DSG_SIGN_OK);   /* gaps are fine */
    ck_assert_int_eq(dsg_sign_count_check(0, UINT32_MAX), DSG_SIGN_OK);
    ck_assert_int_eq(dsg_sign_count_check(UINT32_MAX - 1, UINT32_MAX), DSG_SIGN_OK);
}
END_TEST

/* @relation(REQ-MFA-004, REQ-MFA-003) */
START_TEST(test_sign_flags_up_missing_refused)
{
    ck_assert_int_eq(dsg_sign_flags_check(0x00, 0), DSG_SIGN_ERR_USER_PRESENT);
    ck_assert_int_eq(dsg_sign_flags_check(0x00, 1), DSG_SIGN_ERR_USER_PRESENT);
    ck_assert_int_eq(dsg_sign_flags_check(0x04, 1), DSG_SIGN_ERR_USER_PRESENT);   /* UV alone */
    ck_assert_int_eq(dsg_sign_flags_check(0xFE, 1), DSG_SIGN_ERR_USER_PRESENT);
}
END_TEST

/* @relation(REQ-MFA-004, REQ-MFA-003) */
START_TEST(test_sign_flags_uv_missing_refused)
{
    ck_assert_int_eq(dsg_sign_flags_check(0x01, 1), DSG_SIGN_ERR_USER_VERIFIED);
    ck_assert_int_eq(dsg_sign_flags_check(0x41, 1), DSG_SIGN_ERR_USER_VERIFIED);   /* UP+AT */
    ck_assert_int_eq(dsg_sign_flags_check(0xFB, 1), DSG_SIGN_ERR_USER_VERIFIED);
    ck_assert_int_eq(dsg_sign_flags_check(0x03, -1), DSG_SIGN_ERR_USER_VERIFIED);  /* bit 1 is not UV */
}
END_TEST

/* @relation(REQ-MFA-004, REQ-MFA-003) */
START_TEST(test_sign_flags_accepted)
{
    ck_assert_int_eq(dsg_sign_flags_check(0x05, 1), DSG_SIGN_OK);
    ck_assert_int_eq(dsg_sign_flags_check(0x45, 1), DSG_SIGN_OK);
    ck_assert_int_eq(dsg_sign_flags_check(0xFF, 1), DSG_SIGN_OK);
    ck_assert_int_eq(dsg_sign_flags_check(0x01, 0), DSG_SIGN_OK);   /* UV not required */
    ck_assert_int_eq(dsg_sign_flags_check(0x05, 0), DSG_SIGN_OK);
}
END_TEST

/* @relation(REQ-MFA-004) */
START_TEST(test_sign_status_tokens)
{
    ck_assert_str_eq(dsg_sign_status_token(DSG_SIGN_OK), "ok");
    ck_assert_str_eq(dsg_sign_status_token(DSG_SIGN_ERR_COUNTER), "counter-not-increased");
    ck_assert_str_eq(dsg_sign_status_token(DSG_SIGN_ERR_USER_PRESENT), "user-not-present");
    ck_assert_str_eq(dsg_sign_status_token(DSG_SIGN_ERR_USER_VERIFIED), "user-not-verified");
    ck_assert_str_eq(dsg_sign_status_token((dsg_sign_status)9), "unknown");
}
END_TEST

Suite *suite_sign_count(void)
{
    Suite *s = suite_create("sign_count");
    TCase *bad = tcase_create("refused");
    tcase_add_test(bad, test_sign_count_not_increased_refused);
    tcase_add_test(bad, test_sign_flags_up_missing_refused);
    tcase_add_test(bad, test_sign_flags_uv_missing_refused);
    suite_add_tcase(s, bad);
    TCase *good = tcase_create("accepted");
    tcase_add_test(good, test_sign_count_increased_accepted);
    tcase_add_test(good, test_sign_flags_accepted);
    tcase_add_test(good, test_sign_status_tokens);
    suite_add_tcase(s, good);
    return s;
}
