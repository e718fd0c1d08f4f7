/* dsgd's log lines: UTC RFC 3339 timestamps with milliseconds (DESIGN 5). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log/timefmt.h"
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

/* The formatter is shared with the audit trail (src/log/timefmt.c). */
size_t dsgd_log_timestamp(char *out, size_t size, int64_t sec, int64_t nsec)
{
    return dsg_time_rfc3339_ms(out, size, sec, nsec);
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
    for (size_t i = 0; i < n; i++)   /* one line, whatever a message quotes */
        if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
            line[i] = '?';
    line[n++] = '\n';
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(2, line + off, n - off);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
}

void dsgd_log_alert(const char *fmt, ...)
{
    char msg[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    dsgd_log("ALERT: %s", msg);
}
