/* The login service of the auth role: see login_svc.h. */
#include "auth/login_svc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sqlite3.h>

#include "auth/acct_store.h"
#include "auth/cred_store.h"
#include "auth/org_store.h"
#include "auth/totp_hmac.h"
#include "auth/totp_uri.h"
#include "core/b64url.h"
#include "core/rfc3339.h"

#define SYSTEM_ACTOR "system:auth"

typedef struct login_rec {
    char id[DSG_LSVC_TOKEN_TEXT + 1];     /* "": a free slot */
    char user_id[DSG_ACCT_USER_ID_MAX + 1];
    dsg_login flow;                        /* the proved record of the steps */
    int must_change;                       /* the password is to be changed: the issued,
                                            * temporary one, or an aged one whose login
                                            * has both factors verified */
    int aged;                              /* older than auth.password_max_age_days */
    int enrolled;                          /* the required factor is enrolled */
    int pending;                           /* a TOTP secret drawn, not yet confirmed */
    dsg_cred_totp totp;                    /* the pending secret, or the enrolled one */
    int terminal;                          /* begun by a terminal logon (REQ-MFA-016):
                                            * its steps are the terminal logon's only */
    int challenge_live;                    /* a WebAuthn challenge issued, not yet used */
    uint8_t challenge[DSG_WEBAUTHN_CHALLENGE_LEN];
    char computer[64];
    char windows[DSG_LSVC_WINDOWS_MAX + 1]; /* a terminal logon's Windows account */
    uint32_t channel;                      /* dsg_login_channel of the password step */
    char bound[DSG_LSVC_BOUND_MAX + 1];    /* the peer's binding (dsg_lsvc_peer.bound) */
} login_rec;

typedef struct session_rec {
    dsg_session s;                         /* s.token_hash: SHA-256 of the token */
    int used;
    char user_id[DSG_ACCT_USER_ID_MAX + 1];
    char computer[64];
    uint32_t channel;                      /* dsg_login_channel of its login */
    char bound[DSG_LSVC_BOUND_MAX + 1];    /* "" for the portal's */
    int challenge_live;                    /* a password change's WebAuthn challenge */
    int64_t challenge_at;
    uint8_t challenge[DSG_WEBAUTHN_CHALLENGE_LEN];
} session_rec;

static const dsg_lsvc_cfg *cfg;
static sqlite3 *db;
static uint8_t id_key[32];                 /* keys the hashes of unknown user IDs */
static login_rec logins[DSG_LSVC_LOGINS];
static int terminal_logon;     /* 1 while a terminal logon's step runs: no session */
static session_rec sessions[DSG_LSVC_SESSIONS];

static void factors_done(login_rec *l, const char *event, const char *what, int64_t now,
                         dsg_lsvc_result *res);
static uint32_t end_others(const char *user_id, const session_rec *keep);

/* ---- results ---------------------------------------------------------------------- */

/* The caller may pass the login ID or token of an earlier result in the
 * result it gets back: the steps copy them first. */
static void copy_id(char out[DSG_LSVC_TOKEN_TEXT + 1], const char *id)
{
    snprintf(out, DSG_LSVC_TOKEN_TEXT + 1, "%s", strlen(id) == DSG_LSVC_TOKEN_TEXT ? id : "");
}

static void begin_result(dsg_lsvc_result *res, const char *user_id)
{
    memset(res, 0, sizeof *res);
    snprintf(res->user_id, sizeof res->user_id, "%s", user_id);
}

static void failed(dsg_lsvc_result *res, int status, const char *error, const char *event,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* A refusal: the client sees status and error only; event and detail are
 * for the log. */
static void failed(dsg_lsvc_result *res, int status, const char *error, const char *event,
                   const char *fmt, ...)
{
    va_list ap;
    res->status = status;
    res->error = error;
    res->event = event;
    res->next = DSG_LSVC_NEXT_NONE;
    res->login[0] = '\0';
    va_start(ap, fmt);
    vsnprintf(res->detail, sizeof res->detail, fmt, ap);
    va_end(ap);
}

static void accepted(dsg_lsvc_result *res, const char *event, dsg_lsvc_next next)
{
    res->status = 200;
    res->error = NULL;
    res->event = event;
    res->next = next;
}

/* ---- tokens ------------------------------------------------------------------------ */

/* 128 random bits as base64url text. 0, or -1. */
static int random_text(char out[DSG_LSVC_TOKEN_TEXT + 1])
{
    uint8_t raw[DSG_LSVC_TOKEN_BYTES];
    size_t len = 0;
    if (RAND_bytes(raw, sizeof raw) != 1 ||
        dsg_b64url_encode(raw, sizeof raw, out, DSG_LSVC_TOKEN_TEXT + 1, &len) != DSG_B64URL_OK ||
        len != DSG_LSVC_TOKEN_TEXT)
        return -1;
    out[len] = '\0';
    return 0;
}

static int token_equal(const char *a, const char *b)
{
    return strlen(a) == DSG_LSVC_TOKEN_TEXT && strlen(b) == DSG_LSVC_TOKEN_TEXT &&
           CRYPTO_memcmp(a, b, DSG_LSVC_TOKEN_TEXT) == 0;
}

static void sha256(const void *p, size_t n, uint8_t out[32])
{
    if (EVP_Digest(p, n, out, NULL, EVP_sha256(), NULL) != 1)
        memset(out, 0, 32);   /* matches no stored token hash of a real token */
}

/* The account key of a session: the first 8 bytes of SHA-256(user ID). */
static uint64_t account_key(const char *user_id)
{
    uint8_t h[32];
    uint64_t k = 0;
    sha256(user_id, strlen(user_id), h);
    for (int i = 0; i < 8; i++)
        k = k << 8 | h[i];
    return k;
}

/* A user ID that has no account, for the log: people type passwords into
 * the ID box, so it is never recorded as typed. */
static void unknown_id(const char *typed, char out[DSG_ACCT_USER_ID_MAX + 1])
{
    uint8_t mac[32];
    size_t len = 0;
    if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, id_key, sizeof id_key,
                  (const uint8_t *)typed, strlen(typed), mac, sizeof mac, &len) == NULL)
        memset(mac, 0, sizeof mac);
    snprintf(out, DSG_ACCT_USER_ID_MAX + 1, "unknown:");
    for (int i = 0; i < 8; i++)
        snprintf(out + 8 + 2 * i, 3, "%02x", mac[i]);
}

int dsg_lsvc_init(const dsg_lsvc_cfg *c, sqlite3 *d)
{
    memset(logins, 0, sizeof logins);
    memset(sessions, 0, sizeof sessions);
    if (dsg_lock_policy_check(&c->lock) != DSG_LOCK_OK ||
        !dsg_scrypt_params_is_valid(&c->scrypt) || !dsg_pw_policy_is_valid(&c->password) ||
        dsg_session_policy_check(&c->session) != DSG_SESSION_OK ||
        dsg_session_policy_check(&c->admin_session) != DSG_SESSION_OK ||
        c->reauth_max_age < 1 || c->reauth_max_age > DSG_SESSION_REAUTH_MAX ||
        c->challenge_lifetime < 1 || c->challenge_lifetime > DSG_LOGIN_LIFETIME_MAX ||
        c->max_sessions < 1 || c->max_sessions > DSG_SESSION_MAX_PER_USER_MAX ||
        c->totp_skew > DSG_TOTP_SKEW_MAX ||
        c->password_max_age_days > DSG_LSVC_MAX_AGE_DAYS_MAX || c->totp_key == NULL ||
        RAND_bytes(id_key, sizeof id_key) != 1)
        return -1;
    cfg = c;
    db = d;
    return 0;
}

/* @relation(REQ-MFA-014) */
const char *dsg_lsvc_notice(void)
{
    return cfg != NULL && cfg->notice != NULL ? cfg->notice : "";
}

/* A new password for user_id that breaks the policy: 1 with the refusal
 * (400 weak_password, the rules it breaks) in res; 0 when it may be used. */
static int weak_password(const uint8_t *pw, size_t len, const char *user_id,
                         dsg_lsvc_result *res)
{
    uint32_t broken = dsg_pw_check(&cfg->password, pw, len, (const uint8_t *)user_id,
                                   strlen(user_id));
    if (broken == 0)
        return 0;
    failed(res, 400, "weak_password", "password-change-refused", "rules broken:");
    for (uint32_t bit = 1; bit <= DSG_PW_RULES; bit <<= 1)
        if ((broken & bit) != 0 && dsg_lsvc_rule_name(bit) != NULL)
            snprintf(res->detail + strlen(res->detail), sizeof res->detail - strlen(res->detail),
                     " %s", dsg_lsvc_rule_name(bit));
    res->broken = broken;
    return 1;
}

/* ---- logins ------------------------------------------------------------------------ */

static login_rec *find_login(const char *id)
{
    login_rec *found = NULL;
    for (unsigned i = 0; i < DSG_LSVC_LOGINS; i++)
        if (logins[i].id[0] != '\0' && token_equal(logins[i].id, id))
            found = &logins[i];
    return found;
}

static void drop_login(login_rec *l)
{
    OPENSSL_cleanse(l, sizeof *l);
}

/* A free slot; the oldest login when every slot is taken (it would have to
 * be finished within challenge_lifetime anyway). */
