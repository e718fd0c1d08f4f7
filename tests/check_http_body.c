/*
 * Unit tests of the HTTP/1.1 body decoder (src/core/http_body.h): REQ-RUN-028.
 *
 * Bad input first: each framing error of a chunked body, bodies over the
 * limit (declared, one chunk, the sum of chunks, a size that would overflow
 * 64 bits), over-long size lines and trailers, a malformed decoder struct,
 * errors staying reported. Then well-formed bodies, each decoded whole and
 * again in pieces of every size up to 64 bytes (and some larger), which
 * must give the same body, verdict and bytes consumed.
 *
 * Every call goes through feed_checked(), which checks the contract on each
 * call: consumed <= len, DATA slices inside the input and non-empty,
 * NEED_MORE consuming everything, errors leaving the decoder FAILED.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "core/http_body.h"

Suite *suite_http_body(void);

#define BODY_MAX 16384u

struct decoded {
    dsg_http_body_status status;  /* the last status: DONE, NEED_MORE or an error */
    uint8_t body[BODY_MAX];
    size_t body_len;
    size_t consumed;              /* input bytes used in all */
};

static struct decoded whole, pieces;   /* large: static, tests run one at a time */

static dsg_http_body_status feed_checked(dsg_http_body *b, const uint8_t *in, size_t len,
                                         dsg_http_body_out *out)
{
    dsg_http_body_status st = dsg_http_body_feed(b, in, len, out);
    ck_assert_uint_le(out->consumed, len);
    if (st == DSG_HTTP_BODY_DATA) {
        ck_assert_uint_ge(out->data_len, 1);
        ck_assert_uint_eq(out->data_off + out->data_len, out->consumed);
    } else {
        ck_assert_uint_eq(out->data_len, 0);
    }
    if (st == DSG_HTTP_BODY_NEED_MORE)
        ck_assert_uint_eq(out->consumed, len);
    if (st >= DSG_HTTP_BODY_ERR_TOO_LARGE)
        ck_assert_uint_eq(b->phase, DSG_HTTP_PH_FAILED);
    ck_assert_int_eq(dsg_http_body_is_valid(b), 1);
    return st;
}

/* Decodes `in` handed over in pieces of `step` bytes (0: all at once), the
 * way the portal would: forward DATA, drop what was consumed, read more on
 * NEED_MORE, stop at DONE or an error. */
static void decode(dsg_http_body *b, const char *text, size_t len, size_t step,
                   struct decoded *d)
{
    const uint8_t *in = (const uint8_t *)text;
    size_t avail_end = step == 0 ? len : (step < len ? step : len);
    size_t pos = 0;
    memset(d, 0, sizeof *d);
    for (;;) {
        dsg_http_body_out out;
        dsg_http_body_status st = feed_checked(b, in + pos, avail_end - pos, &out);
        if (st == DSG_HTTP_BODY_DATA) {
            ck_assert_uint_le(d->body_len + out.data_len, BODY_MAX);
            memcpy(d->body + d->body_len, in + pos + out.data_off, out.data_len);
            d->body_len += out.data_len;
        }
        pos += out.consumed;
        if (st == DSG_HTTP_BODY_DATA)
            continue;
        if (st == DSG_HTTP_BODY_NEED_MORE && avail_end < len) {
            avail_end = step == 0 || len - avail_end < step ? len : avail_end + step;
            continue;
        }
        d->status = st;
        d->consumed = pos;
        return;
    }
}

static void decode_chunked(const char *text, size_t len, uint64_t limit, size_t step,
                           struct decoded *d)
{
    dsg_http_body b;
    dsg_http_body_init_chunked(&b, limit);
    decode(&b, text, len, step, d);
}

/* Whole, then split at every piece size: the same body, verdict, consumed. */
static void check_chunked(const char *text, uint64_t limit, dsg_http_body_status want,
                          const char *want_body, size_t want_consumed)
{
    size_t len = strlen(text);
    decode_chunked(text, len, limit, 0, &whole);
    ck_assert_msg(whole.status == want, "%s: got %s, want %s", text,
                  dsg_http_body_status_token(whole.status), dsg_http_body_status_token(want));
    ck_assert_uint_eq(whole.body_len, strlen(want_body));
    ck_assert(memcmp(whole.body, want_body, whole.body_len) == 0);
    ck_assert_uint_eq(whole.consumed, want_consumed);
    /* every piece size up to 64 bytes, then a few larger ones: splitting a
     * 4 KiB input at every size is quadratic and adds nothing */
    for (size_t step = 1; step <= len; step = step < 64 ? step + 1 : step * 2 + 1) {
        decode_chunked(text, len, limit, step, &pieces);
        ck_assert_int_eq(pieces.status, whole.status);
        ck_assert_uint_eq(pieces.body_len, whole.body_len);
        ck_assert(memcmp(pieces.body, whole.body, whole.body_len) == 0);
        ck_assert_uint_eq(pieces.consumed, whole.consumed);
    }
}

