/*
 * Sessions of the auth role (REQ-ACCT-014, REQ-ACCT-015, REQ-MFA-015): when
 * a session may be used, when it must end, which session a new login
 * evicts, and when an operation needs fresh authentication. Pure functions
 * over caller-owned structs; no allocation, no I/O, no globals.
 *
 * Rules:
 * - A session is VALID at now while it has not ended, now < created +
 *   auth.session_max_lifetime and now < last_seen + auth.session_idle_timeout:
 *   at exactly either instant it is over (LIFETIME, IDLE), and the role
 *   answers 401 `session_expired` and ends it (TIMEOUT). A session resumed
 *   after its idle timeout is a new login with both factors (REQ-MFA-015):
 *   nothing here revives an expired or ended session.
 * - dsg_session_touch records a use (last_seen = now) only on a VALID
 *   session, and never moves last_seen back when the clock does.
 * - At most auth.max_sessions_per_user live sessions per account
 *   (REQ-ACCT-015): before it creates one, the role asks dsg_session_admit
 *   over the account's sessions; EVICT names the oldest live one (smallest
 *   created, ties to the smallest index), which the role ends as FORCED
 *   (a forced logout, logged) and asks again, until OK. With exactly the
 *   maximum live, one eviction makes room.
 * - Fresh authentication (REQ-MFA-015): dsg_session_fresh says whether the
 *   session's last authentication with both factors (auth_at) is younger
 *   than auth.reauth_max_age; when it is not, the role asks for both
 *   factors again (a login flow, src/auth/login_flow.h) and records it with
 *   dsg_session_reauth.
 * - Policy values are checked on every call and answered with an error
 *   code, never assumed.
 *
 * Not here: the token. The role draws 128 random bits (RAND_bytes), gives
 * them to the client once and keeps only their SHA-256 in token_hash; it
 * finds a session by that hash, compared in constant time. These functions
 * neither read nor write token_hash.
 */
#ifndef DSG_AUTH_SESSION_H
#define DSG_AUTH_SESSION_H

#include <stdint.h>

#include "auth/login_flow.h"

#define DSG_SESSION_HASH_LEN 32u               /* SHA-256 of the token */
#define DSG_SESSION_IDLE_MAX 86400             /* 1 day, in seconds */
#define DSG_SESSION_LIFETIME_MAX 604800        /* 7 days, in seconds */
#define DSG_SESSION_REAUTH_MAX 86400           /* 1 day, in seconds */
#define DSG_SESSION_MAX_PER_USER_MAX 1000u

/* How a session ended; LIVE while it has not. */
typedef enum dsg_session_end {
    DSG_SESSION_LIVE = 0,
    DSG_SESSION_LOGOUT = 1,     /* the user logged out */
    DSG_SESSION_FORCED = 2,     /* dsgctl account logout, or evicted by a new login */
    DSG_SESSION_TIMEOUT = 3     /* found expired (idle or lifetime) and ended */
} dsg_session_ending;

/* What the functions answer, in the order they decide. */
typedef enum dsg_session_status {
    DSG_SESSION_OK = 0,           /* "ok": valid, fresh, ended, admitted */
    DSG_SESSION_ENDED = 1,        /* "ended" */
    DSG_SESSION_LIFETIME = 2,     /* "lifetime": at or after created + max_lifetime */
    DSG_SESSION_IDLE = 3,         /* "idle": at or after last_seen + idle_timeout */
    DSG_SESSION_STALE = 4,        /* "stale": authenticate again first */
    DSG_SESSION_EVICT = 5,        /* "evict": end the session named, then ask again */
    DSG_SESSION_ERR_STATE = 6,    /* "bad-session": a malformed session */
    DSG_SESSION_ERR_POLICY = 7,   /* "bad-policy": a policy value out of range */
    DSG_SESSION_ERR_ARGS = 8      /* "bad-args": a factor or reason out of range */
} dsg_session_status;

/* One session. Times are seconds since 1970-01-01T00:00:00Z. */
typedef struct dsg_session {
    uint8_t token_hash[DSG_SESSION_HASH_LEN];  /* the caller's: SHA-256 of the token */
    uint64_t account;           /* the account's key in the store */
    int64_t created;
    int64_t last_seen;          /* the last use */
    int64_t auth_at;            /* the last time both factors were verified */
    uint32_t factor;            /* that authentication's second factor (dsg_login_factor) */
    uint32_t ended;             /* dsg_session_ending */
} dsg_session;

