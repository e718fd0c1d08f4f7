/*
 * Per-source throttling of failed logins (REQ-MFA-013): how many credential
 * steps from one source failed in its current minute, and whether the
 * source has reached auth.source_failures_per_minute, so that the auth
 * role answers 429 `rate_limited` before it computes a hash. Pure
 * functions over a caller-owned table; no allocation, no I/O, no globals.
 *
 * A source is a key of DSG_RATE_KEY bytes the caller derives from the
 * client's address (the role: the address family, then an IPv4 address or
 * the /64 prefix of an IPv6 one, since one host holds a whole /64).
 *
 * Rules:
 * - A slot counts the failures of one key from the first one of its
 *   minute: a failure at most DSG_RATE_WINDOW - 1 seconds after that
 *   first one adds one (saturating at UINT32_MAX); any other starts a new
 *   minute with 1. A slot whose count is 0 is free.
 * - A key is limited at now when a slot of that key is in its minute and
 *   its count has reached the limit.
 * - A failure of a key that has no slot takes a free slot, else one whose
 *   minute is over, else the slot whose minute began first (so a flood of
 *   new sources can push out an old one, never grow the table).
 * - Times never overflow: the window test never subtracts two arbitrary
 *   times (dsg_rate_within).
 */
#ifndef DSG_AUTH_RATE_LIMIT_H
#define DSG_AUTH_RATE_LIMIT_H

#include <stddef.h>
#include <stdint.h>

#define DSG_RATE_SLOTS 256u       /* sources followed at once */
#define DSG_RATE_KEY 9u           /* bytes of a source's key */
#define DSG_RATE_WINDOW 60        /* seconds of a minute */
#define DSG_RATE_LIMIT_MAX 1000u  /* the largest auth.source_failures_per_minute */

typedef struct dsg_rate_slot {
    uint8_t key[DSG_RATE_KEY];
    int64_t start;                /* the first failure of its minute */
    uint32_t failures;            /* in that minute; 0: the slot is free */
} dsg_rate_slot;

typedef struct dsg_rate {
    dsg_rate_slot slot[DSG_RATE_SLOTS];
} dsg_rate;

#include "acsl/rate_limit.acsl.h"

/* Every slot free. @relation(REQ-MFA-013) */
/*@ requires \valid(r);
    assigns r->slot[0 .. DSG_RATE_SLOTS - 1];
    ensures \forall integer i; 0 <= i < DSG_RATE_SLOTS ==> r->slot[i].failures == 0;
*/
void dsg_rate_init(dsg_rate *r);

/* 1 when key has reached limit failures in its current minute at now, 0
 * otherwise (and for a limit of 0 or above DSG_RATE_LIMIT_MAX, which
 * throttle nothing). @relation(REQ-MFA-013) */
/*@ requires \valid_read(r) && \valid_read(key + (0 .. DSG_RATE_KEY - 1));
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_rate_limit_ok(limit) && dsg_rate_is_limited(r, key, now, limit);
*/
int dsg_rate_limited(const dsg_rate *r, const uint8_t *key, int64_t now, uint32_t limit);

/* Counts a failure of key at now; the index of the slot that counted it.
 * @relation(REQ-MFA-013) */
/*@ requires \valid(r) && \valid_read(key + (0 .. DSG_RATE_KEY - 1));
    requires \separated(key + (0 .. DSG_RATE_KEY - 1), r);
    assigns r->slot[0 .. DSG_RATE_SLOTS - 1];
    ensures 0 <= \result < DSG_RATE_SLOTS;
    ensures dsg_rate_counts(r, \result, key, now);
    ensures r->slot[\result].failures >= 1;
    ensures \old(dsg_rate_counts(r, \result, key, now)) ==>
              r->slot[\result].start == \old(r->slot[\result].start) &&
              r->slot[\result].failures == dsg_rate_plus_one(\old(r->slot[\result].failures));
    ensures (\exists integer j; 0 <= j < DSG_RATE_SLOTS &&
               \old(dsg_rate_counts(r, j, key, now))) ==>
              \old(dsg_rate_counts(r, \result, key, now));
    ensures !\old(dsg_rate_counts(r, \result, key, now)) ==>
              r->slot[\result].start == now && r->slot[\result].failures == 1;
    ensures \forall integer i; 0 <= i < DSG_RATE_SLOTS && i != \result ==>
              dsg_rate_slot_same{Pre,Post}(r, i);
*/
size_t dsg_rate_fail(dsg_rate *r, const uint8_t *key, int64_t now);

#endif
