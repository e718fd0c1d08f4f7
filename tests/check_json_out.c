/*
 * Unit tests of the JSON writer (src/core/json_out.h): REQ-RUN-038.
 *
 * Bad input first: calls out of order, too deep, invalid UTF-8, a buffer
 * too small at every size, an inconsistent writer; each fails for good and
 * never writes past the buffer. Then exact output for escapes, numbers and
 * nesting, and a round trip of every byte value through jansson (a test
 * dependency only), which must read back exactly the string written.
 *
 * Every document goes through check_clean(): no byte below 0x20, no DEL.
 */
#include <check.h>
#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "core/json_out.h"

Suite *suite_json_out(void);

#define CANARY 0xA5u

static uint8_t out[4096 + 16];

static void check_clean(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(p[i] >= 0x20u && p[i] != 0x7Fu, "raw control byte 0x%02x at %zu", p[i], i);
}

/* Finishes w and compares its document with want. */
static void check_doc(dsg_json_out *w, const char *want)
{
    size_t n = 0;
    ck_assert_int_eq(dsg_json_out_finish(w, &n), 0);
    check_clean(w->buf, n);
    ck_assert_uint_eq(n, strlen(want));
    ck_assert_msg(memcmp(w->buf, want, n) == 0, "got %.*s, want %s", (int)n, w->buf, want);
}

static void check_failed(dsg_json_out *w)
{
    size_t n = 12345, len = w->len;
    ck_assert_int_eq(w->failed, 1);
    ck_assert_int_eq(dsg_json_out_finish(w, &n), -1);
    ck_assert_uint_eq(n, 12345);
    /* for good: nothing more is taken */
    ck_assert_int_eq(dsg_json_out_null(w), -1);
    ck_assert_int_eq(dsg_json_out_string(w, (const uint8_t *)"x", 1), -1);
    ck_assert_int_eq(dsg_json_out_object_end(w), -1);
    ck_assert_uint_eq(w->len, len);
}

/* ---- bad input ----------------------------------------------------------------- */

/* @relation(REQ-RUN-038) */
START_TEST(test_json_out_calls_out_of_order)
{
    dsg_json_out w;
    /* a key at the top, in an array, or twice in a row */
    dsg_json_out_init(&w, out, sizeof out);
    ck_assert_int_eq(dsg_json_out_key(&w, (const uint8_t *)"k", 1), -1);
    check_failed(&w);
    dsg_json_out_init(&w, out, sizeof out);
    ck_assert_int_eq(dsg_json_out_array_begin(&w), 0);
    ck_assert_int_eq(dsg_json_out_key(&w, (const uint8_t *)"k", 1), -1);
    check_failed(&w);
    dsg_json_out_init(&w, out, sizeof out);
    ck_assert_int_eq(dsg_json_out_object_begin(&w), 0);
    ck_assert_int_eq(dsg_json_out_key(&w, (const uint8_t *)"k", 1), 0);
    ck_assert_int_eq(dsg_json_out_key(&w, (const uint8_t *)"k", 1), -1);
    check_failed(&w);
    /* a value in an object without a key */
    dsg_json_out_init(&w, out, sizeof out);
    ck_assert_int_eq(dsg_json_out_object_begin(&w), 0);
    ck_assert_int_eq(dsg_json_out_uint(&w, 1), -1);
    check_failed(&w);
    /* a second top-level value */
    dsg_json_out_init(&w, out, sizeof out);
    ck_assert_int_eq(dsg_json_out_null(&w), 0);
    ck_assert_int_eq(dsg_json_out_null(&w), -1);
    check_failed(&w);
    /* ends that do not match, or with a key waiting for its value */
    dsg_json_out_init(&w, out, sizeof out);
    ck_assert_int_eq(dsg_json_out_object_end(&w), -1);
    check_failed(&w);
    dsg_json_out_init(&w, out, sizeof out);
    ck_assert_int_eq(dsg_json_out_array_begin(&w), 0);
    ck_assert_int_eq(dsg_json_out_object_end(&w), -1);
    check_failed(&w);
    dsg_json_out_init(&w, out, sizeof out);
    ck_assert_int_eq(dsg_json_out_object_begin(&w), 0);
    ck_assert_int_eq(dsg_json_out_array_end(&w), -1);
    check_failed(&w);
    dsg_json_out_init(&w, out, sizeof out);
    ck_assert_int_eq(dsg_json_out_object_begin(&w), 0);
    ck_assert_int_eq(dsg_json_out_key(&w, (const uint8_t *)"k", 1), 0);
    ck_assert_int_eq(dsg_json_out_object_end(&w), -1);
    check_failed(&w);
}
END_TEST

