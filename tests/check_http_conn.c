/*
 * Unit tests of the portal's HTTP layer (src/run/http_conn.h):
 * REQ-RUN-047 (answers, keep-alive, pipelining, limits), REQ-RUN-015 (JSON
 * error bodies, security headers), REQ-RUN-017 and REQ-RUN-013 (routes the
 * roles serve, forwarded requests, body limits), REQ-ACCT-014 (the session
 * token a forwarded request carries, the session cookie an answer sets).
 * Bad input first; the whole corpus of
 * malformed requests runs against the daemon in
 * conformance/cases/dsgd_http_malformed.sh.
 */
#define _POSIX_C_SOURCE 200809L   /* gmtime_r */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/http_req.h"
#include "run/http_conn.h"
#include "log/timefmt.h"

Suite *suite_http_conn(void);

static const dsgd_http_config cfg = { 8190, 32768, 100, 31536000, 1048576, 4294967296u, 32,
                                      4096 };
static uint8_t out[DSGD_HTTP_OUT_MAX + 1];
static dsgd_http_answer a;
#define NOW ((time_t)1700000000)   /* Tue, 14 Nov 2023 22:13:20 GMT */

static int serve(const char *req)
{
    memset(&a, 0, sizeof a);
    memset(out, 0, sizeof out);
    return dsgd_http_serve(&cfg, (const uint8_t *)req, strlen(req), NOW, out,
                           DSGD_HTTP_OUT_MAX, &a);
}

/* The answer's body (after the empty line), NUL-terminated in out. */
static const char *body(void)
{
    const char *p = strstr((const char *)out, "\r\n\r\n");
    ck_assert_ptr_nonnull(p);
    return p + 4;
}

static int has_header(const char *line)
{
    char want[256];
    snprintf(want, sizeof want, "\r\n%s\r\n", line);
    return strstr((const char *)out, want) != NULL;
}

/* The error body is exactly {"error": code, "message": <non-empty>}. */
static void assert_error_body(const char *code)
{
    json_error_t e;
    json_t *doc = json_loads(body(), JSON_REJECT_DUPLICATES, &e);
    ck_assert_msg(doc != NULL, "not JSON: %s", body());
    ck_assert_uint_eq(json_object_size(doc), 2);
    ck_assert_str_eq(json_string_value(json_object_get(doc, "error")), code);
    ck_assert_uint_gt(strlen(json_string_value(json_object_get(doc, "message"))), 0);
    json_decref(doc);
}

static void assert_security_headers(void)
{
    ck_assert(has_header("Content-Type: application/json"));
    ck_assert(has_header("Strict-Transport-Security: max-age=31536000"));
    ck_assert(has_header("X-Content-Type-Options: nosniff"));
    ck_assert(has_header("Content-Security-Policy: frame-ancestors 'none'; default-src 'none'"));
    ck_assert(has_header("Date: Tue, 14 Nov 2023 22:13:20 GMT"));
}

/* @relation(REQ-RUN-047) */
START_TEST(test_http_incomplete_head_waits)
{
    ck_assert_int_eq(serve(""), 0);
    ck_assert_int_eq(serve("GET /api/v1/health HTTP/1.1\r\nHost: a\r\n"), 0);
    ck_assert_int_eq(serve("GET /api/v1/health HTTP/1.1\r\nHost: a\r\n\r"), 0);
    ck_assert_uint_eq(a.consumed, 0);
    ck_assert_uint_eq(a.len, 0);
}
END_TEST

