/*
 * Restart backoff for supervised workers: pure arithmetic, no I/O.
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

#endif
