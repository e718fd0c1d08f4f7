/*
 * Unit tests of the files of an area and their versions
 * (src/share/file_store.h): uploads as versions, verdicts and the state
 * moves the triggers allow, one numbering for folders and files, rename,
 * move and delete, a folder's listing, a file's access chain and the
 * startup sweep. Each test works in its own temporary directory on a
 * share.db with one approved area (a second where a test needs one);
 * after every refusal the stored rows are checked unchanged.
 */
#define _GNU_SOURCE
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "share/file_store.h"
#include "tests/share_fixture.h"

Suite *suite_file_store(void);

static long long items(void)
{
    return count("SELECT (SELECT count(*) FROM folders) + (SELECT count(*) FROM files)"
                 " + (SELECT count(*) FROM versions)");
}

/* Runs sql, which the database must refuse with a message holding why. */
static void refused(const char *sql, const char *why)
{
    ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK, "accepted: %s", sql);
    ck_assert_msg(strstr(sqlite3_errmsg(db), why) != NULL, "%s: %s", sql, sqlite3_errmsg(db));
}

static void accepted(const char *sql)
{
    ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK, "%s: %s", sql,
                  sqlite3_errmsg(db));
}

static int64_t folder_ok(int64_t parent, const char *name)
{
    dsg_acct_problem p;
    int64_t id = 0;
    ck_assert_msg(dsg_folder_store_create(db, parent, name, "uid:7", NOW, &id, &p) == 0, "%s",
                  p.message);
    ck_assert_int_gt(id, 0);
    return id;
}

/* The refusal's code; nothing is stored. */
static const char *folder_code(int64_t parent, const char *name, const char *by)
{
    static dsg_acct_problem p;
    int64_t id = -7;
    long long before = items();
    ck_assert_int_eq(dsg_folder_store_create(db, parent, name, by, NOW, &id, &p), -1);
    ck_assert_int_eq(id, -7);
    ck_assert_int_eq(items(), before);
    ck_assert_int_eq(sqlite3_get_autocommit(db), 1);
    return p.code;
}

/* ---- uploads ---------------------------------------------------------------------- */

static dsg_upload_slot begin_ok(int64_t folder, const char *name, const char *by, int64_t now)
{
    dsg_acct_problem p;
    dsg_upload_slot s;
    ck_assert_msg(dsg_file_store_begin(db, folder, name, by, now, &s, &p) == 0, "%s", p.message);
    ck_assert_int_gt(s.file, 0);
    ck_assert_int_gt(s.version, 0);
    return s;
}

static const char *begin_code(int64_t folder, const char *name, const char *by)
{
    static dsg_acct_problem p;
    dsg_upload_slot s;
    long long before = items();
    ck_assert_int_eq(dsg_file_store_begin(db, folder, name, by, NOW, &s, &p), -1);
    ck_assert_int_eq(items(), before);
    ck_assert_int_eq(sqlite3_get_autocommit(db), 1);
    return p.code;
}

/* A digest whose every byte is b. */
static const uint8_t *digest(uint8_t b)
{
    static uint8_t d[DSG_FILE_SHA256_LEN];
    memset(d, b, sizeof d);
    return d;
}

static void settle_ok(const dsg_upload_slot *s, dsg_version_state st, int64_t size,
                      const char *reason)
{
    dsg_acct_problem p;
    ck_assert_msg(dsg_file_store_settle(db, s->file, s->version, st, size,
                                        digest((uint8_t)s->version), reason, &p) == 0,
                  "%s", p.message);
}

/* A clean upload of name: its slot. */
static dsg_upload_slot upload(int64_t folder, const char *name, int64_t size)
{
    dsg_upload_slot s = begin_ok(folder, name, "uid:5", NOW);
    settle_ok(&s, DSG_VERSION_CLEAN, size, "");
    return s;
}

static const char *settle_code(int64_t file, int64_t version, dsg_version_state st,
                               int64_t size, const uint8_t *sha, const char *reason,
                               const char *field)
{
    static dsg_acct_problem p;
    ck_assert_int_eq(dsg_file_store_settle(db, file, version, st, size, sha, reason, &p), -1);
    ck_assert_str_eq(p.field, field);
    return p.code;
}

static const char *rescan_code(int64_t file, int64_t version, dsg_version_state st,
                               const char *field)
{
    static dsg_acct_problem p;
    ck_assert_int_eq(dsg_file_store_rescan(db, file, version, st, "", &p), -1);
    ck_assert_str_eq(p.field, field);
    return p.code;
}

static dsg_version_row version_of(int64_t file, int64_t version)
{
    dsg_version_row v;
    char err[200];
    ck_assert_msg(dsg_file_store_get_version(db, file, version, &v, err, sizeof err) == 1, "%s",
                  err);
    return v;
}

static dsg_file_row file_of(int64_t id)
{
    dsg_file_row f;
    char err[200];
    ck_assert_msg(dsg_file_store_get(db, id, &f, err, sizeof err) == 1, "%s", err);
    return f;
}

static int64_t find(int64_t folder, const char *name)
{
    char err[200];
    int64_t id = dsg_file_store_find(db, folder, name, err, sizeof err);
    ck_assert_msg(id >= 0, "%s", err);
    return id;
}

/* ---- listings --------------------------------------------------------------------- */

#define ROWS_MAX 8

typedef struct versions {
    int n;
    dsg_version_row row[ROWS_MAX];
} versions;

static int keep_version(const dsg_version_row *r, void *ctx)
{
    versions *v = ctx;
    ck_assert_int_lt(v->n, ROWS_MAX);
    v->row[v->n++] = *r;
    return 0;
}

static versions versions_of(int64_t file)
{
    versions v;
    char err[200];
    memset(&v, 0, sizeof v);
    ck_assert_msg(dsg_file_store_each_version(db, file, keep_version, &v, err, sizeof err) == 0,
                  "%s", err);
    return v;
}

typedef struct children {
    int n;
    dsg_child_row row[ROWS_MAX];
} children;

static int keep_child(const dsg_child_row *r, void *ctx)
{
    children *c = ctx;
    ck_assert_int_lt(c->n, ROWS_MAX);
    c->row[c->n++] = *r;
    return 0;
}

static int stop_child(const dsg_child_row *r, void *ctx)
{
    (void)r;
    ++*(int *)ctx;
    return 1;
}

static children children_of(int64_t folder)
{
    children c;
    char err[200];
    memset(&c, 0, sizeof c);
    ck_assert_msg(dsg_folder_store_each_child(db, folder, keep_child, &c, err, sizeof err) == 1,
                  "%s", err);
    return c;
}

/* ---- uploads and versions --------------------------------------------------------- */

/* A new name makes a file with version 1; the same name again makes
 * version 2 of that file, and version 1 stays as it was.
 * @relation(REQ-SHARE-011) */
START_TEST(test_file_upload_makes_versions)
{
    char err[200];
    dsg_version_row v;
    int64_t area = make_area("C-1", END);
    folders f = area_folders(area);
    dsg_upload_slot s1 = begin_ok(f.row[2].id, "設計書.pdf", "uid:5", NOW);
    ck_assert_int_eq(s1.created, 1);
    ck_assert_int_eq(s1.version, 1);
    dsg_file_row r = file_of(s1.file);
    ck_assert_int_eq(r.folder, f.row[2].id);
    ck_assert_int_eq(r.area, area);
    ck_assert_str_eq(r.name, "設計書.pdf");
    ck_assert_str_eq(r.created_by, "uid:5");
    ck_assert_int_eq(r.created_at, NOW);
    ck_assert_int_eq(r.deleted_at, 0);
    ck_assert_int_eq(find(f.row[2].id, "設計書.pdf"), s1.file);
    ck_assert_int_eq(find(f.row[1].id, "設計書.pdf"), 0);
    ck_assert_int_eq(find(f.row[2].id, "設計書.PDF"), 0);
    /* pending: nothing visible yet, size and digest unknown */
    v = version_of(s1.file, 1);
    ck_assert_int_eq(v.state, DSG_VERSION_PENDING);
    ck_assert_int_eq(v.size, -1);
    ck_assert_int_eq(v.has_sha256, 0);
    ck_assert_mem_eq(v.object_id, s1.object_id, DSG_FILE_OBJECT_ID_LEN);
    ck_assert_str_eq(v.uploaded_by, "uid:5");
    ck_assert_int_eq(dsg_file_store_latest(db, s1.file, &v, err, sizeof err), 0);
    settle_ok(&s1, DSG_VERSION_CLEAN, 1000, "");
    ck_assert_int_eq(dsg_file_store_latest(db, s1.file, &v, err, sizeof err), 1);
    ck_assert_int_eq(v.version, 1);
    /* the same name again: version 2 of the same file, its own object */
    dsg_upload_slot s2 = begin_ok(f.row[2].id, "設計書.pdf", "uid:6", NOW + 60);
    ck_assert_int_eq(s2.created, 0);
    ck_assert_int_eq(s2.file, s1.file);
    ck_assert_int_eq(s2.version, 2);
    ck_assert_mem_ne(s2.object_id, s1.object_id, DSG_FILE_OBJECT_ID_LEN);
    ck_assert_int_eq(dsg_file_store_latest(db, s1.file, &v, err, sizeof err), 1);
    ck_assert_int_eq(v.version, 1);
    settle_ok(&s2, DSG_VERSION_CLEAN, 2000, "");
    ck_assert_int_eq(dsg_file_store_latest(db, s1.file, &v, err, sizeof err), 1);
    ck_assert_int_eq(v.version, 2);
    ck_assert_int_eq(v.size, 2000);
    ck_assert_str_eq(v.uploaded_by, "uid:6");
    ck_assert_int_eq(v.uploaded_at, NOW + 60);
    /* version 1 is kept unchanged, every version listed newest first */
    v = version_of(s1.file, 1);
    ck_assert_int_eq(v.state, DSG_VERSION_CLEAN);
    ck_assert_int_eq(v.size, 1000);
    ck_assert_int_eq(v.has_sha256, 1);
    ck_assert_mem_eq(v.sha256, digest(1), DSG_FILE_SHA256_LEN);
    ck_assert_mem_eq(v.object_id, s1.object_id, DSG_FILE_OBJECT_ID_LEN);
    versions all = versions_of(s1.file);
    ck_assert_int_eq(all.n, 2);
    ck_assert_int_eq(all.row[0].version, 2);
    ck_assert_int_eq(all.row[1].version, 1);
    ck_assert_int_eq(count("SELECT count(*) FROM files"), 1);
    ck_assert_int_eq(dsg_file_store_get_version(db, s1.file, 3, &v, err, sizeof err), 0);
    ck_assert_int_eq(dsg_file_store_get(db, s1.file + 100, &r, err, sizeof err), 0);
    /* the same name in another folder is another file */
    dsg_upload_slot s3 = begin_ok(f.row[1].id, "設計書.pdf", "uid:5", NOW);
    ck_assert_int_eq(s3.created, 1);
    ck_assert_int_ne(s3.file, s1.file);
    ck_assert_int_eq(s3.version, 1);
}
END_TEST

/* Folders and files are numbered from one sequence, whatever the order
 * they are made in, and the triggers refuse a number the other table
 * holds. @relation(REQ-SHARE-007, REQ-SHARE-009) */