/* @relation(REQ-RUN-047, REQ-RUN-015) */
START_TEST(test_http_malformed_heads_map_to_status_and_code)
{
    static const struct { const char *req; int status; const char *code; } t[] = {
        { "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
          400, "ambiguous-framing" },
        { "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", 400, "obs-fold" },
        { "GET / HTTP/1.1\nHost: a\n\n", 400, "bad-line-ending" },
        { "GET / HTTP/1.1\r\n\r\n", 400, "missing-host" },
        { "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "duplicate-host" },
        { "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505, "bad-version" },
        { "BREW / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "bad-method" },
        { "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 501,
          "bad-transfer-encoding" },
        { "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n", 400, "bad-content-length" },
        { "GET /a/%2e%2e/b HTTP/1.1\r\nHost: a\r\n\r\n", 400, "traversal" },
        { "GET /a%00 HTTP/1.1\r\nHost: a\r\n\r\n", 400, "nul" },
        { "GET /a%2fb HTTP/1.1\r\nHost: a\r\n\r\n", 400, "encoded-separator" },
        { "GET /a//b HTTP/1.1\r\nHost: a\r\n\r\n", 400, "empty-segment" },
        { "GET /a%0a HTTP/1.1\r\nHost: a\r\n\r\n", 400, "control" },
        { "GET /a%ff HTTP/1.1\r\nHost: a\r\n\r\n", 400, "bad-utf8" },
        { "GET /a%g0 HTTP/1.1\r\nHost: a\r\n\r\n", 400, "bad-escape" },
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        ck_assert_int_eq(serve(t[i].req), 1);
        ck_assert_msg(a.status == t[i].status, "%zu: status %d", i, a.status);
        ck_assert_str_eq(a.error, t[i].code);
        ck_assert_int_eq(a.close, 1);
        ck_assert(has_header("Connection: close"));
        assert_security_headers();
        assert_error_body(t[i].code);
    }
}
END_TEST

/* @relation(REQ-RUN-047) */
START_TEST(test_http_limits_give_414_and_431)
{
    static char req[40000];
    dsgd_http_config small = cfg;
    /* a target within portal.max_request_line, the line as a whole over it */
    small.max_request_line = 300;
    memset(&a, 0, sizeof a);
    snprintf(req, sizeof req, "GET /%0295d HTTP/1.1\r\nHost: a\r\n\r\n", 0);
    ck_assert_int_eq(dsgd_http_serve(&small, (const uint8_t *)req, strlen(req), NOW, out,
                                     DSGD_HTTP_OUT_MAX, &a), 1);
    ck_assert_int_eq(a.status, 414);
    ck_assert_str_eq(a.error, "request-line-too-long");
    snprintf(req, sizeof req, "GET /%0305d HTTP/1.1\r\nHost: a\r\n\r\n", 0);
    ck_assert_int_eq(dsgd_http_serve(&small, (const uint8_t *)req, strlen(req), NOW, out,
                                     DSGD_HTTP_OUT_MAX, &a), 1);
    ck_assert_int_eq(a.status, 414);
    ck_assert_str_eq(a.error, "target-too-long");
    /* one field more than portal.max_header_count */
    small = cfg;
    small.max_header_count = 2;
    snprintf(req, sizeof req, "GET / HTTP/1.1\r\nHost: a\r\nB: 1\r\nC: 2\r\n\r\n");
    ck_assert_int_eq(dsgd_http_serve(&small, (const uint8_t *)req, strlen(req), NOW, out,
                                     DSGD_HTTP_OUT_MAX, &a), 1);
    ck_assert_int_eq(a.status, 431);
    ck_assert_str_eq(a.error, "too-many-headers");
    /* a head as long as portal.max_header_bytes that has not ended */
    small = cfg;
    small.max_header_bytes = 1024;
    memset(req, 'a', 1024);
    memcpy(req, "GET / HTTP/1.1\r\nHost: a\r\nX: ", 28);
    ck_assert_int_eq(dsgd_http_serve(&small, (const uint8_t *)req, 1024, NOW, out,
                                     DSGD_HTTP_OUT_MAX, &a), 1);
    ck_assert_int_eq(a.status, 431);
    ck_assert_str_eq(a.error, "head-too-large");
    ck_assert_uint_eq(a.consumed, 1024);
    ck_assert_int_eq(a.close, 1);
}
END_TEST

/* A caller's buffer too small for any answer still gets a well-formed 500
 * that closes, never a truncated answer. @relation(REQ-RUN-015) */
START_TEST(test_http_small_output_buffer_gives_500)
{
    const char *req = "GET /api/v1/health HTTP/1.1\r\nHost: a\r\n\r\n";
    ck_assert_int_eq(dsgd_http_serve(&cfg, (const uint8_t *)req, strlen(req), NOW, out, 200, &a),
                     1);
    ck_assert_int_eq(a.status, 500);
    ck_assert_int_eq(a.close, 1);
    ck_assert_uint_le(a.len, 200);
    ck_assert(strncmp((const char *)out, "HTTP/1.1 500 Internal Server Error\r\n", 36) == 0);
}
END_TEST

/* @relation(REQ-RUN-047) */
START_TEST(test_http_health_answers_exactly_status_ok)
{
    const char *req = "GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n";
    ck_assert_int_eq(serve(req), 1);
    ck_assert_int_eq(a.status, 200);
    ck_assert_ptr_null(a.error);
    ck_assert_int_eq(a.close, 0);
    ck_assert_uint_eq(a.consumed, strlen(req));
    ck_assert(strncmp((const char *)out, "HTTP/1.1 200 OK\r\n", 17) == 0);
    ck_assert_str_eq(body(), "{\"status\":\"ok\"}");
    ck_assert(has_header("Content-Length: 15"));
    ck_assert(!has_header("Connection: close"));
    assert_security_headers();
    ck_assert_uint_eq(a.len, strlen((const char *)out));
    /* a query string does not change the resource */
    ck_assert_int_eq(serve("GET /api/v1/health?x=1 HTTP/1.1\r\nHost: a\r\n\r\n"), 1);
    ck_assert_int_eq(a.status, 200);
}
END_TEST

/* @relation(REQ-RUN-047) */
START_TEST(test_http_head_and_wrong_methods)
{
    ck_assert_int_eq(serve("HEAD /api/v1/health HTTP/1.1\r\nHost: a\r\n\r\n"), 1);
    ck_assert_int_eq(a.status, 200);
    ck_assert(has_header("Content-Length: 15"));
    ck_assert_str_eq(body(), "");
    ck_assert_int_eq(serve("DELETE /api/v1/health HTTP/1.1\r\nHost: a\r\n\r\n"), 1);
    ck_assert_int_eq(a.status, 405);
    ck_assert(has_header("Allow: GET, HEAD"));
    assert_error_body("method-not-allowed");
    ck_assert_int_eq(a.close, 0);   /* no body left on the wire: the connection stays */
}
END_TEST

/* @relation(REQ-RUN-047) */
START_TEST(test_http_unknown_paths_and_api_versions)
{
    static const struct { const char *path; const char *code; } t[] = {
        { "/", "not-found" },
        { "/api", "not-found" },
        { "/api/v1", "not-found" },
        { "/api/v1/", "not-found" },
        { "/api/v1/healthz", "not-found" },
        { "/api/v1/health/x", "not-found" },
        { "/api/v2/health", "unknown-api-version" },
        { "/api/v10/health", "unknown-api-version" },
        { "/api/v", "unknown-api-version" },
        { "/API/v1/health", "not-found" },
    };
    char req[128];
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: a\r\n\r\n", t[i].path);
        ck_assert_int_eq(serve(req), 1);
        ck_assert_msg(a.status == 404, "%s: %d", t[i].path, a.status);
        ck_assert_str_eq(a.error, t[i].code);
        assert_error_body(t[i].code);
        ck_assert_int_eq(a.close, 0);
    }
}
END_TEST

/* @relation(REQ-RUN-047) */
START_TEST(test_http_keep_alive_rules)
{
    ck_assert_int_eq(serve("GET /api/v1/health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"), 1);
    ck_assert_int_eq(a.close, 1);
    ck_assert(has_header("Connection: close"));
    ck_assert_int_eq(serve("GET /api/v1/health HTTP/1.0\r\n\r\n"), 1);
    ck_assert_int_eq(a.close, 1);
    ck_assert(has_header("Connection: close"));
    ck_assert_int_eq(serve("GET /api/v1/health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"), 1);
    ck_assert_int_eq(a.close, 0);
    ck_assert(has_header("Connection: keep-alive"));
    /* a body this server does not read stays on the wire: close after answering */
    ck_assert_int_eq(serve("POST /api/v1/health HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"), 1);
    ck_assert_int_eq(a.status, 405);
    ck_assert_int_eq(a.close, 1);
    ck_assert_int_eq(serve("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 1);
    ck_assert_int_eq(a.close, 1);
    ck_assert_int_eq(serve("POST /api/v1/health HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n"), 1);
    ck_assert_int_eq(a.close, 0);
}
END_TEST

/* Pipelining: one call answers the first request only, and says how many
 * bytes it took, so the next one is answered after it. @relation(REQ-RUN-047) */
START_TEST(test_http_pipelined_requests_one_at_a_time)
{
    const char *first = "GET /api/v1/health HTTP/1.1\r\nHost: a\r\n\r\n";
    const char *second = "GET /nope HTTP/1.1\r\nHost: a\r\n\r\n";
    char both[256];
    snprintf(both, sizeof both, "%s%s", first, second);
    ck_assert_int_eq(serve(both), 1);
    ck_assert_int_eq(a.status, 200);
    ck_assert_uint_eq(a.consumed, strlen(first));
    ck_assert_int_eq(serve(both + a.consumed), 1);
    ck_assert_int_eq(a.status, 404);
    ck_assert_uint_eq(a.consumed, strlen(second));
}
END_TEST

/* @relation(REQ-RUN-047, REQ-RUN-015) */
START_TEST(test_http_timeout_answer_is_408_and_closes)
{
    dsgd_http_config c = cfg;
    c.hsts_max_age = 0;
    memset(out, 0, sizeof out);
    dsgd_http_timeout(&c, NOW, out, DSGD_HTTP_OUT_MAX, &a);
    ck_assert_int_eq(a.status, 408);
    ck_assert_str_eq(a.error, "request-timeout");
    ck_assert_int_eq(a.close, 1);
    ck_assert(strncmp((const char *)out, "HTTP/1.1 408 Request Timeout\r\n", 30) == 0);
    ck_assert(has_header("Strict-Transport-Security: max-age=0"));
    assert_error_body("request-timeout");
}
END_TEST

/* @relation(REQ-RUN-047) */
START_TEST(test_http_imf_date)
{
    static const struct { int64_t t; const char *want; } v[] = {
        { 0, "Thu, 01 Jan 1970 00:00:00 GMT" },
        { -1, "Wed, 31 Dec 1969 23:59:59 GMT" },
        { 784111777, "Sun, 06 Nov 1994 08:49:37 GMT" },   /* RFC 9110 §5.6.7 */
        { 951782400, "Tue, 29 Feb 2000 00:00:00 GMT" },
        { 1709164800, "Thu, 29 Feb 2024 00:00:00 GMT" },
        { 4102444799, "Thu, 31 Dec 2099 23:59:59 GMT" },
    };
    char buf[40];
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        ck_assert_uint_eq(dsg_time_imf_fixdate(buf, sizeof buf, v[i].t), 29);
        ck_assert_str_eq(buf, v[i].want);
    }
    ck_assert_uint_eq(dsg_time_imf_fixdate(buf, 29, 0), 0);   /* no room for the NUL */
    ck_assert_uint_eq(dsg_time_imf_fixdate(buf, sizeof buf, 253402300800), 0);   /* year 10000 */
}
END_TEST

/* The HTTP date against gmtime_r and strftime in the C locale, over
 * seconds spread across years 0000..9999 (gmtime_r's proleptic Gregorian
 * calendar, as the RFC 3339 module's). @relation(REQ-RUN-047) */
START_TEST(test_http_imf_date_matches_gmtime)
{
    char buf[40], want[40];
    uint64_t x = 88172645463325252u;   /* xorshift64: the same seconds every run */
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int64_t t = -62167219200 + (int64_t)(x % 315537897600u);   /* 0000..9999 */
        time_t tt = (time_t)t;
        struct tm tm;
        ck_assert_ptr_nonnull(gmtime_r(&tt, &tm));
        /* IMF-fixdate's year is 4 digits; glibc's %Y does not pad years before 1000 */
        size_t n = strftime(want, sizeof want, "%a, %d %b ", &tm);
        n += (size_t)snprintf(want + n, sizeof want - n, "%04d", tm.tm_year + 1900);
        ck_assert_uint_gt(strftime(want + n, sizeof want - n, " %H:%M:%S GMT", &tm), 0);
        ck_assert_uint_eq(dsg_time_imf_fixdate(buf, sizeof buf, t), 29);
        ck_assert_str_eq(buf, want);
    }
}
END_TEST

/* Every code the portal can answer with is documented in docs/http.md.
 * @relation(REQ-RUN-015) */
START_TEST(test_http_every_error_code_is_documented)
{
    static char doc[65536];
    FILE *f = fopen(DSG_SOURCE_DIR "/docs/http.md", "r");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(doc, 1, sizeof doc - 1, f);
    fclose(f);
    doc[n] = '\0';
    const char *extra[] = { "not-found", "unknown-api-version", "method-not-allowed",
                            "request-timeout", "request-line-too-long", "internal",
                            "body-too-large", "bad-body", "body-timeout", "answer-timeout",
                            "service-unavailable", "audit-unavailable", "expectation-failed",
                            "unsupported-media-type", "bad-json", "duplicate-authorization",
                            "unsupported-auth-scheme", "bad-token", "bad-cookie",
                            "duplicate-session-cookie", "credential-mismatch",
                            "bad-page-header" };
    char want[64];
    for (int st = DSG_HTTP_ERR_HEAD_TOO_LARGE; st <= DSG_HTTP_ERR_BAD_CONTENT_LENGTH; st++) {
        snprintf(want, sizeof want, "| `%s` |", dsg_http_status_token((dsg_http_status)st));
        ck_assert_msg(strstr(doc, want) != NULL, "%s not in docs/http.md", want);
    }
    for (int st = DSG_HTTP_PATH_BAD_TARGET; st <= DSG_HTTP_PATH_TOO_LONG; st++) {
        snprintf(want, sizeof want, "| `%s` |",
                 dsg_http_path_status_token((dsg_http_path_status)st));
        ck_assert_msg(strstr(doc, want) != NULL, "%s not in docs/http.md", want);
    }
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++) {
        snprintf(want, sizeof want, "| `%s` |", extra[i]);
        ck_assert_msg(strstr(doc, want) != NULL, "%s not in docs/http.md", want);
    }
}
END_TEST

/* The route table holds no administrative function: none of its paths
 * names one, and each is answered as listed. @relation(REQ-RUN-022) */
START_TEST(test_http_routes_hold_no_administrative_function)
{
    static const char *const admin[] = { "admin", "ctl", "control", "config", "status",
                                         "log", "audit", "verify", "export", "policy",
                                         "account", "user", "role", "key", "terminal" };
    size_t n = 0;
    const dsgd_http_route *r = dsgd_http_routes(&n);
    char req[256];
    ck_assert_uint_ge(n, 1);
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < sizeof admin / sizeof admin[0]; k++)
            ck_assert_msg(strstr(r[i].path, admin[k]) == NULL, "route %s looks administrative",
                          r[i].path);
        snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: a\r\n\r\n", r[i].path);
        ck_assert_int_eq(serve(req), 1);
        ck_assert_int_eq(a.status, 200);
        ck_assert_str_eq(body(), r[i].body);
    }
    /* and the paths an administrator might try are not there */
    for (size_t k = 0; k < sizeof admin / sizeof admin[0]; k++) {
        snprintf(req, sizeof req, "GET /api/v1/%s HTTP/1.1\r\nHost: a\r\n\r\n", admin[k]);
        ck_assert_int_eq(serve(req), 1);
        ck_assert_int_eq(a.status, 404);
        ck_assert_str_eq(a.error, "not-found");
    }
}
END_TEST

