/*
 * Which applications a portal user may enter (REQ-ACCT-001, docs/accounts.md
 * "Applications from the portal"): the one decision the portal path adds to
 * the checks every application passes (acct_app.h). Pure.
 *
 * A company or Ministry user applies only for accounts of their own
 * organisation: a registration of a colleague (the organisation and its
 * kind the applicant's own, so the account type follows: a company user
 * registers company users, a Ministry user Ministry users), or a
 * suspension, resumption, deletion, change of expiry or factor reset of an
 * existing account of that organisation. An administrator's account is
 * applied for only with dsgctl (REQ-ACCT-011), and an administrator does
 * not use the portal.
 */
#ifndef DSG_ACCT_PORTAL_H
#define DSG_ACCT_PORTAL_H

#include "auth/acct_app.h"

/* An account as the decision sees it: its organisation, the
 * organisation's kind and the account's type. */
typedef struct dsg_portal_party {
    const char *org;
    dsg_org_kind org_kind;
    dsg_acct_type type;
} dsg_portal_party;

/* May applicant enter application a? target is the account a names (NULL
 * when there is none; unused for a registration). 0, or -1 with the
 * problem: `admin_account` (the applicant, the type registered or the
 * target is an administrator), `other_organisation` (a registration into
 * another organisation or kind, or an account that is not one of the
 * applicant's organisation, or none: the answer does not tell which).
 * @relation(REQ-ACCT-001, REQ-ACCT-011) */
int dsg_acct_portal_may_apply(const dsg_acct_app *a, const dsg_portal_party *applicant,
                              const dsg_portal_party *target, dsg_acct_problem *p);

#endif
