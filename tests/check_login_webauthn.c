/*
 * Unit tests of the login service's WebAuthn steps (src/auth/login_svc.h)
 * over a real account database: enrolment with the enrolment code and a
 * registration, then logins with assertions, each made by the software
 * authenticator (tests/authenticator.h) over the challenge of the options
 * the service gave; and the refusals: UV missing where required, another
 * or a spent challenge, a counter that does not move, a wrong enrolment
 * code up to the lock, an AAGUID off the allowlist, and the factor table
 * (a Ministry user outside the Ministry networks has no TOTP path).
 */
#define _GNU_SOURCE
#include <check.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "auth/cred_store.h"
#include "auth/login_svc.h"
#include "authenticator.h"
#include "cbor_writer.h"
#include "core/b64url.h"
#include "login_fixture.h"

Suite *suite_login_webauthn(void);

#define UP 0x01u
#define UV 0x04u
#define AT 0x40u
#define NEW_PW "Brand-new-passw0rd"

static struct authn KEY;   /* the authenticator's credential key */
static const uint8_t CRED_ID[20] = { 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9,
                                     0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf, 0xd0, 0xd1, 0xd2, 0xd3 };
static const uint8_t OTHER_AAGUID[16] = { 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee,
                                          0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee };

static void wa_setup(void)
{
    setup();
    make_authn(&KEY);
}

static void wa_teardown(void)
{
    EVP_PKEY_free(KEY.key);
    KEY.key = NULL;
    teardown();
}

/* ---- the authenticator's side ---------------------------------------------------- */

static void digest(const void *p, size_t n, uint8_t out[32])
{
    ck_assert_int_eq(EVP_Digest(p, n, out, NULL, EVP_sha256(), NULL), 1);
}

/* clientDataJSON of type for challenge, from the fixture's origin. */
static size_t client_data(char *out, size_t cap, const char *type, const uint8_t *challenge)
{
    char ch[64];
    size_t len = 0;
    ck_assert_int_eq(dsg_b64url_encode(challenge, DSG_WEBAUTHN_CHALLENGE_LEN, ch, sizeof ch, &len),
                     DSG_B64URL_OK);
    int n = snprintf(out, cap, "{\"type\":\"%s\",\"challenge\":\"%.*s\",\"origin\":\"%s\"}",
                     type, (int)len, ch, FX_ORIGIN);
    ck_assert(n > 0 && (size_t)n < cap);
    return (size_t)n;
}

/* rpIdHash, flags, counter. */
static void ad_head(cw *w, unsigned flags, uint32_t count)
{
    uint8_t h[32];
    digest(FX_RP_ID, strlen(FX_RP_ID), h);
    put(w, h, sizeof h);
    put_byte(w, flags);
    for (int s = 24; s >= 0; s -= 8)
        put_byte(w, (count >> s) & 0xff);
}

typedef struct ceremony {
    cw data;                   /* the attestation object, or the authenticatorData */
    char cdj[512];
    size_t cdj_len;
    uint8_t sig[DSG_ES256_SIG_MAX];
    size_t sig_len;
} ceremony;

/* A packed registration of KEY (CRED_ID) for challenge: self-attested, or
 * signed by signer with cert as x5c. */
static void registration_by(ceremony *c, const uint8_t *challenge, const uint8_t *aaguid,
                            unsigned flags, uint32_t count, const struct authn *signer,
                            X509 *cert)
{
    cw ad = { .n = 0 };
    uint8_t hash[32];
    ad_head(&ad, flags, count);
    put(&ad, aaguid, 16);
    put_byte(&ad, 0);
    put_byte(&ad, sizeof CRED_ID);
    put(&ad, CRED_ID, sizeof CRED_ID);
    head(&ad, 5, 5);   /* the COSE key, CTAP2 order */
    cint(&ad, 1);
    cint(&ad, 2);
    cint(&ad, 3);
    cint(&ad, -7);
    cint(&ad, -1);
    cint(&ad, 1);
    cint(&ad, -2);
    cbytes(&ad, KEY.x, 32);
    cint(&ad, -3);
    cbytes(&ad, KEY.y, 32);
    c->cdj_len = client_data(c->cdj, sizeof c->cdj, "webauthn.create", challenge);
    digest(c->cdj, c->cdj_len, hash);
    c->sig_len = sign(signer, ad.b, ad.n, hash, c->sig);
    cw *w = &c->data;
    w->n = 0;
    head(w, 5, 3);
    ctext(w, "fmt");
    ctext(w, "packed");
    ctext(w, "attStmt");
    head(w, 5, cert != NULL ? 3 : 2);
    ctext(w, "alg");
    cint(w, -7);
    ctext(w, "sig");
    cbytes(w, c->sig, c->sig_len);
    if (cert != NULL) {
        uint8_t der[2048], *p = der;
        int n = i2d_X509(cert, NULL);
        ck_assert(n > 0 && (size_t)n <= sizeof der);
        ck_assert_int_eq(i2d_X509(cert, &p), n);
        ctext(w, "x5c");
        head(w, 4, 1);
        cbytes(w, der, (size_t)n);
    }
    ctext(w, "authData");
    cbytes(w, ad.b, ad.n);
}