static dsgd_route mkroute(const char *path, uint8_t methods, uint8_t flags, uint64_t limit)
{
    dsgd_route r = { 0, methods, flags, limit, (uint8_t)strlen(path), { 0 } };
    memcpy(r.path, path, strlen(path));
    return r;
}

/* A role may not take the portal's own paths or another role's; a role's
 * new routes replace its old ones. @relation(REQ-RUN-017) */
START_TEST(test_http_role_routes_register_and_conflict)
{
    dsgd_route health = mkroute("/api/v1/health", 1, 0, 0);
    dsgd_route a = mkroute("/api/v1/a", 1u << DSG_HTTP_GET, 0, 0);
    dsgd_route b = mkroute("/api/v1/b", 1u << DSG_HTTP_GET, 0, 0);
    ck_assert_int_eq(dsgd_http_routes_set(5, &health, 1), -1);
    ck_assert_int_eq(dsgd_http_routes_set(5, &a, 1), 0);
    ck_assert_int_eq(dsgd_http_routes_set(6, &a, 1), -1);   /* role 5's */
    ck_assert_ptr_nonnull(dsgd_http_route_find((const uint8_t *)"/api/v1/a", 9));
    ck_assert_int_eq(dsgd_http_routes_set(5, &b, 1), 0);    /* replaces a */
    ck_assert_ptr_null(dsgd_http_route_find((const uint8_t *)"/api/v1/a", 9));
    ck_assert_uint_eq(dsgd_http_route_find((const uint8_t *)"/api/v1/b", 9)->role, 5);
    ck_assert_int_eq(dsgd_http_routes_set(6, &a, 1), 0);    /* free again */
    ck_assert_int_eq(dsgd_http_routes_set(5, NULL, 0), 0);
    ck_assert_int_eq(dsgd_http_routes_set(6, NULL, 0), 0);
    ck_assert_ptr_null(dsgd_http_route_find((const uint8_t *)"/api/v1/a", 9));
}
END_TEST

