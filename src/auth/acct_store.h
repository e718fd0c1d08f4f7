/*
 * The auth role's account database (var/auth/auth.db, src/db/db.h):
 * accounts, the applications (申請書) that change them, and each
 * account's history. Every change is one transaction that moves the
 * account through the proved state machine (src/auth/acct_state.h);
 * SQLite triggers refuse, below this code, what no path may do: delete an
 * account, an application or a history row, bring an account back from
 * DELETED, or record a decision by the person who entered the
 * application. Not pure (SQLite); linked into dsgd's auth role and the
 * unit tests.
 */
#ifndef DSG_ACCT_STORE_H
#define DSG_ACCT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "auth/acct_app.h"
#include "auth/acct_state.h"

struct sqlite3;

#define DSG_ACCT_ACTOR_MAX 64u    /* bytes of who entered or decided: "uid:0", an admin ID */

/* An application as stored: what was entered, and its decision. */
typedef enum dsg_app_state {
    DSG_APP_PENDING = 0,
    DSG_APP_APPROVED,
    DSG_APP_REJECTED
} dsg_app_state;

typedef struct dsg_app_row {
    int64_t id;
    dsg_acct_app app;
    dsg_app_state state;
    char entered_by[DSG_ACCT_ACTOR_MAX + 1];
    int64_t entered_at;
    char decided_by[DSG_ACCT_ACTOR_MAX + 1];   /* "" while pending */
    int64_t decided_at;                        /* 0 while pending */
    char decision_reason[DSG_ACCT_REASON_MAX + 1];
} dsg_app_row;

/* An account as stored. */
typedef struct dsg_acct_row {
    char user_id[DSG_ACCT_USER_ID_MAX + 1];
    char name[DSG_ACCT_TEXT_MAX + 1];
    char org[DSG_ACCT_TEXT_MAX + 1];
    char contract[DSG_ACCT_TEXT_MAX + 1];
    dsg_org_kind org_kind;
    dsg_acct_type type;
    dsg_acct acct;                 /* state and times: the state machine's view */
    int64_t application;           /* the registration's application */
} dsg_acct_row;

/* Opens (creating and migrating) the database at path. 0, or -1 with a
 * message. @relation(REQ-ACCT-001, REQ-RUN-020) */
__attribute__((warn_unused_result))
int dsg_acct_store_open(const char *path, uint32_t busy_timeout_ms, struct sqlite3 **db,
                        char *err, size_t n);

/* The same, migrated only to schema version (1 to the newest): for tests
 * of a migration, which need a database an older version left.
 * @relation(REQ-MFA-018, REQ-RUN-020) */
__attribute__((warn_unused_result))
int dsg_acct_store_open_at(const char *path, unsigned version, struct sqlite3 **db, char *err,
                           size_t n);

/* Stores the application a, entered by `by` at now, as pending, after
 * dsg_acct_app_check and the checks against the stored accounts: a
 * registration needs an unused user ID (`user_id_taken`, or
 * `user_id_retired` for a deleted account's) and creates the account as
 * PENDING; every other kind needs an existing account (`unknown_account`)
 * with no other application pending (`application_pending`), and a
 * reset-factor one that is neither PENDING nor DELETED
 * (`refused_in_state`). 0 with the application's number in *id, or -1
 * with the problem. @relation(REQ-ACCT-001, REQ-ACCT-006, REQ-ACCT-007, REQ-MFA-006) */
int dsg_acct_store_apply(struct sqlite3 *db, const dsg_acct_app *a, const char *by, int64_t now,
                         int64_t *id, dsg_acct_problem *p);

