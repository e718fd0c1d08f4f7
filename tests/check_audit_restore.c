/*
 * Unit tests of restoring the audit store from an older copy
 * (src/log/audit.h, dsg_audit_restore and the restore records
 * dsg_audit_open appends): REQ-LOG-046, REQ-LOG-015. Bad input first (each
 * refusal changes nothing), then a restore that verification accepts and
 * reports as a gap, then tampering around it (still detected), then
 * idempotence of the completion at open.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log/audit.h"
#include "tests/audit_fixture.h"

Suite *suite_audit_restore(void);


static char dir[64], other[64];   /* the store; a scratch directory */
static char copy[128];            /* the older copy of audit.db */
static char err[1024];
static dsg_audit_report rep;

static void setup(void)
{
    fixture_mkdtemp(dir, sizeof dir, "/tmp/dsg-restore-XXXXXX");
    fixture_mkdtemp(other, sizeof other, "/tmp/dsg-restore-o-XXXXXX");
    snprintf(copy, sizeof copy, "%s/copy.db", other);
}

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void sh(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    ck_assert_msg(system(cmd) == 0, "%s", cmd);
}

static void teardown(void)
{
    sh("rm -rf '%s' '%s'", dir, other);
}




/* One run of logd in d: started, portal records from..to, stopped, the
 * final checkpoint (what a clean stop leaves). */
static void run(const char *d, int from, int to)
{
    dsg_audit *a = fixture_open(d);
    fixture_system(a, "started");
    for (int i = from; i <= to; i++)
        fixture_access(a, i);
    fixture_system(a, "stopped");
    ck_assert_int_eq(dsg_audit_checkpoint(a, err, sizeof err), 0);
    dsg_audit_close(a);
}

/* A store with portal 1..5 and logd 1..2, copied; then portal 6..9 and
 * logd 3..4: the copy lacks portal 6..9 and logd 3..4. */
static void history(void)
{
    run(dir, 1, 5);
    sh("cp '%s/audit.db' '%s'", dir, copy);
    run(dir, 6, 9);
}

static dsg_audit_restore_result res;

static int restore(const char *from)
{
    dsg_audit_restore_req q = { dir, from, "0", "4242" };
    err[0] = '\0';
    return dsg_audit_restore(&q, &res, err, sizeof err);
}

static int verify(int with_key)
{
    return fixture_verify(dir, with_key, &rep);
}

static int has_break(const char *source, uint64_t seq, dsg_audit_break_kind kind)
{
    for (uint32_t i = 0; i < rep.nbreaks && i < DSG_AUDIT_BREAKS_MAX; i++)
        if (strcmp(rep.breaks[i].source, source) == 0 && rep.breaks[i].seq == seq &&
            rep.breaks[i].kind == kind)
            return 1;
    return 0;
}

static long count(const char *sql)
{
    return fixture_count(dir, sql);
}

static void tamper(const char *sql)
{
    fixture_tamper(dir, sql);
}

/* The names, sizes and contents of the files in dir, as one text. */
static void dir_state(char *out, size_t cap)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "cd '%s' && ls -A && cat * | sha256sum", dir);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    pclose(p);
}

/* A refused restore of `from`: status 1 (or -1 for missing), a message
 * holding `why`, and dir exactly as it was. */
static void refused(const char *from, int status, const char *why)
{
    static char before[4096], after[4096];
    dir_state(before, sizeof before);
    ck_assert_int_eq(restore(from), status);
    ck_assert_msg(strstr(err, why) != NULL, "'%s' not in: %s", why, err);
    ck_assert_ptr_nonnull(strstr(err, "nothing changed"));
    dir_state(after, sizeof after);
    ck_assert_str_eq(before, after);
}

/* The full restore: copy in place, then logd's next start. */
static void restore_and_start(void)
{
    ck_assert_msg(restore(copy) == 0, "%s", err);
    dsg_audit *a = fixture_open(dir);
    ck_assert_uint_eq(dsg_audit_restored_sources(a), 2);
    ck_assert_uint_eq(dsg_audit_unanchored(a), 0);   /* the restore records are signed */
    fixture_system(a, "started");
    fixture_access(a, 100);
    fixture_system(a, "stopped");
    ck_assert_int_eq(dsg_audit_checkpoint(a, err, sizeof err), 0);
    dsg_audit_close(a);
}

