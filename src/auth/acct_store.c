/* The auth role's account database: see acct_store.h. */
#define _POSIX_C_SOURCE 200809L
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "auth/acct_store.h"
#include "db/db.h"

/* Version 1. Times are seconds since the epoch; a time of an event that
 * never happened is NULL. The triggers hold whatever the code does:
 * nothing is ever deleted (REQ-ACCT-007), DELETED is final, an
 * application is decided once and never by whoever entered it
 * (REQ-ACCT-002), and history rows are append-only. */
static const char *const migrations[] = {
    "CREATE TABLE applications ("
    " id INTEGER PRIMARY KEY,"
    " kind TEXT NOT NULL CHECK (kind IN"
    "  ('register','suspend','resume','delete','change-expiry')),"
    " user_id TEXT NOT NULL,"
    " applicant TEXT NOT NULL,"
    " reason TEXT NOT NULL,"
    " name TEXT NOT NULL, org TEXT NOT NULL, contract TEXT NOT NULL,"
    " org_kind TEXT NOT NULL, type TEXT NOT NULL,"
    " expiry INTEGER, contract_end INTEGER,"
    " entered_by TEXT NOT NULL, entered_at INTEGER NOT NULL,"
    " state TEXT NOT NULL DEFAULT 'pending'"
    "  CHECK (state IN ('pending','approved','rejected')),"
    " decided_by TEXT, decided_at INTEGER, decision_reason TEXT,"
    " CHECK ((state = 'pending') = (decided_by IS NULL)),"
    " CHECK (decided_by IS NULL OR decided_by <> entered_by));"
    "CREATE INDEX applications_user ON applications (user_id, state);"
    "CREATE TABLE accounts ("
    " user_id TEXT PRIMARY KEY,"
    " name TEXT NOT NULL, org TEXT NOT NULL, contract TEXT NOT NULL,"
    " org_kind TEXT NOT NULL CHECK (org_kind IN ('prime','vendor','ministry')),"
    " type TEXT NOT NULL CHECK (type IN ('company','ministry','admin')),"
    " state TEXT NOT NULL CHECK (state IN"
    "  ('pending','active','suspended','locked','expired','deleted')),"
    " expiry INTEGER NOT NULL, contract_end INTEGER NOT NULL,"
    " registered_at INTEGER NOT NULL, activated_at INTEGER, suspended_at INTEGER,"
    " locked_at INTEGER, expired_at INTEGER, deleted_at INTEGER, changed_at INTEGER NOT NULL,"
    " application INTEGER NOT NULL REFERENCES applications (id)) WITHOUT ROWID;"
    "CREATE TABLE history ("
    " id INTEGER PRIMARY KEY,"
    " user_id TEXT NOT NULL REFERENCES accounts (user_id),"
    " at INTEGER NOT NULL,"
    " event TEXT NOT NULL, from_state TEXT, to_state TEXT NOT NULL,"
    " application INTEGER REFERENCES applications (id),"
    " actor TEXT NOT NULL);"
    "CREATE INDEX history_user ON history (user_id, id);"
    "CREATE TRIGGER accounts_no_delete BEFORE DELETE ON accounts"
    " BEGIN SELECT RAISE(ABORT, 'accounts are never deleted'); END;"
    "CREATE TRIGGER accounts_deleted_final BEFORE UPDATE ON accounts"
    " WHEN OLD.state = 'deleted'"
    " BEGIN SELECT RAISE(ABORT, 'a deleted account has no way out'); END;"
    "CREATE TRIGGER applications_no_delete BEFORE DELETE ON applications"
    " BEGIN SELECT RAISE(ABORT, 'applications are never deleted'); END;"
    "CREATE TRIGGER applications_decided_once BEFORE UPDATE ON applications"
    " WHEN OLD.state <> 'pending'"
    " BEGIN SELECT RAISE(ABORT, 'an application is decided once'); END;"
    "CREATE TRIGGER history_no_update BEFORE UPDATE ON history"
    " BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;"
    "CREATE TRIGGER history_no_delete BEFORE DELETE ON history"
    " BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;",
    /* Version 2: issued credentials (REQ-MFA-006, REQ-MFA-009): never the
     * secret, only what verifies it (a password's scrypt string, a code's
     * SHA-256); a row is ended (used, revoked), never deleted. */
    "CREATE TABLE credentials ("
    " id INTEGER PRIMARY KEY,"
    " user_id TEXT NOT NULL REFERENCES accounts (user_id),"
    " kind TEXT NOT NULL CHECK (kind IN ('password', 'enrolment_code')),"
    " verifier TEXT NOT NULL,"
    " temporary INTEGER NOT NULL CHECK (temporary IN (0, 1)),"
    " issued_at INTEGER NOT NULL, issued_by TEXT NOT NULL,"
    " expires_at INTEGER,"
    " ended_at INTEGER);"
    "CREATE INDEX credentials_user ON credentials (user_id, kind);"
    "CREATE TRIGGER credentials_no_delete BEFORE DELETE ON credentials"
    " BEGIN SELECT RAISE(ABORT, 'credentials are ended, never deleted'); END;",
    /* Version 3: what a login needs (src/auth/cred_store.h): each account's
     * lockout state (REQ-MFA-011), stored so that a restart of the role
     * does not reset a lock, and its TOTP secret (REQ-MFA-005) with the
     * last step accepted, so that no code is accepted twice. */
    "CREATE TABLE locks ("
    " user_id TEXT PRIMARY KEY REFERENCES accounts (user_id),"
    " password_failures INTEGER NOT NULL, password_first INTEGER NOT NULL,"
    " totp_failures INTEGER NOT NULL, totp_first INTEGER NOT NULL,"
    " webauthn_failures INTEGER NOT NULL, webauthn_first INTEGER NOT NULL,"
    " locked_until INTEGER NOT NULL, generation INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE totp ("
    " user_id TEXT PRIMARY KEY REFERENCES accounts (user_id),"
    " secret BLOB NOT NULL, alg TEXT NOT NULL CHECK (alg IN ('sha1', 'sha256')),"
    " digits INTEGER NOT NULL CHECK (digits BETWEEN 6 AND 8),"
    " last_step INTEGER NOT NULL, enrolled_at INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TRIGGER totp_no_delete BEFORE DELETE ON totp"
    " BEGIN SELECT RAISE(ABORT, 'a TOTP secret is replaced by a reset, never deleted'); END;"
    "CREATE TRIGGER totp_step_forward BEFORE UPDATE OF last_step ON totp"
    " WHEN NEW.last_step <= OLD.last_step"
    " BEGIN SELECT RAISE(ABORT, 'a TOTP step is accepted once'); END;",
    /* Version 4: enrolled WebAuthn credentials (REQ-MFA-003, REQ-MFA-004):
     * the public key, the AAGUID and how it was attested, and the last
     * signature counter, which only moves forward (§6.1.1: 0 stays 0 for
     * an authenticator without a counter). Never deleted; nothing but the
     * counter changes. */
    "CREATE TABLE webauthn_credentials ("
    " id INTEGER PRIMARY KEY,"
    " user_id TEXT NOT NULL REFERENCES accounts (user_id),"
    " credential_id BLOB NOT NULL UNIQUE"
    "  CHECK (length(credential_id) BETWEEN 1 AND 1023),"
    " x BLOB NOT NULL CHECK (length(x) = 32), y BLOB NOT NULL CHECK (length(y) = 32),"
    " sign_count INTEGER NOT NULL CHECK (sign_count BETWEEN 0 AND 4294967295),"
    " aaguid BLOB NOT NULL CHECK (length(aaguid) = 16),"
    " attested INTEGER NOT NULL CHECK (attested IN (0, 1)),"
    " enrolled_at INTEGER NOT NULL);"
    "CREATE INDEX webauthn_credentials_user ON webauthn_credentials (user_id);"
    "CREATE TRIGGER webauthn_credentials_no_delete BEFORE DELETE ON webauthn_credentials"
    " BEGIN SELECT RAISE(ABORT, 'WebAuthn credentials are never deleted'); END;"
    "CREATE TRIGGER webauthn_credentials_fixed BEFORE UPDATE OF user_id, credential_id,"
    " x, y, aaguid, attested, enrolled_at ON webauthn_credentials"
    " BEGIN SELECT RAISE(ABORT, 'only the signature counter of a credential changes'); END;"
    "CREATE TRIGGER webauthn_counter_forward BEFORE UPDATE OF sign_count"
    " ON webauthn_credentials"
    " WHEN NEW.sign_count < OLD.sign_count"
    "  OR (NEW.sign_count = OLD.sign_count AND NEW.sign_count <> 0)"
    " BEGIN SELECT RAISE(ABORT, 'a signature counter only moves forward'); END;",
    /* Version 5: each account's last successful login (REQ-ACCT-005), for
     * the inactivity sweep; NULL until the first. */
    "ALTER TABLE accounts ADD COLUMN last_login INTEGER;",
    /* Version 6: what a login shows of the one before it (REQ-MFA-014):
     * the computer name of the last successful login (NULL until the
     * first, and for one recorded before this version) and the failed
     * credential steps since it. */
    "ALTER TABLE accounts ADD COLUMN last_login_computer TEXT;"
    "ALTER TABLE accounts ADD COLUMN failures_since_login INTEGER NOT NULL DEFAULT 0"
    " CHECK (failures_since_login >= 0);",
    /* Version 7: factor resets (REQ-MFA-006). The applications table is
     * rebuilt for the new kind (SQLite cannot change a CHECK in place;
     * src/db/db.h runs this with references checked at the end). A
     * revoked factor is marked, never deleted: a TOTP row keeps its times
     * but not its secret, which is overwritten with zeroes, until a new
     * enrolment replaces it; a WebAuthn credential stays revoked. */
    "CREATE TABLE applications_v7 ("
    " id INTEGER PRIMARY KEY,"
    " kind TEXT NOT NULL CHECK (kind IN"
    "  ('register','suspend','resume','delete','change-expiry','reset-factor')),"
    " user_id TEXT NOT NULL,"
    " applicant TEXT NOT NULL,"
    " reason TEXT NOT NULL,"
    " name TEXT NOT NULL, org TEXT NOT NULL, contract TEXT NOT NULL,"
    " org_kind TEXT NOT NULL, type TEXT NOT NULL,"
    " expiry INTEGER, contract_end INTEGER,"
    " entered_by TEXT NOT NULL, entered_at INTEGER NOT NULL,"
    " state TEXT NOT NULL DEFAULT 'pending'"
    "  CHECK (state IN ('pending','approved','rejected')),"
    " decided_by TEXT, decided_at INTEGER, decision_reason TEXT,"
    " CHECK ((state = 'pending') = (decided_by IS NULL)),"
    " CHECK (decided_by IS NULL OR decided_by <> entered_by));"
    "INSERT INTO applications_v7 SELECT id, kind, user_id, applicant, reason, name, org,"
    " contract, org_kind, type, expiry, contract_end, entered_by, entered_at, state,"
    " decided_by, decided_at, decision_reason FROM applications;"
    "DROP TABLE applications;"
    "ALTER TABLE applications_v7 RENAME TO applications;"
    "CREATE INDEX applications_user ON applications (user_id, state);"
    "CREATE TRIGGER applications_no_delete BEFORE DELETE ON applications"
    " BEGIN SELECT RAISE(ABORT, 'applications are never deleted'); END;"
    "CREATE TRIGGER applications_decided_once BEFORE UPDATE ON applications"
    " WHEN OLD.state <> 'pending'"
    " BEGIN SELECT RAISE(ABORT, 'an application is decided once'); END;"
    "ALTER TABLE totp ADD COLUMN revoked_at INTEGER;"
    "DROP TRIGGER totp_step_forward;"
    "CREATE TRIGGER totp_step_forward BEFORE UPDATE OF last_step ON totp"
    " WHEN NEW.last_step <= OLD.last_step AND OLD.revoked_at IS NULL"
    " BEGIN SELECT RAISE(ABORT, 'a TOTP step is accepted once'); END;"
    "ALTER TABLE webauthn_credentials ADD COLUMN revoked_at INTEGER;"
    "CREATE TRIGGER webauthn_credentials_revoked_final BEFORE UPDATE ON webauthn_credentials"
    " WHEN OLD.revoked_at IS NOT NULL"
    " BEGIN SELECT RAISE(ABORT, 'a revoked credential stays revoked'); END;",
    /* Version 8: TOTP secrets at rest sealed under the auth role's data key
     * (REQ-MFA-018, src/auth/secret_seal.h). A row of an older version is
     * in the clear (sealed 0); the auth role seals every such row when it
     * starts, before it serves (dsg_cred_store_totp_seal_clear), and a
     * clear row is never read as a secret. */
    "ALTER TABLE totp ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0 CHECK (sealed IN (0, 1));",
    /* Version 9: registered organisations and their networks (REQ-ACCT-016,
     * src/auth/org_store.h), named by the accounts' org text. A row is never
     * deleted; only its networks (and who changed them, when) change. */
    "CREATE TABLE organisations ("
    " org TEXT PRIMARY KEY CHECK (length(org) BETWEEN 1 AND 128),"
    " kind TEXT NOT NULL CHECK (kind IN ('company', 'ministry')),"
    " networks TEXT NOT NULL CHECK (length(networks) BETWEEN 1 AND 1024),"
    " registered_by TEXT NOT NULL, registered_at INTEGER NOT NULL,"
    " changed_by TEXT NOT NULL, changed_at INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TRIGGER organisations_no_delete BEFORE DELETE ON organisations"
    " BEGIN SELECT RAISE(ABORT, 'organisations are never deleted'); END;"
    "CREATE TRIGGER organisations_fixed BEFORE UPDATE OF org, kind, registered_by,"
    " registered_at ON organisations"
    " BEGIN SELECT RAISE(ABORT, 'only the networks of an organisation change'); END;",
    /* Version 10: registered terminals and their client certificates'
     * SHA-256 (REQ-MFA-002, REQ-MFA-016, src/auth/terminal_store.h). A row
     * is never deleted and changes only by its revocation, once; a name is
     * never reused; one live terminal at most holds a fingerprint. */
    "CREATE TABLE terminals ("
    " name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 63),"
    " org TEXT NOT NULL CHECK (length(org) BETWEEN 1 AND 128),"
    " kind TEXT NOT NULL CHECK (kind IN ('company', 'ministry')),"
    " fingerprint BLOB NOT NULL CHECK (length(fingerprint) = 32),"
    " registered_by TEXT NOT NULL, registered_at INTEGER NOT NULL,"
    " revoked_by TEXT, revoked_at INTEGER,"
    " CHECK ((revoked_by IS NULL) = (revoked_at IS NULL))) WITHOUT ROWID;"
    "CREATE UNIQUE INDEX terminals_live_fingerprint ON terminals (fingerprint)"
    " WHERE revoked_at IS NULL;"
    "CREATE TRIGGER terminals_no_delete BEFORE DELETE ON terminals"
    " BEGIN SELECT RAISE(ABORT, 'terminals are never deleted'); END;"
    "CREATE TRIGGER terminals_fixed BEFORE UPDATE OF name, org, kind, fingerprint,"
    " registered_by, registered_at ON terminals"
    " BEGIN SELECT RAISE(ABORT, 'only the revocation of a terminal changes'); END;"
    "CREATE TRIGGER terminals_revoked_once BEFORE UPDATE ON terminals"
    " WHEN OLD.revoked_at IS NOT NULL"
    " BEGIN SELECT RAISE(ABORT, 'a revoked terminal stays revoked'); END;",
};
#define SCHEMA_VERSION (sizeof migrations / sizeof migrations[0])

