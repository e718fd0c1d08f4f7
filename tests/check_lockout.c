/*
 * Unit tests of the lockout core (src/auth/lockout.h): REQ-MFA-011,
 * REQ-MFA-012.
 *
 * Bad input first: policies out of range, unknown factors and outcomes, a
 * malformed state. Then the boundaries: threshold - 1 failures open,
 * threshold locked; a failure exactly window seconds after the first
 * starts a new run; the lock over at exactly locked_until; counters per
 * factor; the generation that invalidates half-finished logins; the
 * administrator's unlock; saturation. Last, random sequences against a
 * model of the rules written here.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/lockout.h"

Suite *suite_lockout(void);

#define T0 1700000000LL
#define PW DSG_LOCK_FACTOR_PASSWORD
#define TOTP DSG_LOCK_FACTOR_TOTP
#define WA DSG_LOCK_FACTOR_WEBAUTHN
#define FAIL DSG_LOCK_FAILURE
#define OKAY DSG_LOCK_SUCCESS

/* auth.lockout_* defaults of REQ-MFA-011: 3 failures, 15 min, 15 min. */
static const dsg_lock_policy policy = { 3, 900, 900 };

static dsg_lock fresh(void)
{
    dsg_lock st;
    memset(&st, 0, sizeof st);   /* padding too, so memcmp compares fields */
    dsg_lock_init(&st);
    return st;
}

/* Records and checks the contract's frame: anything but OK and NOW_LOCKED
 * leaves the state byte for byte as it was. */
static dsg_lock_status rec(dsg_lock *st, const dsg_lock_policy *p, uint32_t f,
                           uint32_t o, int64_t now)
{
    dsg_lock before = *st;
    dsg_lock_status r = dsg_lock_record(st, p, f, o, now, st->generation);
    if (r != DSG_LOCK_OK && r != DSG_LOCK_NOW_LOCKED)
        ck_assert_mem_eq(&before, st, sizeof before);
    return r;
}

static void expect_clear(const dsg_lock *st)
{
    for (int f = 0; f < DSG_LOCK_FACTOR_COUNT; f++) {
        ck_assert_uint_eq(st->factor[f].failures, 0);
        ck_assert_int_eq(st->factor[f].first_failure, DSG_LOCK_NEVER);
    }
}

/* ---- bad input ---------------------------------------------------------- */

/* @relation(REQ-MFA-011) */
START_TEST(test_lock_policy_out_of_range_refused)
{
    const struct { dsg_lock_policy p; dsg_lock_status want; } cases[] = {
        { { 0, 900, 900 }, DSG_LOCK_ERR_THRESHOLD },
        { { DSG_LOCK_THRESHOLD_MAX + 1, 900, 900 }, DSG_LOCK_ERR_THRESHOLD },
        { { UINT32_MAX, 900, 900 }, DSG_LOCK_ERR_THRESHOLD },
        { { 3, 0, 900 }, DSG_LOCK_ERR_WINDOW },
        { { 3, -1, 900 }, DSG_LOCK_ERR_WINDOW },
        { { 3, INT64_MIN, 900 }, DSG_LOCK_ERR_WINDOW },
        { { 3, DSG_LOCK_WINDOW_MAX + 1, 900 }, DSG_LOCK_ERR_WINDOW },
        { { 3, 900, 0 }, DSG_LOCK_ERR_DURATION },
        { { 3, 900, -900 }, DSG_LOCK_ERR_DURATION },
        { { 3, 900, DSG_LOCK_DURATION_MAX + 1 }, DSG_LOCK_ERR_DURATION },
        { { 3, 900, INT64_MAX }, DSG_LOCK_ERR_DURATION },
        { { 0, 0, 0 }, DSG_LOCK_ERR_THRESHOLD },      /* the first field out of range */
        { { 3, 0, 0 }, DSG_LOCK_ERR_WINDOW },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_int_eq(dsg_lock_policy_check(&cases[i].p), cases[i].want);
        dsg_lock st = fresh();
        ck_assert_int_eq(rec(&st, &cases[i].p, PW, FAIL, T0), cases[i].want);
        ck_assert_int_eq(rec(&st, &cases[i].p, PW, OKAY, T0), cases[i].want);
    }
    const dsg_lock_policy edges[] = {
        { 1, 1, 1 },
        { DSG_LOCK_THRESHOLD_MAX, DSG_LOCK_WINDOW_MAX, DSG_LOCK_DURATION_MAX },
    };
    for (size_t i = 0; i < 2; i++)
        ck_assert_int_eq(dsg_lock_policy_check(&edges[i]), DSG_LOCK_OK);
}
END_TEST

