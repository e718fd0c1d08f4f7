/*
 * ACSL logic for the account state machine (src/auth/acct_state.h).
 * Included by that header after the types it talks about; installed with it.
 * No axioms: every function and predicate is a plain definition, and the
 * two lemmas are proved by WP.
 *
 * dsg_acct_target is the transition table of the header comment, written
 * out as a function of (state, event): the C function target_of of
 * src/auth/acct_state.c is proved equal to it, and tests/check_acct_state.c
 * compares the C result with a table written out independently.
 */
#ifndef DSG_ACSL_ACCT_STATE_H
#define DSG_ACSL_ACCT_STATE_H

/*@
  predicate dsg_acct_state_known(integer s) = 0 <= s < DSG_ACCT_STATE_COUNT;
  predicate dsg_acct_event_known(integer e) = 0 <= e < DSG_ACCT_EVENT_COUNT;

  // The target state of event e in state s, or -1 when the table refuses it.
  logic integer dsg_acct_target(integer s, integer e) =
    s == DSG_ACCT_PENDING ?
      (e == DSG_ACCT_EV_APPROVE ? DSG_ACCT_ACTIVE :
       e == DSG_ACCT_EV_SET_EXPIRY ? DSG_ACCT_PENDING :
       e == DSG_ACCT_EV_DELETE ? DSG_ACCT_DELETED : -1) :
    s == DSG_ACCT_ACTIVE ?
      (e == DSG_ACCT_EV_SUSPEND ? DSG_ACCT_SUSPENDED :
       e == DSG_ACCT_EV_LOCK ? DSG_ACCT_LOCKED :
       e == DSG_ACCT_EV_EXPIRE ? DSG_ACCT_EXPIRED :
       e == DSG_ACCT_EV_SET_EXPIRY ? DSG_ACCT_ACTIVE :
       e == DSG_ACCT_EV_DELETE ? DSG_ACCT_DELETED : -1) :
    s == DSG_ACCT_SUSPENDED ?
      (e == DSG_ACCT_EV_RESUME ? DSG_ACCT_ACTIVE :
       e == DSG_ACCT_EV_SET_EXPIRY ? DSG_ACCT_SUSPENDED :
       e == DSG_ACCT_EV_DELETE ? DSG_ACCT_DELETED : -1) :
    s == DSG_ACCT_LOCKED ?
      (e == DSG_ACCT_EV_UNLOCK ? DSG_ACCT_ACTIVE :
       e == DSG_ACCT_EV_SUSPEND ? DSG_ACCT_SUSPENDED :
       e == DSG_ACCT_EV_EXPIRE ? DSG_ACCT_EXPIRED :
       e == DSG_ACCT_EV_SET_EXPIRY ? DSG_ACCT_LOCKED :
       e == DSG_ACCT_EV_DELETE ? DSG_ACCT_DELETED : -1) :
    s == DSG_ACCT_EXPIRED ?
      (e == DSG_ACCT_EV_SUSPEND ? DSG_ACCT_SUSPENDED :
       e == DSG_ACCT_EV_SET_EXPIRY ? DSG_ACCT_ACTIVE :
       e == DSG_ACCT_EV_DELETE ? DSG_ACCT_DELETED : -1) :
    -1;

  // DELETED has no way out: the table refuses every event there.
  lemma dsg_acct_deleted_is_final:
    \forall integer e; dsg_acct_target(DSG_ACCT_DELETED, e) == -1;

  // Whatever the table allows leads to a known state.
  lemma dsg_acct_target_known:
    \forall integer s, e; dsg_acct_target(s, e) != -1 ==>
      dsg_acct_state_known(dsg_acct_target(s, e));

  // A well-formed account: a known state, an expiry no later than the end
  // of the contract.
  predicate dsg_acct_ok{L}(dsg_acct *a) =
    dsg_acct_state_known(a->state) && a->expiry <= a->contract_end;

  // The only state and time that may log in (REQ-ACCT-003, REQ-ACCT-004).
  predicate dsg_acct_login_ok{L}(dsg_acct *a, integer now) =
    dsg_acct_ok(a) && a->state == DSG_ACCT_ACTIVE && now < a->expiry;

  // The sweep is due: EXPIRE would be accepted now.
  predicate dsg_acct_sweep_due{L}(dsg_acct *a, integer now) =
    dsg_acct_ok(a) &&
    dsg_acct_target(a->state, DSG_ACCT_EV_EXPIRE) != -1 && now >= a->expiry;

  // The inactivity sweep's condition (REQ-ACCT-005): an ACTIVE account
  // whose last login (else its activation), since, is at least days whole
  // days before now.
  predicate dsg_acct_inactive{L}(dsg_acct *a, integer since, integer now, integer days) =
    dsg_acct_ok(a) && a->state == DSG_ACCT_ACTIVE &&
    1 <= days <= DSG_ACCT_INACTIVE_DAYS_MAX && since <= now - days * 86400;

  // The guard of SET_EXPIRY: the new expiry within the new contract, and a
  // renewal of an EXPIRED account ends in the future.
  predicate dsg_acct_expiry_ok{L}(dsg_acct *a, integer now, integer x, integer c) =
    x <= c && (a->state == DSG_ACCT_EXPIRED ==> now < x);

  // v is the result dsg_acct_apply answers: the first rule broken, in order.
  predicate dsg_acct_verdict{L}(dsg_acct *a, integer e, integer now,
                                integer x, integer c, integer v) =
    !dsg_acct_ok(a) ? v == DSG_ACCT_ERR_INVALID :
    !dsg_acct_event_known(e) ? v == DSG_ACCT_ERR_EVENT :
    dsg_acct_target(a->state, e) == -1 ? v == DSG_ACCT_ERR_STATE :
    e == DSG_ACCT_EV_EXPIRE && now < a->expiry ? v == DSG_ACCT_ERR_NOT_DUE :
    e == DSG_ACCT_EV_SET_EXPIRY && !dsg_acct_expiry_ok(a, now, x, c) ?
      v == DSG_ACCT_ERR_EXPIRY :
    v == DSG_ACCT_OK;

  // Every field is the same at L1 and L2.
  predicate dsg_acct_same{L1,L2}(dsg_acct *a) =
    \at(a->state, L1) == \at(a->state, L2) &&
    \at(a->expiry, L1) == \at(a->expiry, L2) &&
    \at(a->contract_end, L1) == \at(a->contract_end, L2) &&
    \at(a->registered_at, L1) == \at(a->registered_at, L2) &&
    \at(a->activated_at, L1) == \at(a->activated_at, L2) &&
    \at(a->suspended_at, L1) == \at(a->suspended_at, L2) &&
    \at(a->locked_at, L1) == \at(a->locked_at, L2) &&
    \at(a->expired_at, L1) == \at(a->expired_at, L2) &&
    \at(a->deleted_at, L1) == \at(a->deleted_at, L2) &&
    \at(a->changed_at, L1) == \at(a->changed_at, L2);

  // What an accepted event e at now does (L1 before, L2 after): the state
  // becomes the table's target; the time of the move is recorded in
  // changed_at and, when the state changes, in the field of the state
  // entered; SET_EXPIRY writes the new expiry and contract end; every other
  // field keeps its value, so a deleted account keeps its whole history
  // (REQ-ACCT-007).
  predicate dsg_acct_stepped{L1,L2}(dsg_acct *a, integer e, integer now,
                                    integer x, integer c) =
    \let s = \at(a->state, L1);
    \let t = dsg_acct_target(s, e);
    \at(a->state, L2) == t &&
    \at(a->changed_at, L2) == now &&
    \at(a->registered_at, L2) == \at(a->registered_at, L1) &&
    \at(a->expiry, L2) ==
      (e == DSG_ACCT_EV_SET_EXPIRY ? x : \at(a->expiry, L1)) &&
    \at(a->contract_end, L2) ==
      (e == DSG_ACCT_EV_SET_EXPIRY ? c : \at(a->contract_end, L1)) &&
    \at(a->activated_at, L2) ==
      (t == DSG_ACCT_ACTIVE && s != DSG_ACCT_ACTIVE ? now : \at(a->activated_at, L1)) &&
    \at(a->suspended_at, L2) ==
      (t == DSG_ACCT_SUSPENDED && s != DSG_ACCT_SUSPENDED ? now : \at(a->suspended_at, L1)) &&
    \at(a->locked_at, L2) ==
      (t == DSG_ACCT_LOCKED && s != DSG_ACCT_LOCKED ? now : \at(a->locked_at, L1)) &&
    \at(a->expired_at, L2) ==
      (t == DSG_ACCT_EXPIRED ? now : \at(a->expired_at, L1)) &&
    \at(a->deleted_at, L2) ==
      (t == DSG_ACCT_DELETED ? now : \at(a->deleted_at, L1));
*/

#endif
