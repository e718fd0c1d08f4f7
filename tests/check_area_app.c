/*
 * Unit tests of area applications (src/share/area_app.h): the checks every
 * application passes and the JSON form dsgctl sends to the share role.
 * Bad input first.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "share/area_app.h"
#include "tests/area_fixture.h"

Suite *suite_area_app(void);

#define NOW 1800000000LL   /* 2027-01-15 */

static dsg_area_app application(void)
{
    dsg_area_app a;
    memset(&a, 0, sizeof a);
    strcpy(a.contract, "DSG-2026-0042");
    strcpy(a.project, "次期警戒管制システム");
    strcpy(a.prime, "テスト重工");
    strcpy(a.vendors[0], "サンプル電機");
    strcpy(a.vendors[1], "Example Soft K.K.");
    a.vendor_count = 2;
    a.contract_end = NOW + 86400 * 365;
    strcpy(a.applicant, "総務部 山田");
    strcpy(a.reason, "契約締結のため");
    return a;
}

static void expect_problem(const dsg_area_app *a, const char *code, const char *field)
{
    dsg_acct_problem p;
    memset(&p, 0, sizeof p);
    ck_assert_int_eq(dsg_area_app_check(a, NOW, &p), -1);
    ck_assert_str_eq(p.code, code);
    ck_assert_str_eq(p.field, field);
    ck_assert_ptr_nonnull(strstr(p.message, field));
}

static void expect_ok(const dsg_area_app *a)
{
    dsg_acct_problem p;
    ck_assert_msg(dsg_area_app_check(a, NOW, &p) == 0, "%s", p.message);
}

/* @relation(REQ-SHARE-006) */
START_TEST(test_area_missing_items_named)
{
    dsg_area_app a = application();
    a.contract[0] = '\0';
    expect_problem(&a, "missing_field", "contract");
    a = application();
    a.project[0] = '\0';
    expect_problem(&a, "missing_field", "project");
    a = application();
    a.prime[0] = '\0';
    expect_problem(&a, "missing_field", "prime");
    a = application();
    a.contract_end = 0;
    expect_problem(&a, "missing_field", "contract_end");
    a = application();
    a.applicant[0] = '\0';
    expect_problem(&a, "missing_field", "applicant");
    a = application();
    a.reason[0] = '\0';
    expect_problem(&a, "missing_field", "reason");
    /* all of them missing: the first is named */
    memset(&a, 0, sizeof a);
    expect_problem(&a, "missing_field", "contract");
    /* vendors are optional */
    a = application();
    a.vendor_count = 0;
    expect_ok(&a);
}
END_TEST

/* @relation(REQ-SHARE-006) */
START_TEST(test_area_bad_text_refused)
{
    dsg_area_app a = application();
    strcpy(a.project, "project\nINJECTED line");
    expect_problem(&a, "bad_field", "project");
    a = application();
    strcpy(a.reason, "bad \xc3\x28 utf-8");
    expect_problem(&a, "bad_field", "reason");
    a = application();
    strcpy(a.prime, "C1 \xc2\x85 next-line");
    expect_problem(&a, "bad_field", "prime");
    a = application();
    strcpy(a.contract, "DSG\x7f");
    expect_problem(&a, "bad_field", "contract");
    a = application();
    strcpy(a.applicant, "\xe3\x81");   /* a cut sequence */
    expect_problem(&a, "bad_field", "applicant");
    a = application();
    strcpy(a.contract, "\xed\xa0\x80");   /* a surrogate */
    expect_problem(&a, "bad_field", "contract");
    a = application();
    strcpy(a.vendors[1], "tab\there");
    expect_problem(&a, "bad_field", "vendors");
    a = application();
    a.vendors[1][0] = '\0';   /* an empty vendor is no vendor */
    expect_problem(&a, "bad_field", "vendors");
}
END_TEST

/* @relation(REQ-SHARE-006) */
START_TEST(test_area_too_long_texts_refused)
{
    dsg_area_app a = application();
    memset(a.project, 'p', DSG_AREA_TEXT_MAX);   /* exactly the limit */
    a.project[DSG_AREA_TEXT_MAX] = '\0';
    memset(a.reason, 'r', DSG_AREA_REASON_MAX);
    a.reason[DSG_AREA_REASON_MAX] = '\0';
    expect_ok(&a);
    /* one byte more: the array's last byte is not a NUL */
    a.project[DSG_AREA_TEXT_MAX] = 'p';
    expect_problem(&a, "bad_field", "project");
    a = application();
    a.reason[DSG_AREA_REASON_MAX] = 'r';
    memset(a.reason, 'r', DSG_AREA_REASON_MAX);
    expect_problem(&a, "bad_field", "reason");
    a = application();
    memset(a.vendors[0], 'v', sizeof a.vendors[0]);
    expect_problem(&a, "bad_field", "vendors");
    a = application();
    memset(a.contract, 'c', sizeof a.contract);
    expect_problem(&a, "bad_field", "contract");
    a = application();
    memset(a.applicant, 'a', sizeof a.applicant);
    expect_problem(&a, "bad_field", "applicant");
}
END_TEST

