/*
 * Unit tests of the account state machine (src/auth/acct_state.h):
 * REQ-ACCT-003, REQ-ACCT-004, REQ-ACCT-007, REQ-MFA-012.
 *
 * Bad input first: malformed accounts, unknown events, refused
 * registrations. Then every event from every state against a table written
 * out here from the requirements (not taken from the module), the guards
 * (EXPIRE before the expiry, SET_EXPIRY past the contract), the times
 * recorded, the login check at the expiry, the sweep; then random event
 * sequences checked against the invariants.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/acct_state.h"

Suite *suite_acct_state(void);

#define T0 1700000000LL             /* 2023-11-14T22:13:20Z */
#define DAY 86400LL

/* ---- the expected table ------------------------------------------------- */

enum { P = DSG_ACCT_PENDING, A = DSG_ACCT_ACTIVE, S = DSG_ACCT_SUSPENDED,
       L = DSG_ACCT_LOCKED, E = DSG_ACCT_EXPIRED, D = DSG_ACCT_DELETED, NO = -1 };

/* expected[event][state]: the state after the event, or NO. */
static const int expected[DSG_ACCT_EVENT_COUNT][DSG_ACCT_STATE_COUNT] = {
    /*                          P   A   S   L   E   D */
    [DSG_ACCT_EV_APPROVE]    = { A,  NO, NO, NO, NO, NO },
    [DSG_ACCT_EV_SUSPEND]    = { NO, S,  NO, S,  S,  NO },
    [DSG_ACCT_EV_RESUME]     = { NO, NO, A,  NO, NO, NO },
    [DSG_ACCT_EV_LOCK]       = { NO, L,  NO, NO, NO, NO },
    [DSG_ACCT_EV_UNLOCK]     = { NO, NO, NO, A,  NO, NO },
    [DSG_ACCT_EV_EXPIRE]     = { NO, E,  NO, E,  NO, NO },
    [DSG_ACCT_EV_SET_EXPIRY] = { P,  A,  S,  L,  A,  NO },
    [DSG_ACCT_EV_DELETE]     = { D,  D,  D,  D,  D,  NO },
};

static const char *const state_words[] = {
    "pending", "active", "suspended", "locked", "expired", "deleted",
};
static const char *const event_words[] = {
    "approve", "suspend", "resume", "lock", "unlock", "expire", "set-expiry", "delete",
};

/* ---- helpers ------------------------------------------------------------ */

/* A well-formed account in state s, every time field distinct. */
static dsg_acct account_in(uint32_t s, int64_t expiry)
{
    dsg_acct a;
    memset(&a, 0, sizeof a);   /* padding too, so memcmp compares fields */
    a.state = s;
    a.expiry = expiry;
    a.contract_end = expiry + 30 * DAY;
    a.registered_at = T0 - 100;
    a.activated_at = T0 - 90;
    a.suspended_at = T0 - 80;
    a.locked_at = T0 - 70;
    a.expired_at = T0 - 60;
    a.deleted_at = s == DSG_ACCT_DELETED ? T0 - 50 : DSG_ACCT_NEVER;
    a.changed_at = T0 - 40;
    return a;
}

/* Applies an event and checks the contract's frame: a refusal leaves the
 * account byte for byte as it was. */
static dsg_acct_result apply(dsg_acct *a, uint32_t e, int64_t now, int64_t x, int64_t c)
{
    dsg_acct before = *a;
    dsg_acct_result r = dsg_acct_apply(a, e, now, x, c);
    if (r != DSG_ACCT_OK)
        ck_assert_mem_eq(&before, a, sizeof before);
    else
        ck_assert_int_eq(a->changed_at, now);
    return r;
}

/* The arguments that satisfy every guard of event e for account a. */
static void guard_args(const dsg_acct *a, uint32_t e, int64_t *now, int64_t *x, int64_t *c)
{
    *now = e == DSG_ACCT_EV_EXPIRE ? a->expiry : a->expiry - DAY;
    *x = *now + 10 * DAY;
    *c = *now + 20 * DAY;
}

/* ---- bad input ---------------------------------------------------------- */

