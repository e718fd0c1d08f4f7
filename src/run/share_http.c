/* The share role's file API: see share_http.h and docs/sharing.md. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sqlite3.h>

#include "core/b64url.h"
#include "core/dispo.h"
#include "core/http_form.h"
#include "core/http_req.h"
#include "core/json_out.h"
#include "core/json_tok.h"
#include "core/rfc3339.h"
#include "core/tar.h"
#include "run/audit_out.h"
#include "run/history_rows.h"
#include "run/log.h"
#include "run/role_http.h"
#include "run/share_http.h"
#include "run/share_pages.h"
#include "log/audit.h"
#include "run/share_record.h"
#include "share/access.h"
#include "share/cap.h"
#include "share/file_store.h"
#include "share/grant_store.h"
#include "share/scan.h"
#include "share/search_index.h"

#define XCH_MAX 16u              /* exchanges at once */
#define BODY_MAX 4096u           /* bytes of a JSON body */
#define UPLOADS_MAX 32u          /* uploads begun and not finished */
#define UPLOAD_TTL_MS 60000      /* a begun upload's content must start within this */
#define LISTING_MAX (1024u * 1024u)   /* bytes of a listing's JSON */
#define UPLOAD_KEY_BYTES 16u     /* 128 random bits name an upload */
#define UPLOAD_KEY_TEXT 22u      /* their base64url */
#define QUERY_MAX 1024u          /* bytes of a request's query */
#define SEARCH_CANDIDATES 1000u  /* files an area's index may name for one search */
#define SEARCH_RESULTS 200u      /* files one search shows */
#define HISTORY_BYTES_MAX (256u * 1024u)   /* bytes of history lines one answer shows */
#define HISTORY_ROWS_MAX 1000u   /* history lines one answer shows */
/* Files one bulk download may name: each is recorded before any byte goes
 * out, and the records of one request must fit what the role may have on
 * its way to logd at once (src/run/audit_out.h: the bus window), beside
 * the rest of its traffic; measured, about 170 records of a short folder
 * path fit. */
#define BULK_MAX 100u
#define BULK_BODY_MAX 32768u     /* bytes of its JSON body */

enum route { AREAS, FOLDER, VERSIONS, DOWNLOAD, FOLDERS, UPLOADS, CONTENT, RENAME, MOVE, DELETE,
             SEARCH, FOLDER_RENAME, FOLDER_MOVE, FOLDER_DELETE, HISTORY, BULK, ROUTE_COUNT };

#define GET (1u << DSG_HTTP_GET | 1u << DSG_HTTP_HEAD)
#define POST (1u << DSG_HTTP_POST)
#define ROUTE(path, methods, flags, limit) { 0, methods, flags, limit, sizeof path - 1, path }
static const dsgd_route routes[ROUTE_COUNT] = {
    [AREAS] = ROUTE("/api/v1/share/areas", GET, 0, 0),
    [FOLDER] = ROUTE("/api/v1/share/folder", GET, 0, 0),
    [VERSIONS] = ROUTE("/api/v1/share/versions", GET, 0, 0),
    [DOWNLOAD] = ROUTE("/api/v1/share/download", GET, 0, 0),
    [FOLDERS] = ROUTE("/api/v1/share/folders", POST, 0, BODY_MAX),
    [UPLOADS] = ROUTE("/api/v1/share/uploads", POST, 0, BODY_MAX),
    [CONTENT] = ROUTE("/api/v1/share/uploads/content", 1u << DSG_HTTP_PUT, DSGD_ROUTE_UPLOAD,
                      UINT64_MAX),
    [RENAME] = ROUTE("/api/v1/share/rename", POST, 0, BODY_MAX),
    [MOVE] = ROUTE("/api/v1/share/move", POST, 0, BODY_MAX),
    [DELETE] = ROUTE("/api/v1/share/delete", POST, 0, BODY_MAX),
    [SEARCH] = ROUTE("/api/v1/share/search", GET, 0, 0),
    [FOLDER_RENAME] = ROUTE("/api/v1/share/folders/rename", POST, 0, BODY_MAX),
    [FOLDER_MOVE] = ROUTE("/api/v1/share/folders/move", POST, 0, BODY_MAX),
    [FOLDER_DELETE] = ROUTE("/api/v1/share/folders/delete", POST, 0, BODY_MAX),
    [HISTORY] = ROUTE("/api/v1/share/history", GET, 0, 0),
    [BULK] = ROUTE("/api/v1/share/download-bulk", POST, 0, BULK_BODY_MAX),
};

/* Who sent a request, as the auth role says. */
typedef struct who {
    char user[DSGD_XCH_WHO_TEXT_MAX + 1];
    char org[DSGD_XCH_WHO_TEXT_MAX + 1];
    char addr[DSGD_XCH_ADDR_MAX + 1];
    int64_t account, group;                  /* subject numbers of the grants; 0: none */
    int fresh;                               /* both factors within auth.reauth_max_age */
} who;

/* An upload begun (POST uploads) and not finished. */
struct upload {
    char key[UPLOAD_KEY_TEXT + 1];           /* "": a free slot */
    char token[DSGD_XCH_TOKEN_MAX + 1];      /* the session that began it */
    who by;
    int64_t area, expires;
    uint64_t size;
    dsg_upload_slot slot;
    dsg_cap cap;                             /* UPLOAD or NEW_VERSION, from the decision */
    char name[DSG_FILE_NAME_MAX + 1];
    char location[DSG_AREA_TEXT_MAX + 2];
    int busy;                                /* its content is arriving */
};

/* One file of a bulk download: what the plan decided, and the unique
 * name it goes under in the archive. */
typedef struct bulk_item {
    int64_t file, version;               /* version 0: the newest clean one */
    int64_t area, folder, size, mtime;
    uint64_t name_hash;                  /* of the file's own name */
    char name[DSG_TAR_NAME_MAX + 1];
} bulk_item;

/* The plan and how far the archive went: items[at] is the one being sent
 * (or the next), buf the header, padding or end blocks still to go out. */
struct bulk {
    bulk_item *items;
    size_t n, at;
    uint64_t got;                        /* content bytes of items[at] sent */
    uint8_t buf[DSG_TAR_HEAD_MAX];
    size_t buf_len, buf_off;
    int ended;                           /* the end blocks are in buf */
};

static struct xch {
    uint32_t id;                             /* 0: free */
    enum route route;
    char token[DSGD_XCH_TOKEN_MAX + 1];
    char query[QUERY_MAX];
    uint8_t body[BULK_BODY_MAX];             /* BODY_MAX but for a bulk download */
    size_t body_len;
    int ended, told;
    who w;
    /* PUT content */
    struct upload *up;
    dsg_obj_put *put;
    dsg_scan *scan;
    uint64_t got;
    int broken;                              /* the content failed: answered at its end */
    int after_term;                          /* and why: the area's contract ended */
    uint8_t *text;                           /* a text-like file's first bytes, for search */
    size_t text_len;
    /* streamed answers: a download, or a listing's JSON */
    dsg_obj_get *get;
    int64_t area, file, version;             /* what a download sends, for its records */
    uint8_t *out;
    size_t out_len, out_off;
    int streaming;
    struct bulk *bulk;                       /* a bulk download's plan and progress */
    dsgd_spage page;                         /* a page's (share_pages.h) */
} xch[XCH_MAX];

static struct upload uploads[UPLOADS_MAX];
static struct sqlite3 *db;
static dsg_obj_store *objects;
static dsg_search_index *search;
static dsg_grant grants[DSG_GRANT_LOAD_MAX];
static dsg_ext_set no_extra;                 /* the file-name policy's baseline */
static dsgd_chan *bus_chan;
static uint32_t bulk_threshold = 20;         /* share.bulk_download_threshold */

/* What a history request asks: the item as logd selects it, its parts,
 * and the times (canonical, "-" for none). */
typedef struct history_ask {
    char item[32];
    const char *type;                         /* "area", "folder" or "file" */
    int64_t id;
    char since[32], until[32];
} history_ask;

/* The item a history names: its area, its name and where it is. */
typedef struct history_item {
    int64_t area;
    char name[DSG_FILE_NAME_MAX + DSG_AREA_TEXT_MAX + 2];
    char location[DSG_AREA_TEXT_MAX + 2];
} history_item;

/* The one history question out to logd (one at a time): whose exchange
 * (0 when its client left), what it names, and logd's lines so far, at
 * most HISTORY_BYTES_MAX of them. */
static struct {
    uint32_t id;
    int asked;
    history_ask ask;
    history_item of;
    dsgd_hist_lines lines;
} hist;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct xch *find(uint32_t id)
{
    for (unsigned i = 0; i < XCH_MAX; i++)
        if (id != 0 && xch[i].id == id)
            return &xch[i];
    return NULL;
}

static void release(struct xch *x)
{
    if (hist.id != 0 && hist.id == x->id)
        hist.id = 0;   /* logd's answer, when it comes, goes nowhere */
    dsgd_share_pages_forget(&x->page);
    dsg_obj_get_close(x->get);
    if (x->bulk != NULL)
        free(x->bulk->items);
    free(x->bulk);
    dsg_obj_put_abort(x->put);
    dsg_scan_free(x->scan);
    free(x->out);
    if (x->text != NULL)
        OPENSSL_cleanse(x->text, DSG_SEARCH_TEXT_MAX);
    free(x->text);
    OPENSSL_cleanse(x->token, sizeof x->token);
    memset(x, 0, sizeof *x);
}

/* ---- answers ------------------------------------------------------------------ */

/* A page's answer: the API's, rendered (share_pages.c). */
static void answer_page(struct xch *x, uint32_t ticket, int status, const uint8_t *json,
                        size_t len)
{
    dsgd_share_pages_answer(&x->page, x->id, ticket, status, json, len, x->w.user, x->token);
    release(x);
}

static void answer(struct xch *x, uint32_t ticket, int status, const uint8_t *json, size_t len)
{
    if (x->page.kind != SP_NONE) {
        answer_page(x, ticket, status, json, len);
        return;
    }
    if (dsgd_role_http_answer_recorded(x->id, ticket, status, NULL, json, len) != 0)
        dsgd_log("share: cannot answer exchange %u", x->id);
    release(x);
}

/* {"error": code, "message": message} through the proved writer: its
 * length (0 when it does not fit, which the short codes and messages of
 * this file never reach). */
static size_t error_json(const char *code, const char *message, uint8_t *buf, size_t cap)
{
    size_t len = 0;
    dsg_json_out w;
    dsg_json_out_init(&w, buf, cap);
    (void)dsg_json_out_object_begin(&w);
    (void)dsg_json_out_key(&w, (const uint8_t *)"error", 5);
    (void)dsg_json_out_string(&w, (const uint8_t *)code, strlen(code));
    (void)dsg_json_out_key(&w, (const uint8_t *)"message", 7);
    (void)dsg_json_out_string(&w, (const uint8_t *)message, strlen(message));
    (void)dsg_json_out_object_end(&w);
    return dsg_json_out_finish(&w, &len) == 0 ? len : 0;
}

static void answer_error(struct xch *x, uint32_t ticket, int status, const char *code,
                         const char *message)
{
    uint8_t buf[1024];
    answer(x, ticket, status, buf, error_json(code, message, buf, sizeof buf));
}

/* An answer without an operation to record: the request never reached one
 * (no session, a malformed request), so it goes as it is. */
static void refuse(struct xch *x, int status, const char *code, const char *message)
{
    uint8_t buf[1024];
    if (x->page.kind != SP_NONE) {
        answer_page(x, 0, status, buf, error_json(code, message, buf, sizeof buf));
        return;
    }
    if (dsgd_role_http_answer(x->id, status, NULL, buf,
                              error_json(code, message, buf, sizeof buf)) != 0)
        dsgd_log("share: cannot answer exchange %u", x->id);
    release(x);
}

/* A JSON document of any length, streamed once its record is stored. */
static void answer_document(struct xch *x, uint32_t ticket, uint8_t *doc, size_t len)
{
    dsgd_xch_stream s = { .id = x->id, .status = 200, .length = len,
                          .type = "application/json", .type_len = 16 };
    if (x->page.kind != SP_NONE) {
        answer_page(x, ticket, 200, doc, len);
        free(doc);
        return;
    }
    x->out = doc;
    x->out_len = len;
    x->out_off = 0;
    x->streaming = 1;
    if (dsgd_role_http_stream_recorded(ticket, &s) != 0) {
        dsgd_log("share: cannot stream exchange %u", x->id);
        release(x);
    }
}

/* ---- records ---------------------------------------------------------------------- */

static dsgd_share_record record_of(int64_t area, int64_t item, const char *type,
                                   const char *event, const char *custom)
{
    dsgd_share_record r = { "-", "-", type, "-", event, custom, "" };
    snprintf(r.site_id, sizeof r.site_id, "%" PRId64, area);
    snprintf(r.item_id, sizeof r.item_id, "%" PRId64, item);
    return r;
}

static uint32_t record(const struct xch *x, const dsgd_share_record *r)
{
    return dsgd_share_record_request(x->w.user, x->w.addr, r);
}

/* The path of a folder in its area, "/root/sub/..." ("-" when unknown;
 * cut at the front, after "...", when longer than cap allows). */
static void folder_path(int64_t folder, char *out, size_t cap)
{
    char err[160], path[DSG_AREA_TEXT_MAX + 2];
    size_t start = sizeof path - 1;    /* path[start ..] is the path so far */
    dsg_folder_row f;
    unsigned depth = 0;
    path[start] = '\0';
    while (folder != 0 && depth++ < DSG_ACCESS_MAX_DEPTH &&
           dsg_folder_store_get(db, folder, &f, err, sizeof err) == 1) {
        size_t n = strlen(f.name);
        if (n + 1 > start) {   /* the rest does not fit: marked as cut */
            if (start >= 3) {
                start -= 3;
                memcpy(path + start, "...", 3);
            }
            break;
        }
        start -= n + 1;
        path[start] = '/';
        memcpy(path + start + 1, f.name, n);
        folder = f.parent;
    }
    snprintf(out, cap, "%s", path[start] != '\0' ? path + start : "-");
}

/* ---- decisions (REQ-SHARE-007) ------------------------------------------------------ */

/* The grants in force of area into grants[]: their count, or -1. */
static int load_grants(int64_t area)
{
    char err[200];
    int n = dsg_grant_store_load(db, area, grants, DSG_GRANT_LOAD_MAX, err, sizeof err);
    if (n < 0)
        dsgd_log("share: grants of area %" PRId64 ": %s", area, err);
    return n;
}

static dsg_access_req request_of(const who *w, const dsg_access_object *obj, uint32_t op)
{
    dsg_access_req req;
    memset(&req, 0, sizeof req);
    req.ask.account = w->account;
    req.ask.group = w->group > 0 ? w->group : DSG_ACCESS_NO_GROUP;
    req.ask.op = op;
    req.ask.now = now_ms();
    req.object = *obj;
    return req;
}

/* ALLOW (1) or DENY (0) for op on obj at the time at_ms, -1 when the
 * grants cannot be read. */
static int decide_at(const who *w, const dsg_access_object *obj, uint32_t op, int64_t at_ms)
{
    size_t which;
    int n = load_grants(obj->area);
    if (n < 0)
        return -1;
    dsg_access_req req = request_of(w, obj, op);
    req.ask.now = at_ms;
    return dsg_access_decide(grants, (size_t)n, &req, &which) == DSG_ACCESS_ALLOW;
}