static void registration(ceremony *c, const uint8_t *challenge, const uint8_t *aaguid,
                         unsigned flags, uint32_t count)
{
    registration_by(c, challenge, aaguid, flags, count, &KEY, NULL);
}

/* An assertion by KEY for challenge. */
static void assertion(ceremony *c, const uint8_t *challenge, unsigned flags, uint32_t count)
{
    uint8_t hash[32];
    c->data.n = 0;
    ad_head(&c->data, flags, count);
    c->cdj_len = client_data(c->cdj, sizeof c->cdj, "webauthn.get", challenge);
    digest(c->cdj, c->cdj_len, hash);
    c->sig_len = sign(&KEY, c->data.b, c->data.n, hash, c->sig);
}

/* ---- the service's side ----------------------------------------------------------- */

static void do_register(const char *login, const ceremony *c, int64_t now, dsg_lsvc_result *r)
{
    dsg_lsvc_webauthn_register(login, c->data.b, c->data.n, (const uint8_t *)c->cdj, c->cdj_len,
                               now, r);
}

static void do_assert(const char *login, const ceremony *c, int64_t now, dsg_lsvc_result *r)
{
    dsg_lsvc_assertion a = { CRED_ID, sizeof CRED_ID, c->data.b, c->data.n,
                             (const uint8_t *)c->cdj, c->cdj_len, c->sig, c->sig_len };
    dsg_lsvc_webauthn_assert(login, &a, now, r);
}

static void expect_ok(const dsg_lsvc_result *r, dsg_lsvc_next next)
{
    ck_assert_msg(r->status == 200, "%d %s: %s", r->status, r->event, r->detail);
    ck_assert_int_eq(r->next, next);
}

static void expect_refused(const dsg_lsvc_result *r, const char *error, const char *detail)
{
    ck_assert_msg(r->status == 401, "%d %s: %s", r->status, r->event, r->detail);
    ck_assert_str_eq(r->error, error);
    ck_assert_int_eq(r->next, DSG_LSVC_NEXT_NONE);
    ck_assert_str_eq(r->token, "");
    ck_assert_msg(detail == NULL || strstr(r->detail, detail) != NULL, "%s", r->detail);
}

/* The first login of a company user up to the creation options. */
static void to_creation_options(const char *user, int64_t now, dsg_lsvc_result *r)
{
    password(user, ISSUED, &outside, now, r);
    expect_ok(r, DSG_LSVC_NEXT_PASSWORD_CHANGE);
    change(r->login, NEW_PW, now, r);
    expect_ok(r, DSG_LSVC_NEXT_ENROL_WEBAUTHN);
    dsg_lsvc_webauthn_options(r->login, CODE, now, r);
    expect_ok(r, DSG_LSVC_NEXT_REGISTER_WEBAUTHN);
}

/* Enrols KEY for a new company account user at now, with counter count. */
static void enrolled(const char *user, int64_t now, uint32_t count)
{
    dsg_lsvc_result r;
    ceremony c;
    account(user, DSG_ACCT_COMPANY);
    to_creation_options(user, now, &r);
    registration(&c, r.webauthn.challenge, FX_AAGUIDS[0], UP | UV | AT, count);
    do_register(r.login, &c, now, &r);
    expect_ok(&r, DSG_LSVC_NEXT_SESSION);
}

/* A later login of user up to the request options. */
static void to_request_options(const char *user, int64_t now, dsg_lsvc_result *r)
{
    password(user, NEW_PW, &ministry_net, now, r);
    expect_ok(r, DSG_LSVC_NEXT_WEBAUTHN);
    dsg_lsvc_webauthn_options(r->login, NULL, now, r);
    expect_ok(r, DSG_LSVC_NEXT_ASSERT_WEBAUTHN);
}

/* ---- tests ---------------------------------------------------------------------------- */

static const dsg_lsvc_peer company_pc = { DSG_LOGIN_PORTAL, 0, 0, "tj-pc-7", NULL, "192.0.2.7" };
static const dsg_lsvc_peer other_pc = { DSG_LOGIN_PORTAL, 0, 0, "tj-pc-8", NULL, "192.0.2.7" };

/* The first request of a terminal logon of user at peer (no code). */
static void terminal_first(const char *user, const dsg_lsvc_peer *peer, int64_t now,
                           dsg_lsvc_result *r)
{
    dsg_lsvc_terminal_logon(user, (const uint8_t *)NEW_PW, strlen(NEW_PW), NULL, "WKS\\sato", peer,
                            now, r);
}

static void terminal_assert(const char *login, const char *computer, const ceremony *c,
                            int64_t now, dsg_lsvc_result *r)
{
    dsg_lsvc_assertion a = { CRED_ID, sizeof CRED_ID, c->data.b, c->data.n,
                             (const uint8_t *)c->cdj, c->cdj_len, c->sig, c->sig_len };
    dsg_lsvc_terminal_assert(login, computer, "WKS\\sato", &a, now, r);
}