static login_rec *new_login(int64_t now)
{
    login_rec *oldest = &logins[0];
    for (unsigned i = 0; i < DSG_LSVC_LOGINS; i++) {
        login_rec *l = &logins[i];
        if (l->id[0] != '\0' && now - l->flow.created >= cfg->challenge_lifetime)
            drop_login(l);
        if (l->id[0] == '\0')
            return l;
        if (l->flow.created < oldest->flow.created)
            oldest = l;
    }
    drop_login(oldest);
    return oldest;
}

/* The next step of a login whose password was accepted. */
static dsg_lsvc_next next_step(const login_rec *l)
{
    if (l->must_change)
        return DSG_LSVC_NEXT_PASSWORD_CHANGE;
    if (l->flow.req.factor == DSG_LOGIN_WEBAUTHN && l->challenge_live)
        return l->enrolled ? DSG_LSVC_NEXT_ASSERT_WEBAUTHN : DSG_LSVC_NEXT_REGISTER_WEBAUTHN;
    if (l->flow.req.factor == DSG_LOGIN_WEBAUTHN)
        return l->enrolled ? DSG_LSVC_NEXT_WEBAUTHN : DSG_LSVC_NEXT_ENROL_WEBAUTHN;
    if (l->pending)
        return DSG_LSVC_NEXT_CONFIRM_TOTP;
    return l->enrolled ? DSG_LSVC_NEXT_TOTP : DSG_LSVC_NEXT_ENROL_TOTP;
}

/* The login of id, live and of the current lock generation; NULL with the
 * refusal in res otherwise (and the login dropped). */
static login_rec *live_login(const char *id, int64_t now, dsg_lsvc_result *res)
{
    login_rec *l = find_login(id);
    dsg_lock lock;
    if (l == NULL) {
        failed(res, 401, "login_incomplete", "step-refused", "no such login");
        return NULL;
    }
    snprintf(res->user_id, sizeof res->user_id, "%s", l->user_id);
    if (l->terminal != terminal_logon) {   /* a terminal logon opens no session */
        failed(res, 401, "login_incomplete", "step-refused", "%s",
               l->terminal ? "a terminal logon's login goes on at the terminal logon only"
                           : "a portal login does not go on at a terminal logon");
        drop_login(l);
        return NULL;
    }
    /* an aged password is changed after both factors (REQ-MFA-010) */
    int step_ok = l->flow.step == DSG_LOGIN_PASSWORD_OK ||
                  (l->flow.step == DSG_LOGIN_DONE && l->aged && l->must_change);
    if (!step_ok || now < l->flow.created ||
        now - l->flow.created >= cfg->challenge_lifetime) {
        failed(res, 401, "login_incomplete", "step-refused", "the login expired");
        drop_login(l);
        return NULL;
    }
    if (dsg_cred_store_lock_get(db, l->user_id, &lock) != 0 ||
        !dsg_lock_login_current(&lock, now, l->flow.lock_generation)) {
        failed(res, 401, "auth_failed", "step-refused",
               "the account locked after this login began");
        drop_login(l);
        return NULL;
    }
    return l;
}

/* The login of id for a step other than the password change: while the
 * issued password is still to be changed, that is the only step
 * (REQ-MFA-009); the login stays. */
static login_rec *changed_login(const char *id, int64_t now, dsg_lsvc_result *res)
{
    login_rec *l = live_login(id, now, res);
    if (l == NULL || !l->must_change)
        return l;
    failed(res, 403, "password_change_required", "step-refused",
           "the issued password must be changed first");
    snprintf(res->login, sizeof res->login, "%s", l->id);
    res->next = DSG_LSVC_NEXT_PASSWORD_CHANGE;
    return NULL;
}

/* The login a step's request names, with res begun: live, of the current
 * lock generation and, for any step but the password change itself, with
 * the issued password changed (else 403). NULL with the refusal in res. */
static login_rec *step_login(const char *login, int64_t now, int password_change,
                             dsg_lsvc_result *res)
{
    char id[DSG_LSVC_TOKEN_TEXT + 1];
    copy_id(id, login);
    begin_result(res, "");
    return password_change ? live_login(id, now, res) : changed_login(id, now, res);
}

/* ---- lockout ---------------------------------------------------------------------- */

/* Records the outcome of a credential on factor f through the proved
 * transition and stores the state; locks the account when it says so.
 * 1 when the step may go on (a success recorded), 0 when it must answer
 * auth_failed, with the event and detail set for the log. */
static int judge(const char *user_id, uint32_t f, int ok, uint64_t gen, int64_t now,
                 const char *what, dsg_lsvc_result *res)
{
    dsg_lock lock;
    if (dsg_cred_store_lock_get(db, user_id, &lock) != 0) {
        failed(res, 503, "auth_unavailable", "storage-failed", "the lock state is unreadable");
        return 0;
    }
    dsg_lock_status st = dsg_lock_record(&lock, &cfg->lock, f, ok ? DSG_LOCK_SUCCESS
                                                                   : DSG_LOCK_FAILURE,
                                         now, gen);
    if ((st == DSG_LOCK_OK || st == DSG_LOCK_NOW_LOCKED) &&
        dsg_cred_store_lock_put(db, user_id, &lock) != 0) {
        failed(res, 503, "auth_unavailable", "storage-failed", "the lock state was not stored");
        return 0;
    }
    char note[200] = "";
    if (!ok && dsg_acct_store_login_failed(db, user_id) != 0)
        snprintf(note, sizeof note, "; the failure was not counted since the last login");
    if (st == DSG_LOCK_NOW_LOCKED) {
        dsg_acct_problem p;
        uint32_t from;
        res->locked = 1;
        if (dsg_acct_store_event(db, user_id, DSG_ACCT_EV_LOCK, now, SYSTEM_ACTOR, &from, &p) != 0)
            snprintf(note + strlen(note), sizeof note - strlen(note),
                     "; the LOCKED state was not recorded: %.120s", p.message);
    }
    if (!dsg_lock_refuses(st, ok ? DSG_LOCK_SUCCESS : DSG_LOCK_FAILURE))
        return 1;
    /* 補足情報 (REQ-MFA-017): what, why, and the failure count of the
     * factor's run (at a lock, the threshold it reached: the lock clears it) */
    char why[96];
    if (st == DSG_LOCK_OK || st == DSG_LOCK_NOW_LOCKED)
        snprintf(why, sizeof why, "wrong (failure %u of %u)%s",
                 (unsigned)(st == DSG_LOCK_OK ? lock.factor[f].failures : cfg->lock.threshold),
                 (unsigned)cfg->lock.threshold,
                 st == DSG_LOCK_NOW_LOCKED ? "; the account is now locked" : "");
    else
        snprintf(why, sizeof why, "refused: %s",
                 st == DSG_LOCK_DENIED ? "the account is locked"
                 : st == DSG_LOCK_STALE ? "the account locked after this login began"
                                        : dsg_lock_status_name(st));
    failed(res, 401, "auth_failed", st == DSG_LOCK_NOW_LOCKED ? "locked" : "credential-refused",
           "%s %s%s", what, why, note);
    return 0;
}

/* ---- the password step ------------------------------------------------------------ */

/* Spends what a real verification would, for an answer that is decided. */
static void spend_dummy(const uint8_t *pw, size_t pw_len)
{
    int failed_kdf = dsg_pw_verify_dummy(pw, pw_len, &cfg->scrypt) < 0;
    (void)failed_kdf;   /* the answer is decided already */
}

/* The account's lock is over while the state machine still says LOCKED:
 * reopen it (the lockout state is the one source of truth of the end). */
static void reopen_if_over(dsg_acct_row *row, const dsg_lock *lock, int64_t now,
                           dsg_lsvc_result *res)
{
    dsg_acct_problem p;
    uint32_t from;
    if (row->acct.state != DSG_ACCT_LOCKED || dsg_lock_check(lock, now) != DSG_LOCK_OPEN)
        return;
    if (dsg_acct_store_event(db, row->user_id, DSG_ACCT_EV_UNLOCK, now, SYSTEM_ACTOR, &from,
                             &p) == 0) {
        row->acct.state = DSG_ACCT_ACTIVE;
        res->unlocked = 1;
    }
}

/* A password verified against a hash of a lower scrypt cost than the
 * configured one is hashed again at the configured cost (REQ-MFA-008). A
 * failure keeps the old hash: the login does not depend on it. */
static void rehash_if_weaker(const char *user_id, const dsg_cred_password *cred,
                             const uint8_t *pw, size_t pw_len, int64_t now)
{
    char verifier[DSG_CRED_VERIFIER_MAX + 1], err[160];
    if (cred->temporary ||
        dsg_pw_needs_rehash(cred->verifier, strlen(cred->verifier), &cfg->scrypt) != 1 ||
        dsg_pw_hash_new(pw, pw_len, &cfg->scrypt, verifier, sizeof verifier) < 0)
        return;
    if (dsg_cred_store_password_rehash(db, user_id, verifier, cred->set_at, now, err,
                                       sizeof err) != 0)
        OPENSSL_cleanse(verifier, sizeof verifier);
}

/* Whether the account row may be used from peer (REQ-ACCT-016):
 * administrators log in on the control socket, which is not subject to
 * it. 1; 0 with the reason in why; -1 when the organisation is
 * unreadable. */
