/* The share role's records and refusals: see share_record.h. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <sys/utsname.h>
#include <time.h>

#include "core/rfc3339.h"
#include "log/audit.h"
#include "run/audit_out.h"
#include "run/log.h"
#include "run/master.h"
#include "run/role_answer.h"
#include "run/share_record.h"

static char host[65];   /* the computer name of control-socket actions */

int dsgd_share_record_init(char *err, size_t n)
{
    struct utsname u;
    if (uname(&u) != 0) {
        snprintf(err, n, "uname: %s", strerror(errno));
        return -1;
    }
    snprintf(host, sizeof host, "%s", u.nodename);
    return 0;
}

/* UTC RFC 3339 with milliseconds of now ("-" outside years 0000..9999). */
static void now_text(char date[32])
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (dsg_rfc3339_ms(date, 32, (int64_t)ts.tv_sec, (int64_t)ts.tv_nsec) == 0)
        snprintf(date, 32, "-");
}

void dsgd_share_account_op(const dsgd_who *w, unsigned event_id, const char *subject,
                           const char *share_name, const char *detail)
{
    char date[32], user[240], id[12];
    now_text(date);
    snprintf(user, sizeof user, "actor=%s %s", w->actor, subject);
    snprintf(id, sizeof id, "%u", event_id);
    dsg_audit_field f[] = {
        { "log_name", (const uint8_t *)"Application", 11 },
        { "source_name", (const uint8_t *)"dsgd/share", 10 },
        { "date", (const uint8_t *)date, strlen(date) },
        { "event_id", (const uint8_t *)id, strlen(id) },
        { "task_category", (const uint8_t *)"rights", 6 },
        { "level", (const uint8_t *)"情報", strlen("情報") },
        { "keywords", (const uint8_t *)"success", 7 },
        { "user_name", (const uint8_t *)user, strlen(user) },
        { "computer_name", (const uint8_t *)host, strlen(host) },
        { "detail", (const uint8_t *)detail, strlen(detail) },
        { "share_name", (const uint8_t *)share_name, strlen(share_name) },
        { "uid", (const uint8_t *)w->uid, strlen(w->uid) },
        { "pid", (const uint8_t *)w->pid, strlen(w->pid) },
    };
    if (dsgd_audit_out_add(DSG_AUDIT_TYPE_ACCOUNT_OPS, f, sizeof f / sizeof f[0]) != 0)
        dsgd_log("share: the account record of event %u on %s was dropped", event_id, subject);
}

const char *dsgd_share_when(int64_t t, char buf[32])
{
    if (t == 0 || dsg_rfc3339_ms(buf, 32, t, 0) == 0)
        return "-";
    return buf;
}

/* Queues r's record (別紙 #23) by user from source through app, with the
 * extra fields of who asked: its ticket, 0 when it was dropped. */
static uint32_t put_record(const dsgd_share_record *r, const char *user, const char *source,
                           const char *app, const dsg_audit_field *extra, size_t n_extra)
{
    char date[32];
    uint32_t ticket = 0;
    now_text(date);
    dsg_audit_field f[16] = {
        { "site_id", (const uint8_t *)r->site_id, strlen(r->site_id) },
        { "item_id", (const uint8_t *)r->item_id, strlen(r->item_id) },
        { "item_type", (const uint8_t *)r->item_type, strlen(r->item_type) },
        { "user_id", (const uint8_t *)user, strlen(user) },
        { "document_location", (const uint8_t *)r->location, strlen(r->location) },
        { "occurred_gmt", (const uint8_t *)date, strlen(date) },
        { "event", (const uint8_t *)r->event, strlen(r->event) },
        { "custom_event_name", (const uint8_t *)r->custom, strlen(r->custom) },
        { "event_source", (const uint8_t *)source, strlen(source) },
        { "source_name", (const uint8_t *)"dsgd/share", 10 },
        { "event_data", (const uint8_t *)r->data, strlen(r->data) },
        { "app_id", (const uint8_t *)app, strlen(app) },
    };
    size_t n = 12;
    for (size_t i = 0; i < n_extra && n < sizeof f / sizeof f[0]; i++)
        f[n++] = extra[i];
    if (dsgd_audit_out_add_ticket(DSG_AUDIT_TYPE_SHARE_AUDIT, f, n, &ticket) != 0) {
        dsgd_log("share: the record of %s on item %s was dropped", r->custom, r->item_id);
        ticket = 0;
    }
    dsgd_audit_out_flush();
    return ticket;
}

