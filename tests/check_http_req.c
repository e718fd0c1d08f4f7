/*
 * Unit tests of the HTTP/1.1 request head parser (src/core/http_req.h):
 * REQ-RUN-029.
 *
 * Bad input first: a corpus of malformed heads, one or more per error code
 * (request smuggling pairs, obsolete folding, bare CR/LF, Host rules, bad
 * versions and the HTTP/2 preface, NUL and control bytes, limits), then
 * path traversal in every encoding. Then well-formed heads: fields, framing,
 * keep-alive, pipelining, and every strict prefix of a good head being
 * NEED_MORE.
 *
 * Every call goes through parse(), which checks the contract on each call:
 * on OK 0 < eaten <= len and every slice inside the head; otherwise eaten
 * untouched and field_count 0.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/http_req.h"

Suite *suite_http_req(void);

static const dsg_http_limits LIM = { 8192u, 100u, 2048u };
static dsg_http_request req;

#define SENTINEL ((size_t)0xdeadbeef)

static void slice_inside(dsg_http_slice s, size_t eaten)
{
    ck_assert_uint_le((uint64_t)s.off + s.len, eaten);
}

static dsg_http_status parse_lim(const char *text, size_t len, const dsg_http_limits *lim,
                                 size_t *eaten)
{
    *eaten = SENTINEL;
    memset(&req, 0xA5, sizeof req);
    dsg_http_status st = dsg_http_parse_head((const uint8_t *)text, len, lim, &req, eaten);
    ck_assert_int_ge(st, DSG_HTTP_OK);
    ck_assert_int_le(st, DSG_HTTP_ERR_BAD_CONTENT_LENGTH);
    if (st != DSG_HTTP_OK) {
        ck_assert_uint_eq(*eaten, SENTINEL);
        ck_assert_uint_eq(req.field_count, 0);
        if (st == DSG_HTTP_NEED_MORE)
            ck_assert_uint_lt(len, lim->head_bytes_max);
        return st;
    }
    ck_assert_uint_gt(*eaten, 0);
    ck_assert_uint_le(*eaten, len);
    ck_assert_uint_le(*eaten, lim->head_bytes_max);
    ck_assert(memcmp(text + *eaten - 4, "\r\n\r\n", 4) == 0);
    slice_inside(req.method, *eaten);
    slice_inside(req.target, *eaten);
    slice_inside(req.host, *eaten);
    ck_assert_uint_le(req.field_count, lim->headers_max);
    for (uint32_t i = 0; i < req.field_count; i++) {
        slice_inside(req.fields[i].name, *eaten);
        slice_inside(req.fields[i].value, *eaten);
    }
    return st;
}

static dsg_http_status parse(const char *text, size_t *eaten)
{
    return parse_lim(text, strlen(text), &LIM, eaten);
}

static void expect(const char *text, size_t len, dsg_http_status want, int line)
{
    size_t eaten;
    dsg_http_status st = parse_lim(text, len, &LIM, &eaten);
    ck_assert_msg(st == want, "line %d: got %s, want %s", line, dsg_http_status_token(st),
                  dsg_http_status_token(want));
}

#define BAD(text, err) expect(text, strlen(text), err, __LINE__)
#define BADN(text, err) expect(text, sizeof(text) - 1, err, __LINE__)
#define GET11 "GET / HTTP/1.1\r\nHost: a\r\n"

static int slice_is(dsg_http_slice s, const char *text, const char *want)
{
    return s.len == strlen(want) && memcmp(text + s.off, want, s.len) == 0;
}

/* ---- bad input: lines ------------------------------------------------------- */

/* @relation(REQ-RUN-029) */
START_TEST(test_req_bare_cr_lf_refused)
{
    BAD("GET / HTTP/1.1\nHost: a\r\n\r\n", DSG_HTTP_ERR_BAD_LINE_ENDING);
    BAD("GET / HTTP/1.1\r\nHost: a\n\r\n", DSG_HTTP_ERR_BAD_LINE_ENDING);
    BAD(GET11 "\n\n", DSG_HTTP_ERR_BAD_LINE_ENDING);
    BAD(GET11 "X: a\nY: b\r\n\r\n", DSG_HTTP_ERR_BAD_LINE_ENDING);
    BAD("GET / HTTP/1.1\rHost: a\r\n\r\n", DSG_HTTP_ERR_BAD_LINE_ENDING);
    BAD(GET11 "X: a\rb\r\n\r\n", DSG_HTTP_ERR_BAD_LINE_ENDING);
    BAD(GET11 "\r\r\n", DSG_HTTP_ERR_BAD_LINE_ENDING);
    BAD("\n", DSG_HTTP_ERR_BAD_LINE_ENDING);
}
END_TEST

