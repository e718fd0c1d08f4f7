/* What a login reads and writes in auth.db: see cred_store.h. */
#include "auth/cred_store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "auth/acct_app.h"
#include "auth/secret_seal.h"
#include "db/db.h"

/* ---- lockout state --------------------------------------------------------------- */

int dsg_cred_store_lock_get(sqlite3 *db, const char *user_id, dsg_lock *out)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT password_failures, password_first,"
                                          " totp_failures, totp_first, webauthn_failures,"
                                          " webauthn_first, locked_until, generation"
                                          " FROM locks WHERE user_id = ?");
    if (st == NULL)
        return -1;
    dsg_db_bind_text(st, 1, user_id);
    int rc = sqlite3_step(st);
    dsg_lock_init(out);
    if (rc == SQLITE_ROW) {
        for (int f = 0; f < DSG_LOCK_FACTOR_COUNT; f++) {
            sqlite3_int64 failures = sqlite3_column_int64(st, 2 * f);
            out->factor[f].failures = failures >= 0 && failures <= UINT32_MAX
                                          ? (uint32_t)failures : UINT32_MAX;
            out->factor[f].first_failure = sqlite3_column_int64(st, 2 * f + 1);
        }
        out->locked_until = sqlite3_column_int64(st, 6);
        out->generation = (uint64_t)sqlite3_column_int64(st, 7);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return -1;
    return dsg_lock_is_valid(out) ? 0 : -1;
}

int dsg_cred_store_lock_put(sqlite3 *db, const char *user_id, const dsg_lock *l)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "INSERT OR REPLACE INTO locks (user_id,"
                                          " password_failures, password_first, totp_failures,"
                                          " totp_first, webauthn_failures, webauthn_first,"
                                          " locked_until, generation)"
                                          " VALUES (?,?,?,?,?,?,?,?,?)");
    if (st == NULL)
        return -1;
    dsg_db_bind_text(st, 1, user_id);
    for (int f = 0; f < DSG_LOCK_FACTOR_COUNT; f++) {
        sqlite3_bind_int64(st, 2 + 2 * f, l->factor[f].failures);
        sqlite3_bind_int64(st, 3 + 2 * f, l->factor[f].first_failure);
    }
    sqlite3_bind_int64(st, 8, l->locked_until);
    sqlite3_bind_int64(st, 9, (sqlite3_int64)l->generation);
    return dsg_db_run(st);
}

/* ---- passwords and enrolment codes ------------------------------------------------- */

/* A live credential of kind: not ended, and not expired at now. */
#define LIVE " ended_at IS NULL AND (expires_at IS NULL OR expires_at > ?)"

/* The newest live credential of kind: 1 with its verifier, whether it is
 * temporary and when it was issued, 0 when there is none, -1. */
static int newest_live(sqlite3 *db, const char *user_id, const char *kind, int64_t now,
                       char verifier[DSG_CRED_VERIFIER_MAX + 1], int *temporary, int64_t *at)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT verifier, temporary, issued_at FROM credentials"
                                          " WHERE user_id = ? AND kind = ? AND" LIVE
                                          " ORDER BY id DESC LIMIT 1");
    if (st == NULL)
        return -1;
    dsg_db_bind_text(st, 1, user_id);
    dsg_db_bind_text(st, 2, kind);
    sqlite3_bind_int64(st, 3, now);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        dsg_db_column_copy(st, 0, verifier, DSG_CRED_VERIFIER_MAX + 1);
        *temporary = sqlite3_column_int(st, 1) != 0;
        *at = sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int dsg_cred_store_password(sqlite3 *db, const char *user_id, int64_t now,
                            dsg_cred_password *out)
{
    return newest_live(db, user_id, "password", now, out->verifier, &out->temporary,
                       &out->set_at);
}

