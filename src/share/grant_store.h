/*
 * Access rights of protected-information sharing, as records of the share
 * role's database (spec/acct.md REQ-ACCT-009, REQ-ACCT-010; spec/share.md
 * REQ-SHARE-007, REQ-SHARE-009): every right is a grant, made and ended
 * only by an approved rights application, and the grants in force are what
 * the proved decision (src/share/access.h) reads.
 *
 * - A subject is an account (its user ID, as the auth role folds it) or an
 *   organisation group (the organisation's name: every account of that
 *   organisation). Each has a number in the store, given at its first
 *   application and never reused: the access decision's subject id.
 * - A grant gives a subject a set of operations (DSG_ACCESS_BIT of
 *   src/share/access.h) on one folder of one area and everything under it,
 *   from a time until a time (seconds; until exclusive, never after the
 *   area's contract end). It names who applied, who approved and the
 *   application.
 * - A `grant` application proposes a new grant; a `revoke` application
 *   ends a grant in force (revoked_at, revoked_by and the application are
 *   recorded; the row stays). Either takes effect only on approval by
 *   another administrator (`self_approval` otherwise); SQLite triggers
 *   refuse, below this code, deleting anything, changing a grant but to
 *   revoke it once, and a decision by whoever entered the application.
 *
 * Not pure (SQLite); the tables live in share.db beside the areas
 * (src/share/area_store.h, whose migrations create them). Linked into
 * dsgd's share role and the unit tests.
 */
#ifndef DSG_GRANT_STORE_H
#define DSG_GRANT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "share/access.h"
#include "share/area_app.h"
#include "share/area_store.h"

struct sqlite3;

#define DSG_GRANT_LOAD_MAX 4096u   /* grants in force on one area the decision reads at once */

typedef enum dsg_rights_kind {
    DSG_RIGHTS_GRANT = 0,
    DSG_RIGHTS_REVOKE = 1
} dsg_rights_kind;

/* A rights application as entered. For a grant: subject, area, folder,
 * ops, from and until; for a revoke: the grant's number. Both: applicant
 * and reason. */
typedef struct dsg_rights_app {
    dsg_rights_kind kind;
    uint32_t subject_kind;                    /* DSG_ACCESS_ACCOUNT or DSG_ACCESS_ORG_GROUP */
    char subject[DSG_AREA_TEXT_MAX + 1];      /* the user ID or the organisation */
    int64_t area;
    int64_t folder;                           /* a folder of that area */
    uint32_t ops;                             /* non-empty subset of DSG_ACCESS_ALL_OPS */
    int64_t from, until;                      /* seconds; from < until */
    int64_t grant;                            /* revoke: the grant it ends */
    char applicant[DSG_AREA_TEXT_MAX + 1];
    char reason[DSG_AREA_REASON_MAX + 1];
} dsg_rights_app;

/* A rights application as stored, with its decision. */
typedef struct dsg_rights_app_row {
    int64_t id;
    dsg_rights_app app;
    dsg_area_app_state state;
    char entered_by[DSG_AREA_ACTOR_MAX + 1];
    int64_t entered_at;
    char decided_by[DSG_AREA_ACTOR_MAX + 1];   /* "" while pending */
    int64_t decided_at;
    char decision_reason[DSG_AREA_REASON_MAX + 1];
    int64_t grant;                             /* the grant approval made or ended; 0: none */
} dsg_rights_app_row;

/* A grant as stored. */
typedef struct dsg_grant_row {
    int64_t id;
    uint32_t subject_kind;
    int64_t subject_id;                        /* the subject's number */
    char subject[DSG_AREA_TEXT_MAX + 1];
    int64_t area, folder;
    uint32_t ops;
    int64_t from, until;                       /* seconds */
    char granted_by[DSG_AREA_ACTOR_MAX + 1];
    int64_t granted_at, application;
    int64_t revoked_at;                        /* 0: not revoked */
    char revoked_by[DSG_AREA_ACTOR_MAX + 1];
    int64_t revoke_application;
} dsg_grant_row;

/* The operation's word ("list", "read", "upload", "new-version", "rename",
 * "move", "delete", "create-folder", "search", "history", "grant",
 * "revoke"), NULL for another value; and back, -1 for another word.
 * @relation(REQ-ACCT-009) */
const char *dsg_grant_op_name(uint32_t op);
int dsg_grant_op_parse(const char *word);

/* A set of operations as words separated by commas ("list,read"), and
 * back: 0, or -1 (an unknown or repeated word, an empty set; out too
 * small). @relation(REQ-ACCT-009) */
int dsg_grant_ops_format(uint32_t ops, char *out, size_t cap);
int dsg_grant_ops_parse(const char *words, uint32_t *ops);

/* Checks what an application must hold, as dsg_area_app_check does
 * (`missing_field`, `bad_field` naming the item): a known kind; applicant
 * and reason; for a grant a subject of a known kind whose name is a user
 * ID of REQ-ACCT-006 (an account) or an organisation's text, area and
 * folder above 0, a non-empty set of known operations, from < until and
 * until after now; for a revoke the grant above 0. 0, or -1.
 * @relation(REQ-ACCT-009) */
