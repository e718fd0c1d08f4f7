/* UTC RFC 3339 timestamps with milliseconds: see timefmt.h. */
#define _POSIX_C_SOURCE 200809L
#include "log/timefmt.h"

#include "core/rfc3339.h"

#include <stdio.h>
#include <time.h>

/* Civil date from days since 1970-01-01 (H. Hinnant's algorithm), for the
 * HTTP date; the RFC 3339 times use the proved src/core/rfc3339.c. */
static void civil(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

size_t dsg_time_rfc3339_ms(char *out, size_t size, int64_t sec, int64_t nsec)
{
    return dsg_rfc3339_ms(out, size, sec, nsec);   /* the proved core module */
}

size_t dsg_time_imf_fixdate(char *out, size_t size, int64_t sec)
{
    static const char wday[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
    static const char mon[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    if (sec < -62167219200 || sec > 253402300799)
        return 0;
    int64_t days = sec >= 0 ? sec / 86400 : (sec - 86399) / 86400;
    int64_t rem = sec - days * 86400;
    int64_t wd = (days + 4) % 7;   /* 1970-01-01 was a Thursday */
    int64_t y;
    unsigned m, d;
    civil(days, &y, &m, &d);
    int n = snprintf(out, size, "%s, %02u %s %04d %02d:%02d:%02d GMT", wday[wd < 0 ? wd + 7 : wd],
                     d, mon[m - 1], (int)y, (int)(rem / 3600), (int)(rem / 60 % 60),
                     (int)(rem % 60));
    if (n < 0 || (size_t)n >= size)
        return 0;
    return (size_t)n;
}

size_t dsg_time_now_rfc3339_ms(char *out, size_t size)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return 0;
    return dsg_time_rfc3339_ms(out, size, ts.tv_sec, ts.tv_nsec);
}
