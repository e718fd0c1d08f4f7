/*
 * Account states and their transitions (REQ-ACCT-003, REQ-ACCT-004,
 * REQ-ACCT-007): the core state machine of the auth role, pure functions
 * over a caller-owned dsg_acct. No allocation, no I/O, no globals.
 *
 * Transitions (event: from -> to; every other pair is refused):
 *
 *   event       PENDING  ACTIVE     SUSPENDED  LOCKED     EXPIRED    DELETED
 *   APPROVE     ACTIVE   -          -          -          -          -
 *   SUSPEND     -        SUSPENDED  -          SUSPENDED  SUSPENDED  -
 *   RESUME      -        -          ACTIVE     -          -          -
 *   LOCK        -        LOCKED     -          -          -          -
 *   UNLOCK      -        -          -          ACTIVE     -          -
 *   EXPIRE      -        EXPIRED    -          EXPIRED    -          -
 *   SET_EXPIRY  PENDING  ACTIVE     SUSPENDED  LOCKED     ACTIVE     -
 *   DELETE      DELETED  DELETED    DELETED    DELETED    DELETED    -
 *
 * Guards beside the table: EXPIRE (the sweep) only at or after the expiry;
 * SET_EXPIRY only with the new expiry no later than the new contract end,
 * and, to renew an EXPIRED account, after now.
 *
 * Why the table looks like this:
 * - DELETED has no way out (REQ-ACCT-007): the account stays stored with
 *   its history; a rejected registration is deleted too, so that its user
 *   ID is retired like any other.
 * - A SUSPENDED account is never swept to EXPIRED and a PENDING one never
 *   expires: only a resume application lifts a suspension and only an
 *   approval activates, so a renewal (SET_EXPIRY from EXPIRED) can never
 *   reactivate either. A resumed account past its expiry is ACTIVE but
 *   cannot log in (dsg_acct_may_login checks the expiry itself), and the
 *   next sweep moves it to EXPIRED.
 * - LOCKED is the state the role records when the lockout core
 *   (src/auth/lockout.h) locks the account, and leaves with UNLOCK when
 *   dsg_lock_check answers OPEN again or an administrator unlocks. When the
 *   lock ends is recorded only there (dsg_lock.locked_until): one source of
 *   truth, so this struct holds when the account was locked (locked_at),
 *   never until when. The login path asks both cores, so a lock is honoured
 *   even before the role has recorded LOCKED here.
 *
 * Logins: dsg_acct_may_login answers 0 or 1 and nothing else, so that a
 * suspended, locked, expired or deleted account cannot be told apart from
 * a wrong password (REQ-MFA-012): the role answers every 0 the same way.
 * Refused transitions (administrative operations) answer a dsg_acct_result;
 * dsg_acct_state_name, dsg_acct_event_name and dsg_acct_result_name give
 * the words for the error, e.g. "suspend refused in state deleted".
 */
#ifndef DSG_AUTH_ACCT_STATE_H
#define DSG_AUTH_ACCT_STATE_H

#include <stdint.h>

#define DSG_ACCT_STATE_COUNT 6
#define DSG_ACCT_EVENT_COUNT 8
#define DSG_ACCT_INACTIVE_DAYS_MAX 3650   /* the largest auth.inactivity_disable_days */
#define DSG_ACCT_NEVER INT64_MIN   /* a time field of an event that never happened */

typedef enum dsg_acct_state {
    DSG_ACCT_PENDING = 0,     /* registered, waiting for approval */
    DSG_ACCT_ACTIVE = 1,
    DSG_ACCT_SUSPENDED = 2,   /* by an approved application or an administrator */
    DSG_ACCT_LOCKED = 3,      /* by the lockout core (REQ-MFA-011) */
    DSG_ACCT_EXPIRED = 4,     /* by the sweep, at or after the expiry */
    DSG_ACCT_DELETED = 5      /* final; kept with its history */
} dsg_acct_state;

typedef enum dsg_acct_event {
    DSG_ACCT_EV_APPROVE = 0,     /* a registration application approved */
    DSG_ACCT_EV_SUSPEND = 1,
    DSG_ACCT_EV_RESUME = 2,      /* a resume application approved */
    DSG_ACCT_EV_LOCK = 3,        /* the lockout core locked the account */
    DSG_ACCT_EV_UNLOCK = 4,      /* the lock ended, or an administrator unlocked */
    DSG_ACCT_EV_EXPIRE = 5,      /* the sweep */
    DSG_ACCT_EV_SET_EXPIRY = 6,  /* a new expiry and contract end (renewal) */
    DSG_ACCT_EV_DELETE = 7
} dsg_acct_event;