int dsg_cred_store_password_history(sqlite3 *db, const char *user_id, unsigned n,
                                    char (*out)[DSG_CRED_VERIFIER_MAX + 1])
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT verifier FROM credentials"
                                          " WHERE user_id = ? AND kind = 'password'"
                                          " ORDER BY id DESC LIMIT ?");
    int k = 0, rc = SQLITE_ERROR;
    if (st == NULL)
        return -1;
    dsg_db_bind_text(st, 1, user_id);
    sqlite3_bind_int64(st, 2, n);
    while ((unsigned)k < n && (rc = sqlite3_step(st)) == SQLITE_ROW)
        dsg_db_column_copy(st, 0, out[k++], DSG_CRED_VERIFIER_MAX + 1);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? k : -1;
}

/* Ends every live credential of kind at now. */
static int end_live(sqlite3 *db, const char *user_id, const char *kind, int64_t now)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "UPDATE credentials SET ended_at = ?"
                                          " WHERE user_id = ? AND kind = ? AND ended_at IS NULL");
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, now);
    dsg_db_bind_text(st, 2, user_id);
    dsg_db_bind_text(st, 3, kind);
    return dsg_db_run(st);
}

static int insert_own_password(sqlite3 *db, const char *user_id, const char *verifier,
                               int64_t set_at)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "INSERT INTO credentials (user_id, kind, verifier,"
                                          " temporary, issued_at, issued_by)"
                                          " VALUES (?, 'password', ?, 0, ?, ?)");
    if (st == NULL)
        return -1;
    dsg_db_bind_text(st, 1, user_id);
    dsg_db_bind_text(st, 2, verifier);
    sqlite3_bind_int64(st, 3, set_at);
    dsg_db_bind_text(st, 4, user_id);   /* chosen by the account's own user */
    return dsg_db_run(st);
}

/* Runs body(db, user_id, arg, now) inside one transaction. 0, or -1 with
 * a message. */
static int in_transaction(sqlite3 *db, const char *user_id, const void *arg, int64_t now,
                          int (*body)(sqlite3 *, const char *, const void *, int64_t),
                          char *err, size_t n)
{
    if (dsg_db_begin(db, err, n) != 0)
        return -1;
    if (body(db, user_id, arg, now) != 0) {
        snprintf(err, n, "the account database failed: %s", sqlite3_errmsg(db));
        dsg_db_rollback(db);
        return -1;
    }
    return dsg_db_commit(db, err, n);
}

static int replace_password(sqlite3 *db, const char *user_id, const void *verifier, int64_t now)
{
    if (end_live(db, user_id, "password", now) != 0)
        return -1;
    return insert_own_password(db, user_id, verifier, now);
}

int dsg_cred_store_password_set(sqlite3 *db, const char *user_id, const char *verifier,
                                int64_t now, char *err, size_t n)
{
    return in_transaction(db, user_id, verifier, now, replace_password, err, n);
}

typedef struct rehash_arg {
    const char *verifier;
    int64_t set_at;
} rehash_arg;

static int replace_hash(sqlite3 *db, const char *user_id, const void *arg, int64_t now)
{
    const rehash_arg *a = arg;
    if (end_live(db, user_id, "password", now) != 0)
        return -1;
    return insert_own_password(db, user_id, a->verifier, a->set_at);
}

int dsg_cred_store_password_rehash(sqlite3 *db, const char *user_id, const char *verifier,
                                   int64_t set_at, int64_t now, char *err, size_t n)
{
    const rehash_arg a = { verifier, set_at };
    return in_transaction(db, user_id, &a, now, replace_hash, err, n);
}

int dsg_cred_store_code(sqlite3 *db, const char *user_id, int64_t now,
                        char verifier[DSG_CRED_VERIFIER_MAX + 1])
{
    int temporary;
    int64_t at;
    return newest_live(db, user_id, "enrolment_code", now, verifier, &temporary, &at);
}

/* ---- TOTP ------------------------------------------------------------------------- */

static const char *alg_name(dsg_totp_alg alg)
{
    return alg == DSG_TOTP_SHA256 ? "sha256" : "sha1";
}

/* The secret of a stored row (column col: nonce || ciphertext || tag)
 * opened for user_id into out: 0, or -1 (a clear row of an older version,
 * a row that does not open, a length out of range). */