/* @relation(REQ-RUN-038) */
START_TEST(test_json_out_incomplete_document_refused)
{
    dsg_json_out w;
    size_t n = 7;
    dsg_json_out_init(&w, out, sizeof out);
    ck_assert_int_eq(dsg_json_out_finish(&w, &n), -1);       /* nothing written */
    ck_assert_int_eq(dsg_json_out_array_begin(&w), 0);
    ck_assert_int_eq(dsg_json_out_finish(&w, &n), -1);       /* still open */
    ck_assert_uint_eq(n, 7);
    ck_assert_int_eq(w.failed, 0);                           /* not an error: go on */
    ck_assert_int_eq(dsg_json_out_array_end(&w), 0);
    check_doc(&w, "[]");
}
END_TEST

/* @relation(REQ-RUN-038) */
START_TEST(test_json_out_depth_limited)
{
    dsg_json_out w;
    dsg_json_out_init(&w, out, sizeof out);
    for (unsigned i = 0; i < DSG_JSON_DEPTH_MAX; i++)
        ck_assert_int_eq(dsg_json_out_array_begin(&w), 0);
    ck_assert_int_eq(dsg_json_out_array_begin(&w), -1);
    check_failed(&w);
    /* exactly the maximum closes into a document */
    dsg_json_out_init(&w, out, sizeof out);
    for (unsigned i = 0; i < DSG_JSON_DEPTH_MAX; i++) {
        if (i % 2) {
            ck_assert_int_eq(dsg_json_out_array_begin(&w), 0);
        } else {
            ck_assert_int_eq(dsg_json_out_object_begin(&w), 0);
            ck_assert_int_eq(dsg_json_out_key(&w, (const uint8_t *)"a", 1), 0);
        }
    }
    for (unsigned i = DSG_JSON_DEPTH_MAX; i-- > 0;)
        ck_assert_int_eq(i % 2 ? dsg_json_out_array_end(&w) : dsg_json_out_object_end(&w), 0);
    size_t n;
    ck_assert_int_eq(dsg_json_out_finish(&w, &n), 0);
}
END_TEST

/* @relation(REQ-RUN-038) */
START_TEST(test_json_out_invalid_utf8_refused)
{
    static const char *bad[] = {
        "\x80", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "a\xffz", "\xe3\x81",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dsg_json_out w;
        dsg_json_out_init(&w, out, sizeof out);
        ck_assert_int_eq(dsg_json_out_string(&w, (const uint8_t *)bad[i], strlen(bad[i])), -1);
        check_failed(&w);
        check_clean(out, w.len);
        dsg_json_out_init(&w, out, sizeof out);
        ck_assert_int_eq(dsg_json_out_object_begin(&w), 0);
        ck_assert_int_eq(dsg_json_out_key(&w, (const uint8_t *)bad[i], strlen(bad[i])), -1);
        check_failed(&w);
    }
}
END_TEST

/* Writes a fixed document into a buffer of cap bytes. */
static int write_sample(dsg_json_out *w, uint8_t *buf, size_t cap)
{
    dsg_json_out_init(w, buf, cap);
    return dsg_json_out_object_begin(w) | dsg_json_out_key(w, (const uint8_t *)"error", 5) |
           dsg_json_out_string(w, (const uint8_t *)"bad-request\n\"\xe6\x97\xa5\"", 17) |
           dsg_json_out_key(w, (const uint8_t *)"n", 1) | dsg_json_out_array_begin(w) |
           dsg_json_out_int(w, INT64_MIN) | dsg_json_out_bool(w, 0) | dsg_json_out_null(w) |
           dsg_json_out_array_end(w) | dsg_json_out_object_end(w);
}

/* @relation(REQ-RUN-038) */
START_TEST(test_json_out_buffer_too_small_at_every_size)
{
    dsg_json_out w;
    size_t full;
    ck_assert_int_eq(write_sample(&w, out, sizeof out), 0);
    ck_assert_int_eq(dsg_json_out_finish(&w, &full), 0);
    for (size_t cap = 0; cap < full; cap++) {
        memset(out, CANARY, sizeof out);
        ck_assert_int_eq(write_sample(&w, out, cap), -1);
        check_failed(&w);
        ck_assert_uint_le(w.len, cap);
        for (size_t i = cap; i < sizeof out; i++)
            ck_assert_uint_eq(out[i], CANARY);                /* nothing past the buffer */
    }
    ck_assert_int_eq(write_sample(&w, out, full), 0);
    size_t n;
    ck_assert_int_eq(dsg_json_out_finish(&w, &n), 0);
    ck_assert_uint_eq(n, full);
}
END_TEST

