/* HTTP exchange messages: see exchange.h. */
#include <string.h>
#include <stdio.h>

#include "core/http_req.h"
#include "run/exchange.h"

#define API_PREFIX "/api/v1/"
#define METHODS_KNOWN ((1u << (DSG_HTTP_PATCH + 1)) - 1u)

/* A cursor over a message being written or read; `bad` is sticky. */
typedef struct cursor {
    uint8_t *w;              /* writing */
    const uint8_t *r;        /* reading */
    size_t pos, cap;
    int bad;
} cursor;

static int room(cursor *c, size_t n)
{
    if (c->bad || n > c->cap - c->pos)
        c->bad = 1;
    return !c->bad;
}

static void put_bytes(cursor *c, const void *p, size_t n)
{
    if (room(c, n) && n > 0)
        memcpy(c->w + c->pos, p, n);
    if (!c->bad)
        c->pos += n;
}

static void put_uint(cursor *c, uint64_t v, size_t n)   /* big-endian, n bytes */
{
    uint8_t b[8];
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    put_bytes(c, b, n);
}

static uint64_t get_uint(cursor *c, size_t n)
{
    uint64_t v = 0;
    if (!room(c, n))
        return 0;
    for (size_t i = 0; i < n; i++)
        v = v << 8 | c->r[c->pos + i];
    c->pos += n;
    return v;
}

static const uint8_t *get_bytes(cursor *c, size_t n)
{
    const uint8_t *p = c->r + c->pos;
    if (!room(c, n))
        return NULL;
    c->pos += n;
    return p;
}

int dsgd_xch_page_path(const char *path, size_t len)
{
    return len >= 1 && path[0] == '/' && !(len >= 5 && memcmp(path, "/api/", 5) == 0) &&
           !(len == 4 && memcmp(path, "/api", 4) == 0);
}

static int api_path(const char *path, size_t len)
{
    size_t p = sizeof API_PREFIX - 1;
    return len > p && memcmp(path, API_PREFIX, p) == 0;
}

static int route_ok(const dsgd_route *r)
{
    if (r->path_len > DSGD_ROUTE_PATH_MAX ||
        !(api_path(r->path, r->path_len) || dsgd_xch_page_path(r->path, r->path_len)) ||
        r->methods == 0 ||
        (r->methods & ~METHODS_KNOWN) != 0 || (r->flags & ~DSGD_ROUTE_UPLOAD) != 0)
        return 0;
    for (size_t i = 0; i < r->path_len; i++)
        if (r->path[i] <= 0x20 || r->path[i] >= 0x7f || r->path[i] == '?')
            return 0;
    return 1;
}

size_t dsgd_xch_routes_put(uint8_t *out, size_t cap, const dsgd_route *routes, size_t n)
{
    cursor c = { out, NULL, 0, cap, 0 };
    if (n > DSGD_ROUTES_MAX)
        return 0;
    put_uint(&c, n, 1);
    for (size_t i = 0; i < n; i++) {
        if (!route_ok(&routes[i]))
            return 0;
        put_uint(&c, routes[i].methods, 1);
        put_uint(&c, routes[i].flags, 1);
        put_uint(&c, routes[i].body_limit, 8);
        put_uint(&c, routes[i].path_len, 1);
        put_bytes(&c, routes[i].path, routes[i].path_len);
    }
    return c.bad ? 0 : c.pos;
}

