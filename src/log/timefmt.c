/* UTC RFC 3339 timestamps with milliseconds: see timefmt.h. */
#define _POSIX_C_SOURCE 200809L
#include "log/timefmt.h"

#include "core/rfc3339.h"

#include <string.h>
#include <time.h>

size_t dsg_time_rfc3339_ms(char *out, size_t size, int64_t sec, int64_t nsec)
{
    return dsg_rfc3339_ms(out, size, sec, nsec);   /* the proved core module */
}

/* The HTTP date is read off the proved RFC 3339 form, so that the civil
 * date is computed in one place: "YYYY-MM-DDTHH:MM:SS.mmmZ" gives the
 * year (0..3), month (5..6), day (8..9) and time (11..18). */
size_t dsg_time_imf_fixdate(char *out, size_t size, int64_t sec)
{
    static const char wday[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
    static const char mon[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    char t[DSG_RFC3339_LEN + 1];
    if (size < 30 || dsg_rfc3339_ms(t, sizeof t, sec, 0) != DSG_RFC3339_LEN)
        return 0;
    int64_t days = sec >= 0 ? sec / 86400 : (sec - 86399) / 86400;
    int64_t wd = (days + 4) % 7;   /* 1970-01-01 was a Thursday */
    int month = (t[5] - '0') * 10 + (t[6] - '0');   /* 1..12: the proved contract */
    memcpy(out, wday[wd < 0 ? wd + 7 : wd], 3);
    memcpy(out + 3, ", ", 2);
    memcpy(out + 5, t + 8, 2);            /* DD */
    out[7] = ' ';
    memcpy(out + 8, mon[month - 1], 3);
    out[11] = ' ';
    memcpy(out + 12, t, 4);               /* YYYY */
    out[16] = ' ';
    memcpy(out + 17, t + 11, 8);          /* HH:MM:SS */
    memcpy(out + 25, " GMT", 5);          /* with the NUL */
    return 29;
}

size_t dsg_time_now_rfc3339_ms(char *out, size_t size)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return 0;
    return dsg_time_rfc3339_ms(out, size, ts.tv_sec, ts.tv_nsec);
}
