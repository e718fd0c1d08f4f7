/*
 * Unit tests of the CTAP2 canonical CBOR decoder (src/core/cbor.h):
 * REQ-MFA-019.
 *
 * Bad input first: every error code with its offset, truncation at every
 * byte, depth and token limits at and over the limit, non-shortest heads,
 * indefinite lengths, tags, floats and simple values, unsorted and
 * duplicate keys, invalid UTF-8. Then the examples of RFC 8949 Appendix
 * A, each judged by the profile of cbor.h (accepted, or refused with the
 * reason), a WebAuthn COSE EC2 key, and the lookups.
 *
 * Every successful decode goes through check_tokens(): the properties the
 * proof states, checked again at run time, the tokens' next/kids fields,
 * and nothing written past the tokens counted.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cbor.h"

Suite *suite_cbor(void);

#define CAP 256
#define CANARY 0xA5u

static dsg_cbor_tok toks[CAP + 1];
static uint8_t bin[4096];

/* Hex digits (spaces allowed) into bin; the byte count. */
static size_t unhex(const char *hex)
{
    size_t n = 0;
    for (const char *p = hex; *p != '\0';) {
        if (*p == ' ') {
            p++;
            continue;
        }
        unsigned v;
        ck_assert_int_eq(sscanf(p, "%2x", &v), 1);
        ck_assert_uint_lt(n, sizeof bin);
        bin[n++] = (uint8_t)v;
        p += 2;
    }
    return n;
}

/* The proved properties at run time, the next and kids fields, the key
 * chain, and the slot after the last token untouched. */
static void check_tokens(const uint8_t *buf, size_t n, size_t eaten, uint32_t max_depth)
{
    const dsg_cbor_tok *t = toks;
    ck_assert_uint_ge(n, 1);
    ck_assert_uint_eq(t[0].parent, DSG_CBOR_NONE);
    ck_assert_uint_eq(t[0].depth, 1);
    ck_assert_uint_eq(t[0].start, 0);
    ck_assert_uint_eq(t[0].len, eaten);
    ck_assert_uint_eq(t[0].next, n);
    for (size_t i = 0; i < n; i++) {
        ck_assert_uint_gt(t[i].len, 0);
        ck_assert_uint_le(t[i].start + t[i].len, eaten);
        ck_assert_uint_ge(t[i].depth, 1);
        ck_assert_uint_le(t[i].depth, max_depth);
        ck_assert(t[i].type <= DSG_CBOR_MAP || t[i].type == DSG_CBOR_SIMPLE);
        ck_assert_uint_gt(t[i].next, i);
        ck_assert_uint_le(t[i].next, n);
        ck_assert_uint_le(t[i].head, t[i].len);
        if (t[i].type == DSG_CBOR_BYTES || t[i].type == DSG_CBOR_TEXT)
            ck_assert_uint_eq(t[i].head + t[i].arg, t[i].len);
        if (t[i].type == DSG_CBOR_ARRAY)
            ck_assert_uint_eq(t[i].kids, t[i].arg);
        if (t[i].type == DSG_CBOR_MAP)
            ck_assert_uint_eq(t[i].kids, 2 * t[i].arg);
        if (t[i].prev_key != DSG_CBOR_NONE) {
            const dsg_cbor_tok *a = &t[t[i].prev_key];
            ck_assert_uint_lt(t[i].prev_key, i);
            ck_assert_uint_eq(a->parent, t[i].parent);
            /* strictly after: major type, then length, then bytes */
            int major = (buf[a->start] >> 5) - (buf[t[i].start] >> 5);
            ck_assert(major < 0 ||
                      (major == 0 && (a->len < t[i].len ||
                                      (a->len == t[i].len &&
                                       memcmp(buf + a->start, buf + t[i].start, a->len) < 0))));
        }
        if (i == 0)
            continue;
        const dsg_cbor_tok *p = &t[t[i].parent];
        ck_assert_uint_lt(t[i].parent, i);
        ck_assert(p->type == DSG_CBOR_ARRAY || p->type == DSG_CBOR_MAP);
        ck_assert_uint_lt(p->start, t[i].start);
        ck_assert_uint_le(t[i].start + t[i].len, p->start + p->len);
        ck_assert_uint_eq(t[i].depth, p->depth + 1);
    }
    const uint8_t *after = (const uint8_t *)&toks[n];
    for (size_t b = 0; n < CAP && b < sizeof toks[n]; b++)
        ck_assert_uint_eq(after[b], CANARY);
}

