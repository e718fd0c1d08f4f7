/*
 * Lockout core (REQ-MFA-011). See lockout.h for the rules and the
 * contract, acsl/PROOFS.md for what is proved.
 *
 * Time arithmetic never overflows: the window test never subtracts two
 * arbitrary times (within), and the end of a lock saturates (lock_end).
 */
#include "auth/lockout.h"

#define BIT(c) ((int)(c))

int dsg_lock_is_valid(const dsg_lock *st)
{
    return BIT(st->generation < UINT64_MAX);
}

/*@ requires \valid(st);
    assigns st->factor[0 .. DSG_LOCK_FACTOR_COUNT - 1];
    ensures dsg_lock_all_clear(st);
*/
static void clear_all(dsg_lock *st)
{
    /*@ loop invariant 0 <= i <= DSG_LOCK_FACTOR_COUNT;
        loop invariant \forall integer k; 0 <= k < i ==> dsg_lock_counter_clear(st, k);
        loop assigns i, st->factor[0 .. DSG_LOCK_FACTOR_COUNT - 1];
        loop variant DSG_LOCK_FACTOR_COUNT - i;
    */
    for (int i = 0; i < DSG_LOCK_FACTOR_COUNT; i++) {
        st->factor[i].failures = 0;
        st->factor[i].first_failure = DSG_LOCK_NEVER;
    }
}

void dsg_lock_init(dsg_lock *st)
{
    st->locked_until = DSG_LOCK_NEVER;
    st->generation = 0;
    clear_all(st);   /* last: its assigns clause keeps the two fields above */
}

dsg_lock_status dsg_lock_policy_check(const dsg_lock_policy *p)
{
    if (BIT(p->threshold < 1u) | BIT(p->threshold > DSG_LOCK_THRESHOLD_MAX))
        return DSG_LOCK_ERR_THRESHOLD;
    if (BIT(p->window < 1) | BIT(p->window > DSG_LOCK_WINDOW_MAX))
        return DSG_LOCK_ERR_WINDOW;
    if (BIT(p->duration < 1) | BIT(p->duration > DSG_LOCK_DURATION_MAX))
        return DSG_LOCK_ERR_DURATION;
    return DSG_LOCK_OK;
}

/*@ requires \valid_read(st);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_lock_locked_at(st, now);
*/
static int locked_at(const dsg_lock *st, int64_t now)
{
    return BIT(now < st->locked_until) | BIT(st->locked_until == INT64_MAX);
}

dsg_lock_verdict dsg_lock_check(const dsg_lock *st, int64_t now)
{
    if (BIT(dsg_lock_is_valid(st) == 0) | locked_at(st, now))
        return DSG_LOCK_LOCKED;
    return DSG_LOCK_OPEN;
}

int dsg_lock_login_current(const dsg_lock *st, int64_t now, uint64_t gen)
{
    return BIT(dsg_lock_check(st, now) == DSG_LOCK_OPEN) & BIT(gen == st->generation);
}

/* first <= now && now - first < window, without computing now - first
 * (which overflows for times far apart). */
/*@ requires dsg_lock_window_ok(window);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_lock_within(first, now, window);
*/
static int within(int64_t first, int64_t now, int64_t window)
{
    if (first > now)
        return 0;           /* the clock went back: a new run */
    if (now < INT64_MIN + window)
        return 1;           /* now - first <= now - INT64_MIN < window */
    return BIT(first > now - window);
}

/* now + d, or INT64_MAX when that is later than any time there is. */
/*@ requires dsg_lock_duration_ok(d);
    assigns \nothing;
    ensures \result == dsg_lock_until(now, d);
*/
static int64_t lock_end(int64_t now, int64_t d)
{
    if (now > INT64_MAX - d)
        return INT64_MAX;
    return now + d;
}

