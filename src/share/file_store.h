/*
 * The files of an area and their versions, as records of the share role's
 * database (spec/share.md REQ-SHARE-009, REQ-SHARE-011, REQ-SHARE-012,
 * REQ-SHARE-014; spec/stor.md REQ-STOR-012). The bytes are not here: each
 * version names its encrypted object by a random 16-byte object id, and
 * the storage module keeps the ciphertext under it.
 *
 * - A folder holds sub-folders (created by users, REQ-SHARE-009) and files;
 *   no two live items of one folder share a name. Folder and file numbers
 *   never collide (dsg_area_store_next_item_id), so a file's access object
 *   is its folder's chain with the file's number last.
 * - A file is never changed in place (REQ-SHARE-011): each upload under
 *   its name is a new version, numbered 1 up, and every version stays. An
 *   upload begins a version 'pending'; once its bytes are written it is
 *   settled with its size, SHA-256 and the scanner's verdict: 'clean',
 *   'infected', 'held' (not scanned, with the reason) or 'failed'. A held
 *   version may later become clean or infected. Only a clean version is
 *   visible (REQ-SHARE-014): the latest visible version is the highest
 *   clean one.
 * - Rename and move keep the file and its versions; delete marks the file
 *   deleted (when, by whom) and keeps its versions (REQ-SHARE-012). A new
 *   upload of a deleted file's name starts a new file.
 * - A sub-folder is renamed and moved within its area keeping what lies
 *   under it; deleting it marks it, every folder and every live file under
 *   it deleted, and its name is free again beside it. A deleted folder is
 *   never listed, takes no item and is "not_found" to every function here
 *   but dsg_folder_store_get (its deleted_at above 0). An area's root is
 *   never renamed, moved or deleted (REQ-SHARE-012).
 * - The startup sweep fails every version still pending: a crash cut its
 *   upload short (REQ-STOR-012).
 *
 * SQLite triggers (migration 3 of src/share/area_store.c) refuse, below
 * this code, deleting a row, changing a version's object or upload, and
 * any state change other than those above. Refusals are dsg_acct_problem
 * with a stable code: `not_found`, `invalid_name`, `name_taken`,
 * `too_deep`, `other_area`, `invalid_move`, `bad_state`, `bad_field`,
 * `missing_field`, `storage`. Whether an account may do any of this is the caller's
 * decision (src/share/access.h). Not pure (SQLite, OpenSSL's RAND_bytes);
 * linked into dsgd's share role and the unit tests.
 */
#ifndef DSG_FILE_STORE_H
#define DSG_FILE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "share/access.h"
#include "share/area_store.h"
#include "share/name_policy.h"

struct sqlite3;

#define DSG_FILE_NAME_MAX DSG_NAME_MAX_BYTES   /* bytes of a file's name */
#define DSG_FOLDER_NAME_MAX DSG_AREA_TEXT_MAX  /* bytes of a sub-folder's name */
#define DSG_FILE_OBJECT_ID_LEN 16u
#define DSG_FILE_SHA256_LEN 32u

typedef enum dsg_version_state {
    DSG_VERSION_PENDING = 0,      /* its bytes are being written */
    DSG_VERSION_CLEAN,            /* the scanner found nothing: visible */
    DSG_VERSION_INFECTED,         /* quarantined */
    DSG_VERSION_HELD,             /* not scanned (the reason says why) */
    DSG_VERSION_FAILED            /* the upload did not complete */
} dsg_version_state;

/* A file. */
typedef struct dsg_file_row {
    int64_t id;
    int64_t area;
    int64_t folder;
    char name[DSG_FILE_NAME_MAX + 1];
    char created_by[DSG_AREA_ACTOR_MAX + 1];
    int64_t created_at;
    int64_t deleted_at;                        /* 0: live */
    char deleted_by[DSG_AREA_ACTOR_MAX + 1];   /* "": live */
} dsg_file_row;

