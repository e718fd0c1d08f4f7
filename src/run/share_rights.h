/*
 * The share role's rights commands (docs/sharing.md, "Rights"): every
 * right is a grant made and ended only by an approved rights application
 * (src/share/grant_store.h), and `check` answers what the proved decision
 * (src/share/access.h) decides over the grants in force.
 *
 *   rights apply JSON                 a rights application (grant or revoke)
 *   rights approve ID                 makes or ends the grant
 *   rights reject ID JSON             {"reason": "..."}
 *   rights applications [--pending]
 *   rights area ID [--all]            the grants of an area (--all: revoked too)
 *   rights account USER [--org ORG_B64] [--all]
 *                                     an account's grants, then its organisation's
 *   rights org ORG_B64 [--all]        an organisation group's (its name in base64url)
 *   rights check USER ORG_B64|- AREA FOLDER OP
 * Each change and each refused one is recorded as 監査ログ・カスタムレポート.
 */
#ifndef DSGD_SHARE_RIGHTS_H
#define DSGD_SHARE_RIGHTS_H

#include "run/role_args.h"

struct sqlite3;

/* Runs "VERB ARGS" (after "rights ") against store for w. 0.
 * @relation(REQ-ACCT-009, REQ-SHARE-009) */
int dsgd_share_rights_command(struct sqlite3 *store, char *verb, const dsgd_who *w);

#endif
