/* The share role's records and refusals: see share_record.h. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/rfc3339.h"
#include "log/audit.h"
#include "run/audit_out.h"
#include "run/log.h"
#include "run/role_answer.h"
#include "run/share_record.h"

const char *dsgd_share_when(int64_t t, char buf[32])
{
    if (t == 0 || dsg_rfc3339_ms(buf, 32, t, 0) == 0)
        return "-";
    return buf;
}

void dsgd_share_record_add(const dsgd_who *w, const dsgd_share_record *r)
{
    char date[32] = "-";
    struct timespec ts;
    uint32_t ticket = 0;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (dsg_rfc3339_ms(date, sizeof date, (int64_t)ts.tv_sec, (int64_t)ts.tv_nsec) == 0)
        snprintf(date, sizeof date, "-");
    dsg_audit_field f[] = {
        { "site_id", (const uint8_t *)r->site_id, strlen(r->site_id) },
        { "item_id", (const uint8_t *)r->item_id, strlen(r->item_id) },
        { "item_type", (const uint8_t *)r->item_type, strlen(r->item_type) },
        { "user_id", (const uint8_t *)w->actor, strlen(w->actor) },
        { "document_location", (const uint8_t *)r->location, strlen(r->location) },
        { "occurred_gmt", (const uint8_t *)date, strlen(date) },
        { "event", (const uint8_t *)r->event, strlen(r->event) },
        { "custom_event_name", (const uint8_t *)r->custom, strlen(r->custom) },
        { "event_source", (const uint8_t *)"dsgctl", 6 },
        { "source_name", (const uint8_t *)"dsgd/share", 10 },
        { "event_data", (const uint8_t *)r->data, strlen(r->data) },
        { "app_id", (const uint8_t *)"dsgctl", 6 },
        { "uid", (const uint8_t *)w->uid, strlen(w->uid) },
        { "pid", (const uint8_t *)w->pid, strlen(w->pid) },
    };
    if (dsgd_audit_out_add_ticket(DSG_AUDIT_TYPE_SHARE_AUDIT, f, sizeof f / sizeof f[0],
                                  &ticket) != 0) {
        dsgd_log("share: the record of %s on item %s was dropped", r->custom, r->item_id);
        ticket = 0;
    }
    dsgd_answer_wait_for(ticket, "the share database");
    dsgd_audit_out_flush();
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