/* @relation(REQ-RUN-029) */
START_TEST(test_req_obs_fold_refused)
{
    BAD(GET11 "X: a\r\n b\r\n\r\n", DSG_HTTP_ERR_OBS_FOLD);
    BAD(GET11 "X: a\r\n\tb\r\n\r\n", DSG_HTTP_ERR_OBS_FOLD);
    BAD("GET / HTTP/1.1\r\n Host: a\r\n\r\n", DSG_HTTP_ERR_OBS_FOLD);
    /* the smuggling form: a folded Transfer-Encoding */
    BAD(GET11 "Transfer-Encoding:\r\n chunked\r\n\r\n", DSG_HTTP_ERR_OBS_FOLD);
    BAD(GET11 " Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
        DSG_HTTP_ERR_OBS_FOLD);
    /* even before the head is complete */
    BAD(GET11 "X: a\r\n b", DSG_HTTP_ERR_OBS_FOLD);
}
END_TEST

/* @relation(REQ-RUN-029) */
START_TEST(test_req_head_limits)
{
    dsg_http_limits small = { 40u, 2u, 8u };
    size_t eaten;
    /* incomplete: NEED_MORE under the limit, HEAD_TOO_LARGE at it */
    const char *part = "GET / HTTP/1.1\r\nHost: a\r\nX-Long: aaaaaaaaaa"; /* 43 bytes, no end */
    ck_assert_int_eq(parse_lim(part, 39, &small, &eaten), DSG_HTTP_NEED_MORE);
    ck_assert_int_eq(parse_lim(part, 40, &small, &eaten), DSG_HTTP_ERR_HEAD_TOO_LARGE);
    /* complete but one byte over */
    const char *h = "GET / HTTP/1.1\r\nHost: abcdefghijklmno\r\n\r\n"; /* 41 bytes */
    ck_assert_uint_eq(strlen(h), 41);
    ck_assert_int_eq(parse_lim(h, 41, &small, &eaten), DSG_HTTP_ERR_HEAD_TOO_LARGE);
    const char *h40 = "GET / HTTP/1.1\r\nHost: abcdefghijklmn\r\n\r\n"; /* exactly 40 */
    ck_assert_int_eq(parse_lim(h40, 40, &small, &eaten), DSG_HTTP_OK);
    ck_assert_uint_eq(eaten, 40);
    /* the CR of the last line at the limit: the LF would pass it */
    ck_assert_int_eq(parse_lim(h, 40, &small, &eaten), DSG_HTTP_ERR_HEAD_TOO_LARGE);
    /* too many fields: 2 allowed */
    const char *three = "GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\n\r\n";
    dsg_http_limits roomy = { 8192u, 2u, 8u };
    ck_assert_int_eq(parse_lim(three, strlen(three), &roomy, &eaten),
                     DSG_HTTP_ERR_TOO_MANY_HEADERS);
    roomy.headers_max = 3;
    ck_assert_int_eq(parse_lim(three, strlen(three), &roomy, &eaten), DSG_HTTP_OK);
    /* headers_max above the array is capped at DSG_HTTP_FIELDS_MAX */
    static char many[8192];
    size_t n = (size_t)snprintf(many, sizeof many, "GET / HTTP/1.1\r\nHost: a\r\n");
    for (unsigned i = 0; i < DSG_HTTP_FIELDS_MAX; i++)
        n += (size_t)snprintf(many + n, sizeof many - n, "X%u: v\r\n", i);
    n += (size_t)snprintf(many + n, sizeof many - n, "\r\n");
    dsg_http_limits big = { 8192u, 1000u, 8u };
    ck_assert_int_eq(parse_lim(many, n, &big, &eaten), DSG_HTTP_ERR_TOO_MANY_HEADERS);
    /* a long target: 8 allowed */
    const char *t8 = "GET /1234567 HTTP/1.1\r\nHost: a\r\n\r\n";
    const char *t9 = "GET /12345678 HTTP/1.1\r\nHost: a\r\n\r\n";
    ck_assert_int_eq(parse_lim(t8, strlen(t8), &roomy, &eaten), DSG_HTTP_OK);
    ck_assert_int_eq(parse_lim(t9, strlen(t9), &roomy, &eaten), DSG_HTTP_ERR_TARGET_TOO_LONG);
    /* a zero head limit refuses everything */
    dsg_http_limits zero = { 0u, 100u, 100u };
    ck_assert_int_eq(parse_lim("", 0, &zero, &eaten), DSG_HTTP_ERR_HEAD_TOO_LARGE);
}
END_TEST

