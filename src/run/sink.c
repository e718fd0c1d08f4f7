/* The sink role (test builds only): see sink.h. */
#ifdef DSG_TEST_HOOKS
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "core/http_req.h"
#include "log/audit.h"
#include "run/audit_out.h"
#include "run/log.h"
#include "run/role_http.h"
#include "run/sink.h"

#define SINK_EXCHANGES 64u
#define AUDITED_PATH "/api/v1/test/audited"
#define SESSION_PATH "/api/v1/test/session"
#define DOWNLOAD_PATH "/api/v1/test/download"
#define WHO_PATH "/api/v1/test/who"

static struct {
    uint32_t id;              /* 0: free */
    uint64_t bytes;
    EVP_MD_CTX *md;
    int audited;              /* answered once its record is stored */
    uint32_t ticket;          /* that record's */
    int session;              /* answers with the token it got, and the cookie asked for */
    size_t token_len;
    char token[DSGD_XCH_TOKEN_MAX];
    dsgd_xch_cookie cookie;
    /* download: `bytes` of a pattern streamed once its record is stored,
     * aborted after `abort` bytes when asked */
    int download;
    uint64_t total, sent, abort_at;
    /* who: the auth role's word on the session, answered once the request
     * is complete too */
    int who, ended, told;
    char who_json[640];
    size_t who_len;
} open_xch[SINK_EXCHANGES];

static const dsgd_route sink_routes[] = {
    { 0, 1u << DSG_HTTP_POST | 1u << DSG_HTTP_PUT, DSGD_ROUTE_UPLOAD, UINT64_MAX,
      sizeof "/api/v1/test/sink" - 1, "/api/v1/test/sink" },
    { 0, 1u << DSG_HTTP_POST, 0, UINT64_MAX, sizeof "/api/v1/test/json" - 1,
      "/api/v1/test/json" },
    { 0, 1u << DSG_HTTP_POST, 0, UINT64_MAX, sizeof AUDITED_PATH - 1, AUDITED_PATH },
    { 0, 1u << DSG_HTTP_POST, 0, UINT64_MAX, sizeof SESSION_PATH - 1, SESSION_PATH },
    { 0, 1u << DSG_HTTP_GET | 1u << DSG_HTTP_HEAD, 0, 0, sizeof DOWNLOAD_PATH - 1,
      DOWNLOAD_PATH },
    { 0, 1u << DSG_HTTP_GET, 0, 0, sizeof WHO_PATH - 1, WHO_PATH },
};

static int find(uint32_t id)
{
    for (unsigned i = 0; i < SINK_EXCHANGES; i++)
        if (open_xch[i].id == id && id != 0)
            return (int)i;
    return -1;
}

/* The record of a request to the audited route: a system event whose
 * detail is the request's query, so that a test can find it in the trail. */
static uint32_t record(const dsgd_xch_request *r)
{
    uint32_t ticket = 0;
    dsg_audit_field f[2] = {
        { "event", (const uint8_t *)"test-audited", sizeof "test-audited" - 1 },
        { "detail", r->query, r->query_len },
    };
    if (dsgd_audit_out_add_ticket(DSG_AUDIT_TYPE_SYSTEM, f, r->query_len > 0 ? 2 : 1,
                                  &ticket) != 0)
        dsgd_log("sink: the record of exchange %u was dropped", r->id);
    dsgd_audit_out_flush();   /* on its way now, if the bus has room */
    return ticket;
}

static int path_is(const dsgd_xch_request *r, const char *path)
{
    return r->path_len == strlen(path) && memcmp(r->path, path, r->path_len) == 0;
}

/* The value of `key` in the query (key=value pairs joined by "&"), or NULL. */
static const uint8_t *query_value(const dsgd_xch_request *r, const char *key, size_t *len)
{
    size_t k = strlen(key), at = 0;
    while (at < r->query_len) {
        size_t end = at;
        while (end < r->query_len && r->query[end] != '&')
            end++;
        if (end - at > k && memcmp(r->query + at, key, k) == 0 && r->query[at + k] == '=') {
            *len = end - at - k - 1;
            return r->query + at + k + 1;
        }
        at = end + 1;
    }
    return NULL;
}

/* The cookie directive a request to the session route asks for:
 * "set=TOKEN&max_age=N", "clear=1", or neither. 0, or -1 when malformed. */
