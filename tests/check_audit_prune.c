/*
 * Unit tests of retention pruning and of the selective export of the
 * audit store (src/log/audit.h): REQ-LOG-007, REQ-LOG-010. Bad cuts first
 * (nothing removed), then a prune that verification still accepts, then
 * deletions that did not go through pruning (detected), then exports by
 * type, source and time.
 */
#define _GNU_SOURCE
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log/audit.h"
#include "tests/audit_fixture.h"
#include "log/timefmt.h"

Suite *suite_audit_prune(void);

#define DAY 86400

static char dir[64];
static char err[1024];
static char cut[32];   /* between the old and the new records */
static dsg_audit_report rep;

static void setup(void)
{
    fixture_mkdtemp(dir, sizeof dir, "/tmp/dsg-prune-XXXXXX");
}

static void teardown(void)
{
    fixture_rmdir(dir);
}




/* portal 1..5 and logd 1 before `cut`, portal 6..10 and logd 2 after it;
 * the store stays open. */
static dsg_audit *fill(void)
{
    dsg_audit *a = fixture_open(dir);
    for (int i = 1; i <= 5; i++)
        fixture_access(a, i);
    fixture_system(a, "started");
    usleep(5000);
    ck_assert_uint_gt(dsg_time_now_rfc3339_ms(cut, sizeof cut), 0);
    usleep(5000);
    for (int i = 6; i <= 10; i++)
        fixture_access(a, i);
    fixture_system(a, "stopped");
    return a;
}

/* A prune judged 400 days from now, as if the records had aged. */
static int prune(dsg_audit *a, const char *before, int64_t days_ahead, dsg_audit_prune_result *r)
{
    dsg_audit_prune_req q = { before, (int64_t)time(NULL) + days_ahead * DAY, 365, "dsgctl",
                              "0", "4242", "kanri1" };
    return dsg_audit_prune(a, &q, r, err, sizeof err);
}

static int verify(int with_key)
{
    return fixture_verify(dir, with_key, &rep);
}

static long count(const char *sql)
{
    return fixture_count(dir, sql);
}

/* Lines of anchor.log holding the fixed string s. */
static int anchor_lines(const char *s)
{
    char path[128], line[512];
    int n = 0;
    snprintf(path, sizeof path, "%s/anchor.log", dir);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof line, f) != NULL)
        n += strstr(line, s) != NULL;
    fclose(f);
    return n;
}

static void tamper(const char *sql)
{
    fixture_tamper(dir, sql);
}

/* ---- bad input ------------------------------------------------------------------ */

/* @relation(REQ-LOG-007, REQ-LOG-044) */
START_TEST(test_time_parse_accepts_rfc3339_utc_only)
{
    int64_t s;
    char c[32];
    ck_assert_int_eq(dsg_audit_time_parse("2025-01-02T03:04:05Z", &s, c, err, sizeof err), 0);
    ck_assert_int_eq(s, 1735787045);
    ck_assert_str_eq(c, "2025-01-02T03:04:05.000Z");
    ck_assert_int_eq(dsg_audit_time_parse("2024-02-29T23:59:59.12345Z", &s, c, err, sizeof err), 0);
    ck_assert_str_eq(c, "2024-02-29T23:59:59.123Z");
    static const char *const bad[] = {
        "", "2025-01-02", "2025-01-02 03:04:05Z", "2025-01-02T03:04:05", "2025-01-02T03:04:05+09:00",
        "2025-13-01T00:00:00Z", "2025-02-29T00:00:00Z", "2025-01-02T24:00:00Z", "2025-01-02T03:04:05.Z",
        "1969-12-31T23:59:59Z", "2025-01-02T03:04:05Zjunk", "yesterday",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        ck_assert_msg(dsg_audit_time_parse(bad[i], &s, c, err, sizeof err) != 0, "%s", bad[i]);
        ck_assert_msg(err[0] != '\0', "no message for %s", bad[i]);
    }
}
END_TEST