static const char *const app_state_names[] = { "pending", "approved", "rejected" };

const char *dsg_app_state_name(dsg_app_state s)
{
    return (unsigned)s < 3 ? app_state_names[s] : NULL;
}

int dsg_acct_store_open(const char *path, uint32_t busy_timeout_ms, sqlite3 **db, char *err,
                        size_t n)
{
    return dsg_db_open(path, busy_timeout_ms, migrations, SCHEMA_VERSION, db, err, n);
}

int dsg_acct_store_open_at(const char *path, unsigned version, struct sqlite3 **db, char *err,
                           size_t n)
{
    if (version < 1 || version > SCHEMA_VERSION) {
        snprintf(err, n, "no schema version %u", version);
        return -1;
    }
    return dsg_db_open(path, 1000, migrations, version, db, err, n);
}

/* ---- problems ---------------------------------------------------------------- */

static int storage_problem(dsg_acct_problem *p, sqlite3 *db)
{
    return dsg_problem(p, "storage", "", "the account database failed: %s", sqlite3_errmsg(db));
}

/* ---- statements ---------------------------------------------------------------- */

/* A time of the state machine: NULL for DSG_ACCT_NEVER. */
static void bind_time(sqlite3_stmt *st, int i, int64_t t)
{
    if (t == DSG_ACCT_NEVER)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_int64(st, i, t);
}

