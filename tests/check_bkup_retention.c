/*
 * Unit tests of the master's backup retention job
 * (src/run/bkup_retention.h, REQ-BKUP-008, REQ-BKUP-014) and of the clock
 * check (src/run/clock_sync.h, REQ-NTP-003), on a DEST the test fills:
 * the oldest backups and old leftovers of failed runs are deleted whole,
 * state file last, and recorded with the reason; the newest verified, a
 * running backup, a directory without a state file and the base a kept
 * backup's manifest depends on stay; a link inside a backup is removed,
 * never followed, a link where a backup should be is left, and a FIFO is
 * never read; an unsynchronised clock or a backup in the future deletes
 * nothing, and the refusal is recorded once per cause per day.
 */
#define _GNU_SOURCE
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#include "run/bkup_retention.h"
#include "run/clock_sync.h"

Suite *suite_bkup_retention(void);

#define NOW 1800000000   /* 2027-01-15T08:00:00Z */
#define DAY 86400

static char top[64], dest[128], outside[128];
static char records[16384];
static int synced;

static void record(const char *event, const char *detail)
{
    size_t at = strlen(records);
    snprintf(records + at, sizeof records - at, "%s: %s\n", event, detail);
}

static int fake_clock(uint32_t max_offset_ms, char *why, size_t n)
{
    ck_assert_uint_eq(max_offset_ms, 1000);
    snprintf(why, n, "the test's clock is unsynchronised");
    return synced;
}

static const dsgd_retention_ops ops = { record, fake_clock };

static void put_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static int exists(const char *name)
{
    char p[600];
    struct stat st;
    snprintf(p, sizeof p, "%s/%.300s", dest, name);
    return lstat(p, &st) == 0;
}

/* The ID of a backup started days ago (plus secs). */
static void id_of(char *id, int64_t days, int secs)
{
    time_t t = (time_t)(NOW - days * DAY + secs);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(id, 17, "%Y%m%dT%H%M%SZ", &tm);
}

/* DEST/ID (suffix) with a member and a manifest (depends: an ID or NULL),
 * and DEST/ID.state in state (NULL: none). */
static void backup(const char *id, const char *suffix, const char *state, const char *depends)
{
    char p[400], text[400];
    snprintf(p, sizeof p, "%s/%s%s", dest, id, suffix);
    ck_assert_int_eq(mkdir(p, 0700), 0);
    snprintf(p, sizeof p, "%s/%s%s/auth", dest, id, suffix);
    ck_assert_int_eq(mkdir(p, 0700), 0);
    snprintf(p, sizeof p, "%s/%s%s/auth/auth.db", dest, id, suffix);
    put_file(p, "member");
    snprintf(text, sizeof text, "dsg-backup-manifest 1\nid %s\ncreated x\ndsg 0.1.0\n%s%s%s"
             "role auth x schema 1\nend\n", id, depends ? "depends " : "",
             depends ? depends : "", depends ? "\n" : "");
    snprintf(p, sizeof p, "%s/%s%s/manifest", dest, id, suffix);
    put_file(p, text);
    if (state != NULL) {
        snprintf(p, sizeof p, "%s/%s.state", dest, id);
        snprintf(text, sizeof text, "id %s\nstate %s\nstart x\n", id, state);
        put_file(p, text);
    }
}

