/*
 * Unit tests of the login flow (src/auth/login_flow.h): REQ-MFA-001,
 * REQ-MFA-002, REQ-ACCT-011.
 *
 * Bad input first: facts out of range, malformed records, lifetimes and
 * arguments out of range. Then every row of the factor table, every
 * allowed transition and every refused one (out of order, repeated, wrong
 * factor, expired exactly at created + lifetime, DEAD stays DEAD), and
 * last all fact combinations and random step sequences against a model
 * written here.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/login_flow.h"

Suite *suite_login_flow(void);

#define T0 1700000000LL
#define LIFE 300   /* auth.challenge_lifetime default (REQ-MFA-001) */
#define WA DSG_LOGIN_WEBAUTHN
#define TOTP DSG_LOGIN_TOTP

static dsg_login_facts facts(uint32_t type, uint32_t net, uint32_t cert, uint32_t admin,
                             uint32_t channel)
{
    dsg_login_facts f = { type, net, cert, admin, channel };
    return f;
}

static void expect_webauthn(const dsg_login_req *r)
{
    ck_assert_uint_eq(r->factor, DSG_LOGIN_WEBAUTHN);
    ck_assert_uint_eq(r->uv_required, 1);
    ck_assert_uint_eq(r->algs, DSG_LOGIN_ALG_ES256);
    ck_assert_uint_eq(r->attestation, DSG_LOGIN_ATT_PACKED_ALLOWLISTED);
}

static void expect_totp(const dsg_login_req *r)
{
    ck_assert_uint_eq(r->factor, DSG_LOGIN_TOTP);
    ck_assert_uint_eq(r->uv_required, 0);
    ck_assert_uint_eq(r->algs, 0);
    ck_assert_uint_eq(r->attestation, DSG_LOGIN_ATT_NONE);
}

/* The requirement for f; fails the test unless dsg_login_required says OK. */
static dsg_login_req required(dsg_login_facts f)
{
    dsg_login_req r;
    memset(&r, 0xA5, sizeof r);
    ck_assert_int_eq(dsg_login_required(&f, &r), DSG_LOGIN_OK);
    return r;
}

/* dsg_login_required must answer want and leave *out alone. */
static void expect_no_req(dsg_login_facts f, dsg_login_result want)
{
    dsg_login_req r, before;
    memset(&r, 0xA5, sizeof r);
    before = r;
    ck_assert_int_eq(dsg_login_required(&f, &r), want);
    ck_assert_mem_eq(&before, &r, sizeof r);
}

/* A record started at T0 for a user of the given facts. */
static dsg_login started(dsg_login_facts f)
{
    dsg_login r;
    memset(&r, 0, sizeof r);
    ck_assert_int_eq(dsg_login_start(&r, 42, 7, T0, &f), DSG_LOGIN_OK);
    return r;
}

static dsg_login company(void)
{
    return started(facts(DSG_ACCT_COMPANY, 0, 0, DSG_ADMIN_FACTOR_WEBAUTHN, DSG_LOGIN_PORTAL));
}

static dsg_login ministry_exempt(void)
{
    return started(facts(DSG_ACCT_MINISTRY, 1, 0, DSG_ADMIN_FACTOR_WEBAUTHN, DSG_LOGIN_PORTAL));
}

/* The fields creation fixed are those of a fresh record. */
static void expect_fixed(const dsg_login *r, const dsg_login *fresh)
{
    ck_assert_uint_eq(r->account, fresh->account);
    ck_assert_uint_eq(r->lock_generation, fresh->lock_generation);
    ck_assert_int_eq(r->created, fresh->created);
    ck_assert_mem_eq(&r->req, &fresh->req, sizeof r->req);
}

/* A refused step: the answer want, the record DEAD, the fixed fields kept. */
static void expect_dead_after(dsg_login *r, const dsg_login *fresh, dsg_login_result got,
                              dsg_login_result want)
{
    ck_assert_int_eq(got, want);
    ck_assert_uint_eq(r->step, DSG_LOGIN_DEAD);
    expect_fixed(r, fresh);
}

/* ---- bad input ---------------------------------------------------------- */