/* ALLOW or DENY for op on obj now, -1 when the grants cannot be read. */
static int decide(const who *w, const dsg_access_object *obj, uint32_t op)
{
    return decide_at(w, obj, op, now_ms());
}

/* 1 when the area's contract has ended (an area that cannot be read: 0,
 * the steps after it answer). */
static int contract_over(int64_t area)
{
    dsg_area_row a;
    char err[200];
    return dsg_area_store_get(db, area, &a, err, sizeof err) == 1 &&
           a.contract_end <= now_ms() / 1000;
}

/* 1 when the contract of obj's area has ended and the account could list
 * obj in its last moment: its operations there are over, not denied
 * (REQ-SHARE-021); no grant outlives the contract (src/share/area_store.c).
 * 0 otherwise, so that no one else learns the area exists. */
static int contract_ended_for(const who *w, const dsg_access_object *obj)
{
    dsg_area_row a;
    char err[200];
    if (!contract_over(obj->area) || dsg_area_store_get(db, obj->area, &a, err, sizeof err) != 1)
        return 0;
    return decide_at(w, obj, DSG_ACCESS_LIST, a.contract_end * 1000 - 1) == 1;
}

static void answer_contract_ended(struct xch *x, uint32_t ticket)
{
    answer_error(x, ticket, 403, "contract_ended",
                 "the contract of this area has ended: its files are no longer shared");
}

/* A denied operation: 403 `access_denied` on an object the account may
 * list, 404 `not_found` on one it may not, so that nothing it may not see
 * is confirmed to exist (REQ-SHARE-008), and 403 `contract_ended` on one
 * it could list until its area's contract ended (REQ-SHARE-021); recorded
 * as access-denied. */
static void denied(struct xch *x, const dsg_access_object *obj, const char *type, uint32_t op)
{
    int visible = decide(&x->w, obj, DSG_ACCESS_LIST) == 1;
    int ended = !visible && contract_ended_for(&x->w, obj);
    dsgd_share_record r = record_of(obj->area, obj->chain[obj->depth - 1], type, "Custom",
                                    "access-denied");
    snprintf(r.data, sizeof r.data, "operation=%s%s", dsg_grant_op_name(op),
             ended ? "; contract ended" : "");
    uint32_t ticket = record(x, &r);
    if (ended)
        answer_contract_ended(x, ticket);
    else if (visible)
        answer_error(x, ticket, 403, "access_denied", "you have no right to do this here");
    else
        answer_error(x, ticket, 404, "not_found", "no such item");
}

static void not_found(struct xch *x)
{
    refuse(x, 404, "not_found", "no such item");
}

static void storage_failed(struct xch *x, const char *what, const char *err)
{
    dsgd_log("share: %s: %s", what, err);
    refuse(x, 503, "storage", "the share database could not be read; try again later");
}

/* ---- requests: ids and bodies --------------------------------------------------------- */

/* The positive decimal value of `key` in the query: 1 and *v, 0 absent, -1
 * malformed. */
static int query_id(const struct xch *x, const char *key, int64_t *v)
{
    size_t k = strlen(key);
    const char *at = x->query;
    while (at != NULL && *at != '\0') {
        if (strncmp(at, key, k) == 0 && at[k] == '=') {
            char *end;
            const char *digits = at + k + 1;
            if (*digits < '1' || *digits > '9')
                return -1;
            long long n = strtoll(digits, &end, 10);
            if ((*end != '\0' && *end != '&') || n <= 0 || end - digits > 18)
                return -1;
            *v = n;
            return 1;
        }
        at = strchr(at, '&');
        at = at != NULL ? at + 1 : NULL;
    }
    return 0;
}

/* The query's `upload` key, 1 and the key in out, else 0. */
static int query_upload(const struct xch *x, char out[UPLOAD_KEY_TEXT + 1])
{
    const char *at = strstr(x->query, "upload=");
    if (at == NULL || (at != x->query && at[-1] != '&'))
        return 0;
    at += 7;
    size_t n = strcspn(at, "&");
    if (n != UPLOAD_KEY_TEXT)
        return 0;
    memcpy(out, at, n);
    out[n] = '\0';
    return 1;
}

typedef struct member {
    const char *name;
    char *text;              /* a string member into text[0 .. cap) */
    size_t cap;
    int64_t *number;         /* or a non-negative integer member */
} member;

/* The members of the flat JSON object of x's body, each required, nothing
 * else allowed. 0, or -1. */
static int take_members(const struct xch *x, member *m, size_t count)
{
    dsg_json_tok toks[16];
    size_t nt = 0, at = 0, vlen, got = 0;
    char name[24];
    const uint8_t *b = x->body;
    if (x->body_len > BODY_MAX ||
        dsg_json_tokenize(b, x->body_len, 2, toks, 16, &nt, &at) != DSG_JSON_OK ||
        dsg_json_check_keys(b, x->body_len, toks, nt, &at) != DSG_JSON_OK ||
        toks[0].type != DSG_JSON_OBJECT || toks[0].next != nt)
        return -1;
    for (size_t i = 1; i + 1 < nt; i += 2) {
        const dsg_json_tok *v = &toks[i + 1];
        member *f = NULL;
        if (dsg_json_string_value(b, x->body_len, &toks[i], (uint8_t *)name, sizeof name - 1,
                                  &vlen) != DSG_JSON_OK)
            return -1;
        name[vlen] = '\0';
        for (size_t k = 0; k < count && f == NULL; k++)
            if (strcmp(m[k].name, name) == 0)
                f = &m[k];
        if (f == NULL)
            return -1;
        if (f->number != NULL) {
            char digits[20];
            if (v->type != DSG_JSON_NUMBER || v->len == 0 || v->len >= sizeof digits)
                return -1;
            memcpy(digits, b + v->start, v->len);
            digits[v->len] = '\0';
            if (strspn(digits, "0123456789") != v->len)
                return -1;
            *f->number = strtoll(digits, NULL, 10);
        } else if (v->type != DSG_JSON_STRING ||
                   dsg_json_string_value(b, x->body_len, v, (uint8_t *)f->text, f->cap - 1,
                                         &vlen) != DSG_JSON_OK ||
                   memchr(f->text, '\0', vlen) != NULL) {
            return -1;
        } else {
            f->text[vlen] = '\0';
        }
        got++;
    }
    return got == count ? 0 : -1;
}

/* ---- JSON helpers ------------------------------------------------------------------------ */

static void put_text(dsg_json_out *w, const char *key, const char *v)
{
    (void)dsg_json_out_key(w, (const uint8_t *)key, strlen(key));
    (void)dsg_json_out_string(w, (const uint8_t *)v, strlen(v));
}

static void put_int(dsg_json_out *w, const char *key, int64_t v)
{
    (void)dsg_json_out_key(w, (const uint8_t *)key, strlen(key));
    (void)dsg_json_out_int(w, v);
}

static void put_bool(dsg_json_out *w, const char *key, int v)
{
    (void)dsg_json_out_key(w, (const uint8_t *)key, strlen(key));
    (void)dsg_json_out_bool(w, v);
}

static void put_time(dsg_json_out *w, const char *key, int64_t seconds)
{
    char t[32];
    put_text(w, key, dsg_rfc3339_ms(t, sizeof t, seconds, 0) == 0 ? "-" : t);
}

static void put_hex(dsg_json_out *w, const char *key, const uint8_t *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    char t[2 * 64 + 1];
    for (size_t i = 0; i < n && i < 64; i++) {
        t[2 * i] = hex[p[i] >> 4];
        t[2 * i + 1] = hex[p[i] & 15];
    }
    t[2 * (n < 64 ? n : 64)] = '\0';
    put_text(w, key, t);
}

/* A writer over a fresh buffer of LISTING_MAX bytes, or NULL. */
static uint8_t *document(dsg_json_out *w)
{
    uint8_t *buf = malloc(LISTING_MAX);
    if (buf != NULL)
        dsg_json_out_init(w, buf, LISTING_MAX);
    return buf;
}

/* Finishes w's document and streams it; a document too long (or out of
 * memory) is a 507. */
static void send_document(struct xch *x, uint32_t ticket, dsg_json_out *w, uint8_t *buf)
{
    size_t len = 0;
    if (buf == NULL || dsg_json_out_finish(w, &len) != 0) {
        free(buf);
        answer_error(x, ticket, 507, "too_large", "the listing is too long to send");
        return;
    }
    answer_document(x, ticket, buf, len);
}


/* ---- GET areas ------------------------------------------------------------------ */

typedef struct areas_ctx {
    const who *w;
    int64_t seen[256];
    size_t n;
} areas_ctx;

static int add_area(const dsg_grant_row *g, void *ctx)
{
    areas_ctx *a = ctx;
    int mine = (g->subject_kind == DSG_ACCESS_ACCOUNT && g->subject_id == a->w->account) ||
               (g->subject_kind == DSG_ACCESS_ORG_GROUP && g->subject_id == a->w->group &&
                a->w->group > 0);
    for (size_t i = 0; i < a->n && mine; i++)
        mine = a->seen[i] != g->area;
    if (mine && a->n < sizeof a->seen / sizeof a->seen[0])
        a->seen[a->n++] = g->area;
    return 0;
}

/* The area's root folder: the one without a parent (fn of
 * dsg_area_store_each_folder, which takes a stop for a failure). */
static int root_of(const dsg_folder_row *f, void *ctx)
{
    if (f->parent == 0)
        *(int64_t *)ctx = f->id;
    return 0;
}

static void get_areas(struct xch *x)
{
    static areas_ctx a;
    char err[200];
    dsg_json_out w;
    uint8_t *buf = document(&w);
    a.w = &x->w;
    a.n = 0;
    if (dsg_grant_store_each_in_force(db, now_ms() / 1000, add_area, &a, err, sizeof err) != 0) {
        free(buf);
        storage_failed(x, "areas", err);
        return;
    }
    (void)dsg_json_out_object_begin(&w);
    (void)dsg_json_out_key(&w, (const uint8_t *)"areas", 5);
    (void)dsg_json_out_array_begin(&w);
    for (size_t i = 0; i < a.n; i++) {
        dsg_area_row r;
        int64_t root = 0;
        if (dsg_area_store_get(db, a.seen[i], &r, err, sizeof err) != 1 ||
            dsg_area_store_each_folder(db, r.id, root_of, &root, err, sizeof err) < 0)
            continue;
        (void)dsg_json_out_object_begin(&w);
        put_int(&w, "area", r.id);
        put_text(&w, "project", r.project);
        put_text(&w, "contract", r.contract);
        put_int(&w, "root", root);
        put_time(&w, "contract_end", r.contract_end);
        (void)dsg_json_out_object_end(&w);
    }
    (void)dsg_json_out_array_end(&w);
    (void)dsg_json_out_object_end(&w);
    dsgd_share_record r = record_of(0, 0, "area", "View", "areas-listed");
    snprintf(r.site_id, sizeof r.site_id, "-");
    snprintf(r.data, sizeof r.data, "areas=%zu", a.n);
    send_document(x, record(x, &r), &w, buf);
}

/* ---- GET folder ------------------------------------------------------------------ */

typedef struct listing {
    struct xch *x;
    dsg_json_out *w;
    const dsg_access_object *parent;
    size_t n_grants;
    unsigned shown;
    int truncated;           /* the rest did not fit in LISTING_MAX */
} listing;

/* A child goes into the listing when the account may list it (its own
 * ancestry: the folder's and its id), and a file without a clean version
 * only for the account that uploaded its newest version (REQ-SHARE-014). */
static int add_child(const dsg_child_row *c, void *ctx)
{
    listing *l = ctx;
    dsg_access_object obj = *l->parent;
    size_t which;
    if (obj.depth >= DSG_ACCESS_MAX_DEPTH)
        return 0;
    obj.chain[obj.depth++] = c->id;
    dsg_access_req req = request_of(&l->x->w, &obj, DSG_ACCESS_LIST);
    if (dsg_access_decide(grants, l->n_grants, &req, &which) != DSG_ACCESS_ALLOW)
        return 0;
    if (c->kind == DSG_CHILD_FILE && c->state != DSG_VERSION_CLEAN &&
        strcmp(c->uploaded_by, l->x->w.user) != 0)
        return 0;
    if (l->truncated || l->w->len > LISTING_MAX - 2048) {
        l->truncated = 1;    /* the document says so */
        return 0;
    }
    (void)dsg_json_out_object_begin(l->w);
    put_text(l->w, "kind", c->kind == DSG_CHILD_FOLDER ? "folder" : "file");
    put_int(l->w, "id", c->id);
    put_text(l->w, "name", c->name);
    if (c->kind == DSG_CHILD_FILE) {
        put_int(l->w, "version", c->version);
        put_int(l->w, "size", c->size);
        put_text(l->w, "uploaded_by", c->uploaded_by);
        put_time(l->w, "uploaded_at", c->uploaded_at);
        put_text(l->w, "state", dsg_version_state_name(c->state));
    }
    (void)dsg_json_out_object_end(l->w);
    l->shown++;
    return 0;
}

/* The live folder of id `key` in the query, its row and its object. 1,
 * or 0 after answering (a bad id, no such folder or a deleted one, a
 * storage error). */
static int folder_of(struct xch *x, const char *key, dsg_folder_row *f, dsg_access_object *obj)
{
    char err[200];
    int64_t id = 0;
    int got;
    if (query_id(x, key, &id) != 1) {
        refuse(x, 400, "bad_request", "the folder's id is missing or malformed");
        return 0;
    }
    if ((got = dsg_folder_store_get(db, id, f, err, sizeof err)) == 1 && f->deleted_at != 0)
        got = 0;
    if (got == 1)
        got = dsg_grant_store_object(db, f->area, id, obj, err, sizeof err);
    if (got < 0)
        storage_failed(x, "folder", err);
    else if (got == 0)
        not_found(x);
    return got == 1;
}

static void get_folder(struct xch *x)
{
    dsg_folder_row f;
    dsg_access_object obj;
    char err[200];
    int n;
    if (!folder_of(x, "id", &f, &obj))
        return;
    if ((n = load_grants(f.area)) < 0) {
        storage_failed(x, "grants", "cannot be read");
        return;
    }
    if (decide(&x->w, &obj, DSG_ACCESS_LIST) != 1) {
        denied(x, &obj, "folder", DSG_ACCESS_LIST);
        return;
    }
    dsg_json_out w;
    uint8_t *buf = document(&w);
    listing l = { x, &w, &obj, (size_t)n, 0, 0 };
    int history = decide(&x->w, &obj, DSG_ACCESS_HISTORY) == 1;
    (void)dsg_json_out_object_begin(&w);
    put_int(&w, "folder", f.id);
    put_int(&w, "area", f.area);
    put_text(&w, "name", f.name);
    put_bool(&w, "history", history);
    (void)dsg_json_out_key(&w, (const uint8_t *)"parent", 6);
    (void)(f.parent != 0 ? dsg_json_out_int(&w, f.parent) : dsg_json_out_null(&w));
    (void)dsg_json_out_key(&w, (const uint8_t *)"children", 8);
    (void)dsg_json_out_array_begin(&w);
    if (buf != NULL && dsg_folder_store_each_child(db, f.id, add_child, &l, err, sizeof err) < 0) {
        free(buf);
        storage_failed(x, "listing", err);
        return;
    }
    (void)dsg_json_out_array_end(&w);
    if (l.truncated) {
        (void)dsg_json_out_key(&w, (const uint8_t *)"truncated", 9);
        (void)dsg_json_out_bool(&w, 1);
    }
    (void)dsg_json_out_object_end(&w);
    dsgd_share_record r = record_of(f.area, f.id, "folder", "View", "folder-listed");
    folder_path(f.id, r.location, sizeof r.location);
    snprintf(r.data, sizeof r.data, "items=%u", l.shown);
    send_document(x, record(x, &r), &w, buf);
}