/* A request for a role's route is forwarded with what the role needs; a
 * method it does not take is a 405 listing those it does.
 * @relation(REQ-RUN-017) */
START_TEST(test_http_role_route_forwards)
{
    dsgd_route r = mkroute("/api/v1/files", 1u << DSG_HTTP_POST | 1u << DSG_HTTP_PUT,
                           DSGD_ROUTE_UPLOAD, UINT64_MAX);
    const char *req = "POST /api/v1/%66iles?x=1 HTTP/1.1\r\nHost: a\r\n"
                      "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
    ck_assert_int_eq(dsgd_http_routes_set(3, &r, 1), 0);
    ck_assert_int_eq(serve(req), 1);
    ck_assert_int_eq(a.forward, 1);
    ck_assert_uint_eq(a.len, 0);
    ck_assert_uint_eq(a.consumed, strstr(req, "5\r\n") - req);   /* the head only */
    ck_assert_uint_eq(a.fwd.route->role, 3);
    ck_assert_uint_eq(a.fwd.method, DSG_HTTP_POST);
    ck_assert_uint_eq(a.fwd.framing, DSG_HTTP_FRAMING_CHUNKED);
    ck_assert_uint_eq(a.fwd.body_limit, cfg.upload_max);
    ck_assert_uint_eq(a.fwd.path_len, 13);
    ck_assert_int_eq(memcmp(a.fwd.path, "/api/v1/files", 13), 0);   /* decoded */
    ck_assert_uint_eq(a.fwd.query_len, 3);
    ck_assert_int_eq(memcmp(req + a.fwd.query_off, "x=1", 3), 0);
    ck_assert_int_eq(a.fwd.keep_alive, 1);
    ck_assert_int_eq(serve("GET /api/v1/files HTTP/1.1\r\nHost: a\r\n\r\n"), 1);
    ck_assert_int_eq(a.forward, 0);
    ck_assert_int_eq(a.status, 405);
    ck_assert(has_header("Allow: POST, PUT"));
    assert_error_body("method-not-allowed");
    ck_assert_int_eq(dsgd_http_routes_set(3, NULL, 0), 0);
}
END_TEST

