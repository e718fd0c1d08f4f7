/*
 * The backup retention decision (REQ-BKUP-018, for REQ-BKUP-008): which
 * backups of a destination the retention job deletes. A backup is deleted
 * only when all of these hold: it is older than retention_days by now
 * (now - start > days * 86400); it is not among the newest min_count
 * verified backups; no backup that is kept depends on it. A running
 * backup, and one whose state is unknown, is never deleted. Nothing is
 * deleted when the clock is not synchronised, or when now is earlier than
 * the newest backup's start (a clock set back would make every backup
 * young, a clock set forward would make every backup old: only the first
 * is detectable, and the job then stops).
 *
 * "Newer" orders backups by start time, ties by index, so exactly
 * min_count verified backups (or all, when fewer) are protected whatever
 * the order of the list.
 *
 * Pure function over caller-owned memory: no allocation, no I/O.
 */
#ifndef DSG_CORE_BKUP_RETAIN_H
#define DSG_CORE_BKUP_RETAIN_H

#include <stddef.h>
#include <stdint.h>

#define DSG_BKR_MAX 4096u              /* backups judged at once */
#define DSG_BKR_DEPS_MAX 131072u       /* dependencies: 32 a backup (manifest) */
#define DSG_BKR_DAYS_MAX 36500u        /* retention_days */
#define DSG_BKR_TIME_MAX 253402300799   /* 9999-12-31T23:59:59Z */

typedef enum dsg_bkr_state {
    DSG_BKR_VERIFIED = 0,   /* a backup that passed its verification */
    DSG_BKR_FAILED = 1,     /* a failed run: its state file and leftovers */
    DSG_BKR_RUNNING = 2,    /* a run going on: never deleted */
    DSG_BKR_UNKNOWN = 3     /* unreadable state: never deleted */
} dsg_bkr_state;

typedef struct dsg_bkr_item {
    int64_t time;      /* its start (the ID), Unix seconds */
    uint32_t state;    /* dsg_bkr_state */
} dsg_bkr_item;

/* Backup from depends on backup to (indexes of the list). */
typedef struct dsg_bkr_dep {
    uint32_t from, to;
} dsg_bkr_dep;

typedef struct dsg_bkr_policy {
    int64_t now;          /* the server's clock, Unix seconds */
    int64_t newest;       /* the newest backup's start, -1 for none */
    uint32_t days;        /* bkup.retention_days */
    uint32_t min_count;   /* bkup.retention_min_count */
    int synced;           /* the clock is synchronised (REQ-NTP-003) */
} dsg_bkr_policy;

typedef enum dsg_bkr_status {
    DSG_BKR_OK = 0,         /* del[] holds the decision */
    DSG_BKR_UNSYNCED = 1,   /* the clock is not synchronised: nothing deleted */
    DSG_BKR_BEHIND = 2,     /* now before the newest backup: nothing deleted */
    DSG_BKR_ERR_ARGS = 3    /* counts, days, times or indexes out of range: nothing deleted */
} dsg_bkr_status;