static int network_ok(const dsg_acct_row *row, const dsg_lsvc_peer *peer, char *why, size_t n)
{
    dsg_org_access access;
    char err[200];
    if (peer->channel == DSG_LOGIN_CONTROL)
        return 1;
    if (dsg_org_store_access(db, row, peer->addr, peer->ministry_network, &access, err,
                             sizeof err) != 0) {
        snprintf(why, n, "%.200s", err);
        return -1;
    }
    if (dsg_org_access_allowed(access))
        return 1;
    int w = snprintf(why, n, "network not allowed: %.64s: %s (organisation ",
                     peer->addr != NULL ? peer->addr : "no address", dsg_org_access_text(access));
    if (w > 0 && (size_t)w < n)   /* the name last: a long one is cut, the reason kept */
        snprintf(why + w, n - (size_t)w, "%s)", row->org);
    return 0;
}

/* The network refusal of a login step (net from network_ok): 401
 * auth_failed like every refusal of REQ-MFA-012, counted for REQ-MFA-014,
 * or 503 when the organisation could not be read. */
static void network_refused(const char *user_id, int net, const char *why,
                            dsg_lsvc_result *res)
{
    if (net < 0) {
        failed(res, 503, "auth_unavailable", "storage-failed", "%s", why);
        return;
    }
    failed(res, 401, "auth_failed", "network-refused", "%s%s", why,
           dsg_acct_store_login_failed(db, user_id) != 0
               ? "; the attempt was not counted since the last login" : "");
}

/* The facts of the factor table, from the store and the transport. */
static dsg_login_facts facts_of(const dsg_acct_row *row, const dsg_lsvc_peer *peer)
{
    dsg_login_facts f = { (uint32_t)row->type, peer->ministry_network != 0,
                          peer->ministry_cert != 0, cfg->admin_factor, peer->channel };
    return f;
}

/* The user's own password is older than auth.password_max_age_days (0:
 * never). @relation(REQ-MFA-010) */
static int aged(const dsg_cred_password *cred, int64_t now)
{
    int64_t max = (int64_t)cfg->password_max_age_days * 86400;
    return max > 0 && now - cred->set_at >= max;
}

/* Starts the login record of an account whose password was accepted. */
static void open_login(const dsg_acct_row *row, const dsg_lock *lock,
                       const dsg_cred_password *cred, const dsg_lsvc_peer *peer, int64_t now,
                       dsg_lsvc_result *res)
{
    dsg_login_facts facts = facts_of(row, peer);
    login_rec *l = new_login(now);
    dsg_login_result r = dsg_login_start(&l->flow, account_key(row->user_id), lock->generation,
                                         now, &facts);
    if (r == DSG_LOGIN_OK)
        r = dsg_login_password(&l->flow, 1, now, cfg->challenge_lifetime);
    if (r != DSG_LOGIN_OK || random_text(l->id) != 0) {
        failed(res, 401, "auth_failed", "password-refused", "%s",
               r == DSG_LOGIN_REFUSED ? "this account does not log in on this channel"
                                      : dsg_login_result_name(r));
        drop_login(l);
        return;
    }
    snprintf(l->user_id, sizeof l->user_id, "%s", row->user_id);
    snprintf(l->computer, sizeof l->computer, "%s", peer->computer);
    l->channel = peer->channel;
    snprintf(l->bound, sizeof l->bound, "%s", peer->bound != NULL ? peer->bound : "");
    l->must_change = cred->temporary;
    l->aged = !cred->temporary && aged(cred, now);
    if (l->flow.req.factor == DSG_LOGIN_TOTP) {
        int got = dsg_cred_store_totp_get(db, cfg->totp_key, row->user_id, &l->totp);
        if (got < 0) {   /* a secret that does not open is no factor (REQ-MFA-018) */
            failed(res, 503, "auth_unavailable", "storage-failed",
                   "the TOTP factor is unreadable");
            drop_login(l);
            return;
        }
        l->enrolled = got == 1;
    } else {
        dsg_cred_webauthn_id one;
        l->enrolled = dsg_cred_store_webauthn_ids(db, row->user_id, &one, 1) == 1;
    }
    accepted(res, "password-accepted", next_step(l));
    snprintf(res->login, sizeof res->login, "%s", l->id);
    snprintf(res->detail, sizeof res->detail, "second factor %s; next %s%s",
             l->flow.req.factor == DSG_LOGIN_TOTP ? "totp" : "webauthn",
             dsg_lsvc_next_name(res->next),
             l->aged ? "; the password is older than auth.password_max_age_days" : "");
}

void dsg_lsvc_password(const char *user_id, const uint8_t *pw, size_t pw_len,
                       const dsg_lsvc_peer *peer, int64_t now, dsg_lsvc_result *res)
{
    dsg_acct_row row;
    dsg_cred_password cred;
    dsg_lock lock;
    char id[DSG_ACCT_USER_ID_MAX + 1], err[160];
    begin_result(res, "");
    int found = dsg_acct_user_id_fold(user_id, id) == 0
                    ? dsg_acct_store_get(db, id, &row, err, sizeof err) : 0;
    if (found != 1) {
        unknown_id(user_id, res->user_id);
        spend_dummy(pw, pw_len);
        failed(res, found < 0 ? 503 : 401, found < 0 ? "auth_unavailable" : "auth_failed",
               "password-refused", "%s", found < 0 ? err : "no such account");
        return;
    }
    snprintf(res->user_id, sizeof res->user_id, "%s", row.user_id);
    if (dsg_cred_store_lock_get(db, row.user_id, &lock) != 0) {
        spend_dummy(pw, pw_len);
        failed(res, 503, "auth_unavailable", "storage-failed", "the lock state is unreadable");
        return;
    }
    if (dsg_lock_check(&lock, now) == DSG_LOCK_LOCKED) {
        spend_dummy(pw, pw_len);
        failed(res, 401, "auth_failed", "password-refused", "the account is locked%s",
               dsg_acct_store_login_failed(db, row.user_id) != 0
                   ? "; the attempt was not counted since the last login" : "");
        return;
    }
    char why[200];
    int net = network_ok(&row, peer, why, sizeof why);
    if (net != 1) {   /* the same work and answer as a wrong password (REQ-MFA-012) */
        spend_dummy(pw, pw_len);
        network_refused(row.user_id, net, why, res);
        return;
    }
    int live = dsg_cred_store_password(db, row.user_id, now, &cred);
    int ok = live == 1 && dsg_pw_verify(cred.verifier, strlen(cred.verifier), pw, pw_len) == 1;
    if (live != 1)
        spend_dummy(pw, pw_len);
    if (!judge(row.user_id, DSG_LOCK_FACTOR_PASSWORD, ok, lock.generation, now, "password",
               res))
        return;
    reopen_if_over(&row, &lock, now, res);
    if (!dsg_acct_may_login(&row.acct, now)) {
        failed(res, 401, "auth_failed", "password-refused", "the account is %s",
               dsg_acct_is_expired(&row.acct, now) ? "past its expiry"
                                                    : dsg_acct_state_name(row.acct.state));
        return;
    }
    rehash_if_weaker(row.user_id, &cred, pw, pw_len, now);
    open_login(&row, &lock, &cred, peer, now, res);
    if (res->unlocked && res->status == 200)
        snprintf(res->detail + strlen(res->detail), sizeof res->detail - strlen(res->detail),
                 "; the lock was over: the account is active again");
}

/* ---- the password change ------------------------------------------------------------ */

/* 1 when pw is one of the account's last cfg->password_history passwords. */
static int reused(const char *user_id, const uint8_t *pw, size_t pw_len)
{
    static char history[64][DSG_CRED_VERIFIER_MAX + 1];
    const char *hashes[64];
    size_t lens[64];
    unsigned n = cfg->password_history < 64 ? cfg->password_history : 64;
    int k = n > 0 ? dsg_cred_store_password_history(db, user_id, n, history) : 0;
    if (k < 0)
        return 1;   /* fail closed: the history is unreadable */
    for (int i = 0; i < k; i++) {
        hashes[i] = history[i];
        lens[i] = strlen(history[i]);
    }
    return k > 0 && dsg_pw_in_history(hashes, lens, (size_t)k, pw, pw_len) != 0;
}

void dsg_lsvc_change_password(const char *login, const uint8_t *pw, size_t pw_len, int64_t now,
                              dsg_lsvc_result *res)
{
    char verifier[DSG_CRED_VERIFIER_MAX + 1], err[160];
    login_rec *l = step_login(login, now, 1, res);
    if (l == NULL)
        return;
    if (!l->must_change) {
        failed(res, 401, "login_incomplete", "step-refused", "no password change is due");
        drop_login(l);
        return;
    }
    if (weak_password(pw, pw_len, l->user_id, res)) {   /* the login goes on: another one */
        snprintf(res->login, sizeof res->login, "%s", l->id);
        res->next = DSG_LSVC_NEXT_PASSWORD_CHANGE;
        return;
    }
    if (reused(l->user_id, pw, pw_len)) {
        failed(res, 400, "password_reused", "password-change-refused",
               "one of the last %u passwords", cfg->password_history);
        snprintf(res->login, sizeof res->login, "%s", l->id);
        res->next = DSG_LSVC_NEXT_PASSWORD_CHANGE;
        return;
    }
    if (dsg_pw_hash_new(pw, pw_len, &cfg->scrypt, verifier, sizeof verifier) < 0 ||
        dsg_cred_store_password_set(db, l->user_id, verifier, now, err, sizeof err) != 0) {
        failed(res, 503, "auth_unavailable", "storage-failed", "the new password was not stored");
        return;
    }
    l->must_change = 0;
    uint32_t ended = end_others(l->user_id, NULL);
    if (l->aged) {   /* both factors are verified: the login is complete */
        l->aged = 0;
        factors_done(l, "password-changed",
                     "the password older than auth.password_max_age_days replaced", now, res);
        res->sessions_ended = ended;
        return;
    }
    accepted(res, "password-changed", next_step(l));
    res->sessions_ended = ended;
    snprintf(res->login, sizeof res->login, "%s", l->id);
    snprintf(res->detail, sizeof res->detail, "the temporary password replaced; next %s",
             dsg_lsvc_next_name(res->next));
}