/* A declared length over the route's limit is a 413 before anything is
 * forwarded: the portal's API limit for JSON routes, its upload limit for
 * upload routes, the route's own when lower. @relation(REQ-RUN-013, REQ-RUN-014) */
START_TEST(test_http_role_route_body_limits)
{
    dsgd_route rs[3] = { mkroute("/api/v1/json", 1u << DSG_HTTP_POST, 0, UINT64_MAX),
                         mkroute("/api/v1/up", 1u << DSG_HTTP_POST, DSGD_ROUTE_UPLOAD,
                                 UINT64_MAX),
                         mkroute("/api/v1/small", 1u << DSG_HTTP_POST, 0, 10) };
    char req[256];
    struct { const char *path; uint64_t len; int forward; } v[] = {
        { "/api/v1/json", 1048576, 1 }, { "/api/v1/json", 1048577, 0 },
        { "/api/v1/up", 4294967296u, 1 }, { "/api/v1/up", 4294967297u, 0 },
        { "/api/v1/small", 10, 1 }, { "/api/v1/small", 11, 0 },
    };
    ck_assert_int_eq(dsgd_http_routes_set(3, rs, 3), 0);
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        snprintf(req, sizeof req,
                 "POST %s HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
                 "Content-Length: %llu\r\n\r\n", v[i].path, (unsigned long long)v[i].len);
        ck_assert_int_eq(serve(req), 1);
        ck_assert_int_eq(a.forward, v[i].forward);
        if (!v[i].forward) {
            ck_assert_int_eq(a.status, 413);
            ck_assert_int_eq(a.close, 1);
            assert_error_body("body-too-large");
        } else {
            ck_assert_uint_eq(a.fwd.length, v[i].len);
        }
    }
    ck_assert_int_eq(dsgd_http_routes_set(3, NULL, 0), 0);
}
END_TEST

/* A body for a JSON route must say application/json (a charset may
 * follow; case does not matter); upload routes and requests without a body
 * need not. @relation(REQ-RUN-016) */
START_TEST(test_http_json_route_needs_json_content_type)
{
    dsgd_route rs[2] = { mkroute("/api/v1/json", 1u << DSG_HTTP_POST | 1u << DSG_HTTP_GET, 0,
                                 UINT64_MAX),
                         mkroute("/api/v1/up", 1u << DSG_HTTP_POST, DSGD_ROUTE_UPLOAD,
                                 UINT64_MAX) };
    struct { const char *path, *type; int forward; } v[] = {
        { "/api/v1/json", NULL, 0 },
        { "/api/v1/json", "text/plain", 0 },
        { "/api/v1/json", "application/jsonx", 0 },
        { "/api/v1/json", "application/x-www-form-urlencoded", 0 },
        { "/api/v1/json", "application/json", 1 },
        { "/api/v1/json", "Application/JSON", 1 },
        { "/api/v1/json", "application/json; charset=utf-8", 1 },
        { "/api/v1/up", NULL, 1 },
        { "/api/v1/up", "application/octet-stream", 1 },
    };
    char req[256], type[96];
    ck_assert_int_eq(dsgd_http_routes_set(3, rs, 2), 0);
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        type[0] = '\0';
        if (v[i].type != NULL)
            snprintf(type, sizeof type, "Content-Type: %s\r\n", v[i].type);
        snprintf(req, sizeof req, "POST %s HTTP/1.1\r\nHost: a\r\n%sContent-Length: 2\r\n\r\n{}",
                 v[i].path, type);
        ck_assert_int_eq(serve(req), 1);
        ck_assert_msg(a.forward == v[i].forward, "%s %s", v[i].path, v[i].type ? v[i].type : "-");
        if (a.forward)
            ck_assert_int_eq(a.fwd.json, strcmp(v[i].path, "/api/v1/json") == 0);
        else {
            ck_assert_int_eq(a.status, 415);
            ck_assert_int_eq(a.close, 1);
            assert_error_body("unsupported-media-type");
        }
    }
    ck_assert_int_eq(serve("GET /api/v1/json HTTP/1.1\r\nHost: a\r\n\r\n"), 1);
    ck_assert_int_eq(a.forward, 1);
    ck_assert_int_eq(a.fwd.json, 0);
    ck_assert_int_eq(dsgd_http_routes_set(3, NULL, 0), 0);
}
END_TEST

/* A role's answer goes out with the portal's headers; HEAD has no body; an
 * error of the portal's own closes when asked. @relation(REQ-RUN-017) */
