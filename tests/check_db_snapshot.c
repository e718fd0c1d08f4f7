/*
 * Unit tests of the online copy of a database for backups
 * (src/db/snapshot.h, REQ-BKUP-002): the copy written to a descriptor is a
 * database that passes integrity_check and holds what the source held when
 * the copy completed, also when another connection and the source's own
 * connection write between steps; a temporary file already there is
 * refused and left alone; a failed write and an abort leave no temporary
 * file.
 */
#define _GNU_SOURCE
#include <check.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/db.h"
#include "db/snapshot.h"

Suite *suite_db_snapshot(void);

static char dir[64], src_path[128], tmp_path[128], out_path[128], err[512];
static sqlite3 *src;

static const char *const migrations[] = {
    "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL);",
    "CREATE INDEX t_v ON t (v);",
};

static void exec_ok(sqlite3 *db, const char *sql)
{
    ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK, "%s: %s", sql,
                  sqlite3_errmsg(db));
}

/* n more rows of about 200 bytes each into db. */
static void add_rows(sqlite3 *db, int n)
{
    exec_ok(db, "BEGIN");
    for (int i = 0; i < n; i++)
        exec_ok(db, "INSERT INTO t (v) VALUES (printf('%0200d', random()))");
    exec_ok(db, "COMMIT");
}

static long long count_in(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/dsg-snapshot-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(src_path, sizeof src_path, "%s/role.db", dir);
    snprintf(tmp_path, sizeof tmp_path, "%s/role.db.snapshot", dir);
    snprintf(out_path, sizeof out_path, "%s/member", dir);
    ck_assert_msg(dsg_db_open(src_path, 1000, migrations, 2, &src, err, sizeof err) == 0, "%s",
                  err);
    add_rows(src, 2000);   /* a few hundred pages */
}