/* A company user's terminal logon (REQ-MFA-016): the password, then the
 * assertion of the request options it answered, at the same terminal for
 * the same Windows account: allowed with no session, the terminal recorded
 * as the login's computer.
 * Refused: the assertion from another terminal, the login's steps on the
 * portal's routes (and a portal login's at the terminal logon), no UV, a
 * spent challenge; a TOTP account without a code.
 * @relation(REQ-MFA-016, REQ-MFA-023, REQ-MFA-021) */
START_TEST(test_lwa_terminal_logon)
{
    dsg_lsvc_result r;
    ceremony c;
    dsg_acct_last_login last;
    char login[DSG_LSVC_TOKEN_TEXT + 1];
    enrolled("suzuki", NOW, 0);
    terminal_first("suzuki", &company_pc, NOW + 10, &r);
    expect_ok(&r, DSG_LSVC_NEXT_ASSERT_WEBAUTHN);
    ck_assert_int_eq(r.webauthn.uv_required, 1);
    ck_assert_uint_eq(r.webauthn.n_creds, 1);
    snprintf(login, sizeof login, "%s", r.login);
    assertion(&c, r.webauthn.challenge, UP | UV, 1);
    terminal_assert(login, "tj-pc-7", &c, NOW + 11, &r);
    expect_ok(&r, DSG_LSVC_NEXT_NONE);
    ck_assert_str_eq(r.event, "webauthn-accepted");
    ck_assert_str_eq(r.token, "");
    ck_assert_int_eq(dsg_acct_store_last_login(db, "suzuki", &last), 1);
    ck_assert_str_eq(last.computer, "tj-pc-7");
    terminal_assert(login, "tj-pc-7", &c, NOW + 12, &r);   /* the login is over */
    expect_refused(&r, "login_incomplete", NULL);
    /* another terminal */
    terminal_first("suzuki", &company_pc, NOW + 20, &r);
    snprintf(login, sizeof login, "%s", r.login);
    assertion(&c, r.webauthn.challenge, UP | UV, 2);
    terminal_assert(login, "tj-pc-8", &c, NOW + 21, &r);
    expect_refused(&r, "login_incomplete", "began at terminal tj-pc-7");
    /* another Windows account than the first request reported */
    terminal_first("suzuki", &company_pc, NOW + 25, &r);
    snprintf(login, sizeof login, "%s", r.login);
    assertion(&c, r.webauthn.challenge, UP | UV, 2);
    dsg_lsvc_assertion other = { CRED_ID, sizeof CRED_ID, c.data.b, c.data.n,
                                 (const uint8_t *)c.cdj, c.cdj_len, c.sig, c.sig_len };
    dsg_lsvc_terminal_assert(login, "tj-pc-7", "WKS\\admin", &other, NOW + 26, &r);
    expect_refused(&r, "login_incomplete", "began for Windows account WKS\\sato, not WKS\\admin");
    /* the portal's routes take no step of a terminal logon's login */
    terminal_first("suzuki", &company_pc, NOW + 30, &r);
    snprintf(login, sizeof login, "%s", r.login);
    assertion(&c, r.webauthn.challenge, UP | UV, 3);
    do_assert(login, &c, NOW + 31, &r);
    expect_refused(&r, "login_incomplete", "at the terminal logon only");
    /* nor the terminal logon a portal login's */
    to_request_options("suzuki", NOW + 40, &r);
    snprintf(login, sizeof login, "%s", r.login);
    assertion(&c, r.webauthn.challenge, UP | UV, 4);
    terminal_assert(login, "tj-pc-7", &c, NOW + 41, &r);
    expect_refused(&r, "login_incomplete", "does not go on at a terminal logon");
    /* UV is required */
    terminal_first("suzuki", &other_pc, NOW + 50, &r);
    snprintf(login, sizeof login, "%s", r.login);
    assertion(&c, r.webauthn.challenge, UP, 5);
    terminal_assert(login, "tj-pc-8", &c, NOW + 51, &r);
    expect_refused(&r, "auth_failed", NULL);
    /* a TOTP account without a code */
    account("sato", DSG_ACCT_MINISTRY);
    dsg_lsvc_terminal_logon("sato", (const uint8_t *)ISSUED, strlen(ISSUED), NULL, "WKS\\sato",
                            &ministry_net, NOW + 60, &r);   /* a first login */
    ck_assert_int_eq(r.status, 403);
    ck_assert_str_eq(r.error, "terminal_factor_unsupported");
}
END_TEST

