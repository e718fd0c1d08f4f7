/*
 * Per-source throttling of failed logins (REQ-MFA-013). See rate_limit.h
 * for the rules and the contract, acsl/PROOFS.md for what is proved.
 */
#include "auth/rate_limit.h"

#define BIT(c) ((int)(c))

void dsg_rate_init(dsg_rate *r)
{
    /*@ loop invariant 0 <= i <= DSG_RATE_SLOTS;
        loop invariant \forall integer k; 0 <= k < i ==> r->slot[k].failures == 0;
        loop assigns i, r->slot[0 .. DSG_RATE_SLOTS - 1];
        loop variant DSG_RATE_SLOTS - i;
    */
    for (size_t i = 0; i < DSG_RATE_SLOTS; i++) {
        r->slot[i].failures = 0;
        r->slot[i].start = 0;
        /*@ loop invariant 0 <= j <= DSG_RATE_KEY;
            loop invariant \forall integer k; 0 <= k < i ==> r->slot[k].failures == 0;
            loop invariant r->slot[i].failures == 0;
            loop assigns j, r->slot[i].key[0 .. DSG_RATE_KEY - 1];
            loop variant DSG_RATE_KEY - j;
        */
        for (size_t j = 0; j < DSG_RATE_KEY; j++)
            r->slot[i].key[j] = 0;
    }
}

/* start <= now && now - start < DSG_RATE_WINDOW, without computing
 * now - start (which overflows for times far apart). */
/*@ assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_rate_within(start, now);
*/
static int within(int64_t start, int64_t now)
{
    if (start > now)
        return 0;           /* the clock went back: a new minute */
    if (now < INT64_MIN + DSG_RATE_WINDOW)
        return 1;           /* now - start <= now - INT64_MIN < the window */
    return BIT(start > now - DSG_RATE_WINDOW);
}

/*@ requires \valid_read(r) && 0 <= i < DSG_RATE_SLOTS;
    requires \valid_read(key + (0 .. DSG_RATE_KEY - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_rate_key_is(r, i, key);
*/
static int key_is(const dsg_rate *r, size_t i, const uint8_t *key)
{
    int same = 1;
    /*@ loop invariant 0 <= j <= DSG_RATE_KEY;
        loop invariant same == 0 || same == 1;
        loop invariant same == 1 <==>
                         (\forall integer k; 0 <= k < j ==> r->slot[i].key[k] == key[k]);
        loop assigns j, same;
        loop variant DSG_RATE_KEY - j;
    */
    for (size_t j = 0; j < DSG_RATE_KEY; j++)
        same &= BIT(r->slot[i].key[j] == key[j]);
    return same;
}

/*@ requires \valid_read(r) && 0 <= i < DSG_RATE_SLOTS;
    requires \valid_read(key + (0 .. DSG_RATE_KEY - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_rate_counts(r, i, key, now);
*/
static int counts(const dsg_rate *r, size_t i, const uint8_t *key, int64_t now)
{
    return BIT(r->slot[i].failures > 0) & key_is(r, i, key) & within(r->slot[i].start, now);
}

/* The slot counting key at now, or DSG_RATE_SLOTS when none does. */
/*@ requires \valid_read(r) && \valid_read(key + (0 .. DSG_RATE_KEY - 1));
    assigns \nothing;
    ensures 0 <= \result <= DSG_RATE_SLOTS;
    ensures \result < DSG_RATE_SLOTS ==> dsg_rate_counts(r, \result, key, now);
    ensures \result == DSG_RATE_SLOTS ==>
              \forall integer i; 0 <= i < DSG_RATE_SLOTS ==> !dsg_rate_counts(r, i, key, now);
*/
static size_t find(const dsg_rate *r, const uint8_t *key, int64_t now)
{
    /*@ loop invariant 0 <= i <= DSG_RATE_SLOTS;
        loop invariant \forall integer k; 0 <= k < i ==> !dsg_rate_counts(r, k, key, now);
        loop assigns i;
        loop variant DSG_RATE_SLOTS - i;
    */
    for (size_t i = 0; i < DSG_RATE_SLOTS; i++)
        if (counts(r, i, key, now))
            return i;
    return DSG_RATE_SLOTS;
}

int dsg_rate_limited(const dsg_rate *r, const uint8_t *key, int64_t now, uint32_t limit)
{
    int hit = 0;
    if (BIT(limit < 1u) | BIT(limit > DSG_RATE_LIMIT_MAX))
        return 0;
    /*@ loop invariant 0 <= i <= DSG_RATE_SLOTS;
        loop invariant hit == 0 || hit == 1;
        loop invariant hit == 1 <==> (\exists integer k; 0 <= k < i &&
                          dsg_rate_counts(r, k, key, now) && r->slot[k].failures >= limit);
        loop assigns i, hit;
        loop variant DSG_RATE_SLOTS - i;
    */
    for (size_t i = 0; i < DSG_RATE_SLOTS; i++)
        hit |= counts(r, i, key, now) & BIT(r->slot[i].failures >= limit);
    return hit;
}

/* A slot for a new count: the first free or past its minute, else the one
 * whose minute began first. */
/*@ requires \valid_read(r);
    assigns \nothing;
    ensures 0 <= \result < DSG_RATE_SLOTS;
*/
static size_t victim(const dsg_rate *r, int64_t now)
{
    size_t oldest = 0;
    /*@ loop invariant 0 <= i <= DSG_RATE_SLOTS;
        loop invariant 0 <= oldest < DSG_RATE_SLOTS;
        loop assigns i, oldest;
        loop variant DSG_RATE_SLOTS - i;
    */
    for (size_t i = 0; i < DSG_RATE_SLOTS; i++) {
        if (BIT(r->slot[i].failures == 0) | BIT(within(r->slot[i].start, now) == 0))
            return i;
        if (r->slot[i].start < r->slot[oldest].start)
            oldest = i;
    }
    return oldest;
}

/* Slot i starts a count of key at now. */
/*@ requires \valid(r) && 0 <= i < DSG_RATE_SLOTS;
    requires \valid_read(key + (0 .. DSG_RATE_KEY - 1));
    requires \separated(key + (0 .. DSG_RATE_KEY - 1), r);
    assigns r->slot[i];
    ensures dsg_rate_key_is(r, i, key);
    ensures r->slot[i].start == now && r->slot[i].failures == 1;
*/
static void restart(dsg_rate *r, size_t i, const uint8_t *key, int64_t now)
{
    /*@ loop invariant 0 <= j <= DSG_RATE_KEY;
        loop invariant \forall integer k; 0 <= k < j ==> r->slot[i].key[k] == key[k];
        loop assigns j, r->slot[i].key[0 .. DSG_RATE_KEY - 1];
        loop variant DSG_RATE_KEY - j;
    */
    for (size_t j = 0; j < DSG_RATE_KEY; j++)
        r->slot[i].key[j] = key[j];
    r->slot[i].start = now;
    r->slot[i].failures = 1;
}

size_t dsg_rate_fail(dsg_rate *r, const uint8_t *key, int64_t now)
{
    size_t i = find(r, key, now);
    if (i < DSG_RATE_SLOTS) {
        if (r->slot[i].failures < UINT32_MAX)
            r->slot[i].failures++;
        return i;
    }
    i = victim(r, now);
    restart(r, i, key, now);
    return i;
}
