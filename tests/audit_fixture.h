/*
 * Shared by the audit store's test suites (tests/check_audit*.c): a fresh
 * directory for each test, a store opened there with a small checkpoint
 * interval, the two kinds of records they append, a verification with the
 * store's own keys, and direct SQL on audit.db (a count, or tampering as an
 * attacker would). Assertions fail the calling test.
 */
#ifndef DSG_TESTS_AUDIT_FIXTURE_H
#define DSG_TESTS_AUDIT_FIXTURE_H

#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log/audit.h"

#define FIXTURE_FIELD(n, v) { n, (const uint8_t *)(v), sizeof(v) - 1 }

/* A new directory into d (size n) from template, "/tmp/...-XXXXXX" (mkdtemp:
 * the suites define _GNU_SOURCE). */
static inline void fixture_mkdtemp(char *d, size_t n, const char *template)
{
    snprintf(d, n, "%s", template);
    ck_assert_ptr_nonnull(mkdtemp(d));
}

/* Removes the directory d and all it holds. */
static inline void fixture_rmdir(const char *d)
{
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
    ck_assert_int_eq(system(cmd), 0);
}

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

/* Verifies the store in d with its own public key (and its chain key
 * when with_key) into *rep, printing each break; the number of breaks. */
static inline int fixture_verify(const char *d, int with_key, dsg_audit_report *rep)
{
    static char err[1024], pub[4096];
    uint8_t key[32];
    char path[128];
    if (with_key) {
        snprintf(path, sizeof path, "%s/chain.key", d);
        FILE *f = fopen(path, "rb");
        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(fread(key, 1, 32, f), 32);
        fclose(f);
    }
    ck_assert_msg(dsg_audit_pubkey_pem(d, pub, sizeof pub, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(dsg_audit_verify(d, pub, strlen(pub), with_key ? key : NULL, rep, err,
                                   sizeof err) == 0, "%s", err);
    for (uint32_t i = 0; i < rep->nbreaks && i < DSG_AUDIT_BREAKS_MAX; i++)
        fprintf(stderr, "  break: %s seq %llu %s: %s\n", rep->breaks[i].source,
                (unsigned long long)rep->breaks[i].seq, dsg_audit_break_token(rep->breaks[i].kind),
                rep->breaks[i].detail);
    return (int)rep->nbreaks;
}

/* The first column of the first row of sql on d/audit.db; -1 when no row. */
static inline long fixture_count(const char *d, const char *sql)
{
    char path[128];
    sqlite3 *db;
    sqlite3_stmt *st;
    long n = -1;
    snprintf(path, sizeof path, "%s/audit.db", d);
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* Runs sql on d/audit.db as an attacker would: the triggers that forbid
 * UPDATE and DELETE go first. */
static inline void fixture_tamper(const char *d, const char *sql)
{
    char path[128];
    sqlite3 *db;
    char *msg = NULL;
    snprintf(path, sizeof path, "%s/audit.db", d);
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(db, "DROP TRIGGER IF EXISTS records_no_update; "
                                      "DROP TRIGGER IF EXISTS records_no_delete", NULL, NULL, &msg),
                     SQLITE_OK);
    ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK, "%s: %s", sql, msg);
    sqlite3_close(db);
}

#endif