/* @relation(REQ-MFA-003, REQ-MFA-004, REQ-MFA-006, REQ-MFA-001) */
/* @relation(REQ-MFA-021, REQ-MFA-022, REQ-MFA-023) */
START_TEST(test_lwa_company_enrols_then_logs_in)
{
    dsg_lsvc_result r, s;
    ceremony c;
    dsg_webauthn_cred stored;
    char verifier[DSG_CRED_VERIFIER_MAX + 1];
    uint8_t handle[32];
    account("suzuki", DSG_ACCT_COMPANY);
    to_creation_options("suzuki", NOW, &r);
    ck_assert_uint_eq(r.webauthn.n_creds, 0);            /* nothing to exclude yet */
    ck_assert_int_eq(r.webauthn.uv_required, 1);
    digest("suzuki", 6, handle);
    ck_assert_mem_eq(r.webauthn.user_handle, handle, 32);
    ck_assert_str_eq(r.event, "webauthn-enrolment-begun");
    registration(&c, r.webauthn.challenge, FX_AAGUIDS[1], UP | UV | AT, 0);
    do_register(r.login, &c, NOW, &r);
    expect_ok(&r, DSG_LSVC_NEXT_SESSION);
    ck_assert_str_eq(r.event, "webauthn-enrolled");
    ck_assert_msg(strstr(r.detail, "self attestation") != NULL, "%s", r.detail);
    dsg_lsvc_session(r.token, NOW + 1, &s);
    ck_assert_int_eq(s.status, 200);
    ck_assert_str_eq(s.user_id, "suzuki");
    /* The credential is stored; the enrolment code is spent. */
    ck_assert_int_eq(dsg_cred_store_webauthn_get(db, "suzuki", CRED_ID, sizeof CRED_ID, &stored),
                     1);
    ck_assert_mem_eq(stored.x, KEY.x, 32);
    ck_assert_mem_eq(stored.aaguid, FX_AAGUIDS[1], 16);
    ck_assert_int_eq(stored.attested, 0);
    ck_assert_int_eq(dsg_cred_store_code(db, "suzuki", NOW + 1, verifier), 0);
    /* The next login: an assertion. */
    to_request_options("suzuki", NOW + 60, &r);
    ck_assert_str_eq(r.event, "webauthn-challenge");
    ck_assert_uint_eq(r.webauthn.n_creds, 1);
    ck_assert_uint_eq(r.webauthn.cred_len[0], sizeof CRED_ID);
    ck_assert_mem_eq(r.webauthn.cred[0], CRED_ID, sizeof CRED_ID);
    ck_assert_int_eq(r.webauthn.uv_required, 1);          /* company users: UV required */
    assertion(&c, r.webauthn.challenge, UP | UV, 7);
    do_assert(r.login, &c, NOW + 60, &r);
    expect_ok(&r, DSG_LSVC_NEXT_SESSION);
    ck_assert_str_eq(r.event, "webauthn-accepted");
    ck_assert_uint_eq(strlen(r.token), DSG_LSVC_TOKEN_TEXT);
    ck_assert_int_eq(dsg_cred_store_webauthn_get(db, "suzuki", CRED_ID, sizeof CRED_ID, &stored),
                     1);
    ck_assert_uint_eq(stored.sign_count, 7);
}
END_TEST

/* @relation(REQ-MFA-004, REQ-MFA-023) */
START_TEST(test_lwa_uv_required_is_enforced)
{
    dsg_lsvc_result r;
    ceremony c;
    enrolled("suzuki", NOW, 0);
    to_request_options("suzuki", NOW + 10, &r);
    assertion(&c, r.webauthn.challenge, UP, 1);            /* UV clear */
    do_assert(r.login, &c, NOW + 10, &r);
    expect_refused(&r, "auth_failed", "flags");
    /* The enrolment is UV-checked too. */
    account("tanaka", DSG_ACCT_COMPANY);
    to_creation_options("tanaka", NOW + 20, &r);
    registration(&c, r.webauthn.challenge, FX_AAGUIDS[0], UP | AT, 0);
    do_register(r.login, &c, NOW + 20, &r);
    expect_refused(&r, "auth_failed", "flags");
}
END_TEST

/* @relation(REQ-MFA-004, REQ-MFA-023, REQ-MFA-021) */
START_TEST(test_lwa_challenge_is_the_last_and_used_once)
{
    dsg_lsvc_result r;
    ceremony c, old;
    uint8_t first[DSG_WEBAUTHN_CHALLENGE_LEN];
    enrolled("suzuki", NOW, 0);
    /* Options twice: only the second challenge is live. */
    to_request_options("suzuki", NOW + 10, &r);
    memcpy(first, r.webauthn.challenge, sizeof first);
    dsg_lsvc_webauthn_options(r.login, NULL, NOW + 10, &r);
    expect_ok(&r, DSG_LSVC_NEXT_ASSERT_WEBAUTHN);
    ck_assert(memcmp(first, r.webauthn.challenge, sizeof first) != 0);
    assertion(&c, first, UP | UV, 1);
    do_assert(r.login, &c, NOW + 10, &r);
    expect_refused(&r, "auth_failed", "client-data");
    /* An assertion that opened a session is not accepted again. */
    to_request_options("suzuki", NOW + 20, &r);
    assertion(&old, r.webauthn.challenge, UP | UV, 2);
    char login[DSG_LSVC_TOKEN_TEXT + 1];
    snprintf(login, sizeof login, "%s", r.login);
    do_assert(login, &old, NOW + 20, &r);
    expect_ok(&r, DSG_LSVC_NEXT_SESSION);
    do_assert(login, &old, NOW + 21, &r);                  /* the same login: it is over */
    expect_refused(&r, "login_incomplete", NULL);
    to_request_options("suzuki", NOW + 30, &r);
    assertion(&c, r.webauthn.challenge, UP | UV, 3);       /* (c: the counter is not the point) */
    do_assert(r.login, &old, NOW + 30, &r);                /* a new login, the old challenge */
    expect_refused(&r, "auth_failed", "client-data");
    /* An assertion with no options before it. */
    password("suzuki", NEW_PW, &ministry_net, NOW + 40, &r);
    do_assert(r.login, &c, NOW + 40, &r);
    expect_refused(&r, "login_incomplete", NULL);
}
END_TEST