/* @relation(REQ-MFA-011) */
START_TEST(test_lock_unknown_factor_or_outcome_refused)
{
    dsg_lock st = fresh();
    ck_assert_int_eq(rec(&st, &policy, DSG_LOCK_FACTOR_COUNT, FAIL, T0), DSG_LOCK_ERR_FACTOR);
    ck_assert_int_eq(rec(&st, &policy, UINT32_MAX, FAIL, T0), DSG_LOCK_ERR_FACTOR);
    ck_assert_int_eq(rec(&st, &policy, PW, 2, T0), DSG_LOCK_ERR_OUTCOME);
    ck_assert_int_eq(rec(&st, &policy, PW, UINT32_MAX, T0), DSG_LOCK_ERR_OUTCOME);
}
END_TEST

/* A state whose generation can no longer grow is refused everywhere and
 * counts as locked (fail closed). @relation(REQ-MFA-011) */
START_TEST(test_lock_malformed_state_fails_closed)
{
    dsg_lock st = fresh();
    st.generation = UINT64_MAX;
    ck_assert_int_eq(dsg_lock_is_valid(&st), 0);
    ck_assert_int_eq(dsg_lock_check(&st, T0), DSG_LOCK_LOCKED);
    ck_assert_int_eq(dsg_lock_login_current(&st, T0, UINT64_MAX), 0);
    ck_assert_int_eq(rec(&st, &policy, PW, OKAY, T0), DSG_LOCK_ERR_STATE);
    dsg_lock before = st;
    ck_assert_int_eq(dsg_lock_admin_unlock(&st), DSG_LOCK_ERR_STATE);
    ck_assert_mem_eq(&before, &st, sizeof st);
    st.generation = UINT64_MAX - 1;
    ck_assert_int_eq(dsg_lock_is_valid(&st), 1);
}
END_TEST

/* ---- the threshold and the window --------------------------------------- */

/* @relation(REQ-MFA-011) */
START_TEST(test_lock_threshold_boundary)
{
    dsg_lock st = fresh();
    uint64_t gen = st.generation;
    ck_assert_int_eq(rec(&st, &policy, PW, FAIL, T0), DSG_LOCK_OK);
    ck_assert_int_eq(rec(&st, &policy, PW, FAIL, T0 + 10), DSG_LOCK_OK);
    ck_assert_uint_eq(st.factor[PW].failures, 2);           /* threshold - 1: open */
    ck_assert_int_eq(st.factor[PW].first_failure, T0);
    ck_assert_int_eq(dsg_lock_check(&st, T0 + 20), DSG_LOCK_OPEN);
    ck_assert_uint_eq(st.generation, gen);
    ck_assert_int_eq(rec(&st, &policy, PW, FAIL, T0 + 20), DSG_LOCK_NOW_LOCKED);
    ck_assert_int_eq(st.locked_until, T0 + 20 + 900);
    ck_assert_uint_eq(st.generation, gen + 1);
    expect_clear(&st);
    ck_assert_int_eq(dsg_lock_check(&st, T0 + 20), DSG_LOCK_LOCKED);

    dsg_lock one = fresh();                                 /* threshold 1 */
    const dsg_lock_policy p1 = { 1, 900, 900 };
    ck_assert_int_eq(rec(&one, &p1, TOTP, FAIL, T0), DSG_LOCK_NOW_LOCKED);
}
END_TEST

