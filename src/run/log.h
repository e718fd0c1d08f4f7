/*
 * dsgd's log: one line per event on stderr, each prefixed with a UTC
 * RFC 3339 timestamp with milliseconds and the process that logs it.
 */
#ifndef DSGD_LOG_H
#define DSGD_LOG_H

#include <stddef.h>
#include <stdint.h>

/* Sets the name shown after the timestamp, e.g. "master". With raw set
 * (workers) lines carry no prefix: the master, which reads a worker's
 * stderr, adds the timestamp and "role[pid]:" itself, so a worker cannot
 * write a line that looks like the master's. @relation(REQ-RUN-030) */
void dsgd_log_init(const char *who, int raw);

/* One line: "2026-11-26T02:07:27.123Z dsgd[pid] who: message", a control
 * byte of the message (a newline a quoted value carried) shown as "?", so
 * that no message can begin another line. Uses write(2) only after
 * formatting, so it works under the sandbox.
 * @relation(REQ-RUN-030) */
void dsgd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A worker's security alert (REQ-STOR-015): a log line starting "ALERT: ",
 * which the master, reading the worker's log pipe, raises as its own alert
 * (LOG_ALERT on the host's syslog, outside logd). @relation(REQ-STOR-015) */
void dsgd_log_alert(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Formats a CLOCK_REALTIME time as RFC 3339 UTC with milliseconds into
 * out (at least 25 bytes); returns the length or 0 if it does not fit.
 * @relation(REQ-RUN-030) */
size_t dsgd_log_timestamp(char *out, size_t size, int64_t sec, int64_t nsec);

/* Monotonic milliseconds. @relation(REQ-RUN-030) */
uint64_t dsgd_now_ms(void);

#endif
