/*
 * What a login reads and writes in the auth role's account database
 * (var/auth/auth.db, opened by dsg_acct_store_open): an account's lockout
 * state, its live password, its enrolment code, its TOTP secret and its
 * WebAuthn credentials. Each
 * function is one statement or one transaction; the decisions are the
 * proved cores' (lockout.h, totp.h) and the login service's
 * (login_svc.h). Not pure (SQLite); linked into dsgd's auth role and the
 * unit tests.
 */
#ifndef DSG_CRED_STORE_H
#define DSG_CRED_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "auth/lockout.h"
#include "auth/secret_seal.h"
#include "auth/totp.h"
#include "auth/totp_hmac.h"
#include "auth/webauthn.h"

struct sqlite3;

#define DSG_CRED_VERIFIER_MAX 200u   /* bytes of a stored verifier (scrypt string, SHA-256 hex) */

/* The password an account logs in with. */
typedef struct dsg_cred_password {
    char verifier[DSG_CRED_VERIFIER_MAX + 1];
    int temporary;                   /* 1: issued; must be changed at the first login */
    int64_t set_at;                  /* when it was issued or chosen (a rehash keeps it) */
} dsg_cred_password;

/* An account's TOTP factor. */
typedef struct dsg_cred_totp {
    uint8_t secret[DSG_TOTP_SECRET_MAX];
    size_t secret_len;
    dsg_totp_alg alg;
    unsigned digits;
    uint64_t last_step;              /* the last step accepted: never accepted again */
} dsg_cred_totp;

/* The account's lockout state into *out; a fresh one (dsg_lock_init) when
 * none is stored. 0, or -1 (storage, or a stored state that is not
 * dsg_lock_is_valid: the caller fails closed). @relation(REQ-MFA-025) */
__attribute__((warn_unused_result))
int dsg_cred_store_lock_get(struct sqlite3 *db, const char *user_id, dsg_lock *out);

/* Stores the account's lockout state. 0, or -1. @relation(REQ-MFA-025) */
__attribute__((warn_unused_result))
int dsg_cred_store_lock_put(struct sqlite3 *db, const char *user_id, const dsg_lock *st);

/* The account's live password (not ended; a temporary one also not
 * expired at now): 1 and *out, 0 when there is none, -1 (storage).
 * @relation(REQ-MFA-008, REQ-MFA-009) */
__attribute__((warn_unused_result))
int dsg_cred_store_password(struct sqlite3 *db, const char *user_id, int64_t now,
                            dsg_cred_password *out);

/* The verifiers of the account's last n passwords, the live one included,
 * newest first, into out[0 .. n): how many, or -1. @relation(REQ-MFA-010) */
__attribute__((warn_unused_result))
int dsg_cred_store_password_history(struct sqlite3 *db, const char *user_id, unsigned n,
                                    char (*out)[DSG_CRED_VERIFIER_MAX + 1]);

/* Replaces the account's password by the user's own choice: ends the live
 * one at now and stores verifier (not temporary, no expiry), in one
 * transaction. 0, or -1 with a message. @relation(REQ-MFA-009, REQ-MFA-010) */
__attribute__((warn_unused_result))
int dsg_cred_store_password_set(struct sqlite3 *db, const char *user_id, const char *verifier,
                                int64_t now, char *err, size_t n);

/* Replaces the hash of the account's live password by verifier, a hash of
 * the same password at another cost (REQ-MFA-008): like
 * dsg_cred_store_password_set, but the new row keeps set_at, the time the
 * password was chosen, so that a rehash does not make it younger
 * (auth.password_max_age_days). 0, or -1 with a message.
 * @relation(REQ-MFA-008, REQ-MFA-010) */
__attribute__((warn_unused_result))
int dsg_cred_store_password_rehash(struct sqlite3 *db, const char *user_id, const char *verifier,
                                   int64_t set_at, int64_t now, char *err, size_t n);

/* The verifier (SHA-256 hex) of the account's live enrolment code: 1, 0
 * when there is none (never issued, used or expired), -1. @relation(REQ-MFA-006) */