/* A failure window - 1 seconds after the first one continues the run; one
 * exactly window seconds after starts a new run of 1.
 * @relation(REQ-MFA-011) */
START_TEST(test_lock_window_edge)
{
    dsg_lock st = fresh();
    ck_assert_int_eq(rec(&st, &policy, PW, FAIL, T0), DSG_LOCK_OK);
    ck_assert_int_eq(rec(&st, &policy, PW, FAIL, T0 + 899), DSG_LOCK_OK);
    ck_assert_uint_eq(st.factor[PW].failures, 2);
    ck_assert_int_eq(rec(&st, &policy, PW, FAIL, T0 + 900), DSG_LOCK_OK);   /* not locked */
    ck_assert_uint_eq(st.factor[PW].failures, 1);
    ck_assert_int_eq(st.factor[PW].first_failure, T0 + 900);
    ck_assert_int_eq(dsg_lock_check(&st, T0 + 900), DSG_LOCK_OPEN);

    dsg_lock in = fresh();
    ck_assert_int_eq(rec(&in, &policy, PW, FAIL, T0), DSG_LOCK_OK);
    ck_assert_int_eq(rec(&in, &policy, PW, FAIL, T0 + 500), DSG_LOCK_OK);
    ck_assert_int_eq(rec(&in, &policy, PW, FAIL, T0 + 899), DSG_LOCK_NOW_LOCKED);

    dsg_lock out = fresh();
    ck_assert_int_eq(rec(&out, &policy, PW, FAIL, T0), DSG_LOCK_OK);
    ck_assert_int_eq(rec(&out, &policy, PW, FAIL, T0 + 500), DSG_LOCK_OK);
    ck_assert_int_eq(rec(&out, &policy, PW, FAIL, T0 + 900), DSG_LOCK_OK);
    ck_assert_uint_eq(out.factor[PW].failures, 1);
}
END_TEST

/* A clock that went back starts a new run. @relation(REQ-MFA-011) */
START_TEST(test_lock_clock_back_restarts_run)
{
    dsg_lock st = fresh();
    ck_assert_int_eq(rec(&st, &policy, PW, FAIL, T0), DSG_LOCK_OK);
    ck_assert_int_eq(rec(&st, &policy, PW, FAIL, T0 + 1), DSG_LOCK_OK);
    ck_assert_int_eq(rec(&st, &policy, PW, FAIL, T0 - 1), DSG_LOCK_OK);
    ck_assert_uint_eq(st.factor[PW].failures, 1);
    ck_assert_int_eq(st.factor[PW].first_failure, T0 - 1);
    /* times far apart: no overflow in the window test */
    ck_assert_int_eq(rec(&st, &policy, PW, FAIL, INT64_MAX - 1000), DSG_LOCK_OK);
    ck_assert_uint_eq(st.factor[PW].failures, 1);
    dsg_lock low = fresh();
    ck_assert_int_eq(rec(&low, &policy, PW, FAIL, INT64_MIN), DSG_LOCK_OK);
    ck_assert_int_eq(rec(&low, &policy, PW, FAIL, INT64_MIN + 899), DSG_LOCK_OK);
    ck_assert_uint_eq(low.factor[PW].failures, 2);
}
END_TEST

/* ---- factors ------------------------------------------------------------ */