#define BAD(text, limit, err, consumed) \
    check_chunked(text, limit, err, "", consumed)

/* ---- bad input: chunk-size lines ----------------------------------------- */

/* @relation(REQ-RUN-028) */
START_TEST(test_body_chunk_size_syntax_refused)
{
    BAD("\r\n", 100, DSG_HTTP_BODY_ERR_CHUNK_SIZE, 1);        /* no digits */
    BAD(";x\r\n", 100, DSG_HTTP_BODY_ERR_CHUNK_SIZE, 1);      /* extension, no size */
    BAD("-5\r\n", 100, DSG_HTTP_BODY_ERR_CHUNK_SIZE, 1);
    BAD("+5\r\n", 100, DSG_HTTP_BODY_ERR_CHUNK_SIZE, 1);
    BAD(" 5\r\n", 100, DSG_HTTP_BODY_ERR_CHUNK_SIZE, 1);
    BAD("0x5\r\n", 100, DSG_HTTP_BODY_ERR_CHUNK_SIZE, 2);
    BAD("5 \r\n", 100, DSG_HTTP_BODY_ERR_CHUNK_SIZE, 2);      /* no space before CR */
    BAD("5 ;a\r\n", 100, DSG_HTTP_BODY_ERR_CHUNK_SIZE, 2);    /* nor before ";" */
    BAD("5g\r\n", 100, DSG_HTTP_BODY_ERR_CHUNK_SIZE, 2);
    BAD("5\n", 100, DSG_HTTP_BODY_ERR_CHUNK_SIZE, 2);         /* bare LF */
    BAD("\n", 100, DSG_HTTP_BODY_ERR_CHUNK_SIZE, 1);
    decode_chunked("5\0\r\n", 4, 100, 0, &whole);                /* NUL */
    ck_assert_int_eq(whole.status, DSG_HTTP_BODY_ERR_CHUNK_SIZE);
    ck_assert_uint_eq(whole.consumed, 2);
}
END_TEST

/* @relation(REQ-RUN-028) */
START_TEST(test_body_chunk_line_endings_refused)
{
    BAD("5\rX", 100, DSG_HTTP_BODY_ERR_CRLF, 3);              /* CR without LF */
    BAD("5\r\r\n", 100, DSG_HTTP_BODY_ERR_CRLF, 3);
    check_chunked("5\r\nhelloX", 100, DSG_HTTP_BODY_ERR_CRLF, "hello", 9);
    check_chunked("5\r\nhello\n0\r\n\r\n", 100, DSG_HTTP_BODY_ERR_CRLF, "hello", 9);
    check_chunked("5\r\nhello\rX", 100, DSG_HTTP_BODY_ERR_CRLF, "hello", 10);
    check_chunked("5\r\nhello\r\n\r\n", 100, DSG_HTTP_BODY_ERR_CHUNK_SIZE, "hello", 11);
    BAD("0\r\n\rX", 100, DSG_HTTP_BODY_ERR_CRLF, 5);          /* final CRLF */
    BAD("0\r\n\n", 100, DSG_HTTP_BODY_ERR_TRAILER, 4);        /* final bare LF */
}
END_TEST

/* @relation(REQ-RUN-028) */
START_TEST(test_body_chunk_extension_bytes_refused)
{
    static const char *bad_ext[] = {
        "5;a\001\r\n", "5;a\n\r\n", "5;\177\r\n", "5;a\0b\r\n",
    };
    for (size_t i = 0; i < sizeof bad_ext / sizeof bad_ext[0]; i++) {
        size_t len = i == 3 ? 7 : strlen(bad_ext[i]);
        decode_chunked(bad_ext[i], len, 100, 0, &whole);
        ck_assert_int_eq(whole.status, DSG_HTTP_BODY_ERR_CHUNK_EXT);
        ck_assert_uint_eq(whole.consumed, i == 2 ? 3 : 4);
    }
}
END_TEST

