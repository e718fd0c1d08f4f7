/*
 * Sessions (REQ-ACCT-014, REQ-ACCT-015, REQ-MFA-015). See session.h for
 * the rules and the contract, acsl/PROOFS.md for what is proved.
 *
 * Time arithmetic never overflows: a deadline start + span is compared
 * without computing a sum past INT64_MAX (before).
 */
#include "auth/session.h"

#define BIT(c) ((int)(c))

dsg_session_status dsg_session_policy_check(const dsg_session_policy *p)
{
    if (BIT(p->idle_timeout < 1) | BIT(p->idle_timeout > DSG_SESSION_IDLE_MAX))
        return DSG_SESSION_ERR_POLICY;
    if (BIT(p->max_lifetime < 1) | BIT(p->max_lifetime > DSG_SESSION_LIFETIME_MAX))
        return DSG_SESSION_ERR_POLICY;
    return DSG_SESSION_OK;
}

/*@ assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_session_factor_known(f);
*/
static int factor_known(uint32_t f)
{
    return BIT(f == DSG_LOGIN_WEBAUTHN) | BIT(f == DSG_LOGIN_TOTP);
}

int dsg_session_is_valid(const dsg_session *s)
{
    return BIT(s->ended <= (uint32_t)DSG_SESSION_TIMEOUT) & factor_known(s->factor) &
           BIT(s->created <= s->last_seen);
}

dsg_session_status dsg_session_init(dsg_session *s, uint64_t account, int64_t now,
                                    uint32_t factor)
{
    if (!factor_known(factor))
        return DSG_SESSION_ERR_ARGS;
    s->account = account;
    s->created = now;
    s->last_seen = now;
    s->auth_at = now;
    s->factor = factor;
    s->ended = DSG_SESSION_LIVE;
    return DSG_SESSION_OK;
}

/* now < start + span, for 1 <= span <= limit, without a sum past
 * INT64_MAX: when start + span is later than any time there is, every now
 * is before it. */
/*@ requires 1 <= span <= DSG_SESSION_LIFETIME_MAX;
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> now < start + span;
*/
static int before(int64_t start, int64_t span, int64_t now)
{
    if (start > INT64_MAX - span)
        return 1;
    return BIT(now < start + span);
}

dsg_session_status dsg_session_check(const dsg_session *s, int64_t now,
                                     const dsg_session_policy *p)
{
    if (!dsg_session_is_valid(s))
        return DSG_SESSION_ERR_STATE;
    if (dsg_session_policy_check(p) != DSG_SESSION_OK)
        return DSG_SESSION_ERR_POLICY;
    if (s->ended != DSG_SESSION_LIVE)
        return DSG_SESSION_ENDED;
    if (!before(s->created, p->max_lifetime, now))
        return DSG_SESSION_LIFETIME;
    if (!before(s->last_seen, p->idle_timeout, now))
        return DSG_SESSION_IDLE;
    return DSG_SESSION_OK;
}

dsg_session_status dsg_session_touch(dsg_session *s, int64_t now, const dsg_session_policy *p)
{
    dsg_session_status st = dsg_session_check(s, now, p);
    if (st != DSG_SESSION_OK)
        return st;
    if (now > s->last_seen)
        s->last_seen = now;   /* never back, so created <= last_seen holds */
    return DSG_SESSION_OK;
}

dsg_session_status dsg_session_end(dsg_session *s, uint32_t reason)
{
    if (!dsg_session_is_valid(s))
        return DSG_SESSION_ERR_STATE;
    if (BIT(reason < (uint32_t)DSG_SESSION_LOGOUT) | BIT(reason > (uint32_t)DSG_SESSION_TIMEOUT))
        return DSG_SESSION_ERR_ARGS;
    if (s->ended != DSG_SESSION_LIVE)
        return DSG_SESSION_ENDED;
    s->ended = reason;
    return DSG_SESSION_OK;
}

dsg_session_status dsg_session_fresh(const dsg_session *s, int64_t now, int64_t max_age)
{
    if (!dsg_session_is_valid(s))
        return DSG_SESSION_ERR_STATE;
    if (BIT(max_age < 1) | BIT(max_age > DSG_SESSION_REAUTH_MAX))
        return DSG_SESSION_ERR_POLICY;
    if (s->ended != DSG_SESSION_LIVE)
        return DSG_SESSION_ENDED;
    if (BIT(now < s->auth_at) | BIT(before(s->auth_at, max_age, now) == 0))
        return DSG_SESSION_STALE;
    return DSG_SESSION_OK;
}

dsg_session_status dsg_session_reauth(dsg_session *s, int64_t now, uint32_t factor,
                                      const dsg_session_policy *p)
{
    if (!factor_known(factor))
        return DSG_SESSION_ERR_ARGS;
    dsg_session_status st = dsg_session_touch(s, now, p);
    if (st != DSG_SESSION_OK)
        return st;
    s->auth_at = now;
    s->factor = factor;
    return DSG_SESSION_OK;
}

