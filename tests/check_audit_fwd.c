/*
 * Unit tests of the audit store's forwarding reads and cursors
 * (src/log/audit.h, "forwarding"): each forwarded message is the line of
 * `dsgctl log export --format rfc5424`, records are read after any seq,
 * checkpoints by byte offset of anchor.log, cursors survive a reopen, and
 * a copy made before the cursors existed (schema version 1) still
 * verifies and exports. REQ-LOG-047, REQ-LOG-010, REQ-RUN-020.
 */
#define _GNU_SOURCE
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log/audit.h"
#include "tests/audit_fixture.h"

Suite *suite_audit_fwd(void);

static char dir[64];
static char err[1024];
static dsg_audit_report rep;

static void setup(void)
{
    fixture_mkdtemp(dir, sizeof dir, "/tmp/dsg-fwd-XXXXXX");
}

static void teardown(void)
{
    fixture_rmdir(dir);
}

/* portal 1..6 (checkpoints at 4), logd 1. */
static dsg_audit *fill(void)
{
    dsg_audit *a = fixture_open(dir);
    for (int i = 1; i <= 6; i++)
        fixture_access(a, i);
    fixture_system(a, "started");
    ck_assert_int_eq(dsg_audit_checkpoint(a, err, sizeof err), 0);
    return a;
}

/* Appends what forwarding reads, one message and a LF each: every record
 * of source after seq 0, in order. */
static void forward_source(dsg_audit *a, const char *source, FILE *o, uint64_t *last)
{
    uint64_t after = 0, seq = 0;
    const uint8_t *msg;
    size_t len;
    int r;
    while ((r = dsg_audit_fwd_record(a, source, after, &seq, &msg, &len, err, sizeof err)) == 1) {
        ck_assert_uint_eq(seq, after + 1);
        ck_assert(len > 0 && msg[len - 1] != '\n');
        fwrite(msg, 1, len, o);
        fputc('\n', o);
        after = seq;
    }
    ck_assert_msg(r == 0, "%s", err);
    *last = after;
}

static void forward_checkpoints(dsg_audit *a, FILE *o)
{
    uint64_t off = 0, next = 0, seq = 0;
    char source[65];
    const uint8_t *msg;
    size_t len;
    int r;
    while ((r = dsg_audit_fwd_checkpoint(a, off, &next, source, &seq, &msg, &len, err,
                                         sizeof err)) == 1) {
        ck_assert_uint_gt(next, off);
        ck_assert_uint_gt(len, 0);
        fwrite(msg, 1, len, o);
        fputc('\n', o);
        off = next;
    }
    ck_assert_msg(r == 0, "%s", err);
    ck_assert_uint_eq(off, dsg_audit_anchor_size(a));
}

static char *slurp(FILE *f, size_t *n)
{
    fflush(f);
    long size = ftell(f);
    char *buf = malloc((size_t)size + 1);
    ck_assert_ptr_nonnull(buf);
    rewind(f);
    ck_assert_uint_eq(fread(buf, 1, (size_t)size, f), (size_t)size);
    buf[size] = '\0';
    *n = (size_t)size;
    return buf;
}

/* Forwarded messages are byte for byte the lines of the RFC 5424 export:
 * records by source and seq, then the checkpoints. @relation(REQ-LOG-047, REQ-LOG-010) */
START_TEST(test_fwd_messages_are_the_export_lines)
{
    dsg_audit *a = fill();
    FILE *fw = tmpfile(), *ex = tmpfile();
    uint64_t last;
    ck_assert_ptr_nonnull(fw);
    ck_assert_ptr_nonnull(ex);
    forward_source(a, "logd", fw, &last);
    ck_assert_uint_eq(last, 1);
    forward_source(a, "portal", fw, &last);
    ck_assert_uint_eq(last, 6);
    forward_checkpoints(a, fw);
    ck_assert_msg(dsg_audit_export(dir, NULL, DSG_AUDIT_RFC5424, fileno(ex), err, sizeof err) == 0,
                  "%s", err);
    fseek(ex, 0, SEEK_END);
    size_t nf, ne;
    char *f = slurp(fw, &nf), *e = slurp(ex, &ne);
    ck_assert_msg(nf == ne && memcmp(f, e, nf) == 0, "forwarded:\n%s\nexported:\n%s", f, e);
    ck_assert_ptr_nonnull(strstr(f, "[dsg@32473 source=\"portal\" seq=\"6\" type=\"16\""));
    ck_assert_ptr_nonnull(strstr(f, "- checkpoint [dsg@32473 source=\"portal\" seq=\"4\""));
    free(f);
    free(e);
    fclose(fw);
    fclose(ex);
    dsg_audit_close(a);
}
END_TEST

