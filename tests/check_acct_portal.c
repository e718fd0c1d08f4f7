/*
 * Unit tests of the portal's application rule (src/auth/acct_portal.h):
 * what a company or Ministry user may apply for at the portal. Refusals
 * first.
 */
#include <check.h>
#include <string.h>

#include "auth/acct_portal.h"

Suite *suite_acct_portal(void);

static const dsg_portal_party ministry_user = { "防衛装備庁", DSG_ORG_MINISTRY, DSG_ACCT_MINISTRY };
static const dsg_portal_party company_user = { "テスト重工", DSG_ORG_PRIME, DSG_ACCT_COMPANY };

static dsg_acct_app app(dsg_app_kind kind, const char *org, dsg_org_kind org_kind,
                        dsg_acct_type type)
{
    dsg_acct_app a;
    memset(&a, 0, sizeof a);
    a.kind = kind;
    strcpy(a.user_id, "kato");
    strcpy(a.org, org);
    a.org_kind = org_kind;
    a.type = type;
    return a;
}

static void refused(const dsg_acct_app *a, const dsg_portal_party *who,
                    const dsg_portal_party *target, const char *code, const char *field)
{
    dsg_acct_problem p;
    memset(&p, 0, sizeof p);
    ck_assert_int_eq(dsg_acct_portal_may_apply(a, who, target, &p), -1);
    ck_assert_str_eq(p.code, code);
    ck_assert_str_eq(p.field, field);
    ck_assert_ptr_nonnull(strstr(p.message, field));
}

static void allowed(const dsg_acct_app *a, const dsg_portal_party *who,
                    const dsg_portal_party *target)
{
    dsg_acct_problem p;
    memset(&p, 0, sizeof p);
    ck_assert_int_eq(dsg_acct_portal_may_apply(a, who, target, &p), 0);
}

/* @relation(REQ-ACCT-001) */
START_TEST(test_register_other_organisation_refused)
{
    dsg_acct_app a = app(DSG_APP_REGISTER, "内局", DSG_ORG_MINISTRY, DSG_ACCT_MINISTRY);
    refused(&a, &ministry_user, NULL, "other_organisation", "org");
    a = app(DSG_APP_REGISTER, "テスト重工", DSG_ORG_PRIME, DSG_ACCT_COMPANY);
    refused(&a, &ministry_user, NULL, "other_organisation", "org");
    /* the same name as another kind of organisation is another one */
    a = app(DSG_APP_REGISTER, "テスト重工", DSG_ORG_VENDOR, DSG_ACCT_COMPANY);
    refused(&a, &company_user, NULL, "other_organisation", "org");
    a = app(DSG_APP_REGISTER, "テスト重工 ", DSG_ORG_PRIME, DSG_ACCT_COMPANY);
    refused(&a, &company_user, NULL, "other_organisation", "org");
}
END_TEST

/* @relation(REQ-ACCT-001, REQ-ACCT-011) */
START_TEST(test_admin_accounts_refused)
{
    dsg_portal_party admin = { "DSG administration", DSG_ORG_MINISTRY, DSG_ACCT_ADMIN };
    dsg_portal_party admin_in_org = { "防衛装備庁", DSG_ORG_MINISTRY, DSG_ACCT_ADMIN };
    dsg_acct_app a = app(DSG_APP_REGISTER, "防衛装備庁", DSG_ORG_MINISTRY, DSG_ACCT_ADMIN);
    refused(&a, &ministry_user, NULL, "admin_account", "type");
    a = app(DSG_APP_REGISTER, "DSG administration", DSG_ORG_MINISTRY, DSG_ACCT_MINISTRY);
    refused(&a, &admin, NULL, "admin_account", "applicant");
    a = app(DSG_APP_SUSPEND, "", DSG_ORG_PRIME, DSG_ACCT_COMPANY);
    refused(&a, &ministry_user, &admin, "other_organisation", "user-id");
    refused(&a, &ministry_user, &admin_in_org, "admin_account", "user-id");
}
END_TEST

/* @relation(REQ-ACCT-001) */
START_TEST(test_change_of_other_organisation_refused)
{
    dsg_portal_party other = { "内局", DSG_ORG_MINISTRY, DSG_ACCT_MINISTRY };
    for (int k = DSG_APP_SUSPEND; k < DSG_APP_KIND_COUNT; k++) {
        dsg_acct_app a = app((dsg_app_kind)k, "", DSG_ORG_PRIME, DSG_ACCT_COMPANY);
        refused(&a, &ministry_user, &other, "other_organisation", "user-id");
        refused(&a, &ministry_user, &company_user, "other_organisation", "user-id");
        refused(&a, &ministry_user, NULL, "other_organisation", "user-id");   /* no such account */
    }
}
END_TEST

/* @relation(REQ-ACCT-001) */
START_TEST(test_own_organisation_allowed)
{
    dsg_portal_party colleague = { "防衛装備庁", DSG_ORG_MINISTRY, DSG_ACCT_MINISTRY };
    dsg_acct_app a = app(DSG_APP_REGISTER, "防衛装備庁", DSG_ORG_MINISTRY, DSG_ACCT_MINISTRY);
    allowed(&a, &ministry_user, NULL);
    a = app(DSG_APP_REGISTER, "テスト重工", DSG_ORG_PRIME, DSG_ACCT_COMPANY);
    allowed(&a, &company_user, NULL);
    for (int k = DSG_APP_SUSPEND; k < DSG_APP_KIND_COUNT; k++) {
        a = app((dsg_app_kind)k, "", DSG_ORG_PRIME, DSG_ACCT_COMPANY);
        allowed(&a, &ministry_user, &colleague);
        allowed(&a, &ministry_user, &ministry_user);   /* one's own account too */
    }
}
END_TEST

Suite *suite_acct_portal(void)
{
    Suite *s = suite_create("acct_portal");
    TCase *c = tcase_create("core");
    tcase_add_test(c, test_register_other_organisation_refused);
    tcase_add_test(c, test_admin_accounts_refused);
    tcase_add_test(c, test_change_of_other_organisation_refused);
    tcase_add_test(c, test_own_organisation_allowed);
    suite_add_tcase(s, c);
    return s;
}