/* @relation(REQ-RUN-038) */
START_TEST(test_json_out_inconsistent_writer_left_alone)
{
    for (int which = 0; which < 5; which++) {
        dsg_json_out w, before;
        dsg_json_out_init(&w, out, 16);
        switch (which) {
        case 0: w.len = 17; break;
        case 1: w.depth = DSG_JSON_DEPTH_MAX + 1; break;
        case 2: w.failed = 2; break;
        case 3: w.after_key = 7; break;
        default: w.top_done = 2; break;
        }
        ck_assert_int_eq(dsg_json_out_is_valid(&w), 0);
        memset(out, CANARY, sizeof out);
        before = w;
        ck_assert_int_eq(dsg_json_out_null(&w), -1);
        ck_assert_int_eq(dsg_json_out_string(&w, (const uint8_t *)"x", 1), -1);
        ck_assert_int_eq(dsg_json_out_object_begin(&w), -1);
        ck_assert(memcmp(&w, &before, sizeof w) == 0);
        for (size_t i = 0; i < sizeof out; i++)
            ck_assert_uint_eq(out[i], CANARY);
        size_t n;
        ck_assert_int_eq(dsg_json_out_finish(&w, &n), -1);
    }
}
END_TEST

/* ---- well-formed output ---------------------------------------------------- */

/* @relation(REQ-RUN-038) */
START_TEST(test_json_out_error_body)
{
    dsg_json_out w;
    dsg_json_out_init(&w, out, sizeof out);
    ck_assert_int_eq(dsg_json_out_object_begin(&w), 0);
    ck_assert_int_eq(dsg_json_out_key(&w, (const uint8_t *)"error", 5), 0);
    ck_assert_int_eq(dsg_json_out_string(&w, (const uint8_t *)"not-found", 9), 0);
    ck_assert_int_eq(dsg_json_out_key(&w, (const uint8_t *)"message", 7), 0);
    ck_assert_int_eq(dsg_json_out_string(&w, (const uint8_t *)"no such route", 13), 0);
    ck_assert_int_eq(dsg_json_out_object_end(&w), 0);
    check_doc(&w, "{\"error\":\"not-found\",\"message\":\"no such route\"}");
}
END_TEST

