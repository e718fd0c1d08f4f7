/* Files and their versions: see file_store.h. The tables are created by
 * migration 3 of src/share/area_store.c. */
#define _POSIX_C_SOURCE 200809L
#include <openssl/rand.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "db/db.h"
#include "share/file_store.h"
#include "share/grant_store.h"

#define STATE_COUNT 5u
#define SWEPT_REASON "interrupted before its bytes were stored"

static const char *const state_names[STATE_COUNT] = {
    "pending", "clean", "infected", "held", "failed",
};

const char *dsg_version_state_name(dsg_version_state s)
{
    return (unsigned)s < STATE_COUNT ? state_names[s] : NULL;
}

/* The state named word, or -1. */
static int state_of(const char *word)
{
    for (unsigned s = 0; s < STATE_COUNT; s++)
        if (strcmp(word, state_names[s]) == 0)
            return (int)s;
    return -1;
}

/* ---- problems ---------------------------------------------------------------- */

static int storage_problem(dsg_acct_problem *p, sqlite3 *db)
{
    return dsg_problem(p, "storage", "", "the share database failed: %s", sqlite3_errmsg(db));
}

/* Who did it: required, then dsg_area_text_check. */
static int check_by(const char *by, dsg_acct_problem *p)
{
    if (by == NULL || by[0] == '\0')
        return dsg_problem(p, "missing_field", "by", "by: required");
    return dsg_area_text_check(by, DSG_AREA_ACTOR_MAX, "by", p);
}

/* The name of an item of a folder: text of dsg_area_text_check up to max
 * bytes, without '/', neither "." nor "..". */
static int check_name(const char *name, size_t max, dsg_acct_problem *p)
{
    dsg_acct_problem why;
    if (name == NULL || name[0] == '\0')
        return dsg_problem(p, "invalid_name", "name", "name: empty");
    if (strchr(name, '/') != NULL)
        return dsg_problem(p, "invalid_name", "name", "name: holds a '/'");
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return dsg_problem(p, "invalid_name", "name", "name: \"%s\" is not a name", name);
    if (dsg_area_text_check(name, max, "name", &why) != 0)
        return dsg_problem(p, "invalid_name", "name", "%s", why.message);
    return 0;
}

/* A reason a verdict records: optional unless required, then
 * dsg_area_text_check. */
static int check_reason(const char *reason, int required, dsg_acct_problem *p)
{
    if (reason == NULL || reason[0] == '\0')
        return required ? dsg_problem(p, "missing_field", "reason", "reason: required") : 0;
    return dsg_area_text_check(reason, DSG_AREA_REASON_MAX, "reason", p);
}

/* ---- folders ----------------------------------------------------------------------- */

/* The live folder's area: above 0, 0 when there is no such folder or it
 * is deleted, -1 on a database error. */
static int64_t folder_area(sqlite3 *db, int64_t folder)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT area FROM folders WHERE id = ?"
                                          " AND deleted_at IS NULL");
    int64_t area = -1;
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, folder);
        int rc = sqlite3_step(st);
        area = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : rc == SQLITE_DONE ? 0 : -1;
    }
    sqlite3_finalize(st);
    return area;
}

/* Folder exists (its area in *area) and has room for `levels` more
 * levels of items under it in an access chain. 0, or -1 with the problem. */
static int folder_room(sqlite3 *db, int64_t folder, uint32_t levels, int64_t *area,
                       dsg_acct_problem *p)
{
    dsg_access_object obj;
    char err[160];
    int64_t in = folder > 0 ? folder_area(db, folder) : 0;
    if (in < 0)
        return storage_problem(p, db);
    if (in == 0)
        return dsg_problem(p, "not_found", "folder", "no folder %lld", (long long)folder);
    int found = dsg_grant_store_object(db, in, folder, &obj, err, sizeof err);
    if (found != 1)
        return dsg_problem(p, "storage", "", "%s", found < 0 ? err : "a folder lost its area");
    if (obj.depth + levels > DSG_ACCESS_MAX_DEPTH)
        return dsg_problem(p, "too_deep", "folder",
                       "folder %lld lies %u folders deep: no room for more than %u",
                       (long long)folder, obj.depth, DSG_ACCESS_MAX_DEPTH);
    *area = in;
    return 0;
}

/* No live sub-folder of folder and no live file in it but the item
 * `except` is named name. 0, or -1 with `name_taken` (or `storage`). */
static int name_free(sqlite3 *db, int64_t folder, const char *name, int64_t except,
                     dsg_acct_problem *p)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT 'folder' FROM folders WHERE parent = ?1"
                                          " AND name = ?2 AND id <> ?3 AND deleted_at IS NULL"
                                          " UNION ALL SELECT 'file' FROM files"
                                          " WHERE folder = ?1 AND name = ?2 AND id <> ?3"
                                          " AND deleted_at IS NULL LIMIT 1");
    char what[8] = "";
    int rc = SQLITE_ERROR;
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, folder);
        dsg_db_bind_text(st, 2, name);
        sqlite3_bind_int64(st, 3, except);
        if ((rc = sqlite3_step(st)) == SQLITE_ROW)
            dsg_db_column_copy(st, 0, what, sizeof what);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return 0;
    if (rc != SQLITE_ROW)
        return storage_problem(p, db);
    return dsg_problem(p, "name_taken", "name", "folder %lld already holds a %s named %s",
                   (long long)folder, what, name);
}

