/*
 * ACSL logic for the lockout core (src/auth/lockout.h). Included by that
 * header after the types it talks about; installed with it. No axioms, no
 * lemmas: every function and predicate is a plain definition.
 */
#ifndef DSG_ACSL_LOCKOUT_H
#define DSG_ACSL_LOCKOUT_H

/*@
  // A well-formed lockout state: the generation can still grow, so every
  // lock invalidates the half-finished logins before it.
  predicate dsg_lock_ok{L}(dsg_lock *st) = st->generation < UINT64_MAX;

  predicate dsg_lock_threshold_ok(integer t) = 1 <= t <= DSG_LOCK_THRESHOLD_MAX;
  predicate dsg_lock_window_ok(integer w) = 1 <= w <= DSG_LOCK_WINDOW_MAX;
  predicate dsg_lock_duration_ok(integer d) = 1 <= d <= DSG_LOCK_DURATION_MAX;

  predicate dsg_lock_policy_ok{L}(dsg_lock_policy *p) =
    dsg_lock_threshold_ok(p->threshold) && dsg_lock_window_ok(p->window) &&
    dsg_lock_duration_ok(p->duration);

  predicate dsg_lock_factor_known(integer f) = 0 <= f < DSG_LOCK_FACTOR_COUNT;
  predicate dsg_lock_outcome_known(integer o) =
    o == DSG_LOCK_SUCCESS || o == DSG_LOCK_FAILURE;

  // The account is locked at now: a lock whose time has come is open, but
  // one whose end saturated at INT64_MAX lasts until an administrator
  // unlocks (else a lock taken at INT64_MAX would be over at once).
  predicate dsg_lock_locked_at{L}(dsg_lock *st, integer now) =
    now < st->locked_until || st->locked_until == INT64_MAX;

  // now falls in the window that opened at first: a failure exactly
  // window seconds after the first one starts a new window.
  predicate dsg_lock_within(integer first, integer now, integer window) =
    first <= now && now - first < window;

  // The failure at now continues the run of factor f's counter (a boolean,
  // so that the terms below can branch on it).
  logic boolean dsg_lock_cont{L}(dsg_lock *st, integer f, integer now, integer window) =
    st->factor[f].failures > 0 && st->factor[f].first_failure <= now &&
    now - st->factor[f].first_failure < window;
  predicate dsg_lock_continues{L}(dsg_lock *st, integer f, integer now, integer window) =
    dsg_lock_cont(st, f, now, window) == \true;

  // The count and the window start after a failure at now: one more
  // (saturating at UINT32_MAX) within the window, else a new run of 1.
  logic integer dsg_lock_next_count{L}(dsg_lock *st, integer f, integer now, integer window) =
    dsg_lock_cont(st, f, now, window) ?
      (st->factor[f].failures < UINT32_MAX ? st->factor[f].failures + 1 : UINT32_MAX) :
      1;
  logic integer dsg_lock_next_first{L}(dsg_lock *st, integer f, integer now, integer window) =
    dsg_lock_cont(st, f, now, window) ? st->factor[f].first_failure : now;

  // The end of a lock taken at now: now + d, or the latest time there is.
  logic integer dsg_lock_until(integer now, integer d) =
    now <= INT64_MAX - d ? now + d : INT64_MAX;

  predicate dsg_lock_counter_clear{L}(dsg_lock *st, integer f) =
    st->factor[f].failures == 0 && st->factor[f].first_failure == DSG_LOCK_NEVER;

  predicate dsg_lock_all_clear{L}(dsg_lock *st) =
    \forall integer i; 0 <= i < DSG_LOCK_FACTOR_COUNT ==> dsg_lock_counter_clear(st, i);

  // Every counter but f's, and the lock, are the same at L1 and L2.
  predicate dsg_lock_others_same{L1,L2}(dsg_lock *st, integer f) =
    (\forall integer i; 0 <= i < DSG_LOCK_FACTOR_COUNT && i != f ==>
       \at(st->factor[i].failures, L1) == \at(st->factor[i].failures, L2) &&
       \at(st->factor[i].first_failure, L1) == \at(st->factor[i].first_failure, L2)) &&
    \at(st->locked_until, L1) == \at(st->locked_until, L2) &&
    \at(st->generation, L1) == \at(st->generation, L2);

  predicate dsg_lock_same{L1,L2}(dsg_lock *st) =
    dsg_lock_others_same{L1,L2}(st, -1);

  // v is what dsg_lock_record answers: the first rule broken, in order.
  predicate dsg_lock_decides{L}(dsg_lock *st, dsg_lock_policy *p, integer f,
                                integer o, integer now, integer gen, integer v) =
    !dsg_lock_ok(st) ? v == DSG_LOCK_ERR_STATE :
    !dsg_lock_threshold_ok(p->threshold) ? v == DSG_LOCK_ERR_THRESHOLD :
    !dsg_lock_window_ok(p->window) ? v == DSG_LOCK_ERR_WINDOW :
    !dsg_lock_duration_ok(p->duration) ? v == DSG_LOCK_ERR_DURATION :
    !dsg_lock_factor_known(f) ? v == DSG_LOCK_ERR_FACTOR :
    !dsg_lock_outcome_known(o) ? v == DSG_LOCK_ERR_OUTCOME :
    dsg_lock_locked_at(st, now) ? v == DSG_LOCK_DENIED :
    gen != st->generation ? v == DSG_LOCK_STALE :
    o == DSG_LOCK_FAILURE &&
      dsg_lock_next_count(st, f, now, p->window) >= p->threshold ?
      v == DSG_LOCK_NOW_LOCKED :
    v == DSG_LOCK_OK;
*/

#endif
