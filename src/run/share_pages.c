/* The share role's pages: see share_pages.h. */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "core/http_req.h"
#include "core/json_out.h"
#include "core/json_tok.h"
#include "core/multipart.h"
#include "run/log.h"
#include "run/share_pages.h"
#include "share/file_store.h"

#define FORM_MAX 4096u           /* bytes of the create-folder form */
#define BULK_FIELDS 103u         /* fields of the download-selected form: 100 files,
                                  * csrf, back, one to spare */
#define BULK_FORM_MAX 24576u     /* its bytes */
#define HELD_MAX (256u * 1024u)  /* upload bytes held until the session is known */
#define TOKS_MAX 65536u          /* JSON tokens of one answer rendered */
#define FORM_TYPE "application/x-www-form-urlencoded"
#define MULTIPART_TYPE "multipart/form-data"

#define GET (1u << DSG_HTTP_GET | 1u << DSG_HTTP_HEAD)
#define POST (1u << DSG_HTTP_POST)
#define ROUTE(path, methods, flags, limit) { 0, methods, flags, limit, sizeof path - 1, path }
static const dsgd_route routes[] = {
    ROUTE("/areas", GET, 0, 0),
    ROUTE("/folder", GET, 0, 0),
    ROUTE("/versions", GET, 0, 0),
    ROUTE("/folder/create", POST, 0, FORM_MAX),
    ROUTE("/upload", POST, DSGD_ROUTE_UPLOAD, UINT64_MAX),
    ROUTE("/search", GET, 0, 0),
    ROUTE("/file/rename", POST, 0, FORM_MAX),
    ROUTE("/file/delete", POST, 0, FORM_MAX),
    ROUTE("/folder/rename", POST, 0, FORM_MAX),
    ROUTE("/folder/delete", POST, 0, FORM_MAX),
    ROUTE("/history", GET, 0, 0),
    ROUTE("/download-selected", POST, 0, BULK_FORM_MAX),
};
static const int kinds[] = { SP_AREAS, SP_FOLDER, SP_VERSIONS, SP_MKDIR, SP_UPLOAD, SP_SEARCH,
                             SP_FILE_RENAME, SP_FILE_DELETE, SP_FOLDER_RENAME, SP_FOLDER_DELETE,
                             SP_HISTORY, SP_BULK };

/* A form's fields: the item's id (form field and API member alike), and
 * whether it has a name; where the browser goes back to is the form's
 * `back` (a create goes back to the parent). */
static const struct {
    int kind;
    const char *id;
    int named;
} form_kinds[] = {
    { SP_MKDIR, "parent", 1 },       { SP_FILE_RENAME, "file", 1 },
    { SP_FILE_DELETE, "file", 0 },   { SP_FOLDER_RENAME, "folder", 1 },
    { SP_FOLDER_DELETE, "folder", 0 },
};

enum { PART_NONE, PART_CSRF, PART_FILE, PART_OTHER };

struct dsgd_spage_up {
    dsg_mp mp;
    int started, part, csrf_ok, file_done, opened;
    char field[16];
    char name[DSG_FILE_NAME_MAX + 1];
    int has_name;
    char csrf[DSGD_CSRF_TOKEN_LEN + 2];
    size_t csrf_len;
    size_t held_len;
    uint8_t *held;
    uint8_t hdr[DSG_MP_HEADER_MAX];
};

static uint8_t csrf_key[DSGD_CSRF_KEY_LEN];
static dsgd_page pg;

const dsgd_route *dsgd_share_pages_routes(size_t *n)
{
    *n = sizeof routes / sizeof routes[0];
    return routes;
}

int dsgd_share_pages_init(void)
{
    return RAND_bytes(csrf_key, sizeof csrf_key) == 1 ? 0 : -1;
}

/* The positive decimal value of key in query[0 .. len), or 0. */
static int64_t query_number(const uint8_t *query, size_t len, const char *key)
{
    dsgd_form f;
    char v[24], *end;
    if (dsgd_form_read(&f, query, len) != 0 || dsgd_form_get(&f, key, v, sizeof v) != 0 ||
        v[0] < '1' || v[0] > '9' || strlen(v) > 18)
        return 0;
    long long n = strtoll(v, &end, 10);
    return *end == '\0' ? (int64_t)n : 0;
}

int dsgd_share_pages_request(const dsgd_xch_request *r, dsgd_spage *p)
{
    memset(p, 0, sizeof *p);
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        if (r->path_len == routes[i].path_len && memcmp(r->path, routes[i].path, r->path_len) == 0)
            p->kind = kinds[i];
    if (p->kind == SP_NONE)
        return SP_NONE;
    p->lang = dsgd_page_lang(r, &p->set_lang);
    p->origin_ok = dsgd_page_origin_ok(r);
    p->length = r->framing == DSG_HTTP_FRAMING_LENGTH ? r->length : 0;
    memcpy(p->ctype, r->ctype, r->ctype_len);
    p->ctype[r->ctype_len] = '\0';
    if (p->kind == SP_UPLOAD || p->kind == SP_VERSIONS)
        p->back = query_number(r->query, r->query_len, "folder");
    if (p->kind == SP_SEARCH) {
        dsgd_form f;
        if (dsgd_form_read(&f, r->query, r->query_len) != 0 ||
            dsgd_form_get(&f, "q", p->q, sizeof p->q) != 0)
            p->q[0] = '\0';
    }
    return p->kind;
}

int dsgd_share_pages_api_query(const dsgd_xch_request *r, char *out, size_t cap)
{
    size_t used = 0, at = 0;
    while (at < r->query_len) {
        size_t n = 0;
        while (at + n < r->query_len && r->query[at + n] != '&')
            n++;
        if (!(n >= 5 && memcmp(r->query + at, "lang=", 5) == 0) && n > 0) {
            if (used + n + 2 > cap)
                return -1;
            if (used > 0)
                out[used++] = '&';
            memcpy(out + used, r->query + at, n);
            used += n;
        }
        at += n + 1;
    }
    if (cap == 0)
        return -1;
    out[used] = '\0';
    return 0;
}

