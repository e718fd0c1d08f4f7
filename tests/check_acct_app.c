/*
 * Unit tests of applications for account changes (src/auth/acct_app.h,
 * src/auth/acct_json.h): the checks every application passes, user ID
 * folding, and the JSON form dsgctl sends. Bad input first.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "auth/acct_app.h"
#include "auth/acct_json.h"

Suite *suite_acct_app(void);

#define NOW 1800000000LL   /* 2027-01-15 */

static dsg_acct_app registration(void)
{
    dsg_acct_app a;
    memset(&a, 0, sizeof a);
    a.kind = DSG_APP_REGISTER;
    strcpy(a.user_id, "Tanaka.T-01");
    strcpy(a.applicant, "総務部 山田");
    strcpy(a.reason, "新規契約のため");
    strcpy(a.name, "田中 太郎");
    strcpy(a.org, "テスト重工");
    strcpy(a.contract, "C-2027-001");
    a.org_kind = DSG_ORG_PRIME;
    a.type = DSG_ACCT_COMPANY;
    a.expiry = NOW + 86400;
    a.contract_end = NOW + 86400 * 30;
    return a;
}

static void expect_problem(const dsg_acct_app *a, const char *code, const char *field)
{
    dsg_acct_problem p;
    memset(&p, 0, sizeof p);
    ck_assert_int_eq(dsg_acct_app_check(a, NOW, &p), -1);
    ck_assert_str_eq(p.code, code);
    ck_assert_str_eq(p.field, field);
    ck_assert_ptr_nonnull(strstr(p.message, field));
}

/* @relation(REQ-ACCT-006) */
START_TEST(test_user_id_rule)
{
    char out[DSG_ACCT_USER_ID_MAX + 1];
    char long_id[DSG_ACCT_USER_ID_MAX + 2];
    memset(long_id, 'a', sizeof long_id - 1);
    long_id[sizeof long_id - 1] = '\0';
    ck_assert_int_eq(dsg_acct_user_id_fold("", out), -1);
    ck_assert_int_eq(dsg_acct_user_id_fold(".tanaka", out), -1);
    ck_assert_int_eq(dsg_acct_user_id_fold("-x", out), -1);
    ck_assert_int_eq(dsg_acct_user_id_fold("ta naka", out), -1);
    ck_assert_int_eq(dsg_acct_user_id_fold("tanaka@corp", out), -1);
    ck_assert_int_eq(dsg_acct_user_id_fold("田中", out), -1);
    ck_assert_int_eq(dsg_acct_user_id_fold(long_id, out), -1);
    long_id[DSG_ACCT_USER_ID_MAX] = '\0';   /* exactly 64 */
    ck_assert_int_eq(dsg_acct_user_id_fold(long_id, out), 0);
    ck_assert_int_eq(dsg_acct_user_id_fold("Tanaka.T_01-X", out), 0);
    ck_assert_str_eq(out, "tanaka.t_01-x");
    ck_assert_int_eq(dsg_acct_user_id_fold("9lives", out), 0);
}
END_TEST

/* Each registration names one holder: a person's name is required, and
 * no account type exists but the three of one person each.
 * @relation(REQ-ACCT-006) */
START_TEST(test_one_named_holder)
{
    dsg_acct_app a = registration();
    a.name[0] = '\0';
    expect_problem(&a, "missing_field", "name");
    a = registration();
    a.type = DSG_ACCT_TYPE_COUNT;
    expect_problem(&a, "bad_field", "type");
    a.type = (dsg_acct_type)99;
    expect_problem(&a, "bad_field", "type");
}
END_TEST

/* @relation(REQ-ACCT-001) */
START_TEST(test_missing_items_named)
{
    dsg_acct_app a = registration();
    a.applicant[0] = '\0';
    expect_problem(&a, "missing_field", "applicant");
    a = registration();
    a.reason[0] = '\0';
    expect_problem(&a, "missing_field", "reason");
    a = registration();
    a.user_id[0] = '\0';
    expect_problem(&a, "missing_field", "user-id");
    a = registration();
    a.name[0] = '\0';
    expect_problem(&a, "missing_field", "name");
    a = registration();
    a.org[0] = '\0';
    expect_problem(&a, "missing_field", "org");
    a = registration();
    a.contract[0] = '\0';
    expect_problem(&a, "missing_field", "contract");
    a = registration();
    a.expiry = 0;
    expect_problem(&a, "missing_field", "expiry");
    a = registration();
    a.contract_end = 0;
    expect_problem(&a, "missing_field", "contract-end");
}
END_TEST

/* @relation(REQ-ACCT-001) */
START_TEST(test_bad_text_refused)
{
    dsg_acct_app a = registration();
    strcpy(a.name, "tanaka\nINJECTED line");
    expect_problem(&a, "bad_field", "name");
    a = registration();
    strcpy(a.reason, "bad \xc3\x28 utf-8");
    expect_problem(&a, "bad_field", "reason");
    a = registration();
    strcpy(a.org, "C1 \xc2\x85 next-line");
    expect_problem(&a, "bad_field", "org");
    a = registration();
    strcpy(a.user_id, "tanaka taro");
    expect_problem(&a, "bad_field", "user-id");
    a = registration();
    a.kind = DSG_APP_KIND_COUNT;
    expect_problem(&a, "bad_field", "kind");
}
END_TEST