/* @relation(REQ-SHARE-006) */
START_TEST(test_area_vendors_distinct_and_bounded)
{
    dsg_area_app a = application();
    strcpy(a.vendors[1], a.vendors[0]);
    expect_problem(&a, "bad_field", "vendors");
    a = application();
    strcpy(a.vendors[1], a.prime);
    expect_problem(&a, "bad_field", "vendors");
    a = application();
    for (size_t i = 0; i < DSG_AREA_VENDORS_MAX; i++)
        snprintf(a.vendors[i], sizeof a.vendors[i], "ベンダー%zu", i);
    a.vendor_count = DSG_AREA_VENDORS_MAX;
    expect_ok(&a);
    a.vendor_count = DSG_AREA_VENDORS_MAX + 1;
    expect_problem(&a, "bad_field", "vendors");
    a.vendor_count = (size_t)-1;
    expect_problem(&a, "bad_field", "vendors");
}
END_TEST

/* @relation(REQ-SHARE-006) */
START_TEST(test_area_contract_end_after_now)
{
    dsg_area_app a = application();
    a.contract_end = NOW;
    expect_problem(&a, "bad_field", "contract_end");
    a.contract_end = NOW - 86400;
    expect_problem(&a, "bad_field", "contract_end");
    a.contract_end = -1;
    expect_problem(&a, "bad_field", "contract_end");
    a.contract_end = NOW + 1;
    expect_ok(&a);
}
END_TEST

static void round_trip(const dsg_area_app *a)
{
    dsg_area_app b;
    dsg_acct_problem p;
    uint8_t buf[DSG_AREA_JSON_MAX];
    size_t n;
    ck_assert_int_eq(dsg_area_app_to_json(a, buf, sizeof buf, &n), 0);
    ck_assert_msg(dsg_area_app_from_json(buf, n, &b, &p) == 0, "%s", p.message);
    expect_same_app(&b, a);
}

/* @relation(REQ-SHARE-006) */
START_TEST(test_area_json_round_trip)
{
    dsg_area_app a = application();
    round_trip(&a);
    a.vendor_count = 0;
    memset(a.vendors, 0, sizeof a.vendors);
    round_trip(&a);
    /* quotes and backslashes survive */
    strcpy(a.reason, "say \"yes\" \\ no");
    round_trip(&a);
    /* the largest application of Japanese texts fits DSG_AREA_JSON_MAX */
    a = application();
    for (size_t i = 0; i < DSG_AREA_VENDORS_MAX; i++) {
        memset(a.vendors[i], 0, sizeof a.vendors[i]);
        for (size_t k = 0; k + 3 <= DSG_AREA_TEXT_MAX - 2; k += 3)
            memcpy(a.vendors[i] + k, "社", 3);
        snprintf(a.vendors[i] + strlen(a.vendors[i]), 3, "%02zu", i);
    }
    a.vendor_count = DSG_AREA_VENDORS_MAX;
    memset(a.reason, 0, sizeof a.reason);
    for (size_t k = 0; k + 3 <= DSG_AREA_REASON_MAX; k += 3)
        memcpy(a.reason + k, "理", 3);
    expect_ok(&a);
    round_trip(&a);
    /* a buffer too small is refused, not cut */
    uint8_t small[40];
    size_t n;
    ck_assert_int_eq(dsg_area_app_to_json(&a, small, sizeof small, &n), -1);
    a.vendor_count = DSG_AREA_VENDORS_MAX + 1;
    uint8_t buf[DSG_AREA_JSON_MAX];
    ck_assert_int_eq(dsg_area_app_to_json(&a, buf, sizeof buf, &n), -1);
}
END_TEST

/* The form on the wire, member by member. @relation(REQ-SHARE-006) */
START_TEST(test_area_json_form)
{
    static const char expected[] =
        "{\"contract\":\"DSG-2026-0042\",\"project\":\"次期警戒管制システム\","
        "\"prime\":\"テスト重工\",\"vendors\":[\"サンプル電機\"],"
        "\"contract_end\":1831536000,\"applicant\":\"総務部 山田\","
        "\"reason\":\"契約締結のため\"}";
    dsg_area_app a = application();
    uint8_t buf[DSG_AREA_JSON_MAX];
    size_t n;
    a.vendor_count = 1;
    ck_assert_int_eq(dsg_area_app_to_json(&a, buf, sizeof buf, &n), 0);
    ck_assert_uint_eq(n, sizeof expected - 1);
    ck_assert_int_eq(memcmp(buf, expected, n), 0);
}
END_TEST

