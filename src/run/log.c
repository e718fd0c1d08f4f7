/* dsgd's log lines: UTC RFC 3339 timestamps with milliseconds (DESIGN 5). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "run/log.h"

static char log_who[32] = "dsgd";
static pid_t log_pid;
static int log_raw;

void dsgd_log_init(const char *who, int raw)
{
    snprintf(log_who, sizeof log_who, "%s", who);
    log_pid = getpid();
    log_raw = raw;
}

/* Civil date from days since 1970-01-01 (H. Hinnant's algorithm): no
 * gmtime_r, so no time-zone file is ever opened, even in a chroot. */
static void civil(int64_t days, int *y, unsigned *m, unsigned *d)
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

size_t dsgd_log_timestamp(char *out, size_t size, int64_t sec, int64_t nsec)
{
    int64_t days = sec >= 0 ? sec / 86400 : (sec - 86399) / 86400;
    int64_t rem = sec - days * 86400;
    int y;
    unsigned m, d;
    civil(days, &y, &m, &d);
    int n = snprintf(out, size, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", y, m, d,
                     (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60),
                     (int)(nsec / 1000000));
    if (n < 0 || (size_t)n >= size)
        return 0;
    return (size_t)n;
}

size_t dsgd_imf_date(char *out, size_t size, int64_t sec)
{
    static const char wday[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
    static const char mon[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    int64_t days = sec >= 0 ? sec / 86400 : (sec - 86399) / 86400;
    int64_t rem = sec - days * 86400;
    int64_t wd = (days + 4) % 7;   /* 1970-01-01 was a Thursday */
    int y;
    unsigned m, d;
    civil(days, &y, &m, &d);
    int n = snprintf(out, size, "%s, %02u %s %04d %02d:%02d:%02d GMT", wday[wd < 0 ? wd + 7 : wd],
                     d, mon[m - 1], y, (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
    if (n < 0 || (size_t)n >= size)
        return 0;
    return (size_t)n;
}

uint64_t dsgd_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void dsgd_log(const char *fmt, ...)
{
    char line[1024];
    struct timespec ts;
    va_list ap;
    size_t n;
    int k;

    n = 0;
    if (!log_raw) {
        clock_gettime(CLOCK_REALTIME, &ts);
        n = dsgd_log_timestamp(line, sizeof line, ts.tv_sec, ts.tv_nsec);
        k = snprintf(line + n, sizeof line - n, " dsgd[%d] %s: ", (int)log_pid, log_who);
        if (k > 0)
            n += (size_t)k;
    }
    va_start(ap, fmt);
    k = vsnprintf(line + n, sizeof line - n, fmt, ap);
    va_end(ap);
    if (k > 0)
        n += (size_t)k;
    if (n > sizeof line - 2)
        n = sizeof line - 2;
    line[n++] = '\n';
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(2, line + off, n - off);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
}