int dsgd_xch_routes_get(const uint8_t *in, size_t len, uint8_t role, dsgd_route *routes,
                        size_t *n)
{
    cursor c = { NULL, in, 0, len, 0 };
    size_t count = (size_t)get_uint(&c, 1);
    if (c.bad || count > DSGD_ROUTES_MAX)
        return -1;
    for (size_t i = 0; i < count; i++) {
        dsgd_route *r = &routes[i];
        const uint8_t *path;
        r->role = role;
        r->methods = (uint8_t)get_uint(&c, 1);
        r->flags = (uint8_t)get_uint(&c, 1);
        r->body_limit = get_uint(&c, 8);
        r->path_len = (uint8_t)get_uint(&c, 1);
        if (c.bad || r->path_len > DSGD_ROUTE_PATH_MAX || (path = get_bytes(&c, r->path_len)) == NULL)
            return -1;
        memcpy(r->path, path, r->path_len);
        if (!route_ok(r))
            return -1;
    }
    if (c.pos != len)
        return -1;
    *n = count;
    return 0;
}

static int b64url_byte(uint8_t b)
{
    return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') ||
           b == '-' || b == '_';
}

int dsgd_xch_token_ok(const uint8_t *p, size_t len)
{
    if (len == 0 || len > DSGD_XCH_TOKEN_MAX)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!b64url_byte(p[i]))
            return 0;
    return 1;
}

/* A request's token: none, or a token. */
static int request_token_ok(const uint8_t *p, size_t len)
{
    return len == 0 || (p != NULL && dsgd_xch_token_ok(p, len));
}

/* A page field: a length byte and the text. */
static void put_field(cursor *c, const char *p, size_t len)
{
    put_uint(c, len, 1);
    put_bytes(c, p, len);
}

static const char *get_field(cursor *c, size_t *len)
{
    *len = (size_t)get_uint(c, 1);
    return (const char *)get_bytes(c, *len);
}

static int fields_ok(const dsgd_xch_request *r)
{
    return r->ctype_len <= DSGD_XCH_FIELD_MAX && r->accept_lang_len <= DSGD_XCH_FIELD_MAX &&
           r->origin_len <= DSGD_XCH_FIELD_MAX && r->host_len <= DSGD_XCH_FIELD_MAX &&
           r->lang_len <= DSGD_XCH_FIELD_MAX;
}

size_t dsgd_xch_request_put(uint8_t *out, size_t cap, const dsgd_xch_request *r)
{
    cursor c = { out, NULL, 0, cap, 0 };
    if (r->path_len > 0xffff || r->query_len > 0xffff || r->addr_len > DSGD_XCH_ADDR_MAX ||
        !request_token_ok(r->token, r->token_len) || !fields_ok(r) ||
        (r->cert_fp_len != 0 && (r->cert_fp_len != DSGD_XCH_CERT_FP_LEN || r->cert_fp == NULL)))
        return 0;
    put_uint(&c, r->role, 1);
    put_uint(&c, r->id, 4);
    put_uint(&c, r->method, 1);
    put_uint(&c, r->framing, 1);
    put_uint(&c, r->length, 8);
    put_uint(&c, r->path_len, 2);
    put_bytes(&c, r->path, r->path_len);
    put_uint(&c, r->query_len, 2);
    put_bytes(&c, r->query, r->query_len);
    put_uint(&c, r->addr_len, 1);
    put_bytes(&c, r->addr, r->addr_len);
    put_uint(&c, r->token_len, 1);
    put_bytes(&c, r->token, r->token_len);
    put_uint(&c, r->cert_fp_len, 1);
    put_bytes(&c, r->cert_fp, r->cert_fp_len);
    put_field(&c, r->ctype, r->ctype_len);
    put_field(&c, r->accept_lang, r->accept_lang_len);
    put_field(&c, r->origin, r->origin_len);
    put_field(&c, r->host, r->host_len);
    put_field(&c, r->lang, r->lang_len);
    return c.bad ? 0 : c.pos;
}