static int insert_folder(sqlite3 *db, int64_t area, int64_t parent, const char *name,
                         const char *by, int64_t now, int64_t *id)
{
    int64_t next = dsg_area_store_next_item_id(db);
    sqlite3_stmt *st = next > 0 ? dsg_db_prepare(db, "INSERT INTO folders (id, area, parent,"
                                                     " name, created_by, created_at)"
                                                     " VALUES (?,?,?,?,?,?)")
                                : NULL;
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, next);
    sqlite3_bind_int64(st, 2, area);
    sqlite3_bind_int64(st, 3, parent);
    dsg_db_bind_text(st, 4, name);
    dsg_db_bind_text(st, 5, by);
    sqlite3_bind_int64(st, 6, now);
    if (dsg_db_run(st) != 0)
        return -1;
    *id = next;
    return 0;
}

/* Ends the transaction: commits when ok, else rolls back. 0, or -1. */
static int finish(sqlite3 *db, int ok, dsg_acct_problem *p)
{
    char err[160];
    if (!ok) {
        dsg_db_rollback(db);
        return -1;
    }
    if (dsg_db_commit(db, err, sizeof err) != 0)
        return dsg_problem(p, "storage", "", "%s", err);
    return 0;
}

static int begin(sqlite3 *db, dsg_acct_problem *p)
{
    char err[160];
    if (dsg_db_begin(db, err, sizeof err) != 0)
        return dsg_problem(p, "storage", "", "%s", err);
    return 0;
}

int dsg_folder_store_create(sqlite3 *db, int64_t parent, const char *name, const char *by,
                            int64_t now, int64_t *id, dsg_acct_problem *p)
{
    int64_t area = 0, made = 0;
    memset(p, 0, sizeof *p);
    if (check_name(name, DSG_FOLDER_NAME_MAX, p) != 0 || check_by(by, p) != 0 ||
        begin(db, p) != 0)
        return -1;
    /* two levels: the folder, and a file in it */
    int ok = folder_room(db, parent, 2, &area, p) == 0 && name_free(db, parent, name, 0, p) == 0;
    if (ok && insert_folder(db, area, parent, name, by, now, &made) != 0)
        ok = storage_problem(p, db) == 0;
    if (finish(db, ok, p) != 0)
        return -1;
    *id = made;
    return 0;
}

/* ---- uploads ----------------------------------------------------------------------- */

int64_t dsg_file_store_find(sqlite3 *db, int64_t folder, const char *name, char *err, size_t n)
{
    if (name == NULL) {
        snprintf(err, n, "finding a file: no name");
        return -1;
    }
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT id FROM files WHERE folder = ? AND name = ?"
                                          " AND deleted_at IS NULL");
    int rc = SQLITE_ERROR;
    int64_t id = 0;
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, folder);
        dsg_db_bind_text(st, 2, name);
        if ((rc = sqlite3_step(st)) == SQLITE_ROW)
            id = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        return id;
    snprintf(err, n, "finding file %s in folder %lld: %s", name, (long long)folder,
             sqlite3_errmsg(db));
    return -1;
}

static int insert_file(sqlite3 *db, int64_t area, int64_t folder, const char *name,
                       const char *by, int64_t now, int64_t *id)
{
    int64_t next = dsg_area_store_next_item_id(db);
    sqlite3_stmt *st = next > 0 ? dsg_db_prepare(db, "INSERT INTO files (id, area, folder, name,"
                                                     " created_by, created_at)"
                                                     " VALUES (?,?,?,?,?,?)")
                                : NULL;
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, next);
    sqlite3_bind_int64(st, 2, area);
    sqlite3_bind_int64(st, 3, folder);
    dsg_db_bind_text(st, 4, name);
    dsg_db_bind_text(st, 5, by);
    sqlite3_bind_int64(st, 6, now);
    if (dsg_db_run(st) != 0)
        return -1;
    *id = next;
    return 0;
}

/* The file's next version number, or -1. */
static int64_t next_version(sqlite3 *db, int64_t file)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT 1 + coalesce(max(version), 0) FROM versions"
                                          " WHERE file = ?");
    int64_t v = -1;
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, file);
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return v;
}

/* The next version of s->file, pending, under a fresh object id. */
static int insert_version(sqlite3 *db, dsg_upload_slot *s, const char *by, int64_t now)
{
    if ((s->version = next_version(db, s->file)) < 1 ||
        RAND_bytes(s->object_id, (int)sizeof s->object_id) != 1)
        return -1;
    sqlite3_stmt *st = dsg_db_prepare(db, "INSERT INTO versions (file, version, object_id,"
                                          " uploaded_by, uploaded_at) VALUES (?,?,?,?,?)");
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, s->file);
    sqlite3_bind_int64(st, 2, s->version);
    sqlite3_bind_blob(st, 3, s->object_id, (int)sizeof s->object_id, SQLITE_STATIC);
    dsg_db_bind_text(st, 4, by);
    sqlite3_bind_int64(st, 5, now);
    return dsg_db_run(st);
}

/* The file and version of an upload, inside begin's transaction. */
static int slot(sqlite3 *db, int64_t folder, const char *name, const char *by, int64_t now,
                dsg_upload_slot *s, dsg_acct_problem *p)
{
    char err[160];
    int64_t area = 0;
    memset(s, 0, sizeof *s);
    if (folder_room(db, folder, 1, &area, p) != 0)
        return -1;
    if ((s->file = dsg_file_store_find(db, folder, name, err, sizeof err)) < 0)
        return dsg_problem(p, "storage", "", "%s", err);
    if (name_free(db, folder, name, s->file, p) != 0)
        return -1;
    s->created = s->file == 0;
    if ((s->created && insert_file(db, area, folder, name, by, now, &s->file) != 0) ||
        insert_version(db, s, by, now) != 0)
        return storage_problem(p, db);
    return 0;
}