/* Decodes buf[0 .. len): the result, the count, eaten and the offset. */
static int decode(const uint8_t *buf, size_t len, uint32_t max_depth, size_t cap, size_t *n,
                  size_t *eaten, size_t *at)
{
    memset(toks, CANARY, sizeof toks);
    *n = *eaten = *at = (size_t)-2;
    int rc = dsg_cbor_decode(buf, len, max_depth, toks, cap, n, eaten, at);
    if (rc == DSG_CBOR_OK) {
        ck_assert_uint_gt(*eaten, 0);
        ck_assert_uint_le(*eaten, len);
        ck_assert_uint_le(*n, cap);
        ck_assert_uint_eq(*at, (size_t)-2);
        check_tokens(buf, *n, *eaten, max_depth);
    } else {
        ck_assert_uint_le(*at, len);
        ck_assert_uint_eq(*n, (size_t)-2);
        ck_assert_uint_eq(*eaten, (size_t)-2);
    }
    return rc;
}

/* The hex item is accepted whole, in ntoks tokens (0: any). */
static void expect_ok(const char *hex, size_t ntoks, int line)
{
    size_t len = unhex(hex), n, eaten, at;
    int rc = decode(bin, len, 16, CAP, &n, &eaten, &at);
    ck_assert_msg(rc == DSG_CBOR_OK, "line %d: %s refused: %s at %zu", line, hex,
                  dsg_cbor_error_token(rc), at);
    ck_assert_msg(eaten == len, "line %d: eaten %zu of %zu", line, eaten, len);
    ck_assert_msg(ntoks == 0 || n == ntoks, "line %d: %zu tokens", line, n);
}

/* The hex input is refused with rc at offset at. */
static void expect_err(const char *hex, int want, size_t want_at, int line)
{
    size_t len = unhex(hex), n, eaten, at;
    int rc = decode(bin, len, 16, CAP, &n, &eaten, &at);
    ck_assert_msg(rc == want, "line %d: %s gave %s, not %s", line, hex, dsg_cbor_error_token(rc),
                  dsg_cbor_error_token(want));
    ck_assert_msg(at == want_at, "line %d: %s at %zu, not %zu", line, hex, at, want_at);
}

