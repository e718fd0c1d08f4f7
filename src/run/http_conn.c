/* The portal's HTTP/1.1 layer: see http_conn.h. */
#include <stdio.h>
#include <string.h>

#include "core/http_cookie.h"
#include "core/http_req.h"
#include "core/json_out.h"
#include "run/http_conn.h"
#include "log/timefmt.h"

#define HEALTH_PATH "/api/v1/health"
#define HEALTH_BODY "{\"status\":\"ok\"}"
#define API_PREFIX "/api/"
#define API_VERSION "v1"
#define SESSION_COOKIE "__Host-dsg_session"
#define LANG_COOKIE "dsg_lang"
#define PAGE_CSP "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " \
                 "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
#define COOKIE_PAIRS_MAX 256u   /* pairs of one Cookie header; more: 400 bad-cookie */

/* What an answer says; `allow` is the Allow header of a 405. */
typedef struct reply {
    int status;
    const char *error;         /* NULL: a success, body in `body` */
    const char *message;
    const uint8_t *body;
    size_t body_len;
    char allow[64];            /* "": no Allow header */
    int head_only;             /* HEAD: headers as for GET, no body */
    int close;
    int http10;                /* an HTTP/1.0 request: keep-alive must be said */
    const dsgd_xch_cookie *cookie;   /* NULL: no Set-Cookie */
} reply;

static const char *reason_phrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 303: return "See Other";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Error";
    }
}

/* {"error": code, "message": text} through the proved writer, whose
 * failures are sticky: only the final check matters. */
static int error_body(const char *code, const char *text, uint8_t *buf, size_t cap,
                      size_t *len)
{
    dsg_json_out w;
    dsg_json_out_init(&w, buf, cap);
    (void)dsg_json_out_object_begin(&w);
    (void)dsg_json_out_key(&w, (const uint8_t *)"error", 5);
    (void)dsg_json_out_string(&w, (const uint8_t *)code, strlen(code));
    (void)dsg_json_out_key(&w, (const uint8_t *)"message", 7);
    (void)dsg_json_out_string(&w, (const uint8_t *)text, strlen(text));
    (void)dsg_json_out_object_end(&w);
    return dsg_json_out_finish(&w, len);
}

/* The status line, the headers every answer carries (HSTS RFC 6797; no MIME
 * sniffing; no framing and no active content for a JSON body; no referrer;
 * no caching of API answers), and the body. Returns the length, or 0 if
 * it does not fit. */
/* RFC 9112 §9.3, §9.6: "close" when this answer ends the connection; an
 * HTTP/1.0 client keeps it open only when told "keep-alive". */
static const char *connection_header(const reply *r)
{
    if (r->close)
        return "Connection: close\r\n";
    return r->http10 ? "Connection: keep-alive\r\n" : "";
}

/* The Set-Cookie header of a role's cookie directive (REQ-ACCT-014), "" for
 * none: a host-only cookie for the whole site (the __Host- prefix, RFC
 * 6265bis §4.1.3.2, makes the browser refuse it otherwise), sent over TLS
 * only, out of scripts' reach, and never on a request another site starts.
 * 0, or -1 for a directive that is not one. */
