/* The backup retention decision: see bkup_retain.h. */
#include "core/bkup_retain.h"

/*@ requires \valid(del + (0 .. n - 1));
    assigns del[0 .. n - 1];
    ensures dsg_bkr_none(del, n);
*/
static void keep_all(uint8_t *del, size_t n)
{
    /*@ loop invariant 0 <= i <= n;
        loop invariant \forall integer k; 0 <= k < i ==> del[k] == 0;
        loop assigns i, del[0 .. n - 1];
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++)
        del[i] = 0;
}

/*@ requires \valid_read(b + (0 .. n - 1)) && \valid_read(d + (0 .. nd - 1)) && \valid_read(p);
    assigns \nothing;
    ensures \result != 0 <==> dsg_bkr_args_ok(b, n, d, nd, p);
*/
static int args_ok(const dsg_bkr_item *b, size_t n, const dsg_bkr_dep *d, size_t nd,
                   const dsg_bkr_policy *p)
{
    if (n > DSG_BKR_MAX || nd > DSG_BKR_DEPS_MAX || p->days > DSG_BKR_DAYS_MAX || p->now < 0 ||
        p->now > DSG_BKR_TIME_MAX || p->newest < -1 || p->newest > DSG_BKR_TIME_MAX)
        return 0;
    /*@ loop invariant 0 <= i <= n;
        loop invariant \forall integer k; 0 <= k < i ==> 0 <= b[k].time <= DSG_BKR_TIME_MAX;
        loop assigns i;
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++)
        if (b[i].time < 0 || b[i].time > DSG_BKR_TIME_MAX)
            return 0;
    /*@ loop invariant 0 <= e <= nd;
        loop invariant \forall integer k; 0 <= k < e ==> d[k].from < n && d[k].to < n;
        loop assigns e;
        loop variant nd - e;
    */
    for (size_t e = 0; e < nd; e++)
        if (d[e].from >= n || d[e].to >= n)
            return 0;
    return 1;
}

/*@ requires \valid_read(b + (0 .. n - 1)) && \valid_read(p);
    assigns \nothing;
    ensures \result != 0 <==> dsg_bkr_behind(b, n, p);
*/
static int behind(const dsg_bkr_item *b, size_t n, const dsg_bkr_policy *p)
{
    if (p->now < p->newest)
        return 1;
    /*@ loop invariant 0 <= i <= n;
        loop invariant \forall integer k; 0 <= k < i ==> b[k].time <= p->now;
        loop assigns i;
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++)
        if (b[i].time > p->now)
            return 1;
    return 0;
}

uint32_t dsg_bkr_newer_verified(const dsg_bkr_item *b, size_t n, size_t i)
{
    uint32_t c = 0;
    /*@ loop invariant 0 <= j <= n;
        loop invariant c == dsg_bkr_nv(b, i, j) && 0 <= c <= j;
        loop assigns j, c;
        loop variant n - j;
    */
    for (size_t j = 0; j < n; j++)
        if (b[j].state == DSG_BKR_VERIFIED &&
            (b[j].time > b[i].time || (b[j].time == b[i].time && j > i)))
            c++;
    return c;
}

/* Age and count alone. */
/*@ requires n <= DSG_BKR_MAX && i < n && \valid_read(b + (0 .. n - 1)) && \valid_read(p);
    requires p->days <= DSG_BKR_DAYS_MAX && 0 <= p->now <= DSG_BKR_TIME_MAX;
    requires 0 <= b[i].time <= DSG_BKR_TIME_MAX;
    assigns \nothing;
    ensures \result != 0 <==> dsg_bkr_may_delete(b, n, i, p);
*/
static int candidate(const dsg_bkr_item *b, size_t n, size_t i, const dsg_bkr_policy *p)
{
    if (b[i].state != DSG_BKR_VERIFIED && b[i].state != DSG_BKR_FAILED)
        return 0;
    if (p->now - b[i].time <= (int64_t)p->days * 86400)
        return 0;
    return b[i].state != DSG_BKR_VERIFIED || dsg_bkr_newer_verified(b, n, i) >= p->min_count;
}

/* One pass: a backup a kept one depends on is kept. 1 when something
 * changed. Only ever clears. */
/*@ requires n <= DSG_BKR_MAX && nd <= DSG_BKR_DEPS_MAX;
    requires \valid_read(d + (0 .. nd - 1)) && \valid(del + (0 .. n - 1));
    requires \separated(del + (0 .. n - 1), d + (0 .. nd - 1));
    requires \forall integer e; 0 <= e < nd ==> d[e].from < n && d[e].to < n;
    assigns del[0 .. n - 1];
    ensures \forall integer i; 0 <= i < n ==> del[i] == \old(del[i]) || del[i] == 0;
*/
static int propagate(const dsg_bkr_dep *d, size_t nd, uint8_t *del, size_t n)
{
    int changed = 0;
    (void)n;   /* the contract's */
    /*@ loop invariant 0 <= e <= nd;
        loop invariant \forall integer i; 0 <= i < n ==> del[i] == \at(del[i], Pre) || del[i] == 0;
        loop assigns e, changed, del[0 .. n - 1];
        loop variant nd - e;
    */
    for (size_t e = 0; e < nd; e++)
        if (del[d[e].from] == 0 && del[d[e].to] != 0) {
            del[d[e].to] = 0;
            changed = 1;
        }
    return changed;
}

/*@ requires n <= DSG_BKR_MAX && nd <= DSG_BKR_DEPS_MAX;
    requires \valid_read(d + (0 .. nd - 1)) && \valid_read(del + (0 .. n - 1));
    requires \forall integer e; 0 <= e < nd ==> d[e].from < n && d[e].to < n;
    assigns \nothing;
    ensures \result != 0 <==> dsg_bkr_closed(d, nd, del);
*/
static int closed(const dsg_bkr_dep *d, size_t nd, const uint8_t *del, size_t n)
{
    (void)n;   /* the contract's */
    /*@ loop invariant 0 <= e <= nd;
        loop invariant \forall integer k; 0 <= k < e ==> del[d[k].from] == 0 ==> del[d[k].to] == 0;
        loop assigns e;
        loop variant nd - e;
    */
    for (size_t e = 0; e < nd; e++)
        if (del[d[e].from] == 0 && del[d[e].to] != 0)
            return 0;
    return 1;
}

dsg_bkr_status dsg_bkr_decide(const dsg_bkr_item *b, size_t n, const dsg_bkr_dep *d, size_t nd,
                              const dsg_bkr_policy *p, uint8_t *del)
{
    keep_all(del, n);
    if (!args_ok(b, n, d, nd, p))
        return DSG_BKR_ERR_ARGS;
    if (p->synced == 0)
        return DSG_BKR_UNSYNCED;
    if (behind(b, n, p))
        return DSG_BKR_BEHIND;
    /*@ loop invariant 0 <= i <= n;
        loop invariant \forall integer k; 0 <= k < i ==> (del[k] == 0 || del[k] == 1);
        loop invariant \forall integer k; 0 <= k < i && del[k] == 1 ==> dsg_bkr_may_delete(b, n, k, p);
        loop invariant \forall integer k; i <= k < n ==> del[k] == 0;
        loop assigns i, del[0 .. n - 1];
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++)
        del[i] = candidate(b, n, i, p) ? 1 : 0;
    /* each pass that changes something keeps one more backup: n + 1
     * passes reach the fixed point; closed() checks it all the same */
    /*@ loop invariant 0 <= pass <= n + 1;
        loop invariant \forall integer k; 0 <= k < n ==> (del[k] == 0 || del[k] == 1);
        loop invariant \forall integer k; 0 <= k < n && del[k] == 1 ==> dsg_bkr_may_delete(b, n, k, p);
        loop assigns pass, del[0 .. n - 1];
        loop variant n + 1 - pass;
    */
    for (size_t pass = 0; pass <= n; pass++)
        if (!propagate(d, nd, del, n))
            break;
    if (!closed(d, nd, del, n))
        keep_all(del, n);
    return DSG_BKR_OK;
}

const char *dsg_bkr_status_token(dsg_bkr_status s)
{
    switch (s) {
    case DSG_BKR_OK:
        return "ok";
    case DSG_BKR_UNSYNCED:
        return "clock-unsynchronised";
    case DSG_BKR_BEHIND:
        return "clock-behind-newest-backup";
    case DSG_BKR_ERR_ARGS:
        return "bad-arguments";
    default:
        return "unknown";
    }
}