/*@ requires \valid_read(s) && \valid_read(p) && dsg_session_policy_ok(p);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_session_live(s, now, p);
*/
static int live(const dsg_session *s, int64_t now, const dsg_session_policy *p)
{
    return BIT(s->ended == DSG_SESSION_LIVE) & before(s->created, p->max_lifetime, now) &
           before(s->last_seen, p->idle_timeout, now);
}

/*@ requires \valid_read(s + (0 .. n - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_session_all_ok(s, n);
*/
static int all_ok(const dsg_session *s, uint32_t n)
{
    /*@ loop invariant 0 <= i <= n;
        loop invariant dsg_session_all_ok(s, i);
        loop assigns i;
        loop variant n - i;
    */
    for (uint32_t i = 0; i < n; i++) {
        if (!dsg_session_is_valid(&s[i]))
            return 0;
    }
    return 1;
}

/* The number of live sessions in s[0 .. n-1]. Reads only: the ensures of
 * dsg_session_admit speak of the memory before its one write. */
/*@ requires \valid_read(s + (0 .. n - 1)) && \valid_read(p);
    requires dsg_session_policy_ok(p);
    assigns \nothing;
    ensures \result == dsg_session_live_count(s, n, now, p);
*/
static uint32_t count_live(const dsg_session *s, uint32_t n, int64_t now,
                           const dsg_session_policy *p)
{
    uint32_t count = 0;
    /*@ loop invariant 0 <= i <= n;
        loop invariant count == dsg_session_live_count(s, i, now, p);
        loop invariant count <= i;
        loop assigns i, count;
        loop variant n - i;
    */
    for (uint32_t i = 0; i < n; i++)
        count += (uint32_t)live(&s[i], now, p);
    return count;
}

/* The index of the oldest live session of s[0 .. n-1] (smallest created,
 * ties to the smallest index), or n when none is live. */
/*@ requires \valid_read(s + (0 .. n - 1)) && \valid_read(p);
    requires dsg_session_policy_ok(p);
    assigns \nothing;
    ensures 0 <= \result <= n;
    ensures \result == n ==> dsg_session_live_count(s, n, now, p) == 0;
    ensures \result < n ==> dsg_session_oldest(s, n, now, p, \result);
*/
static uint32_t oldest_live(const dsg_session *s, uint32_t n, int64_t now,
                            const dsg_session_policy *p)
{
    uint32_t k = n;
    /*@ loop invariant 0 <= i <= n;
        loop invariant k == n || (k < i && dsg_session_live(s + k, now, p));
        loop invariant k == n ==> dsg_session_live_count(s, i, now, p) == 0;
        loop invariant k == n ==>
                         \forall integer j; 0 <= j < i ==> !dsg_session_live(s + j, now, p);
        loop invariant k < n ==>
                         \forall integer j; 0 <= j < i && dsg_session_live(s + j, now, p) ==>
                           s[k].created <= s[j].created;
        loop invariant k < n ==>
                         \forall integer j; 0 <= j < k && dsg_session_live(s + j, now, p) ==>
                           s[j].created > s[k].created;
        loop assigns i, k;
        loop variant n - i;
    */
    for (uint32_t i = 0; i < n; i++) {
        if (!live(&s[i], now, p))
            continue;
        if (k == n)
            k = i;
        else if (s[i].created < s[k].created)
            k = i;
    }
    return k;
}

dsg_session_status dsg_session_admit(const dsg_session *s, uint32_t n, uint32_t max,
                                     int64_t now, const dsg_session_policy *p,
                                     uint32_t *evict)
{
    if (dsg_session_policy_check(p) != DSG_SESSION_OK)
        return DSG_SESSION_ERR_POLICY;
    if (BIT(max < 1u) | BIT(max > DSG_SESSION_MAX_PER_USER_MAX))
        return DSG_SESSION_ERR_POLICY;
    if (!all_ok(s, n))
        return DSG_SESSION_ERR_STATE;
    uint32_t count = count_live(s, n, now, p);
    if (count < max)
        return DSG_SESSION_OK;
    uint32_t k = oldest_live(s, n, now, p);
    /* count >= max >= 1: some session is live, so k names one */
    /*@ assert k < n; */
    /* Ending s[k] leaves one live session fewer (a proof step only). */
    /*@ ghost
      /@ loop invariant 0 <= j <= n;
         loop invariant dsg_session_live_count_except(s, j, now, p, k) ==
                          dsg_session_live_count(s, j, now, p) - (k < j ? 1 : 0);
         loop assigns j;
         loop variant n - j;
      @/
      for (uint32_t j = 0; j < n; j++) ;
    */
    *evict = k;
    return DSG_SESSION_EVICT;
}

const char *dsg_session_status_name(uint32_t v)
{
    switch (v) {
    case DSG_SESSION_OK: return "ok";
    case DSG_SESSION_ENDED: return "ended";
    case DSG_SESSION_LIFETIME: return "lifetime";
    case DSG_SESSION_IDLE: return "idle";
    case DSG_SESSION_STALE: return "stale";
    case DSG_SESSION_EVICT: return "evict";
    case DSG_SESSION_ERR_STATE: return "bad-session";
    case DSG_SESSION_ERR_POLICY: return "bad-policy";
    case DSG_SESSION_ERR_ARGS: return "bad-args";
    default: return "unknown";
    }
}
