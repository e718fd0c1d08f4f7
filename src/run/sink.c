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
} open_xch[SINK_EXCHANGES];

static const dsgd_route sink_routes[] = {
    { 0, 1u << DSG_HTTP_POST | 1u << DSG_HTTP_PUT, DSGD_ROUTE_UPLOAD, UINT64_MAX,
      sizeof "/api/v1/test/sink" - 1, "/api/v1/test/sink" },
    { 0, 1u << DSG_HTTP_POST, 0, UINT64_MAX, sizeof "/api/v1/test/json" - 1,
      "/api/v1/test/json" },
    { 0, 1u << DSG_HTTP_POST, 0, UINT64_MAX, sizeof AUDITED_PATH - 1, AUDITED_PATH },
    { 0, 1u << DSG_HTTP_POST, 0, UINT64_MAX, sizeof SESSION_PATH - 1, SESSION_PATH },
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
    if (open_xch[i].session && cookie_asked(r, &open_xch[i].cookie) != 0) {
        open_xch[i].id = 0;
        return 400;
    }
    if (open_xch[i].audited)
        open_xch[i].ticket = record(r);
    return 0;
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
    on_request, on_body, on_end, on_portal_gone,
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