/* ---- bad input: request line ----------------------------------------------- */

/* @relation(REQ-RUN-029) */
START_TEST(test_req_bad_method_refused)
{
    BAD("get / HTTP/1.1\r\nHost: a\r\n\r\n", DSG_HTTP_ERR_BAD_METHOD);
    BAD("CONNECT a:443 HTTP/1.1\r\nHost: a\r\n\r\n", DSG_HTTP_ERR_BAD_METHOD);
    BAD("TRACE / HTTP/1.1\r\nHost: a\r\n\r\n", DSG_HTTP_ERR_BAD_METHOD);
    BAD("GETS / HTTP/1.1\r\nHost: a\r\n\r\n", DSG_HTTP_ERR_BAD_METHOD);
    BAD("ABCDEFGHIJKLMNOPQ / HTTP/1.1\r\nHost: a\r\n\r\n", DSG_HTTP_ERR_BAD_METHOD);
    BAD("\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", DSG_HTTP_ERR_BAD_METHOD);
    BAD("GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", DSG_HTTP_ERR_BAD_METHOD);
    BAD("G-T / HTTP/1.1\r\nHost: a\r\n\r\n", DSG_HTTP_ERR_BAD_METHOD);
    BAD("GET\r\n\r\n", DSG_HTTP_ERR_BAD_METHOD);
    BAD(" GET / HTTP/1.1\r\nHost: a\r\n\r\n", DSG_HTTP_ERR_BAD_METHOD);
}
END_TEST

/* @relation(REQ-RUN-029) */
START_TEST(test_req_bad_target_refused)
{
    BAD("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", DSG_HTTP_ERR_BAD_TARGET);
    BAD("GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n", DSG_HTTP_ERR_BAD_TARGET);
    BAD("GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n", DSG_HTTP_ERR_BAD_TARGET);
    BAD("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", DSG_HTTP_ERR_BAD_TARGET);
    BAD("GET /a\x7f HTTP/1.1\r\nHost: a\r\n\r\n", DSG_HTTP_ERR_BAD_TARGET);
    BAD("GET /a\x80 HTTP/1.1\r\nHost: a\r\n\r\n", DSG_HTTP_ERR_BAD_TARGET);
    BAD("GET /a\tb HTTP/1.1\r\nHost: a\r\n\r\n", DSG_HTTP_ERR_BAD_TARGET);
    BADN("GET /a\0 HTTP/1.1\r\nHost: a\r\n\r\n", DSG_HTTP_ERR_BAD_TARGET);
    BAD("GET \r\n\r\n", DSG_HTTP_ERR_BAD_TARGET);
}
END_TEST

/* @relation(REQ-RUN-029) */
START_TEST(test_req_bad_version_refused)
{
    BAD("GET / HTTP/1.2\r\nHost: a\r\n\r\n", DSG_HTTP_ERR_BAD_VERSION);
    BAD("GET / HTTP/2.0\r\nHost: a\r\n\r\n", DSG_HTTP_ERR_BAD_VERSION);
    BAD("GET / HTTP/0.9\r\nHost: a\r\n\r\n", DSG_HTTP_ERR_BAD_VERSION);
    BAD("GET / http/1.1\r\nHost: a\r\n\r\n", DSG_HTTP_ERR_BAD_VERSION);
    BAD("GET / HTTP/1.1 \r\nHost: a\r\n\r\n", DSG_HTTP_ERR_BAD_VERSION);
    BAD("GET / HTTP/1.10\r\nHost: a\r\n\r\n", DSG_HTTP_ERR_BAD_VERSION);
    BAD("GET / HTTP/1\r\nHost: a\r\n\r\n", DSG_HTTP_ERR_BAD_VERSION);
    BAD("GET /\r\n\r\n", DSG_HTTP_ERR_BAD_VERSION);
    BAD("GET / \r\n\r\n", DSG_HTTP_ERR_BAD_VERSION);
    /* the HTTP/2 connection preface */
    BAD("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", DSG_HTTP_ERR_BAD_VERSION);
}
END_TEST

/* ---- bad input: field lines --------------------------------------------------- */