void dsgd_share_pages_forget(dsgd_spage *p)
{
    if (p->up != NULL) {
        free(p->up->held);
        OPENSSL_cleanse(p->up, sizeof *p->up);
    }
    free(p->up);
    p->up = NULL;
}

static int csrf_ok(const dsgd_spage *p, const char *session, const char *got)
{
    return p->origin_ok && dsgd_csrf_ok(csrf_key, session, strlen(session), got, strlen(got));
}

int dsgd_share_pages_is_form(int kind)
{
    if (kind == SP_BULK)
        return 1;
    for (size_t i = 0; i < sizeof form_kinds / sizeof form_kinds[0]; i++)
        if (form_kinds[i].kind == kind)
            return 1;
    return 0;
}

/* The id p[0 .. n) is (1 to 18 digits, no leading 0), or 0. */
static int64_t decimal_id(const uint8_t *p, size_t n)
{
    char v[24];
    if (n < 1 || n > 18)
        return 0;
    memcpy(v, p, n);
    v[n] = '\0';
    return strspn(v, "0123456789") == n && v[0] != '0' ? strtoll(v, NULL, 10) : 0;
}

/* The value of the one field `name` of fields[0 .. n) into out. 0, or -1. */
static int field_text(const uint8_t *form, size_t len, const dsg_form_field *fields, size_t n,
                      const char *name, char *out, size_t cap)
{
    size_t i = 0, got = 0;
    if (dsg_form_find(form, len, fields, n, (const uint8_t *)name, strlen(name), &i) !=
            DSG_FORM_OK ||
        dsg_form_decode(form + fields[i].value_off, fields[i].value_len, (uint8_t *)out, cap - 1,
                        &got) != DSG_FORM_OK)
        return -1;
    out[got] = '\0';
    return 0;
}

/* The download-selected form (up to 100 files: more fields than other
 * forms take): its `file` fields as {"files": [...]}, the folder to go
 * back to in p->back. 0; 1 for a CSRF token missing or wrong; -1 (no
 * file, or one that is not an id). */
static int bulk_form(dsgd_spage *p, const char *session, const uint8_t *form, size_t len,
                     uint8_t *json, size_t cap, size_t *json_len)
{
    char csrf[DSGD_CSRF_TOKEN_LEN + 2], back[24];
    size_t count = 0, at = 0, n = 0;
    int rc = 0;
    dsg_json_out w;
    dsg_form_field *f = malloc(BULK_FIELDS * sizeof *f);
    if (f == NULL)
        return -1;
    if (dsg_form_parse(form, len, f, BULK_FIELDS, &count, &at) != DSG_FORM_OK ||
        field_text(form, len, f, count, "csrf", csrf, sizeof csrf) != 0)
        csrf[0] = '\0';
    if (!csrf_ok(p, session, csrf))
        rc = 1;
    else if (!dsgd_page_ctype_is(p->ctype, strlen(p->ctype), FORM_TYPE))
        rc = -1;
    if (field_text(form, len, f, count, "back", back, sizeof back) == 0)
        p->back = decimal_id((const uint8_t *)back, strlen(back));
    dsg_json_out_init(&w, json, cap);
    (void)dsg_json_out_object_begin(&w);
    (void)dsg_json_out_key(&w, (const uint8_t *)"files", 5);
    (void)dsg_json_out_array_begin(&w);
    for (size_t i = 0; i < count && rc == 0; i++) {
        int64_t id;
        if (f[i].name_len != 4 || memcmp(form + f[i].name_off, "file", 4) != 0)
            continue;
        if ((id = decimal_id(form + f[i].value_off, f[i].value_len)) == 0)
            rc = -1;
        (void)dsg_json_out_int(&w, id);
        n++;
    }
    free(f);
    (void)dsg_json_out_array_end(&w);
    (void)dsg_json_out_object_end(&w);
    if (rc != 0)
        return rc;
    return n > 0 && dsg_json_out_finish(&w, json_len) == 0 ? 0 : -1;
}

int dsgd_share_pages_form(dsgd_spage *p, const char *session, const uint8_t *form, size_t len,
                          uint8_t *json, size_t cap, size_t *json_len)
{
    char csrf[DSGD_CSRF_TOKEN_LEN + 2], name[DSG_FILE_NAME_MAX + 1];
    size_t k = 0;
    int64_t id;
    dsgd_form f;
    dsg_json_out w;
    if (p->kind == SP_BULK)
        return bulk_form(p, session, form, len, json, cap, json_len);
    if (dsgd_form_read(&f, form, len) != 0 || dsgd_form_get(&f, "csrf", csrf, sizeof csrf) != 0)
        csrf[0] = '\0';
    if (!csrf_ok(p, session, csrf))
        return 1;
    while (k < sizeof form_kinds / sizeof form_kinds[0] && form_kinds[k].kind != p->kind)
        k++;
    if (k == sizeof form_kinds / sizeof form_kinds[0] ||
        !dsgd_page_ctype_is(p->ctype, strlen(p->ctype), FORM_TYPE) ||
        (id = query_number(form, len, form_kinds[k].id)) == 0 ||
        (form_kinds[k].named && dsgd_form_get(&f, "name", name, sizeof name) != 0))
        return -1;
    p->back = p->kind == SP_MKDIR ? id : query_number(form, len, "back");
    dsg_json_out_init(&w, json, cap);
    (void)dsg_json_out_object_begin(&w);
    (void)dsg_json_out_key(&w, (const uint8_t *)form_kinds[k].id, strlen(form_kinds[k].id));
    (void)dsg_json_out_int(&w, id);
    if (form_kinds[k].named) {
        (void)dsg_json_out_key(&w, (const uint8_t *)"name", 4);
        (void)dsg_json_out_string(&w, (const uint8_t *)name, strlen(name));
    }
    (void)dsg_json_out_object_end(&w);
    return dsg_json_out_finish(&w, json_len) == 0 ? 0 : -1;
}