/* A version of a file. */
typedef struct dsg_version_row {
    int64_t file;
    int64_t version;                           /* 1 up */
    uint8_t object_id[DSG_FILE_OBJECT_ID_LEN];
    int64_t size;                              /* bytes; -1 while unknown */
    int has_sha256;                            /* 0 while unknown */
    uint8_t sha256[DSG_FILE_SHA256_LEN];
    char uploaded_by[DSG_AREA_ACTOR_MAX + 1];
    int64_t uploaded_at;
    dsg_version_state state;
    char reason[DSG_AREA_REASON_MAX + 1];
} dsg_version_row;

/* What beginning an upload gave: the file (new when created), the
 * version's number and the object id its bytes are to be stored under. */
typedef struct dsg_upload_slot {
    int64_t file;
    int created;                               /* 1: the upload created the file */
    int64_t version;
    uint8_t object_id[DSG_FILE_OBJECT_ID_LEN];
} dsg_upload_slot;

typedef enum dsg_child_kind {
    DSG_CHILD_FOLDER = 0,
    DSG_CHILD_FILE = 1
} dsg_child_kind;

/* One item of a folder's listing. For a file, `version` is its latest
 * clean version when it has one, else its newest version with that
 * version's state (held, pending, infected or failed: the caller decides
 * who sees it). For a sub-folder the version members are 0. */
typedef struct dsg_child_row {
    dsg_child_kind kind;
    int64_t id;
    char name[DSG_FILE_NAME_MAX + 1];
    char created_by[DSG_AREA_ACTOR_MAX + 1];
    int64_t created_at;
    int64_t version;
    dsg_version_state state;
    int64_t size;                              /* -1 while unknown */
    char uploaded_by[DSG_AREA_ACTOR_MAX + 1];
    int64_t uploaded_at;
} dsg_child_row;

/* The state's word ("pending", "clean", "infected", "held", "failed"),
 * NULL for another value. @relation(REQ-SHARE-014) */
const char *dsg_version_state_name(dsg_version_state s);

/* The live file named name in folder: its number, 0 when there is none,
 * -1 on a database error (message in err). @relation(REQ-SHARE-011) */
int64_t dsg_file_store_find(struct sqlite3 *db, int64_t folder, const char *name, char *err,
                            size_t n);

/* Creates sub-folder name of folder parent, by `by` at now, in the
 * parent's area: `not_found` (no folder parent), `invalid_name` (empty,
 * a '/', "." or "..", not UTF-8 text of dsg_area_text_check, longer than
 * DSG_FOLDER_NAME_MAX), `name_taken` (a folder or live file of that name
 * in parent), `too_deep` (a file in it would lie deeper than
 * DSG_ACCESS_MAX_DEPTH). 0 with its number in *id, or -1 with the
 * problem (nothing stored). @relation(REQ-SHARE-009) */
int dsg_folder_store_create(struct sqlite3 *db, int64_t parent, const char *name,
                            const char *by, int64_t now, int64_t *id, dsg_acct_problem *p);

/* Begins an upload of name into folder by `by` at now, in one
 * transaction: the live file of that name, or a new one, gets its next
 * version, 'pending', under a fresh random object id. `not_found`,
 * `invalid_name` (as for a folder, up to DSG_FILE_NAME_MAX bytes),
 * `name_taken` (a sub-folder has that name), `too_deep`. 0 and *out, or
 * -1 with the problem (nothing stored). @relation(REQ-SHARE-011, REQ-STOR-012) */
int dsg_file_store_begin(struct sqlite3 *db, int64_t folder, const char *name, const char *by,
                         int64_t now, dsg_upload_slot *out, dsg_acct_problem *p);

/* Settles pending version `version` of file with its size, SHA-256 and
 * the verdict s (clean, infected, held or failed) with its reason
 * (required for held and failed). A failed upload may leave size -1 and
 * sha256 NULL (unknown); any other verdict needs both. `not_found`,
 * `bad_state` (the version is not pending), `bad_field`,
 * `missing_field`. 0, or -1 with the problem.
 * @relation(REQ-SHARE-014, REQ-STOR-012) */