/* @relation(REQ-RUN-029) */
START_TEST(test_req_bad_field_refused)
{
    BAD("GET / HTTP/1.1\r\nHost : a\r\n\r\n", DSG_HTTP_ERR_BAD_HEADER);
    BAD("GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", DSG_HTTP_ERR_BAD_HEADER);
    BAD(GET11 "Transfer-Encoding : chunked\r\n\r\n", DSG_HTTP_ERR_BAD_HEADER);
    BAD(GET11 ": a\r\n\r\n", DSG_HTTP_ERR_BAD_HEADER);
    BAD(GET11 "NoColon\r\n\r\n", DSG_HTTP_ERR_BAD_HEADER);
    BAD(GET11 "X(y): a\r\n\r\n", DSG_HTTP_ERR_BAD_HEADER);
    BADN(GET11 "X: a\0b\r\n\r\n", DSG_HTTP_ERR_BAD_HEADER);
    BADN(GET11 "X\0: ab\r\n\r\n", DSG_HTTP_ERR_BAD_HEADER);
    BAD(GET11 "X: a\x01" "b\r\n\r\n", DSG_HTTP_ERR_BAD_HEADER);
    BAD(GET11 "X: a\x7f\r\n\r\n", DSG_HTTP_ERR_BAD_HEADER);
    BAD(GET11 "X: a\x1b[0m\r\n\r\n", DSG_HTTP_ERR_BAD_HEADER);
}
END_TEST

/* @relation(REQ-RUN-029) */
START_TEST(test_req_host_rules)
{
    BAD("GET / HTTP/1.1\r\n\r\n", DSG_HTTP_ERR_MISSING_HOST);
    BAD("GET / HTTP/1.1\r\nX: a\r\n\r\n", DSG_HTTP_ERR_MISSING_HOST);
    BAD("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", DSG_HTTP_ERR_DUPLICATE_HOST);
    BAD("GET / HTTP/1.1\r\nHost: a\r\nhOsT: b\r\n\r\n", DSG_HTTP_ERR_DUPLICATE_HOST);
    BAD("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", DSG_HTTP_ERR_DUPLICATE_HOST);
    size_t eaten;
    ck_assert_int_eq(parse("GET / HTTP/1.0\r\n\r\n", &eaten), DSG_HTTP_OK);
    ck_assert_int_eq(req.has_host, 0);
}
END_TEST

/* ---- bad input: framing (request smuggling) ----------------------------------- */

/* @relation(REQ-RUN-029) */
START_TEST(test_req_smuggling_refused)
{
    BAD(GET11 "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
        DSG_HTTP_ERR_AMBIGUOUS_FRAMING);
    BAD(GET11 "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
        DSG_HTTP_ERR_AMBIGUOUS_FRAMING);
    BAD(GET11 "transfer-encoding: chunked\r\ncontent-length: 0\r\n\r\n",
        DSG_HTTP_ERR_AMBIGUOUS_FRAMING);
    BAD(GET11 "Content-Length: 5\r\nContent-Length: 6\r\n\r\n",
        DSG_HTTP_ERR_AMBIGUOUS_FRAMING);
    BAD(GET11 "Content-Length: 5, 6\r\n\r\n", DSG_HTTP_ERR_AMBIGUOUS_FRAMING);
    BAD(GET11 "Content-Length: 5,5\r\nContent-Length: 6\r\n\r\n",
        DSG_HTTP_ERR_AMBIGUOUS_FRAMING);
    BAD(GET11 "Transfer-Encoding: chunked, identity\r\n\r\n",
        DSG_HTTP_ERR_BAD_TRANSFER_ENCODING);
    BAD(GET11 "Transfer-Encoding: identity\r\n\r\n", DSG_HTTP_ERR_BAD_TRANSFER_ENCODING);
    BAD(GET11 "Transfer-Encoding: gzip, chunked\r\n\r\n", DSG_HTTP_ERR_BAD_TRANSFER_ENCODING);
    BAD(GET11 "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
        DSG_HTTP_ERR_BAD_TRANSFER_ENCODING);
    BAD(GET11 "Transfer-Encoding: chunked;q=1\r\n\r\n", DSG_HTTP_ERR_BAD_TRANSFER_ENCODING);
    BAD(GET11 "Transfer-Encoding: xchunked\r\n\r\n", DSG_HTTP_ERR_BAD_TRANSFER_ENCODING);
    BAD(GET11 "Transfer-Encoding: \"chunked\"\r\n\r\n", DSG_HTTP_ERR_BAD_TRANSFER_ENCODING);
    BAD(GET11 "Transfer-Encoding:\r\n\r\n", DSG_HTTP_ERR_BAD_TRANSFER_ENCODING);
    BAD("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
        DSG_HTTP_ERR_BAD_TRANSFER_ENCODING);
    BAD("POST / HTTP/1.0\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
        DSG_HTTP_ERR_BAD_TRANSFER_ENCODING);
}
END_TEST