/* @relation(REQ-MFA-002) */
START_TEST(test_login_facts_out_of_range_refused)
{
    expect_no_req(facts(DSG_ACCT_TYPE_COUNT, 0, 0, 0, DSG_LOGIN_PORTAL), DSG_LOGIN_ERR_ARGS);
    expect_no_req(facts(UINT32_MAX, 0, 0, 0, DSG_LOGIN_PORTAL), DSG_LOGIN_ERR_ARGS);
    /* only 1 means yes: any other non-zero value is refused, never exempt */
    expect_no_req(facts(DSG_ACCT_MINISTRY, 2, 0, 0, DSG_LOGIN_PORTAL), DSG_LOGIN_ERR_ARGS);
    expect_no_req(facts(DSG_ACCT_MINISTRY, 0, UINT32_MAX, 0, DSG_LOGIN_PORTAL),
                  DSG_LOGIN_ERR_ARGS);
    expect_no_req(facts(DSG_ACCT_ADMIN, 0, 0, 2, DSG_LOGIN_CONTROL), DSG_LOGIN_ERR_ARGS);
    expect_no_req(facts(DSG_ACCT_COMPANY, 0, 0, 0, 2), DSG_LOGIN_ERR_ARGS);

    dsg_login r, before;
    memset(&r, 0x5A, sizeof r);
    before = r;
    dsg_login_facts f = facts(DSG_ACCT_COMPANY, 0, 0, 0, 7);
    ck_assert_int_eq(dsg_login_start(&r, 1, 0, T0, &f), DSG_LOGIN_ERR_ARGS);
    ck_assert_mem_eq(&before, &r, sizeof r);
}
END_TEST

/* @relation(REQ-MFA-001) */
START_TEST(test_login_malformed_record_refused_and_killed)
{
    dsg_login fresh = company();
    ck_assert_int_eq(dsg_login_is_valid(&fresh), 1);

    dsg_login r = fresh;
    r.step = 4;                                  /* unknown step */
    ck_assert_int_eq(dsg_login_is_valid(&r), 0);
    expect_dead_after(&r, &fresh, dsg_login_password(&r, 1, T0, LIFE), DSG_LOGIN_ERR_STATE);

    r = fresh;
    r.req.uv_required = 0;                       /* WebAuthn without UV */
    ck_assert_int_eq(dsg_login_is_valid(&r), 0);
    ck_assert_int_eq(dsg_login_password(&r, 1, T0, LIFE), DSG_LOGIN_ERR_STATE);
    ck_assert_uint_eq(r.step, DSG_LOGIN_DEAD);

    r = fresh;
    r.req.algs = DSG_LOGIN_ALG_ES256 | 2u;       /* an algorithm not allowed */
    ck_assert_int_eq(dsg_login_is_valid(&r), 0);
    r = fresh;
    r.req.factor = 0;
    ck_assert_int_eq(dsg_login_is_valid(&r), 0);
    r = ministry_exempt();
    r.req.algs = DSG_LOGIN_ALG_ES256;            /* TOTP with a WebAuthn field */
    ck_assert_int_eq(dsg_login_is_valid(&r), 0);

    r = fresh;
    r.password_at = T0;                          /* START with a step time */
    ck_assert_int_eq(dsg_login_is_valid(&r), 0);
    r = fresh;
    r.step = DSG_LOGIN_PASSWORD_OK;              /* no password time */
    ck_assert_int_eq(dsg_login_is_valid(&r), 0);
    expect_dead_after(&r, &fresh, dsg_login_second(&r, WA, 1, T0, LIFE), DSG_LOGIN_ERR_STATE);
    r = fresh;
    r.step = DSG_LOGIN_DONE;
    r.password_at = T0 + 5;
    r.done_at = T0 + 4;                          /* second before first */
    ck_assert_int_eq(dsg_login_is_valid(&r), 0);
}
END_TEST