/* ---- files: versions, download ------------------------------------------------------ */

/* The live file of id `file` in the query, its row and its object; 1, or 0
 * after answering. */
static int file_of(struct xch *x, dsg_file_row *f, dsg_access_object *obj)
{
    char err[200];
    int64_t id = 0;
    int got;
    if (query_id(x, "file", &id) != 1) {
        refuse(x, 400, "bad_request", "the file's id is missing or malformed");
        return 0;
    }
    if ((got = dsg_file_store_get(db, id, f, err, sizeof err)) == 1 && f->deleted_at != 0)
        got = 0;
    if (got == 1)
        got = dsg_file_store_object(db, id, obj, err, sizeof err);
    if (got < 0)
        storage_failed(x, "file", err);
    else if (got == 0)
        not_found(x);
    return got == 1;
}

static int add_version(const dsg_version_row *v, void *ctx)
{
    dsg_json_out *w = ctx;
    (void)dsg_json_out_object_begin(w);
    put_int(w, "version", v->version);
    put_int(w, "size", v->size);
    if (v->has_sha256)
        put_hex(w, "sha256", v->sha256, sizeof v->sha256);
    put_text(w, "uploaded_by", v->uploaded_by);
    put_time(w, "uploaded_at", v->uploaded_at);
    put_text(w, "state", dsg_version_state_name(v->state));
    (void)dsg_json_out_object_end(w);
    return 0;
}

/* The newest version's uploader (fn of dsg_file_store_each_version). */
static int newest_uploader(const dsg_version_row *v, void *ctx)
{
    char *by = ctx;
    if (by[0] == '\0')
        snprintf(by, DSG_AREA_ACTOR_MAX + 1, "%s", v->uploaded_by);
    return 0;
}

/* A file is shown to those who may read it once it has a clean version,
 * and before that only to the uploader of its newest version, as in a
 * listing (REQ-SHARE-014). 1, 0, or -1 on a storage error. */
static int shown_to(const struct xch *x, const dsg_file_row *f)
{
    dsg_version_row v;
    char err[200], by[DSG_AREA_ACTOR_MAX + 1] = "";
    int got = dsg_file_store_latest(db, f->id, &v, err, sizeof err);
    if (got != 0)
        return got;
    if (dsg_file_store_each_version(db, f->id, newest_uploader, by, err, sizeof err) != 0)
        return -1;
    return strcmp(by, x->w.user) == 0;
}

static void get_versions(struct xch *x)
{
    dsg_file_row f;
    dsg_access_object obj;
    char err[200];
    if (!file_of(x, &f, &obj))
        return;
    if (decide(&x->w, &obj, DSG_ACCESS_READ) != 1) {
        denied(x, &obj, "file", DSG_ACCESS_READ);
        return;
    }
    int shown = shown_to(x, &f);
    if (shown <= 0) {
        if (shown < 0)
            storage_failed(x, "versions", "cannot be read");
        else
            not_found(x);
        return;
    }
    dsg_json_out w;
    uint8_t *buf = document(&w);
    int history = decide(&x->w, &obj, DSG_ACCESS_HISTORY) == 1;
    (void)dsg_json_out_object_begin(&w);
    put_int(&w, "file", f.id);
    put_text(&w, "name", f.name);
    put_bool(&w, "history", history);
    (void)dsg_json_out_key(&w, (const uint8_t *)"versions", 8);
    (void)dsg_json_out_array_begin(&w);
    if (buf != NULL && dsg_file_store_each_version(db, f.id, add_version, &w, err, sizeof err) < 0) {
        free(buf);
        storage_failed(x, "versions", err);
        return;
    }
    (void)dsg_json_out_array_end(&w);
    (void)dsg_json_out_object_end(&w);
    dsgd_share_record r = record_of(f.area, f.id, "file", "View", "versions-listed");
    folder_path(f.folder, r.location, sizeof r.location);
    send_document(x, record(x, &r), &w, buf);
}

/* The version a download asks for (`version`, else the newest clean one):
 * 1 and *v, or 0 after answering. */
static int version_of(struct xch *x, const dsg_file_row *f, dsg_version_row *v)
{
    char err[200];
    int64_t n = 0;
    int got, asked = query_id(x, "version", &n);
    if (asked < 0) {
        refuse(x, 400, "bad_request", "the version is malformed");
        return 0;
    }
    got = asked == 1 ? dsg_file_store_get_version(db, f->id, n, v, err, sizeof err)
                     : dsg_file_store_latest(db, f->id, v, err, sizeof err);
    if (got < 0)
        storage_failed(x, "version", err);
    else if (got == 0)
        not_found(x);
    else if (v->state != DSG_VERSION_CLEAN)
        refuse(x, 409, "not_clean", "that version is not released: the scanner has not cleared it");
    return got == 1 && v->state == DSG_VERSION_CLEAN;
}

static void get_download(struct xch *x)
{
    dsg_file_row f;
    dsg_version_row v;
    dsg_access_object obj;
    dsg_cap cap;
    char disposition[DSGD_XCH_DISPOSITION_MAX + 1];
    size_t dlen = 0;
    int n;
    if (!file_of(x, &f, &obj))
        return;
    if ((n = load_grants(f.area)) < 0) {
        storage_failed(x, "grants", "cannot be read");
        return;
    }
    if (decide(&x->w, &obj, DSG_ACCESS_READ) != 1) {
        denied(x, &obj, "file", DSG_ACCESS_READ);
        return;
    }
    int shown = shown_to(x, &f);
    if (shown <= 0) {   /* a file no listing shows the account: as if absent */
        if (shown < 0)
            storage_failed(x, "download", "cannot be read");
        else
            not_found(x);
        return;
    }
    if (!version_of(x, &f, &v))
        return;
    dsg_access_req req = request_of(&x->w, &obj, DSG_ACCESS_READ);
    if (dsg_cap_mint(grants, (size_t)n, &req, v.object_id, (uint64_t)v.version, now_ms(), &cap) !=
            0 ||
        dsg_obj_get_open(objects, &cap, &x->get) != DSG_OBJ_OK ||
        dsg_dispo_attachment((const uint8_t *)f.name, strlen(f.name), disposition,
                             sizeof disposition, &dlen) != 0) {
        dsgd_log("share: file %" PRId64 " version %" PRId64 ": %s", f.id, v.version,
                 dsg_obj_store_error(objects));
        refuse(x, 503, "storage", "the file could not be opened; try again later");
        return;
    }
    x->area = f.area;
    x->file = f.id;
    x->version = v.version;
    dsgd_share_record r = record_of(f.area, f.id, "version", "View", "file-downloaded");
    folder_path(f.folder, r.location, sizeof r.location);
    snprintf(r.data, sizeof r.data, "version=%" PRId64 "; size=%" PRId64, v.version, v.size);
    dsgd_xch_stream s = { .id = x->id, .status = 200, .length = (uint64_t)v.size,
                          .type = "application/octet-stream", .type_len = 24,
                          .disposition = disposition, .disposition_len = dlen };
    x->streaming = 1;
    if (dsgd_role_http_stream_recorded(record(x, &r), &s) != 0) {
        dsgd_log("share: cannot stream exchange %u", x->id);
        release(x);
    }
}

/* ---- POST download-bulk (REQ-MFA-015, REQ-SHARE-013) ------------------------------ */

static void stored_data_failed(struct xch *x, dsg_obj_status st);

/* A positive decimal id of at most 18 digits. 0, or -1. */
static int json_id(const struct xch *x, const dsg_json_tok *v, int64_t *out)
{
    char digits[20];
    if (v->type != DSG_JSON_NUMBER || v->len == 0 || v->len > 18)
        return -1;
    memcpy(digits, x->body + v->start, v->len);
    digits[v->len] = '\0';
    if (strspn(digits, "0123456789") != v->len || digits[0] == '0')
        return -1;
    *out = strtoll(digits, NULL, 10);
    return 0;
}

static int json_key_is(const struct xch *x, const dsg_json_tok *k, const char *name)
{
    uint8_t t[16];
    size_t n = 0;
    return dsg_json_string_value(x->body, x->body_len, k, t, sizeof t, &n) == DSG_JSON_OK &&
           n == strlen(name) && memcmp(t, name, n) == 0;
}

/* One element of "files": an id, or {"file": id} with "version": n or
 * without. 0, or -1. */
static int bulk_element(const struct xch *x, const dsg_json_tok *t, bulk_item *it)
{
    int have_file = 0;
    it->version = 0;
    if (t[0].type == DSG_JSON_NUMBER)
        return json_id(x, &t[0], &it->file);
    if (t[0].type != DSG_JSON_OBJECT || t[0].size < 1 || t[0].size > 2)
        return -1;
    for (size_t i = 0, k = 1; i < t[0].size; i++, k += 2) {   /* scalar members only */
        if (json_key_is(x, &t[k], "file") && json_id(x, &t[k + 1], &it->file) == 0)
            have_file = 1;
        else if (!json_key_is(x, &t[k], "version") || json_id(x, &t[k + 1], &it->version) != 0)
            return -1;
    }
    return have_file ? 0 : -1;
}

/* The body {"files": [...]} into b->items[0 .. b->n): 0, -1 when it is not
 * that with 1 .. BULK_MAX files, -2 out of memory. */
static int bulk_parse(const struct xch *x, struct bulk *b)
{
    size_t cap = 3 + 5 * (size_t)BULK_MAX, nt = 0, at = 0;
    dsg_json_tok *t = malloc(cap * sizeof *t);
    int rc = -1;
    if (t == NULL)
        return -2;
    if (x->body_len <= BULK_BODY_MAX &&
        dsg_json_tokenize(x->body, x->body_len, 4, t, cap, &nt, &at) == DSG_JSON_OK &&
        dsg_json_check_keys(x->body, x->body_len, t, nt, &at) == DSG_JSON_OK &&
        t[0].type == DSG_JSON_OBJECT && t[0].size == 1 && json_key_is(x, &t[1], "files") &&
        t[2].type == DSG_JSON_ARRAY && t[2].size >= 1 && t[2].size <= BULK_MAX) {
        b->n = t[2].size;
        b->items = calloc(b->n, sizeof *b->items);
        rc = b->items != NULL ? 0 : -2;
        for (size_t i = 0, k = 3; rc == 0 && i < b->n; i++, k = t[k].next)
            rc = bulk_element(x, &t[k], &b->items[i]);
    }
    free(t);
    return rc;
}

/* Decides one file as a single download does (the file live and shown to
 * the account, READ allowed, the version asked or the newest clean one,
 * clean): 1 with what the archive needs, or 0 after answering for the
 * whole request -- 403/404 as denied() answers, 404, 409 not_clean --
 * without naming any item. */
static int bulk_check(struct xch *x, bulk_item *it)
{
    dsg_file_row f;
    dsg_version_row v;
    dsg_access_object obj;
    if (it->version > 0)
        snprintf(x->query, sizeof x->query, "file=%" PRId64 "&version=%" PRId64, it->file,
                 it->version);
    else
        snprintf(x->query, sizeof x->query, "file=%" PRId64, it->file);
    if (!file_of(x, &f, &obj))
        return 0;
    if (decide(&x->w, &obj, DSG_ACCESS_READ) != 1) {
        denied(x, &obj, "file", DSG_ACCESS_READ);
        return 0;
    }
    int shown = shown_to(x, &f);
    if (shown <= 0) {
        if (shown < 0)
            storage_failed(x, "download", "cannot be read");
        else
            not_found(x);
        return 0;
    }
    if (!version_of(x, &f, &v))
        return 0;
    it->version = v.version;
    it->area = f.area;
    it->folder = f.folder;
    it->size = v.size;
    it->mtime = v.uploaded_at;
    snprintf(it->name, sizeof it->name, "%s", f.name);
    return 1;
}

static uint64_t name_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;   /* FNV-1a */
    for (; *s != '\0'; s++)
        h = (h ^ (uint8_t)*s) * 1099511628211ull;
    return h;
}

static int name_taken(const struct bulk *b, size_t upto, const char *name)
{
    for (size_t j = 0; j < upto; j++)
        if (strcmp(b->items[j].name, name) == 0)
            return 1;
    return 0;
}

/* items[i]'s name made unique among the names before it: "name (k).ext",
 * k counting from 2 past the earlier files of the same name. */
static void unique_name(struct bulk *b, size_t i)
{
    bulk_item *it = &b->items[i];
    char base[DSG_TAR_NAME_MAX + 1];
    unsigned same = 1;
    it->name_hash = name_hash(it->name);
    for (size_t j = 0; j < i; j++)
        same += b->items[j].name_hash == it->name_hash;
    if (!name_taken(b, i, it->name))
        return;
    snprintf(base, sizeof base, "%s", it->name);
    const char *dot = strrchr(base, '.');
    int stem = dot != NULL && dot != base ? (int)(dot - base) : (int)strlen(base);
    unsigned k = same < 2 ? 2 : same;
    do
        snprintf(it->name, sizeof it->name, "%.*s (%u)%s", stem, base, k++, base + stem);
    while (name_taken(b, i, it->name));
}

/* The archive's length: every entry and the end blocks; 0 when a name
 * cannot be an entry's or the sum does not fit in 64 bits. */
static uint64_t bulk_length(const struct bulk *b)
{
    uint64_t total = DSG_TAR_END_LEN;
    for (size_t i = 0; i < b->n; i++) {
        const bulk_item *it = &b->items[i];
        dsg_tar_entry e = { (const uint8_t *)it->name, strlen(it->name), (uint64_t)it->size,
                            it->mtime };
        uint64_t len = dsg_tar_entry_len(&e);
        if (len == 0 || len > UINT64_MAX - total)
            return 0;
        total += len;
    }
    return total;
}

/* Records each file as a single download is, then the bulk download with
 * the count; the ticket the answer waits for (the last record's), 0 when
 * any record was dropped: the answer becomes 503. */
static uint32_t bulk_records(struct xch *x, const struct bulk *b, uint64_t length)
{
    uint32_t ticket = 0;
    int lost = 0;
    int64_t area = b->items[0].area;
    for (size_t i = 0; i < b->n; i++) {
        const bulk_item *it = &b->items[i];
        dsgd_share_record r = record_of(it->area, it->file, "version", "View", "file-downloaded");
        folder_path(it->folder, r.location, sizeof r.location);
        snprintf(r.data, sizeof r.data, "version=%" PRId64 "; size=%" PRId64 "; bulk",
                 it->version, it->size);
        lost |= record(x, &r) == 0;
        if (it->area != area)
            area = 0;
    }
    dsgd_share_record r = record_of(area, 0, "file", "View", "bulk-download");
    if (area == 0)
        snprintf(r.site_id, sizeof r.site_id, "-");
    snprintf(r.item_id, sizeof r.item_id, "-");
    snprintf(r.data, sizeof r.data, "files=%zu; bytes=%" PRIu64, b->n, length);
    ticket = record(x, &r);
    return lost ? 0 : ticket;
}