/* ---- bad input ------------------------------------------------------------------ */

/* @relation(REQ-LOG-046) */
START_TEST(test_restore_refuses_a_missing_or_foreign_copy_and_changes_nothing)
{
    history();
    char path[256];
    refused("/nonexistent/copy.db", -1, "No such file");
    snprintf(path, sizeof path, "%s/text.db", other);
    sh("echo 'not a database' > '%s'", path);
    refused(path, 1, "not an audit store");
    snprintf(path, sizeof path, "%s/other.db", other);
    sh("sqlite3 '%s' 'CREATE TABLE t (x)' 2>/dev/null || "
       "python3 -c \"import sqlite3; sqlite3.connect('%s').execute('CREATE TABLE t (x)')\"",
       path, path);
    refused(path, 1, "not an audit store");
    refused(other, 1, "not a regular file");
    /* a store with the same records made with other keys */
    char keys[160];
    snprintf(keys, sizeof keys, "%s/keys", other);
    sh("mkdir -m 700 '%s'", keys);
    run(keys, 1, 5);
    snprintf(path, sizeof path, "%s/audit.db", keys);
    refused(path, 1, "does not verify against the keys and checkpoints");
}
END_TEST

/* @relation(REQ-LOG-046) */
START_TEST(test_restore_refuses_a_copy_newer_than_or_diverging_from_the_anchor)
{
    char twin[160], path[256];
    history();
    /* a twin of the store with records the anchor does not have */
    snprintf(twin, sizeof twin, "%s/twin", other);
    sh("cp -a '%s' '%s'", dir, twin);
    dsg_audit *a = fixture_open(twin);
    fixture_access(a, 10);
    dsg_audit_close(a);
    snprintf(path, sizeof path, "%s/audit.db", twin);
    refused(path, 1, "newer than the signed history");
    /* a twin from the copy's time that went another way: portal 6 differs */
    sh("rm -rf '%s' && cp -a '%s' '%s' && cp '%s' '%s/audit.db' && rm -f '%s/anchor.log'", twin,
       dir, twin, copy, twin, twin);
    sh("head -n 3 '%s/anchor.log' > '%s/anchor.log'", dir, twin);
    a = fixture_open(twin);
    fixture_access(a, 66);
    dsg_audit_close(a);
    refused(path, 1, "a substitution, not a restore");
}
END_TEST

/* @relation(REQ-LOG-046) */
START_TEST(test_restore_refuses_while_dsgd_runs_or_a_restore_is_pending)
{
    char path[160];
    history();
    /* dsgd running: the store has a write-ahead log */
    sh("touch '%s/audit.db-wal'", dir);
    refused(copy, 1, "dsgd is running or did not stop cleanly");
    sh("rm '%s/audit.db-wal'", dir);
    /* not stopped cleanly: records after the last checkpoint */
    dsg_audit *a = fixture_open(dir);
    fixture_access(a, 10);
    dsg_audit_close(a);
    refused(copy, 1, "did not stop cleanly");
    a = fixture_open(dir);
    ck_assert_int_eq(dsg_audit_checkpoint(a, err, sizeof err), 0);
    dsg_audit_close(a);
    /* a copy with a write-ahead log of its own */
    snprintf(path, sizeof path, "%s-wal", copy);
    sh("echo x > '%s'", path);
    refused(copy, 1, "write-ahead log");
    sh("rm '%s'", path);
    /* a restore already pending */
    ck_assert_int_eq(restore(copy), 0);
    refused(copy, 1, "already pending");
}
END_TEST

/* ---- restore -------------------------------------------------------------------- */