static int open_secret(sqlite3_stmt *st, int col, int sealed, const uint8_t *key,
                       const char *user_id, dsg_cred_totp *out)
{
    const uint8_t *blob = sqlite3_column_blob(st, col);
    int len = sqlite3_column_bytes(st, col);
    uint8_t plain[DSG_SEAL_MAX];
    size_t n = 0;
    if (!sealed || blob == NULL || len < 0 ||
        dsg_secret_open(key, user_id, blob, (size_t)len, plain, &n) != 0)
        return -1;
    if (n < DSG_TOTP_SECRET_MIN || n > DSG_TOTP_SECRET_MAX) {
        OPENSSL_cleanse(plain, sizeof plain);
        return -1;
    }
    memcpy(out->secret, plain, n);
    out->secret_len = n;
    OPENSSL_cleanse(plain, sizeof plain);
    return 0;
}

int dsg_cred_store_totp_get(sqlite3 *db, const uint8_t *key, const char *user_id,
                            dsg_cred_totp *out)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT secret, alg, digits, last_step, sealed"
                                          " FROM totp WHERE user_id = ? AND revoked_at IS NULL");
    if (st == NULL)
        return -1;
    dsg_db_bind_text(st, 1, user_id);
    int rc = sqlite3_step(st), found = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
    if (found == 1) {
        char alg[8];
        dsg_db_column_copy(st, 1, alg, sizeof alg);
        memset(out, 0, sizeof *out);
        out->alg = strcmp(alg, "sha256") == 0 ? DSG_TOTP_SHA256 : DSG_TOTP_SHA1;
        out->digits = (unsigned)sqlite3_column_int(st, 2);
        out->last_step = (uint64_t)sqlite3_column_int64(st, 3);
        if (open_secret(st, 0, sqlite3_column_int(st, 4) == 1, key, user_id, out) != 0) {
            OPENSSL_cleanse(out, sizeof *out);
            found = -1;
        }
    }
    sqlite3_finalize(st);
    return found;
}

typedef struct totp_arg {
    const dsg_cred_totp *t;
    const uint8_t *sealed;
    size_t sealed_len;
} totp_arg;

static int put_totp(sqlite3 *db, const char *user_id, const void *arg, int64_t now)
{
    const totp_arg *a = arg;
    sqlite3_stmt *st = dsg_db_prepare(db, "INSERT INTO totp (user_id, secret, alg, digits,"
                                          " last_step, enrolled_at, sealed)"
                                          " VALUES (?,?,?,?,?,?,1)"
                                          " ON CONFLICT (user_id) DO UPDATE SET"
                                          " secret = excluded.secret, alg = excluded.alg,"
                                          " digits = excluded.digits,"
                                          " last_step = excluded.last_step,"
                                          " enrolled_at = excluded.enrolled_at,"
                                          " revoked_at = NULL, sealed = 1");
    if (st == NULL)
        return -1;
    dsg_db_bind_text(st, 1, user_id);
    sqlite3_bind_blob(st, 2, a->sealed, (int)a->sealed_len, SQLITE_STATIC);
    dsg_db_bind_text(st, 3, alg_name(a->t->alg));
    sqlite3_bind_int(st, 4, (int)a->t->digits);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)a->t->last_step);
    sqlite3_bind_int64(st, 6, now);
    if (dsg_db_run(st) != 0)
        return -1;
    return end_live(db, user_id, "enrolment_code", now);
}

int dsg_cred_store_totp_enrol(sqlite3 *db, const uint8_t *key, const char *user_id,
                              const dsg_cred_totp *t, int64_t now, char *err, size_t n)
{
    uint8_t sealed[DSG_TOTP_SECRET_MAX + DSG_SEAL_OVERHEAD];
    if (t->secret_len < DSG_TOTP_SECRET_MIN || t->secret_len > DSG_TOTP_SECRET_MAX) {
        snprintf(err, n, "a TOTP secret of %zu bytes", t->secret_len);
        return -1;
    }
    if (dsg_secret_seal(key, user_id, t->secret, t->secret_len, sealed) != 0) {
        snprintf(err, n, "the TOTP secret could not be sealed");
        return -1;
    }
    const totp_arg a = { t, sealed, t->secret_len + DSG_SEAL_OVERHEAD };
    return in_transaction(db, user_id, &a, now, put_totp, err, n);
}

