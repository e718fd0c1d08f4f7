/*
 * The share role's database (var/share/share.db, src/db/db.h): area
 * applications, the areas their approval creates and the areas' folders
 * (spec/share.md REQ-SHARE-006). Approving an application creates, in one
 * transaction, the area with its contract's end date and the common
 * folder structure: the area's root folder (named after the project), and
 * in it the folders of share.area_template (dsg_area_template; by default
 * one folder common to all, 共通, then one per organisation, the prime's
 * first, then each vendor's in the order of the application). SQLite triggers refuse, below this code, what no path
 * may do: delete an application, an area or a folder, or record a
 * decision by the person who entered the application. The same database
 * holds the grants (src/share/grant_store.h) and the files with their
 * versions (src/share/file_store.h); folders and files share one
 * numbering (dsg_area_store_next_item_id). Not pure (SQLite);
 * linked into dsgd's share role and the unit tests.
 */
#ifndef DSG_AREA_STORE_H
#define DSG_AREA_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "share/area_app.h"

struct sqlite3;

#define DSG_AREA_ACTOR_MAX 64u          /* bytes of who entered or decided */

typedef enum dsg_area_app_state {
    DSG_AREA_APP_PENDING = 0,
    DSG_AREA_APP_APPROVED,
    DSG_AREA_APP_REJECTED
} dsg_area_app_state;

/* What an application asks: an area for a contract, or the closing of an
 * area after its contract's end (REQ-SHARE-021). */
typedef enum dsg_area_app_kind { DSG_AREA_APP_CREATE = 0, DSG_AREA_APP_CLOSE } dsg_area_app_kind;

/* An application as stored, with its decision. A closing application
 * carries its area's contract, project, prime and end, and no vendors. */
typedef struct dsg_area_app_row {
    int64_t id;
    dsg_area_app_kind kind;
    dsg_area_app app;
    dsg_area_app_state state;
    char entered_by[DSG_AREA_ACTOR_MAX + 1];
    int64_t entered_at;
    char decided_by[DSG_AREA_ACTOR_MAX + 1];   /* "" while pending */
    int64_t decided_at;                        /* 0 while pending */
    char decision_reason[DSG_AREA_REASON_MAX + 1];
    int64_t area;      /* the area its approval created, or the area it closes; 0: none */
} dsg_area_app_row;

/* An area. */
typedef struct dsg_area_row {
    int64_t id;
    char project[DSG_AREA_TEXT_MAX + 1];
    char contract[DSG_AREA_TEXT_MAX + 1];
    char prime[DSG_AREA_TEXT_MAX + 1];
    int64_t contract_end;
    int64_t created_at;
    int64_t application;
    int64_t closed_at;                         /* 0: open */
    char closed_by[DSG_AREA_ACTOR_MAX + 1];    /* "": open */
    int64_t closing;                           /* the application that closed it; 0: open */
} dsg_area_row;

/* A folder of an area. */
typedef struct dsg_folder_row {
    int64_t id;
    int64_t area;
    int64_t parent;                            /* 0: the area's root folder */
    char name[DSG_AREA_TEXT_MAX + 1];
    char org[DSG_AREA_TEXT_MAX + 1];           /* the organisation it is for; "": none */
    char created_by[DSG_AREA_ACTOR_MAX + 1];
    int64_t created_at;
    int64_t deleted_at;                        /* 0: live (REQ-SHARE-012) */
    char deleted_by[DSG_AREA_ACTOR_MAX + 1];   /* "": live */
} dsg_folder_row;

/* Opens (creating and migrating) the database at path. 0, or -1 with a
 * message. @relation(REQ-SHARE-006, REQ-RUN-020) */
__attribute__((warn_unused_result))
int dsg_area_store_open(const char *path, uint32_t busy_timeout_ms, struct sqlite3 **db,
                        char *err, size_t n);

/* The number the next folder or file gets: 1 + the highest number of
 * either, so that a folder's and a file's never collide (an access
 * decision's chain mixes them, src/share/access.h). Called inside the
 * transaction that inserts the item. The number, or -1 on a database
 * error. @relation(REQ-SHARE-008) */