/* ---- the API's JSON, read back ----------------------------------------- */

typedef struct jdoc {
    const uint8_t *b;
    size_t len, n;
    dsg_json_tok *t;
} jdoc;

static int jparse(jdoc *d, const uint8_t *b, size_t len)
{
    size_t at = 0, cap = len / 2 + 2 < TOKS_MAX ? len / 2 + 2 : TOKS_MAX;
    d->b = b;
    d->len = len;
    d->n = 0;
    d->t = malloc(cap * sizeof *d->t);
    if (d->t == NULL || len == 0 ||
        dsg_json_tokenize(b, len, 8, d->t, cap, &d->n, &at) != DSG_JSON_OK ||
        d->t[0].type != DSG_JSON_OBJECT) {
        free(d->t);
        d->t = NULL;
        return -1;
    }
    return 0;
}

/* The value of member key of object obj, or 0 (never a value's index). */
static size_t jget(const jdoc *d, size_t obj, const char *key)
{
    char name[32];
    size_t vlen = 0;
    if (obj >= d->n || d->t[obj].type != DSG_JSON_OBJECT)
        return 0;
    for (size_t i = obj + 1; i + 1 < d->t[obj].next; i = d->t[i + 1].next)
        if (dsg_json_string_value(d->b, d->len, &d->t[i], (uint8_t *)name, sizeof name - 1,
                                  &vlen) == DSG_JSON_OK &&
            vlen == strlen(key) && memcmp(name, key, vlen) == 0)
            return i + 1;
    return 0;
}

/* The string value of member key into out ("" when absent or not one). */
static const char *jstr(const jdoc *d, size_t obj, const char *key, char *out, size_t cap)
{
    size_t v = jget(d, obj, key), n = 0;
    out[0] = '\0';
    if (v != 0 && d->t[v].type == DSG_JSON_STRING &&
        dsg_json_string_value(d->b, d->len, &d->t[v], (uint8_t *)out, cap - 1, &n) ==
            DSG_JSON_OK &&
        memchr(out, '\0', n) == NULL)
        out[n] = '\0';
    else
        out[0] = '\0';
    return out;
}

/* The integer value of member key (0 when absent or not one). */
static int64_t jint(const jdoc *d, size_t obj, const char *key)
{
    size_t v = jget(d, obj, key);
    char digits[24];
    if (v == 0 || d->t[v].type != DSG_JSON_NUMBER || d->t[v].len >= sizeof digits)
        return 0;
    memcpy(digits, d->b + d->t[v].start, d->t[v].len);
    digits[d->t[v].len] = '\0';
    return strtoll(digits, NULL, 10);
}

/* 1 when member key is true. */
static int jtrue(const jdoc *d, size_t obj, const char *key)
{
    size_t v = jget(d, obj, key);
    return v != 0 && d->t[v].type == DSG_JSON_TRUE;
}

/* ---- rendering ----------------------------------------------------------- */

static void text(const char *s) { dsgd_page_str(&pg, s); }
static void raw(const char *s) { dsgd_page_raw(&pg, s); }
static void msg(dsgd_pmsg m) { dsgd_page_msg(&pg, m); }
static void num(int64_t v) { dsgd_page_uint(&pg, v < 0 ? 0 : (uint64_t)v); }

/* <a href="PATH?KEY=ID">, the id through the escaper like every value. */
static void link_to(const char *path_key, int64_t id)
{
    raw("<a href=\"");
    raw(path_key);
    num(id);
    raw("\">");
}

/* A form changing item id (a file or folder): rename (with a name field)
 * or delete, going back to folder `back`. */
static void item_form(const char *action, const char *key, int64_t id, int64_t back,
                      const char *token, dsgd_pmsg label, int named)
{
    char v[24];
    raw("<form method=\"post\" class=\"item\" action=\"");
    raw(action);
    raw("\">");
    dsgd_page_hidden(&pg, "csrf", token);
    snprintf(v, sizeof v, "%" PRId64, id);
    dsgd_page_hidden(&pg, key, v);
    snprintf(v, sizeof v, "%" PRId64, back);
    dsgd_page_hidden(&pg, "back", v);
    if (named) {
        raw("<input name=\"name\" type=\"text\" required aria-label=\"");
        msg(PM_NAME);
        raw("\">");
    }
    raw("<button type=\"submit\">");
    msg(label);
    raw("</button></form>");
}

/* Rename and delete forms for item id (key "file" or "folder") under a
 * heading, or nothing without a session's token. */
static void item_forms(const char *kind, int64_t id, int64_t back, dsgd_pmsg heading,
                       const char *session)
{
    char token[DSGD_CSRF_TOKEN_LEN + 1], rename[24], del[24];
    if (session[0] == '\0' || dsgd_csrf_token(csrf_key, session, strlen(session), token) != 0)
        return;
    snprintf(rename, sizeof rename, "/%s/rename", kind);
    snprintf(del, sizeof del, "/%s/delete", kind);
    raw("<section><h2>");
    msg(heading);
    raw("</h2>");
    item_form(rename, kind, id, kind[1] == 'o' ? id : back, token, PM_RENAME, 1);
    item_form(del, kind, id, back, token, PM_DELETE, 0);
    raw("</section>");
}

