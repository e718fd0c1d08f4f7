/*
 * Unit tests of sessions (src/auth/session.h): REQ-ACCT-014, REQ-ACCT-015,
 * REQ-MFA-015.
 *
 * Bad input first: policies, factors and reasons out of range, malformed
 * sessions. Then the boundaries: expiry exactly at last_seen + idle and
 * at created + max_lifetime, touch only on a valid session, end for ever,
 * eviction of the oldest live session with ties to the smallest index,
 * fresh authentication exactly at auth_at + max_age. Last, random arrays
 * against a model of the eviction rule written here.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/session.h"

Suite *suite_session(void);

#define T0 1700000000LL
#define IDLE 900        /* auth.session_idle_timeout default, 15 min */
#define LIFE 43200      /* auth.session_max_lifetime default, 12 h */
#define REAUTH 900      /* auth.reauth_max_age default, 15 min */

static const dsg_session_policy policy = { IDLE, LIFE };

static dsg_session fresh_at(int64_t now)
{
    dsg_session s;
    memset(&s, 0, sizeof s);
    memset(s.token_hash, 0xC3, sizeof s.token_hash);
    ck_assert_int_eq(dsg_session_init(&s, 42, now, DSG_LOGIN_WEBAUTHN), DSG_SESSION_OK);
    return s;
}

/* ---- bad input ---------------------------------------------------------- */

/* @relation(REQ-ACCT-014) */
START_TEST(test_session_policy_out_of_range_refused)
{
    const dsg_session_policy bad[] = {
        { 0, LIFE }, { -1, LIFE }, { INT64_MIN, LIFE }, { DSG_SESSION_IDLE_MAX + 1, LIFE },
        { IDLE, 0 }, { IDLE, -5 }, { IDLE, DSG_SESSION_LIFETIME_MAX + 1 }, { IDLE, INT64_MAX },
    };
    dsg_session s = fresh_at(T0);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(dsg_session_policy_check(&bad[i]), DSG_SESSION_ERR_POLICY);
        ck_assert_int_eq(dsg_session_check(&s, T0, &bad[i]), DSG_SESSION_ERR_POLICY);
        dsg_session before = s;
        ck_assert_int_eq(dsg_session_touch(&s, T0 + 1, &bad[i]), DSG_SESSION_ERR_POLICY);
        ck_assert_mem_eq(&before, &s, sizeof s);
        uint32_t ev = 99;
        ck_assert_int_eq(dsg_session_admit(&s, 1, 10, T0, &bad[i], &ev),
                         DSG_SESSION_ERR_POLICY);
        ck_assert_uint_eq(ev, 99);
    }
    const dsg_session_policy edge = { DSG_SESSION_IDLE_MAX, DSG_SESSION_LIFETIME_MAX };
    ck_assert_int_eq(dsg_session_policy_check(&edge), DSG_SESSION_OK);
    ck_assert_int_eq(dsg_session_policy_check(&policy), DSG_SESSION_OK);

    uint32_t ev = 99;
    ck_assert_int_eq(dsg_session_admit(&s, 1, 0, T0, &policy, &ev), DSG_SESSION_ERR_POLICY);
    ck_assert_int_eq(dsg_session_admit(&s, 1, DSG_SESSION_MAX_PER_USER_MAX + 1, T0, &policy,
                                       &ev), DSG_SESSION_ERR_POLICY);
    ck_assert_int_eq(dsg_session_fresh(&s, T0, 0), DSG_SESSION_ERR_POLICY);
    ck_assert_int_eq(dsg_session_fresh(&s, T0, DSG_SESSION_REAUTH_MAX + 1),
                     DSG_SESSION_ERR_POLICY);
    ck_assert_uint_eq(ev, 99);
}
END_TEST

/* @relation(REQ-ACCT-014) @relation(REQ-MFA-015) */
START_TEST(test_session_bad_factor_or_reason_refused)
{
    dsg_session s, before;
    memset(&s, 0x5A, sizeof s);
    before = s;
    ck_assert_int_eq(dsg_session_init(&s, 1, T0, 0), DSG_SESSION_ERR_ARGS);
    ck_assert_int_eq(dsg_session_init(&s, 1, T0, 3), DSG_SESSION_ERR_ARGS);
    ck_assert_mem_eq(&before, &s, sizeof s);

    s = fresh_at(T0);
    before = s;
    ck_assert_int_eq(dsg_session_end(&s, DSG_SESSION_LIVE), DSG_SESSION_ERR_ARGS);
    ck_assert_int_eq(dsg_session_end(&s, 4), DSG_SESSION_ERR_ARGS);
    ck_assert_int_eq(dsg_session_reauth(&s, T0, 0, &policy), DSG_SESSION_ERR_ARGS);
    ck_assert_mem_eq(&before, &s, sizeof s);
}
END_TEST