/* @relation(REQ-MFA-011) */
START_TEST(test_lock_success_resets_only_its_factor)
{
    dsg_lock st = fresh();
    ck_assert_int_eq(rec(&st, &policy, PW, FAIL, T0), DSG_LOCK_OK);
    ck_assert_int_eq(rec(&st, &policy, PW, FAIL, T0 + 1), DSG_LOCK_OK);
    ck_assert_int_eq(rec(&st, &policy, TOTP, FAIL, T0 + 2), DSG_LOCK_OK);
    ck_assert_int_eq(rec(&st, &policy, TOTP, OKAY, T0 + 3), DSG_LOCK_OK);
    ck_assert_uint_eq(st.factor[TOTP].failures, 0);
    ck_assert_int_eq(st.factor[TOTP].first_failure, DSG_LOCK_NEVER);
    ck_assert_uint_eq(st.factor[PW].failures, 2);            /* kept */
    ck_assert_int_eq(st.factor[PW].first_failure, T0);
    /* the password run goes on: its third failure locks */
    ck_assert_int_eq(rec(&st, &policy, PW, FAIL, T0 + 4), DSG_LOCK_NOW_LOCKED);

    dsg_lock s2 = fresh();
    ck_assert_int_eq(rec(&s2, &policy, PW, FAIL, T0), DSG_LOCK_OK);
    ck_assert_int_eq(rec(&s2, &policy, PW, FAIL, T0 + 1), DSG_LOCK_OK);
    ck_assert_int_eq(rec(&s2, &policy, PW, OKAY, T0 + 2), DSG_LOCK_OK);
    ck_assert_int_eq(rec(&s2, &policy, PW, FAIL, T0 + 3), DSG_LOCK_OK);   /* a new run */
    ck_assert_uint_eq(s2.factor[PW].failures, 1);
}
END_TEST

/* threshold - 1 failures on every factor: no lock; the counts stay apart.
 * @relation(REQ-MFA-011) */
START_TEST(test_lock_factors_count_independently)
{
    dsg_lock st = fresh();
    for (uint32_t f = 0; f < DSG_LOCK_FACTOR_COUNT; f++)
        for (int i = 0; i < 2; i++)
            ck_assert_int_eq(rec(&st, &policy, f, FAIL, T0 + (int64_t)(f * 10 + (uint32_t)i)),
                             DSG_LOCK_OK);
    for (uint32_t f = 0; f < DSG_LOCK_FACTOR_COUNT; f++) {
        ck_assert_uint_eq(st.factor[f].failures, 2);
        ck_assert_int_eq(st.factor[f].first_failure, T0 + (int64_t)(f * 10));
    }
    ck_assert_int_eq(dsg_lock_check(&st, T0 + 30), DSG_LOCK_OPEN);
    ck_assert_int_eq(rec(&st, &policy, WA, FAIL, T0 + 30), DSG_LOCK_NOW_LOCKED);
    expect_clear(&st);                          /* the lock clears every factor */
}
END_TEST

/* ---- the lock ----------------------------------------------------------- */

static dsg_lock locked_at_t0(void)
{
    dsg_lock st = fresh();
    ck_assert_int_eq(rec(&st, &policy, PW, FAIL, T0), DSG_LOCK_OK);
    ck_assert_int_eq(rec(&st, &policy, PW, FAIL, T0), DSG_LOCK_OK);
    ck_assert_int_eq(rec(&st, &policy, PW, FAIL, T0), DSG_LOCK_NOW_LOCKED);
    ck_assert_int_eq(st.locked_until, T0 + 900);
    return st;
}

/* @relation(REQ-MFA-011) */
START_TEST(test_lock_unlocks_at_exactly_locked_until)
{
    dsg_lock st = locked_at_t0();
    ck_assert_int_eq(dsg_lock_check(&st, T0), DSG_LOCK_LOCKED);
    ck_assert_int_eq(dsg_lock_check(&st, T0 + 899), DSG_LOCK_LOCKED);
    ck_assert_int_eq(dsg_lock_check(&st, T0 + 900), DSG_LOCK_OPEN);
    ck_assert_int_eq(dsg_lock_check(&st, INT64_MAX), DSG_LOCK_OPEN);
    /* during the lock nothing is recorded, a success no more than a failure */
    ck_assert_int_eq(rec(&st, &policy, PW, OKAY, T0 + 899), DSG_LOCK_DENIED);
    ck_assert_int_eq(rec(&st, &policy, TOTP, FAIL, T0 + 899), DSG_LOCK_DENIED);
    ck_assert_int_eq(rec(&st, &policy, PW, OKAY, T0 + 900), DSG_LOCK_OK);
}
END_TEST

