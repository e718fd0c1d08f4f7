/*
 * The login service of the auth role (REQ-MFA-001, REQ-MFA-005,
 * REQ-MFA-006, REQ-MFA-009, REQ-MFA-010, REQ-MFA-011, REQ-MFA-012,
 * REQ-MFA-014, REQ-ACCT-014): the steps of a login and the sessions they
 * end in, and the password change in a session, over the account
 * database and the proved cores. Transport-free: the role's HTTP routes
 * (and the control socket, for administrators) parse a request, call one
 * step and answer from the dsg_lsvc_result; the role records the result's
 * event as 認証ログ.
 *
 * A login, one record per attempt, kept in memory (a restart of the role
 * ends every half-finished login and every session):
 *
 *   password --> [change the temporary password] --> [enrol TOTP with the
 *   enrolment code] --> TOTP code --> session
 *
 *   password --> [change the temporary password] --> WebAuthn options
 *   (with the enrolment code when the account has no credential yet) -->
 *   registration or assertion --> session
 *
 * The second factor comes from the proved factor table
 * (dsg_login_required) over server-side facts only. Every step that
 * accepts a credential goes through the proved lockout transition
 * (dsg_lock_record), a password on the PASSWORD counter, a TOTP code or an
 * enrolment code for TOTP on the TOTP counter, a WebAuthn registration, an
 * assertion or an enrolment code for WebAuthn on the WEBAUTHN counter; a step of a login begun before a
 * lock is refused (dsg_lock_login_current). An unknown user ID, a locked
 * account, an account that may not log in and a wrong password all answer
 * `auth_failed` after the same scrypt work (REQ-MFA-012); only the
 * result's event and detail, for the log, say which. Every credential
 * refused (and every attempt on a locked account) counts as a failure of
 * the account; the step that opens a session gives the login before it
 * and those failures since it, then starts the count again (REQ-MFA-014).
 *
 * Single-threaded: one role process owns the state (dsg_lsvc_init).
 */
#ifndef DSG_AUTH_LOGIN_SVC_H
#define DSG_AUTH_LOGIN_SVC_H

#include <stddef.h>
#include <stdint.h>

#include "auth/acct_app.h"
#include "auth/lockout.h"
#include "auth/login_flow.h"
#include "auth/pw_hash.h"
#include "auth/pw_policy.h"
#include "auth/session.h"
#include "auth/totp.h"
#include "auth/webauthn.h"

struct sqlite3;

#define DSG_LSVC_TOKEN_BYTES 16u      /* 128 random bits: a login ID, a session token */
#define DSG_LSVC_TOKEN_TEXT 22u       /* their base64url text */
#define DSG_LSVC_LOGINS 256u          /* half-finished logins at once */
#define DSG_LSVC_SESSIONS 1024u       /* live sessions at once */
#define DSG_LSVC_URI_MAX 400u         /* an otpauth:// URI */
#define DSG_LSVC_WA_CREDS 4u          /* WebAuthn credentials an account may hold */
#define DSG_LSVC_WA_ID_MAX 255u       /* bytes of a credential ID enrolled (the options list them) */
#define DSG_LSVC_BOUND_MAX 23u        /* bytes of a peer's binding, e.g. "uid:4294967295" */