/* @relation(REQ-LOG-007, REQ-LOG-044) */
START_TEST(test_prune_refuses_bad_cuts_and_removes_nothing)
{
    dsg_audit *a = fill();
    dsg_audit_prune_result r;
    char future[32], young[32];
    dsg_time_rfc3339_ms(future, sizeof future, (int64_t)time(NULL) + DAY, 0);
    dsg_time_rfc3339_ms(young, sizeof young, (int64_t)time(NULL) - 10 * DAY, 0);
    long before = count("SELECT count(*) FROM records");
    /* judged against the real clock: the cut is in the future */
    ck_assert_int_ne(prune(a, future, 0, &r), 0);
    ck_assert_ptr_nonnull(strstr(err, "in the future"));
    /* 10 days old, with a retention of 365 */
    ck_assert_int_ne(prune(a, young, 0, &r), 0);
    ck_assert_ptr_nonnull(strstr(err, "younger than log.retention_days"));
    ck_assert_int_ne(prune(a, "2025-01-01", 400, &r), 0);
    ck_assert_ptr_nonnull(strstr(err, "RFC 3339"));
    ck_assert_int_ne(prune(a, "2025-01-01T00:00:00+09:00", 400, &r), 0);
    ck_assert_int_ne(prune(a, NULL, 400, &r), 0);
    ck_assert_uint_eq(r.removed, 0);
    dsg_audit_close(a);
    ck_assert_int_eq(count("SELECT count(*) FROM records"), before);
    ck_assert_int_eq(count("SELECT count(*) FROM records WHERE type = 103"), 0);
    ck_assert_int_eq(verify(1), 0);
}
END_TEST

/* ---- pruning ---------------------------------------------------------------------- */

