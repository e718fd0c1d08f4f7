/*
 * Unit tests of the login service (src/auth/login_svc.h) over a real
 * account database in a temporary directory: the whole TOTP path from the
 * issued password to a session, the lockout at its boundary on each
 * factor, the half-finished login after a lock, the identical answers,
 * replay, the factor table's WebAuthn fallback and the sessions' limits.
 * Codes are computed here from the otpauth URI the service gives.
 */
#define _GNU_SOURCE
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
#include "auth/totp_hmac.h"
#include "db/db.h"
#include "login_fixture.h"


Suite *suite_login_svc(void);

/* The secret of an otpauth URI (RFC 4648 base32, no padding). */
static size_t uri_secret(const char *uri, uint8_t *out)
{
    const char *s = strstr(uri, "secret=");
    size_t n = 0;
    uint32_t bits = 0, acc = 0;
    ck_assert_ptr_nonnull(s);
    for (s += 7; *s != '\0' && *s != '&'; s++) {
        const char *abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", *at = strchr(abc, *s);
        ck_assert_ptr_nonnull(at);
        acc = acc << 5 | (uint32_t)(at - abc);
        bits += 5;
        if (bits >= 8) {
            out[n++] = (uint8_t)(acc >> (bits - 8));
            bits -= 8;
        }
    }
    return n;
}

static void code_at(const uint8_t *secret, size_t len, int64_t now, char out[8])
{
    uint32_t code = 0;
    ck_assert_int_eq(dsg_totp_hotp(DSG_TOTP_SHA1, secret, len, 6, (uint64_t)now / 30, &code),
                     DSG_TOTP_OK);
    snprintf(out, 8, "%06u", code);
}

/* The first login of user from peer, to a session with TOTP; the secret
 * enrolled into secret[0 .. *len). */
static void first_login_from(const char *user, const dsg_lsvc_peer *peer, int64_t now,
                             uint8_t *secret, size_t *len, dsg_lsvc_result *r)
{
    char code[8];
    password(user, ISSUED, peer, now, r);
    ck_assert_int_eq(r->status, 200);
    ck_assert_int_eq(r->next, DSG_LSVC_NEXT_PASSWORD_CHANGE);
    change(r->login, "Brand-new-passw0rd", now, r);
    ck_assert_msg(r->status == 200, "%d %s: %s", r->status, r->event, r->detail);
    ck_assert_int_eq(r->next, DSG_LSVC_NEXT_ENROL_TOTP);
    dsg_lsvc_enrol_totp(r->login, CODE, now, r);
    ck_assert_int_eq(r->status, 200);
    ck_assert_int_eq(r->next, DSG_LSVC_NEXT_CONFIRM_TOTP);
    *len = uri_secret(r->otpauth, secret);
    ck_assert_uint_eq(*len, 20);
    code_at(secret, *len, now, code);
    dsg_lsvc_totp(r->login, code, now, r);
    ck_assert_int_eq(r->status, 200);
    ck_assert_int_eq(r->next, DSG_LSVC_NEXT_SESSION);
}

/* The first login of a Ministry user on a Ministry network. */
static void first_login(const char *user, int64_t now, uint8_t *secret, size_t *len,
                        dsg_lsvc_result *r)
{
    first_login_from(user, &ministry_net, now, secret, len, r);
}

/* @relation(REQ-MFA-001, REQ-MFA-005, REQ-MFA-006, REQ-MFA-009, REQ-ACCT-014, REQ-MFA-021) */
START_TEST(test_lsvc_ministry_first_login_to_logout)
{
    dsg_lsvc_result r, s;
    uint8_t secret[64];
    size_t len;
    char code[8];
    account("sato", DSG_ACCT_MINISTRY);
    first_login("sato", NOW, secret, &len, &r);
    ck_assert_str_eq(r.event, "totp-enrolled");
    ck_assert_uint_eq(strlen(r.token), DSG_LSVC_TOKEN_TEXT);
    dsg_lsvc_session(r.token, NOW + 60, &s);
    ck_assert_int_eq(s.status, 200);
    ck_assert_str_eq(s.user_id, "sato");
    /* The next login: the new password, then the enrolled TOTP. */
    password("sato", "Brand-new-passw0rd", &ministry_net, NOW + 90, &r);
    ck_assert_int_eq(r.next, DSG_LSVC_NEXT_TOTP);
    code_at(secret, len, NOW + 90, code);
    dsg_lsvc_totp(r.login, code, NOW + 90, &r);
    ck_assert_int_eq(r.next, DSG_LSVC_NEXT_SESSION);
    ck_assert_str_eq(r.event, "totp-accepted");
    /* The issued password and the enrolment code are spent. */
    password("sato", ISSUED, &ministry_net, NOW + 120, &s);
    ck_assert_int_eq(s.status, 401);
    dsg_lsvc_logout(r.token, NOW + 130, &s);
    ck_assert_int_eq(s.status, 200);
    dsg_lsvc_session(r.token, NOW + 131, &s);
    ck_assert_int_eq(s.status, 401);
    ck_assert_str_eq(s.error, "session_expired");
}
END_TEST

/* @relation(REQ-MFA-012, REQ-ACCT-022) */
START_TEST(test_lsvc_refusals_look_the_same)
{
    dsg_lsvc_result r[4];
    dsg_acct_problem p;
    account("sato", DSG_ACCT_MINISTRY);
    account("kato", DSG_ACCT_MINISTRY);
    password("nobody-Secret1!", ISSUED, &ministry_net, NOW, &r[0]);   /* unknown ID */
    password("sato", "wrong-password-1", &ministry_net, NOW, &r[1]);  /* wrong password */
    for (int i = 0; i < 3; i++)
        password("kato", "wrong-password-1", &ministry_net, NOW, &r[2]);
    password("kato", ISSUED, &ministry_net, NOW + 1, &r[2]);          /* locked */
    int64_t id = 0;
    dsg_acct_app a;
    memset(&a, 0, sizeof a);
    a.kind = DSG_APP_SUSPEND;
    strcpy(a.user_id, "sato");
    strcpy(a.applicant, "yamada");
    strcpy(a.reason, "leave");
    ck_assert_int_eq(dsg_acct_store_apply(db, &a, "admin1", NOW, &id, &p), 0);
    ck_assert_int_eq(dsg_acct_store_approve(db, id, "admin2", NOW, &p), 0);
    password("sato", ISSUED, &ministry_net, NOW + 2, &r[3]);          /* suspended */
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(r[i].status, 401);
        ck_assert_str_eq(r[i].error, "auth_failed");
        ck_assert_int_eq(r[i].next, DSG_LSVC_NEXT_NONE);
        ck_assert_str_eq(r[i].login, "");
        ck_assert_str_eq(r[i].token, "");
    }
    ck_assert_msg(strncmp(r[0].user_id, "unknown:", 8) == 0 && !strstr(r[0].user_id, "Secret"),
                  "an unknown ID is logged as typed: %s", r[0].user_id);
    ck_assert_str_eq(r[3].detail, "the account is suspended");
}
END_TEST

/* Locks kato on the password factor at NOW with threshold - 1 failures
 * before it, checking that those do not lock. */
static void lock_by_password(int64_t now)
{
    dsg_lsvc_result r;
    for (int i = 0; i < 2; i++) {
        password("kato", "wrong-password-1", &ministry_net, now, &r);
        ck_assert_int_eq(r.locked, 0);
    }
    password("kato", "wrong-password-1", &ministry_net, now, &r);
    ck_assert_int_eq(r.locked, 1);
    ck_assert_str_eq(r.event, "locked");
}

/* @relation(REQ-MFA-011, REQ-ACCT-003, REQ-MFA-025, REQ-ACCT-022) */
START_TEST(test_lsvc_password_lockout_boundary)
{
    dsg_lsvc_result r;
    dsg_acct_row row;
    char err[160];
    account("kato", DSG_ACCT_MINISTRY);
    /* threshold - 1 failures, then a success: no lock, the counter cleared. */
    for (int i = 0; i < 2; i++)
        password("kato", "wrong-password-1", &ministry_net, NOW, &r);
    password("kato", ISSUED, &ministry_net, NOW, &r);
    ck_assert_int_eq(r.status, 200);
    lock_by_password(NOW + 10);
    ck_assert_int_eq(dsg_acct_store_get(db, "kato", &row, err, sizeof err), 1);
    ck_assert_int_eq(row.acct.state, DSG_ACCT_LOCKED);
    password("kato", ISSUED, &ministry_net, NOW + 10 + 899, &r);   /* one second before the end */
    ck_assert_int_eq(r.status, 401);
    password("kato", ISSUED, &ministry_net, NOW + 10 + 900, &r);   /* at the end */
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(r.unlocked, 1);
    ck_assert_msg(strstr(r.detail, "the lock was over") != NULL, "%s", r.detail);
    ck_assert_int_eq(dsg_acct_store_get(db, "kato", &row, err, sizeof err), 1);
    ck_assert_int_eq(row.acct.state, DSG_ACCT_ACTIVE);
}
END_TEST

