/*
 * The decisions of `dsgctl account review` (spec/acct.md REQ-ACCT-008):
 * which of an account's review flags hold at a moment. Pure; linked into
 * dsgd's auth role, dsgctl and the unit tests.
 */
#ifndef DSG_ACCT_REVIEW_H
#define DSG_ACCT_REVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "auth/acct_app.h"
#include "auth/acct_state.h"

#define DSG_REVIEW_EXPIRED 1u            /* state expired, or the expiry passed */
#define DSG_REVIEW_INACTIVE 2u           /* no login for half of the inactivity days */
#define DSG_REVIEW_NO_CONTRACT 4u        /* the contract's end passed */
#define DSG_REVIEW_FOREIGN_RIGHTS 8u     /* rights on an area of another's contract */

/* The flags the account's own row decides at now: EXPIRED when its state
 * is EXPIRED or now is at or after its expiry; INACTIVE when its last
 * successful login (last_login; 0 when it never logged in: its activation
 * instead, and never for an account never activated) is at least half of
 * days (auth.inactivity_disable_days, 1 and up; 0 decides nothing) before
 * now; NO_CONTRACT when now is at or after its contract end.
 * @relation(REQ-ACCT-008) */
uint32_t dsg_acct_review_flags(const dsg_acct *a, int64_t last_login, int64_t now,
                               uint32_t days);

/* Whether a right on an area of the contract of prime and vendors[0..n)
 * is foreign to an account of organisation org of kind kind: 1 when org
 * is none of them, unless the account's organisation is the Ministry
 * (party to every contract); else 0. @relation(REQ-ACCT-008) */
int dsg_acct_review_foreign(const char *org, dsg_org_kind kind, const char *prime,
                            const char *const *vendors, size_t n);

/* The flag's word ("expired", "inactive", "no_active_contract",
 * "foreign_rights"), NULL for anything but one flag.
 * @relation(REQ-ACCT-008) */
const char *dsg_acct_review_flag_name(uint32_t flag);

#endif
