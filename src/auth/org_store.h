/*
 * Registered organisations in the auth role's account database (auth.db,
 * schema version 9; REQ-ACCT-016): each organisation's name (the accounts'
 * `org` text), its kind, its registered networks (checked by
 * dsg_org_networks_check before they are stored), and who registered and
 * last changed it, and when. A row is never deleted and keeps its name,
 * kind and registration (SQLite triggers); only the networks change.
 * Not pure (SQLite); linked into dsgd's auth role and the unit tests.
 */
#ifndef DSG_AUTH_ORG_STORE_H
#define DSG_AUTH_ORG_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "auth/acct_store.h"
#include "auth/org_policy.h"

struct sqlite3;

/* An organisation as stored. */
typedef struct dsg_org_row {
    char org[DSG_ACCT_TEXT_MAX + 1];
    dsg_org_class kind;
    char networks[DSG_ORG_NETWORKS_MAX + 1];
    char registered_by[DSG_ACCT_ACTOR_MAX + 1];
    int64_t registered_at;
    char changed_by[DSG_ACCT_ACTOR_MAX + 1];
    int64_t changed_at;
} dsg_org_row;

/* Registers org of kind with the network list networks, by `by` at now.
 * Refused: the name (dsg_org_name_check), the kind (`bad_field`), the
 * list (dsg_org_networks_check), `org_exists`. 0, or -1 with the
 * problem (`storage` when the database failed). @relation(REQ-ACCT-016) */
int dsg_org_store_add(struct sqlite3 *db, const char *org, int kind, const char *networks,
                      const char *by, int64_t now, dsg_acct_problem *p);

/* Replaces the networks of org by networks, by `by` at now; the row as it
 * was before into *before. Refused: the list, `unknown_org`. 0, or -1
 * with the problem. @relation(REQ-ACCT-016) */
int dsg_org_store_set_networks(struct sqlite3 *db, const char *org, const char *networks,
                               const char *by, int64_t now, dsg_org_row *before,
                               dsg_acct_problem *p);

/* The organisation named org: 1 and *out, 0 when none, -1 on a database
 * error (message in err). @relation(REQ-ACCT-016) */
int dsg_org_store_get(struct sqlite3 *db, const char *org, dsg_org_row *out, char *err,
                      size_t n);

/* Calls fn for every organisation, by name; stops at fn's first non-zero
 * return. 0, or -1 on a database error (or fn's failure).
 * @relation(REQ-ACCT-016) */
int dsg_org_store_each(struct sqlite3 *db, int (*fn)(const dsg_org_row *r, void *ctx),
                       void *ctx, char *err, size_t n);

/* Whether the account row may be used from the address addr (text, as the
 * transport saw it; NULL or unparsable: no network holds it), ministry:
 * the address is in auth.ministry_networks. The decision of
 * dsg_org_access_decide over the stored organisation. DSG_ORG_* in
 * *access; 0, or -1 when the organisation could not be read (err).
 * @relation(REQ-ACCT-016) */
int dsg_org_store_access(struct sqlite3 *db, const dsg_acct_row *row, const char *addr,
                         int ministry, dsg_org_access *access, char *err, size_t n);

#endif