/* Approves pending application id by `by` at now and applies it in the
 * same transaction: the account moves by the state machine (a refused
 * move is `refused_in_state`, naming the state and the change, and
 * nothing is stored). A reset-factor application moves no state: it
 * revokes the account's TOTP secret (overwritten) and every WebAuthn
 * credential, ends its live enrolment codes (so that one new code can be
 * issued) and records `reset-factor` in its history; refused
 * (`refused_in_state`) for a PENDING or DELETED account. The caller ends
 * the account's sessions. `self_approval` when by entered it,
 * `unknown_application`, `already_decided`. 0, or -1 with the problem.
 * @relation(REQ-ACCT-002, REQ-ACCT-022, REQ-MFA-006) */
int dsg_acct_store_approve(struct sqlite3 *db, int64_t id, const char *by, int64_t now,
                           dsg_acct_problem *p);

/* Rejects pending application id with a reason: the account is unchanged,
 * except a registration's PENDING account, which is DELETED (its user ID
 * is never given again). The same refusals as approval. 0, or -1.
 * @relation(REQ-ACCT-002, REQ-ACCT-007, REQ-ACCT-022) */
int dsg_acct_store_reject(struct sqlite3 *db, int64_t id, const char *by, const char *reason,
                          int64_t now, dsg_acct_problem *p);

/* The account with this user ID (folded), deleted ones included: 1 and
 * *out, 0 when there is none, -1 on a database error (message in err).
 * @relation(REQ-ACCT-007) */
int dsg_acct_store_get(struct sqlite3 *db, const char *user_id, dsg_acct_row *out, char *err,
                       size_t n);

/* The application with this number: 1 and *out, 0 when there is none, -1
 * on a database error. @relation(REQ-ACCT-001) */
int dsg_acct_store_get_app(struct sqlite3 *db, int64_t id, dsg_app_row *out, char *err,
                           size_t n);

/* Calls fn for every account, by user ID, deleted ones only when
 * with_deleted; stops at fn's first non-zero return. 0, or -1 on a
 * database error (or fn's failure). @relation(REQ-ACCT-007, REQ-ACCT-008) */
int dsg_acct_store_each(struct sqlite3 *db, int with_deleted,
                        int (*fn)(const dsg_acct_row *r, void *ctx), void *ctx, char *err,
                        size_t n);

/* Calls fn for every application, newest first, only pending ones when
 * pending_only. 0, or -1. @relation(REQ-ACCT-001) */
int dsg_acct_store_each_app(struct sqlite3 *db, int pending_only,
                            int (*fn)(const dsg_app_row *r, void *ctx), void *ctx, char *err,
                            size_t n);

/* Calls fn for every application entered by `by` (a portal user's own),
 * newest first, until fn returns non-zero. 0, or -1 on a database error.
 * @relation(REQ-ACCT-001) */
int dsg_acct_store_each_app_by(struct sqlite3 *db, const char *by,
                               int (*fn)(const dsg_app_row *r, void *ctx), void *ctx, char *err,
                               size_t n);

/* One move of an account, as its history keeps it. */
typedef struct dsg_history_row {
    int64_t at;                                /* seconds since the epoch */
    char event[24];                            /* applied, approve, suspend, resume, ... */
    char from[16], to[16];                     /* states; from "" for the first */
    int64_t application;                       /* 0: none (a sweep, a lock) */
    char actor[DSG_ACCT_ACTOR_MAX + 1];
} dsg_history_row;

/* Calls fn for every move of user_id's account, oldest first; stops at
 * fn's first non-zero return. 0, or -1 on a database error (or fn's
 * failure). @relation(REQ-ENROL-004, REQ-ACCT-007) */
int dsg_acct_store_each_move(struct sqlite3 *db, const char *user_id,
                             int (*fn)(const dsg_history_row *r, void *ctx), void *ctx,
                             char *err, size_t n);

/* One account the sweep moved to EXPIRED. */
typedef struct dsg_acct_expired {
    char user_id[DSG_ACCT_USER_ID_MAX + 1];
    uint32_t from;          /* its state before: ACTIVE or LOCKED */
    int64_t expiry;
} dsg_acct_expired;

#define DSG_ACCT_SWEEP_BATCH 64u

