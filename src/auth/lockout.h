/*
 * Lockout after repeated failures (REQ-MFA-011): the one check/record
 * transition every step that accepts a credential goes through. Pure
 * functions over a caller-owned dsg_lock per account; no allocation, no
 * I/O, no globals.
 *
 * The role's use, for every credential step (password, TOTP, WebAuthn,
 * password change, factor enrolment):
 *   1. dsg_lock_check(st, now): LOCKED => answer auth_failed without
 *      looking at the credential. A login's first step reads
 *      st->generation and stores it in the half-finished login.
 *   2. verify the credential, then dsg_lock_record(st, policy, factor,
 *      outcome, now, login_generation) and store *st.
 *   3. dsg_lock_refuses(status, outcome) == 1 => answer auth_failed, the
 *      same answer for a wrong credential, a lock and a stale login
 *      (REQ-MFA-012); DSG_LOCK_NOW_LOCKED => also record the LOCK event of
 *      the account (src/auth/acct_state.h) and log it.
 * Which counter a step uses: a password, and the current password of a
 * password change, count on PASSWORD; a TOTP code (at login or when
 * enrolling TOTP) on TOTP; a WebAuthn assertion or attestation on WEBAUTHN.
 *
 * Rules:
 * - Each factor has a counter of consecutive failures and the time of the
 *   first failure of its run. A failure less than policy.window seconds
 *   after that first failure adds one (saturating at UINT32_MAX); any other
 *   failure starts a new run of 1. A success clears that factor's counter
 *   only.
 * - When a failure brings its factor's count to policy.threshold, the
 *   account locks until now + policy.duration (saturating at INT64_MAX),
 *   the generation grows by one and every counter is cleared. A lock is
 *   over at exactly locked_until: locked while now < locked_until. A lock
 *   whose end saturated (locked_until == INT64_MAX) lasts until an
 *   administrator unlocks.
 * - Nothing is recorded while the account is locked (DENIED) or for a
 *   login of an older generation (STALE): a login begun before a lock can
 *   never go on after it, not even once the lock is over.
 * - This struct is the one source of truth of when a lock ends: the
 *   account's LOCKED state (acct_state.h) records only that and when it
 *   was locked.
 * - The policy is checked on every call; out-of-range values are refused
 *   with an error code and nothing is recorded.
 */
#ifndef DSG_AUTH_LOCKOUT_H
#define DSG_AUTH_LOCKOUT_H

#include <stdint.h>

#define DSG_LOCK_FACTOR_COUNT 3
#define DSG_LOCK_NEVER INT64_MIN             /* no failure, or never locked */
#define DSG_LOCK_THRESHOLD_MAX 100u          /* NIST SP 800-63B 5.2.2: at most 100 */
#define DSG_LOCK_WINDOW_MAX 604800           /* 7 days, in seconds */
#define DSG_LOCK_DURATION_MAX 2592000        /* 30 days, in seconds */

typedef enum dsg_lock_factor {
    DSG_LOCK_FACTOR_PASSWORD = 0,
    DSG_LOCK_FACTOR_TOTP = 1,
    DSG_LOCK_FACTOR_WEBAUTHN = 2
} dsg_lock_factor;

typedef enum dsg_lock_outcome {
    DSG_LOCK_SUCCESS = 0,
    DSG_LOCK_FAILURE = 1
} dsg_lock_outcome;

typedef enum dsg_lock_verdict {
    DSG_LOCK_OPEN = 0,
    DSG_LOCK_LOCKED = 1
} dsg_lock_verdict;

/* What dsg_lock_record says, in the order it decides. */
typedef enum dsg_lock_status {
    DSG_LOCK_OK = 0,             /* "ok": recorded, the account is open */
    DSG_LOCK_NOW_LOCKED = 1,     /* "now-locked": this failure locked the account */
    DSG_LOCK_DENIED = 2,         /* "locked": locked at now, nothing recorded */
    DSG_LOCK_STALE = 3,          /* "stale-login": an older generation, nothing recorded */
    DSG_LOCK_ERR_STATE = 4,      /* "bad-state": the struct is malformed */
    DSG_LOCK_ERR_THRESHOLD = 5,  /* "bad-threshold": not 1..DSG_LOCK_THRESHOLD_MAX */
    DSG_LOCK_ERR_WINDOW = 6,     /* "bad-window": not 1..DSG_LOCK_WINDOW_MAX */
    DSG_LOCK_ERR_DURATION = 7,   /* "bad-duration": not 1..DSG_LOCK_DURATION_MAX */
    DSG_LOCK_ERR_FACTOR = 8,     /* "bad-factor" */
    DSG_LOCK_ERR_OUTCOME = 9     /* "bad-outcome" */
} dsg_lock_status;