/* What dsg_acct_apply says, in the order it decides. */
typedef enum dsg_acct_result {
    DSG_ACCT_OK = 0,           /* "ok": the account moved */
    DSG_ACCT_ERR_INVALID = 1,  /* "invalid-account": the struct is malformed */
    DSG_ACCT_ERR_EVENT = 2,    /* "unknown-event" */
    DSG_ACCT_ERR_STATE = 3,    /* "refused-in-state": the table refuses the event here */
    DSG_ACCT_ERR_NOT_DUE = 4,  /* "not-expired": EXPIRE before the expiry */
    DSG_ACCT_ERR_EXPIRY = 5    /* "bad-expiry": after the contract end, or a renewal in the past */
} dsg_acct_result;

/* One account. Times are seconds since 1970-01-01T00:00:00Z (UTC);
 * DSG_ACCT_NEVER where the event never happened. The *_at fields hold the
 * last time the account entered that state. */
typedef struct dsg_acct {
    uint32_t state;          /* a dsg_acct_state */
    int64_t expiry;          /* logins are refused at and after this instant */
    int64_t contract_end;    /* the end of the contract: expiry is never later */
    int64_t registered_at;
    int64_t activated_at;
    int64_t suspended_at;
    int64_t locked_at;
    int64_t expired_at;
    int64_t deleted_at;
    int64_t changed_at;      /* the last accepted transition */
} dsg_acct;

#include "acsl/acct_state.acsl.h"

/* The C twin of dsg_acct_ok. @relation(REQ-ACCT-003) */
/*@ requires \valid_read(a);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_acct_ok(a);
*/
__attribute__((warn_unused_result))
int dsg_acct_is_valid(const dsg_acct *a);

/* A new PENDING account registered at now, with its expiry and contract
 * end. Returns DSG_ACCT_ERR_EXPIRY and writes nothing when the expiry is
 * after the contract end. @relation(REQ-ACCT-004) */
/*@ requires \valid(a);
    assigns *a;
    ensures \result == DSG_ACCT_OK || \result == DSG_ACCT_ERR_EXPIRY;
    behavior registered:
      assumes expiry <= contract_end;
      ensures \result == DSG_ACCT_OK;
      ensures dsg_acct_ok(a) && a->state == DSG_ACCT_PENDING;
      ensures a->expiry == expiry && a->contract_end == contract_end;
      ensures a->registered_at == now && a->changed_at == now;
      ensures a->activated_at == DSG_ACCT_NEVER && a->suspended_at == DSG_ACCT_NEVER &&
              a->locked_at == DSG_ACCT_NEVER && a->expired_at == DSG_ACCT_NEVER &&
              a->deleted_at == DSG_ACCT_NEVER;
    behavior refused:
      assumes expiry > contract_end;
      assigns \nothing;
      ensures \result == DSG_ACCT_ERR_EXPIRY;
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_acct_result dsg_acct_init(dsg_acct *a, int64_t now, int64_t expiry,
                              int64_t contract_end);

/* The target state of event e in state s by the table above, or -1 when
 * the table refuses it (guards aside). @relation(REQ-ACCT-003) */
/*@ assigns \nothing;
    ensures \result == dsg_acct_target(s, e);
    ensures \result == -1 || dsg_acct_state_known(\result);
*/
__attribute__((warn_unused_result))
int dsg_acct_target_of(uint32_t s, uint32_t e);

/* Applies event e at now. x and c are the new expiry and contract end of
 * SET_EXPIRY, ignored by every other event. Returns DSG_ACCT_OK and moves
 * the account as the table says, recording the time; any other result
 * leaves *a untouched. @relation(REQ-ACCT-003, REQ-ACCT-004) @relation(REQ-ACCT-007) */