/* The answer's head: a POSIX tar, as an attachment named after the time. */
static void bulk_stream(struct xch *x, uint32_t ticket, uint64_t length)
{
    char name[48], disposition[DSGD_XCH_DISPOSITION_MAX + 1];
    size_t dlen = 0;
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm) == NULL || strftime(name, sizeof name, "files-%Y%m%d-%H%M%S.tar",
                                                &tm) == 0 ||
        dsg_dispo_attachment((const uint8_t *)name, strlen(name), disposition,
                             sizeof disposition, &dlen) != 0) {
        refuse(x, 503, "storage", "the archive could not be begun; try again later");
        return;
    }
    dsgd_xch_stream s = { .id = x->id, .status = 200, .length = length,
                          .type = "application/x-tar", .type_len = 17,
                          .disposition = disposition, .disposition_len = dlen };
    x->streaming = 1;
    if (dsgd_role_http_stream_recorded(ticket, &s) != 0) {
        dsgd_log("share: cannot stream exchange %u", x->id);
        release(x);
    }
}

/* More than share.bulk_download_threshold files under a login older than
 * auth.reauth_max_age: both factors again first (REQ-MFA-015). */
static void reauth_required(struct xch *x, size_t n)
{
    dsgd_share_record r = record_of(0, 0, "file", "Custom", "reauth-required");
    snprintf(r.site_id, sizeof r.site_id, "-");
    snprintf(r.item_id, sizeof r.item_id, "-");
    snprintf(r.data, sizeof r.data, "bulk download of %zu files; threshold=%u", n,
             bulk_threshold);
    answer_error(x, record(x, &r), 401, "reauth_required",
                 "downloading this many files at once needs a login with both factors younger "
                 "than auth.reauth_max_age: log in again");
}

static void post_bulk(struct xch *x)
{
    struct bulk *b = calloc(1, sizeof *b);
    int rc = b != NULL ? bulk_parse(x, b) : -2;
    if (b != NULL)
        x->bulk = b;   /* release() frees it whatever the answer */
    if (rc != 0) {
        if (rc == -2)
            refuse(x, 503, "busy", "out of memory; try again later");
        else
            refuse(x, 400, "bad_request", "the body is not {\"files\": [id or {\"file\": id, "
                                          "\"version\": n}, ...]} with 1 to 100 files");
        return;
    }
    if (b->n > bulk_threshold && !x->w.fresh) {
        reauth_required(x, b->n);
        return;
    }
    for (size_t i = 0; i < b->n; i++) {
        if (!bulk_check(x, &b->items[i]))
            return;   /* answered, nothing sent */
        unique_name(b, i);
    }
    uint64_t length = bulk_length(b);
    if (length == 0) {
        refuse(x, 422, "unsupported_name", "a file's name cannot be an archive entry's");
        return;
    }
    bulk_stream(x, bulk_records(x, b, length), length);
}

/* Opens items[at] for reading: the decision again, since the grants may
 * have changed while the files before it went out, the capability it
 * alone mints, the store's verified reader; its header blocks into buf.
 * 0, or -1 (logged). */
static int bulk_open(struct xch *x)
{
    struct bulk *b = x->bulk;
    const bulk_item *it = &b->items[b->at];
    dsg_file_row f;
    dsg_version_row v;
    dsg_access_object obj;
    dsg_cap cap;
    char err[200] = "";
    int n = -1;
    if (dsg_file_store_get(db, it->file, &f, err, sizeof err) != 1 || f.deleted_at != 0 ||
        dsg_file_store_object(db, it->file, &obj, err, sizeof err) != 1 ||
        dsg_file_store_get_version(db, it->file, it->version, &v, err, sizeof err) != 1 ||
        v.state != DSG_VERSION_CLEAN || v.size != it->size || (n = load_grants(f.area)) < 0) {
        dsgd_log("share: bulk download %u: file %" PRId64 " is gone or changed %s", x->id,
                 it->file, err);
        return -1;
    }
    dsg_access_req req = request_of(&x->w, &obj, DSG_ACCESS_READ);
    if (dsg_cap_mint(grants, (size_t)n, &req, v.object_id, (uint64_t)v.version, now_ms(), &cap) !=
            0 ||
        dsg_obj_get_open(objects, &cap, &x->get) != DSG_OBJ_OK) {
        dsgd_log("share: bulk download %u: file %" PRId64 ": refused or %s", x->id, it->file,
                 dsg_obj_store_error(objects));
        return -1;
    }
    x->area = f.area;
    x->file = f.id;
    x->version = v.version;
    dsg_tar_entry e = { (const uint8_t *)it->name, strlen(it->name), (uint64_t)it->size,
                        it->mtime };
    b->buf_len = dsg_tar_head(b->buf, sizeof b->buf, &e);
    b->buf_off = 0;
    b->got = 0;
    return b->buf_len > 0 ? 0 : -1;
}

/* Content of the open file into out[*n .. cap); at its end its padding
 * goes into buf and the next file is due. 0, or -1 (a segment that does
 * not verify, on record, or a length other than the plan's). */
static int bulk_read(struct xch *x, uint8_t *out, size_t cap, size_t *n)
{
    struct bulk *b = x->bulk;
    uint64_t size = (uint64_t)b->items[b->at].size;
    size_t got = 0;
    dsg_obj_status st = dsg_obj_get_read(x->get, out + *n, cap - *n, &got);
    if (st != DSG_OBJ_OK) {
        dsgd_log("share: bulk download %u: %s", x->id, dsg_obj_store_error(objects));
        if (st == DSG_OBJ_ERR_INTEGRITY || st == (dsg_obj_status)DSG_OC_ERR_KEY)
            stored_data_failed(x, st);
        return -1;
    }
    b->got += got;
    *n += got;
    if (b->got > size || (got == 0 && b->got != size))
        return -1;
    if (got == 0) {
        dsg_obj_get_close(x->get);
        x->get = NULL;
        b->buf_len = dsg_tar_pad(size);
        memset(b->buf, 0, b->buf_len);
        b->buf_off = 0;
        b->at++;
    }
    return 0;
}

/* The next piece of the archive, as full as it goes. 0, or -1. */
static int bulk_fill(struct xch *x, uint8_t *out, size_t cap, size_t *n)
{
    struct bulk *b = x->bulk;
    *n = 0;
    while (*n < cap) {
        if (b->buf_off < b->buf_len) {
            size_t k = b->buf_len - b->buf_off < cap - *n ? b->buf_len - b->buf_off : cap - *n;
            memcpy(out + *n, b->buf + b->buf_off, k);
            b->buf_off += k;
            *n += k;
        } else if (x->get != NULL) {
            if (bulk_read(x, out, cap, n) != 0)
                return -1;
        } else if (b->at < b->n) {
            if (bulk_open(x) != 0)
                return -1;
        } else if (!b->ended) {
            memset(b->buf, 0, DSG_TAR_END_LEN);
            b->buf_len = DSG_TAR_END_LEN;
            b->buf_off = 0;
            b->ended = 1;
        } else {
            break;
        }
    }
    return 0;
}

/* A piece of the archive, or its end: complete, or aborted when a file
 * failed on its way (the client sees the archive short of its length). */
static void more_bulk(struct xch *x)
{
    static uint8_t piece[DSGD_XCH_DATA_MAX];
    size_t n = 0;
    int rc = bulk_fill(x, piece, sizeof piece, &n);
    if (rc == 0 && n > 0) {
        if (dsgd_role_http_data(x->id, piece, n) == 0)
            return;
        dsgd_log("share: exchange %u: a piece could not be sent: the download ends", x->id);
        rc = -1;
    }
    (void)dsgd_role_http_done(x->id, rc == 0);
    release(x);
}

/* ---- POST folders (REQ-SHARE-009) ------------------------------------------------------ */

static void post_folder(struct xch *x)
{
    char name[DSG_FOLDER_NAME_MAX + 1];
    int64_t parent = 0, id = 0;
    member m[] = { { "parent", NULL, 0, &parent }, { "name", name, sizeof name, NULL } };
    dsg_folder_row f;
    dsg_access_object obj;
    dsg_acct_problem p;
    char err[200], q[40];
    if (take_members(x, m, 2) != 0) {
        refuse(x, 400, "bad_request", "the body is not {\"parent\": id, \"name\": text}");
        return;
    }
    snprintf(q, sizeof q, "id=%" PRId64, parent);
    snprintf(x->query, sizeof x->query, "%s", q);
    if (!folder_of(x, "id", &f, &obj))
        return;
    if (decide(&x->w, &obj, DSG_ACCESS_CREATE_FOLDER) != 1) {
        denied(x, &obj, "folder", DSG_ACCESS_CREATE_FOLDER);
        return;
    }
    int rc = dsg_folder_store_create(db, parent, name, x->w.user, now_ms() / 1000, &id, &p);
    dsgd_share_record r = record_of(f.area, rc == 0 ? id : parent, "folder", "Create",
                                    rc == 0 ? "folder-created" : "folder-refused");
    folder_path(parent, r.location, sizeof r.location);
    snprintf(r.data, sizeof r.data, "name=%s%s%s", name, rc == 0 ? "" : "; refused: ",
             rc == 0 ? "" : p.code);
    uint32_t ticket = record(x, &r);
    if (rc != 0) {
        (void)err;
        answer_error(x, ticket, strcmp(p.code, "name_taken") == 0 ? 409
                                : strcmp(p.code, "storage") == 0  ? 503
                                                                   : 422,
                     p.code, p.message);
        return;
    }
    uint8_t out[64];
    int len = snprintf((char *)out, sizeof out, "{\"folder\":%" PRId64 "}", id);
    answer(x, ticket, 201, out, (size_t)len);
}

/* ---- uploads, step 1: POST uploads (REQ-SHARE-010, 011) ------------------------------- */

static struct upload *upload_slot(void)
{
    int64_t now = now_ms();
    char err[200];
    dsg_acct_problem p;
    for (unsigned i = 0; i < UPLOADS_MAX; i++) {
        struct upload *u = &uploads[i];
        if (u->key[0] != '\0' && u->expires <= now) {   /* never sent: the version fails */
            if (dsg_file_store_settle(db, u->slot.file, u->slot.version, DSG_VERSION_FAILED, -1,
                                      NULL, "the content never came", &p) != 0)
                dsgd_log("share: an expired upload: %s", p.message);
            (void)err;
            OPENSSL_cleanse(u, sizeof *u);
        }
    }
    for (unsigned i = 0; i < UPLOADS_MAX; i++)
        if (uploads[i].key[0] == '\0')
            return &uploads[i];
    return NULL;
}

/* The file-name policy (REQ-SHARE-001..004) on a name given to a file in
 * folder f: 0, or -1 after answering 422 with the refusal recorded under
 * the custom event name `refused`. */
static int name_allowed(struct xch *x, const dsg_folder_row *f, const char *name,
                        const char *refused)
{
    dsg_name_result res;
    char message[200], ext[DSG_EXT_TEXT_MAX + 1];
    dsg_name_verdict v = dsg_name_check((const uint8_t *)name, strlen(name), &no_extra, &res);
    if (v == DSG_NAME_ALLOWED)
        return 0;
    dsgd_share_record r = record_of(f->area, f->id, "folder", "Custom", refused);
    folder_path(f->id, r.location, sizeof r.location);
    if (v == DSG_NAME_FORBIDDEN) {
        memcpy(ext, res.ext->text, res.ext->len);
        ext[res.ext->len] = '\0';
        snprintf(message, sizeof message, "files ending in .%s may not be shared", ext);
    } else {
        snprintf(message, sizeof message, "the name breaks the rule %s",
                 dsg_name_rule_token(res.rule));
    }
    snprintf(r.data, sizeof r.data, "%s: %s",
             v == DSG_NAME_FORBIDDEN ? "forbidden_extension" : "invalid_name", message);
    answer_error(x, record(x, &r), 422,
                 v == DSG_NAME_FORBIDDEN ? "forbidden_extension" : "invalid_name", message);
    return -1;
}

/* The decision of an upload: UPLOAD on the folder for a new name,
 * NEW_VERSION on the live file of that name (REQ-SHARE-011); its object
 * into *obj and the operation into *op. 1 allowed, 0 denied, -1 error. */
static int upload_allowed(struct xch *x, const dsg_access_object *folder, const char *name,
                          dsg_access_object *obj, uint32_t *op)
{
    char err[200];
    int64_t file = dsg_file_store_find(db, folder->chain[folder->depth - 1], name, err,
                                       sizeof err);
    if (file < 0)
        return -1;
    *obj = *folder;
    *op = DSG_ACCESS_UPLOAD;
    if (file > 0) {
        if (dsg_file_store_object(db, file, obj, err, sizeof err) != 1)
            return -1;
        *op = DSG_ACCESS_NEW_VERSION;
    }
    return decide(&x->w, obj, *op);
}

/* The upload's capability: the decision again, now with the object and
 * version its bytes are to be stored under. 0, or -1. */
static int upload_cap(struct xch *x, const dsg_access_object *obj, uint32_t op,
                      const dsg_upload_slot *slot, dsg_cap *cap)
{
    int n = load_grants(obj->area);
    if (n < 0)
        return -1;
    dsg_access_req req = request_of(&x->w, obj, op);
    return dsg_cap_mint(grants, (size_t)n, &req, slot->object_id, (uint64_t)slot->version,
                        now_ms(), cap) == 0 ? 0 : -1;
}

static void answer_begun(struct xch *x, uint32_t ticket, const struct upload *u)
{
    uint8_t out[256];
    int len = snprintf((char *)out, sizeof out,
                       "{\"upload\":\"%s\",\"file\":%" PRId64 ",\"version\":%" PRId64
                       ",\"expires_in\":%d}",
                       u->key, u->slot.file, u->slot.version, UPLOAD_TTL_MS / 1000);
    answer(x, ticket, 201, out, (size_t)len);
}

/* An upload of a file called name, of size bytes, into folder: decided,
 * judged by the name policy and begun in the store (version pending,
 * recorded as upload-begun: the record's ticket in *ticket). Its slot, or
 * NULL after answering. */