void dsgd_share_record_add(const dsgd_who *w, const dsgd_share_record *r)
{
    const dsg_audit_field extra[] = {
        { "uid", (const uint8_t *)w->uid, strlen(w->uid) },
        { "pid", (const uint8_t *)w->pid, strlen(w->pid) },
    };
    dsgd_answer_wait_for(put_record(r, w->actor, "dsgctl", "dsgctl", extra, 2),
                         "the share database");
}

void dsgd_share_record_system(const dsgd_share_record *r)
{
    (void)put_record(r, "system:share", "dsgd", "dsgd", NULL, 0);
}

uint32_t dsgd_share_record_request(const char *user, const char *addr,
                                   const dsgd_share_record *r)
{
    const dsg_audit_field extra[] = { { "client_address", (const uint8_t *)addr, strlen(addr) } };
    return put_record(r, user, "api", "portal", extra, 1);
}

uint32_t dsgd_share_detection_record(const dsgd_share_detection *d)
{
    char when[32], size[24], engine[80];
    uint32_t ticket = 0;
    now_text(when);
    snprintf(size, sizeof size, "%" PRIu64, d->size);
    /* the built-in engine is part of dsgd: its version, and no definitions */
    snprintf(engine, sizeof engine, "%s %s", d->engine, DSGD_VERSION);
    const dsg_audit_field f[] = {
        { "device_ip", (const uint8_t *)d->client_address, strlen(d->client_address) },
        { "detected_at", (const uint8_t *)when, strlen(when) },
        { "file_name", (const uint8_t *)d->file_name, strlen(d->file_name) },
        { "location", (const uint8_t *)d->location, strlen(d->location) },
        { "sha256", (const uint8_t *)d->sha256, strlen(d->sha256) },
        { "size", (const uint8_t *)size, strlen(size) },
        { "detection_name", (const uint8_t *)d->detection, strlen(d->detection) },
        { "engine_version", (const uint8_t *)engine, strlen(engine) },
        { "definitions_version", (const uint8_t *)"built-in", 8 },
        { "action", (const uint8_t *)"quarantined", 11 },
        { "user", (const uint8_t *)d->user, strlen(d->user) },
    };
    if (dsgd_audit_out_add_ticket(DSG_AUDIT_TYPE_MALWARE, f, sizeof f / sizeof f[0], &ticket) != 0) {
        dsgd_log("share: the malware record of %s was dropped", d->file_name);
        ticket = 0;
    }
    dsgd_audit_out_flush();
    return ticket;
}

int dsgd_share_refused(const dsgd_who *w, const char *custom, const char *what, int64_t app,
                       const dsg_acct_problem *p)
{
    dsgd_share_record r = { "-", "-", "application", "-", "Custom", custom, "" };
    if (app > 0)
        snprintf(r.item_id, sizeof r.item_id, "%" PRId64, app);
    snprintf(r.data, sizeof r.data, "%s refused: %s: %s", what, p->code, p->message);
    dsgd_share_record_add(w, &r);
    return dsgd_answer_finish(DSGD_SHARE_EX_REFUSED, "error %s %s\n", p->code, p->message);
}

int dsgd_share_storage_error(const char *message)
{
    return dsgd_answer_finish(DSGD_SHARE_EX_SOFTWARE, "error storage %s\n", message);
}
