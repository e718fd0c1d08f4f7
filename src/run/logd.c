/* The logd worker's audit store: see logd.h. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/config.h"
#include "log/audit_wire.h"
#include "run/audit_out.h"
#include "run/bus.h"
#include "run/log.h"
#include "run/logd.h"

static dsg_audit *store;
static uint64_t interval_ms;     /* log.checkpoint_interval */
static uint64_t due;             /* dsgd_now_ms() of the next timed checkpoint; 0: none */

static void record_system(const char *event, const char *detail)
{
    char err[512];
    uint64_t seq = 0;
    dsg_audit_field f[2] = {
        { "event", (const uint8_t *)event, strlen(event) },
        { "detail", (const uint8_t *)detail, detail != NULL ? strlen(detail) : 0 },
    };
    if (dsg_audit_append(store, "logd", DSG_AUDIT_TYPE_SYSTEM, f, detail != NULL ? 2 : 1, &seq,
                         err, sizeof err) != 0)
        dsgd_log("audit: cannot record '%s': %s", event, err);
    else
        dsgd_log("audit: recorded logd %s (seq %llu)", event, (unsigned long long)seq);
}

static void arm(void)
{
    if (due == 0 && dsg_audit_unanchored(store) > 0)
        due = dsgd_now_ms() + interval_ms;
}

int dsgd_logd_start(const char *dir, char *err, size_t n)
{
    dsg_audit_opts o;
    dsg_config *c = malloc(sizeof *c);
    dsg_audit_opts_default(&o);
    interval_ms = 60000;
    if (c != NULL && dsg_config_defaults(c) == 0)
        interval_ms = c->v[DSG_CFG_LOG_CHECKPOINT_INTERVAL].num;
    free(c);
    if (dsg_audit_open(dir, &o, &store, err, n) != 0)
        return -1;
    dsgd_log("audit: store open (checkpoint every %u records or %llu ms, fields cut at %u bytes)",
             o.checkpoint_records, (unsigned long long)interval_ms, o.max_field_bytes);
    record_system("started", NULL);
    arm();
    return 0;
}

int dsgd_logd_append(const char *source, uint32_t type, const dsg_audit_field *fields,
                     size_t nfields, uint64_t *seq, char *err, size_t n)
{
    if (store == NULL) {
        snprintf(err, n, "the audit store is not open");
        return -1;
    }
    int rc = dsg_audit_append(store, source, type, fields, nfields, seq, err, n);
    arm();
    return rc;
}

/* One record from a role: its items after the (empty) source and time are
 * name/value pairs; names become C strings for the store. */
static int append_wire(const char *source, const dsg_aenc_record *r)
{
    static char names[DSG_AENC_FIELDS_MAX][DSG_AUDIT_NAME_MAX + 1];
    dsg_audit_field f[DSG_AENC_FIELDS_MAX];
    size_t n = 0;
    char err[512];
    uint64_t seq;

    for (uint32_t k = 2; k + 1 < r->nitems && n < DSG_AENC_FIELDS_MAX; k += 2, n++) {
        if (r->item[k].len > DSG_AUDIT_NAME_MAX ||
            memchr(r->item[k].p, '\0', r->item[k].len) != NULL) {
            dsgd_log("audit: a record from %s with a bad field name: skipped", source);
            return -1;
        }
        memcpy(names[n], r->item[k].p, r->item[k].len);
        names[n][r->item[k].len] = '\0';
        f[n].name = names[n];
        f[n].value = r->item[k + 1].p;
        f[n].len = r->item[k + 1].len;
    }
    if (dsg_audit_append(store, source, r->type, f, n, &seq, err, sizeof err) != 0) {
        dsgd_log("audit: a record from %s refused: %s", source, err);
        return -1;
    }
    return 0;
}

/* Done with a message; the master hears first when not all of it is
 * stored, so that the role's fail-closed operations fail (REQ-LOG-008). */
