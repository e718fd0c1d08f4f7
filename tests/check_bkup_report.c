/*
 * Unit tests of the master's side of restore drills (src/run/bkup_report.h,
 * REQ-BKUP-007): the report's fixed form, its record, the last passed
 * drill kept and read back, and when the warning is due.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/bkup_report.h"

Suite *suite_bkup_report(void);

static char recorded[2][400];
static int records;

static void record(const char *event, const char *detail)
{
    ck_assert_int_lt(records, 2);
    snprintf(recorded[records++], sizeof recorded[0], "%s: %s", event, detail);
}

/* @relation(REQ-BKUP-007) */
START_TEST(test_drill_parse)
{
    static const char ok[] = "backup drill 20261127T030000Z passed --admin kanri1 --uid 0 --pid 9";
    char id[17];
    int passed = -1;
    const char *tail;
    ck_assert_int_eq(dsgd_bkup_report_parse(ok, strlen(ok), "backup drill", id, &passed, &tail), 0);
    ck_assert_str_eq(id, "20261127T030000Z");
    ck_assert_int_eq(passed, 1);
    ck_assert_str_eq(tail, " --admin kanri1 --uid 0 --pid 9");
    static const char failed[] = "backup drill 20261127T030000Z failed";
    ck_assert_int_eq(dsgd_bkup_report_parse(failed, strlen(failed), "backup drill", id, &passed, &tail), 0);
    ck_assert_int_eq(passed, 0);
    static const char *const bad[] = {
        "backup drill 20261127T030000Z passes", "backup drill 2026112T0300000Z passed",
        "backup drill 20261127X030000Z passed", "backup drill 20261127T030000Z",
        "backup drill ../../etc/passwd passed", "backup drill  20261127T030000Z passed",
        "backup drills 20261127T030000Z passed",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(dsgd_bkup_report_parse(bad[i], strlen(bad[i]), "backup drill", id, &passed, &tail) != 0,
                      "%s", bad[i]);
    /* the length bounds the reading: a report cut before its result */
    ck_assert_int_ne(dsgd_bkup_report_parse(ok, 30, "backup drill", id, &passed, &tail), 0);
}
END_TEST

/* @relation(REQ-BKUP-007, REQ-BKUP-014) */
START_TEST(test_drill_report_and_last)
{
    char dir[] = "/tmp/dsg-drill-XXXXXX", out[600], id[17], path[64];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    records = 0;
    ck_assert_int_eq(dsgd_bkup_drill_last(dir, id), -1);
    ck_assert_int_eq(dsgd_bkup_drill_report(dir, "20261127T030000Z", 0, "admin a uid 0 pid 1",
                                            1000, record, out, sizeof out), 0);
    ck_assert_str_eq(recorded[0], "backup-drill: 20261127T030000Z failed; admin a uid 0 pid 1");
    ck_assert_int_eq(dsgd_bkup_drill_last(dir, id), -1);   /* a failed drill is not kept */
    ck_assert_int_eq(dsgd_bkup_drill_report(dir, "20261128T030000Z", 1, "admin a uid 0 pid 2",
                                            5000, record, out, sizeof out), 0);
    ck_assert_str_eq(recorded[1], "backup-drill: 20261128T030000Z passed; admin a uid 0 pid 2");
    ck_assert_str_eq(out, "recorded the drill of 20261128T030000Z: passed\n");
    ck_assert_int_eq(dsgd_bkup_drill_last(dir, id), 5000);
    ck_assert_str_eq(id, "20261128T030000Z");
    snprintf(path, sizeof path, "%s/last-drill", dir);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    FILE *f = fopen(path, "w");   /* a damaged file reads as no drill */
    fputs("not a drill\n", f);
    fclose(f);
    ck_assert_int_eq(dsgd_bkup_drill_last(dir, id), -1);
    unlink(path);
    rmdir(dir);
}
END_TEST

/* @relation(REQ-BKUP-005, REQ-BKUP-014) */
START_TEST(test_verify_report)
{
    static const char line[] = "backup verify 20261127T030000Z failed decrypted --admin a";
    char id[17], out[300];
    int passed = -1;
    const char *tail;
    ck_assert_int_eq(dsgd_bkup_report_parse(line, strlen(line), "backup verify", id, &passed,
                                            &tail), 0);
    ck_assert_int_eq(passed, 0);
    ck_assert_str_eq(tail, " decrypted --admin a");
    /* a drill's line is not a verification's, nor the other way round */
    ck_assert_int_ne(dsgd_bkup_report_parse(line, strlen(line), "backup drill", id, &passed,
                                            &tail), 0);
    records = 0;
    dsgd_bkup_verify_report(id, 1, 0, "admin a uid 0 pid 3", record, out, sizeof out);
    ck_assert_str_eq(recorded[0], "backup-checked: 20261127T030000Z passed: signature, sizes and "
                                  "SHA-256; admin a uid 0 pid 3");
    dsgd_bkup_verify_report(id, 0, 1, "admin a uid 0 pid 4", record, out, sizeof out);
    ck_assert_str_eq(recorded[1], "backup-checked: 20261127T030000Z failed: signature, sizes and "
                                  "SHA-256, every member decrypted and every database checked; "
                                  "admin a uid 0 pid 4");
    ck_assert_str_eq(out, "recorded the verification of 20261127T030000Z: failed\n");
}
END_TEST

/* @relation(REQ-BKUP-007) */
START_TEST(test_drill_overdue)
{
    const uint64_t year = 365u * 86400u;
    ck_assert_int_eq(dsgd_bkup_drill_overdue(-1, 0, 1000, year), 0);   /* nothing to drill */
    ck_assert_int_eq(dsgd_bkup_drill_overdue(-1, 1, 1000, year), 1);   /* never drilled */
    ck_assert_int_eq(dsgd_bkup_drill_overdue(1000, 1, 1000 + (int64_t)year, year), 0);
    ck_assert_int_eq(dsgd_bkup_drill_overdue(1000, 1, 1001 + (int64_t)year, year), 1);
    ck_assert_int_eq(dsgd_bkup_drill_overdue(5000, 1, 1000, year), 0);   /* clock behind */
}
END_TEST

Suite *suite_bkup_report(void)
{
    Suite *s = suite_create("bkup_report");
    TCase *tc = tcase_create("drill");
    tcase_add_test(tc, test_drill_parse);
    tcase_add_test(tc, test_drill_report_and_last);
    tcase_add_test(tc, test_drill_overdue);
    tcase_add_test(tc, test_verify_report);
    suite_add_tcase(s, tc);
    return s;
}