static int set_cookie_header(const dsgd_xch_cookie *k, char *out, size_t cap)
{
    int set, n;
    out[0] = '\0';
    if (k == NULL || k->op == DSGD_XCH_COOKIE_NONE)
        return 0;
    if (!dsgd_xch_cookie_ok(k))
        return -1;
    set = k->op == DSGD_XCH_COOKIE_SET;
    n = snprintf(out, cap,
                 "Set-Cookie: " SESSION_COOKIE "=%.*s; Path=/; Max-Age=%u; Secure; HttpOnly; "
                 "SameSite=Strict\r\n",
                 set ? (int)k->token_len : 0, k->token, set ? (unsigned)k->max_age : 0u);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

static size_t write_answer(const dsgd_http_config *cfg, const reply *r, time_t now,
                           uint8_t *out, size_t cap)
{
    uint8_t error_json[1024];
    const uint8_t *body = r->body;
    size_t body_len = r->body_len;
    char date[40], allow[80] = "", cookie[192];
    int n;

    if (r->error != NULL) {
        if (error_body(r->error, r->message, error_json, sizeof error_json, &body_len) != 0)
            return 0;
        body = error_json;
    }
    if (r->allow[0] != '\0')
        snprintf(allow, sizeof allow, "Allow: %s\r\n", r->allow);
    if (dsg_time_imf_fixdate(date, sizeof date, (int64_t)now) == 0 ||
        set_cookie_header(r->cookie, cookie, sizeof cookie) != 0)
        return 0;
    n = snprintf((char *)out, cap,
                 "HTTP/1.1 %d %s\r\n"
                 "Date: %s\r\n"
                 "Content-Type: application/json\r\n"
                 "Content-Length: %zu\r\n"
                 "Strict-Transport-Security: max-age=%u\r\n"
                 "X-Content-Type-Options: nosniff\r\n"
                 "Content-Security-Policy: frame-ancestors 'none'; default-src 'none'\r\n"
                 "Referrer-Policy: no-referrer\r\n"
                 "Cache-Control: no-store\r\n"
                 "%s%s%s\r\n",
                 r->status, reason_phrase(r->status), date, body_len, cfg->hsts_max_age,
                 allow, cookie, connection_header(r));
    if (n < 0 || (size_t)n >= cap)
        return 0;
    if (!r->head_only) {
        if (body_len > cap - (size_t)n)
            return 0;
        memcpy(out + n, body, body_len);
        n += (int)body_len;
    }
    return (size_t)n;
}

static void finish(const dsgd_http_config *cfg, const reply *r, time_t now, uint8_t *out,
                   size_t cap, dsgd_http_answer *a)
{
    a->status = r->status;
    a->error = r->error;
    a->close = r->close;
    a->len = write_answer(cfg, r, now, out, cap);
    if (a->len == 0) {   /* out smaller than DSGD_HTTP_OUT_MAX: a caller's bug */
        static const char fallback[] =
            "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        a->status = 500;
        a->error = "internal";
        a->close = 1;
        a->len = cap >= sizeof fallback - 1 ? sizeof fallback - 1 : 0;
        memcpy(out, fallback, a->len);
    }
}

static void set_error(reply *r, int status, const char *code, const char *message)
{
    r->status = status;
    r->error = code;
    r->message = message;
}

/* RFC 9110 §15, RFC 9112 §6.1 (501 for a transfer coding not understood),
 * RFC 6585 §5 (431). */
static void head_error(dsg_http_status st, reply *r)
{
    const char *code = dsg_http_status_token(st);
    switch (st) {
    case DSG_HTTP_ERR_HEAD_TOO_LARGE:
        set_error(r, 431, code, "the request head is larger than this server accepts");
        break;
    case DSG_HTTP_ERR_TOO_MANY_HEADERS:
        set_error(r, 431, code, "the request has more header fields than this server accepts");
        break;
    case DSG_HTTP_ERR_TARGET_TOO_LONG:
        set_error(r, 414, code, "the request target is longer than this server accepts");
        break;
    case DSG_HTTP_ERR_BAD_VERSION:
        set_error(r, 505, code, "only HTTP/1.1 and HTTP/1.0 are supported");
        break;
    case DSG_HTTP_ERR_BAD_TRANSFER_ENCODING:
        set_error(r, 501, code, "the only transfer coding accepted is a single chunked");
        break;
    case DSG_HTTP_ERR_AMBIGUOUS_FRAMING:
        set_error(r, 400, code, "the request's body length is ambiguous");
        break;
    case DSG_HTTP_ERR_MISSING_HOST:
        set_error(r, 400, code, "an HTTP/1.1 request needs exactly one Host header");
        break;
    case DSG_HTTP_ERR_DUPLICATE_HOST:
        set_error(r, 400, code, "the request has more than one Host header");
        break;
    default:
        set_error(r, 400, code, "the request is malformed");
        break;
    }
}

static void path_error(dsg_http_path_status st, reply *r)
{
    const char *code = dsg_http_path_status_token(st);
    if (st == DSG_HTTP_PATH_TOO_LONG)
        set_error(r, 414, code, "the request path is longer than this server accepts");
    else if (st == DSG_HTTP_PATH_TRAVERSAL || st == DSG_HTTP_PATH_ENCODED_SEPARATOR ||
             st == DSG_HTTP_PATH_EMPTY_SEGMENT)
        set_error(r, 400, code, "the request path has a forbidden segment");
    else
        set_error(r, 400, code, "the request path is malformed");
}

static int path_is(const uint8_t *path, size_t len, const char *want)
{
    return len == strlen(want) && memcmp(path, want, len) == 0;
}

/* "/api/<segment>" where the segment is not the version served: a client
 * speaking a version this server does not have. */
static int other_api_version(const uint8_t *path, size_t len)
{
    size_t p = sizeof API_PREFIX - 1, end = p;
    if (len <= p || memcmp(path, API_PREFIX, p) != 0)
        return 0;
    while (end < len && path[end] != '/')
        end++;
    return !(end - p == sizeof API_VERSION - 1 && memcmp(path + p, API_VERSION, end - p) == 0);
}

/* The portal's routes: every resource it serves. Administrative functions
 * are never here; they are dsgctl commands on the control socket
 * (REQ-RUN-022). */
static const dsgd_http_route routes[] = {
    { HEALTH_PATH, "GET, HEAD", HEALTH_BODY },
};

const dsgd_http_route *dsgd_http_routes(size_t *n)
{
    *n = sizeof routes / sizeof routes[0];
    return routes;
}

/* Routes the roles registered (REQ-RUN-017), in the order they came. */
#define REGISTERED_MAX 64u
static dsgd_route registered[REGISTERED_MAX];
static size_t n_registered;

static int builtin_path(const uint8_t *path, size_t len)
{
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
        if (path_is(path, len, routes[i].path))
            return 1;
    return 0;
}

const dsgd_route *dsgd_http_route_find(const uint8_t *path, size_t len)
{
    for (size_t i = 0; i < n_registered; i++)
        if (registered[i].path_len == len && memcmp(registered[i].path, path, len) == 0)
            return &registered[i];
    return NULL;
}

int dsgd_http_routes_set(uint8_t role, const dsgd_route *rs, size_t n)
{
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        const dsgd_route *other = dsgd_http_route_find((const uint8_t *)rs[i].path, rs[i].path_len);
        if (builtin_path((const uint8_t *)rs[i].path, rs[i].path_len) ||
            (other != NULL && other->role != role))
            return -1;
    }
    for (size_t i = 0; i < n_registered; i++)
        if (registered[i].role != role)
            kept++;
    if (kept + n > REGISTERED_MAX)
        return -1;
    kept = 0;
    for (size_t i = 0; i < n_registered; i++)
        if (registered[i].role != role)
            registered[kept++] = registered[i];
    for (size_t i = 0; i < n; i++) {
        registered[kept] = rs[i];
        registered[kept++].role = role;
    }
    n_registered = kept;
    return 0;
}