/* @relation(REQ-MFA-004, REQ-MFA-023) */
START_TEST(test_lwa_counter_must_grow)
{
    dsg_lsvc_result r;
    ceremony c;
    enrolled("suzuki", NOW, 5);
    to_request_options("suzuki", NOW + 10, &r);
    assertion(&c, r.webauthn.challenge, UP | UV, 5);       /* not past the stored 5 */
    do_assert(r.login, &c, NOW + 10, &r);
    expect_refused(&r, "auth_failed", "counter");
    to_request_options("suzuki", NOW + 20, &r);
    assertion(&c, r.webauthn.challenge, UP | UV, 6);
    do_assert(r.login, &c, NOW + 20, &r);
    expect_ok(&r, DSG_LSVC_NEXT_SESSION);
    /* The database refuses a counter that does not move forward, too. */
    ck_assert_int_eq(dsg_cred_store_webauthn_count(db, "suzuki", CRED_ID, sizeof CRED_ID, 6), -1);
    ck_assert_int_eq(dsg_cred_store_webauthn_count(db, "suzuki", CRED_ID, sizeof CRED_ID, 4), -1);
}
END_TEST

/* @relation(REQ-MFA-006, REQ-MFA-011, REQ-MFA-025) */
START_TEST(test_lwa_wrong_code_counts_and_locks)
{
    dsg_lsvc_result r;
    dsg_lock lock;
    account("suzuki", DSG_ACCT_COMPANY);
    password("suzuki", ISSUED, &outside, NOW, &r);
    change(r.login, NEW_PW, NOW, &r);
    expect_ok(&r, DSG_LSVC_NEXT_ENROL_WEBAUTHN);
    for (int i = 0; i < 3; i++) {
        if (i > 0) {
            password("suzuki", NEW_PW, &outside, NOW + i, &r);
            expect_ok(&r, DSG_LSVC_NEXT_ENROL_WEBAUTHN);
        }
        dsg_lsvc_webauthn_options(r.login, i == 1 ? "" : "0123-4567-89ab-cdef-0123-4567-89ab-cdee",
                                  NOW + i, &r);
        expect_refused(&r, "auth_failed", "enrolment code");
        ck_assert_int_eq(r.locked, i == 2);
    }
    ck_assert_int_eq(dsg_cred_store_lock_get(db, "suzuki", &lock), 0);
    ck_assert_int_eq(lock.locked_until, NOW + 2 + 900);   /* by the third, at NOW + 2 */
    password("suzuki", NEW_PW, &outside, NOW + 10, &r);
    expect_refused(&r, "auth_failed", "locked");
    /* Once the lock is over, the right code. */
    password("suzuki", NEW_PW, &outside, NOW + 2 + 900, &r);
    expect_ok(&r, DSG_LSVC_NEXT_ENROL_WEBAUTHN);
    dsg_lsvc_webauthn_options(r.login, CODE, NOW + 2 + 900, &r);
    expect_ok(&r, DSG_LSVC_NEXT_REGISTER_WEBAUTHN);
}
END_TEST

/* @relation(REQ-MFA-003, REQ-MFA-022) */
START_TEST(test_lwa_aaguid_off_the_allowlist)
{
    dsg_lsvc_result r;
    ceremony c;
    dsg_webauthn_cred stored;
    char verifier[DSG_CRED_VERIFIER_MAX + 1];
    account("suzuki", DSG_ACCT_COMPANY);
    to_creation_options("suzuki", NOW, &r);
    registration(&c, r.webauthn.challenge, OTHER_AAGUID, UP | UV | AT, 0);
    do_register(r.login, &c, NOW, &r);
    expect_refused(&r, "auth_failed", "aaguid-not-allowed");
    ck_assert_int_eq(dsg_cred_store_webauthn_get(db, "suzuki", CRED_ID, sizeof CRED_ID, &stored),
                     0);
    ck_assert_int_eq(dsg_cred_store_code(db, "suzuki", NOW, verifier), 1);   /* not spent */
    /* Self attestation when the policy wants a certificate chain. */
    cfg.webauthn.allow_self = 0;
    password("suzuki", NEW_PW, &outside, NOW + 1, &r);
    dsg_lsvc_webauthn_options(r.login, CODE, NOW + 1, &r);
    registration(&c, r.webauthn.challenge, FX_AAGUIDS[0], UP | UV | AT, 0);
    do_register(r.login, &c, NOW + 1, &r);
    expect_refused(&r, "auth_failed", "self-attestation");
}
END_TEST

