/* The decisions of an account review: see acct_review.h. */
#include <string.h>

#include "auth/acct_review.h"

uint32_t dsg_acct_review_flags(const dsg_acct *a, int64_t last_login, int64_t now,
                               uint32_t days)
{
    uint32_t f = 0;
    if (a->state == DSG_ACCT_EXPIRED || (a->expiry != DSG_ACCT_NEVER && now >= a->expiry))
        f |= DSG_REVIEW_EXPIRED;
    if (a->contract_end != DSG_ACCT_NEVER && now >= a->contract_end)
        f |= DSG_REVIEW_NO_CONTRACT;
    int64_t since = last_login > 0 ? last_login : a->activated_at;
    int64_t half = (int64_t)days * 43200;   /* half of days, in seconds */
    if (days > 0 && days <= DSG_ACCT_INACTIVE_DAYS_MAX && since != DSG_ACCT_NEVER &&
        now >= INT64_MIN + half && since <= now - half)
        f |= DSG_REVIEW_INACTIVE;
    return f;
}

int dsg_acct_review_foreign(const char *org, dsg_org_kind kind, const char *prime,
                            const char *const *vendors, size_t n)
{
    if (kind == DSG_ORG_MINISTRY || strcmp(org, prime) == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(org, vendors[i]) == 0)
            return 0;
    return 1;
}

const char *dsg_acct_review_flag_name(uint32_t flag)
{
    switch (flag) {
    case DSG_REVIEW_EXPIRED:
        return "expired";
    case DSG_REVIEW_INACTIVE:
        return "inactive";
    case DSG_REVIEW_NO_CONTRACT:
        return "no_active_contract";
    case DSG_REVIEW_FOREIGN_RIGHTS:
        return "foreign_rights";
    default:
        return NULL;
    }
}