int dsgd_xch_request_get(const uint8_t *in, size_t len, dsgd_xch_request *r)
{
    cursor c = { NULL, in, 0, len, 0 };
    r->role = (uint8_t)get_uint(&c, 1);
    r->id = (uint32_t)get_uint(&c, 4);
    r->method = (uint8_t)get_uint(&c, 1);
    r->framing = (uint8_t)get_uint(&c, 1);
    r->length = get_uint(&c, 8);
    r->path_len = (size_t)get_uint(&c, 2);
    r->path = get_bytes(&c, r->path_len);
    r->query_len = (size_t)get_uint(&c, 2);
    r->query = get_bytes(&c, r->query_len);
    r->addr_len = (size_t)get_uint(&c, 1);
    r->addr = (const char *)get_bytes(&c, r->addr_len);
    r->token_len = (size_t)get_uint(&c, 1);
    r->token = get_bytes(&c, r->token_len);
    r->cert_fp_len = (size_t)get_uint(&c, 1);
    r->cert_fp = get_bytes(&c, r->cert_fp_len);
    r->ctype = get_field(&c, &r->ctype_len);
    r->accept_lang = get_field(&c, &r->accept_lang_len);
    r->origin = get_field(&c, &r->origin_len);
    r->host = get_field(&c, &r->host_len);
    r->lang = get_field(&c, &r->lang_len);
    if (c.bad || c.pos != len || r->method > DSG_HTTP_PATCH ||
        (r->cert_fp_len != 0 && r->cert_fp_len != DSGD_XCH_CERT_FP_LEN) ||
        r->framing > DSG_HTTP_FRAMING_CHUNKED || r->addr_len > DSGD_XCH_ADDR_MAX ||
        !request_token_ok(r->token, r->token_len))
        return -1;
    return 0;
}

void dsgd_xch_head_put(uint8_t out[DSGD_XCH_BODY_HEAD], uint8_t role, uint32_t id)
{
    cursor c = { out, NULL, 0, DSGD_XCH_BODY_HEAD, 0 };
    put_uint(&c, role, 1);
    put_uint(&c, id, 4);
}

int dsgd_xch_body_get(const uint8_t *in, size_t len, uint8_t *role, uint32_t *id,
                      const uint8_t **data, size_t *data_len)
{
    cursor c = { NULL, in, 0, len, 0 };
    *role = (uint8_t)get_uint(&c, 1);
    *id = (uint32_t)get_uint(&c, 4);
    if (c.bad)
        return -1;
    *data = in + c.pos;
    *data_len = len - c.pos;
    return 0;
}

int dsgd_xch_end_get(const uint8_t *in, size_t len, uint8_t *role, uint32_t *id,
                     int *complete)
{
    cursor c = { NULL, in, 0, len, 0 };
    uint64_t outcome;
    *role = (uint8_t)get_uint(&c, 1);
    *id = (uint32_t)get_uint(&c, 4);
    outcome = get_uint(&c, 1);
    if (c.bad || c.pos != len || outcome > 1)
        return -1;
    *complete = outcome == 1;
    return 0;
}

/* Statuses an answer with a JSON body may have: not informational, and
 * not those that never carry content (RFC 9110 §15.3.5, §15.3.6, §15.4.5). */
static int answer_status_ok(uint64_t status)
{
    return status >= 200 && status <= 599 && status != 204 && status != 205 && status != 304;
}

int dsgd_xch_cookie_ok(const dsgd_xch_cookie *c)
{
    switch (c->op) {
    case DSGD_XCH_COOKIE_NONE:
    case DSGD_XCH_COOKIE_CLEAR:
        return c->token_len == 0 && c->max_age == 0;
    case DSGD_XCH_COOKIE_SET:
        return c->max_age >= 1 && c->max_age <= DSGD_XCH_COOKIE_AGE_MAX &&
               dsgd_xch_token_ok((const uint8_t *)c->token, c->token_len);
    default:
        return 0;
    }
}

/* The directive: its op, and for SET its age and token. */
static void put_cookie(cursor *c, const dsgd_xch_cookie *k)
{
    put_uint(c, k->op, 1);
    if (k->op != DSGD_XCH_COOKIE_SET)
        return;
    put_uint(c, k->max_age, 4);
    put_uint(c, k->token_len, 1);
    put_bytes(c, k->token, k->token_len);
}