/* @relation(REQ-RUN-038) */
START_TEST(test_json_out_escapes)
{
    static const struct { const char *in; size_t n; const char *want; } cases[] = {
        { "\"", 1, "\"\\\"\"" },
        { "\\", 1, "\"\\\\\"" },
        { "\b\f\n\r\t", 5, "\"\\b\\f\\n\\r\\t\"" },
        { "\0", 1, "\"\\u0000\"" },
        { "\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"" },
        { "/<>&'", 5, "\"/<>&'\"" },
        { "\xe2\x80\xa8\xe2\x80\xa9", 6, "\"\\u2028\\u2029\"" },
        { "\xe4\xbf\x9d\xe8\xad\xb7", 6, "\"\xe4\xbf\x9d\xe8\xad\xb7\"" },     /* 保護 */
        { "\xf0\x9f\x94\x92", 4, "\"\xf0\x9f\x94\x92\"" },
        { "", 0, "\"\"" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dsg_json_out w;
        dsg_json_out_init(&w, out, sizeof out);
        ck_assert_int_eq(dsg_json_out_string(&w, (const uint8_t *)cases[i].in, cases[i].n), 0);
        check_doc(&w, cases[i].want);
    }
}
END_TEST

/* Keys are escaped like strings; U+0000 in a key is written \u0000 (the
 * fuzzer found that jansson, the oracle, cannot read such keys back). */
/* @relation(REQ-RUN-038) */
START_TEST(test_json_out_key_escapes)
{
    dsg_json_out w;
    dsg_json_out_init(&w, out, sizeof out);
    ck_assert_int_eq(dsg_json_out_object_begin(&w) | dsg_json_out_key(&w, (const uint8_t *)"a\0\"\x05", 4) |
                     dsg_json_out_null(&w) | dsg_json_out_object_end(&w), 0);
    check_doc(&w, "{\"a\\u0000\\\"\\u0005\":null}");
}
END_TEST

/* @relation(REQ-RUN-038) */
START_TEST(test_json_out_numbers)
{
    static const struct { int64_t v; const char *want; } ints[] = {
        { 0, "0" }, { 1, "1" }, { -1, "-1" }, { 10, "10" }, { -10, "-10" },
        { INT64_MAX, "9223372036854775807" }, { INT64_MIN, "-9223372036854775808" },
    };
    static const struct { uint64_t v; const char *want; } uints[] = {
        { 0, "0" }, { 9, "9" }, { 100, "100" }, { 1000000000000000000u, "1000000000000000000" },
        { 10000000000000000000u, "10000000000000000000" },
        { UINT64_MAX, "18446744073709551615" },
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        dsg_json_out w;
        dsg_json_out_init(&w, out, sizeof out);
        ck_assert_int_eq(dsg_json_out_int(&w, ints[i].v), 0);
        check_doc(&w, ints[i].want);
    }
    for (size_t i = 0; i < sizeof uints / sizeof uints[0]; i++) {
        dsg_json_out w;
        dsg_json_out_init(&w, out, sizeof out);
        ck_assert_int_eq(dsg_json_out_uint(&w, uints[i].v), 0);
        check_doc(&w, uints[i].want);
    }
}
END_TEST

/* @relation(REQ-RUN-038) */
START_TEST(test_json_out_nesting_and_commas)
{
    dsg_json_out w;
    dsg_json_out_init(&w, out, sizeof out);
    ck_assert_int_eq(write_sample(&w, out, sizeof out), 0);
    check_doc(&w, "{\"error\":\"bad-request\\n\\\"\xe6\x97\xa5\\\"\","
                  "\"n\":[-9223372036854775808,false,null]}");
    dsg_json_out_init(&w, out, sizeof out);
    ck_assert_int_eq(dsg_json_out_array_begin(&w) | dsg_json_out_array_begin(&w) |
                     dsg_json_out_array_end(&w) | dsg_json_out_object_begin(&w) |
                     dsg_json_out_object_end(&w) | dsg_json_out_bool(&w, 1) |
                     dsg_json_out_array_end(&w), 0);
    check_doc(&w, "[[],{},true]");
}
END_TEST

/* Every byte value, alone and between others, reads back the same. */
/* @relation(REQ-RUN-038) */
START_TEST(test_json_out_round_trip_through_jansson)
{
    char s[3];
    for (unsigned c = 0; c < 0x80u; c++) {
        s[0] = 'a';
        s[1] = (char)c;
        s[2] = 'z';
        dsg_json_out w;
        size_t n;
        dsg_json_out_init(&w, out, sizeof out);
        ck_assert_int_eq(dsg_json_out_array_begin(&w) | dsg_json_out_string(&w, (const uint8_t *)s, 3) |
                         dsg_json_out_string(&w, (const uint8_t *)s + 1, 1) | dsg_json_out_array_end(&w), 0);
        ck_assert_int_eq(dsg_json_out_finish(&w, &n), 0);
        check_clean(out, n);
        json_error_t err;
        json_t *v = json_loadb((const char *)out, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
        ck_assert_msg(v != NULL, "jansson: %s in %.*s", err.text, (int)n, out);
        ck_assert_uint_eq(json_string_length(json_array_get(v, 0)), 3);
        ck_assert(memcmp(json_string_value(json_array_get(v, 0)), s, 3) == 0);
        ck_assert_uint_eq(json_string_length(json_array_get(v, 1)), 1);
        ck_assert_int_eq(json_string_value(json_array_get(v, 1))[0], (char)c);
        json_decref(v);
    }
}
END_TEST

Suite *suite_json_out(void)
{
    Suite *s = suite_create("json_out");

    TCase *bad = tcase_create("bad-input");
    tcase_add_test(bad, test_json_out_calls_out_of_order);
    tcase_add_test(bad, test_json_out_incomplete_document_refused);
    tcase_add_test(bad, test_json_out_depth_limited);
    tcase_add_test(bad, test_json_out_invalid_utf8_refused);
    tcase_add_test(bad, test_json_out_buffer_too_small_at_every_size);
    tcase_add_test(bad, test_json_out_inconsistent_writer_left_alone);
    suite_add_tcase(s, bad);

    TCase *good = tcase_create("well-formed");
    tcase_add_test(good, test_json_out_error_body);
    tcase_add_test(good, test_json_out_escapes);
    tcase_add_test(good, test_json_out_key_escapes);
    tcase_add_test(good, test_json_out_numbers);
    tcase_add_test(good, test_json_out_nesting_and_commas);
    tcase_add_test(good, test_json_out_round_trip_through_jansson);
    suite_add_tcase(s, good);
    return s;
}