/* @relation(REQ-ACCT-003) */
START_TEST(test_acct_malformed_account_refused)
{
    dsg_acct bad[3];
    bad[0] = account_in(A, T0 + DAY);
    bad[0].state = DSG_ACCT_STATE_COUNT;
    bad[1] = account_in(A, T0 + DAY);
    bad[1].state = UINT32_MAX;
    bad[2] = account_in(A, T0 + DAY);
    bad[2].contract_end = bad[2].expiry - 1;   /* expiry after the contract */
    for (size_t i = 0; i < 3; i++) {
        ck_assert_int_eq(dsg_acct_is_valid(&bad[i]), 0);
        for (uint32_t e = 0; e < DSG_ACCT_EVENT_COUNT; e++)
            ck_assert_int_eq(apply(&bad[i], e, T0 + 2 * DAY, T0, T0), DSG_ACCT_ERR_INVALID);
        ck_assert_int_eq(dsg_acct_may_login(&bad[i], T0), 0);
        ck_assert_int_eq(dsg_acct_is_expired(&bad[i], T0 + 2 * DAY), 0);
    }
    dsg_acct ok = account_in(A, T0 + DAY);
    ck_assert_int_eq(dsg_acct_is_valid(&ok), 1);
    ok.contract_end = ok.expiry;                 /* expiry at the contract end is fine */
    ck_assert_int_eq(dsg_acct_is_valid(&ok), 1);
}
END_TEST

/* @relation(REQ-ACCT-003) */
START_TEST(test_acct_unknown_event_refused)
{
    for (uint32_t s = 0; s < DSG_ACCT_STATE_COUNT; s++) {
        dsg_acct a = account_in(s, T0 + DAY);
        ck_assert_int_eq(apply(&a, DSG_ACCT_EVENT_COUNT, T0, T0, T0), DSG_ACCT_ERR_EVENT);
        ck_assert_int_eq(apply(&a, UINT32_MAX, T0, T0, T0), DSG_ACCT_ERR_EVENT);
    }
    ck_assert_int_eq(dsg_acct_target_of(A, DSG_ACCT_EVENT_COUNT), -1);
    ck_assert_int_eq(dsg_acct_target_of(DSG_ACCT_STATE_COUNT, DSG_ACCT_EV_APPROVE), -1);
}
END_TEST

/* @relation(REQ-ACCT-004) */
START_TEST(test_acct_init_refuses_expiry_after_contract)
{
    dsg_acct a;
    memset(&a, 0x5a, sizeof a);
    dsg_acct before = a;
    ck_assert_int_eq(dsg_acct_init(&a, T0, T0 + DAY + 1, T0 + DAY), DSG_ACCT_ERR_EXPIRY);
    ck_assert_mem_eq(&before, &a, sizeof a);
    ck_assert_int_eq(dsg_acct_init(&a, T0, T0 + DAY, T0 + DAY), DSG_ACCT_OK);
    ck_assert_int_eq(a.state, DSG_ACCT_PENDING);
    ck_assert_int_eq(a.registered_at, T0);
    ck_assert_int_eq(a.changed_at, T0);
    ck_assert_int_eq(a.expiry, T0 + DAY);
    ck_assert_int_eq(a.contract_end, T0 + DAY);
    ck_assert_int_eq(a.activated_at, DSG_ACCT_NEVER);
    ck_assert_int_eq(a.suspended_at, DSG_ACCT_NEVER);
    ck_assert_int_eq(a.locked_at, DSG_ACCT_NEVER);
    ck_assert_int_eq(a.expired_at, DSG_ACCT_NEVER);
    ck_assert_int_eq(a.deleted_at, DSG_ACCT_NEVER);
    ck_assert_int_eq(dsg_acct_may_login(&a, T0), 0);   /* PENDING cannot log in */
}
END_TEST

/* ---- the table ---------------------------------------------------------- */

/* @relation(REQ-ACCT-003) */
START_TEST(test_acct_target_of_matches_expected_table)
{
    for (uint32_t e = 0; e < DSG_ACCT_EVENT_COUNT; e++)
        for (uint32_t s = 0; s < DSG_ACCT_STATE_COUNT; s++)
            ck_assert_msg(dsg_acct_target_of(s, e) == expected[e][s],
                          "%s in %s: %d, expected %d", event_words[e], state_words[s],
                          dsg_acct_target_of(s, e), expected[e][s]);
}
END_TEST

/* Every event from every state, with its guards met: accepted exactly where
 * the table allows, into the table's state; refused elsewhere with
 * "refused-in-state", the account untouched, and words to name both.
 * @relation(REQ-ACCT-003) */
