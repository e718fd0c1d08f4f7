/* Restart backoff: exponential, capped, reset after a long enough run; and
 * the burst limit that marks a crash-looping role failed. */
#include "run/backoff.h"

uint32_t dsgd_backoff_next(uint32_t prev_ms, uint64_t uptime_ms, uint32_t initial_ms,
                           uint32_t max_ms, uint64_t reset_ms)
{
    uint64_t next;

    if (initial_ms > max_ms)
        return max_ms;
    if (prev_ms == 0u || uptime_ms >= reset_ms)
        return initial_ms;
    next = (uint64_t)prev_ms * 2u;
    if (next < initial_ms)
        next = initial_ms;
    if (next > max_ms)
        next = max_ms;
    return (uint32_t)next;
}

/* Drops the exits that lie interval_ms or more before now_ms. */
static void forget_old(dsgd_exit_window *w, uint64_t now_ms, uint64_t interval_ms)
{
    uint32_t keep = 0;
    if (w->n > DSGD_BURST_MAX + 1u)
        w->n = DSGD_BURST_MAX + 1u;
    for (uint32_t i = 0; i < w->n; i++)
        if (w->at[i] <= now_ms && now_ms - w->at[i] < interval_ms)
            w->at[keep++] = w->at[i];
    w->n = keep;
}

int dsgd_exit_window_add(dsgd_exit_window *w, uint64_t now_ms, uint32_t burst,
                         uint64_t interval_ms)
{
    if (burst > DSGD_BURST_MAX)
        burst = DSGD_BURST_MAX;
    forget_old(w, now_ms, interval_ms);
    if (w->n == DSGD_BURST_MAX + 1u) {   /* full: the oldest makes room */
        for (uint32_t i = 1; i < w->n; i++)
            w->at[i - 1] = w->at[i];
        w->n--;
    }
    w->at[w->n++] = now_ms;
    return w->n > burst;
}