/* A login begun before a lock cannot go on after it, not even once the
 * lock is over; a login begun after it can. @relation(REQ-MFA-011) */
START_TEST(test_lock_generation_invalidates_half_finished_login)
{
    dsg_lock st = fresh();
    uint64_t old = st.generation;           /* stored by the half-finished login */
    ck_assert_int_eq(dsg_lock_login_current(&st, T0, old), 1);
    ck_assert_int_eq(dsg_lock_record(&st, &policy, PW, FAIL, T0, old), DSG_LOCK_OK);
    ck_assert_int_eq(dsg_lock_record(&st, &policy, PW, FAIL, T0, old), DSG_LOCK_OK);
    ck_assert_int_eq(dsg_lock_record(&st, &policy, PW, FAIL, T0, old), DSG_LOCK_NOW_LOCKED);
    ck_assert_uint_eq(st.generation, old + 1);
    ck_assert_int_eq(dsg_lock_login_current(&st, T0 + 900, old), 0);
    dsg_lock before = st;
    ck_assert_int_eq(dsg_lock_record(&st, &policy, TOTP, OKAY, T0 + 900, old), DSG_LOCK_STALE);
    ck_assert_int_eq(dsg_lock_record(&st, &policy, TOTP, FAIL, T0 + 900, old), DSG_LOCK_STALE);
    ck_assert_mem_eq(&before, &st, sizeof st);
    ck_assert_int_eq(dsg_lock_login_current(&st, T0 + 899, st.generation), 0);   /* locked */
    ck_assert_int_eq(dsg_lock_login_current(&st, T0 + 900, st.generation), 1);
    ck_assert_int_eq(dsg_lock_record(&st, &policy, TOTP, OKAY, T0 + 900, st.generation),
                     DSG_LOCK_OK);
    /* an administrator's unlock keeps the generation: old logins stay dead */
    dsg_lock again = locked_at_t0();
    ck_assert_int_eq(dsg_lock_admin_unlock(&again), DSG_LOCK_OK);
    ck_assert_int_eq(dsg_lock_login_current(&again, T0, again.generation - 1), 0);
}
END_TEST

/* @relation(REQ-MFA-011) */
START_TEST(test_lock_admin_unlock)
{
    dsg_lock st = locked_at_t0();
    uint64_t gen = st.generation;
    ck_assert_int_eq(dsg_lock_admin_unlock(&st), DSG_LOCK_OK);
    ck_assert_int_eq(dsg_lock_check(&st, T0 + 1), DSG_LOCK_OPEN);
    ck_assert_int_eq(st.locked_until, DSG_LOCK_NEVER);
    ck_assert_uint_eq(st.generation, gen);
    expect_clear(&st);
    /* counters cleared by an unlock of an open account too */
    dsg_lock open = fresh();
    ck_assert_int_eq(rec(&open, &policy, PW, FAIL, T0), DSG_LOCK_OK);
    ck_assert_int_eq(dsg_lock_admin_unlock(&open), DSG_LOCK_OK);
    expect_clear(&open);
    /* a full run is needed to lock again */
    ck_assert_int_eq(rec(&st, &policy, PW, FAIL, T0 + 2), DSG_LOCK_OK);
    ck_assert_int_eq(rec(&st, &policy, PW, FAIL, T0 + 3), DSG_LOCK_OK);
    ck_assert_int_eq(rec(&st, &policy, PW, FAIL, T0 + 4), DSG_LOCK_NOW_LOCKED);
}
END_TEST

/* ---- saturation --------------------------------------------------------- */