static struct upload *begin_upload(struct xch *x, int64_t folder, const char *name,
                                   uint64_t size, uint32_t *ticket)
{
    char q[40];
    dsg_folder_row f;
    dsg_access_object fobj, obj;
    dsg_acct_problem p;
    uint32_t op;
    struct upload *u;
    uint8_t key[UPLOAD_KEY_BYTES];
    size_t klen = 0;
    snprintf(q, sizeof q, "id=%" PRId64, folder);
    snprintf(x->query, sizeof x->query, "%s", q);
    if (!folder_of(x, "id", &f, &fobj))
        return NULL;
    int allowed = upload_allowed(x, &fobj, name, &obj, &op);
    if (allowed < 0) {
        storage_failed(x, "upload", "the decision's records cannot be read");
        return NULL;
    }
    if (allowed == 0) {
        denied(x, &obj, op == DSG_ACCESS_UPLOAD ? "folder" : "file", op);
        return NULL;
    }
    if (name_allowed(x, &f, name, "upload-refused") != 0)
        return NULL;
    if (dsg_obj_store_room(objects, size) != DSG_OBJ_OK) {
        refuse(x, 507, "stor.no_space", "there is not room for a file of that size");
        return NULL;
    }
    if ((u = upload_slot()) == NULL) {
        refuse(x, 503, "busy", "too many uploads are under way; try again later");
        return NULL;
    }
    if (dsg_file_store_begin(db, f.id, name, x->w.user, now_ms() / 1000, &u->slot, &p) != 0) {
        refuse(x, strcmp(p.code, "name_taken") == 0 ? 409 : 422, p.code, p.message);
        return NULL;
    }
    if (RAND_bytes(key, sizeof key) != 1 ||
        dsg_b64url_encode(key, sizeof key, u->key, sizeof u->key, &klen) != DSG_B64URL_OK ||
        upload_cap(x, &obj, op, &u->slot, &u->cap) != 0) {
        memset(u, 0, sizeof *u);
        refuse(x, 503, "storage", "the upload could not be begun; try again later");
        return NULL;
    }
    u->key[klen] = '\0';
    snprintf(u->token, sizeof u->token, "%s", x->token);
    u->by = x->w;
    u->area = f.area;
    u->size = size;
    u->expires = now_ms() + UPLOAD_TTL_MS;
    snprintf(u->name, sizeof u->name, "%s", name);
    folder_path(f.id, u->location, sizeof u->location);
    dsgd_share_record r = record_of(f.area, u->slot.file, "file", "Custom", "upload-begun");
    snprintf(r.location, sizeof r.location, "%s", u->location);
    snprintf(r.data, sizeof r.data, "name=%.300s; version=%" PRId64 "; size=%" PRIu64, name,
             u->slot.version, size);
    *ticket = record(x, &r);
    return u;
}

static void post_upload(struct xch *x)
{
    char name[DSG_FILE_NAME_MAX + 1];
    int64_t folder = 0, size = 0;
    member m[] = { { "folder", NULL, 0, &folder }, { "name", name, sizeof name, NULL },
                   { "size", NULL, 0, &size } };
    struct upload *u;
    uint32_t ticket = 0;
    if (take_members(x, m, 3) != 0) {
        refuse(x, 400, "bad_request",
               "the body is not {\"folder\": id, \"name\": text, \"size\": bytes}");
        return;
    }
    if ((u = begin_upload(x, folder, name, (uint64_t)size, &ticket)) != NULL)
        answer_begun(x, ticket, u);
}

/* ---- uploads, step 2: PUT uploads/content (REQ-SHARE-010, 014, REQ-STOR-001) ---------- */

/* The upload named in x's query, if x presents the session that began it
 * and it has not expired; else NULL. */
static struct upload *upload_of(const struct xch *x)
{
    char key[UPLOAD_KEY_TEXT + 1];
    size_t tl = strlen(x->token);
    if (!query_upload(x, key))
        return NULL;
    for (unsigned i = 0; i < UPLOADS_MAX; i++) {
        struct upload *u = &uploads[i];
        if (u->key[0] == '\0' || CRYPTO_memcmp(u->key, key, UPLOAD_KEY_TEXT) != 0)
            continue;
        if (u->busy || u->expires <= now_ms() || tl == 0 || strlen(u->token) != tl ||
            CRYPTO_memcmp(u->token, x->token, tl) != 0)
            return NULL;
        return u;
    }
    return NULL;
}

/* The content of upload u begins: its bytes go to a temporary object
 * under the upload's capability and through the scanner as they arrive. */
static void content_start(struct xch *x, struct upload *u)
{
    x->up = u;
    x->w = u->by;
    u->busy = 1;   /* no other request may take it, and it does not expire meanwhile */
    u->expires = INT64_MAX;
    if (contract_over(u->area)) {   /* begun in the contract's last minute */
        x->broken = x->after_term = 1;
        return;
    }
    if (dsg_obj_put_begin(objects, &u->cap, &x->put) != DSG_OBJ_OK ||
        (x->scan = dsg_scan_new(DSG_SCAN_ENGINE_BUILTIN, u->size)) == NULL) {
        dsgd_log("share: upload of file %" PRId64 " version %" PRId64 ": %s", u->slot.file,
                 u->slot.version, dsg_obj_store_error(objects));
        x->broken = 1;
    }
    if (dsg_search_text_like(u->name))
        x->text = malloc(DSG_SEARCH_TEXT_MAX);   /* none: the name alone is indexed */
}

/* The content begins, for the upload named in x's query. 0, or -1 after
 * answering. */
static int content_begin(struct xch *x)
{
    struct upload *u = upload_of(x);
    if (u == NULL) {   /* whoever sent it: the session is not the upload's */
        dsgd_share_record r = record_of(0, 0, "file", "Custom", "access-denied");
        snprintf(r.site_id, sizeof r.site_id, "-");
        snprintf(r.data, sizeof r.data, "operation=upload-content; no open upload of this "
                 "session by that name");
        snprintf(x->w.user, sizeof x->w.user, "-");
        answer_error(x, record(x, &r), 403, "access_denied",
                     "no upload of yours by that name is open");
        return -1;
    }
    content_start(x, u);
    return 0;
}

static void content_piece(struct xch *x, const uint8_t *p, size_t len)
{
    if (x->broken)
        return;
    if (x->text != NULL && x->text_len < DSG_SEARCH_TEXT_MAX) {
        size_t take = DSG_SEARCH_TEXT_MAX - x->text_len < len ? DSG_SEARCH_TEXT_MAX - x->text_len
                                                               : len;
        memcpy(x->text + x->text_len, p, take);
        x->text_len += take;
    }
    x->got += len;
    if (x->got > x->up->size || dsg_obj_put_push(x->put, p, len) != DSG_OBJ_OK ||
        dsg_scan_push(x->scan, p, len) != 0)
        x->broken = 1;
}

/* The version fails (nothing of it is kept) with reason. */
static void content_failed(struct xch *x, const char *reason)
{
    dsg_acct_problem p;
    dsg_obj_put_abort(x->put);
    x->put = NULL;
    if (dsg_file_store_settle(db, x->up->slot.file, x->up->slot.version, DSG_VERSION_FAILED, -1,
                              NULL, reason, &p) != 0)
        dsgd_log("share: upload of file %" PRId64 " version %" PRId64 ": %s", x->up->slot.file,
                 x->up->slot.version, p.message);
}

static void upload_done(struct xch *x)
{
    OPENSSL_cleanse(x->up, sizeof *x->up);
    x->up = NULL;
}

/* The state a scan verdict gives a version: only CLEAN is released;
 * NOT_SCANNED is held, never taken for clean (REQ-SHARE-014). */
static dsg_version_state state_of(dsg_scan_verdict v)
{
    return v == DSG_SCAN_CLEAN ? DSG_VERSION_CLEAN
           : v == DSG_SCAN_INFECTED ? DSG_VERSION_INFECTED
                                    : DSG_VERSION_HELD;
}

static void content_answer(struct xch *x, uint32_t ticket, dsg_version_state st,
                           const dsg_scan_result *scan, uint64_t size, const uint8_t *sha)
{
    static const char hex[] = "0123456789abcdef";
    char digest[2 * DSG_OBJ_SHA256_LEN + 1];
    uint8_t out[512];
    for (unsigned i = 0; i < DSG_OBJ_SHA256_LEN; i++) {
        digest[2 * i] = hex[sha[i] >> 4];
        digest[2 * i + 1] = hex[sha[i] & 15];
    }
    digest[2 * DSG_OBJ_SHA256_LEN] = '\0';
    if (st == DSG_VERSION_INFECTED) {
        char message[256];
        snprintf(message, sizeof message, "the content was found infected (%s): it is "
                 "quarantined and never shared", scan->text);
        answer_error(x, ticket, 422, "infected", message);
        return;
    }
    int len = snprintf((char *)out, sizeof out,
                       "{\"file\":%" PRId64 ",\"version\":%" PRId64 ",\"size\":%" PRIu64
                       ",\"sha256\":\"%s\",\"state\":\"%s\"%s%s%s}",
                       x->up->slot.file, x->up->slot.version, size, digest,
                       dsg_version_state_name(st), st == DSG_VERSION_HELD ? ",\"reason\":\"" : "",
                       st == DSG_VERSION_HELD ? scan->text : "", st == DSG_VERSION_HELD ? "\"" : "");
    answer(x, ticket, st == DSG_VERSION_CLEAN ? 201 : 202, out, (size_t)len);
}

/* A clean version is found by its file's name and its text from now on
 * (REQ-SHARE-015). The file store is the truth: an index that fails is
 * logged and the upload stands. */
static void index_version(struct xch *x)
{
    char err[200];
    const struct upload *u = x->up;
    dsg_file_row f;
    /* the file as it is now: renamed or deleted while the content came */
    int got = dsg_file_store_get(db, u->slot.file, &f, err, sizeof err);
    if (got != 1 || f.deleted_at != 0) {
        if (got < 0)
            dsgd_log("share: file %" PRId64 " is not in the search index: %s", u->slot.file, err);
        return;
    }
    if (dsg_search_put_name(search, u->area, f.id, f.name, err, sizeof err) != 0 ||
        (x->text != NULL ? dsg_search_put_text(search, u->area, f.id, u->slot.version, x->text,
                                               x->text_len, err, sizeof err) < 0
                         : dsg_search_forget_text(search, f.id, err, sizeof err) != 0))
        dsgd_log("share: file %" PRId64 " is not in the search index: %s", f.id, err);
}

/* An infected upload, quarantined, is also a マルウェア検知ログ record
 * (REQ-SHARE-014); the answer waits for the 監査ログ record queued after
 * it. */
static void detected(const struct xch *x, const dsg_scan_result *scan, uint64_t size,
                     const uint8_t *sha)
{
    char digest[2 * DSG_OBJ_SHA256_LEN + 1];
    for (unsigned i = 0; i < DSG_OBJ_SHA256_LEN; i++)
        snprintf(digest + 2 * i, 3, "%02x", sha[i]);
    dsgd_share_detection d = { x->w.addr, x->w.user, x->up->name, x->up->location, digest,
                               size, scan->text, scan->engine };
    (void)dsgd_share_detection_record(&d);
}

/* The content is complete: committed, judged, settled and recorded. */
static void content_end(struct xch *x)
{
    uint8_t sha[DSG_OBJ_SHA256_LEN];
    uint64_t size = 0;
    dsg_scan_result scan;
    dsg_acct_problem p;
    struct upload *u = x->up;
    dsgd_share_record r = record_of(u->area, u->slot.file, "version", "Create", "file-uploaded");
    snprintf(r.location, sizeof r.location, "%s", u->location);
    if (x->broken || x->got != u->size) {
        int mismatch = !x->after_term && x->got != u->size;
        const char *why = x->after_term ? "contract ended" : mismatch ? "size mismatch" : "storage failed";
        content_failed(x, why);
        r.custom = "upload-refused";
        snprintf(r.data, sizeof r.data, "name=%.300s; version=%" PRId64 "; %s", u->name,
                 u->slot.version, mismatch ? "size_mismatch" : why);
        uint32_t ticket = record(x, &r);
        upload_done(x);
        if (x->after_term)
            answer_contract_ended(x, ticket);
        else
            answer_error(x, ticket, mismatch ? 400 : 503, mismatch ? "size_mismatch" : "storage",
                         mismatch ? "the content's length is not the size announced"
                                  : "the content could not be stored; try again");
        return;
    }
    dsg_scan_verdict v = dsg_scan_finish(x->scan, &scan);
    dsg_version_state st = state_of(v);
    dsg_obj_status os = dsg_obj_put_commit(x->put, &size, sha);
    x->put = NULL;   /* committed or not, the put is over */
    if (os != DSG_OBJ_OK ||
        dsg_file_store_settle(db, u->slot.file, u->slot.version, st, (int64_t)size, sha,
                              st == DSG_VERSION_CLEAN ? "" : scan.text, &p) != 0) {
        dsgd_log("share: upload of file %" PRId64 " version %" PRId64 ": %s", u->slot.file,
                 u->slot.version, os != DSG_OBJ_OK ? dsg_obj_store_error(objects) : p.message);
        if (os != DSG_OBJ_OK)
            (void)dsg_file_store_settle(db, u->slot.file, u->slot.version, DSG_VERSION_FAILED, -1,
                                        NULL, "storage failed", &p);
        upload_done(x);
        refuse(x, 503, "storage", "the content could not be stored; try again");
        return;
    }
    if (st == DSG_VERSION_CLEAN)
        index_version(x);
    if (st == DSG_VERSION_INFECTED) {
        r.custom = "upload-infected";
        detected(x, &scan, size, sha);
    }
    snprintf(r.data, sizeof r.data, "name=%.300s; version=%" PRId64 "; size=%" PRIu64
             "; state=%s%s%s", u->name, u->slot.version, size, dsg_version_state_name(st),
             st == DSG_VERSION_CLEAN ? "" : "; ", st == DSG_VERSION_CLEAN ? "" : scan.text);
    uint32_t ticket = record(x, &r);
    content_answer(x, ticket, st, &scan, size, sha);   /* x is released */
    OPENSSL_cleanse(u, sizeof *u);
}

/* ---- rename, move, delete (REQ-SHARE-012) -------------------------------------------- */

/* RENAME on the item of obj, and LIST on the folder holding it: a new
 * name that clashes with an item beside it is refused naming the clash,
 * which only an account that may list that folder may learn
 * (REQ-SHARE-008). 1, or 0 after answering as a denied rename. An area's
 * root has no holder (and is never renamed: the store says so). */
static int may_rename(struct xch *x, const dsg_access_object *obj, const char *type)
{
    dsg_access_object holder = *obj;
    holder.depth--;
    if (decide(&x->w, obj, DSG_ACCESS_RENAME) == 1 &&
        (holder.depth == 0 || decide(&x->w, &holder, DSG_ACCESS_LIST) == 1))
        return 1;
    denied(x, obj, type, DSG_ACCESS_RENAME);
    return 0;
}

/* The file a JSON body's "file" member names, as file_of reads it from a
 * query. */
static int body_file(struct xch *x, int64_t id, dsg_file_row *f, dsg_access_object *obj)
{
    snprintf(x->query, sizeof x->query, "file=%" PRId64, id);
    return file_of(x, f, obj);
}

/* The change's answer, {KEY:I} (KEY "file" or "folder"), after its
 * record; a store's refusal is 409 for a name taken, 422 otherwise. */
static void changed(struct xch *x, int rc, const dsg_acct_problem *p, dsgd_share_record *r,
                    const char *key, int64_t item)
{
    uint8_t out[64];
    if (rc != 0) {
        r->custom = "change-refused";
        size_t at = strlen(r->data);
        snprintf(r->data + at, sizeof r->data - at, "; refused: %s", p->code);
    }
    uint32_t ticket = record(x, r);
    if (rc != 0) {
        answer_error(x, ticket, strcmp(p->code, "name_taken") == 0 ? 409
                                : strcmp(p->code, "storage") == 0  ? 503
                                                                    : 422,
                     p->code, p->message);
        return;
    }
    int len = snprintf((char *)out, sizeof out, "{\"%s\":%" PRId64 "}", key, item);
    answer(x, ticket, 200, out, (size_t)len);
}

