/* A storage role's answer to a dsgctl command: see role_answer.h. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/audit_out.h"
#include "run/log.h"
#include "run/role_answer.h"

#define EX_USAGE 64
#define EX_SOFTWARE 70
#define EX_TEMPFAIL 75   /* the change's record was not stored (REQ-LOG-008) */
#define PART_MAX 60000u  /* bytes of one ROLE_PART, under DSGD_BUS_BODY_MAX */

static dsgd_chan *bus;   /* set by the first command */

/* The answer being sent: a report, possibly after pieces. */
static struct {
    char *data;              /* the output, malloc'ed; NULL: none */
    size_t len, sent;
    int active;              /* an answer is going out */
    int waiting;             /* its report waits for the record of ticket */
    uint32_t ticket;
    const char *store;       /* what has the change if its record is lost */
    uint8_t status;
    int short_of_memory;     /* a piece of the output could not be kept */
    char text[DSGD_ANSWER_REPORT_MAX];   /* the report's text (after the pieces) */
} out;

void dsgd_answer_reset(void)
{
    free(out.data);
    memset(&out, 0, sizeof out);
}

int dsgd_answer_begin(dsgd_chan *chan)
{
    if (out.active)
        return -1;
    bus = chan;
    return 0;
}

void dsgd_answer_put_bytes(const uint8_t *b, size_t n)
{
    char *grown = realloc(out.data, out.len + n + 1);
    if (grown == NULL) {
        out.short_of_memory = 1;   /* finish fails the command instead */
        return;
    }
    memcpy(grown + out.len, b, n);
    grown[out.len + n] = '\0';
    out.data = grown;
    out.len += n;
}

void dsgd_answer_put(const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;
    va_start(ap, fmt);
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0) {
        out.short_of_memory = 1;
        return;
    }
    dsgd_answer_put_bytes((const uint8_t *)s, (size_t)n);
    free(s);
}

/* The report ends the answer; without room on the bus it waits for the
 * next pump. */
static void send_report(void)
{
    uint8_t msg[1 + DSGD_ANSWER_REPORT_MAX];
    size_t n = strlen(out.text);
    msg[0] = out.status;
    memcpy(msg + 1, out.text, n);
    int r = dsgd_bus_send(bus, DSGD_MSG_ROLE_REPORT, msg, n + 1);
    if (r > 0)
        return;
    if (r < 0)
        dsgd_log("cannot send a command's report");
    dsgd_answer_reset();
}

void dsgd_answer_pump(void)
{
    if (!out.active || out.waiting || bus == NULL)
        return;
    if (out.len <= DSGD_ANSWER_REPORT_MAX - 1 && out.sent == 0) {
        if (out.len > 0)
            memcpy(out.text, out.data, out.len + 1);
        send_report();
        return;
    }
    while (out.sent < out.len && dsgd_bus_room(bus) == DSGD_BUS_WINDOW) {
        size_t n = out.len - out.sent < PART_MAX ? out.len - out.sent : PART_MAX;
        if (dsgd_bus_send(bus, DSGD_MSG_ROLE_PART, (const uint8_t *)out.data + out.sent, n) != 0)
            break;
        out.sent += n;
    }
    if (out.sent == out.len && dsgd_bus_room(bus) == DSGD_BUS_WINDOW)
        send_report();
}

int dsgd_answer_ready(void)
{
    if (!out.active || out.waiting || bus == NULL)
        return 0;
    int streamed = out.len > DSGD_ANSWER_REPORT_MAX - 1 || out.sent > 0;   /* pieces wait for all credit */
    return dsgd_bus_room(bus) >= (streamed ? DSGD_BUS_WINDOW : 1u);
}

/* Drops the output: a failure's text is its whole answer. */
static void drop_output(void)
{
    free(out.data);
    out.data = NULL;
    out.len = 0;
}

int dsgd_answer_finish(uint8_t status, const char *fmt, ...)
{
    va_list ap;
    out.status = status;
    va_start(ap, fmt);
    vsnprintf(out.text, sizeof out.text, fmt, ap);
    va_end(ap);
    if (out.short_of_memory && status == 0) {
        out.status = status = EX_SOFTWARE;
        snprintf(out.text, sizeof out.text, "error out_of_memory the answer could not be kept\n");
    }
    if (status != 0)
        drop_output();
    out.active = 1;
    dsgd_answer_pump();
    return 0;
}

void dsgd_answer_wait_for(uint32_t ticket, const char *store)
{
    int lost = ticket == 0 || (out.waiting && out.ticket == 0);
    out.ticket = lost ? 0 : ticket;   /* records are stored in order: the last one covers all */
    out.waiting = 1;
    out.store = store;
}

void dsgd_answer_audited(void)
{
    if (!out.waiting)
        return;
    dsgd_audit_fate fate = out.ticket == 0 ? DSGD_AUDIT_UNSTORED : dsgd_audit_out_fate(out.ticket);
    if (fate == DSGD_AUDIT_PENDING)
        return;
    out.waiting = 0;
    if (fate != DSGD_AUDIT_STORED) {
        out.status = EX_TEMPFAIL;
        snprintf(out.text, sizeof out.text,
                 "error audit-unavailable %s has the change, but its record was not stored: "
                 "see the master's log\n", out.store != NULL ? out.store : "the database");
        drop_output();
    }
    dsgd_answer_pump();
}

int dsgd_answer_flags(const char *cmd, const char *args, const char *const *names, int *set,
                      int n)
{
    char copy[64], *save = NULL;
    snprintf(copy, sizeof copy, "%s", args);
    for (char *t = strtok_r(copy, " ", &save); t != NULL; t = strtok_r(NULL, " ", &save)) {
        int f = 0;
        while (f < n && strcmp(t, names[f]) != 0)
            f++;
        if (f == n) {
            if (n == 1)
                dsgd_answer_finish(EX_USAGE, "error bad_argument %s: %s takes %s\n", t, cmd,
                                   names[0]);
            else
                dsgd_answer_finish(EX_USAGE, "error bad_argument %s: %s takes %s and %s\n", t,
                                   cmd, names[0], names[1]);
            return -1;
        }
        set[f] = 1;
    }
    return 0;
}