/* @relation(REQ-LOG-046, REQ-LOG-015, REQ-LOG-005) */
START_TEST(test_restore_then_verify_accepts_the_chain_and_reports_the_gap)
{
    static char text[1u << 16];
    history();
    ck_assert_int_eq(count("SELECT max(seq) FROM records WHERE source = 'portal'"), 9);
    ck_assert_msg(restore(copy) == 0, "%s", err);
    ck_assert_uint_eq(res.sources, 2);
    ck_assert_uint_eq(res.lost, 4 + 2);   /* portal 6..9, logd 3..4 */
    ck_assert_ptr_nonnull(strstr(res.set_aside, "audit.db.before-restore-"));
    ck_assert_int_eq(count("SELECT max(seq) FROM records WHERE source = 'portal'"), 5);
    char path[160];
    snprintf(path, sizeof path, "%s/" DSG_AUDIT_RESTORE_MARKER, dir);
    ck_assert_int_eq(access(path, F_OK), 0);
    /* before logd has continued: the copy ends before the checkpoints */
    ck_assert_int_ge(verify(1), 1);
    ck_assert_int_eq(has_break("portal", 6, DSG_AUDIT_TRUNCATED), 1);
    /* the database it replaced is kept */
    sh("ls '%s'/audit.db.before-restore-* >/dev/null", dir);
    dsg_audit *a = fixture_open(dir);
    ck_assert_uint_eq(dsg_audit_restored_sources(a), 2);
    dsg_audit_close(a);
    ck_assert_int_eq(access(path, F_OK), -1);
    /* numbered after the last checkpoint (portal 9, logd 4), chained to
     * the restored heads */
    ck_assert_int_eq(count("SELECT seq FROM records WHERE source = 'portal' AND type = 104"), 10);
    ck_assert_int_eq(count("SELECT seq FROM records WHERE source = 'logd' AND type = 104"), 5);
    a = fixture_open(dir);
    ck_assert_uint_eq(dsg_audit_restored_sources(a), 0);
    fixture_access(a, 100);
    ck_assert_int_eq(dsg_audit_checkpoint(a, err, sizeof err), 0);
    dsg_audit_close(a);
    ck_assert_int_eq(verify(1), 0);
    ck_assert_int_eq(verify(0), 0);
    ck_assert_uint_eq(rep.ngaps, 2);
    ck_assert_uint_gt(dsg_audit_report_text(&rep, text, sizeof text), 0);
    ck_assert_msg(strstr(text, "GAP source=portal: records 6..9 lost by a restore on ") != NULL,
                  "%s", text);
    ck_assert_msg(strstr(text, "GAP source=logd: records 3..4 lost by a restore on ") != NULL,
                  "%s", text);
    ck_assert_ptr_nonnull(strstr(text, "; restore record seq 10"));
    ck_assert_ptr_nonnull(strstr(text, "OK: 0 break(s)"));
    ck_assert_ptr_nonnull(strstr(text, "2 gap(s) left by restores"));
    /* export shows the restore records, each with its restored head as prev */
    snprintf(path, sizeof path, "%s/out.jsonl", other);
    FILE *o = fopen(path, "w");
    ck_assert_ptr_nonnull(o);
    ck_assert_int_eq(dsg_audit_export(dir, NULL, DSG_AUDIT_JSONL, fileno(o), err, sizeof err), 0);
    fclose(o);
    sh("grep '\"type_name\":\"restore\"' '%s' | grep '\"lost_to\":\"9\"' | "
       "grep -q '\"prev\":\"[0-9a-f]\\{64\\}\"'", path);
    sh("grep '\"type_name\":\"restore\"' '%s' | grep -q '\"uid\":\"0\",\"pid\":\"4242\"'", path);
}
END_TEST

/* @relation(REQ-LOG-046, REQ-LOG-015) */
START_TEST(test_restore_replaces_a_database_that_is_gone)
{
    history();
    sh("rm '%s/audit.db'", dir);
    ck_assert_msg(restore(copy) == 0, "%s", err);
    ck_assert_str_eq(res.set_aside, "none");
    ck_assert_uint_eq(res.lost, 4 + 2);
    dsg_audit *a = fixture_open(dir);
    ck_assert_uint_eq(dsg_audit_restored_sources(a), 2);
    dsg_audit_close(a);
    ck_assert_int_eq(verify(1), 0);
    ck_assert_uint_eq(rep.ngaps, 2);
    ck_assert_int_eq(count("SELECT count(*) FROM records WHERE type = 104 AND "
                           "instr(body, CAST('set_asidenone' AS BLOB)) > 0"), 2);
}
END_TEST