/* The decisions of dsg_lock_record, in its order; reads only. */
/*@ requires \valid_read(st) && \valid_read(p);
    assigns \nothing;
    ensures dsg_lock_decides(st, p, f, o, now, gen, \result);
*/
static dsg_lock_status decide(const dsg_lock *st, const dsg_lock_policy *p,
                              uint32_t f, uint32_t o, int64_t now, uint64_t gen)
{
    if (!dsg_lock_is_valid(st))
        return DSG_LOCK_ERR_STATE;
    dsg_lock_status pol = dsg_lock_policy_check(p);
    if (pol != DSG_LOCK_OK)
        return pol;
    if (f >= DSG_LOCK_FACTOR_COUNT)
        return DSG_LOCK_ERR_FACTOR;
    if (BIT(o != DSG_LOCK_SUCCESS) & BIT(o != DSG_LOCK_FAILURE))
        return DSG_LOCK_ERR_OUTCOME;
    if (locked_at(st, now))
        return DSG_LOCK_DENIED;
    if (gen != st->generation)
        return DSG_LOCK_STALE;
    if (o == DSG_LOCK_SUCCESS)
        return DSG_LOCK_OK;
    const dsg_lock_counter *c = &st->factor[f];
    uint32_t next = 1;
    if (BIT(c->failures > 0u) & within(c->first_failure, now, p->window))
        next = c->failures < UINT32_MAX ? c->failures + 1u : UINT32_MAX;
    if (next >= p->threshold)
        return DSG_LOCK_NOW_LOCKED;
    return DSG_LOCK_OK;
}

/* A failure of factor f that does not lock: the next count and run start. */
/*@ requires \valid(st) && dsg_lock_factor_known(f) && dsg_lock_window_ok(window);
    assigns st->factor[f];
    ensures st->factor[f].failures == \old(dsg_lock_next_count(st, f, now, window));
    ensures st->factor[f].first_failure == \old(dsg_lock_next_first(st, f, now, window));
*/
static void count_failure(dsg_lock *st, uint32_t f, int64_t now, int64_t window)
{
    dsg_lock_counter *c = &st->factor[f];
    if (BIT(c->failures > 0u) & within(c->first_failure, now, window)) {
        if (c->failures < UINT32_MAX)
            c->failures++;
        return;
    }
    c->failures = 1;
    c->first_failure = now;
}

/*@ requires \valid(st) && dsg_lock_ok(st) && dsg_lock_duration_ok(d);
    assigns *st;
    ensures st->locked_until == dsg_lock_until(now, d);
    ensures st->generation == \old(st->generation) + 1;
    ensures dsg_lock_all_clear(st);
*/
static void lock(dsg_lock *st, int64_t now, int64_t d)
{
    st->locked_until = lock_end(now, d);
    st->generation++;
    clear_all(st);
}

dsg_lock_status dsg_lock_record(dsg_lock *st, const dsg_lock_policy *p,
                                uint32_t f, uint32_t o, int64_t now, uint64_t gen)
{
    dsg_lock_status r = decide(st, p, f, o, now, gen);
    if (BIT(r != DSG_LOCK_OK) & BIT(r != DSG_LOCK_NOW_LOCKED))
        return r;
    if (r == DSG_LOCK_NOW_LOCKED) {
        lock(st, now, p->duration);
        return r;
    }
    if (o == DSG_LOCK_SUCCESS) {
        st->factor[f].failures = 0;
        st->factor[f].first_failure = DSG_LOCK_NEVER;
        return r;
    }
    count_failure(st, f, now, p->window);
    return r;
}

dsg_lock_status dsg_lock_admin_unlock(dsg_lock *st)
{
    if (!dsg_lock_is_valid(st))
        return DSG_LOCK_ERR_STATE;
    st->locked_until = DSG_LOCK_NEVER;
    clear_all(st);
    return DSG_LOCK_OK;
}

int dsg_lock_refuses(uint32_t s, uint32_t o)
{
    return 1 - (BIT(s == DSG_LOCK_OK) & BIT(o == DSG_LOCK_SUCCESS));
}

/* Index = status; the last row answers any value outside the enum. */
static const char status_names[DSG_LOCK_ERR_OUTCOME + 2][14] = {
    "ok", "now-locked", "locked", "stale-login", "bad-state", "bad-threshold",
    "bad-window", "bad-duration", "bad-factor", "bad-outcome", "unknown",
};

const char *dsg_lock_status_name(uint32_t s)
{
    uint32_t last = (uint32_t)DSG_LOCK_ERR_OUTCOME + 1u;
    return status_names[s < last ? s : last];
}