/* @relation(REQ-MFA-001) */
START_TEST(test_login_lifetime_and_args_out_of_range)
{
    const int64_t bad_life[] = { 0, -1, INT64_MIN, DSG_LOGIN_LIFETIME_MAX + 1, INT64_MAX };
    dsg_login fresh = company();
    for (size_t i = 0; i < sizeof bad_life / sizeof bad_life[0]; i++) {
        dsg_login r = fresh;
        expect_dead_after(&r, &fresh, dsg_login_password(&r, 1, T0, bad_life[i]),
                          DSG_LOGIN_ERR_LIFETIME);
    }
    dsg_login r = fresh;
    expect_dead_after(&r, &fresh, dsg_login_password(&r, 2, T0, LIFE), DSG_LOGIN_ERR_ARGS);

    dsg_login pw = fresh;
    ck_assert_int_eq(dsg_login_password(&pw, 1, T0, LIFE), DSG_LOGIN_OK);
    r = pw;
    expect_dead_after(&r, &fresh, dsg_login_second(&r, 0, 1, T0, LIFE), DSG_LOGIN_ERR_ARGS);
    r = pw;
    expect_dead_after(&r, &fresh, dsg_login_second(&r, 3, 1, T0, LIFE), DSG_LOGIN_ERR_ARGS);
    r = pw;
    expect_dead_after(&r, &fresh, dsg_login_second(&r, WA, 2, T0, LIFE), DSG_LOGIN_ERR_ARGS);
    r = pw;
    expect_dead_after(&r, &fresh, dsg_login_second(&r, WA, 1, T0, 0), DSG_LOGIN_ERR_LIFETIME);
    /* the largest lifetime there is still works */
    r = fresh;
    ck_assert_int_eq(dsg_login_password(&r, 1, T0 + DSG_LOGIN_LIFETIME_MAX - 1,
                                        DSG_LOGIN_LIFETIME_MAX), DSG_LOGIN_OK);
}
END_TEST

/* ---- the factor table --------------------------------------------------- */

/* @relation(REQ-MFA-002) */
START_TEST(test_login_company_needs_webauthn_uv)
{
    /* a company user gets WebAuthn with UV whatever the network facts */
    for (uint32_t net = 0; net <= 1; net++)
        for (uint32_t cert = 0; cert <= 1; cert++)
            for (uint32_t adm = 0; adm <= 1; adm++) {
                dsg_login_req r = required(facts(DSG_ACCT_COMPANY, net, cert, adm,
                                                 DSG_LOGIN_PORTAL));
                expect_webauthn(&r);
            }
}
END_TEST

/* @relation(REQ-MFA-002) */
START_TEST(test_login_ministry_totp_only_from_ministry_network_or_terminal)
{
    dsg_login_req r;
    r = required(facts(DSG_ACCT_MINISTRY, 1, 0, 0, DSG_LOGIN_PORTAL));
    expect_totp(&r);
    r = required(facts(DSG_ACCT_MINISTRY, 0, 1, 0, DSG_LOGIN_PORTAL));
    expect_totp(&r);
    r = required(facts(DSG_ACCT_MINISTRY, 1, 1, 0, DSG_LOGIN_PORTAL));
    expect_totp(&r);
    /* from anywhere else: WebAuthn with UV like everyone, whatever the
     * administrator setting says */
    r = required(facts(DSG_ACCT_MINISTRY, 0, 0, DSG_ADMIN_FACTOR_WEBAUTHN, DSG_LOGIN_PORTAL));
    expect_webauthn(&r);
    r = required(facts(DSG_ACCT_MINISTRY, 0, 0, DSG_ADMIN_FACTOR_TOTP, DSG_LOGIN_PORTAL));
    expect_webauthn(&r);
}
END_TEST

/* @relation(REQ-MFA-002) @relation(REQ-ACCT-011) */
START_TEST(test_login_admin_factor_from_deployment_setting)
{
    for (uint32_t net = 0; net <= 1; net++)
        for (uint32_t cert = 0; cert <= 1; cert++) {
            dsg_login_req r = required(facts(DSG_ACCT_ADMIN, net, cert,
                                             DSG_ADMIN_FACTOR_WEBAUTHN, DSG_LOGIN_CONTROL));
            expect_webauthn(&r);
            r = required(facts(DSG_ACCT_ADMIN, net, cert, DSG_ADMIN_FACTOR_TOTP,
                               DSG_LOGIN_CONTROL));
            expect_totp(&r);
        }
}
END_TEST