static int64_t column_time(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? DSG_ACCT_NEVER
                                                     : sqlite3_column_int64(st, i);
}

static int state_parse(const char *name)
{
    for (uint32_t s = 0; s < DSG_ACCT_STATE_COUNT; s++)
        if (strcmp(dsg_acct_state_name(s), name) == 0)
            return (int)s;
    return -1;
}

/* ---- reading --------------------------------------------------------------------- */

#define ACCOUNT_COLUMNS                                                                   \
    "user_id, name, org, contract, org_kind, type, state, expiry, contract_end,"          \
    " registered_at, activated_at, suspended_at, locked_at, expired_at, deleted_at,"      \
    " changed_at, application"

/* One row of ACCOUNT_COLUMNS; -1 when a stored word is not one of ours. */
static int read_account(sqlite3_stmt *st, dsg_acct_row *r)
{
    char word[16];
    int v;
    memset(r, 0, sizeof *r);
    dsg_db_column_copy(st, 0, r->user_id, sizeof r->user_id);
    dsg_db_column_copy(st, 1, r->name, sizeof r->name);
    dsg_db_column_copy(st, 2, r->org, sizeof r->org);
    dsg_db_column_copy(st, 3, r->contract, sizeof r->contract);
    dsg_db_column_copy(st, 4, word, sizeof word);
    if ((v = dsg_org_kind_parse(word)) < 0)
        return -1;
    r->org_kind = (dsg_org_kind)v;
    dsg_db_column_copy(st, 5, word, sizeof word);
    if ((v = dsg_acct_type_parse(word)) < 0)
        return -1;
    r->type = (dsg_acct_type)v;
    dsg_db_column_copy(st, 6, word, sizeof word);
    if ((v = state_parse(word)) < 0)
        return -1;
    r->acct.state = (uint32_t)v;
    r->acct.expiry = sqlite3_column_int64(st, 7);
    r->acct.contract_end = sqlite3_column_int64(st, 8);
    r->acct.registered_at = column_time(st, 9);
    r->acct.activated_at = column_time(st, 10);
    r->acct.suspended_at = column_time(st, 11);
    r->acct.locked_at = column_time(st, 12);
    r->acct.expired_at = column_time(st, 13);
    r->acct.deleted_at = column_time(st, 14);
    r->acct.changed_at = column_time(st, 15);
    r->application = sqlite3_column_int64(st, 16);
    return 0;
}

int dsg_acct_store_get(sqlite3 *db, const char *user_id, dsg_acct_row *out, char *err, size_t n)
{
    char id[DSG_ACCT_USER_ID_MAX + 1];
    if (dsg_acct_user_id_fold(user_id, id) != 0)
        return 0;   /* no account can have it */
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE user_id = ?");
    int rc = st != NULL ? (dsg_db_bind_text(st, 1, id), sqlite3_step(st)) : SQLITE_ERROR;
    int found = rc == SQLITE_ROW ? (read_account(st, out) == 0 ? 1 : -1)
                                 : rc == SQLITE_DONE ? 0 : -1;
    if (found < 0)
        snprintf(err, n, "reading account %s: %s", id, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return found;
}

#define APP_COLUMNS                                                                        \
    "id, kind, user_id, applicant, reason, name, org, contract, org_kind, type, expiry,"  \
    " contract_end, entered_by, entered_at, state, decided_by, decided_at, decision_reason"

static int read_app(sqlite3_stmt *st, dsg_app_row *r)
{
    char word[16];
    int v;
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    dsg_db_column_copy(st, 1, word, sizeof word);
    if ((v = dsg_app_kind_parse(word)) < 0)
        return -1;
    r->app.kind = (dsg_app_kind)v;
    dsg_db_column_copy(st, 2, r->app.user_id, sizeof r->app.user_id);
    dsg_db_column_copy(st, 3, r->app.applicant, sizeof r->app.applicant);
    dsg_db_column_copy(st, 4, r->app.reason, sizeof r->app.reason);
    dsg_db_column_copy(st, 5, r->app.name, sizeof r->app.name);
    dsg_db_column_copy(st, 6, r->app.org, sizeof r->app.org);
    dsg_db_column_copy(st, 7, r->app.contract, sizeof r->app.contract);
    dsg_db_column_copy(st, 8, word, sizeof word);
    r->app.org_kind = (dsg_org_kind)((v = dsg_org_kind_parse(word)) < 0 ? 0 : v);
    dsg_db_column_copy(st, 9, word, sizeof word);
    r->app.type = (dsg_acct_type)((v = dsg_acct_type_parse(word)) < 0 ? 0 : v);
    r->app.expiry = sqlite3_column_int64(st, 10);
    r->app.contract_end = sqlite3_column_int64(st, 11);
    dsg_db_column_copy(st, 12, r->entered_by, sizeof r->entered_by);
    r->entered_at = sqlite3_column_int64(st, 13);
    dsg_db_column_copy(st, 14, word, sizeof word);
    for (v = 0; v < 3 && strcmp(word, app_state_names[v]) != 0; v++)
        ;
    if (v == 3)
        return -1;
    r->state = (dsg_app_state)v;
    dsg_db_column_copy(st, 15, r->decided_by, sizeof r->decided_by);
    r->decided_at = sqlite3_column_int64(st, 16);
    dsg_db_column_copy(st, 17, r->decision_reason, sizeof r->decision_reason);
    return 0;
}

int dsg_acct_store_get_app(sqlite3 *db, int64_t id, dsg_app_row *out, char *err, size_t n)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT " APP_COLUMNS " FROM applications WHERE id = ?");
    int rc = st != NULL ? (sqlite3_bind_int64(st, 1, id), sqlite3_step(st)) : SQLITE_ERROR;
    int found = rc == SQLITE_ROW ? (read_app(st, out) == 0 ? 1 : -1)
                                 : rc == SQLITE_DONE ? 0 : -1;
    if (found < 0)
        snprintf(err, n, "reading application %lld: %s", (long long)id, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return found;
}

int dsg_acct_store_each(sqlite3 *db, int with_deleted,
                        int (*fn)(const dsg_acct_row *r, void *ctx), void *ctx, char *err,
                        size_t n)
{
    sqlite3_stmt *st = dsg_db_prepare(db, with_deleted
        ? "SELECT " ACCOUNT_COLUMNS " FROM accounts ORDER BY user_id"
        : "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE state <> 'deleted' ORDER BY user_id");
    dsg_acct_row r;
    int rc = SQLITE_ERROR;
    while (st != NULL && (rc = sqlite3_step(st)) == SQLITE_ROW)
        if (read_account(st, &r) != 0 || fn(&r, ctx) != 0)
            break;
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return 0;
    snprintf(err, n, "listing accounts: %s", rc == SQLITE_ROW ? "stopped" : sqlite3_errmsg(db));
    return -1;
}

int dsg_acct_store_each_app(sqlite3 *db, int pending_only,
                            int (*fn)(const dsg_app_row *r, void *ctx), void *ctx, char *err,
                            size_t n)
{
    sqlite3_stmt *st = dsg_db_prepare(db, pending_only
        ? "SELECT " APP_COLUMNS " FROM applications WHERE state = 'pending' ORDER BY id DESC"
        : "SELECT " APP_COLUMNS " FROM applications ORDER BY id DESC");
    dsg_app_row r;
    int rc = SQLITE_ERROR;
    while (st != NULL && (rc = sqlite3_step(st)) == SQLITE_ROW)
        if (read_app(st, &r) != 0 || fn(&r, ctx) != 0)
            break;
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return 0;
    snprintf(err, n, "listing applications: %s",
             rc == SQLITE_ROW ? "stopped" : sqlite3_errmsg(db));
    return -1;
}

int dsg_acct_store_each_app_by(sqlite3 *db, const char *by,
                               int (*fn)(const dsg_app_row *r, void *ctx), void *ctx,
                               char *err, size_t n)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT " APP_COLUMNS " FROM applications"
                                          " WHERE entered_by = ?1 ORDER BY id DESC");
    dsg_app_row r;
    int rc = SQLITE_ERROR, stopped = 0;
    if (st != NULL)
        dsg_db_bind_text(st, 1, by);
    while (st != NULL && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (read_app(st, &r) != 0)
            break;
        if ((stopped = fn(&r, ctx) != 0))
            break;
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE || stopped)
        return 0;
    snprintf(err, n, "listing applications: %s", sqlite3_errmsg(db));
    return -1;
}