START_TEST(test_acct_every_transition_from_every_state)
{
    int allowed = 0, refused = 0;
    for (uint32_t e = 0; e < DSG_ACCT_EVENT_COUNT; e++) {
        for (uint32_t s = 0; s < DSG_ACCT_STATE_COUNT; s++) {
            dsg_acct a = account_in(s, T0 + DAY);
            int64_t now, x, c;
            guard_args(&a, e, &now, &x, &c);
            dsg_acct_result r = apply(&a, e, now, x, c);
            if (expected[e][s] == NO) {
                ck_assert_msg(r == DSG_ACCT_ERR_STATE, "%s in %s: %s", event_words[e],
                              state_words[s], dsg_acct_result_name(r));
                char msg[80];
                snprintf(msg, sizeof msg, "%s %s in state %s", dsg_acct_event_name(e),
                         dsg_acct_result_name(r), dsg_acct_state_name(s));
                char want[80];
                snprintf(want, sizeof want, "%s refused-in-state in state %s",
                         event_words[e], state_words[s]);
                ck_assert_str_eq(msg, want);
                refused++;
            } else {
                ck_assert_msg(r == DSG_ACCT_OK, "%s in %s: %s", event_words[e],
                              state_words[s], dsg_acct_result_name(r));
                ck_assert_int_eq(a.state, expected[e][s]);
                ck_assert_int_eq(dsg_acct_is_valid(&a), 1);
                allowed++;
            }
        }
    }
    ck_assert_int_eq(allowed, 19);
    ck_assert_int_eq(refused, 29);
}
END_TEST

/* @relation(REQ-ACCT-007) */
START_TEST(test_acct_deleted_has_no_way_out)
{
    /* every event, with each guard met and broken, at several times */
    const int64_t times[] = { INT64_MIN, T0 - DAY, T0, T0 + DAY, INT64_MAX };
    for (uint32_t e = 0; e <= DSG_ACCT_EVENT_COUNT; e++)
        for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
            for (size_t j = 0; j < sizeof times / sizeof times[0]; j++) {
                dsg_acct a = account_in(D, T0);
                dsg_acct_result r = apply(&a, e, times[i], times[j], times[j]);
                ck_assert_int_ne(r, DSG_ACCT_OK);
                ck_assert_int_eq(a.state, DSG_ACCT_DELETED);
            }
}
END_TEST

/* Deleting keeps everything the account recorded; only the state, the
 * deletion time and the time of the last change move.
 * @relation(REQ-ACCT-007) */
START_TEST(test_acct_delete_keeps_history)
{
    for (uint32_t s = 0; s < DSG_ACCT_DELETED; s++) {
        dsg_acct a = account_in(s, T0 + DAY);
        dsg_acct before = a;
        ck_assert_int_eq(apply(&a, DSG_ACCT_EV_DELETE, T0 + 5, 0, 0), DSG_ACCT_OK);
        ck_assert_int_eq(a.state, DSG_ACCT_DELETED);
        ck_assert_int_eq(a.deleted_at, T0 + 5);
        ck_assert_int_eq(a.changed_at, T0 + 5);
        ck_assert_int_eq(a.expiry, before.expiry);
        ck_assert_int_eq(a.contract_end, before.contract_end);
        ck_assert_int_eq(a.registered_at, before.registered_at);
        ck_assert_int_eq(a.activated_at, before.activated_at);
        ck_assert_int_eq(a.suspended_at, before.suspended_at);
        ck_assert_int_eq(a.locked_at, before.locked_at);
        ck_assert_int_eq(a.expired_at, before.expired_at);
        ck_assert_int_eq(dsg_acct_may_login(&a, T0), 0);
        ck_assert_int_eq(dsg_acct_is_expired(&a, T0 + 2 * DAY), 0);
    }
}
END_TEST

/* ---- guards ------------------------------------------------------------- */