static void post_rename(struct xch *x)
{
    char name[DSG_FILE_NAME_MAX + 1], from[DSG_AREA_TEXT_MAX + 2];
    int64_t id = 0;
    member m[] = { { "file", NULL, 0, &id }, { "name", name, sizeof name, NULL } };
    dsg_file_row f;
    dsg_folder_row folder;
    dsg_access_object obj;
    dsg_acct_problem p;
    char err[200];
    if (take_members(x, m, 2) != 0) {
        refuse(x, 400, "bad_request", "the body is not {\"file\": id, \"name\": text}");
        return;
    }
    if (!body_file(x, id, &f, &obj))
        return;
    if (!may_rename(x, &obj, "file"))
        return;
    if (dsg_folder_store_get(db, f.folder, &folder, err, sizeof err) != 1) {
        storage_failed(x, "rename", err);
        return;
    }
    if (name_allowed(x, &folder, name, "change-refused") != 0)
        return;
    int rc = dsg_file_store_rename(db, f.id, name, &p);
    if (rc == 0 && dsg_search_put_name(search, f.area, f.id, name, err, sizeof err) != 0)
        dsgd_log("share: file %" PRId64 "'s new name is not in the search index: %s", f.id, err);
    dsgd_share_record r = record_of(f.area, f.id, "file", "Custom", "file-renamed");
    folder_path(f.folder, from, sizeof from);
    snprintf(r.location, sizeof r.location, "%s", from);
    snprintf(r.data, sizeof r.data, "from=%.280s; to=%.280s", f.name, name);
    changed(x, rc, &p, &r, "file", f.id);
}

/* A move is two decisions: MOVE on the file, UPLOAD on the folder that
 * receives it. */
static void post_move(struct xch *x)
{
    char from[DSG_AREA_TEXT_MAX + 2], to[DSG_AREA_TEXT_MAX + 2], q[40];
    int64_t id = 0, dest = 0;
    member m[] = { { "file", NULL, 0, &id }, { "folder", NULL, 0, &dest } };
    dsg_file_row f;
    dsg_folder_row d;
    dsg_access_object obj, dobj;
    dsg_acct_problem p;
    if (take_members(x, m, 2) != 0) {
        refuse(x, 400, "bad_request", "the body is not {\"file\": id, \"folder\": id}");
        return;
    }
    if (!body_file(x, id, &f, &obj))
        return;
    if (decide(&x->w, &obj, DSG_ACCESS_MOVE) != 1) {
        denied(x, &obj, "file", DSG_ACCESS_MOVE);
        return;
    }
    snprintf(q, sizeof q, "id=%" PRId64, dest);
    snprintf(x->query, sizeof x->query, "%s", q);
    if (!folder_of(x, "id", &d, &dobj))
        return;
    if (decide(&x->w, &dobj, DSG_ACCESS_UPLOAD) != 1) {
        denied(x, &dobj, "folder", DSG_ACCESS_UPLOAD);
        return;
    }
    int rc = dsg_file_store_move(db, f.id, d.id, &p);
    dsgd_share_record r = record_of(f.area, f.id, "file", "Custom", "file-moved");
    folder_path(f.folder, from, sizeof from);
    folder_path(d.id, to, sizeof to);
    snprintf(r.location, sizeof r.location, "%s", from);
    snprintf(r.data, sizeof r.data, "name=%.200s; from=%.200s; to=%.200s", f.name, from, to);
    changed(x, rc, &p, &r, "file", f.id);
}

/* A deleted file leaves listings; its versions stay on record. */
static void post_delete(struct xch *x)
{
    int64_t id = 0;
    member m[] = { { "file", NULL, 0, &id } };
    dsg_file_row f;
    dsg_access_object obj;
    dsg_acct_problem p;
    if (take_members(x, m, 1) != 0) {
        refuse(x, 400, "bad_request", "the body is not {\"file\": id}");
        return;
    }
    if (!body_file(x, id, &f, &obj))
        return;
    if (decide(&x->w, &obj, DSG_ACCESS_DELETE) != 1) {
        denied(x, &obj, "file", DSG_ACCESS_DELETE);
        return;
    }
    char err[200];
    int rc = dsg_file_store_delete(db, f.id, x->w.user, now_ms() / 1000, &p);
    if (rc == 0 && dsg_search_forget(search, f.id, err, sizeof err) != 0)
        dsgd_log("share: deleted file %" PRId64 " is still in the search index: %s", f.id, err);
    dsgd_share_record r = record_of(f.area, f.id, "file", "Delete", "file-deleted");
    folder_path(f.folder, r.location, sizeof r.location);
    snprintf(r.data, sizeof r.data, "name=%.300s", f.name);
    changed(x, rc, &p, &r, "file", f.id);
}

/* ---- folders: rename, move, delete (REQ-SHARE-012) ------------------------------------ */

/* The folder a JSON body's member names, as folder_of reads it from a
 * query. */
static int body_folder(struct xch *x, int64_t id, dsg_folder_row *f, dsg_access_object *obj)
{
    snprintf(x->query, sizeof x->query, "id=%" PRId64, id);
    return folder_of(x, "id", f, obj);
}

static void post_folder_rename(struct xch *x)
{
    char name[DSG_FOLDER_NAME_MAX + 1];
    int64_t id = 0;
    member m[] = { { "folder", NULL, 0, &id }, { "name", name, sizeof name, NULL } };
    dsg_folder_row f;
    dsg_access_object obj;
    dsg_acct_problem p;
    if (take_members(x, m, 2) != 0) {
        refuse(x, 400, "bad_request", "the body is not {\"folder\": id, \"name\": text}");
        return;
    }
    if (!body_folder(x, id, &f, &obj))
        return;
    if (!may_rename(x, &obj, "folder"))
        return;
    int rc = dsg_folder_store_rename(db, f.id, name, &p);
    dsgd_share_record r = record_of(f.area, f.id, "folder", "Custom", "folder-renamed");
    folder_path(f.parent, r.location, sizeof r.location);
    snprintf(r.data, sizeof r.data, "from=%.280s; to=%.280s", f.name, name);
    changed(x, rc, &p, &r, "folder", f.id);
}

/* A folder's move is two decisions, as a file's: MOVE on the folder,
 * CREATE_FOLDER on the folder that receives it. */
static void post_folder_move(struct xch *x)
{
    char from[DSG_AREA_TEXT_MAX + 2], to[DSG_AREA_TEXT_MAX + 2];
    int64_t id = 0, dest = 0;
    member m[] = { { "folder", NULL, 0, &id }, { "parent", NULL, 0, &dest } };
    dsg_folder_row f, d;
    dsg_access_object obj, dobj;
    dsg_acct_problem p;
    if (take_members(x, m, 2) != 0) {
        refuse(x, 400, "bad_request", "the body is not {\"folder\": id, \"parent\": id}");
        return;
    }
    if (!body_folder(x, id, &f, &obj))
        return;
    if (decide(&x->w, &obj, DSG_ACCESS_MOVE) != 1) {
        denied(x, &obj, "folder", DSG_ACCESS_MOVE);
        return;
    }
    if (!body_folder(x, dest, &d, &dobj))
        return;
    if (decide(&x->w, &dobj, DSG_ACCESS_CREATE_FOLDER) != 1) {
        denied(x, &dobj, "folder", DSG_ACCESS_CREATE_FOLDER);
        return;
    }
    folder_path(f.id, from, sizeof from);
    int rc = dsg_folder_store_move(db, f.id, d.id, &p);
    dsgd_share_record r = record_of(f.area, f.id, "folder", "Custom", "folder-moved");
    folder_path(rc == 0 ? f.id : d.id, to, sizeof to);   /* refused: the folder asked for */
    folder_path(f.parent, r.location, sizeof r.location);
    snprintf(r.data, sizeof r.data, "from=%s; to=%s", from, to);
    changed(x, rc, &p, &r, "folder", f.id);
}

/* Takes a file of a deleted folder out of the search index (fn of
 * dsg_folder_store_delete); the file store is the truth, so a failure is
 * logged and the rest go on. */
static int forget_file(int64_t file, void *ctx)
{
    char err[200];
    (void)ctx;
    if (dsg_search_forget(search, file, err, sizeof err) != 0)
        dsgd_log("share: deleted file %" PRId64 " is still in the search index: %s", file, err);
    return 0;
}

/* A deleted folder leaves listings with everything under it; the
 * versions stay on record. */
static void post_folder_delete(struct xch *x)
{
    int64_t id = 0;
    member m[] = { { "folder", NULL, 0, &id } };
    dsg_folder_row f;
    dsg_folder_deleted gone = { 0, 0 };
    dsg_access_object obj;
    dsg_acct_problem p;
    if (take_members(x, m, 1) != 0) {
        refuse(x, 400, "bad_request", "the body is not {\"folder\": id}");
        return;
    }
    if (!body_folder(x, id, &f, &obj))
        return;
    if (decide(&x->w, &obj, DSG_ACCESS_DELETE) != 1) {
        denied(x, &obj, "folder", DSG_ACCESS_DELETE);
        return;
    }
    int rc = dsg_folder_store_delete(db, f.id, x->w.user, now_ms() / 1000, forget_file, NULL,
                                     &gone, &p);
    dsgd_share_record r = record_of(f.area, f.id, "folder", "Delete", "folder-deleted");
    folder_path(f.parent, r.location, sizeof r.location);
    if (rc == 0)
        snprintf(r.data, sizeof r.data, "name=%.300s; folders=%zu; files=%zu", f.name,
                 gone.folders, gone.files);
    else
        snprintf(r.data, sizeof r.data, "name=%.300s", f.name);
    changed(x, rc, &p, &r, "folder", f.id);
}

/* ---- GET search (REQ-SHARE-015) ------------------------------------------------------- */

/* What a search asks: the words, where to look, and the filters. */
typedef struct search_ask {
    char q[DSG_SEARCH_QUERY_MAX + 1];
    dsg_search_scope scope;
    int64_t area, folder;                     /* 0: any the account may read */
    char uploader[DSG_AREA_ACTOR_MAX + 1];    /* "": anyone */
    int64_t from, to;                         /* the newest clean version's upload time */
    unsigned filters;                         /* how many of the above were given */
} search_ask;

/* A positive decimal id of at most 18 digits: 0 and *v, else -1. */
static int decimal_id(const char *s, int64_t *v)
{
    size_t n = strlen(s);
    if (n == 0 || n > 18 || s[0] == '0' || strspn(s, "0123456789") != n)
        return -1;
    *v = strtoll(s, NULL, 10);
    return 0;
}

/* One parameter of a search into *a: 0, or -1 with the problem in why. */
static int search_param(search_ask *a, const char *name, const char *value, const char **why)
{
    char canon[32];
    char err[160];
    size_t n = strlen(value);
    if (strcmp(name, "q") == 0) {
        if (n > DSG_SEARCH_QUERY_MAX)
            return *why = "q is longer than 256 bytes", -1;
        memcpy(a->q, value, n + 1);
        return 0;
    }
    a->filters++;
    if (strcmp(name, "scope") == 0) {
        a->scope = strcmp(value, "name") == 0 ? DSG_SEARCH_NAME
                   : strcmp(value, "text") == 0 ? DSG_SEARCH_TEXT
                   : strcmp(value, "all") == 0  ? DSG_SEARCH_ALL
                                                : (dsg_search_scope)0;
        return a->scope != 0 ? 0 : (*why = "scope is name, text or all", -1);
    }
    if (strcmp(name, "area") == 0)
        return decimal_id(value, &a->area) == 0 ? 0 : (*why = "area is not an id", -1);
    if (strcmp(name, "folder") == 0)
        return decimal_id(value, &a->folder) == 0 ? 0 : (*why = "folder is not an id", -1);
    if (strcmp(name, "uploader") == 0) {
        if (n == 0 || n > DSG_AREA_ACTOR_MAX)
            return *why = "uploader is not a user id", -1;
        memcpy(a->uploader, value, n + 1);
        return 0;
    }
    if (strcmp(name, "from") == 0 || strcmp(name, "to") == 0) {
        int64_t *t = name[0] == 'f' ? &a->from : &a->to;
        return dsg_audit_time_parse(value, t, canon, err, sizeof err) == 0
                   ? 0
                   : (*why = "from and to are times YYYY-MM-DDTHH:MM:SSZ", -1);
    }
    a->filters--;
    return *why = "unknown parameter: the parameters are q, scope, area, folder, uploader, "
                  "from and to", -1;
}

/* The field f of the request's query decoded into name and value, each
 * NUL-terminated: 0, or -1 when either does not fit or does not decode. */
static int query_field(const struct xch *x, const dsg_form_field *f, char *name, size_t ncap,
                       char *value, size_t vcap)
{
    size_t nl = 0, vl = 0;
    if (dsg_form_decode((const uint8_t *)x->query + f->name_off, f->name_len, (uint8_t *)name,
                        ncap - 1, &nl) != DSG_FORM_OK ||
        dsg_form_decode((const uint8_t *)x->query + f->value_off, f->value_len,
                        (uint8_t *)value, vcap - 1, &vl) != DSG_FORM_OK)
        return -1;
    name[nl] = '\0';
    value[vl] = '\0';
    return 0;
}

/* The query's parameters, each once, as a form (REQ-RUN-052): 0, or -1
 * with the problem in why. */
static int search_ask_of(const struct xch *x, search_ask *a, const char **why)
{
    dsg_form_field f[8];
    size_t count = 0, at = 0, len = strlen(x->query);
    unsigned seen = 0;
    static const char *const names[] = { "q", "scope", "area", "folder", "uploader", "from",
                                         "to" };
    memset(a, 0, sizeof *a);
    a->scope = DSG_SEARCH_ALL;
    a->to = INT64_MAX;
    if (dsg_form_parse((const uint8_t *)x->query, len, f, 8, &count, &at) != DSG_FORM_OK)
        return *why = "the query is not a form of at most 7 UTF-8 parameters", -1;
    for (size_t i = 0; i < count; i++) {
        char name[16], value[DSG_SEARCH_QUERY_MAX + 2];
        if (query_field(x, &f[i], name, sizeof name, value, sizeof value) != 0)
            return *why = "a parameter is too long", -1;
        for (unsigned k = 0; k < sizeof names / sizeof names[0]; k++)
            if (strcmp(name, names[k]) == 0 && (seen & 1u << k) != 0)
                return *why = "a parameter is given twice", -1;
            else if (strcmp(name, names[k]) == 0)
                seen |= 1u << k;
        if (search_param(a, name, value, why) != 0)
            return -1;
    }
    return 0;
}

/* The results of one search so far. */
typedef struct search_run {
    struct xch *x;
    const search_ask *ask;
    dsg_json_out *w;
    size_t n_grants;           /* of the area searched, in grants[] */
    unsigned shown;
    int truncated;
} search_run;

/* The file, shown when it lives, lies under the folder asked for, the
 * account may search there and read it (SEARCH and READ on the file: a
 * grant covers its folder's subtree) and its newest clean version passes
 * the filters. */