static void forms(const dsgd_spage *p, int64_t folder, const char *session)
{
    char token[DSGD_CSRF_TOKEN_LEN + 1], id[24];
    if (session[0] == '\0' || dsgd_csrf_token(csrf_key, session, strlen(session), token) != 0)
        return;
    (void)p;
    snprintf(id, sizeof id, "%" PRId64, folder);
    raw("<form method=\"post\" id=\"bulk\" action=\"/download-selected\">");
    dsgd_page_hidden(&pg, "csrf", token);
    dsgd_page_hidden(&pg, "back", id);
    raw("<button type=\"submit\">");
    msg(PM_DOWNLOAD_SELECTED);
    raw("</button></form><section><h2>");
    msg(PM_NEW_FOLDER);
    raw("</h2><form method=\"post\" action=\"/folder/create\">");
    dsgd_page_hidden(&pg, "csrf", token);
    dsgd_page_hidden(&pg, "parent", id);
    raw("<label for=\"name\">");
    msg(PM_NAME);
    raw("</label><input id=\"name\" name=\"name\" type=\"text\" required>"
        "<button type=\"submit\">");
    msg(PM_CREATE);
    raw("</button></form></section><section><h2>");
    msg(PM_UPLOAD);
    raw("</h2><form method=\"post\" enctype=\"multipart/form-data\" action=\"/upload?folder=");
    text(id);
    raw("\">");
    dsgd_page_hidden(&pg, "csrf", token);
    raw("<label for=\"file\">");
    msg(PM_FILE);
    raw("</label><input id=\"file\" name=\"file\" type=\"file\" required>"
        "<button type=\"submit\" id=\"upload\">");
    msg(PM_UPLOAD);
    raw("</button></form></section>");
}

/* A link to the access history of item kind:id (REQ-SHARE-017). */
static void history_link(const char *kind, int64_t id, dsgd_pmsg label)
{
    raw(" <a class=\"history\" href=\"/history?item=");
    raw(kind);
    raw("%3A");
    num(id);
    raw("\">");
    msg(label);
    raw("</a>");
}

static void file_row(const jdoc *d, size_t c, int64_t folder, int history)
{
    char name[DSG_FILE_NAME_MAX + 1], by[DSGD_XCH_WHO_TEXT_MAX + 1], at[40], state[24];
    int64_t id = jint(d, c, "id");
    jstr(d, c, "state", state, sizeof state);
    raw("<tr><td>");
    if (strcmp(state, "clean") == 0) {   /* for the download-selected form */
        raw("<input type=\"checkbox\" name=\"file\" form=\"bulk\" value=\"");
        num(id);
        raw("\" aria-label=\"");
        msg(PM_SELECT);
        raw("\">");
    }
    raw("</td><td class=\"name\">");
    text(jstr(d, c, "name", name, sizeof name));
    raw("</td><td class=\"num\">");
    num(jint(d, c, "size"));
    raw("</td><td class=\"num\">");
    num(jint(d, c, "version"));
    raw("</td><td>");
    text(jstr(d, c, "uploaded_by", by, sizeof by));
    raw("</td><td>");
    text(jstr(d, c, "uploaded_at", at, sizeof at));
    raw("</td><td>");
    if (strcmp(state, "clean") == 0) {
        link_to("/api/v1/share/download?file=", id);
        msg(PM_DOWNLOAD);
        raw("</a> ");
    } else {
        text(state);
        raw(" ");
    }
    raw("<a href=\"/versions?file=");
    num(id);
    raw("&amp;folder=");
    num(folder);
    raw("\">");
    msg(PM_VERSIONS);
    raw("</a>");
    if (history)
        history_link("file", id, PM_HISTORY);
    raw("</td></tr>");
}

/* The children of kind ("folder" or "file") of the listing. */
static unsigned children(const jdoc *d, size_t list, const char *kind, int64_t folder,
                         int history)
{
    char k[8], name[DSG_FOLDER_NAME_MAX + 1];
    unsigned n = 0;
    if (list == 0 || d->t[list].type != DSG_JSON_ARRAY)
        return 0;
    for (size_t c = list + 1; c < d->t[list].next; c = d->t[c].next) {
        if (strcmp(jstr(d, c, "kind", k, sizeof k), kind) != 0)
            continue;
        if (n++ == 0)
            raw(kind[1] == 'o' ? "<ul class=\"folders\">"
                               : "<table class=\"files\"><thead><tr><th>");
        if (kind[1] == 'o') {
            raw("<li>");
            link_to("/folder?id=", jint(d, c, "id"));
            text(jstr(d, c, "name", name, sizeof name));
            raw("</a></li>");
            continue;
        }
        if (n == 1) {
            msg(PM_SELECT);
            raw("</th><th>");
            msg(PM_NAME);
            raw("</th><th>");
            msg(PM_SIZE);
            raw("</th><th>");
            msg(PM_VERSION);
            raw("</th><th>");
            msg(PM_UPLOADER);
            raw("</th><th>");
            msg(PM_TIME);
            raw("</th><th></th></tr></thead><tbody>");
        }
        file_row(d, c, folder, history);
    }
    if (n > 0)
        raw(kind[1] == 'o' ? "</ul>" : "</tbody></table>");
    else {
        raw("<p>");
        msg(PM_EMPTY);
        raw("</p>");
    }
    return n;
}

static void folder_page(const dsgd_spage *p, const jdoc *d, const char *user, const char *session)
{
    char name[DSG_FOLDER_NAME_MAX + 1], self[48];
    int64_t id = jint(d, 0, "folder"), parent = jint(d, 0, "parent");
    int history = jtrue(d, 0, "history");
    snprintf(self, sizeof self, "/folder?id=%" PRId64, id);
    dsgd_page_begin(&pg, p->lang, PM_FOLDER, self, user);
    raw("<p class=\"path\"><a href=\"/areas\">");
    msg(PM_TOP);
    raw("</a>");
    if (parent > 0) {
        raw(" / ");
        link_to("/folder?id=", parent);
        raw("..</a>");
    }
    raw(" / <b id=\"folder-name\">");
    text(jstr(d, 0, "name", name, sizeof name));
    raw("</b></p>");
    if (history) {
        raw("<p class=\"history\">");
        history_link("folder", id, PM_HISTORY);
        if (parent == 0)
            history_link("area", jint(d, 0, "area"), PM_AREA_HISTORY);
        raw("</p>");
    }
    raw("<h2>");
    msg(PM_SUBFOLDERS);
    raw("</h2>");
    (void)children(d, jget(d, 0, "children"), "folder", id, 0);
    raw("<h2>");
    msg(PM_FILES);
    raw("</h2>");
    (void)children(d, jget(d, 0, "children"), "file", id, history);
    if (jget(d, 0, "truncated") != 0) {
        raw("<p class=\"error\">");
        msg(PM_TRUNCATED);
        raw("</p>");
    }
    forms(p, id, session);
    if (parent > 0)   /* an area's root is never renamed or deleted */
        item_forms("folder", id, parent, PM_THIS_FOLDER, session);
}