/* "GET, POST" for a route's method set. */
static void allow_list(uint8_t methods, char *out, size_t cap)
{
    static const char *const names[] = { "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS",
                                          "PATCH" };
    size_t used = 0;
    out[0] = '\0';
    for (unsigned m = 0; m < sizeof names / sizeof names[0]; m++)
        if (methods & (1u << m)) {
            int k = snprintf(out + used, cap - used, "%s%s", used ? ", " : "", names[m]);
            if (k < 0 || (size_t)k >= cap - used)
                return;
            used += (size_t)k;
        }
}

static uint64_t body_limit(const dsgd_http_config *cfg, const dsgd_route *rt)
{
    uint64_t portal = rt->flags & DSGD_ROUTE_UPLOAD ? cfg->upload_max : cfg->api_max_body;
    return rt->body_limit < portal ? rt->body_limit : portal;
}

/* A route a role serves: the request is forwarded, unless the method is
 * not one it takes. Returns 1 when it is the role's. */
static int role_route(const uint8_t *path, size_t len, uint32_t method, reply *r,
                      dsgd_http_answer *a)
{
    const dsgd_route *rt = dsgd_http_route_find(path, len);
    if (rt == NULL)
        return 0;
    if (method > DSG_HTTP_PATCH || !(rt->methods & (1u << method))) {
        set_error(r, 405, "method-not-allowed", "this resource does not answer that method");
        allow_list(rt->methods, r->allow, sizeof r->allow);
        return 1;
    }
    a->forward = 1;
    a->fwd.route = rt;
    return 1;
}