START_TEST(test_file_and_folder_ids_never_collide)
{
    char sql[320];
    int64_t area = make_area("C-1", END);
    folders f = area_folders(area);
    int64_t last = f.row[2].id, file = 0, folder = 0;
    for (int i = 0; i < 6; i++) {
        char name[32];
        snprintf(name, sizeof name, "%d", i);
        int64_t id = i % 2 == 0 ? (file = begin_ok(f.row[2].id, name, "uid:5", NOW).file)
                                : (folder = folder_ok(f.row[1].id, name));
        ck_assert_int_eq(id, last + 1);
        last = id;
    }
    /* a new version makes no new number; a second area's folders follow on */
    ck_assert_int_eq(begin_ok(f.row[2].id, "0", "uid:5", NOW).file, last - 5);
    folders o = area_folders(make_area("C-2", END));
    ck_assert_int_eq(o.row[0].id, last + 1);
    ck_assert_int_eq(folder_ok(o.row[1].id, "x"), o.row[2].id + 1);
    ck_assert_int_eq(count("SELECT count(*) FROM folders JOIN files USING (id)"), 0);
    ck_assert_int_eq(dsg_area_store_next_item_id(db), o.row[2].id + 2);
    /* by SQL: a folder numbered as a file, a file as a folder */
    snprintf(sql, sizeof sql, "INSERT INTO folders (id, area, parent, name, created_by,"
             " created_at) VALUES (%lld, %lld, %lld, 'y', 'u', 1)", (long long)file,
             (long long)area, (long long)f.row[1].id);
    refused(sql, "a folder's number is a file's");
    snprintf(sql, sizeof sql, "INSERT INTO files (id, area, folder, name, created_by,"
             " created_at) VALUES (%lld, %lld, %lld, 'y', 'u', 1)", (long long)folder,
             (long long)area, (long long)f.row[1].id);
    refused(sql, "a file's number is a folder's");
    /* SQLite's own next number for a folder is a file's here */
    begin_ok(f.row[2].id, "latest", "uid:5", NOW);
    snprintf(sql, sizeof sql, "INSERT INTO folders (area, parent, name, created_by,"
             " created_at) VALUES (%lld, %lld, 'z', 'u', 1)", (long long)area,
             (long long)f.row[1].id);
    refused(sql, "a folder's number is a file's");
    refused("UPDATE files SET id = id + 1000", "keeps its area");
    refused("UPDATE folders SET id = id + 1000", "stays in its area");
    ck_assert_int_eq(count("SELECT count(*) FROM folders JOIN files USING (id)"), 0);
}
END_TEST

/* A version moves from pending to a verdict once, and from held to
 * clean or infected; nothing else, neither through the store nor by SQL.
 * @relation(REQ-SHARE-014, REQ-STOR-012) */
START_TEST(test_version_state_moves)
{
    dsg_acct_problem p;
    folders f = area_folders(make_area("C-1", END));
    dsg_upload_slot a = begin_ok(f.row[2].id, "a.txt", "uid:5", NOW);
    /* bad verdicts change nothing */
    ck_assert_str_eq(settle_code(a.file, 1, DSG_VERSION_PENDING, 1, digest(1), "", "state"),
                     "bad_field");
    ck_assert_str_eq(settle_code(a.file, 1, (dsg_version_state)9, 1, digest(1), "", "state"),
                     "bad_field");
    ck_assert_str_eq(settle_code(a.file, 1, DSG_VERSION_CLEAN, -1, digest(1), "", "size"),
                     "bad_field");
    ck_assert_str_eq(settle_code(a.file, 1, DSG_VERSION_CLEAN, 1, NULL, "", "sha256"),
                     "missing_field");
    ck_assert_str_eq(settle_code(a.file, 1, DSG_VERSION_HELD, 1, digest(1), "", "reason"),
                     "missing_field");
    ck_assert_str_eq(settle_code(a.file, 1, DSG_VERSION_FAILED, -1, NULL, NULL, "reason"),
                     "missing_field");
    ck_assert_str_eq(settle_code(a.file, 1, DSG_VERSION_HELD, 1, digest(1), "a\nb", "reason"),
                     "bad_field");
    ck_assert_str_eq(settle_code(a.file, 2, DSG_VERSION_CLEAN, 1, digest(1), "", "version"),
                     "not_found");
    ck_assert_str_eq(settle_code(a.file + 50, 1, DSG_VERSION_CLEAN, 1, digest(1), "",
                                 "version"), "not_found");
    ck_assert_str_eq(rescan_code(a.file, 1, DSG_VERSION_CLEAN, "version"), "bad_state");
    ck_assert_int_eq(version_of(a.file, 1).state, DSG_VERSION_PENDING);
    /* pending -> held -> clean */
    settle_ok(&a, DSG_VERSION_HELD, 10, "scanner unavailable");
    dsg_version_row v = version_of(a.file, 1);
    ck_assert_int_eq(v.state, DSG_VERSION_HELD);
    ck_assert_str_eq(v.reason, "scanner unavailable");
    ck_assert_int_eq(v.size, 10);
    ck_assert_str_eq(settle_code(a.file, 1, DSG_VERSION_CLEAN, 1, digest(1), "", "version"),
                     "bad_state");
    ck_assert_str_eq(rescan_code(a.file, 1, DSG_VERSION_HELD, "state"), "bad_field");
    ck_assert_str_eq(rescan_code(a.file, 1, DSG_VERSION_FAILED, "state"), "bad_field");
    ck_assert_int_eq(dsg_file_store_rescan(db, a.file, 1, DSG_VERSION_CLEAN, "rescanned", &p), 0);
    v = version_of(a.file, 1);
    ck_assert_int_eq(v.state, DSG_VERSION_CLEAN);
    ck_assert_int_eq(v.size, 10);
    ck_assert_str_eq(v.reason, "rescanned");
    ck_assert_str_eq(rescan_code(a.file, 1, DSG_VERSION_INFECTED, "version"), "bad_state");
    /* pending -> held -> infected; pending -> infected; pending -> failed */
    dsg_upload_slot b = begin_ok(f.row[2].id, "a.txt", "uid:5", NOW);
    settle_ok(&b, DSG_VERSION_HELD, 10, "timeout");
    ck_assert_int_eq(dsg_file_store_rescan(db, b.file, 2, DSG_VERSION_INFECTED, "EICAR", &p), 0);
    ck_assert_int_eq(version_of(b.file, 2).state, DSG_VERSION_INFECTED);
    dsg_upload_slot c = begin_ok(f.row[2].id, "a.txt", "uid:5", NOW);
    settle_ok(&c, DSG_VERSION_INFECTED, 68, "EICAR");
    ck_assert_str_eq(rescan_code(c.file, 3, DSG_VERSION_CLEAN, "version"), "bad_state");
    dsg_upload_slot d = begin_ok(f.row[2].id, "a.txt", "uid:5", NOW);
    ck_assert_int_eq(dsg_file_store_settle(db, d.file, 4, DSG_VERSION_FAILED, -1, NULL,
                                           "disk full", &p), 0);
    v = version_of(d.file, 4);
    ck_assert_int_eq(v.state, DSG_VERSION_FAILED);
    ck_assert_int_eq(v.size, -1);
    ck_assert_int_eq(v.has_sha256, 0);
    ck_assert_str_eq(rescan_code(d.file, 4, DSG_VERSION_CLEAN, "version"), "bad_state");
    dsg_upload_slot e = begin_ok(f.row[2].id, "a.txt", "uid:5", NOW);
    settle_ok(&e, DSG_VERSION_HELD, 5, "engine error");
    /* by SQL: the triggers hold the same moves */
    refused("UPDATE versions SET state = 'pending' WHERE version = 1", "moves only");
    refused("UPDATE versions SET state = 'held', reason = 'x' WHERE version = 1", "moves only");
    refused("UPDATE versions SET state = 'clean' WHERE version = 2", "moves only");
    refused("UPDATE versions SET state = 'clean' WHERE version = 4", "moves only");
    refused("UPDATE versions SET reason = 'x' WHERE version = 1", "moves only");
    refused("UPDATE versions SET state = 'failed' WHERE version = 5", "moves only");
    refused("UPDATE versions SET state = 'clean', size = 6 WHERE version = 5", "set once");
    /* (with a move the state may make, so that only what is fixed refuses it) */
    refused("UPDATE versions SET state = 'clean', object_id = randomblob(16)"
            " WHERE version = 5", "keeps its object");
    refused("UPDATE versions SET state = 'clean', uploaded_by = 'uid:9' WHERE version = 5",
            "keeps its object");
    refused("UPDATE versions SET state = 'clean', uploaded_at = 1 WHERE version = 5",
            "keeps its object");
    refused("UPDATE versions SET state = 'clean', version = 15 WHERE version = 5",
            "keeps its object");
    refused("UPDATE versions SET state = 'clean', file = file + 1 WHERE version = 5",
            "keeps its object");
    refused("DELETE FROM versions", "never deleted");
    refused("DELETE FROM files", "never deleted");
    refused("INSERT INTO versions (file, version, object_id, uploaded_by, uploaded_at, state,"
            " size, sha256) SELECT file, 6, randomblob(16), 'u', 1, 'clean', 1,"
            " randomblob(32) FROM versions LIMIT 1", "entered pending");
    refused("INSERT INTO versions (file, version, object_id, uploaded_by, uploaded_at)"
            " SELECT file, 7, randomblob(16), 'u', 1 FROM versions LIMIT 1",
            "follows the file's last");
    refused("INSERT INTO versions (file, version, object_id, uploaded_by, uploaded_at)"
            " SELECT file, 6, object_id, 'u', 1 FROM versions LIMIT 1",
            "UNIQUE constraint failed: versions.object_id");
    refused("INSERT INTO versions (file, version, object_id, uploaded_by, uploaded_at)"
            " SELECT file, 6, randomblob(8), 'u', 1 FROM versions LIMIT 1",
            "CHECK constraint failed");
    /* and let the moves allowed through */
    accepted("UPDATE versions SET state = 'clean', reason = 'by hand' WHERE version = 5");
    ck_assert_int_eq(count("SELECT count(*) FROM versions"), 5);
    ck_assert_int_eq(count("SELECT count(*) FROM versions WHERE state = 'clean'"), 2);
}
END_TEST

/* ---- rename, move, delete --------------------------------------------------------- */

/* Deleting a file hides it and keeps its versions; an upload of its name
 * starts a new file. @relation(REQ-SHARE-012, REQ-SHARE-011) */