static int cookie_asked(const dsgd_xch_request *r, dsgd_xch_cookie *c)
{
    const uint8_t *v, *age;
    size_t len = 0, age_len = 0;
    char num[12], *end;
    memset(c, 0, sizeof *c);
    if ((v = query_value(r, "set", &len)) != NULL) {
        age = query_value(r, "max_age", &age_len);
        if (len > DSGD_XCH_TOKEN_MAX || age == NULL || age_len == 0 || age_len >= sizeof num)
            return -1;
        memcpy(num, age, age_len);
        num[age_len] = '\0';
        c->op = DSGD_XCH_COOKIE_SET;
        c->max_age = (uint32_t)strtoul(num, &end, 10);
        c->token_len = (uint8_t)len;
        memcpy(c->token, v, len);
        return *end == '\0' && dsgd_xch_cookie_ok(c) ? 0 : -1;
    }
    if (query_value(r, "clear", &len) != NULL)
        c->op = DSGD_XCH_COOKIE_CLEAR;
    return 0;
}

/* The decimal value of `key` in the query into *v: 1, 0 when absent, -1
 * when malformed. */
static int query_number(const dsgd_xch_request *r, const char *key, uint64_t *v)
{
    size_t len = 0;
    const uint8_t *p = query_value(r, key, &len);
    char num[21], *end;
    if (p == NULL)
        return 0;
    if (len == 0 || len >= sizeof num)
        return -1;
    memcpy(num, p, len);
    num[len] = '\0';
    *v = strtoull(num, &end, 10);
    return *end == '\0' ? 1 : -1;
}

/* A download: its size, and where to abort it (past the end: never). */
static int download_asked(const dsgd_xch_request *r, unsigned i)
{
    open_xch[i].total = open_xch[i].sent = 0;
    open_xch[i].abort_at = UINT64_MAX;
    if (query_number(r, "bytes", &open_xch[i].total) != 1 ||
        query_number(r, "abort", &open_xch[i].abort_at) < 0)
        return -1;
    return 0;
}

static int on_request(const dsgd_xch_request *r)
{
    int i = find(0);
    for (unsigned k = 0; k < SINK_EXCHANGES && i < 0; k++)
        if (open_xch[k].id == 0)
            i = (int)k;
    if (i < 0 || EVP_DigestInit_ex(open_xch[i].md, EVP_sha256(), NULL) != 1)
        return 503;
    open_xch[i].id = r->id;
    open_xch[i].bytes = 0;
    open_xch[i].audited = path_is(r, AUDITED_PATH);
    open_xch[i].session = path_is(r, SESSION_PATH);
    open_xch[i].token_len = r->token_len;
    if (r->token_len > 0)
        memcpy(open_xch[i].token, r->token, r->token_len);
    open_xch[i].download = path_is(r, DOWNLOAD_PATH);
    open_xch[i].who = path_is(r, WHO_PATH);
    open_xch[i].ended = open_xch[i].told = 0;
    if ((open_xch[i].session && cookie_asked(r, &open_xch[i].cookie) != 0) ||
        (open_xch[i].download && download_asked(r, (unsigned)i) != 0)) {
        open_xch[i].id = 0;
        return 400;
    }
    if (open_xch[i].who &&
        dsgd_role_http_who(r->id, r->addr, r->addr_len, r->token, r->token_len) != 0) {
        open_xch[i].id = 0;
        return r->token_len == 0 ? 401 : 503;
    }
    if (open_xch[i].audited || open_xch[i].download)
        open_xch[i].ticket = record(r);
    return 0;
}

/* The next piece of a download: byte k of the content is k mod 251, so
 * that a test can check every byte; at the abort point the stream ends
 * aborted. */
static void on_more(uint32_t id)
{
    static uint8_t piece[DSGD_XCH_DATA_MAX];
    int i = find(id);
    uint64_t left, stop;
    size_t n;
    if (i < 0)
        return;
    stop = open_xch[i].abort_at < open_xch[i].total ? open_xch[i].abort_at : open_xch[i].total;
    left = stop - open_xch[i].sent;
    n = left < sizeof piece ? (size_t)left : sizeof piece;
    for (size_t k = 0; k < n; k++)
        piece[k] = (uint8_t)((open_xch[i].sent + k) % 251u);
    if (n > 0 && dsgd_role_http_data(id, piece, n) != 0)
        return;
    open_xch[i].sent += n;
    if (open_xch[i].sent < stop)
        return;
    if (dsgd_role_http_done(id, stop == open_xch[i].total) != 0)
        dsgd_log("sink: cannot end download %u", id);
    open_xch[i].id = 0;
}

static void answer_who(unsigned i)
{
    if (!open_xch[i].ended || !open_xch[i].told)
        return;
    if (dsgd_role_http_answer(open_xch[i].id, 200, NULL, (const uint8_t *)open_xch[i].who_json,
                              open_xch[i].who_len) != 0)
        dsgd_log("sink: cannot answer exchange %u", open_xch[i].id);
    open_xch[i].id = 0;
}