/* @relation(REQ-ACCT-004) */
START_TEST(test_acct_expire_only_at_or_after_expiry)
{
    for (uint32_t s = 0; s < DSG_ACCT_STATE_COUNT; s++) {
        if (expected[DSG_ACCT_EV_EXPIRE][s] == NO)
            continue;
        dsg_acct a = account_in(s, T0);
        ck_assert_int_eq(apply(&a, DSG_ACCT_EV_EXPIRE, T0 - 1, 0, 0), DSG_ACCT_ERR_NOT_DUE);
        ck_assert_int_eq(apply(&a, DSG_ACCT_EV_EXPIRE, INT64_MIN, 0, 0), DSG_ACCT_ERR_NOT_DUE);
        ck_assert_int_eq(apply(&a, DSG_ACCT_EV_EXPIRE, T0, 0, 0), DSG_ACCT_OK);
        ck_assert_int_eq(a.state, DSG_ACCT_EXPIRED);
        ck_assert_int_eq(a.expired_at, T0);
    }
}
END_TEST

/* @relation(REQ-ACCT-004) */
START_TEST(test_acct_set_expiry_guards)
{
    dsg_acct a = account_in(A, T0 + DAY);
    /* never after the contract end */
    ck_assert_int_eq(apply(&a, DSG_ACCT_EV_SET_EXPIRY, T0, T0 + 2 * DAY + 1, T0 + 2 * DAY),
                     DSG_ACCT_ERR_EXPIRY);
    ck_assert_int_eq(apply(&a, DSG_ACCT_EV_SET_EXPIRY, T0, T0 + 2 * DAY, T0 + 2 * DAY),
                     DSG_ACCT_OK);
    ck_assert_int_eq(a.expiry, T0 + 2 * DAY);
    ck_assert_int_eq(a.contract_end, T0 + 2 * DAY);
    ck_assert_int_eq(a.state, DSG_ACCT_ACTIVE);
    ck_assert_int_eq(a.activated_at, T0 - 90);       /* still the first activation */
    /* shortening to the past is allowed: the login check refuses at once */
    ck_assert_int_eq(apply(&a, DSG_ACCT_EV_SET_EXPIRY, T0, T0, T0 + DAY), DSG_ACCT_OK);
    ck_assert_int_eq(dsg_acct_may_login(&a, T0), 0);
    ck_assert_int_eq(dsg_acct_is_expired(&a, T0), 1);

    /* a renewal of an EXPIRED account must end after now */
    dsg_acct e = account_in(E, T0 - DAY);
    ck_assert_int_eq(apply(&e, DSG_ACCT_EV_SET_EXPIRY, T0, T0, T0 + DAY), DSG_ACCT_ERR_EXPIRY);
    ck_assert_int_eq(apply(&e, DSG_ACCT_EV_SET_EXPIRY, T0, T0 - 1, T0 + DAY), DSG_ACCT_ERR_EXPIRY);
    ck_assert_int_eq(apply(&e, DSG_ACCT_EV_SET_EXPIRY, T0, T0 + 1, T0 + 1), DSG_ACCT_OK);
    ck_assert_int_eq(e.state, DSG_ACCT_ACTIVE);
    ck_assert_int_eq(e.activated_at, T0);
    ck_assert_int_eq(dsg_acct_may_login(&e, T0), 1);
    ck_assert_int_eq(dsg_acct_may_login(&e, T0 + 1), 0);
}
END_TEST

/* A renewal never lifts a suspension: suspended and pending accounts are
 * not swept, so SET_EXPIRY leaves them where they are.
 * @relation(REQ-ACCT-003) @relation(REQ-ACCT-004) */
START_TEST(test_acct_renewal_never_lifts_suspension)
{
    dsg_acct s = account_in(S, T0 - DAY);
    ck_assert_int_eq(dsg_acct_is_expired(&s, T0), 0);
    ck_assert_int_eq(apply(&s, DSG_ACCT_EV_EXPIRE, T0, 0, 0), DSG_ACCT_ERR_STATE);
    ck_assert_int_eq(apply(&s, DSG_ACCT_EV_SET_EXPIRY, T0, T0 + DAY, T0 + DAY), DSG_ACCT_OK);
    ck_assert_int_eq(s.state, DSG_ACCT_SUSPENDED);
    ck_assert_int_eq(s.suspended_at, T0 - 80);       /* not suspended again */
    ck_assert_int_eq(dsg_acct_may_login(&s, T0), 0);

    dsg_acct p = account_in(P, T0 - DAY);
    ck_assert_int_eq(dsg_acct_is_expired(&p, T0), 0);
    ck_assert_int_eq(apply(&p, DSG_ACCT_EV_SET_EXPIRY, T0, T0 + DAY, T0 + DAY), DSG_ACCT_OK);
    ck_assert_int_eq(p.state, DSG_ACCT_PENDING);

    /* an expired account suspended stays suspended through a renewal */
    dsg_acct e = account_in(E, T0 - DAY);
    ck_assert_int_eq(apply(&e, DSG_ACCT_EV_SUSPEND, T0, 0, 0), DSG_ACCT_OK);
    ck_assert_int_eq(apply(&e, DSG_ACCT_EV_SET_EXPIRY, T0, T0 + DAY, T0 + DAY), DSG_ACCT_OK);
    ck_assert_int_eq(e.state, DSG_ACCT_SUSPENDED);
}
END_TEST

