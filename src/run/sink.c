/* The sink role (test builds only): see sink.h. */
#ifdef DSG_TEST_HOOKS
#include <stdio.h>
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

static struct {
    uint32_t id;              /* 0: free */
    uint64_t bytes;
    EVP_MD_CTX *md;
    int audited;              /* answered once its record is stored */
    uint32_t ticket;          /* that record's */
} open_xch[SINK_EXCHANGES];

static const dsgd_route sink_routes[] = {
    { 0, 1u << DSG_HTTP_POST | 1u << DSG_HTTP_PUT, DSGD_ROUTE_UPLOAD, UINT64_MAX,
      sizeof "/api/v1/test/sink" - 1, "/api/v1/test/sink" },
    { 0, 1u << DSG_HTTP_POST, 0, UINT64_MAX, sizeof "/api/v1/test/json" - 1,
      "/api/v1/test/json" },
    { 0, 1u << DSG_HTTP_POST, 0, UINT64_MAX, sizeof AUDITED_PATH - 1, AUDITED_PATH },
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
    open_xch[i].audited = r->path_len == sizeof AUDITED_PATH - 1 &&
                          memcmp(r->path, AUDITED_PATH, r->path_len) == 0;
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
    n = snprintf(json, sizeof json, "{\"bytes\":%llu,\"sha256\":\"%s\"}",
                 (unsigned long long)open_xch[i].bytes, digest);
    rc = open_xch[i].audited ? dsgd_role_http_answer_recorded(id, open_xch[i].ticket, 200,
                                                              (const uint8_t *)json, (size_t)n)
                             : dsgd_role_http_answer(id, 200, (const uint8_t *)json, (size_t)n);
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