/* ---- TOTP ------------------------------------------------------------------------- */

/* The enrolment code as issued ("xxxx-xxxx-...", 32 hex digits in 8
 * groups; dashes and case do not matter) matches the stored verifier. */
static int code_matches(const char *code, const char *verifier)
{
    char plain[33], hex[65];
    uint8_t digest[32];
    size_t n = 0;
    for (const char *c = code; *c != '\0'; c++) {
        if (*c == '-' || *c == ' ')
            continue;
        char d = (char)(*c >= 'A' && *c <= 'F' ? *c - 'A' + 'a' : *c);
        if (n == 32 || !((d >= '0' && d <= '9') || (d >= 'a' && d <= 'f')))
            return 0;
        plain[n++] = d;
    }
    if (n != 32)
        return 0;
    sha256(plain, 32, digest);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    OPENSSL_cleanse(plain, sizeof plain);
    return strlen(verifier) == 64 && CRYPTO_memcmp(hex, verifier, 64) == 0;
}

void dsg_lsvc_enrol_totp(const char *login, const char *code, int64_t now, dsg_lsvc_result *res)
{
    char verifier[DSG_CRED_VERIFIER_MAX + 1];
    size_t uri_len = 0;
    login_rec *l = step_login(login, now, 0, res);
    if (l == NULL)
        return;
    if (next_step(l) != DSG_LSVC_NEXT_ENROL_TOTP) {
        failed(res, 401, "login_incomplete", "step-refused", "no TOTP enrolment is due");
        drop_login(l);
        return;
    }
    int live = dsg_cred_store_code(db, l->user_id, now, verifier);
    int ok = live == 1 && code_matches(code, verifier);
    if (!judge(l->user_id, DSG_LOCK_FACTOR_TOTP, ok, l->flow.lock_generation, now,
               "enrolment code", res)) {
        drop_login(l);
        return;
    }
    memset(&l->totp, 0, sizeof l->totp);
    l->totp.alg = DSG_TOTP_SHA1;   /* what every authenticator app reads (RFC 6238 §1.2) */
    l->totp.digits = 6;
    if (dsg_totp_secret_new(l->totp.alg, l->totp.secret, sizeof l->totp.secret,
                            &l->totp.secret_len) != DSG_TOTP_OK ||
        dsg_totp_uri(cfg->issuer, l->user_id, l->totp.alg, l->totp.digits, l->totp.secret,
                     l->totp.secret_len, res->otpauth, sizeof res->otpauth, &uri_len) !=
            DSG_TOTP_OK) {
        failed(res, 503, "auth_unavailable", "storage-failed", "no TOTP secret could be drawn");
        drop_login(l);
        return;
    }
    l->pending = 1;
    accepted(res, "totp-enrolment-begun", DSG_LSVC_NEXT_CONFIRM_TOTP);
    snprintf(res->login, sizeof res->login, "%s", l->id);
    snprintf(res->detail, sizeof res->detail, "enrolment code accepted; secret drawn");
}

/* Checks code against the factor t at now; the step it matched in *step.
 * The status of dsg_totp_verify, or ERR_* when the codes could not be
 * computed. */
static dsg_totp_status check_code(const dsg_cred_totp *t, const char *code, int64_t now,
                                  uint64_t *step)
{
    uint32_t codes[DSG_TOTP_WINDOW_MAX];
    size_t n = 0;
    uint64_t now_step;
    dsg_totp_status st = dsg_totp_step(now, &now_step);
    if (st == DSG_TOTP_OK)
        st = dsg_totp_window_codes(t->alg, t->secret, t->secret_len, t->digits, now_step,
                                   cfg->totp_skew, codes, DSG_TOTP_WINDOW_MAX, &n);
    if (st == DSG_TOTP_OK)
        st = dsg_totp_verify(code, strlen(code), t->digits, now_step, cfg->totp_skew,
                             t->last_step, codes, n, step);
    OPENSSL_cleanse(codes, sizeof codes);
    return st;
}

/* The limits of a session: an administrator's token (channel CONTROL) has
 * its own idle time, auth.admin_token_lifetime. */
static const dsg_session_policy *policy_of(uint32_t channel)
{
    return channel == DSG_LOGIN_CONTROL ? &cfg->admin_session : &cfg->session;
}

/* Ends a session and frees its slot. */
static void end_session(session_rec *s, uint32_t why)
{
    dsg_session_status st = dsg_session_end(&s->s, why);
    (void)st;   /* a slot freed is ended whatever the core says of a malformed one */
    OPENSSL_cleanse(s, sizeof *s);
}

/* A password change ends every session of the account but keep (NULL:
 * every one): how many (REQ-MFA-010). */
static uint32_t end_others(const char *user_id, const session_rec *keep)
{
    uint32_t n = 0;
    for (unsigned i = 0; i < DSG_LSVC_SESSIONS; i++) {
        session_rec *o = &sessions[i];
        if (o != keep && o->used && strcmp(o->user_id, user_id) == 0) {
            end_session(o, DSG_SESSION_FORCED);
            n++;
        }
    }
    return n;
}

/* Records the successful login of l at now (its time also the last login
 * of the inactivity sweep, REQ-ACCT-005) with the one before it and the
 * failures since it into res. 0, or -1. @relation(REQ-MFA-014) */
static int previous_login(const login_rec *l, int64_t now, dsg_lsvc_result *res)
{
    dsg_acct_last_login prev;
    if (dsg_acct_store_login_succeeded(db, l->user_id, now, l->computer, &prev) != 0)
        return -1;
    res->has_previous = prev.at != 0;
    res->previous_at = prev.at;
    res->failures_since = prev.failures;
    snprintf(res->previous_computer, sizeof res->previous_computer, "%s", prev.computer);
    if (res->has_previous &&
        dsg_rfc3339_ms(res->previous_time, sizeof res->previous_time, prev.at, 0) == 0)
        return -1;
    return 0;
}

/* The login is complete: a session, the oldest of the user's ended first
 * when the user is at auth.max_sessions_per_user. */
static void open_session(login_rec *l, int64_t now, dsg_lsvc_result *res)
{
    dsg_session mine[DSG_SESSION_MAX_PER_USER_MAX];
    unsigned where[DSG_SESSION_MAX_PER_USER_MAX], n = 0, slot = DSG_LSVC_SESSIONS;
    uint32_t evict = 0;
    for (unsigned i = 0; i < DSG_LSVC_SESSIONS; i++) {
        session_rec *s = &sessions[i];
        if (s->used && dsg_session_check(&s->s, now, policy_of(s->channel)) != DSG_SESSION_OK)
            end_session(s, DSG_SESSION_TIMEOUT);
        if (!s->used && slot == DSG_LSVC_SESSIONS)
            slot = i;
        if (s->used && strcmp(s->user_id, l->user_id) == 0 &&
            n < DSG_SESSION_MAX_PER_USER_MAX) {
            mine[n] = s->s;
            where[n++] = i;
        }
    }
    if (dsg_session_admit(mine, n, cfg->max_sessions, now, policy_of(l->channel),
                          &evict) ==
        DSG_SESSION_EVICT) {
        end_session(&sessions[where[evict]], DSG_SESSION_FORCED);
        slot = where[evict];
        res->evicted = 1;
    }
    session_rec *s = slot < DSG_LSVC_SESSIONS ? &sessions[slot] : NULL;
    if (s == NULL || random_text(res->token) != 0 ||
        dsg_session_init(&s->s, l->flow.account, now, l->flow.req.factor) != DSG_SESSION_OK) {
        failed(res, 503, "auth_unavailable", "session-unavailable", "no session slot is free");
        return;
    }
    sha256(res->token, DSG_LSVC_TOKEN_TEXT, s->s.token_hash);
    s->used = 1;
    /* A login the user could not be shown the truth about opens no session:
     * the previous login and the failures since it are what the user
     * checks for logins that were not theirs (REQ-MFA-014). */
    if (previous_login(l, now, res) != 0) {
        end_session(s, DSG_SESSION_FORCED);
        memset(res->token, 0, sizeof res->token);
        failed(res, 503, "auth_unavailable", "storage-failed", "the login was not recorded");
        return;
    }
    snprintf(s->user_id, sizeof s->user_id, "%s", l->user_id);
    snprintf(s->computer, sizeof s->computer, "%s", l->computer);
    s->channel = l->channel;
    snprintf(s->bound, sizeof s->bound, "%s", l->bound);
    res->next = DSG_LSVC_NEXT_SESSION;
    res->login[0] = '\0';
}

/* Both factors of a terminal logon's login l are verified (REQ-MFA-016):
 * allowed, recorded as the account's login from the terminal
 * (REQ-MFA-014), no session; a password older than
 * auth.password_max_age_days denies it, as it is to be changed first
 * (REQ-MFA-010). The login is dropped either way. */