static void route(const uint8_t *path, size_t len, uint32_t method, reply *r,
                  dsgd_http_answer *a)
{
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        if (!path_is(path, len, routes[i].path))
            continue;
        /* every built-in route answers GET and HEAD with a fixed body */
        if (method == DSG_HTTP_GET || method == DSG_HTTP_HEAD) {
            r->status = 200;
            r->body = (const uint8_t *)routes[i].body;
            r->body_len = strlen(routes[i].body);
            r->head_only = method == DSG_HTTP_HEAD;
        } else {
            set_error(r, 405, "method-not-allowed", "this resource answers GET and HEAD only");
            snprintf(r->allow, sizeof r->allow, "%s", routes[i].allow);
        }
        return;
    }
    if (role_route(path, len, method, r, a))
        return;
    if (other_api_version(path, len))
        set_error(r, 404, "unknown-api-version", "this server serves the API under /api/v1/");
    else
        set_error(r, 404, "not-found", "no such resource");
}

static int name_is(const uint8_t *in, dsg_http_slice name, const char *want)
{
    size_t n = strlen(want);
    if (name.len != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = in[name.off + i];
        if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != (uint8_t)want[i])
            return 0;
    }
    return 1;
}

/* The value of the first field called `name` (lowercase), or 0. */
static int field_value(const uint8_t *in, const dsg_http_request *q, const char *name,
                       dsg_http_slice *value)
{
    for (uint32_t i = 0; i < q->field_count; i++)
        if (name_is(in, q->fields[i].name, name)) {
            *value = q->fields[i].value;
            return 1;
        }
    return 0;
}

/* What the access log takes from a parsed head. */
static void note_request(const uint8_t *in, const dsg_http_request *q, dsgd_http_answer *a)
{
    a->parsed = 1;
    a->method_off = q->method.off;
    a->method_len = q->method.len;
    a->target_off = q->target.off;
    a->target_len = q->target.len;
    dsg_http_slice agent = { 0, 0 };
    (void)field_value(in, q, "user-agent", &agent);
    a->agent_off = agent.off;
    a->agent_len = agent.len;
}

static uint32_t slice_end(dsg_http_slice s)
{
    return s.off + s.len;
}

/* The request line is "method SP target SP HTTP/1.x": the parser bounds the
 * target; the line as a whole is bounded here. */
static int request_line_too_long(const dsgd_http_config *cfg, const dsg_http_request *q)
{
    return (uint64_t)slice_end(q->target) + sizeof " HTTP/1.1" - 1 > cfg->max_request_line;
}

/* A request whose body this server does not read: answering it leaves the
 * body on the wire, so the connection must close after the answer. */
static int has_body(const dsg_http_request *q)
{
    return q->framing == DSG_HTTP_FRAMING_CHUNKED ||
           (q->framing == DSG_HTTP_FRAMING_LENGTH && q->content_length > 0);
}

