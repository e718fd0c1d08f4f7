/*
 * Shared by the audit store's test suites (tests/check_audit*.c): a store
 * opened in a directory with a small checkpoint interval, and the two kinds
 * of records they append. Assertions fail the calling test.
 */
#ifndef DSG_TESTS_AUDIT_FIXTURE_H
#define DSG_TESTS_AUDIT_FIXTURE_H

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "log/audit.h"

#define FIXTURE_FIELD(n, v) { n, (const uint8_t *)(v), sizeof(v) - 1 }

/* The store in d, a checkpoint every 4 records. */
static inline dsg_audit *fixture_open(const char *d)
{
    static char err[1024];
    dsg_audit_opts o;
    dsg_audit *a = NULL;
    dsg_audit_opts_default(&o);
    o.checkpoint_records = 4;
    ck_assert_msg(dsg_audit_open(d, &o, &a, err, sizeof err) == 0, "%s", err);
    return a;
}

/* A 別紙 #16 record from the portal for /page/i. */
static inline void fixture_access(dsg_audit *a, int i)
{
    static char err[1024];
    char url[32];
    uint64_t seq;
    int n = snprintf(url, sizeof url, "/page/%d", i);
    dsg_audit_field f[] = {
        FIXTURE_FIELD("access_time", "2026-01-02T03:04:05.678Z"),
        FIXTURE_FIELD("source_ip", "192.0.2.7"),
        { "url", (const uint8_t *)url, (size_t)n }, FIXTURE_FIELD("method", "GET"),
        FIXTURE_FIELD("user_agent", "curl/7.88"), FIXTURE_FIELD("status", "200"),
    };
    ck_assert_msg(dsg_audit_append(a, "portal", DSG_AUDIT_TYPE_PORTAL_ACCESS, f, 6, &seq, err,
                                   sizeof err) == 0, "%s", err);
}

/* A system record of logd's. */
static inline void fixture_system(dsg_audit *a, const char *event)
{
    static char err[1024];
    dsg_audit_field f[] = { { "event", (const uint8_t *)event, strlen(event) } };
    uint64_t seq;
    ck_assert_msg(dsg_audit_append(a, "logd", DSG_AUDIT_TYPE_SYSTEM, f, 1, &seq, err,
                                   sizeof err) == 0, "%s", err);
}

#endif
