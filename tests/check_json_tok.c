/*
 * Unit tests of the JSON tokenizer (src/core/json_tok.h): REQ-RUN-044.
 *
 * Bad input first: every error code with its offset, depth at and over
 * the limit, a token array exactly full and one short, every escape and
 * surrogate form, overlong and surrogate UTF-8, control and NUL bytes,
 * numbers at the int64 and binary64 edges, whitespace forms, empty input.
 * Then the structure of well-formed documents, and agreement with jansson
 * (a test dependency only) on every document of the tests.
 *
 * Every successful run goes through check_tokens(): the properties the
 * proof states, checked again at run time, and nothing written past the
 * tokens counted.
 */
#include <check.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json_tok.h"

Suite *suite_json_tok(void);

#define CAP 4096
#define CANARY 0xA5u
#define JANSSON_FLAGS (JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES)

static dsg_json_tok toks[CAP + 1];
static char big[20000];

/* The proved properties, at run time, and the slot after the last token
 * untouched. */
static void check_tokens(const dsg_json_tok *t, size_t n, size_t len, uint32_t max_depth)
{
    ck_assert_uint_ge(n, 1);
    ck_assert_uint_eq(t[0].parent, DSG_JSON_NONE);
    ck_assert_uint_eq(t[0].depth, 1);
    for (size_t i = 0; i < n; i++) {
        ck_assert_uint_gt(t[i].len, 0);
        ck_assert_uint_le(t[i].start + t[i].len, len);
        ck_assert_uint_ge(t[i].depth, 1);
        ck_assert_uint_le(t[i].depth, max_depth);
        ck_assert_int_ge(t[i].type, DSG_JSON_OBJECT);
        ck_assert_int_le(t[i].type, DSG_JSON_NULL);
        ck_assert_uint_gt(t[i].next, i);
        ck_assert_uint_le(t[i].next, n);
        if (i == 0)
            continue;
        const dsg_json_tok *p = &t[t[i].parent];
        ck_assert_uint_lt(t[i].parent, i);
        ck_assert(p->type == DSG_JSON_OBJECT || p->type == DSG_JSON_ARRAY);
        ck_assert_uint_lt(p->start, t[i].start);
        ck_assert_uint_le(t[i].start + t[i].len, p->start + p->len);
        ck_assert_uint_eq(t[i].depth, p->depth + 1);
    }
}

/* Tokenizes s[0 .. len) with a limit and a capacity; checks the tokens on
 * success and that nothing was written at or past cap. */
static int run_n(const char *s, size_t len, uint32_t max_depth, size_t cap, size_t *n, size_t *at)
{
    static dsg_json_tok canary;
    memset(&canary, CANARY, sizeof canary);
    memset(toks, CANARY, (cap + 1) * sizeof toks[0]);
    *n = 12345;
    *at = 12345;
    int rc = dsg_json_tokenize((const uint8_t *)s, len, max_depth, toks, cap, n, at);
    ck_assert_msg(memcmp(&toks[cap], &canary, sizeof canary) == 0, "a token written past cap");
    if (rc == DSG_JSON_OK) {
        ck_assert_uint_le(*n, cap);
        check_tokens(toks, *n, len, max_depth);
        ck_assert_uint_eq(*at, 12345);
    } else {
        ck_assert_uint_le(*at, len);
        ck_assert_uint_eq(*n, 12345);
    }
    return rc;
}

/* The full check of a text: tokenizer, then member names. */
static int parse(const char *s, size_t len, size_t *at)
{
    size_t n;
    /* every token is at least one byte long: len + 1 slots are enough */
    int rc = run_n(s, len, DSG_JSON_MAX_DEPTH_DEFAULT, len < CAP ? len + 1 : CAP, &n, at);
    if (rc == DSG_JSON_OK)
        rc = dsg_json_check_keys((const uint8_t *)s, len, toks, n, at);
    return rc;
}

/* jansson with the oracle's flags accepts s[0 .. len). */
static int jansson_accepts(const char *s, size_t len)
{
    json_error_t err;
    json_t *v = json_loadb(s, len, JANSSON_FLAGS, &err);
    json_decref(v);
    return v != NULL;
}

/* s (with its length) gives the result want at offset at; jansson agrees
 * on validity. */
static void expect_n(const char *s, size_t len, int want, size_t want_at, int line)
{
    size_t at = 0;
    int rc = parse(s, len, &at);
    ck_assert_msg(rc == want, "line %d: %.*s: got %s, want %s", line, (int)len, s,
                  dsg_json_error_token(rc), dsg_json_error_token(want));
    if (want != DSG_JSON_OK)
        ck_assert_msg(at == want_at, "line %d: %.*s: offset %zu, want %zu", line, (int)len, s, at,
                      want_at);
    ck_assert_msg(jansson_accepts(s, len) == (want == DSG_JSON_OK),
                  "line %d: %.*s: jansson disagrees", line, (int)len, s);
}

#define EXPECT(s, want, at) expect_n((s), strlen(s), (want), (at), __LINE__)
#define EXPECT_OK(s) expect_n((s), strlen(s), DSG_JSON_OK, 0, __LINE__)

/* ---- bad input ----------------------------------------------------------------- */