/* Content-Type application/json, parameters (a charset) allowed
 * (RFC 9110 §8.3.1: the type and subtype are case-insensitive). */
static int is_json(const uint8_t *in, const dsg_http_request *q)
{
    static const char want[] = "application/json";
    dsg_http_slice v, type;
    uint32_t n = 0;
    if (!field_value(in, q, "content-type", &v))
        return 0;
    while (n < v.len && in[v.off + n] != ';' && in[v.off + n] != ' ' && in[v.off + n] != '\t')
        n++;
    type.off = v.off;
    type.len = n;
    return name_is(in, type, want);
}

/* How many fields are called `name` (lowercase); *value is the first's. */
static uint32_t field_count(const uint8_t *in, const dsg_http_request *q, const char *name,
                            dsg_http_slice *value)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < q->field_count; i++)
        if (name_is(in, q->fields[i].name, name) && n++ == 0)
            *value = q->fields[i].value;
    return n;
}

static int token_error(const uint8_t *in, dsg_http_slice t, reply *r)
{
    if (dsgd_xch_token_ok(in + t.off, t.len))
        return 0;
    set_error(r, 400, "bad-token",
              "a session token is 1 to 64 characters of A-Z, a-z, 0-9, \"-\" and \"_\"");
    return -1;
}

/* "Authorization: Bearer <token>" (RFC 6750 §2.1; the scheme is
 * case-insensitive, RFC 9110 §11.1). 0 with *has set, or -1 with a 400 in r. */
static int bearer_token(const uint8_t *in, const dsg_http_request *q, dsg_http_slice *tok,
                        int *has, reply *r)
{
    dsg_http_slice v = { 0, 0 }, scheme;
    uint32_t n = field_count(in, q, "authorization", &v), sp = 0;
    *has = n > 0;
    if (n == 0)
        return 0;
    if (n > 1) {
        set_error(r, 400, "duplicate-authorization",
                  "the request has more than one Authorization header");
        return -1;
    }
    while (sp < v.len && in[v.off + sp] != ' ')
        sp++;
    scheme.off = v.off;
    scheme.len = sp;
    if (!name_is(in, scheme, "bearer")) {
        set_error(r, 400, "unsupported-auth-scheme",
                  "the only authorization scheme accepted is Bearer");
        return -1;
    }
    while (sp < v.len && in[v.off + sp] == ' ')
        sp++;
    tok->off = v.off + sp;
    tok->len = v.len - sp;
    return token_error(in, *tok, r);
}

/* The __Host-dsg_session pair of the Cookie header (RFC 6265 §4.2.1, by the
 * proved parser). 0 with *has set, or -1 with a 400 in r. */
static int cookie_token(const uint8_t *in, const dsg_http_request *q, dsg_http_slice *tok,
                        int *has, reply *r)
{
    static dsg_cookie pairs[COOKIE_PAIRS_MAX];
    static char why[128];
    static const uint8_t name[] = SESSION_COOKIE;
    dsg_http_slice v = { 0, 0 };
    uint32_t n = field_count(in, q, "cookie", &v);
    size_t count = 0, at = 0, i = 0;
    dsg_cookie_status st;
    *has = 0;
    if (n == 0)
        return 0;
    if (n > 1) {
        set_error(r, 400, "bad-cookie", "the request has more than one Cookie header");
        return -1;
    }
    st = dsg_cookie_parse(in + v.off, v.len, pairs, COOKIE_PAIRS_MAX, &count, &at);
    if (st != DSG_COOKIE_OK) {
        snprintf(why, sizeof why, "the Cookie header is malformed (%s at byte %zu)",
                 dsg_cookie_status_token(st), at);
        set_error(r, 400, "bad-cookie", why);
        return -1;
    }
    st = dsg_cookie_find(in + v.off, v.len, pairs, count, name, sizeof name - 1, &i);
    if (st == DSG_COOKIE_DUPLICATE) {
        set_error(r, 400, "duplicate-session-cookie",
                  "the request has more than one " SESSION_COOKIE " cookie");
        return -1;
    }
    if (st != DSG_COOKIE_OK)
        return 0;
    *has = 1;
    tok->off = v.off + (uint32_t)pairs[i].value_off;
    tok->len = (uint32_t)pairs[i].value_len;
    return token_error(in, *tok, r);
}