typedef struct dsg_lsvc_cfg {
    dsg_lock_policy lock;             /* auth.lockout_threshold, _window, _duration */
    dsg_scrypt_params scrypt;         /* auth.scrypt_n, _r, _p */
    dsg_pw_policy password;           /* auth.password_min_length, ... */
    uint32_t password_history;        /* auth.password_history */
    int64_t challenge_lifetime;       /* auth.challenge_lifetime, seconds */
    dsg_session_policy session;       /* auth.session_idle_timeout, _max_lifetime */
    dsg_session_policy admin_session; /* auth.admin_token_lifetime, auth.session_max_lifetime:
                                       * the sessions of the control channel */
    int64_t reauth_max_age;           /* auth.reauth_max_age, seconds */
    uint32_t max_sessions;            /* auth.max_sessions_per_user */
    uint32_t totp_skew;               /* auth.totp_skew_steps */
    uint32_t admin_factor;            /* auth.admin_second_factor (dsg_admin_factor) */
    char issuer[64];                  /* the otpauth issuer: auth.rp_id */
    dsg_webauthn_rp rp;               /* auth.rp_id, portal.origin (borrowed) */
    dsg_webauthn_policy webauthn;     /* auth.webauthn_aaguid_allowlist, _self_attestation,
                                       * _attestation_roots (borrowed) */
    const char *notice;               /* auth.logon_notice (borrowed; NULL: none) */
    uint32_t password_max_age_days;   /* auth.password_max_age_days: 0 off */
    const uint8_t *totp_key;          /* the data key TOTP secrets are sealed under
                                       * (DSG_SEAL_KEY_LEN bytes, borrowed; REQ-MFA-018) */
} dsg_lsvc_cfg;

#define DSG_LSVC_MAX_AGE_DAYS_MAX 3650u   /* the largest auth.password_max_age_days */

/* Where a request came from: facts the transport established. */
typedef struct dsg_lsvc_peer {
    uint32_t channel;                 /* dsg_login_channel */
    uint32_t ministry_network;        /* 1: the address is in auth.ministry_networks */
    uint32_t ministry_cert;           /* 1: a registered Ministry terminal's certificate */
    const char *computer;             /* 認証ログ's computer name: terminal or address */
    const char *bound;                /* control: who alone may use the session ("uid:U"
                                       * of the control socket's peer); NULL for the portal */
    const char *addr;                 /* the portal: the client's address as the server saw
                                       * it (REQ-ACCT-016); NULL: none, no network holds it */
} dsg_lsvc_peer;

/* What the client must send next. */
typedef enum dsg_lsvc_next {
    DSG_LSVC_NEXT_NONE = 0,           /* refused: start again */
    DSG_LSVC_NEXT_PASSWORD_CHANGE,    /* a new password (the issued one is temporary) */
    DSG_LSVC_NEXT_ENROL_TOTP,         /* the enrolment code, to get a TOTP secret */
    DSG_LSVC_NEXT_CONFIRM_TOTP,       /* a code of the new secret */
    DSG_LSVC_NEXT_TOTP,               /* a TOTP code */
    DSG_LSVC_NEXT_WEBAUTHN,           /* WebAuthn options, then an assertion */
    DSG_LSVC_NEXT_SESSION,            /* done: the session token is in the result */
    DSG_LSVC_NEXT_ENROL_WEBAUTHN,     /* WebAuthn options with the enrolment code, then a
                                       * registration */
    DSG_LSVC_NEXT_REGISTER_WEBAUTHN,  /* the registration of the options just issued */
    DSG_LSVC_NEXT_ASSERT_WEBAUTHN     /* the assertion of the options just issued */
} dsg_lsvc_next;

/* What the browser needs for navigator.credentials.create / .get (the
 * transport writes PublicKeyCredentialCreationOptions or ...RequestOptions
 * from it, with the relying party of dsg_lsvc_cfg.rp). */
typedef struct dsg_lsvc_webauthn_opts {
    uint8_t challenge[DSG_WEBAUTHN_CHALLENGE_LEN];
    uint8_t user_handle[32];          /* create: user.id, SHA-256 of the user ID */
    int uv_required;                  /* get: the login's requirement (create: always) */
    unsigned n_creds;                 /* the account's credentials: exclude / allow list */
    uint8_t cred[DSG_LSVC_WA_CREDS][DSG_LSVC_WA_ID_MAX];
    size_t cred_len[DSG_LSVC_WA_CREDS];
} dsg_lsvc_webauthn_opts;