static void terminal_done(login_rec *l, const char *event, const char *what, int64_t now,
                          dsg_lsvc_result *res)
{
    if (l->aged)
        failed(res, 403, "password_change_required", event,
               "%s; the password is older than auth.password_max_age_days: change it at the "
               "portal first", what);
    else if (previous_login(l, now, res) != 0)
        failed(res, 503, "auth_unavailable", "storage-failed", "the logon was not recorded");
    else {
        accepted(res, event, DSG_LSVC_NEXT_NONE);
        snprintf(res->detail, sizeof res->detail, "%s; no session (a terminal logon)", what);
    }
    drop_login(l);
}

/* Both factors of login l are verified (event, what: for the log): a
 * session, the login dropped; or, for a password older than
 * auth.password_max_age_days, its change first, the login kept
 * (REQ-MFA-010). */
static void factors_done(login_rec *l, const char *event, const char *what, int64_t now,
                         dsg_lsvc_result *res)
{
    if (terminal_logon) {
        terminal_done(l, event, what, now, res);
        return;
    }
    accepted(res, event, DSG_LSVC_NEXT_SESSION);
    if (l->aged) {
        l->must_change = 1;
        res->next = DSG_LSVC_NEXT_PASSWORD_CHANGE;
        snprintf(res->login, sizeof res->login, "%s", l->id);
        snprintf(res->detail, sizeof res->detail,
                 "%s; the password is older than auth.password_max_age_days: next %s", what,
                 dsg_lsvc_next_name(res->next));
        return;
    }
    open_session(l, now, res);
    if (res->status == 200)
        snprintf(res->detail, sizeof res->detail, "%s; session opened%s", what,
                 res->evicted ? ", the oldest session ended (limit)" : "");
    drop_login(l);
}

void dsg_lsvc_totp(const char *login, const char *code, int64_t now, dsg_lsvc_result *res)
{
    char err[160];
    uint64_t step = 0;
    login_rec *l = step_login(login, now, 0, res);
    if (l == NULL)
        return;
    dsg_lsvc_next due = next_step(l);
    if (due != DSG_LSVC_NEXT_TOTP && due != DSG_LSVC_NEXT_CONFIRM_TOTP) {
        failed(res, 401, "login_incomplete", "step-refused", "no TOTP code is due");
        drop_login(l);
        return;
    }
    dsg_totp_status st = check_code(&l->totp, code, now, &step);
    if (!judge(l->user_id, DSG_LOCK_FACTOR_TOTP, st == DSG_TOTP_OK, l->flow.lock_generation,
               now, st == DSG_TOTP_REPLAY ? "TOTP code (replayed)" : "TOTP code", res) ||
        dsg_login_second(&l->flow, DSG_LOGIN_TOTP, 1, now, cfg->challenge_lifetime) !=
            DSG_LOGIN_OK) {
        if (res->status == 0)
            failed(res, 401, "login_incomplete", "step-refused", "the login expired");
        drop_login(l);
        return;
    }
    l->totp.last_step = step;
    int stored = due == DSG_LSVC_NEXT_CONFIRM_TOTP
                     ? dsg_cred_store_totp_enrol(db, cfg->totp_key, l->user_id, &l->totp, now,
                                                 err, sizeof err)
                     : dsg_cred_store_totp_used(db, l->user_id, step);
    if (stored != 0) {   /* a code not on record as used must not open a session */
        failed(res, 503, "auth_unavailable", "storage-failed", "the TOTP step was not stored");
        drop_login(l);
        return;
    }
    factors_done(l, due == DSG_LSVC_NEXT_CONFIRM_TOTP ? "totp-enrolled" : "totp-accepted",
                 due == DSG_LSVC_NEXT_CONFIRM_TOTP ? "TOTP enrolled, enrolment code used"
                                                   : "TOTP code accepted",
                 now, res);
}

/* ---- a Windows logon at a registered terminal (REQ-MFA-016) ------------------------ */

void dsg_lsvc_terminal_logon(const char *user_id, const uint8_t *pw, size_t pw_len,
                             const char *code, const char *windows, const dsg_lsvc_peer *peer,
                             int64_t now, dsg_lsvc_result *res)
{
    char login[DSG_LSVC_TOKEN_TEXT + 1];
    terminal_logon = 1;
    dsg_lsvc_password(user_id, pw, pw_len, peer, now, res);
    login_rec *l = res->status == 200 ? find_login(res->login) : NULL;
    dsg_lsvc_next due = res->next;
    if (l != NULL) {
        l->terminal = 1;
        snprintf(l->windows, sizeof l->windows, "%s", windows);
    }
    if (l != NULL && due == DSG_LSVC_NEXT_TOTP && code != NULL && code[0] != '\0') {
        snprintf(login, sizeof login, "%s", res->login);
        dsg_lsvc_totp(login, code, now, res);
        OPENSSL_cleanse(login, sizeof login);
    } else if (l != NULL && due == DSG_LSVC_NEXT_WEBAUTHN) {
        snprintf(login, sizeof login, "%s", res->login);
        dsg_lsvc_webauthn_options(login, NULL, now, res);   /* the login goes on */
    } else if (l != NULL) {   /* no code for TOTP, an enrolment, a temporary password */
        drop_login(l);
        if (due == DSG_LSVC_NEXT_TOTP)
            failed(res, 400, "terminal_code_required", "password-accepted",
                   "the password verified; the account's second factor is TOTP and no code "
                   "came with it");
        else
            failed(res, 403, "terminal_factor_unsupported", "password-accepted",
                   "the password verified; the next step, %s, is not served to terminals",
                   dsg_lsvc_next_name(due));
    }
    terminal_logon = 0;
}

void dsg_lsvc_terminal_assert(const char *login, const char *computer, const char *windows,
                              const dsg_lsvc_assertion *a, int64_t now, dsg_lsvc_result *res)
{
    char id[DSG_LSVC_TOKEN_TEXT + 1];
    copy_id(id, login);
    login_rec *l = find_login(id);
    if (l != NULL && l->terminal &&
        (strcmp(l->computer, computer) != 0 || strcmp(l->windows, windows) != 0)) {
        begin_result(res, l->user_id);
        if (strcmp(l->computer, computer) != 0)
            failed(res, 401, "login_incomplete", "step-refused",
                   "the terminal logon began at terminal %s", l->computer);
        else
            failed(res, 401, "login_incomplete", "step-refused",
                   "the terminal logon began for Windows account %.64s, not %.64s", l->windows,
                   windows);
        drop_login(l);
        return;
    }
    terminal_logon = 1;
    dsg_lsvc_webauthn_assert(id, a, now, res);
    terminal_logon = 0;
}

/* ---- WebAuthn --------------------------------------------------------------------- */

static int webauthn_due(dsg_lsvc_next n)
{
    return n == DSG_LSVC_NEXT_WEBAUTHN || n == DSG_LSVC_NEXT_ENROL_WEBAUTHN ||
           n == DSG_LSVC_NEXT_REGISTER_WEBAUTHN || n == DSG_LSVC_NEXT_ASSERT_WEBAUTHN;
}

/* The login's requirement is what the ceremonies check: ES256, packed
 * attestation of an allowlisted model (UV is passed on to the assertion).
 * Anything else fails closed. */
static int level_checked(const dsg_login_req *r)
{
    return (r->algs & DSG_LOGIN_ALG_ES256) != 0 &&
           r->attestation == DSG_LOGIN_ATT_PACKED_ALLOWLISTED;
}

/* The account's credential IDs into the options (the exclude or allow
 * list). 0, or -1. */
static int list_creds(const char *user_id, dsg_lsvc_webauthn_opts *o)
{
    static dsg_cred_webauthn_id ids[DSG_LSVC_WA_CREDS];
    int k = dsg_cred_store_webauthn_ids(db, user_id, ids, DSG_LSVC_WA_CREDS);
    if (k < 0)
        return -1;
    o->n_creds = 0;
    for (int i = 0; i < k; i++) {
        if (ids[i].len > DSG_LSVC_WA_ID_MAX)
            return -1;   /* enrolment keeps them shorter */
        memcpy(o->cred[o->n_creds], ids[i].id, ids[i].len);
        o->cred_len[o->n_creds++] = ids[i].len;
    }
    return 0;
}

/* An enrolment needs the account's live enrolment code, counted on the
 * WEBAUTHN factor; an assertion needs none. 1 when the step may go on. */
static int options_code_ok(login_rec *l, const char *code, int64_t now, dsg_lsvc_result *res)
{
    char verifier[DSG_CRED_VERIFIER_MAX + 1];
    int has_code = code != NULL && code[0] != '\0';
    if (l->enrolled && has_code) {
        failed(res, 401, "login_incomplete", "step-refused",
               "an enrolment code where no enrolment is due");
        return 0;
    }
    if (l->enrolled)
        return 1;
    int live = dsg_cred_store_code(db, l->user_id, now, verifier);
    int ok = live == 1 && has_code && code_matches(code, verifier);
    return judge(l->user_id, DSG_LOCK_FACTOR_WEBAUTHN, ok, l->flow.lock_generation, now,
                 "enrolment code", res);
}