int dsg_file_store_begin(sqlite3 *db, int64_t folder, const char *name, const char *by,
                         int64_t now, dsg_upload_slot *out, dsg_acct_problem *p)
{
    dsg_upload_slot s;
    memset(p, 0, sizeof *p);
    if (check_name(name, DSG_FILE_NAME_MAX, p) != 0 || check_by(by, p) != 0 ||
        begin(db, p) != 0)
        return -1;
    if (finish(db, slot(db, folder, name, by, now, &s, p) == 0, p) != 0)
        return -1;
    *out = s;
    return 0;
}

/* ---- verdicts ---------------------------------------------------------------------- */

/* The state of version `version` of file: 0..4, -2 when there is none,
 * -1 on a database error. */
static int version_state(sqlite3 *db, int64_t file, int64_t version)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT state FROM versions WHERE file = ?"
                                          " AND version = ?");
    char word[16] = "";
    int rc = SQLITE_ERROR;
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, file);
        sqlite3_bind_int64(st, 2, version);
        if ((rc = sqlite3_step(st)) == SQLITE_ROW)
            dsg_db_column_copy(st, 0, word, sizeof word);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? state_of(word) : rc == SQLITE_DONE ? -2 : -1;
}

/* Why an update of a version in state `from` changed nothing. */
static int unchanged(sqlite3 *db, int64_t file, int64_t version, dsg_version_state from,
                     dsg_acct_problem *p)
{
    int s = version_state(db, file, version);
    if (s == -2)
        return dsg_problem(p, "not_found", "version", "file %lld has no version %lld",
                       (long long)file, (long long)version);
    if (s < 0 || s == (int)from)
        return storage_problem(p, db);
    return dsg_problem(p, "bad_state", "version", "version %lld of file %lld is %s, not %s",
                   (long long)version, (long long)file, state_names[s], state_names[from]);
}

/* Binds the parameters every verdict's update shares and runs it: 0
 * when it changed the version, 1 when it did not, -1 on an error. */
static int run_verdict(sqlite3 *db, sqlite3_stmt *st, int64_t file, int64_t version,
                       dsg_version_state from, dsg_version_state to, const char *reason)
{
    if (st == NULL)
        return -1;
    dsg_db_bind_text(st, 1, state_names[to]);
    dsg_db_bind_text(st, 2, reason != NULL ? reason : "");
    sqlite3_bind_int64(st, 3, file);
    sqlite3_bind_int64(st, 4, version);
    dsg_db_bind_text(st, 5, state_names[from]);
    if (dsg_db_run(st) != 0)
        return -1;
    return sqlite3_changes(db) == 1 ? 0 : 1;
}

/* @relation(REQ-SHARE-014, REQ-STOR-012) */
int dsg_file_store_settle(sqlite3 *db, int64_t file, int64_t version, dsg_version_state s,
                          int64_t size, const uint8_t *sha256, const char *reason,
                          dsg_acct_problem *p)
{
    memset(p, 0, sizeof *p);
    int failed = s == DSG_VERSION_FAILED;
    if (s != DSG_VERSION_CLEAN && s != DSG_VERSION_INFECTED && s != DSG_VERSION_HELD && !failed)
        return dsg_problem(p, "bad_field", "state", "state: a verdict is clean, infected, held"
                       " or failed");
    if (size < (failed ? -1 : 0))
        return dsg_problem(p, "bad_field", "size", "size: %lld bytes", (long long)size);
    if (sha256 == NULL && !failed)
        return dsg_problem(p, "missing_field", "sha256", "sha256: required");
    if (check_reason(reason, s == DSG_VERSION_HELD || failed, p) != 0)
        return -1;
    sqlite3_stmt *st = dsg_db_prepare(db, "UPDATE versions SET state = ?1, reason = ?2,"
                                          " size = ?6, sha256 = ?7"
                                          " WHERE file = ?3 AND version = ?4 AND state = ?5");
    if (st != NULL && size >= 0)
        sqlite3_bind_int64(st, 6, size);
    if (st != NULL && sha256 != NULL)
        sqlite3_bind_blob(st, 7, sha256, DSG_FILE_SHA256_LEN, SQLITE_STATIC);
    int rc = run_verdict(db, st, file, version, DSG_VERSION_PENDING, s, reason);
    if (rc < 0)
        return storage_problem(p, db);
    return rc == 0 ? 0 : unchanged(db, file, version, DSG_VERSION_PENDING, p);
}

/* @relation(REQ-SHARE-014) */
int dsg_file_store_rescan(sqlite3 *db, int64_t file, int64_t version, dsg_version_state s,
                          const char *reason, dsg_acct_problem *p)
{
    memset(p, 0, sizeof *p);
    if (s != DSG_VERSION_CLEAN && s != DSG_VERSION_INFECTED)
        return dsg_problem(p, "bad_field", "state", "state: a later scan finds clean or infected");
    if (check_reason(reason, 0, p) != 0)
        return -1;
    sqlite3_stmt *st = dsg_db_prepare(db, "UPDATE versions SET state = ?1, reason = ?2"
                                          " WHERE file = ?3 AND version = ?4 AND state = ?5");
    int rc = run_verdict(db, st, file, version, DSG_VERSION_HELD, s, reason);
    if (rc < 0)
        return storage_problem(p, db);
    return rc == 0 ? 0 : unchanged(db, file, version, DSG_VERSION_HELD, p);
}

/* ---- reading ----------------------------------------------------------------------- */

#define FILE_COLUMNS "id, area, folder, name, created_by, created_at, coalesce(deleted_at, 0)," \
                     " coalesce(deleted_by, '')"

