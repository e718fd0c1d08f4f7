/* Restart backoff: exponential, capped, reset after a long enough run. */
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