void dsg_lsvc_webauthn_options(const char *login, const char *code, int64_t now,
                               dsg_lsvc_result *res)
{
    login_rec *l = step_login(login, now, 0, res);
    if (l == NULL)
        return;
    if (!webauthn_due(next_step(l)) || !level_checked(&l->flow.req)) {
        failed(res, 401, "login_incomplete", "step-refused", "%s",
               webauthn_due(next_step(l)) ? "the login requires a level the ceremonies do not check"
                                          : "no WebAuthn step is due");
        drop_login(l);
        return;
    }
    l->challenge_live = 0;   /* the earlier challenge, if any, is over */
    if (!options_code_ok(l, code, now, res)) {
        drop_login(l);
        return;
    }
    dsg_lsvc_webauthn_opts *o = &res->webauthn;
    if (RAND_bytes(l->challenge, sizeof l->challenge) != 1 || list_creds(l->user_id, o) != 0) {
        failed(res, 503, "auth_unavailable", "storage-failed", "no WebAuthn options");
        drop_login(l);
        return;
    }
    memcpy(o->challenge, l->challenge, sizeof o->challenge);
    sha256(l->user_id, strlen(l->user_id), o->user_handle);
    o->uv_required = l->enrolled ? l->flow.req.uv_required != 0 : 1;
    l->challenge_live = 1;
    accepted(res, l->enrolled ? "webauthn-challenge" : "webauthn-enrolment-begun",
             next_step(l));
    snprintf(res->login, sizeof res->login, "%s", l->id);
    snprintf(res->detail, sizeof res->detail, "%s; challenge issued",
             l->enrolled ? "assertion options" : "enrolment code accepted; creation options");
}

/* The login of id with a challenge live for a step of kind due: the
 * challenge into ch and used up. NULL with the refusal in res otherwise. */
static login_rec *challenged(const char *login, dsg_lsvc_next due, int64_t now,
                             uint8_t ch[DSG_WEBAUTHN_CHALLENGE_LEN], dsg_lsvc_result *res)
{
    login_rec *l = step_login(login, now, 0, res);
    if (l == NULL)
        return NULL;
    if (next_step(l) != due) {
        failed(res, 401, "login_incomplete", "step-refused", "no %s is due",
               due == DSG_LSVC_NEXT_REGISTER_WEBAUTHN ? "WebAuthn registration"
                                                      : "WebAuthn assertion");
        drop_login(l);
        return NULL;
    }
    memcpy(ch, l->challenge, DSG_WEBAUTHN_CHALLENGE_LEN);
    OPENSSL_cleanse(l->challenge, sizeof l->challenge);
    l->challenge_live = 0;
    return l;
}

/* The verdict on the WEBAUTHN counter (ok: the ceremony r passed and
 * nothing else refused; what, for the log), then the login's second
 * factor. 1 when the step may go on; the login is dropped otherwise. */
static int webauthn_judged(login_rec *l, int ok, dsg_webauthn_result r, const char *what,
                           int64_t now, dsg_lsvc_result *res)
{
    char why[200], desc[96];
    dsg_webauthn_describe(r, desc, sizeof desc);
    if (ok)
        snprintf(why, sizeof why, "%s (%s)", what, desc);
    else
        snprintf(why, sizeof why, "%s", what);
    if (r.step == DSG_WA_CRYPTO || r.step == DSG_WA_ARGS) {   /* ours, not the user's */
        failed(res, 503, "auth_unavailable", "webauthn-failed", "%s", why);
        drop_login(l);
        return 0;
    }
    if (!judge(l->user_id, DSG_LOCK_FACTOR_WEBAUTHN, ok && r.step == DSG_WA_OK,
               l->flow.lock_generation, now, why, res) ||
        dsg_login_second(&l->flow, DSG_LOGIN_WEBAUTHN, 1, now, cfg->challenge_lifetime) !=
            DSG_LOGIN_OK) {
        if (res->status == 0)
            failed(res, 401, "login_incomplete", "step-refused", "the login expired");
        drop_login(l);
        return 0;
    }
    return 1;
}

void dsg_lsvc_webauthn_register(const char *login, const uint8_t *att, size_t att_len,
                                const uint8_t *cdj, size_t cdj_len, int64_t now,
                                dsg_lsvc_result *res)
{
    uint8_t ch[DSG_WEBAUTHN_CHALLENGE_LEN];
    dsg_webauthn_cred cred;
    char err[160];
    login_rec *l = challenged(login, DSG_LSVC_NEXT_REGISTER_WEBAUTHN, now, ch, res);
    if (l == NULL)
        return;
    dsg_webauthn_result r = dsg_webauthn_register(&cfg->rp, &cfg->webauthn, ch, att, att_len,
                                                  cdj, cdj_len, &cred);
    if (r.step == DSG_WA_OK && cred.id_len > DSG_LSVC_WA_ID_MAX) {
        failed(res, 400, "credential_id_too_long", "webauthn-refused",
               "a credential ID of %zu bytes (at most %u)", cred.id_len, DSG_LSVC_WA_ID_MAX);
        drop_login(l);
        return;
    }
    if (!webauthn_judged(l, 1, r, "WebAuthn registration", now, res))
        return;
    if (dsg_cred_store_webauthn_enrol(db, l->user_id, &cred, now, err, sizeof err) != 0) {
        failed(res, 503, "auth_unavailable", "storage-failed",
               "the credential was not stored: %.150s", err);
        drop_login(l);
        return;
    }
    factors_done(l, "webauthn-enrolled",
                  cred.attested ? "credential enrolled (attested), enrolment code used"
                                : "credential enrolled (self attestation), enrolment code used",
                  now, res);
}

/* A stored credential the current policy still accepts: its model in the
 * allowlist, and its attestation kind still allowed. */
static int still_allowed(const dsg_webauthn_cred *c)
{
    const dsg_webauthn_policy *p = &cfg->webauthn;
    int listed = 0;
    for (size_t i = 0; i < p->n_aaguids; i++)
        listed |= memcmp(p->aaguids[i], c->aaguid, DSG_WEBAUTHN_AAGUID_LEN) == 0;
    return listed && (c->attested || p->allow_self);
}

void dsg_lsvc_webauthn_assert(const char *login, const dsg_lsvc_assertion *a, int64_t now,
                              dsg_lsvc_result *res)
{
    uint8_t ch[DSG_WEBAUTHN_CHALLENGE_LEN];
    dsg_webauthn_cred cred;
    uint32_t count = 0;
    dsg_webauthn_result r = { DSG_WA_OK, 0 };
    login_rec *l = challenged(login, DSG_LSVC_NEXT_ASSERT_WEBAUTHN, now, ch, res);
    if (l == NULL)
        return;
    int found = dsg_cred_store_webauthn_get(db, l->user_id, a->cred_id, a->cred_id_len, &cred);
    if (found < 0) {
        failed(res, 503, "auth_unavailable", "storage-failed", "the credential is unreadable");
        drop_login(l);
        return;
    }
    int usable = found == 1 && still_allowed(&cred);
    if (usable)
        r = dsg_webauthn_assert(&cfg->rp, &cred, ch, l->flow.req.uv_required != 0, a->auth_data,
                                a->auth_data_len, a->client_data, a->client_data_len, a->sig,
                                a->sig_len, &count);
    if (!webauthn_judged(l, usable, r,
                         usable ? "WebAuthn assertion"
                         : found == 1 ? "WebAuthn assertion by a credential the policy no"
                                        " longer accepts"
                                      : "WebAuthn assertion by an unknown credential",
                         now, res))
        return;
    if (dsg_cred_store_webauthn_count(db, l->user_id, cred.id, cred.id_len, count) != 0) {
        failed(res, 503, "auth_unavailable", "storage-failed", "the counter was not stored");
        drop_login(l);
        return;
    }
    factors_done(l, "webauthn-accepted", "WebAuthn assertion accepted", now, res);
}

/* ---- sessions ---------------------------------------------------------------------- */

static session_rec *find_session(const char *token)
{
    uint8_t h[32];
    session_rec *found = NULL;
    if (strlen(token) != DSG_LSVC_TOKEN_TEXT)
        return NULL;
    sha256(token, DSG_LSVC_TOKEN_TEXT, h);
    for (unsigned i = 0; i < DSG_LSVC_SESSIONS; i++)
        if (sessions[i].used && CRYPTO_memcmp(sessions[i].s.token_hash, h, sizeof h) == 0)
            found = &sessions[i];
    return found;
}

/* The session of token with res begun; NULL with the refusal (event) in
 * res when there is none. */
static session_rec *own_session(const char *token, const char *event, dsg_lsvc_result *res)
{
    char id[DSG_LSVC_TOKEN_TEXT + 1];
    copy_id(id, token);
    begin_result(res, "");
    session_rec *s = find_session(id);
    if (s == NULL)
        failed(res, 401, "session_expired", event, "no such session");
    else
        snprintf(res->user_id, sizeof res->user_id, "%s", s->user_id);
    return s;
}

/* ---- registered networks (REQ-ACCT-016) ------------------------------------------ */

/* The account user_id may be used from peer: 1; 0 with the reason in
 * why; -1 when the account or its organisation is unreadable. */
static int account_from(const char *user_id, const dsg_lsvc_peer *peer, char *why, size_t n)
{
    dsg_acct_row row;
    char err[160];
    int found = dsg_acct_store_get(db, user_id, &row, err, sizeof err);
    if (found != 1) {
        snprintf(why, n, "%s", found < 0 ? err : "the account is gone");
        return -1;
    }
    return network_ok(&row, peer, why, n);
}

