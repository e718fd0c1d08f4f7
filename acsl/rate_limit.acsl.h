/*
 * ACSL logic for per-source throttling (src/auth/rate_limit.h). Included by
 * that header after the types it talks about; installed with it. No
 * axioms, no lemmas: every function and predicate is a plain definition.
 */
#ifndef DSG_ACSL_RATE_LIMIT_H
#define DSG_ACSL_RATE_LIMIT_H

/*@
  // now falls in the minute that began at start.
  predicate dsg_rate_within(integer start, integer now) =
    start <= now && now - start < DSG_RATE_WINDOW;

  predicate dsg_rate_key_is{L}(dsg_rate *r, integer i, uint8_t *key) =
    \forall integer j; 0 <= j < DSG_RATE_KEY ==> r->slot[i].key[j] == key[j];

  // Slot i counts the failures of key in the minute of now.
  predicate dsg_rate_counts{L}(dsg_rate *r, integer i, uint8_t *key, integer now) =
    r->slot[i].failures > 0 && dsg_rate_key_is(r, i, key) &&
    dsg_rate_within(r->slot[i].start, now);

  predicate dsg_rate_limit_ok(integer limit) = 1 <= limit <= DSG_RATE_LIMIT_MAX;

  predicate dsg_rate_is_limited{L}(dsg_rate *r, uint8_t *key, integer now, integer limit) =
    \exists integer i; 0 <= i < DSG_RATE_SLOTS &&
      dsg_rate_counts(r, i, key, now) && r->slot[i].failures >= limit;

  logic integer dsg_rate_plus_one(integer f) = f < UINT32_MAX ? f + 1 : UINT32_MAX;

  predicate dsg_rate_slot_same{A,B}(dsg_rate *r, integer i) =
    \at(r->slot[i].start, A) == \at(r->slot[i].start, B) &&
    \at(r->slot[i].failures, A) == \at(r->slot[i].failures, B) &&
    \forall integer j; 0 <= j < DSG_RATE_KEY ==>
      \at(r->slot[i].key[j], A) == \at(r->slot[i].key[j], B);
*/

#endif