static void areas_page(const dsgd_spage *p, const jdoc *d, const char *user)
{
    char t[DSG_FOLDER_NAME_MAX + 1];
    size_t list = jget(d, 0, "areas");
    unsigned n = 0;
    dsgd_page_begin(&pg, p->lang, PM_AREAS, "/areas", user);
    for (size_t a = list + 1; list != 0 && a < d->t[list].next; a = d->t[a].next) {
        if (n++ == 0) {
            raw("<table class=\"areas\"><thead><tr><th>");
            msg(PM_PROJECT);
            raw("</th><th>");
            msg(PM_CONTRACT);
            raw("</th><th>");
            msg(PM_CONTRACT_END);
            raw("</th></tr></thead><tbody>");
        }
        raw("<tr><td>");
        link_to("/folder?id=", jint(d, a, "root"));
        text(jstr(d, a, "project", t, sizeof t));
        raw("</a></td><td>");
        text(jstr(d, a, "contract", t, sizeof t));
        raw("</td><td>");
        text(jstr(d, a, "contract_end", t, sizeof t));
        raw("</td></tr>");
    }
    if (n > 0)
        raw("</tbody></table>");
    else {
        raw("<p>");
        msg(PM_NO_AREAS);
        raw("</p>");
    }
}

static void versions_page(const dsgd_spage *p, const jdoc *d, const char *user,
                          const char *session)
{
    char t[DSG_FILE_NAME_MAX + 1], self[48];
    size_t list = jget(d, 0, "versions");
    int64_t file = jint(d, 0, "file");
    snprintf(self, sizeof self, "/versions?file=%" PRId64, file);
    dsgd_page_begin(&pg, p->lang, PM_VERSIONS, self, user);
    raw("<p class=\"path\"><a href=\"/areas\">");
    msg(PM_TOP);
    raw("</a> / <b>");
    text(jstr(d, 0, "name", t, sizeof t));
    raw("</b>");
    if (jtrue(d, 0, "history"))
        history_link("file", file, PM_HISTORY);
    raw("</p><table class=\"versions\"><thead><tr><th>");
    msg(PM_VERSION);
    raw("</th><th>");
    msg(PM_SIZE);
    raw("</th><th>");
    msg(PM_UPLOADER);
    raw("</th><th>");
    msg(PM_TIME);
    raw("</th><th>");
    msg(PM_STATE);
    raw("</th><th></th></tr></thead><tbody>");
    for (size_t v = list + 1; list != 0 && v < d->t[list].next; v = d->t[v].next) {
        char state[24];
        int64_t n = jint(d, v, "version");
        raw("<tr><td class=\"num\">");
        num(n);
        raw("</td><td class=\"num\">");
        num(jint(d, v, "size"));
        raw("</td><td>");
        text(jstr(d, v, "uploaded_by", t, sizeof t));
        raw("</td><td>");
        text(jstr(d, v, "uploaded_at", t, sizeof t));
        raw("</td><td>");
        text(jstr(d, v, "state", state, sizeof state));
        raw("</td><td>");
        if (strcmp(state, "clean") == 0) {
            raw("<a href=\"/api/v1/share/download?file=");
            num(file);
            raw("&amp;version=");
            num(n);
            raw("\">");
            msg(PM_DOWNLOAD);
            raw("</a>");
        }
        raw("</td></tr>");
    }
    raw("</tbody></table>");
    if (p->back > 0)
        item_forms("file", file, p->back, PM_THIS_FILE, session);
}

/* What the name policy named in the API's message of a refused name: the
 * extension ("files ending in .EXT may not be shared") or the rule ("the
 * name breaks the rule RULE"), shown after its message in the page's
 * language. */
static void name_detail(const char *code, const char *message)
{
    const char *at;
    size_t n;
    if (strcmp(code, "forbidden_extension") == 0 && (at = strstr(message, "ending in .")) != NULL) {
        at += 10;
        n = strcspn(at, " ");
        raw("</p><p>");
        msg(PM_FORBIDDEN_EXT);
        raw(" <code id=\"detail\">");
        dsgd_page_text(&pg, at, n);
        raw("</code>");
    } else if (strcmp(code, "invalid_name") == 0 && (at = strstr(message, "rule ")) != NULL) {
        raw("</p><p>");
        msg(PM_INVALID_NAME);
        raw(" <code id=\"detail\">");
        text(at + 5);
        raw("</code>");
    }
}

/* The search form, the words asked in it. */
static void search_form(const dsgd_spage *p)
{
    raw("<form method=\"get\" action=\"/search\" class=\"search\"><label for=\"q\">");
    msg(PM_QUERY);
    raw("</label><input id=\"q\" name=\"q\" type=\"search\" maxlength=\"256\" required value=\"");
    text(p->q);
    raw("\"><button type=\"submit\">");
    msg(PM_SEARCH);
    raw("</button></form>");
}