int dsg_file_store_get(sqlite3 *db, int64_t id, dsg_file_row *out, char *err, size_t n)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT " FILE_COLUMNS " FROM files WHERE id = ?");
    int rc = st != NULL ? (sqlite3_bind_int64(st, 1, id), sqlite3_step(st)) : SQLITE_ERROR;
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        out->id = sqlite3_column_int64(st, 0);
        out->area = sqlite3_column_int64(st, 1);
        out->folder = sqlite3_column_int64(st, 2);
        dsg_db_column_copy(st, 3, out->name, sizeof out->name);
        dsg_db_column_copy(st, 4, out->created_by, sizeof out->created_by);
        out->created_at = sqlite3_column_int64(st, 5);
        out->deleted_at = sqlite3_column_int64(st, 6);
        dsg_db_column_copy(st, 7, out->deleted_by, sizeof out->deleted_by);
    } else if (rc != SQLITE_DONE) {
        snprintf(err, n, "reading file %lld: %s", (long long)id, sqlite3_errmsg(db));
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

#define VERSION_COLUMNS "file, version, object_id, coalesce(size, -1), sha256, uploaded_by," \
                        " uploaded_at, state, reason"

/* One row of VERSION_COLUMNS; -1 for one the schema does not allow. */
static int read_version(sqlite3_stmt *st, dsg_version_row *r)
{
    char word[16];
    memset(r, 0, sizeof *r);
    r->file = sqlite3_column_int64(st, 0);
    r->version = sqlite3_column_int64(st, 1);
    const void *oid = sqlite3_column_blob(st, 2);
    if (oid == NULL || sqlite3_column_bytes(st, 2) != DSG_FILE_OBJECT_ID_LEN)
        return -1;
    memcpy(r->object_id, oid, DSG_FILE_OBJECT_ID_LEN);
    r->size = sqlite3_column_int64(st, 3);
    if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
        const void *sha = sqlite3_column_blob(st, 4);
        if (sha == NULL || sqlite3_column_bytes(st, 4) != DSG_FILE_SHA256_LEN)
            return -1;
        memcpy(r->sha256, sha, DSG_FILE_SHA256_LEN);
        r->has_sha256 = 1;
    }
    dsg_db_column_copy(st, 5, r->uploaded_by, sizeof r->uploaded_by);
    r->uploaded_at = sqlite3_column_int64(st, 6);
    dsg_db_column_copy(st, 7, word, sizeof word);
    int s = state_of(word);
    if (s < 0)
        return -1;
    r->state = (dsg_version_state)s;
    dsg_db_column_copy(st, 8, r->reason, sizeof r->reason);
    return 0;
}

/* Runs a query for one version: file in ?1, arg in ?2 if it has one. */
static int one_version(sqlite3 *db, const char *sql, int64_t file, int64_t arg,
                       dsg_version_row *out, char *err, size_t n)
{
    sqlite3_stmt *st = dsg_db_prepare(db, sql);
    int rc = SQLITE_ERROR, found = -1;
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, file);
        if (sqlite3_bind_parameter_count(st) == 2)
            sqlite3_bind_int64(st, 2, arg);
        rc = sqlite3_step(st);
        found = rc == SQLITE_ROW ? (read_version(st, out) == 0 ? 1 : -1)
                                 : rc == SQLITE_DONE ? 0 : -1;
    }
    if (found < 0)
        snprintf(err, n, "reading the versions of file %lld: %s", (long long)file,
                 rc == SQLITE_ROW ? "a malformed row" : sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return found;
}

int dsg_file_store_get_version(sqlite3 *db, int64_t file, int64_t version,
                               dsg_version_row *out, char *err, size_t n)
{
    return one_version(db, "SELECT " VERSION_COLUMNS " FROM versions WHERE file = ?1"
                           " AND version = ?2", file, version, out, err, n);
}

int dsg_file_store_latest(sqlite3 *db, int64_t file, dsg_version_row *out, char *err, size_t n)
{
    return one_version(db, "SELECT " VERSION_COLUMNS " FROM versions WHERE file = ?1"
                           " AND state = 'clean' ORDER BY version DESC LIMIT 1",
                       file, 0, out, err, n);
}

int dsg_file_store_each_version(sqlite3 *db, int64_t file,
                                int (*fn)(const dsg_version_row *r, void *ctx), void *ctx,
                                char *err, size_t n)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT " VERSION_COLUMNS " FROM versions"
                                          " WHERE file = ? ORDER BY version DESC");
    dsg_version_row r;
    int rc = SQLITE_ERROR, bad = 0;
    if (st != NULL)
        sqlite3_bind_int64(st, 1, file);
    while (st != NULL && (rc = sqlite3_step(st)) == SQLITE_ROW)
        if ((bad = read_version(st, &r) != 0) || fn(&r, ctx) != 0)
            break;
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return 0;
    snprintf(err, n, "listing the versions of file %lld: %s", (long long)file,
             bad ? "a malformed row" : rc == SQLITE_ROW ? "stopped" : sqlite3_errmsg(db));
    return -1;
}

/* The live sub-folders of ?1 by name, then its live files by name, each file
 * with its latest clean version or, lacking one, its newest. */
#define CHILDREN_SQL                                                                         \
    "SELECT 0, id, name, created_by, created_at, 0, 'pending', 0, '', 0 FROM folders"        \
    " WHERE parent = ?1 AND deleted_at IS NULL"                                              \
    " UNION ALL SELECT 1, f.id, f.name, f.created_by, f.created_at, v.version, v.state,"     \
    " coalesce(v.size, -1), v.uploaded_by, v.uploaded_at FROM files f JOIN versions v"       \
    " ON v.file = f.id AND v.version = coalesce((SELECT max(version) FROM versions"          \
    "  WHERE file = f.id AND state = 'clean'), (SELECT max(version) FROM versions"           \
    "  WHERE file = f.id))"                                                                  \
    " WHERE f.folder = ?1 AND f.deleted_at IS NULL"                                          \
    " ORDER BY 1, 3"