/* A credential the policy stops accepting (its model taken off the
 * allowlist) is refused at login too.
 * @relation(REQ-MFA-003, REQ-MFA-004, REQ-MFA-022, REQ-MFA-023) */
START_TEST(test_lwa_policy_applies_to_enrolled_credentials)
{
    dsg_lsvc_result r;
    ceremony c;
    enrolled("suzuki", NOW, 0);                              /* FX_AAGUIDS[0] */
    cfg.webauthn.aaguids = FX_AAGUIDS + 1;
    cfg.webauthn.n_aaguids = 1;
    to_request_options("suzuki", NOW + 10, &r);
    assertion(&c, r.webauthn.challenge, UP | UV, 1);
    do_assert(r.login, &c, NOW + 10, &r);
    expect_refused(&r, "auth_failed", "no longer accepts");
}
END_TEST

/* @relation(REQ-MFA-002, REQ-MFA-003, REQ-MFA-004, REQ-MFA-021, REQ-MFA-022) */
START_TEST(test_lwa_ministry_user_outside_uses_webauthn)
{
    dsg_lsvc_result r;
    ceremony c;
    account("sato", DSG_ACCT_MINISTRY);
    password("sato", ISSUED, &outside, NOW, &r);
    change(r.login, NEW_PW, NOW, &r);
    expect_ok(&r, DSG_LSVC_NEXT_ENROL_WEBAUTHN);
    char login[DSG_LSVC_TOKEN_TEXT + 1];
    snprintf(login, sizeof login, "%s", r.login);
    dsg_lsvc_enrol_totp(login, CODE, NOW, &r);              /* no TOTP instead */
    expect_refused(&r, "login_incomplete", NULL);
    password("sato", NEW_PW, &outside, NOW + 1, &r);
    dsg_lsvc_webauthn_options(r.login, CODE, NOW + 1, &r);
    expect_ok(&r, DSG_LSVC_NEXT_REGISTER_WEBAUTHN);
    registration(&c, r.webauthn.challenge, FX_AAGUIDS[0], UP | UV | AT, 0);
    do_register(r.login, &c, NOW + 1, &r);
    expect_ok(&r, DSG_LSVC_NEXT_SESSION);
    /* The TOTP code step is refused outside too, and WebAuthn options on
     * a Ministry network, where TOTP is the factor. */
    password("sato", NEW_PW, &outside, NOW + 2, &r);
    dsg_lsvc_totp(r.login, "123456", NOW + 2, &r);
    expect_refused(&r, "login_incomplete", NULL);
    password("sato", NEW_PW, &ministry_net, NOW + 3, &r);
    expect_ok(&r, DSG_LSVC_NEXT_ENROL_TOTP);
    dsg_lsvc_webauthn_options(r.login, CODE, NOW + 3, &r);
    expect_refused(&r, "login_incomplete", NULL);
}
END_TEST

/* @relation(REQ-MFA-004, REQ-MFA-023) */
START_TEST(test_lwa_unknown_credential_and_stray_code)
{
    dsg_lsvc_result r;
    ceremony c;
    enrolled("suzuki", NOW, 0);
    to_request_options("suzuki", NOW + 10, &r);
    assertion(&c, r.webauthn.challenge, UP | UV, 1);
    dsg_lsvc_assertion a = { CRED_ID, sizeof CRED_ID - 1, c.data.b, c.data.n,
                             (const uint8_t *)c.cdj, c.cdj_len, c.sig, c.sig_len };
    dsg_lsvc_webauthn_assert(r.login, &a, NOW + 10, &r);
    expect_refused(&r, "auth_failed", "unknown credential");
    /* An enrolled account's options take no enrolment code. */
    password("suzuki", NEW_PW, &ministry_net, NOW + 20, &r);
    dsg_lsvc_webauthn_options(r.login, CODE, NOW + 20, &r);
    expect_refused(&r, "login_incomplete", NULL);
}
END_TEST

/* An attested registration: refused while no trust anchor is configured,
 * accepted and stored as attested under the vendor's root, and usable when
 * self attestation is off. @relation(REQ-MFA-003, REQ-MFA-004, REQ-MFA-022, REQ-MFA-023) */