static void result_row(const jdoc *d, size_t r)
{
    char t[DSG_AREA_TEXT_MAX + DSG_FILE_NAME_MAX + 2];   /* a path, or a name */
    int64_t file = jint(d, r, "file");
    raw("<tr><td class=\"name\">");
    text(jstr(d, r, "name", t, sizeof t));
    raw("</td><td>");
    link_to("/folder?id=", jint(d, r, "folder"));
    text(jstr(d, r, "path", t, sizeof t));
    raw("</a></td><td class=\"num\">");
    num(jint(d, r, "size"));
    raw("</td><td>");
    text(jstr(d, r, "uploaded_by", t, sizeof t));
    raw("</td><td>");
    text(jstr(d, r, "uploaded_at", t, sizeof t));
    raw("</td><td>");
    link_to("/api/v1/share/download?file=", file);
    msg(PM_DOWNLOAD);
    raw("</a></td></tr>");
}

/* The search form and, when words were asked, the API's results: only
 * what the account may read, as the API found them. */
static void search_page(const dsgd_spage *p, const jdoc *d, const char *user)
{
    size_t list = jget(d, 0, "results");
    unsigned n = 0;
    dsgd_page_begin(&pg, p->lang, PM_SEARCH, "/search", user);
    search_form(p);
    if (p->q[0] == '\0')
        return;
    for (size_t r = list + 1; list != 0 && r < d->t[list].next; r = d->t[r].next) {
        if (n++ == 0) {
            raw("<table class=\"results\"><thead><tr><th>");
            msg(PM_NAME);
            raw("</th><th>");
            msg(PM_PATH);
            raw("</th><th>");
            msg(PM_SIZE);
            raw("</th><th>");
            msg(PM_UPLOADER);
            raw("</th><th>");
            msg(PM_TIME);
            raw("</th><th></th></tr></thead><tbody>");
        }
        result_row(d, r);
    }
    if (n > 0)
        raw("</tbody></table>");
    else {
        raw("<p id=\"none\">");
        msg(PM_NO_RESULTS);
        raw("</p>");
    }
    if (jget(d, 0, "truncated") != 0) {
        raw("<p class=\"error\">");
        msg(PM_TRUNCATED);
        raw("</p>");
    }
}

/* The period form of the history page: the item, since and until. */
static void history_form(const jdoc *d)
{
    char t[48];
    raw("<form method=\"get\" action=\"/history\" class=\"search\">");
    dsgd_page_hidden(&pg, "item", jstr(d, 0, "item", t, sizeof t));
    raw("<label for=\"since\">");
    msg(PM_SINCE);
    raw("</label><input id=\"since\" name=\"since\" type=\"text\" maxlength=\"40\" value=\"");
    text(jstr(d, 0, "since", t, sizeof t));
    raw("\"><label for=\"until\">");
    msg(PM_UNTIL);
    raw("</label><input id=\"until\" name=\"until\" type=\"text\" maxlength=\"40\" value=\"");
    text(jstr(d, 0, "until", t, sizeof t));
    raw("\"><button type=\"submit\">");
    msg(PM_SHOW);
    raw("</button></form>");
}

/* One record of the history (time, user, event, location, data) when
 * the page has room for it even if every byte were escaped to six: 0, or
 * -1 (nothing written). */
static int history_row(const jdoc *d, size_t r)
{
    static const char *const cols[] = { "time", "user", "event", "location", "data" };
    /* a field of log.max_field_bytes (at most 8 KiB), each byte shown as
     * \xNN at worst by the history format */
    static char v[5][4u * 8192u + 1u];
    size_t need = 256;
    for (size_t c = 0; c < 5; c++)
        need += 6 * strlen(jstr(d, r, cols[c], v[c], sizeof v[c]));
    if (pg.len + need > sizeof pg.buf - 1024)
        return -1;
    raw("<tr>");
    for (size_t c = 0; c < 5; c++) {
        raw("<td>");
        text(v[c]);
        raw("</td>");
    }
    raw("</tr>");
    return 0;
}

/* The access history of an item (REQ-SHARE-017): the API's rows in the
 * order recorded, as many as the page holds; a cut history says so. */
static void history_page(const dsgd_spage *p, const jdoc *d, const char *user)
{
    char t[DSG_FILE_NAME_MAX + DSG_AREA_TEXT_MAX + 2], item[32], self[64];
    size_t list = jget(d, 0, "rows");
    unsigned n = 0;
    int cut = jtrue(d, 0, "truncated");
    jstr(d, 0, "item", item, sizeof item);
    if (strspn(item, "abcdefilor:0123456789") != strlen(item))
        item[0] = '\0';
    snprintf(self, sizeof self, "/history?item=%s", item);
    dsgd_page_begin(&pg, p->lang, PM_HISTORY, self, user);
    raw("<p class=\"path\"><a href=\"/areas\">");
    msg(PM_TOP);
    raw("</a> / <b id=\"item-name\">");
    text(jstr(d, 0, "name", t, sizeof t));
    raw("</b> (");
    text(jstr(d, 0, "location", t, sizeof t));
    raw(")</p>");
    history_form(d);
    for (size_t r = list + 1; list != 0 && r < d->t[list].next; r = d->t[r].next) {
        if (n++ == 0) {
            raw("<table class=\"history\"><thead><tr><th>");
            msg(PM_TIME);
            raw("</th><th>");
            msg(PM_USER);
            raw("</th><th>");
            msg(PM_EVENT);
            raw("</th><th>");
            msg(PM_PATH);
            raw("</th><th>");
            msg(PM_DATA);
            raw("</th></tr></thead><tbody>");
        }
        if (history_row(d, r) != 0) {
            cut = 1;
            break;
        }
    }
    if (n > 0)
        raw("</tbody></table>");
    else {
        raw("<p id=\"none\">");
        msg(PM_NO_HISTORY);
        raw("</p>");
    }
    if (cut) {
        raw("<p class=\"error\" id=\"cut\">");
        msg(PM_HISTORY_CUT);
        raw("</p>");
    }
}