static int read_child(sqlite3_stmt *st, dsg_child_row *r)
{
    char word[16];
    memset(r, 0, sizeof *r);
    r->kind = sqlite3_column_int(st, 0) == 0 ? DSG_CHILD_FOLDER : DSG_CHILD_FILE;
    r->id = sqlite3_column_int64(st, 1);
    dsg_db_column_copy(st, 2, r->name, sizeof r->name);
    dsg_db_column_copy(st, 3, r->created_by, sizeof r->created_by);
    r->created_at = sqlite3_column_int64(st, 4);
    r->version = sqlite3_column_int64(st, 5);
    dsg_db_column_copy(st, 6, word, sizeof word);
    int s = state_of(word);
    if (s < 0)
        return -1;
    r->state = (dsg_version_state)s;
    r->size = sqlite3_column_int64(st, 7);
    dsg_db_column_copy(st, 8, r->uploaded_by, sizeof r->uploaded_by);
    r->uploaded_at = sqlite3_column_int64(st, 9);
    return 0;
}

int dsg_folder_store_get(sqlite3 *db, int64_t id, dsg_folder_row *out, char *err, size_t n)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT id, area, coalesce(parent, 0), name, org,"
                                          " created_by, created_at, coalesce(deleted_at, 0),"
                                          " coalesce(deleted_by, '') FROM folders WHERE id = ?");
    int rc = st != NULL ? (sqlite3_bind_int64(st, 1, id), sqlite3_step(st)) : SQLITE_ERROR;
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        out->id = sqlite3_column_int64(st, 0);
        out->area = sqlite3_column_int64(st, 1);
        out->parent = sqlite3_column_int64(st, 2);
        dsg_db_column_copy(st, 3, out->name, sizeof out->name);
        dsg_db_column_copy(st, 4, out->org, sizeof out->org);
        dsg_db_column_copy(st, 5, out->created_by, sizeof out->created_by);
        out->created_at = sqlite3_column_int64(st, 6);
        out->deleted_at = sqlite3_column_int64(st, 7);
        dsg_db_column_copy(st, 8, out->deleted_by, sizeof out->deleted_by);
    } else if (rc != SQLITE_DONE) {
        snprintf(err, n, "reading folder %lld: %s", (long long)id, sqlite3_errmsg(db));
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int dsg_folder_store_each_child(sqlite3 *db, int64_t folder,
                                int (*fn)(const dsg_child_row *r, void *ctx), void *ctx,
                                char *err, size_t n)
{
    int64_t area = folder > 0 ? folder_area(db, folder) : 0;
    if (area <= 0) {
        if (area < 0)
            snprintf(err, n, "reading folder %lld: %s", (long long)folder, sqlite3_errmsg(db));
        return (int)area;
    }
    sqlite3_stmt *st = dsg_db_prepare(db, CHILDREN_SQL);
    dsg_child_row r;
    int rc = SQLITE_ERROR, bad = 0;
    if (st != NULL)
        sqlite3_bind_int64(st, 1, folder);
    while (st != NULL && (rc = sqlite3_step(st)) == SQLITE_ROW)
        if ((bad = read_child(st, &r) != 0) || fn(&r, ctx) != 0)
            break;
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return 1;
    snprintf(err, n, "listing folder %lld: %s", (long long)folder,
             bad ? "a malformed row" : rc == SQLITE_ROW ? "stopped" : sqlite3_errmsg(db));
    return -1;
}

int dsg_file_store_object(sqlite3 *db, int64_t file, dsg_access_object *obj, char *err,
                          size_t n)
{
    dsg_file_row f;
    int found = dsg_file_store_get(db, file, &f, err, n);
    if (found <= 0)
        return found;
    found = dsg_grant_store_object(db, f.area, f.folder, obj, err, n);
    if (found == 0)
        snprintf(err, n, "file %lld: its folder %lld is not a folder of area %lld",
                 (long long)file, (long long)f.folder, (long long)f.area);
    if (found != 1)
        return -1;
    if (obj->depth >= DSG_ACCESS_MAX_DEPTH) {
        snprintf(err, n, "file %lld lies deeper than %u items", (long long)file,
                 DSG_ACCESS_MAX_DEPTH);
        return -1;
    }
    obj->chain[obj->depth++] = file;
    return 1;
}

/* ---- rename, move, delete ---------------------------------------------------------- */

/* Live file id into *f, or `not_found`. */
static int live_file(sqlite3 *db, int64_t id, dsg_file_row *f, dsg_acct_problem *p)
{
    char err[160];
    int found = dsg_file_store_get(db, id, f, err, sizeof err);
    if (found < 0)
        return dsg_problem(p, "storage", "", "%s", err);
    if (found == 0 || f->deleted_at != 0)
        return dsg_problem(p, "not_found", "file", found == 0 ? "no file %lld"
                                                              : "file %lld is deleted",
                       (long long)id);
    return 0;
}

/* Sets the file's folder and name, after the checks, in one transaction. */
static int place_file(sqlite3 *db, int64_t file, int64_t folder, const char *name,
                      dsg_acct_problem *p)
{
    dsg_file_row f;
    int64_t area = 0;
    if (begin(db, p) != 0)
        return -1;
    int ok = live_file(db, file, &f, p) == 0;
    int64_t to = folder != 0 ? folder : f.folder;
    const char *as = name != NULL ? name : f.name;
    if (ok)
        ok = folder_room(db, to, 1, &area, p) == 0;
    if (ok && area != f.area)
        ok = dsg_problem(p, "other_area", "folder", "folder %lld is not in area %lld of file %lld",
                         (long long)to, (long long)f.area, (long long)file) == 0;
    if (ok)
        ok = name_free(db, to, as, file, p) == 0;
    sqlite3_stmt *st = ok ? dsg_db_prepare(db, "UPDATE files SET folder = ?, name = ?"
                                               " WHERE id = ? AND deleted_at IS NULL")
                          : NULL;
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, to);
        dsg_db_bind_text(st, 2, as);
        sqlite3_bind_int64(st, 3, file);
    }
    if (ok && (dsg_db_run(st) != 0 || sqlite3_changes(db) != 1))
        ok = storage_problem(p, db) == 0;
    return finish(db, ok, p);
}

