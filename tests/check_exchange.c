/*
 * Unit tests of the HTTP exchange messages (src/run/exchange.h):
 * REQ-RUN-017 (routes, answers), REQ-RUN-013 (request heads, body pieces,
 * ends), REQ-ACCT-014 (the session token a request carries, the cookie
 * directive of an answer). Every message round-trips, and every
 * truncation, extension or bad field is refused.
 */
#include <check.h>
#include <string.h>

#include "core/http_req.h"
#include "run/exchange.h"

/* The share role's history question becomes exactly one read-only logd
 * command, whatever the role sends: an item of the three kinds with a
 * number, times of the canonical form or "-"; anything else (another
 * word, an option smuggled in, a fourth word, a bad id or time) is no
 * command at all. @relation(REQ-SHARE-017) */
START_TEST(test_xch_history_ask)
{
    uint8_t m[128];
    char line[256];
    size_t len = dsgd_xch_history_ask_put(m, sizeof m, "file:12", "-", "-");
    ck_assert_uint_eq(len, strlen("file:12 - -"));
    ck_assert_uint_gt(dsgd_xch_history_line(m, len, line, sizeof line), 0);
    ck_assert_str_eq(line, "log export --format history --type 23 --item file:12");
    len = dsgd_xch_history_ask_put(m, sizeof m, "area:3", "2026-11-01T00:00:00.000Z",
                                   "2026-12-01T00:00:00.000Z");
    ck_assert_uint_eq(dsgd_xch_history_line(m, len, line, sizeof line), strlen(line));
    ck_assert_str_eq(line, "log export --format history --type 23 --item area:3 --since "
                           "2026-11-01T00:00:00.000Z --until 2026-12-01T00:00:00.000Z");
    len = dsgd_xch_history_ask_put(m, sizeof m, "folder:7", "-", "2026-12-01T00:00:00.000Z");
    ck_assert_uint_gt(dsgd_xch_history_line(m, len, line, sizeof line), 0);
    ck_assert_str_eq(line, "log export --format history --type 23 --item folder:7 --until "
                           "2026-12-01T00:00:00.000Z");
    ck_assert_uint_eq(dsgd_xch_history_line(m, len, line, 20), 0);   /* does not fit */
    static const char *const bad_items[] = { "dir:3", "file:0", "file:012", "file:", "file:1a",
                                             "file:1234567890123456789", "file:1 --format",
                                             "" };
    for (size_t i = 0; i < sizeof bad_items / sizeof bad_items[0]; i++)
        ck_assert_uint_eq(dsgd_xch_history_ask_put(m, sizeof m, bad_items[i], "-", "-"), 0);
    ck_assert_uint_eq(dsgd_xch_history_ask_put(m, sizeof m, "file:1", "2026-11-01", "-"), 0);
    ck_assert_uint_eq(dsgd_xch_history_ask_put(m, sizeof m, "file:1", "-", "x"), 0);
    ck_assert_uint_eq(dsgd_xch_history_ask_put(m, 8, "file:12", "-", "-"), 0);
    static const char *const bad_asks[] = {
        "file:12 - - -", "file:12 -", "file:12", "file:12  - -", "file:12 - -x",
        "log prune --before 2099-01-01T00:00:00Z", "file:12 --since -",
        "file:12 - 2026-12-01T00:00:00.000Z --type", "file:12 2026-11-01T00:00:00Z -",
    };
    for (size_t i = 0; i < sizeof bad_asks / sizeof bad_asks[0]; i++)
        ck_assert_uint_eq(dsgd_xch_history_line((const uint8_t *)bad_asks[i],
                                                strlen(bad_asks[i]), line, sizeof line),
                          0);
    ck_assert_uint_eq(dsgd_xch_history_line((const uint8_t *)"file:12 - -\0", 12, line,
                                            sizeof line),
                      0);
}
END_TEST

Suite *suite_exchange(void);

static dsgd_route route(const char *path, uint8_t methods, uint8_t flags, uint64_t limit)
{
    dsgd_route r = { 0, methods, flags, limit, (uint8_t)strlen(path), { 0 } };
    memcpy(r.path, path, strlen(path));
    return r;
}

/* @relation(REQ-RUN-017) */
START_TEST(test_xch_routes_round_trip)
{
    dsgd_route in[2] = { route("/api/v1/files", 1u << DSG_HTTP_GET | 1u << DSG_HTTP_POST,
                               DSGD_ROUTE_UPLOAD, UINT64_MAX),
                         route("/api/v1/x", 1u << DSG_HTTP_DELETE, 0, 12) };
    dsgd_route out[DSGD_ROUTES_MAX];
    uint8_t m[1024];
    size_t n = 0, len = dsgd_xch_routes_put(m, sizeof m, in, 2);
    ck_assert_uint_gt(len, 0);
    ck_assert_int_eq(dsgd_xch_routes_get(m, len, 9, out, &n), 0);
    ck_assert_uint_eq(n, 2);
    for (size_t i = 0; i < 2; i++) {
        ck_assert_uint_eq(out[i].role, 9);
        ck_assert_uint_eq(out[i].methods, in[i].methods);
        ck_assert_uint_eq(out[i].flags, in[i].flags);
        ck_assert_uint_eq(out[i].body_limit, in[i].body_limit);
        ck_assert_uint_eq(out[i].path_len, in[i].path_len);
        ck_assert_int_eq(memcmp(out[i].path, in[i].path, in[i].path_len), 0);
    }
    for (size_t cut = 0; cut < len; cut++)   /* every truncation */
        ck_assert_int_eq(dsgd_xch_routes_get(m, cut, 9, out, &n), -1);
    m[len] = 0;                               /* a trailing byte */
    ck_assert_int_eq(dsgd_xch_routes_get(m, len + 1, 9, out, &n), -1);
    ck_assert_uint_eq(dsgd_xch_routes_put(m, len - 1, in, 2), 0);   /* no room */
}
END_TEST

/* Routes outside /api/v1/, without a method, with unknown method or flag
 * bits, or with bytes a path cannot have are refused both ways.
 * @relation(REQ-RUN-017) */