/* @relation(REQ-ACCT-014) */
START_TEST(test_session_malformed_refused)
{
    dsg_session good = fresh_at(T0);
    ck_assert_int_eq(dsg_session_is_valid(&good), 1);
    dsg_session bad[3] = { good, good, good };
    bad[0].ended = 4;
    bad[1].factor = 0;
    bad[2].last_seen = T0 - 1;   /* used before it began */
    for (int i = 0; i < 3; i++) {
        dsg_session s = bad[i];
        ck_assert_int_eq(dsg_session_is_valid(&s), 0);
        ck_assert_int_eq(dsg_session_check(&s, T0, &policy), DSG_SESSION_ERR_STATE);
        ck_assert_int_eq(dsg_session_touch(&s, T0, &policy), DSG_SESSION_ERR_STATE);
        ck_assert_int_eq(dsg_session_end(&s, DSG_SESSION_LOGOUT), DSG_SESSION_ERR_STATE);
        ck_assert_int_eq(dsg_session_fresh(&s, T0, REAUTH), DSG_SESSION_ERR_STATE);
        ck_assert_int_eq(dsg_session_reauth(&s, T0, DSG_LOGIN_TOTP, &policy),
                         DSG_SESSION_ERR_STATE);
        ck_assert_mem_eq(&bad[i], &s, sizeof s);
    }
    /* one malformed session spoils the whole account's decision */
    dsg_session set[3] = { good, bad[1], good };
    uint32_t ev = 99;
    ck_assert_int_eq(dsg_session_admit(set, 3, 1, T0, &policy, &ev), DSG_SESSION_ERR_STATE);
    ck_assert_uint_eq(ev, 99);
}
END_TEST

/* ---- validity ------------------------------------------------------------- */

/* @relation(REQ-ACCT-014) */
START_TEST(test_session_init_fields)
{
    dsg_session s = fresh_at(T0);
    ck_assert_uint_eq(s.account, 42);
    ck_assert_int_eq(s.created, T0);
    ck_assert_int_eq(s.last_seen, T0);
    ck_assert_int_eq(s.auth_at, T0);
    ck_assert_uint_eq(s.factor, DSG_LOGIN_WEBAUTHN);
    ck_assert_uint_eq(s.ended, DSG_SESSION_LIVE);
    for (size_t i = 0; i < sizeof s.token_hash; i++)
        ck_assert_uint_eq(s.token_hash[i], 0xC3);   /* the caller's, untouched */
}
END_TEST

/* @relation(REQ-ACCT-014) */
START_TEST(test_session_idle_boundary)
{
    dsg_session s = fresh_at(T0);
    ck_assert_int_eq(dsg_session_check(&s, T0 + IDLE - 1, &policy), DSG_SESSION_OK);
    ck_assert_int_eq(dsg_session_check(&s, T0 + IDLE, &policy), DSG_SESSION_IDLE);
    /* a use moves the idle deadline */
    ck_assert_int_eq(dsg_session_touch(&s, T0 + IDLE - 1, &policy), DSG_SESSION_OK);
    ck_assert_int_eq(s.last_seen, T0 + IDLE - 1);
    ck_assert_int_eq(dsg_session_check(&s, T0 + 2 * IDLE - 2, &policy), DSG_SESSION_OK);
    ck_assert_int_eq(dsg_session_check(&s, T0 + 2 * IDLE - 1, &policy), DSG_SESSION_IDLE);
    /* a touch of an idle session records nothing: no resumption without a
     * new login */
    dsg_session before = s;
    ck_assert_int_eq(dsg_session_touch(&s, T0 + 2 * IDLE - 1, &policy), DSG_SESSION_IDLE);
    ck_assert_mem_eq(&before, &s, sizeof s);
    ck_assert_int_eq(dsg_session_reauth(&s, T0 + 2 * IDLE - 1, DSG_LOGIN_WEBAUTHN, &policy),
                     DSG_SESSION_IDLE);
    ck_assert_mem_eq(&before, &s, sizeof s);
}
END_TEST