int dsg_file_store_rename(sqlite3 *db, int64_t file, const char *name, dsg_acct_problem *p)
{
    memset(p, 0, sizeof *p);
    if (check_name(name, DSG_FILE_NAME_MAX, p) != 0)
        return -1;
    return place_file(db, file, 0, name, p);
}

/* @relation(REQ-SHARE-012) */
int dsg_file_store_move(sqlite3 *db, int64_t file, int64_t folder, dsg_acct_problem *p)
{
    memset(p, 0, sizeof *p);
    if (folder <= 0)
        return dsg_problem(p, "not_found", "folder", "no folder %lld", (long long)folder);
    return place_file(db, file, folder, NULL, p);
}

/* @relation(REQ-SHARE-012) */
int dsg_file_store_delete(sqlite3 *db, int64_t file, const char *by, int64_t now,
                          dsg_acct_problem *p)
{
    dsg_file_row f;
    memset(p, 0, sizeof *p);
    if (check_by(by, p) != 0 || begin(db, p) != 0)
        return -1;
    int ok = live_file(db, file, &f, p) == 0;
    sqlite3_stmt *st = ok ? dsg_db_prepare(db, "UPDATE files SET deleted_at = ?, deleted_by = ?"
                                               " WHERE id = ? AND deleted_at IS NULL")
                          : NULL;
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, now);
        dsg_db_bind_text(st, 2, by);
        sqlite3_bind_int64(st, 3, file);
    }
    if (ok && (dsg_db_run(st) != 0 || sqlite3_changes(db) != 1))
        ok = storage_problem(p, db) == 0;
    return finish(db, ok, p);
}

/* ---- the purge of deleted files' versions (REQ-SHARE-012) ---------------------------- */

int dsg_file_store_each_expired(sqlite3 *db, int64_t before, size_t max,
                                int (*fn)(const dsg_expired_version *v, void *ctx), void *ctx,
                                char *err, size_t n)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT f.area, f.id, v.version, v.object_id, f.name,"
                                          " f.deleted_at FROM files f JOIN versions v"
                                          " ON v.file = f.id WHERE f.deleted_at IS NOT NULL"
                                          " AND f.deleted_at <= ? AND v.purged_at IS NULL"
                                          " AND v.state <> 'pending'"
                                          " ORDER BY f.deleted_at, f.id, v.version LIMIT ?");
    dsg_expired_version v;
    int rc = SQLITE_ERROR, calls = 0, stop = 0;
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, before);
        sqlite3_bind_int64(st, 2, (int64_t)max);
    }
    while (st != NULL && !stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        memset(&v, 0, sizeof v);
        v.area = sqlite3_column_int64(st, 0);
        v.file = sqlite3_column_int64(st, 1);
        v.version = sqlite3_column_int64(st, 2);
        if (sqlite3_column_bytes(st, 3) != DSG_FILE_OBJECT_ID_LEN)
            break;   /* the schema's CHECK makes this impossible */
        memcpy(v.object_id, sqlite3_column_blob(st, 3), DSG_FILE_OBJECT_ID_LEN);
        dsg_db_column_copy(st, 4, v.name, sizeof v.name);
        v.deleted_at = sqlite3_column_int64(st, 5);
        calls++;
        stop = fn(&v, ctx) != 0;
    }
    if (!stop && rc != SQLITE_DONE) {
        snprintf(err, n, "the versions to purge: %s", sqlite3_errmsg(db));
        sqlite3_finalize(st);
        return -1;
    }
    sqlite3_finalize(st);
    return calls;
}

int dsg_file_store_mark_purged(sqlite3 *db, int64_t file, int64_t version, int64_t now,
                               dsg_acct_problem *p)
{
    memset(p, 0, sizeof *p);
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT v.purged_at IS NOT NULL FROM versions v"
                                          " JOIN files f ON f.id = v.file WHERE v.file = ?"
                                          " AND v.version = ? AND f.deleted_at IS NOT NULL");
    int rc = SQLITE_ERROR, purged = 0;
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, file);
        sqlite3_bind_int64(st, 2, version);
        if ((rc = sqlite3_step(st)) == SQLITE_ROW)
            purged = sqlite3_column_int(st, 0);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return dsg_problem(p, "not_found", "version", "no version %lld of a deleted file %lld",
                           (long long)version, (long long)file);
    if (rc != SQLITE_ROW)
        return storage_problem(p, db);
    if (purged)
        return dsg_problem(p, "bad_state", "version", "version %lld of file %lld is purged "
                           "already", (long long)version, (long long)file);
    st = dsg_db_prepare(db, "UPDATE versions SET purged_at = ? WHERE file = ? AND version = ?");
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, now);
        sqlite3_bind_int64(st, 2, file);
        sqlite3_bind_int64(st, 3, version);
    }
    return dsg_db_run(st) == 0 && sqlite3_changes(db) == 1 ? 0 : storage_problem(p, db);
}

/* ---- folders: rename, move, delete ------------------------------------------------- */