/* auth.session_idle_timeout, auth.session_max_lifetime, in seconds. */
typedef struct dsg_session_policy {
    int64_t idle_timeout;
    int64_t max_lifetime;
} dsg_session_policy;

#include "acsl/session.acsl.h"

/* OK for a policy in range, else ERR_POLICY. @relation(REQ-ACCT-014) */
/*@ requires \valid_read(p);
    assigns \nothing;
    ensures \result == DSG_SESSION_OK || \result == DSG_SESSION_ERR_POLICY;
    ensures \result == DSG_SESSION_OK <==> dsg_session_policy_ok(p);
*/
__attribute__((warn_unused_result))
dsg_session_status dsg_session_policy_check(const dsg_session_policy *p);

/* The C twin of dsg_session_ok. @relation(REQ-ACCT-014) */
/*@ requires \valid_read(s);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_session_ok(s);
*/
__attribute__((warn_unused_result))
int dsg_session_is_valid(const dsg_session *s);

/* A new live session of the account at now, authenticated at now with
 * factor (dsg_login_factor); token_hash is left to the caller. ERR_ARGS
 * and nothing written for an unknown factor. @relation(REQ-ACCT-014)
 * @relation(REQ-MFA-015) */
/*@ requires \valid(s);
    assigns s->account, s->created, s->last_seen, s->auth_at, s->factor, s->ended;
    ensures \result == DSG_SESSION_OK || \result == DSG_SESSION_ERR_ARGS;
    behavior created:
      assumes dsg_session_factor_known(factor);
      ensures \result == DSG_SESSION_OK && dsg_session_ok(s);
      ensures s->account == account && s->created == now && s->last_seen == now &&
              s->auth_at == now && s->factor == factor && s->ended == DSG_SESSION_LIVE;
    behavior invalid:
      assumes !dsg_session_factor_known(factor);
      assigns \nothing;
      ensures \result == DSG_SESSION_ERR_ARGS;
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_session_status dsg_session_init(dsg_session *s, uint64_t account, int64_t now,
                                    uint32_t factor);

/* Whether the session may be used at now: OK (VALID), ENDED, LIFETIME or
 * IDLE, or an error. @relation(REQ-ACCT-014) */
/*@ requires \valid_read(s) && \valid_read(p);
    assigns \nothing;
    ensures \result == DSG_SESSION_OK || \result == DSG_SESSION_ENDED ||
            \result == DSG_SESSION_LIFETIME || \result == DSG_SESSION_IDLE ||
            \result == DSG_SESSION_ERR_STATE || \result == DSG_SESSION_ERR_POLICY;
    ensures dsg_session_decides(s, now, p, \result);
    ensures \result == DSG_SESSION_OK ==>
              s->ended == DSG_SESSION_LIVE && now < s->created + p->max_lifetime &&
              now < s->last_seen + p->idle_timeout;
    behavior valid:
      assumes dsg_session_ok(s) && dsg_session_policy_ok(p) && dsg_session_live(s, now, p);
      ensures \result == DSG_SESSION_OK;
    behavior refused:
      assumes !dsg_session_ok(s) || !dsg_session_policy_ok(p) || !dsg_session_live(s, now, p);
      ensures \result != DSG_SESSION_OK;
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_session_status dsg_session_check(const dsg_session *s, int64_t now,
                                     const dsg_session_policy *p);

/* dsg_session_check, and on OK records the use: last_seen becomes now
 * (or stays, when the clock went back). Anything else writes nothing.
 * @relation(REQ-ACCT-014) */