int dsg_acct_store_each_move(sqlite3 *db, const char *user_id,
                             int (*fn)(const dsg_history_row *r, void *ctx), void *ctx,
                             char *err, size_t n)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT at, event, coalesce(from_state, ''), to_state,"
                                          " coalesce(application, 0), actor FROM history"
                                          " WHERE user_id = ?1 ORDER BY id");
    dsg_history_row r;
    int rc = SQLITE_ERROR;
    if (st != NULL)
        dsg_db_bind_text(st, 1, user_id);
    while (st != NULL && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        memset(&r, 0, sizeof r);
        r.at = sqlite3_column_int64(st, 0);
        r.application = sqlite3_column_int64(st, 4);
        dsg_db_column_copy(st, 1, r.event, sizeof r.event);
        dsg_db_column_copy(st, 2, r.from, sizeof r.from);
        dsg_db_column_copy(st, 3, r.to, sizeof r.to);
        dsg_db_column_copy(st, 5, r.actor, sizeof r.actor);
        if (fn(&r, ctx) != 0)
            break;
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return 0;
    snprintf(err, n, "reading the history of %s: %s", user_id,
             rc == SQLITE_ROW ? "stopped" : sqlite3_errmsg(db));
    return -1;
}

/* ---- writing ---------------------------------------------------------------------- */

static int insert_history(sqlite3 *db, const char *user_id, int64_t at, const char *event,
                          const char *from, const char *to, int64_t application,
                          const char *actor)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "INSERT INTO history (user_id, at, event, from_state,"
                                   " to_state, application, actor) VALUES (?,?,?,?,?,?,?)");
    if (st == NULL)
        return -1;
    dsg_db_bind_text(st, 1, user_id);
    sqlite3_bind_int64(st, 2, at);
    dsg_db_bind_text(st, 3, event);
    if (from != NULL)
        dsg_db_bind_text(st, 4, from);
    dsg_db_bind_text(st, 5, to);
    if (application > 0)   /* 0: not caused by an application (the sweep) */
        sqlite3_bind_int64(st, 6, application);
    dsg_db_bind_text(st, 7, actor);
    return dsg_db_run(st);
}

/* Writes the state machine's view of an account over the stored one. */
static int update_account(sqlite3 *db, const char *user_id, const dsg_acct *a)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "UPDATE accounts SET state = ?, expiry = ?, contract_end = ?,"
                                   " activated_at = ?, suspended_at = ?, locked_at = ?,"
                                   " expired_at = ?, deleted_at = ?, changed_at = ?"
                                   " WHERE user_id = ?");
    if (st == NULL)
        return -1;
    dsg_db_bind_text(st, 1, dsg_acct_state_name(a->state));
    sqlite3_bind_int64(st, 2, a->expiry);
    sqlite3_bind_int64(st, 3, a->contract_end);
    bind_time(st, 4, a->activated_at);
    bind_time(st, 5, a->suspended_at);
    bind_time(st, 6, a->locked_at);
    bind_time(st, 7, a->expired_at);
    bind_time(st, 8, a->deleted_at);
    bind_time(st, 9, a->changed_at);
    dsg_db_bind_text(st, 10, user_id);
    return dsg_db_run(st);
}

static int insert_account(sqlite3 *db, const dsg_acct_app *a, const dsg_acct *acct,
                          int64_t application)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "INSERT INTO accounts (user_id, name, org, contract,"
                                   " org_kind, type, state, expiry, contract_end, registered_at,"
                                   " changed_at, application) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
    if (st == NULL)
        return -1;
    dsg_db_bind_text(st, 1, a->user_id);
    dsg_db_bind_text(st, 2, a->name);
    dsg_db_bind_text(st, 3, a->org);
    dsg_db_bind_text(st, 4, a->contract);
    dsg_db_bind_text(st, 5, dsg_org_kind_name(a->org_kind));
    dsg_db_bind_text(st, 6, dsg_acct_type_name(a->type));
    dsg_db_bind_text(st, 7, dsg_acct_state_name(acct->state));
    sqlite3_bind_int64(st, 8, acct->expiry);
    sqlite3_bind_int64(st, 9, acct->contract_end);
    sqlite3_bind_int64(st, 10, acct->registered_at);
    sqlite3_bind_int64(st, 11, acct->changed_at);
    sqlite3_bind_int64(st, 12, application);
    return dsg_db_run(st);
}

static int insert_app(sqlite3 *db, const dsg_acct_app *a, const char *by, int64_t now,
                      int64_t *id)
{
    int reg = a->kind == DSG_APP_REGISTER, dated = reg || a->kind == DSG_APP_CHANGE_EXPIRY;
    sqlite3_stmt *st = dsg_db_prepare(db, "INSERT INTO applications (kind, user_id, applicant, reason,"
                                   " name, org, contract, org_kind, type, expiry, contract_end,"
                                   " entered_by, entered_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (st == NULL)
        return -1;
    dsg_db_bind_text(st, 1, dsg_app_kind_name(a->kind));
    dsg_db_bind_text(st, 2, a->user_id);
    dsg_db_bind_text(st, 3, a->applicant);
    dsg_db_bind_text(st, 4, a->reason);
    dsg_db_bind_text(st, 5, reg ? a->name : "");
    dsg_db_bind_text(st, 6, reg ? a->org : "");
    dsg_db_bind_text(st, 7, reg ? a->contract : "");
    dsg_db_bind_text(st, 8, reg ? dsg_org_kind_name(a->org_kind) : "");
    dsg_db_bind_text(st, 9, reg ? dsg_acct_type_name(a->type) : "");
    if (dated) {
        sqlite3_bind_int64(st, 10, a->expiry);
        sqlite3_bind_int64(st, 11, a->contract_end);
    }
    dsg_db_bind_text(st, 12, by);
    sqlite3_bind_int64(st, 13, now);
    if (dsg_db_run(st) != 0)
        return -1;
    *id = sqlite3_last_insert_rowid(db);
    return 0;
}

/* Whether the factors of an account in state s may be reset: it exists
 * and may log in again (ACTIVE, SUSPENDED, LOCKED, EXPIRED). A PENDING
 * account has had no credential yet; a DELETED one is final. */
static int resettable(uint32_t s)
{
    return s != DSG_ACCT_PENDING && s != DSG_ACCT_DELETED;
}

static int reset_refused(dsg_acct_problem *p, const char *user_id, uint32_t s)
{
    return dsg_problem(p, "refused_in_state", "user-id",
                   "reset-factor %s: the account is %s (a factor reset needs an account that "
                   "is neither pending nor deleted)", user_id, dsg_acct_state_name(s));
}

/* Whether an application for this user ID is pending: 1, 0, or -1. */
static int app_pending_for(sqlite3 *db, const char *user_id)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT 1 FROM applications"
                                   " WHERE user_id = ? AND state = 'pending'");
    int rc = st != NULL ? (dsg_db_bind_text(st, 1, user_id), sqlite3_step(st)) : SQLITE_ERROR;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* The checks against the stored accounts (see dsg_acct_store_apply). */
