/*
 * The access decision of 保護情報共有サービス (REQ-SHARE-007): one
 * default-deny function over (account, object, operation) that answers
 * ALLOW only when an explicit grant in force covers the request, and a
 * filter built on it that keeps, of a listing or a search result, only the
 * items the account may see (REQ-SHARE-008's omission rule). Pure
 * functions over caller-owned memory: no allocation, no I/O, no globals.
 *
 * The model (the grants of REQ-ACCT-009, read by the share role from its
 * store):
 * - A grant gives its subject (an account or an organisation group) a set
 *   of operations on one folder of one area, from a time until a time (ms
 *   since 1970-01-01T00:00:00Z, `until` exclusive). A grant on the whole
 *   area names the area's root folder. A grant on a folder covers the
 *   folder and everything under it: sub-folders created later inherit it
 *   (REQ-SHARE-009).
 * - An object is named by its area and its ancestry: the chain of item
 *   ids from the area's root folder (chain[0]) down to the object itself
 *   (chain[depth - 1], a folder or a file), 1 to DSG_ACCESS_MAX_DEPTH ids.
 *   Item ids are unique within an area; the storage layer builds the chain
 *   from its own records, never from the client's words.
 * - Ids are the store's row ids (SQLite's signed 64-bit integers, from 1
 *   up); an account id below 1 is malformed, a group id below 1 is no
 *   group.
 * - A request (an ask plus an object): who asks (the account and its
 *   organisation group, DSG_ACCESS_NO_GROUP when it has none), the one
 *   operation asked for, and now.
 *
 * Rules:
 * - A grant covers a request when the request is well formed (account
 *   above 0, a known operation, depth 1..DSG_ACCESS_MAX_DEPTH), its subject is
 *   the account (kind ACCOUNT) or the account's group (kind ORG_GROUP, and
 *   the account has one), its area is the object's, its folder is in the
 *   object's chain, the operation's bit is in its set, and
 *   from <= now < until. Nothing else gives access: no grant, an unknown
 *   subject kind or an empty operation set covers nothing, so an account
 *   starts with no rights (REQ-ACCT-010) and a malformed request is denied.
 * - What the object of each operation is, for the role: list, read,
 *   new-version, rename, delete, history: the item itself; upload and
 *   create-folder: the folder that receives it; search: the folder (or
 *   root) searched, then every result through dsg_access_filter with READ;
 *   grant and revoke: the folder whose grants change. A move is two
 *   decisions: MOVE on the item and UPLOAD on the destination folder.
 */
#ifndef DSG_SHARE_ACCESS_H
#define DSG_SHARE_ACCESS_H

#include <stddef.h>
#include <stdint.h>

#define DSG_ACCESS_MAX_DEPTH 32u   /* ids in an ancestry chain, the root included */
#define DSG_ACCESS_NO_GROUP 0      /* the account belongs to no organisation group */

/* The operations of REQ-SHARE-007, each a bit of a grant's set. */
typedef enum dsg_access_op {
    DSG_ACCESS_LIST = 0,           /* see the item in its folder's listing */
    DSG_ACCESS_READ = 1,           /* read and download, every version */
    DSG_ACCESS_UPLOAD = 2,         /* a new file into the folder */
    DSG_ACCESS_NEW_VERSION = 3,    /* a new version of the file */
    DSG_ACCESS_RENAME = 4,
    DSG_ACCESS_MOVE = 5,
    DSG_ACCESS_DELETE = 6,
    DSG_ACCESS_CREATE_FOLDER = 7,  /* a sub-folder of the folder */
    DSG_ACCESS_SEARCH = 8,
    DSG_ACCESS_HISTORY = 9,        /* the access history of REQ-SHARE-017 */
    DSG_ACCESS_GRANT = 10,
    DSG_ACCESS_REVOKE = 11
} dsg_access_op;

#define DSG_ACCESS_OP_COUNT 12u
#define DSG_ACCESS_BIT(op) (UINT32_C(1) << (op))
#define DSG_ACCESS_ALL_OPS ((UINT32_C(1) << DSG_ACCESS_OP_COUNT) - 1u)

typedef enum dsg_access_subject_kind {
    DSG_ACCESS_ACCOUNT = 1,        /* 0 is no kind: a zeroed grant covers nothing */
    DSG_ACCESS_ORG_GROUP = 2
} dsg_access_subject_kind;

typedef enum dsg_access_verdict {
    DSG_ACCESS_DENY = 0,
    DSG_ACCESS_ALLOW = 1
} dsg_access_verdict;

typedef struct dsg_grant {
    uint32_t kind;                 /* dsg_access_subject_kind */
    int64_t subject;               /* the account's or the group's id */
    int64_t area;
    int64_t folder;                /* the folder granted, with all it holds */
    uint32_t ops;                  /* DSG_ACCESS_BIT(op) for each op granted */
    int64_t from;                  /* in force from (ms since the epoch) */
    int64_t until;                 /* ... to before this (exclusive) */
} dsg_grant;