START_TEST(test_http_reply_to_forwarded_requests)
{
    dsgd_http_forward f = { 0 };
    f.method = DSG_HTTP_POST;
    f.keep_alive = 1;
    memset(out, 0, sizeof out);
    dsgd_http_reply(&cfg, &f, 201, NULL, NULL, (const uint8_t *)"{\"id\":1}", 8, NULL, 0, NOW, out,
                    DSGD_HTTP_OUT_MAX, &a);
    ck_assert_int_eq(strncmp((const char *)out, "HTTP/1.1 201 Created\r\n", 22), 0);
    ck_assert_str_eq(body(), "{\"id\":1}");
    ck_assert(has_header("Content-Length: 8"));
    assert_security_headers();
    ck_assert_int_eq(a.close, 0);
    f.method = DSG_HTTP_HEAD;
    memset(out, 0, sizeof out);
    dsgd_http_reply(&cfg, &f, 200, NULL, NULL, (const uint8_t *)"{}", 2, NULL, 0, NOW, out,
                    DSGD_HTTP_OUT_MAX, &a);
    ck_assert_str_eq(body(), "");
    ck_assert(has_header("Content-Length: 2"));
    f.method = DSG_HTTP_POST;
    memset(out, 0, sizeof out);
    dsgd_http_reply(&cfg, &f, 408, "body-timeout", "late", NULL, 0, NULL, 1, NOW, out,
                    DSGD_HTTP_OUT_MAX, &a);
    ck_assert_int_eq(a.status, 408);
    ck_assert_int_eq(a.close, 1);
    ck_assert(has_header("Connection: close"));
    assert_error_body("body-timeout");
    f.keep_alive = 0;                     /* the client asked to close */
    dsgd_http_reply(&cfg, &f, 200, NULL, NULL, (const uint8_t *)"{}", 2, NULL, 0, NOW, out,
                    DSGD_HTTP_OUT_MAX, &a);
    ck_assert_int_eq(a.close, 1);
}
END_TEST

#define T64 "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

static char creq[1024];

/* A request for /api/v1/s with extra header lines `fields`, in creq. */
static int serve_with(const char *fields)
{
    snprintf(creq, sizeof creq, "POST /api/v1/s HTTP/1.1\r\nHost: a\r\n%s\r\n", fields);
    return serve(creq);
}

/* The session token a client presents reaches the role: from
 * "Authorization: Bearer" (scheme in any case, one or more SP), from the
 * __Host-dsg_session cookie among others, from both when they agree; no
 * credential is a token of length 0. @relation(REQ-RUN-013, REQ-ACCT-014) */
START_TEST(test_http_forward_carries_session_token)
{
    static const struct { const char *fields, *token; } v[] = {
        { "", "" },
        { "Authorization: Bearer abc\r\n", "abc" },
        { "Authorization: bEARER    a-_Z9\r\n", "a-_Z9" },
        { "Authorization: Bearer " T64 "\r\n", T64 },
        { "Cookie: __Host-dsg_session=xyz\r\n", "xyz" },
        { "Cookie: a=1; __Host-dsg_session=xyz; b=\"2\"\r\n", "xyz" },
        { "Cookie: __Host-dsg_session=\"q\"\r\n", "q" },
        { "Cookie: dsg_session=other; __host-dsg_session=x\r\n", "" },   /* names are exact */
        { "Authorization: Bearer xyz\r\nCookie: __Host-dsg_session=xyz\r\n", "xyz" },
        { "Cookie: __Host-dsg_session=xyz\r\nAuthorization: Bearer xyz\r\n", "xyz" },
    };
    dsgd_route r = mkroute("/api/v1/s", 1u << DSG_HTTP_POST, 0, UINT64_MAX);
    ck_assert_int_eq(dsgd_http_routes_set(3, &r, 1), 0);
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        ck_assert_int_eq(serve_with(v[i].fields), 1);
        ck_assert_msg(a.forward == 1, "%s: %d %s", v[i].fields, a.status,
                      a.error ? a.error : "-");
        ck_assert_uint_eq(a.fwd.token_len, strlen(v[i].token));
        ck_assert_int_eq(memcmp(creq + a.fwd.token_off, v[i].token, a.fwd.token_len), 0);
    }
    ck_assert_int_eq(dsgd_http_routes_set(3, NULL, 0), 0);
}
END_TEST

/* Every ambiguous or malformed credential is a 400 with its own code, and
 * nothing is forwarded. @relation(REQ-RUN-013, REQ-ACCT-014) */
START_TEST(test_http_forward_refuses_bad_credentials)
{
    static const struct { const char *fields, *code; } v[] = {
        { "Authorization: Bearer a\r\nAuthorization: Bearer a\r\n", "duplicate-authorization" },
        { "Authorization: Basic Zm9vOmJhcg==\r\n", "unsupported-auth-scheme" },
        { "Authorization: Bearerabc\r\n", "unsupported-auth-scheme" },
        { "Authorization: Bearer\tabc\r\n", "unsupported-auth-scheme" },
        { "Authorization: \r\n", "unsupported-auth-scheme" },
        { "Authorization: Bearer\r\n", "bad-token" },
        { "Authorization: Bearer a+b\r\n", "bad-token" },
        { "Authorization: Bearer a=\r\n", "bad-token" },
        { "Authorization: Bearer a b\r\n", "bad-token" },
        { "Authorization: Bearer " T64 "A\r\n", "bad-token" },
        { "Cookie: __Host-dsg_session=\r\n", "bad-token" },
        { "Cookie: __Host-dsg_session=a.b\r\n", "bad-token" },
        { "Cookie: __Host-dsg_session=" T64 "A\r\n", "bad-token" },
        { "Cookie: __Host-dsg_session=a; __Host-dsg_session=a\r\n", "duplicate-session-cookie" },
        { "Cookie: a=1;b=2\r\n", "bad-cookie" },
        { "Cookie: a=1\r\nCookie: __Host-dsg_session=a\r\n", "bad-cookie" },
        { "Cookie: \r\n", "bad-cookie" },
        { "Authorization: Bearer abc\r\nCookie: __Host-dsg_session=abd\r\n",
          "credential-mismatch" },
        { "Authorization: Bearer abc\r\nCookie: __Host-dsg_session=abcd\r\n",
          "credential-mismatch" },
    };
    dsgd_route r = mkroute("/api/v1/s", 1u << DSG_HTTP_POST, 0, UINT64_MAX);
    ck_assert_int_eq(dsgd_http_routes_set(3, &r, 1), 0);
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        ck_assert_int_eq(serve_with(v[i].fields), 1);
        ck_assert_msg(a.forward == 0 && a.status == 400 && a.error != NULL &&
                      strcmp(a.error, v[i].code) == 0, "%s: %d %s", v[i].fields, a.status,
                      a.error ? a.error : "-");
        assert_error_body(v[i].code);
        assert_security_headers();
        ck_assert_int_eq(a.close, 0);   /* no body left unread */
    }
    ck_assert_int_eq(dsgd_http_routes_set(3, NULL, 0), 0);
}
END_TEST