/* Seals the clear secret of one row: 0, or -1. */
static int seal_row(sqlite3 *db, const uint8_t *key, const char *user_id, const uint8_t *clear,
                    int len)
{
    uint8_t sealed[DSG_SEAL_MAX + DSG_SEAL_OVERHEAD];
    if (len < 1 || len > (int)DSG_SEAL_MAX ||
        dsg_secret_seal(key, user_id, clear, (size_t)len, sealed) != 0)
        return -1;
    sqlite3_stmt *st = dsg_db_prepare(db, "UPDATE totp SET secret = ?, sealed = 1"
                                          " WHERE user_id = ? AND sealed = 0");
    if (st == NULL)
        return -1;
    sqlite3_bind_blob(st, 1, sealed, len + (int)DSG_SEAL_OVERHEAD, SQLITE_TRANSIENT);
    dsg_db_bind_text(st, 2, user_id);
    return dsg_db_run(st);
}

/* The first clear row sealed: 1, 0 when none is left, -1. One row a
 * statement, so that no scan runs over rows being rewritten. */
static int seal_next(sqlite3 *db, const uint8_t *key)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT user_id, secret FROM totp WHERE sealed = 0"
                                          " LIMIT 1");
    char user[DSG_ACCT_USER_ID_MAX + 1];
    int rc, done = -1;
    if (st == NULL)
        return -1;
    rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        done = 0;
    else if (rc == SQLITE_ROW) {
        dsg_db_column_copy(st, 0, user, sizeof user);
        done = seal_row(db, key, user, sqlite3_column_blob(st, 1), sqlite3_column_bytes(st, 1)) ==
                       0 && sqlite3_changes(db) == 1 ? 1 : -1;
    }
    sqlite3_finalize(st);
    return done;
}

/* Every clear row sealed; how many, or -1. */
static int seal_rows(sqlite3 *db, const uint8_t *key)
{
    int k = 0, got;
    while ((got = seal_next(db, key)) == 1)
        k++;
    return got == 0 ? k : -1;
}

int dsg_cred_store_totp_seal_clear(sqlite3 *db, const uint8_t *key, char *err, size_t n)
{
    int k;
    /* overwritten content is zeroed in the file, and the write-ahead log
     * that held the clear pages emptied after the commit */
    if (dsg_db_exec(db, "PRAGMA secure_delete = ON", err, n) != 0 ||
        dsg_db_begin(db, err, n) != 0)
        return -1;
    if ((k = seal_rows(db, key)) < 0) {
        snprintf(err, n, "the TOTP secrets could not be sealed: %s", sqlite3_errmsg(db));
        dsg_db_rollback(db);
        return -1;
    }
    if (dsg_db_commit(db, err, n) != 0 ||
        (k > 0 && dsg_db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", err, n) != 0))
        return -1;
    return k;
}

int dsg_cred_store_totp_used(sqlite3 *db, const char *user_id, uint64_t step)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "UPDATE totp SET last_step = ? WHERE user_id = ?");
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)step);
    dsg_db_bind_text(st, 2, user_id);
    if (dsg_db_run(st) != 0)
        return -1;
    return sqlite3_changes(db) == 1 ? 0 : -1;
}

/* ---- WebAuthn ---------------------------------------------------------------------- */

static int put_webauthn(sqlite3 *db, const char *user_id, const void *arg, int64_t now)
{
    const dsg_webauthn_cred *c = arg;
    sqlite3_stmt *st = dsg_db_prepare(db, "INSERT INTO webauthn_credentials (user_id,"
                                          " credential_id, x, y, sign_count, aaguid, attested,"
                                          " enrolled_at) VALUES (?,?,?,?,?,?,?,?)");
    if (st == NULL)
        return -1;
    dsg_db_bind_text(st, 1, user_id);
    sqlite3_bind_blob(st, 2, c->id, (int)c->id_len, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, c->x, sizeof c->x, SQLITE_STATIC);
    sqlite3_bind_blob(st, 4, c->y, sizeof c->y, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, c->sign_count);
    sqlite3_bind_blob(st, 6, c->aaguid, sizeof c->aaguid, SQLITE_STATIC);
    sqlite3_bind_int(st, 7, c->attested != 0);
    sqlite3_bind_int64(st, 8, now);
    if (dsg_db_run(st) != 0)
        return -1;
    return end_live(db, user_id, "enrolment_code", now);
}