typedef struct dsg_lock_counter {
    uint32_t failures;           /* consecutive failures of the current run */
    int64_t first_failure;       /* when the run began; DSG_LOCK_NEVER if none */
} dsg_lock_counter;

/* Per account. Times are seconds since 1970-01-01T00:00:00Z (UTC). */
typedef struct dsg_lock {
    dsg_lock_counter factor[DSG_LOCK_FACTOR_COUNT];   /* [dsg_lock_factor] */
    int64_t locked_until;        /* locked while now < locked_until; INT64_MAX: until unlocked */
    uint64_t generation;         /* grows at every lock */
} dsg_lock;

/* auth.lockout_threshold, auth.lockout_window, auth.lockout_duration. */
typedef struct dsg_lock_policy {
    uint32_t threshold;          /* failures that lock */
    int64_t window;              /* seconds */
    int64_t duration;            /* seconds */
} dsg_lock_policy;

#include "acsl/lockout.acsl.h"

/* The C twin of dsg_lock_ok. @relation(REQ-MFA-011) */
/*@ requires \valid_read(st);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_lock_ok(st);
*/
__attribute__((warn_unused_result))
int dsg_lock_is_valid(const dsg_lock *st);

/* A new account's state: no failure, never locked, generation 0.
 * @relation(REQ-MFA-011) */
/*@ requires \valid(st);
    assigns *st;
    ensures dsg_lock_ok(st) && dsg_lock_all_clear(st);
    ensures st->locked_until == DSG_LOCK_NEVER && st->generation == 0;
*/
void dsg_lock_init(dsg_lock *st);

/* DSG_LOCK_OK for a policy in range, else the error of its first field
 * out of range. @relation(REQ-MFA-011) */
/*@ requires \valid_read(p);
    assigns \nothing;
    ensures \result == DSG_LOCK_OK || \result == DSG_LOCK_ERR_THRESHOLD ||
            \result == DSG_LOCK_ERR_WINDOW || \result == DSG_LOCK_ERR_DURATION;
    ensures \result == DSG_LOCK_OK <==> dsg_lock_policy_ok(p);
    ensures \result == DSG_LOCK_ERR_THRESHOLD <==> !dsg_lock_threshold_ok(p->threshold);
    ensures \result == DSG_LOCK_ERR_WINDOW <==>
              dsg_lock_threshold_ok(p->threshold) && !dsg_lock_window_ok(p->window);
*/
__attribute__((warn_unused_result))
dsg_lock_status dsg_lock_policy_check(const dsg_lock_policy *p);

/* LOCKED while now < locked_until (always, when locked_until is
 * INT64_MAX), and for a malformed struct (fail closed); OPEN otherwise. @relation(REQ-MFA-011) */
/*@ requires \valid_read(st);
    assigns \nothing;
    ensures \result == DSG_LOCK_OPEN || \result == DSG_LOCK_LOCKED;
    behavior open:
      assumes dsg_lock_ok(st) && !dsg_lock_locked_at(st, now);
      ensures \result == DSG_LOCK_OPEN;
    behavior locked:
      assumes !dsg_lock_ok(st) || dsg_lock_locked_at(st, now);
      ensures \result == DSG_LOCK_LOCKED;
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_lock_verdict dsg_lock_check(const dsg_lock *st, int64_t now);

/* 1 when a half-finished login of generation gen may go on at now: the
 * account is open and no lock happened since the login began.
 * @relation(REQ-MFA-011) */
/*@ requires \valid_read(st);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==>
              dsg_lock_ok(st) && !dsg_lock_locked_at(st, now) && gen == st->generation;
*/
__attribute__((warn_unused_result))
int dsg_lock_login_current(const dsg_lock *st, int64_t now, uint64_t gen);

/* Records the outcome of one credential step of factor f at now, for a
 * login of generation gen. See the rules above. Any result other than
 * DSG_LOCK_OK and DSG_LOCK_NOW_LOCKED leaves *st untouched.
 * @relation(REQ-MFA-011) */