int dsg_lsvc_login_from(const char *login, const dsg_lsvc_peer *peer, int64_t now,
                        dsg_lsvc_result *res)
{
    char id[DSG_LSVC_TOKEN_TEXT + 1], why[200];
    (void)now;
    copy_id(id, login);
    begin_result(res, "");
    login_rec *l = find_login(id);
    if (l == NULL || l->channel == DSG_LOGIN_CONTROL)
        return 1;
    snprintf(res->user_id, sizeof res->user_id, "%s", l->user_id);
    int net = account_from(l->user_id, peer, why, sizeof why);
    if (net == 1)
        return 1;
    network_refused(l->user_id, net, why, res);
    drop_login(l);
    return 0;
}

int dsg_lsvc_session_from(const char *token, const dsg_lsvc_peer *peer, int64_t now,
                          dsg_lsvc_result *res)
{
    char id[DSG_LSVC_TOKEN_TEXT + 1], why[200];
    (void)now;
    copy_id(id, token);
    begin_result(res, "");
    session_rec *s = find_session(id);
    if (s == NULL || s->channel == DSG_LOGIN_CONTROL)
        return 1;
    snprintf(res->user_id, sizeof res->user_id, "%s", s->user_id);
    int net = account_from(s->user_id, peer, why, sizeof why);
    if (net == 1)
        return 1;
    if (net < 0)
        failed(res, 503, "auth_unavailable", "storage-failed", "%s", why);
    else
        failed(res, 403, "network_not_allowed", "network-refused", "session request: %s", why);
    return 0;
}

void dsg_lsvc_logout(const char *token, int64_t now, dsg_lsvc_result *res)
{
    (void)now;
    session_rec *s = own_session(token, "logout-refused", res);
    if (s == NULL)
        return;
    end_session(s, DSG_SESSION_LOGOUT);
    accepted(res, "logout", DSG_LSVC_NEXT_NONE);
    snprintf(res->detail, sizeof res->detail, "the session ended at the user's request");
}

/* ---- the password change in a session (REQ-MFA-010) ------------------------------ */

/* A session lives only while its account may log in: a suspension, a
 * lock, an expiry or a deletion takes effect on the account's next request
 * and ends all its sessions (REQ-ACCT-010). 1, or 0 with 401
 * session_expired (503 when the account cannot be read). */
static int account_usable(const session_rec *s, int64_t now, dsg_lsvc_result *res)
{
    dsg_acct_row row;
    char err[160], user[sizeof s->user_id];
    int found = dsg_acct_store_get(db, s->user_id, &row, err, sizeof err);
    if (found < 0) {
        failed(res, 503, "auth_unavailable", "storage-failed", "%s", err);
        return 0;
    }
    if (found == 1 && dsg_acct_may_login(&row.acct, now))
        return 1;
    snprintf(user, sizeof user, "%s", s->user_id);
    size_t ended = dsg_lsvc_end_sessions(user, NULL);   /* s among them */
    failed(res, 401, "session_expired", "logout-forced",
           "the account is %s: %zu session%s ended",
           found == 0 ? "gone"
           : dsg_acct_is_expired(&row.acct, now) ? "past its expiry"
                                                  : dsg_acct_state_name(row.acct.state),
           ended, ended == 1 ? "" : "s");
    return 0;
}

/* The live session of token opened on channel by bound ("" for the
 * portal's), with res begun, its last use moved to now; NULL with the
 * refusal in res (an expired one is ended). An administrator's token is
 * no portal session, and a portal session no administrator's token. */
static session_rec *live_session(const char *token, uint32_t channel, const char *bound,
                                 int64_t now, const char *event, dsg_lsvc_result *res)
{
    session_rec *s = own_session(token, event, res);
    if (s == NULL)
        return NULL;
    if (s->channel != channel || strcmp(s->bound, bound) != 0) {
        failed(res, 401, "session_expired", event,
               channel == DSG_LOGIN_PORTAL   ? "not a portal session"
               : s->channel != channel       ? "not an administrator's token"
                                             : "the token was issued to another user (%s)",
               s->bound);
        return NULL;
    }
    dsg_session_status st = dsg_session_touch(&s->s, now, policy_of(s->channel));
    if (st != DSG_SESSION_OK) {
        end_session(s, DSG_SESSION_TIMEOUT);
        failed(res, 401, "session_expired", "session-expired", "%s",
               dsg_session_status_name(st));
        return NULL;
    }
    return account_usable(s, now, res) ? s : NULL;
}

void dsg_lsvc_session(const char *token, int64_t now, dsg_lsvc_result *res)
{
    session_rec *s = live_session(token, DSG_LOGIN_PORTAL, "", now, "session-refused", res);
    res->fresh = 0;
    if (s == NULL)
        return;
    accepted(res, "session-used", DSG_LSVC_NEXT_NONE);
    res->fresh = dsg_session_fresh(&s->s, now, cfg->reauth_max_age) == DSG_SESSION_OK;
}

void dsg_lsvc_admin_session(const char *token, const char *bound, int64_t now,
                            dsg_lsvc_result *res)
{
    session_rec *s = live_session(token, DSG_LOGIN_CONTROL, bound, now, "admin-token-refused",
                                  res);
    if (s == NULL)
        return;
    accepted(res, "admin-token-used", DSG_LSVC_NEXT_NONE);
    res->fresh = dsg_session_fresh(&s->s, now, cfg->reauth_max_age) == DSG_SESSION_OK;
}

void dsg_lsvc_change_options(const char *token, int64_t now, dsg_lsvc_result *res)
{
    session_rec *s = live_session(token, DSG_LOGIN_PORTAL, "", now, "step-refused", res);
    if (s == NULL)
        return;
    if (s->s.factor != DSG_LOGIN_WEBAUTHN) {
        failed(res, 400, "totp_session", "step-refused",
               "assertion options asked in a session of a TOTP login");
        return;
    }
    dsg_lsvc_webauthn_opts *o = &res->webauthn;
    s->challenge_live = 0;   /* the earlier challenge, if any, is over */
    if (RAND_bytes(s->challenge, sizeof s->challenge) != 1 || list_creds(s->user_id, o) != 0) {
        failed(res, 503, "auth_unavailable", "storage-failed", "no WebAuthn options");
        return;
    }
    memcpy(o->challenge, s->challenge, sizeof o->challenge);
    sha256(s->user_id, strlen(s->user_id), o->user_handle);
    o->uv_required = 1;
    s->challenge_live = 1;
    s->challenge_at = now;
    accepted(res, "webauthn-challenge", DSG_LSVC_NEXT_ASSERT_WEBAUTHN);
    snprintf(res->detail, sizeof res->detail, "assertion options for a password change");
}

/* The new password against the policy and the current one verified, on
 * the PASSWORD counter of the account's lock generation gen. 1 when the
 * change may go on. */
static int change_first_checks(const session_rec *s, const dsg_lsvc_pw_change *c,
                               uint64_t gen, int64_t now, dsg_lsvc_result *res)
{
    dsg_cred_password cred;
    if (weak_password(c->new_pw, c->new_len, s->user_id, res))
        return 0;
    int live = dsg_cred_store_password(db, s->user_id, now, &cred);
    int ok = live == 1 && !cred.temporary &&
             dsg_pw_verify(cred.verifier, strlen(cred.verifier), c->current, c->current_len) == 1;
    if (live != 1)
        spend_dummy(c->current, c->current_len);
    if (!judge(s->user_id, DSG_LOCK_FACTOR_PASSWORD, ok, gen, now, "current password", res))
        return 0;
    if (reused(s->user_id, c->new_pw, c->new_len)) {
        failed(res, 400, "password_reused", "password-change-refused",
               "one of the last %u passwords", cfg->password_history);
        return 0;
    }
    return 1;
}

/* A TOTP code of the account, accepted once, on the TOTP counter. 1 when
 * the change may go on. */
static int change_totp_ok(const session_rec *s, const char *code, uint64_t gen, int64_t now,
                          dsg_lsvc_result *res)
{
    dsg_cred_totp t;
    uint64_t step = 0;
    int got = dsg_cred_store_totp_get(db, cfg->totp_key, s->user_id, &t);
    if (got < 0) {
        failed(res, 503, "auth_unavailable", "storage-failed", "the TOTP factor is unreadable");
        return 0;
    }
    dsg_totp_status st = got == 1 ? check_code(&t, code, now, &step) : DSG_TOTP_MISMATCH;
    OPENSSL_cleanse(&t, sizeof t);
    if (!judge(s->user_id, DSG_LOCK_FACTOR_TOTP, st == DSG_TOTP_OK, gen, now,
               st == DSG_TOTP_REPLAY ? "TOTP code (replayed)" : "TOTP code", res))
        return 0;
    if (dsg_cred_store_totp_used(db, s->user_id, step) != 0) {
        failed(res, 503, "auth_unavailable", "storage-failed", "the TOTP step was not stored");
        return 0;
    }
    return 1;
}

/* An assertion of the session's challenge (used up here), UV required, by
 * a credential of the account the policy still accepts, on the WEBAUTHN
 * counter. 1 when the change may go on. */