START_TEST(test_xch_routes_refuse_malformed)
{
    const dsgd_route bad[] = {
        route("/api/v2/x", 1, 0, 0), route("/api/v1/", 1, 0, 0), route("/api/x", 1, 0, 0),
        route("/api", 1, 0, 0), route("x", 1, 0, 0),
        route("/api/v1/x", 0, 0, 0), route("/api/v1/x", 0x80, 0, 0),
        route("/api/v1/x", 1, 2, 0), route("/api/v1/a b", 1, 0, 0),
        route("/api/v1/a?b", 1, 0, 0), route("/api/v1/a\x7f", 1, 0, 0),
    };
    dsgd_route good = route("/api/v1/x", 1, 0, 0), out[DSGD_ROUTES_MAX];
    uint8_t m[1024];
    size_t n, len;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_uint_eq(dsgd_xch_routes_put(m, sizeof m, &bad[i], 1), 0);
        /* the same bytes forged past the writer's check */
        len = dsgd_xch_routes_put(m, sizeof m, &good, 1);
        m[1] = bad[i].methods;
        m[2] = bad[i].flags;
        m[11] = bad[i].path_len;
        memcpy(m + 12, bad[i].path, bad[i].path_len);
        len = 12 + bad[i].path_len;
        ck_assert_int_eq(dsgd_xch_routes_get(m, len, 1, out, &n), -1);
    }
    m[0] = DSGD_ROUTES_MAX + 1;
    ck_assert_int_eq(dsgd_xch_routes_get(m, 1, 1, out, &n), -1);
}
END_TEST

/* @relation(REQ-RUN-013) */
START_TEST(test_xch_request_round_trip_and_refusals)
{
    dsgd_xch_request r = { 4, 0xdeadbeef, DSG_HTTP_PUT, DSG_HTTP_FRAMING_LENGTH,
                           (uint64_t)5 << 32, (const uint8_t *)"/api/v1/f", 9,
                           (const uint8_t *)"a=1&b", 5, "192.0.2.1", 9, NULL, 0, NULL, 0,
                           NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0 }, g;
    uint8_t m[256];
    size_t len = dsgd_xch_request_put(m, sizeof m, &r);
    ck_assert_uint_gt(len, 0);
    ck_assert_int_eq(dsgd_xch_request_get(m, len, &g), 0);
    ck_assert_uint_eq(g.role, 4);
    ck_assert_uint_eq(g.id, 0xdeadbeef);
    ck_assert_uint_eq(g.method, DSG_HTTP_PUT);
    ck_assert_uint_eq(g.framing, DSG_HTTP_FRAMING_LENGTH);
    ck_assert_uint_eq(g.length, (uint64_t)5 << 32);
    ck_assert_uint_eq(g.path_len, 9);
    ck_assert_int_eq(memcmp(g.path, "/api/v1/f", 9), 0);
    ck_assert_uint_eq(g.query_len, 5);
    ck_assert_int_eq(memcmp(g.query, "a=1&b", 5), 0);
    ck_assert_uint_eq(g.addr_len, 9);
    ck_assert_int_eq(memcmp(g.addr, "192.0.2.1", 9), 0);
    for (size_t cut = 0; cut < len; cut++)
        ck_assert_int_eq(dsgd_xch_request_get(m, cut, &g), -1);
    ck_assert_int_eq(dsgd_xch_request_get(m, len + 1, &g), -1);
    m[5] = DSG_HTTP_PATCH + 1;                   /* unknown method */
    ck_assert_int_eq(dsgd_xch_request_get(m, len, &g), -1);
    m[5] = DSG_HTTP_PUT;
    m[6] = DSG_HTTP_FRAMING_CHUNKED + 1;         /* unknown framing */
    ck_assert_int_eq(dsgd_xch_request_get(m, len, &g), -1);
    r.addr_len = DSGD_XCH_ADDR_MAX + 1;
    ck_assert_uint_eq(dsgd_xch_request_put(m, sizeof m, &r), 0);
}
END_TEST

/* @relation(REQ-RUN-013) */
START_TEST(test_xch_body_and_end)
{
    uint8_t m[DSGD_XCH_BODY_HEAD + 3], role;
    uint32_t id;
    const uint8_t *data;
    size_t len;
    int complete;
    dsgd_xch_head_put(m, 7, 0x01020304);
    memcpy(m + DSGD_XCH_BODY_HEAD, "abc", 3);
    ck_assert_int_eq(dsgd_xch_body_get(m, sizeof m, &role, &id, &data, &len), 0);
    ck_assert_uint_eq(role, 7);
    ck_assert_uint_eq(id, 0x01020304);
    ck_assert_uint_eq(len, 3);
    ck_assert_int_eq(memcmp(data, "abc", 3), 0);
    ck_assert_int_eq(dsgd_xch_body_get(m, DSGD_XCH_BODY_HEAD - 1, &role, &id, &data, &len), -1);
    for (uint8_t outcome = 0; outcome < 3; outcome++) {
        m[DSGD_XCH_BODY_HEAD] = outcome;
        ck_assert_int_eq(dsgd_xch_end_get(m, DSGD_XCH_BODY_HEAD + 1, &role, &id, &complete),
                         outcome < 2 ? 0 : -1);
        if (outcome < 2)
            ck_assert_int_eq(complete, outcome);
    }
    ck_assert_int_eq(dsgd_xch_end_get(m, DSGD_XCH_BODY_HEAD, &role, &id, &complete), -1);
    ck_assert_int_eq(dsgd_xch_end_get(m, DSGD_XCH_BODY_HEAD + 2, &role, &id, &complete), -1);
}
END_TEST