/* A WebAuthn assertion as the browser gives it (AuthenticatorAssertionResponse). */
typedef struct dsg_lsvc_assertion {
    const uint8_t *cred_id;
    size_t cred_id_len;
    const uint8_t *auth_data;
    size_t auth_data_len;
    const uint8_t *client_data;
    size_t client_data_len;
    const uint8_t *sig;
    size_t sig_len;
} dsg_lsvc_assertion;

typedef struct dsg_lsvc_result {
    int status;                       /* 200, 400, 401, 503: the HTTP status to answer */
    const char *error;                /* the error code for the client, NULL on success */
    dsg_lsvc_next next;
    char login[DSG_LSVC_TOKEN_TEXT + 1];   /* the login ID, while next is a step */
    char token[DSG_LSVC_TOKEN_TEXT + 1];   /* the new session's token (NEXT_SESSION) */
    char otpauth[DSG_LSVC_URI_MAX];        /* NEXT_CONFIRM_TOTP: the secret, as a URI */
    dsg_lsvc_webauthn_opts webauthn;       /* NEXT_REGISTER_ / NEXT_ASSERT_WEBAUTHN */
    /* For 認証ログ: */
    char user_id[DSG_ACCT_USER_ID_MAX + 1];  /* as stored, or "unknown:" and a keyed hash */
    const char *event;                /* e.g. "password-accepted", "password-refused" */
    char detail[256];                 /* the reason, never a secret */
    uint32_t broken;                  /* weak_password: the DSG_PW_* rules the new one broke */
    int locked;                       /* 1: this step locked the account */
    int unlocked;                     /* 1: the account's lock was over and it was reopened */
    int evicted;                      /* 1: the oldest session was ended for this one */
    /* NEXT_SESSION: the login before this one and the failed credential
     * steps since it, for the user to see (REQ-MFA-014). */
    int has_previous;                 /* 0: the account's first login */
    int64_t previous_at;              /* the previous successful login */
    char previous_time[32];           /* previous_at, UTC RFC 3339 */
    char previous_computer[64];       /* its computer name; "" unknown */
    uint32_t failures_since;          /* failed credential steps since it (since ever:
                                       * the first login) */
    uint32_t sessions_ended;          /* a password change: the account's other sessions
                                       * it ended (REQ-MFA-010) */
    int fresh;                        /* a token accepted by dsg_lsvc_admin_session or
                                       * dsg_lsvc_session: both factors verified within
                                       * cfg->reauth_max_age */
} dsg_lsvc_result;

/* A password change in a session: the current password, the new one, and
 * a fresh second factor of the session's kind. */
typedef struct dsg_lsvc_pw_change {
    const uint8_t *current;
    size_t current_len;
    const uint8_t *new_pw;
    size_t new_len;
    const char *code;                 /* a TOTP session: a code; else NULL */
    const dsg_lsvc_assertion *assertion;   /* a WebAuthn session: the assertion of the
                                            * options dsg_lsvc_change_options issued; else
                                            * NULL */
} dsg_lsvc_pw_change;

/* Resets the service: no login, no session; cfg and db kept (borrowed)
 * until the next init. A new key for the hashes of unknown user IDs.
 * 0, or -1 (a policy out of range, no randomness). @relation(REQ-MFA-021) */
__attribute__((warn_unused_result))
int dsg_lsvc_init(const dsg_lsvc_cfg *cfg, struct sqlite3 *db);

/* The notice shown before credentials are entered: auth.logon_notice, ""
 * when none is set. @relation(REQ-MFA-014) */
const char *dsg_lsvc_notice(void);

#define DSG_LSVC_WINDOWS_MAX 256u   /* bytes of a Windows account a terminal reports */