/* @relation(REQ-RUN-029) */
START_TEST(test_req_bad_content_length_refused)
{
    BAD(GET11 "Content-Length: +5\r\n\r\n", DSG_HTTP_ERR_BAD_CONTENT_LENGTH);
    BAD(GET11 "Content-Length: -1\r\n\r\n", DSG_HTTP_ERR_BAD_CONTENT_LENGTH);
    BAD(GET11 "Content-Length: 5 5\r\n\r\n", DSG_HTTP_ERR_BAD_CONTENT_LENGTH);
    BAD(GET11 "Content-Length: 0x5\r\n\r\n", DSG_HTTP_ERR_BAD_CONTENT_LENGTH);
    BAD(GET11 "Content-Length:\r\n\r\n", DSG_HTTP_ERR_BAD_CONTENT_LENGTH);
    BAD(GET11 "Content-Length: 5,\r\n\r\n", DSG_HTTP_ERR_BAD_CONTENT_LENGTH);
    BAD(GET11 "Content-Length: 5,,5\r\n\r\n", DSG_HTTP_ERR_BAD_CONTENT_LENGTH);
    BAD(GET11 "Content-Length: 5a\r\n\r\n", DSG_HTTP_ERR_BAD_CONTENT_LENGTH);
    /* a malformed member is malformed even when it also differs (fuzz find) */
    BAD(GET11 "Content-Length: 4, 5x\r\n\r\n", DSG_HTTP_ERR_BAD_CONTENT_LENGTH);
    BAD(GET11 "Content-Length: 4, 5 x\r\n\r\n", DSG_HTTP_ERR_BAD_CONTENT_LENGTH);
    BAD(GET11 "Content-Length: 9223372036854775808\r\n\r\n", DSG_HTTP_ERR_BAD_CONTENT_LENGTH);
    BAD(GET11 "Content-Length: 99999999999999999999\r\n\r\n", DSG_HTTP_ERR_BAD_CONTENT_LENGTH);
    size_t eaten;
    ck_assert_int_eq(parse(GET11 "Content-Length: 9223372036854775807\r\n\r\n", &eaten),
                     DSG_HTTP_OK);
    ck_assert_uint_eq(req.content_length, 9223372036854775807ull);
}
END_TEST

/* ---- bad input: the target's path ------------------------------------------------ */

static dsg_http_path_status path(const char *t, size_t cap, size_t *n, uint8_t *out)
{
    *n = SENTINEL;
    dsg_http_path_status st = dsg_http_path_decode((const uint8_t *)t, strlen(t), out, cap, n);
    if (st != DSG_HTTP_PATH_OK) {
        ck_assert_uint_eq(*n, SENTINEL);
        return st;
    }
    ck_assert_uint_le(*n, strlen(t));
    ck_assert_uint_le(*n, cap);
    ck_assert_uint_ge(*n, 1);
    ck_assert_int_eq(out[0], '/');
    for (size_t i = 0; i < *n; i++)
        ck_assert_int_ne(out[i], 0);
    return st;
}

static void bad_path(const char *t, dsg_http_path_status want, int line)
{
    uint8_t out[256];
    size_t n;
    dsg_http_path_status st = path(t, sizeof out, &n, out);
    ck_assert_msg(st == want, "line %d: %s: got %s, want %s", line, t,
                  dsg_http_path_status_token(st), dsg_http_path_status_token(want));
}

#define BADPATH(t, err) bad_path(t, err, __LINE__)

/* @relation(REQ-RUN-029) */
START_TEST(test_path_traversal_refused)
{
    BADPATH("/../etc/passwd", DSG_HTTP_PATH_TRAVERSAL);
    BADPATH("/%2e%2e/etc", DSG_HTTP_PATH_TRAVERSAL);
    BADPATH("/%2E./etc", DSG_HTTP_PATH_TRAVERSAL);
    BADPATH("/.%2e/etc", DSG_HTTP_PATH_TRAVERSAL);
    BADPATH("/%2E%2E", DSG_HTTP_PATH_TRAVERSAL);
    BADPATH("/a/..", DSG_HTTP_PATH_TRAVERSAL);
    BADPATH("/a/../b", DSG_HTTP_PATH_TRAVERSAL);
    BADPATH("/a/./b", DSG_HTTP_PATH_TRAVERSAL);
    BADPATH("/.", DSG_HTTP_PATH_TRAVERSAL);
    BADPATH("/a/.?x=1", DSG_HTTP_PATH_TRAVERSAL);
    BADPATH("/a/%2e", DSG_HTTP_PATH_TRAVERSAL);
    BADPATH("/a/..%2fb", DSG_HTTP_PATH_ENCODED_SEPARATOR);
    BADPATH("/a/..%2Fb", DSG_HTTP_PATH_ENCODED_SEPARATOR);
    BADPATH("/a%2fb", DSG_HTTP_PATH_ENCODED_SEPARATOR);
    BADPATH("/a%5cb", DSG_HTTP_PATH_ENCODED_SEPARATOR);
    BADPATH("/a%5C..%5Cb", DSG_HTTP_PATH_ENCODED_SEPARATOR);
    BADPATH("/a\\..\\b", DSG_HTTP_PATH_ENCODED_SEPARATOR);
    BADPATH("/a%00b", DSG_HTTP_PATH_NUL);
    BADPATH("//etc", DSG_HTTP_PATH_EMPTY_SEGMENT);
    BADPATH("/a//b", DSG_HTTP_PATH_EMPTY_SEGMENT);
    BADPATH("/a/%2e%2e%2f", DSG_HTTP_PATH_ENCODED_SEPARATOR);
    /* "..." and ".a" are names, not traversal */
    uint8_t out[64];
    size_t n;
    ck_assert_int_eq(path("/.../.a/a./..b", sizeof out, &n, out), DSG_HTTP_PATH_OK);
}
END_TEST