/* @relation(REQ-LOG-046, REQ-LOG-006) */
START_TEST(test_a_copy_put_in_place_by_hand_is_refused_at_open)
{
    dsg_audit_opts o;
    dsg_audit *a = NULL;
    history();
    sh("cp '%s' '%s/audit.db'", copy, dir);
    dsg_audit_opts_default(&o);
    ck_assert_int_eq(dsg_audit_open(dir, &o, &a, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "lost outside 'dsgctl log restore'") != NULL, "%s", err);
    ck_assert_int_eq(count("SELECT count(*) FROM records WHERE type = 104"), 0);
    ck_assert_int_ge(verify(1), 1);
    ck_assert_int_eq(has_break("portal", 6, DSG_AUDIT_TRUNCATED), 1);
}
END_TEST

/* @relation(REQ-LOG-046, REQ-LOG-005) */
START_TEST(test_report_text_counts_the_gaps_that_do_not_fit)
{
    static dsg_audit_report r;
    static char text[2000];
    memset(&r, 0, sizeof r);
    r.ngaps = DSG_AUDIT_GAPS_MAX + 6;
    for (uint32_t i = 0; i < DSG_AUDIT_GAPS_MAX; i++) {
        snprintf(r.gaps[i].source, sizeof r.gaps[i].source, "src%u\x01", i);
        r.gaps[i].first = 2;
        r.gaps[i].last = 7;
        r.gaps[i].at = 8;
        snprintf(r.gaps[i].restored_on, sizeof r.gaps[i].restored_on, "2026-01-01T00:00:00.000Z");
        snprintf(r.gaps[i].to, sizeof r.gaps[i].to, "2025-12-31T00:00:00.000Z");
    }
    ck_assert_uint_gt(dsg_audit_report_text(&r, text, sizeof text), 0);
    ck_assert_ptr_nonnull(strstr(text, "GAP source=src0\\x01: records 2..7 lost by a restore on "
                                       "2026-01-01T00:00:00.000Z (from the start to "
                                       "2025-12-31T00:00:00.000Z); restore record seq 8\n"));
    ck_assert_ptr_nonnull(strstr(text, " more gap(s)\n"));
    ck_assert_ptr_nonnull(strstr(text, "OK: 0 break(s);"));
    ck_assert_ptr_nonnull(strstr(text, "; 70 gap(s) left by restores\n"));
}
END_TEST

/* ---- tampering around a restore ---------------------------------------------------- */

/* @relation(REQ-LOG-046, REQ-LOG-005) */
START_TEST(test_verify_finds_a_deleted_or_altered_restore_record)
{
    history();
    restore_and_start();
    ck_assert_int_eq(verify(1), 0);
    char saved[200];
    snprintf(saved, sizeof saved, "%s/good.db", other);
    sh("cp '%s/audit.db' '%s'", dir, saved);
    /* deleted: the gap is a deletion again */
    tamper("DELETE FROM records WHERE source = 'portal' AND type = 104");
    ck_assert_int_ge(verify(0), 1);
    ck_assert_int_eq(has_break("portal", 6, DSG_AUDIT_DELETED), 1);
    ck_assert_uint_eq(rep.ngaps, 1);   /* logd's is still there */
    /* altered: claims fewer records lost */
    sh("cp '%s' '%s/audit.db'", saved, dir);
    tamper("UPDATE records SET body = CAST(replace(CAST(body AS TEXT), 'lost_to9', "
           "'lost_to8') AS BLOB) WHERE source = 'portal' AND type = 104");
    ck_assert_int_ge(verify(0), 1);
    ck_assert_int_eq(has_break("portal", 6, DSG_AUDIT_DELETED), 1);
    /* a record deleted after the restore */
    sh("cp '%s' '%s/audit.db'", saved, dir);
    tamper("DELETE FROM records WHERE source = 'portal' AND seq = 11");
    ck_assert_int_ge(verify(0), 1);
    ck_assert_int_eq(has_break("portal", 11, DSG_AUDIT_TRUNCATED), 1);
    /* a record deleted before the restore point */
    sh("cp '%s' '%s/audit.db'", saved, dir);
    tamper("DELETE FROM records WHERE source = 'portal' AND seq = 3");
    ck_assert_int_ge(verify(0), 1);
    ck_assert_int_eq(has_break("portal", 3, DSG_AUDIT_DELETED), 1);
}
END_TEST