START_TEST(test_file_delete_keeps_versions)
{
    char err[200], sql[200];
    dsg_acct_problem p;
    folders f = area_folders(make_area("C-1", END));
    dsg_upload_slot s1 = upload(f.row[2].id, "report.docx", 100);
    upload(f.row[2].id, "report.docx", 200);
    ck_assert_int_eq(dsg_file_store_delete(db, s1.file, "", NOW, &p), -1);
    ck_assert_str_eq(p.code, "missing_field");
    ck_assert_int_eq(dsg_file_store_delete(db, s1.file, "uid:8", NOW + 5, &p), 0);
    dsg_file_row r = file_of(s1.file);
    ck_assert_int_eq(r.deleted_at, NOW + 5);
    ck_assert_str_eq(r.deleted_by, "uid:8");
    ck_assert_int_eq(find(f.row[2].id, "report.docx"), 0);
    ck_assert_int_eq(children_of(f.row[2].id).n, 0);
    versions v = versions_of(s1.file);
    ck_assert_int_eq(v.n, 2);
    ck_assert_int_eq(v.row[0].size, 200);
    ck_assert_int_eq(v.row[1].size, 100);
    /* deleted once; no rename, move or new version of it */
    ck_assert_int_eq(dsg_file_store_delete(db, s1.file, "uid:8", NOW + 6, &p), -1);
    ck_assert_str_eq(p.code, "not_found");
    ck_assert_int_eq(dsg_file_store_rename(db, s1.file, "x.docx", &p), -1);
    ck_assert_str_eq(p.code, "not_found");
    ck_assert_int_eq(dsg_file_store_move(db, s1.file, f.row[1].id, &p), -1);
    ck_assert_str_eq(p.code, "not_found");
    ck_assert_int_eq(dsg_file_store_delete(db, s1.file + 99, "uid:8", NOW, &p), -1);
    ck_assert_str_eq(p.code, "not_found");
    ck_assert_int_eq(file_of(s1.file).deleted_at, NOW + 5);
    /* the name again: a new file */
    dsg_upload_slot s2 = begin_ok(f.row[2].id, "report.docx", "uid:5", NOW + 10);
    ck_assert_int_eq(s2.created, 1);
    ck_assert_int_ne(s2.file, s1.file);
    ck_assert_int_eq(s2.version, 1);
    ck_assert_int_eq(find(f.row[2].id, "report.docx"), s2.file);
    ck_assert_int_eq(versions_of(s1.file).n, 2);
    /* by SQL: a deleted file never changes, gets no version */
    snprintf(sql, sizeof sql, "UPDATE files SET deleted_at = NULL, deleted_by = NULL"
             " WHERE id = %lld", (long long)s1.file);
    refused(sql, "a deleted file never changes");
    snprintf(sql, sizeof sql, "INSERT INTO versions (file, version, object_id, uploaded_by,"
             " uploaded_at) VALUES (%lld, 3, randomblob(16), 'u', 1)", (long long)s1.file);
    refused(sql, "a deleted file gets no version");
    refused("UPDATE files SET deleted_at = 1 WHERE deleted_at IS NULL", "CHECK constraint");
    refused("INSERT INTO files (id, area, folder, name, created_by, created_at, deleted_at,"
            " deleted_by) VALUES (999, 1, 2, 'q', 'u', 1, 1, 'u')", "entered live");
    ck_assert_int_eq(dsg_file_store_get(db, s1.file, &r, err, sizeof err), 1);
}
END_TEST

/* Rename and move keep the file; a clash with a live file or a folder is
 * name_taken, another area other_area, and nothing changes.
 * @relation(REQ-SHARE-012) */
START_TEST(test_file_rename_and_move)
{
    char sql[200];
    dsg_acct_problem p;
    int64_t area = make_area("C-1", END);
    folders f = area_folders(area), o = area_folders(make_area("C-2", END));
    dsg_upload_slot a = upload(f.row[2].id, "a.txt", 1), b = upload(f.row[2].id, "b.txt", 2);
    upload(f.row[1].id, "c.txt", 3);
    int64_t sub = folder_ok(f.row[2].id, "sub");
    long long before = items();
    ck_assert_int_eq(dsg_file_store_rename(db, a.file, "b.txt", &p), -1);
    ck_assert_str_eq(p.code, "name_taken");
    ck_assert_int_eq(dsg_file_store_rename(db, a.file, "sub", &p), -1);
    ck_assert_str_eq(p.code, "name_taken");
    ck_assert_int_eq(dsg_file_store_rename(db, a.file, "", &p), -1);
    ck_assert_str_eq(p.code, "invalid_name");
    ck_assert_int_eq(dsg_file_store_rename(db, a.file, "x/y", &p), -1);
    ck_assert_str_eq(p.code, "invalid_name");
    ck_assert_int_eq(dsg_file_store_rename(db, b.file + 99, "z.txt", &p), -1);
    ck_assert_str_eq(p.code, "not_found");
    ck_assert_int_eq(dsg_file_store_move(db, a.file, f.row[1].id, &p), 0);   /* no clash there */
    ck_assert_int_eq(dsg_file_store_move(db, a.file, f.row[2].id, &p), 0);   /* and back */
    ck_assert_int_eq(dsg_file_store_rename(db, b.file, "c.txt", &p), 0);
    ck_assert_int_eq(dsg_file_store_move(db, b.file, f.row[1].id, &p), -1);  /* c.txt there */
    ck_assert_str_eq(p.code, "name_taken");
    ck_assert_int_eq(dsg_file_store_move(db, a.file, o.row[1].id, &p), -1);
    ck_assert_str_eq(p.code, "other_area");
    ck_assert_int_eq(dsg_file_store_move(db, a.file, o.row[2].id + 1000, &p), -1);
    ck_assert_str_eq(p.code, "not_found");
    ck_assert_int_eq(dsg_file_store_move(db, a.file, 0, &p), -1);
    ck_assert_str_eq(p.code, "not_found");
    ck_assert_int_eq(dsg_file_store_move(db, a.file, a.file, &p), -1);  /* a file, no folder */
    ck_assert_str_eq(p.code, "not_found");
    ck_assert_int_eq(items(), before);
    ck_assert_int_eq(sqlite3_get_autocommit(db), 1);
    /* a folder named like a live file is refused too */
    ck_assert_str_eq(folder_code(f.row[2].id, "a.txt", "uid:7"), "name_taken");
    /* rename and move: the file and its versions go along */
    ck_assert_int_eq(dsg_file_store_rename(db, a.file, "a2.txt", &p), 0);
    ck_assert_int_eq(dsg_file_store_move(db, a.file, sub, &p), 0);
    dsg_file_row r = file_of(a.file);
    ck_assert_int_eq(r.folder, sub);
    ck_assert_str_eq(r.name, "a2.txt");
    ck_assert_int_eq(find(sub, "a2.txt"), a.file);
    ck_assert_int_eq(find(f.row[2].id, "a.txt"), 0);
    ck_assert_int_eq(versions_of(a.file).n, 1);
    ck_assert_int_eq(version_of(a.file, 1).state, DSG_VERSION_CLEAN);
    /* the old name is free again, for a folder too */
    folder_ok(f.row[2].id, "a.txt");
    ck_assert_int_eq(items(), before + 1);
    /* by SQL: a file stays in its area, beside no folder of its name */
    snprintf(sql, sizeof sql, "UPDATE files SET folder = %lld WHERE id = %lld",
             (long long)o.row[1].id, (long long)a.file);
    refused(sql, "a file lies in its folder's area");
    snprintf(sql, sizeof sql, "UPDATE files SET area = %lld", (long long)area + 1);
    refused(sql, "keeps its area");
    snprintf(sql, sizeof sql, "INSERT INTO files (area, folder, name, created_by, created_at)"
             " VALUES (%lld, %lld, 'q', 'u', 1)", (long long)area + 1, (long long)f.row[2].id);
    refused(sql, "a file lies in its folder's area");
    snprintf(sql, sizeof sql, "UPDATE files SET name = 'sub' WHERE id = %lld",
             (long long)b.file);
    refused(sql, "a folder beside it has the file's name");
    snprintf(sql, sizeof sql, "UPDATE files SET name = 'a2.txt', folder = %lld"
             " WHERE id = %lld", (long long)sub, (long long)b.file);
    refused(sql, "UNIQUE constraint failed: files.folder, files.name");
    refused("UPDATE files SET created_by = 'x'", "keeps its area");
}
END_TEST

/* ---- listings --------------------------------------------------------------------- */

/* A folder lists its sub-folders, then its live files, each with its
 * latest clean version or else its newest with that state.
 * @relation(REQ-SHARE-011, REQ-SHARE-014) */
START_TEST(test_folder_listing)
{
    char err[200];
    dsg_acct_problem p;
    folders f = area_folders(make_area("C-1", END));
    int64_t b = folder_ok(f.row[2].id, "b-sub"), a = folder_ok(f.row[2].id, "a-sub");
    dsg_upload_slot x1 = upload(f.row[2].id, "x.txt", 10);
    dsg_upload_slot x2 = begin_ok(f.row[2].id, "x.txt", "uid:9", NOW + 1);
    settle_ok(&x2, DSG_VERSION_HELD, 20, "not scanned");
    dsg_upload_slot y = begin_ok(f.row[2].id, "y.txt", "uid:9", NOW + 2);
    settle_ok(&y, DSG_VERSION_HELD, 30, "engine down");
    dsg_upload_slot z = begin_ok(f.row[2].id, "w.txt", "uid:9", NOW + 3);
    dsg_upload_slot gone = upload(f.row[2].id, "gone.txt", 1);
    ck_assert_int_eq(dsg_file_store_delete(db, gone.file, "uid:8", NOW, &p), 0);
    folder_ok(a, "deeper");
    upload(a, "inside.txt", 1);
    children c = children_of(f.row[2].id);
    ck_assert_int_eq(c.n, 5);
    ck_assert_int_eq(c.row[0].kind, DSG_CHILD_FOLDER);
    ck_assert_int_eq(c.row[0].id, a);
    ck_assert_str_eq(c.row[0].name, "a-sub");
    ck_assert_str_eq(c.row[0].created_by, "uid:7");
    ck_assert_int_eq(c.row[0].version, 0);
    ck_assert_int_eq(c.row[1].id, b);
    ck_assert_int_eq(c.row[2].kind, DSG_CHILD_FILE);
    ck_assert_int_eq(c.row[2].id, z.file);                  /* w.txt: pending only */
    ck_assert_int_eq(c.row[2].state, DSG_VERSION_PENDING);
    ck_assert_int_eq(c.row[2].size, -1);
    ck_assert_int_eq(c.row[3].id, x1.file);                 /* x.txt: v1 clean, v2 held */
    ck_assert_int_eq(c.row[3].state, DSG_VERSION_CLEAN);
    ck_assert_int_eq(c.row[3].version, 1);
    ck_assert_int_eq(c.row[3].size, 10);
    ck_assert_str_eq(c.row[3].uploaded_by, "uid:5");
    ck_assert_int_eq(c.row[3].uploaded_at, NOW);
    ck_assert_int_eq(c.row[4].id, y.file);                  /* y.txt: held only */
    ck_assert_int_eq(c.row[4].state, DSG_VERSION_HELD);
    ck_assert_int_eq(c.row[4].version, 1);
    ck_assert_int_eq(c.row[4].size, 30);
    ck_assert_str_eq(c.row[4].uploaded_by, "uid:9");
    /* the held version clean at last: it is the latest */
    ck_assert_int_eq(dsg_file_store_rescan(db, x2.file, 2, DSG_VERSION_CLEAN, "", &p), 0);
    c = children_of(f.row[2].id);
    ck_assert_int_eq(c.row[3].version, 2);
    ck_assert_int_eq(c.row[3].size, 20);
    ck_assert_int_eq(children_of(b).n, 0);
    ck_assert_int_eq(children_of(a).n, 2);
    /* no such folder; a stop */
    int calls = 0;
    ck_assert_int_eq(dsg_folder_store_each_child(db, f.row[2].id + 1000, stop_child, &calls, err,
                                                 sizeof err), 0);
    ck_assert_int_eq(dsg_folder_store_each_child(db, 0, stop_child, &calls, err, sizeof err), 0);
    ck_assert_int_eq(dsg_folder_store_each_child(db, x1.file, stop_child, &calls, err,
                                                 sizeof err), 0);
    ck_assert_int_eq(calls, 0);
    ck_assert_int_eq(dsg_folder_store_each_child(db, f.row[2].id, stop_child, &calls, err,
                                                 sizeof err), -1);
    ck_assert_int_eq(calls, 1);
    ck_assert_ptr_nonnull(strstr(err, "stopped"));
}
END_TEST

