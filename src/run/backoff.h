/*
 * Restart backoff and the restart burst limit for supervised workers: pure
 * arithmetic, no I/O.
 */
#ifndef DSGD_BACKOFF_H
#define DSGD_BACKOFF_H

#include <stdint.h>

/* The delay before restarting a worker that just exited, given the delay
 * used for its previous restart (0: never restarted), how long it stayed up,
 * the initial delay, the cap and the uptime that resets the backoff.
 * First restart, or up for at least reset_ms: initial. Otherwise the
 * previous delay doubled, never above max (nor below initial); an initial
 * above max gives max. @relation(REQ-RUN-034) */
__attribute__((warn_unused_result))
uint32_t dsgd_backoff_next(uint32_t prev_ms, uint64_t uptime_ms, uint32_t initial_ms,
                           uint32_t max_ms, uint64_t reset_ms);

/* The exits of one role within the last dsgd.restart_interval (REQ-RUN-008),
 * oldest first; at most DSGD_BURST_MAX + 1 are kept, one more than the
 * largest dsgd.restart_burst the registry allows. */
#define DSGD_BURST_MAX 1000u

typedef struct dsgd_exit_window {
    uint64_t at[DSGD_BURST_MAX + 1];   /* monotonic ms of each exit, ascending */
    uint32_t n;
} dsgd_exit_window;

/* Records an exit at now_ms, forgets exits interval_ms or more before it,
 * and returns 1 when more than burst exits (burst clamped to
 * DSGD_BURST_MAX) now lie within the interval, else 0. An empty window is
 * all zero. @relation(REQ-RUN-008) */
__attribute__((warn_unused_result))
int dsgd_exit_window_add(dsgd_exit_window *w, uint64_t now_ms, uint32_t burst,
                         uint64_t interval_ms);

#endif
