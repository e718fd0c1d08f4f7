/*
 * Unit tests of the HTTP exchange messages (src/run/exchange.h):
 * REQ-RUN-017 (routes, answers), REQ-RUN-013 (request heads, body pieces,
 * ends). Every message round-trips, and every truncation, extension or bad
 * field is refused.
 */
#include <check.h>
#include <string.h>

#include "core/http_req.h"
#include "run/exchange.h"

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
        route("/api/v2/x", 1, 0, 0), route("/api/v1/", 1, 0, 0), route("/x", 1, 0, 0),
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
                           (const uint8_t *)"a=1&b", 5, "192.0.2.1", 9 }, g;
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
    size_t len = dsgd_xch_answer_put(m, sizeof m, 42, 201, (const uint8_t *)"{}", 2), jl;
    ck_assert_uint_eq(len, 8);
    ck_assert_int_eq(dsgd_xch_answer_get(m, len, &id, &status, &json, &jl), 0);
    ck_assert_uint_eq(id, 42);
    ck_assert_int_eq(status, 201);
    ck_assert_uint_eq(jl, 2);
    ck_assert_uint_eq(dsgd_xch_answer_put(m, sizeof m, 1, 199, NULL, 0), 0);
    ck_assert_uint_eq(dsgd_xch_answer_put(m, sizeof m, 1, 600, NULL, 0), 0);
    ck_assert_uint_eq(dsgd_xch_answer_put(m, sizeof m, 1, 204, NULL, 0), 0);   /* no content */
    ck_assert_uint_eq(dsgd_xch_answer_put(m, sizeof m, 1, 304, NULL, 0), 0);
    ck_assert_uint_eq(dsgd_xch_answer_put(m, sizeof m, 1, 200, big, sizeof big), 0);
    ck_assert_int_eq(dsgd_xch_answer_get(m, 5, &id, &status, &json, &jl), -1);
    m[4] = 0x02;
    m[5] = 0x58;                                   /* 600 */
    ck_assert_int_eq(dsgd_xch_answer_get(m, len, &id, &status, &json, &jl), -1);
    m[4] = 0;
    m[5] = 204;
    ck_assert_int_eq(dsgd_xch_answer_get(m, len, &id, &status, &json, &jl), -1);
    m[5] = 200;
    ck_assert_int_eq(dsgd_xch_answer_get(m, 6 + DSGD_XCH_ANSWER_MAX + 1, &id, &status, &json,
                                         &jl), -1);
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
    suite_add_tcase(s, t);
    return s;
}