/* @relation(REQ-MFA-011, REQ-MFA-025) */
START_TEST(test_lsvc_half_finished_login_dies_at_the_lock)
{
    dsg_lsvc_result r, first;
    uint8_t secret[64];
    size_t len;
    char code[8];
    account("kato", DSG_ACCT_MINISTRY);
    first_login("kato", NOW, secret, &len, &r);
    password("kato", "Brand-new-passw0rd", &ministry_net, NOW + 60, &first);
    ck_assert_int_eq(first.next, DSG_LSVC_NEXT_TOTP);
    lock_by_password(NOW + 61);
    code_at(secret, len, NOW + 62, code);
    dsg_lsvc_totp(first.login, code, NOW + 62, &r);
    ck_assert_int_eq(r.status, 401);
    ck_assert_str_eq(r.error, "auth_failed");
    /* Not even once the lock is over. */
    dsg_lsvc_totp(first.login, code, NOW + 61 + 900, &r);
    ck_assert_int_eq(r.status, 401);
}
END_TEST

/* @relation(REQ-MFA-011, REQ-MFA-005, REQ-MFA-025) */
START_TEST(test_lsvc_totp_lockout_boundary)
{
    dsg_lsvc_result r;
    uint8_t secret[64];
    size_t len;
    char code[8];
    account("kato", DSG_ACCT_MINISTRY);
    first_login("kato", NOW, secret, &len, &r);
    for (int i = 0; i < 3; i++) {
        password("kato", "Brand-new-passw0rd", &ministry_net, NOW + 100 + i, &r);
        ck_assert_int_eq(r.status, 200);
        dsg_lsvc_totp(r.login, "000000", NOW + 100 + i, &r);
        ck_assert_int_eq(r.status, 401);
        ck_assert_int_eq(r.locked, i == 2);
    }
    password("kato", "Brand-new-passw0rd", &ministry_net, NOW + 200, &r);
    ck_assert_int_eq(r.status, 401);   /* locked: the password step refuses too */
    /* Locked at NOW + 102 (the third failure) for 900 s. */
    password("kato", "Brand-new-passw0rd", &ministry_net, NOW + 102 + 899, &r);
    ck_assert_int_eq(r.status, 401);
    code_at(secret, len, NOW + 102 + 900, code);
    password("kato", "Brand-new-passw0rd", &ministry_net, NOW + 102 + 900, &r);
    ck_assert_int_eq(r.status, 200);
    dsg_lsvc_totp(r.login, code, NOW + 102 + 900, &r);
    ck_assert_int_eq(r.next, DSG_LSVC_NEXT_SESSION);
}
END_TEST

/* @relation(REQ-MFA-005) */
START_TEST(test_lsvc_totp_code_accepted_once)
{
    dsg_lsvc_result r;
    uint8_t secret[64];
    size_t len;
    char code[8];
    account("sato", DSG_ACCT_MINISTRY);
    first_login("sato", NOW, secret, &len, &r);
    /* The code that confirmed the enrolment is spent too. */
    code_at(secret, len, NOW, code);
    password("sato", "Brand-new-passw0rd", &ministry_net, NOW + 1, &r);
    dsg_lsvc_totp(r.login, code, NOW + 1, &r);
    ck_assert_int_eq(r.status, 401);
    ck_assert_msg(strstr(r.detail, "replayed") != NULL, "%s", r.detail);
    code_at(secret, len, NOW + 30, code);
    password("sato", "Brand-new-passw0rd", &ministry_net, NOW + 30, &r);
    dsg_lsvc_totp(r.login, code, NOW + 30, &r);
    ck_assert_int_eq(r.status, 200);
    password("sato", "Brand-new-passw0rd", &ministry_net, NOW + 31, &r);
    dsg_lsvc_totp(r.login, code, NOW + 31, &r);
    ck_assert_int_eq(r.status, 401);
}
END_TEST

/* The secret is shown once, at its enrolment: a later login has no
 * enrolment step that would show it (or another) again. A TOTP secret that
 * does not open under the data key is a storage failure at the password
 * step (503 auth_unavailable, storage-failed): neither a factor to check
 * codes against nor a missing one to enrol again; the service needs a
 * data key. @relation(REQ-MFA-018) */
START_TEST(test_lsvc_unreadable_totp_secret_refused)
{
    dsg_lsvc_result r;
    uint8_t secret[64];
    size_t len;
    account("sato", DSG_ACCT_MINISTRY);
    first_login("sato", NOW, secret, &len, &r);
    password("sato", "Brand-new-passw0rd", &ministry_net, NOW + 10, &r);
    ck_assert_int_eq(r.next, DSG_LSVC_NEXT_TOTP);
    dsg_lsvc_enrol_totp(r.login, CODE, NOW + 10, &r);
    ck_assert_int_eq(r.status, 401);
    ck_assert_str_eq(r.error, "login_incomplete");
    ck_assert_str_eq(r.otpauth, "");
    ck_assert_int_eq(sqlite3_exec(db, "UPDATE totp SET secret = substr(secret, 1, 30) ||"
                                      " CASE substr(secret, 31, 1) WHEN x'00' THEN x'01'"
                                      " ELSE x'00' END || substr(secret, 32)",
                                  NULL, NULL, NULL), SQLITE_OK);
    password("sato", "Brand-new-passw0rd", &ministry_net, NOW + 30, &r);
    ck_assert_int_eq(r.status, 503);
    ck_assert_str_eq(r.error, "auth_unavailable");
    ck_assert_str_eq(r.event, "storage-failed");
    ck_assert_str_eq(r.login, "");
    cfg.totp_key = NULL;
    ck_assert_int_eq(dsg_lsvc_init(&cfg, db), -1);
}
END_TEST

/* A login record lives auth.challenge_lifetime from its password step; a
 * step of an unknown, ended or expired login, or one not due, gets 401
 * login_incomplete and no session. @relation(REQ-MFA-021, REQ-MFA-001) */
