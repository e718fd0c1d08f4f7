/*
 * A database in a temporary directory, for the unit tests of the stores
 * (tests/share_fixture.h, tests/login_fixture.h, tests/check_acct_store.c,
 * tests/check_org.c): made and opened before a test, closed and removed
 * after it, and counted by direct SQL. Assertions fail the calling test.
 */
#ifndef DSG_TESTS_DB_FIXTURE_H
#define DSG_TESTS_DB_FIXTURE_H

#include <check.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "db/db.h"

#define DB_FIXTURE_DIR_MAX 64
#define DB_FIXTURE_PATH_MAX 128

/* A store's open: dsg_acct_store_open, dsg_area_store_open. */
typedef int (*db_fixture_opener)(const char *path, uint32_t busy_timeout_ms, struct sqlite3 **db,
                                 char *err, size_t n);

/* A new directory into dir (DB_FIXTURE_DIR_MAX bytes) from template,
 * "/tmp/...-XXXXXX" (mkdtemp: the suites define _GNU_SOURCE), and the
 * database file there opened by opener; its path into path
 * (DB_FIXTURE_PATH_MAX bytes) unless NULL. */
static inline sqlite3 *db_fixture_open(char *dir, const char *template, const char *file,
                                       db_fixture_opener opener, char *path)
{
    char own[DB_FIXTURE_PATH_MAX], err[256];
    sqlite3 *db = NULL;
    if (path == NULL)
        path = own;
    snprintf(dir, DB_FIXTURE_DIR_MAX, "%s", template);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, DB_FIXTURE_PATH_MAX, "%s/%s", dir, file);
    ck_assert_msg(opener(path, 1000, &db, err, sizeof err) == 0, "%s", err);
    return db;
}

/* Closes *db and removes dir with all it holds. */
static inline void db_fixture_close(sqlite3 **db, const char *dir)
{
    char cmd[160];
    dsg_db_close(*db);
    *db = NULL;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* The one number sql (a SELECT count(*) ...) answers. */
static inline long long db_fixture_count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    long long n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

#endif