int dsg_file_store_settle(struct sqlite3 *db, int64_t file, int64_t version,
                          dsg_version_state s, int64_t size, const uint8_t *sha256,
                          const char *reason, dsg_acct_problem *p);

/* A later scan of held version `version` of file: s clean or infected,
 * with its reason ("" allowed). `not_found`, `bad_state` (not held),
 * `bad_field`. 0, or -1 with the problem. @relation(REQ-SHARE-014) */
int dsg_file_store_rescan(struct sqlite3 *db, int64_t file, int64_t version,
                          dsg_version_state s, const char *reason, dsg_acct_problem *p);

/* The file with this number, deleted or not: 1 and *out, 0 when there is
 * none, -1 on a database error. @relation(REQ-SHARE-011, REQ-SHARE-012) */
int dsg_file_store_get(struct sqlite3 *db, int64_t id, dsg_file_row *out, char *err, size_t n);

/* Version `version` of file: 1 and *out, 0 when there is none, -1 on a
 * database error. @relation(REQ-SHARE-011) */
int dsg_file_store_get_version(struct sqlite3 *db, int64_t file, int64_t version,
                               dsg_version_row *out, char *err, size_t n);

/* The file's latest visible version, its highest clean one: 1 and *out,
 * 0 when it has none, -1 on a database error. @relation(REQ-SHARE-014) */
int dsg_file_store_latest(struct sqlite3 *db, int64_t file, dsg_version_row *out, char *err,
                          size_t n);

/* Calls fn for every version of file, newest first, whatever its state;
 * stops at fn's first non-zero return. 0, or -1 on a database error (or
 * fn's failure). @relation(REQ-SHARE-011) */
int dsg_file_store_each_version(struct sqlite3 *db, int64_t file,
                                int (*fn)(const dsg_version_row *r, void *ctx), void *ctx,
                                char *err, size_t n);

/* The folder with this number, deleted or not (a deleted one has
 * deleted_at above 0 and deleted_by): 1 and *out, 0 when there is none, -1
 * on a database error. @relation(REQ-SHARE-009, REQ-SHARE-012) */
int dsg_folder_store_get(struct sqlite3 *db, int64_t id, dsg_folder_row *out, char *err,
                         size_t n);

/* Calls fn for the live sub-folders of folder by name, then its live
 * files by name (see dsg_child_row); stops at fn's first non-zero return.
 * 1, 0 when there is no such folder or it is deleted, -1 on a database error (or fn's
 * failure). @relation(REQ-SHARE-011, REQ-SHARE-012, REQ-SHARE-014) */
int dsg_folder_store_each_child(struct sqlite3 *db, int64_t folder,
                                int (*fn)(const dsg_child_row *r, void *ctx), void *ctx,
                                char *err, size_t n);

/* The file's object for the access decision: its area, its folder's
 * chain (dsg_grant_store_object) and the file's number last. 1 and *obj,
 * 0 when there is no such file, -1 on a database error or a chain too
 * deep. @relation(REQ-SHARE-008, REQ-SHARE-012) */
int dsg_file_store_object(struct sqlite3 *db, int64_t file, dsg_access_object *obj, char *err,
                          size_t n);

/* Renames live file `file` in its folder: `not_found`, `invalid_name`,
 * `name_taken` (another live file or a sub-folder). Moves it into folder
 * of the same area: `not_found` (no file, no folder), `other_area`,
 * `name_taken`, `too_deep`. Deletes it, by `by` at now, keeping its
 * versions: `not_found`. 0, or -1 with the problem (nothing changed).
 * @relation(REQ-SHARE-012) */
int dsg_file_store_rename(struct sqlite3 *db, int64_t file, const char *name,
                          dsg_acct_problem *p);
int dsg_file_store_move(struct sqlite3 *db, int64_t file, int64_t folder, dsg_acct_problem *p);
int dsg_file_store_delete(struct sqlite3 *db, int64_t file, const char *by, int64_t now,
                          dsg_acct_problem *p);