int dsg_rights_app_check(const dsg_rights_app *a, int64_t now, dsg_acct_problem *p);

/* The application as JSON (the control line's form) and back; as
 * dsg_area_app_to_json and dsg_area_app_from_json.
 * @relation(REQ-ACCT-009) */
int dsg_rights_app_to_json(const dsg_rights_app *a, uint8_t *out, size_t cap, size_t *len);
int dsg_rights_app_from_json(const uint8_t *buf, size_t len, dsg_rights_app *a,
                             dsg_acct_problem *p);

/* Stores a pending application entered by `by` at now, after
 * dsg_rights_app_check and the checks against the store: the area exists
 * (`unknown_area`) and its contract has not ended (`contract_ended`), the
 * folder is a live folder of that area (`unknown_folder`: none, or one
 * deleted, REQ-SHARE-012), until is no later than the
 * contract's end (`bad_field` "until"); a revoke names a grant in force
 * (`unknown_grant`) with no other revoke pending (`application_pending`).
 * 0 with its number in *id, or -1 with the problem.
 * @relation(REQ-ACCT-009, REQ-SHARE-009) */
int dsg_rights_store_apply(struct sqlite3 *db, const dsg_rights_app *a, const char *by,
                           int64_t now, int64_t *id, dsg_acct_problem *p);

/* Approves pending application id by `by` at now in one transaction: a
 * grant application makes the grant (its subject numbered if new), a
 * revoke ends its grant. `self_approval`, `unknown_application`,
 * `already_decided`, and the apply checks again (the area's contract may
 * have ended, the grant been revoked meanwhile). 0 with the grant made or
 * ended in *grant, or -1 with the problem (nothing stored).
 * @relation(REQ-ACCT-009, REQ-ACCT-010, REQ-SHARE-009) */
int dsg_rights_store_approve(struct sqlite3 *db, int64_t id, const char *by, int64_t now,
                             int64_t *grant, dsg_acct_problem *p);

/* Rejects pending application id with a reason: nothing else changes.
 * The same refusals as approval's first three. 0, or -1.
 * @relation(REQ-ACCT-009) */
int dsg_rights_store_reject(struct sqlite3 *db, int64_t id, const char *by, const char *reason,
                            int64_t now, dsg_acct_problem *p);

/* The application with this number: 1 and *out, 0 when there is none, -1
 * on a database error (message in err). @relation(REQ-ACCT-009) */
int dsg_rights_store_get_app(struct sqlite3 *db, int64_t id, dsg_rights_app_row *out, char *err,
                             size_t n);

/* Calls fn for every rights application, newest first (pending ones only
 * when pending_only); for every grant of an area (area > 0) or of a
 * subject (area == 0: subject_kind and subject name), by number, revoked
 * ones only when with_revoked; stops at fn's first non-zero return. 0, or
 * -1 on a database error (or fn's failure). @relation(REQ-ACCT-009) */
int dsg_rights_store_each_app(struct sqlite3 *db, int pending_only,
                              int (*fn)(const dsg_rights_app_row *r, void *ctx), void *ctx,
                              char *err, size_t n);
int dsg_grant_store_each(struct sqlite3 *db, int64_t area, uint32_t subject_kind,
                         const char *subject, int with_revoked,
                         int (*fn)(const dsg_grant_row *r, void *ctx), void *ctx, char *err,
                         size_t n);

/* Calls fn for every grant in force at now (not revoked, until after now),
 * of every area and subject, by number; stops at fn's first non-zero
 * return. 0, or -1 on a database error (or fn's failure).
 * @relation(REQ-ACCT-008) */
int dsg_grant_store_each_in_force(struct sqlite3 *db, int64_t now,
                                  int (*fn)(const dsg_grant_row *r, void *ctx), void *ctx,
                                  char *err, size_t n);

/* The grant with this number, revoked or not: 1 and *out, 0 when there
 * is none, -1 on a database error. @relation(REQ-ACCT-018, REQ-ACCT-009) */
int dsg_grant_store_get(struct sqlite3 *db, int64_t id, dsg_grant_row *out, char *err,
                        size_t n);

/* The subject's number, 0 when it has none yet (it was never applied
 * for: it holds no grant), -1 on a database error. @relation(REQ-ACCT-010) */
int64_t dsg_grant_store_subject_id(struct sqlite3 *db, uint32_t subject_kind, const char *name,
                                   char *err, size_t n);

/* The grants in force of one area for the decision, as src/share/access.h
 * reads them (times in ms), at most cap of them into out: the count, or
 * -1 on a database error or when the area has more than cap (refusing
 * rather than deciding on a part). @relation(REQ-SHARE-008, REQ-ACCT-010) */
int dsg_grant_store_load(struct sqlite3 *db, int64_t area, dsg_grant *out, size_t cap,
                         char *err, size_t n);

/* The ancestry of a folder for the decision: its area, and the folder ids
 * from the area's root folder down to it (1 to DSG_ACCESS_MAX_DEPTH). 1
 * and *obj, 0 when there is no such folder in that area, -1 on a database
 * error. @relation(REQ-SHARE-008) */
int dsg_grant_store_object(struct sqlite3 *db, int64_t area, int64_t folder,
                           dsg_access_object *obj, char *err, size_t n);

#endif