/* @relation(REQ-MFA-011) */
START_TEST(test_lock_counter_saturates)
{
    /* a count at its maximum (a threshold lowered under an old count) never
     * wraps to 0: the next failure locks */
    dsg_lock st = fresh();
    st.factor[PW].failures = UINT32_MAX;
    st.factor[PW].first_failure = T0 - 1;
    ck_assert_int_eq(rec(&st, &policy, PW, FAIL, T0), DSG_LOCK_NOW_LOCKED);
    /* an end of lock past INT64_MAX saturates, and then lasts until unlocked */
    dsg_lock late = fresh();
    const dsg_lock_policy p1 = { 1, 900, 900 };
    ck_assert_int_eq(rec(&late, &p1, PW, FAIL, INT64_MAX - 10), DSG_LOCK_NOW_LOCKED);
    ck_assert_int_eq(late.locked_until, INT64_MAX);
    ck_assert_int_eq(dsg_lock_check(&late, INT64_MAX), DSG_LOCK_LOCKED);
    ck_assert_int_eq(dsg_lock_admin_unlock(&late), DSG_LOCK_OK);
    ck_assert_int_eq(dsg_lock_check(&late, INT64_MAX), DSG_LOCK_OPEN);
    dsg_lock edge = fresh();
    ck_assert_int_eq(rec(&edge, &p1, PW, FAIL, INT64_MAX - 900), DSG_LOCK_NOW_LOCKED);
    ck_assert_int_eq(edge.locked_until, INT64_MAX);
    dsg_lock below = fresh();
    ck_assert_int_eq(rec(&below, &p1, PW, FAIL, INT64_MAX - 901), DSG_LOCK_NOW_LOCKED);
    ck_assert_int_eq(below.locked_until, INT64_MAX - 1);
    ck_assert_int_eq(dsg_lock_check(&below, INT64_MAX), DSG_LOCK_OPEN);
}
END_TEST

/* ---- one answer for every failure --------------------------------------- */

/* Only a recorded success lets the step through: a wrong credential, a
 * lock, a stale login and every error map to the same "refuse".
 * @relation(REQ-MFA-012) */
START_TEST(test_lock_refuses_maps_failures_to_one_answer)
{
    for (uint32_t s = 0; s <= DSG_LOCK_ERR_OUTCOME + 1; s++)
        for (uint32_t o = 0; o <= 2; o++)
            ck_assert_int_eq(dsg_lock_refuses(s, o),
                             (s == DSG_LOCK_OK && o == DSG_LOCK_SUCCESS) ? 0 : 1);
    dsg_lock st = locked_at_t0();
    dsg_lock_status r = rec(&st, &policy, PW, OKAY, T0 + 1);   /* right password, locked */
    ck_assert_int_eq(dsg_lock_refuses(r, OKAY), 1);
    dsg_lock open = fresh();
    r = rec(&open, &policy, PW, FAIL, T0);                      /* wrong password */
    ck_assert_int_eq(dsg_lock_refuses(r, FAIL), 1);
}
END_TEST

/* @relation(REQ-MFA-011) */
START_TEST(test_lock_status_names)
{
    static const char *const words[] = {
        "ok", "now-locked", "locked", "stale-login", "bad-state", "bad-threshold",
        "bad-window", "bad-duration", "bad-factor", "bad-outcome",
    };
    for (uint32_t s = 0; s <= DSG_LOCK_ERR_OUTCOME; s++)
        ck_assert_str_eq(dsg_lock_status_name(s), words[s]);
    ck_assert_str_eq(dsg_lock_status_name(DSG_LOCK_ERR_OUTCOME + 1), "unknown");
    ck_assert_str_eq(dsg_lock_status_name(UINT32_MAX), "unknown");
}
END_TEST

/* ---- random sequences against a model ----------------------------------- */

struct model {
    uint32_t n[DSG_LOCK_FACTOR_COUNT];
    int64_t first[DSG_LOCK_FACTOR_COUNT];
    int64_t until;
    uint64_t gen;
};