/* A refusal or failure of the API, shown: its message in the page's
 * language and its stable code (and what a refused name broke). */
static void error_page(const dsgd_spage *p, int status, const char *code, const char *message,
                       const char *user)
{
    int reauth = strcmp(code, "reauth_required") == 0;
    dsgd_pmsg m = strcmp(code, "csrf") == 0 ? PM_CSRF
                  : reauth                  ? PM_REAUTH
                  : status == 404           ? PM_NOT_FOUND
                  : status == 403           ? PM_FORBIDDEN
                  : status >= 500           ? PM_UNAVAILABLE
                  : p->kind == SP_UPLOAD    ? PM_UPLOAD_REFUSED
                                            : PM_BAD_REQUEST;
    dsgd_page_begin(&pg, p->lang, PM_ERROR, NULL, user[0] != '\0' ? user : NULL);
    raw("<p class=\"error\">");
    msg(m);
    raw(" (<code id=\"code\">");
    text(code);
    raw("</code>)");
    name_detail(code, message);
    raw("</p><p>");
    if (reauth) {   /* REQ-MFA-015: both factors again, then back here */
        raw("<a href=\"/login\">");
        msg(PM_LOGIN);
        raw("</a> ");
    }
    if (p->back > 0)
        link_to("/folder?id=", p->back);
    else
        raw("<a href=\"/areas\">");
    msg(PM_BACK);
    raw("</a></p>");
}

static void redirect(uint32_t id, const char *where, uint32_t ticket)
{
    if (dsgd_page_redirect(id, where, NULL, ticket) != 0)
        dsgd_log("share: cannot answer page exchange %u", id);
}

void dsgd_share_pages_answer(const dsgd_spage *p, uint32_t id, uint32_t ticket, int status,
                             const uint8_t *json, size_t len, const char *user,
                             const char *session)
{
    char code[64], where[48], message[256];
    jdoc d = { 0 };
    int ok = jparse(&d, json, len) == 0;
    if (status == 401 &&   /* no session, or one that is over: log in */
        !(ok && strcmp(jstr(&d, 0, "error", code, sizeof code), "reauth_required") == 0)) {
        redirect(id, "/login", ticket);
    } else if (status >= 200 && status <= 202 &&
               (p->kind == SP_UPLOAD || dsgd_share_pages_is_form(p->kind))) {
        if (p->back > 0)
            snprintf(where, sizeof where, "/folder?id=%" PRId64, p->back);
        else
            snprintf(where, sizeof where, "/areas");
        redirect(id, where, ticket);
    } else {
        if (status == 200 && ok && p->kind == SP_AREAS)
            areas_page(p, &d, user);
        else if (status == 200 && ok && p->kind == SP_FOLDER)
            folder_page(p, &d, user, session);
        else if (status == 200 && ok && p->kind == SP_VERSIONS)
            versions_page(p, &d, user, session);
        else if (status == 200 && ok && p->kind == SP_SEARCH)
            search_page(p, &d, user);
        else if (status == 200 && ok && p->kind == SP_HISTORY)
            history_page(p, &d, user);
        else
            error_page(p, status == 200 ? 500 : status,
                       ok ? jstr(&d, 0, "error", code, sizeof code) : "internal",
                       ok ? jstr(&d, 0, "message", message, sizeof message) : "", user);
        dsgd_page_end(&pg);
        if (dsgd_page_send(id, status == 200 && !ok ? 500 : status, &pg, NULL, p->set_lang,
                           ticket) != 0)
            dsgd_log("share: cannot answer page exchange %u", id);
    }
    free(d.t);
}

/* ---- the upload form ------------------------------------------------------- */

static int name_is(const uint8_t *hdr, size_t n, const char *want)
{
    if (n != strlen(want))
        return 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = hdr[i];
        if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != (uint8_t)want[i])
            return 0;
    }
    return 1;
}

/* A part's Content-Disposition: its field name and file name. */
static void disposition(struct dsgd_spage_up *u, const uint8_t *v, size_t n)
{
    static uint8_t ext[DSG_FILE_NAME_MAX + 1];
    dsg_mp_disp d;
    if (dsg_mp_disposition(v, n, &d, ext, sizeof ext - 1) != DSG_MP_DISP_OK)
        return;
    if (d.name_len < sizeof u->field) {
        memcpy(u->field, v + d.name_off, d.name_len);
        u->field[d.name_len] = '\0';
    }
    if (d.has_ext && d.ext_len < sizeof u->name) {   /* RFC 6266 §4.3: filename* first */
        memcpy(u->name, ext, d.ext_len);
        u->name[d.ext_len] = '\0';
        u->has_name = 1;
    } else if (d.has_file && d.file_len < sizeof u->name) {
        memcpy(u->name, v + d.file_off, d.file_len);
        u->name[d.file_len] = '\0';
        u->has_name = 1;
    }
}

/* The boundary parameter of the Content-Type, unquoted, into out. */
static int boundary(const char *ctype, char *out, size_t cap)
{
    const char *b = strstr(ctype, "boundary=");
    size_t n;
    if (b == NULL || !dsgd_page_ctype_is(ctype, strlen(ctype), MULTIPART_TYPE))
        return -1;
    b += 9;
    if (*b == '"') {
        b++;
        n = strcspn(b, "\"");
    } else {
        n = strcspn(b, "; \t");
    }
    if (n == 0 || n >= cap)
        return -1;
    memcpy(out, b, n);
    out[n] = '\0';
    return 0;
}

/* The data of the part being read. 0, or -1 when the exchange was answered. */
static int part_data(dsgd_spage *p, uint32_t id, const uint8_t *b, size_t n)
{
    struct dsgd_spage_up *u = p->up;
    (void)p;
    if (u->part == PART_CSRF) {
        if (n > sizeof u->csrf - 1 - u->csrf_len) {
            u->csrf_len = sizeof u->csrf;   /* too long: no token */
            return 0;
        }
        memcpy(u->csrf + u->csrf_len, b, n);
        u->csrf_len += n;
    } else if (u->part == PART_FILE) {
        dsgd_share_upload_data(id, b, n);
    }
    return 0;
}