static void setup(void)
{
    snprintf(top, sizeof top, "/tmp/dsg-retention-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(top));
    snprintf(dest, sizeof dest, "%s/dest", top);
    snprintf(outside, sizeof outside, "%s/outside", top);
    ck_assert_int_eq(mkdir(dest, 0700), 0);
    ck_assert_int_eq(mkdir(outside, 0700), 0);
    char p[300];
    snprintf(p, sizeof p, "%s/keep.txt", outside);
    put_file(p, "not a backup");
    records[0] = '\0';
    synced = 1;
}

static void teardown(void)
{
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
    ck_assert_int_eq(system(cmd), 0);
}

static dsgd_retention_config conf(uint32_t days, uint32_t min_count)
{
    dsgd_retention_config c = { dest, days, min_count, 1, 1000 };
    return c;
}

/* @relation(REQ-BKUP-008, REQ-BKUP-014) */
START_TEST(test_oldest_deleted_newest_kept)
{
    char id[6][17], name[40];
    for (int i = 0; i < 5; i++) {
        id_of(id[i], 10 - i, 0);   /* 10, 9, 8, 7, 6 days old */
        backup(id[i], "", "verified", NULL);
    }
    dsgd_retention_memory mem = { { 0, 0, 0 } };
    dsgd_retention_config c = conf(7, 2);
    dsgd_retention_result r = dsgd_retention_run(&c, &ops, &mem, NOW);
    /* older than 7 days: 10, 9, 8 (7 is exactly 7); the newest 2 (7, 6) kept anyway */
    ck_assert_uint_eq(r.deleted, 3);
    ck_assert_uint_eq(r.kept_verified, 2);
    ck_assert_int_eq(r.skipped, 0);
    for (int i = 0; i < 5; i++) {
        snprintf(name, sizeof name, "%.16s.state", id[i]);
        ck_assert_int_eq(exists(id[i]), i >= 3);
        ck_assert_int_eq(exists(name), i >= 3);
    }
    char want[300];
    snprintf(want, sizeof want, "backup-deleted: %s: backup, age 10 days, older than "
             "bkup.retention_days 7; 2 verified backups kept (bkup.retention_min_count 2)\n", id[0]);
    ck_assert_msg(strstr(records, want) != NULL, "records: %s", records);
    ck_assert_ptr_null(strstr(records, "clock not checked"));
    /* again: nothing more to do */
    records[0] = '\0';
    r = dsgd_retention_run(&c, &ops, &mem, NOW);
    ck_assert_uint_eq(r.deleted, 0);
    ck_assert_str_eq(records, "");
    /* with the clock check off, the record says so */
    c = conf(0, 1);
    c.clock_check = 0;
    synced = 0;   /* not asked */
    r = dsgd_retention_run(&c, &ops, &mem, NOW);
    ck_assert_uint_eq(r.deleted, 1);
    ck_assert_msg(strstr(records, "; clock not checked (bkup.retention_clock_check = none)") != NULL,
                  "records: %s", records);
    ck_assert(!exists(id[3]) && exists(id[4]));
}
END_TEST

/* @relation(REQ-BKUP-008) */
START_TEST(test_leftovers_and_kept_kinds)
{
    char failed[17], partial[17], unver[17], running[17], nostate[17], young[17], v[17];
    char name[40];
    id_of(failed, 30, 0);
    id_of(partial, 29, 0);
    id_of(unver, 28, 0);
    id_of(running, 27, 0);
    id_of(nostate, 26, 0);
    id_of(young, 1, 0);
    id_of(v, 2, 0);
    backup(failed, ".partial", "failed", NULL);     /* a failed run: leftover and state */
    backup(partial, ".partial", NULL, NULL);        /* a leftover alone */
    backup(unver, ".unverified", "failed", NULL);   /* failed its verification */
    backup(running, ".partial", "running", NULL);   /* a run going on */
    backup(nostate, "", NULL, NULL);                /* a directory without its state */
    backup(young, ".partial", "failed", NULL);      /* too young */
    backup(v, "", "verified", NULL);
    snprintf(name, sizeof name, "%s.state.new", failed);   /* not the job's */
    char p[300];
    snprintf(p, sizeof p, "%s/%s", dest, name);
    put_file(p, "x");
    dsgd_retention_memory mem = { { 0, 0, 0 } };
    dsgd_retention_config c = conf(7, 1);
    dsgd_retention_result r = dsgd_retention_run(&c, &ops, &mem, NOW);
    ck_assert_uint_eq(r.deleted, 3);
    ck_assert_uint_eq(r.failed, 0);
    snprintf(name, sizeof name, "%s.partial", failed);
    ck_assert(!exists(name));
    snprintf(name, sizeof name, "%s.state", failed);
    ck_assert(!exists(name));
    snprintf(name, sizeof name, "%s.partial", partial);
    ck_assert(!exists(name));
    snprintf(name, sizeof name, "%s.unverified", unver);
    ck_assert(!exists(name));
    snprintf(name, sizeof name, "%s.partial", running);
    ck_assert(exists(name));
    ck_assert(exists(nostate));
    snprintf(name, sizeof name, "%s.partial", young);
    ck_assert(exists(name));
    ck_assert(exists(v));
    snprintf(name, sizeof name, "%s.state.new", failed);
    ck_assert(exists(name));
    char want[200];
    snprintf(want, sizeof want, "backup-deleted: %s: failed run, age 29 days", partial);
    ck_assert_msg(strstr(records, want) != NULL, "records: %s", records);
}
END_TEST

/* @relation(REQ-BKUP-008) */
START_TEST(test_depends_kept)
{
    char base[17], inc[17], full[17], n1[17];
    id_of(base, 20, 0);
    id_of(inc, 19, 0);
    id_of(full, 18, 0);
    id_of(n1, 17, 0);
    backup(base, "", "verified", NULL);
    backup(inc, "", "verified", base);
    backup(full, "", "verified", NULL);
    backup(n1, "", "verified", inc);   /* the newest depends on inc, which depends on base */
    dsgd_retention_memory mem = { { 0, 0, 0 } };
    dsgd_retention_config c = conf(7, 1);
    dsgd_retention_result r = dsgd_retention_run(&c, &ops, &mem, NOW);
    ck_assert_uint_eq(r.deleted, 1);   /* full alone */
    ck_assert(exists(base) && exists(inc) && !exists(full) && exists(n1));
}
END_TEST

/* @relation(REQ-BKUP-008) */
START_TEST(test_links_never_followed)
{
    char a[17], b[17], c2[17], p[300], q[300];
    id_of(a, 20, 0);
    id_of(b, 19, 0);
    id_of(c2, 1, 0);
    backup(a, "", "verified", NULL);
    backup(c2, "", "verified", NULL);
    /* inside a: links to a file and a directory outside DEST */
    snprintf(p, sizeof p, "%s/keep.txt", outside);
    snprintf(q, sizeof q, "%s/%s/auth/link", dest, a);
    ck_assert_int_eq(symlink(p, q), 0);
    snprintf(q, sizeof q, "%s/%s/dirlink", dest, a);
    ck_assert_int_eq(symlink(outside, q), 0);
    /* b: a link where its directory should be, with a state file */
    snprintf(q, sizeof q, "%s/%s", dest, b);
    ck_assert_int_eq(symlink(outside, q), 0);
    snprintf(q, sizeof q, "%s/%s.state", dest, b);
    put_file(q, "id x\nstate failed\n");
    /* FIFOs, which a read would wait on for ever: a state file, a manifest */
    char f[17];
    id_of(f, 25, 0);
    snprintf(q, sizeof q, "%s/%s.state", dest, f);
    ck_assert_int_eq(mkfifo(q, 0600), 0);
    snprintf(q, sizeof q, "%s/%s/manifest", dest, c2);
    ck_assert_int_eq(unlink(q), 0);
    ck_assert_int_eq(mkfifo(q, 0600), 0);
    dsgd_retention_memory mem = { { 0, 0, 0 } };
    dsgd_retention_config c = conf(7, 1);
    dsgd_retention_result r = dsgd_retention_run(&c, &ops, &mem, NOW);
    ck_assert_uint_eq(r.deleted, 1);
    ck_assert_int_eq(r.failed, 1);
    ck_assert(!exists(a));
    ck_assert(exists(b));   /* left: not a directory */
    snprintf(q, sizeof q, "%s.state", b);
    ck_assert(exists(q));   /* the state file outlives a deletion that failed */
    snprintf(q, sizeof q, "%s.state", f);
    ck_assert(exists(q));   /* not a state file: not the job's */
    ck_assert(exists(c2));
    struct stat st;
    snprintf(p, sizeof p, "%s/keep.txt", outside);
    ck_assert_int_eq(stat(p, &st), 0);
    ck_assert_int_eq(stat(outside, &st), 0);
}
END_TEST

/* @relation(REQ-BKUP-008, REQ-BKUP-014) */
START_TEST(test_clock_refusals_recorded_daily)
{
    char a[17], b[17], fut[17];
    id_of(a, 20, 0);
    id_of(b, 19, 0);
    backup(a, "", "verified", NULL);
    backup(b, "", "verified", NULL);
    dsgd_retention_memory mem = { { 0, 0, 0 } };
    dsgd_retention_config c = conf(7, 1);
    synced = 0;
    dsgd_retention_result r = dsgd_retention_run(&c, &ops, &mem, NOW);
    ck_assert_int_eq(r.skipped, 1);
    ck_assert_uint_eq(r.deleted, 0);
    ck_assert_str_eq(records, "backup-retention-skipped: nothing deleted: the test's clock is "
                              "unsynchronised\n");
    r = dsgd_retention_run(&c, &ops, &mem, NOW + 3600);   /* the same day: not again */
    ck_assert_int_eq(r.skipped, 1);
    ck_assert_uint_eq(strlen(records), 78);
    r = dsgd_retention_run(&c, &ops, &mem, NOW + DAY);   /* the next day: again */
    ck_assert_ptr_nonnull(strstr(records + 78, "backup-retention-skipped"));
    ck_assert(exists(a) && exists(b));
    /* synchronised, but a backup in the future: behind */
    synced = 1;
    records[0] = '\0';
    id_of(fut, 0, 120);
    backup(fut, "", "verified", NULL);
    r = dsgd_retention_run(&c, &ops, &mem, NOW);
    ck_assert_int_eq(r.skipped, 1);
    ck_assert_uint_eq(r.deleted, 0);
    char want[200];
    snprintf(want, sizeof want, "backup-retention-skipped: nothing deleted: the clock is behind "
             "the newest backup %s", fut);
    ck_assert_msg(strstr(records, want) == records, "records: %s", records);
    ck_assert(exists(a) && exists(b) && exists(fut));
    /* the clock check off: the refusal's record says so */
    dsgd_retention_memory fresh = { { 0, 0, 0 } };
    c.clock_check = 0;
    records[0] = '\0';
    r = dsgd_retention_run(&c, &ops, &fresh, NOW);
    ck_assert_int_eq(r.skipped, 1);
    ck_assert_msg(strstr(records, "; clock not checked (bkup.retention_clock_check = none)\n") != NULL,
                  "records: %s", records);
    c.clock_check = 1;
    /* once the clock passed it, the job goes on */
    r = dsgd_retention_run(&c, &ops, &mem, NOW + 121);
    ck_assert_uint_eq(r.deleted, 2);
    /* no destination: nothing at all */
    c.dest = "";
    r = dsgd_retention_run(&c, &ops, &mem, NOW);
    ck_assert_uint_eq(r.deleted, 0);
}
END_TEST

/* @relation(REQ-BKUP-008) */
START_TEST(test_id_time)
{
    ck_assert_int_eq(dsgd_retention_id_time("20270115T080000Z", 16), NOW);
    ck_assert_int_eq(dsgd_retention_id_time("19700101T000000Z", 16), 0);
    ck_assert_int_eq(dsgd_retention_id_time("20270231T080000Z", 16), -1);   /* 31 February */
    ck_assert_int_eq(dsgd_retention_id_time("20271315T080000Z", 16), -1);
    ck_assert_int_eq(dsgd_retention_id_time("20270115 080000Z", 16), -1);
    ck_assert_int_eq(dsgd_retention_id_time("20270115T080000z", 16), -1);
    ck_assert_int_eq(dsgd_retention_id_time("2027011XT080000Z", 16), -1);
    ck_assert_int_eq(dsgd_retention_id_time("20270115T080000Z", 15), -1);
}
END_TEST

/* @relation(REQ-NTP-003) */
START_TEST(test_clock_judge)
{
    dsgd_clock_state s = { TIME_OK, 0, 500000, 1000 };
    char d[300];
    ck_assert_int_eq(dsgd_clock_judge(&s, 1000), DSGD_CLOCK_SYNCED);
    s.maxerror_us = 1000000;
    ck_assert_int_eq(dsgd_clock_judge(&s, 1000), DSGD_CLOCK_SYNCED);   /* at the limit */
    s.maxerror_us = 1000001;
    ck_assert_int_eq(dsgd_clock_judge(&s, 1000), DSGD_CLOCK_MAXERROR);
    s.maxerror_us = 0;
    s.status = STA_UNSYNC | STA_PLL;
    ck_assert_int_eq(dsgd_clock_judge(&s, 1000), DSGD_CLOCK_STA_UNSYNC);
    s.rc = TIME_ERROR;
    ck_assert_int_eq(dsgd_clock_judge(&s, 1000), DSGD_CLOCK_TIME_ERROR);
    dsgd_clock_describe(&s, DSGD_CLOCK_TIME_ERROR, d, sizeof d);
    ck_assert_str_eq(d, "the kernel reports the clock unsynchronised (TIME_ERROR, STA_UNSYNC set, "
                        "maximum error 0.000000 s)");
    s.rc = -1;
    ck_assert_int_eq(dsgd_clock_judge(&s, 1000), DSGD_CLOCK_NO_ANSWER);
    /* the kernel's own answer: read only, judged consistently */
    dsgd_clock_read(&s);
    struct timex t;
    memset(&t, 0, sizeof t);
    int rc = ntp_adjtime(&t);
    ck_assert_int_eq(s.rc, rc);
    ck_assert_int_eq(dsgd_clock_judge(&s, 1000) == DSGD_CLOCK_SYNCED,
                     rc != TIME_ERROR && !(t.status & STA_UNSYNC) && t.maxerror <= 1000000);
}
END_TEST

Suite *suite_bkup_retention(void)
{
    Suite *s = suite_create("bkup_retention");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_oldest_deleted_newest_kept);
    tcase_add_test(tc, test_leftovers_and_kept_kinds);
    tcase_add_test(tc, test_depends_kept);
    tcase_add_test(tc, test_links_never_followed);
    tcase_add_test(tc, test_clock_refusals_recorded_daily);
    tcase_add_test(tc, test_id_time);
    tcase_add_test(tc, test_clock_judge);
    suite_add_tcase(s, tc);
    return s;
}