/*@ requires \valid(st) && \valid_read(p);
    requires \separated(st, p);
    assigns *st;
    ensures \result == DSG_LOCK_OK || \result == DSG_LOCK_NOW_LOCKED ||
            \result == DSG_LOCK_DENIED || \result == DSG_LOCK_STALE ||
            \result == DSG_LOCK_ERR_STATE || \result == DSG_LOCK_ERR_THRESHOLD ||
            \result == DSG_LOCK_ERR_WINDOW || \result == DSG_LOCK_ERR_DURATION ||
            \result == DSG_LOCK_ERR_FACTOR || \result == DSG_LOCK_ERR_OUTCOME;
    ensures \old(dsg_lock_decides(st, p, f, o, now, gen, \result));
    behavior refused:
      assumes !dsg_lock_decides(st, p, f, o, now, gen, DSG_LOCK_OK) &&
              !dsg_lock_decides(st, p, f, o, now, gen, DSG_LOCK_NOW_LOCKED);
      ensures \result != DSG_LOCK_OK && \result != DSG_LOCK_NOW_LOCKED;
      ensures dsg_lock_same{Pre,Post}(st);
    behavior success:
      assumes dsg_lock_decides(st, p, f, o, now, gen, DSG_LOCK_OK);
      assumes o == DSG_LOCK_SUCCESS;
      ensures \result == DSG_LOCK_OK;
      ensures dsg_lock_counter_clear(st, f);
      ensures dsg_lock_others_same{Pre,Post}(st, f);
      ensures dsg_lock_ok(st);
    behavior counted:
      assumes dsg_lock_decides(st, p, f, o, now, gen, DSG_LOCK_OK);
      assumes o == DSG_LOCK_FAILURE;
      ensures \result == DSG_LOCK_OK;
      ensures st->factor[f].failures == \old(dsg_lock_next_count(st, f, now, p->window));
      ensures st->factor[f].first_failure ==
                \old(dsg_lock_next_first(st, f, now, p->window));
      ensures st->factor[f].failures < p->threshold;
      ensures !\old(dsg_lock_continues(st, f, now, p->window)) ==>
                st->factor[f].failures == 1 && st->factor[f].first_failure == now;
      ensures dsg_lock_others_same{Pre,Post}(st, f);
      ensures dsg_lock_ok(st);
    behavior locks:
      assumes dsg_lock_decides(st, p, f, o, now, gen, DSG_LOCK_NOW_LOCKED);
      ensures \result == DSG_LOCK_NOW_LOCKED;
      ensures \old(dsg_lock_next_count(st, f, now, p->window)) >= p->threshold;
      ensures st->locked_until == dsg_lock_until(now, p->duration);
      ensures dsg_lock_locked_at(st, now);
      ensures st->generation == \old(st->generation) + 1;
      ensures dsg_lock_all_clear(st);
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_lock_status dsg_lock_record(dsg_lock *st, const dsg_lock_policy *p,
                                uint32_t f, uint32_t o, int64_t now, uint64_t gen);

/* An administrator's unlock (`dsgctl account unlock`, logged by the role):
 * open now, every counter cleared, the generation kept. DSG_LOCK_ERR_STATE
 * and nothing written for a malformed struct. @relation(REQ-MFA-011) */
/*@ requires \valid(st);
    assigns *st;
    ensures \result == DSG_LOCK_OK || \result == DSG_LOCK_ERR_STATE;
    behavior unlocked:
      assumes dsg_lock_ok(st);
      ensures \result == DSG_LOCK_OK;
      ensures st->locked_until == DSG_LOCK_NEVER && dsg_lock_all_clear(st);
      ensures st->generation == \old(st->generation);
      ensures dsg_lock_ok(st);
    behavior malformed:
      assumes !dsg_lock_ok(st);
      ensures \result == DSG_LOCK_ERR_STATE;
      ensures dsg_lock_same{Pre,Post}(st);
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_lock_status dsg_lock_admin_unlock(dsg_lock *st);

/* 1 when the role must answer a credential step as failed: every status
 * but DSG_LOCK_OK with a SUCCESS outcome. A wrong credential, a lock, a
 * stale login and an error all give 1, so the role has one answer for them
 * (REQ-MFA-012). @relation(REQ-MFA-012) */
/*@ assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 0 <==> s == DSG_LOCK_OK && o == DSG_LOCK_SUCCESS;
*/
__attribute__((warn_unused_result))
int dsg_lock_refuses(uint32_t s, uint32_t o);

/* A lowercase name for a status ("ok" .. "bad-outcome"; "unknown" outside
 * the enum), for the role's logs. @relation(REQ-MFA-011) */
/*@ assigns \result \from s;
    ensures \valid_read(\result);
*/
const char *dsg_lock_status_name(uint32_t s);

#endif