/* ---- times recorded ----------------------------------------------------- */

/* @relation(REQ-ACCT-004) */
START_TEST(test_acct_records_transition_times)
{
    dsg_acct a;
    ck_assert_int_eq(dsg_acct_init(&a, T0, T0 + 100 * DAY, T0 + 365 * DAY), DSG_ACCT_OK);
    ck_assert_int_eq(apply(&a, DSG_ACCT_EV_APPROVE, T0 + 1, 0, 0), DSG_ACCT_OK);
    ck_assert_int_eq(a.activated_at, T0 + 1);
    ck_assert_int_eq(apply(&a, DSG_ACCT_EV_LOCK, T0 + 2, 0, 0), DSG_ACCT_OK);
    ck_assert_int_eq(a.locked_at, T0 + 2);
    ck_assert_int_eq(apply(&a, DSG_ACCT_EV_UNLOCK, T0 + 3, 0, 0), DSG_ACCT_OK);
    ck_assert_int_eq(a.activated_at, T0 + 3);
    ck_assert_int_eq(apply(&a, DSG_ACCT_EV_SUSPEND, T0 + 4, 0, 0), DSG_ACCT_OK);
    ck_assert_int_eq(a.suspended_at, T0 + 4);
    ck_assert_int_eq(apply(&a, DSG_ACCT_EV_RESUME, T0 + 5, 0, 0), DSG_ACCT_OK);
    ck_assert_int_eq(a.activated_at, T0 + 5);
    ck_assert_int_eq(apply(&a, DSG_ACCT_EV_EXPIRE, T0 + 100 * DAY, 0, 0), DSG_ACCT_OK);
    ck_assert_int_eq(a.expired_at, T0 + 100 * DAY);
    ck_assert_int_eq(apply(&a, DSG_ACCT_EV_DELETE, T0 + 101 * DAY, 0, 0), DSG_ACCT_OK);
    ck_assert_int_eq(a.deleted_at, T0 + 101 * DAY);
    /* every earlier time kept */
    ck_assert_int_eq(a.registered_at, T0);
    ck_assert_int_eq(a.locked_at, T0 + 2);
    ck_assert_int_eq(a.suspended_at, T0 + 4);
    ck_assert_int_eq(a.activated_at, T0 + 5);
    ck_assert_int_eq(a.expired_at, T0 + 100 * DAY);
}
END_TEST

/* ---- the login check ---------------------------------------------------- */

/* @relation(REQ-ACCT-003) @relation(REQ-ACCT-004) */
START_TEST(test_acct_may_login_at_expiry_edges)
{
    dsg_acct a = account_in(A, T0);
    ck_assert_int_eq(dsg_acct_may_login(&a, T0 - 1), 1);    /* the last second */
    ck_assert_int_eq(dsg_acct_may_login(&a, T0), 0);        /* at the expiry */
    ck_assert_int_eq(dsg_acct_may_login(&a, T0 + 1), 0);
    ck_assert_int_eq(dsg_acct_may_login(&a, INT64_MIN), 1);
    ck_assert_int_eq(dsg_acct_may_login(&a, INT64_MAX), 0);
    dsg_acct never = account_in(A, INT64_MIN);
    ck_assert_int_eq(dsg_acct_may_login(&never, INT64_MIN), 0);
    dsg_acct late = account_in(A, INT64_MAX - 30 * DAY);
    late.contract_end = INT64_MAX;
    ck_assert_int_eq(dsg_acct_may_login(&late, INT64_MAX - 30 * DAY - 1), 1);
    ck_assert_int_eq(dsg_acct_may_login(&late, INT64_MAX), 0);
}
END_TEST

/* Only ACTIVE logs in: every other state says 0, the same 0, well before
 * the expiry (REQ-MFA-012: no reason to tell apart).
 * @relation(REQ-ACCT-003) @relation(REQ-MFA-012) */
