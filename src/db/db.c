/* The SQLite layer of the storage roles: see db.h. */
#define _POSIX_C_SOURCE 200809L
#include "db/db.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fail(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t n, const char *fmt, ...)
{
    va_list ap;
    if (n > 0) {
        va_start(ap, fmt);
        vsnprintf(err, n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

int dsg_db_exec(sqlite3 *db, const char *sql, char *err, size_t errsize)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fail(err, errsize, "%s", msg != NULL ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/* The single text value a PRAGMA returns, into out. */
static int pragma_text(sqlite3 *db, const char *sql, char *out, size_t n)
{
    sqlite3_stmt *st = NULL;
    int rc = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        snprintf(out, n, "%s", t != NULL ? (const char *)t : "");
        rc = 0;
    }
    sqlite3_finalize(st);
    return rc;
}

long dsg_db_version(sqlite3 *db)
{
    char v[32];
    if (pragma_text(db, "PRAGMA user_version", v, sizeof v) != 0)
        return -1;
    return strtol(v, NULL, 10);
}

int dsg_db_begin(sqlite3 *db, char *err, size_t errsize)
{
    return dsg_db_exec(db, "BEGIN IMMEDIATE", err, errsize);
}

int dsg_db_commit(sqlite3 *db, char *err, size_t errsize)
{
    if (dsg_db_exec(db, "COMMIT", err, errsize) == 0)
        return 0;
    dsg_db_rollback(db);
    return -1;
}

void dsg_db_rollback(sqlite3 *db)
{
    if (!sqlite3_get_autocommit(db))
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

int dsg_db_integrity_ok(sqlite3 *db, char *err, size_t errsize)
{
    char v[256];
    if (pragma_text(db, "PRAGMA integrity_check", v, sizeof v) != 0) {
        fail(err, errsize, "integrity_check: %s", sqlite3_errmsg(db));
        return 0;
    }
    if (strcmp(v, "ok") != 0) {
        fail(err, errsize, "integrity_check: %s", v);
        return 0;
    }
    return 1;
}

void dsg_db_close(sqlite3 *db)
{
    if (db != NULL)
        sqlite3_close_v2(db);
}

/* The per-connection settings of db.h. The first statement that reads the
 * file is the one that finds out a file is not a database. */
static int configure(sqlite3 *db, const char *path, uint32_t busy_ms, char *err, size_t n)
{
    char mode[16];
    char e[256];
    if (sqlite3_busy_timeout(db, busy_ms > 0x7fffffffu ? 0x7fffffff : (int)busy_ms) != SQLITE_OK)
        return fail(err, n, "%s: busy_timeout: %s", path, sqlite3_errmsg(db));
    if (pragma_text(db, "PRAGMA journal_mode=WAL", mode, sizeof mode) != 0)
        return fail(err, n, "%s: not a usable SQLite database: %s", path, sqlite3_errmsg(db));
    if (strcmp(mode, "wal") != 0)
        return fail(err, n, "%s: journal_mode is '%s', not wal", path, mode);
    if (dsg_db_exec(db, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
                        "PRAGMA temp_store=MEMORY", e, sizeof e) != 0)
        return fail(err, n, "%s: %s", path, e);
    return 0;
}

/* Whether every reference holds (PRAGMA foreign_key_check finds no row):
 * 0, or -1 with the first table that breaks one in e. */
static int references_hold(sqlite3 *db, char *e, size_t n)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &st, NULL) != SQLITE_OK) {
        snprintf(e, n, "foreign_key_check: %s", sqlite3_errmsg(db));
        return -1;
    }
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(e, n, "a row of %s references nothing in %s",
                 (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 2));
    else if (rc != SQLITE_DONE)
        snprintf(e, n, "foreign_key_check: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* The migration's statements and the new user_version, then the check of
 * every reference. 0, or -1 with the message in e. */
static int migration_body(sqlite3 *db, const char *sql, const char *bump, char *e, size_t n)
{
    if (dsg_db_exec(db, sql, e, n) != 0 || dsg_db_exec(db, bump, e, n) != 0)
        return -1;
    return references_hold(db, e, n);
}

/* Migration v -> v + 1 in one transaction with the new user_version.
 * References are not enforced row by row while it runs (SQLite's way of
 * rebuilding a table that others reference, "Making Other Kinds Of Table
 * Schema Changes" in its ALTER TABLE page: PRAGMA foreign_keys is a no-op
 * inside a transaction, so it is switched off before BEGIN) but checked
 * as a whole before the commit, so a migration that breaks one is rolled
 * back. */
static int migrate_one(sqlite3 *db, const char *path, unsigned v, const char *sql, char *err,
                       size_t n)
{
    char e[256], bump[64];
    snprintf(bump, sizeof bump, "PRAGMA user_version = %u", v + 1);
    if (dsg_db_exec(db, "PRAGMA foreign_keys=OFF", e, sizeof e) != 0 ||
        dsg_db_begin(db, e, sizeof e) != 0) {
        (void)sqlite3_exec(db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);   /* the open fails: db is closed */
        return fail(err, n, "%s: migration to version %u: %s", path, v + 1, e);
    }
    if (migration_body(db, sql, bump, e, sizeof e) != 0) {
        dsg_db_rollback(db);
        (void)sqlite3_exec(db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);   /* the open fails: db is closed */
        return fail(err, n, "%s: migration to version %u failed, database left at version %u: %s",
                    path, v + 1, v, e);
    }
    if (dsg_db_commit(db, e, sizeof e) != 0) {
        (void)sqlite3_exec(db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);   /* the open fails: db is closed */
        return fail(err, n, "%s: migration to version %u: commit: %s", path, v + 1, e);
    }
    if (dsg_db_exec(db, "PRAGMA foreign_keys=ON", e, sizeof e) != 0)
        return fail(err, n, "%s: after migration to version %u: %s", path, v + 1, e);
    return 0;
}

static int migrate(sqlite3 *db, const char *path, const char *const *migrations,
                   unsigned count, char *err, size_t n)
{
    long have = dsg_db_version(db);
    if (have < 0)
        return fail(err, n, "%s: cannot read user_version: %s", path, sqlite3_errmsg(db));
    if ((unsigned long)have > count)
        return fail(err, n, "%s: schema version %ld is newer than this dsg knows (%u): "
                    "refusing to open it", path, have, count);
    for (unsigned v = (unsigned)have; v < count; v++)
        if (migrate_one(db, path, v, migrations[v], err, n) != 0)
            return -1;
    return 0;
}

int dsg_db_open(const char *path, uint32_t busy_timeout_ms, const char *const *migrations,
                unsigned count, sqlite3 **out, char *err, size_t errsize)
{
    sqlite3 *db = NULL;
    *out = NULL;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW |
                SQLITE_OPEN_FULLMUTEX;
    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
        fail(err, errsize, "%s: cannot open: %s", path,
             db != NULL ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close_v2(db);
        return -1;
    }
    sqlite3_extended_result_codes(db, 1);
    if (configure(db, path, busy_timeout_ms, err, errsize) != 0 ||
        migrate(db, path, migrations, count, err, errsize) != 0) {
        sqlite3_close_v2(db);
        return -1;
    }
    *out = db;
    return 0;
}

/* A read-only open must not leave files behind in the directory it reads
 * (a -shm or -wal owned by whoever verified would lock the owner out).
 * Without a -wal file the database is complete in its main file and is
 * opened immutable: no lock, no -shm. With one (the writer did not close
 * cleanly), SQLite must read it and needs the -shm file. */
static int readonly_uri(const char *path, char *uri, size_t cap)
{
    static const char keep[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-";
    char wal[4200];
    size_t o = 0;
    if (snprintf(wal, sizeof wal, "%s-wal", path) >= (int)sizeof wal)
        return -1;
    int immutable = access(wal, F_OK) != 0;
    o = (size_t)snprintf(uri, cap, "file:");
    for (const char *p = path; *p != '\0'; p++) {
        if (o + 4 >= cap)
            return -1;
        if (strchr(keep, *p) != NULL)
            uri[o++] = *p;
        else
            o += (size_t)snprintf(uri + o, cap - o, "%%%02X", (unsigned char)*p);
    }
    int n = snprintf(uri + o, cap - o, "?mode=ro%s", immutable ? "&immutable=1" : "");
    return n > 0 && (size_t)n < cap - o ? 0 : -1;
}

int dsg_db_open_readonly(const char *path, unsigned version, sqlite3 **out, char *err,
                         size_t errsize)
{
    return dsg_db_open_readonly_from(path, version, version, out, err, errsize);
}

int dsg_db_open_readonly_from(const char *path, unsigned oldest, unsigned version, sqlite3 **out,
                              char *err, size_t errsize)
{
    sqlite3 *db = NULL;
    char v[32];
    char uri[8300];
    *out = NULL;
    if (readonly_uri(path, uri, sizeof uri) != 0)
        return fail(err, errsize, "%s: path too long", path);
    if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_URI,
                        NULL) != SQLITE_OK) {
        fail(err, errsize, "%s: cannot open: %s", path,
             db != NULL ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close_v2(db);
        return -1;
    }
    if (pragma_text(db, "PRAGMA user_version", v, sizeof v) != 0) {
        fail(err, errsize, "%s: not a usable SQLite database: %s", path, sqlite3_errmsg(db));
        sqlite3_close_v2(db);
        return -1;
    }
    long have = strtol(v, NULL, 10);
    if (have < (long)oldest || have > (long)version) {
        if (oldest == version)
            fail(err, errsize, "%s: schema version %ld, this dsg reads version %u%s", path, have,
                 version, have > (long)version ? " (the database is newer)" : "");
        else
            fail(err, errsize, "%s: schema version %ld, this dsg reads versions %u to %u%s", path,
                 have, oldest, version, have > (long)version ? " (the database is newer)" : "");
        sqlite3_close_v2(db);
        return -1;
    }
    /* no temporary files either: a storage role's sandbox has nowhere to
     * put them (REQ-RUN-005) */
    sqlite3_exec(db, "PRAGMA query_only=ON; PRAGMA temp_store=MEMORY", NULL, NULL, NULL);
    *out = db;
    return 0;
}

sqlite3_stmt *dsg_db_prepare(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return NULL;
    return st;
}

int dsg_db_run(sqlite3_stmt *st)
{
    int rc = st != NULL ? sqlite3_step(st) : SQLITE_ERROR;
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

void dsg_db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
    sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

void dsg_db_column_copy(sqlite3_stmt *st, int i, char *out, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(out, cap, "%s", t != NULL ? (const char *)t : "");
}