static int add_found(int64_t file, void *ctx)
{
    search_run *s = ctx;
    const search_ask *a = s->ask;
    dsg_file_row f;
    dsg_version_row v;
    dsg_access_object obj;
    size_t which, in = a->folder == 0;
    char err[200], path[DSG_AREA_TEXT_MAX + 2];
    if (dsg_file_store_get(db, file, &f, err, sizeof err) != 1 || f.deleted_at != 0 ||
        dsg_file_store_object(db, file, &obj, err, sizeof err) != 1)
        return 0;
    for (unsigned i = 0; i < obj.depth && !in; i++)
        in = obj.chain[i] == a->folder;
    dsg_access_req read = request_of(&s->x->w, &obj, DSG_ACCESS_READ);
    dsg_access_req find = request_of(&s->x->w, &obj, DSG_ACCESS_SEARCH);
    if (!in || dsg_access_decide(grants, s->n_grants, &find, &which) != DSG_ACCESS_ALLOW ||
        dsg_access_decide(grants, s->n_grants, &read, &which) != DSG_ACCESS_ALLOW ||
        dsg_file_store_latest(db, file, &v, err, sizeof err) != 1 ||
        (a->uploader[0] != '\0' && strcmp(a->uploader, v.uploaded_by) != 0) ||
        v.uploaded_at < a->from || v.uploaded_at > a->to)
        return 0;
    if (s->shown == SEARCH_RESULTS) {
        s->truncated = 1;
        return 1;
    }
    folder_path(f.folder, path, sizeof path);
    (void)dsg_json_out_object_begin(s->w);
    put_int(s->w, "file", f.id);
    put_int(s->w, "area", f.area);
    put_int(s->w, "folder", f.folder);
    put_text(s->w, "path", path);
    put_text(s->w, "name", f.name);
    put_int(s->w, "version", v.version);
    put_int(s->w, "size", v.size);
    put_text(s->w, "uploaded_by", v.uploaded_by);
    put_time(s->w, "uploaded_at", v.uploaded_at);
    (void)dsg_json_out_object_end(s->w);
    s->shown++;
    return 0;
}

/* The folder a search is asked for (`folder`, else the root of `area`)
 * into *obj, decided SEARCH (REQ-SHARE-007): 1; else 0 after answering
 * as any denied operation (404 for a folder the account may not list or
 * that does not exist, 403 access_denied, 403 contract_ended). */
static int search_scope(struct xch *x, const search_ask *ask, dsg_access_object *obj)
{
    char err[200];
    dsg_folder_row f;
    int64_t folder = ask->folder;
    int got = 1;
    if (folder == 0)
        got = dsg_area_store_each_folder(db, ask->area, root_of, &folder, err, sizeof err);
    if (got >= 0 && folder != 0)
        got = dsg_folder_store_get(db, folder, &f, err, sizeof err);
    if (got == 1 && f.deleted_at != 0)
        got = 0;   /* a deleted folder is one that never was */
    if (got == 1 && (ask->area == 0 || ask->area == f.area))
        got = dsg_grant_store_object(db, f.area, folder, obj, err, sizeof err);
    else if (got == 1)
        got = 0;   /* a folder of another area than the one asked */
    if (got < 0)
        storage_failed(x, "search", err);
    else if (got == 0 || folder == 0)
        not_found(x);
    else if (decide(&x->w, obj, DSG_ACCESS_SEARCH) != 1)
        denied(x, obj, "folder", DSG_ACCESS_SEARCH);
    else
        return 1;
    return 0;
}

/* The areas a search covers into a->seen: that of the folder it is asked
 * for, else every area where the account holds a grant in force. 0, or -1
 * after answering. */
static int search_areas(struct xch *x, const search_ask *ask, areas_ctx *a)
{
    char err[200];
    dsg_access_object obj;
    a->w = &x->w;
    a->n = 0;
    if (ask->area != 0 || ask->folder != 0) {
        if (!search_scope(x, ask, &obj))
            return -1;
        a->seen[a->n++] = obj.area;
        return 0;
    }
    if (dsg_grant_store_each_in_force(db, now_ms() / 1000, add_area, a, err, sizeof err) != 0) {
        storage_failed(x, "search", err);
        return -1;
    }
    return 0;
}

/* Why the index refuses a query's words. */
static const char *query_refusal(dsg_search_status st)
{
    return st == DSG_SEARCH_NO_WORDS       ? "q has no character to look for"
           : st == DSG_SEARCH_TOO_MANY_WORDS ? "q has more than 8 words"
           : st == DSG_SEARCH_TOO_LONG       ? "q is longer than 256 bytes"
           : st == DSG_SEARCH_BAD_TEXT       ? "q is not UTF-8"
                                             : "q cannot be searched";
}

/* Searches one area into s: 0, 1 when the index refuses the words (after
 * answering), -1 on a storage error. */
static int search_area(search_run *s, int64_t area)
{
    char err[200];
    int more = 0, n = load_grants(area);
    if (n < 0)
        return -1;
    s->n_grants = (size_t)n;
    dsg_search_status st = dsg_search_find(search, area, s->ask->q, s->ask->scope,
                                           SEARCH_CANDIDATES, add_found, s, &more, err,
                                           sizeof err);
    if (st == DSG_SEARCH_FAILED) {
        dsgd_log("share: search in area %" PRId64 ": %s", area, err);
        return -1;
    }
    if (st != DSG_SEARCH_OK) {
        refuse(s->x, 400, "bad_query", query_refusal(st));
        return 1;
    }
    s->truncated |= more;
    return 0;
}

static void get_search(struct xch *x)
{
    static areas_ctx areas;
    search_ask ask;
    const char *why = NULL;
    if (search_ask_of(x, &ask, &why) != 0) {
        refuse(x, 400, "bad_query", why);
        return;
    }
    dsg_search_status checked = dsg_search_check(ask.q);
    if (checked != DSG_SEARCH_OK) {   /* the same answer whatever areas it would cover */
        refuse(x, 400, "bad_query", query_refusal(checked));
        return;
    }
    if (search_areas(x, &ask, &areas) != 0)
        return;
    dsg_json_out w;
    uint8_t *buf = document(&w);
    search_run s = { x, &ask, &w, 0, 0, 0 };
    (void)dsg_json_out_object_begin(&w);
    (void)dsg_json_out_key(&w, (const uint8_t *)"results", 7);
    (void)dsg_json_out_array_begin(&w);
    for (size_t i = 0; i < areas.n && buf != NULL && s.shown < SEARCH_RESULTS; i++) {
        int rc = search_area(&s, areas.seen[i]);
        if (rc != 0) {
            free(buf);
            if (rc < 0)
                storage_failed(x, "search", "the index cannot be read");
            return;
        }
    }
    (void)dsg_json_out_array_end(&w);
    if (s.truncated) {
        (void)dsg_json_out_key(&w, (const uint8_t *)"truncated", 9);
        (void)dsg_json_out_bool(&w, 1);
    }
    (void)dsg_json_out_object_end(&w);
    /* the words are not on record: they may be protected text themselves */
    int64_t one = areas.n == 1 ? areas.seen[0] : 0;   /* several, or none: "-" */
    dsgd_share_record r = record_of(one, one, "area", "Search", "searched");
    if (one == 0) {
        snprintf(r.site_id, sizeof r.site_id, "-");
        snprintf(r.item_id, sizeof r.item_id, "-");
    }
    snprintf(r.data, sizeof r.data, "query_bytes=%zu; filters=%u; areas=%zu; results=%u%s",
             strlen(ask.q), ask.filters, areas.n, s.shown, s.truncated ? "; truncated" : "");
    send_document(x, record(x, &r), &w, buf);
}

/* ---- GET history: an item's access history (REQ-SHARE-017) ---------------------------- */

/* The item: area:ID, folder:ID or file:ID. 0, or -1. */
static int history_item_of(history_ask *a, const char *v)
{
    static const char *const types[] = { "area", "folder", "file" };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        size_t k = strlen(types[i]);
        if (strncmp(v, types[i], k) == 0 && v[k] == ':' && decimal_id(v + k + 1, &a->id) == 0) {
            a->type = types[i];
            snprintf(a->item, sizeof a->item, "%s:%" PRId64, types[i], a->id);
            return 0;
        }
    }
    return -1;
}

static int history_param(history_ask *a, const char *name, const char *value, const char **why)
{
    char err[160];
    int64_t t;
    if ((strcmp(name, "item") == 0 && a->type != NULL) ||
        (strcmp(name, "since") == 0 && a->since[0]) || (strcmp(name, "until") == 0 && a->until[0]))
        return *why = "a parameter is given twice", -1;   /* however each is encoded */
    if (strcmp(name, "item") == 0)
        return history_item_of(a, value) == 0
                   ? 0
                   : (*why = "item is area:ID, folder:ID or file:ID", -1);
    if (strcmp(name, "since") == 0 || strcmp(name, "until") == 0)
        return dsg_audit_time_parse(value, &t, name[0] == 's' ? a->since : a->until, err,
                                    sizeof err) == 0
                   ? 0
                   : (*why = "since and until are times YYYY-MM-DDTHH:MM:SSZ", -1);
    return *why = "unknown parameter: the parameters are item, since and until", -1;
}

/* The query's parameters, each once: 0, or -1 with the problem in why. */
static int history_ask_of(const struct xch *x, history_ask *a, const char **why)
{
    dsg_form_field f[4];
    size_t count = 0, at = 0, len = strlen(x->query);
    memset(a, 0, sizeof *a);
    if (dsg_form_parse((const uint8_t *)x->query, len, f, 4, &count, &at) != DSG_FORM_OK)
        return *why = "the query is not a form of at most 3 parameters", -1;
    for (size_t i = 0; i < count; i++) {
        char name[16], value[48];
        if (query_field(x, &f[i], name, sizeof name, value, sizeof value) != 0)
            return *why = "a parameter is too long", -1;
        if (history_param(a, name, value, why) != 0)
            return -1;
    }
    if (a->type == NULL)
        return *why = "item (area:ID, folder:ID or file:ID) is required", -1;
    if (a->since[0] && a->until[0] && strcmp(a->since, a->until) >= 0)
        return *why = "since must be before until", -1;
    if (!a->since[0])
        strcpy(a->since, "-");
    if (!a->until[0])
        strcpy(a->until, "-");
    return 0;
}

/* The live item a history asks for, as the decision's object, with its
 * area, name and location. 1, or 0 after answering. */
static int history_object(struct xch *x, const history_ask *a, dsg_access_object *obj,
                          history_item *it)
{
    char err[200];
    int got;
    int64_t folder = a->id;
    dsg_file_row fi;
    dsg_folder_row fo;
    dsg_area_row ar;
    if (a->type[1] == 'i') {   /* file */
        if ((got = dsg_file_store_get(db, a->id, &fi, err, sizeof err)) == 1 && fi.deleted_at != 0)
            got = 0;
        if (got == 1 && (got = dsg_file_store_object(db, a->id, obj, err, sizeof err)) == 1) {
            it->area = fi.area;
            snprintf(it->name, sizeof it->name, "%s", fi.name);
            folder = fi.folder;
        }
    } else if (a->type[0] == 'f') {   /* folder */
        if ((got = dsg_folder_store_get(db, a->id, &fo, err, sizeof err)) == 1 &&
            fo.deleted_at != 0)
            got = 0;
        if (got == 1 && (got = dsg_grant_store_object(db, fo.area, a->id, obj, err,
                                                      sizeof err)) == 1) {
            it->area = fo.area;
            snprintf(it->name, sizeof it->name, "%s", fo.name);
        }
    } else {   /* area: its root folder */
        folder = 0;
        if ((got = dsg_area_store_get(db, a->id, &ar, err, sizeof err)) == 1 &&
            (got = dsg_area_store_each_folder(db, a->id, root_of, &folder, err, sizeof err)) >= 0)
            got = folder == 0 ? 0
                              : dsg_grant_store_object(db, a->id, folder, obj, err, sizeof err);
        if (got == 1) {
            it->area = a->id;
            snprintf(it->name, sizeof it->name, "%s", ar.project);
        }
    }
    if (got < 0)
        storage_failed(x, "history", err);
    else if (got == 0)
        not_found(x);
    else
        folder_path(folder, it->location, sizeof it->location);
    return got == 1;
}

static void get_history(struct xch *x)
{
    history_ask a;
    history_item it;
    dsg_access_object obj;
    const char *why = "";
    uint8_t m[128];
    size_t len;
    if (history_ask_of(x, &a, &why) != 0) {
        refuse(x, 400, "bad_request", why);
        return;
    }
    if (!history_object(x, &a, &obj, &it))
        return;
    if (decide(&x->w, &obj, DSG_ACCESS_HISTORY) != 1) {   /* an area's: its root's */
        denied(x, &obj, a.type[0] == 'a' ? "folder" : a.type, DSG_ACCESS_HISTORY);
        return;
    }
    if (hist.asked) {
        refuse(x, 503, "busy", "another access history is being read: try again");
        return;
    }
    if ((len = dsgd_xch_history_ask_put(m, sizeof m, a.item, a.since, a.until)) == 0 ||
        dsgd_role_http_queue(DSGD_MSG_HISTORY_ASK, m, len) != 0) {
        refuse(x, 503, "busy", "try again later");
        return;
    }
    hist.id = x->id;
    hist.asked = 1;
    hist.lines.buf = malloc(HISTORY_BYTES_MAX);   /* none: every line is left out, said so */
    hist.lines.cap = HISTORY_BYTES_MAX;
    hist.lines.len = 0;
    hist.lines.cut = 0;
    hist.ask = a;
    hist.of = it;
}

/* logd's answer is complete: the rows shown, the reading recorded; or logd
 * could not answer: 503, fail closed. */
static void history_end(const uint8_t *b, size_t n)
{
    struct xch *x = hist.id != 0 ? find(hist.id) : NULL;
    hist.asked = 0;
    hist.id = 0;
    if (x != NULL && (n < 1 || b[0] != 0)) {
        dsgd_log("share: history of %s: logd answered %u: %.*s", hist.ask.item,
                 n < 1 ? 255u : b[0], n > 1 ? (int)(n - 1 < 200 ? n - 1 : 200) : 0,
                 (const char *)b + 1);
        refuse(x, 503, "audit-unavailable", "the audit trail could not answer; try again later");
    } else if (x != NULL) {
        dsg_json_out w;
        uint8_t *buf = document(&w);
        (void)dsg_json_out_object_begin(&w);
        put_text(&w, "item", hist.ask.item);
        put_text(&w, "name", hist.of.name);
        put_text(&w, "location", hist.of.location);
        if (strcmp(hist.ask.since, "-") != 0)
            put_text(&w, "since", hist.ask.since);
        if (strcmp(hist.ask.until, "-") != 0)
            put_text(&w, "until", hist.ask.until);
        (void)dsg_json_out_key(&w, (const uint8_t *)"rows", 4);
        (void)dsg_json_out_array_begin(&w);
        unsigned rows = dsgd_hist_rows(&hist.lines, &w, HISTORY_ROWS_MAX);
        (void)dsg_json_out_array_end(&w);
        if (hist.lines.cut) {
            (void)dsg_json_out_key(&w, (const uint8_t *)"truncated", 9);
            (void)dsg_json_out_bool(&w, 1);
        }
        (void)dsg_json_out_object_end(&w);
        dsgd_share_record r = record_of(hist.of.area, hist.ask.id, hist.ask.type, "View",
                                        "history-read");
        snprintf(r.location, sizeof r.location, "%s", hist.of.location);
        snprintf(r.data, sizeof r.data, "item=%s; since=%s; until=%s; rows=%u%s", hist.ask.item,
                 hist.ask.since, hist.ask.until, rows, hist.lines.cut ? "; truncated" : "");
        send_document(x, record(x, &r), &w, buf);
    }
    free(hist.lines.buf);
    memset(&hist.lines, 0, sizeof hist.lines);
}

/* ---- streamed answers ------------------------------------------------------------------ */

