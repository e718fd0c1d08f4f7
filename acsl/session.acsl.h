/*
 * ACSL logic for sessions (src/auth/session.h). Included by that header
 * after the types it talks about; installed with it. No axioms: every
 * function and predicate is a plain (possibly recursive) definition.
 */
#ifndef DSG_ACSL_SESSION_H
#define DSG_ACSL_SESSION_H

/*@
  predicate dsg_session_end_known(integer e) =
    e == DSG_SESSION_LIVE || e == DSG_SESSION_LOGOUT ||
    e == DSG_SESSION_FORCED || e == DSG_SESSION_TIMEOUT;
  predicate dsg_session_reason_known(integer e) =
    e == DSG_SESSION_LOGOUT || e == DSG_SESSION_FORCED || e == DSG_SESSION_TIMEOUT;
  predicate dsg_session_factor_known(integer f) =
    f == DSG_LOGIN_WEBAUTHN || f == DSG_LOGIN_TOTP;

  // A well-formed session: known end and factor, last use not before the
  // start (touch never moves last_seen back).
  predicate dsg_session_ok{L}(dsg_session *s) =
    dsg_session_end_known(s->ended) && dsg_session_factor_known(s->factor) &&
    s->created <= s->last_seen;

  predicate dsg_session_idle_ok(integer t) = 1 <= t <= DSG_SESSION_IDLE_MAX;
  predicate dsg_session_lifetime_ok(integer t) = 1 <= t <= DSG_SESSION_LIFETIME_MAX;
  predicate dsg_session_reauth_ok(integer t) = 1 <= t <= DSG_SESSION_REAUTH_MAX;
  predicate dsg_session_max_ok(integer m) = 1 <= m <= DSG_SESSION_MAX_PER_USER_MAX;

  predicate dsg_session_policy_ok{L}(dsg_session_policy *p) =
    dsg_session_idle_ok(p->idle_timeout) && dsg_session_lifetime_ok(p->max_lifetime);

  // The session may be used at now: not ended, before created +
  // max_lifetime and before last_seen + idle_timeout (REQ-ACCT-014).
  logic boolean dsg_session_alive{L}(dsg_session *s, integer now, dsg_session_policy *p) =
    s->ended == DSG_SESSION_LIVE && now < s->created + p->max_lifetime &&
    now < s->last_seen + p->idle_timeout;
  predicate dsg_session_live{L}(dsg_session *s, integer now, dsg_session_policy *p) =
    dsg_session_alive(s, now, p) == \true;

  // What dsg_session_check answers: the first rule broken, in order.
  predicate dsg_session_decides{L}(dsg_session *s, integer now, dsg_session_policy *p,
                                   integer v) =
    !dsg_session_ok(s) ? v == DSG_SESSION_ERR_STATE :
    !dsg_session_policy_ok(p) ? v == DSG_SESSION_ERR_POLICY :
    s->ended != DSG_SESSION_LIVE ? v == DSG_SESSION_ENDED :
    now >= s->created + p->max_lifetime ? v == DSG_SESSION_LIFETIME :
    now >= s->last_seen + p->idle_timeout ? v == DSG_SESSION_IDLE :
    v == DSG_SESSION_OK;

  // The live sessions among s[0 .. n-1], and the same with s[k] left out
  // (the count after the role ends s[k]).
  logic integer dsg_session_live_count{L}(dsg_session *s, integer n, integer now,
                                          dsg_session_policy *p) =
    n <= 0 ? 0 :
    dsg_session_live_count(s, n - 1, now, p) + (dsg_session_alive(s + (n - 1), now, p) ? 1 : 0);
  logic integer dsg_session_live_count_except{L}(dsg_session *s, integer n, integer now,
                                                 dsg_session_policy *p, integer k) =
    n <= 0 ? 0 :
    dsg_session_live_count_except(s, n - 1, now, p, k) +
      (n - 1 != k && dsg_session_alive(s + (n - 1), now, p) ? 1 : 0);

  predicate dsg_session_all_ok{L}(dsg_session *s, integer n) =
    \forall integer j; 0 <= j < n ==> dsg_session_ok(s + j);

  // s[k] is the oldest live session of s[0 .. n-1]: live, no live session
  // started before it, and every live one started at the same time comes
  // after it (ties go to the smallest index).
  predicate dsg_session_oldest{L}(dsg_session *s, integer n, integer now,
                                  dsg_session_policy *p, integer k) =
    0 <= k < n && dsg_session_live(s + k, now, p) &&
    (\forall integer j; 0 <= j < n && dsg_session_live(s + j, now, p) ==>
       s[k].created <= s[j].created) &&
    (\forall integer j; 0 <= j < k && dsg_session_live(s + j, now, p) ==>
       s[j].created > s[k].created);

  // The authentication is fresh at now: not ended, not in the future (a
  // clock that went back fails closed) and younger than max_age.
  predicate dsg_session_is_fresh{L}(dsg_session *s, integer now, integer max_age) =
    s->auth_at <= now && now < s->auth_at + max_age;

  // Every field but those named is the same at L1 and L2.
  predicate dsg_session_same_but_seen{L1,L2}(dsg_session *s) =
    \at(s->account, L1) == \at(s->account, L2) &&
    \at(s->created, L1) == \at(s->created, L2) &&
    \at(s->auth_at, L1) == \at(s->auth_at, L2) &&
    \at(s->factor, L1) == \at(s->factor, L2) &&
    \at(s->ended, L1) == \at(s->ended, L2);
*/

#endif