/* @relation(REQ-RUN-017) */
START_TEST(test_xch_answer_round_trip_and_refusals)
{
    static uint8_t m[8 + DSGD_XCH_ANSWER_MAX + 1], big[DSGD_XCH_ANSWER_MAX + 1];
    const uint8_t *json;
    uint32_t id;
    int status;
    dsgd_xch_cookie k;
    size_t len = dsgd_xch_answer_put(m, sizeof m, 42, 201, NULL, (const uint8_t *)"{}", 2), jl;
    ck_assert_uint_eq(len, 9);
    ck_assert_int_eq(dsgd_xch_answer_get(m, len, &id, &status, &k, &json, &jl), 0);
    ck_assert_uint_eq(id, 42);
    ck_assert_int_eq(status, 201);
    ck_assert_uint_eq(k.op, DSGD_XCH_COOKIE_NONE);
    ck_assert_uint_eq(jl, 2);
    ck_assert_uint_eq(dsgd_xch_answer_put(m, sizeof m, 1, 199, NULL, NULL, 0), 0);
    ck_assert_uint_eq(dsgd_xch_answer_put(m, sizeof m, 1, 600, NULL, NULL, 0), 0);
    ck_assert_uint_eq(dsgd_xch_answer_put(m, sizeof m, 1, 204, NULL, NULL, 0), 0);   /* no content */
    ck_assert_uint_eq(dsgd_xch_answer_put(m, sizeof m, 1, 304, NULL, NULL, 0), 0);
    ck_assert_uint_eq(dsgd_xch_answer_put(m, sizeof m, 1, 200, NULL, big, sizeof big), 0);
    for (size_t cut = 0; cut < 7; cut++)           /* no room for the head */
        ck_assert_int_eq(dsgd_xch_answer_get(m, cut, &id, &status, &k, &json, &jl), -1);
    m[4] = 0x02;
    m[5] = 0x58;                                   /* 600 */
    ck_assert_int_eq(dsgd_xch_answer_get(m, len, &id, &status, &k, &json, &jl), -1);
    m[4] = 0;
    m[5] = 204;
    ck_assert_int_eq(dsgd_xch_answer_get(m, len, &id, &status, &k, &json, &jl), -1);
    m[5] = 200;
    ck_assert_int_eq(dsgd_xch_answer_get(m, 7 + DSGD_XCH_ANSWER_MAX + 1, &id, &status, &k,
                                         &json, &jl), -1);
}
END_TEST

static const char token64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static dsgd_xch_request request_with(const char *token, size_t len)
{
    dsgd_xch_request r = { 4, 7, DSG_HTTP_POST, DSG_HTTP_FRAMING_NONE, 0,
                           (const uint8_t *)"/api/v1/s", 9, NULL, 0, "192.0.2.1", 9,
                           (const uint8_t *)token, len, NULL, 0,
                           NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0 };
    return r;
}

/* The SHA-256 of a client certificate the portal verified travels with
 * the request: none (length 0) or exactly 32 bytes, any other length
 * refused both ways. @relation(REQ-RUN-013, REQ-MFA-002) */
START_TEST(test_xch_request_carries_certificate)
{
    uint8_t fp[DSGD_XCH_CERT_FP_LEN + 1], m[256];
    dsgd_xch_request r = request_with(token64, 8), g;
    for (size_t i = 0; i < sizeof fp; i++)
        fp[i] = (uint8_t)(0xa0 + i);
    r.cert_fp = fp;
    r.cert_fp_len = DSGD_XCH_CERT_FP_LEN;
    size_t len = dsgd_xch_request_put(m, sizeof m, &r);
    ck_assert_uint_gt(len, 0);
    ck_assert_int_eq(dsgd_xch_request_get(m, len, &g), 0);
    ck_assert_uint_eq(g.cert_fp_len, DSGD_XCH_CERT_FP_LEN);
    ck_assert_int_eq(memcmp(g.cert_fp, fp, DSGD_XCH_CERT_FP_LEN), 0);
    ck_assert_uint_eq(g.token_len, 8);
    for (size_t cut = 0; cut < len; cut++)
        ck_assert_int_eq(dsgd_xch_request_get(m, cut, &g), -1);
    /* the fingerprint ends before the five empty page fields */
    m[len - 5 - DSGD_XCH_CERT_FP_LEN - 1] = DSGD_XCH_CERT_FP_LEN - 1;   /* 31 bytes, one more */
    ck_assert_int_eq(dsgd_xch_request_get(m, len, &g), -1);
    r.cert_fp_len = DSGD_XCH_CERT_FP_LEN + 1;
    ck_assert_uint_eq(dsgd_xch_request_put(m, sizeof m, &r), 0);
    r.cert_fp_len = 16;
    ck_assert_uint_eq(dsgd_xch_request_put(m, sizeof m, &r), 0);
    r.cert_fp = NULL;
    r.cert_fp_len = DSGD_XCH_CERT_FP_LEN;
    ck_assert_uint_eq(dsgd_xch_request_put(m, sizeof m, &r), 0);
    r.cert_fp_len = 0;                                   /* none */
    len = dsgd_xch_request_put(m, sizeof m, &r);
    ck_assert_uint_eq(m[len - 5 - 1], 0);                /* fingerprint length 0 */
    ck_assert_int_eq(dsgd_xch_request_get(m, len, &g), 0);
    ck_assert_uint_eq(g.cert_fp_len, 0);
}
END_TEST

/* The token the client presented travels with the request: every byte of
 * the base64url alphabet, up to DSGD_XCH_TOKEN_MAX; none is a length 0.
 * @relation(REQ-RUN-013, REQ-ACCT-014) */
START_TEST(test_xch_request_carries_token)
{
    dsgd_xch_request r = request_with(token64, DSGD_XCH_TOKEN_MAX), g;
    uint8_t m[256];
    size_t len = dsgd_xch_request_put(m, sizeof m, &r), none;
    ck_assert_uint_eq(sizeof token64 - 1, DSGD_XCH_TOKEN_MAX);
    ck_assert_uint_gt(len, 0);
    ck_assert_int_eq(dsgd_xch_request_get(m, len, &g), 0);
    ck_assert_uint_eq(g.token_len, DSGD_XCH_TOKEN_MAX);
    ck_assert_int_eq(memcmp(g.token, token64, DSGD_XCH_TOKEN_MAX), 0);
    ck_assert_uint_eq(g.addr_len, 9);
    for (size_t cut = 0; cut < len; cut++)     /* every truncation */
        ck_assert_int_eq(dsgd_xch_request_get(m, cut, &g), -1);
    m[len] = 'A';                               /* a trailing byte */
    ck_assert_int_eq(dsgd_xch_request_get(m, len + 1, &g), -1);
    r = request_with(NULL, 0);
    none = dsgd_xch_request_put(m, sizeof m, &r);
    ck_assert_uint_eq(none, len - DSGD_XCH_TOKEN_MAX);
    ck_assert_uint_eq(m[none - 5 - 1 - 1], 0);  /* token length 0, before the fingerprint's
                                                 * length and the five page fields */
    ck_assert_int_eq(dsgd_xch_request_get(m, none, &g), 0);
    ck_assert_uint_eq(g.token_len, 0);
    ck_assert_int_eq(dsgd_xch_request_get(m, none - 1, &g), -1);
}
END_TEST