/* @relation(REQ-RUN-028) */
START_TEST(test_body_chunk_line_length_bounded)
{
    static char line[DSG_HTTP_CHUNK_LINE_MAX + 16];
    /* leading zeros count: 1024 bytes of line are the most, CR included */
    memset(line, '0', sizeof line);
    memcpy(line + DSG_HTTP_CHUNK_LINE_MAX - 1, "\r\n\r\n", 5);
    check_chunked(line, 100, DSG_HTTP_BODY_DONE, "", DSG_HTTP_CHUNK_LINE_MAX + 3);
    memset(line, '0', sizeof line);
    memcpy(line + DSG_HTTP_CHUNK_LINE_MAX, "\r\n\r\n", 5);
    BAD(line, 100, DSG_HTTP_BODY_ERR_LINE_TOO_LONG, DSG_HTTP_CHUNK_LINE_MAX + 1);
    /* and so does an extension */
    memset(line, 'x', sizeof line);
    memcpy(line, "1;", 2);
    line[sizeof line - 1] = '\0';
    BAD(line, 100, DSG_HTTP_BODY_ERR_LINE_TOO_LONG, DSG_HTTP_CHUNK_LINE_MAX + 1);
}
END_TEST

/* ---- bad input: the limit -------------------------------------------------- */

/* @relation(REQ-RUN-028) */
START_TEST(test_body_over_limit_refused)
{
    dsg_http_body b;
    dsg_http_body_out out;
    ck_assert_int_eq(dsg_http_body_init_length(&b, 11, 10), DSG_HTTP_BODY_ERR_TOO_LARGE);
    ck_assert_int_eq(dsg_http_body_is_valid(&b), 1);
    ck_assert_int_eq(feed_checked(&b, (const uint8_t *)"hello", 5, &out),
                     DSG_HTTP_BODY_ERR_FAILED);
    ck_assert_uint_eq(out.consumed, 0);
    ck_assert_int_eq(dsg_http_body_init_length(&b, UINT64_MAX, UINT64_MAX - 1),
                     DSG_HTTP_BODY_ERR_TOO_LARGE);
    /* one chunk over the limit is refused at the digit that passes it */
    BAD("b\r\nhello world\r\n0\r\n\r\n", 10, DSG_HTTP_BODY_ERR_TOO_LARGE, 1);
    BAD("10\r\n", 10, DSG_HTTP_BODY_ERR_TOO_LARGE, 2);
    check_chunked("a\r\n0123456789\r\n0\r\n\r\n", 10, DSG_HTTP_BODY_DONE, "0123456789", 20);
    /* so is the chunk that takes the sum over it */
    check_chunked("5\r\nhello\r\n6\r\nworld!\r\n0\r\n\r\n", 10, DSG_HTTP_BODY_ERR_TOO_LARGE,
                  "hello", 11);
    /* a size that would not fit in 64 bits, under the largest limit */
    BAD("10000000000000000\r\n", UINT64_MAX, DSG_HTTP_BODY_ERR_TOO_LARGE, 17);
    BAD("fffffffffffffffff\r\n", UINT64_MAX, DSG_HTTP_BODY_ERR_TOO_LARGE, 17);
    /* the largest size that fits is read (then the body is cut short here) */
    check_chunked("ffffffffffffffff\r\n", UINT64_MAX, DSG_HTTP_BODY_NEED_MORE, "", 18);
}
END_TEST

/* ---- bad input: trailers --------------------------------------------------- */

/* @relation(REQ-RUN-028) */
START_TEST(test_body_trailer_syntax_refused)
{
    BAD("0\r\n X: 1\r\n\r\n", 100, DSG_HTTP_BODY_ERR_TRAILER, 4);     /* folding */
    BAD("0\r\n\tX: 1\r\n\r\n", 100, DSG_HTTP_BODY_ERR_TRAILER, 4);
    BAD("0\r\nX\r\n\r\n", 100, DSG_HTTP_BODY_ERR_TRAILER, 5);         /* no colon */
    BAD("0\r\n: 1\r\n\r\n", 100, DSG_HTTP_BODY_ERR_TRAILER, 4);       /* no name */
    BAD("0\r\nX Y: 1\r\n\r\n", 100, DSG_HTTP_BODY_ERR_TRAILER, 5);
    BAD("0\r\nX: a\001\r\n\r\n", 100, DSG_HTTP_BODY_ERR_TRAILER, 8);
    BAD("0\r\nX: 1\n\r\n", 100, DSG_HTTP_BODY_ERR_TRAILER, 8);        /* bare LF */
    BAD("0\r\nX: 1\r\r\n", 100, DSG_HTTP_BODY_ERR_CRLF, 9);
}
END_TEST

