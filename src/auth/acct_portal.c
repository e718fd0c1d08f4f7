/* Which applications a portal user may enter: see acct_portal.h. */
#include <string.h>

#include "auth/acct_portal.h"

static int same_org(const dsg_portal_party *a, const dsg_portal_party *b)
{
    return strcmp(a->org, b->org) == 0 && a->org_kind == b->org_kind;
}

int dsg_acct_portal_may_apply(const dsg_acct_app *a, const dsg_portal_party *applicant,
                              const dsg_portal_party *target, dsg_acct_problem *p)
{
    if (applicant->type == DSG_ACCT_ADMIN)
        return dsg_problem(p, "admin_account", "applicant",
                           "applicant: an administrator applies with dsgctl account apply");
    if (a->kind == DSG_APP_REGISTER) {
        dsg_portal_party wanted = { a->org, a->org_kind, a->type };
        if (a->type == DSG_ACCT_ADMIN)
            return dsg_problem(p, "admin_account", "type",
                               "type: an administrator is registered only with dsgctl");
        if (!same_org(&wanted, applicant))
            return dsg_problem(p, "other_organisation", "org",
                               "org: a portal user registers colleagues of their own "
                               "organisation only");
        return 0;
    }
    if (target == NULL || !same_org(target, applicant))
        return dsg_problem(p, "other_organisation", "user-id",
                           "user-id: not an account of your organisation");
    if (target->type == DSG_ACCT_ADMIN)
        return dsg_problem(p, "admin_account", "user-id",
                           "user-id: an administrator's account is changed only with dsgctl");
    return 0;
}