/* Live folder id, not an area's root, into *f: `not_found`, `bad_state`. */
static int changeable_folder(sqlite3 *db, int64_t id, dsg_folder_row *f, dsg_acct_problem *p)
{
    char err[160];
    int found = id > 0 ? dsg_folder_store_get(db, id, f, err, sizeof err) : 0;
    if (found < 0)
        return dsg_problem(p, "storage", "", "%s", err);
    if (found == 0 || f->deleted_at != 0)
        return dsg_problem(p, "not_found", "folder", found == 0 ? "no folder %lld"
                                                                : "folder %lld is deleted",
                       (long long)id);
    if (f->parent == 0)
        return dsg_problem(p, "bad_state", "folder", "folder %lld is its area's root: it is"
                       " never renamed, moved or deleted", (long long)id);
    return 0;
}

/* Runs an update of folder f whose ?1 is f's number and ?2 the value v
 * (a number when name is NULL, else name): one row changed, or `storage`. */
static int update_folder(sqlite3 *db, const char *sql, int64_t folder, int64_t v,
                         const char *name, dsg_acct_problem *p)
{
    sqlite3_stmt *st = dsg_db_prepare(db, sql);
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, folder);
        if (name != NULL)
            dsg_db_bind_text(st, 2, name);
        else
            sqlite3_bind_int64(st, 2, v);
    }
    if (dsg_db_run(st) != 0 || sqlite3_changes(db) != 1)
        return storage_problem(p, db);
    return 0;
}

/* @relation(REQ-SHARE-012) */
int dsg_folder_store_rename(sqlite3 *db, int64_t folder, const char *name, dsg_acct_problem *p)
{
    dsg_folder_row f;
    memset(p, 0, sizeof *p);
    if (check_name(name, DSG_FOLDER_NAME_MAX, p) != 0 || begin(db, p) != 0)
        return -1;
    int ok = changeable_folder(db, folder, &f, p) == 0 &&
             name_free(db, f.parent, name, folder, p) == 0 &&
             update_folder(db, "UPDATE folders SET name = ?2 WHERE id = ?1"
                               " AND deleted_at IS NULL", folder, 0, name, p) == 0;
    return finish(db, ok, p);
}

/* The levels of live folders under folder (0: none), or -1. */
static int64_t folder_height(sqlite3 *db, int64_t folder)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "WITH RECURSIVE sub (id, d) AS (SELECT ?1, 0"
                                          " UNION SELECT folders.id, sub.d + 1 FROM folders"
                                          " JOIN sub ON folders.parent = sub.id"
                                          " WHERE folders.deleted_at IS NULL AND sub.d < ?2)"
                                          " SELECT max(d) FROM sub");
    int64_t h = -1;
    if (st != NULL) {
        sqlite3_bind_int64(st, 1, folder);
        sqlite3_bind_int64(st, 2, DSG_ACCESS_MAX_DEPTH);
        if (sqlite3_step(st) == SQLITE_ROW)
            h = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return h;
}

/* Folder f may go into live folder `to`: same area, not under itself,
 * room for f, what lies under it and a file in its deepest folder, and
 * no live item of f's name there. 0, or -1 with the problem. */
static int move_allowed(sqlite3 *db, const dsg_folder_row *f, int64_t to, dsg_acct_problem *p)
{
    dsg_access_object obj;
    char err[160];
    int64_t area = folder_area(db, to), h = folder_height(db, f->id);
    if (area < 0 || h < 0)
        return storage_problem(p, db);
    if (area == 0)
        return dsg_problem(p, "not_found", "parent", "no folder %lld", (long long)to);
    if (area != f->area)
        return dsg_problem(p, "other_area", "parent", "folder %lld is not in area %lld of"
                       " folder %lld", (long long)to, (long long)f->area, (long long)f->id);
    int found = dsg_grant_store_object(db, area, to, &obj, err, sizeof err);
    if (found != 1)
        return dsg_problem(p, "storage", "", "%s", found < 0 ? err : "a folder lost its area");
    for (uint32_t i = 0; i < obj.depth; i++)
        if (obj.chain[i] == f->id)
            return dsg_problem(p, "invalid_move", "parent", "folder %lld lies in folder %lld:"
                           " a folder never moves under itself", (long long)to,
                           (long long)f->id);
    if (obj.depth + (uint64_t)h + 2 > DSG_ACCESS_MAX_DEPTH)
        return dsg_problem(p, "too_deep", "parent", "folder %lld and the %lld levels under it"
                       " would lie deeper than %u", (long long)f->id, (long long)h,
                       DSG_ACCESS_MAX_DEPTH);
    return name_free(db, to, f->name, f->id, p);
}

/* @relation(REQ-SHARE-012) */
int dsg_folder_store_move(sqlite3 *db, int64_t folder, int64_t parent, dsg_acct_problem *p)
{
    dsg_folder_row f;
    memset(p, 0, sizeof *p);
    if (parent <= 0)
        return dsg_problem(p, "not_found", "parent", "no folder %lld", (long long)parent);
    if (begin(db, p) != 0)
        return -1;
    int ok = changeable_folder(db, folder, &f, p) == 0 && move_allowed(db, &f, parent, p) == 0 &&
             update_folder(db, "UPDATE folders SET parent = ?2 WHERE id = ?1"
                               " AND deleted_at IS NULL", folder, parent, NULL, p) == 0;
    return finish(db, ok, p);
}

/* The live folders under ?1, itself included, as `sub`. */
#define SUBTREE_SQL "WITH RECURSIVE sub (id) AS (SELECT ?1 UNION SELECT folders.id FROM folders" \
                    " JOIN sub ON folders.parent = sub.id WHERE folders.deleted_at IS NULL) "