START_TEST(test_lwa_attested_registration)
{
    dsg_lsvc_result r;
    ceremony c;
    dsg_webauthn_cred stored;
    struct authn vendor;
    EVP_PKEY *root_key = fx_key(FX_ROOT_KEY);
    authn_of_key(&vendor, fx_key(FX_VENDOR_KEY));
    X509 *root = fx_root_cert(root_key);
    X509 *cert = fx_cert(vendor.key, fx_name(FX_ATTESTATION_OU, "Test Authenticator"), root,
                         root_key, 2, 0, FX_AAGUIDS[0]);
    X509_STORE *roots = fx_roots(root);
    ck_assert(root != NULL && cert != NULL && roots != NULL);
    cfg.webauthn.allow_self = 0;
    account("suzuki", DSG_ACCT_COMPANY);
    to_creation_options("suzuki", NOW, &r);
    registration_by(&c, r.webauthn.challenge, FX_AAGUIDS[0], UP | UV | AT, 0, &vendor, cert);
    do_register(r.login, &c, NOW, &r);
    expect_refused(&r, "auth_failed", "attestation-certificate: untrusted");
    cfg.webauthn.roots = roots;
    password("suzuki", NEW_PW, &outside, NOW + 1, &r);
    dsg_lsvc_webauthn_options(r.login, CODE, NOW + 1, &r);
    registration_by(&c, r.webauthn.challenge, FX_AAGUIDS[0], UP | UV | AT, 0, &vendor, cert);
    do_register(r.login, &c, NOW + 1, &r);
    expect_ok(&r, DSG_LSVC_NEXT_SESSION);
    ck_assert_msg(strstr(r.detail, "(attested)") != NULL, "%s", r.detail);
    ck_assert_int_eq(dsg_cred_store_webauthn_get(db, "suzuki", CRED_ID, sizeof CRED_ID, &stored),
                     1);
    ck_assert_int_eq(stored.attested, 1);
    to_request_options("suzuki", NOW + 10, &r);
    assertion(&c, r.webauthn.challenge, UP | UV, 1);
    do_assert(r.login, &c, NOW + 10, &r);
    expect_ok(&r, DSG_LSVC_NEXT_SESSION);
    X509_STORE_free(roots);
    X509_free(cert);
    X509_free(root);
    EVP_PKEY_free(root_key);
    EVP_PKEY_free(vendor.key);
}
END_TEST

/* A password change in a session of a WebAuthn login: assertion options
 * of the session (UV required, the account's credentials), then the
 * current and new passwords with an assertion over that challenge, used
 * once; an assertion without UV or over a spent challenge is refused.
 * @relation(REQ-MFA-010, REQ-MFA-004) */
START_TEST(test_lwa_password_change_in_a_session)
{
    dsg_lsvc_result r;
    ceremony c;
    char token[DSG_LSVC_TOKEN_TEXT + 1];
    account("suzuki", DSG_ACCT_COMPANY);
    to_creation_options("suzuki", NOW, &r);
    registration(&c, r.webauthn.challenge, FX_AAGUIDS[0], UP | UV | AT, 1);
    do_register(r.login, &c, NOW, &r);
    expect_ok(&r, DSG_LSVC_NEXT_SESSION);
    snprintf(token, sizeof token, "%s", r.token);
    dsg_lsvc_change_options(token, NOW + 10, &r);
    expect_ok(&r, DSG_LSVC_NEXT_ASSERT_WEBAUTHN);
    ck_assert_str_eq(r.login, "");
    ck_assert_int_eq(r.webauthn.uv_required, 1);
    ck_assert_uint_eq(r.webauthn.n_creds, 1);
    ck_assert_mem_eq(r.webauthn.cred[0], CRED_ID, sizeof CRED_ID);
    assertion(&c, r.webauthn.challenge, UP, 2);                     /* no UV */
    dsg_lsvc_assertion a = { CRED_ID, sizeof CRED_ID, c.data.b, c.data.n,
                             (const uint8_t *)c.cdj, c.cdj_len, c.sig, c.sig_len };
    dsg_lsvc_pw_change ch = { (const uint8_t *)NEW_PW, strlen(NEW_PW),
                              (const uint8_t *)"Another-passw0rd-2", 18, NULL, &a };
    dsg_lsvc_session_change_password(token, &ch, NOW + 11, &r);
    expect_refused(&r, "auth_failed", "WebAuthn assertion");
    dsg_lsvc_session_change_password(token, &ch, NOW + 12, &r);     /* the challenge is spent */
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(r.error, "second_factor_required");
    ch.assertion = NULL;                                            /* none at all */
    dsg_lsvc_session_change_password(token, &ch, NOW + 12, &r);
    ck_assert_str_eq(r.error, "second_factor_required");
    dsg_lsvc_change_options(token, NOW + 13, &r);
    expect_ok(&r, DSG_LSVC_NEXT_ASSERT_WEBAUTHN);
    assertion(&c, r.webauthn.challenge, UP | UV, 3);
    dsg_lsvc_assertion good = { CRED_ID, sizeof CRED_ID, c.data.b, c.data.n,
                                (const uint8_t *)c.cdj, c.cdj_len, c.sig, c.sig_len };
    ch.assertion = &good;
    dsg_lsvc_session_change_password(token, &ch, NOW + 14, &r);
    ck_assert_msg(r.status == 200, "%d %s: %s", r.status, r.event, r.detail);
    ck_assert_str_eq(r.event, "password-changed");
    ck_assert_uint_eq(r.sessions_ended, 0);
    password("suzuki", "Another-passw0rd-2", &outside, NOW + 20, &r);
    expect_ok(&r, DSG_LSVC_NEXT_WEBAUTHN);
    /* The options expire with auth.challenge_lifetime. */
    dsg_lsvc_change_options(token, NOW + 30, &r);
    assertion(&c, r.webauthn.challenge, UP | UV, 4);
    dsg_lsvc_assertion late = { CRED_ID, sizeof CRED_ID, c.data.b, c.data.n,
                                (const uint8_t *)c.cdj, c.cdj_len, c.sig, c.sig_len };
    dsg_lsvc_pw_change again = { (const uint8_t *)"Another-passw0rd-2", 18,
                                 (const uint8_t *)"Third-passw0rd-3!", 17, NULL, &late };
    dsg_lsvc_session_change_password(token, &again, NOW + 30 + 300, &r);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(r.error, "second_factor_required");
}
END_TEST

