/*
 * Unit tests of the SQLite layer (src/db/db.h): REQ-RUN-020. Each test
 * works in its own temporary directory. Bad input first: a file that is
 * not a database, a database newer than the code, a migration that fails.
 */
#define _GNU_SOURCE
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db.h"

Suite *suite_db(void);

static char dir[64];
static char path[128];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/dsg-db-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/test.db", dir);
}

static void teardown(void)
{
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static const char *const v2[] = {
    "CREATE TABLE a (x INTEGER PRIMARY KEY)",
    "CREATE TABLE b (y INTEGER REFERENCES a (x))",
};

/* @relation(REQ-RUN-020) */
START_TEST(test_db_refuses_a_file_that_is_not_a_database)
{
    sqlite3 *db = (sqlite3 *)1;
    char err[512];
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    for (int i = 0; i < 200; i++)
        fputs("this is not an SQLite database, just text. ", f);
    fclose(f);
    ck_assert_int_eq(dsg_db_open(path, 100, v2, 2, &db, err, sizeof err), -1);
    ck_assert_ptr_null(db);
    ck_assert_msg(strstr(err, "not a usable SQLite database") != NULL, "%s", err);
}
END_TEST

/* @relation(REQ-RUN-020) */
START_TEST(test_db_refuses_a_newer_schema_naming_both_versions)
{
    sqlite3 *db = NULL;
    char err[512];
    ck_assert_int_eq(dsg_db_open(path, 100, v2, 2, &db, err, sizeof err), 0);
    ck_assert_int_eq(dsg_db_exec(db, "PRAGMA user_version = 7", err, sizeof err), 0);
    dsg_db_close(db);
    ck_assert_int_eq(dsg_db_open(path, 100, v2, 2, &db, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "schema version 7 is newer than this dsg knows (2)") != NULL,
                  "%s", err);
    ck_assert_int_eq(dsg_db_open_readonly(path, 2, &db, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "schema version 7") != NULL && strstr(err, "newer") != NULL,
                  "%s", err);
}
END_TEST

/* @relation(REQ-RUN-020) */
START_TEST(test_db_failed_migration_leaves_the_old_version)
{
    static const char *const bad[] = {
        "CREATE TABLE a (x INTEGER PRIMARY KEY)",
        "CREATE TABLE c (z INTEGER); INSERT INTO c VALUES (1); THIS IS NOT SQL",
    };
    sqlite3 *db = NULL;
    char err[512];
    ck_assert_int_eq(dsg_db_open(path, 100, bad, 1, &db, err, sizeof err), 0);
    dsg_db_close(db);
    ck_assert_int_eq(dsg_db_open(path, 100, bad, 2, &db, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "migration to version 2 failed, database left at version 1") !=
                  NULL, "%s", err);
    ck_assert_int_eq(dsg_db_open(path, 100, bad, 1, &db, err, sizeof err), 0);
    ck_assert_int_eq(dsg_db_version(db), 1);
    /* nothing of the failed migration is visible */
    ck_assert_int_eq(dsg_db_exec(db, "SELECT * FROM c", err, sizeof err), -1);
    ck_assert_int_eq(dsg_db_integrity_ok(db, err, sizeof err), 1);
    dsg_db_close(db);
}
END_TEST

/* @relation(REQ-RUN-020) */
START_TEST(test_db_open_sets_wal_foreign_keys_and_migrates_in_order)
{
    sqlite3 *db = NULL;
    char err[512];
    sqlite3_stmt *st;
    ck_assert_int_eq(dsg_db_open(path, 1234, v2, 1, &db, err, sizeof err), 0);
    ck_assert_int_eq(dsg_db_version(db), 1);
    dsg_db_close(db);
    ck_assert_int_eq(dsg_db_open(path, 1234, v2, 2, &db, err, sizeof err), 0);
    ck_assert_int_eq(dsg_db_version(db), 2);
    static const char *const pragmas[][2] = {
        { "PRAGMA journal_mode", "wal" }, { "PRAGMA foreign_keys", "1" },
        { "PRAGMA synchronous", "2" },    { "PRAGMA temp_store", "2" },
        { "PRAGMA busy_timeout", "1234" },
    };
    for (size_t i = 0; i < sizeof pragmas / sizeof pragmas[0]; i++) {
        ck_assert_int_eq(sqlite3_prepare_v2(db, pragmas[i][0], -1, &st, NULL), SQLITE_OK);
        ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
        ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), pragmas[i][1]);
        sqlite3_finalize(st);
    }
    /* foreign keys are enforced */
    ck_assert_int_eq(dsg_db_exec(db, "INSERT INTO b VALUES (5)", err, sizeof err), -1);
    dsg_db_close(db);
}
END_TEST