/* @relation(REQ-RUN-028) */
START_TEST(test_body_trailer_length_bounded)
{
    static char text[DSG_HTTP_TRAILER_MAX + 64];
    /* "0\r\n" + "X:" + value + "\r\n" + "\r\n": exactly the maximum passes */
    size_t value = DSG_HTTP_TRAILER_MAX - 6;
    memset(text, 'v', sizeof text);
    memcpy(text, "0\r\nX:", 5);
    memcpy(text + 5 + value, "\r\n\r\n", 5);
    check_chunked(text, 100, DSG_HTTP_BODY_DONE, "", 3 + DSG_HTTP_TRAILER_MAX);
    memset(text, 'v', sizeof text);
    memcpy(text, "0\r\nX:", 5);
    memcpy(text + 6 + value, "\r\n\r\n", 5);
    BAD(text, 100, DSG_HTTP_BODY_ERR_TRAILER_TOO_LONG, 3 + DSG_HTTP_TRAILER_MAX + 1);
}
END_TEST

/* ---- bad input: the decoder itself --------------------------------------- */

/* @relation(REQ-RUN-028) */
START_TEST(test_body_malformed_state_refused)
{
    dsg_http_body b, before;
    dsg_http_body_out out;
    for (int which = 0; which < 8; which++) {
        dsg_http_body_init_chunked(&b, 100);
        switch (which) {
        case 0: b.kind = 0; break;
        case 1: b.phase = DSG_HTTP_PH_FAILED + 1; break;
        case 2: b.total = 101; break;
        case 3: b.line_bytes = DSG_HTTP_CHUNK_LINE_MAX + 1; break;
        case 4: b.trailer_bytes = DSG_HTTP_TRAILER_MAX + 1; break;
        case 5: b.phase = DSG_HTTP_PH_DATA; b.remaining = 0; break;
        case 6: b.phase = DSG_HTTP_PH_SIZE; b.remaining = 101; break;
        default:   /* a Content-Length body whose counts disagree */
            ck_assert_int_eq(dsg_http_body_init_length(&b, 10, 100), DSG_HTTP_BODY_NEED_MORE);
            b.total = 1;
            break;
        }
        ck_assert_int_eq(dsg_http_body_is_valid(&b), 0);
        before = b;
        ck_assert_int_eq(dsg_http_body_feed(&b, (const uint8_t *)"0\r\n\r\n", 5, &out),
                         DSG_HTTP_BODY_ERR_STATE);
        ck_assert_uint_eq(out.consumed, 0);
        ck_assert_uint_eq(out.data_len, 0);
        ck_assert(memcmp(&b, &before, sizeof b) == 0);
    }
}
END_TEST

/* @relation(REQ-RUN-028) */
START_TEST(test_body_error_stays_reported)
{
    dsg_http_body b;
    dsg_http_body_out out;
    dsg_http_body_init_chunked(&b, 100);
    ck_assert_int_eq(feed_checked(&b, (const uint8_t *)"z", 1, &out),
                     DSG_HTTP_BODY_ERR_CHUNK_SIZE);
    ck_assert_int_eq(feed_checked(&b, (const uint8_t *)"0\r\n\r\n", 5, &out),
                     DSG_HTTP_BODY_ERR_FAILED);
    ck_assert_uint_eq(out.consumed, 0);
}
END_TEST

/* ---- well-formed bodies ---------------------------------------------------- */

/* @relation(REQ-RUN-028) */
START_TEST(test_body_content_length_exact)
{
    static const char text[] = "helloGET / HTTP/1.1\r\n";
    dsg_http_body b;
    for (size_t step = 0; step <= sizeof text - 1; step++) {
        ck_assert_int_eq(dsg_http_body_init_length(&b, 5, 5), DSG_HTTP_BODY_NEED_MORE);
        decode(&b, text, sizeof text - 1, step, &whole);
        ck_assert_int_eq(whole.status, DSG_HTTP_BODY_DONE);
        ck_assert_uint_eq(whole.body_len, 5);
        ck_assert(memcmp(whole.body, "hello", 5) == 0);
        ck_assert_uint_eq(whole.consumed, 5);     /* the next request is left */
        ck_assert_uint_eq(b.total, 5);
    }
    /* an empty body is done at once and takes nothing */
    ck_assert_int_eq(dsg_http_body_init_length(&b, 0, 0), DSG_HTTP_BODY_DONE);
    decode(&b, text, sizeof text - 1, 0, &whole);
    ck_assert_int_eq(whole.status, DSG_HTTP_BODY_DONE);
    ck_assert_uint_eq(whole.consumed, 0);
    /* a short body waits for more */
    ck_assert_int_eq(dsg_http_body_init_length(&b, 10, 10), DSG_HTTP_BODY_NEED_MORE);
    decode(&b, "hello", 5, 0, &whole);
    ck_assert_int_eq(whole.status, DSG_HTTP_BODY_NEED_MORE);
    ck_assert_uint_eq(whole.body_len, 5);
    ck_assert_uint_eq(b.remaining, 5);
}
END_TEST