/* @relation(REQ-LOG-046, REQ-LOG-005) */
START_TEST(test_a_restore_record_no_checkpoint_covers_does_not_excuse_the_gap)
{
    history();
    restore_and_start();
    /* anchor.log back to before the restore: the restore records are not signed */
    sh("cd '%s' && n=$(grep -n ' portal 10 ' anchor.log | head -n 1 | cut -d: -f1) && "
       "head -n $((n - 1)) anchor.log > a.tmp && grep -v ' portal 1[0-9] \\| logd [5-9] ' "
       "a.tmp > anchor.log; rm -f a.tmp", dir);
    ck_assert_int_ge(verify(0), 1);
    ck_assert_int_eq(has_break("portal", 6, DSG_AUDIT_DELETED), 1);
    ck_assert_uint_eq(rep.ngaps, 0);
}
END_TEST

/* ---- idempotence ------------------------------------------------------------------- */

/* @relation(REQ-LOG-046) */
START_TEST(test_completing_a_restore_twice_appends_nothing_twice)
{
    char marker[160];
    history();
    ck_assert_msg(restore(copy) == 0, "%s", err);
    snprintf(marker, sizeof marker, "%s/" DSG_AUDIT_RESTORE_MARKER, dir);
    sh("cp '%s' '%s/marker.saved'", marker, other);
    dsg_audit_close(fixture_open(dir));
    ck_assert_int_eq(count("SELECT count(*) FROM records WHERE type = 104"), 2);
    /* a crash after the records were committed, before the marker went */
    sh("cp '%s/marker.saved' '%s'", other, marker);
    dsg_audit *a = fixture_open(dir);
    ck_assert_uint_eq(dsg_audit_restored_sources(a), 0);
    dsg_audit_close(a);
    ck_assert_int_eq(access(marker, F_OK), -1);
    /* a crash before their checkpoint was written */
    sh("cp '%s/marker.saved' '%s'", other, marker);
    sh("cd '%s' && grep -v ' portal 10 \\| logd 5 ' anchor.log > a.tmp && mv a.tmp anchor.log",
       dir);
    a = fixture_open(dir);
    ck_assert_uint_eq(dsg_audit_restored_sources(a), 0);
    ck_assert_uint_eq(dsg_audit_unanchored(a), 0);
    dsg_audit_close(a);
    ck_assert_int_eq(count("SELECT count(*) FROM records WHERE type = 104"), 2);
    ck_assert_int_eq(verify(1), 0);
    ck_assert_uint_eq(rep.ngaps, 2);
}
END_TEST

Suite *suite_audit_restore(void)
{
    Suite *s = suite_create("audit_restore");
    TCase *bad = tcase_create("bad_input");
    tcase_add_checked_fixture(bad, setup, teardown);
    tcase_add_test(bad, test_restore_refuses_a_missing_or_foreign_copy_and_changes_nothing);
    tcase_add_test(bad, test_restore_refuses_a_copy_newer_than_or_diverging_from_the_anchor);
    tcase_add_test(bad, test_restore_refuses_while_dsgd_runs_or_a_restore_is_pending);
    suite_add_tcase(s, bad);
    TCase *tr = tcase_create("restore");
    tcase_add_checked_fixture(tr, setup, teardown);
    tcase_add_test(tr, test_restore_then_verify_accepts_the_chain_and_reports_the_gap);
    tcase_add_test(tr, test_restore_replaces_a_database_that_is_gone);
    tcase_add_test(tr, test_a_copy_put_in_place_by_hand_is_refused_at_open);
    tcase_add_test(tr, test_report_text_counts_the_gaps_that_do_not_fit);
    suite_add_tcase(s, tr);
    TCase *tt = tcase_create("tampering");
    tcase_add_checked_fixture(tt, setup, teardown);
    tcase_add_test(tt, test_verify_finds_a_deleted_or_altered_restore_record);
    tcase_add_test(tt, test_a_restore_record_no_checkpoint_covers_does_not_excuse_the_gap);
    suite_add_tcase(s, tt);
    TCase *ti = tcase_create("idempotence");
    tcase_add_checked_fixture(ti, setup, teardown);
    tcase_add_test(ti, test_completing_a_restore_twice_appends_nothing_twice);
    suite_add_tcase(s, ti);
    return s;
}