static int get_cookie(cursor *c, dsgd_xch_cookie *k)
{
    const uint8_t *token;
    memset(k, 0, sizeof *k);
    k->op = (uint8_t)get_uint(c, 1);
    if (k->op == DSGD_XCH_COOKIE_SET) {
        k->max_age = (uint32_t)get_uint(c, 4);
        k->token_len = (uint8_t)get_uint(c, 1);
        if (c->bad || k->token_len > DSGD_XCH_TOKEN_MAX ||
            (token = get_bytes(c, k->token_len)) == NULL)
            return -1;
        memcpy(k->token, token, k->token_len);
    }
    return c->bad || !dsgd_xch_cookie_ok(k) ? -1 : 0;
}

size_t dsgd_xch_answer_put(uint8_t *out, size_t cap, uint32_t id, int status,
                           const dsgd_xch_cookie *cookie, const uint8_t *json,
                           size_t json_len)
{
    static const dsgd_xch_cookie none = { DSGD_XCH_COOKIE_NONE, 0, 0, { 0 } };
    cursor c = { out, NULL, 0, cap, 0 };
    if (cookie == NULL)
        cookie = &none;
    if (status < 0 || !answer_status_ok((uint64_t)status) || json_len > DSGD_XCH_ANSWER_MAX ||
        !dsgd_xch_cookie_ok(cookie))
        return 0;
    put_uint(&c, id, 4);
    put_uint(&c, (uint64_t)status, 2);
    put_cookie(&c, cookie);
    put_bytes(&c, json, json_len);
    return c.bad ? 0 : c.pos;
}

int dsgd_xch_answer_get(const uint8_t *in, size_t len, uint32_t *id, int *status,
                        dsgd_xch_cookie *cookie, const uint8_t **json, size_t *json_len)
{
    cursor c = { NULL, in, 0, len, 0 };
    *id = (uint32_t)get_uint(&c, 4);
    *status = (int)get_uint(&c, 2);
    if (c.bad || !answer_status_ok((uint64_t)*status) || get_cookie(&c, cookie) != 0 ||
        len - c.pos > DSGD_XCH_ANSWER_MAX)
        return -1;
    *json = in + c.pos;
    *json_len = len - c.pos;
    return 0;
}

/* ---- streamed answers -------------------------------------------------- */

/* Header text a role may hand the portal: printable ASCII only. */
static int header_text_ok(const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] > 0x7e)
            return 0;
    return 1;
}

/* A page's Location: none, or a printable path on the portal ("/..." but
 * not "//", which a browser reads as another host). */
static int location_ok(const char *p, size_t len)
{
    return len == 0 || (len <= DSGD_XCH_LOCATION_MAX && p[0] == '/' &&
                        (len == 1 || p[1] != '/') && header_text_ok(p, len));
}

static int stream_ok(const dsgd_xch_stream *s)
{
    return s->status >= 0 && answer_status_ok((uint64_t)s->status) && s->type_len >= 1 &&
           s->type_len <= DSGD_XCH_TYPE_MAX && header_text_ok(s->type, s->type_len) &&
           s->disposition_len <= DSGD_XCH_DISPOSITION_MAX &&
           header_text_ok(s->disposition, s->disposition_len) && s->page <= 1 &&
           dsgd_xch_cookie_ok(&s->cookie) && location_ok(s->location, s->location_len) &&
           s->lang <= DSGD_XCH_LANG_EN &&
           (s->page || (s->cookie.op == DSGD_XCH_COOKIE_NONE && s->location_len == 0 &&
                        s->lang == DSGD_XCH_LANG_KEEP));
}

