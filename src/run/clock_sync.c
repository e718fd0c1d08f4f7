/* The host clock's synchronisation: see clock_sync.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/timex.h>

#include "run/clock_sync.h"

dsgd_clock_verdict dsgd_clock_judge(const dsgd_clock_state *s, uint32_t max_offset_ms)
{
    if (s->rc < 0)
        return DSGD_CLOCK_NO_ANSWER;
    if (s->rc == TIME_ERROR)
        return DSGD_CLOCK_TIME_ERROR;
    if ((s->status & STA_UNSYNC) != 0)
        return DSGD_CLOCK_STA_UNSYNC;
    if (s->maxerror_us < 0 || (uint64_t)s->maxerror_us > (uint64_t)max_offset_ms * 1000u)
        return DSGD_CLOCK_MAXERROR;
    return DSGD_CLOCK_SYNCED;
}

void dsgd_clock_read(dsgd_clock_state *s)
{
    struct timex t;
    memset(&t, 0, sizeof t);   /* modes 0: read only */
    s->rc = ntp_adjtime(&t);
    s->status = s->rc < 0 ? 0 : t.status;
    s->maxerror_us = s->rc < 0 ? -1 : t.maxerror;
    s->esterror_us = s->rc < 0 ? -1 : t.esterror;
}

void dsgd_clock_describe(const dsgd_clock_state *s, dsgd_clock_verdict v, char *out, size_t n)
{
    const char *what = v == DSGD_CLOCK_SYNCED        ? "synchronised"
                       : v == DSGD_CLOCK_NO_ANSWER   ? "unknown: ntp_adjtime failed"
                       : v == DSGD_CLOCK_MAXERROR    ? "unsynchronised: maximum error above ntp.max_offset"
                                                     : "unsynchronised";
    snprintf(out, n, "the kernel reports the clock %s (%s%s, maximum error %ld.%06ld s)", what,
             s->rc == TIME_ERROR ? "TIME_ERROR" : s->rc < 0 ? "no state" : "state ok",
             (s->status & STA_UNSYNC) != 0 ? ", STA_UNSYNC set" : "",
             s->maxerror_us < 0 ? 0L : s->maxerror_us / 1000000L,
             s->maxerror_us < 0 ? 0L : s->maxerror_us % 1000000L);
}