static int change_webauthn_ok(session_rec *s, const dsg_lsvc_assertion *a, uint64_t gen,
                              int64_t now, dsg_lsvc_result *res)
{
    dsg_webauthn_cred cred;
    dsg_webauthn_result r = { DSG_WA_OK, 0 };
    uint32_t count = 0;
    uint8_t ch[DSG_WEBAUTHN_CHALLENGE_LEN];
    int fresh = s->challenge_live && now >= s->challenge_at &&
                now - s->challenge_at < cfg->challenge_lifetime;
    memcpy(ch, s->challenge, sizeof ch);
    OPENSSL_cleanse(s->challenge, sizeof s->challenge);
    s->challenge_live = 0;
    if (!fresh) {
        failed(res, 400, "second_factor_required", "step-refused",
               "no live assertion options of this session");
        return 0;
    }
    int found = dsg_cred_store_webauthn_get(db, s->user_id, a->cred_id, a->cred_id_len, &cred);
    if (found < 0) {
        failed(res, 503, "auth_unavailable", "storage-failed", "the credential is unreadable");
        return 0;
    }
    int usable = found == 1 && still_allowed(&cred);
    if (usable)
        r = dsg_webauthn_assert(&cfg->rp, &cred, ch, 1, a->auth_data, a->auth_data_len,
                                a->client_data, a->client_data_len, a->sig, a->sig_len, &count);
    if (r.step == DSG_WA_CRYPTO || r.step == DSG_WA_ARGS) {   /* ours, not the user's */
        failed(res, 503, "auth_unavailable", "webauthn-failed", "WebAuthn assertion");
        return 0;
    }
    if (!judge(s->user_id, DSG_LOCK_FACTOR_WEBAUTHN, usable && r.step == DSG_WA_OK, gen, now,
               usable ? "WebAuthn assertion" : "WebAuthn assertion by an unknown credential",
               res))
        return 0;
    if (dsg_cred_store_webauthn_count(db, s->user_id, cred.id, cred.id_len, count) != 0) {
        failed(res, 503, "auth_unavailable", "storage-failed", "the counter was not stored");
        return 0;
    }
    return 1;
}

void dsg_lsvc_session_change_password(const char *token, const dsg_lsvc_pw_change *c,
                                      int64_t now, dsg_lsvc_result *res)
{
    char verifier[DSG_CRED_VERIFIER_MAX + 1], err[160];
    dsg_lock lock;
    session_rec *s = live_session(token, DSG_LOGIN_PORTAL, "", now, "password-change-refused", res);
    if (s == NULL)
        return;
    int totp = s->s.factor == DSG_LOGIN_TOTP;
    if (totp ? c->code == NULL || c->code[0] == '\0' : c->assertion == NULL) {
        failed(res, 400, "second_factor_required", "password-change-refused",
               "no %s with the change", totp ? "TOTP code" : "WebAuthn assertion");
        return;
    }
    if (dsg_cred_store_lock_get(db, s->user_id, &lock) != 0) {
        failed(res, 503, "auth_unavailable", "storage-failed", "the lock state is unreadable");
        return;
    }
    if (!change_first_checks(s, c, lock.generation, now, res) ||
        !(totp ? change_totp_ok(s, c->code, lock.generation, now, res)
               : change_webauthn_ok(s, c->assertion, lock.generation, now, res)))
        return;
    if (dsg_pw_hash_new(c->new_pw, c->new_len, &cfg->scrypt, verifier, sizeof verifier) < 0 ||
        dsg_cred_store_password_set(db, s->user_id, verifier, now, err, sizeof err) != 0) {
        failed(res, 503, "auth_unavailable", "storage-failed", "the new password was not stored");
        return;
    }
    res->sessions_ended = end_others(s->user_id, s);
    /* both factors just verified: the session's authentication is fresh */
    dsg_session_status st = dsg_session_reauth(&s->s, now, s->s.factor, policy_of(s->channel));
    (void)st;   /* the session was live a moment ago; the change stands either way */
    accepted(res, "password-changed", DSG_LSVC_NEXT_NONE);
    snprintf(res->detail, sizeof res->detail,
             "the password changed in a session (current password and %s verified); %u other"
             " session%s ended",
             totp ? "TOTP code" : "WebAuthn assertion", res->sessions_ended,
             res->sessions_ended == 1 ? "" : "s");
}

/* ---- administration ------------------------------------------------------------ */

static void session_id(const session_rec *s, char out[13])
{
    for (int i = 0; i < 6; i++)
        snprintf(out + 2 * i, 3, "%02x", s->s.token_hash[i]);
}

static int older_first(const void *a, const void *b)
{
    const dsg_lsvc_session_info *x = a, *y = b;
    return (x->created > y->created) - (x->created < y->created);
}

size_t dsg_lsvc_sessions(const char *user_id, int64_t now, dsg_lsvc_session_info *out,
                         size_t cap)
{
    size_t n = 0;
    for (unsigned i = 0; i < DSG_LSVC_SESSIONS; i++) {
        session_rec *s = &sessions[i];
        if (!s->used || strcmp(s->user_id, user_id) != 0)
            continue;
        if (dsg_session_check(&s->s, now, policy_of(s->channel)) != DSG_SESSION_OK) {
            end_session(s, DSG_SESSION_TIMEOUT);
            continue;
        }
        if (n < cap) {
            session_id(s, out[n].id);
            out[n].created = s->s.created;
            out[n].last_seen = s->s.last_seen;
            out[n].factor = s->s.factor;
            snprintf(out[n].computer, sizeof out[n].computer, "%s", s->computer);
        }
        n++;
    }
    qsort(out, n < cap ? n : cap, sizeof out[0], older_first);
    return n;
}

size_t dsg_lsvc_end_sessions(const char *user_id, const char *id)
{
    size_t ended = 0;
    char mine[13];
    for (unsigned i = 0; i < DSG_LSVC_SESSIONS; i++) {
        session_rec *s = &sessions[i];
        if (!s->used || strcmp(s->user_id, user_id) != 0)
            continue;
        session_id(s, mine);
        if (id != NULL && strcmp(mine, id) != 0)
            continue;
        end_session(s, DSG_SESSION_FORCED);
        ended++;
    }
    return ended;
}

size_t dsg_lsvc_end_logins(const char *user_id)
{
    size_t dropped = 0;
    for (unsigned i = 0; i < DSG_LSVC_LOGINS; i++) {
        login_rec *l = &logins[i];
        if (l->id[0] == '\0' || strcmp(l->user_id, user_id) != 0)
            continue;
        drop_login(l);
        dropped++;
    }
    return dropped;
}

int dsg_lsvc_unlock(const char *user_id, int64_t now, const char *by, char *err, size_t n)
{
    dsg_lock lock;
    dsg_acct_row row;
    dsg_acct_problem p;
    uint32_t from;
    int found = dsg_acct_store_get(db, user_id, &row, err, n);
    if (found != 1) {
        if (found == 0)
            snprintf(err, n, "no account %s", user_id);
        return -1;
    }
    if (dsg_cred_store_lock_get(db, user_id, &lock) != 0) {
        snprintf(err, n, "the lock state of %s is unreadable", user_id);
        return -1;
    }
    if (dsg_lock_check(&lock, now) != DSG_LOCK_LOCKED && row.acct.state != DSG_ACCT_LOCKED)
        return 1;
    if (dsg_lock_admin_unlock(&lock) != DSG_LOCK_OK ||
        dsg_cred_store_lock_put(db, user_id, &lock) != 0) {
        snprintf(err, n, "the lock state of %s was not stored", user_id);
        return -1;
    }
    if (row.acct.state == DSG_ACCT_LOCKED &&
        dsg_acct_store_event(db, user_id, DSG_ACCT_EV_UNLOCK, now, by, &from, &p) != 0) {
        snprintf(err, n, "%s", p.message);
        return -1;
    }
    return 0;
}

const char *dsg_lsvc_rule_name(uint32_t bit)
{
    switch (bit) {
    case DSG_PW_TOO_SHORT: return "too-short";
    case DSG_PW_TOO_LONG: return "too-long";
    case DSG_PW_FEW_CLASSES: return "few-classes";
    case DSG_PW_USER_ID: return "contains-user-id";
    case DSG_PW_COMMON: return "common";
    case DSG_PW_BAD_UTF8: return "bad-utf8";
    case DSG_PW_CONTROL: return "control";
    default: return NULL;
    }
}

const char *dsg_lsvc_next_name(dsg_lsvc_next n)
{
    static const char *const names[] = { "", "password-change", "enrol-totp", "confirm-totp",
                                         "totp", "webauthn", "session", "enrol-webauthn",
                                         "register-webauthn", "assert-webauthn" };
    return (unsigned)n < sizeof names / sizeof names[0] ? names[n] : "";
}

const char *dsg_lsvc_error_message(const char *code)
{
    static const char *const table[][2] = {
        { "auth_failed", "the user ID, the password or the second factor was not accepted" },
        { "login_incomplete", "no such login, expired, or not the step it expects; log in again" },
        { "password_change_required", "the password must be changed before the login goes on" },
        { "weak_password", "the new password does not meet the password policy" },
        { "password_reused", "the new password is one of the account's recent passwords" },
        { "session_expired", "no such session, logged out or expired; log in again" },
        { "second_factor_required", "a password change needs the second factor of the session" },
        { "totp_session", "the session's login used TOTP: send a code, not an assertion" },
        { "credential_id_too_long", "the authenticator's credential ID is too long" },
        { "auth_unavailable", "the authentication service is unavailable; try again later" },
        { "bad_request", "the body is not the JSON object this step takes" },
        { "rate_limited", "too many failed attempts from this address; try again later" },
        { "network_not_allowed", "this account may not be used from this network" },
        { "terminal_required", "this request needs a registered terminal's client certificate" },
        { "terminal_factor_unsupported",
          "this account must first change its password or enrol its factor at the portal" },
        { "terminal_code_required", "this account's second factor is a TOTP code: send it" },
    };
    for (size_t i = 0; code != NULL && i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i][0], code) == 0)
            return table[i][1];
    return NULL;
}