/* The session token the client presented, if any: a bearer token or the
 * session cookie, or both when they are the same. 0, or -1 with a 400 in r. */
static int credential(const uint8_t *in, const dsg_http_request *q, dsgd_http_forward *f,
                      reply *r)
{
    dsg_http_slice b = { 0, 0 }, c = { 0, 0 };
    int has_b, has_c;
    if (bearer_token(in, q, &b, &has_b, r) != 0 || cookie_token(in, q, &c, &has_c, r) != 0)
        return -1;
    if (has_b && has_c && (b.len != c.len || memcmp(in + b.off, in + c.off, b.len) != 0)) {
        set_error(r, 400, "credential-mismatch",
                  "the bearer token and the session cookie name different sessions");
        return -1;
    }
    f->token_off = has_b ? b.off : c.off;
    f->token_len = has_b ? b.len : c.len;
    return 0;
}

/* The value of the dsg_lang cookie (the page's language switch), length 0
 * when there is none or the Cookie header is not one the proved parser
 * reads (the session cookie's check answers that). */
static dsg_http_slice lang_cookie(const uint8_t *in, const dsg_http_request *q)
{
    static dsg_cookie pairs[COOKIE_PAIRS_MAX];
    static const uint8_t name[] = LANG_COOKIE;
    dsg_http_slice v = { 0, 0 }, none = { 0, 0 };
    size_t count = 0, at = 0, i = 0;
    if (field_count(in, q, "cookie", &v) != 1 ||
        dsg_cookie_parse(in + v.off, v.len, pairs, COOKIE_PAIRS_MAX, &count, &at) !=
            DSG_COOKIE_OK ||
        dsg_cookie_find(in + v.off, v.len, pairs, count, name, sizeof name - 1, &i) !=
            DSG_COOKIE_OK)
        return none;
    v.off += (uint32_t)pairs[i].value_off;
    v.len = (uint32_t)pairs[i].value_len;
    return v;
}

/* The headers a page request carries on to its role (REQ-SHARE-022). 0,
 * or -1 with a 400 in r: one longer than a page takes, or repeated. */
static int page_fields(const uint8_t *in, const dsg_http_request *q, dsgd_http_forward *f,
                       reply *r)
{
    static const char *const names[] = { "content-type", "accept-language", "origin", "host" };
    dsg_http_slice *slots[] = { &f->ctype, &f->accept_lang, &f->origin, &f->host };
    for (unsigned i = 0; i < 4; i++) {
        dsg_http_slice v = { 0, 0 };
        uint32_t n = field_count(in, q, names[i], &v);
        if (n > 1 || v.len > DSGD_XCH_FIELD_MAX) {
            set_error(r, 400, "bad-page-header",
                      "a page request's Content-Type, Accept-Language, Origin or Host is "
                      "repeated or longer than 255 bytes");
            return -1;
        }
        *slots[i] = n == 1 ? v : (dsg_http_slice){ 0, 0 };
    }
    f->lang = lang_cookie(in, q);
    if (f->lang.len > DSGD_XCH_FIELD_MAX)
        f->lang.len = 0;
    return 0;
}

/* What the portal needs to forward the request; 1, or 0 with an error in
 * r (a credential that is not clear, an expectation, a body that is not
 * JSON or whose declared length is over the route's limit). */
