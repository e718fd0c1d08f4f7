/*
 * Fuzz harness of the HTTP exchange messages the portal, the master and the
 * roles read from each other (src/run/exchange.h). The first byte picks the
 * reader, the rest is the message. Checks at run time: whatever a reader
 * accepts points inside the message and writes back to exactly the same
 * bytes, so no two encodings mean the same thing and nothing is skipped;
 * a session token it accepts is 1 to DSGD_XCH_TOKEN_MAX base64url bytes,
 * a client certificate's fingerprint none or DSGD_XCH_CERT_FP_LEN bytes,
 * a cookie directive one the writer takes, and a streamed answer's type
 * and disposition printable ASCII (no byte that could end a header line).
 * @relation(REQ-RUN-013, REQ-RUN-017, REQ-ACCT-014, REQ-SHARE-013, REQ-MFA-002)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "run/exchange.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t again[DSGD_BUS_BODY_MAX];

static void inside(const uint8_t *p, size_t len, const uint8_t *in, size_t size)
{
    if (len > 0 && (p < in || p + len > in + size))
        abort();
}

static void same(size_t len, const uint8_t *in, size_t size)
{
    if (len != size || memcmp(again, in, size) != 0)
        abort();
}

static void routes(const uint8_t *in, size_t size)
{
    static dsgd_route r[DSGD_ROUTES_MAX];
    size_t n;
    if (dsgd_xch_routes_get(in, size, 3, r, &n) != 0)
        return;
    for (size_t i = 0; i < n; i++)
        if (r[i].role != 3 || r[i].path_len > DSGD_ROUTE_PATH_MAX)
            abort();
    same(dsgd_xch_routes_put(again, sizeof again, r, n), in, size);
}

static void request(const uint8_t *in, size_t size)
{
    dsgd_xch_request r;
    if (dsgd_xch_request_get(in, size, &r) != 0)
        return;
    inside(r.path, r.path_len, in, size);
    inside(r.query, r.query_len, in, size);
    inside((const uint8_t *)r.addr, r.addr_len, in, size);
    inside(r.token, r.token_len, in, size);
    inside(r.cert_fp, r.cert_fp_len, in, size);
    inside((const uint8_t *)r.ctype, r.ctype_len, in, size);
    inside((const uint8_t *)r.accept_lang, r.accept_lang_len, in, size);
    inside((const uint8_t *)r.origin, r.origin_len, in, size);
    inside((const uint8_t *)r.host, r.host_len, in, size);
    inside((const uint8_t *)r.lang, r.lang_len, in, size);
    if ((r.token_len > 0 && !dsgd_xch_token_ok(r.token, r.token_len)) ||
        (r.cert_fp_len != 0 && r.cert_fp_len != DSGD_XCH_CERT_FP_LEN))
        abort();
    same(dsgd_xch_request_put(again, sizeof again, &r), in, size);
}

static void body_and_end(const uint8_t *in, size_t size)
{
    const uint8_t *p;
    size_t len;
    uint8_t role;
    uint32_t id;
    int complete;
    if (dsgd_xch_body_get(in, size, &role, &id, &p, &len) == 0) {
        inside(p, len, in, size);
        dsgd_xch_head_put(again, role, id);
        if (len != size - DSGD_XCH_BODY_HEAD || memcmp(again, in, DSGD_XCH_BODY_HEAD) != 0)
            abort();
    }
    if (dsgd_xch_end_get(in, size, &role, &id, &complete) == 0) {
        dsgd_xch_head_put(again, role, id);
        again[DSGD_XCH_BODY_HEAD] = (uint8_t)complete;
        same(DSGD_XCH_BODY_HEAD + 1, in, size);
    }
}

static void answer(const uint8_t *in, size_t size)
{
    const uint8_t *json;
    dsgd_xch_cookie cookie;
    size_t len;
    uint32_t id;
    int status;
    if (dsgd_xch_answer_get(in, size, &id, &status, &cookie, &json, &len) != 0)
        return;
    inside(json, len, in, size);
    if (status < 200 || status > 599 || status == 204 || status == 205 || status == 304 ||
        len > DSGD_XCH_ANSWER_MAX || !dsgd_xch_cookie_ok(&cookie) ||
        (cookie.op == DSGD_XCH_COOKIE_SET) != (cookie.token_len > 0))
        abort();
    same(dsgd_xch_answer_put(again, sizeof again, id, status, &cookie, json, len), in, size);
}

static void printable(const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] > 0x7e)
            abort();
}

static void stream(const uint8_t *in, size_t size)
{
    dsgd_xch_stream s;
    if (dsgd_xch_stream_get(in, size, &s) != 0)
        return;
    inside((const uint8_t *)s.type, s.type_len, in, size);
    inside((const uint8_t *)s.disposition, s.disposition_len, in, size);
    printable(s.type, s.type_len);
    printable(s.disposition, s.disposition_len);
    inside((const uint8_t *)s.location, s.location_len, in, size);
    printable(s.location, s.location_len);
    if (!s.page && (s.location_len > 0 || s.cookie.op != DSGD_XCH_COOKIE_NONE))
        abort();
    if (s.type_len == 0 || s.type_len > DSGD_XCH_TYPE_MAX ||
        s.disposition_len > DSGD_XCH_DISPOSITION_MAX)
        abort();
    same(dsgd_xch_stream_put(again, sizeof again, &s), in, size);
}

static void data_done_more(const uint8_t *in, size_t size)
{
    const uint8_t *p;
    size_t len;
    uint32_t id;
    uint8_t role;
    unsigned n;
    int complete;
    if (dsgd_xch_data_get(in, size, &id, &p, &len) == 0) {
        inside(p, len, in, size);
        same(dsgd_xch_data_put(again, sizeof again, id, p, len), in, size);
    }
    if (dsgd_xch_done_get(in, size, &id, &complete) == 0)
        same(dsgd_xch_done_put(again, sizeof again, id, complete), in, size);
    if (dsgd_xch_more_get(in, size, &role, &id, &n) == 0)
        same(dsgd_xch_more_put(again, sizeof again, role, id, n), in, size);
}

static void who(const uint8_t *in, size_t size)
{
    dsgd_xch_who_ask a;
    dsgd_xch_who_is w;
    for (int with_role = 0; with_role <= 1; with_role++)
        if (dsgd_xch_who_ask_get(in, size, &a, with_role) == 0) {
            inside((const uint8_t *)a.addr, a.addr_len, in, size);
            inside(a.token, a.token_len, in, size);
            if (!dsgd_xch_token_ok(a.token, a.token_len))
                abort();
            same(dsgd_xch_who_ask_put(again, sizeof again, &a, with_role), in, size);
        }
    const char *name;
    size_t len;
    uint8_t kind;
    if (dsgd_xch_sessions_end_get(in, size, &kind, &name, &len) == 0) {
        inside((const uint8_t *)name, len, in, size);
        same(dsgd_xch_sessions_end_put(again, sizeof again, kind, name, len), in, size);
    }
    if (dsgd_xch_who_is_get(in, size, &w) == 0) {
        inside((const uint8_t *)w.user, w.user_len, in, size);
        inside((const uint8_t *)w.org, w.org_len, in, size);
        if ((w.status == 200) != (w.user_len > 0) || w.fresh > 1 ||
            (w.status != 200 && w.fresh != 0))
            abort();
        same(dsgd_xch_who_is_put(again, sizeof again, &w), in, size);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size - 1 > DSGD_BUS_BODY_MAX)
        return 0;
    switch (data[0] % 7) {
    case 0: routes(data + 1, size - 1); break;
    case 1: request(data + 1, size - 1); break;
    case 2: body_and_end(data + 1, size - 1); break;
    case 3: answer(data + 1, size - 1); break;
    case 4: stream(data + 1, size - 1); break;
    case 5: data_done_more(data + 1, size - 1); break;
    default: who(data + 1, size - 1); break;
    }
    return 0;
}