/*@
  // The verified backups among b[0..k) newer than b[i]: a later start,
  // or the same start and a higher index.
  logic integer dsg_bkr_nv{L}(dsg_bkr_item *b, integer i, integer k) =
    k <= 0 ? 0
           : dsg_bkr_nv(b, i, k - 1) +
             ((b[k - 1].state == DSG_BKR_VERIFIED &&
               (b[k - 1].time > b[i].time || (b[k - 1].time == b[i].time && k - 1 > i))) ? 1 : 0);

  predicate dsg_bkr_old{L}(dsg_bkr_item *b, integer i, dsg_bkr_policy *p) =
    p->now - b[i].time > p->days * 86400;

  // Among the newest min_count verified backups.
  predicate dsg_bkr_protected{L}(dsg_bkr_item *b, integer n, integer i, dsg_bkr_policy *p) =
    b[i].state == DSG_BKR_VERIFIED && dsg_bkr_nv(b, i, n) < p->min_count;

  // What age and count allow: the dependencies come on top.
  predicate dsg_bkr_may_delete{L}(dsg_bkr_item *b, integer n, integer i, dsg_bkr_policy *p) =
    (b[i].state == DSG_BKR_VERIFIED || b[i].state == DSG_BKR_FAILED) &&
    dsg_bkr_old(b, i, p) && !dsg_bkr_protected(b, n, i, p);

  predicate dsg_bkr_args_ok{L}(dsg_bkr_item *b, integer n, dsg_bkr_dep *d, integer nd,
                               dsg_bkr_policy *p) =
    n <= DSG_BKR_MAX && nd <= DSG_BKR_DEPS_MAX && p->days <= DSG_BKR_DAYS_MAX &&
    0 <= p->now <= DSG_BKR_TIME_MAX && -1 <= p->newest <= DSG_BKR_TIME_MAX &&
    (\forall integer i; 0 <= i < n ==> 0 <= b[i].time <= DSG_BKR_TIME_MAX) &&
    (\forall integer e; 0 <= e < nd ==> d[e].from < n && d[e].to < n);

  predicate dsg_bkr_behind{L}(dsg_bkr_item *b, integer n, dsg_bkr_policy *p) =
    p->now < p->newest || (\exists integer i; 0 <= i < n && b[i].time > p->now);

  // No kept backup depends on a deleted one.
  predicate dsg_bkr_closed{L}(dsg_bkr_dep *d, integer nd, uint8_t *del) =
    \forall integer e; 0 <= e < nd ==> del[d[e].from] == 0 ==> del[d[e].to] == 0;

  predicate dsg_bkr_none{L}(uint8_t *del, integer n) =
    \forall integer i; 0 <= i < n ==> del[i] == 0;
*/

/* Decides, for each backup b[i], del[i] = 1 (delete) or 0 (keep). Every
 * del[0..n) is written; on any status but OK all are 0.
 * @relation(REQ-BKUP-018) */
/*@ requires \valid_read(b + (0 .. n - 1)) && \valid_read(d + (0 .. nd - 1));
    requires \valid_read(p) && \valid(del + (0 .. n - 1));
    requires \separated(del + (0 .. n - 1), b + (0 .. n - 1), d + (0 .. nd - 1), p);
    assigns del[0 .. n - 1];
    ensures \result == DSG_BKR_OK || dsg_bkr_none(del, n);
    behavior bad_args:
      assumes !dsg_bkr_args_ok(b, n, d, nd, p);
      ensures \result == DSG_BKR_ERR_ARGS;
    behavior unsynced:
      assumes dsg_bkr_args_ok(b, n, d, nd, p) && p->synced == 0;
      ensures \result == DSG_BKR_UNSYNCED;
    behavior behind:
      assumes dsg_bkr_args_ok(b, n, d, nd, p) && p->synced != 0 && dsg_bkr_behind(b, n, p);
      ensures \result == DSG_BKR_BEHIND;
    behavior decided:
      assumes dsg_bkr_args_ok(b, n, d, nd, p) && p->synced != 0 && !dsg_bkr_behind(b, n, p);
      ensures \result == DSG_BKR_OK;
      ensures \forall integer i; 0 <= i < n ==> del[i] == 0 || del[i] == 1;
      ensures \forall integer i; 0 <= i < n && del[i] == 1 ==> dsg_bkr_may_delete(b, n, i, p);
      ensures dsg_bkr_closed(d, nd, del);
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_bkr_status dsg_bkr_decide(const dsg_bkr_item *b, size_t n, const dsg_bkr_dep *d, size_t nd,
                              const dsg_bkr_policy *p, uint8_t *del);

/* The verified backups newer than b[i] (the C twin of dsg_bkr_nv).
 * @relation(REQ-BKUP-018) */
/*@ requires n <= DSG_BKR_MAX && i < n && \valid_read(b + (0 .. n - 1));
    assigns \nothing;
    ensures \result == dsg_bkr_nv(b, i, n);
*/
uint32_t dsg_bkr_newer_verified(const dsg_bkr_item *b, size_t n, size_t i);

/* A stable token for a status, e.g. "clock-unsynchronised".
 * @relation(REQ-BKUP-018) */
/*@ assigns \nothing;
    ensures \valid_read(\result);
*/
const char *dsg_bkr_status_token(dsg_bkr_status s);

#endif