/* @relation(REQ-RUN-044) */
START_TEST(test_json_tok_empty_and_blank_are_truncated)
{
    EXPECT("", DSG_JSON_E_TRUNCATED, 0);
    EXPECT(" ", DSG_JSON_E_TRUNCATED, 1);
    EXPECT(" \t\r\n", DSG_JSON_E_TRUNCATED, 4);
    /* a zero length wins over whatever the pointer points at */
    size_t at;
    ck_assert_int_eq(parse("1", 0, &at), DSG_JSON_E_TRUNCATED);
}
END_TEST

/* @relation(REQ-RUN-044) */
START_TEST(test_json_tok_every_error_code_and_offset)
{
    EXPECT("[[1]]", DSG_JSON_OK, 0);
    size_t n, at;
    ck_assert_int_eq(run_n("[[1]]", 5, 2, CAP, &n, &at), DSG_JSON_E_DEPTH);
    ck_assert_uint_eq(at, 2);
    ck_assert_int_eq(run_n("[1,2]", 5, 32, 2, &n, &at), DSG_JSON_E_TOO_MANY_TOKENS);
    ck_assert_uint_eq(at, 3);
    EXPECT("\"a\xff\"", DSG_JSON_E_BAD_UTF8, 2);
    EXPECT("\"a\\q\"", DSG_JSON_E_BAD_ESCAPE, 2);
    EXPECT("\"a\tb\"", DSG_JSON_E_CONTROL_CHAR, 2);
    EXPECT("[01]", DSG_JSON_E_BAD_NUMBER, 2);
    EXPECT("[1,9223372036854775808]", DSG_JSON_E_NUMBER_RANGE, 3);
    EXPECT("{} x", DSG_JSON_E_TRAILING, 3);
    EXPECT("[1 2]", DSG_JSON_E_UNEXPECTED, 3);
    EXPECT("{\"a\":[1", DSG_JSON_E_TRUNCATED, 7);
    EXPECT("{\"a\":1,\"a\":2}", DSG_JSON_E_DUPLICATE_KEY, 7);
    EXPECT("{\"\\u0000\":1}", DSG_JSON_E_NUL_IN_KEY, 1);
}
END_TEST

/* @relation(REQ-RUN-044) */
START_TEST(test_json_tok_structure_errors)
{
    EXPECT("[1,]", DSG_JSON_E_UNEXPECTED, 3);           /* trailing commas */
    EXPECT("{\"a\":1,}", DSG_JSON_E_UNEXPECTED, 7);
    EXPECT("[,1]", DSG_JSON_E_UNEXPECTED, 1);
    EXPECT("{,}", DSG_JSON_E_UNEXPECTED, 1);
    EXPECT("{\"a\" 1}", DSG_JSON_E_UNEXPECTED, 5);      /* missing colon */
    EXPECT("{\"a\":}", DSG_JSON_E_UNEXPECTED, 5);
    EXPECT("{\"a\"}", DSG_JSON_E_UNEXPECTED, 4);
    EXPECT("{1:2}", DSG_JSON_E_UNEXPECTED, 1);          /* names are strings */
    EXPECT("{null:2}", DSG_JSON_E_UNEXPECTED, 1);
    EXPECT("{{}:2}", DSG_JSON_E_UNEXPECTED, 1);
    EXPECT("[}", DSG_JSON_E_UNEXPECTED, 1);             /* brackets of the wrong kind */
    EXPECT("{]", DSG_JSON_E_UNEXPECTED, 1);
    EXPECT("[1}", DSG_JSON_E_UNEXPECTED, 2);
    EXPECT("]", DSG_JSON_E_UNEXPECTED, 0);
    EXPECT(":", DSG_JSON_E_UNEXPECTED, 0);
    EXPECT("[1]]", DSG_JSON_E_TRAILING, 3);
    EXPECT("1 2", DSG_JSON_E_TRAILING, 2);
    EXPECT("\"a\"\"b\"", DSG_JSON_E_TRAILING, 3);
    EXPECT("[1:2]", DSG_JSON_E_UNEXPECTED, 2);
    EXPECT("{\"a\"::1}", DSG_JSON_E_UNEXPECTED, 5);
    EXPECT("{\"a\":1 \"b\":2}", DSG_JSON_E_UNEXPECTED, 7);
    /* words: exact, lowercase, whole */
    EXPECT("nul", DSG_JSON_E_UNEXPECTED, 0);
    EXPECT("True", DSG_JSON_E_UNEXPECTED, 0);
    EXPECT("nulL", DSG_JSON_E_UNEXPECTED, 0);
    EXPECT("truex", DSG_JSON_E_TRAILING, 4);
    EXPECT("[falsey]", DSG_JSON_E_UNEXPECTED, 6);
    EXPECT("NaN", DSG_JSON_E_UNEXPECTED, 0);
    EXPECT("Infinity", DSG_JSON_E_UNEXPECTED, 0);
    EXPECT("'a'", DSG_JSON_E_UNEXPECTED, 0);
    /* the text ends early */
    EXPECT("[", DSG_JSON_E_TRUNCATED, 1);
    EXPECT("{\"a\"", DSG_JSON_E_TRUNCATED, 4);
    EXPECT("{\"a\":", DSG_JSON_E_TRUNCATED, 5);
    EXPECT("[1,", DSG_JSON_E_TRUNCATED, 3);
    EXPECT("\"abc", DSG_JSON_E_TRUNCATED, 4);
    EXPECT("\"ab\\", DSG_JSON_E_TRUNCATED, 4);
    EXPECT("\"\\u12", DSG_JSON_E_TRUNCATED, 5);
}
END_TEST