START_TEST(test_acct_only_active_may_login)
{
    for (uint32_t s = 0; s < DSG_ACCT_STATE_COUNT; s++) {
        dsg_acct a = account_in(s, T0 + DAY);
        ck_assert_int_eq(dsg_acct_may_login(&a, T0), s == DSG_ACCT_ACTIVE ? 1 : 0);
    }
}
END_TEST

/* ---- the sweep ---------------------------------------------------------- */

/* One pass of the sweep as the role runs it: every account that
 * dsg_acct_is_expired names moves to EXPIRED, and no other.
 * @relation(REQ-ACCT-004) */
START_TEST(test_acct_sweep_moves_expired_accounts)
{
    const int64_t now = T0;
    dsg_acct accts[] = {
        account_in(A, now - 1),  account_in(A, now),      account_in(A, now + 1),
        account_in(L, now),      account_in(L, now + 1),  account_in(S, now - DAY),
        account_in(P, now - DAY), account_in(E, now - DAY), account_in(D, now - DAY),
    };
    const int want_moved[] = { 1, 1, 0, 1, 0, 0, 0, 0, 0 };
    for (size_t i = 0; i < sizeof accts / sizeof accts[0]; i++) {
        uint32_t was = accts[i].state;
        int due = dsg_acct_is_expired(&accts[i], now);
        ck_assert_msg(due == want_moved[i], "account %zu", i);
        if (due)
            ck_assert_int_eq(apply(&accts[i], DSG_ACCT_EV_EXPIRE, now, 0, 0), DSG_ACCT_OK);
        ck_assert_int_eq(accts[i].state, due ? DSG_ACCT_EXPIRED : was);
        ck_assert_int_eq(dsg_acct_is_expired(&accts[i], now), 0);  /* a second pass: nothing */
    }
}
END_TEST

/* ---- names -------------------------------------------------------------- */

/* The inactivity sweep's decision, at its boundary and in every state.
 * @relation(REQ-ACCT-005) */
START_TEST(test_acct_inactive_at_the_boundary)
{
    for (uint32_t s = 0; s < DSG_ACCT_STATE_COUNT; s++) {
        dsg_acct a = account_in(s, T0 + 400 * DAY);
        int active = s == DSG_ACCT_ACTIVE;
        ck_assert_int_eq(dsg_acct_is_inactive(&a, T0, T0 + 35 * DAY, 35), active);
        ck_assert_int_eq(dsg_acct_is_inactive(&a, T0, T0 + 35 * DAY - 1, 35), 0);
    }
    dsg_acct a = account_in(DSG_ACCT_ACTIVE, T0 + 400 * DAY);
    ck_assert_int_eq(dsg_acct_is_inactive(&a, T0, T0 + 100 * DAY, 0), 0);      /* days out of range */
    ck_assert_int_eq(dsg_acct_is_inactive(&a, T0, T0 + 9999 * DAY, 3651), 0);
    ck_assert_int_eq(dsg_acct_is_inactive(&a, T0, T0 + 3650 * DAY, 3650), 1);
    ck_assert_int_eq(dsg_acct_is_inactive(&a, T0 + DAY, T0, 1), 0);            /* a login after now */
    ck_assert_int_eq(dsg_acct_is_inactive(&a, INT64_MIN, INT64_MIN + DAY, 1), 1);
    ck_assert_int_eq(dsg_acct_is_inactive(&a, INT64_MIN, INT64_MIN + DAY - 1, 1), 0);
    ck_assert_int_eq(dsg_acct_is_inactive(&a, INT64_MAX, INT64_MAX, 1), 0);
    a.expiry = a.contract_end + 1;                                              /* malformed */
    ck_assert_int_eq(dsg_acct_is_inactive(&a, T0, T0 + 100 * DAY, 35), 0);
}
END_TEST