/* @relation(REQ-LOG-007, REQ-LOG-044, REQ-LOG-005, REQ-LOG-006) */
START_TEST(test_prune_removes_old_records_and_the_rest_still_verifies)
{
    dsg_audit *a = fill();
    dsg_audit_prune_result r;
    ck_assert_int_eq(dsg_audit_has_older(a, cut), 1);
    ck_assert_int_eq(dsg_audit_has_older(a, "2000-01-01T00:00:00.000Z"), 0);
    ck_assert_msg(prune(a, cut, 400, &r) == 0, "%s", err);
    ck_assert_uint_eq(r.removed, 6);   /* portal 1..5, logd 1 */
    ck_assert_int_eq(dsg_audit_has_older(a, cut), 0);
    /* the heads were signed before anything went: portal 10 and logd 2
     * (the checkpoints by count were at 4 and 8), then the prune records */
    ck_assert_int_eq(anchor_lines(" portal 10 "), 1);
    ck_assert_int_eq(anchor_lines(" logd 2 "), 1);
    ck_assert_int_eq(anchor_lines(" portal 11 "), 1);
    ck_assert_int_eq(anchor_lines(" logd 3 "), 1);
    ck_assert_uint_eq(r.sources, 2);
    ck_assert_uint_eq(dsg_audit_unanchored(a), 0);   /* the prune records are signed */
    fixture_access(a, 11);
    dsg_audit_close(a);
    ck_assert_int_eq(count("SELECT min(seq) FROM records WHERE source = 'portal'"), 6);
    ck_assert_int_eq(count("SELECT count(*) FROM records WHERE type = 103"), 2);
    ck_assert_int_eq(count("SELECT max(seq) FROM records WHERE source = 'portal'"), 12);
    ck_assert_int_eq(verify(0), 0);
    ck_assert_uint_eq(rep.records, 5 + 1 + 1 + 1 + 1);   /* portal 6..12, logd 2..3 */
    ck_assert_int_eq(verify(1), 0);
    /* DELETE is refused again outside pruning */
    char path[128];
    sqlite3 *db;
    snprintf(path, sizeof path, "%s/audit.db", dir);
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(db, "DELETE FROM records", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    /* a second prune at the same cut removes nothing more, and says so */
    a = fixture_open(dir);
    ck_assert_msg(prune(a, cut, 400, &r) == 0, "%s", err);
    ck_assert_uint_eq(r.removed, 0);
    dsg_audit_close(a);
    ck_assert_int_eq(count("SELECT count(*) FROM records WHERE type = 103"), 3);
    ck_assert_int_eq(verify(1), 0);
}
END_TEST

/* @relation(REQ-LOG-007, REQ-LOG-044, REQ-LOG-005) */
START_TEST(test_verify_finds_a_deletion_at_the_start_without_a_prune_record)
{
    dsg_audit *a = fill();
    ck_assert_int_eq(dsg_audit_checkpoint(a, err, sizeof err), 0);
    dsg_audit_close(a);
    tamper("DELETE FROM records WHERE source = 'portal' AND seq <= 3");
    ck_assert_int_eq(verify(0), 1);
    ck_assert_str_eq(dsg_audit_break_token(rep.breaks[0].kind), "deleted");
    ck_assert_uint_eq(rep.breaks[0].seq, 1);
    ck_assert_str_eq(rep.breaks[0].source, "portal");
}
END_TEST

/* @relation(REQ-LOG-007, REQ-LOG-044, REQ-LOG-005) */
START_TEST(test_verify_finds_a_deletion_after_the_pruned_records)
{
    dsg_audit *a = fill();
    dsg_audit_prune_result r;
    ck_assert_msg(prune(a, cut, 400, &r) == 0, "%s", err);
    dsg_audit_close(a);
    tamper("DELETE FROM records WHERE source = 'portal' AND seq = 6");
    ck_assert_int_eq(verify(1), 1);
    ck_assert_str_eq(dsg_audit_break_token(rep.breaks[0].kind), "deleted");
    ck_assert_uint_eq(rep.breaks[0].seq, 6);
}
END_TEST

/* @relation(REQ-LOG-007, REQ-LOG-044, REQ-LOG-005) */
START_TEST(test_verify_finds_a_prune_record_that_was_altered)
{
    dsg_audit *a = fill();
    dsg_audit_prune_result r;
    ck_assert_msg(prune(a, cut, 400, &r) == 0, "%s", err);
    dsg_audit_close(a);
    /* claim that 7 were pruned, not 5, and take records 6 and 7 away */
    tamper("UPDATE records SET body = CAST(replace(CAST(body AS TEXT), 'pruned_to5', "
           "'pruned_to7') AS BLOB) WHERE source = 'portal' AND type = 103");
    tamper("DELETE FROM records WHERE source = 'portal' AND seq IN (6, 7)");
    ck_assert_int_ge(verify(0), 1);
    int edited = 0;
    for (uint32_t i = 0; i < rep.nbreaks && i < DSG_AUDIT_BREAKS_MAX; i++)
        edited |= rep.breaks[i].kind == DSG_AUDIT_EDITED && rep.breaks[i].seq == 11;
    ck_assert_int_eq(edited, 1);
}
END_TEST

/* ---- export ----------------------------------------------------------------------- */

/* The export of sel as JSON Lines into dir/out.jsonl; lines matching
 * the fixed string pat. */
static long export_count(const dsg_audit_select *sel, const char *pat)
{
    char path[128], cmd[512];
    snprintf(path, sizeof path, "%s/out.jsonl", dir);
    FILE *o = fopen(path, "w");
    ck_assert_ptr_nonnull(o);
    ck_assert_msg(dsg_audit_export(dir, sel, DSG_AUDIT_JSONL, fileno(o), err, sizeof err) == 0,
                  "%s", err);
    fclose(o);
    snprintf(cmd, sizeof cmd, "grep -cF -- '%s' %s", pat, path);
    FILE *p = popen(cmd, "r");
    long n = -1;
    ck_assert_int_eq(fscanf(p, "%ld", &n), 1);
    pclose(p);
    return n;
}

/* @relation(REQ-LOG-010, REQ-LOG-045, REQ-LOG-042) */
START_TEST(test_export_selects_by_type_source_and_time_with_covering_checkpoints)
{
    dsg_audit *a = fill();
    ck_assert_int_eq(dsg_audit_checkpoint(a, err, sizeof err), 0);
    dsg_audit_close(a);
    dsg_audit_select sel;
    memset(&sel, 0, sizeof sel);
    ck_assert_int_eq(export_count(&sel, "\"type_name\":\"portal_access\""), 10);
    ck_assert_int_eq(export_count(&sel, "\"type_name\":\"system\""), 2);
    sel.type = DSG_AUDIT_TYPE_SYSTEM;
    ck_assert_int_eq(export_count(&sel, "\"type_name\":\"system\""), 2);
    ck_assert_int_eq(export_count(&sel, "\"type_name\":\"portal_access\""), 0);
    ck_assert_int_eq(export_count(&sel, "\"type_name\":\"checkpoint\""), 1);   /* logd at 2 */
    sel.type = 0;
    snprintf(sel.source, sizeof sel.source, "portal");
    snprintf(sel.until, sizeof sel.until, "%s", cut);
    /* portal 1..5; checkpoints from 1 up to the first at or after 5: at 4 and 8 */
    ck_assert_int_eq(export_count(&sel, "\"type_name\":\"portal_access\""), 5);
    ck_assert_int_eq(export_count(&sel, "\"source\":\"logd\""), 0);
    ck_assert_int_eq(export_count(&sel, "\"type_name\":\"checkpoint\""), 2);
    ck_assert_int_eq(export_count(&sel, "\"prev\":null"), 1);   /* record 1 */
    sel.until[0] = '\0';
    snprintf(sel.since, sizeof sel.since, "%s", cut);
    ck_assert_int_eq(export_count(&sel, "\"type_name\":\"portal_access\""), 5);
    ck_assert_int_eq(export_count(&sel, "\"seq\":6,"), 1);
    ck_assert_int_eq(export_count(&sel, "\"prev\":null"), 0);   /* 6 links to 5 */
    ck_assert_int_eq(export_count(&sel, "\"type_name\":\"checkpoint\""), 2);   /* 8 and 10 */
    snprintf(sel.source, sizeof sel.source, "nobody");
    ck_assert_int_eq(export_count(&sel, "\"seq\""), 0);
}
END_TEST

/* @relation(REQ-LOG-010, REQ-LOG-045) */
START_TEST(test_export_reads_in_small_pieces)
{
    dsg_audit *a = fill();
    dsg_audit_close(a);
    dsg_audit_exporter *x = NULL;
    static uint8_t whole[1 << 16], part[7];
    size_t n = 0;
    long got;
    ck_assert_int_eq(dsg_audit_export_open(dir, NULL, DSG_AUDIT_RFC5424, &x, err, sizeof err), 0);
    while ((got = dsg_audit_export_read(x, part, sizeof part, err, sizeof err)) > 0) {
        ck_assert_uint_le(n + (size_t)got, sizeof whole);
        memcpy(whole + n, part, (size_t)got);
        n += (size_t)got;
    }
    ck_assert_int_eq(got, 0);
    dsg_audit_export_close(x);
    size_t lines = 0;
    for (size_t i = 0; i < n; i++)
        lines += whole[i] == '\n';
    ck_assert_uint_eq(lines, 12 + 2);   /* 12 records; the checkpoints of portal at 4, 8 */
    ck_assert_int_eq(whole[n - 1], '\n');
}
END_TEST

/* A record of 監査ログ・カスタムレポート (type 23) as the share role writes it. */
static void share_rec(dsg_audit *a, const char *site, const char *item, const char *type,
                      const char *custom, const char *location, const char *data)
{
    uint64_t seq;
    const dsg_audit_field f[] = {
        { "site_id", (const uint8_t *)site, strlen(site) },
        { "item_id", (const uint8_t *)item, strlen(item) },
        { "item_type", (const uint8_t *)type, strlen(type) },
        FIXTURE_FIELD("user_id", "sato"),
        { "document_location", (const uint8_t *)location, strlen(location) },
        FIXTURE_FIELD("occurred_gmt", "2026-11-27T01:02:03.004Z"),
        FIXTURE_FIELD("event", "View"),
        { "custom_event_name", (const uint8_t *)custom, strlen(custom) },
        FIXTURE_FIELD("event_source", "api"),
        FIXTURE_FIELD("source_name", "dsgd/share"),
        { "event_data", (const uint8_t *)data, strlen(data) },
        FIXTURE_FIELD("app_id", "portal"),
    };
    ck_assert_msg(dsg_audit_append(a, "share", DSG_AUDIT_TYPE_SHARE_AUDIT, f,
                                   sizeof f / sizeof f[0], &seq, err, sizeof err) == 0, "%s", err);
}

/* Area 1: folder 5, file 5 (uploaded, listed), file 6; area 2: file 7;
 * an application 5 outside any area; and portal records beside them. */
static void fill_share(void)
{
    dsg_audit *a = fixture_open(dir);
    fixture_access(a, 1);
    share_rec(a, "1", "5", "folder", "folder-listed", "/docs", "");
    share_rec(a, "1", "5", "version", "file-uploaded", "/docs/a.txt", "version=1\tsize=3");
    share_rec(a, "1", "5", "file", "versions-listed", "/docs/a.txt", "");
    share_rec(a, "1", "6", "version", "file-downloaded", "/docs/b.txt", "version=1");
    share_rec(a, "2", "7", "version", "file-downloaded", "/x/c.txt", "version=2");
    share_rec(a, "-", "5", "application", "area-applied", "-", "");
    fixture_access(a, 2);
    ck_assert_int_eq(dsg_audit_checkpoint(a, err, sizeof err), 0);
    dsg_audit_close(a);
}

static dsg_audit_select item_sel(const char *spec)
{
    dsg_audit_select sel;
    memset(&sel, 0, sizeof sel);
    ck_assert_msg(dsg_audit_select_item(&sel, spec, err, sizeof err) == 0, "%s", err);
    return sel;
}

/* @relation(REQ-SHARE-017, REQ-SHARE-020) */
START_TEST(test_export_selects_an_area_or_an_item_by_its_fields)
{
    fill_share();
    dsg_audit_select sel = item_sel("area:1");
    ck_assert_int_eq(export_count(&sel, "\"type_name\":\"share_audit\""), 4);
    ck_assert_int_eq(export_count(&sel, "\"type_name\":\"portal_access\""), 0);
    ck_assert_int_eq(export_count(&sel, "\"type_name\":\"checkpoint\""), 1);
    memset(&sel, 0, sizeof sel);
    ck_assert_int_eq(dsg_audit_select_site(&sel, "2", err, sizeof err), 0);
    ck_assert_int_eq(export_count(&sel, "\"type_name\":\"share_audit\""), 1);
    ck_assert_int_eq(export_count(&sel, "/x/c.txt"), 1);
    /* a file and its versions, never the folder or the application of that number */
    sel = item_sel("file:5");
    ck_assert_int_eq(export_count(&sel, "\"type_name\":\"share_audit\""), 2);
    ck_assert_int_eq(export_count(&sel, "file-uploaded"), 1);
    ck_assert_int_eq(export_count(&sel, "versions-listed"), 1);
    sel = item_sel("folder:5");
    ck_assert_int_eq(export_count(&sel, "\"type_name\":\"share_audit\""), 1);
    ck_assert_int_eq(export_count(&sel, "folder-listed"), 1);
    sel = item_sel("file:8");
    ck_assert_int_eq(export_count(&sel, "\"seq\""), 0);
    /* with a type of log that has no such field: nothing */
    sel = item_sel("area:1");
    sel.type = DSG_AUDIT_TYPE_PORTAL_ACCESS;
    ck_assert_int_eq(export_count(&sel, "\"seq\""), 0);
}
END_TEST

/* @relation(REQ-SHARE-017) */
START_TEST(test_history_shows_one_line_per_record_and_no_checkpoint)
{
    fill_share();
    char path[128], text[1024];
    snprintf(path, sizeof path, "%s/history.txt", dir);
    FILE *o = fopen(path, "w+");
    ck_assert_ptr_nonnull(o);
    dsg_audit_select sel = item_sel("file:5");
    ck_assert_msg(dsg_audit_export(dir, &sel, DSG_AUDIT_HISTORY, fileno(o), err, sizeof err) == 0,
                  "%s", err);
    rewind(o);
    size_t n = fread(text, 1, sizeof text - 1, o);
    fclose(o);
    text[n] = '\0';
    /* a tab inside a value is shown as \x09, so the columns stay five */
    ck_assert_str_eq(text, "2026-11-27T01:02:03.004Z\tsato\tfile-uploaded\t/docs/a.txt\t"
                           "version=1\\x09size=3\n"
                           "2026-11-27T01:02:03.004Z\tsato\tversions-listed\t/docs/a.txt\t\n");
}
END_TEST

/* A history of a trail where thousands of records go by unselected comes
 * in reads that each pass over a bounded number of rows (the caller, logd,
 * stores records between them), and misses nothing. @relation(REQ-SHARE-017) */
START_TEST(test_history_read_yields_over_long_runs_of_other_records)
{
    dsg_audit *a = fixture_open(dir);
    share_rec(a, "1", "5", "version", "file-uploaded", "/docs/a.txt", "first");
    ck_assert_int_eq(dsg_audit_batch_begin(a, err, sizeof err), 0);
    for (int i = 0; i < 9000; i++)
        fixture_access(a, i);
    ck_assert_int_eq(dsg_audit_batch_commit(a, err, sizeof err), 0);
    share_rec(a, "1", "5", "version", "file-downloaded", "/docs/a.txt", "last");
    dsg_audit_close(a);
    dsg_audit_select sel = item_sel("file:5");
    dsg_audit_exporter *x = NULL;
    ck_assert_msg(dsg_audit_export_open(dir, &sel, DSG_AUDIT_HISTORY, &x, err, sizeof err) == 0,
                  "%s", err);
    static uint8_t buf[8192];
    char text[1024] = "";
    size_t len = 0;
    int later = 0;
    long got;
    while ((got = dsg_audit_export_read(x, buf, sizeof buf, err, sizeof err)) != 0) {
        ck_assert_msg(got > 0 || got == DSG_AUDIT_EXPORT_LATER, "%s", err);
        if (got == DSG_AUDIT_EXPORT_LATER) {
            later++;
            continue;
        }
        ck_assert_uint_lt(len + (size_t)got, sizeof text);
        memcpy(text + len, buf, (size_t)got);
        len += (size_t)got;
    }
    dsg_audit_export_close(x);
    ck_assert_int_ge(later, 2);   /* 9000 rows, at most 4096 passed over a read */
    ck_assert_ptr_nonnull(strstr(text, "\tfile-uploaded\t"));
    ck_assert_ptr_nonnull(strstr(text, "\tfile-downloaded\t"));
}
END_TEST

/* @relation(REQ-SHARE-017, REQ-SHARE-020) */
START_TEST(test_select_item_and_site_refuse_what_is_not_an_id)
{
    static const char *const bad[] = { "file:", "file:0", "file:012", "file:12a", "file:-1",
                                       "dir:3", "area:", "5", "folder:12345678901234567890",
                                       "File:3", "" };
    dsg_audit_select sel;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&sel, 0, sizeof sel);
        ck_assert_msg(dsg_audit_select_item(&sel, bad[i], err, sizeof err) == -1, "%s", bad[i]);
        ck_assert(sel.item[0] == '\0' && sel.site[0] == '\0');
    }
    ck_assert_int_eq(dsg_audit_select_site(&sel, "1x", err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "not an area ID"));
    sel = item_sel("folder:1234567890123456789");
    ck_assert_str_eq(sel.item, "1234567890123456789");
    ck_assert_int_eq(sel.item_kind, DSG_AUDIT_ITEM_FOLDER);
    sel = item_sel("area:42");
    ck_assert_str_eq(sel.site, "42");
    ck_assert_str_eq(sel.item, "");
}
END_TEST

