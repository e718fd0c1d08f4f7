/*
 * Unit tests of what of the audit trail a verified backup holds
 * (src/run/logd_backed.h, REQ-BKUP-010): nothing is prunable before a
 * verified backup; the copy's time becomes the mark only when the master
 * says that very backup verified; the mark is kept in its file and read
 * back; a damaged file is no mark; the cut never passes the mark.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/logd_backed.h"

Suite *suite_logd_backed(void);

static char dir[] = "/tmp/dsg-backed-XXXXXX";

static void setup(void)
{
    strcpy(dir, "/tmp/dsg-backed-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
    char p[200];
    snprintf(p, sizeof p, "%s/" DSGD_BACKED_FILE, dir);
    unlink(p);
    rmdir(dir);
}

#define T1 "2026-11-27T03:00:01.000Z"
#define T2 "2026-11-28T03:00:01.000Z"
#define ID1 "20261127T030000Z"
#define ID2 "20261128T030000Z"

/* @relation(REQ-BKUP-010) */
START_TEST(test_backed_nothing_before_a_backup)
{
    dsgd_backed b;
    char cut[DSGD_BACKED_TIME_LEN + 1];
    dsgd_backed_load(&b, dir);
    ck_assert_int_eq(dsgd_backed_cut(&b, T1, cut), 1);
    ck_assert_str_eq(cut, "");
    /* a copy made but not verified moves nothing */
    dsgd_backed_copied(&b, ID1, T1);
    ck_assert_int_eq(dsgd_backed_cut(&b, T2, cut), 1);
    ck_assert_str_eq(cut, "");
    /* another backup's word moves nothing either */
    ck_assert_int_eq(dsgd_backed_verified(&b, dir, (const uint8_t *)ID2, 16), 0);
    ck_assert_int_eq(dsgd_backed_cut(&b, T2, cut), 1);
    ck_assert_str_eq(cut, "");
}
END_TEST

/* @relation(REQ-BKUP-010) */
START_TEST(test_backed_verified_moves_and_keeps)
{
    dsgd_backed b, again;
    char cut[DSGD_BACKED_TIME_LEN + 1], p[200];
    dsgd_backed_load(&b, dir);
    dsgd_backed_copied(&b, ID1, T1);
    ck_assert_int_eq(dsgd_backed_verified(&b, dir, (const uint8_t *)ID1, 16), 1);
    ck_assert_str_eq(b.upto, T1);
    /* a cut before the mark is the cut asked for; a later one stops at the mark */
    ck_assert_int_eq(dsgd_backed_cut(&b, "2026-01-01T00:00:00.000Z", cut), 0);
    ck_assert_str_eq(cut, "2026-01-01T00:00:00.000Z");
    ck_assert_int_eq(dsgd_backed_cut(&b, T2, cut), 1);
    ck_assert_str_eq(cut, T1);
    /* kept in the file, 0600, read back by the next logd */
    snprintf(p, sizeof p, "%s/" DSGD_BACKED_FILE, dir);
    struct stat st;
    ck_assert_int_eq(stat(p, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    dsgd_backed_load(&again, dir);
    ck_assert_str_eq(again.id, ID1);
    ck_assert_str_eq(again.upto, T1);
    /* the same word twice moves nothing more */
    ck_assert_int_eq(dsgd_backed_verified(&b, dir, (const uint8_t *)ID1, 16), 0);
    /* a damaged file is no mark: nothing prunable */
    FILE *f = fopen(p, "w");
    fputs(ID1 " 2026-11-27T03:00:01Z\n", f);
    fclose(f);
    dsgd_backed_load(&again, dir);
    ck_assert_str_eq(again.upto, "");
}
END_TEST

/* @relation(REQ-BKUP-010) */
START_TEST(test_backed_never_backwards)
{
    dsgd_backed b;
    dsgd_backed_load(&b, dir);
    dsgd_backed_copied(&b, ID2, T2);
    ck_assert_int_eq(dsgd_backed_verified(&b, dir, (const uint8_t *)ID2, 16), 1);
    /* an older copy verified later (a clock set back) does not move the mark back */
    dsgd_backed_copied(&b, ID1, T1);
    ck_assert_int_eq(dsgd_backed_verified(&b, dir, (const uint8_t *)ID1, 16), 0);
    ck_assert_str_eq(b.upto, T2);
    /* malformed copies are not taken */
    dsgd_backed_copied(&b, "../etc", T1);
    ck_assert_str_eq(b.pending_id, "");
    dsgd_backed_copied(&b, ID1, "yesterday");
    ck_assert_str_eq(b.pending_id, "");
}
END_TEST

Suite *suite_logd_backed(void)
{
    Suite *s = suite_create("logd_backed");
    TCase *tc = tcase_create("backed");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_backed_nothing_before_a_backup);
    tcase_add_test(tc, test_backed_verified_moves_and_keeps);
    tcase_add_test(tc, test_backed_never_backwards);
    suite_add_tcase(s, tc);
    return s;
}