/* A token over DSGD_XCH_TOKEN_MAX or with a byte outside [A-Za-z0-9_-] is
 * refused by the writer, and by the reader when forged past it.
 * @relation(REQ-RUN-013, REQ-ACCT-014) */
START_TEST(test_xch_request_refuses_bad_token)
{
    static const char bad[] = { '+', '/', '=', '.', '~', ' ', '\0', '"', ';', 0x7f,
                                (char)0x80, (char)0xff };
    char t[DSGD_XCH_TOKEN_MAX + 1];
    uint8_t m[256];
    dsgd_xch_request r, g;
    size_t len;
    memset(t, 'a', sizeof t);
    r = request_with(t, sizeof t);               /* one byte too long */
    ck_assert_uint_eq(dsgd_xch_request_put(m, sizeof m, &r), 0);
    r = request_with(t, DSGD_XCH_TOKEN_MAX);
    len = dsgd_xch_request_put(m, sizeof m, &r);
    ck_assert_uint_gt(len, 0);
    /* the token ends before the fingerprint's length and the five empty page fields */
    m[len - 5 - 1 - DSGD_XCH_TOKEN_MAX - 1] = DSGD_XCH_TOKEN_MAX + 1;   /* forged: 65 bytes */
    m[len] = 0;
    ck_assert_int_eq(dsgd_xch_request_get(m, len + 1, &g), -1);
    r = request_with(NULL, 3);                    /* a length without bytes */
    ck_assert_uint_eq(dsgd_xch_request_put(m, sizeof m, &r), 0);
    for (size_t i = 0; i < sizeof bad; i++) {
        t[5] = bad[i];
        r = request_with(t, 8);
        ck_assert_uint_eq(dsgd_xch_request_put(m, sizeof m, &r), 0);
        t[5] = 'a';
        r = request_with(t, 8);
        len = dsgd_xch_request_put(m, sizeof m, &r);
        ck_assert_uint_gt(len, 0);
        m[len - 5 - 1 - 8 + 5] = (uint8_t)bad[i]; /* forged past the writer */
        ck_assert_int_eq(dsgd_xch_request_get(m, len, &g), -1);
    }
}
END_TEST

static dsgd_xch_cookie cookie_of(uint8_t op, uint32_t max_age, const char *token)
{
    dsgd_xch_cookie k = { op, max_age, 0, { 0 } };
    k.token_len = (uint8_t)strlen(token);
    memcpy(k.token, token, k.token_len);
    return k;
}

/* An answer's cookie directive round-trips: set (token and age), clear,
 * none; every truncation of a set is refused.
 * @relation(REQ-RUN-017, REQ-ACCT-014) */
START_TEST(test_xch_answer_cookie_round_trip)
{
    static uint8_t m[DSGD_XCH_ANSWER_HEAD_MAX + DSGD_XCH_ANSWER_MAX];
    dsgd_xch_cookie set = cookie_of(DSGD_XCH_COOKIE_SET, 900, token64), clear =
        cookie_of(DSGD_XCH_COOKIE_CLEAR, 0, ""), none = cookie_of(DSGD_XCH_COOKIE_NONE, 0, ""), k;
    const uint8_t *json;
    uint32_t id;
    int status;
    size_t jl, len = dsgd_xch_answer_put(m, sizeof m, 5, 200, &set, (const uint8_t *)"{}", 2);
    ck_assert_uint_eq(len, DSGD_XCH_ANSWER_HEAD_MAX + 2);
    ck_assert_int_eq(dsgd_xch_answer_get(m, len, &id, &status, &k, &json, &jl), 0);
    ck_assert_uint_eq(k.op, DSGD_XCH_COOKIE_SET);
    ck_assert_uint_eq(k.max_age, 900);
    ck_assert_uint_eq(k.token_len, DSGD_XCH_TOKEN_MAX);
    ck_assert_int_eq(memcmp(k.token, token64, DSGD_XCH_TOKEN_MAX), 0);
    ck_assert_uint_eq(jl, 2);
    ck_assert_int_eq(memcmp(json, "{}", 2), 0);
    /* cut inside the directive: refused; cut inside the body: another body */
    for (size_t cut = 0; cut < DSGD_XCH_ANSWER_HEAD_MAX; cut++)
        ck_assert_int_eq(dsgd_xch_answer_get(m, cut, &id, &status, &k, &json, &jl), -1);
    len = dsgd_xch_answer_put(m, sizeof m, 5, 401, &clear, (const uint8_t *)"{}", 2);
    ck_assert_uint_eq(len, 9);
    ck_assert_int_eq(dsgd_xch_answer_get(m, len, &id, &status, &k, &json, &jl), 0);
    ck_assert_uint_eq(k.op, DSGD_XCH_COOKIE_CLEAR);
    ck_assert_uint_eq(k.token_len, 0);
    ck_assert_int_eq(status, 401);
    ck_assert_uint_eq(dsgd_xch_answer_put(m, sizeof m, 5, 200, &none, NULL, 0), 7);
    ck_assert_int_eq(dsgd_xch_answer_get(m, 7, &id, &status, &k, &json, &jl), 0);
    ck_assert_uint_eq(k.op, DSGD_XCH_COOKIE_NONE);
    ck_assert_uint_eq(jl, 0);
    set = cookie_of(DSGD_XCH_COOKIE_SET, 1, "x");
    len = dsgd_xch_answer_put(m, sizeof m, 5, 200, &set, NULL, 0);
    ck_assert_uint_eq(len, 13);
    ck_assert_uint_eq(dsgd_xch_answer_put(m, len - 1, 5, 200, &set, NULL, 0), 0);   /* no room */
}
END_TEST

/* Directives that are not one are refused by the writer and, forged, by
 * the reader: an unknown op, a set without a token or an age, with an age
 * past DSGD_XCH_COOKIE_AGE_MAX, a token too long or with a byte outside
 * base64url; a clear or none with a token or an age.
 * @relation(REQ-RUN-017, REQ-ACCT-014) */