Suite *suite_audit_prune(void)
{
    Suite *s = suite_create("audit_prune");
    TCase *bad = tcase_create("bad_cuts");
    tcase_add_checked_fixture(bad, setup, teardown);
    tcase_add_test(bad, test_time_parse_accepts_rfc3339_utc_only);
    tcase_add_test(bad, test_prune_refuses_bad_cuts_and_removes_nothing);
    suite_add_tcase(s, bad);
    TCase *tp = tcase_create("prune");
    tcase_add_checked_fixture(tp, setup, teardown);
    tcase_set_timeout(tp, 30);
    tcase_add_test(tp, test_prune_removes_old_records_and_the_rest_still_verifies);
    tcase_add_test(tp, test_verify_finds_a_deletion_at_the_start_without_a_prune_record);
    tcase_add_test(tp, test_verify_finds_a_deletion_after_the_pruned_records);
    tcase_add_test(tp, test_verify_finds_a_prune_record_that_was_altered);
    suite_add_tcase(s, tp);
    TCase *te = tcase_create("export");
    tcase_add_checked_fixture(te, setup, teardown);
    tcase_add_test(te, test_export_selects_by_type_source_and_time_with_covering_checkpoints);
    tcase_add_test(te, test_export_reads_in_small_pieces);
    tcase_add_test(te, test_export_selects_an_area_or_an_item_by_its_fields);
    tcase_add_test(te, test_history_shows_one_line_per_record_and_no_checkpoint);
    tcase_add_test(te, test_select_item_and_site_refuse_what_is_not_an_id);
    tcase_add_test(te, test_history_read_yields_over_long_runs_of_other_records);
    suite_add_tcase(s, te);
    return s;
}