/*@ requires \valid(s) && \valid_read(p);
    requires \separated(s, p);
    assigns s->last_seen;
    ensures \old(dsg_session_decides(s, now, p, \result));
    ensures dsg_session_same_but_seen{Pre,Post}(s);
    behavior used:
      assumes dsg_session_ok(s) && dsg_session_policy_ok(p) && dsg_session_live(s, now, p);
      ensures \result == DSG_SESSION_OK;
      ensures s->last_seen == (now > \old(s->last_seen) ? now : \old(s->last_seen));
      ensures dsg_session_ok(s);
    behavior refused:
      assumes !dsg_session_ok(s) || !dsg_session_policy_ok(p) || !dsg_session_live(s, now, p);
      ensures \result != DSG_SESSION_OK;
      ensures s->last_seen == \old(s->last_seen);
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_session_status dsg_session_touch(dsg_session *s, int64_t now, const dsg_session_policy *p);

/* Ends the session (logout, forced or timeout): OK, or ENDED when it had
 * already ended (the first reason stays), ERR_ARGS for an unknown reason,
 * ERR_STATE for a malformed session; only OK writes. An ended session is
 * never live again: dsg_session_check answers ENDED for ever.
 * @relation(REQ-ACCT-014) @relation(REQ-ACCT-015) */
/*@ requires \valid(s);
    assigns s->ended;
    ensures \result == DSG_SESSION_OK || \result == DSG_SESSION_ENDED ||
            \result == DSG_SESSION_ERR_ARGS || \result == DSG_SESSION_ERR_STATE;
    behavior ended:
      assumes dsg_session_ok(s) && dsg_session_reason_known(reason) &&
              s->ended == DSG_SESSION_LIVE;
      ensures \result == DSG_SESSION_OK && s->ended == reason;
      ensures dsg_session_ok(s);
      ensures \forall dsg_session_policy *p; \forall integer t; !dsg_session_live(s, t, p);
    behavior refused:
      assumes !dsg_session_ok(s) || !dsg_session_reason_known(reason) ||
              s->ended != DSG_SESSION_LIVE;
      ensures \result != DSG_SESSION_OK && s->ended == \old(s->ended);
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_session_status dsg_session_end(dsg_session *s, uint32_t reason);

/* Whether an operation on this session may go ahead without a new
 * authentication (REQ-MFA-015): OK when not ended and auth_at <= now <
 * auth_at + max_age (auth.reauth_max_age); STALE otherwise (also for an
 * auth_at in the future); ENDED, ERR_STATE, ERR_POLICY as their names say.
 * @relation(REQ-MFA-015) */
/*@ requires \valid_read(s);
    assigns \nothing;
    ensures \result == DSG_SESSION_OK || \result == DSG_SESSION_STALE ||
            \result == DSG_SESSION_ENDED || \result == DSG_SESSION_ERR_STATE ||
            \result == DSG_SESSION_ERR_POLICY;
    behavior malformed:
      assumes !dsg_session_ok(s);
      ensures \result == DSG_SESSION_ERR_STATE;
    behavior bad_policy:
      assumes dsg_session_ok(s) && !dsg_session_reauth_ok(max_age);
      ensures \result == DSG_SESSION_ERR_POLICY;
    behavior ended:
      assumes dsg_session_ok(s) && dsg_session_reauth_ok(max_age) &&
              s->ended != DSG_SESSION_LIVE;
      ensures \result == DSG_SESSION_ENDED;
    behavior fresh:
      assumes dsg_session_ok(s) && dsg_session_reauth_ok(max_age) &&
              s->ended == DSG_SESSION_LIVE && dsg_session_is_fresh(s, now, max_age);
      ensures \result == DSG_SESSION_OK;
    behavior stale:
      assumes dsg_session_ok(s) && dsg_session_reauth_ok(max_age) &&
              s->ended == DSG_SESSION_LIVE && !dsg_session_is_fresh(s, now, max_age);
      ensures \result == DSG_SESSION_STALE;
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_session_status dsg_session_fresh(const dsg_session *s, int64_t now, int64_t max_age);

/* Records a new authentication with both factors at now on a VALID
 * session (auth_at = now, factor, and a use as dsg_session_touch). Any
 * other answer of dsg_session_check, or ERR_ARGS for an unknown factor,
 * writes nothing. @relation(REQ-MFA-015) */