/* The auth role's word, as JSON: {"status":N,"user":"..","org":"..","type":N}
 * (a user ID and an organisation hold no quote or backslash). */
static void on_who(const dsgd_xch_who_is *w)
{
    int i = find(w->qid), n;
    if (i < 0 || !open_xch[i].who)
        return;
    n = snprintf(open_xch[i].who_json, sizeof open_xch[i].who_json,
                 "{\"status\":%d,\"user\":\"%.*s\",\"org\":\"%.*s\",\"type\":%u}", w->status,
                 (int)w->user_len, w->user, (int)w->org_len, w->org, (unsigned)w->type);
    open_xch[i].who_len = n > 0 && (size_t)n < sizeof open_xch[i].who_json ? (size_t)n : 0;
    open_xch[i].told = 1;
    answer_who((unsigned)i);
}

static void on_body(uint32_t id, const uint8_t *p, size_t len)
{
    int i = find(id);
    if (i < 0)
        return;
    open_xch[i].bytes += len;
    (void)EVP_DigestUpdate(open_xch[i].md, p, len);
}

static void on_end(uint32_t id, int complete)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    char json[160], digest[2 * EVP_MAX_MD_SIZE + 1];
    int i = find(id), n, rc;
    if (i < 0)
        return;
    if (complete && open_xch[i].download) {
        static const char type[] = "application/octet-stream",
                          disposition[] = "attachment; filename=\"t.bin\"";
        dsgd_xch_stream st = { .id = id, .status = 200, .length = open_xch[i].total,
                               .type = type, .type_len = sizeof type - 1,
                               .disposition = disposition,
                               .disposition_len = sizeof disposition - 1 };
        if (dsgd_role_http_stream_recorded(open_xch[i].ticket, &st) != 0) {
            dsgd_log("sink: cannot stream exchange %u", id);
            open_xch[i].id = 0;
        }
        return;
    }
    if (complete && open_xch[i].who) {
        open_xch[i].ended = 1;
        answer_who((unsigned)i);
        return;
    }
    open_xch[i].id = 0;
    if (!complete || EVP_DigestFinal_ex(open_xch[i].md, md, &mdlen) != 1)
        return;
    for (unsigned k = 0; k < mdlen; k++) {
        digest[2 * k] = hex[md[k] >> 4];
        digest[2 * k + 1] = hex[md[k] & 15];
    }
    digest[2 * mdlen] = '\0';
    if (open_xch[i].session)   /* the token is base64url: nothing to escape */
        n = snprintf(json, sizeof json, "{\"token\":\"%.*s\"}", (int)open_xch[i].token_len,
                     open_xch[i].token);
    else
        n = snprintf(json, sizeof json, "{\"bytes\":%llu,\"sha256\":\"%s\"}",
                     (unsigned long long)open_xch[i].bytes, digest);
    rc = open_xch[i].audited
             ? dsgd_role_http_answer_recorded(id, open_xch[i].ticket, 200, NULL,
                                              (const uint8_t *)json, (size_t)n)
             : dsgd_role_http_answer(id, 200, open_xch[i].session ? &open_xch[i].cookie : NULL,
                                     (const uint8_t *)json, (size_t)n);
    if (rc != 0)
        dsgd_log("sink: cannot answer exchange %u", id);
}

static void on_portal_gone(void)
{
    for (unsigned i = 0; i < SINK_EXCHANGES; i++)
        open_xch[i].id = 0;
}

static const dsgd_role_http sink_http = {
    sink_routes, sizeof sink_routes / sizeof sink_routes[0],
    on_request, on_body, on_end, on_portal_gone, on_more, on_who,
};

int dsgd_sink_prepare(void)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen;
    if (OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL) != 1)
        return -1;
    for (unsigned i = 0; i < SINK_EXCHANGES; i++)
        if ((open_xch[i].md = EVP_MD_CTX_new()) == NULL)
            return -1;
    /* one digest now, so that nothing is loaded once sandboxed */
    if (EVP_DigestInit_ex(open_xch[0].md, EVP_sha256(), NULL) != 1 ||
        EVP_DigestFinal_ex(open_xch[0].md, md, &mdlen) != 1)
        return -1;
    return 0;
}

int dsgd_sink_start(dsgd_chan *chan)
{
    return dsgd_role_http_start(&sink_http, chan);
}

int dsgd_sink_message(const dsgd_msg *m)
{
    return dsgd_role_http_message(m);
}
#endif