/* The headers of a part ended: the CSRF part is read, the file part
 * opened (the form refused without a valid token before it). 0, or -1
 * when the exchange was answered. */
static int part_body(dsgd_spage *p, uint32_t id)
{
    struct dsgd_spage_up *u = p->up;
    if (strcmp(u->field, "csrf") == 0) {
        u->part = PART_CSRF;
        u->csrf_len = 0;
        return 0;
    }
    if (strcmp(u->field, "file") != 0) {
        u->part = PART_OTHER;
        return 0;
    }
    if (!u->csrf_ok) {
        dsgd_share_page_refuse(id, 403, "csrf", 1);
        return -1;
    }
    if (u->file_done || !u->has_name) {
        dsgd_share_page_refuse(id, 400, "bad_request", 0);
        return -1;
    }
    if (dsgd_share_upload_open(id, u->name) != 0)
        return -1;
    u->opened = 1;
    u->part = PART_FILE;
    return 0;
}

static int part_end(dsgd_spage *p, const char *session)
{
    struct dsgd_spage_up *u = p->up;
    if (u->part == PART_CSRF && u->csrf_len < sizeof u->csrf) {
        u->csrf[u->csrf_len] = '\0';
        u->csrf_ok = csrf_ok(p, session, u->csrf);
    }
    if (u->part == PART_FILE)
        u->file_done = 1;
    u->part = PART_NONE;
    u->field[0] = '\0';
    u->has_name = 0;
    return 0;
}

/* One event of the parser. 0, or -1 when the exchange was answered. */
static int event(dsgd_spage *p, uint32_t id, const char *session, dsg_mp_status st,
                 const uint8_t *in, const dsg_mp_out *o)
{
    struct dsgd_spage_up *u = p->up;
    switch (st) {
    case DSG_MP_NEED_MORE:
    case DSG_MP_PART:
    case DSG_MP_END:
        return 0;
    case DSG_MP_HEADER:
        if (name_is(u->hdr, o->name_len, "content-disposition"))
            disposition(u, u->hdr + o->off, o->len);
        return 0;
    case DSG_MP_BODY: return part_body(p, id);
    case DSG_MP_DATA: return part_data(p, id, in + o->off, o->len);
    case DSG_MP_HELD: return part_data(p, id, u->mp.delim + o->off, o->len);
    case DSG_MP_PART_END: return part_end(p, session);
    default:
        dsgd_log("share: upload form of exchange %u: %s", id, dsg_mp_status_token(st));
        dsgd_share_page_refuse(id, 400, "bad_request", 0);
        return -1;
    }
}

static int feed(dsgd_spage *p, uint32_t id, const char *session, const uint8_t *b, size_t n)
{
    while (n > 0) {
        dsg_mp_out o;
        dsg_mp_status st = dsg_mp_feed(&p->up->mp, b, n, &o);
        if (event(p, id, session, st, b, &o) != 0)
            return -1;
        b += o.consumed;
        n -= o.consumed;
        if (st == DSG_MP_NEED_MORE)
            break;
    }
    return 0;
}

/* The reader of an upload form: the form's checks first. 0, or -1 when
 * the exchange was answered. */
static int start(dsgd_spage *p, uint32_t id)
{
    char b[DSG_MP_BOUNDARY_MAX + 1];
    if (!p->origin_ok) {
        dsgd_share_page_refuse(id, 403, "csrf", 1);
        return -1;
    }
    if (p->back == 0 || boundary(p->ctype, b, sizeof b) != 0 ||
        dsg_mp_init(&p->up->mp, (const uint8_t *)b, strlen(b), p->up->hdr,
                    sizeof p->up->hdr) != DSG_MP_NEED_MORE) {
        dsgd_share_page_refuse(id, 400, "bad_request", 0);
        return -1;
    }
    p->up->started = 1;
    return 0;
}

int dsgd_share_pages_upload_body(dsgd_spage *p, uint32_t id, int told, const char *session,
                                 const uint8_t *b, size_t n)
{
    if (p->up == NULL && (p->up = calloc(1, sizeof *p->up)) == NULL) {
        dsgd_share_page_refuse(id, 503, "busy", 0);
        return -1;
    }
    struct dsgd_spage_up *u = p->up;
    if (!told) {   /* held until the session is known: nothing is judged before */
        if (n > HELD_MAX - u->held_len) {
            dsgd_share_page_refuse(id, 503, "busy", 0);
            return -1;
        }
        if (u->held == NULL && (u->held = malloc(HELD_MAX)) == NULL) {
            dsgd_share_page_refuse(id, 503, "busy", 0);
            return -1;
        }
        memcpy(u->held + u->held_len, b, n);
        u->held_len += n;
        return 0;
    }
    if (!u->started && start(p, id) != 0)
        return -1;
    if (u->held != NULL) {
        uint8_t *h = u->held;
        size_t hn = u->held_len;
        u->held = NULL;
        u->held_len = 0;
        int rc = feed(p, id, session, h, hn);
        free(h);
        if (rc != 0)
            return -1;
    }
    return b != NULL ? feed(p, id, session, b, n) : 0;
}

void dsgd_share_pages_upload_end(dsgd_spage *p, uint32_t id)
{
    if ((p->up == NULL || !p->up->started) &&
        dsgd_share_pages_upload_body(p, id, 1, "", NULL, 0) != 0)
        return;
    if (dsg_mp_finish(&p->up->mp) != DSG_MP_END || !p->up->file_done) {
        dsgd_share_page_refuse(id, 400, "bad_request", 0);
        return;
    }
    dsgd_share_upload_close(id);
}