/* @relation(REQ-ACCT-014) */
START_TEST(test_session_lifetime_boundary)
{
    dsg_session s = fresh_at(T0);
    /* used every 10 minutes, it still ends at exactly created + 12 h */
    for (int64_t t = T0 + 600; t < T0 + LIFE; t += 600)
        ck_assert_int_eq(dsg_session_touch(&s, t, &policy), DSG_SESSION_OK);
    ck_assert_int_eq(dsg_session_check(&s, T0 + LIFE - 1, &policy), DSG_SESSION_OK);
    ck_assert_int_eq(dsg_session_check(&s, T0 + LIFE, &policy), DSG_SESSION_LIFETIME);
    ck_assert_int_eq(dsg_session_touch(&s, T0 + LIFE, &policy), DSG_SESSION_LIFETIME);
    /* both over: lifetime is named first */
    ck_assert_int_eq(dsg_session_check(&s, T0 + 2 * LIFE, &policy), DSG_SESSION_LIFETIME);
    /* near the end of time: no overflow */
    dsg_session late = fresh_at(INT64_MAX - 5);
    ck_assert_int_eq(dsg_session_check(&late, INT64_MAX, &policy), DSG_SESSION_OK);
}
END_TEST

/* @relation(REQ-ACCT-014) */
START_TEST(test_session_touch_never_moves_back)
{
    dsg_session s = fresh_at(T0);
    ck_assert_int_eq(dsg_session_touch(&s, T0 + 100, &policy), DSG_SESSION_OK);
    ck_assert_int_eq(dsg_session_touch(&s, T0 + 50, &policy), DSG_SESSION_OK);
    ck_assert_int_eq(s.last_seen, T0 + 100);
    ck_assert_int_eq(dsg_session_is_valid(&s), 1);
}
END_TEST

/* @relation(REQ-ACCT-014) @relation(REQ-ACCT-015) */
START_TEST(test_session_end_is_final)
{
    dsg_session s = fresh_at(T0);
    ck_assert_int_eq(dsg_session_end(&s, DSG_SESSION_LOGOUT), DSG_SESSION_OK);
    ck_assert_uint_eq(s.ended, DSG_SESSION_LOGOUT);
    ck_assert_int_eq(dsg_session_check(&s, T0, &policy), DSG_SESSION_ENDED);
    dsg_session before = s;
    ck_assert_int_eq(dsg_session_touch(&s, T0, &policy), DSG_SESSION_ENDED);
    ck_assert_int_eq(dsg_session_end(&s, DSG_SESSION_FORCED), DSG_SESSION_ENDED);
    ck_assert_int_eq(dsg_session_reauth(&s, T0, DSG_LOGIN_WEBAUTHN, &policy),
                     DSG_SESSION_ENDED);
    ck_assert_int_eq(dsg_session_fresh(&s, T0, REAUTH), DSG_SESSION_ENDED);
    ck_assert_mem_eq(&before, &s, sizeof s);   /* the first reason stays */

    s = fresh_at(T0);
    ck_assert_int_eq(dsg_session_end(&s, DSG_SESSION_TIMEOUT), DSG_SESSION_OK);
    ck_assert_uint_eq(s.ended, DSG_SESSION_TIMEOUT);
}
END_TEST

/* ---- fresh authentication ----------------------------------------------- */

/* @relation(REQ-MFA-015) */
START_TEST(test_session_fresh_boundary)
{
    dsg_session s = fresh_at(T0);
    ck_assert_int_eq(dsg_session_fresh(&s, T0, REAUTH), DSG_SESSION_OK);
    ck_assert_int_eq(dsg_session_fresh(&s, T0 + REAUTH - 1, REAUTH), DSG_SESSION_OK);
    ck_assert_int_eq(dsg_session_fresh(&s, T0 + REAUTH, REAUTH), DSG_SESSION_STALE);
    /* an authentication in the future (clock back) is not fresh */
    ck_assert_int_eq(dsg_session_fresh(&s, T0 - 1, REAUTH), DSG_SESSION_STALE);
    /* use alone does not refresh it */
    ck_assert_int_eq(dsg_session_touch(&s, T0 + REAUTH - 1, &policy), DSG_SESSION_OK);
    ck_assert_int_eq(dsg_session_fresh(&s, T0 + REAUTH, REAUTH), DSG_SESSION_STALE);
    /* a new authentication with both factors does */
    ck_assert_int_eq(dsg_session_reauth(&s, T0 + REAUTH, DSG_LOGIN_TOTP, &policy),
                     DSG_SESSION_OK);
    ck_assert_int_eq(s.auth_at, T0 + REAUTH);
    ck_assert_uint_eq(s.factor, DSG_LOGIN_TOTP);
    ck_assert_int_eq(s.last_seen, T0 + REAUTH);
    ck_assert_int_eq(s.created, T0);
    ck_assert_int_eq(dsg_session_fresh(&s, T0 + 2 * REAUTH - 1, REAUTH), DSG_SESSION_OK);
    ck_assert_int_eq(dsg_session_fresh(&s, T0 + 2 * REAUTH, REAUTH), DSG_SESSION_STALE);
}
END_TEST

