/*
 * The world of the login service's unit tests (tests/check_login_svc.c,
 * tests/check_login_webauthn.c): a real account database in a temporary
 * directory, the service's settings (the WebAuthn relying party and
 * policy of the fixture in fuzz/webauthn/fixture.h: two allowlisted
 * AAGUIDs, self attestation allowed, no trust anchor), accounts with an
 * issued password and enrolment code, and the first steps of a login.
 * Assertions fail the calling test.
 */
#ifndef DSG_TESTS_LOGIN_FIXTURE_H
#define DSG_TESTS_LOGIN_FIXTURE_H

#include <check.h>
#include <openssl/evp.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/acct_store.h"
#include "auth/cred_store.h"
#include "auth/login_svc.h"
#include "auth/org_store.h"
#include "db/db.h"
#include "fuzz/webauthn/fixture.h"
#include "tests/db_fixture.h"

#define NOW 1800000000LL
#define DAY 86400LL
#define ISSUED "Tmp-Passw0rd-issued"
#define CODE "0123-4567-89ab-cdef-0123-4567-89ab-cdef"

static char dir[DB_FIXTURE_DIR_MAX];
static sqlite3 *db;
static dsg_lsvc_cfg cfg;
static const uint8_t FX_TOTP_KEY[DSG_SEAL_KEY_LEN] = "login-fixture-data-key-32-bytes!";
static const dsg_lsvc_peer ministry_net = { DSG_LOGIN_PORTAL, 1, 0, "10.1.2.3", NULL,
                                            "10.1.2.3" };
static const dsg_lsvc_peer outside = { DSG_LOGIN_PORTAL, 0, 0, "192.0.2.7", NULL, "192.0.2.7" };
/* The organisations' registered networks (REQ-ACCT-016) hold both peers
 * above; an address outside them: */
static const dsg_lsvc_peer elsewhere = { DSG_LOGIN_PORTAL, 0, 0, "198.51.100.9", NULL,
                                         "198.51.100.9" };

static void setup(void)
{
    db = db_fixture_open(dir, "/tmp/dsg-login-XXXXXX", "auth.db", dsg_acct_store_open, NULL);
    memset(&cfg, 0, sizeof cfg);
    cfg.lock = (dsg_lock_policy){ 3, 900, 900 };
    cfg.scrypt = (dsg_scrypt_params){ 10, 8, 1 };   /* cheap: the cost is not under test */
    cfg.password = (dsg_pw_policy){ 12, 128, 3 };
    cfg.password_history = 5;
    cfg.challenge_lifetime = 300;
    cfg.session = (dsg_session_policy){ 900, 43200 };
    cfg.admin_session = (dsg_session_policy){ 900, 43200 };
    cfg.reauth_max_age = 900;
    cfg.max_sessions = 2;
    cfg.totp_skew = 1;
    cfg.admin_factor = DSG_ADMIN_FACTOR_TOTP;
    snprintf(cfg.issuer, sizeof cfg.issuer, "dsg.example");
    cfg.rp = FX_RP;
    cfg.webauthn = fx_policy(FX_SEL_FLAG, NULL);   /* self attestation allowed, no roots */
    cfg.totp_key = FX_TOTP_KEY;
    ck_assert_int_eq(dsg_lsvc_init(&cfg, db), 0);
    dsg_acct_problem p;
    ck_assert_msg(dsg_org_store_add(db, "テスト重工", DSG_ORG_CLASS_COMPANY,
                                    "192.0.2.0/24, 10.0.0.0/8", "admin1", NOW - 200, &p) == 0,
                  "%s", p.message);
    ck_assert_msg(dsg_org_store_add(db, "防衛省", DSG_ORG_CLASS_MINISTRY, "192.0.2.0/24",
                                    "admin1", NOW - 200, &p) == 0, "%s", p.message);
}

static void teardown(void)
{
    db_fixture_close(&db, dir);
}

/* An ACTIVE account of type in the organisation org (NULL: the fixture's
 * registered one of its kind) with the issued password and enrolment
 * code. */
static void account_in(const char *user, dsg_acct_type type, const char *org)
{
    dsg_acct_app a;
    dsg_acct_problem p;
    int64_t id = 0;
    char verifier[DSG_CRED_VERIFIER_MAX + 1], hex[65];
    uint8_t digest[32];
    memset(&a, 0, sizeof a);
    a.kind = DSG_APP_REGISTER;
    snprintf(a.user_id, sizeof a.user_id, "%s", user);
    strcpy(a.applicant, "yamada");
    strcpy(a.reason, "test");
    strcpy(a.name, "田中 太郎");
    snprintf(a.org, sizeof a.org, "%s",
             org != NULL ? org : type == DSG_ACCT_MINISTRY ? "防衛省" : "テスト重工");
    strcpy(a.contract, "C-1");
    a.org_kind = type == DSG_ACCT_MINISTRY ? DSG_ORG_MINISTRY : DSG_ORG_PRIME;
    a.type = type;
    a.expiry = NOW + 30 * DAY;
    a.contract_end = NOW + 60 * DAY;
    ck_assert_msg(dsg_acct_store_apply(db, &a, "admin1", NOW - 100, &id, &p) == 0, "%s",
                  p.message);
    ck_assert_msg(dsg_acct_store_approve(db, id, "admin2", NOW - 90, &p) == 0, "%s", p.message);
    ck_assert_int_gt(dsg_pw_hash_new((const uint8_t *)ISSUED, strlen(ISSUED), &cfg.scrypt,
                                     verifier, sizeof verifier), 0);
    ck_assert_int_eq(dsg_acct_store_issue(db, user, DSG_CRED_PASSWORD, verifier, NOW - 80,
                                          NOW + 7 * DAY, "admin2", &p), 0);
    ck_assert_int_eq(EVP_Digest("0123456789abcdef0123456789abcdef", 32, digest, NULL,
                                EVP_sha256(), NULL), 1);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    ck_assert_int_eq(dsg_acct_store_issue(db, user, DSG_CRED_ENROLMENT_CODE, hex, NOW - 80,
                                          NOW + 7 * DAY, "admin2", &p), 0);
}

static void account(const char *user, dsg_acct_type type)
{
    account_in(user, type, NULL);
}

static void password(const char *user, const char *pw, const dsg_lsvc_peer *peer, int64_t now,
                     dsg_lsvc_result *r)
{
    dsg_lsvc_password(user, (const uint8_t *)pw, strlen(pw), peer, now, r);
}

static void change(const char *login, const char *pw, int64_t now, dsg_lsvc_result *r)
{
    dsg_lsvc_change_password(login, (const uint8_t *)pw, strlen(pw), now, r);
}

#endif