/* @relation(REQ-RUN-028) */
START_TEST(test_body_chunked_well_formed)
{
    check_chunked("5\r\nhello\r\n0\r\n\r\nGET", 100, DSG_HTTP_BODY_DONE, "hello", 15);
    check_chunked("0\r\n\r\n", 0, DSG_HTTP_BODY_DONE, "", 5);
    check_chunked("3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n", 7, DSG_HTTP_BODY_DONE, "abcdefg", 22);
    /* hex in either case, leading zeros, several digits */
    check_chunked("A\r\n0123456789\r\n000\r\n\r\n", 100, DSG_HTTP_BODY_DONE, "0123456789", 22);
    check_chunked("0a\r\n0123456789\r\n0\r\n\r\n", 100, DSG_HTTP_BODY_DONE, "0123456789", 21);
    /* body bytes are never interpreted: CR, LF, NUL-free binary, digits */
    check_chunked("4\r\n\r\n\r\n\r\n0\r\n\r\n", 100, DSG_HTTP_BODY_DONE, "\r\n\r\n", 14);
    /* extensions are read and ignored, with or without values */
    check_chunked("5;name=value;q=\"a b\"\r\nhello\r\n0;last\r\n\r\n", 100,
                  DSG_HTTP_BODY_DONE, "hello", 39);
    check_chunked("5;\t\200\r\nhello\r\n0\r\n\r\n", 100, DSG_HTTP_BODY_DONE, "hello", 18);
    /* trailers are checked and discarded */
    check_chunked("5\r\nhello\r\n0\r\nX-Sum: abc\r\nY:\r\n\r\n", 100,
                  DSG_HTTP_BODY_DONE, "hello", 31);
    /* incomplete bodies wait for more, keeping what they delivered */
    check_chunked("5\r\nhel", 100, DSG_HTTP_BODY_NEED_MORE, "hel", 6);
    check_chunked("5\r\nhello\r\n0\r\nX: 1", 100, DSG_HTTP_BODY_NEED_MORE, "hello", 17);
}
END_TEST

/* @relation(REQ-RUN-028) */
START_TEST(test_body_done_takes_nothing_more)
{
    dsg_http_body b;
    dsg_http_body_out out;
    dsg_http_body_init_chunked(&b, 100);
    decode(&b, "0\r\n\r\n", 5, 0, &whole);
    ck_assert_int_eq(whole.status, DSG_HTTP_BODY_DONE);
    ck_assert_int_eq(feed_checked(&b, (const uint8_t *)"5\r\nhello", 8, &out),
                     DSG_HTTP_BODY_DONE);
    ck_assert_uint_eq(out.consumed, 0);
}
END_TEST

/* @relation(REQ-RUN-028) */
START_TEST(test_body_status_tokens)
{
    static const char *want[] = {
        "data", "need-more", "done", "bad-state", "failed", "too-large",
        "bad-chunk-size", "bad-chunk-ext", "chunk-line-too-long", "bad-crlf",
        "bad-trailer", "trailer-too-long",
    };
    for (unsigned i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_str_eq(dsg_http_body_status_token((dsg_http_body_status)i), want[i]);
    ck_assert_str_eq(dsg_http_body_status_token((dsg_http_body_status)12), "unknown");
    ck_assert_str_eq(dsg_http_body_status_token((dsg_http_body_status)-1), "unknown");
}
END_TEST

Suite *suite_http_body(void)
{
    Suite *s = suite_create("http_body");

    TCase *bad = tcase_create("bad-input");
    tcase_add_test(bad, test_body_chunk_size_syntax_refused);
    tcase_add_test(bad, test_body_chunk_line_endings_refused);
    tcase_add_test(bad, test_body_chunk_extension_bytes_refused);
    tcase_add_test(bad, test_body_chunk_line_length_bounded);
    tcase_add_test(bad, test_body_over_limit_refused);
    tcase_add_test(bad, test_body_trailer_syntax_refused);
    tcase_add_test(bad, test_body_trailer_length_bounded);
    tcase_add_test(bad, test_body_malformed_state_refused);
    tcase_add_test(bad, test_body_error_stays_reported);
    suite_add_tcase(s, bad);

    TCase *good = tcase_create("well-formed");
    tcase_add_test(good, test_body_content_length_exact);
    tcase_add_test(good, test_body_chunked_well_formed);
    tcase_add_test(good, test_body_done_takes_nothing_more);
    tcase_add_test(good, test_body_status_tokens);
    suite_add_tcase(s, good);
    return s;
}