/* n nested arrays around inner (may be empty). */
static size_t nest(int n, const char *inner)
{
    size_t k = 0;
    for (int i = 0; i < n; i++)
        big[k++] = '[';
    memcpy(big + k, inner, strlen(inner));
    k += strlen(inner);
    for (int i = 0; i < n; i++)
        big[k++] = ']';
    return k;
}

/* @relation(REQ-RUN-044) */
START_TEST(test_json_tok_depth_at_and_over_the_limit)
{
    size_t n, at, len;
    /* 32 empty containers: depth 32, the default limit */
    len = nest(32, "");
    ck_assert_int_eq(run_n(big, len, 32, CAP, &n, &at), DSG_JSON_OK);
    ck_assert_uint_eq(n, 32);
    ck_assert_uint_eq(toks[31].depth, 32);
    len = nest(33, "");
    ck_assert_int_eq(run_n(big, len, 32, CAP, &n, &at), DSG_JSON_E_DEPTH);
    ck_assert_uint_eq(at, 32);
    /* a scalar counts one level, as in jansson */
    len = nest(31, "1");
    ck_assert_int_eq(run_n(big, len, 32, CAP, &n, &at), DSG_JSON_OK);
    len = nest(32, "1");
    ck_assert_int_eq(run_n(big, len, 32, CAP, &n, &at), DSG_JSON_E_DEPTH);
    ck_assert_uint_eq(at, 32);
    /* in objects too: names and values sit one level below their object */
    ck_assert_int_eq(run_n("{\"a\":{\"b\":1}}", 13, 3, CAP, &n, &at), DSG_JSON_OK);
    ck_assert_int_eq(run_n("{\"a\":{\"b\":1}}", 13, 2, CAP, &n, &at), DSG_JSON_E_DEPTH);
    ck_assert_uint_eq(at, 6);
    /* limits 0 and 1 */
    ck_assert_int_eq(run_n("1", 1, 0, CAP, &n, &at), DSG_JSON_E_DEPTH);
    ck_assert_uint_eq(at, 0);
    ck_assert_int_eq(run_n("1", 1, 1, CAP, &n, &at), DSG_JSON_OK);
    ck_assert_int_eq(run_n("[]", 2, 1, CAP, &n, &at), DSG_JSON_OK);
    ck_assert_int_eq(run_n("[1]", 3, 1, CAP, &n, &at), DSG_JSON_E_DEPTH);
    /* jansson's own limit, 2048, is the same rule */
    len = nest(2048, "");
    ck_assert(jansson_accepts(big, len));
    ck_assert_int_eq(run_n(big, len, 2048, CAP, &n, &at), DSG_JSON_OK);
    len = nest(2048, "1");
    ck_assert(!jansson_accepts(big, len));
    ck_assert_int_eq(run_n(big, len, 2048, CAP, &n, &at), DSG_JSON_E_DEPTH);
    ck_assert_uint_eq(at, 2048);
}
END_TEST

/* @relation(REQ-RUN-044) */
START_TEST(test_json_tok_token_array_full_and_one_short)
{
    static const char doc[] = "{\"a\":[1,true,null],\"b\":\"x\"}";   /* 8 tokens */
    size_t n, at;
    ck_assert_int_eq(run_n(doc, strlen(doc), 32, 8, &n, &at), DSG_JSON_OK);
    ck_assert_uint_eq(n, 8);
    ck_assert_int_eq(run_n(doc, strlen(doc), 32, 7, &n, &at), DSG_JSON_E_TOO_MANY_TOKENS);
    ck_assert_uint_eq(at, 23);                              /* the last value, "x" */
    ck_assert_int_eq(run_n(doc, strlen(doc), 32, 0, &n, &at), DSG_JSON_E_TOO_MANY_TOKENS);
    ck_assert_uint_eq(at, 0);
    ck_assert_int_eq(run_n("1", 1, 32, 1, &n, &at), DSG_JSON_OK);
    ck_assert_int_eq(run_n("1", 1, 32, 0, &n, &at), DSG_JSON_E_TOO_MANY_TOKENS);
}
END_TEST

/* Decodes the one string token of s; want (with its length) is the value. */
static void expect_value_n(const char *s, const char *want, size_t want_len, int line)
{
    size_t n, at, out_len = 0;
    uint8_t out[64];
    ck_assert_msg(run_n(s, strlen(s), 32, CAP, &n, &at) == DSG_JSON_OK, "line %d: %s", line, s);
    ck_assert_int_eq(toks[0].type, DSG_JSON_STRING);
    ck_assert_int_eq(dsg_json_string_value((const uint8_t *)s, strlen(s), &toks[0], out,
                                           sizeof out, &out_len), DSG_JSON_OK);
    ck_assert_msg(out_len == want_len && memcmp(out, want, want_len) == 0, "line %d: %s", line, s);
    /* jansson decodes it the same way */
    json_error_t err;
    json_t *v = json_loadb(s, strlen(s), JANSSON_FLAGS, &err);
    ck_assert_ptr_nonnull(v);
    ck_assert_uint_eq(json_string_length(v), want_len);
    ck_assert(memcmp(json_string_value(v), want, want_len) == 0);
    json_decref(v);
}