/* @relation(REQ-MFA-019) */
START_TEST(test_cbor_empty_input_is_truncated)
{
    size_t n, eaten, at;
    ck_assert_int_eq(decode(bin, 0, 16, CAP, &n, &eaten, &at), DSG_CBOR_E_TRUNCATED);
    ck_assert_uint_eq(at, 0);
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_cbor_truncated_at_every_byte)
{
    static const char *items[] = {
        "1b000000e8d4a51000", "3903e7", "4401020304", "64f0908591",
        "8301820203820405", "a26161016162820203", "a201020304",
    };
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        size_t len = unhex(items[i]), n, eaten, at;
        uint8_t copy[64];
        memcpy(copy, bin, len);
        for (size_t cut = 0; cut < len; cut++) {
            int rc = decode(copy, cut, 16, CAP, &n, &eaten, &at);
            ck_assert_msg(rc == DSG_CBOR_E_TRUNCATED, "%s cut at %zu: %s", items[i], cut,
                          dsg_cbor_error_token(rc));
            ck_assert_uint_eq(at, cut);
        }
        ck_assert_int_eq(decode(copy, len, 16, CAP, &n, &eaten, &at), DSG_CBOR_OK);
    }
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_cbor_counts_beyond_the_input_are_truncated_at_once)
{
    /* a length, an array count, a map count larger than the bytes left */
    expect_err("5a ffffffff 00", DSG_CBOR_E_TRUNCATED, 6, __LINE__);
    expect_err("9b ffffffffffffffff 00", DSG_CBOR_E_TRUNCATED, 10, __LINE__);
    expect_err("83 01 02", DSG_CBOR_E_TRUNCATED, 3, __LINE__);
    expect_err("a2 01 02 03", DSG_CBOR_E_TRUNCATED, 4, __LINE__);
    expect_err("7b 8000000000000000", DSG_CBOR_E_TRUNCATED, 9, __LINE__);
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_cbor_non_shortest_heads_are_refused)
{
    expect_err("1817", DSG_CBOR_E_NOT_SHORTEST, 0, __LINE__);
    expect_err("1900ff", DSG_CBOR_E_NOT_SHORTEST, 0, __LINE__);
    expect_err("1a0000ffff", DSG_CBOR_E_NOT_SHORTEST, 0, __LINE__);
    expect_err("1b00000000ffffffff", DSG_CBOR_E_NOT_SHORTEST, 0, __LINE__);
    expect_err("3800", DSG_CBOR_E_NOT_SHORTEST, 0, __LINE__);
    expect_err("5800", DSG_CBOR_E_NOT_SHORTEST, 0, __LINE__);
    expect_err("7801 61", DSG_CBOR_E_NOT_SHORTEST, 0, __LINE__);
    expect_err("9800", DSG_CBOR_E_NOT_SHORTEST, 0, __LINE__);
    expect_err("b800", DSG_CBOR_E_NOT_SHORTEST, 0, __LINE__);
    expect_err("82 01 1802", DSG_CBOR_E_NOT_SHORTEST, 2, __LINE__);
    /* the least value of each width is accepted */
    expect_ok("1818", 1, __LINE__);
    expect_ok("190100", 1, __LINE__);
    expect_ok("1a00010000", 1, __LINE__);
    expect_ok("1b0000000100000000", 1, __LINE__);
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_cbor_indefinite_reserved_tags_and_simple_values_are_refused)
{
    expect_err("5f42010243030405ff", DSG_CBOR_E_INDEFINITE, 0, __LINE__);
    expect_err("7f657374726561646d696e67ff", DSG_CBOR_E_INDEFINITE, 0, __LINE__);
    expect_err("9fff", DSG_CBOR_E_INDEFINITE, 0, __LINE__);
    expect_err("bf61610161629f0203ffff", DSG_CBOR_E_INDEFINITE, 0, __LINE__);
    expect_err("ff", DSG_CBOR_E_INDEFINITE, 0, __LINE__);
    expect_err("1f", DSG_CBOR_E_INDEFINITE, 0, __LINE__);
    expect_err("81 ff", DSG_CBOR_E_INDEFINITE, 1, __LINE__);
    expect_err("1c", DSG_CBOR_E_RESERVED, 0, __LINE__);
    expect_err("3d", DSG_CBOR_E_RESERVED, 0, __LINE__);
    expect_err("fe", DSG_CBOR_E_RESERVED, 0, __LINE__);
    expect_err("c0 00", DSG_CBOR_E_TAG, 0, __LINE__);
    expect_err("82 00 d818 40", DSG_CBOR_E_TAG, 2, __LINE__);
    expect_err("f7", DSG_CBOR_E_SIMPLE, 0, __LINE__);       /* undefined */
    expect_err("f0", DSG_CBOR_E_SIMPLE, 0, __LINE__);       /* simple(16) */
    expect_err("f3", DSG_CBOR_E_SIMPLE, 0, __LINE__);       /* simple(19) */
    expect_err("f8ff", DSG_CBOR_E_SIMPLE, 0, __LINE__);     /* simple(255) */
    expect_err("f818", DSG_CBOR_E_SIMPLE, 0, __LINE__);     /* not well-formed */
    expect_err("f90000", DSG_CBOR_E_SIMPLE, 0, __LINE__);   /* 0.0 */
    expect_err("fa47c35000", DSG_CBOR_E_SIMPLE, 0, __LINE__);
    expect_err("fb3ff199999999999a", DSG_CBOR_E_SIMPLE, 0, __LINE__);
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_cbor_unsorted_and_duplicate_keys_are_refused)
{
    expect_err("a2 03 04 01 02", DSG_CBOR_E_KEY_ORDER, 3, __LINE__);
    expect_err("a2 01 02 01 03", DSG_CBOR_E_KEY_ORDER, 3, __LINE__);
    expect_err("a2 6161 01 6161 02", DSG_CBOR_E_KEY_ORDER, 4, __LINE__);
    /* the major type first: every unsigned key before every negative one */
    expect_err("a2 20 00 01 00", DSG_CBOR_E_KEY_ORDER, 3, __LINE__);
    expect_ok("a2 1864 01 20 02", 5, __LINE__);
    expect_err("a2 20 01 1864 02", DSG_CBOR_E_KEY_ORDER, 3, __LINE__);
    /* then the shorter encoding: "b" before "aa" */
    expect_ok("a2 6162 01 626161 02", 5, __LINE__);
    expect_err("a2 626161 01 6162 02", DSG_CBOR_E_KEY_ORDER, 5, __LINE__);
    /* 23 before 24 (one byte, then two) */
    expect_ok("a2 17 00 1818 00", 5, __LINE__);
    /* integers before byte strings before text strings */
    expect_ok("a4 00 00 20 00 40 00 60 00", 9, __LINE__);
    expect_err("a2 60 00 40 00", DSG_CBOR_E_KEY_ORDER, 3, __LINE__);
    /* each map has its own order; the keys of an inner map do not count */
    expect_ok("a2 01 a2 05 00 06 00 02 00", 0, __LINE__);
    expect_err("a2 05 a1 01 00 02 00", DSG_CBOR_E_KEY_ORDER, 5, __LINE__);
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_cbor_keys_must_be_integers_or_strings)
{
    expect_err("a1 80 01", DSG_CBOR_E_KEY_TYPE, 1, __LINE__);
    expect_err("a1 a0 01", DSG_CBOR_E_KEY_TYPE, 1, __LINE__);
    expect_err("a1 f5 01", DSG_CBOR_E_KEY_TYPE, 1, __LINE__);
    expect_err("a1 f6 01", DSG_CBOR_E_KEY_TYPE, 1, __LINE__);
    /* values may be anything */
    expect_ok("a1 01 a1 02 83 f4 f5 f6", 0, __LINE__);
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_cbor_text_must_be_strict_utf8)
{
    expect_err("61 ff", DSG_CBOR_E_BAD_UTF8, 0, __LINE__);
    expect_err("61 80", DSG_CBOR_E_BAD_UTF8, 0, __LINE__);
    expect_err("62 c080", DSG_CBOR_E_BAD_UTF8, 0, __LINE__);         /* overlong */
    expect_err("63 eda080", DSG_CBOR_E_BAD_UTF8, 0, __LINE__);       /* surrogate */
    expect_err("64 f4908080", DSG_CBOR_E_BAD_UTF8, 0, __LINE__);     /* above U+10FFFF */
    expect_err("62 e282", DSG_CBOR_E_BAD_UTF8, 0, __LINE__);         /* cut short */
    expect_err("82 00 61 c3", DSG_CBOR_E_BAD_UTF8, 2, __LINE__);
    /* byte strings are not text */
    expect_ok("41 ff", 1, __LINE__);
    expect_ok("61 00", 1, __LINE__);
    expect_ok("64 f48fbfbf", 1, __LINE__);
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_cbor_depth_limit)
{
    size_t n, eaten, at;
    size_t len = unhex("81 81 81 01");
    ck_assert_int_eq(decode(bin, len, 4, CAP, &n, &eaten, &at), DSG_CBOR_OK);
    ck_assert_int_eq(decode(bin, len, 3, CAP, &n, &eaten, &at), DSG_CBOR_E_DEPTH);
    ck_assert_uint_eq(at, 3);
    ck_assert_int_eq(decode(bin, len, 0, CAP, &n, &eaten, &at), DSG_CBOR_E_DEPTH);
    ck_assert_uint_eq(at, 0);
    /* an empty container at the limit */
    len = unhex("81 81 80");
    ck_assert_int_eq(decode(bin, len, 3, CAP, &n, &eaten, &at), DSG_CBOR_OK);
    ck_assert_int_eq(decode(bin, len, 2, CAP, &n, &eaten, &at), DSG_CBOR_E_DEPTH);
    ck_assert_uint_eq(at, 2);
    /* a scalar at depth 1 */
    len = unhex("00");
    ck_assert_int_eq(decode(bin, len, 1, CAP, &n, &eaten, &at), DSG_CBOR_OK);
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_cbor_token_limit)
{
    size_t n, eaten, at;
    size_t len = unhex("83 01 02 03");
    ck_assert_int_eq(decode(bin, len, 16, 4, &n, &eaten, &at), DSG_CBOR_OK);
    ck_assert_uint_eq(n, 4);
    ck_assert_int_eq(decode(bin, len, 16, 3, &n, &eaten, &at), DSG_CBOR_E_TOO_MANY_TOKENS);
    ck_assert_uint_eq(at, 3);
    ck_assert_int_eq(decode(bin, len, 16, 0, &n, &eaten, &at), DSG_CBOR_E_TOO_MANY_TOKENS);
    ck_assert_uint_eq(at, 0);
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_cbor_one_item_then_more_bytes)
{
    size_t n, eaten, at;
    size_t len = unhex("01 02 03");
    ck_assert_int_eq(decode(bin, len, 16, CAP, &n, &eaten, &at), DSG_CBOR_OK);
    ck_assert_uint_eq(eaten, 1);
    len = unhex("a1 01 02 ff ff");
    ck_assert_int_eq(decode(bin, len, 16, CAP, &n, &eaten, &at), DSG_CBOR_OK);
    ck_assert_uint_eq(eaten, 3);
    ck_assert_uint_eq(n, 3);
}
END_TEST