/* @relation(REQ-RUN-029) */
START_TEST(test_path_bad_bytes_refused)
{
    BADPATH("", DSG_HTTP_PATH_BAD_TARGET);
    BADPATH("a/b", DSG_HTTP_PATH_BAD_TARGET);
    BADPATH("?a", DSG_HTTP_PATH_BAD_TARGET);
    BADPATH("/a b", DSG_HTTP_PATH_BAD_TARGET);
    BADPATH("/a#b", DSG_HTTP_PATH_BAD_TARGET);
    BADPATH("/a%", DSG_HTTP_PATH_BAD_ESCAPE);
    BADPATH("/a%2", DSG_HTTP_PATH_BAD_ESCAPE);
    BADPATH("/a%zz", DSG_HTTP_PATH_BAD_ESCAPE);
    BADPATH("/a%+1", DSG_HTTP_PATH_BAD_ESCAPE);
    BADPATH("/a%01", DSG_HTTP_PATH_CONTROL);
    BADPATH("/a%0a", DSG_HTTP_PATH_CONTROL);
    BADPATH("/a%7f", DSG_HTTP_PATH_CONTROL);
    BADPATH("/a%c3%28", DSG_HTTP_PATH_BAD_UTF8);
    BADPATH("/a%c0%af", DSG_HTTP_PATH_BAD_UTF8);       /* overlong "/" */
    BADPATH("/a%ed%a0%80", DSG_HTTP_PATH_BAD_UTF8);    /* surrogate */
    BADPATH("/a%ff", DSG_HTTP_PATH_BAD_UTF8);
    uint8_t out[4];
    size_t n;
    ck_assert_int_eq(path("/abcd", sizeof out, &n, out), DSG_HTTP_PATH_TOO_LONG);
    ck_assert_int_eq(path("/abc", sizeof out, &n, out), DSG_HTTP_PATH_OK);
    ck_assert_int_eq(path("/ab", 0, &n, out), DSG_HTTP_PATH_TOO_LONG);
}
END_TEST

/* ---- well-formed heads ---------------------------------------------------------- */

/* @relation(REQ-RUN-029) */
START_TEST(test_req_simple_get)
{
    const char *t = "GET /a/b?x=1 HTTP/1.1\r\nHost: example.test\r\n"
                    "User-Agent:  curl/8 \t\r\nX-Empty:\r\nAccept: */*\r\n\r\n";
    size_t eaten;
    ck_assert_int_eq(parse(t, &eaten), DSG_HTTP_OK);
    ck_assert_uint_eq(eaten, strlen(t));
    ck_assert(slice_is(req.method, t, "GET"));
    ck_assert_int_eq(req.method_id, DSG_HTTP_GET);
    ck_assert(slice_is(req.target, t, "/a/b?x=1"));
    ck_assert_int_eq(req.version_minor, 1);
    ck_assert_int_eq(req.has_host, 1);
    ck_assert(slice_is(req.host, t, "example.test"));
    ck_assert_uint_eq(req.field_count, 4);
    ck_assert(slice_is(req.fields[1].name, t, "User-Agent"));
    ck_assert(slice_is(req.fields[1].value, t, "curl/8"));
    ck_assert(slice_is(req.fields[2].name, t, "X-Empty"));
    ck_assert_uint_eq(req.fields[2].value.len, 0);
    ck_assert(slice_is(req.fields[3].value, t, "*/*"));
    ck_assert_int_eq(req.framing, DSG_HTTP_FRAMING_NONE);
    ck_assert_int_eq(req.keep_alive, 1);
}
END_TEST