#define EXPECT_VALUE(s, want) expect_value_n((s), (want), sizeof(want) - 1, __LINE__)

/* @relation(REQ-RUN-044) */
START_TEST(test_json_tok_every_escape)
{
    EXPECT_VALUE("\"\\\"\"", "\"");
    EXPECT_VALUE("\"\\\\\"", "\\");
    EXPECT_VALUE("\"\\/\"", "/");
    EXPECT_VALUE("\"\\b\\f\\n\\r\\t\"", "\b\f\n\r\t");
    EXPECT_VALUE("\"\\u0041\\u00e9\\u00E9\\u20ac\"", "A\xc3\xa9\xc3\xa9\xe2\x82\xac");
    EXPECT_VALUE("\"\\u0000\"", "\0");                        /* kept: JSON_ALLOW_NUL */
    EXPECT_VALUE("\"a\\u0000b\"", "a\0b");
    EXPECT_VALUE("\"\\u007f\\u0080\\u07ff\\u0800\\uffff\"",
                 "\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf");
    EXPECT_VALUE("\"\"", "");
    /* every other letter after a backslash is refused */
    for (int c = 0x20; c < 0x7f; c++) {
        if (strchr("\"\\/bfnrtu", c) != NULL)
            continue;
        char s[8];
        snprintf(s, sizeof s, "\"\\%c\"", c);
        EXPECT(s, DSG_JSON_E_BAD_ESCAPE, 1);
    }
    EXPECT("\"\\U0041\"", DSG_JSON_E_BAD_ESCAPE, 1);
    EXPECT("\"\\u00g1\"", DSG_JSON_E_BAD_ESCAPE, 1);
    EXPECT("\"\\u12\"", DSG_JSON_E_TRUNCATED, 6);     /* fewer than 4 digits left */
    EXPECT("\"\\u-123\"", DSG_JSON_E_BAD_ESCAPE, 1);
    EXPECT("\"\\x41\"", DSG_JSON_E_BAD_ESCAPE, 1);
    EXPECT("\"\\\xc3\xa9\"", DSG_JSON_E_BAD_ESCAPE, 1);
}
END_TEST

/* @relation(REQ-RUN-044) */
START_TEST(test_json_tok_surrogate_pairs)
{
    EXPECT_VALUE("\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80");
    EXPECT_VALUE("\"\\uD800\\uDC00\"", "\xf0\x90\x80\x80");   /* U+10000 */
    EXPECT_VALUE("\"\\udbff\\udfff\"", "\xf4\x8f\xbf\xbf");   /* U+10FFFF */
    EXPECT("\"\\ud800\"", DSG_JSON_E_BAD_ESCAPE, 1);          /* lone high */
    EXPECT("\"\\udc00\"", DSG_JSON_E_BAD_ESCAPE, 1);          /* lone low */
    EXPECT("\"\\udfff\\ud800\"", DSG_JSON_E_BAD_ESCAPE, 1);   /* reversed */
    EXPECT("\"\\ud800\\ud800\"", DSG_JSON_E_BAD_ESCAPE, 1);   /* high, high */
    EXPECT("\"\\ud800\\u0041\"", DSG_JSON_E_BAD_ESCAPE, 1);   /* high, not low */
    EXPECT("\"\\ud800a\\udc00\"", DSG_JSON_E_BAD_ESCAPE, 1);  /* not adjacent */
    EXPECT("\"\\ud800\\n\"", DSG_JSON_E_BAD_ESCAPE, 1);
    EXPECT("\"\\ud800\\udc0g\"", DSG_JSON_E_BAD_ESCAPE, 1);
    EXPECT("\"x\\ud800\"", DSG_JSON_E_BAD_ESCAPE, 2);
}
END_TEST