/* @relation(REQ-ACCT-001) */
START_TEST(test_type_matches_organisation)
{
    dsg_acct_app a = registration();
    a.type = DSG_ACCT_MINISTRY;
    expect_problem(&a, "bad_field", "org-kind");
    a.org_kind = DSG_ORG_MINISTRY;
    dsg_acct_problem p;
    ck_assert_int_eq(dsg_acct_app_check(&a, NOW, &p), 0);
    a.type = DSG_ACCT_COMPANY;
    expect_problem(&a, "bad_field", "org-kind");
    a.type = DSG_ACCT_ADMIN;   /* an administrator may belong to either */
    ck_assert_int_eq(dsg_acct_app_check(&a, NOW, &p), 0);
    a.org_kind = DSG_ORG_KIND_COUNT;
    expect_problem(&a, "bad_field", "org-kind");
}
END_TEST

/* @relation(REQ-ACCT-004, REQ-ACCT-023) */
START_TEST(test_expiry_bounds)
{
    dsg_acct_problem p;
    dsg_acct_app a = registration();
    a.expiry = NOW;
    expect_problem(&a, "bad_field", "expiry");
    a.expiry = NOW + 1;
    ck_assert_int_eq(dsg_acct_app_check(&a, NOW, &p), 0);
    a.expiry = a.contract_end;
    ck_assert_int_eq(dsg_acct_app_check(&a, NOW, &p), 0);
    a.expiry = a.contract_end + 1;
    expect_problem(&a, "bad_field", "expiry");
    /* change-expiry needs both times; the other kinds need neither */
    memset(&a, 0, sizeof a);
    a.kind = DSG_APP_CHANGE_EXPIRY;
    strcpy(a.user_id, "tanaka");
    strcpy(a.applicant, "yamada");
    strcpy(a.reason, "renewal");
    expect_problem(&a, "missing_field", "expiry");
    a.kind = DSG_APP_SUSPEND;
    ck_assert_int_eq(dsg_acct_app_check(&a, NOW, &p), 0);
}
END_TEST

/* A reset-factor application needs the items of every kind and nothing
 * else; "reset-factor" is its word. @relation(REQ-MFA-006, REQ-ACCT-001) */
START_TEST(test_reset_factor_items)
{
    dsg_acct_app a;
    dsg_acct_problem p;
    memset(&a, 0, sizeof a);
    ck_assert_int_eq(dsg_app_kind_parse("reset-factor"), DSG_APP_RESET_FACTOR);
    ck_assert_str_eq(dsg_app_kind_name(DSG_APP_RESET_FACTOR), "reset-factor");
    a.kind = DSG_APP_RESET_FACTOR;
    expect_problem(&a, "missing_field", "user-id");
    strcpy(a.user_id, "Tanaka");
    expect_problem(&a, "missing_field", "applicant");
    strcpy(a.applicant, "田中");
    expect_problem(&a, "missing_field", "reason");
    strcpy(a.reason, "スマートフォン紛失");
    ck_assert_int_eq(dsg_acct_app_check(&a, NOW, &p), 0);
    strcpy(a.reason, "lost\nphone");
    expect_problem(&a, "bad_field", "reason");
}
END_TEST

/* @relation(REQ-ACCT-001) */
START_TEST(test_words_round_trip)
{
    for (int k = 0; k < DSG_APP_KIND_COUNT; k++)
        ck_assert_int_eq(dsg_app_kind_parse(dsg_app_kind_name((dsg_app_kind)k)), k);
    for (int k = 0; k < DSG_ORG_KIND_COUNT; k++)
        ck_assert_int_eq(dsg_org_kind_parse(dsg_org_kind_name((dsg_org_kind)k)), k);
    for (int k = 0; k < DSG_ACCT_TYPE_COUNT; k++)
        ck_assert_int_eq(dsg_acct_type_parse(dsg_acct_type_name((dsg_acct_type)k)), k);
    ck_assert_ptr_null(dsg_app_kind_name(DSG_APP_KIND_COUNT));
    ck_assert_int_eq(dsg_app_kind_parse("Register"), -1);
    ck_assert_int_eq(dsg_acct_type_parse(""), -1);
}
END_TEST