/* After any seq the next record that exists (pruning may leave gaps);
 * nothing after the head or for an unknown source; nothing read inside a
 * batch, whose records are not committed. @relation(REQ-LOG-047) */
START_TEST(test_fwd_record_after_any_seq)
{
    dsg_audit *a = fill();
    uint64_t seq = 0;
    const uint8_t *msg;
    size_t len;
    ck_assert_int_eq(dsg_audit_fwd_record(a, "portal", 3, &seq, &msg, &len, err, sizeof err), 1);
    ck_assert_uint_eq(seq, 4);
    ck_assert_int_eq(dsg_audit_fwd_record(a, "portal", 6, &seq, &msg, &len, err, sizeof err), 0);
    ck_assert_int_eq(dsg_audit_fwd_record(a, "portal", UINT64_MAX, &seq, &msg, &len, err,
                                          sizeof err), 0);
    ck_assert_int_eq(dsg_audit_fwd_record(a, "nosuch", 0, &seq, &msg, &len, err, sizeof err), 0);
    const char *names[DSG_AUDIT_SOURCES_MAX];
    uint64_t heads[DSG_AUDIT_SOURCES_MAX];
    size_t n = dsg_audit_heads(a, names, heads, DSG_AUDIT_SOURCES_MAX);
    ck_assert_uint_eq(n, 2);
    for (size_t i = 0; i < n; i++)
        ck_assert_uint_eq(heads[i], strcmp(names[i], "portal") == 0 ? 6 : 1);
    ck_assert_int_eq(dsg_audit_batch_begin(a, err, sizeof err), 0);
    fixture_access(a, 7);
    ck_assert_int_eq(dsg_audit_fwd_record(a, "portal", 6, &seq, &msg, &len, err, sizeof err), -1);
    ck_assert_int_eq(dsg_audit_batch_commit(a, err, sizeof err), 0);
    ck_assert_int_eq(dsg_audit_fwd_record(a, "portal", 6, &seq, &msg, &len, err, sizeof err), 1);
    ck_assert_uint_eq(seq, 7);
    dsg_audit_close(a);
}
END_TEST

/* Checkpoints by byte offset: a line that is not a checkpoint is skipped,
 * a line not yet complete is not read. @relation(REQ-LOG-047) */
START_TEST(test_fwd_checkpoints_by_offset)
{
    dsg_audit *a = fill();
    uint64_t size = dsg_audit_anchor_size(a), next = 0, seq = 0;
    char source[65], path[128];
    const uint8_t *msg;
    size_t len;
    ck_assert_uint_gt(size, 0);
    dsg_audit_close(a);
    snprintf(path, sizeof path, "%s/anchor.log", dir);
    FILE *f = fopen(path, "a");
    ck_assert_ptr_nonnull(f);
    fputs("not a checkpoint\n", f);
    fclose(f);
    a = fixture_open(dir);
    ck_assert_uint_eq(dsg_audit_anchor_size(a), size + 17);
    ck_assert_int_eq(dsg_audit_fwd_checkpoint(a, size, &next, source, &seq, &msg, &len, err,
                                              sizeof err), 1);
    ck_assert_uint_eq(len, 0);
    ck_assert_uint_eq(next, size + 17);
    fixture_system(a, "again");
    ck_assert_int_eq(dsg_audit_checkpoint(a, err, sizeof err), 0);
    ck_assert_int_eq(dsg_audit_fwd_checkpoint(a, next, &next, source, &seq, &msg, &len, err,
                                              sizeof err), 1);
    ck_assert_str_eq(source, "logd");
    ck_assert_uint_eq(seq, 2);
    ck_assert_uint_eq(next, dsg_audit_anchor_size(a));
    ck_assert_int_eq(dsg_audit_fwd_checkpoint(a, next, &next, source, &seq, &msg, &len, err,
                                              sizeof err), 0);
    dsg_audit_close(a);
    f = fopen(path, "a");
    ck_assert_ptr_nonnull(f);
    fputs("dsg-anchor-1 logd", f);   /* torn: no LF */
    fclose(f);
    a = fixture_open(dir);
    ck_assert_int_eq(dsg_audit_fwd_checkpoint(a, next, &next, source, &seq, &msg, &len, err,
                                              sizeof err), 0);
    dsg_audit_close(a);
}
END_TEST

typedef struct seen {
    char source[8][65];
    uint64_t seq[8];
    int n;
} seen;

static void collect(void *arg, const char *source, uint64_t seq)
{
    seen *s = arg;
    ck_assert_int_lt(s->n, 8);
    snprintf(s->source[s->n], sizeof s->source[0], "%s", source);
    s->seq[s->n++] = seq;
}

