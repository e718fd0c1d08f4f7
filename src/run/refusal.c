/* The warning of a refused administrative attempt: see refusal.h. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/rfc3339.h"
#include "log/audit.h"
#include "run/audit_out.h"
#include "run/log.h"
#include "run/refusal.h"

#define FIELD(k, v) { k, (const uint8_t *)(v), strlen(v) }

int dsgd_refusal_record(const char *source, unsigned event_id, const char *computer,
                        const char *actor, const char *detail, const char *uid,
                        const char *pid)
{
    char date[32] = "-", user[160], id[12];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (dsg_rfc3339_ms(date, sizeof date, (int64_t)ts.tv_sec, (int64_t)ts.tv_nsec) == 0)
        snprintf(date, sizeof date, "-");
    snprintf(user, sizeof user, "actor=%s account=-", actor);
    snprintf(id, sizeof id, "%u", event_id);
    dsg_audit_field f[12] = {
        FIELD("log_name", "Security"), FIELD("source_name", source), FIELD("date", date),
        FIELD("event_id", id),         FIELD("task_category", "refusal"),
        FIELD("level", "警告"),        FIELD("keywords", "failure"),
        FIELD("user_name", user),      FIELD("computer_name", computer),
        FIELD("detail", detail),
    };
    size_t n = 10;
    if (uid != NULL && pid != NULL) {
        f[n++] = (dsg_audit_field)FIELD("uid", uid);
        f[n++] = (dsg_audit_field)FIELD("pid", pid);
    }
    int rc = dsgd_audit_out_add(DSG_AUDIT_TYPE_ACCOUNT_OPS, f, n);
    if (rc != 0)
        dsgd_log("audit: the warning of a refused attempt (%s) was dropped", detail);
    dsgd_audit_out_flush();
    return rc;
}