START_TEST(test_xch_answer_refuses_bad_cookie)
{
    static uint8_t m[DSGD_XCH_ANSWER_HEAD_MAX + DSGD_XCH_ANSWER_MAX + 8];
    const dsgd_xch_cookie bad[] = {
        cookie_of(3, 0, ""), cookie_of(0xff, 0, ""),
        cookie_of(DSGD_XCH_COOKIE_SET, 60, ""), cookie_of(DSGD_XCH_COOKIE_SET, 0, "abc"),
        cookie_of(DSGD_XCH_COOKIE_SET, DSGD_XCH_COOKIE_AGE_MAX + 1, "abc"),
        cookie_of(DSGD_XCH_COOKIE_SET, 60, "a+c"), cookie_of(DSGD_XCH_COOKIE_SET, 60, "a=c"),
        cookie_of(DSGD_XCH_COOKIE_SET, 60, "a c"), cookie_of(DSGD_XCH_COOKIE_SET, 60, "a;c"),
        cookie_of(DSGD_XCH_COOKIE_CLEAR, 0, "abc"), cookie_of(DSGD_XCH_COOKIE_CLEAR, 60, ""),
        cookie_of(DSGD_XCH_COOKIE_NONE, 0, "abc"), cookie_of(DSGD_XCH_COOKIE_NONE, 60, ""),
    };
    dsgd_xch_cookie k, set = cookie_of(DSGD_XCH_COOKIE_SET, 60, "abc"), age_max =
        cookie_of(DSGD_XCH_COOKIE_SET, DSGD_XCH_COOKIE_AGE_MAX, "abc");
    const uint8_t *json;
    uint32_t id;
    int status;
    size_t jl, len;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(dsgd_xch_answer_put(m, sizeof m, 1, 200, &bad[i], NULL, 0) == 0,
                      "directive %zu", i);
    set.token_len = DSGD_XCH_TOKEN_MAX + 1;       /* past the array: never read */
    ck_assert_uint_eq(dsgd_xch_answer_put(m, sizeof m, 1, 200, &set, NULL, 0), 0);
    ck_assert_uint_gt(dsgd_xch_answer_put(m, sizeof m, 1, 200, &age_max, NULL, 0), 0);
    /* forged: the bytes of a good set, one field at a time made bad */
    set = cookie_of(DSGD_XCH_COOKIE_SET, 60, "abc");
    len = dsgd_xch_answer_put(m, sizeof m, 1, 200, &set, (const uint8_t *)"{}", 2);
    ck_assert_uint_eq(len, 17);
    ck_assert_int_eq(dsgd_xch_answer_get(m, len, &id, &status, &k, &json, &jl), 0);
    m[6] = 3;                                       /* op */
    ck_assert_int_eq(dsgd_xch_answer_get(m, len, &id, &status, &k, &json, &jl), -1);
    m[6] = DSGD_XCH_COOKIE_SET;
    memset(m + 7, 0, 4);                            /* age 0 */
    ck_assert_int_eq(dsgd_xch_answer_get(m, len, &id, &status, &k, &json, &jl), -1);
    memset(m + 7, 0xff, 4);                         /* age past the ceiling */
    ck_assert_int_eq(dsgd_xch_answer_get(m, len, &id, &status, &k, &json, &jl), -1);
    m[7] = m[8] = m[9] = 0;
    m[10] = 60;
    m[11] = 0;                                      /* set without a token */
    ck_assert_int_eq(dsgd_xch_answer_get(m, len, &id, &status, &k, &json, &jl), -1);
    m[11] = DSGD_XCH_TOKEN_MAX + 1;                 /* a token too long */
    ck_assert_int_eq(dsgd_xch_answer_get(m, sizeof m, &id, &status, &k, &json, &jl), -1);
    m[11] = 3;
    m[13] = '/';                                    /* a byte outside base64url */
    ck_assert_int_eq(dsgd_xch_answer_get(m, len, &id, &status, &k, &json, &jl), -1);
    m[13] = 'b';
    ck_assert_int_eq(dsgd_xch_answer_get(m, len, &id, &status, &k, &json, &jl), 0);
    ck_assert_int_eq(dsgd_xch_token_ok((const uint8_t *)"", 0), 0);
}
END_TEST

/* Page paths are "/" and paths outside /api/; a page route round-trips.
 * @relation(REQ-SHARE-022, REQ-RUN-017) */