/* RFC 8949 Appendix A, the examples the profile accepts. */
/* @relation(REQ-MFA-019) */
START_TEST(test_cbor_rfc8949_examples_accepted)
{
    static const char *ok[] = {
        "00", "01", "0a", "17", "1818", "1819", "1864", "1903e8", "1a000f4240",
        "1b000000e8d4a51000", "1bffffffffffffffff", "3bffffffffffffffff", "20", "29", "3863",
        "3903e7", "f4", "f5", "f6", "40", "4401020304", "60", "6161", "6449455446", "62225c",
        "62c3bc", "63e6b0b4", "64f0908591", "80", "83010203", "8301820203820405",
        "98190102030405060708090a0b0c0d0e0f101112131415161718181819", "a0", "a201020304",
        "a26161016162820203", "826161a161626163", "a56161614161626142616361436164614461656145",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        expect_ok(ok[i], 0, __LINE__);
}
END_TEST

/* RFC 8949 Appendix A, the examples the profile refuses: floats, tags
 * (bignums among them), undefined and other simple values, indefinite
 * lengths. */
/* @relation(REQ-MFA-019) */
START_TEST(test_cbor_rfc8949_examples_refused)
{
    static const struct {
        const char *hex;
        int rc;
    } bad[] = {
        {"c249010000000000000000", DSG_CBOR_E_TAG}, {"c349010000000000000000", DSG_CBOR_E_TAG},
        {"f90000", DSG_CBOR_E_SIMPLE}, {"f98000", DSG_CBOR_E_SIMPLE},
        {"f93c00", DSG_CBOR_E_SIMPLE}, {"fb3ff199999999999a", DSG_CBOR_E_SIMPLE},
        {"f93e00", DSG_CBOR_E_SIMPLE}, {"f97bff", DSG_CBOR_E_SIMPLE},
        {"fa47c35000", DSG_CBOR_E_SIMPLE}, {"fa7f7fffff", DSG_CBOR_E_SIMPLE},
        {"fb7e37e43c8800759c", DSG_CBOR_E_SIMPLE}, {"f90001", DSG_CBOR_E_SIMPLE},
        {"f90400", DSG_CBOR_E_SIMPLE}, {"f9c400", DSG_CBOR_E_SIMPLE},
        {"fbc010666666666666", DSG_CBOR_E_SIMPLE}, {"f97c00", DSG_CBOR_E_SIMPLE},
        {"f97e00", DSG_CBOR_E_SIMPLE}, {"f9fc00", DSG_CBOR_E_SIMPLE},
        {"fa7f800000", DSG_CBOR_E_SIMPLE}, {"fb7ff0000000000000", DSG_CBOR_E_SIMPLE},
        {"f7", DSG_CBOR_E_SIMPLE}, {"f0", DSG_CBOR_E_SIMPLE}, {"f8ff", DSG_CBOR_E_SIMPLE},
        {"c074323031332d30332d32315432303a30343a30305a", DSG_CBOR_E_TAG},
        {"c11a514b67b0", DSG_CBOR_E_TAG}, {"c1fb41d452d9ec200000", DSG_CBOR_E_TAG},
        {"d74401020304", DSG_CBOR_E_TAG}, {"d818456449455446", DSG_CBOR_E_TAG},
        {"d82076687474703a2f2f7777772e6578616d706c652e636f6d", DSG_CBOR_E_TAG},
        {"5f42010243030405ff", DSG_CBOR_E_INDEFINITE},
        {"7f657374726561646d696e67ff", DSG_CBOR_E_INDEFINITE},
        {"9fff", DSG_CBOR_E_INDEFINITE}, {"9f018202039f0405ffff", DSG_CBOR_E_INDEFINITE},
        {"9f01820203820405ff", DSG_CBOR_E_INDEFINITE},
        {"83018202039f0405ff", DSG_CBOR_E_INDEFINITE},
        {"83019f0203ff820405", DSG_CBOR_E_INDEFINITE},
        {"9f0102030405060708090a0b0c0d0e0f101112131415161718181819ff", DSG_CBOR_E_INDEFINITE},
        {"bf61610161629f0203ffff", DSG_CBOR_E_INDEFINITE},
        {"826161bf61626163ff", DSG_CBOR_E_INDEFINITE},
        {"bf6346756ef563416d7421ff", DSG_CBOR_E_INDEFINITE},
        /* found by fuzz/cbor: an indefinite byte string whose chunk is an
         * array of 2^31 items (libcbor allocates it before refusing) */
        {"5f9a9e8b8b53746d74", DSG_CBOR_E_INDEFINITE},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t len = unhex(bad[i].hex), n, eaten, at;
        int rc = decode(bin, len, 16, CAP, &n, &eaten, &at);
        ck_assert_msg(rc == bad[i].rc, "%s gave %s", bad[i].hex, dsg_cbor_error_token(rc));
    }
}
END_TEST

/* The tokens of RFC 8949's {"a": 1, "b": [2, 3]}. */
/* @relation(REQ-MFA-019) */
START_TEST(test_cbor_token_fields)
{
    size_t n, eaten, at;
    size_t len = unhex("a26161016162820203");
    ck_assert_int_eq(decode(bin, len, 16, CAP, &n, &eaten, &at), DSG_CBOR_OK);
    ck_assert_uint_eq(n, 7);
    static const struct {
        uint8_t type;
        uint64_t arg;
        size_t start, len, parent, next, depth, head, prev_key, last_key;
    } want[7] = {
        {DSG_CBOR_MAP, 2, 0, 9, DSG_CBOR_NONE, 7, 1, 1, DSG_CBOR_NONE, 3},
        {DSG_CBOR_TEXT, 1, 1, 2, 0, 2, 2, 1, DSG_CBOR_NONE, DSG_CBOR_NONE},
        {DSG_CBOR_UINT, 1, 3, 1, 0, 3, 2, 1, DSG_CBOR_NONE, DSG_CBOR_NONE},
        {DSG_CBOR_TEXT, 1, 4, 2, 0, 4, 2, 1, 1, DSG_CBOR_NONE},
        {DSG_CBOR_ARRAY, 2, 6, 3, 0, 7, 2, 1, DSG_CBOR_NONE, DSG_CBOR_NONE},
        {DSG_CBOR_UINT, 2, 7, 1, 4, 6, 3, 1, DSG_CBOR_NONE, DSG_CBOR_NONE},
        {DSG_CBOR_UINT, 3, 8, 1, 4, 7, 3, 1, DSG_CBOR_NONE, DSG_CBOR_NONE},
    };
    for (size_t i = 0; i < 7; i++) {
        ck_assert_uint_eq(toks[i].type, want[i].type);
        ck_assert_uint_eq(toks[i].arg, want[i].arg);
        ck_assert_uint_eq(toks[i].start, want[i].start);
        ck_assert_uint_eq(toks[i].len, want[i].len);
        ck_assert_uint_eq(toks[i].parent, want[i].parent);
        ck_assert_uint_eq(toks[i].next, want[i].next);
        ck_assert_uint_eq(toks[i].depth, want[i].depth);
        ck_assert_uint_eq(toks[i].head, want[i].head);
        ck_assert_uint_eq(toks[i].prev_key, want[i].prev_key);
        ck_assert_uint_eq(toks[i].last_key, want[i].last_key);
    }
}
END_TEST

#define COSE_X "1c5f1a7b6e0b2d3f4e5d6c7b8a9f0e1d2c3b4a5968778695a4b3c2d1e0f1a2b3"
#define COSE_Y "a0b1c2d3e4f5061728394a5b6c7d8e9fa0b1c2d3e4f5061728394a5b6c7d8e9f"
/* A COSE_Key (RFC 9053 EC2, P-256, ES256) as a WebAuthn authenticator
 * sends it in the attested credential data: {1: 2, 3: -7, -1: 1,
 * -2: x, -3: y}, followed here by extension bytes. */
#define COSE_EC2 "a5 01 02 03 26 20 01 21 5820" COSE_X " 22 5820" COSE_Y

/* @relation(REQ-MFA-019) */
START_TEST(test_cbor_cose_ec2_key)
{
    size_t n, eaten, at, v;
    int64_t i64;
    size_t len = unhex(COSE_EC2 " a1 6b 68 6d61632d736563726574 f5");
    ck_assert_int_eq(decode(bin, len, 4, 16, &n, &eaten, &at), DSG_CBOR_OK);
    ck_assert_uint_eq(eaten, 77);
    ck_assert_uint_eq(n, 11);
    ck_assert_int_eq(dsg_cbor_map_find_int(toks, n, 0, 1, &v), DSG_CBOR_OK);
    ck_assert_int_eq(dsg_cbor_int(&toks[v], &i64), DSG_CBOR_OK);
    ck_assert_int_eq(i64, 2);                                   /* kty: EC2 */
    ck_assert_int_eq(dsg_cbor_map_find_int(toks, n, 0, 3, &v), DSG_CBOR_OK);
    ck_assert_int_eq(dsg_cbor_int(&toks[v], &i64), DSG_CBOR_OK);
    ck_assert_int_eq(i64, -7);                                  /* alg: ES256 */
    ck_assert_int_eq(dsg_cbor_map_find_int(toks, n, 0, -1, &v), DSG_CBOR_OK);
    ck_assert_int_eq(dsg_cbor_int(&toks[v], &i64), DSG_CBOR_OK);
    ck_assert_int_eq(i64, 1);                                   /* crv: P-256 */
    ck_assert_int_eq(dsg_cbor_map_find_int(toks, n, 0, -2, &v), DSG_CBOR_OK);
    ck_assert_uint_eq(toks[v].type, DSG_CBOR_BYTES);
    ck_assert_uint_eq(toks[v].arg, 32);
    ck_assert_uint_eq(bin[toks[v].start + toks[v].head], 0x1c);
    ck_assert_int_eq(dsg_cbor_map_find_int(toks, n, 0, -3, &v), DSG_CBOR_OK);
    ck_assert_uint_eq(toks[v].arg, 32);
    ck_assert_uint_eq(bin[toks[v].start + toks[v].head + 31], 0x9f);
    ck_assert_int_eq(dsg_cbor_map_find_int(toks, n, 0, 4, &v), DSG_CBOR_E_NOT_FOUND);
    ck_assert_int_eq(dsg_cbor_map_find_int(toks, n, 0, -4, &v), DSG_CBOR_E_NOT_FOUND);
    ck_assert_int_eq(dsg_cbor_map_find_int(toks, n, 1, 1, &v), DSG_CBOR_E_BAD_TOKEN);
    ck_assert_int_eq(dsg_cbor_map_find_int(toks, n, n, 1, &v), DSG_CBOR_E_BAD_TOKEN);
    /* the extensions map after the key decodes on its own */
    ck_assert_int_eq(decode(bin + 77, len - 77, 4, 16, &n, &eaten, &at), DSG_CBOR_OK);
    ck_assert_uint_eq(eaten, len - 77);
    /* a COSE key with its parameters out of order is refused */
    len = unhex("a5 01 02 20 01 03 26 21 5820" COSE_X " 22 5820" COSE_Y);
    ck_assert_int_eq(decode(bin, len, 4, 16, &n, &eaten, &at), DSG_CBOR_E_KEY_ORDER);
    ck_assert_uint_eq(at, 5);
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_cbor_text_key_lookup)
{
    size_t n, eaten, at, v;
    size_t len = unhex("a3 63666d74 646e6f6e65 67617474 53746d74 a0 68617574 6844617461 4100");
    ck_assert_int_eq(decode(bin, len, 4, 16, &n, &eaten, &at), DSG_CBOR_OK);
    ck_assert_int_eq(dsg_cbor_map_find_text(bin, len, toks, n, 0, (const uint8_t *)"fmt", 3, &v),
                     DSG_CBOR_OK);
    ck_assert_uint_eq(toks[v].type, DSG_CBOR_TEXT);
    ck_assert_int_eq(memcmp(bin + toks[v].start + toks[v].head, "none", 4), 0);
    ck_assert_int_eq(
        dsg_cbor_map_find_text(bin, len, toks, n, 0, (const uint8_t *)"attStmt", 7, &v),
        DSG_CBOR_OK);
    ck_assert_uint_eq(toks[v].type, DSG_CBOR_MAP);
    ck_assert_int_eq(
        dsg_cbor_map_find_text(bin, len, toks, n, 0, (const uint8_t *)"authData", 8, &v),
        DSG_CBOR_OK);
    ck_assert_uint_eq(toks[v].type, DSG_CBOR_BYTES);
    ck_assert_int_eq(dsg_cbor_map_find_text(bin, len, toks, n, 0, (const uint8_t *)"fm", 2, &v),
                     DSG_CBOR_E_NOT_FOUND);
    ck_assert_int_eq(
        dsg_cbor_map_find_text(bin, len, toks, n, 0, (const uint8_t *)"authDat", 7, &v),
        DSG_CBOR_E_NOT_FOUND);
    /* an integer is no text key, and the reverse */
    len = unhex("a2 01 00 6131 00");
    ck_assert_int_eq(decode(bin, len, 4, 16, &n, &eaten, &at), DSG_CBOR_OK);
    ck_assert_int_eq(dsg_cbor_map_find_text(bin, len, toks, n, 0, (const uint8_t *)"1", 1, &v),
                     DSG_CBOR_OK);
    ck_assert_uint_eq(v, 4);
    ck_assert_int_eq(dsg_cbor_map_find_int(toks, n, 0, 1, &v), DSG_CBOR_OK);
    ck_assert_uint_eq(v, 2);
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_cbor_int_values_and_range)
{
    size_t n, eaten, at;
    int64_t v = 0;
    size_t len = unhex("1b7fffffffffffffff");
    ck_assert_int_eq(decode(bin, len, 1, 1, &n, &eaten, &at), DSG_CBOR_OK);
    ck_assert_int_eq(dsg_cbor_int(&toks[0], &v), DSG_CBOR_OK);
    ck_assert(v == INT64_MAX);
    len = unhex("1b8000000000000000");
    ck_assert_int_eq(decode(bin, len, 1, 1, &n, &eaten, &at), DSG_CBOR_OK);
    ck_assert_int_eq(dsg_cbor_int(&toks[0], &v), DSG_CBOR_E_RANGE);
    len = unhex("3b7fffffffffffffff");
    ck_assert_int_eq(decode(bin, len, 1, 1, &n, &eaten, &at), DSG_CBOR_OK);
    ck_assert_int_eq(dsg_cbor_int(&toks[0], &v), DSG_CBOR_OK);
    ck_assert(v == INT64_MIN);
    len = unhex("3b8000000000000000");
    ck_assert_int_eq(decode(bin, len, 1, 1, &n, &eaten, &at), DSG_CBOR_OK);
    ck_assert_int_eq(dsg_cbor_int(&toks[0], &v), DSG_CBOR_E_RANGE);
    len = unhex("3863");
    ck_assert_int_eq(decode(bin, len, 1, 1, &n, &eaten, &at), DSG_CBOR_OK);
    ck_assert_int_eq(dsg_cbor_int(&toks[0], &v), DSG_CBOR_OK);
    ck_assert_int_eq(v, -100);
    len = unhex("40");
    ck_assert_int_eq(decode(bin, len, 1, 1, &n, &eaten, &at), DSG_CBOR_OK);
    ck_assert_int_eq(dsg_cbor_int(&toks[0], &v), DSG_CBOR_E_BAD_TOKEN);
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_cbor_error_tokens)
{
    ck_assert_str_eq(dsg_cbor_error_token(DSG_CBOR_OK), "ok");
    ck_assert_str_eq(dsg_cbor_error_token(DSG_CBOR_E_KEY_ORDER), "key-order");
    ck_assert_str_eq(dsg_cbor_error_token(DSG_CBOR_E_RANGE), "range");
    ck_assert_str_eq(dsg_cbor_error_token(-1), "unknown");
    ck_assert_str_eq(dsg_cbor_error_token(DSG_CBOR_E_RANGE + 1), "unknown");
}
END_TEST

Suite *suite_cbor(void)
{
    Suite *s = suite_create("cbor");

    TCase *bad = tcase_create("bad-input");
    tcase_add_test(bad, test_cbor_empty_input_is_truncated);
    tcase_add_test(bad, test_cbor_truncated_at_every_byte);
    tcase_add_test(bad, test_cbor_counts_beyond_the_input_are_truncated_at_once);
    tcase_add_test(bad, test_cbor_non_shortest_heads_are_refused);
    tcase_add_test(bad, test_cbor_indefinite_reserved_tags_and_simple_values_are_refused);
    tcase_add_test(bad, test_cbor_unsorted_and_duplicate_keys_are_refused);
    tcase_add_test(bad, test_cbor_keys_must_be_integers_or_strings);
    tcase_add_test(bad, test_cbor_text_must_be_strict_utf8);
    tcase_add_test(bad, test_cbor_depth_limit);
    tcase_add_test(bad, test_cbor_token_limit);
    suite_add_tcase(s, bad);

    TCase *good = tcase_create("items");
    tcase_add_test(good, test_cbor_one_item_then_more_bytes);
    tcase_add_test(good, test_cbor_rfc8949_examples_accepted);
    tcase_add_test(good, test_cbor_rfc8949_examples_refused);
    tcase_add_test(good, test_cbor_token_fields);
    tcase_add_test(good, test_cbor_cose_ec2_key);
    tcase_add_test(good, test_cbor_text_key_lookup);
    tcase_add_test(good, test_cbor_int_values_and_range);
    tcase_add_test(good, test_cbor_error_tokens);
    suite_add_tcase(s, good);
    return s;
}