/* The rules of REQ-MFA-011 restated plainly; returns the expected status. */
static dsg_lock_status model_record(struct model *m, const dsg_lock_policy *p,
                                    uint32_t f, uint32_t o, int64_t now)
{
    if (now < m->until)
        return DSG_LOCK_DENIED;
    if (o == OKAY) {
        m->n[f] = 0;
        m->first[f] = DSG_LOCK_NEVER;
        return DSG_LOCK_OK;
    }
    if (m->n[f] > 0 && m->first[f] <= now && now - m->first[f] < p->window) {
        m->n[f]++;
    } else {
        m->n[f] = 1;
        m->first[f] = now;
    }
    if (m->n[f] < p->threshold)
        return DSG_LOCK_OK;
    for (int i = 0; i < DSG_LOCK_FACTOR_COUNT; i++) {
        m->n[i] = 0;
        m->first[i] = DSG_LOCK_NEVER;
    }
    m->until = now + p->duration;
    m->gen++;
    return DSG_LOCK_NOW_LOCKED;
}

/* @relation(REQ-MFA-011) */
START_TEST(test_lock_random_sequences_match_model)
{
    srand(7041u);
    for (int run = 0; run < 300; run++) {
        dsg_lock_policy p = { 1u + (uint32_t)(rand() % 6), 1 + rand() % 120, 1 + rand() % 120 };
        dsg_lock st = fresh();
        struct model m = { { 0, 0, 0 }, { DSG_LOCK_NEVER, DSG_LOCK_NEVER, DSG_LOCK_NEVER },
                           DSG_LOCK_NEVER, 0 };
        int64_t now = T0;
        for (int step = 0; step < 60; step++) {
            now += rand() % 40;
            uint32_t f = (uint32_t)(rand() % DSG_LOCK_FACTOR_COUNT);
            uint32_t o = (rand() % 4 == 0) ? OKAY : FAIL;
            dsg_lock_status want = model_record(&m, &p, f, o, now);
            ck_assert_int_eq(rec(&st, &p, f, o, now), want);
            for (int i = 0; i < DSG_LOCK_FACTOR_COUNT; i++) {
                ck_assert_uint_eq(st.factor[i].failures, m.n[i]);
                ck_assert_int_eq(st.factor[i].first_failure, m.first[i]);
            }
            ck_assert_int_eq(st.locked_until, m.until);
            ck_assert_uint_eq(st.generation, m.gen);
            ck_assert_int_eq(dsg_lock_check(&st, now),
                             now < m.until ? DSG_LOCK_LOCKED : DSG_LOCK_OPEN);
        }
    }
}
END_TEST

Suite *suite_lockout(void)
{
    Suite *s = suite_create("lockout");

    TCase *bad = tcase_create("bad-input");
    tcase_add_test(bad, test_lock_policy_out_of_range_refused);
    tcase_add_test(bad, test_lock_unknown_factor_or_outcome_refused);
    tcase_add_test(bad, test_lock_malformed_state_fails_closed);
    suite_add_tcase(s, bad);

    TCase *runs = tcase_create("threshold-and-window");
    tcase_add_test(runs, test_lock_threshold_boundary);
    tcase_add_test(runs, test_lock_window_edge);
    tcase_add_test(runs, test_lock_clock_back_restarts_run);
    tcase_add_test(runs, test_lock_success_resets_only_its_factor);
    tcase_add_test(runs, test_lock_factors_count_independently);
    suite_add_tcase(s, runs);

    TCase *lock = tcase_create("lock");
    tcase_add_test(lock, test_lock_unlocks_at_exactly_locked_until);
    tcase_add_test(lock, test_lock_generation_invalidates_half_finished_login);
    tcase_add_test(lock, test_lock_admin_unlock);
    tcase_add_test(lock, test_lock_counter_saturates);
    tcase_add_test(lock, test_lock_refuses_maps_failures_to_one_answer);
    tcase_add_test(lock, test_lock_status_names);
    suite_add_tcase(s, lock);

    TCase *props = tcase_create("properties");
    tcase_add_test(props, test_lock_random_sequences_match_model);
    suite_add_tcase(s, props);
    return s;
}