START_TEST(test_lsvc_login_record_lifetime_and_order)
{
    dsg_lsvc_result r;
    uint8_t secret[64];
    size_t len;
    char code[8], login[DSG_LSVC_TOKEN_TEXT + 1];
    account("sato", DSG_ACCT_MINISTRY);
    first_login("sato", NOW, secret, &len, &r);
    dsg_lsvc_totp("no-such-login", "123456", NOW + 10, &r);   /* the password step skipped */
    ck_assert_int_eq(r.status, 401);
    ck_assert_str_eq(r.error, "login_incomplete");
    /* At the lifetime the record is dead, and stays dead. */
    password("sato", "Brand-new-passw0rd", &ministry_net, NOW + 100, &r);
    ck_assert_int_eq(r.next, DSG_LSVC_NEXT_TOTP);
    snprintf(login, sizeof login, "%s", r.login);
    code_at(secret, len, NOW + 400, code);
    dsg_lsvc_totp(login, code, NOW + 100 + 300, &r);
    ck_assert_int_eq(r.status, 401);
    ck_assert_str_eq(r.error, "login_incomplete");
    ck_assert_str_eq(r.token, "");
    dsg_lsvc_totp(login, code, NOW + 101, &r);
    ck_assert_int_eq(r.status, 401);
    ck_assert_str_eq(r.error, "login_incomplete");
    /* One second before it the step completes the login, once. */
    password("sato", "Brand-new-passw0rd", &ministry_net, NOW + 1000, &r);
    snprintf(login, sizeof login, "%s", r.login);
    code_at(secret, len, NOW + 1000 + 299, code);
    dsg_lsvc_totp(login, code, NOW + 1000 + 299, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(r.next, DSG_LSVC_NEXT_SESSION);
    dsg_lsvc_totp(login, code, NOW + 1000 + 299, &r);   /* repeated */
    ck_assert_int_eq(r.status, 401);
    ck_assert_str_eq(r.error, "login_incomplete");
    ck_assert_str_eq(r.token, "");
}
END_TEST

/* The login refuses an account at its expiry by itself, before any sweep
 * has moved it to EXPIRED. @relation(REQ-ACCT-023, REQ-ACCT-022) */
START_TEST(test_lsvc_login_refused_at_expiry)
{
    dsg_lsvc_result r;
    uint8_t secret[64];
    size_t len;
    dsg_acct_row row;
    char err[160];
    account("sato", DSG_ACCT_MINISTRY);   /* expiry NOW + 30 days */
    first_login("sato", NOW, secret, &len, &r);
    password("sato", "Brand-new-passw0rd", &ministry_net, NOW + 30 * DAY - 1, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(r.next, DSG_LSVC_NEXT_TOTP);
    password("sato", "Brand-new-passw0rd", &ministry_net, NOW + 30 * DAY, &r);
    ck_assert_int_eq(r.status, 401);
    ck_assert_str_eq(r.error, "auth_failed");
    ck_assert_str_eq(r.login, "");
    ck_assert_str_eq(r.detail, "the account is past its expiry");
    ck_assert_int_eq(dsg_acct_store_get(db, "sato", &row, err, sizeof err), 1);
    ck_assert_uint_eq(row.acct.state, DSG_ACCT_ACTIVE);   /* not swept yet */
}
END_TEST

/* @relation(REQ-MFA-002, REQ-MFA-021) */
START_TEST(test_lsvc_factor_from_server_facts)
{
    dsg_lsvc_result r;
    account("sato", DSG_ACCT_MINISTRY);
    account("suzuki", DSG_ACCT_COMPANY);
    password("sato", ISSUED, &outside, NOW, &r);
    ck_assert_int_eq(r.status, 200);
    change(r.login, "Brand-new-passw0rd", NOW, &r);
    ck_assert_int_eq(r.next, DSG_LSVC_NEXT_ENROL_WEBAUTHN);   /* outside the Ministry networks */
    dsg_lsvc_enrol_totp(r.login, CODE, NOW, &r);          /* TOTP cannot be chosen instead */
    ck_assert_int_eq(r.status, 401);
    ck_assert_str_eq(r.error, "login_incomplete");
    password("suzuki", ISSUED, &ministry_net, NOW, &r);
    change(r.login, "Brand-new-passw0rd", NOW, &r);
    ck_assert_int_eq(r.next, DSG_LSVC_NEXT_ENROL_WEBAUTHN);   /* a company user, wherever */
}
END_TEST

/* A registered Ministry terminal's certificate (the fact ministry_cert the
 * auth role sets from the portal's verified certificate) is the second way
 * to the TOTP exemption: a Ministry user outside the Ministry networks
 * enrols and uses TOTP with it; the company user still gets WebAuthn; the
 * login's computer is the terminal's name. @relation(REQ-MFA-002, REQ-MFA-017) */
START_TEST(test_lsvc_ministry_terminal_exempts)
{
    static const dsg_lsvc_peer terminal = { DSG_LOGIN_PORTAL, 0, 1, "mod-pc-01", NULL,
                                            "192.0.2.7" };
    dsg_lsvc_result r;
    uint8_t secret[64];
    size_t len;
    char code[8];
    dsg_acct_last_login last;
    account("sato", DSG_ACCT_MINISTRY);
    account("suzuki", DSG_ACCT_COMPANY);
    first_login_from("sato", &terminal, NOW, secret, &len, &r);
    ck_assert_int_eq(dsg_acct_store_last_login(db, "sato", &last), 1);
    ck_assert_str_eq(last.computer, "mod-pc-01");
    password("sato", "Brand-new-passw0rd", &outside, NOW + 60, &r);   /* no certificate */
    ck_assert_int_eq(r.next, DSG_LSVC_NEXT_ENROL_WEBAUTHN);
    code_at(secret, len, NOW + 60, code);
    dsg_lsvc_totp(r.login, code, NOW + 60, &r);
    ck_assert_int_eq(r.status, 401);
    ck_assert_str_eq(r.error, "login_incomplete");
    password("suzuki", ISSUED, &terminal, NOW, &r);
    change(r.login, "Brand-new-passw0rd", NOW, &r);
    ck_assert_int_eq(r.next, DSG_LSVC_NEXT_ENROL_WEBAUTHN);   /* a company user, wherever */
}
END_TEST

/* A terminal logon (REQ-MFA-016): password and TOTP in one call, allowed
 * with no session; a wrong password, a wrong or replayed code and a
 * locked account are denied with the login API's answers and counted by
 * the lockout; no code is 400 terminal_code_required; an account whose
 * next step is an enrolment or the first login's password change is
 * denied with terminal_factor_unsupported and its login dropped.
 * @relation(REQ-MFA-016, REQ-MFA-012, REQ-MFA-021) */
START_TEST(test_lsvc_terminal_logon)
{
    static const dsg_lsvc_peer terminal = { DSG_LOGIN_PORTAL, 0, 1, "mod-pc-01", NULL,
                                            "192.0.2.7" };
    dsg_lsvc_result r;
    uint8_t secret[64];
    size_t len;
    char code[8];
    const char *pw = "Brand-new-passw0rd";
    dsg_acct_last_login last;
    account("sato", DSG_ACCT_MINISTRY);
    account("tanaka", DSG_ACCT_MINISTRY);
    /* the first login: a password change */
    dsg_lsvc_terminal_logon("tanaka", (const uint8_t *)ISSUED, strlen(ISSUED), "000000",
                            "WKS\\sato", &terminal, NOW, &r);
    ck_assert_int_eq(r.status, 403);
    ck_assert_str_eq(r.error, "terminal_factor_unsupported");
    ck_assert_str_eq(r.login, "");
    first_login_from("sato", &ministry_net, NOW, secret, &len, &r);
    code_at(secret, len, NOW + 30, code);
    dsg_lsvc_terminal_logon("sato", (const uint8_t *)"Wrong-passw0rd-1", 16, code, "WKS\\sato",
                            &terminal, NOW + 30, &r);
    ck_assert_int_eq(r.status, 401);
    ck_assert_str_eq(r.error, "auth_failed");
    dsg_lsvc_terminal_logon("sato", (const uint8_t *)pw, strlen(pw), "12345", "WKS\\sato",
                            &terminal, NOW + 30, &r);
    ck_assert_int_eq(r.status, 401);
    ck_assert_str_eq(r.error, "auth_failed");
    dsg_lsvc_terminal_logon("sato", (const uint8_t *)pw, strlen(pw), code, "WKS\\sato", &terminal,
                            NOW + 30, &r);
    ck_assert_msg(r.status == 200, "%d %s: %s", r.status, r.event, r.detail);
    ck_assert_ptr_null(r.error);
    ck_assert_str_eq(r.event, "totp-accepted");
    ck_assert_int_eq(r.next, DSG_LSVC_NEXT_NONE);
    ck_assert_str_eq(r.token, "");
    ck_assert_uint_eq(r.failures_since, 2);   /* the two denials before it */
    ck_assert_int_eq(dsg_acct_store_last_login(db, "sato", &last), 1);
    ck_assert_str_eq(last.computer, "mod-pc-01");
    dsg_lsvc_terminal_logon("sato", (const uint8_t *)pw, strlen(pw), code, "WKS\\sato", &terminal,
                            NOW + 31, &r);   /* the code again */
    ck_assert_int_eq(r.status, 401);
    ck_assert_str_eq(r.error, "auth_failed");
    dsg_lsvc_terminal_logon("sato", (const uint8_t *)pw, strlen(pw), NULL, "WKS\\sato", &terminal,
                            NOW + 32, &r);   /* no code */
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(r.error, "terminal_code_required");
    ck_assert_str_eq(r.login, "");
    /* outside the Ministry networks without a Ministry terminal: WebAuthn */
    dsg_lsvc_terminal_logon("sato", (const uint8_t *)pw, strlen(pw), code, "WKS\\sato", &outside,
                            NOW + 60, &r);
    ck_assert_int_eq(r.status, 403);
    ck_assert_str_eq(r.error, "terminal_factor_unsupported");
    ck_assert_ptr_nonnull(strstr(r.detail, "webauthn"));
    for (int i = 0; i < 3; i++)   /* locked by three wrong passwords: denied alike */
        dsg_lsvc_terminal_logon("sato", (const uint8_t *)"Wrong-passw0rd-1", 16, code, "WKS\\sato",
                                &terminal, NOW + 90, &r);
    code_at(secret, len, NOW + 120, code);
    dsg_lsvc_terminal_logon("sato", (const uint8_t *)pw, strlen(pw), code, "WKS\\sato", &terminal,
                            NOW + 120, &r);
    ck_assert_int_eq(r.status, 401);
    ck_assert_str_eq(r.error, "auth_failed");
}
END_TEST

/* @relation(REQ-MFA-009, REQ-MFA-010, REQ-MFA-006, REQ-MFA-007, REQ-MFA-024) */
START_TEST(test_lsvc_password_change_rules)
{
    dsg_lsvc_result r;
    char login[DSG_LSVC_TOKEN_TEXT + 1];
    account("sato", DSG_ACCT_MINISTRY);
    password("sato", ISSUED, &ministry_net, NOW, &r);
    snprintf(login, sizeof login, "%s", r.login);
    change(login, "short", NOW, &r);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(r.error, "weak_password");
    ck_assert_uint_eq(r.broken, DSG_PW_TOO_SHORT | DSG_PW_FEW_CLASSES);
    ck_assert_str_eq(r.detail, "rules broken: too-short few-classes");
    change(login, "sato-Passw0rd-x", NOW, &r);   /* contains the user ID */
    ck_assert_str_eq(r.error, "weak_password");
    ck_assert_uint_eq(r.broken, DSG_PW_USER_ID);
    change(login, ISSUED, NOW, &r);
    ck_assert_str_eq(r.error, "password_reused");
    ck_assert_str_eq(r.login, login);            /* the login goes on */
    dsg_lsvc_enrol_totp(login, CODE, NOW, &r);    /* not before the change */
    ck_assert_int_eq(r.status, 403);
    ck_assert_str_eq(r.error, "password_change_required");
    ck_assert_str_eq(r.login, login);            /* and still goes on */
    dsg_lsvc_totp(login, "123456", NOW, &r);
    ck_assert_int_eq(r.status, 403);
    /* A wrong enrolment code counts on the TOTP factor and ends the login. */
    password("sato", ISSUED, &ministry_net, NOW + 1, &r);
    change(r.login, "Brand-new-passw0rd", NOW + 1, &r);
    snprintf(login, sizeof login, "%s", r.login);
    dsg_lsvc_enrol_totp(login, "0123-4567-89ab-cdef-0123-4567-89ab-cdee", NOW + 1, &r);
    ck_assert_int_eq(r.status, 401);
    ck_assert_str_eq(r.error, "auth_failed");
    dsg_lsvc_enrol_totp(login, CODE, NOW + 1, &r);
    ck_assert_int_eq(r.status, 401);
}
END_TEST

/* Sessions per account, idle time and lifetime; a portal session is fresh
 * while its login (both factors) is younger than auth.reauth_max_age (900
 * s here), then stale while it lives on. @relation(REQ-ACCT-014, REQ-ACCT-015) */
/* @relation(REQ-MFA-015) */
START_TEST(test_lsvc_session_limits)
{
    dsg_lsvc_result r, s;
    uint8_t secret[64];
    size_t len;
    char code[8], tokens[3][DSG_LSVC_TOKEN_TEXT + 1];
    account("sato", DSG_ACCT_MINISTRY);
    first_login("sato", NOW, secret, &len, &r);
    snprintf(tokens[0], sizeof tokens[0], "%s", r.token);
    for (int i = 1; i < 3; i++) {
        int64_t t = NOW + 30 * i;
        password("sato", "Brand-new-passw0rd", &ministry_net, t, &r);
        code_at(secret, len, t, code);
        dsg_lsvc_totp(r.login, code, t, &r);
        ck_assert_int_eq(r.status, 200);
        ck_assert_int_eq(r.evicted, i == 2);   /* max_sessions is 2 */
        snprintf(tokens[i], sizeof tokens[i], "%s", r.token);
    }
    dsg_lsvc_session(tokens[0], NOW + 61, &s);
    ck_assert_int_eq(s.status, 401);           /* the oldest was ended */
    ck_assert_int_eq(s.fresh, 0);
    dsg_lsvc_session(tokens[1], NOW + 61, &s);
    ck_assert_int_eq(s.status, 200);
    ck_assert_int_eq(s.fresh, 1);
    dsg_lsvc_session(tokens[1], NOW + 61 + 900, &s);   /* idle for exactly the timeout */
    ck_assert_int_eq(s.status, 401);
    for (int64_t t = NOW + 60; t < NOW + 43200; t += 600) {
        dsg_lsvc_session(tokens[2], t, &s);
        ck_assert_int_eq(s.status, 200);
        ck_assert_int_eq(s.fresh, t < NOW + 60 + 900);   /* its login was at NOW + 60 */
    }
    dsg_lsvc_session(tokens[2], NOW + 60 + 43200, &s);   /* past the lifetime, though used */
    ck_assert_int_eq(s.status, 401);
    dsg_lsvc_session("not-a-token", NOW, &s);
    ck_assert_int_eq(s.status, 401);
}
END_TEST

/* An administrator's login over the control socket yields a token that
 * only the same Unix user may present there, that idles out after
 * auth.admin_token_lifetime (300 s here, the portal's 900 s), that is
 * fresh for a decision only within auth.reauth_max_age of its login, and
 * that the portal refuses; a portal session is not an administrator's
 * token. @relation(REQ-ACCT-012, REQ-ACCT-011, REQ-MFA-015) */
START_TEST(test_lsvc_admin_token)
{
    static const dsg_lsvc_peer root = { DSG_LOGIN_CONTROL, 0, 0, "gw", "uid:0", NULL };
    dsg_lsvc_result r, s;
    uint8_t secret[64];
    size_t len;
    char token[DSG_LSVC_TOKEN_TEXT + 1];
    cfg.admin_session = (dsg_session_policy){ 300, 43200 };
    account("kanri", DSG_ACCT_ADMIN);
    account("sato", DSG_ACCT_MINISTRY);
    first_login_from("kanri", &root, NOW, secret, &len, &r);
    snprintf(token, sizeof token, "%s", r.token);
    dsg_lsvc_admin_session(token, "uid:0", NOW + 60, &s);
    ck_assert_int_eq(s.status, 200);
    ck_assert_str_eq(s.user_id, "kanri");
    ck_assert_str_eq(s.event, "admin-token-used");
    int fresh_at_60 = s.fresh;
    dsg_lsvc_admin_session(token, "uid:1000", NOW + 61, &s);   /* another user's copy */
    ck_assert_int_eq(s.status, 401);
    ck_assert_str_eq(s.event, "admin-token-refused");
    ck_assert_ptr_nonnull(strstr(s.detail, "another user"));
    dsg_lsvc_session(token, NOW + 62, &s);                     /* not a portal session */
    ck_assert_int_eq(s.status, 401);
    ck_assert_int_eq(fresh_at_60, 1);
    dsg_lsvc_admin_session(token, "uid:0", NOW + 60 + 299, &s);
    ck_assert_int_eq(s.status, 200);
    /* both factors younger than auth.reauth_max_age (900 s): fresh; then stale */
    dsg_lsvc_admin_session(token, "uid:0", NOW + 600, &s);
    ck_assert_int_eq(s.fresh, 1);
    dsg_lsvc_admin_session(token, "uid:0", NOW + 899, &s);
    ck_assert_int_eq(s.fresh, 1);
    dsg_lsvc_admin_session(token, "uid:0", NOW + 900, &s);
    ck_assert_int_eq(s.status, 200);
    ck_assert_int_eq(s.fresh, 0);
    dsg_lsvc_admin_session(token, "uid:0", NOW + 900 + 300, &s);   /* idle 300 s */
    ck_assert_int_eq(s.status, 401);
    ck_assert_str_eq(s.error, "session_expired");
    /* a user's portal session is no administrator's token */
    first_login("sato", NOW + 30, secret, &len, &r);
    dsg_lsvc_admin_session(r.token, "", NOW + 31, &s);
    ck_assert_int_eq(s.status, 401);
    dsg_lsvc_admin_session(r.token, "uid:0", NOW + 31, &s);
    ck_assert_int_eq(s.status, 401);
    ck_assert_str_eq(s.detail, "not an administrator's token");
    /* and an administrator does not log in on the portal */
    password("kanri", "Brand-new-passw0rd", &ministry_net, NOW + 40, &s);
    ck_assert_int_eq(s.status, 401);
    ck_assert_str_eq(s.error, "auth_failed");
}
END_TEST

/* A password hashed at a lower scrypt cost than configured is hashed
 * again at the configured cost when it is next verified.
 * @relation(REQ-MFA-008) */
START_TEST(test_lsvc_rehash_at_login)
{
    dsg_lsvc_result r;
    dsg_cred_password cred;
    char verifier[DSG_CRED_VERIFIER_MAX + 1], err[160];
    const dsg_scrypt_params weak = { 9, 8, 1 };
    account("sato", DSG_ACCT_MINISTRY);
    ck_assert_int_gt(dsg_pw_hash_new((const uint8_t *)"Brand-new-passw0rd", 18, &weak, verifier,
                                     sizeof verifier), 0);
    ck_assert_int_eq(dsg_cred_store_password_set(db, "sato", verifier, NOW, err, sizeof err), 0);
    password("sato", "Brand-new-passw0rd", &ministry_net, NOW + 1, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(dsg_cred_store_password(db, "sato", NOW + 1, &cred), 1);
    ck_assert_int_eq(dsg_pw_needs_rehash(cred.verifier, strlen(cred.verifier), &cfg.scrypt), 0);
    ck_assert_str_ne(cred.verifier, verifier);
    password("sato", "Brand-new-passw0rd", &ministry_net, NOW + 2, &r);   /* the new hash works */
    ck_assert_int_eq(r.status, 200);
}
END_TEST

/* An administrator's view of the sessions, a forced logout, and the
 * unlock. @relation(REQ-ACCT-015, REQ-MFA-011, REQ-MFA-025) */
START_TEST(test_lsvc_administration)
{
    dsg_lsvc_result r, s;
    dsg_lsvc_session_info list[4];
    dsg_acct_row row;
    uint8_t secret[64];
    size_t len;
    char code[8], err[160], first[DSG_LSVC_TOKEN_TEXT + 1];
    account("kato", DSG_ACCT_MINISTRY);
    first_login("kato", NOW, secret, &len, &r);
    snprintf(first, sizeof first, "%s", r.token);
    password("kato", "Brand-new-passw0rd", &ministry_net, NOW + 30, &r);
    code_at(secret, len, NOW + 30, code);
    dsg_lsvc_totp(r.login, code, NOW + 30, &r);
    ck_assert_uint_eq(dsg_lsvc_sessions("kato", NOW + 31, list, 4), 2);
    ck_assert_int_lt(list[0].created, list[1].created);          /* oldest first */
    ck_assert_str_eq(list[0].computer, "10.1.2.3");
    ck_assert_uint_eq(list[0].factor, DSG_LOGIN_TOTP);
    ck_assert_uint_eq(strlen(list[0].id), 12);
    ck_assert_ptr_null(strstr(first, list[0].id));              /* not the token itself */
    ck_assert_uint_eq(dsg_lsvc_sessions("kato", NOW + 31, list, 1), 2);   /* capped */
    ck_assert_uint_eq(dsg_lsvc_sessions("sato", NOW + 31, list, 4), 0);
    ck_assert_uint_eq(dsg_lsvc_end_sessions("kato", "000000000000"), 0);
    ck_assert_uint_eq(dsg_lsvc_sessions("kato", NOW + 31, list, 4), 2);
    ck_assert_uint_eq(dsg_lsvc_end_sessions("kato", list[0].id), 1);
    dsg_lsvc_session(first, NOW + 32, &s);
    ck_assert_int_eq(s.status, 401);                               /* the one ended */
    dsg_lsvc_session(r.token, NOW + 32, &s);
    ck_assert_int_eq(s.status, 200);
    ck_assert_uint_eq(dsg_lsvc_end_sessions("kato", NULL), 1);
    dsg_lsvc_session(r.token, NOW + 33, &s);
    ck_assert_int_eq(s.status, 401);
    /* unlock: refused when open, then after a lock */
    ck_assert_int_eq(dsg_lsvc_unlock("kato", NOW + 40, "uid:0", err, sizeof err), 1);
    ck_assert_int_eq(dsg_lsvc_unlock("nobody", NOW + 40, "uid:0", err, sizeof err), -1);
    password("kato", "Brand-new-passw0rd", &ministry_net, NOW + 41, &r);
    char half[DSG_LSVC_TOKEN_TEXT + 1];
    snprintf(half, sizeof half, "%s", r.login);
    lock_by_password(NOW + 42);
    ck_assert_int_eq(dsg_lsvc_unlock("kato", NOW + 43, "uid:0", err, sizeof err), 0);
    ck_assert_int_eq(dsg_acct_store_get(db, "kato", &row, err, sizeof err), 1);
    ck_assert_int_eq(row.acct.state, DSG_ACCT_ACTIVE);
    password("kato", "Brand-new-passw0rd", &ministry_net, NOW + 44, &r);
    ck_assert_int_eq(r.status, 200);
    code_at(secret, len, NOW + 60, code);
    dsg_lsvc_totp(half, code, NOW + 60, &s);                       /* begun before the lock */
    ck_assert_int_eq(s.status, 401);
}
END_TEST

/* The login that opens a session shows the one before it and the failed
 * credential steps since it: none before the first login (the failures
 * counted since the account began), failures of every factor counted (a
 * password, an enrolment code, a TOTP code, an attempt on a locked
 * account), the count started again by each success.
 * @relation(REQ-MFA-014) */
START_TEST(test_lsvc_previous_login_and_failures)
{
    dsg_lsvc_result r;
    dsg_acct_last_login last;
    uint8_t secret[64];
    size_t len;
    char code[8];
    account("sato", DSG_ACCT_MINISTRY);
    password("sato", "wrong-password-1", &ministry_net, NOW - 10, &r);   /* 1: password */
    ck_assert_int_eq(r.status, 401);
    password("sato", ISSUED, &ministry_net, NOW, &r);
    change(r.login, "Brand-new-passw0rd", NOW, &r);
    ck_assert_int_eq(r.next, DSG_LSVC_NEXT_ENROL_TOTP);
    dsg_lsvc_enrol_totp(r.login, "ffff-ffff-ffff-ffff-ffff-ffff-ffff-ffff", NOW, &r);
    ck_assert_int_eq(r.status, 401);                                 /* 2: enrolment code */
    ck_assert_int_eq(dsg_acct_store_last_login(db, "sato", &last), 1);
    ck_assert_int_eq(last.at, 0);
    ck_assert_uint_eq(last.failures, 2);
    password("sato", "Brand-new-passw0rd", &ministry_net, NOW + 1, &r);
    dsg_lsvc_enrol_totp(r.login, CODE, NOW + 1, &r);
    ck_assert_int_eq(r.next, DSG_LSVC_NEXT_CONFIRM_TOTP);
    len = uri_secret(r.otpauth, secret);
    code_at(secret, len, NOW + 1, code);
    dsg_lsvc_totp(r.login, code, NOW + 1, &r);
    ck_assert_int_eq(r.next, DSG_LSVC_NEXT_SESSION);
    ck_assert_int_eq(r.has_previous, 0);                             /* the first login */
    ck_assert_str_eq(r.previous_time, "");
    ck_assert_str_eq(r.previous_computer, "");
    ck_assert_uint_eq(r.failures_since, 2);
    /* Failures of each factor, then the next login from another computer. */
    password("sato", "wrong-password-2", &ministry_net, NOW + 100, &r);  /* 1: password */
    password("sato", "Brand-new-passw0rd", &ministry_net, NOW + 101, &r);
    dsg_lsvc_totp(r.login, "000000", NOW + 101, &r);                 /* 2: TOTP code */
    ck_assert_int_eq(r.status, 401);
    for (int i = 0; i < 3; i++)                                      /* 3, 4, 5: the lock */
        password("sato", "wrong-password-3", &ministry_net, NOW + 102, &r);
    ck_assert_int_eq(r.locked, 1);
    password("sato", "Brand-new-passw0rd", &ministry_net, NOW + 103, &r);  /* 6: locked */
    ck_assert_int_eq(r.status, 401);
    const dsg_lsvc_peer other = { DSG_LOGIN_PORTAL, 1, 0, "10.9.8.7", NULL, "10.9.8.7" };
    password("sato", "Brand-new-passw0rd", &other, NOW + 102 + 900, &r);
    ck_assert_int_eq(r.status, 200);
    code_at(secret, len, NOW + 102 + 900, code);
    dsg_lsvc_totp(r.login, code, NOW + 102 + 900, &r);
    ck_assert_int_eq(r.next, DSG_LSVC_NEXT_SESSION);
    ck_assert_int_eq(r.has_previous, 1);
    ck_assert_int_eq(r.previous_at, NOW + 1);
    ck_assert_str_eq(r.previous_time, "2027-01-15T08:00:01.000Z");
    ck_assert_str_eq(r.previous_computer, "10.1.2.3");
    ck_assert_uint_eq(r.failures_since, 6);
    /* Reset by that success: the next login shows none, and this one's computer. */
    password("sato", "Brand-new-passw0rd", &ministry_net, NOW + 1100, &r);
    code_at(secret, len, NOW + 1100, code);
    dsg_lsvc_totp(r.login, code, NOW + 1100, &r);
    ck_assert_int_eq(r.next, DSG_LSVC_NEXT_SESSION);
    ck_assert_int_eq(r.previous_at, NOW + 1002);
    ck_assert_str_eq(r.previous_computer, "10.9.8.7");
    ck_assert_uint_eq(r.failures_since, 0);
    ck_assert_int_eq(dsg_acct_store_last_login(db, "sato", &last), 1);
    ck_assert_int_eq(last.at, NOW + 1100);
    ck_assert_str_eq(last.computer, "10.1.2.3");
    ck_assert_uint_eq(last.failures, 0);
    /* A refusal carries none of it; an unknown user ID counts nowhere. */
    password("nobody", "wrong-password-1", &ministry_net, NOW + 1200, &r);
    ck_assert_int_eq(r.has_previous, 0);
    ck_assert_uint_eq(r.failures_since, 0);
    ck_assert_int_eq(dsg_acct_store_last_login(db, "nobody", &last), 0);
}
END_TEST

/* The notice shown before credentials: auth.logon_notice, "" when the
 * service has none. @relation(REQ-MFA-014) */
START_TEST(test_lsvc_notice)
{
    ck_assert_str_eq(dsg_lsvc_notice(), "");
    cfg.notice = "Authorised use only.";
    ck_assert_int_eq(dsg_lsvc_init(&cfg, db), 0);
    ck_assert_str_eq(dsg_lsvc_notice(), "Authorised use only.");
}
END_TEST

static void change_in(const char *token, const char *current, const char *next,
                      const char *code, int64_t now, dsg_lsvc_result *r)
{
    dsg_lsvc_pw_change c = { (const uint8_t *)current, strlen(current), (const uint8_t *)next,
                             strlen(next), code, NULL };
    dsg_lsvc_session_change_password(token, &c, now, r);
}

static void expect_status(const dsg_lsvc_result *r, int status, const char *error)
{
    ck_assert_msg(r->status == status, "%d %s: %s", r->status, r->event, r->detail);
    if (error == NULL)
        ck_assert_ptr_null(r->error);
    else
        ck_assert_str_eq(r->error, error);
}

/* A logged-in user changes the password: a live session, the current
 * password, a fresh TOTP code (accepted once), the policy and the
 * history; each credential through the lockout; every other session of
 * the account ends, this one stays. @relation(REQ-MFA-010, REQ-MFA-025, REQ-MFA-024) */
START_TEST(test_lsvc_session_password_change)
{
    dsg_lsvc_result r, s;
    uint8_t secret[64];
    size_t len;
    char a[DSG_LSVC_TOKEN_TEXT + 1], b[DSG_LSVC_TOKEN_TEXT + 1], code[8];
    account("sato", DSG_ACCT_MINISTRY);
    first_login("sato", NOW, secret, &len, &r);
    snprintf(a, sizeof a, "%s", r.token);
    password("sato", "Brand-new-passw0rd", &ministry_net, NOW + 30, &r);
    code_at(secret, len, NOW + 30, code);
    dsg_lsvc_totp(r.login, code, NOW + 30, &r);
    ck_assert_int_eq(r.next, DSG_LSVC_NEXT_SESSION);
    snprintf(b, sizeof b, "%s", r.token);
    code_at(secret, len, NOW + 90, code);
    change_in("no-such-session-token-x", "Brand-new-passw0rd", "Another-passw0rd-2", code,
              NOW + 90, &r);
    expect_status(&r, 401, "session_expired");
    change_in(a, "Brand-new-passw0rd", "short", code, NOW + 90, &r);   /* the policy first */
    expect_status(&r, 400, "weak_password");
    ck_assert_uint_ne(r.broken & DSG_PW_TOO_SHORT, 0);
    change_in(a, "Brand-new-passw0rd", "Another-passw0rd-2", NULL, NOW + 90, &r);
    expect_status(&r, 400, "second_factor_required");
    change_in(a, "Wrong-passw0rd-1", "Another-passw0rd-2", code, NOW + 90, &r);
    expect_status(&r, 401, "auth_failed");
    ck_assert_str_eq(r.event, "credential-refused");
    change_in(a, "Brand-new-passw0rd", "Brand-new-passw0rd", code, NOW + 90, &r);
    expect_status(&r, 400, "password_reused");
    change_in(a, "Brand-new-passw0rd", "Another-passw0rd-2", "000000", NOW + 90, &r);
    expect_status(&r, 401, "auth_failed");
    /* The password is unchanged by every refusal; the code was not spent. */
    change_in(a, "Brand-new-passw0rd", "Another-passw0rd-2", code, NOW + 90, &r);
    expect_status(&r, 200, NULL);
    ck_assert_str_eq(r.event, "password-changed");
    ck_assert_uint_eq(r.sessions_ended, 1);
    ck_assert_str_eq(r.user_id, "sato");
    dsg_lsvc_session(b, NOW + 91, &s);
    expect_status(&s, 401, "session_expired");                      /* the other one ended */
    dsg_lsvc_session(a, NOW + 91, &s);
    expect_status(&s, 200, NULL);                                   /* this one stays */
    change_in(a, "Another-passw0rd-2", "Third-passw0rd-3", code, NOW + 91, &r);
    expect_status(&r, 401, "auth_failed");                          /* the code: once */
    password("sato", "Brand-new-passw0rd", &ministry_net, NOW + 92, &r);
    expect_status(&r, 401, "auth_failed");
    password("sato", "Another-passw0rd-2", &ministry_net, NOW + 93, &r);
    expect_status(&r, 200, NULL);
    /* A TOTP session asks for no assertion options. */
    dsg_lsvc_change_options(a, NOW + 99, &r);
    expect_status(&r, 400, "totp_session");
    /* Wrong current passwords lock the account, as at the password step,
     * and the lock ends its sessions (REQ-ACCT-010). */
    for (int i = 0; i < 3; i++) {
        change_in(a, "Wrong-passw0rd-1", "Third-passw0rd-3", code, NOW + 100 + i, &r);
        expect_status(&r, 401, "auth_failed");
        ck_assert_int_eq(r.locked, i == 2);
    }
    code_at(secret, len, NOW + 150, code);
    change_in(a, "Another-passw0rd-2", "Third-passw0rd-3", code, NOW + 150, &r);
    expect_status(&r, 401, "session_expired");                      /* locked: ended */
    ck_assert_str_eq(r.event, "logout-forced");
}
END_TEST

/* auth.password_max_age_days: a user's own password older than that is
 * changed at the next login once both factors are verified (the login
 * goes on to a session only then); younger, the login is as usual; 0 is
 * never. @relation(REQ-MFA-010) */
START_TEST(test_lsvc_password_max_age)
{
    dsg_lsvc_result r;
    uint8_t secret[64];
    size_t len;
    char code[8], login[DSG_LSVC_TOKEN_TEXT + 1];
    cfg.password_max_age_days = 3651;
    ck_assert_int_eq(dsg_lsvc_init(&cfg, db), -1);                  /* out of range */
    cfg.password_max_age_days = 10;
    ck_assert_int_eq(dsg_lsvc_init(&cfg, db), 0);
    account("sato", DSG_ACCT_MINISTRY);
    first_login("sato", NOW, secret, &len, &r);                     /* chosen at NOW */
    password("sato", "Brand-new-passw0rd", &ministry_net, NOW + 10 * DAY - 30, &r);
    code_at(secret, len, NOW + 10 * DAY - 30, code);
    dsg_lsvc_totp(r.login, code, NOW + 10 * DAY - 30, &r);
    ck_assert_int_eq(r.next, DSG_LSVC_NEXT_SESSION);                /* a second too young */
    char other[DSG_LSVC_TOKEN_TEXT + 1];
    snprintf(other, sizeof other, "%s", r.token);
    password("sato", "Brand-new-passw0rd", &ministry_net, NOW + 10 * DAY, &r);
    expect_status(&r, 200, NULL);
    ck_assert_int_eq(r.next, DSG_LSVC_NEXT_TOTP);
    ck_assert_msg(strstr(r.detail, "older than") != NULL, "%s", r.detail);
    snprintf(login, sizeof login, "%s", r.login);
    code_at(secret, len, NOW + 10 * DAY, code);
    dsg_lsvc_totp(login, code, NOW + 10 * DAY, &r);
    expect_status(&r, 200, NULL);
    ck_assert_int_eq(r.next, DSG_LSVC_NEXT_PASSWORD_CHANGE);        /* no session yet */
    ck_assert_str_eq(r.token, "");
    ck_assert_str_eq(r.login, login);
    dsg_lsvc_totp(login, code, NOW + 10 * DAY + 1, &r);
    expect_status(&r, 403, "password_change_required");
    change(login, "Brand-new-passw0rd", NOW + 10 * DAY + 2, &r);
    expect_status(&r, 400, "password_reused");
    change(login, "Another-passw0rd-2", NOW + 10 * DAY + 3, &r);
    expect_status(&r, 200, NULL);
    ck_assert_int_eq(r.next, DSG_LSVC_NEXT_SESSION);
    ck_assert_uint_eq(r.sessions_ended, 1);                         /* the one still open */
    dsg_lsvc_result q;
    dsg_lsvc_session(other, NOW + 10 * DAY + 4, &q);
    expect_status(&q, 401, "session_expired");
    ck_assert_str_eq(r.event, "password-changed");
    ck_assert_uint_eq(strlen(r.token), DSG_LSVC_TOKEN_TEXT);
    dsg_lsvc_session(r.token, NOW + 10 * DAY + 4, &r);
    expect_status(&r, 200, NULL);
    /* The new password is young: the next login is as usual. */
    password("sato", "Another-passw0rd-2", &ministry_net, NOW + 10 * DAY + 60, &r);
    code_at(secret, len, NOW + 10 * DAY + 60, code);
    dsg_lsvc_totp(r.login, code, NOW + 10 * DAY + 60, &r);
    ck_assert_int_eq(r.next, DSG_LSVC_NEXT_SESSION);
    /* 0: never. */
    cfg.password_max_age_days = 0;
    ck_assert_int_eq(dsg_lsvc_init(&cfg, db), 0);
    password("sato", "Another-passw0rd-2", &ministry_net, NOW + 25 * DAY, &r);
    code_at(secret, len, NOW + 25 * DAY, code);
    dsg_lsvc_totp(r.login, code, NOW + 25 * DAY, &r);
    ck_assert_int_eq(r.next, DSG_LSVC_NEXT_SESSION);
}
END_TEST

/* A rehash at a higher cost keeps the time the password was chosen, so
 * it does not make the password younger. @relation(REQ-MFA-010, REQ-MFA-008) */
START_TEST(test_lsvc_rehash_keeps_the_age)
{
    dsg_lsvc_result r;
    dsg_cred_password cred;
    char verifier[DSG_CRED_VERIFIER_MAX + 1], err[160];
    const dsg_scrypt_params weak = { 9, 8, 1 };
    account("sato", DSG_ACCT_MINISTRY);
    ck_assert_int_gt(dsg_pw_hash_new((const uint8_t *)"Brand-new-passw0rd", 18, &weak, verifier,
                                     sizeof verifier), 0);
    ck_assert_int_eq(dsg_cred_store_password_set(db, "sato", verifier, NOW, err, sizeof err), 0);
    password("sato", "Brand-new-passw0rd", &ministry_net, NOW + DAY, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(dsg_cred_store_password(db, "sato", NOW + DAY, &cred), 1);
    ck_assert_str_ne(cred.verifier, verifier);                      /* rehashed */
    ck_assert_int_eq(cred.set_at, NOW);
}
END_TEST

/* What the auth role does on an approved reset-factor application: the
 * store's approval, then the account's sessions and logins ended. */
static void reset_factor(const char *user, int64_t now)
{
    dsg_acct_app a;
    dsg_acct_problem p;
    int64_t id = 0;
    memset(&a, 0, sizeof a);
    a.kind = DSG_APP_RESET_FACTOR;
    snprintf(a.user_id, sizeof a.user_id, "%s", user);
    strcpy(a.applicant, "yamada");
    strcpy(a.reason, "phone lost");
    ck_assert_msg(dsg_acct_store_apply(db, &a, "admin1", now, &id, &p) == 0, "%s", p.message);
    ck_assert_msg(dsg_acct_store_approve(db, id, "admin2", now, &p) == 0, "%s", p.message);
    ck_assert_uint_ge(dsg_lsvc_end_sessions(user, NULL), 1);
    ck_assert_uint_eq(dsg_lsvc_end_logins(user), 1);
}

/* After a factor reset the sessions are gone, a login in progress dies,
 * the old secret opens nothing, and the next login enrols a new factor
 * with the password and a new, live enrolment code (not the spent one,
 * not an expired one), as a first login does.
 * @relation(REQ-MFA-006, REQ-MFA-005) */
START_TEST(test_lsvc_factor_reset)
{
    dsg_lsvc_result r, s, half;
    uint8_t secret[64], fresh[64];
    size_t len, flen;
    char code[8], hex[65];
    uint8_t digest[32];
    dsg_acct_problem p;
    account("sato", DSG_ACCT_MINISTRY);
    first_login("sato", NOW, secret, &len, &r);
    char token[DSG_LSVC_TOKEN_TEXT + 1];
    snprintf(token, sizeof token, "%s", r.token);
    /* a second login stops after its password, holding the old secret */
    password("sato", "Brand-new-passw0rd", &ministry_net, NOW + 60, &half);
    ck_assert_int_eq(half.next, DSG_LSVC_NEXT_TOTP);
    reset_factor("sato", NOW + 70);
    dsg_lsvc_session(token, NOW + 80, &s);
    ck_assert_int_eq(s.status, 401);
    code_at(secret, len, NOW + 90, code);
    dsg_lsvc_totp(half.login, code, NOW + 90, &s);
    ck_assert_int_eq(s.status, 401);
    ck_assert_str_eq(s.token, "");   /* no session */
    /* the next login asks for an enrolment; the old secret's code is no step */
    password("sato", "Brand-new-passw0rd", &ministry_net, NOW + 100, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(r.next, DSG_LSVC_NEXT_ENROL_TOTP);
    code_at(secret, len, NOW + 100, code);
    dsg_lsvc_totp(r.login, code, NOW + 100, &s);
    ck_assert_int_eq(s.status, 401);
    ck_assert_str_eq(s.error, "login_incomplete");
    /* the code issued before the reset is spent: refused, on the TOTP counter */
    password("sato", "Brand-new-passw0rd", &ministry_net, NOW + 110, &r);
    dsg_lsvc_enrol_totp(r.login, CODE, NOW + 110, &s);
    ck_assert_int_eq(s.status, 401);
    /* a new code from the administrator enrols a new secret, while it lives */
    ck_assert_int_eq(EVP_Digest("fedcba9876543210fedcba9876543210", 32, digest, NULL,
                                EVP_sha256(), NULL), 1);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    ck_assert_int_eq(dsg_acct_store_issue(db, "sato", DSG_CRED_ENROLMENT_CODE, hex, NOW + 112,
                                          NOW + 115, "admin2", &p), 0);
    password("sato", "Brand-new-passw0rd", &ministry_net, NOW + 115, &r);
    dsg_lsvc_enrol_totp(r.login, "fedc-ba98-7654-3210-fedc-ba98-7654-3210", NOW + 115, &s);
    ck_assert_int_eq(s.status, 401);                                 /* expired */
    ck_assert_int_eq(dsg_acct_store_issue(db, "sato", DSG_CRED_ENROLMENT_CODE, hex, NOW + 120,
                                          NOW + 7 * DAY, "admin2", &p), 0);
    password("sato", "Brand-new-passw0rd", &ministry_net, NOW + 130, &r);
    ck_assert_int_eq(r.next, DSG_LSVC_NEXT_ENROL_TOTP);
    dsg_lsvc_enrol_totp(r.login, "fedc-ba98-7654-3210-fedc-ba98-7654-3210", NOW + 130, &r);
    ck_assert_msg(r.status == 200, "%d %s: %s", r.status, r.event, r.detail);
    flen = uri_secret(r.otpauth, fresh);
    ck_assert_uint_eq(flen, 20);
    ck_assert_int_ne(memcmp(fresh, secret, 20), 0);
    code_at(fresh, flen, NOW + 130, code);
    dsg_lsvc_totp(r.login, code, NOW + 130, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.event, "totp-enrolled");
    /* from now on the new secret logs in and the old one does not */
    password("sato", "Brand-new-passw0rd", &ministry_net, NOW + 200, &r);
    ck_assert_int_eq(r.next, DSG_LSVC_NEXT_TOTP);
    code_at(secret, len, NOW + 200, code);
    dsg_lsvc_totp(r.login, code, NOW + 200, &s);
    ck_assert_int_eq(s.status, 401);
    password("sato", "Brand-new-passw0rd", &ministry_net, NOW + 230, &r);
    code_at(fresh, flen, NOW + 230, code);
    dsg_lsvc_totp(r.login, code, NOW + 230, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.event, "totp-accepted");
}
END_TEST

/* Every error code of the login API has one fixed, non-empty message of
 * its own; auth_failed's names no one of the cases it covers; any other
 * text has none. @relation(REQ-MFA-020, REQ-MFA-012, REQ-MFA-016) */
START_TEST(test_lsvc_error_messages)
{
    static const char *const codes[] = {
        "auth_failed", "login_incomplete", "password_change_required", "weak_password",
        "password_reused", "session_expired", "second_factor_required", "totp_session",
        "credential_id_too_long", "auth_unavailable", "bad_request", "rate_limited",
        "network_not_allowed", "terminal_required", "terminal_factor_unsupported",
        "terminal_code_required",
    };
    const size_t n = sizeof codes / sizeof codes[0];
    for (size_t i = 0; i < n; i++) {
        const char *m = dsg_lsvc_error_message(codes[i]);
        ck_assert_msg(m != NULL && m[0] != '\0', "no message for %s", codes[i]);
        ck_assert_ptr_eq(dsg_lsvc_error_message(codes[i]), m);
        for (size_t j = 0; j < i; j++)
            ck_assert_str_ne(dsg_lsvc_error_message(codes[j]), m);
    }
    const char *af = dsg_lsvc_error_message("auth_failed");
    ck_assert_str_eq(af, "the user ID, the password or the second factor was not accepted");
    static const char *const telling[] = { "lock", "suspend", "expire", "unknown", "wrong",
                                           "no such", "deleted", "TOTP", "WebAuthn" };
    for (size_t i = 0; i < sizeof telling / sizeof telling[0]; i++)
        ck_assert_msg(strstr(af, telling[i]) == NULL, "auth_failed tells %s", telling[i]);
    ck_assert_ptr_null(dsg_lsvc_error_message("Auth_failed"));
    ck_assert_ptr_null(dsg_lsvc_error_message(""));
    ck_assert_ptr_null(dsg_lsvc_error_message(NULL));
}
END_TEST

/* The answer of a refused login step: 401 auth_failed and nothing else. */
static void refused_alike(const dsg_lsvc_result *r)
{
    ck_assert_int_eq(r->status, 401);
    ck_assert_str_eq(r->error, "auth_failed");
    ck_assert_int_eq(r->next, DSG_LSVC_NEXT_NONE);
    ck_assert_str_eq(r->login, "");
    ck_assert_str_eq(r->token, "");
}

/* A password step from outside the organisation's networks, or for an
 * organisation that is not registered, is refused like a wrong password
 * (REQ-MFA-012) and recorded as network-refused, without touching the
 * lockout; a Ministry account also from auth.ministry_networks; the
 * control socket is not subject to it. @relation(REQ-ACCT-016, REQ-MFA-012) */
START_TEST(test_lsvc_login_outside_networks_refused_alike)
{
    dsg_lsvc_result r, wrong;
    dsg_acct_last_login last;
    dsg_lock lock;
    static const dsg_lsvc_peer root = { DSG_LOGIN_CONTROL, 0, 0, "gw", "uid:0", NULL };
    static const dsg_lsvc_peer no_addr = { DSG_LOGIN_PORTAL, 0, 0, "-", NULL, NULL };
    account("tanaka", DSG_ACCT_COMPANY);
    account_in("mori", DSG_ACCT_COMPANY, "未登録商事");
    account_in("ueda", DSG_ACCT_MINISTRY, "未登録庁");
    account_in("kanri", DSG_ACCT_ADMIN, "DSG administration");
    password("tanaka", "wrong-password-1", &outside, NOW, &wrong);
    refused_alike(&wrong);
    for (int i = 0; i < 5; i++) {   /* past the lockout threshold: no lock */
        password("tanaka", ISSUED, &elsewhere, NOW + i, &r);
        refused_alike(&r);
        ck_assert_str_eq(r.event, "network-refused");
        ck_assert_str_eq(r.user_id, "tanaka");
    }
    ck_assert_msg(strstr(r.detail, "network not allowed: 198.51.100.9: outside the registered"
                                    " networks") != NULL, "%s", r.detail);
    ck_assert_int_eq(dsg_cred_store_lock_get(db, "tanaka", &lock), 0);
    ck_assert_uint_eq(lock.factor[DSG_LOCK_FACTOR_PASSWORD].failures, 1);   /* the wrong one */
    ck_assert_int_eq(dsg_acct_store_last_login(db, "tanaka", &last), 1);
    ck_assert_uint_eq(last.failures, 6);
    password("tanaka", ISSUED, &no_addr, NOW + 10, &r);
    refused_alike(&r);
    ck_assert_str_eq(r.event, "network-refused");
    password("tanaka", ISSUED, &outside, NOW + 11, &r);   /* 192.0.2.0/24 is registered */
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(r.next, DSG_LSVC_NEXT_PASSWORD_CHANGE);
    password("mori", ISSUED, &outside, NOW + 12, &r);     /* no registered organisation */
    refused_alike(&r);
    ck_assert_ptr_nonnull(strstr(r.detail, "the organisation is not registered"));
    password("ueda", ISSUED, &outside, NOW + 13, &r);
    refused_alike(&r);
    password("ueda", ISSUED, &ministry_net, NOW + 14, &r);   /* auth.ministry_networks */
    ck_assert_int_eq(r.status, 200);
    password("kanri", ISSUED, &root, NOW + 15, &r);          /* the control socket */
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(dsg_lsvc_login_from(r.login, &elsewhere, NOW + 16, &r), 1);
}
END_TEST

/* A later step of a login from outside the networks ends the login with
 * auth_failed; an organisation registered as the other kind gives no
 * network. @relation(REQ-ACCT-016, REQ-MFA-012) */
START_TEST(test_lsvc_login_step_outside_networks)
{
    dsg_lsvc_result r, s;
    dsg_acct_problem p;
    account("tanaka", DSG_ACCT_COMPANY);
    account_in("mori", DSG_ACCT_COMPANY, "逆種別");
    ck_assert_int_eq(dsg_org_store_add(db, "逆種別", DSG_ORG_CLASS_MINISTRY, "0.0.0.0/0",
                                       "admin1", NOW, &p), 0);
    password("mori", ISSUED, &outside, NOW, &r);
    refused_alike(&r);
    ck_assert_ptr_nonnull(strstr(r.detail, "registered as another kind"));
    password("tanaka", ISSUED, &outside, NOW, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(dsg_lsvc_login_from(r.login, &outside, NOW + 1, &s), 1);
    ck_assert_int_eq(dsg_lsvc_login_from("AAAAAAAAAAAAAAAAAAAAAA", &elsewhere, NOW + 1, &s), 1);
    ck_assert_int_eq(dsg_lsvc_login_from(r.login, &elsewhere, NOW + 2, &s), 0);
    refused_alike(&s);
    ck_assert_str_eq(s.event, "network-refused");
    ck_assert_str_eq(s.user_id, "tanaka");
    change(r.login, "Brand-new-passw0rd", NOW + 3, &s);   /* the login was dropped */
    ck_assert_int_eq(s.status, 401);
    ck_assert_str_eq(s.error, "login_incomplete");
}
END_TEST

/* A session used from outside its account's networks is refused with 403
 * network_not_allowed and stays; a change of the registered networks
 * applies at the next request. @relation(REQ-ACCT-016) */
START_TEST(test_lsvc_session_outside_networks)
{
    dsg_lsvc_result r, s;
    dsg_acct_problem p;
    dsg_org_row before;
    uint8_t secret[64];
    size_t len;
    account("sato", DSG_ACCT_MINISTRY);
    first_login("sato", NOW, secret, &len, &r);
    ck_assert_int_eq(dsg_lsvc_session_from(r.token, &ministry_net, NOW + 1, &s), 1);
    ck_assert_int_eq(dsg_lsvc_session_from(r.token, &outside, NOW + 1, &s), 1);
    ck_assert_int_eq(dsg_lsvc_session_from("AAAAAAAAAAAAAAAAAAAAAA", &elsewhere, NOW + 1, &s), 1);
    ck_assert_int_eq(dsg_lsvc_session_from(r.token, &elsewhere, NOW + 2, &s), 0);
    ck_assert_int_eq(s.status, 403);
    ck_assert_str_eq(s.error, "network_not_allowed");
    ck_assert_str_eq(s.event, "network-refused");
    ck_assert_str_eq(s.user_id, "sato");
    ck_assert_msg(strstr(s.detail, "session request: network not allowed: 198.51.100.9") != NULL,
                  "%s", s.detail);
    ck_assert_str_eq(dsg_lsvc_error_message("network_not_allowed"),
                     "this account may not be used from this network");
    dsg_lsvc_session(r.token, NOW + 3, &s);   /* the session stays */
    ck_assert_int_eq(s.status, 200);
    ck_assert_int_eq(dsg_org_store_set_networks(db, "防衛省", "203.0.113.0/24", "admin2",
                                                NOW + 4, &before, &p), 0);
    ck_assert_int_eq(dsg_lsvc_session_from(r.token, &outside, NOW + 5, &s), 0);
    ck_assert_int_eq(s.status, 403);
    ck_assert_int_eq(dsg_lsvc_session_from(r.token, &ministry_net, NOW + 5, &s), 1);
}
END_TEST


/* A suspension takes effect on the account's next request: its session
 * is refused and every session of the account ends, on record as
 * logout-forced; an account not concerned keeps its own. @relation(REQ-ACCT-010) */
START_TEST(test_lsvc_suspension_ends_sessions)
{
    dsg_lsvc_result r;
    dsg_acct_problem p;
    uint8_t secret[64];
    size_t len;
    char a[DSG_LSVC_TOKEN_TEXT + 1];
    int64_t id = 0;
    dsg_acct_app app;
    account("sato", DSG_ACCT_MINISTRY);
    first_login("sato", NOW, secret, &len, &r);
    snprintf(a, sizeof a, "%s", r.token);
    dsg_lsvc_session(a, NOW + 1, &r);
    expect_status(&r, 200, NULL);
    memset(&app, 0, sizeof app);
    app.kind = DSG_APP_SUSPEND;
    strcpy(app.user_id, "sato");
    strcpy(app.applicant, "yamada");
    strcpy(app.reason, "leave");
    ck_assert_int_eq(dsg_acct_store_apply(db, &app, "admin1", NOW + 2, &id, &p), 0);
    ck_assert_int_eq(dsg_acct_store_approve(db, id, "admin2", NOW + 2, &p), 0);
    dsg_lsvc_session(a, NOW + 3, &r);
    expect_status(&r, 401, "session_expired");
    ck_assert_str_eq(r.event, "logout-forced");
    ck_assert_str_eq(r.detail, "the account is suspended: 1 session ended");
    ck_assert_uint_eq(dsg_lsvc_end_sessions("sato", NULL), 0);   /* none left */
    dsg_lsvc_session(a, NOW + 4, &r);
    expect_status(&r, 401, "session_expired");
}
END_TEST

Suite *suite_login_svc(void)
{
    Suite *s = suite_create("login_svc");
    TCase *tc = tcase_create("login_svc");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_lsvc_ministry_first_login_to_logout);
    tcase_add_test(tc, test_lsvc_refusals_look_the_same);
    tcase_add_test(tc, test_lsvc_suspension_ends_sessions);
    tcase_add_test(tc, test_lsvc_password_lockout_boundary);
    tcase_add_test(tc, test_lsvc_half_finished_login_dies_at_the_lock);
    tcase_add_test(tc, test_lsvc_totp_lockout_boundary);
    tcase_add_test(tc, test_lsvc_totp_code_accepted_once);
    tcase_add_test(tc, test_lsvc_unreadable_totp_secret_refused);
    tcase_add_test(tc, test_lsvc_factor_from_server_facts);
    tcase_add_test(tc, test_lsvc_login_record_lifetime_and_order);
    tcase_add_test(tc, test_lsvc_login_refused_at_expiry);
    tcase_add_test(tc, test_lsvc_password_change_rules);
    tcase_add_test(tc, test_lsvc_session_limits);
    tcase_add_test(tc, test_lsvc_rehash_at_login);
    tcase_add_test(tc, test_lsvc_administration);
    tcase_add_test(tc, test_lsvc_admin_token);
    tcase_add_test(tc, test_lsvc_previous_login_and_failures);
    tcase_add_test(tc, test_lsvc_notice);
    tcase_add_test(tc, test_lsvc_session_password_change);
    tcase_add_test(tc, test_lsvc_password_max_age);
    tcase_add_test(tc, test_lsvc_rehash_keeps_the_age);
    tcase_add_test(tc, test_lsvc_factor_reset);
    tcase_add_test(tc, test_lsvc_error_messages);
    tcase_add_test(tc, test_lsvc_login_outside_networks_refused_alike);
    tcase_add_test(tc, test_lsvc_login_step_outside_networks);
    tcase_add_test(tc, test_lsvc_session_outside_networks);
    tcase_add_test(tc, test_lsvc_ministry_terminal_exempts);
    tcase_add_test(tc, test_lsvc_terminal_logon);
    suite_add_tcase(s, tc);
    return s;
}