START_TEST(test_xch_page_routes)
{
    dsgd_route in = route("/login", 1u << DSG_HTTP_GET | 1u << DSG_HTTP_POST, 0, 4096),
               out[DSGD_ROUTES_MAX];
    uint8_t m[256];
    size_t n = 0, len;
    ck_assert_int_eq(dsgd_xch_page_path("/", 1), 1);
    ck_assert_int_eq(dsgd_xch_page_path("/static/portal.css", 18), 1);
    ck_assert_int_eq(dsgd_xch_page_path("/apis", 5), 1);
    ck_assert_int_eq(dsgd_xch_page_path("/api", 4), 0);
    ck_assert_int_eq(dsgd_xch_page_path("/api/v1/x", 9), 0);
    ck_assert_int_eq(dsgd_xch_page_path("", 0), 0);
    ck_assert_int_eq(dsgd_xch_page_path("login", 5), 0);
    len = dsgd_xch_routes_put(m, sizeof m, &in, 1);
    ck_assert_uint_gt(len, 0);
    ck_assert_int_eq(dsgd_xch_routes_get(m, len, 3, out, &n), 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(memcmp(out[0].path, "/login", 6), 0);
}
END_TEST

/* A page request carries its Content-Type, Accept-Language, Origin, Host
 * and language cookie after the client certificate's fingerprint; one
 * longer than DSGD_XCH_FIELD_MAX is refused.
 * @relation(REQ-SHARE-022, REQ-RUN-013, REQ-MFA-002) */
START_TEST(test_xch_request_page_fields)
{
    static char longer[DSGD_XCH_FIELD_MAX + 1];
    dsgd_xch_request r = request_with("tok", 3), g;
    uint8_t m[2048], fp[DSGD_XCH_CERT_FP_LEN];
    size_t len;
    r.ctype = "multipart/form-data; boundary=x";
    r.ctype_len = strlen(r.ctype);
    r.accept_lang = "en-GB,ja;q=0.5";
    r.accept_lang_len = strlen(r.accept_lang);
    r.origin = "https://localhost:8443";
    r.origin_len = strlen(r.origin);
    r.host = "localhost:8443";
    r.host_len = strlen(r.host);
    r.lang = "ja";
    r.lang_len = 2;
    memset(fp, 0x5a, sizeof fp);
    r.cert_fp = fp;
    r.cert_fp_len = sizeof fp;
    len = dsgd_xch_request_put(m, sizeof m, &r);
    ck_assert_uint_gt(len, 0);
    /* the fingerprint follows the token, the page fields follow it */
    ck_assert_uint_eq(m[len - r.lang_len - 1 - r.host_len - 1 - r.origin_len - 1 -
                        r.accept_lang_len - 1 - r.ctype_len - 1 - sizeof fp - 1], sizeof fp);
    ck_assert_int_eq(dsgd_xch_request_get(m, len, &g), 0);
    ck_assert_uint_eq(g.token_len, 3);
    ck_assert_uint_eq(g.cert_fp_len, sizeof fp);
    ck_assert_int_eq(memcmp(g.cert_fp, fp, sizeof fp), 0);
    ck_assert_uint_eq(g.ctype_len, r.ctype_len);
    ck_assert_int_eq(memcmp(g.ctype, r.ctype, r.ctype_len), 0);
    ck_assert_int_eq(memcmp(g.accept_lang, r.accept_lang, r.accept_lang_len), 0);
    ck_assert_int_eq(memcmp(g.origin, r.origin, r.origin_len), 0);
    ck_assert_int_eq(memcmp(g.host, r.host, r.host_len), 0);
    ck_assert_uint_eq(g.lang_len, 2);
    ck_assert_int_eq(memcmp(g.lang, "ja", 2), 0);
    for (size_t cut = 0; cut < len; cut++)
        ck_assert_int_eq(dsgd_xch_request_get(m, cut, &g), -1);
    memset(longer, 'a', sizeof longer);
    r.origin = longer;
    r.origin_len = sizeof longer;
    ck_assert_uint_eq(dsgd_xch_request_put(m, sizeof m, &r), 0);
}
END_TEST

/* A page's head carries its cookie directive and Location; a download
 * may carry neither; a Location that is not a path on the portal ("//",
 * a scheme, a line break) is refused. @relation(REQ-SHARE-022, REQ-RUN-013) */
START_TEST(test_xch_stream_page_head)
{
    dsgd_xch_stream in = { .id = 9, .status = 303, .length = 0,
                           .type = "text/html; charset=utf-8", .type_len = 24, .page = 1,
                           .location = "/areas", .location_len = 6,
                           .lang = DSGD_XCH_LANG_EN }, out, bad;
    uint8_t m[512];
    size_t len;
    in.cookie.op = DSGD_XCH_COOKIE_SET;
    in.cookie.max_age = 600;
    in.cookie.token_len = 3;
    memcpy(in.cookie.token, "abc", 3);
    len = dsgd_xch_stream_put(m, sizeof m, &in);
    ck_assert_uint_gt(len, 0);
    ck_assert_int_eq(dsgd_xch_stream_get(m, len, &out), 0);
    ck_assert_uint_eq(out.page, 1);
    ck_assert_uint_eq(out.cookie.op, DSGD_XCH_COOKIE_SET);
    ck_assert_uint_eq(out.cookie.max_age, 600);
    ck_assert_int_eq(memcmp(out.cookie.token, "abc", 3), 0);
    ck_assert_uint_eq(out.location_len, 6);
    ck_assert_int_eq(memcmp(out.location, "/areas", 6), 0);
    ck_assert_uint_eq(out.lang, DSGD_XCH_LANG_EN);
    for (size_t cut = 0; cut < len; cut++)
        ck_assert_int_eq(dsgd_xch_stream_get(m, cut, &out), -1);
    bad = in;
    bad.page = 0;                                  /* a download with a cookie */
    ck_assert_uint_eq(dsgd_xch_stream_put(m, sizeof m, &bad), 0);
    bad.cookie.op = DSGD_XCH_COOKIE_NONE;          /* ... or a Location */
    ck_assert_uint_eq(dsgd_xch_stream_put(m, sizeof m, &bad), 0);
    bad.location_len = 0;                          /* ... or a language */
    ck_assert_uint_eq(dsgd_xch_stream_put(m, sizeof m, &bad), 0);
    static const char *const places[] = { "//evil.example/", "https://x/", "/a\r\nX: y", "a" };
    for (size_t i = 0; i < 4; i++) {
        bad = in;
        bad.location = places[i];
        bad.location_len = strlen(places[i]);
        ck_assert_uint_eq(dsgd_xch_stream_put(m, sizeof m, &bad), 0);
    }
    bad = in;
    bad.lang = 3;
    ck_assert_uint_eq(dsgd_xch_stream_put(m, sizeof m, &bad), 0);
    bad = in;
    bad.page = 2;
    ck_assert_uint_eq(dsgd_xch_stream_put(m, sizeof m, &bad), 0);
}
END_TEST

/* A download's head round-trips; every truncation, a trailing byte, a
 * header value with CR, LF or a byte past ASCII, an empty type and a
 * status without content are refused both ways.
 * @relation(REQ-RUN-013, REQ-SHARE-013) */
START_TEST(test_xch_stream_head)
{
    static const char disp[] = "attachment; filename=\"a.pdf\"";
    dsgd_xch_stream in = { .id = 7, .status = 200, .length = 123456789012ull,
                           .type = "application/pdf", .type_len = 15, .disposition = disp,
                           .disposition_len = sizeof disp - 1 }, out;
    uint8_t m[4096];
    size_t len = dsgd_xch_stream_put(m, sizeof m, &in);
    ck_assert_uint_gt(len, 0);
    ck_assert_int_eq(dsgd_xch_stream_get(m, len, &out), 0);
    ck_assert_uint_eq(out.id, 7);
    ck_assert_int_eq(out.status, 200);
    ck_assert_uint_eq(out.length, 123456789012ull);
    ck_assert_uint_eq(out.type_len, 15);
    ck_assert_int_eq(memcmp(out.type, "application/pdf", 15), 0);
    ck_assert_uint_eq(out.disposition_len, sizeof disp - 1);
    ck_assert_int_eq(memcmp(out.disposition, disp, sizeof disp - 1), 0);
    for (size_t cut = 0; cut < len; cut++)
        ck_assert_int_eq(dsgd_xch_stream_get(m, cut, &out), -1);
    m[len] = 0;
    ck_assert_int_eq(dsgd_xch_stream_get(m, len + 1, &out), -1);
    /* the disposition's last byte, before the page flag, cookie op,
     * location length and language */
    m[len - 5] = '\n';                            /* a line break in the disposition */
    ck_assert_int_eq(dsgd_xch_stream_get(m, len, &out), -1);
    m[len - 5] = (uint8_t)0xe3;                   /* a byte past ASCII */
    ck_assert_int_eq(dsgd_xch_stream_get(m, len, &out), -1);

    dsgd_xch_stream bad = in;
    bad.disposition = "attachment\r\nSet-Cookie: x=y";
    bad.disposition_len = strlen(bad.disposition);
    ck_assert_uint_eq(dsgd_xch_stream_put(m, sizeof m, &bad), 0);
    bad = in;
    bad.type_len = 0;
    ck_assert_uint_eq(dsgd_xch_stream_put(m, sizeof m, &bad), 0);
    bad = in;
    bad.status = 204;
    ck_assert_uint_eq(dsgd_xch_stream_put(m, sizeof m, &bad), 0);
    bad = in;
    bad.disposition = NULL;
    bad.disposition_len = 0;                      /* no disposition: allowed */
    ck_assert_uint_gt(dsgd_xch_stream_put(m, sizeof m, &bad), 0);
    ck_assert_uint_eq(dsgd_xch_stream_put(m, 10, &in), 0);   /* no room */
}
END_TEST

/* DATA carries 1 .. DSGD_XCH_DATA_MAX bytes; DONE an outcome of 0 or 1;
 * MORE a count of 1 .. DSGD_XCH_STREAM_WINDOW.
 * @relation(REQ-RUN-013, REQ-STOR-005) */
START_TEST(test_xch_data_done_more)
{
    static uint8_t m[DSGD_BUS_BODY_MAX + 8], big[DSGD_XCH_DATA_MAX + 1];
    const uint8_t *p;
    size_t len, n;
    uint32_t id;
    uint8_t role;
    unsigned k;
    int complete;
    len = dsgd_xch_data_put(m, sizeof m, 5, (const uint8_t *)"abc", 3);
    ck_assert_uint_eq(len, 7);
    ck_assert_int_eq(dsgd_xch_data_get(m, len, &id, &p, &n), 0);
    ck_assert_uint_eq(id, 5);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(memcmp(p, "abc", 3), 0);
    ck_assert_int_eq(dsgd_xch_data_get(m, 4, &id, &p, &n), -1);   /* no content */
    ck_assert_uint_eq(dsgd_xch_data_put(m, sizeof m, 5, big, 0), 0);
    ck_assert_uint_eq(dsgd_xch_data_put(m, sizeof m, 5, big, sizeof big), 0);
    len = dsgd_xch_data_put(m, sizeof m, 5, big, DSGD_XCH_DATA_MAX);
    ck_assert_uint_eq(len, DSGD_BUS_BODY_MAX);   /* the largest fits one bus message */

    for (int c = 0; c <= 1; c++) {
        len = dsgd_xch_done_put(m, sizeof m, 9, c);
        ck_assert_uint_eq(len, 5);
        ck_assert_int_eq(dsgd_xch_done_get(m, len, &id, &complete), 0);
        ck_assert_uint_eq(id, 9);
        ck_assert_int_eq(complete, c);
    }
    m[4] = 2;
    ck_assert_int_eq(dsgd_xch_done_get(m, 5, &id, &complete), -1);
    ck_assert_int_eq(dsgd_xch_done_get(m, 4, &id, &complete), -1);

    len = dsgd_xch_more_put(m, sizeof m, 6, 11, DSGD_XCH_STREAM_WINDOW);
    ck_assert_uint_eq(len, 6);
    ck_assert_int_eq(dsgd_xch_more_get(m, len, &role, &id, &k), 0);
    ck_assert_uint_eq(role, 6);
    ck_assert_uint_eq(id, 11);
    ck_assert_uint_eq(k, DSGD_XCH_STREAM_WINDOW);
    ck_assert_uint_eq(dsgd_xch_more_put(m, sizeof m, 6, 11, 0), 0);
    ck_assert_uint_eq(dsgd_xch_more_put(m, sizeof m, 6, 11, DSGD_XCH_STREAM_WINDOW + 1), 0);
    m[5] = 0;
    ck_assert_int_eq(dsgd_xch_more_get(m, 6, &role, &id, &k), -1);
    ck_assert_int_eq(dsgd_xch_more_get(m, 5, &role, &id, &k), -1);
}
END_TEST

/* A question about a session and its answer round-trip, the master's role
 * byte in front or not, the answer with whether the session's
 * authentication is fresh; a bad token or address, a status other than
 * the four, a 200 without a user, a refusal naming one or calling itself
 * fresh, and a freshness other than 0 or 1 are refused.
 * @relation(REQ-ACCT-014) */
/* @relation(REQ-MFA-015) */
START_TEST(test_xch_who)
{
    dsgd_xch_who_ask a = { 0, 42, "192.0.2.1", 9, (const uint8_t *)"tok_en-1", 8 }, ga;
    dsgd_xch_who_is w = { 6, 42, 200, "yamada", 6, "acme", 4, 1, 1 }, gw;
    uint8_t m[1024];
    size_t len = dsgd_xch_who_ask_put(m, sizeof m, &a, 0);
    ck_assert_uint_eq(len, 4 + 1 + 9 + 1 + 8);
    ck_assert_int_eq(dsgd_xch_who_ask_get(m, len, &ga, 0), 0);
    ck_assert_uint_eq(ga.qid, 42);
    ck_assert_int_eq(memcmp(ga.addr, "192.0.2.1", 9), 0);
    ck_assert_uint_eq(ga.token_len, 8);
    ck_assert_int_eq(dsgd_xch_who_ask_get(m, len, &ga, 1), -1);   /* no role byte */
    a.role = 6;
    len = dsgd_xch_who_ask_put(m, sizeof m, &a, 1);
    ck_assert_int_eq(dsgd_xch_who_ask_get(m, len, &ga, 1), 0);
    ck_assert_uint_eq(ga.role, 6);
    for (size_t cut = 0; cut < len; cut++)
        ck_assert_int_eq(dsgd_xch_who_ask_get(m, cut, &ga, 1), -1);
    a.token = (const uint8_t *)"a/b";
    a.token_len = 3;
    ck_assert_uint_eq(dsgd_xch_who_ask_put(m, sizeof m, &a, 0), 0);
    a.token_len = 0;
    ck_assert_uint_eq(dsgd_xch_who_ask_put(m, sizeof m, &a, 0), 0);
    a.token = (const uint8_t *)"abc";
    a.token_len = 3;
    a.addr_len = 0;
    ck_assert_uint_eq(dsgd_xch_who_ask_put(m, sizeof m, &a, 0), 0);

    len = dsgd_xch_who_is_put(m, sizeof m, &w);
    ck_assert_uint_gt(len, 0);
    ck_assert_int_eq(dsgd_xch_who_is_get(m, len, &gw), 0);
    ck_assert_uint_eq(gw.role, 6);
    ck_assert_uint_eq(gw.qid, 42);
    ck_assert_int_eq(gw.status, 200);
    ck_assert_int_eq(memcmp(gw.user, "yamada", 6), 0);
    ck_assert_int_eq(memcmp(gw.org, "acme", 4), 0);
    ck_assert_uint_eq(gw.type, 1);
    ck_assert_uint_eq(gw.fresh, 1);
    ck_assert_uint_eq(len, 1 + 4 + 2 + 1 + 6 + 1 + 4 + 1 + 1);
    ck_assert_uint_eq(m[len - 1], 1);                 /* fresh, the last byte */
    m[len - 1] = 2;                                   /* neither fresh nor stale */
    ck_assert_int_eq(dsgd_xch_who_is_get(m, len, &gw), -1);
    for (size_t cut = 0; cut < len; cut++)
        ck_assert_int_eq(dsgd_xch_who_is_get(m, cut, &gw), -1);
    w.fresh = 0;
    len = dsgd_xch_who_is_put(m, sizeof m, &w);
    ck_assert_int_eq(dsgd_xch_who_is_get(m, len, &gw), 0);
    ck_assert_uint_eq(gw.fresh, 0);
    w.fresh = 2;
    ck_assert_uint_eq(dsgd_xch_who_is_put(m, sizeof m, &w), 0);
    w.fresh = 1;
    dsgd_xch_who_is no = { 6, 42, 401, NULL, 0, NULL, 0, 0, 0 };
    len = dsgd_xch_who_is_put(m, sizeof m, &no);
    ck_assert_int_eq(dsgd_xch_who_is_get(m, len, &gw), 0);
    ck_assert_int_eq(gw.status, 401);
    ck_assert_uint_eq(gw.fresh, 0);
    no.fresh = 1;                                     /* a refusal calling itself fresh */
    ck_assert_uint_eq(dsgd_xch_who_is_put(m, sizeof m, &no), 0);
    m[len - 1] = 1;
    ck_assert_int_eq(dsgd_xch_who_is_get(m, len, &gw), -1);
    no.fresh = 0;
    no.user = "x";
    no.user_len = 1;                                  /* a refusal naming a user */
    ck_assert_uint_eq(dsgd_xch_who_is_put(m, sizeof m, &no), 0);
    dsgd_xch_who_is bad = w;
    bad.user_len = 0;                                 /* 200 without a user */
    ck_assert_uint_eq(dsgd_xch_who_is_put(m, sizeof m, &bad), 0);
    bad = w;
    bad.status = 500;
    ck_assert_uint_eq(dsgd_xch_who_is_put(m, sizeof m, &bad), 0);
}
END_TEST

/* Whose sessions a rights reduction ends: an account or an organisation
 * by name; another kind, no name or a NUL in it is refused both ways.
 * @relation(REQ-ACCT-010) */
START_TEST(test_xch_sessions_end)
{
    uint8_t m[300];
    const char *name;
    size_t len, n;
    uint8_t kind;
    len = dsgd_xch_sessions_end_put(m, sizeof m, 2, "テスト重工", strlen("テスト重工"));
    ck_assert_uint_eq(len, 1 + strlen("テスト重工"));
    ck_assert_int_eq(dsgd_xch_sessions_end_get(m, len, &kind, &name, &n), 0);
    ck_assert_uint_eq(kind, 2);
    ck_assert_uint_eq(n, strlen("テスト重工"));
    ck_assert_int_eq(memcmp(name, "テスト重工", n), 0);
    ck_assert_int_eq(dsgd_xch_sessions_end_get(m, 1, &kind, &name, &n), -1);
    m[0] = 3;
    ck_assert_int_eq(dsgd_xch_sessions_end_get(m, len, &kind, &name, &n), -1);
    ck_assert_uint_eq(dsgd_xch_sessions_end_put(m, sizeof m, 0, "a", 1), 0);
    ck_assert_uint_eq(dsgd_xch_sessions_end_put(m, sizeof m, 1, "", 0), 0);
    ck_assert_uint_eq(dsgd_xch_sessions_end_put(m, sizeof m, 1, "a\0b", 3), 0);
    ck_assert_uint_gt(dsgd_xch_sessions_end_put(m, sizeof m, 1, "sato", 4), 0);
}
END_TEST

Suite *suite_exchange(void)
{
    Suite *s = suite_create("exchange");
    TCase *t = tcase_create("exchange");
    tcase_add_test(t, test_xch_routes_round_trip);
    tcase_add_test(t, test_xch_routes_refuse_malformed);
    tcase_add_test(t, test_xch_request_round_trip_and_refusals);
    tcase_add_test(t, test_xch_body_and_end);
    tcase_add_test(t, test_xch_answer_round_trip_and_refusals);
    tcase_add_test(t, test_xch_request_carries_token);
    tcase_add_test(t, test_xch_request_carries_certificate);
    tcase_add_test(t, test_xch_request_refuses_bad_token);
    tcase_add_test(t, test_xch_answer_cookie_round_trip);
    tcase_add_test(t, test_xch_answer_refuses_bad_cookie);
    tcase_add_test(t, test_xch_stream_head);
    tcase_add_test(t, test_xch_page_routes);
    tcase_add_test(t, test_xch_request_page_fields);
    tcase_add_test(t, test_xch_stream_page_head);
    tcase_add_test(t, test_xch_data_done_more);
    tcase_add_test(t, test_xch_who);
    tcase_add_test(t, test_xch_sessions_end);
    tcase_add_test(t, test_xch_history_ask);
    suite_add_tcase(s, t);
    return s;
}