static int apply_allowed(sqlite3 *db, const dsg_acct_app *a, dsg_acct_problem *p)
{
    dsg_acct_row row;
    char err[160];
    int found = dsg_acct_store_get(db, a->user_id, &row, err, sizeof err);
    if (found < 0)
        return storage_problem(p, db);
    if (a->kind == DSG_APP_REGISTER && found == 1)
        return row.acct.state == DSG_ACCT_DELETED
            ? dsg_problem(p, "user_id_retired", "user-id",
                      "%s belonged to a deleted account: user IDs are never given again",
                      a->user_id)
            : dsg_problem(p, "user_id_taken", "user-id", "%s is already an account", a->user_id);
    if (a->kind != DSG_APP_REGISTER && found == 0)
        return dsg_problem(p, "unknown_account", "user-id", "no account %s", a->user_id);
    if (a->kind == DSG_APP_RESET_FACTOR && !resettable(row.acct.state))
        return reset_refused(p, a->user_id, row.acct.state);
    int pending = app_pending_for(db, a->user_id);
    if (pending < 0)
        return storage_problem(p, db);
    if (pending == 1)
        return dsg_problem(p, "application_pending", "user-id",
                       "an application for %s is waiting for a decision", a->user_id);
    return 0;
}

/* A registration's account, PENDING from the moment it is applied for:
 * its user ID is taken at once. */
static int register_pending(sqlite3 *db, const dsg_acct_app *a, const char *by, int64_t now,
                            int64_t id, dsg_acct_problem *p)
{
    dsg_acct acct;
    memset(&acct, 0, sizeof acct);
    acct.locked_at = acct.expired_at = acct.deleted_at = DSG_ACCT_NEVER;
    if (dsg_acct_init(&acct, now, a->expiry, a->contract_end) != DSG_ACCT_OK)
        return dsg_problem(p, "bad_field", "expiry", "after the end of the contract");
    if (insert_account(db, a, &acct, id) != 0 ||
        insert_history(db, a->user_id, now, "applied", NULL, "pending", id, by) != 0)
        return storage_problem(p, db);
    return 0;
}

int dsg_acct_store_apply(sqlite3 *db, const dsg_acct_app *in, const char *by, int64_t now,
                         int64_t *id, dsg_acct_problem *p)
{
    dsg_acct_app a = *in;
    char err[160];
    memset(p, 0, sizeof *p);
    if (dsg_acct_app_check(&a, now, p) != 0)
        return -1;
    (void)dsg_acct_user_id_fold(in->user_id, a.user_id);   /* checked above */
    if (dsg_db_begin(db, err, sizeof err) != 0)
        return dsg_problem(p, "storage", "", "%s", err);
    if (apply_allowed(db, &a, p) != 0 || insert_app(db, &a, by, now, id) != 0 ||
        (a.kind == DSG_APP_REGISTER && register_pending(db, &a, by, now, *id, p) != 0)) {
        if (p->code == NULL)
            storage_problem(p, db);
        dsg_db_rollback(db);
        return -1;
    }
    if (dsg_db_commit(db, err, sizeof err) != 0)
        return dsg_problem(p, "storage", "", "%s", err);
    return 0;
}

/* ---- decisions -------------------------------------------------------------------- */

/* The state machine's event an approved application of this kind causes. */
static uint32_t event_of(dsg_app_kind k)
{
    switch (k) {
    case DSG_APP_REGISTER: return DSG_ACCT_EV_APPROVE;
    case DSG_APP_SUSPEND: return DSG_ACCT_EV_SUSPEND;
    case DSG_APP_RESUME: return DSG_ACCT_EV_RESUME;
    case DSG_APP_DELETE: return DSG_ACCT_EV_DELETE;
    default: return DSG_ACCT_EV_SET_EXPIRY;
    }
}

/* Moves the application's account by event at now, recording the move in
 * its history. 0, or -1 with the problem. */
static int move_account(sqlite3 *db, const dsg_app_row *r, uint32_t event, const char *by,
                        int64_t now, dsg_acct_problem *p)
{
    dsg_acct_row row;
    char err[160];
    if (dsg_acct_store_get(db, r->app.user_id, &row, err, sizeof err) != 1)
        return dsg_problem(p, "storage", "", "the account of application %lld is gone: %s",
                       (long long)r->id, err);
    uint32_t from = row.acct.state;
    dsg_acct_result res = dsg_acct_apply(&row.acct, event, now, r->app.expiry,
                                         r->app.contract_end);
    if (res != DSG_ACCT_OK)
        return dsg_problem(p, "refused_in_state", "", "%s %s: %s in state %s (%s)",
                       dsg_app_kind_name(r->app.kind), r->app.user_id,
                       dsg_acct_event_name(event), dsg_acct_state_name(from),
                       dsg_acct_result_name(res));
    if (update_account(db, r->app.user_id, &row.acct) != 0 ||
        insert_history(db, r->app.user_id, now, dsg_acct_event_name(event),
                       dsg_acct_state_name(from), dsg_acct_state_name(row.acct.state), r->id,
                       by) != 0)
        return storage_problem(p, db);
    return 0;
}

static int mark_decided(sqlite3 *db, int64_t id, dsg_app_state s, const char *by, int64_t now,
                        const char *reason)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "UPDATE applications SET state = ?, decided_by = ?,"
                                   " decided_at = ?, decision_reason = ? WHERE id = ?");
    if (st == NULL)
        return -1;
    dsg_db_bind_text(st, 1, app_state_names[s]);
    dsg_db_bind_text(st, 2, by);
    sqlite3_bind_int64(st, 3, now);
    dsg_db_bind_text(st, 4, reason);
    sqlite3_bind_int64(st, 5, id);
    return dsg_db_run(st);
}

/* Loads pending application id for a decision by `by`. 0, or -1. */
static int decidable(sqlite3 *db, int64_t id, const char *by, dsg_app_row *r,
                     dsg_acct_problem *p)
{
    char err[160];
    int found = dsg_acct_store_get_app(db, id, r, err, sizeof err);
    if (found < 0)
        return dsg_problem(p, "storage", "", "%s", err);
    if (found == 0)
        return dsg_problem(p, "unknown_application", "id", "no application %lld", (long long)id);
    if (r->state != DSG_APP_PENDING)
        return dsg_problem(p, "already_decided", "id", "application %lld was %s by %s",
                       (long long)id, app_state_names[r->state], r->decided_by);
    if (strcmp(r->entered_by, by) == 0)
        return dsg_problem(p, "self_approval", "id",
                       "application %lld was entered by %s: another administrator decides it",
                       (long long)id, by);
    return 0;
}

/* One statement of a factor reset, binding user_id to ?2 and now to ?1. */
static int reset_step(sqlite3 *db, const char *sql, const char *user_id, int64_t now)
{
    sqlite3_stmt *st = dsg_db_prepare(db, sql);
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, now);
    dsg_db_bind_text(st, 2, user_id);
    return dsg_db_run(st);
}

/* An approved reset-factor application (REQ-MFA-006): the account's TOTP
 * secret (overwritten) and every WebAuthn credential revoked, its live
 * enrolment codes ended, and the reset in its history; the account's
 * state does not change (the state machine has no event for it), so the
 * reset is refused for an account that cannot have factors. The auth role
 * ends the account's sessions and logins after the commit. */