/* @relation(REQ-ACCT-011) */
START_TEST(test_login_wrong_channel_refused)
{
    for (uint32_t net = 0; net <= 1; net++)
        for (uint32_t cert = 0; cert <= 1; cert++)
            for (uint32_t adm = 0; adm <= 1; adm++) {
                expect_no_req(facts(DSG_ACCT_ADMIN, net, cert, adm, DSG_LOGIN_PORTAL),
                              DSG_LOGIN_REFUSED);
                expect_no_req(facts(DSG_ACCT_COMPANY, net, cert, adm, DSG_LOGIN_CONTROL),
                              DSG_LOGIN_REFUSED);
                expect_no_req(facts(DSG_ACCT_MINISTRY, net, cert, adm, DSG_LOGIN_CONTROL),
                              DSG_LOGIN_REFUSED);
                dsg_login r, before;
                memset(&r, 0x5A, sizeof r);
                before = r;
                dsg_login_facts f = facts(DSG_ACCT_ADMIN, net, cert, adm, DSG_LOGIN_PORTAL);
                ck_assert_int_eq(dsg_login_start(&r, 1, 0, T0, &f), DSG_LOGIN_REFUSED);
                ck_assert_mem_eq(&before, &r, sizeof r);
            }
}
END_TEST

/* The table as written in spec/mfa.md, for the exhaustive test: 0 refused,
 * else the factor. */
static uint32_t model_factor(uint32_t type, uint32_t net, uint32_t cert, uint32_t adm,
                             uint32_t channel)
{
    if (type == DSG_ACCT_ADMIN)
        return channel != DSG_LOGIN_CONTROL ? 0 : adm == DSG_ADMIN_FACTOR_TOTP ? TOTP : WA;
    if (channel != DSG_LOGIN_PORTAL)
        return 0;
    if (type == DSG_ACCT_MINISTRY && (net || cert))
        return TOTP;
    return WA;
}

/* @relation(REQ-MFA-002) @relation(REQ-ACCT-011) */
START_TEST(test_login_every_fact_combination_matches_table)
{
    int totp_rows = 0;
    for (uint32_t t = 0; t < DSG_ACCT_TYPE_COUNT; t++)
        for (uint32_t net = 0; net <= 1; net++)
            for (uint32_t cert = 0; cert <= 1; cert++)
                for (uint32_t adm = 0; adm <= 1; adm++)
                    for (uint32_t ch = 0; ch <= 1; ch++) {
                        uint32_t want = model_factor(t, net, cert, adm, ch);
                        dsg_login_facts f = facts(t, net, cert, adm, ch);
                        if (want == 0) {
                            expect_no_req(f, DSG_LOGIN_REFUSED);
                            continue;
                        }
                        dsg_login_req r = required(f);
                        if (want == TOTP) {
                            expect_totp(&r);
                            totp_rows++;
                        } else {
                            expect_webauthn(&r);
                        }
                        /* monotonic: without the network facts, never TOTP
                         * for a user */
                        if (t != DSG_ACCT_ADMIN) {
                            dsg_login_req w = required(facts(t, 0, 0, adm, ch));
                            expect_webauthn(&w);
                        }
                    }
    /* Ministry (3 exempt fact pairs x 2 settings) + admin TOTP (4 pairs) */
    ck_assert_int_eq(totp_rows, 6 + 4);
}
END_TEST

/* ---- transitions ---------------------------------------------------------- */

/* @relation(REQ-MFA-001) */
START_TEST(test_login_start_record)
{
    dsg_login r = company();
    ck_assert_uint_eq(r.account, 42);
    ck_assert_uint_eq(r.lock_generation, 7);
    ck_assert_int_eq(r.created, T0);
    ck_assert_uint_eq(r.step, DSG_LOGIN_START);
    ck_assert_int_eq(r.password_at, DSG_LOGIN_NEVER);
    ck_assert_int_eq(r.done_at, DSG_LOGIN_NEVER);
    expect_webauthn(&r.req);
    ck_assert_int_eq(dsg_login_is_valid(&r), 1);
}
END_TEST

