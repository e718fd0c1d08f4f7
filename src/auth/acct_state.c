/*
 * Account state machine (REQ-ACCT-003, REQ-ACCT-004, REQ-ACCT-007). See
 * acct_state.h for the table and the contract, acsl/PROOFS.md for what is
 * proved.
 *
 * The table is code (target_of's switch), not a const array: the proof runs
 * with -wp-no-init-const and could say nothing about an array's content,
 * whereas a switch is proved equal to dsg_acct_target line by line.
 */
#include "auth/acct_state.h"

#define BIT(c) ((int)(c))

int dsg_acct_is_valid(const dsg_acct *a)
{
    return BIT(a->state < DSG_ACCT_STATE_COUNT) & BIT(a->expiry <= a->contract_end);
}

dsg_acct_result dsg_acct_init(dsg_acct *a, int64_t now, int64_t expiry,
                              int64_t contract_end)
{
    if (expiry > contract_end)
        return DSG_ACCT_ERR_EXPIRY;
    a->state = DSG_ACCT_PENDING;
    a->expiry = expiry;
    a->contract_end = contract_end;
    a->registered_at = now;
    a->activated_at = DSG_ACCT_NEVER;
    a->suspended_at = DSG_ACCT_NEVER;
    a->locked_at = DSG_ACCT_NEVER;
    a->expired_at = DSG_ACCT_NEVER;
    a->deleted_at = DSG_ACCT_NEVER;
    a->changed_at = now;
    return DSG_ACCT_OK;
}

/* One row of the table each: the target of e from that state, or -1. */
/*@ assigns \nothing;
    ensures \result == dsg_acct_target(DSG_ACCT_PENDING, e); */
static int from_pending(uint32_t e)
{
    switch (e) {
    case DSG_ACCT_EV_APPROVE:    return DSG_ACCT_ACTIVE;
    case DSG_ACCT_EV_SET_EXPIRY: return DSG_ACCT_PENDING;
    case DSG_ACCT_EV_DELETE:     return DSG_ACCT_DELETED;
    default:                     return -1;
    }
}

/*@ assigns \nothing;
    ensures \result == dsg_acct_target(DSG_ACCT_ACTIVE, e); */
static int from_active(uint32_t e)
{
    switch (e) {
    case DSG_ACCT_EV_SUSPEND:    return DSG_ACCT_SUSPENDED;
    case DSG_ACCT_EV_LOCK:       return DSG_ACCT_LOCKED;
    case DSG_ACCT_EV_EXPIRE:     return DSG_ACCT_EXPIRED;
    case DSG_ACCT_EV_SET_EXPIRY: return DSG_ACCT_ACTIVE;
    case DSG_ACCT_EV_DELETE:     return DSG_ACCT_DELETED;
    default:                     return -1;
    }
}

/*@ assigns \nothing;
    ensures \result == dsg_acct_target(DSG_ACCT_SUSPENDED, e); */
static int from_suspended(uint32_t e)
{
    switch (e) {
    case DSG_ACCT_EV_RESUME:     return DSG_ACCT_ACTIVE;
    case DSG_ACCT_EV_SET_EXPIRY: return DSG_ACCT_SUSPENDED;
    case DSG_ACCT_EV_DELETE:     return DSG_ACCT_DELETED;
    default:                     return -1;
    }
}

/*@ assigns \nothing;
    ensures \result == dsg_acct_target(DSG_ACCT_LOCKED, e); */
static int from_locked(uint32_t e)
{
    switch (e) {
    case DSG_ACCT_EV_UNLOCK:     return DSG_ACCT_ACTIVE;
    case DSG_ACCT_EV_SUSPEND:    return DSG_ACCT_SUSPENDED;
    case DSG_ACCT_EV_EXPIRE:     return DSG_ACCT_EXPIRED;
    case DSG_ACCT_EV_SET_EXPIRY: return DSG_ACCT_LOCKED;
    case DSG_ACCT_EV_DELETE:     return DSG_ACCT_DELETED;
    default:                     return -1;
    }
}

/*@ assigns \nothing;
    ensures \result == dsg_acct_target(DSG_ACCT_EXPIRED, e); */
static int from_expired(uint32_t e)
{
    switch (e) {
    case DSG_ACCT_EV_SUSPEND:    return DSG_ACCT_SUSPENDED;
    case DSG_ACCT_EV_SET_EXPIRY: return DSG_ACCT_ACTIVE;
    case DSG_ACCT_EV_DELETE:     return DSG_ACCT_DELETED;
    default:                     return -1;
    }
}

int dsg_acct_target_of(uint32_t s, uint32_t e)
{
    switch (s) {
    case DSG_ACCT_PENDING:   return from_pending(e);
    case DSG_ACCT_ACTIVE:    return from_active(e);
    case DSG_ACCT_SUSPENDED: return from_suspended(e);
    case DSG_ACCT_LOCKED:    return from_locked(e);
    case DSG_ACCT_EXPIRED:   return from_expired(e);
    default:                 return -1;   /* DELETED, and unknown states */
    }
}