static int reset_factor(sqlite3 *db, const dsg_app_row *r, const char *by, int64_t now,
                        dsg_acct_problem *p)
{
    dsg_acct_row row;
    char err[160];
    if (dsg_acct_store_get(db, r->app.user_id, &row, err, sizeof err) != 1)
        return dsg_problem(p, "storage", "", "the account of application %lld is gone: %s",
                       (long long)r->id, err);
    if (!resettable(row.acct.state))
        return reset_refused(p, r->app.user_id, row.acct.state);
    const char *state = dsg_acct_state_name(row.acct.state);
    if (reset_step(db, "UPDATE totp SET revoked_at = ?1, secret = zeroblob(length(secret))"
                       " WHERE user_id = ?2 AND revoked_at IS NULL", row.user_id, now) != 0 ||
        reset_step(db, "UPDATE webauthn_credentials SET revoked_at = ?1"
                       " WHERE user_id = ?2 AND revoked_at IS NULL", row.user_id, now) != 0 ||
        reset_step(db, "UPDATE credentials SET ended_at = ?1 WHERE user_id = ?2"
                       " AND kind = 'enrolment_code' AND ended_at IS NULL", row.user_id,
                   now) != 0 ||
        insert_history(db, row.user_id, now, "reset-factor", state, state, r->id, by) != 0)
        return storage_problem(p, db);
    return 0;
}

/* What an approval does: a reset of the factors, else the state machine's
 * move. */
static int approve_app(sqlite3 *db, const dsg_app_row *r, const char *by, int64_t now,
                       dsg_acct_problem *p)
{
    if (r->app.kind == DSG_APP_RESET_FACTOR)
        return reset_factor(db, r, by, now, p);
    return move_account(db, r, event_of(r->app.kind), by, now, p);
}

/* Runs one decision in one transaction. */
static int decide(sqlite3 *db, int64_t id, const char *by, const char *reason, int approve,
                  int64_t now, dsg_acct_problem *p)
{
    dsg_app_row r;
    char err[160];
    memset(p, 0, sizeof *p);
    if (dsg_db_begin(db, err, sizeof err) != 0)
        return dsg_problem(p, "storage", "", "%s", err);
    int ok = decidable(db, id, by, &r, p) == 0;
    if (ok && approve)
        ok = approve_app(db, &r, by, now, p) == 0;
    else if (ok && r.app.kind == DSG_APP_REGISTER)   /* its PENDING account is retired */
        ok = move_account(db, &r, DSG_ACCT_EV_DELETE, by, now, p) == 0;
    if (ok && mark_decided(db, id, approve ? DSG_APP_APPROVED : DSG_APP_REJECTED, by, now,
                           reason) != 0)
        ok = storage_problem(p, db) == 0;
    if (!ok) {
        dsg_db_rollback(db);
        return -1;
    }
    if (dsg_db_commit(db, err, sizeof err) != 0)
        return dsg_problem(p, "storage", "", "%s", err);
    return 0;
}

int dsg_acct_store_approve(sqlite3 *db, int64_t id, const char *by, int64_t now,
                           dsg_acct_problem *p)
{
    return decide(db, id, by, "", 1, now, p);
}

/* ---- the bootstrap of the first two administrators (REQ-ACCT-021) -------------------- */

/* Whether any administrator account exists, in any state: 1, 0, or -1. */
static int admin_exists(sqlite3 *db)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT 1 FROM accounts WHERE type = 'admin' LIMIT 1");
    int rc = st != NULL ? sqlite3_step(st) : SQLITE_ERROR;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* The registration the bootstrap records for user_id. */
static void bootstrap_app(const char *user_id, int64_t expiry, int64_t contract_end,
                          dsg_acct_app *a)
{
    memset(a, 0, sizeof *a);
    a->kind = DSG_APP_REGISTER;
    snprintf(a->user_id, sizeof a->user_id, "%s", user_id);
    snprintf(a->applicant, sizeof a->applicant, "root");
    snprintf(a->reason, sizeof a->reason, "%s", DSG_ACCT_BOOTSTRAP_REASON);
    snprintf(a->name, sizeof a->name, "%s", user_id);
    snprintf(a->org, sizeof a->org, "DSG administration");
    snprintf(a->contract, sizeof a->contract, "bootstrap");
    a->org_kind = DSG_ORG_MINISTRY;
    a->type = DSG_ACCT_ADMIN;
    a->expiry = expiry;
    a->contract_end = contract_end;
}

/* One administrator: the registration entered by `by`, its account made
 * PENDING, then approved by DSG_ACCT_BOOTSTRAP_ACTOR through the state
 * machine, as an approval would. */
static int bootstrap_one(sqlite3 *db, const dsg_acct_app *a, const char *by, int64_t now,
                         dsg_acct_problem *p)
{
    dsg_app_row r;
    char err[160];
    int64_t id = 0;
    if (apply_allowed(db, a, p) != 0 || insert_app(db, a, by, now, &id) != 0 ||
        register_pending(db, a, by, now, id, p) != 0 ||
        dsg_acct_store_get_app(db, id, &r, err, sizeof err) != 1 ||
        move_account(db, &r, DSG_ACCT_EV_APPROVE, DSG_ACCT_BOOTSTRAP_ACTOR, now, p) != 0 ||
        mark_decided(db, id, DSG_APP_APPROVED, DSG_ACCT_BOOTSTRAP_ACTOR, now,
                     DSG_ACCT_BOOTSTRAP_REASON) != 0)
        return p->code != NULL ? -1 : storage_problem(p, db);
    return 0;
}

/* The two applications, checked and folded; distinct user IDs. */
static int bootstrap_apps(const char *const ids[2], int64_t now, int64_t expiry,
                          int64_t contract_end, dsg_acct_app apps[2], dsg_acct_problem *p)
{
    for (int i = 0; i < 2; i++) {
        bootstrap_app(ids[i], expiry, contract_end, &apps[i]);
        if (dsg_acct_app_check(&apps[i], now, p) != 0)
            return -1;
        (void)dsg_acct_user_id_fold(ids[i], apps[i].user_id);   /* checked above */
    }
    if (strcmp(apps[0].user_id, apps[1].user_id) == 0)
        return dsg_problem(p, "same_user_id", "user-id",
                       "two different administrators are needed, not %s twice", apps[0].user_id);
    return 0;
}

int dsg_acct_store_bootstrap(sqlite3 *db, const char *const ids[2], const char *by, int64_t now,
                             int64_t expiry, int64_t contract_end, dsg_acct_problem *p)
{
    dsg_acct_app apps[2];
    char err[160];
    memset(p, 0, sizeof *p);
    if (bootstrap_apps(ids, now, expiry, contract_end, apps, p) != 0)
        return -1;
    if (dsg_db_begin(db, err, sizeof err) != 0)
        return dsg_problem(p, "storage", "", "%s", err);
    int exists = admin_exists(db);
    int ok = exists == 0 && bootstrap_one(db, &apps[0], by, now, p) == 0 &&
             bootstrap_one(db, &apps[1], by, now, p) == 0;
    if (!ok) {
        if (exists == 1)
            dsg_problem(p, "already_bootstrapped", "",
                    "an administrator account exists: administrators come from applications");
        else if (p->code == NULL)
            storage_problem(p, db);
        dsg_db_rollback(db);
        return -1;
    }
    if (dsg_db_commit(db, err, sizeof err) != 0)
        return dsg_problem(p, "storage", "", "%s", err);
    return 0;
}

int dsg_acct_store_reject(sqlite3 *db, int64_t id, const char *by, const char *reason,
                          int64_t now, dsg_acct_problem *p)
{
    if (reason == NULL || reason[0] == '\0')
        return dsg_problem(p, "missing_field", "reason", "reason: required");
    return decide(db, id, by, reason, 0, now, p);
}

/* ---- the expiry sweep ------------------------------------------------------------- */

/* The accounts the sweep may move: ACTIVE or LOCKED with the expiry
 * passed (dsg_acct_is_expired decides each one). */