/* ---- the concurrent-session limit ------------------------------------------ */

/* @relation(REQ-ACCT-015) */
START_TEST(test_session_admit_below_limit)
{
    uint32_t ev = 99;
    ck_assert_int_eq(dsg_session_admit(NULL, 0, 1, T0, &policy, &ev), DSG_SESSION_OK);
    dsg_session set[3] = { fresh_at(T0), fresh_at(T0 + 1), fresh_at(T0 + 2) };
    ck_assert_int_eq(dsg_session_admit(set, 3, 4, T0 + 3, &policy, &ev), DSG_SESSION_OK);
    /* ended and expired sessions do not count */
    ck_assert_int_eq(dsg_session_end(&set[1], DSG_SESSION_LOGOUT), DSG_SESSION_OK);
    ck_assert_int_eq(dsg_session_admit(set, 3, 3, T0 + 3, &policy, &ev), DSG_SESSION_OK);
    ck_assert_int_eq(dsg_session_admit(set, 3, 1, T0 + 2 + IDLE, &policy, &ev),
                     DSG_SESSION_OK);
    ck_assert_uint_eq(ev, 99);
}
END_TEST

/* @relation(REQ-ACCT-015) */
START_TEST(test_session_admit_evicts_oldest_with_ties)
{
    dsg_session set[4] = { fresh_at(T0 + 5), fresh_at(T0 + 2), fresh_at(T0 + 7),
                           fresh_at(T0 + 2) };
    uint32_t ev = 99;
    ck_assert_int_eq(dsg_session_admit(set, 4, 4, T0 + 10, &policy, &ev), DSG_SESSION_EVICT);
    ck_assert_uint_eq(ev, 1);                  /* T0 + 2, the first of the tie */
    ck_assert_int_eq(dsg_session_end(&set[ev], DSG_SESSION_FORCED), DSG_SESSION_OK);
    ck_assert_int_eq(dsg_session_admit(set, 4, 4, T0 + 10, &policy, &ev), DSG_SESSION_OK);

    /* over the limit (a lowered max): one eviction at a time, oldest first */
    ck_assert_int_eq(dsg_session_admit(set, 4, 1, T0 + 10, &policy, &ev), DSG_SESSION_EVICT);
    ck_assert_uint_eq(ev, 3);
    ck_assert_int_eq(dsg_session_end(&set[ev], DSG_SESSION_FORCED), DSG_SESSION_OK);
    ck_assert_int_eq(dsg_session_admit(set, 4, 1, T0 + 10, &policy, &ev), DSG_SESSION_EVICT);
    ck_assert_uint_eq(ev, 0);
    ck_assert_int_eq(dsg_session_end(&set[ev], DSG_SESSION_FORCED), DSG_SESSION_OK);
    ck_assert_int_eq(dsg_session_admit(set, 4, 1, T0 + 10, &policy, &ev), DSG_SESSION_EVICT);
    ck_assert_uint_eq(ev, 2);
    ck_assert_int_eq(dsg_session_end(&set[ev], DSG_SESSION_FORCED), DSG_SESSION_OK);
    ck_assert_int_eq(dsg_session_admit(set, 4, 1, T0 + 10, &policy, &ev), DSG_SESSION_OK);

    /* an older but expired session is not the one evicted */
    dsg_session two[3] = { fresh_at(T0), fresh_at(T0 + IDLE), fresh_at(T0 + IDLE + 1) };
    ck_assert_int_eq(dsg_session_admit(two, 3, 2, T0 + IDLE + 1, &policy, &ev),
                     DSG_SESSION_EVICT);
    ck_assert_uint_eq(ev, 1);
}
END_TEST