__attribute__((warn_unused_result))
int dsg_cred_store_code(struct sqlite3 *db, const char *user_id, int64_t now,
                        char verifier[DSG_CRED_VERIFIER_MAX + 1]);

/* The account's TOTP factor, its secret opened with key (the auth role's
 * data key, DSG_SEAL_KEY_LEN bytes): 1 and *out, 0 when none is enrolled
 * (or it was revoked by a factor reset), -1 (storage, a stored row out of
 * range, a secret stored in the clear or that does not open under key for
 * this account: never a secret to check codes against).
 * @relation(REQ-MFA-005, REQ-MFA-006, REQ-MFA-018) */
__attribute__((warn_unused_result))
int dsg_cred_store_totp_get(struct sqlite3 *db, const uint8_t *key, const char *user_id,
                            dsg_cred_totp *out);

/* Enrols t as the account's TOTP factor (replacing an earlier one), its
 * secret sealed under key for user_id (secret_seal.h), and ends its live
 * enrolment code, in one transaction: the code enrols one factor once.
 * 0, or -1 with a message. @relation(REQ-MFA-005, REQ-MFA-006, REQ-MFA-018) */
__attribute__((warn_unused_result))
int dsg_cred_store_totp_enrol(struct sqlite3 *db, const uint8_t *key, const char *user_id,
                              const dsg_cred_totp *t, int64_t now, char *err, size_t n);

/* Seals under key every TOTP secret an older version stored in the clear
 * (schema version 8, sealed 0), in one transaction, with the overwritten
 * bytes zeroed in the database file (secure_delete) and the write-ahead
 * log emptied after it: how many, or -1 with a message (nothing changed).
 * @relation(REQ-MFA-018) */
__attribute__((warn_unused_result))
int dsg_cred_store_totp_seal_clear(struct sqlite3 *db, const uint8_t *key, char *err, size_t n);

/* Records step as the last one accepted. 0, or -1 (storage, or step not
 * after the stored one: the database refuses a step twice).
 * @relation(REQ-MFA-005) */
__attribute__((warn_unused_result))
int dsg_cred_store_totp_used(struct sqlite3 *db, const char *user_id, uint64_t step);

/* A WebAuthn credential ID, as the authenticator made it. */
typedef struct dsg_cred_webauthn_id {
    uint8_t id[DSG_AD_CRED_ID_MAX];
    size_t len;
} dsg_cred_webauthn_id;

/* Enrols c as a WebAuthn credential of the account and ends its live
 * enrolment code, in one transaction: the code enrols one factor once.
 * 0, or -1 with a message (storage; a credential ID enrolled already, by
 * anyone). @relation(REQ-MFA-022, REQ-MFA-006) */
__attribute__((warn_unused_result))
int dsg_cred_store_webauthn_enrol(struct sqlite3 *db, const char *user_id,
                                  const dsg_webauthn_cred *c, int64_t now, char *err, size_t n);

/* The account's credential of ID id[0 .. len): 1 and *out, 0 when the
 * account has none of that ID that is not revoked, -1 (storage, or a
 * stored row out of range). @relation(REQ-MFA-023, REQ-MFA-006) */
__attribute__((warn_unused_result))
int dsg_cred_store_webauthn_get(struct sqlite3 *db, const char *user_id, const uint8_t *id,
                                size_t len, dsg_webauthn_cred *out);

/* The IDs of the account's credentials not revoked, oldest first, into
 * out[0 .. cap): how many (at most cap), or -1.
 * @relation(REQ-MFA-022, REQ-MFA-023, REQ-MFA-006) */
__attribute__((warn_unused_result))
int dsg_cred_store_webauthn_ids(struct sqlite3 *db, const char *user_id,
                                dsg_cred_webauthn_id *out, unsigned cap);

/* Stores count as the signature counter of the account's credential id.
 * 0, or -1 (storage, no such credential, or a counter that does not move
 * forward: the database refuses it). @relation(REQ-MFA-023) */
__attribute__((warn_unused_result))
int dsg_cred_store_webauthn_count(struct sqlite3 *db, const char *user_id, const uint8_t *id,
                                  size_t len, uint32_t count);

#endif