static int forward(const dsgd_http_config *cfg, const uint8_t *in, const dsg_http_request *q,
                   const uint8_t *path, size_t path_len, reply *r, dsgd_http_answer *a)
{
    dsgd_http_forward *f = &a->fwd;
    dsg_http_slice expect;
    size_t qoff = 0, qlen = 0;
    f->body_limit = body_limit(cfg, f->route);
    f->method = q->method_id;
    f->framing = q->framing;
    f->length = q->content_length;
    f->expect_continue = 0;
    f->path = path;
    f->path_len = path_len;
    (void)dsg_http_query(in + q->target.off, q->target.len, &qoff, &qlen);
    f->query_off = q->target.off + (uint32_t)qoff;
    f->query_len = (uint32_t)qlen;
    f->keep_alive = (int)q->keep_alive;
    f->http10 = q->version_minor == 0;
    if (credential(in, q, f, r) != 0) {
        a->forward = 0;
        return 0;
    }
    if (field_value(in, q, "expect", &expect)) {
        /* RFC 9110 §10.1.1: 100-continue is the only expectation defined */
        if (f->http10 || !name_is(in, expect, "100-continue")) {
            a->forward = 0;
            set_error(r, 417, "expectation-failed", "the only expectation accepted is 100-continue");
            r->close = 1;
            return 0;
        }
        f->expect_continue = 1;
    }
    f->page = dsgd_xch_page_path(f->route->path, f->route->path_len);
    if (f->page && page_fields(in, q, f, r) != 0) {
        a->forward = 0;
        return 0;
    }
    f->json = !f->page && !(f->route->flags & DSGD_ROUTE_UPLOAD) && has_body(q);
    if (f->json && !is_json(in, q)) {
        a->forward = 0;
        set_error(r, 415, "unsupported-media-type", "the request body must be application/json");
        r->close = 1;
        return 0;
    }
    if (q->framing == DSG_HTTP_FRAMING_LENGTH && q->content_length > f->body_limit) {
        a->forward = 0;
        set_error(r, 413, "body-too-large", "the request body is larger than this resource accepts");
        r->close = 1;
        return 0;
    }
    a->len = 0;
    return 1;
}

int dsgd_http_serve(const dsgd_http_config *cfg, const uint8_t *in, size_t len, time_t now,
                    uint8_t *out, size_t cap, dsgd_http_answer *a)
{
    /* static: large, and the portal is single-threaded */
    static dsg_http_request q;
    static uint8_t path[DSGD_HTTP_HEAD_MAX];
    dsg_http_limits lim = { cfg->max_header_bytes, cfg->max_header_count,
                            cfg->max_request_line };
    size_t eaten = 0, path_len = 0;
    reply r = { 0 };
    dsg_http_status st;
    dsg_http_path_status ps;

    a->parsed = 0;
    a->forward = 0;
    st = dsg_http_parse_head(in, len, &lim, &q, &eaten);
    if (st == DSG_HTTP_NEED_MORE)
        return 0;
    if (st != DSG_HTTP_OK) {
        head_error(st, &r);
        r.close = 1;         /* nothing after a malformed head can be trusted */
        a->consumed = len;
        finish(cfg, &r, now, out, cap, a);
        return 1;
    }
    a->consumed = eaten;
    note_request(in, &q, a);
    r.close = !q.keep_alive || has_body(&q);   /* unless a role reads the body */
    r.http10 = q.version_minor == 0;
    if (request_line_too_long(cfg, &q)) {
        set_error(&r, 414, "request-line-too-long",
                  "the request line is longer than this server accepts");
        r.close = 1;
    } else if ((ps = dsg_http_path_decode(in + q.target.off, q.target.len, path, sizeof path,
                                          &path_len)) != DSG_HTTP_PATH_OK) {
        path_error(ps, &r);
        r.close = 1;
    } else {
        route(path, path_len, q.method_id, &r, a);
    }
    if (a->forward && forward(cfg, in, &q, path, path_len, &r, a))
        return 1;
    finish(cfg, &r, now, out, cap, a);
    return 1;
}