static void more_document(struct xch *x)
{
    size_t n = x->out_len - x->out_off;
    if (n > DSGD_XCH_DATA_MAX)
        n = DSGD_XCH_DATA_MAX;
    if (n > 0 && dsgd_role_http_data(x->id, x->out + x->out_off, n) != 0)
        return;
    x->out_off += n;
    if (x->out_off == x->out_len) {
        (void)dsgd_role_http_done(x->id, 1);
        release(x);
    }
}

/* The next piece of a download, verified before it goes (REQ-STOR-005): a
 * segment that fails ends the download aborted, recorded. */
/* The next piece of a download, as full as the object allows: a segment
 * (64 KiB) is a little longer than a piece, and a piece of the few bytes
 * left over would double the messages. Verified bytes read before a
 * failing segment go out first; the store answers the failure again at
 * the next call. */
static dsg_obj_status next_piece(struct xch *x, uint8_t *piece, size_t cap, size_t *n)
{
    size_t got = 0;
    dsg_obj_status st = DSG_OBJ_OK;
    *n = 0;
    do {
        st = dsg_obj_get_read(x->get, piece + *n, cap - *n, &got);
        *n += got;
    } while (st == DSG_OBJ_OK && got > 0 && *n < cap);
    return *n > 0 ? DSG_OBJ_OK : st;
}

/* A stored object that does not verify, or whose data key does not open:
 * a possible attack on stored data (REQ-STOR-005, REQ-STOR-015), on record
 * and raised as a security alert. */
static void stored_data_failed(struct xch *x, dsg_obj_status st)
{
    const char *event = st == DSG_OBJ_ERR_INTEGRITY ? "integrity-failed" : "key-open-failed";
    dsgd_share_record r = record_of(x->area, x->file, "version", "Custom", event);
    snprintf(r.data, sizeof r.data, "%s", dsg_obj_store_error(objects));
    (void)record(x, &r);
    dsgd_log_alert("share: %s: file %" PRId64 " version %" PRId64 ": %.300s", event, x->file,
                   x->version, dsg_obj_store_error(objects));
}

static void more_download(struct xch *x)
{
    static uint8_t piece[DSGD_XCH_DATA_MAX];
    size_t n = 0;
    dsg_obj_status st = next_piece(x, piece, sizeof piece, &n);
    if (st == DSG_OBJ_OK && n > 0) {
        if (dsgd_role_http_data(x->id, piece, n) == 0)
            return;
        dsgd_log("share: exchange %u: a piece could not be sent: the download ends", x->id);
        st = DSG_OBJ_ERR_STATE;
    }
    if (st != DSG_OBJ_OK) {
        dsgd_log("share: download %u: %s", x->id, dsg_obj_store_error(objects));
    }
    if (st == DSG_OBJ_ERR_INTEGRITY || st == (dsg_obj_status)DSG_OC_ERR_KEY)
        stored_data_failed(x, st);
    (void)dsgd_role_http_done(x->id, st == DSG_OBJ_OK);
    release(x);
}

static void on_more(uint32_t id)
{
    struct xch *x = find(id);
    if (x == NULL || !x->streaming)
        return;
    if (x->bulk != NULL)
        more_bulk(x);
    else if (x->get != NULL)
        more_download(x);
    else
        more_document(x);
}

/* ---- pages (share_pages.c) ------------------------------------------------------------- */

int dsgd_share_upload_open(uint32_t id, const char *name)
{
    struct xch *x = find(id);
    struct upload *u;
    uint32_t ticket = 0;
    if (x == NULL)
        return -1;
    /* the size is the part's, known at its end: the body's bounds it */
    if ((u = begin_upload(x, x->page.back, name, x->page.length, &ticket)) == NULL)
        return -1;
    u->size = UINT64_MAX;
    content_start(x, u);
    return 0;
}

void dsgd_share_upload_data(uint32_t id, const uint8_t *b, size_t n)
{
    struct xch *x = find(id);
    if (x != NULL && x->up != NULL)
        content_piece(x, b, n);
}

void dsgd_share_upload_close(uint32_t id)
{
    struct xch *x = find(id);
    if (x == NULL || x->up == NULL)
        return;
    x->up->size = x->got;
    if (x->scan != NULL && dsg_scan_declare(x->scan, x->got) != 0)
        x->broken = 1;
    content_end(x);
}

void dsgd_share_page_refuse(uint32_t id, int status, const char *code, int csrf)
{
    struct xch *x = find(id);
    uint32_t ticket = 0;
    if (x == NULL)
        return;
    if (x->up != NULL) {   /* a form that went wrong after its file began */
        content_failed(x, "the upload form was malformed");
        upload_done(x);
    }
    if (csrf) {   /* REQ-SHARE-022: a forged form is on record */
        dsgd_share_record r = record_of(0, 0, "page", "Custom", "csrf-refused");
        snprintf(r.site_id, sizeof r.site_id, "-");
        snprintf(r.data, sizeof r.data, "a form without a valid CSRF token or from another "
                 "origin");
        ticket = record(x, &r);
    }
    answer_error(x, ticket, status, code, code);
}

/* A page's form, before it runs as its API route: it becomes the API's
 * JSON body. 0, or -1 after answering. */
static int page_form(struct xch *x)
{
    static uint8_t json[BULK_BODY_MAX];
    size_t len = 0, max = x->route == BULK ? BULK_BODY_MAX : BODY_MAX;
    int rc = dsgd_share_pages_form(&x->page, x->token, x->body,
                                    x->body_len <= max ? x->body_len : 0, json,
                                    x->route == BULK ? sizeof json : BODY_MAX, &len);
    if (rc != 0) {
        dsgd_share_page_refuse(x->id, rc > 0 ? 403 : 400, rc > 0 ? "csrf" : "bad_request",
                               rc > 0);
        return -1;
    }
    memcpy(x->body, json, len);
    x->body_len = len;
    return 0;
}

/* The API route a page runs as. */
static enum route page_route(int kind)
{
    switch (kind) {
    case SP_AREAS: return AREAS;
    case SP_FOLDER: return FOLDER;
    case SP_VERSIONS: return VERSIONS;
    case SP_MKDIR: return FOLDERS;
    case SP_SEARCH: return SEARCH;
    case SP_FILE_RENAME: return RENAME;
    case SP_FILE_DELETE: return DELETE;
    case SP_FOLDER_RENAME: return FOLDER_RENAME;
    case SP_FOLDER_DELETE: return FOLDER_DELETE;
    case SP_HISTORY: return HISTORY;
    case SP_BULK: return BULK;
    default: return CONTENT;
    }
}

/* ---- the exchanges ------------------------------------------------------------------------ */

/* While the audit trail is not storing records (the latest answer about
 * one was not STORED: logd stopped, its disk full), a request is refused
 * before it reads or changes anything (REQ-SHARE-019). Its refusal is
 * recorded all the same: once logd stores records again, that answer lets
 * the next requests through. 1 refused, 0 go on. */
static int audit_gate(struct xch *x)
{
    if (dsgd_audit_out_keeping_up())
        return 0;
    dsgd_share_record r = record_of(0, 0, "request", "Custom", "audit-unavailable");
    snprintf(r.data, sizeof r.data, "route=%s; refused before it read or changed anything: "
             "the audit trail was not storing records", x->route < ROUTE_COUNT
             ? routes[x->route].path : "-");
    (void)record(x, &r);
    answer_error(x, 0, 503, "audit-unavailable", "the audit trail is not storing records: "
                 "nothing was read or changed; try again later");
    return 1;
}

static void run(struct xch *x)
{
    if (audit_gate(x))
        return;
    if (x->page.kind == SP_UPLOAD) {
        dsgd_share_pages_upload_end(&x->page, x->id);
        return;
    }
    if (dsgd_share_pages_is_form(x->page.kind) && page_form(x) != 0)
        return;
    if (x->page.kind == SP_SEARCH && x->page.q[0] == '\0') {   /* the form alone */
        answer_page(x, 0, 200, (const uint8_t *)"{}", 2);
        return;
    }
    switch (x->route) {
    case AREAS: get_areas(x); break;
    case FOLDER: get_folder(x); break;
    case VERSIONS: get_versions(x); break;
    case DOWNLOAD: get_download(x); break;
    case FOLDERS: post_folder(x); break;
    case UPLOADS: post_upload(x); break;
    case RENAME: post_rename(x); break;
    case MOVE: post_move(x); break;
    case DELETE: post_delete(x); break;
    case SEARCH: get_search(x); break;
    case FOLDER_RENAME: post_folder_rename(x); break;
    case FOLDER_MOVE: post_folder_move(x); break;
    case FOLDER_DELETE: post_folder_delete(x); break;
    case HISTORY: get_history(x); break;
    case BULK: post_bulk(x); break;
    default: content_end(x); break;
    }
}

/* The subject numbers of the account and its organisation: an account
 * never applied for holds no grant (0 then, which the decision denies). */
static int subjects(who *w)
{
    char err[200];
    w->account = dsg_grant_store_subject_id(db, DSG_ACCESS_ACCOUNT, w->user, err, sizeof err);
    w->group = w->org[0] == '\0' ? 0
                                 : dsg_grant_store_subject_id(db, DSG_ACCESS_ORG_GROUP, w->org,
                                                              err, sizeof err);
    return w->account < 0 || w->group < 0 ? -1 : 0;
}

static void on_who(const dsgd_xch_who_is *w)
{
    struct xch *x = find(w->qid);
    if (x == NULL || x->told)
        return;
    x->told = 1;
    if (w->status != 200) {
        refuse(x, w->status, w->status == 401 ? "session_expired"
                             : w->status == 403 ? "network_not_allowed"
                                                : "auth_unavailable",
               w->status == 401 ? "log in again" : w->status == 403 ? "not from this network"
                                                                     : "try again later");
        return;
    }
    memcpy(x->w.user, w->user, w->user_len);
    memcpy(x->w.org, w->org, w->org_len);
    x->w.fresh = w->fresh;
    if (subjects(&x->w) != 0) {
        storage_failed(x, "subjects", "cannot be read");
        return;
    }
    if (x->page.kind == SP_UPLOAD &&   /* what came before the session was known */
        dsgd_share_pages_upload_body(&x->page, x->id, 1, x->token, NULL, 0) != 0)
        return;
    if (x->ended)
        run(x);
}

static int on_request(const dsgd_xch_request *r)
{
    struct xch *x = NULL;
    enum route k = ROUTE_COUNT;
    for (unsigned i = 0; i < XCH_MAX && x == NULL; i++)
        if (xch[i].id == 0)
            x = &xch[i];
    for (unsigned i = 0; i < ROUTE_COUNT; i++)
        if (r->path_len == routes[i].path_len && memcmp(r->path, routes[i].path, r->path_len) == 0)
            k = (enum route)i;
    if (x != NULL) {
        memset(x, 0, sizeof *x);
        if (dsgd_share_pages_request(r, &x->page) != SP_NONE)
            k = page_route(x->page.kind);
    }
    if (x == NULL)   /* busy: a page path may well be one of ours */
        return k != ROUTE_COUNT || dsgd_xch_page_path((const char *)r->path, r->path_len) ? 503
                                                                                          : 404;
    if (k == ROUTE_COUNT)
        return 404;
    x->id = r->id;
    if (r->token_len == 0) {
        refuse(x, 401, "session_expired", "log in first");
        return 0;
    }
    x->route = k;
    memcpy(x->token, r->token, r->token_len);
    memcpy(x->w.addr, r->addr, r->addr_len);
    if (r->query_len >= sizeof x->query || memchr(r->query, '\0', r->query_len) != NULL) {
        refuse(x, 400, "bad_request", "the query is too long");
        return 0;
    }
    memcpy(x->query, r->query, r->query_len);
    if (x->page.kind != SP_NONE)   /* the API takes no lang switch */
        (void)dsgd_share_pages_api_query(r, x->query, sizeof x->query);
    if (k == CONTENT && x->page.kind == SP_NONE) {
        x->told = 1;   /* the upload's own session was checked at its first step */
        if (!audit_gate(x))
            (void)content_begin(x);   /* refused: answered already */
        return 0;
    }
    if (dsgd_role_http_who(x->id, x->w.addr, strlen(x->w.addr), r->token, r->token_len) != 0) {
        refuse(x, 503, "busy", "try again later");
        return 0;
    }
    return 0;
}

static void on_body(uint32_t id, const uint8_t *p, size_t len)
{
    struct xch *x = find(id);
    if (x == NULL)
        return;
    if (x->page.kind == SP_UPLOAD) {
        (void)dsgd_share_pages_upload_body(&x->page, id, x->told, x->token, p, len);
        return;
    }
    if (x->route == CONTENT) {
        content_piece(x, p, len);
        return;
    }
    size_t cap = x->route == BULK ? BULK_BODY_MAX : BODY_MAX;
    if (len > cap - x->body_len) {
        x->body_len = BULK_BODY_MAX + 1;   /* the portal's limit keeps this from happening */
        return;
    }
    memcpy(x->body + x->body_len, p, len);
    x->body_len += len;
}

static void on_end(uint32_t id, int complete)
{
    struct xch *x = find(id);
    if (x == NULL)
        return;
    if (!complete) {   /* the client left, or a stream's record was not stored */
        if (x->route == CONTENT && x->up != NULL) {
            content_failed(x, "the client left");
            upload_done(x);
        }
        release(x);
        return;
    }
    x->ended = 1;
    if (x->told)
        run(x);
}

static void on_portal_gone(void)
{
    for (unsigned i = 0; i < XCH_MAX; i++)
        if (xch[i].id != 0) {
            if (xch[i].route == CONTENT && xch[i].up != NULL) {
                content_failed(&xch[i], "the portal stopped");
                upload_done(&xch[i]);
            }
            release(&xch[i]);
        }
}

/* The file API's routes, then the pages' (share_pages.c). */
static dsgd_route all_routes[DSGD_ROUTES_MAX];

static dsgd_role_http share_http = {
    all_routes, 0, on_request, on_body, on_end, on_portal_gone, on_more, on_who,
};

int dsgd_share_http_start(dsgd_chan *chan, struct sqlite3 *d, dsg_obj_store *o,
                          dsg_search_index *ix, uint32_t bulk_files)
{
    bulk_threshold = bulk_files;
    db = d;
    objects = o;
    search = ix;
    bus_chan = chan;
    dsg_ext_set_init(&no_extra);
    size_t n = 0;
    const dsgd_route *pages = dsgd_share_pages_routes(&n);
    if (ROUTE_COUNT + n > DSGD_ROUTES_MAX || dsgd_share_pages_init() != 0)
        return -1;
    memcpy(all_routes, routes, sizeof routes);
    memcpy(all_routes + ROUTE_COUNT, pages, n * sizeof pages[0]);
    share_http.n_routes = ROUTE_COUNT + n;
    return dsgd_role_http_start(&share_http, chan);
}

int dsgd_share_http_message(const dsgd_msg *m)
{
    if (m->kind == DSGD_MSG_HISTORY_PART && hist.asked && hist.id != 0)
        dsgd_hist_add(&hist.lines, m->body, m->len);   /* else its client left */
    else if (m->kind == DSGD_MSG_HISTORY_END)
        history_end(m->body, m->len);
    else if (m->kind != DSGD_MSG_HISTORY_PART)
        return dsgd_role_http_message(m);
    return dsgd_bus_done(bus_chan, 1);
}