/* A migration may rebuild a table that another references (SQLite's
 * create-copy-drop-rename), and is rolled back when it leaves a reference
 * broken; references are enforced again afterwards. @relation(REQ-RUN-020) */
START_TEST(test_db_migration_rebuilds_a_referenced_table_and_checks_references)
{
    static const char *const rebuild[] = {
        v2[0], v2[1],
        "INSERT INTO a VALUES (1); INSERT INTO b VALUES (1);"
        "CREATE TABLE a7 (x INTEGER PRIMARY KEY CHECK (x < 100));"
        "INSERT INTO a7 SELECT x FROM a; DROP TABLE a; ALTER TABLE a7 RENAME TO a",
        "INSERT INTO b VALUES (2)",
    };
    sqlite3 *db = NULL;
    char err[512];
    ck_assert_int_eq(dsg_db_open(path, 1000, rebuild, 3, &db, err, sizeof err), 0);
    ck_assert_int_eq(dsg_db_version(db), 3);
    ck_assert_int_eq(dsg_db_exec(db, "INSERT INTO a VALUES (100)", err, sizeof err), -1);
    ck_assert_int_eq(dsg_db_exec(db, "INSERT INTO b VALUES (3)", err, sizeof err), -1);
    ck_assert_int_eq(dsg_db_exec(db, "INSERT INTO b VALUES (1)", err, sizeof err), 0);
    dsg_db_close(db);
    ck_assert_int_eq(dsg_db_open(path, 1000, rebuild, 4, &db, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "references nothing"));
    ck_assert_int_eq(dsg_db_open(path, 1000, rebuild, 3, &db, err, sizeof err), 0);
    ck_assert_int_eq(dsg_db_version(db), 3);
    dsg_db_close(db);
}
END_TEST

/* Temporary tables and indices stay in memory on both kinds of connection:
 * a storage role's sandbox has no directory for temporary files.
 * @relation(REQ-RUN-005) */
START_TEST(test_db_temp_store_is_memory_read_write_and_read_only)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    char err[512];
    for (int ro = 0; ro < 2; ro++) {
        if (ro)
            ck_assert_int_eq(dsg_db_open_readonly(path, 2, &db, err, sizeof err), 0);
        else
            ck_assert_int_eq(dsg_db_open(path, 1000, v2, 2, &db, err, sizeof err), 0);
        ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA temp_store", -1, &st, NULL), SQLITE_OK);
        ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
        ck_assert_int_eq(sqlite3_column_int(st, 0), 2);   /* MEMORY */
        sqlite3_finalize(st);
        dsg_db_close(db);
    }
}
END_TEST

/* @relation(REQ-RUN-020) */
START_TEST(test_db_transaction_commits_all_or_nothing)
{
    sqlite3 *db = NULL;
    char err[512];
    sqlite3_stmt *st;
    ck_assert_int_eq(dsg_db_open(path, 100, v2, 2, &db, err, sizeof err), 0);
    ck_assert_int_eq(dsg_db_begin(db, err, sizeof err), 0);
    ck_assert_int_eq(dsg_db_exec(db, "INSERT INTO a VALUES (1)", err, sizeof err), 0);
    dsg_db_rollback(db);
    ck_assert_int_eq(dsg_db_begin(db, err, sizeof err), 0);
    ck_assert_int_eq(dsg_db_exec(db, "INSERT INTO a VALUES (2); INSERT INTO b VALUES (2)", err,
                                 sizeof err), 0);
    ck_assert_int_eq(dsg_db_commit(db, err, sizeof err), 0);
    ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT group_concat(x) FROM a", -1, &st, NULL),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), "2");
    sqlite3_finalize(st);
    dsg_db_rollback(db);   /* no transaction open: nothing happens */
    ck_assert_int_eq(dsg_db_integrity_ok(db, err, sizeof err), 1);
    dsg_db_close(db);
}
END_TEST

Suite *suite_db(void)
{
    Suite *s = suite_create("db");
    TCase *tc = tcase_create("sqlite");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_db_refuses_a_file_that_is_not_a_database);
    tcase_add_test(tc, test_db_refuses_a_newer_schema_naming_both_versions);
    tcase_add_test(tc, test_db_failed_migration_leaves_the_old_version);
    tcase_add_test(tc, test_db_migration_rebuilds_a_referenced_table_and_checks_references);
    tcase_add_test(tc, test_db_open_sets_wal_foreign_keys_and_migrates_in_order);
    tcase_add_test(tc, test_db_transaction_commits_all_or_nothing);
    tcase_add_test(tc, test_db_temp_store_is_memory_read_write_and_read_only);
    suite_add_tcase(s, tc);
    return s;
}