/*@ requires \valid(a);
    assigns *a;
    ensures \result == DSG_ACCT_OK || \result == DSG_ACCT_ERR_INVALID ||
            \result == DSG_ACCT_ERR_EVENT || \result == DSG_ACCT_ERR_STATE ||
            \result == DSG_ACCT_ERR_NOT_DUE || \result == DSG_ACCT_ERR_EXPIRY;
    ensures \old(dsg_acct_verdict(a, e, now, x, c, \result));
    ensures \result != DSG_ACCT_OK ==> dsg_acct_same{Pre,Post}(a);
    ensures \result == DSG_ACCT_OK ==> dsg_acct_stepped{Pre,Post}(a, e, now, x, c);
    ensures \result == DSG_ACCT_OK ==> dsg_acct_ok(a);
    ensures \result == DSG_ACCT_OK ==> \old(dsg_acct_target(a->state, e)) != -1;
    ensures \result == DSG_ACCT_OK ==> a->state == \old(dsg_acct_target(a->state, e));
    behavior from_deleted:
      assumes dsg_acct_ok(a) && a->state == DSG_ACCT_DELETED;
      ensures \result != DSG_ACCT_OK;
      ensures a->state == DSG_ACCT_DELETED;
    behavior malformed:
      assumes !dsg_acct_ok(a);
      ensures \result == DSG_ACCT_ERR_INVALID;
    behavior moved:
      assumes dsg_acct_ok(a) && a->state != DSG_ACCT_DELETED;
      assumes dsg_acct_verdict(a, e, now, x, c, DSG_ACCT_OK);
      ensures \result == DSG_ACCT_OK;
    behavior refused:
      assumes dsg_acct_ok(a) && a->state != DSG_ACCT_DELETED;
      assumes !dsg_acct_verdict(a, e, now, x, c, DSG_ACCT_OK);
      ensures \result != DSG_ACCT_OK;
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_acct_result dsg_acct_apply(dsg_acct *a, uint32_t e, int64_t now,
                               int64_t x, int64_t c);

/* 1 when the account may log in at now: ACTIVE and now before the expiry;
 * 0 for anything else, including a malformed struct, with no reason given
 * (REQ-MFA-012). @relation(REQ-ACCT-003) @relation(REQ-ACCT-004) */
/*@ requires \valid_read(a);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 ==> a->state == DSG_ACCT_ACTIVE && now < a->expiry;
    behavior allowed:
      assumes dsg_acct_login_ok(a, now);
      ensures \result == 1;
    behavior refused:
      assumes !dsg_acct_login_ok(a, now);
      ensures \result == 0;
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
int dsg_acct_may_login(const dsg_acct *a, int64_t now);

/* The sweep's decision (REQ-ACCT-004): 1 when the account is ACTIVE or
 * LOCKED and now is at or after its expiry, i.e. EXPIRE would be accepted;
 * the role then applies DSG_ACCT_EV_EXPIRE and records the move.
 * @relation(REQ-ACCT-004) */
/*@ requires \valid_read(a);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_acct_sweep_due(a, now);
    ensures \result == 1 ==>
              (a->state == DSG_ACCT_ACTIVE || a->state == DSG_ACCT_LOCKED) &&
              now >= a->expiry;
*/
__attribute__((warn_unused_result))
int dsg_acct_is_expired(const dsg_acct *a, int64_t now);

/* The inactivity sweep's decision (REQ-ACCT-005): 1 when the account is
 * ACTIVE and its last successful login, or its activation when it never
 * logged in (since), is at least days whole days before now (days in
 * 1 .. DSG_ACCT_INACTIVE_DAYS_MAX, else 0); the role then applies
 * DSG_ACCT_EV_SUSPEND with the reason `inactive`. Never overflows.
 * @relation(REQ-ACCT-005) */
/*@ requires \valid_read(a);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_acct_inactive(a, since, now, days);
*/
__attribute__((warn_unused_result))
int dsg_acct_is_inactive(const dsg_acct *a, int64_t since, int64_t now, uint32_t days);

/* Lowercase names for error messages and logs: "pending" .. "deleted",
 * "approve" .. "delete", "ok" .. "bad-expiry"; "unknown" for a value
 * outside the enum. @relation(REQ-ACCT-003) */
/*@ assigns \result \from s;
    ensures \valid_read(\result);
*/
const char *dsg_acct_state_name(uint32_t s);

/* @relation(REQ-ACCT-003) */
/*@ assigns \result \from e;
    ensures \valid_read(\result);
*/
const char *dsg_acct_event_name(uint32_t e);

/* @relation(REQ-ACCT-003) */
/*@ assigns \result \from r;
    ensures \valid_read(\result);
*/
const char *dsg_acct_result_name(uint32_t r);

#endif