/* The verdict of dsg_acct_apply, in its order; reads only. */
/*@ requires \valid_read(a);
    assigns \nothing;
    ensures dsg_acct_verdict(a, e, now, x, c, \result);
*/
static dsg_acct_result decide(const dsg_acct *a, uint32_t e, int64_t now,
                              int64_t x, int64_t c)
{
    if (!dsg_acct_is_valid(a))
        return DSG_ACCT_ERR_INVALID;
    if (e >= DSG_ACCT_EVENT_COUNT)
        return DSG_ACCT_ERR_EVENT;
    if (dsg_acct_target_of(a->state, e) < 0)
        return DSG_ACCT_ERR_STATE;
    if (BIT(e == DSG_ACCT_EV_EXPIRE) & BIT(now < a->expiry))
        return DSG_ACCT_ERR_NOT_DUE;
    if (BIT(e == DSG_ACCT_EV_SET_EXPIRY) &
        (BIT(x > c) | (BIT(a->state == DSG_ACCT_EXPIRED) & BIT(now >= x))))
        return DSG_ACCT_ERR_EXPIRY;
    return DSG_ACCT_OK;
}

/* Moves an account the verdict accepted: the target state and the time. */
/*@ requires \valid(a) && dsg_acct_ok(a);
    requires dsg_acct_verdict(a, e, now, x, c, DSG_ACCT_OK);
    assigns *a;
    ensures dsg_acct_stepped{Pre,Post}(a, e, now, x, c);
    ensures dsg_acct_ok(a);
*/
static void move(dsg_acct *a, uint32_t e, int64_t now, int64_t x, int64_t c)
{
    uint32_t from = a->state;
    int to = dsg_acct_target_of(from, e);
    /*@ assert dsg_acct_state_known(to); */
    if (e == DSG_ACCT_EV_SET_EXPIRY) {
        a->expiry = x;
        a->contract_end = c;
    }
    if (BIT(to == DSG_ACCT_ACTIVE) & BIT(from != DSG_ACCT_ACTIVE))
        a->activated_at = now;
    if (BIT(to == DSG_ACCT_SUSPENDED) & BIT(from != DSG_ACCT_SUSPENDED))
        a->suspended_at = now;
    if (BIT(to == DSG_ACCT_LOCKED) & BIT(from != DSG_ACCT_LOCKED))
        a->locked_at = now;
    if (to == DSG_ACCT_EXPIRED)
        a->expired_at = now;
    if (to == DSG_ACCT_DELETED)
        a->deleted_at = now;
    a->state = (uint32_t)to;
    a->changed_at = now;
}

dsg_acct_result dsg_acct_apply(dsg_acct *a, uint32_t e, int64_t now,
                               int64_t x, int64_t c)
{
    dsg_acct_result r = decide(a, e, now, x, c);
    if (r != DSG_ACCT_OK)
        return r;
    move(a, e, now, x, c);
    return DSG_ACCT_OK;
}

int dsg_acct_may_login(const dsg_acct *a, int64_t now)
{
    return dsg_acct_is_valid(a) & BIT(a->state == DSG_ACCT_ACTIVE) & BIT(now < a->expiry);
}

int dsg_acct_is_expired(const dsg_acct *a, int64_t now)
{
    return dsg_acct_is_valid(a) &
           (BIT(a->state == DSG_ACCT_ACTIVE) | BIT(a->state == DSG_ACCT_LOCKED)) &
           BIT(now >= a->expiry);
}

int dsg_acct_is_inactive(const dsg_acct *a, int64_t since, int64_t now, uint32_t days)
{
    if (BIT(days < 1u) | BIT(days > DSG_ACCT_INACTIVE_DAYS_MAX) |
        BIT(dsg_acct_is_valid(a) == 0) | BIT(a->state != DSG_ACCT_ACTIVE))
        return 0;
    int64_t span = (int64_t)days * 86400;
    if (now < INT64_MIN + span)
        return 0;           /* now - span is before any time: no since is that early */
    return BIT(since <= now - span);
}

/* ---- names -------------------------------------------------------------- */

/* Index = value; the last row answers any value outside the enum. */
static const char state_names[DSG_ACCT_STATE_COUNT + 1][10] = {
    "pending", "active", "suspended", "locked", "expired", "deleted", "unknown",
};
static const char event_names[DSG_ACCT_EVENT_COUNT + 1][11] = {
    "approve", "suspend", "resume", "lock", "unlock", "expire", "set-expiry",
    "delete", "unknown",
};
static const char result_names[DSG_ACCT_ERR_EXPIRY + 2][17] = {
    "ok", "invalid-account", "unknown-event", "refused-in-state", "not-expired",
    "bad-expiry", "unknown",
};

/* i when i < n, else n (the "unknown" row). */
/*@ assigns \nothing;
    ensures \result <= n;
    ensures i < n ==> \result == i;
*/
static uint32_t row(uint32_t i, uint32_t n)
{
    return i < n ? i : n;
}

const char *dsg_acct_state_name(uint32_t s)
{
    return state_names[row(s, DSG_ACCT_STATE_COUNT)];
}

const char *dsg_acct_event_name(uint32_t e)
{
    return event_names[row(e, DSG_ACCT_EVENT_COUNT)];
}

const char *dsg_acct_result_name(uint32_t r)
{
    return result_names[row(r, (uint32_t)DSG_ACCT_ERR_EXPIRY + 1u)];
}