size_t dsgd_xch_stream_put(uint8_t *out, size_t cap, const dsgd_xch_stream *s)
{
    cursor c = { out, NULL, 0, cap, 0 };
    if (!stream_ok(s))
        return 0;
    put_uint(&c, s->id, 4);
    put_uint(&c, (uint64_t)s->status, 2);
    put_uint(&c, s->length, 8);
    put_uint(&c, s->type_len, 1);
    put_bytes(&c, s->type, s->type_len);
    put_uint(&c, s->disposition_len, 2);
    put_bytes(&c, s->disposition, s->disposition_len);
    put_uint(&c, s->page, 1);
    put_cookie(&c, &s->cookie);
    put_field(&c, s->location, s->location_len);
    put_uint(&c, s->lang, 1);
    return c.bad ? 0 : c.pos;
}

int dsgd_xch_stream_get(const uint8_t *in, size_t len, dsgd_xch_stream *s)
{
    cursor c = { NULL, in, 0, len, 0 };
    s->id = (uint32_t)get_uint(&c, 4);
    s->status = (int)get_uint(&c, 2);
    s->length = get_uint(&c, 8);
    s->type_len = (size_t)get_uint(&c, 1);
    s->type = (const char *)get_bytes(&c, s->type_len);
    s->disposition_len = (size_t)get_uint(&c, 2);
    s->disposition = (const char *)get_bytes(&c, s->disposition_len);
    s->page = (uint8_t)get_uint(&c, 1);
    if (get_cookie(&c, &s->cookie) != 0)
        return -1;
    s->location = get_field(&c, &s->location_len);
    s->lang = (uint8_t)get_uint(&c, 1);
    return c.bad || c.pos != len || !stream_ok(s) ? -1 : 0;
}

size_t dsgd_xch_data_put(uint8_t *out, size_t cap, uint32_t id, const uint8_t *p, size_t len)
{
    cursor c = { out, NULL, 0, cap, 0 };
    if (len == 0 || len > DSGD_XCH_DATA_MAX)
        return 0;
    put_uint(&c, id, 4);
    put_bytes(&c, p, len);
    return c.bad ? 0 : c.pos;
}

int dsgd_xch_data_get(const uint8_t *in, size_t len, uint32_t *id, const uint8_t **p,
                      size_t *n)
{
    cursor c = { NULL, in, 0, len, 0 };
    *id = (uint32_t)get_uint(&c, 4);
    if (c.bad || len - c.pos == 0 || len - c.pos > DSGD_XCH_DATA_MAX)
        return -1;
    *p = in + c.pos;
    *n = len - c.pos;
    return 0;
}

size_t dsgd_xch_done_put(uint8_t *out, size_t cap, uint32_t id, int complete)
{
    cursor c = { out, NULL, 0, cap, 0 };
    put_uint(&c, id, 4);
    put_uint(&c, complete ? 1 : 0, 1);
    return c.bad ? 0 : c.pos;
}

int dsgd_xch_done_get(const uint8_t *in, size_t len, uint32_t *id, int *complete)
{
    cursor c = { NULL, in, 0, len, 0 };
    uint64_t outcome;
    *id = (uint32_t)get_uint(&c, 4);
    outcome = get_uint(&c, 1);
    if (c.bad || c.pos != len || outcome > 1)
        return -1;
    *complete = outcome == 1;
    return 0;
}

size_t dsgd_xch_more_put(uint8_t *out, size_t cap, uint8_t role, uint32_t id, unsigned n)
{
    cursor c = { out, NULL, 0, cap, 0 };
    if (n < 1 || n > DSGD_XCH_STREAM_WINDOW)
        return 0;
    put_uint(&c, role, 1);
    put_uint(&c, id, 4);
    put_uint(&c, n, 1);
    return c.bad ? 0 : c.pos;
}

int dsgd_xch_more_get(const uint8_t *in, size_t len, uint8_t *role, uint32_t *id,
                      unsigned *n)
{
    cursor c = { NULL, in, 0, len, 0 };
    *role = (uint8_t)get_uint(&c, 1);
    *id = (uint32_t)get_uint(&c, 4);
    *n = (unsigned)get_uint(&c, 1);
    return c.bad || c.pos != len || *n < 1 || *n > DSGD_XCH_STREAM_WINDOW ? -1 : 0;
}