/* @relation(REQ-MFA-001) */
START_TEST(test_login_password_then_required_factor_done)
{
    dsg_login fresh = company();
    dsg_login r = fresh;
    ck_assert_int_eq(dsg_login_password(&r, 1, T0 + 10, LIFE), DSG_LOGIN_OK);
    ck_assert_uint_eq(r.step, DSG_LOGIN_PASSWORD_OK);
    ck_assert_int_eq(r.password_at, T0 + 10);
    ck_assert_int_eq(dsg_login_second(&r, WA, 1, T0 + 20, LIFE), DSG_LOGIN_OK);
    ck_assert_uint_eq(r.step, DSG_LOGIN_DONE);
    ck_assert_int_eq(r.done_at, T0 + 20);
    ck_assert_int_eq(dsg_login_is_valid(&r), 1);
    expect_fixed(&r, &fresh);

    /* a Ministry user on a Ministry network: TOTP, both steps at created */
    fresh = ministry_exempt();
    r = fresh;
    ck_assert_int_eq(dsg_login_password(&r, 1, T0, LIFE), DSG_LOGIN_OK);
    ck_assert_int_eq(dsg_login_second(&r, TOTP, 1, T0, LIFE), DSG_LOGIN_OK);
    ck_assert_uint_eq(r.step, DSG_LOGIN_DONE);
    expect_fixed(&r, &fresh);
}
END_TEST

/* @relation(REQ-MFA-001) */
START_TEST(test_login_second_before_password_refused)
{
    dsg_login fresh = company();
    dsg_login r = fresh;
    expect_dead_after(&r, &fresh, dsg_login_second(&r, WA, 1, T0, LIFE),
                      DSG_LOGIN_OUT_OF_ORDER);
    ck_assert_int_eq(r.done_at, DSG_LOGIN_NEVER);
}
END_TEST

/* @relation(REQ-MFA-001) */
START_TEST(test_login_repeated_steps_refused)
{
    dsg_login fresh = company();
    dsg_login r = fresh;
    ck_assert_int_eq(dsg_login_password(&r, 1, T0, LIFE), DSG_LOGIN_OK);
    expect_dead_after(&r, &fresh, dsg_login_password(&r, 1, T0 + 1, LIFE),
                      DSG_LOGIN_OUT_OF_ORDER);

    r = fresh;
    ck_assert_int_eq(dsg_login_password(&r, 1, T0, LIFE), DSG_LOGIN_OK);
    ck_assert_int_eq(dsg_login_second(&r, WA, 1, T0 + 1, LIFE), DSG_LOGIN_OK);
    dsg_login done = r;
    expect_dead_after(&r, &fresh, dsg_login_second(&r, WA, 1, T0 + 2, LIFE),
                      DSG_LOGIN_OUT_OF_ORDER);
    r = done;
    expect_dead_after(&r, &fresh, dsg_login_password(&r, 1, T0 + 2, LIFE),
                      DSG_LOGIN_OUT_OF_ORDER);
}
END_TEST

/* @relation(REQ-MFA-001) @relation(REQ-MFA-002) */
START_TEST(test_login_wrong_factor_refused)
{
    /* a company user cannot answer with TOTP */
    dsg_login fresh = company();
    dsg_login r = fresh;
    ck_assert_int_eq(dsg_login_password(&r, 1, T0, LIFE), DSG_LOGIN_OK);
    expect_dead_after(&r, &fresh, dsg_login_second(&r, TOTP, 1, T0, LIFE),
                      DSG_LOGIN_WRONG_FACTOR);
    /* nor can a TOTP login answer with WebAuthn */
    fresh = ministry_exempt();
    r = fresh;
    ck_assert_int_eq(dsg_login_password(&r, 1, T0, LIFE), DSG_LOGIN_OK);
    expect_dead_after(&r, &fresh, dsg_login_second(&r, WA, 1, T0, LIFE),
                      DSG_LOGIN_WRONG_FACTOR);
}
END_TEST