static int message_done(dsgd_chan *chan, int whole)
{
    if (!whole && dsgd_bus_send(chan, DSGD_MSG_AUDIT_UNSTORED, NULL, 0) != 0)
        return -1;
    return dsgd_bus_done(chan, 1);
}

/* `dsgctl log verify` (REQ-LOG-005): the store checked with logd's own
 * keys; the report goes back with the exit status dsgctl is to give. */
static int verify_request(dsgd_chan *chan)
{
    static dsg_audit_report rep;
    static uint8_t out[DSGD_BUS_BODY_MAX];
    char err[512];
    size_t len;

    if (store == NULL || dsg_audit_verify_own(store, &rep, err, sizeof err) != 0) {
        len = (size_t)snprintf((char *)out + 1, sizeof out - 1, "verification failed: %s\n",
                               store == NULL ? "the store is not open" : err);
        out[0] = 74;   /* EX_IOERR, as dsgctl log verify --offline */
        len = len + 1 < sizeof out ? len + 1 : sizeof out;
    } else {
        len = dsg_audit_report_text(&rep, (char *)out + 1, sizeof out - 1) + 1;
        out[0] = rep.nbreaks > 0 ? 1 : 0;
        dsgd_log("audit: verified on request: %u break(s), %llu record(s)", rep.nbreaks,
                 (unsigned long long)rep.records);
    }
    if (dsgd_bus_send(chan, DSGD_MSG_LOG_REPORT, out, len) != 0)
        return -1;
    return dsgd_bus_done(chan, 1);
}

/* Records from a role, in one transaction (REQ-LOG-043). */
static int append_message(const dsgd_msg *m, dsgd_chan *chan)
{
    static dsg_aenc_record r;
    char source[DSGD_AUDIT_PREFIX_MAX], err[512];
    size_t off, namelen;
    int got, whole = 1;

    if (m->kind != DSGD_MSG_AUDIT || m->len < 1 || (namelen = m->body[0]) == 0 ||
        namelen >= sizeof source || m->len < 1 + namelen)
        return -1;
    memcpy(source, m->body + 1, namelen);
    source[namelen] = '\0';
    off = 1 + namelen;
    if (store == NULL || dsg_audit_batch_begin(store, err, sizeof err) != 0) {
        dsgd_log("audit: records from %s lost: %s", source,
                 store == NULL ? "the store is not open" : err);
        return message_done(chan, 0);
    }
    while ((got = dsg_audit_wire_next(m->body, m->len, &off, &r)) == 1)
        whole &= append_wire(source, &r) == 0;
    if (got < 0) {
        dsgd_log("audit: malformed records from %s at byte %zu: the rest of the message skipped",
                 source, off);
        whole = 0;
    }
    if (dsg_audit_batch_commit(store, err, sizeof err) != 0) {
        dsgd_log("audit: records from %s lost: %s", source, err);
        whole = 0;
    }
    arm();
    return message_done(chan, whole);
}

int dsgd_logd_message(const dsgd_msg *m, dsgd_chan *chan)
{
    if (m->kind == DSGD_MSG_LOG_VERIFY)
        return m->len == 0 ? verify_request(chan) : -1;
    return append_message(m, chan);
}

int dsgd_logd_poll_timeout(void)
{
    if (store == NULL || due == 0)
        return -1;
    uint64_t now = dsgd_now_ms();
    return now >= due ? 0 : (int)(due - now);
}

void dsgd_logd_tick(void)
{
    char err[512];
    if (store == NULL || due == 0 || dsgd_now_ms() < due)
        return;
    due = 0;
    if (dsg_audit_checkpoint(store, err, sizeof err) != 0)
        dsgd_log("audit: checkpoint failed: %s", err);
    arm();
}

void dsgd_logd_stop(void)
{
    char err[512];
    if (store == NULL)
        return;
    record_system("stopped", NULL);
    if (dsg_audit_checkpoint(store, err, sizeof err) != 0)
        dsgd_log("audit: final checkpoint failed: %s", err);
    else
        dsgd_log("audit: final checkpoint written");
    dsg_audit_close(store);
    store = NULL;
}