/* ---- who holds a session ----------------------------------------------- */

size_t dsgd_xch_who_ask_put(uint8_t *out, size_t cap, const dsgd_xch_who_ask *a, int with_role)
{
    cursor c = { out, NULL, 0, cap, 0 };
    if (a->addr_len < 1 || a->addr_len > DSGD_XCH_ADDR_MAX ||
        !header_text_ok(a->addr, a->addr_len) || !dsgd_xch_token_ok(a->token, a->token_len))
        return 0;
    if (with_role)
        put_uint(&c, a->role, 1);
    put_uint(&c, a->qid, 4);
    put_uint(&c, a->addr_len, 1);
    put_bytes(&c, a->addr, a->addr_len);
    put_uint(&c, a->token_len, 1);
    put_bytes(&c, a->token, a->token_len);
    return c.bad ? 0 : c.pos;
}

int dsgd_xch_who_ask_get(const uint8_t *in, size_t len, dsgd_xch_who_ask *a, int with_role)
{
    cursor c = { NULL, in, 0, len, 0 };
    a->role = with_role ? (uint8_t)get_uint(&c, 1) : 0;
    a->qid = (uint32_t)get_uint(&c, 4);
    a->addr_len = (size_t)get_uint(&c, 1);
    a->addr = (const char *)get_bytes(&c, a->addr_len);
    a->token_len = (size_t)get_uint(&c, 1);
    a->token = get_bytes(&c, a->token_len);
    if (c.bad || c.pos != len || a->addr_len < 1 || a->addr_len > DSGD_XCH_ADDR_MAX ||
        !header_text_ok(a->addr, a->addr_len) || !dsgd_xch_token_ok(a->token, a->token_len))
        return -1;
    return 0;
}

static int who_is_ok(const dsgd_xch_who_is *w)
{
    int known = w->status == 200;
    if (w->status != 200 && w->status != 401 && w->status != 403 && w->status != 503)
        return 0;
    if (w->user_len > DSGD_XCH_WHO_TEXT_MAX || w->org_len > DSGD_XCH_WHO_TEXT_MAX ||
        w->fresh > 1)
        return 0;
    return known ? w->user_len >= 1
                 : w->user_len == 0 && w->org_len == 0 && w->type == 0 && w->fresh == 0;
}

size_t dsgd_xch_who_is_put(uint8_t *out, size_t cap, const dsgd_xch_who_is *w)
{
    cursor c = { out, NULL, 0, cap, 0 };
    if (!who_is_ok(w))
        return 0;
    put_uint(&c, w->role, 1);
    put_uint(&c, w->qid, 4);
    put_uint(&c, (uint64_t)w->status, 2);
    put_uint(&c, w->user_len, 1);
    put_bytes(&c, w->user, w->user_len);
    put_uint(&c, w->org_len, 1);
    put_bytes(&c, w->org, w->org_len);
    put_uint(&c, w->type, 1);
    put_uint(&c, w->fresh, 1);
    return c.bad ? 0 : c.pos;
}

int dsgd_xch_who_is_get(const uint8_t *in, size_t len, dsgd_xch_who_is *w)
{
    cursor c = { NULL, in, 0, len, 0 };
    w->role = (uint8_t)get_uint(&c, 1);
    w->qid = (uint32_t)get_uint(&c, 4);
    w->status = (int)get_uint(&c, 2);
    w->user_len = (size_t)get_uint(&c, 1);
    w->user = (const char *)get_bytes(&c, w->user_len);
    w->org_len = (size_t)get_uint(&c, 1);
    w->org = (const char *)get_bytes(&c, w->org_len);
    w->type = (uint8_t)get_uint(&c, 1);
    w->fresh = (uint8_t)get_uint(&c, 1);
    return c.bad || c.pos != len || !who_is_ok(w) ? -1 : 0;
}

