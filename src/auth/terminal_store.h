/*
 * Registered terminals in the auth role's account database (auth.db,
 * schema version 10; REQ-MFA-002, REQ-MFA-016): each terminal's name (the
 * computer name of 認証ログ for requests that come with its certificate),
 * its organisation (registered, REQ-ACCT-016) and kind (ministry or
 * company, the organisation's), the SHA-256 fingerprint of its client
 * certificate (as the portal's TLS layer verified it against
 * portal.client_ca), and who registered and revoked it, and when.
 *
 * A row is never deleted and never changes but for its revocation, once
 * (SQLite triggers); a name is never reused; at most one live terminal
 * holds a fingerprint (a partial unique index). A terminal counts only
 * while live: dsg_term_store_by_fp finds no revoked one.
 *
 * The checks of what an administrator enters (`dsgctl terminal`) and the
 * request's JSON on the control line are pure functions; the store is not
 * (SQLite). Linked into dsgd's auth role, dsgctl and the unit tests.
 */
#ifndef DSG_AUTH_TERMINAL_STORE_H
#define DSG_AUTH_TERMINAL_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "auth/acct_store.h"
#include "auth/org_policy.h"

struct sqlite3;

#define DSG_TERM_NAME_MAX 63u       /* bytes of a terminal's name */
#define DSG_TERM_FP_LEN 32u         /* bytes of a certificate's SHA-256 */
#define DSG_TERM_FP_HEX 64u         /* its hex digits */
#define DSG_TERM_JSON_MAX 1024u     /* bytes of a request on the control line */

/* A terminal as stored. */
typedef struct dsg_term_row {
    char name[DSG_TERM_NAME_MAX + 1];
    char org[DSG_ACCT_TEXT_MAX + 1];
    dsg_org_class kind;
    uint8_t fp[DSG_TERM_FP_LEN];
    char registered_by[DSG_ACCT_ACTOR_MAX + 1];
    int64_t registered_at;
    char revoked_by[DSG_ACCT_ACTOR_MAX + 1];   /* "" while live */
    int64_t revoked_at;                       /* 0 while live */
} dsg_term_row;

/* What `dsgctl terminal` sends: members left "" (kind -1) are absent. */
typedef struct dsg_term_req {
    char name[DSG_TERM_NAME_MAX + 1];
    char org[DSG_ACCT_TEXT_MAX + 1];
    int kind;                                 /* dsg_org_class, or -1 */
    char fp[DSG_TERM_FP_HEX + 1];             /* hex */
} dsg_term_req;

/* A terminal's name: 1 to DSG_TERM_NAME_MAX bytes of letters, digits,
 * '.', '-' and '_', starting with a letter or digit (a host name's
 * alphabet: it is written as a computer name into every record). 0, or
 * -1 with the problem (field "name"). @relation(REQ-MFA-016) */
int dsg_term_name_check(const char *name, dsg_acct_problem *p);

/* A fingerprint as DSG_TERM_FP_HEX hex digits, either case, optionally
 * in pairs separated by ':' (as `openssl x509 -fingerprint -sha256`
 * prints it) into fp. 0, or -1 with the problem (field "fingerprint").
 * @relation(REQ-MFA-002) */
int dsg_term_fp_parse(const char *text, uint8_t fp[DSG_TERM_FP_LEN], dsg_acct_problem *p);

/* fp as DSG_TERM_FP_HEX lowercase hex digits and a NUL into out.
 * @relation(REQ-MFA-002) */
void dsg_term_fp_text(const uint8_t fp[DSG_TERM_FP_LEN], char out[DSG_TERM_FP_HEX + 1]);

/* The request as a JSON object {"name", "org", "kind", "fingerprint"}
 * (the absent ones left out) into out. 0 with *len, or -1 when it does
 * not fit. @relation(REQ-MFA-016) */
int dsg_term_req_to_json(const dsg_term_req *r, uint8_t *out, size_t cap, size_t *len);

/* The JSON object of a request, only those four members, each a string
 * and at most once. 0, or -1 with the problem (bad_request). Nothing else
 * is checked here. @relation(REQ-MFA-016) */
int dsg_term_req_from_json(const uint8_t *buf, size_t len, dsg_term_req *r,
                           dsg_acct_problem *p);

/* Registers the terminal name of the registered organisation org, of kind
 * (the organisation's), whose certificate has the SHA-256 fp, by `by` at
 * now. Refused: the name, the organisation's name, the kind (bad_field),
 * `unknown_org`, `kind_mismatch`, `terminal_exists` (the name, live or
 * revoked), `certificate_registered` (a live terminal holds fp). 0, or -1
 * with the problem (`storage` when the database failed).
 * @relation(REQ-MFA-016, REQ-MFA-002) */
int dsg_term_store_register(struct sqlite3 *db, const char *name, const char *org, int kind,
                            const uint8_t fp[DSG_TERM_FP_LEN], const char *by, int64_t now,
                            dsg_acct_problem *p);

/* Revokes the live terminal name, by `by` at now; the row as it was into
 * *before. Refused: the name, `unknown_terminal`, `terminal_revoked`. 0,
 * or -1 with the problem. @relation(REQ-MFA-016, REQ-MFA-002) */
int dsg_term_store_revoke(struct sqlite3 *db, const char *name, const char *by, int64_t now,
                          dsg_term_row *before, dsg_acct_problem *p);

/* The terminal named name, live or revoked: 1 and *out, 0 when none, -1
 * on a database error (message in err). @relation(REQ-MFA-016) */
int dsg_term_store_get(struct sqlite3 *db, const char *name, dsg_term_row *out, char *err,
                       size_t n);

/* The live terminal whose certificate has the SHA-256 fp: 1 and *out, 0
 * when none, -1 on a database error (message in err).
 * @relation(REQ-MFA-002, REQ-MFA-016) */
int dsg_term_store_by_fp(struct sqlite3 *db, const uint8_t fp[DSG_TERM_FP_LEN],
                         dsg_term_row *out, char *err, size_t n);

/* Calls fn for every terminal, live and revoked, by name; stops at fn's
 * first non-zero return. 0, or -1 on a database error (or fn's failure).
 * @relation(REQ-MFA-016) */
int dsg_term_store_each(struct sqlite3 *db, int (*fn)(const dsg_term_row *r, void *ctx),
                        void *ctx, char *err, size_t n);

#endif