/* @relation(REQ-ACCT-003) */
START_TEST(test_acct_names)
{
    for (uint32_t s = 0; s < DSG_ACCT_STATE_COUNT; s++)
        ck_assert_str_eq(dsg_acct_state_name(s), state_words[s]);
    for (uint32_t e = 0; e < DSG_ACCT_EVENT_COUNT; e++)
        ck_assert_str_eq(dsg_acct_event_name(e), event_words[e]);
    ck_assert_str_eq(dsg_acct_state_name(DSG_ACCT_STATE_COUNT), "unknown");
    ck_assert_str_eq(dsg_acct_state_name(UINT32_MAX), "unknown");
    ck_assert_str_eq(dsg_acct_event_name(DSG_ACCT_EVENT_COUNT), "unknown");
    ck_assert_str_eq(dsg_acct_result_name(DSG_ACCT_OK), "ok");
    ck_assert_str_eq(dsg_acct_result_name(DSG_ACCT_ERR_STATE), "refused-in-state");
    ck_assert_str_eq(dsg_acct_result_name(DSG_ACCT_ERR_EXPIRY), "bad-expiry");
    ck_assert_str_eq(dsg_acct_result_name(DSG_ACCT_ERR_EXPIRY + 1), "unknown");
}
END_TEST

/* ---- random sequences --------------------------------------------------- */

/* Random events at random times from a fresh account: after every step the
 * account is well formed, may_login implies ACTIVE and now < expiry, a
 * refusal changed nothing (apply() checks), an acceptance followed the
 * table, and DELETED is never left.
 * @relation(REQ-ACCT-003) @relation(REQ-ACCT-007) */
START_TEST(test_acct_random_sequences_keep_invariants)
{
    srand(20240412u);
    for (int run = 0; run < 500; run++) {
        dsg_acct a;
        ck_assert_int_eq(dsg_acct_init(&a, T0, T0 + 10 * DAY, T0 + 20 * DAY), DSG_ACCT_OK);
        int64_t now = T0;
        for (int step = 0; step < 40; step++) {
            now += (int64_t)(rand() % (int)(2 * DAY));
            uint32_t e = (uint32_t)(rand() % (DSG_ACCT_EVENT_COUNT + 1));
            int64_t x = now + (int64_t)(rand() % (int)(20 * DAY)) - 5 * DAY;
            int64_t c = x + (int64_t)(rand() % (int)(4 * DAY)) - DAY;
            uint32_t was = a.state;
            dsg_acct_result r = apply(&a, e, now, x, c);
            ck_assert_int_eq(dsg_acct_is_valid(&a), 1);
            if (r == DSG_ACCT_OK)
                ck_assert_int_eq(a.state, expected[e][was]);
            if (was == DSG_ACCT_DELETED)
                ck_assert_int_ne(r, DSG_ACCT_OK);
            if (dsg_acct_may_login(&a, now)) {
                ck_assert_int_eq(a.state, DSG_ACCT_ACTIVE);
                ck_assert(now < a.expiry);
            }
        }
    }
}
END_TEST

Suite *suite_acct_state(void)
{
    Suite *s = suite_create("acct_state");

    TCase *bad = tcase_create("bad-input");
    tcase_add_test(bad, test_acct_malformed_account_refused);
    tcase_add_test(bad, test_acct_unknown_event_refused);
    tcase_add_test(bad, test_acct_init_refuses_expiry_after_contract);
    suite_add_tcase(s, bad);

    TCase *table = tcase_create("table");
    tcase_add_test(table, test_acct_target_of_matches_expected_table);
    tcase_add_test(table, test_acct_every_transition_from_every_state);
    tcase_add_test(table, test_acct_deleted_has_no_way_out);
    tcase_add_test(table, test_acct_delete_keeps_history);
    suite_add_tcase(s, table);

    TCase *guards = tcase_create("guards");
    tcase_add_test(guards, test_acct_expire_only_at_or_after_expiry);
    tcase_add_test(guards, test_acct_set_expiry_guards);
    tcase_add_test(guards, test_acct_renewal_never_lifts_suspension);
    tcase_add_test(guards, test_acct_records_transition_times);
    suite_add_tcase(s, guards);

    TCase *login = tcase_create("login-and-sweep");
    tcase_add_test(login, test_acct_may_login_at_expiry_edges);
    tcase_add_test(login, test_acct_only_active_may_login);
    tcase_add_test(login, test_acct_sweep_moves_expired_accounts);
    tcase_add_test(login, test_acct_names);
    tcase_add_test(login, test_acct_inactive_at_the_boundary);
    suite_add_tcase(s, login);

    TCase *props = tcase_create("properties");
    tcase_add_test(props, test_acct_random_sequences_keep_invariants);
    suite_add_tcase(s, props);
    return s;
}