/* Runs sql, an update that marks rows deleted by ?3 at ?2 over the `sub`
 * of SUBTREE_SQL under folder ?1; how many it marked in *k. 0, or -1. */
static int mark_deleted(sqlite3 *db, const char *sql, int64_t folder, const char *by,
                        int64_t now, size_t *k)
{
    sqlite3_stmt *st = dsg_db_prepare(db, sql);
    if (st == NULL)
        return -1;
    sqlite3_bind_int64(st, 1, folder);
    sqlite3_bind_int64(st, 2, now);
    dsg_db_bind_text(st, 3, by);
    if (dsg_db_run(st) != 0)
        return -1;
    *k = (size_t)sqlite3_changes(db);
    return 0;
}

/* Gives fn the files the deletion of folder by `by` at now marked: those
 * of the folders it marked, deleted then by them. */
static void name_deleted(sqlite3 *db, int64_t folder, const char *by, int64_t now,
                         int (*fn)(int64_t file, void *ctx), void *ctx)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "WITH RECURSIVE sub (id) AS (SELECT ?1 UNION"
                                          " SELECT folders.id FROM folders JOIN sub"
                                          " ON folders.parent = sub.id WHERE"
                                          " folders.deleted_at = ?2 AND folders.deleted_by = ?3)"
                                          " SELECT id FROM files WHERE folder IN sub"
                                          " AND deleted_at = ?2 AND deleted_by = ?3 ORDER BY id");
    if (st == NULL)
        return;
    sqlite3_bind_int64(st, 1, folder);
    sqlite3_bind_int64(st, 2, now);
    dsg_db_bind_text(st, 3, by);
    while (sqlite3_step(st) == SQLITE_ROW && fn(sqlite3_column_int64(st, 0), ctx) == 0)
        ;
    sqlite3_finalize(st);
}

/* @relation(REQ-SHARE-012) */
int dsg_folder_store_delete(sqlite3 *db, int64_t folder, const char *by, int64_t now,
                            int (*fn)(int64_t file, void *ctx), void *ctx,
                            dsg_folder_deleted *out, dsg_acct_problem *p)
{
    dsg_folder_row f;
    dsg_folder_deleted d = { 0, 0 };
    memset(p, 0, sizeof *p);
    if (check_by(by, p) != 0 || begin(db, p) != 0)
        return -1;
    int ok = changeable_folder(db, folder, &f, p) == 0;
    if (ok && (mark_deleted(db, SUBTREE_SQL "UPDATE files SET deleted_at = ?2, deleted_by = ?3"
                                            " WHERE deleted_at IS NULL AND folder IN sub",
                            folder, by, now, &d.files) != 0 ||
               mark_deleted(db, SUBTREE_SQL "UPDATE folders SET deleted_at = ?2,"
                                            " deleted_by = ?3 WHERE deleted_at IS NULL"
                                            " AND id IN sub",
                            folder, by, now, &d.folders) != 0 ||
               d.folders == 0))
        ok = storage_problem(p, db) == 0;
    if (finish(db, ok, p) != 0)
        return -1;
    if (fn != NULL)
        name_deleted(db, folder, by, now, fn, ctx);
    *out = d;
    return 0;
}

/* ---- the startup sweep ------------------------------------------------------------- */

/* Gives fn every pending version's object id; the count in *k. 0, 1
 * when fn stopped, 2 on a malformed object id, -1 on a database error. */
static int name_pending(sqlite3 *db,
                        int (*fn)(const uint8_t object_id[DSG_FILE_OBJECT_ID_LEN],
                                  int64_t version, void *ctx),
                        void *ctx, size_t *k)
{
    sqlite3_stmt *st = dsg_db_prepare(db, "SELECT object_id, version FROM versions"
                                          " WHERE state = 'pending' ORDER BY file, version");
    uint8_t oid[DSG_FILE_OBJECT_ID_LEN];
    int rc = SQLITE_ERROR, stopped = 0, bad = 0;
    while (st != NULL && !stopped && !bad && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const void *b = sqlite3_column_blob(st, 0);
        if ((bad = b == NULL || sqlite3_column_bytes(st, 0) != DSG_FILE_OBJECT_ID_LEN))
            break;
        memcpy(oid, b, sizeof oid);
        stopped = fn(oid, sqlite3_column_int64(st, 1), ctx) != 0;
        *k += !stopped;
    }
    sqlite3_finalize(st);
    return stopped ? 1 : bad ? 2 : rc == SQLITE_DONE ? 0 : -1;
}

int dsg_file_store_sweep(sqlite3 *db,
                         int (*fn)(const uint8_t object_id[DSG_FILE_OBJECT_ID_LEN],
                                   int64_t version, void *ctx),
                         void *ctx, size_t *swept, char *err, size_t n)
{
    size_t k = 0;
    if (dsg_db_begin(db, err, n) != 0)
        return -1;
    int named = name_pending(db, fn, ctx, &k);
    sqlite3_stmt *st = named == 0 ? dsg_db_prepare(db, "UPDATE versions SET state = 'failed',"
                                                       " reason = '" SWEPT_REASON "'"
                                                       " WHERE state = 'pending'")
                                  : NULL;
    int ok = st != NULL && dsg_db_run(st) == 0 && (size_t)sqlite3_changes(db) == k;
    if (!ok) {
        snprintf(err, n, "sweeping the pending versions: %s",
                 named == 1 ? "stopped" : named == 2 ? "a malformed object id"
                                         : sqlite3_errmsg(db));
        dsg_db_rollback(db);
        return -1;
    }
    if (dsg_db_commit(db, err, n) != 0)
        return -1;
    *swept = k;
    return 0;
}