/* ---- access chains ---------------------------------------------------------------- */

/* A file's object is its folder's chain and the file last; the decision
 * reads it as it reads a folder's. Folders nest until a file in the
 * deepest still fits in a chain. @relation(REQ-SHARE-007, REQ-SHARE-009) */
START_TEST(test_file_access_chain)
{
    char err[200];
    dsg_access_object obj;
    int64_t area = make_area("C-1", END);
    folders f = area_folders(area);
    int64_t sub = folder_ok(f.row[2].id, "設計"), subsub = folder_ok(sub, "図面");
    dsg_upload_slot s = upload(subsub, "機体.dwg", 5);
    ck_assert_int_eq(dsg_file_store_object(db, s.file, &obj, err, sizeof err), 1);
    ck_assert_int_eq(obj.area, area);
    ck_assert_uint_eq(obj.depth, 5);
    ck_assert_int_eq(obj.chain[0], f.row[0].id);
    ck_assert_int_eq(obj.chain[1], f.row[2].id);
    ck_assert_int_eq(obj.chain[2], sub);
    ck_assert_int_eq(obj.chain[3], subsub);
    ck_assert_int_eq(obj.chain[4], s.file);
    ck_assert_int_eq(dsg_file_store_object(db, s.file + 100, &obj, err, sizeof err), 0);
    /* a grant on the prime's folder covers it, one on 共通 does not */
    dsg_grant g = { DSG_ACCESS_ACCOUNT, 1, area, f.row[2].id, DSG_ACCESS_BIT(DSG_ACCESS_READ),
                    0, END * 1000 };
    dsg_access_req req;
    size_t which = 9;
    memset(&req, 0, sizeof req);
    req.ask.account = 1;
    req.ask.op = DSG_ACCESS_READ;
    req.ask.now = NOW * 1000;
    ck_assert_int_eq(dsg_file_store_object(db, s.file, &req.object, err, sizeof err), 1);
    ck_assert_int_eq(dsg_access_decide(&g, 1, &req, &which), DSG_ACCESS_ALLOW);
    g.folder = f.row[1].id;
    ck_assert_int_eq(dsg_access_decide(&g, 1, &req, &which), DSG_ACCESS_DENY);
    /* moved, it has its new folder's chain */
    dsg_acct_problem p;
    ck_assert_int_eq(dsg_file_store_move(db, s.file, f.row[1].id, &p), 0);
    ck_assert_int_eq(dsg_file_store_object(db, s.file, &req.object, err, sizeof err), 1);
    ck_assert_uint_eq(req.object.depth, 3);
    ck_assert_int_eq(dsg_access_decide(&g, 1, &req, &which), DSG_ACCESS_ALLOW);
    /* nesting: a folder whose file would not fit is too deep */
    int64_t id = f.row[2].id;
    for (uint32_t d = 3; d < DSG_ACCESS_MAX_DEPTH; d++)
        id = folder_ok(id, "d");
    ck_assert_str_eq(folder_code(id, "d", "uid:7"), "too_deep");
    dsg_upload_slot deep = upload(id, "leaf.txt", 1);
    ck_assert_int_eq(dsg_file_store_object(db, deep.file, &obj, err, sizeof err), 1);
    ck_assert_uint_eq(obj.depth, DSG_ACCESS_MAX_DEPTH);
    ck_assert_int_eq(obj.chain[DSG_ACCESS_MAX_DEPTH - 2], id);
    ck_assert_int_eq(obj.chain[DSG_ACCESS_MAX_DEPTH - 1], deep.file);
    /* a folder put deeper by SQL holds no file */
    char sql[200];
    snprintf(sql, sizeof sql, "INSERT INTO folders (id, area, parent, name, created_by,"
             " created_at) VALUES (%lld, %lld, %lld, 'd', 'u', 1)",
             (long long)dsg_area_store_next_item_id(db), (long long)area, (long long)id);
    accepted(sql);
    ck_assert_str_eq(begin_code(sqlite3_last_insert_rowid(db), "x", "uid:5"), "too_deep");
}
END_TEST

/* ---- folders: rename, move, delete ----------------------------------------------- */

/* The text the query sql gives (one row, one column), into out. */
static const char *text_of(const char *sql, char *out, size_t cap)
{
    sqlite3_stmt *st;
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql,
                  sqlite3_errmsg(db));
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    const unsigned char *t = sqlite3_column_text(st, 0);
    snprintf(out, cap, "%s", t != NULL ? (const char *)t : "");
    sqlite3_finalize(st);
    return out;
}

#define FOLDERS_DUMP "SELECT group_concat(id || ':' || area || ':' || coalesce(parent, '-') || ':'" \
                     " || name || ':' || org || ':' || created_by || ':' || created_at || ':'"     \
                     " || coalesce(deleted_at, '-') || ':' || coalesce(deleted_by, '-'), '|')"     \
                     " FROM (SELECT * FROM folders ORDER BY id)"
#define FOLDERS_V3_DUMP "SELECT group_concat(id || ':' || area || ':' || coalesce(parent, '-')"   \
                        " || ':' || name || ':' || org || ':' || created_by || ':' || created_at," \
                        " '|') FROM (SELECT * FROM folders ORDER BY id)"
#define FILES_DUMP "SELECT group_concat(id || ':' || folder || ':' || name || ':'"                 \
                   " || coalesce(deleted_at, '-'), '|') FROM (SELECT * FROM files ORDER BY id)"

typedef struct tree_dump {
    char folders[4096], files[2048];
} tree_dump;

static tree_dump dump_tree(void)
{
    tree_dump d;
    text_of(FOLDERS_DUMP, d.folders, sizeof d.folders);
    text_of(FILES_DUMP, d.files, sizeof d.files);
    return d;
}

/* The refusal's code, field checked; no row changed, no transaction left. */
static const char *folder_change_code(int rc, const dsg_acct_problem *p, const tree_dump *before)
{
    tree_dump now = dump_tree();
    ck_assert_int_eq(rc, -1);
    ck_assert_str_eq(now.folders, before->folders);
    ck_assert_str_eq(now.files, before->files);
    ck_assert_int_eq(sqlite3_get_autocommit(db), 1);
    return p->code;
}

static dsg_folder_row folder_row(int64_t id)
{
    dsg_folder_row f;
    char err[200];
    ck_assert_msg(dsg_folder_store_get(db, id, &f, err, sizeof err) == 1, "%s", err);
    return f;
}

/* A sub-folder is renamed and moved within its area with what lies under
 * it; names clash with live items only; the root never changes, no folder
 * goes under itself, into another area or too deep, and every refusal
 * changes nothing. @relation(REQ-SHARE-012) */