/* @relation(REQ-RUN-044) */
START_TEST(test_json_tok_strict_utf8_in_strings)
{
    static const char *bad[] = {
        "\xc0\xaf",                   /* overlong '/' */
        "\xc1\xbf",                   /* overlong */
        "\xe0\x80\xaf",               /* overlong, 3 bytes */
        "\xe0\x9f\xbf",
        "\xf0\x80\x80\xaf",           /* overlong, 4 bytes */
        "\xf0\x8f\xbf\xbf",
        "\xed\xa0\x80",               /* U+D800 encoded */
        "\xed\xbf\xbf",               /* U+DFFF encoded */
        "\xed\xa0\xbd\xed\xb8\x80",   /* a surrogate pair encoded (CESU-8) */
        "\xf4\x90\x80\x80",           /* above U+10FFFF */
        "\xf5\x80\x80\x80",
        "\xff", "\xfe", "\x80", "\xbf", /* never lead bytes */
        "\xc3", "\xe3\x81", "\xf0\x9f\x98", /* cut short */
        "\xc3\x28", "\xe3\x28\x81",   /* continuation missing */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char s[32];
        snprintf(s, sizeof s, "\"a%s\"", bad[i]);
        EXPECT(s, DSG_JSON_E_BAD_UTF8, 2);
        snprintf(s, sizeof s, "{\"%s\":1}", bad[i]);
        EXPECT(s, DSG_JSON_E_BAD_UTF8, 2);
    }
    EXPECT_VALUE("\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf\"",
                 "\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf");
    EXPECT_VALUE("\"\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"", "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf");
    /* outside strings any byte >= 0x80 is just unexpected */
    EXPECT("\xc3\xa9", DSG_JSON_E_UNEXPECTED, 0);
    EXPECT("[1]\xc3\xa9", DSG_JSON_E_TRAILING, 3);
}
END_TEST

/* @relation(REQ-RUN-044) */
START_TEST(test_json_tok_control_and_nul_bytes)
{
    for (int c = 0; c < 0x20; c++) {
        char s[4] = {'"', (char)c, '"', 0};
        expect_n(s, 3, DSG_JSON_E_CONTROL_CHAR, 1, __LINE__);
    }
    EXPECT_VALUE("\"\x7f\"", "\x7f");                          /* DEL is allowed */
    /* a NUL byte outside a string is refused wherever it is */
    size_t at;
    ck_assert_int_eq(parse("\0", 1, &at), DSG_JSON_E_UNEXPECTED);
    ck_assert_uint_eq(at, 0);
    ck_assert_int_eq(parse("[\0]", 3, &at), DSG_JSON_E_UNEXPECTED);
    ck_assert_uint_eq(at, 1);
    ck_assert_int_eq(parse("\0 1", 3, &at), DSG_JSON_E_UNEXPECTED);
    ck_assert(!jansson_accepts("\0 1", 3));
}
END_TEST

/* A deliberate divergence from jansson 2.14: its reader drops a NUL byte
 * it has just pushed back, so a NUL right after a number or a word is
 * skipped ("1\0" and "[true\0]" are accepted). The gateway refuses it: a
 * NUL byte is never whitespace (RFC 8259 §2). fuzz/json_tok skips this
 * case. @relation(REQ-RUN-044) */
START_TEST(test_json_tok_nul_after_a_number_refused_unlike_jansson)
{
    size_t at;
    ck_assert_int_eq(parse("1\0", 2, &at), DSG_JSON_E_TRAILING);
    ck_assert_uint_eq(at, 1);
    ck_assert_int_eq(parse("[true\0]", 7, &at), DSG_JSON_E_UNEXPECTED);
    ck_assert_uint_eq(at, 5);
    ck_assert(jansson_accepts("1\0", 2));       /* if this fails, jansson was fixed */
}
END_TEST

/* @relation(REQ-RUN-044) */
START_TEST(test_json_tok_number_grammar)
{
    static const char *good[] = {
        "0", "-0", "1", "-1", "10", "1.5", "-1.5", "0.0", "0.5", "1e5", "1E5", "1e+5", "1e-5",
        "1.5e3", "-0.0e-0", "0e0", "123456789", "1.000000000000000000000000001", "0.1e00001",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        EXPECT_OK(good[i]);
        size_t n, at;
        ck_assert_int_eq(run_n(good[i], strlen(good[i]), 1, 1, &n, &at), DSG_JSON_OK);
        ck_assert_int_eq(toks[0].type, DSG_JSON_NUMBER);
        ck_assert_uint_eq(toks[0].len, strlen(good[i]));
    }
    EXPECT("01", DSG_JSON_E_BAD_NUMBER, 1);                   /* leading zeros */
    EXPECT("-01", DSG_JSON_E_BAD_NUMBER, 2);
    EXPECT("00", DSG_JSON_E_BAD_NUMBER, 1);
    EXPECT("-", DSG_JSON_E_BAD_NUMBER, 1);                    /* a lone minus */
    EXPECT("-a", DSG_JSON_E_BAD_NUMBER, 1);
    EXPECT("- 1", DSG_JSON_E_BAD_NUMBER, 1);
    EXPECT("--1", DSG_JSON_E_BAD_NUMBER, 1);
    EXPECT("1.", DSG_JSON_E_BAD_NUMBER, 2);                   /* a point without digits */
    EXPECT("1.e5", DSG_JSON_E_BAD_NUMBER, 2);
    EXPECT("1e", DSG_JSON_E_BAD_NUMBER, 2);                   /* an exponent without digits */
    EXPECT("1e+", DSG_JSON_E_BAD_NUMBER, 3);
    EXPECT("1E-x", DSG_JSON_E_BAD_NUMBER, 3);
    EXPECT("-.5", DSG_JSON_E_BAD_NUMBER, 1);
    EXPECT(".5", DSG_JSON_E_UNEXPECTED, 0);                   /* cannot start a value */
    EXPECT("+1", DSG_JSON_E_UNEXPECTED, 0);
    EXPECT("1.5.5", DSG_JSON_E_TRAILING, 3);
    EXPECT("1e5e5", DSG_JSON_E_TRAILING, 3);
    EXPECT("0x10", DSG_JSON_E_TRAILING, 1);
    EXPECT("[1.]", DSG_JSON_E_BAD_NUMBER, 3);
}
END_TEST

/* @relation(REQ-RUN-044) */
START_TEST(test_json_tok_integers_at_the_int64_edges)
{
    EXPECT_OK("9223372036854775807");
    EXPECT_OK("-9223372036854775808");
    EXPECT_OK("999999999999999999");                          /* 18 digits */
    EXPECT_OK("1000000000000000000");                         /* 19 digits */
    EXPECT_OK("9223372036854775799");
    EXPECT_OK("9123372036854775809");
    EXPECT("9223372036854775808", DSG_JSON_E_NUMBER_RANGE, 0);
    EXPECT("-9223372036854775809", DSG_JSON_E_NUMBER_RANGE, 0);
    EXPECT("9223372036854775810", DSG_JSON_E_NUMBER_RANGE, 0);
    EXPECT("9323372036854775807", DSG_JSON_E_NUMBER_RANGE, 0);
    EXPECT("10000000000000000000", DSG_JSON_E_NUMBER_RANGE, 0);   /* 20 digits */
    EXPECT("[0,99999999999999999999999]", DSG_JSON_E_NUMBER_RANGE, 3);
    /* a real of the same magnitude is fine */
    EXPECT_OK("9223372036854775808.0");
    EXPECT_OK("9223372036854775808e0");
    EXPECT_OK("-99999999999999999999999.5");
}
END_TEST

/* @relation(REQ-RUN-044) */
START_TEST(test_json_tok_reals_that_overflow_a_double)
{
    static const char *edge[] = {
        "1e308", "1e309", "-1e309", "1.7976931348623157e308", "1.7976931348623158e308",
        "1.7976931348623158079e308", "1.79769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791e308",
        "1.797693134862315807937289714053034150799341327100378269361737789804449682927647509466490179775872070963302864166928879109465555478519404026306574886715058206819089020007083836762738548458177115317644757302700698555713669596228429148198608349364752927190741684443655107043427115596995080930428801779041744977920e308",
        "1.7976931348623159e308", "17976931348623158e292", "0.17976931348623159e309",
        "0.0000017976931348623159e314", "1e-400", "-1e-99999999999999", "0e99999999999",
        "0.000e99999", "1e99999999999", "1e-99999999999", "4.9e-324", "2.4e-324",
        "1797693134862315807937289714053034150799341327100378269361737789804449682927647509466490179775872070963302864166928879109465555478519404026306574886715058206819089020007083836762738548458177115317644757302700698555713669596228429148198608349364752927190741684443655107043427115596995080930428801779041744977920.0",
        "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791.9",
        "0.1e310", "10e307", "100e306", "0.01e310", "1000000e302",
    };
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
        /* the number policy: refused exactly when strtod overflows */
        errno = 0;
        double d = strtod(edge[i], NULL);
        int overflows = isinf(d) && errno == ERANGE;
        expect_n(edge[i], strlen(edge[i]), overflows ? DSG_JSON_E_NUMBER_RANGE : DSG_JSON_OK, 0,
                 __LINE__);
    }
    EXPECT("1e309", DSG_JSON_E_NUMBER_RANGE, 0);
    EXPECT_OK("1.7976931348623158e308");
    EXPECT("1.7976931348623159e308", DSG_JSON_E_NUMBER_RANGE, 0);
}
END_TEST