/* After an approved factor reset (as the auth role runs it) the
 * credential opens nothing: the session is gone, the next login asks for
 * an enrolment with a new code and offers no credential to assert.
 * @relation(REQ-MFA-006, REQ-MFA-022) */
START_TEST(test_lwa_factor_reset)
{
    dsg_lsvc_result r, s;
    dsg_acct_app a;
    dsg_acct_problem p;
    dsg_webauthn_cred stored;
    int64_t id = 0;
    char hex[65];
    uint8_t sum[32];
    account("suzuki", DSG_ACCT_COMPANY);
    to_creation_options("suzuki", NOW, &r);
    ceremony c;
    registration(&c, r.webauthn.challenge, FX_AAGUIDS[1], UP | UV | AT, 0);
    do_register(r.login, &c, NOW, &r);
    expect_ok(&r, DSG_LSVC_NEXT_SESSION);
    char token[DSG_LSVC_TOKEN_TEXT + 1];
    snprintf(token, sizeof token, "%s", r.token);
    memset(&a, 0, sizeof a);
    a.kind = DSG_APP_RESET_FACTOR;
    strcpy(a.user_id, "suzuki");
    strcpy(a.applicant, "suzuki");
    strcpy(a.reason, "key lost");
    ck_assert_int_eq(dsg_acct_store_apply(db, &a, "admin1", NOW + 10, &id, &p), 0);
    ck_assert_int_eq(dsg_acct_store_approve(db, id, "admin2", NOW + 10, &p), 0);
    ck_assert_uint_eq(dsg_lsvc_end_sessions("suzuki", NULL), 1);
    dsg_lsvc_session(token, NOW + 11, &s);
    ck_assert_int_eq(s.status, 401);
    ck_assert_int_eq(dsg_cred_store_webauthn_get(db, "suzuki", CRED_ID, sizeof CRED_ID, &stored),
                     0);
    password("suzuki", NEW_PW, &outside, NOW + 20, &r);
    expect_ok(&r, DSG_LSVC_NEXT_ENROL_WEBAUTHN);
    dsg_lsvc_webauthn_options(r.login, NULL, NOW + 20, &s);   /* no code: no options */
    ck_assert_int_eq(s.status, 401);
    digest("fedcba9876543210fedcba9876543210", 32, sum);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", sum[i]);
    ck_assert_int_eq(dsg_acct_store_issue(db, "suzuki", DSG_CRED_ENROLMENT_CODE, hex, NOW + 30,
                                          NOW + DAY, "admin2", &p), 0);
    password("suzuki", NEW_PW, &outside, NOW + 40, &r);
    expect_ok(&r, DSG_LSVC_NEXT_ENROL_WEBAUTHN);
    dsg_lsvc_webauthn_options(r.login, "fedc-ba98-7654-3210-fedc-ba98-7654-3210", NOW + 40, &r);
    expect_ok(&r, DSG_LSVC_NEXT_REGISTER_WEBAUTHN);
    ck_assert_uint_eq(r.webauthn.n_creds, 0);   /* the revoked credential is not listed */
}
END_TEST

Suite *suite_login_webauthn(void)
{
    Suite *s = suite_create("login_webauthn");
    TCase *tc = tcase_create("login_webauthn");
    tcase_add_checked_fixture(tc, wa_setup, wa_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_lwa_company_enrols_then_logs_in);
    tcase_add_test(tc, test_lwa_uv_required_is_enforced);
    tcase_add_test(tc, test_lwa_challenge_is_the_last_and_used_once);
    tcase_add_test(tc, test_lwa_counter_must_grow);
    tcase_add_test(tc, test_lwa_wrong_code_counts_and_locks);
    tcase_add_test(tc, test_lwa_aaguid_off_the_allowlist);
    tcase_add_test(tc, test_lwa_policy_applies_to_enrolled_credentials);
    tcase_add_test(tc, test_lwa_ministry_user_outside_uses_webauthn);
    tcase_add_test(tc, test_lwa_unknown_credential_and_stray_code);
    tcase_add_test(tc, test_lwa_attested_registration);
    tcase_add_test(tc, test_lwa_password_change_in_a_session);
    tcase_add_test(tc, test_lwa_factor_reset);
    tcase_add_test(tc, test_lwa_terminal_logon);
    suite_add_tcase(s, tc);
    return s;
}