static int due_accounts(sqlite3 *db, int64_t now, dsg_acct_row *rows, int cap)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT " ACCOUNT_COLUMNS " FROM accounts"
                                   " WHERE state IN ('active', 'locked') AND expiry <= ?"
                                   " ORDER BY user_id LIMIT ?");
    int k = 0, rc = SQLITE_ERROR;
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int(st, 2, cap);
    while (k < cap && (rc = sqlite3_step(st)) == SQLITE_ROW)
        if (read_account(st, &rows[k]) == 0)
            k++;
    sqlite3_finalize(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? k : -1;
}

int dsg_acct_store_sweep(sqlite3 *db, int64_t now, const char *by,
                         dsg_acct_expired out[DSG_ACCT_SWEEP_BATCH], char *err, size_t n)
{
    static dsg_acct_row rows[DSG_ACCT_SWEEP_BATCH];
    int moved = 0;
    if (dsg_db_begin(db, err, n) != 0)
        return -1;
    int due = due_accounts(db, now, rows, (int)DSG_ACCT_SWEEP_BATCH);
    for (int i = 0; i < due; i++) {
        dsg_acct_row *r = &rows[i];
        uint32_t from = r->acct.state;
        if (!dsg_acct_is_expired(&r->acct, now) ||
            dsg_acct_apply(&r->acct, DSG_ACCT_EV_EXPIRE, now, 0, 0) != DSG_ACCT_OK)
            continue;   /* the proved decision has the last word */
        if (update_account(db, r->user_id, &r->acct) != 0 ||
            insert_history(db, r->user_id, now, "expire", dsg_acct_state_name(from), "expired",
                           0, by) != 0) {
            due = -1;
            break;
        }
        snprintf(out[moved].user_id, sizeof out[moved].user_id, "%s", r->user_id);
        out[moved].from = from;
        out[moved].expiry = r->acct.expiry;
        moved++;
    }
    if (due < 0) {
        snprintf(err, n, "the expiry sweep failed: %s", sqlite3_errmsg(db));
        dsg_db_rollback(db);
        return -1;
    }
    return dsg_db_commit(db, err, n) == 0 ? moved : -1;
}

/* ---- issued credentials ------------------------------------------------------------ */

static const char *const cred_kind_names[] = { "password", "enrolment_code" };

/* Whether the account has a live credential of this kind: 1, 0, or -1. */
static int live_credential(sqlite3 *db, const char *user_id, const char *kind, int64_t now)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT 1 FROM credentials WHERE user_id = ? AND kind = ?"
                                   " AND ended_at IS NULL"
                                   " AND (expires_at IS NULL OR expires_at > ?)");
    int rc = SQLITE_ERROR;
    if (st != NULL) {
        dsg_db_bind_text(st, 1, user_id);
        dsg_db_bind_text(st, 2, kind);
        sqlite3_bind_int64(st, 3, now);
        rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int insert_credential(sqlite3 *db, const char *user_id, const char *kind,
                             const char *verifier, int64_t now, int64_t expires_at,
                             const char *by)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "INSERT INTO credentials (user_id, kind, verifier,"
                                   " temporary, issued_at, issued_by, expires_at)"
                                   " VALUES (?,?,?,1,?,?,?)");
    if (st == NULL)
        return -1;
    dsg_db_bind_text(st, 1, user_id);
    dsg_db_bind_text(st, 2, kind);
    dsg_db_bind_text(st, 3, verifier);
    sqlite3_bind_int64(st, 4, now);
    dsg_db_bind_text(st, 5, by);
    sqlite3_bind_int64(st, 6, expires_at);
    return dsg_db_run(st);
}

/* The checks of dsg_acct_store_issue, inside its transaction. */
static int issue_allowed(sqlite3 *db, const char *user_id, const char *kind, int64_t now,
                         dsg_acct_problem *p)
{
    dsg_acct_row row;
    char err[160];
    int found = dsg_acct_store_get(db, user_id, &row, err, sizeof err);
    if (found < 0)
        return storage_problem(p, db);
    if (found == 0)
        return dsg_problem(p, "unknown_account", "user-id", "no account %s", user_id);
    if (row.acct.state != DSG_ACCT_ACTIVE)
        return dsg_problem(p, "not_active", "user-id", "%s is %s: credentials go to active accounts",
                       user_id, dsg_acct_state_name(row.acct.state));
    int live = live_credential(db, row.user_id, kind, now);
    if (live < 0)
        return storage_problem(p, db);
    if (live == 1)
        return dsg_problem(p, "already_issued", "sheet",
                       "%s has a %s that is neither used nor expired: it is shown once; "
                       "a lost one needs a reset application", user_id,
                       strcmp(kind, "password") == 0 ? "password" : "enrolment code");
    return 0;
}

int dsg_acct_store_issue(sqlite3 *db, const char *user_id, dsg_cred_kind kind,
                         const char *verifier, int64_t now, int64_t expires_at, const char *by,
                         dsg_acct_problem *p)
{
    char id[DSG_ACCT_USER_ID_MAX + 1], err[160];
    memset(p, 0, sizeof *p);
    if ((unsigned)kind > DSG_CRED_ENROLMENT_CODE)
        return dsg_problem(p, "bad_field", "sheet", "not password or code");
    if (dsg_acct_user_id_fold(user_id, id) != 0)
        return dsg_problem(p, "unknown_account", "user-id", "no account %s", user_id);
    if (dsg_db_begin(db, err, sizeof err) != 0)
        return dsg_problem(p, "storage", "", "%s", err);
    const char *name = cred_kind_names[kind];
    if (issue_allowed(db, id, name, now, p) != 0 ||
        insert_credential(db, id, name, verifier, now, expires_at, by) != 0) {
        if (p->code == NULL)
            storage_problem(p, db);
        dsg_db_rollback(db);
        return -1;
    }
    if (dsg_db_commit(db, err, sizeof err) != 0)
        return dsg_problem(p, "storage", "", "%s", err);
    return 0;
}

/* ---- factors (REQ-MFA-006) ------------------------------------------------------- */

