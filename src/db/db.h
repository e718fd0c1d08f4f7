/*
 * The SQLite layer every storage role uses (REQ-RUN-020): one way to open
 * a role's database, to migrate its schema and to run a multi-step change
 * as one transaction.
 *
 * dsg_db_open sets, on every connection:
 *   journal_mode=WAL       atomic commits, readers never block the writer
 *   synchronous=FULL       the WAL is synced at every commit: a record is
 *                          acknowledged only once it survives a power loss
 *                          (REQ-LOG-001); NORMAL would keep the database
 *                          consistent but could lose the last commits
 *   foreign_keys=ON        references are enforced
 *   busy_timeout=db.busy_timeout
 *   temp_store=MEMORY      no temporary files beside the database (a
 *                          chrooted role has nowhere else to put them)
 * then applies the migrations it is given, in order: migration i (0-based)
 * takes the schema from version i to i + 1, inside one BEGIN IMMEDIATE
 * transaction that also sets PRAGMA user_version, so a failed migration
 * leaves the database at its previous version. While a migration runs,
 * references are not enforced row by row (so a migration may rebuild a
 * table others reference); PRAGMA foreign_key_check must find none broken
 * before it commits, else it is rolled back. A database whose version is
 * newer than the code's is refused, naming both versions.
 *
 * Not pure (files, SQLite); library code shared by dsgd's roles and dsgctl.
 */
#ifndef DSG_DB_H
#define DSG_DB_H

#include <stddef.h>
#include <stdint.h>

struct sqlite3;
struct sqlite3_stmt;

/* Opens (creating if missing) the database at path and migrates it to
 * version `count`. Returns 0 with *out set, or -1 with *out NULL and a
 * message in err. Temporary storage stays in memory (temp_store=MEMORY).
 * @relation(REQ-RUN-020, REQ-RUN-005) */
__attribute__((warn_unused_result))
int dsg_db_open(const char *path, uint32_t busy_timeout_ms, const char *const *migrations,
                unsigned count, struct sqlite3 **out, char *err, size_t errsize);

/* Opens an existing database read-only (offline verification of a copy):
 * no migration, no write; a database of another version than `version`
 * is refused; temporary storage stays in memory. @relation(REQ-RUN-020, REQ-RUN-005) */
__attribute__((warn_unused_result))
int dsg_db_open_readonly(const char *path, unsigned version, struct sqlite3 **out,
                         char *err, size_t errsize);

/* The same, taking any version from oldest to newest: for readers of
 * tables that every one of those versions has. @relation(REQ-RUN-020, REQ-RUN-005) */
__attribute__((warn_unused_result))
int dsg_db_open_readonly_from(const char *path, unsigned oldest, unsigned newest,
                              struct sqlite3 **out, char *err, size_t errsize);

/* Closes db (NULL is allowed). @relation(REQ-RUN-020) */
void dsg_db_close(struct sqlite3 *db);

/* The schema version (PRAGMA user_version), or -1. @relation(REQ-RUN-020) */
long dsg_db_version(struct sqlite3 *db);

/* Runs sql (one or more statements, no results). 0, or -1 with a message.
 * @relation(REQ-RUN-020) */
__attribute__((warn_unused_result))
int dsg_db_exec(struct sqlite3 *db, const char *sql, char *err, size_t errsize);

/* BEGIN IMMEDIATE: takes the write lock now, so a transaction never fails
 * half-way for want of it. @relation(REQ-RUN-020) */
__attribute__((warn_unused_result))
int dsg_db_begin(struct sqlite3 *db, char *err, size_t errsize);

/* COMMIT; on failure the transaction is rolled back. @relation(REQ-RUN-020) */
__attribute__((warn_unused_result))
int dsg_db_commit(struct sqlite3 *db, char *err, size_t errsize);

/* ROLLBACK, if a transaction is open. @relation(REQ-RUN-020) */
void dsg_db_rollback(struct sqlite3 *db);

/* A prepared statement for sql, or NULL. @relation(REQ-RUN-020) */
struct sqlite3_stmt *dsg_db_prepare(struct sqlite3 *db, const char *sql);

/* Steps a statement that returns no row to its end and finalizes it
 * (NULL is allowed, and fails). 0, or -1. @relation(REQ-RUN-020) */
int dsg_db_run(struct sqlite3_stmt *st);

/* Binds the NUL-terminated s to parameter i (s must outlive the statement's
 * use). @relation(REQ-RUN-020) */
void dsg_db_bind_text(struct sqlite3_stmt *st, int i, const char *s);

/* Copies column i as text into out[0 .. cap) ("" for NULL), cut to fit.
 * @relation(REQ-RUN-020) */
void dsg_db_column_copy(struct sqlite3_stmt *st, int i, char *out, size_t cap);

/* PRAGMA integrity_check says "ok": 1; 0 otherwise (the first problem in
 * err). @relation(REQ-RUN-020) */
int dsg_db_integrity_ok(struct sqlite3 *db, char *err, size_t errsize);

#endif