/* @relation(REQ-RUN-044) */
START_TEST(test_json_tok_whitespace_forms)
{
    EXPECT_OK(" \t\r\n{ \t\r\n\"a\" \t\r\n: \t\r\n[ \t\r\n1 \t\r\n, \t\r\n2 \t\r\n] \t\r\n} \t\r\n");
    EXPECT_OK("\n1\n");
    EXPECT("\f1", DSG_JSON_E_UNEXPECTED, 0);                  /* form feed */
    EXPECT("\v1", DSG_JSON_E_UNEXPECTED, 0);                  /* vertical tab */
    EXPECT("1\f", DSG_JSON_E_TRAILING, 1);
    EXPECT("\xc2\xa0" "1", DSG_JSON_E_UNEXPECTED, 0);         /* no-break space */
    EXPECT("\xef\xbb\xbf" "1", DSG_JSON_E_UNEXPECTED, 0);     /* byte order mark */
    EXPECT("[1,\xe2\x80\xa8" "2]", DSG_JSON_E_UNEXPECTED, 3); /* U+2028 */
}
END_TEST

/* @relation(REQ-RUN-044) */
START_TEST(test_json_tok_duplicate_names)
{
    EXPECT("{\"a\":1,\"a\":2}", DSG_JSON_E_DUPLICATE_KEY, 7);
    EXPECT("{\"a\":1,\"\\u0061\":2}", DSG_JSON_E_DUPLICATE_KEY, 7);   /* compared decoded */
    EXPECT("{\"\\u00e9\":1,\"\xc3\xa9\":2}", DSG_JSON_E_DUPLICATE_KEY, 12);
    EXPECT("{\"\\ud83d\\ude00\":1,\"\xf0\x9f\x98\x80\":2}", DSG_JSON_E_DUPLICATE_KEY, 18);
    EXPECT("{\"\\/\":1,\"/\":2}", DSG_JSON_E_DUPLICATE_KEY, 8);
    EXPECT("{\"a\":{\"x\":[1,{\"y\":2}]},\"b\":3,\"a\":4}", DSG_JSON_E_DUPLICATE_KEY, 29);
    EXPECT("[{\"a\":1},{\"b\":1,\"b\":2}]", DSG_JSON_E_DUPLICATE_KEY, 16);
    EXPECT("{\"\":1,\"\":2}", DSG_JSON_E_DUPLICATE_KEY, 6);
    /* names that differ, or equal names in different objects */
    EXPECT_OK("{\"a\":1,\"A\":2,\"a \":3,\"ab\":4,\"b\":5}");
    EXPECT_OK("{\"a\":{\"a\":{\"a\":1}},\"b\":{\"a\":2}}");
    EXPECT_OK("[{\"a\":1},{\"a\":1}]");
    EXPECT_OK("{\"a\":\"a\",\"b\":\"a\"}");                     /* values may repeat */
    /* U+0000 in a name is refused (jansson refuses it), in a value kept */
    EXPECT("{\"a\\u0000\":1}", DSG_JSON_E_NUL_IN_KEY, 1);
    EXPECT("{\"b\":1,\"\\u0000\":1}", DSG_JSON_E_NUL_IN_KEY, 7);
    EXPECT_OK("{\"a\":\"\\u0000\"}");
    EXPECT_OK("[\"\\u0000\"]");
}
END_TEST