static int from(const char *json, dsg_area_app *a, dsg_acct_problem *p)
{
    return dsg_area_app_from_json((const uint8_t *)json, strlen(json), a, p);
}

static void refused(const char *json, const char *field)
{
    dsg_area_app a;
    dsg_acct_problem p;
    memset(&p, 0, sizeof p);
    ck_assert_msg(from(json, &a, &p) == -1, "accepted: %s", json);
    ck_assert_str_eq(p.code, "bad_request");
    ck_assert_msg(strcmp(p.field, field) == 0, "%s: field %s, not %s", json, p.field, field);
}

/* @relation(REQ-SHARE-006) */
START_TEST(test_area_json_not_an_object)
{
    dsg_area_app a;
    dsg_acct_problem p;
    ck_assert_int_eq(dsg_area_app_from_json((const uint8_t *)"", 0, &a, &p), -1);
    ck_assert_str_eq(p.code, "bad_request");
    refused("[]", "");
    refused("\"contract\"", "");
    refused("{\"contract\":\"x\"", "");
    refused("{\"contract\":\"x\"} {}", "");
    refused("{\"contract\":\"x\",}", "");
    char big[DSG_AREA_JSON_MAX + 40];
    int n = snprintf(big, sizeof big, "{\"reason\":\"");
    memset(big + n, ' ', DSG_AREA_JSON_MAX);
    strcpy(big + n + DSG_AREA_JSON_MAX, "\"}");
    refused(big, "");
}
END_TEST

/* Unknown and repeated members, wrong types: each refused, naming the
 * member. @relation(REQ-SHARE-006) */
START_TEST(test_area_json_members_refused_by_name)
{
    dsg_area_app a;
    dsg_acct_problem p;
    ck_assert_int_eq(from("{\"contract\":\"x\",\"colour\":\"red\"}", &a, &p), -1);
    ck_assert_str_eq(p.code, "bad_request");
    ck_assert_ptr_nonnull(strstr(p.message, "colour"));
    ck_assert_int_eq(from("{\"owner\\n\":1}", &a, &p), -1);   /* not printed: a control */
    ck_assert_str_eq(p.code, "bad_request");
    ck_assert_ptr_null(strchr(p.message, '\n'));
    refused("{\"contract\":\"a\",\"contract\":\"b\"}", "contract");
    refused("{\"vendors\":[],\"prime\":\"p\",\"vendors\":[\"x\"]}", "vendors");
    refused("{\"pr\\u0069me\":\"a\",\"prime\":\"b\"}", "prime");
    refused("{\"contract\":7}", "contract");
    refused("{\"project\":null}", "project");
    refused("{\"prime\":[\"p\"]}", "prime");
    refused("{\"applicant\":true}", "applicant");
    refused("{\"reason\":{\"x\":1}}", "reason");
    refused("{\"vendors\":\"a\"}", "vendors");
    refused("{\"vendors\":[\"a\",1]}", "vendors");
    refused("{\"vendors\":[[\"a\"]]}", "vendors");
    refused("{\"vendors\":{\"a\":\"b\"}}", "vendors");
    refused("{\"contract_end\":\"1831536000\"}", "contract_end");
    refused("{\"contract_end\":-5}", "contract_end");
    refused("{\"contract_end\":1.5}", "contract_end");
    refused("{\"contract_end\":1e9}", "contract_end");
    refused("{\"contract_end\":1234567890123456789}", "contract_end");
    refused("{\"contract\":\"a\\u0000b\"}", "contract");
    /* texts longer than their array */
    char big[DSG_AREA_JSON_MAX];
    int n = snprintf(big, sizeof big, "{\"project\":\"");
    memset(big + n, 'x', DSG_AREA_TEXT_MAX + 1);
    strcpy(big + n + DSG_AREA_TEXT_MAX + 1, "\"}");
    refused(big, "project");
    n = snprintf(big, sizeof big, "{\"vendors\":[\"");
    memset(big + n, 'x', DSG_AREA_TEXT_MAX + 1);
    strcpy(big + n + DSG_AREA_TEXT_MAX + 1, "\"]}");
    refused(big, "vendors");
    /* 17 vendors */
    n = snprintf(big, sizeof big, "{\"vendors\":[");
    for (unsigned i = 0; i <= DSG_AREA_VENDORS_MAX; i++)
        n += snprintf(big + n, sizeof big - (size_t)n, "%s\"v%u\"", i ? "," : "", i);
    strcpy(big + n, "]}");
    refused(big, "vendors");
}
END_TEST