/*@ requires \valid(s) && \valid_read(p);
    requires \separated(s, p);
    assigns s->auth_at, s->factor, s->last_seen;
    ensures \result == DSG_SESSION_OK || \result == DSG_SESSION_ENDED ||
            \result == DSG_SESSION_LIFETIME || \result == DSG_SESSION_IDLE ||
            \result == DSG_SESSION_ERR_STATE || \result == DSG_SESSION_ERR_POLICY ||
            \result == DSG_SESSION_ERR_ARGS;
    ensures s->account == \old(s->account) && s->created == \old(s->created) &&
            s->ended == \old(s->ended);
    behavior reauthenticated:
      assumes dsg_session_factor_known(factor);
      assumes dsg_session_ok(s) && dsg_session_policy_ok(p) && dsg_session_live(s, now, p);
      ensures \result == DSG_SESSION_OK;
      ensures s->auth_at == now && s->factor == factor;
      ensures s->last_seen == (now > \old(s->last_seen) ? now : \old(s->last_seen));
      ensures dsg_session_ok(s);
    behavior refused:
      assumes !dsg_session_factor_known(factor) || !dsg_session_ok(s) ||
              !dsg_session_policy_ok(p) || !dsg_session_live(s, now, p);
      ensures \result != DSG_SESSION_OK;
      ensures s->auth_at == \old(s->auth_at) && s->factor == \old(s->factor) &&
              s->last_seen == \old(s->last_seen);
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_session_status dsg_session_reauth(dsg_session *s, int64_t now, uint32_t factor,
                                      const dsg_session_policy *p);

/* The concurrent-session limit (REQ-ACCT-015) over the account's n
 * sessions s[0 .. n-1]: OK when fewer than max are live at now (a new one
 * may be created); EVICT with *evict the index of the oldest live session
 * when max or more are; ERR_POLICY for a policy or a max out of range
 * (max: 1 .. DSG_SESSION_MAX_PER_USER_MAX), ERR_STATE when a session is
 * malformed. Only EVICT writes *evict. @relation(REQ-ACCT-015) */
/*@ requires \valid_read(s + (0 .. n - 1)) && \valid_read(p) && \valid(evict);
    requires \separated(evict, s + (0 .. n - 1), p);
    assigns *evict;
    ensures \result == DSG_SESSION_OK || \result == DSG_SESSION_EVICT ||
            \result == DSG_SESSION_ERR_POLICY || \result == DSG_SESSION_ERR_STATE;
    behavior bad_policy:
      assumes !dsg_session_policy_ok(p) || !dsg_session_max_ok(max);
      assigns \nothing;
      ensures \result == DSG_SESSION_ERR_POLICY;
    behavior malformed:
      assumes dsg_session_policy_ok(p) && dsg_session_max_ok(max);
      assumes !dsg_session_all_ok(s, n);
      assigns \nothing;
      ensures \result == DSG_SESSION_ERR_STATE;
    behavior admitted:
      assumes dsg_session_policy_ok(p) && dsg_session_max_ok(max);
      assumes dsg_session_all_ok(s, n);
      assumes dsg_session_live_count(s, n, now, p) < max;
      assigns \nothing;
      ensures \result == DSG_SESSION_OK;
    behavior evicts:
      assumes dsg_session_policy_ok(p) && dsg_session_max_ok(max);
      assumes dsg_session_all_ok(s, n);
      assumes dsg_session_live_count(s, n, now, p) >= max;
      // of the sessions as they were: the function writes only *evict
      ensures \result == DSG_SESSION_EVICT;
      ensures dsg_session_oldest{Pre}(s, n, now, p, *evict);
      ensures dsg_session_live_count_except{Pre}(s, n, now, p, *evict) ==
                dsg_session_live_count{Pre}(s, n, now, p) - 1;
      ensures dsg_session_live_count{Pre}(s, n, now, p) == max ==>
                dsg_session_live_count_except{Pre}(s, n, now, p, *evict) < max;
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_session_status dsg_session_admit(const dsg_session *s, uint32_t n, uint32_t max,
                                     int64_t now, const dsg_session_policy *p,
                                     uint32_t *evict);

/* Lowercase names for the role's logs ("ok" .. "bad-args"; "unknown"
 * outside the enum). @relation(REQ-ACCT-014) */
/*@ assigns \result \from v;
    ensures \valid_read(\result);
*/
const char *dsg_session_status_name(uint32_t v);

#endif