/* @relation(REQ-ACCT-014) */
START_TEST(test_session_status_names)
{
    ck_assert_str_eq(dsg_session_status_name(DSG_SESSION_OK), "ok");
    ck_assert_str_eq(dsg_session_status_name(DSG_SESSION_ENDED), "ended");
    ck_assert_str_eq(dsg_session_status_name(DSG_SESSION_LIFETIME), "lifetime");
    ck_assert_str_eq(dsg_session_status_name(DSG_SESSION_IDLE), "idle");
    ck_assert_str_eq(dsg_session_status_name(DSG_SESSION_STALE), "stale");
    ck_assert_str_eq(dsg_session_status_name(DSG_SESSION_EVICT), "evict");
    ck_assert_str_eq(dsg_session_status_name(DSG_SESSION_ERR_STATE), "bad-session");
    ck_assert_str_eq(dsg_session_status_name(DSG_SESSION_ERR_POLICY), "bad-policy");
    ck_assert_str_eq(dsg_session_status_name(DSG_SESSION_ERR_ARGS), "bad-args");
    ck_assert_str_eq(dsg_session_status_name(9), "unknown");
}
END_TEST

/* ---- properties ---------------------------------------------------------- */

static int model_live(const dsg_session *s, int64_t now)
{
    return s->ended == DSG_SESSION_LIVE && now < s->created + LIFE &&
           now < s->last_seen + IDLE;
}

/* Random arrays: the answer and the index agree with a model; ending the
 * evicted session and asking again until OK leaves max - 1 live.
 * @relation(REQ-ACCT-015) */
START_TEST(test_session_admit_random_matches_model)
{
    srand(4242);
    for (int run = 0; run < 3000; run++) {
        dsg_session set[12];
        uint32_t n = (uint32_t)(rand() % 13);
        int64_t now = T0 + 2000;
        for (uint32_t i = 0; i < n; i++) {
            set[i] = fresh_at(T0 + rand() % 1500);
            if (rand() % 5 == 0)
                set[i].ended = DSG_SESSION_LOGOUT;
        }
        uint32_t max = 1 + (uint32_t)(rand() % 6);
        for (;;) {
            uint32_t live = 0, want = n;
            for (uint32_t i = 0; i < n; i++)
                if (model_live(&set[i], now)) {
                    live++;
                    if (want == n || set[i].created < set[want].created)
                        want = i;
                }
            uint32_t ev = 99;
            dsg_session_status st = dsg_session_admit(set, n, max, now, &policy, &ev);
            if (live < max) {
                ck_assert_int_eq(st, DSG_SESSION_OK);
                ck_assert_uint_eq(ev, 99);
                ck_assert_uint_lt(live, max);
                break;
            }
            ck_assert_int_eq(st, DSG_SESSION_EVICT);
            ck_assert_uint_eq(ev, want);
            ck_assert_int_eq(dsg_session_end(&set[ev], DSG_SESSION_FORCED), DSG_SESSION_OK);
        }
    }
}
END_TEST

Suite *suite_session(void)
{
    Suite *s = suite_create("session");

    TCase *bad = tcase_create("bad-input");
    tcase_add_test(bad, test_session_policy_out_of_range_refused);
    tcase_add_test(bad, test_session_bad_factor_or_reason_refused);
    tcase_add_test(bad, test_session_malformed_refused);
    suite_add_tcase(s, bad);

    TCase *valid = tcase_create("validity");
    tcase_add_test(valid, test_session_init_fields);
    tcase_add_test(valid, test_session_idle_boundary);
    tcase_add_test(valid, test_session_lifetime_boundary);
    tcase_add_test(valid, test_session_touch_never_moves_back);
    tcase_add_test(valid, test_session_end_is_final);
    tcase_add_test(valid, test_session_status_names);
    suite_add_tcase(s, valid);

    TCase *fresh = tcase_create("fresh");
    tcase_add_test(fresh, test_session_fresh_boundary);
    suite_add_tcase(s, fresh);

    TCase *limit = tcase_create("limit");
    tcase_add_test(limit, test_session_admit_below_limit);
    tcase_add_test(limit, test_session_admit_evicts_oldest_with_ties);
    tcase_add_test(limit, test_session_admit_random_matches_model);
    suite_add_tcase(s, limit);
    return s;
}