void dsgd_http_reply(const dsgd_http_config *cfg, const dsgd_http_forward *f, int status,
                     const char *error, const char *message, const uint8_t *json,
                     size_t json_len, const dsgd_xch_cookie *cookie, int close, time_t now,
                     uint8_t *out, size_t cap, dsgd_http_answer *a)
{
    reply r = { 0 };
    r.cookie = error == NULL ? cookie : NULL;
    r.status = status;
    r.error = error;
    r.message = message;
    r.body = json;
    r.body_len = json_len;
    r.head_only = f->method == DSG_HTTP_HEAD;
    r.close = close || !f->keep_alive;
    r.http10 = f->http10;
    a->forward = 0;
    finish(cfg, &r, now, out, cap, a);
}

/* A page's Location header and language cookie, "" for none. The
 * language is no secret and scripts need not read it, but it stays
 * HttpOnly all the same: nothing on the page has any business with it. */
static void page_headers(const dsgd_xch_stream *st, char *out, size_t cap)
{
    int n = 0;
    out[0] = '\0';
    if (st->page && st->location_len > 0)
        n = snprintf(out, cap, "Location: %.*s\r\n", (int)st->location_len, st->location);
    if (st->page && st->lang != DSGD_XCH_LANG_KEEP && n >= 0 && (size_t)n < cap)
        snprintf(out + n, cap - (size_t)n,
                 "Set-Cookie: " LANG_COOKIE "=%s; Path=/; Max-Age=31536000; Secure; HttpOnly; "
                 "SameSite=Strict\r\n",
                 st->lang == DSGD_XCH_LANG_EN ? "en" : "ja");
}

size_t dsgd_http_stream_head(const dsgd_http_config *cfg, const dsgd_http_forward *f,
                             const dsgd_xch_stream *st, time_t now, uint8_t *out, size_t cap,
                             int *close)
{
    reply r = { 0 };
    char date[40], cookie[192], location[DSGD_XCH_LOCATION_MAX + 128];
    int n;
    r.close = !f->keep_alive;
    r.http10 = f->http10;
    *close = r.close;
    if (dsg_time_imf_fixdate(date, sizeof date, (int64_t)now) == 0 ||
        set_cookie_header(st->page ? &st->cookie : NULL, cookie, sizeof cookie) != 0)
        return 0;
    page_headers(st, location, sizeof location);
    n = snprintf((char *)out, cap,
                 "HTTP/1.1 %d %s\r\n"
                 "Date: %s\r\n"
                 "Content-Type: %.*s\r\n"
                 "Content-Length: %llu\r\n"
                 "%s%.*s%s"
                 "Strict-Transport-Security: max-age=%u\r\n"
                 "X-Content-Type-Options: nosniff\r\n"
                 "Content-Security-Policy: %s\r\n"
                 "Referrer-Policy: %s\r\n"
                 "Cache-Control: no-store\r\n"
                 "%s%s%s\r\n",
                 st->status, reason_phrase(st->status), date, (int)st->type_len, st->type,
                 (unsigned long long)st->length,
                 st->disposition_len > 0 ? "Content-Disposition: " : "",
                 (int)st->disposition_len, st->disposition_len > 0 ? st->disposition : "",
                 st->disposition_len > 0 ? "\r\n" : "", cfg->hsts_max_age,
                 st->page ? PAGE_CSP : "sandbox; default-src 'none'",
                 st->page ? "same-origin" : "no-referrer", location, cookie,
                 connection_header(&r));
    return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

void dsgd_http_timeout(const dsgd_http_config *cfg, time_t now, uint8_t *out, size_t cap,
                       dsgd_http_answer *a)
{
    reply r = { 0 };
    set_error(&r, 408, "request-timeout", "the request head did not arrive in time");
    r.close = 1;
    a->consumed = 0;
    a->parsed = 0;
    finish(cfg, &r, now, out, cap, a);
}