/* What deleting a folder marked: folders (itself included) and files. */
typedef struct dsg_folder_deleted {
    size_t folders;
    size_t files;
} dsg_folder_deleted;

/* Renames live sub-folder `folder` in its parent: `not_found`,
 * `bad_state` (an area's root), `invalid_name` (as at its creation),
 * `name_taken` (another live folder or a live file of the parent). 0, or
 * -1 with the problem (nothing changed). @relation(REQ-SHARE-012) */
int dsg_folder_store_rename(struct sqlite3 *db, int64_t folder, const char *name,
                            dsg_acct_problem *p);

/* Moves live sub-folder `folder`, with everything under it, into live
 * folder parent: `not_found` (no such folder or parent), `bad_state` (an
 * area's root), `other_area`, `invalid_move` (parent is the folder or lies
 * under it), `too_deep` (a file in its deepest folder would lie deeper
 * than DSG_ACCESS_MAX_DEPTH), `name_taken`. 0, or -1 with the problem
 * (nothing changed). @relation(REQ-SHARE-012) */
int dsg_folder_store_move(struct sqlite3 *db, int64_t folder, int64_t parent,
                          dsg_acct_problem *p);

/* Deletes live sub-folder `folder` by `by` at now, in one transaction: it,
 * every live folder under it and every live file in them are marked
 * deleted, their versions kept. `not_found`, `bad_state` (an area's root),
 * `missing_field` (no by). 0 with the counts in *out, or -1 with the
 * problem (nothing changed). After the commit, fn (when not NULL) is
 * given each file marked, so that the caller takes it out of the search
 * index (a file deleted alone in the same second by the same account may
 * be named too); its non-zero return stops the naming, nothing else.
 * @relation(REQ-SHARE-012) */
int dsg_folder_store_delete(struct sqlite3 *db, int64_t folder, const char *by, int64_t now,
                            int (*fn)(int64_t file, void *ctx), void *ctx,
                            dsg_folder_deleted *out, dsg_acct_problem *p);

/* A version whose file was deleted long enough ago to purge it
 * (REQ-SHARE-012). */
typedef struct dsg_expired_version {
    int64_t area;
    int64_t file;
    int64_t version;
    uint8_t object_id[DSG_FILE_OBJECT_ID_LEN];
    char name[DSG_FILE_NAME_MAX + 1];
    int64_t deleted_at;
} dsg_expired_version;

/* Calls fn for at most max versions not yet purged of the files deleted
 * at or before `before`, the oldest deletions first (a version whose
 * upload is still pending is left to finish, or to the start's sweep); stops at fn's first
 * non-zero return (no failure). The number of calls, or -1 with a
 * message. @relation(REQ-SHARE-012) */
int dsg_file_store_each_expired(struct sqlite3 *db, int64_t before, size_t max,
                                int (*fn)(const dsg_expired_version *v, void *ctx), void *ctx,
                                char *err, size_t n);

/* Marks version `version` of the deleted file purged at now, its
 * ciphertext removed: `not_found` (no such version, or its file lives),
 * `bad_state` (purged already). 0, or -1. @relation(REQ-SHARE-012) */
int dsg_file_store_mark_purged(struct sqlite3 *db, int64_t file, int64_t version, int64_t now,
                               dsg_acct_problem *p);

/* The startup sweep, before any upload begins: in one transaction, every
 * version still pending becomes failed ("interrupted"), after fn was
 * given its object id and version so that the caller removes the orphaned
 * ciphertext
 * (fn must accept an object already gone: a crash before the commit makes
 * the next sweep name it again). A non-zero return of fn stops the sweep
 * and changes nothing. 0 with the count in *swept, or -1 with a message.
 * @relation(REQ-STOR-012) */
int dsg_file_store_sweep(struct sqlite3 *db,
                         int (*fn)(const uint8_t object_id[DSG_FILE_OBJECT_ID_LEN],
                                   int64_t version, void *ctx),
                         void *ctx, size_t *swept, char *err, size_t n);

#endif