/* @relation(REQ-RUN-044) */
START_TEST(test_json_tok_string_value_refusals)
{
    static const char doc[] = "[\"ab\\u00e9\",1]";
    size_t n, at, out_len = 777;
    uint8_t out[8];
    ck_assert_int_eq(run_n(doc, strlen(doc), 32, CAP, &n, &at), DSG_JSON_OK);
    /* not a string token */
    ck_assert_int_eq(dsg_json_string_value((const uint8_t *)doc, strlen(doc), &toks[0], out,
                                           sizeof out, &out_len), DSG_JSON_E_BAD_TOKEN);
    ck_assert_int_eq(dsg_json_string_value((const uint8_t *)doc, strlen(doc), &toks[2], out,
                                           sizeof out, &out_len), DSG_JSON_E_BAD_TOKEN);
    /* a string token that does not lie in the text */
    dsg_json_tok t = toks[1];
    ck_assert_int_eq(dsg_json_string_value((const uint8_t *)doc, 5, &t, out, sizeof out,
                                           &out_len), DSG_JSON_E_BAD_TOKEN);
    t.start = SIZE_MAX;
    ck_assert_int_eq(dsg_json_string_value((const uint8_t *)doc, strlen(doc), &t, out,
                                           sizeof out, &out_len), DSG_JSON_E_BAD_TOKEN);
    t = toks[1];
    t.len = 1;
    ck_assert_int_eq(dsg_json_string_value((const uint8_t *)doc, strlen(doc), &t, out,
                                           sizeof out, &out_len), DSG_JSON_E_BAD_TOKEN);
    ck_assert_uint_eq(out_len, 777);
    /* the value is 4 bytes: every smaller buffer is refused and nothing
     * is written past it */
    for (size_t cap = 0; cap < 4; cap++) {
        memset(out, CANARY, sizeof out);
        ck_assert_int_eq(dsg_json_string_value((const uint8_t *)doc, strlen(doc), &toks[1], out,
                                               cap, &out_len), DSG_JSON_E_NO_ROOM);
        for (size_t i = cap; i < sizeof out; i++)
            ck_assert_uint_eq(out[i], CANARY);
    }
    ck_assert_int_eq(dsg_json_string_value((const uint8_t *)doc, strlen(doc), &toks[1], out, 4,
                                           &out_len), DSG_JSON_OK);
    ck_assert_uint_eq(out_len, 4);
    ck_assert(memcmp(out, "ab\xc3\xa9", 4) == 0);
    /* a token over bytes that are not a valid string */
    static const char bad[] = "\"a\\qb\"";
    t.type = DSG_JSON_STRING;
    t.start = 0;
    t.len = strlen(bad);
    ck_assert_int_eq(dsg_json_string_value((const uint8_t *)bad, strlen(bad), &t, out,
                                           sizeof out, &out_len), DSG_JSON_E_BAD_ESCAPE);
}
END_TEST

/* @relation(REQ-RUN-044) */
START_TEST(test_json_tok_error_tokens_are_stable)
{
    static const char *want[] = {
        "ok", "depth", "too-many-tokens", "bad-utf8", "bad-escape", "control-char",
        "bad-number", "number-range", "trailing", "unexpected", "truncated",
        "duplicate-key", "nul-in-key", "no-room", "bad-token",
    };
    for (int i = 0; i < (int)(sizeof want / sizeof want[0]); i++)
        ck_assert_str_eq(dsg_json_error_token(i), want[i]);
    ck_assert_str_eq(dsg_json_error_token(-1), "unknown");
    ck_assert_str_eq(dsg_json_error_token(DSG_JSON_E_BAD_TOKEN + 1), "unknown");
}
END_TEST

/* ---- well-formed documents ------------------------------------------------------ */