/* What from_json accepts still goes through the check. @relation(REQ-SHARE-006) */
START_TEST(test_area_json_then_check)
{
    dsg_area_app a;
    dsg_acct_problem p;
    ck_assert_int_eq(from("{}", &a, &p), 0);
    ck_assert_int_eq(dsg_area_app_check(&a, NOW, &p), -1);
    ck_assert_str_eq(p.code, "missing_field");
    ck_assert_str_eq(p.field, "contract");
    ck_assert_int_eq(from("{\"contract\":\"C\",\"project\":\"P\",\"prime\":\"X\","
                          "\"vendors\":[\"Y\",\"Y\"],\"contract_end\":1900000000,"
                          "\"applicant\":\"a\",\"reason\":\"r\"}", &a, &p), 0);
    ck_assert_uint_eq(a.vendor_count, 2);
    ck_assert_int_eq(dsg_area_app_check(&a, NOW, &p), -1);
    ck_assert_str_eq(p.field, "vendors");
    ck_assert_int_eq(from(" { \"prime\" : \"X\\ny\" } ", &a, &p), 0);
    ck_assert_str_eq(a.prime, "X\ny");
    strcpy(a.contract, "C");
    strcpy(a.project, "P");
    a.contract_end = NOW + 1;
    strcpy(a.applicant, "a");
    strcpy(a.reason, "r");
    expect_problem(&a, "bad_field", "prime");
}
END_TEST

/* share.area_template: entries by commas, blanks trimmed, {org} once,
 * folder names once, no '/', '.', '..', control characters, empty entries
 * or more than 16 entries. @relation(REQ-SHARE-006) */
START_TEST(test_area_template_parse)
{
    dsg_area_template t;
    char err[120];
    ck_assert_int_eq(dsg_area_template_parse(DSG_AREA_TEMPLATE_DEFAULT, &t, err, sizeof err), 0);
    ck_assert_uint_eq(t.n, 2);
    ck_assert_int_eq(t.entry[0].per_org, 0);
    ck_assert_str_eq(t.entry[0].name, "共通");
    ck_assert_int_eq(t.entry[1].per_org, 1);
    ck_assert_str_eq(t.entry[1].name, "");
    ck_assert_int_eq(dsg_area_template_parse(" 受領 ,\t{org}", &t, err, sizeof err), 0);
    ck_assert_uint_eq(t.n, 2);
    ck_assert_str_eq(t.entry[0].name, "受領");
    ck_assert_int_eq(t.entry[1].per_org, 1);
    ck_assert_int_eq(dsg_area_template_parse("共通", &t, err, sizeof err), 0);   /* no per-org folders */
    ck_assert_uint_eq(t.n, 1);
    static const char *const bad[] = { "", " ", "共通,", ",共通", "a, ,b", "{org}, {org}",
                                       "a, a", "a/b", ".", "..", "a\x01", "a\x7f", "\xff",
                                       "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        ck_assert_msg(dsg_area_template_parse(bad[i], &t, err, sizeof err) == -1, "'%s' accepted",
                      bad[i]);
        ck_assert_msg(err[0] != '\0', "'%s': no message", bad[i]);
    }
    char name[DSG_AREA_TEXT_MAX + 2];
    memset(name, 'x', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    ck_assert_int_eq(dsg_area_template_parse(name, &t, err, sizeof err), -1);   /* 129 bytes */
    name[DSG_AREA_TEXT_MAX] = '\0';
    ck_assert_int_eq(dsg_area_template_parse(name, &t, err, sizeof err), 0);    /* 128 bytes */
}
END_TEST

Suite *suite_area_app(void)
{
    Suite *s = suite_create("area_app");
    TCase *c = tcase_create("core");
    tcase_add_test(c, test_area_missing_items_named);
    tcase_add_test(c, test_area_bad_text_refused);
    tcase_add_test(c, test_area_too_long_texts_refused);
    tcase_add_test(c, test_area_vendors_distinct_and_bounded);
    tcase_add_test(c, test_area_contract_end_after_now);
    tcase_add_test(c, test_area_json_round_trip);
    tcase_add_test(c, test_area_json_form);
    tcase_add_test(c, test_area_json_not_an_object);
    tcase_add_test(c, test_area_json_members_refused_by_name);
    tcase_add_test(c, test_area_json_then_check);
    tcase_add_test(c, test_area_template_parse);
    suite_add_tcase(s, c);
    return s;
}