/* The expiry sweep (REQ-ACCT-004): moves at most DSG_ACCT_SWEEP_BATCH of
 * the accounts that dsg_acct_is_expired says are due at now to EXPIRED,
 * in one transaction, each with a history row by `by`, and lists them in
 * out. The number moved (call again while it is DSG_ACCT_SWEEP_BATCH), or
 * -1 on a database error (nothing moved). @relation(REQ-ACCT-023) */
int dsg_acct_store_sweep(struct sqlite3 *db, int64_t now, const char *by,
                         dsg_acct_expired out[DSG_ACCT_SWEEP_BATCH], char *err, size_t n);

/* One account the inactivity sweep suspended. */
typedef struct dsg_acct_inactive {
    char user_id[DSG_ACCT_USER_ID_MAX + 1];
    int64_t since;          /* its last login, else its activation */
} dsg_acct_inactive;

/* Records a successful login of the account at now (its last login, for
 * the inactivity sweep). 0, or -1. @relation(REQ-ACCT-005) */
__attribute__((warn_unused_result))
int dsg_acct_store_logged_in(struct sqlite3 *db, const char *user_id, int64_t now);

/* What a login shows of the one before it (REQ-MFA-014). */
typedef struct dsg_acct_last_login {
    int64_t at;                   /* the last successful login; 0: none yet */
    char computer[64];            /* its computer name; "" unknown */
    uint32_t failures;            /* failed credential steps since it (since ever: none yet) */
} dsg_acct_last_login;

/* Records a successful login of the account at now from computer, in one
 * transaction: the login before it and the failures since it into *prev,
 * then this login as the last one (its time also the last login of the
 * inactivity sweep) with no failure since. 0, or -1 (nothing changed,
 * *prev zero). @relation(REQ-MFA-014, REQ-ACCT-005) */
__attribute__((warn_unused_result))
int dsg_acct_store_login_succeeded(struct sqlite3 *db, const char *user_id, int64_t now,
                                   const char *computer, dsg_acct_last_login *prev);

/* Counts a failed credential step of the account (any factor) since its
 * last successful login; a deleted account counts nothing. 0, or -1.
 * @relation(REQ-MFA-014) */
__attribute__((warn_unused_result))
int dsg_acct_store_login_failed(struct sqlite3 *db, const char *user_id);

/* The account's last successful login and the failures since it: 1 and
 * *out, 0 when there is no such account, -1. @relation(REQ-MFA-014) */
int dsg_acct_store_last_login(struct sqlite3 *db, const char *user_id,
                              dsg_acct_last_login *out);

/* The inactivity sweep (REQ-ACCT-005): suspends at most
 * DSG_ACCT_SWEEP_BATCH ACTIVE accounts that dsg_acct_is_inactive says have
 * not logged in for days days at now, in one transaction, each with a
 * history row (suspend, by `by`), and lists them in out. The number
 * suspended (call again while it is DSG_ACCT_SWEEP_BATCH), or -1 (days out
 * of range, a database error: nothing moved). Only a resume application
 * brings such an account back. @relation(REQ-ACCT-005) */
int dsg_acct_store_sweep_inactive(struct sqlite3 *db, int64_t now, uint32_t days,
                                  const char *by, dsg_acct_inactive out[DSG_ACCT_SWEEP_BATCH],
                                  char *err, size_t n);

/* Who decides a bootstrap registration, and the reason it records. */
#define DSG_ACCT_BOOTSTRAP_ACTOR "system:bootstrap"
#define DSG_ACCT_BOOTSTRAP_REASON "bootstrap of the first two administrators (REQ-ACCT-021)"

/* Registers the first two administrators ids[0] and ids[1] (REQ-ACCT-021)
 * in one transaction, each as an application entered by `by` and approved
 * by DSG_ACCT_BOOTSTRAP_ACTOR, ACTIVE until expiry (which later
 * change-expiry applications may move up to contract_end). Refused:
 * `already_bootstrapped` when any administrator account exists (deleted
 * ones included), `same_user_id`, a user ID against REQ-ACCT-006
 * (`bad_field`), `user_id_taken` / `user_id_retired`. Nothing is stored on
 * a refusal. 0, or -1 with the problem. @relation(REQ-ACCT-021) */