/* @relation(REQ-MFA-001) */
START_TEST(test_login_expires_exactly_at_lifetime)
{
    dsg_login fresh = company();
    dsg_login r = fresh;
    ck_assert_int_eq(dsg_login_password(&r, 1, T0 + LIFE - 1, LIFE), DSG_LOGIN_OK);
    ck_assert_int_eq(dsg_login_second(&r, WA, 1, T0 + LIFE - 1, LIFE), DSG_LOGIN_OK);

    r = fresh;
    expect_dead_after(&r, &fresh, dsg_login_password(&r, 1, T0 + LIFE, LIFE),
                      DSG_LOGIN_EXPIRED);

    r = fresh;
    ck_assert_int_eq(dsg_login_password(&r, 1, T0 + 1, LIFE), DSG_LOGIN_OK);
    expect_dead_after(&r, &fresh, dsg_login_second(&r, WA, 1, T0 + LIFE, LIFE),
                      DSG_LOGIN_EXPIRED);

    /* a clock that went back fails closed */
    r = fresh;
    expect_dead_after(&r, &fresh, dsg_login_password(&r, 1, T0 - 1, LIFE), DSG_LOGIN_EXPIRED);
    r = fresh;
    ck_assert_int_eq(dsg_login_password(&r, 1, T0 + 5, LIFE), DSG_LOGIN_OK);
    expect_dead_after(&r, &fresh, dsg_login_second(&r, WA, 1, T0 + 4, LIFE),
                      DSG_LOGIN_EXPIRED);

    /* created near the end of time: no overflow, never expired by the sum */
    dsg_login_facts f = facts(DSG_ACCT_COMPANY, 0, 0, 0, DSG_LOGIN_PORTAL);
    ck_assert_int_eq(dsg_login_start(&r, 1, 0, INT64_MAX - 10, &f), DSG_LOGIN_OK);
    ck_assert_int_eq(dsg_login_password(&r, 1, INT64_MAX, LIFE), DSG_LOGIN_OK);
    ck_assert_int_eq(dsg_login_second(&r, WA, 1, INT64_MAX, LIFE), DSG_LOGIN_OK);
}
END_TEST

/* @relation(REQ-MFA-001) */
START_TEST(test_login_failure_kills_record)
{
    dsg_login fresh = company();
    dsg_login r = fresh;
    expect_dead_after(&r, &fresh, dsg_login_password(&r, 0, T0, LIFE), DSG_LOGIN_FAILED);
    ck_assert_int_eq(r.password_at, DSG_LOGIN_NEVER);

    r = fresh;
    ck_assert_int_eq(dsg_login_password(&r, 1, T0, LIFE), DSG_LOGIN_OK);
    expect_dead_after(&r, &fresh, dsg_login_second(&r, WA, 0, T0, LIFE), DSG_LOGIN_FAILED);
    ck_assert_int_eq(r.done_at, DSG_LOGIN_NEVER);
}
END_TEST

/* @relation(REQ-MFA-001) */
START_TEST(test_login_dead_stays_dead)
{
    dsg_login fresh = company();
    dsg_login r = fresh;
    ck_assert_int_eq(dsg_login_password(&r, 0, T0, LIFE), DSG_LOGIN_FAILED);
    ck_assert_int_eq(dsg_login_is_valid(&r), 1);
    /* a right password, a right factor, anything: DEAD answers DEAD */
    for (int i = 0; i < 3; i++) {
        expect_dead_after(&r, &fresh, dsg_login_password(&r, 1, T0 + i, LIFE),
                          DSG_LOGIN_DEAD_RECORD);
        expect_dead_after(&r, &fresh, dsg_login_second(&r, WA, 1, T0 + i, LIFE),
                          DSG_LOGIN_DEAD_RECORD);
        expect_dead_after(&r, &fresh, dsg_login_second(&r, TOTP, 1, T0 + i, LIFE),
                          DSG_LOGIN_DEAD_RECORD);
    }
}
END_TEST

/* @relation(REQ-MFA-001) */
START_TEST(test_login_result_names)
{
    ck_assert_str_eq(dsg_login_result_name(DSG_LOGIN_OK), "ok");
    ck_assert_str_eq(dsg_login_result_name(DSG_LOGIN_REFUSED), "wrong-channel");
    ck_assert_str_eq(dsg_login_result_name(DSG_LOGIN_DEAD_RECORD), "dead");
    ck_assert_str_eq(dsg_login_result_name(DSG_LOGIN_OUT_OF_ORDER), "out-of-order");
    ck_assert_str_eq(dsg_login_result_name(DSG_LOGIN_EXPIRED), "expired");
    ck_assert_str_eq(dsg_login_result_name(DSG_LOGIN_WRONG_FACTOR), "wrong-factor");
    ck_assert_str_eq(dsg_login_result_name(DSG_LOGIN_FAILED), "failed");
    ck_assert_str_eq(dsg_login_result_name(DSG_LOGIN_ERR_ARGS), "bad-args");
    ck_assert_str_eq(dsg_login_result_name(DSG_LOGIN_ERR_LIFETIME), "bad-lifetime");
    ck_assert_str_eq(dsg_login_result_name(DSG_LOGIN_ERR_STATE), "bad-record");
    ck_assert_str_eq(dsg_login_result_name(10), "unknown");
}
END_TEST