START_TEST(test_folder_rename_and_move)
{
    char err[200], long_name[DSG_FOLDER_NAME_MAX + 2];
    dsg_acct_problem p;
    dsg_access_object obj;
    int64_t area = make_area("C-1", END);
    folders f = area_folders(area), o = area_folders(make_area("C-2", END));
    int64_t root = f.row[0].id, common = f.row[1].id, prime = f.row[2].id;
    int64_t a = folder_ok(prime, "設計"), b = folder_ok(a, "図面"), c = folder_ok(prime, "試験");
    dsg_upload_slot x = upload(b, "機体.dwg", 5);
    upload(prime, "memo.txt", 1);
    memset(long_name, 'n', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    tree_dump before = dump_tree();
    /* rename: refusals */
    ck_assert_str_eq(folder_change_code(dsg_folder_store_rename(db, a, "試験", &p), &p, &before),
                     "name_taken");
    ck_assert_str_eq(folder_change_code(dsg_folder_store_rename(db, a, "memo.txt", &p), &p,
                                        &before), "name_taken");
    ck_assert_str_eq(folder_change_code(dsg_folder_store_rename(db, a, "a/b", &p), &p, &before),
                     "invalid_name");
    ck_assert_str_eq(folder_change_code(dsg_folder_store_rename(db, a, "..", &p), &p, &before),
                     "invalid_name");
    ck_assert_str_eq(folder_change_code(dsg_folder_store_rename(db, a, "", &p), &p, &before),
                     "invalid_name");
    ck_assert_str_eq(folder_change_code(dsg_folder_store_rename(db, a, NULL, &p), &p, &before),
                     "invalid_name");
    ck_assert_str_eq(folder_change_code(dsg_folder_store_rename(db, a, long_name, &p), &p,
                                        &before), "invalid_name");
    ck_assert_str_eq(folder_change_code(dsg_folder_store_rename(db, root, "新", &p), &p, &before),
                     "bad_state");
    ck_assert_str_eq(folder_change_code(dsg_folder_store_rename(db, c + 1000, "新", &p), &p,
                                        &before), "not_found");
    ck_assert_str_eq(folder_change_code(dsg_folder_store_rename(db, x.file, "新", &p), &p,
                                        &before), "not_found");
    /* move: refusals */
    ck_assert_str_eq(folder_change_code(dsg_folder_store_move(db, a, a, &p), &p, &before),
                     "invalid_move");
    ck_assert_str_eq(folder_change_code(dsg_folder_store_move(db, a, b, &p), &p, &before),
                     "invalid_move");
    ck_assert_str_eq(p.field, "parent");
    ck_assert_str_eq(folder_change_code(dsg_folder_store_move(db, a, o.row[1].id, &p), &p,
                                        &before), "other_area");
    ck_assert_str_eq(folder_change_code(dsg_folder_store_move(db, a, 0, &p), &p, &before),
                     "not_found");
    ck_assert_str_eq(folder_change_code(dsg_folder_store_move(db, a, x.file, &p), &p, &before),
                     "not_found");
    ck_assert_str_eq(folder_change_code(dsg_folder_store_move(db, root, common, &p), &p, &before),
                     "bad_state");
    int64_t c2 = folder_ok(common, "試験");
    before = dump_tree();
    ck_assert_str_eq(folder_change_code(dsg_folder_store_move(db, c, common, &p), &p, &before),
                     "name_taken");
    /* a rename keeps the folder and what is under it */
    ck_assert_msg(dsg_folder_store_rename(db, a, "設計-改", &p) == 0, "%s", p.message);
    ck_assert_str_eq(folder_row(a).name, "設計-改");
    ck_assert_int_eq(folder_row(a).parent, prime);
    ck_assert_int_eq(find(b, "機体.dwg"), x.file);
    ck_assert_int_eq(dsg_folder_store_rename(db, a, "設計-改", &p), 0);   /* its own name */
    /* the old name is free again */
    int64_t again = folder_ok(prime, "設計");
    /* a move takes the sub-folder and the file along: the file's chain follows */
    ck_assert_msg(dsg_folder_store_move(db, a, common, &p) == 0, "%s", p.message);
    ck_assert_int_eq(folder_row(a).parent, common);
    ck_assert_int_eq(folder_row(b).parent, a);
    ck_assert_int_eq(dsg_file_store_object(db, x.file, &obj, err, sizeof err), 1);
    ck_assert_uint_eq(obj.depth, 5);
    ck_assert_int_eq(obj.chain[0], root);
    ck_assert_int_eq(obj.chain[1], common);
    ck_assert_int_eq(obj.chain[2], a);
    ck_assert_int_eq(obj.chain[3], b);
    ck_assert_int_eq(obj.chain[4], x.file);
    ck_assert_int_eq(children_of(prime).n, 3);   /* 設計, 試験, memo.txt */
    ck_assert_int_eq(children_of(common).n, 2);  /* 設計-改, 試験 */
    /* up again, to the root */
    ck_assert_int_eq(dsg_folder_store_move(db, b, root, &p), 0);
    ck_assert_int_eq(dsg_file_store_object(db, x.file, &obj, err, sizeof err), 1);
    ck_assert_uint_eq(obj.depth, 3);
    /* too deep: a chain of folders under `again`, and c2 with b under it */
    ck_assert_int_eq(dsg_folder_store_move(db, b, c2, &p), 0);
    int64_t id = again;   /* 3 deep; a folder in id, and a file in it, just fit */
    for (uint32_t d = 4; d < DSG_ACCESS_MAX_DEPTH - 1; d++)
        id = folder_ok(id, "d");
    before = dump_tree();
    ck_assert_str_eq(folder_change_code(dsg_folder_store_move(db, c2, id, &p), &p, &before),
                     "too_deep");
    ck_assert_int_eq(dsg_folder_store_move(db, b, id, &p), 0);    /* b and its file fit */
    ck_assert_int_eq(dsg_file_store_object(db, x.file, &obj, err, sizeof err), 1);
    ck_assert_uint_eq(obj.depth, DSG_ACCESS_MAX_DEPTH);
    ck_assert_str_eq(folder_code(b, "e", "uid:7"), "too_deep");
    ck_assert_int_eq(dsg_db_integrity_ok(db, err, sizeof err), 1);
}
END_TEST

typedef struct named {
    int n, stop_at;
    int64_t file[ROWS_MAX];
} named;

static int keep_file(int64_t file, void *ctx)
{
    named *k = ctx;
    if (k->n == k->stop_at)
        return 1;
    ck_assert_int_lt(k->n, ROWS_MAX);
    k->file[k->n++] = file;
    return 0;
}

/* Deleting a folder marks it, the folders under it and their live files
 * deleted, by whom and when, and names the files; all leave listings and
 * take no item, their versions stay, and their names are free again.
 * @relation(REQ-SHARE-012) */
START_TEST(test_folder_delete)
{
    char err[200], sql[300];
    dsg_acct_problem p;
    dsg_folder_deleted d = { 99, 99 };
    named k = { 0, -1, { 0 } };
    dsg_upload_slot s;
    folders f = area_folders(make_area("C-1", END));
    int64_t root = f.row[0].id, prime = f.row[2].id;
    int64_t a = folder_ok(prime, "設計"), b = folder_ok(a, "図面"), e = folder_ok(b, "空");
    dsg_upload_slot x = upload(a, "x.txt", 1), y = upload(b, "y.txt", 2), z = upload(b, "z.txt", 3);
    dsg_upload_slot keep = upload(prime, "keep.txt", 4);
    ck_assert_int_eq(dsg_file_store_delete(db, z.file, "uid:9", NOW - 5, &p), 0);
    tree_dump before = dump_tree();
    ck_assert_str_eq(folder_change_code(dsg_folder_store_delete(db, root, "uid:7", NOW, keep_file,
                                                                &k, &d, &p), &p, &before),
                     "bad_state");
    ck_assert_str_eq(folder_change_code(dsg_folder_store_delete(db, a, "", NOW, keep_file, &k,
                                                                &d, &p), &p, &before),
                     "missing_field");
    ck_assert_str_eq(folder_change_code(dsg_folder_store_delete(db, x.file, "uid:7", NOW,
                                                                keep_file, &k, &d, &p), &p,
                                        &before), "not_found");
    ck_assert_int_eq(k.n, 0);
    ck_assert_uint_eq(d.folders, 99);
    ck_assert_msg(dsg_folder_store_delete(db, a, "uid:7", NOW, keep_file, &k, &d, &p) == 0, "%s",
                  p.message);
    ck_assert_uint_eq(d.folders, 3);
    ck_assert_uint_eq(d.files, 2);
    ck_assert_int_eq(k.n, 2);
    ck_assert_int_eq(k.file[0], x.file);
    ck_assert_int_eq(k.file[1], y.file);
    /* marked, by whom and when; the file deleted before keeps its own mark */
    int64_t marked[] = { a, b, e };
    for (size_t i = 0; i < 3; i++) {
        dsg_folder_row r = folder_row(marked[i]);
        ck_assert_int_eq(r.deleted_at, NOW);
        ck_assert_str_eq(r.deleted_by, "uid:7");
    }
    ck_assert_int_eq(file_of(x.file).deleted_at, NOW);
    ck_assert_str_eq(file_of(y.file).deleted_by, "uid:7");
    ck_assert_int_eq(file_of(z.file).deleted_at, NOW - 5);
    ck_assert_str_eq(file_of(z.file).deleted_by, "uid:9");
    ck_assert_int_eq(file_of(keep.file).deleted_at, 0);
    ck_assert_int_eq(folder_row(prime).deleted_at, 0);
    ck_assert_str_eq(folder_row(prime).deleted_by, "");
    /* versions stay */
    ck_assert_int_eq(versions_of(y.file).n, 1);
    ck_assert_int_eq(version_of(x.file, 1).state, DSG_VERSION_CLEAN);
    /* out of listings; a deleted folder lists nothing and takes nothing */
    children c = children_of(prime);
    ck_assert_int_eq(c.n, 1);
    ck_assert_int_eq(c.row[0].id, keep.file);
    ck_assert_int_eq(dsg_folder_store_each_child(db, a, keep_child, &c, err, sizeof err), 0);
    ck_assert_int_eq(folders_of(f.row[0].area).n, 3);
    ck_assert_str_eq(folder_code(b, "新", "uid:7"), "not_found");
    ck_assert_str_eq(begin_code(b, "new.txt", "uid:5"), "not_found");
    ck_assert_int_eq(dsg_file_store_move(db, keep.file, a, &p), -1);
    ck_assert_str_eq(p.code, "not_found");
    int64_t live = folder_ok(prime, "live");
    before = dump_tree();
    ck_assert_str_eq(folder_change_code(dsg_folder_store_delete(db, a, "uid:7", NOW, NULL, NULL,
                                                                &d, &p), &p, &before),
                     "not_found");
    ck_assert_str_eq(folder_change_code(dsg_folder_store_rename(db, b, "新", &p), &p, &before),
                     "not_found");
    ck_assert_str_eq(folder_change_code(dsg_folder_store_move(db, b, prime, &p), &p, &before),
                     "not_found");
    ck_assert_str_eq(folder_change_code(dsg_folder_store_move(db, live, e, &p), &p, &before),
                     "not_found");
    /* the names are free again, for a folder and a file */
    int64_t a2 = folder_ok(prime, "設計");
    ck_assert_int_ne(a2, a);
    ck_assert_int_eq(dsg_folder_store_rename(db, live, "x", &p), 0);
    s = begin_ok(a2, "x.txt", "uid:5", NOW);
    ck_assert_int_ne(s.file, x.file);
    ck_assert_int_eq(dsg_folder_store_delete(db, a2, "uid:7", NOW, keep_file, &k, &d, &p), 0);
    ck_assert_uint_eq(d.folders, 1);
    ck_assert_uint_eq(d.files, 1);
    ck_assert_int_eq(k.file[2], s.file);
    upload(prime, "設計", 1);   /* a file of a deleted folder's name */
    /* a stop of the naming changes nothing more */
    int64_t g = folder_ok(prime, "g");
    upload(g, "1.txt", 1);
    upload(g, "2.txt", 1);
    named one = { 0, 1, { 0 } };
    ck_assert_int_eq(dsg_folder_store_delete(db, g, "uid:7", NOW, keep_file, &one, &d, &p), 0);
    ck_assert_int_eq(one.n, 1);
    ck_assert_uint_eq(d.files, 2);
    /* by SQL: a deleted folder never changes and takes no item */
    snprintf(sql, sizeof sql, "UPDATE folders SET name = 'q' WHERE id = %lld", (long long)a);
    refused(sql, "a deleted folder never changes");
    snprintf(sql, sizeof sql, "INSERT INTO folders (id, area, parent, name, created_by,"
             " created_at) VALUES (%lld, %lld, %lld, 'q', 'u', 1)",
             (long long)dsg_area_store_next_item_id(db), (long long)f.row[0].area, (long long)a);
    refused(sql, "a deleted folder takes no item");
    snprintf(sql, sizeof sql, "INSERT INTO files (id, area, folder, name, created_by,"
             " created_at) VALUES (%lld, %lld, %lld, 'q', 'u', 1)",
             (long long)dsg_area_store_next_item_id(db), (long long)f.row[0].area, (long long)a);
    refused(sql, "a deleted folder takes no item");
    snprintf(sql, sizeof sql, "UPDATE files SET folder = %lld WHERE id = %lld", (long long)a,
             (long long)keep.file);
    refused(sql, "a deleted folder takes no item");
    snprintf(sql, sizeof sql, "UPDATE folders SET parent = %lld WHERE id = %lld", (long long)a,
             (long long)live);
    refused(sql, "a deleted folder takes no item");
    refused("DELETE FROM folders", "folders are never deleted");
    ck_assert_int_eq(dsg_db_integrity_ok(db, err, sizeof err), 1);
}
END_TEST

/* The triggers hold below the code: the root never changes, a folder
 * moves only within its area and never under itself, and enters live.
 * @relation(REQ-SHARE-012) */
START_TEST(test_folder_triggers)
{
    char sql[300];
    int64_t area = make_area("C-1", END);
    folders f = area_folders(area), o = area_folders(make_area("C-2", END));
    int64_t a = folder_ok(f.row[2].id, "a"), b = folder_ok(a, "b"), c = folder_ok(b, "c");
    snprintf(sql, sizeof sql, "UPDATE folders SET name = 'r' WHERE id = %lld",
             (long long)f.row[0].id);
    refused(sql, "an area's root is never renamed, moved or deleted");
    snprintf(sql, sizeof sql, "UPDATE folders SET deleted_at = 1, deleted_by = 'u' WHERE id = %lld",
             (long long)f.row[0].id);
    refused(sql, "an area's root is never renamed, moved or deleted");
    snprintf(sql, sizeof sql, "UPDATE folders SET parent = %lld WHERE id = %lld",
             (long long)o.row[1].id, (long long)a);
    refused(sql, "a folder moves only within its area");
    snprintf(sql, sizeof sql, "UPDATE folders SET parent = NULL WHERE id = %lld", (long long)a);
    refused(sql, "a folder moves only within its area");
    snprintf(sql, sizeof sql, "UPDATE folders SET parent = %lld WHERE id = %lld", (long long)a,
             (long long)a);
    refused(sql, "a folder never moves under itself");
    snprintf(sql, sizeof sql, "UPDATE folders SET parent = %lld WHERE id = %lld", (long long)c,
             (long long)a);
    refused(sql, "a folder never moves under itself");
    snprintf(sql, sizeof sql, "UPDATE folders SET deleted_at = 1 WHERE id = %lld", (long long)c);
    refused(sql, "CHECK constraint failed");
    snprintf(sql, sizeof sql, "INSERT INTO folders (id, area, parent, name, created_by,"
             " created_at, deleted_at, deleted_by) VALUES (%lld, %lld, %lld, 'q', 'u', 1, 1, 'u')",
             (long long)dsg_area_store_next_item_id(db), (long long)area, (long long)a);
    refused(sql, "a folder is entered live");
    snprintf(sql, sizeof sql, "UPDATE folders SET name = 'b' WHERE id = %lld", (long long)c);
    accepted(sql);   /* b/b: another parent */
    snprintf(sql, sizeof sql, "UPDATE folders SET parent = %lld WHERE id = %lld", (long long)a,
             (long long)c);
    refused(sql, "UNIQUE constraint failed: folders.parent, folders.name");
    snprintf(sql, sizeof sql, "UPDATE folders SET deleted_at = 1, deleted_by = 'u' WHERE id = %lld",
             (long long)b);
    accepted(sql);
    snprintf(sql, sizeof sql, "UPDATE folders SET parent = %lld WHERE id = %lld", (long long)a,
             (long long)c);
    accepted(sql);   /* the deleted b's name is free beside it */
    snprintf(sql, sizeof sql, "UPDATE folders SET parent = %lld WHERE id = %lld",
             (long long)f.row[2].id, (long long)c);
    accepted(sql);   /* c is live: moved out of the deleted b */
}
END_TEST

/* Version 3 of share.db as it was: folders without deletion, UNIQUE
 * (parent, name), the triggers of that version (tests/check_file_store.c
 * makes it from a new database with data, then opens it again). */
static const char *const back_to_v3 =
    "BEGIN;"
    /* version 6 undone */
    "DROP TRIGGER applications_close_open_area;"
    "DROP TRIGGER applications_kind_fixed;"
    "DROP TRIGGER areas_closed_once;"
    "DROP TRIGGER areas_closed_empty;"
    "DROP TRIGGER files_entered_open_area;"
    "DROP TRIGGER files_closed_with_deletion;"
    "DROP TRIGGER folders_entered_open_area;"
    "DROP TRIGGER applications_contract_free;"
    "CREATE TRIGGER applications_contract_free BEFORE INSERT ON applications"
    " WHEN EXISTS (SELECT 1 FROM areas WHERE contract = NEW.contract)"
    " BEGIN SELECT RAISE(ABORT, 'the contract has its area'); END;"
    "ALTER TABLE applications DROP COLUMN kind;"
    "ALTER TABLE applications DROP COLUMN closes;"
    "ALTER TABLE areas DROP COLUMN closed_at;"
    "ALTER TABLE areas DROP COLUMN closed_by;"
    "ALTER TABLE areas DROP COLUMN closing;"
    "ALTER TABLE files DROP COLUMN closed_with;"
    /* version 5 undone */
    "DROP TRIGGER versions_purged_once;"
    "DROP TRIGGER versions_purged_deleted;"
    "DROP TRIGGER versions_state_moves;"
    "DROP INDEX files_deleted;"
    "ALTER TABLE versions DROP COLUMN purged_at;"
    "CREATE TRIGGER versions_state_moves BEFORE UPDATE ON versions"
    " WHEN NOT ((OLD.state = 'pending' AND NEW.state IN ('clean','infected','held','failed'))"
    "  OR (OLD.state = 'held' AND NEW.state IN ('clean','infected')))"
    " BEGIN SELECT RAISE(ABORT, 'a version''s state moves only from pending or held'); END;"
    /* version 4 undone */
    "CREATE TABLE folders_v3 ("
    " id INTEGER PRIMARY KEY,"
    " area INTEGER NOT NULL REFERENCES areas (id),"
    " parent INTEGER REFERENCES folders (id),"
    " name TEXT NOT NULL CHECK (name <> ''),"
    " org TEXT NOT NULL DEFAULT '',"
    " created_by TEXT NOT NULL, created_at INTEGER NOT NULL,"
    " UNIQUE (parent, name));"
    "INSERT INTO folders_v3 SELECT id, area, parent, name, org, created_by, created_at"
    " FROM folders;"
    "DROP TABLE folders;"
    "PRAGMA legacy_alter_table = ON;"
    "ALTER TABLE folders_v3 RENAME TO folders;"
    "PRAGMA legacy_alter_table = OFF;"
    "CREATE UNIQUE INDEX folders_root ON folders (area) WHERE parent IS NULL;"
    "CREATE INDEX folders_area ON folders (area, id);"
    "CREATE TRIGGER folders_no_delete BEFORE DELETE ON folders"
    " BEGIN SELECT RAISE(ABORT, 'folders are never deleted'); END;"
    "CREATE TRIGGER folders_in_parent_area BEFORE INSERT ON folders"
    " WHEN NEW.parent IS NOT NULL AND NOT EXISTS"
    "  (SELECT 1 FROM folders WHERE id = NEW.parent AND area = NEW.area)"
    " BEGIN SELECT RAISE(ABORT, 'a folder lies in its parent''s area'); END;"
    "CREATE TRIGGER folders_fixed BEFORE UPDATE OF id, area, created_by, created_at ON folders"
    " BEGIN SELECT RAISE(ABORT, 'a folder stays in its area'); END;"
    "CREATE TRIGGER folders_id_not_file AFTER INSERT ON folders"
    " WHEN EXISTS (SELECT 1 FROM files WHERE id = NEW.id)"
    " BEGIN SELECT RAISE(ABORT, 'a folder''s number is a file''s'); END;"
    "CREATE TRIGGER folders_name_not_file BEFORE INSERT ON folders"
    " WHEN EXISTS (SELECT 1 FROM files WHERE folder = NEW.parent AND name = NEW.name"
    "  AND deleted_at IS NULL)"
    " BEGIN SELECT RAISE(ABORT, 'a file beside it has the folder''s name'); END;"
    "CREATE TRIGGER folders_renamed_not_file BEFORE UPDATE OF parent, name ON folders"
    " WHEN EXISTS (SELECT 1 FROM files WHERE folder = NEW.parent AND name = NEW.name"
    "  AND deleted_at IS NULL)"
    " BEGIN SELECT RAISE(ABORT, 'a file beside it has the folder''s name'); END;"
    "DROP TRIGGER files_in_live_folder;"
    "DROP TRIGGER files_moved_into_live;"
    "DROP TRIGGER files_name_not_folder;"
    "DROP TRIGGER files_renamed_not_folder;"
    "CREATE TRIGGER files_name_not_folder BEFORE INSERT ON files"
    " WHEN EXISTS (SELECT 1 FROM folders WHERE parent = NEW.folder AND name = NEW.name)"
    " BEGIN SELECT RAISE(ABORT, 'a folder beside it has the file''s name'); END;"
    "CREATE TRIGGER files_renamed_not_folder BEFORE UPDATE OF folder, name ON files"
    " WHEN EXISTS (SELECT 1 FROM folders WHERE parent = NEW.folder AND name = NEW.name)"
    " BEGIN SELECT RAISE(ABORT, 'a folder beside it has the file''s name'); END;"
    "PRAGMA user_version = 3;"
    "COMMIT;";

#define SCHEMA_DUMP "SELECT group_concat(type || ' ' || name || ' ' || tbl_name || ' '"     \
                    " || coalesce(sql, ''), char(10)) FROM (SELECT * FROM sqlite_master"   \
                    " ORDER BY name)"

/* A version-3 share.db with areas, folders, files and grants migrates to
 * version 6 keeping every row; its schema is then a new database's, and
 * the constraints of both versions hold. @relation(REQ-SHARE-012, REQ-RUN-020) */
START_TEST(test_share_db_migrates_from_version_3)
{
    static char fresh[16384], migrated[16384];
    char err[256], sql[300];
    dsg_acct_problem p;
    dsg_folder_deleted d;
    int64_t area = make_area("C-1", END);
    folders f = area_folders(area);
    int64_t a = folder_ok(f.row[2].id, "設計"), b = folder_ok(a, "図面");
    dsg_upload_slot x = upload(b, "x.txt", 3);
    dsg_upload_slot gone = upload(a, "gone.txt", 1);
    ck_assert_int_eq(dsg_file_store_delete(db, gone.file, "uid:9", NOW, &p), 0);
    accepted("INSERT INTO subjects (kind, name) VALUES ('account', 'sato')");
    text_of(SCHEMA_DUMP, fresh, sizeof fresh);
    ck_assert_int_eq(sqlite3_exec(db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL), SQLITE_OK);
    accepted(back_to_v3);
    ck_assert_int_eq(sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_eq(dsg_db_version(db), 3);
    text_of(SCHEMA_DUMP, migrated, sizeof migrated);
    ck_assert_ptr_null(strstr(migrated, "deleted_at INTEGER, deleted_by TEXT,\n"));
    ck_assert_str_ne(migrated, fresh);
    static char rows[4096], files[2048], versions[2048];
    text_of(FOLDERS_V3_DUMP, rows, sizeof rows);
    text_of(FILES_DUMP, files, sizeof files);
    text_of("SELECT group_concat(file || ':' || version || ':' || state, '|') FROM versions",
            versions, sizeof versions);
    /* reopened: migrated */
    dsg_db_close(db);
    db = NULL;
    ck_assert_msg(dsg_area_store_open(path, 1000, &db, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(dsg_db_version(db), 6);
    text_of(SCHEMA_DUMP, migrated, sizeof migrated);
    ck_assert_str_eq(migrated, fresh);
    tree_dump now = dump_tree();
    ck_assert_str_eq(now.files, files);
    ck_assert_str_eq(text_of(FOLDERS_V3_DUMP, now.folders, sizeof now.folders), rows);
    ck_assert_int_eq(count("SELECT count(*) FROM folders WHERE deleted_at IS NOT NULL"), 0);
    text_of("SELECT group_concat(file || ':' || version || ':' || state, '|') FROM versions",
            rows, sizeof rows);
    ck_assert_str_eq(rows, versions);
    ck_assert_int_eq(count("SELECT count(*) FROM subjects"), 1);
    ck_assert_int_eq(dsg_db_integrity_ok(db, err, sizeof err), 1);
    /* version 3's constraints hold, and version 4's */
    snprintf(sql, sizeof sql, "INSERT INTO folders (id, area, parent, name, created_by,"
             " created_at) VALUES (%lld, %lld, %lld, '図面', 'u', 1)",
             (long long)dsg_area_store_next_item_id(db), (long long)area, (long long)a);
    refused(sql, "UNIQUE constraint failed: folders.parent, folders.name");
    refused("DELETE FROM folders", "folders are never deleted");
    snprintf(sql, sizeof sql, "UPDATE folders SET area = %lld", (long long)area + 1);
    refused(sql, "a folder stays in its area");
    ck_assert_str_eq(folder_code(b, "x.txt", "uid:7"), "name_taken");
    ck_assert_int_eq(find(b, "x.txt"), x.file);
    ck_assert_int_eq(dsg_folder_store_delete(db, a, "uid:7", NOW, NULL, NULL, &d, &p), 0);
    ck_assert_uint_eq(d.folders, 2);
    ck_assert_uint_eq(d.files, 1);
    ck_assert_int_gt(folder_ok(f.row[2].id, "設計"), b);
    snprintf(sql, sizeof sql, "UPDATE folders SET parent = %lld WHERE id = %lld",
             (long long)f.row[1].id, (long long)b);
    refused(sql, "a deleted folder never changes");
    ck_assert_int_eq(dsg_db_integrity_ok(db, err, sizeof err), 1);
}
END_TEST

/* ---- the startup sweep ------------------------------------------------------------ */

typedef struct swept {
    int n, stop_at;
    uint8_t id[ROWS_MAX][DSG_FILE_OBJECT_ID_LEN];
    int64_t version[ROWS_MAX];
} swept;

static int keep_object(const uint8_t object_id[DSG_FILE_OBJECT_ID_LEN], int64_t version,
                       void *ctx)
{
    swept *s = ctx;
    if (s->n == s->stop_at)
        return 1;
    ck_assert_int_lt(s->n, ROWS_MAX);
    s->version[s->n] = version;
    memcpy(s->id[s->n++], object_id, DSG_FILE_OBJECT_ID_LEN);
    return 0;
}

/* After a crash, every version left pending fails and its object id is
 * handed over for removal; settled versions are untouched.
 * @relation(REQ-STOR-012) */
START_TEST(test_file_sweep)
{
    char err[200];
    swept s;
    size_t n = 99;
    folders f = area_folders(make_area("C-1", END));
    dsg_upload_slot clean = upload(f.row[2].id, "a.txt", 1);
    dsg_upload_slot p1 = begin_ok(f.row[2].id, "a.txt", "uid:5", NOW);
    dsg_upload_slot p2 = begin_ok(f.row[1].id, "b.txt", "uid:5", NOW);
    /* the crash: closed with two uploads pending, then reopened */
    dsg_db_close(db);
    db = NULL;
    ck_assert_msg(dsg_area_store_open(path, 1000, &db, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(dsg_db_version(db), 6);
    /* a callback that fails stops the sweep: nothing changes */
    memset(&s, 0, sizeof s);
    s.stop_at = 1;
    ck_assert_int_eq(dsg_file_store_sweep(db, keep_object, &s, &n, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "stopped"));
    ck_assert_int_eq(n, 99);
    ck_assert_int_eq(count("SELECT count(*) FROM versions WHERE state = 'pending'"), 2);
    ck_assert_int_eq(sqlite3_get_autocommit(db), 1);
    memset(&s, 0, sizeof s);
    s.stop_at = -1;
    ck_assert_msg(dsg_file_store_sweep(db, keep_object, &s, &n, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(s.n, 2);
    ck_assert_mem_eq(s.id[0], p1.object_id, DSG_FILE_OBJECT_ID_LEN);
    ck_assert_mem_eq(s.id[1], p2.object_id, DSG_FILE_OBJECT_ID_LEN);
    ck_assert_int_eq(s.version[0], 2);
    ck_assert_int_eq(s.version[1], 1);
    dsg_version_row v = version_of(p1.file, 2);
    ck_assert_int_eq(v.state, DSG_VERSION_FAILED);
    ck_assert_ptr_nonnull(strstr(v.reason, "interrupted"));
    ck_assert_int_eq(version_of(p2.file, 1).state, DSG_VERSION_FAILED);
    ck_assert_int_eq(version_of(clean.file, 1).state, DSG_VERSION_CLEAN);
    /* invisible: the file of a failed upload has no latest version */
    ck_assert_int_eq(dsg_file_store_latest(db, p2.file, &v, err, sizeof err), 0);
    ck_assert_int_eq(dsg_file_store_latest(db, clean.file, &v, err, sizeof err), 1);
    ck_assert_int_eq(v.version, 1);
    /* a failed version is settled for good; a second sweep finds nothing */
    ck_assert_str_eq(settle_code(p1.file, 2, DSG_VERSION_CLEAN, 1, digest(1), "", "version"),
                     "bad_state");
    memset(&s, 0, sizeof s);
    s.stop_at = -1;
    ck_assert_int_eq(dsg_file_store_sweep(db, keep_object, &s, &n, err, sizeof err), 0);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(s.n, 0);
    ck_assert_int_eq(dsg_db_integrity_ok(db, err, sizeof err), 1);
}
END_TEST

/* ---- bad input -------------------------------------------------------------------- */

/* An unknown folder, an empty name, a name with '/' and the like are
 * refused with their codes, and nothing is stored.
 * @relation(REQ-SHARE-009, REQ-SHARE-011) */
START_TEST(test_file_bad_input)
{
    char long_name[DSG_FILE_NAME_MAX + 2], err[200];
    folders f = area_folders(make_area("C-1", END));
    upload(f.row[2].id, "a.txt", 1);
    int64_t sub = folder_ok(f.row[2].id, "sub");
    memset(long_name, 'n', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    ck_assert_str_eq(begin_code(f.row[2].id + 1000, "b.txt", "uid:5"), "not_found");
    ck_assert_str_eq(begin_code(0, "b.txt", "uid:5"), "not_found");
    ck_assert_str_eq(begin_code(-1, "b.txt", "uid:5"), "not_found");
    ck_assert_str_eq(begin_code(f.row[2].id, "", "uid:5"), "invalid_name");
    ck_assert_str_eq(begin_code(f.row[2].id, NULL, "uid:5"), "invalid_name");
    ck_assert_str_eq(begin_code(f.row[2].id, "a/b.txt", "uid:5"), "invalid_name");
    ck_assert_str_eq(begin_code(f.row[2].id, "/", "uid:5"), "invalid_name");
    ck_assert_str_eq(begin_code(f.row[2].id, "..", "uid:5"), "invalid_name");
    ck_assert_str_eq(begin_code(f.row[2].id, "a\tb", "uid:5"), "invalid_name");
    ck_assert_str_eq(begin_code(f.row[2].id, "\xff.txt", "uid:5"), "invalid_name");
    ck_assert_str_eq(begin_code(f.row[2].id, long_name, "uid:5"), "invalid_name");
    ck_assert_str_eq(begin_code(f.row[2].id, "sub", "uid:5"), "name_taken");
    ck_assert_str_eq(begin_code(f.row[2].id, "b.txt", ""), "missing_field");
    ck_assert_str_eq(begin_code(f.row[2].id, "b.txt", NULL), "missing_field");
    long_name[DSG_FILE_NAME_MAX] = '\0';
    ck_assert_int_eq(begin_ok(f.row[2].id, long_name, "uid:5", NOW).version, 1);
    /* sub-folders */
    ck_assert_str_eq(folder_code(f.row[2].id + 1000, "x", "uid:7"), "not_found");
    ck_assert_str_eq(folder_code(0, "x", "uid:7"), "not_found");
    ck_assert_str_eq(folder_code(f.row[2].id, "", "uid:7"), "invalid_name");
    ck_assert_str_eq(folder_code(f.row[2].id, "x/y", "uid:7"), "invalid_name");
    ck_assert_str_eq(folder_code(f.row[2].id, ".", "uid:7"), "invalid_name");
    long_name[DSG_FOLDER_NAME_MAX + 1] = '\0';
    ck_assert_str_eq(folder_code(f.row[2].id, long_name, "uid:7"), "invalid_name");
    ck_assert_str_eq(folder_code(f.row[2].id, "sub", "uid:7"), "name_taken");
    ck_assert_str_eq(folder_code(f.row[2].id, "a.txt", "uid:7"), "name_taken");
    ck_assert_str_eq(folder_code(f.row[2].id, "x", ""), "missing_field");
    /* the same name under another parent is another folder */
    ck_assert_int_gt(folder_ok(sub, "sub"), sub);
    ck_assert_int_eq(dsg_file_store_find(db, f.row[2].id, NULL, err, sizeof err), -1);
    ck_assert_str_eq(dsg_version_state_name(DSG_VERSION_HELD), "held");
    ck_assert_ptr_null(dsg_version_state_name((dsg_version_state)5));
}
END_TEST

typedef struct expired {
    int n, stop_at;
    dsg_expired_version v[ROWS_MAX];
} expired;

static int keep_expired(const dsg_expired_version *v, void *ctx)
{
    expired *e = ctx;
    if (e->n == e->stop_at)
        return 1;
    ck_assert_int_lt(e->n, ROWS_MAX);
    e->v[e->n++] = *v;
    return 0;
}

static expired expired_before(int64_t before, size_t max, int want)
{
    expired e = { 0, -1, { { 0 } } };
    char err[200];
    ck_assert_int_eq(dsg_file_store_each_expired(db, before, max, keep_expired, &e, err,
                                                 sizeof err), want);
    return e;
}

/* The versions of files deleted long enough ago are named for the purge,
 * oldest deletion first, none still pending, each until it is marked purged; a live file's
 * versions and a purged version are never purged again, and nothing
 * else of a version changes with it. @relation(REQ-SHARE-012) */
START_TEST(test_file_purge_expired)
{
    dsg_acct_problem p;
    folders f = area_folders(make_area("C-1", END));
    dsg_upload_slot old = upload(f.row[2].id, "old.txt", 3);
    dsg_upload_slot old2 = begin_ok(f.row[2].id, "old.txt", "uid:5", NOW);
    settle_ok(&old2, DSG_VERSION_CLEAN, 4, "");
    dsg_upload_slot recent = upload(f.row[2].id, "recent.txt", 1);
    dsg_upload_slot live = upload(f.row[2].id, "live.txt", 1);
    dsg_upload_slot pending = begin_ok(f.row[2].id, "pending.txt", "uid:5", NOW);
    ck_assert_int_eq(dsg_file_store_delete(db, old.file, "uid:9", NOW - 100, &p), 0);
    ck_assert_int_eq(dsg_file_store_delete(db, recent.file, "uid:9", NOW, &p), 0);
    /* deleted while its content still comes: left to the upload or the sweep */
    ck_assert_int_eq(dsg_file_store_delete(db, pending.file, "uid:9", NOW - 200, &p), 0);
    ck_assert_int_eq(expired_before(NOW - 101, 10, 0).n, 0);
    expired e = expired_before(NOW - 50, 10, 2);
    ck_assert_int_eq(e.v[0].file, old.file);
    ck_assert_int_eq(e.v[0].version, 1);
    ck_assert_int_eq(e.v[1].version, 2);
    ck_assert_mem_eq(e.v[1].object_id, old2.object_id, DSG_FILE_OBJECT_ID_LEN);
    ck_assert_str_eq(e.v[0].name, "old.txt");
    ck_assert_int_eq(e.v[0].deleted_at, NOW - 100);
    /* at most max, then a stop that is no failure */
    ck_assert_int_eq(expired_before(NOW, 1, 1).n, 1);
    expired stop = { 0, 0, { { 0 } } };
    char err[200];
    ck_assert_int_eq(dsg_file_store_each_expired(db, NOW, 10, keep_expired, &stop, err,
                                                 sizeof err), 1);
    /* marked: named no more; twice, a live file's or an unknown version: refused */
    ck_assert_int_eq(dsg_file_store_mark_purged(db, old.file, 1, NOW, &p), 0);
    ck_assert_int_eq(dsg_file_store_mark_purged(db, old.file, 1, NOW, &p), -1);
    ck_assert_str_eq(p.code, "bad_state");
    ck_assert_int_eq(dsg_file_store_mark_purged(db, live.file, 1, NOW, &p), -1);
    ck_assert_str_eq(p.code, "not_found");
    ck_assert_int_eq(dsg_file_store_mark_purged(db, old.file, 9, NOW, &p), -1);
    ck_assert_str_eq(p.code, "not_found");
    e = expired_before(NOW, 10, 2);
    ck_assert_int_eq(e.v[0].file, old.file);
    ck_assert_int_eq(e.v[0].version, 2);
    ck_assert_int_eq(e.v[1].file, recent.file);
    /* below the code: the triggers */
    char sql[200];
    snprintf(sql, sizeof sql, "UPDATE versions SET purged_at = 1 WHERE file = %lld",
             (long long)live.file);
    refused(sql, "only a deleted file's versions are purged");
    snprintf(sql, sizeof sql, "UPDATE versions SET purged_at = 2 WHERE file = %lld AND version = 1",
             (long long)old.file);
    refused(sql, "a version is purged once");
    snprintf(sql, sizeof sql, "UPDATE versions SET purged_at = 2, size = 9 WHERE file = %lld"
             " AND version = 2", (long long)old.file);
    refused(sql, "a version is purged once");
    ck_assert_int_eq(version_of(old.file, 1).state, DSG_VERSION_CLEAN);
}
END_TEST

/* ---- closing an area (REQ-SHARE-021) ---------------------------------------------- */

static int64_t close_apply(int64_t area, const char *by, int64_t now, dsg_acct_problem *p)
{
    int64_t id = -7;
    if (dsg_area_store_apply_close(db, area, "調達部", "契約終了", by, now, &id, p) != 0)
        ck_assert_int_eq(id, -7);
    return id;
}

static int add_file(int64_t file, void *ctx)
{
    int64_t *seen = ctx;
    seen[++seen[0]] = file;
    return 0;
}

/* An area is closed only after its contract's end, by an application
 * someone else approves; the closing deletes its live files, records who
 * closed it when, and the area then takes no folder or file.
 * @relation(REQ-SHARE-021) */
START_TEST(test_area_closing)
{
    dsg_acct_problem p;
    dsg_area_row a;
    dsg_area_app_row r;
    char err[256];
    int64_t area = make_area("C-1", END), other = make_area("C-2", END), closed = 0;
    folders f = area_folders(area), g = area_folders(other);
    dsg_upload_slot x = upload(f.row[1].id, "x.txt", 3), y = upload(f.row[2].id, "y.txt", 4);
    dsg_upload_slot gone = upload(f.row[1].id, "gone.txt", 1);
    dsg_upload_slot same = upload(f.row[1].id, "same.txt", 1);
    (void)upload(g.row[1].id, "k.txt", 1);
    ck_assert_int_eq(dsg_file_store_delete(db, gone.file, "uid:9", NOW + 1, &p), 0);
    /* deleted by hand by the approver in the second of the approval: not the closing's */
    ck_assert_int_eq(dsg_file_store_delete(db, same.file, "uid:2", END + 2, &p), 0);
    /* refused: the contract runs, an unknown area, a missing applicant */
    ck_assert_int_eq(close_apply(area, "uid:1", END - 1, &p), -7);
    ck_assert_str_eq(p.code, "contract_active");
    ck_assert_ptr_nonnull(strstr(p.message, "C-1"));
    ck_assert_int_eq(close_apply(area + 999, "uid:1", END + 1, &p), -7);
    ck_assert_str_eq(p.code, "unknown_area");
    ck_assert_int_eq(dsg_area_store_apply_close(db, area, "", "r", "uid:1", END + 1, &closed, &p),
                     -1);
    ck_assert_str_eq(p.code, "missing_field");
    ck_assert_int_eq(count("SELECT count(*) FROM applications WHERE kind = 'close'"), 0);
    /* applied once; the approver is someone else */
    int64_t id = close_apply(area, "uid:1", END + 1, &p);
    ck_assert_int_gt(id, 0);
    ck_assert_int_eq(close_apply(area, "uid:2", END + 1, &p), -7);
    ck_assert_str_eq(p.code, "contract_taken");
    ck_assert_int_eq(dsg_area_store_get_app(db, id, &r, err, sizeof err), 1);
    ck_assert_int_eq(r.kind, DSG_AREA_APP_CLOSE);
    ck_assert_int_eq(r.area, area);
    ck_assert_str_eq(r.app.contract, "C-1");
    ck_assert_int_eq(dsg_area_store_approve(db, id, "uid:1", END + 2, default_template(), &closed,
                                            &p), -1);
    ck_assert_str_eq(p.code, "self_approval");
    ck_assert_int_eq(dsg_area_store_approve(db, id, "uid:2", END + 2, default_template(), &closed,
                                            &p), 0);
    ck_assert_int_eq(closed, area);
    ck_assert_int_eq(dsg_area_store_get(db, area, &a, err, sizeof err), 1);
    ck_assert_int_eq(a.closed_at, END + 2);
    ck_assert_str_eq(a.closed_by, "uid:2");
    ck_assert_int_eq(a.closing, id);
    /* its live files deleted by the closing; the one deleted before kept as it was */
    int64_t seen[8] = { 0 };
    ck_assert_int_eq(dsg_area_store_each_closed_file(db, area, add_file, seen, err, sizeof err), 0);
    ck_assert_int_eq(seen[0], 2);
    ck_assert_int_eq(seen[1], x.file < y.file ? x.file : y.file);
    ck_assert_int_eq(seen[2], x.file < y.file ? y.file : x.file);
    ck_assert_int_eq(count("SELECT count(*) FROM files WHERE deleted_at IS NULL"), 1);
    ck_assert_int_eq(count("SELECT deleted_at FROM files WHERE name = 'gone.txt'"), NOW + 1);
    seen[0] = 0;
    ck_assert_int_eq(dsg_area_store_each_closed_file(db, other, add_file, seen, err, sizeof err),
                     0);
    ck_assert_int_eq(seen[0], 0);
    /* closed once; it takes no folder or file */
    ck_assert_int_eq(close_apply(area, "uid:1", END + 3, &p), -7);
    ck_assert_str_eq(p.code, "area_closed");
    ck_assert_ptr_nonnull(begin_code(f.row[1].id, "new.txt", "uid:5"));
    ck_assert_ptr_nonnull(folder_code(f.row[1].id, "新規", "uid:5"));
    refused("UPDATE areas SET closed_at = NULL WHERE closed_at IS NOT NULL", "closed once");
    refused("UPDATE areas SET closed_by = 'uid:3' WHERE closed_at IS NOT NULL", "closed once");
    refused("UPDATE applications SET kind = 'create' WHERE kind = 'close'", "never changes");
    refused("UPDATE files SET closed_with = NULL WHERE closed_with IS NOT NULL",
            "closed with its area");
    /* a rejected closing leaves the area open */
    int64_t no = close_apply(other, "uid:1", END + 1, &p);
    ck_assert_int_gt(no, 0);
    ck_assert_int_eq(dsg_area_store_reject(db, no, "uid:2", "まだ使う", END + 2, &p), 0);
    ck_assert_int_eq(dsg_area_store_get(db, other, &a, err, sizeof err), 1);
    ck_assert_int_eq(a.closed_at, 0);
    ck_assert_int_eq(count("SELECT count(*) FROM files WHERE deleted_at IS NULL"), 1);
}
END_TEST

/* The database refuses a closing without its approved application or with
 * a live file left, and a closing application that names no area or
 * another contract. @relation(REQ-SHARE-021) */
START_TEST(test_area_closing_triggers)
{
    int64_t area = make_area("C-1", END), empty = make_area("C-2", END);
    folders f = area_folders(area);
    char sql[200];
    (void)upload(f.row[1].id, "x.txt", 3);
    snprintf(sql, sizeof sql, "UPDATE areas SET closed_at = 5, closed_by = 'uid:1', closing = 1"
             " WHERE id = %lld", (long long)empty);
    refused(sql, "closed once, by its approved application");
    refused("INSERT INTO applications (kind, closes, contract, project, prime, contract_end,"
            " applicant, reason, entered_by, entered_at) SELECT 'close', id, 'C-9', project,"
            " prime, contract_end, 'a', 'r', 'uid:1', 1 FROM areas WHERE contract = 'C-1'",
            "open area as it is");
    refused("INSERT INTO applications (kind, contract, project, prime, contract_end,"
            " applicant, reason, entered_by, entered_at) SELECT 'close', contract, project,"
            " prime, contract_end, 'a', 'r', 'uid:1', 1 FROM areas WHERE contract = 'C-1'",
            "open area as it is");
    accepted("INSERT INTO applications (kind, closes, contract, project, prime, contract_end,"
             " applicant, reason, entered_by, entered_at) SELECT 'close', id, contract, project,"
             " prime, contract_end, 'a', 'r', 'uid:1', 1 FROM areas WHERE contract = 'C-1'");
    accepted("UPDATE applications SET state = 'approved', decided_by = 'uid:2', decided_at = 2"
             " WHERE kind = 'close'");
    refused("UPDATE areas SET closed_at = 5, closed_by = 'uid:2',"
            " closing = (SELECT id FROM applications WHERE kind = 'close') WHERE contract = 'C-1'",
            "no live file");
}
END_TEST

Suite *suite_file_store(void)
{
    Suite *s = suite_create("file_store");
    TCase *c = tcase_create("core");
    tcase_add_checked_fixture(c, setup, teardown);
    tcase_add_test(c, test_file_upload_makes_versions);
    tcase_add_test(c, test_file_and_folder_ids_never_collide);
    tcase_add_test(c, test_version_state_moves);
    tcase_add_test(c, test_file_delete_keeps_versions);
    tcase_add_test(c, test_file_rename_and_move);
    tcase_add_test(c, test_folder_listing);
    tcase_add_test(c, test_file_access_chain);
    tcase_add_test(c, test_folder_rename_and_move);
    tcase_add_test(c, test_folder_delete);
    tcase_add_test(c, test_folder_triggers);
    tcase_add_test(c, test_share_db_migrates_from_version_3);
    tcase_add_test(c, test_file_sweep);
    tcase_add_test(c, test_file_purge_expired);
    tcase_add_test(c, test_file_bad_input);
    tcase_add_test(c, test_area_closing);
    tcase_add_test(c, test_area_closing_triggers);
    suite_add_tcase(s, c);
    return s;
}