/* A Windows logon at a registered terminal (REQ-MFA-016), its first
 * request: the password step of dsg_lsvc_password (with peer's facts: a
 * Ministry terminal's certificate exempts a Ministry account from
 * WebAuthn, REQ-MFA-002), through the same proved login record, lockout
 * and failure answers, the login marked as the terminal logon's (no other
 * route may take its steps, and it may take no portal login's). Then, as
 * the factor table requires:
 *   TOTP: at once the TOTP step with code; allowed (200, next NONE) only
 *     when it verified, recorded as the account's login from
 *     peer->computer, no session opened; no code: 400
 *     terminal_code_required, the login dropped;
 *   WebAuthn (enrolled): the request options (200, next
 *     NEXT_ASSERT_WEBAUTHN, the login kept, with the Windows account
 *     windows the terminal reported) for dsg_lsvc_terminal_assert.
 * Denied: every refusal of those steps as they answer it; a password older
 * than auth.password_max_age_days (403 password_change_required); and,
 * after the password verified, 403 terminal_factor_unsupported when the
 * next step is an enrolment or a temporary password's change, the login
 * dropped. @relation(REQ-MFA-016, REQ-MFA-021) */
void dsg_lsvc_terminal_logon(const char *user_id, const uint8_t *pw, size_t pw_len,
                             const char *code, const char *windows, const dsg_lsvc_peer *peer,
                             int64_t now, dsg_lsvc_result *res);

/* The second request of a terminal logon of a WebAuthn account: the
 * assertion of the options dsg_lsvc_terminal_logon issued, checked as
 * dsg_lsvc_webauthn_assert checks it, at the same terminal (computer: the
 * terminal the request came from) for the same Windows account (windows:
 * the one the terminal reports now; either differing is 401
 * login_incomplete, the login dropped); allowed (200, next NONE) recorded as the account's
 * login from that terminal, no session opened.
 * @relation(REQ-MFA-016, REQ-MFA-023, REQ-MFA-021) */
void dsg_lsvc_terminal_assert(const char *login, const char *computer, const char *windows,
                              const dsg_lsvc_assertion *a, int64_t now, dsg_lsvc_result *res);

/* The password step. A password older than cfg->password_max_age_days
 * (when not 0) is to be changed once the second factor is verified: that
 * step answers NEXT_PASSWORD_CHANGE instead of a session.
 * An account of an organisation whose networks do not hold peer->addr
 * (REQ-ACCT-016; not for the control channel) is refused with 401
 * auth_failed after the same scrypt work as every other refusal.
 * @relation(REQ-MFA-021, REQ-MFA-025, REQ-MFA-012, REQ-ACCT-022, REQ-ACCT-023, REQ-MFA-010,
 * REQ-ACCT-016) */
void dsg_lsvc_password(const char *user_id, const uint8_t *pw, size_t pw_len,
                       const dsg_lsvc_peer *peer, int64_t now, dsg_lsvc_result *res);

/* The network check of a later step of login (REQ-ACCT-016), before the
 * step runs: 1 when it may go on (no such login included: the step
 * answers it; a dsgctl login, which is not subject to it); 0 when the
 * login's account may not be used from peer->addr, with 401 auth_failed
 * in res (the login dropped, the attempt counted as a failure since the
 * last login, event "network-refused") or 503 auth_unavailable.
 * @relation(REQ-ACCT-016, REQ-MFA-012) */
int dsg_lsvc_login_from(const char *login, const dsg_lsvc_peer *peer, int64_t now,
                        dsg_lsvc_result *res);

/* The network check of a session request (REQ-ACCT-016), before it runs:
 * 1 when it may go on (no such session included: the request answers
 * it); 0 when the session's account may not be used from peer->addr, with
 * 403 network_not_allowed in res (event "network-refused"; the session
 * stays), or 503 auth_unavailable. @relation(REQ-ACCT-016) */
int dsg_lsvc_session_from(const char *token, const dsg_lsvc_peer *peer, int64_t now,
                          dsg_lsvc_result *res);

/* Replaces the temporary password of login by pw (the policy, the
 * history); or, once both factors are verified, the password older than
 * cfg->password_max_age_days, which then completes the login with a
 * session. @relation(REQ-MFA-009, REQ-MFA-010, REQ-MFA-024) */
void dsg_lsvc_change_password(const char *login, const uint8_t *pw, size_t pw_len, int64_t now,
                              dsg_lsvc_result *res);