static void teardown(void)
{
    char cmd[128];
    dsg_db_close(src);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* Runs s to its end, calling between(i) after step i, then writes it to
 * out_path: the byte count. */
static uint64_t run(dsg_db_snapshot *s, void (*between)(int))
{
    int rc, i = 0;
    while ((rc = dsg_db_snapshot_step(s, 16, err, sizeof err)) == 1)
        if (between != NULL)
            between(i++);
    ck_assert_msg(rc == 0, "%s", err);
    int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    uint64_t bytes = 0;
    ck_assert_int_ge(fd, 0);
    ck_assert_msg(dsg_db_snapshot_finish(s, fd, &bytes, err, sizeof err) == 0, "%s", err);
    close(fd);
    ck_assert(access(tmp_path, F_OK) != 0);
    return bytes;
}

/* The copy in out_path, opened read-only: integrity_check ok; its rows. */
static long long copy_rows(void)
{
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open_v2(out_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    ck_assert_msg(dsg_db_integrity_ok(db, err, sizeof err) == 1, "%s", err);
    ck_assert_int_eq(count_in(db, "PRAGMA user_version"), 2);
    long long n = count_in(db, "SELECT count(*) FROM t");
    sqlite3_close(db);
    return n;
}

/* @relation(REQ-BKUP-002) */
START_TEST(test_snapshot_copies_the_database)
{
    dsg_db_snapshot *s;
    struct stat st;
    ck_assert_msg(dsg_db_snapshot_begin(src, tmp_path, &s, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(stat(tmp_path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    uint64_t bytes = run(s, NULL);
    ck_assert_int_eq(stat(out_path, &st), 0);
    ck_assert_uint_eq(bytes, (uint64_t)st.st_size);
    ck_assert_uint_eq(bytes % 4096, 0);
    ck_assert_int_eq(copy_rows(), 2000);
}
END_TEST

static sqlite3 *other;

static void other_writes(int i)
{
    if (i % 3 == 0 && i < 30)
        add_rows(other, 50);
}

static void own_writes(int i)
{
    if (i % 4 == 1 && i < 40)
        add_rows(src, 30);
}

/* Writes by another connection restart the copy, the source's own go
 * along with it: either way the copy is whole and holds every row there
 * was when it completed. @relation(REQ-BKUP-002) */
START_TEST(test_snapshot_under_concurrent_writes)
{
    dsg_db_snapshot *s;
    ck_assert_int_eq(sqlite3_open(src_path, &other), SQLITE_OK);
    exec_ok(other, "PRAGMA busy_timeout = 5000");
    ck_assert_msg(dsg_db_snapshot_begin(src, tmp_path, &s, err, sizeof err) == 0, "%s", err);
    run(s, other_writes);
    long long rows = count_in(src, "SELECT count(*) FROM t");
    ck_assert_int_eq(rows, 2000 + 10 * 50);
    ck_assert_int_eq(copy_rows(), rows);
    sqlite3_close(other);
    ck_assert_int_eq(unlink(out_path), 0);
    ck_assert_msg(dsg_db_snapshot_begin(src, tmp_path, &s, err, sizeof err) == 0, "%s", err);
    run(s, own_writes);
    rows = count_in(src, "SELECT count(*) FROM t");
    ck_assert_int_gt(rows, 2500);
    ck_assert_int_eq(copy_rows(), rows);
}
END_TEST

/* A copy taken as a descriptor: its size told first, its temporary file
 * gone at once, its bytes the database as the copy completed, whatever
 * is written to the source after. @relation(REQ-BKUP-002) */
START_TEST(test_snapshot_take)
{
    dsg_db_snapshot *s;
    uint64_t told = 0;
    int fd = -1, rc;
    struct stat st;
    ck_assert_msg(dsg_db_snapshot_begin(src, tmp_path, &s, err, sizeof err) == 0, "%s", err);
    while ((rc = dsg_db_snapshot_step(s, 16, err, sizeof err)) == 1)
        ;
    ck_assert_msg(rc == 0, "%s", err);
    ck_assert_msg(dsg_db_snapshot_take(s, &fd, &told, err, sizeof err) == 0, "%s", err);
    ck_assert_int_ge(fd, 0);
    ck_assert(access(tmp_path, F_OK) != 0);
    ck_assert_int_eq(fstat(fd, &st), 0);
    ck_assert_uint_eq((uint64_t)st.st_size, told);
    ck_assert_uint_gt(told, 0);
    add_rows(src, 100);
    int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_ge(out, 0);
    char buf[65536];
    ssize_t got;
    uint64_t total = 0;
    while ((got = read(fd, buf, sizeof buf)) > 0) {
        ck_assert_int_eq(write(out, buf, (size_t)got), got);
        total += (uint64_t)got;
    }
    close(out);
    close(fd);
    ck_assert_uint_eq(total, told);
    ck_assert_int_eq(copy_rows(), 2000);
}
END_TEST

/* An incomplete copy cannot be taken; it is removed all the same.
 * @relation(REQ-BKUP-002) */
START_TEST(test_snapshot_take_incomplete)
{
    dsg_db_snapshot *s;
    uint64_t told = 1;
    int fd = 7;
    ck_assert_msg(dsg_db_snapshot_begin(src, tmp_path, &s, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(dsg_db_snapshot_take(s, &fd, &told, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "not complete"));
    ck_assert_int_eq(fd, -1);
    ck_assert_uint_eq(told, 0);
    ck_assert(access(tmp_path, F_OK) != 0);
}
END_TEST

/* @relation(REQ-BKUP-002) */
START_TEST(test_snapshot_refuses_an_existing_file_and_cleans_up)
{
    dsg_db_snapshot *s = (dsg_db_snapshot *)1;
    FILE *f = fopen(tmp_path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("someone's file", f);
    fclose(f);
    ck_assert_int_eq(dsg_db_snapshot_begin(src, tmp_path, &s, err, sizeof err), -1);
    ck_assert_ptr_null(s);
    ck_assert_ptr_nonnull(strstr(err, "File exists"));
    f = fopen(tmp_path, "r");
    char buf[32] = "";
    ck_assert_ptr_nonnull(fgets(buf, sizeof buf, f));
    fclose(f);
    ck_assert_str_eq(buf, "someone's file");
    ck_assert_int_eq(unlink(tmp_path), 0);
    /* a write that fails: -1, no temporary file */
    ck_assert_msg(dsg_db_snapshot_begin(src, tmp_path, &s, err, sizeof err) == 0, "%s", err);
    int rc;
    while ((rc = dsg_db_snapshot_step(s, 64, err, sizeof err)) == 1)
        ;
    ck_assert_int_eq(rc, 0);
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    close(fds[0]);   /* nobody reads: EPIPE */
    signal(SIGPIPE, SIG_IGN);
    uint64_t bytes = 7;
    ck_assert_int_eq(dsg_db_snapshot_finish(s, fds[1], &bytes, err, sizeof err), -1);
    close(fds[1]);
    ck_assert_ptr_nonnull(strstr(err, "writing the copy"));
    ck_assert(access(tmp_path, F_OK) != 0);
    /* finishing before the end is refused; an abort leaves nothing */
    ck_assert_msg(dsg_db_snapshot_begin(src, tmp_path, &s, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(dsg_db_snapshot_step(s, 1, err, sizeof err), 1);
    ck_assert_int_eq(dsg_db_snapshot_finish(s, 1, &bytes, err, sizeof err), -1);
    ck_assert_str_eq(err, "the copy is not complete");
    ck_assert(access(tmp_path, F_OK) != 0);
    ck_assert_msg(dsg_db_snapshot_begin(src, tmp_path, &s, err, sizeof err) == 0, "%s", err);
    dsg_db_snapshot_abort(s);
    ck_assert(access(tmp_path, F_OK) != 0);
    dsg_db_snapshot_abort(NULL);
}
END_TEST

Suite *suite_db_snapshot(void)
{
    Suite *s = suite_create("db_snapshot");
    TCase *c = tcase_create("core");
    tcase_set_timeout(c, 60);
    tcase_add_checked_fixture(c, setup, teardown);
    tcase_add_test(c, test_snapshot_copies_the_database);
    tcase_add_test(c, test_snapshot_under_concurrent_writes);
    tcase_add_test(c, test_snapshot_take);
    tcase_add_test(c, test_snapshot_take_incomplete);
    tcase_add_test(c, test_snapshot_refuses_an_existing_file_and_cleans_up);
    suite_add_tcase(s, c);
    return s;
}
