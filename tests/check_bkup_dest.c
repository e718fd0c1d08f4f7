/*
 * Unit tests of the backup destination check (src/run/bkup_dest.h,
 * REQ-BKUP-016): none, missing, not a directory, inside the state
 * directory or holding it, on its filesystem with and without
 * bkup.allow_same_fs, and on another filesystem (/dev/shm, a tmpfs, when
 * this machine has one on another device).
 */
#define _GNU_SOURCE
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/bkup_dest.h"

Suite *suite_bkup_dest(void);

static char top[64], state[PATH_MAX], resolved[PATH_MAX], warn[2 * PATH_MAX + 200],
    err[2 * PATH_MAX + 300];

static void setup(void)
{
    char path[PATH_MAX];
    snprintf(top, sizeof top, "/tmp/dsg-bkdest-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(top));
    snprintf(path, sizeof path, "%s/var", top);
    ck_assert_int_eq(mkdir(path, 0755), 0);
    ck_assert_ptr_nonnull(realpath(path, state));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", top);
    ck_assert_int_eq(system(cmd), 0);
}

/* dest under the test's directory, made as a directory when mk. */
static const char *dir_at(const char *name, int mk)
{
    static char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", top, name);
    if (mk)
        ck_assert_int_eq(mkdir(path, 0700), 0);
    return path;
}

static int check(const char *dest, int allow)
{
    strcpy(resolved, "untouched");
    err[0] = '\0';
    return dsgd_bkup_dest_check(dest, state, allow, resolved, sizeof resolved, warn, sizeof warn,
                                err, sizeof err);
}

/* @relation(REQ-BKUP-016) */
START_TEST(test_bkup_dest_none_is_no_backup)
{
    ck_assert_int_eq(check("", 0), 0);
    ck_assert_str_eq(resolved, "");
    ck_assert_str_eq(warn, "");
}
END_TEST

/* @relation(REQ-BKUP-016) */
START_TEST(test_bkup_dest_must_be_a_directory_outside_the_state_directory)
{
    ck_assert_int_eq(check(dir_at("missing", 0), 1), -1);
    ck_assert_ptr_nonnull(strstr(err, "No such file or directory"));
    FILE *f = fopen(dir_at("file", 0), "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    ck_assert_int_eq(check(dir_at("file", 0), 1), -1);
    ck_assert_ptr_nonnull(strstr(err, "is not a directory"));
    /* inside, even through a symbolic link or with allow_same_fs */
    ck_assert_int_eq(check(dir_at("var/backups", 1), 1), -1);
    ck_assert_ptr_nonnull(strstr(err, "one inside the other"));
    char target[PATH_MAX];
    snprintf(target, sizeof target, "%s", dir_at("var/backups", 0));
    ck_assert_int_eq(symlink(target, dir_at("link", 0)), 0);
    ck_assert_int_eq(check(dir_at("link", 0), 1), -1);
    ck_assert_ptr_nonnull(strstr(err, "one inside the other"));
    ck_assert_int_eq(check(state, 1), -1);
    /* holding the state directory */
    ck_assert_int_eq(check(top, 1), -1);
    ck_assert_ptr_nonnull(strstr(err, "one inside the other"));
    ck_assert_ptr_nonnull(strstr(err, state));
    ck_assert_str_eq(resolved, "");
}
END_TEST

/* @relation(REQ-BKUP-016) */
START_TEST(test_bkup_dest_same_filesystem_only_when_allowed_and_warned)
{
    const char *dest = dir_at("backups", 1);
    ck_assert_int_eq(check(dest, 0), -1);
    ck_assert_ptr_nonnull(strstr(err, "is on the filesystem of the state directory"));
    ck_assert_ptr_nonnull(strstr(err, "bkup.allow_same_fs = true"));
    ck_assert_int_eq(check(dest, 1), 0);
    ck_assert_str_eq(resolved, dest);
    ck_assert_ptr_nonnull(strstr(warn, "WARNING: bkup.dest"));
    ck_assert_ptr_nonnull(strstr(warn, "dies with the disk"));
}
END_TEST

/* @relation(REQ-BKUP-016) */
START_TEST(test_bkup_dest_on_another_filesystem)
{
    struct stat a, b;
    char other[64];
    snprintf(other, sizeof other, "/dev/shm/dsg-bkdest-XXXXXX");
    if (stat("/dev/shm", &a) != 0 || stat(state, &b) != 0 || a.st_dev == b.st_dev ||
        mkdtemp(other) == NULL) {
        fprintf(stderr, "# bkup_dest: no tmpfs on another device at /dev/shm, not checked\n");
        return;
    }
    int rc = check(other, 0);
    rmdir(other);
    ck_assert_msg(rc == 0, "%s", err);
    ck_assert_str_eq(resolved, other);
    ck_assert_str_eq(warn, "");
}
END_TEST

Suite *suite_bkup_dest(void)
{
    Suite *s = suite_create("bkup_dest");
    TCase *c = tcase_create("core");
    tcase_add_checked_fixture(c, setup, teardown);
    tcase_add_test(c, test_bkup_dest_none_is_no_backup);
    tcase_add_test(c, test_bkup_dest_must_be_a_directory_outside_the_state_directory);
    tcase_add_test(c, test_bkup_dest_same_filesystem_only_when_allowed_and_warned);
    tcase_add_test(c, test_bkup_dest_on_another_filesystem);
    suite_add_tcase(s, c);
    return s;
}