/* @relation(REQ-RUN-029) */
START_TEST(test_req_methods_and_versions)
{
    static const char *m[] = { "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH" };
    char buf[128];
    size_t eaten;
    for (unsigned i = 0; i < 7; i++) {
        snprintf(buf, sizeof buf, "%s /x HTTP/1.0\r\n\r\n", m[i]);
        ck_assert_int_eq(parse(buf, &eaten), DSG_HTTP_OK);
        ck_assert_int_eq(req.method_id, (int)i);
        ck_assert_int_eq(req.version_minor, 0);
        ck_assert(slice_is(req.method, buf, m[i]));
    }
    /* obs-text in a value is allowed, as is HTAB inside it */
    ck_assert_int_eq(parse(GET11 "X: caf\xc3\xa9\ta b\r\n\r\n", &eaten), DSG_HTTP_OK);
    ck_assert(slice_is(req.fields[1].value, GET11 "X: caf\xc3\xa9\ta b\r\n\r\n",
                       "caf\xc3\xa9\ta b"));
}
END_TEST

/* @relation(REQ-RUN-029) */
START_TEST(test_req_framing)
{
    size_t eaten;
    ck_assert_int_eq(parse(GET11 "Content-Length: 42\r\n\r\n", &eaten), DSG_HTTP_OK);
    ck_assert_int_eq(req.framing, DSG_HTTP_FRAMING_LENGTH);
    ck_assert_uint_eq(req.content_length, 42);
    /* identical values: RFC 9110 §8.6 allows them */
    ck_assert_int_eq(parse(GET11 "Content-Length: 42, 42\r\ncontent-length: 042\r\n\r\n",
                           &eaten), DSG_HTTP_OK);
    ck_assert_uint_eq(req.content_length, 42);
    ck_assert_int_eq(parse(GET11 "Content-Length: 0\r\n\r\n", &eaten), DSG_HTTP_OK);
    ck_assert_int_eq(req.framing, DSG_HTTP_FRAMING_LENGTH);
    ck_assert_uint_eq(req.content_length, 0);
    ck_assert_int_eq(parse(GET11 "Transfer-Encoding:  ChUnKeD \r\n\r\n", &eaten),
                     DSG_HTTP_OK);
    ck_assert_int_eq(req.framing, DSG_HTTP_FRAMING_CHUNKED);
    ck_assert_int_eq(parse("POST / HTTP/1.0\r\nContent-Length: 3\r\n\r\n", &eaten),
                     DSG_HTTP_OK);
    ck_assert_int_eq(req.framing, DSG_HTTP_FRAMING_LENGTH);
}
END_TEST

/* @relation(REQ-RUN-029) */
START_TEST(test_req_keep_alive)
{
    size_t eaten;
    ck_assert_int_eq(parse(GET11 "\r\n", &eaten), DSG_HTTP_OK);
    ck_assert_int_eq(req.keep_alive, 1);
    ck_assert_int_eq(parse(GET11 "Connection: close\r\n\r\n", &eaten), DSG_HTTP_OK);
    ck_assert_int_eq(req.keep_alive, 0);
    ck_assert_int_eq(parse(GET11 "Connection: Upgrade, CLOSE\r\n\r\n", &eaten), DSG_HTTP_OK);
    ck_assert_int_eq(req.keep_alive, 0);
    ck_assert_int_eq(parse(GET11 "Connection: closed\r\n\r\n", &eaten), DSG_HTTP_OK);
    ck_assert_int_eq(req.keep_alive, 1);
    ck_assert_int_eq(parse("GET / HTTP/1.0\r\n\r\n", &eaten), DSG_HTTP_OK);
    ck_assert_int_eq(req.keep_alive, 0);
    ck_assert_int_eq(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", &eaten),
                     DSG_HTTP_OK);
    ck_assert_int_eq(req.keep_alive, 1);
    ck_assert_int_eq(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n"
                           "Connection: close\r\n\r\n", &eaten), DSG_HTTP_OK);
    ck_assert_int_eq(req.keep_alive, 0);
    ck_assert_int_eq(parse("GET / HTTP/1.0\r\nConnection: x ,\t keep-alive , y\r\n\r\n",
                           &eaten), DSG_HTTP_OK);
    ck_assert_int_eq(req.keep_alive, 1);
}
END_TEST