/* A role's cookie directive becomes the session cookie's Set-Cookie,
 * attributes exactly: host-only for the whole site, TLS only, out of
 * scripts' reach, same-site requests only; a clear expires it at once.
 * The answer still says no-store. The portal's own errors set none.
 * @relation(REQ-ACCT-014, REQ-RUN-017) */
START_TEST(test_http_reply_sets_session_cookie)
{
    dsgd_xch_cookie set = { DSGD_XCH_COOKIE_SET, 900, 4, "ab_-" };
    dsgd_xch_cookie clear = { DSGD_XCH_COOKIE_CLEAR, 0, 0, { 0 } };
    dsgd_xch_cookie bad = { DSGD_XCH_COOKIE_SET, 900, 4, "ab.-" };
    dsgd_http_forward f = { 0 };
    f.method = DSG_HTTP_POST;
    f.keep_alive = 1;
    memset(out, 0, sizeof out);
    dsgd_http_reply(&cfg, &f, 200, NULL, NULL, (const uint8_t *)"{}", 2, &set, 0, NOW, out,
                    DSGD_HTTP_OUT_MAX, &a);
    ck_assert_int_eq(a.status, 200);
    ck_assert(has_header("Set-Cookie: __Host-dsg_session=ab_-; Path=/; Max-Age=900; Secure; "
                         "HttpOnly; SameSite=Strict"));
    ck_assert(has_header("Cache-Control: no-store"));
    assert_security_headers();
    ck_assert_str_eq(body(), "{}");
    memset(out, 0, sizeof out);
    dsgd_http_reply(&cfg, &f, 401, NULL, NULL, (const uint8_t *)"{}", 2, &clear, 0, NOW, out,
                    DSGD_HTTP_OUT_MAX, &a);
    ck_assert(has_header("Set-Cookie: __Host-dsg_session=; Path=/; Max-Age=0; Secure; "
                         "HttpOnly; SameSite=Strict"));
    ck_assert(has_header("Cache-Control: no-store"));
    memset(out, 0, sizeof out);
    dsgd_http_reply(&cfg, &f, 200, NULL, NULL, (const uint8_t *)"{}", 2, NULL, 0, NOW, out,
                    DSGD_HTTP_OUT_MAX, &a);
    ck_assert_ptr_null(strstr((const char *)out, "Set-Cookie"));
    memset(out, 0, sizeof out);
    dsgd_http_reply(&cfg, &f, 503, "service-unavailable", "gone", NULL, 0, &set, 0, NOW, out,
                    DSGD_HTTP_OUT_MAX, &a);
    ck_assert_ptr_null(strstr((const char *)out, "Set-Cookie"));
    /* a directive that is not one never reaches the client */
    memset(out, 0, sizeof out);
    dsgd_http_reply(&cfg, &f, 200, NULL, NULL, (const uint8_t *)"{}", 2, &bad, 0, NOW, out,
                    DSGD_HTTP_OUT_MAX, &a);
    ck_assert_int_eq(a.status, 500);
    ck_assert_int_eq(a.close, 1);
    ck_assert_ptr_null(strstr((const char *)out, "Set-Cookie"));
}
END_TEST

/* A page route's request goes on with its Content-Type, Accept-Language,
 * Origin, Host and dsg_lang cookie, a form body not taken for JSON; a
 * repeated or overlong one of these is a 400. @relation(REQ-SHARE-022) */
START_TEST(test_http_page_route_forwards_page_fields)
{
    dsgd_route r = mkroute("/login", 1u << DSG_HTTP_GET | 1u << DSG_HTTP_POST, 0, 4096);
    static char req[1024], longer[300];
    ck_assert_int_eq(dsgd_http_routes_set(3, &r, 1), 0);
    snprintf(req, sizeof req, "POST /login HTTP/1.1\r\nHost: gw:8443\r\n"
             "Origin: https://gw:8443\r\nAccept-Language: en\r\n"
             "Cookie: dsg_lang=ja; __Host-dsg_session=tok\r\n"
             "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\na=b");
    ck_assert_int_eq(serve(req), 1);
    ck_assert_int_eq(a.forward, 1);
    ck_assert_int_eq(a.fwd.page, 1);
    ck_assert_int_eq(a.fwd.json, 0);
    ck_assert_int_eq(memcmp(req + a.fwd.host.off, "gw:8443", a.fwd.host.len), 0);
    ck_assert_int_eq(memcmp(req + a.fwd.origin.off, "https://gw:8443", a.fwd.origin.len), 0);
    ck_assert_int_eq(memcmp(req + a.fwd.accept_lang.off, "en", a.fwd.accept_lang.len), 0);
    ck_assert_uint_eq(a.fwd.lang.len, 2);
    ck_assert_int_eq(memcmp(req + a.fwd.lang.off, "ja", 2), 0);
    ck_assert_uint_eq(a.fwd.ctype.len, 33);
    ck_assert_uint_eq(a.fwd.token_len, 3);
    ck_assert_int_eq(serve("GET /login HTTP/1.1\r\nHost: a\r\nOrigin: x\r\nOrigin: y\r\n\r\n"),
                     1);
    ck_assert_int_eq(a.status, 400);
    assert_error_body("bad-page-header");
    memset(longer, 'a', sizeof longer - 1);
    snprintf(req, sizeof req, "GET /login HTTP/1.1\r\nHost: a\r\nAccept-Language: %s\r\n\r\n",
             longer);
    ck_assert_int_eq(serve(req), 1);
    ck_assert_int_eq(a.status, 400);
    ck_assert_int_eq(dsgd_http_routes_set(3, NULL, 0), 0);
}
END_TEST