/* Checks the enrolment code and draws a TOTP secret for login, given back
 * as an otpauth URI; the secret is stored only once confirmed.
 * @relation(REQ-MFA-005, REQ-MFA-006, REQ-MFA-025) */
void dsg_lsvc_enrol_totp(const char *login, const char *code, int64_t now,
                         dsg_lsvc_result *res);

/* A TOTP code: of the secret being enrolled (NEXT_CONFIRM_TOTP: stores it
 * and ends the enrolment code), or of the enrolled one (NEXT_TOTP). Either
 * completes the login with a session. @relation(REQ-MFA-021, REQ-MFA-005, REQ-MFA-025) */
void dsg_lsvc_totp(const char *login, const char *code, int64_t now, dsg_lsvc_result *res);

/* Issues a fresh challenge for login (replacing any earlier one: one live
 * challenge per login, used once) with what the browser needs in
 * res->webauthn: for an account with no credential (NEXT_ENROL_WEBAUTHN)
 * only with the account's live enrolment code, checked on the WEBAUTHN
 * counter (next NEXT_REGISTER_WEBAUTHN); for an enrolled one (code NULL or
 * "") its credentials (next NEXT_ASSERT_WEBAUTHN).
 * @relation(REQ-MFA-022, REQ-MFA-023, REQ-MFA-006, REQ-MFA-025) */
void dsg_lsvc_webauthn_options(const char *login, const char *code, int64_t now,
                               dsg_lsvc_result *res);

/* The registration (attestationObject att, clientDataJSON cdj) of the
 * challenge issued: the ceremony under cfg->webauthn, on the WEBAUTHN
 * counter; stores the credential, ends the enrolment code and completes
 * the login with a session. @relation(REQ-MFA-022, REQ-MFA-006, REQ-MFA-025, REQ-MFA-021) */
void dsg_lsvc_webauthn_register(const char *login, const uint8_t *att, size_t att_len,
                                const uint8_t *cdj, size_t cdj_len, int64_t now,
                                dsg_lsvc_result *res);

/* An assertion of the challenge issued, by a credential of the account
 * still acceptable under cfg->webauthn, with UV when the login requires it
 * (flow.req, fixed at the password step): on the WEBAUTHN counter; stores
 * the new signature counter and completes the login with a session.
 * @relation(REQ-MFA-023, REQ-MFA-025, REQ-MFA-021) */
void dsg_lsvc_webauthn_assert(const char *login, const dsg_lsvc_assertion *a, int64_t now,
                              dsg_lsvc_result *res);

/* Assertion options for a password change in the session of token (a
 * session whose login used WebAuthn): a fresh challenge kept with the
 * session (replacing any earlier one, usable once, for
 * auth.challenge_lifetime) and the account's credentials, UV required;
 * next NEXT_ASSERT_WEBAUTHN. 401 session_expired without a live portal
 * session; 400 `totp_session` for a session of a TOTP login (it sends a
 * code). @relation(REQ-MFA-010, REQ-MFA-023) */
void dsg_lsvc_change_options(const char *token, int64_t now, dsg_lsvc_result *res);

/* Changes the password of the session of token's account (REQ-MFA-010):
 * the new password against the policy (400 weak_password, with the rules
 * broken), the current password on the PASSWORD counter, the new one
 * against the last cfg->password_history (400 password_reused), then a
 * fresh second factor of the session's kind — a TOTP code on the TOTP
 * counter (accepted once), or an assertion of dsg_lsvc_change_options'
 * challenge with UV on the WEBAUTHN counter (400 second_factor_required
 * when it is missing); every credential through the lockout transition
 * as in a login (401 auth_failed, counted for REQ-MFA-014). On success
 * the new password is stored, every other session of the account ends
 * (res->sessions_ended) and this one's authentication is fresh.
 * @relation(REQ-MFA-010, REQ-MFA-024, REQ-MFA-025) */