static uint64_t seen_seq(const seen *s, const char *source)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->source[i], source) == 0)
            return s->seq[i];
    return 0;
}

/* Each collector's cursor is its own, kept across a reopen, and a save
 * changes only what it names. @relation(REQ-LOG-047, REQ-RUN-020) */
START_TEST(test_fwd_cursor_survives_reopen)
{
    dsg_audit *a = fill();
    uint64_t anchor = 7;
    seen s;
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(dsg_audit_fwd_load(a, "192.0.2.7:6514", collect, &s, &anchor, err,
                                        sizeof err), 0);
    ck_assert_int_eq(s.n, 0);
    ck_assert_uint_eq(anchor, 0);
    dsg_audit_fwd_pos p1[] = { { "portal", 5 }, { "logd", 1 } };
    dsg_audit_fwd_pos p2[] = { { "portal", 2 } };
    ck_assert_int_eq(dsg_audit_fwd_save(a, "192.0.2.7:6514", p1, 2, 321, err, sizeof err), 0);
    ck_assert_int_eq(dsg_audit_fwd_save(a, "x@[2001:db8::1]:6514", p2, 1, 10, err, sizeof err), 0);
    dsg_audit_close(a);
    a = fixture_open(dir);
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(dsg_audit_fwd_load(a, "192.0.2.7:6514", collect, &s, &anchor, err,
                                        sizeof err), 0);
    ck_assert_int_eq(s.n, 2);
    ck_assert_uint_eq(seen_seq(&s, "portal"), 5);
    ck_assert_uint_eq(seen_seq(&s, "logd"), 1);
    ck_assert_uint_eq(anchor, 321);
    dsg_audit_fwd_pos p3[] = { { "portal", 6 } };
    ck_assert_int_eq(dsg_audit_fwd_save(a, "192.0.2.7:6514", p3, 1, 400, err, sizeof err), 0);
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(dsg_audit_fwd_load(a, "192.0.2.7:6514", collect, &s, &anchor, err,
                                        sizeof err), 0);
    ck_assert_uint_eq(seen_seq(&s, "portal"), 6);
    ck_assert_uint_eq(seen_seq(&s, "logd"), 1);
    ck_assert_uint_eq(anchor, 400);
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(dsg_audit_fwd_load(a, "x@[2001:db8::1]:6514", collect, &s, &anchor, err,
                                        sizeof err), 0);
    ck_assert_int_eq(s.n, 1);
    ck_assert_uint_eq(seen_seq(&s, "portal"), 2);
    ck_assert_uint_eq(anchor, 10);
    /* the cursors are not records: verification is untouched */
    dsg_audit_close(a);
    ck_assert_int_eq(fixture_verify(dir, 1, &rep), 0);
}
END_TEST

static void sql(const char *path, const char *text)
{
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_msg(sqlite3_exec(db, text, NULL, NULL, NULL) == SQLITE_OK, "%s", sqlite3_errmsg(db));
    sqlite3_close(db);
}

/* A copy made before version 2 (no cursors) still verifies and exports
 * offline, and logd's next open migrates it. @relation(REQ-RUN-020, REQ-LOG-047) */
START_TEST(test_fwd_schema_v1_copy_still_reads)
{
    char path[128];
    uint64_t anchor = 1;
    seen s;
    dsg_audit_close(fill());
    snprintf(path, sizeof path, "%s/audit.db", dir);
    sql(path, "DROP TABLE forward_cursor; DROP TABLE forward_anchor; PRAGMA user_version = 1;");
    ck_assert_int_eq(fixture_verify(dir, 1, &rep), 0);
    ck_assert_uint_eq(rep.records, 7);
    FILE *o = tmpfile();
    ck_assert_ptr_nonnull(o);
    ck_assert_msg(dsg_audit_export(dir, NULL, DSG_AUDIT_RFC5424, fileno(o), err, sizeof err) == 0,
                  "%s", err);
    fclose(o);
    dsg_audit *a = fixture_open(dir);
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(dsg_audit_fwd_load(a, "127.0.0.1:1", collect, &s, &anchor, err, sizeof err),
                     0);
    ck_assert_uint_eq(anchor, 0);
    dsg_audit_close(a);
}
END_TEST

Suite *suite_audit_fwd(void)
{
    Suite *s = suite_create("audit_fwd");
    TCase *tc = tcase_create("forwarding");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_fwd_messages_are_the_export_lines);
    tcase_add_test(tc, test_fwd_record_after_any_seq);
    tcase_add_test(tc, test_fwd_checkpoints_by_offset);
    tcase_add_test(tc, test_fwd_cursor_survives_reopen);
    tcase_add_test(tc, test_fwd_schema_v1_copy_still_reads);
    suite_add_tcase(s, tc);
    return s;
}