/* @relation(REQ-RUN-029) */
START_TEST(test_req_pipelined_and_split)
{
    const char *two = "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
                      "POST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n";
    size_t first = strlen("GET /1 HTTP/1.1\r\nHost: a\r\n\r\n");
    size_t eaten;
    ck_assert_int_eq(parse(two, &eaten), DSG_HTTP_OK);
    ck_assert_uint_eq(eaten, first);
    ck_assert(slice_is(req.target, two, "/1"));
    ck_assert_int_eq(parse(two + first, &eaten), DSG_HTTP_OK);
    ck_assert_uint_eq(eaten, strlen(two) - first);
    ck_assert(slice_is(req.target, two + first, "/2"));
    /* every strict prefix of a good head is NEED_MORE */
    for (size_t k = 0; k < first; k++)
        ck_assert_int_eq(parse_lim(two, k, &LIM, &eaten), DSG_HTTP_NEED_MORE);
    /* a head followed by a body: eaten stops at the empty line */
    const char *body = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nab\r\n";
    ck_assert_int_eq(parse(body, &eaten), DSG_HTTP_OK);
    ck_assert_uint_eq(eaten, strlen(body) - 4);
}
END_TEST

/* @relation(REQ-RUN-029) */
START_TEST(test_path_decode_and_query)
{
    uint8_t out[64];
    size_t n;
    ck_assert_int_eq(path("/a/b%20c/%C3%A9t%c3%a9/?q=%2e%2e", sizeof out, &n, out),
                     DSG_HTTP_PATH_OK);
    ck_assert_uint_eq(n, strlen("/a/b c/\xc3\xa9t\xc3\xa9/"));
    ck_assert(memcmp(out, "/a/b c/\xc3\xa9t\xc3\xa9/", n) == 0);
    ck_assert_int_eq(path("/", sizeof out, &n, out), DSG_HTTP_PATH_OK);
    ck_assert_uint_eq(n, 1);
    size_t off, qlen;
    const char *t = "/a?b=1?c";
    ck_assert_int_eq(dsg_http_query((const uint8_t *)t, strlen(t), &off, &qlen), 1);
    ck_assert_uint_eq(off, 3);
    ck_assert_uint_eq(qlen, 5);
    ck_assert_int_eq(dsg_http_query((const uint8_t *)"/a", 2, &off, &qlen), 0);
    ck_assert_uint_eq(off, 2);
    ck_assert_uint_eq(qlen, 0);
    ck_assert_int_eq(dsg_http_query((const uint8_t *)"/a?", 3, &off, &qlen), 1);
    ck_assert_uint_eq(off, 3);
    ck_assert_uint_eq(qlen, 0);
}
END_TEST

/* @relation(REQ-RUN-029) */
START_TEST(test_req_status_tokens)
{
    ck_assert_str_eq(dsg_http_status_token(DSG_HTTP_OK), "ok");
    ck_assert_str_eq(dsg_http_status_token(DSG_HTTP_ERR_OBS_FOLD), "obs-fold");
    ck_assert_str_eq(dsg_http_status_token(DSG_HTTP_ERR_BAD_CONTENT_LENGTH),
                     "bad-content-length");
    ck_assert_str_eq(dsg_http_status_token((dsg_http_status)16), "unknown");
    ck_assert_str_eq(dsg_http_path_status_token(DSG_HTTP_PATH_TRAVERSAL), "traversal");
    ck_assert_str_eq(dsg_http_path_status_token(DSG_HTTP_PATH_TOO_LONG), "too-long");
    ck_assert_str_eq(dsg_http_path_status_token((dsg_http_path_status)10), "unknown");
}
END_TEST

Suite *suite_http_req(void)
{
    Suite *s = suite_create("http_req");

    TCase *bad = tcase_create("bad-input");
    tcase_add_test(bad, test_req_bare_cr_lf_refused);
    tcase_add_test(bad, test_req_obs_fold_refused);
    tcase_add_test(bad, test_req_head_limits);
    tcase_add_test(bad, test_req_bad_method_refused);
    tcase_add_test(bad, test_req_bad_target_refused);
    tcase_add_test(bad, test_req_bad_version_refused);
    tcase_add_test(bad, test_req_bad_field_refused);
    tcase_add_test(bad, test_req_host_rules);
    tcase_add_test(bad, test_req_smuggling_refused);
    tcase_add_test(bad, test_req_bad_content_length_refused);
    tcase_add_test(bad, test_path_traversal_refused);
    tcase_add_test(bad, test_path_bad_bytes_refused);
    suite_add_tcase(s, bad);

    TCase *good = tcase_create("well-formed");
    tcase_add_test(good, test_req_simple_get);
    tcase_add_test(good, test_req_methods_and_versions);
    tcase_add_test(good, test_req_framing);
    tcase_add_test(good, test_req_keep_alive);
    tcase_add_test(good, test_req_pipelined_and_split);
    tcase_add_test(good, test_path_decode_and_query);
    tcase_add_test(good, test_req_status_tokens);
    suite_add_tcase(s, good);
    return s;
}