int64_t dsg_area_store_next_item_id(struct sqlite3 *db);

/* Stores application a, entered by `by` at now, as pending, after
 * dsg_area_app_check and one check against the stored areas: no other
 * area or pending application for the same contract (`contract_taken`).
 * 0 with its number in *id, or -1 with the problem.
 * @relation(REQ-SHARE-006) */
int dsg_area_store_apply(struct sqlite3 *db, const dsg_area_app *a, const char *by, int64_t now,
                         int64_t *id, dsg_acct_problem *p);

/* Stores an application, entered by `by` at now, to close area `area`
 * (REQ-SHARE-021): applicant and reason as for dsg_area_app_check; the
 * area must exist (`unknown_area`), be open (`area_closed`), have no
 * pending application for its contract (`contract_taken`) and its
 * contract must have ended (`contract_active`: an area serves its whole
 * term). 0 with its number in *id, or -1 with the problem.
 * @relation(REQ-SHARE-021) */
int dsg_area_store_apply_close(struct sqlite3 *db, int64_t area, const char *applicant,
                               const char *reason, const char *by, int64_t now, int64_t *id,
                               dsg_acct_problem *p);

/* Approves pending application id by `by` at now. One that creates an
 * area creates it with the folders of template t in the same
 * transaction: `contract_ended` when the contract's end has passed
 * meanwhile, `folder_name_clash` when two folders of the template would
 * have one name (an organisation named like a fixed folder). One that
 * closes an area marks, in one transaction, every live file of the area
 * deleted by `by` at now (the purge removes their ciphertext after
 * share.deleted_retention_days) and the area closed: it then takes no
 * folder or file. Either: `self_approval` when by entered it,
 * `unknown_application`, `already_decided`. 0 with the area created or
 * closed in *area, or -1 with the problem (nothing stored).
 * @relation(REQ-SHARE-006, REQ-SHARE-021) */
int dsg_area_store_approve(struct sqlite3 *db, int64_t id, const char *by, int64_t now,
                           const dsg_area_template *t, int64_t *area, dsg_acct_problem *p);

/* Rejects pending application id with a reason; the same refusals but
 * contract_ended. 0, or -1. @relation(REQ-SHARE-006) */
int dsg_area_store_reject(struct sqlite3 *db, int64_t id, const char *by, const char *reason,
                          int64_t now, dsg_acct_problem *p);

/* The application with this number: 1 and *out, 0 when there is none, -1
 * on a database error (message in err). @relation(REQ-SHARE-006) */
int dsg_area_store_get_app(struct sqlite3 *db, int64_t id, dsg_area_app_row *out, char *err,
                           size_t n);

/* The area with this number: 1 and *out, 0 when there is none, -1 on a
 * database error. @relation(REQ-SHARE-006) */
int dsg_area_store_get(struct sqlite3 *db, int64_t id, dsg_area_row *out, char *err, size_t n);

/* Calls fn for every application, newest first (pending ones only when
 * pending_only), every area by number, or every live folder of one area
 * in creation order (a deleted one is left out); each stops at fn's first non-zero return. 0, or -1 on a
 * database error (or fn's failure). @relation(REQ-SHARE-006) */
int dsg_area_store_each_app(struct sqlite3 *db, int pending_only,
                            int (*fn)(const dsg_area_app_row *r, void *ctx), void *ctx,
                            char *err, size_t n);
int dsg_area_store_each(struct sqlite3 *db, int (*fn)(const dsg_area_row *r, void *ctx),
                        void *ctx, char *err, size_t n);
int dsg_area_store_each_folder(struct sqlite3 *db, int64_t area,
                               int (*fn)(const dsg_folder_row *r, void *ctx), void *ctx,
                               char *err, size_t n);

/* Calls fn with the number of every file the closing of area deleted (each
 * names its closing application), in order; none for an open area. 0, or
 * -1 with a message. @relation(REQ-SHARE-021) */
int dsg_area_store_each_closed_file(struct sqlite3 *db, int64_t area,
                                    int (*fn)(int64_t file, void *ctx), void *ctx, char *err,
                                    size_t n);

#endif