int dsg_cred_store_webauthn_enrol(sqlite3 *db, const char *user_id, const dsg_webauthn_cred *c,
                                  int64_t now, char *err, size_t n)
{
    if (c->id_len < 1 || c->id_len > DSG_AD_CRED_ID_MAX) {
        snprintf(err, n, "a credential ID of %zu bytes", c->id_len);
        return -1;
    }
    return in_transaction(db, user_id, c, now, put_webauthn, err, n);
}

/* A blob column of exactly len bytes into out: 0, or -1. */
static int column_exact(sqlite3_stmt *st, int col, uint8_t *out, size_t len)
{
    const void *p = sqlite3_column_blob(st, col);
    if (p == NULL || sqlite3_column_bytes(st, col) != (int)len)
        return -1;
    memcpy(out, p, len);
    return 0;
}

int dsg_cred_store_webauthn_get(sqlite3 *db, const char *user_id, const uint8_t *id, size_t len,
                                dsg_webauthn_cred *out)
{
    if (len < 1 || len > DSG_AD_CRED_ID_MAX)
        return 0;
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT x, y, sign_count, aaguid, attested"
                                          " FROM webauthn_credentials WHERE user_id = ?"
                                          " AND credential_id = ? AND revoked_at IS NULL");
    if (st == NULL)
        return -1;
    dsg_db_bind_text(st, 1, user_id);
    sqlite3_bind_blob(st, 2, id, (int)len, SQLITE_STATIC);
    int rc = sqlite3_step(st), found = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
    if (found == 1) {
        sqlite3_int64 count = sqlite3_column_int64(st, 2);
        memset(out, 0, sizeof *out);
        memcpy(out->id, id, len);
        out->id_len = len;
        out->sign_count = (uint32_t)count;
        out->attested = sqlite3_column_int(st, 4) != 0;
        if (column_exact(st, 0, out->x, sizeof out->x) != 0 ||
            column_exact(st, 1, out->y, sizeof out->y) != 0 ||
            column_exact(st, 3, out->aaguid, sizeof out->aaguid) != 0 || count < 0 ||
            count > UINT32_MAX)
            found = -1;
    }
    sqlite3_finalize(st);
    return found;
}

int dsg_cred_store_webauthn_ids(sqlite3 *db, const char *user_id, dsg_cred_webauthn_id *out,
                                unsigned cap)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT credential_id FROM webauthn_credentials"
                                          " WHERE user_id = ? AND revoked_at IS NULL"
                                          " ORDER BY id");
    int k = 0, rc = SQLITE_ERROR;
    if (st == NULL)
        return -1;
    dsg_db_bind_text(st, 1, user_id);
    while ((unsigned)k < cap && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const void *p = sqlite3_column_blob(st, 0);
        int len = sqlite3_column_bytes(st, 0);
        if (p == NULL || len < 1 || len > (int)DSG_AD_CRED_ID_MAX) {
            rc = SQLITE_ERROR;
            break;
        }
        memcpy(out[k].id, p, (size_t)len);
        out[k++].len = (size_t)len;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? k : -1;
}

int dsg_cred_store_webauthn_count(sqlite3 *db, const char *user_id, const uint8_t *id,
                                  size_t len, uint32_t count)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "UPDATE webauthn_credentials SET sign_count = ?"
                                          " WHERE user_id = ? AND credential_id = ?"
                                          " AND revoked_at IS NULL");
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, count);
    dsg_db_bind_text(st, 2, user_id);
    sqlite3_bind_blob(st, 3, id, (int)len, SQLITE_STATIC);
    if (dsg_db_run(st) != 0)
        return -1;
    return sqlite3_changes(db) == 1 ? 0 : -1;
}