/* @relation(REQ-ACCT-001, REQ-ACCT-020) */
START_TEST(test_json_round_trip)
{
    dsg_acct_app a = registration(), b;
    dsg_acct_problem p;
    uint8_t buf[DSG_ACCT_JSON_MAX];
    size_t n;
    ck_assert_int_eq(dsg_acct_app_to_json(&a, buf, sizeof buf, &n), 0);
    ck_assert_int_eq(dsg_acct_app_from_json(buf, n, &b, &p), 0);
    ck_assert_int_eq(memcmp(&a, &b, sizeof a), 0);
    /* quotes and backslashes survive */
    strcpy(a.reason, "say \"yes\" \\ no");
    ck_assert_int_eq(dsg_acct_app_to_json(&a, buf, sizeof buf, &n), 0);
    ck_assert_int_eq(dsg_acct_app_from_json(buf, n, &b, &p), 0);
    ck_assert_str_eq(b.reason, a.reason);
    /* a buffer too small is refused, not cut */
    ck_assert_int_eq(dsg_acct_app_to_json(&a, buf, 40, &n), -1);
}
END_TEST

static int from(const char *json, dsg_acct_app *a, dsg_acct_problem *p)
{
    return dsg_acct_app_from_json((const uint8_t *)json, strlen(json), a, p);
}

/* @relation(REQ-ACCT-001) */
START_TEST(test_json_refusals)
{
    dsg_acct_app a;
    dsg_acct_problem p;
    ck_assert_int_eq(from("", &a, &p), -1);
    ck_assert_int_eq(from("[]", &a, &p), -1);
    ck_assert_int_eq(from("{\"kind\":\"register\"", &a, &p), -1);
    ck_assert_str_eq(p.code, "bad_request");
    ck_assert_int_eq(from("{\"user_id\":\"x\"}", &a, &p), -1);
    ck_assert_str_eq(p.field, "kind");
    ck_assert_int_eq(from("{\"kind\":\"promote\"}", &a, &p), -1);
    ck_assert_str_eq(p.field, "kind");
    ck_assert_int_eq(from("{\"kind\":\"suspend\",\"role\":\"admin\"}", &a, &p), -1);
    ck_assert_int_eq(from("{\"kind\":\"suspend\",\"kind\":\"delete\"}", &a, &p), -1);
    ck_assert_int_eq(from("{\"kind\":\"suspend\",\"user_id\":\"a\\u0000b\"}", &a, &p), -1);
    ck_assert_str_eq(p.field, "user_id");
    ck_assert_int_eq(from("{\"kind\":\"suspend\",\"user_id\":7}", &a, &p), -1);
    ck_assert_int_eq(from("{\"kind\":\"register\",\"expiry\":-5}", &a, &p), -1);
    ck_assert_str_eq(p.field, "expiry");
    ck_assert_int_eq(from("{\"kind\":\"register\",\"expiry\":1.5}", &a, &p), -1);
    ck_assert_int_eq(from("{\"kind\":\"register\",\"expiry\":1234567890123456789}", &a, &p), -1);
    ck_assert_int_eq(from("{\"kind\":\"suspend\",\"reason\":{\"x\":1}}", &a, &p), -1);
    char big[DSG_ACCT_JSON_MAX + 40];
    int n = snprintf(big, sizeof big, "{\"kind\":\"suspend\",\"reason\":\"");
    memset(big + n, 'x', DSG_ACCT_REASON_MAX + 1);
    strcpy(big + n + DSG_ACCT_REASON_MAX + 1, "\"}");
    ck_assert_int_eq(from(big, &a, &p), -1);
    ck_assert_str_eq(p.field, "reason");
}
END_TEST

/* @relation(REQ-ACCT-002) */
START_TEST(test_reason_json)
{
    uint8_t buf[600];
    size_t n;
    char reason[DSG_ACCT_REASON_MAX + 1];
    dsg_acct_problem p;
    ck_assert_int_eq(dsg_acct_reason_to_json("重複 \"申請\"", buf, sizeof buf, &n), 0);
    ck_assert_int_eq(dsg_acct_reason_from_json(buf, n, reason, &p), 0);
    ck_assert_str_eq(reason, "重複 \"申請\"");
    ck_assert_int_eq(dsg_acct_reason_from_json((const uint8_t *)"{\"why\":\"x\"}", 11, reason, &p),
                     -1);
    ck_assert_int_eq(dsg_acct_reason_from_json((const uint8_t *)"{\"reason\":1}", 12, reason, &p),
                     -1);
    ck_assert_int_eq(dsg_acct_reason_from_json((const uint8_t *)"{\"reason\":\"a\",\"b\":1}", 20,
                                               reason, &p), -1);
}
END_TEST

Suite *suite_acct_app(void)
{
    Suite *s = suite_create("acct_app");
    TCase *c = tcase_create("core");
    tcase_add_test(c, test_user_id_rule);
    tcase_add_test(c, test_one_named_holder);
    tcase_add_test(c, test_missing_items_named);
    tcase_add_test(c, test_bad_text_refused);
    tcase_add_test(c, test_type_matches_organisation);
    tcase_add_test(c, test_expiry_bounds);
    tcase_add_test(c, test_words_round_trip);
    tcase_add_test(c, test_reset_factor_items);
    tcase_add_test(c, test_json_round_trip);
    tcase_add_test(c, test_json_refusals);
    tcase_add_test(c, test_reason_json);
    suite_add_tcase(s, c);
    return s;
}