/* ---- properties ---------------------------------------------------------- */

/* Random step sequences against a model: DONE only after an accepted
 * password then an accepted required factor, both before created + LIFE;
 * DEAD absorbing; the fixed fields never change. @relation(REQ-MFA-001) */
START_TEST(test_login_random_sequences_match_model)
{
    srand(12345);
    for (int run = 0; run < 2000; run++) {
        dsg_login fresh = (run & 1) ? company() : ministry_exempt();
        uint32_t need = fresh.req.factor;
        dsg_login r = fresh;
        uint32_t model = DSG_LOGIN_START;
        int64_t now = T0, last = T0;
        for (int k = 0; k < 4; k++) {
            now += rand() % 200 - 20;
            uint32_t ok = (uint32_t)(rand() % 4 != 0);
            int second = rand() % 2;
            uint32_t fac = (rand() % 2) ? WA : TOTP;
            int live = now >= T0 && now < T0 + LIFE && now >= last;
            dsg_login_result got;
            uint32_t next;
            if (!second) {
                got = dsg_login_password(&r, ok, now, LIFE);
                next = model == DSG_LOGIN_START && live && ok ? DSG_LOGIN_PASSWORD_OK
                                                              : DSG_LOGIN_DEAD;
            } else {
                got = dsg_login_second(&r, fac, ok, now, LIFE);
                next = model == DSG_LOGIN_PASSWORD_OK && live && ok && fac == need
                           ? DSG_LOGIN_DONE : DSG_LOGIN_DEAD;
            }
            ck_assert_uint_eq(r.step, next);
            ck_assert_int_eq(got == DSG_LOGIN_OK, next != DSG_LOGIN_DEAD);
            if (got == DSG_LOGIN_OK)
                last = now;
            model = next;
            expect_fixed(&r, &fresh);
            ck_assert_int_eq(dsg_login_is_valid(&r), 1);
        }
    }
}
END_TEST

Suite *suite_login_flow(void)
{
    Suite *s = suite_create("login_flow");

    TCase *bad = tcase_create("bad-input");
    tcase_add_test(bad, test_login_facts_out_of_range_refused);
    tcase_add_test(bad, test_login_malformed_record_refused_and_killed);
    tcase_add_test(bad, test_login_lifetime_and_args_out_of_range);
    suite_add_tcase(s, bad);

    TCase *table = tcase_create("factor-table");
    tcase_add_test(table, test_login_company_needs_webauthn_uv);
    tcase_add_test(table, test_login_ministry_totp_only_from_ministry_network_or_terminal);
    tcase_add_test(table, test_login_admin_factor_from_deployment_setting);
    tcase_add_test(table, test_login_wrong_channel_refused);
    tcase_add_test(table, test_login_every_fact_combination_matches_table);
    suite_add_tcase(s, table);

    TCase *steps = tcase_create("steps");
    tcase_add_test(steps, test_login_start_record);
    tcase_add_test(steps, test_login_password_then_required_factor_done);
    tcase_add_test(steps, test_login_second_before_password_refused);
    tcase_add_test(steps, test_login_repeated_steps_refused);
    tcase_add_test(steps, test_login_wrong_factor_refused);
    tcase_add_test(steps, test_login_expires_exactly_at_lifetime);
    tcase_add_test(steps, test_login_failure_kills_record);
    tcase_add_test(steps, test_login_dead_stays_dead);
    tcase_add_test(steps, test_login_result_names);
    suite_add_tcase(s, steps);

    TCase *props = tcase_create("properties");
    tcase_add_test(props, test_login_random_sequences_match_model);
    suite_add_tcase(s, props);
    return s;
}