void dsg_lsvc_session_change_password(const char *token, const dsg_lsvc_pw_change *c,
                                      int64_t now, dsg_lsvc_result *res);

/* The portal session of token at now: 200 with its user ID (the
 * session's last use moves to now) and whether its authentication is
 * fresh (both factors verified within cfg->reauth_max_age), or 401
 * `session_expired` (unknown, ended, idle, past its lifetime, an
 * administrator's token; an expired one is ended).
 * @relation(REQ-ACCT-014, REQ-MFA-015) */
void dsg_lsvc_session(const char *token, int64_t now, dsg_lsvc_result *res);

/* An administrator's token presented on the control socket by bound:
 * accepted (200, user_id, and fresh when both factors were verified within
 * cfg->reauth_max_age) only for a session of the control channel opened
 * by the same bound, within auth.admin_token_lifetime of its last use,
 * and touched; else 401 session_expired. A portal session is refused
 * here, and dsg_lsvc_session refuses an administrator's token.
 * @relation(REQ-ACCT-012, REQ-ACCT-011, REQ-MFA-015) */
void dsg_lsvc_admin_session(const char *token, const char *bound, int64_t now,
                            dsg_lsvc_result *res);

/* Ends the session of token (logout). @relation(REQ-ACCT-014) */
void dsg_lsvc_logout(const char *token, int64_t now, dsg_lsvc_result *res);

/* A live session as an administrator sees it: never the token. */
typedef struct dsg_lsvc_session_info {
    char id[13];                      /* the first 12 hex digits of the token's SHA-256 */
    int64_t created, last_seen;
    uint32_t factor;                  /* dsg_login_factor of its login */
    char computer[64];
} dsg_lsvc_session_info;

/* The account's live sessions at now (sessions found idle or past their
 * lifetime are ended first): up to cap of them into out, sorted oldest
 * first, and how many the account has (may exceed cap). @relation(REQ-ACCT-015) */
size_t dsg_lsvc_sessions(const char *user_id, int64_t now, dsg_lsvc_session_info *out,
                         size_t cap);

/* Ends the account's session whose id (dsg_lsvc_session_info) is id, or
 * every one of its sessions when id is NULL: how many were ended.
 * @relation(REQ-ACCT-015) */
size_t dsg_lsvc_end_sessions(const char *user_id, const char *id);

/* Drops every login of the account still in progress (its factor, read
 * at the password step, may just have been revoked by a factor reset):
 * their next step finds no login. How many were dropped.
 * @relation(REQ-MFA-006) */
size_t dsg_lsvc_end_logins(const char *user_id);

/* An administrator's unlock: the lock state opened (the proved
 * dsg_lock_admin_unlock: counters cleared, generation kept, so a login
 * begun before the lock stays refused) and a LOCKED account moved back to
 * ACTIVE, by. 0; 1 when the account is not locked (nothing changed); -1
 * with a message. @relation(REQ-MFA-025) */
int dsg_lsvc_unlock(const char *user_id, int64_t now, const char *by, char *err, size_t n);

/* The name of one DSG_PW_* rule bit ("too-short", "too-long",
 * "few-classes", "contains-user-id", "common", "bad-utf8", "control"),
 * NULL for anything else. @relation(REQ-MFA-024) */
const char *dsg_lsvc_rule_name(uint32_t bit);

/* "password-change", "enrol-totp", "confirm-totp", "totp", "webauthn",
 * "session", "enrol-webauthn", "register-webauthn", "assert-webauthn"; ""
 * for NONE. @relation(REQ-MFA-021) */
const char *dsg_lsvc_next_name(dsg_lsvc_next n);

/* The one fixed English message of a login API error code (the service's
 * codes and the API's own "bad_request" and "rate_limited"), for the
 * answer's "message"; NULL for any other text. A message never depends on
 * the case behind the code: "auth_failed" tells nothing of which
 * (REQ-MFA-012). @relation(REQ-MFA-020, REQ-MFA-012) */
const char *dsg_lsvc_error_message(const char *code);

#endif