int dsg_acct_store_factors(sqlite3 *db, const char *user_id, int64_t now, dsg_acct_factors *out)
{
    sqlite3_stmt *st = dsg_db_prepare(db,
        "SELECT (SELECT count(*) FROM totp WHERE user_id = ?1 AND revoked_at IS NULL),"
        " (SELECT count(*) FROM webauthn_credentials WHERE user_id = ?1"
        "  AND revoked_at IS NULL),"
        " (SELECT count(*) FROM credentials WHERE user_id = ?1 AND kind = 'enrolment_code'"
        "  AND ended_at IS NULL AND (expires_at IS NULL OR expires_at > ?2))");
    memset(out, 0, sizeof *out);
    if (st == NULL)
        return -1;
    dsg_db_bind_text(st, 1, user_id);
    sqlite3_bind_int64(st, 2, now);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->totp = sqlite3_column_int64(st, 0) > 0;
        out->webauthn = sqlite3_column_int64(st, 1);
        out->codes = sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

int dsg_acct_store_each_factor(sqlite3 *db, const char *user_id,
                               int (*fn)(const dsg_acct_factor_row *r, void *ctx), void *ctx,
                               char *err, size_t n)
{
    sqlite3_stmt *st = dsg_db_prepare(db,
        "SELECT 0, enrolled_at, NULL FROM totp WHERE user_id = ?1 AND revoked_at IS NULL"
        " UNION ALL SELECT 1, enrolled_at, aaguid FROM webauthn_credentials"
        " WHERE user_id = ?1 AND revoked_at IS NULL ORDER BY 2, 1");
    dsg_acct_factor_row r;
    int rc = SQLITE_ERROR;
    if (st != NULL)
        dsg_db_bind_text(st, 1, user_id);
    while (st != NULL && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const void *aaguid = sqlite3_column_blob(st, 2);
        memset(&r, 0, sizeof r);
        r.has_aaguid = sqlite3_column_int(st, 0) == 1;
        r.type = r.has_aaguid ? "webauthn" : "totp";
        r.enrolled_at = sqlite3_column_int64(st, 1);
        if (r.has_aaguid && (aaguid == NULL || sqlite3_column_bytes(st, 2) != 16)) {
            rc = SQLITE_CORRUPT;
            break;
        }
        if (r.has_aaguid)
            memcpy(r.aaguid, aaguid, 16);
        if (fn(&r, ctx) != 0)
            break;
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return 0;
    snprintf(err, n, "reading the factors of %s: %s", user_id,
             rc == SQLITE_ROW ? "stopped" : rc == SQLITE_CORRUPT ? "an AAGUID out of range"
                                                                 : sqlite3_errmsg(db));
    return -1;
}

/* ---- events of the login: lock and unlock ------------------------------------------ */

int dsg_acct_store_event(sqlite3 *db, const char *user_id, uint32_t event, int64_t now,
                         const char *by, uint32_t *from, dsg_acct_problem *p)
{
    dsg_acct_row row;
    char err[160];
    memset(p, 0, sizeof *p);
    if (event != DSG_ACCT_EV_LOCK && event != DSG_ACCT_EV_UNLOCK)
        return dsg_problem(p, "bad_field", "event", "only lock and unlock come from a login");
    if (dsg_db_begin(db, err, sizeof err) != 0)
        return dsg_problem(p, "storage", "", "%s", err);
    int found = dsg_acct_store_get(db, user_id, &row, err, sizeof err);
    if (found != 1) {
        dsg_db_rollback(db);
        return found == 0 ? dsg_problem(p, "unknown_account", "user-id", "no account %s", user_id)
                          : storage_problem(p, db);
    }
    *from = row.acct.state;
    dsg_acct_result res = dsg_acct_apply(&row.acct, event, now, row.acct.expiry,
                                         row.acct.contract_end);
    if (res != DSG_ACCT_OK) {
        dsg_db_rollback(db);
        return dsg_problem(p, "refused_in_state", "", "%s %s in state %s (%s)",
                       dsg_acct_event_name(event), user_id, dsg_acct_state_name(*from),
                       dsg_acct_result_name(res));
    }
    if (update_account(db, user_id, &row.acct) != 0 ||
        insert_history(db, user_id, now, dsg_acct_event_name(event), dsg_acct_state_name(*from),
                       dsg_acct_state_name(row.acct.state), 0, by) != 0) {
        storage_problem(p, db);
        dsg_db_rollback(db);
        return -1;
    }
    if (dsg_db_commit(db, err, sizeof err) != 0)
        return dsg_problem(p, "storage", "", "%s", err);
    return 0;
}

/* ---- inactivity (REQ-ACCT-005) ----------------------------------------------------- */

int dsg_acct_store_logged_in(sqlite3 *db, const char *user_id, int64_t now)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "UPDATE accounts SET last_login = ? WHERE user_id = ?");
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, now);
    dsg_db_bind_text(st, 2, user_id);
    return dsg_db_run(st);
}

/* ---- the last login (REQ-MFA-014) ------------------------------------------------- */

/* The account's last login and the failures since it into *out: 1, 0 when
 * there is no such account, -1. */
static int last_login(sqlite3 *db, const char *user_id, dsg_acct_last_login *out)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT coalesce(last_login, 0),"
                                          " coalesce(last_login_computer, ''),"
                                          " failures_since_login FROM accounts"
                                          " WHERE user_id = ?");
    if (st == NULL)
        return -1;
    dsg_db_bind_text(st, 1, user_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        int64_t failures = sqlite3_column_int64(st, 2);
        out->at = sqlite3_column_int64(st, 0);
        dsg_db_column_copy(st, 1, out->computer, sizeof out->computer);
        out->failures = failures > UINT32_MAX ? UINT32_MAX : (uint32_t)failures;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int dsg_acct_store_login_succeeded(sqlite3 *db, const char *user_id, int64_t now,
                                   const char *computer, dsg_acct_last_login *prev)
{
    char err[160];
    memset(prev, 0, sizeof *prev);
    if (dsg_db_begin(db, err, sizeof err) != 0)
        return -1;
    sqlite3_stmt *st = last_login(db, user_id, prev) == 1
                           ? dsg_db_prepare(db, "UPDATE accounts SET last_login = ?,"
                                                " last_login_computer = ?,"
                                                " failures_since_login = 0 WHERE user_id = ?")
                           : NULL;
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, now);
        dsg_db_bind_text(st, 2, computer);
        dsg_db_bind_text(st, 3, user_id);
    }
    if (dsg_db_run(st) != 0 || sqlite3_changes(db) != 1 ||
        dsg_db_commit(db, err, sizeof err) != 0) {
        dsg_db_rollback(db);
        memset(prev, 0, sizeof *prev);
        return -1;
    }
    return 0;
}

int dsg_acct_store_login_failed(sqlite3 *db, const char *user_id)
{
    /* A deleted account is final (its trigger): nothing is counted there. */
    sqlite3_stmt *st = dsg_db_prepare(db, "UPDATE accounts"
                                          " SET failures_since_login = failures_since_login + 1"
                                          " WHERE user_id = ? AND state <> 'deleted'"
                                          " AND failures_since_login < 4294967295");
    if (st == NULL)
        return -1;
    dsg_db_bind_text(st, 1, user_id);
    return dsg_db_run(st);
}

int dsg_acct_store_last_login(sqlite3 *db, const char *user_id, dsg_acct_last_login *out)
{
    memset(out, 0, sizeof *out);
    return last_login(db, user_id, out);
}

/* ACTIVE accounts whose last login (else activation) is at or before
 * cutoff, at most cap, with that time in since[]; the proved decision
 * judges each. */
static int idle_accounts(sqlite3 *db, int64_t cutoff, dsg_acct_row *rows, int64_t *since,
                         int cap)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT " ACCOUNT_COLUMNS ","
                                          " coalesce(last_login, activated_at) FROM accounts"
                                          " WHERE state = 'active'"
                                          " AND coalesce(last_login, activated_at) <= ?"
                                          " ORDER BY user_id LIMIT ?");
    int k = 0, rc = SQLITE_ERROR;
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, cutoff);
    sqlite3_bind_int(st, 2, cap);
    while (k < cap && (rc = sqlite3_step(st)) == SQLITE_ROW)
        if (read_account(st, &rows[k]) == 0) {
            since[k] = sqlite3_column_int64(st, 17);
            k++;
        }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? k : -1;
}

int dsg_acct_store_sweep_inactive(sqlite3 *db, int64_t now, uint32_t days, const char *by,
                                  dsg_acct_inactive out[DSG_ACCT_SWEEP_BATCH], char *err,
                                  size_t n)
{
    static dsg_acct_row rows[DSG_ACCT_SWEEP_BATCH];
    static int64_t since[DSG_ACCT_SWEEP_BATCH];
    int moved = 0;
    if (days < 1 || days > DSG_ACCT_INACTIVE_DAYS_MAX) {
        snprintf(err, n, "auth.inactivity_disable_days %u is out of range", days);
        return -1;
    }
    if (dsg_db_begin(db, err, n) != 0)
        return -1;
    int due = idle_accounts(db, now - (int64_t)days * 86400, rows, since,
                            (int)DSG_ACCT_SWEEP_BATCH);
    for (int i = 0; i < due; i++) {
        dsg_acct_row *r = &rows[i];
        if (!dsg_acct_is_inactive(&r->acct, since[i], now, days) ||
            dsg_acct_apply(&r->acct, DSG_ACCT_EV_SUSPEND, now, 0, 0) != DSG_ACCT_OK)
            continue;   /* the proved decision has the last word */
        if (update_account(db, r->user_id, &r->acct) != 0 ||
            insert_history(db, r->user_id, now, "suspend", "active", "suspended", 0, by) != 0) {
            due = -1;
            break;
        }
        memcpy(out[moved].user_id, r->user_id, sizeof out[moved].user_id);   /* same size */
        out[moved].since = since[i];
        moved++;
    }
    if (due < 0) {
        snprintf(err, n, "the inactivity sweep failed: %s", sqlite3_errmsg(db));
        dsg_db_rollback(db);
        return -1;
    }
    return dsg_db_commit(db, err, n) == 0 ? moved : -1;
}