/* @relation(REQ-RUN-044) */
START_TEST(test_json_tok_structure_of_a_document)
{
    static const char doc[] = " {\"a\":[1,2,{\"b\":null}],\"c\":true} ";
    size_t n, at;
    ck_assert_int_eq(run_n(doc, strlen(doc), 32, CAP, &n, &at), DSG_JSON_OK);
    ck_assert_uint_eq(n, 10);
    static const struct {
        int type;
        size_t start, len, parent, size, next;
        uint32_t depth;
    } want[10] = {
        {DSG_JSON_OBJECT, 1, 31, DSG_JSON_NONE, 2, 10, 1},
        {DSG_JSON_STRING, 2, 3, 0, 0, 2, 2},
        {DSG_JSON_ARRAY, 6, 16, 0, 3, 8, 2},
        {DSG_JSON_NUMBER, 7, 1, 2, 0, 4, 3},
        {DSG_JSON_NUMBER, 9, 1, 2, 0, 5, 3},
        {DSG_JSON_OBJECT, 11, 10, 2, 1, 8, 3},
        {DSG_JSON_STRING, 12, 3, 5, 0, 7, 4},
        {DSG_JSON_NULL, 16, 4, 5, 0, 8, 4},
        {DSG_JSON_STRING, 23, 3, 0, 0, 9, 2},
        {DSG_JSON_TRUE, 27, 4, 0, 0, 10, 2},
    };
    for (size_t i = 0; i < 10; i++) {
        ck_assert_int_eq(toks[i].type, want[i].type);
        ck_assert_uint_eq(toks[i].start, want[i].start);
        ck_assert_uint_eq(toks[i].len, want[i].len);
        ck_assert_uint_eq(toks[i].parent, want[i].parent);
        ck_assert_uint_eq(toks[i].size, want[i].size);
        ck_assert_uint_eq(toks[i].next, want[i].next);
        ck_assert_uint_eq(toks[i].depth, want[i].depth);
    }
    /* walking the top object's members by next, without re-parsing */
    size_t name = 1;
    for (size_t m = 0; m < toks[0].size; m++) {
        ck_assert_int_eq(toks[name].type, DSG_JSON_STRING);
        ck_assert_uint_eq(toks[name].parent, 0);
        name = toks[name + 1].next;
    }
    ck_assert_uint_eq(name, toks[0].next);
}
END_TEST

/* @relation(REQ-RUN-044) */
START_TEST(test_json_tok_scalars_at_the_top)
{
    static const struct {
        const char *s;
        int type;
        size_t start, len;
    } cases[] = {
        {"true", DSG_JSON_TRUE, 0, 4}, {"false", DSG_JSON_FALSE, 0, 5},
        {" null ", DSG_JSON_NULL, 1, 4}, {"\"x\"", DSG_JSON_STRING, 0, 3},
        {"\t-12.5e3\n", DSG_JSON_NUMBER, 1, 7}, {"[]", DSG_JSON_ARRAY, 0, 2},
        {"{}", DSG_JSON_OBJECT, 0, 2}, {"[ ]", DSG_JSON_ARRAY, 0, 3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n, at;
        ck_assert_int_eq(run_n(cases[i].s, strlen(cases[i].s), 32, CAP, &n, &at), DSG_JSON_OK);
        ck_assert_uint_eq(n, 1);
        ck_assert_int_eq(toks[0].type, cases[i].type);
        ck_assert_uint_eq(toks[0].start, cases[i].start);
        ck_assert_uint_eq(toks[0].len, cases[i].len);
        ck_assert_uint_eq(toks[0].size, 0);
        ck_assert(jansson_accepts(cases[i].s, strlen(cases[i].s)));
    }
}
END_TEST

/* Every prefix of a valid document is refused (truncated, or a number
 * that ends early is itself valid), and never read past its length.
 * @relation(REQ-RUN-044) */
START_TEST(test_json_tok_every_prefix)
{
    static const char doc[] =
        "{\"k\\u00e9y\":[true,false,null,-1.5e-3,{\"x\":\"\\ud83d\\ude00\xc3\xa9\"}],\"n\":12}";
    size_t len = strlen(doc), at;
    for (size_t k = 0; k < len; k++) {
        char *copy = malloc(k + 1);      /* exactly k bytes: ASan catches a read past them */
        ck_assert_ptr_nonnull(copy);
        memcpy(copy, doc, k);
        int rc = parse(copy, k, &at);
        ck_assert_int_ne(rc, DSG_JSON_OK);
        ck_assert_int_eq(jansson_accepts(copy, k), 0);
        free(copy);
    }
    EXPECT_OK(doc);
}
END_TEST

Suite *suite_json_tok(void)
{
    Suite *s = suite_create("json_tok");

    TCase *bad = tcase_create("bad-input");
    tcase_add_test(bad, test_json_tok_empty_and_blank_are_truncated);
    tcase_add_test(bad, test_json_tok_every_error_code_and_offset);
    tcase_add_test(bad, test_json_tok_structure_errors);
    tcase_add_test(bad, test_json_tok_depth_at_and_over_the_limit);
    tcase_add_test(bad, test_json_tok_token_array_full_and_one_short);
    tcase_add_test(bad, test_json_tok_every_escape);
    tcase_add_test(bad, test_json_tok_surrogate_pairs);
    tcase_add_test(bad, test_json_tok_strict_utf8_in_strings);
    tcase_add_test(bad, test_json_tok_control_and_nul_bytes);
    tcase_add_test(bad, test_json_tok_nul_after_a_number_refused_unlike_jansson);
    tcase_add_test(bad, test_json_tok_number_grammar);
    tcase_add_test(bad, test_json_tok_integers_at_the_int64_edges);
    tcase_add_test(bad, test_json_tok_reals_that_overflow_a_double);
    tcase_add_test(bad, test_json_tok_whitespace_forms);
    tcase_add_test(bad, test_json_tok_duplicate_names);
    tcase_add_test(bad, test_json_tok_string_value_refusals);
    tcase_add_test(bad, test_json_tok_error_tokens_are_stable);
    suite_add_tcase(s, bad);

    TCase *good = tcase_create("well-formed");
    tcase_add_test(good, test_json_tok_structure_of_a_document);
    tcase_add_test(good, test_json_tok_scalars_at_the_top);
    tcase_add_test(good, test_json_tok_every_prefix);
    suite_add_tcase(s, good);
    return s;
}