/* ---- sessions ended by a rights reduction ------------------------------------ */

static int sessions_end_ok(uint8_t kind, const char *name, size_t len)
{
    return (kind == 1 || kind == 2) && len >= 1 && len <= DSGD_XCH_WHO_TEXT_MAX &&
           memchr(name, '\0', len) == NULL;
}

size_t dsgd_xch_sessions_end_put(uint8_t *out, size_t cap, uint8_t kind, const char *name,
                                 size_t len)
{
    cursor c = { out, NULL, 0, cap, 0 };
    if (!sessions_end_ok(kind, name, len))
        return 0;
    put_uint(&c, kind, 1);
    put_bytes(&c, name, len);
    return c.bad ? 0 : c.pos;
}

int dsgd_xch_sessions_end_get(const uint8_t *in, size_t len, uint8_t *kind, const char **name,
                              size_t *name_len)
{
    cursor c = { NULL, in, 0, len, 0 };
    *kind = (uint8_t)get_uint(&c, 1);
    if (c.bad)
        return -1;
    *name = (const char *)in + c.pos;
    *name_len = len - c.pos;
    return sessions_end_ok(*kind, *name, *name_len) ? 0 : -1;
}

/* ---- an item's access history, asked of logd (REQ-SHARE-017) --------------- */

/* ID: 1 to 18 digits, the first not 0. */
static int history_id_ok(const char *s, size_t n)
{
    if (n < 1 || n > 18 || s[0] < '1' || s[0] > '9')
        return 0;
    for (size_t i = 1; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int history_item_ok(const char *s, size_t n)
{
    static const char *const kinds[] = { "area:", "folder:", "file:" };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        size_t k = strlen(kinds[i]);
        if (n > k && memcmp(s, kinds[i], k) == 0)
            return history_id_ok(s + k, n - k);
    }
    return 0;
}

/* "-" or YYYY-MM-DDTHH:MM:SS.mmmZ (its digits and separators only: logd
 * parses the time itself). */
static int history_time_ok(const char *s, size_t n)
{
    static const char form[] = "dddd-dd-ddTdd:dd:dd.dddZ";
    if (n == 1 && s[0] == '-')
        return 1;
    if (n != sizeof form - 1)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (form[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != form[i])
            return 0;
    return 1;
}

size_t dsgd_xch_history_ask_put(uint8_t *out, size_t cap, const char *item, const char *since,
                                const char *until)
{
    int n;
    if (!history_item_ok(item, strlen(item)) || !history_time_ok(since, strlen(since)) ||
        !history_time_ok(until, strlen(until)))
        return 0;
    n = snprintf((char *)out, cap, "%s %s %s", item, since, until);
    return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

size_t dsgd_xch_history_line(const uint8_t *in, size_t len, char *line, size_t cap)
{
    const char *s = (const char *)in, *w[3];
    size_t wl[3], at = 0;
    int n;
    for (int i = 0; i < 3; i++) {
        w[i] = s + at;
        wl[i] = 0;
        while (at < len && s[at] != ' ')
            at++, wl[i]++;
        if (i < 2 && at++ >= len)
            return 0;
    }
    if (at != len || !history_item_ok(w[0], wl[0]) || !history_time_ok(w[1], wl[1]) ||
        !history_time_ok(w[2], wl[2]))
        return 0;
    n = snprintf(line, cap, "log export --format history --type 23 --item %.*s%s%.*s%s%.*s",
                 (int)wl[0], w[0], wl[1] > 1 ? " --since " : "", wl[1] > 1 ? (int)wl[1] : 0,
                 w[1], wl[2] > 1 ? " --until " : "", wl[2] > 1 ? (int)wl[2] : 0, w[2]);
    return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}