/* Who asks, for which operation, when. */
typedef struct dsg_access_ask {
    int64_t account;               /* above 0 */
    int64_t group;                 /* the account's group, or DSG_ACCESS_NO_GROUP */
    uint32_t op;                   /* dsg_access_op */
    int64_t now;                   /* ms since the epoch */
} dsg_access_ask;

/* An area, folder or file: its area and its ancestry from the root. */
typedef struct dsg_access_object {
    int64_t area;
    uint32_t depth;                /* 1 .. DSG_ACCESS_MAX_DEPTH */
    int64_t chain[DSG_ACCESS_MAX_DEPTH];    /* root first, the object last */
} dsg_access_object;

typedef struct dsg_access_req {
    dsg_access_ask ask;
    dsg_access_object object;
} dsg_access_req;

#include "acsl/access.acsl.h"

/* The C twin of dsg_access_req_ok: 1 for a well-formed request, else 0.
 * @relation(REQ-SHARE-007) */
/*@ requires \valid_read(req);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_access_req_ok(req);
*/
__attribute__((warn_unused_result))
int dsg_access_req_is_valid(const dsg_access_req *req);

/* The C twin of dsg_access_covers: 1 when grant g covers req (the rules
 * above), else 0. @relation(REQ-SHARE-007) */
/*@ requires \valid_read(g) && \valid_read(req);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> dsg_access_covers(g, req);
*/
__attribute__((warn_unused_result))
int dsg_access_covers(const dsg_grant *g, const dsg_access_req *req);

/* The decision: ALLOW when one of grants[0 .. n) covers req, with *which
 * the first that does; DENY otherwise (no grant, a malformed request), with
 * *which == n. @relation(REQ-SHARE-007) */
/*@ requires \valid_read(grants + (0 .. n - 1)) && \valid_read(req);
    requires \valid(which);
    requires \separated(which, grants + (0 .. n - 1)) && \separated(which, req);
    assigns *which;
    ensures \result == DSG_ACCESS_ALLOW || \result == DSG_ACCESS_DENY;
    ensures !dsg_access_req_ok(req) ==> \result == DSG_ACCESS_DENY;
    behavior allow:
      assumes dsg_access_allowed(grants, n, req);
      ensures \result == DSG_ACCESS_ALLOW;
      ensures 0 <= *which < n && dsg_access_covers(grants + *which, req);
      ensures \forall integer i; 0 <= i < *which ==> !dsg_access_covers(grants + i, req);
    behavior deny:
      assumes !dsg_access_allowed(grants, n, req);
      ensures \result == DSG_ACCESS_DENY;
      ensures \forall integer i; 0 <= i < n ==> !dsg_access_covers(grants + i, req);
      ensures *which == n;
    complete behaviors;
    disjoint behaviors;
*/
__attribute__((warn_unused_result))
dsg_access_verdict dsg_access_decide(const dsg_grant *grants, size_t n,
                                     const dsg_access_req *req, size_t *which);

/* Listings and search results: writes to kept[0 .. result) the indices, in
 * increasing order, of exactly the objects of objs[0 .. count) on which
 * ask is allowed (dsg_access_decide would answer ALLOW), and returns how
 * many. The role lists LIST (a folder's listing) or READ (search results)
 * and shows nothing of the others: not their names, sizes or number
 * (REQ-SHARE-008, REQ-SHARE-015). @relation(REQ-SHARE-007, REQ-SHARE-008) */
/*@ requires \valid_read(grants + (0 .. n - 1)) && \valid_read(ask);
    requires \valid_read(objs + (0 .. count - 1));
    requires \valid(kept + (0 .. count - 1));
    requires \separated(kept + (0 .. count - 1), grants + (0 .. n - 1));
    requires \separated(kept + (0 .. count - 1), objs + (0 .. count - 1));
    requires \separated(kept + (0 .. count - 1), ask);
    assigns kept[0 .. count - 1];
    ensures 0 <= \result <= count;
    ensures \forall integer j; 0 <= j < \result ==>
              0 <= kept[j] < count && dsg_access_allowed_on(grants, n, ask, objs + kept[j]);
    ensures \forall integer i; 0 <= i < count && dsg_access_allowed_on(grants, n, ask, objs + i) ==>
              \exists integer j; 0 <= j < \result && kept[j] == i;
    ensures \forall integer j1, j2; 0 <= j1 < j2 < \result ==> kept[j1] < kept[j2];
*/
__attribute__((warn_unused_result))
size_t dsg_access_filter(const dsg_grant *grants, size_t n, const dsg_access_ask *ask,
                         const dsg_access_object *objs, size_t count, size_t *kept);

#endif