/* A page's head carries the portal's CSP (no inline script or style),
 * the session cookie directive and its Location; a download's keeps the
 * sandbox and carries neither. @relation(REQ-SHARE-022, REQ-SHARE-013) */
START_TEST(test_http_page_head_headers)
{
    dsgd_http_forward f = { 0 };
    dsgd_xch_stream st = { .id = 1, .status = 303, .length = 10,
                           .type = "text/html; charset=utf-8", .type_len = 24, .page = 1,
                           .location = "/areas", .location_len = 6,
                           .lang = DSGD_XCH_LANG_EN };
    int close = 0;
    size_t n;
    f.keep_alive = 1;
    st.cookie.op = DSGD_XCH_COOKIE_SET;
    st.cookie.max_age = 60;
    st.cookie.token_len = 3;
    memcpy(st.cookie.token, "abc", 3);
    memset(out, 0, sizeof out);
    n = dsgd_http_stream_head(&cfg, &f, &st, NOW, out, DSGD_HTTP_OUT_MAX, &close);
    ck_assert_uint_gt(n, 0);
    ck_assert(strncmp((const char *)out, "HTTP/1.1 303 See Other\r\n", 24) == 0);
    ck_assert(has_header("Content-Security-Policy: default-src 'none'; script-src 'self'; "
                         "style-src 'self'; img-src 'self'; form-action 'self'; "
                         "frame-ancestors 'none'; base-uri 'none'"));
    ck_assert(has_header("Location: /areas"));
    ck_assert(has_header("Set-Cookie: dsg_lang=en; Path=/; Max-Age=31536000; Secure; HttpOnly; "
                         "SameSite=Strict"));
    ck_assert(has_header("Set-Cookie: __Host-dsg_session=abc; Path=/; Max-Age=60; Secure; "
                         "HttpOnly; SameSite=Strict"));
    ck_assert(has_header("X-Content-Type-Options: nosniff"));
    ck_assert(has_header("Referrer-Policy: same-origin"));   /* forms post their origin */
    ck_assert(has_header("Cache-Control: no-store"));
    ck_assert_ptr_null(strstr((const char *)out, "unsafe-inline"));
    st.page = 0;
    memset(out, 0, sizeof out);
    n = dsgd_http_stream_head(&cfg, &f, &st, NOW, out, DSGD_HTTP_OUT_MAX, &close);
    ck_assert_uint_gt(n, 0);
    ck_assert(has_header("Content-Security-Policy: sandbox; default-src 'none'"));
    ck_assert_ptr_null(strstr((const char *)out, "Set-Cookie"));
    ck_assert_ptr_null(strstr((const char *)out, "Location"));
}
END_TEST

Suite *suite_http_conn(void)
{
    Suite *s = suite_create("http_conn");
    TCase *bad = tcase_create("bad input");
    tcase_add_test(bad, test_http_incomplete_head_waits);
    tcase_add_test(bad, test_http_malformed_heads_map_to_status_and_code);
    tcase_add_test(bad, test_http_limits_give_414_and_431);
    tcase_add_test(bad, test_http_small_output_buffer_gives_500);
    suite_add_tcase(s, bad);
    TCase *ok = tcase_create("answers");
    tcase_add_test(ok, test_http_health_answers_exactly_status_ok);
    tcase_add_test(ok, test_http_head_and_wrong_methods);
    tcase_add_test(ok, test_http_unknown_paths_and_api_versions);
    tcase_add_test(ok, test_http_keep_alive_rules);
    tcase_add_test(ok, test_http_pipelined_requests_one_at_a_time);
    tcase_add_test(ok, test_http_timeout_answer_is_408_and_closes);
    tcase_add_test(ok, test_http_imf_date);
    tcase_add_test(ok, test_http_imf_date_matches_gmtime);
    tcase_add_test(ok, test_http_every_error_code_is_documented);
    tcase_add_test(ok, test_http_routes_hold_no_administrative_function);
    tcase_add_test(ok, test_http_role_routes_register_and_conflict);
    tcase_add_test(ok, test_http_role_route_forwards);
    tcase_add_test(ok, test_http_role_route_body_limits);
    tcase_add_test(ok, test_http_reply_to_forwarded_requests);
    tcase_add_test(ok, test_http_json_route_needs_json_content_type);
    tcase_add_test(ok, test_http_forward_carries_session_token);
    tcase_add_test(ok, test_http_forward_refuses_bad_credentials);
    tcase_add_test(ok, test_http_reply_sets_session_cookie);
    tcase_add_test(ok, test_http_page_route_forwards_page_fields);
    tcase_add_test(ok, test_http_page_head_headers);
    suite_add_tcase(s, ok);
    return s;
}