int dsg_acct_store_bootstrap(struct sqlite3 *db, const char *const ids[2], const char *by,
                             int64_t now, int64_t expiry, int64_t contract_end,
                             dsg_acct_problem *p);

/* What an issued credential is. */
typedef enum dsg_cred_kind {
    DSG_CRED_PASSWORD = 0,        /* an initial (temporary) password */
    DSG_CRED_ENROLMENT_CODE = 1   /* the one-time code that enrols a factor */
} dsg_cred_kind;

/* Stores a credential just issued to an ACTIVE account, as its verifier
 * only (a password's scrypt string, a code's SHA-256 in hex), temporary,
 * usable until expires_at. Refused: `unknown_account`, `not_active`, and
 * `already_issued` while a credential of the kind is neither ended nor
 * expired (each is shown once: a lost one needs a reset). 0, or -1 with
 * the problem. @relation(REQ-MFA-006, REQ-MFA-009, REQ-ENROL-006) */
int dsg_acct_store_issue(struct sqlite3 *db, const char *user_id, dsg_cred_kind kind,
                         const char *verifier, int64_t now, int64_t expires_at, const char *by,
                         dsg_acct_problem *p);

/* Moves the account by DSG_ACCT_EV_LOCK (the lockout core locked it) or
 * DSG_ACCT_EV_UNLOCK (the lock ended, or an administrator unlocked it) at
 * now through the proved state machine, recording the move in its history
 * with actor by; the state before in *from. Refused: `unknown_account`,
 * `refused_in_state` (e.g. LOCK of an account that is not ACTIVE). 0, or -1
 * with the problem. @relation(REQ-MFA-025, REQ-ACCT-022) */
int dsg_acct_store_event(struct sqlite3 *db, const char *user_id, uint32_t event, int64_t now,
                         const char *by, uint32_t *from, dsg_acct_problem *p);

/* What second factors an account holds (REQ-MFA-006): what a factor
 * reset revokes, named in its record. */
typedef struct dsg_acct_factors {
    int totp;                     /* 1: a TOTP secret enrolled, not revoked */
    int64_t webauthn;             /* WebAuthn credentials not revoked */
    int64_t codes;                /* enrolment codes neither used, ended nor expired at now */
} dsg_acct_factors;

/* The account's factors at now into *out. 0, or -1 (storage).
 * @relation(REQ-MFA-006) */
__attribute__((warn_unused_result))
int dsg_acct_store_factors(struct sqlite3 *db, const char *user_id, int64_t now,
                           dsg_acct_factors *out);

/* One second factor of an account as `dsgctl account show` lists it
 * (REQ-MFA-018): its type, when it was enrolled and, for WebAuthn, the
 * authenticator's AAGUID; nothing else about it. */
typedef struct dsg_acct_factor_row {
    const char *type;             /* "totp" or "webauthn" */
    int64_t enrolled_at;
    int has_aaguid;               /* 1 for WebAuthn */
    uint8_t aaguid[16];
} dsg_acct_factor_row;

/* Calls fn for every factor of user_id's account not revoked, oldest
 * first; stops at fn's first non-zero return. 0, or -1 on a database
 * error (or fn's failure). @relation(REQ-MFA-018) */
__attribute__((warn_unused_result))
int dsg_acct_store_each_factor(struct sqlite3 *db, const char *user_id,
                               int (*fn)(const dsg_acct_factor_row *r, void *ctx), void *ctx,
                               char *err, size_t n);

/* "pending", "approved", "rejected". @relation(REQ-ACCT-001) */
const char *dsg_app_state_name(dsg_app_state s);

#endif
