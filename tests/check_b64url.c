/*
 * Unit tests of base64url without padding (src/core/b64url.h):
 * REQ-MFA-019.
 *
 * Refusals first, each with its error and offset (padding, the standard
 * alphabet's + and /, white space, NUL and high bytes, a 4k + 1 length,
 * non-zero trailing bits, a small buffer), then the RFC 4648 §10 vectors
 * in the URL alphabet, then properties: the round trip over many inputs
 * and, over every text of up to 3 characters of a small alphabet, that the
 * decoder accepts exactly the encoder's outputs.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "core/b64url.h"

Suite *suite_b64url(void);

/* Decodes text and checks the contract: on an error *out_len is 0, the
 * offset within the input and the buffer untouched. */
static dsg_b64url_status decode_checked(const char *text, size_t len, uint8_t *out,
                                        size_t cap, size_t *out_len, size_t *at)
{
    uint8_t before[64];
    ck_assert_uint_le(cap, sizeof before);
    memset(out, 0xA5, cap);
    memcpy(before, out, cap);
    size_t err_at = 777;
    dsg_b64url_status st = dsg_b64url_decode(text, len, out, cap, out_len, &err_at);
    ck_assert_int_eq(dsg_b64url_is_valid(text, len), st == DSG_B64URL_OK || st == DSG_B64URL_ERR_ROOM);
    if (st != DSG_B64URL_OK) {
        ck_assert_uint_eq(*out_len, 0);
        ck_assert_uint_le(err_at, len);
        ck_assert(memcmp(out, before, cap) == 0);
        *at = err_at;
    }
    return st;
}

static void expect_refused(const char *text, size_t len, dsg_b64url_status want, size_t want_at)
{
    uint8_t out[64];
    size_t out_len = 99, at = 0;
    ck_assert_int_eq(decode_checked(text, len, out, sizeof out, &out_len, &at), want);
    ck_assert_uint_eq(at, want_at);
}

#define REFUSED(text, want, at) expect_refused((text), sizeof(text) - 1, (want), (at))

/* @relation(REQ-MFA-019) */
START_TEST(test_b64url_padding_is_refused)
{
    REFUSED("Zg==", DSG_B64URL_ERR_BYTE, 2);
    REFUSED("Zm8=", DSG_B64URL_ERR_BYTE, 3);
    REFUSED("=", DSG_B64URL_ERR_BYTE, 0);
    /* a byte outside the alphabet wins over the 4k + 1 length */
    REFUSED("Zm9vY=", DSG_B64URL_ERR_BYTE, 5);
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_b64url_plus_slash_space_control_high_refused)
{
    REFUSED("+_8", DSG_B64URL_ERR_BYTE, 0);
    REFUSED("-/8", DSG_B64URL_ERR_BYTE, 1);
    REFUSED("Zm9v Yg", DSG_B64URL_ERR_BYTE, 4);
    REFUSED("Zm9v\nYg", DSG_B64URL_ERR_BYTE, 4);
    REFUSED("Zm9vYg\r\n", DSG_B64URL_ERR_BYTE, 6);
    REFUSED(" Zg", DSG_B64URL_ERR_BYTE, 0);
    REFUSED("Zm\0v", DSG_B64URL_ERR_BYTE, 2);
    REFUSED("Zm\x80v", DSG_B64URL_ERR_BYTE, 2);
    REFUSED("Zm9\xff", DSG_B64URL_ERR_BYTE, 3);
    REFUSED("Zm9.", DSG_B64URL_ERR_BYTE, 3);
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_b64url_length_4k_plus_1_is_refused)
{
    REFUSED("Z", DSG_B64URL_ERR_LENGTH, 1);
    REFUSED("Zm9vY", DSG_B64URL_ERR_LENGTH, 5);
    REFUSED("Zm9vYmFyZ", DSG_B64URL_ERR_LENGTH, 9);
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_b64url_trailing_bits_are_refused)
{
    /* "f" is Zg: the low 4 bits of g (32) are zero; Zh (33) sets one */
    REFUSED("Zh", DSG_B64URL_ERR_TRAILING_BITS, 1);
    REFUSED("Z_", DSG_B64URL_ERR_TRAILING_BITS, 1);
    REFUSED("QR", DSG_B64URL_ERR_TRAILING_BITS, 1);
    /* "fo" is Zm8: the low 2 bits of 8 (60) are zero; 9 (61) sets one */
    REFUSED("Zm9", DSG_B64URL_ERR_TRAILING_BITS, 2);
    REFUSED("Zm9vYmB", DSG_B64URL_ERR_TRAILING_BITS, 6);
    REFUSED("Zm9vYmFyZh", DSG_B64URL_ERR_TRAILING_BITS, 9);
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_b64url_decode_without_room_writes_nothing)
{
    uint8_t out[8];
    size_t out_len = 5, at = 9;
    ck_assert_int_eq(decode_checked("Zm9vYmFy", 8, out, 5, &out_len, &at), DSG_B64URL_ERR_ROOM);
    ck_assert_uint_eq(at, 0);
    ck_assert_int_eq(decode_checked("Zm8", 3, out, 1, &out_len, &at), DSG_B64URL_ERR_ROOM);
    ck_assert_int_eq(decode_checked("Zm8", 3, out, 2, &out_len, &at), DSG_B64URL_OK);
    ck_assert_uint_eq(out_len, 2);
    ck_assert_int_eq(decode_checked("", 0, out, 0, &out_len, &at), DSG_B64URL_OK);
    ck_assert_uint_eq(out_len, 0);
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_b64url_encode_without_room_writes_nothing)
{
    char out[8];
    size_t out_len = 77;
    memset(out, 'x', sizeof out);
    ck_assert_int_eq(dsg_b64url_encode((const uint8_t *)"foobar", 6, out, 7, &out_len),
                     DSG_B64URL_ERR_ROOM);
    ck_assert_int_eq(dsg_b64url_encode((const uint8_t *)"f", 1, out, 1, &out_len),
                     DSG_B64URL_ERR_ROOM);
    ck_assert_uint_eq(out_len, 77);
    for (size_t i = 0; i < sizeof out; i++)
        ck_assert_int_eq(out[i], 'x');
    ck_assert_int_eq(dsg_b64url_encode((const uint8_t *)"f", 1, out, 2, &out_len), DSG_B64URL_OK);
    ck_assert_uint_eq(out_len, 2);
    ck_assert_int_eq(out[2], 'x');
}
END_TEST

/* @relation(REQ-MFA-019) */
START_TEST(test_b64url_encoded_len_formula)
{
    ck_assert_uint_eq(dsg_b64url_encoded_len(0), 0);
    ck_assert_uint_eq(dsg_b64url_encoded_len(1), 2);
    ck_assert_uint_eq(dsg_b64url_encoded_len(2), 3);
    ck_assert_uint_eq(dsg_b64url_encoded_len(3), 4);
    ck_assert_uint_eq(dsg_b64url_encoded_len(32), 43);
    ck_assert_uint_eq(dsg_b64url_encoded_len(3 * (SIZE_MAX / 4)), 4 * (SIZE_MAX / 4));
    ck_assert_uint_eq(dsg_b64url_encoded_len(3 * (SIZE_MAX / 4) + 1), 0);
    ck_assert_str_eq(dsg_b64url_status_token(DSG_B64URL_ERR_TRAILING_BITS), "trailing-bits");
    ck_assert_str_eq(dsg_b64url_status_token((dsg_b64url_status)99), "unknown");
}
END_TEST

static void vector(const char *bytes, size_t n, const char *text)
{
    char enc[64];
    uint8_t dec[64];
    size_t enc_len = 0, dec_len = 0, at = 0;
    ck_assert_int_eq(dsg_b64url_encode((const uint8_t *)bytes, n, enc, sizeof enc, &enc_len),
                     DSG_B64URL_OK);
    ck_assert_uint_eq(enc_len, strlen(text));
    ck_assert(memcmp(enc, text, enc_len) == 0);
    ck_assert_int_eq(decode_checked(text, strlen(text), dec, sizeof dec, &dec_len, &at),
                     DSG_B64URL_OK);
    ck_assert_uint_eq(dec_len, n);
    ck_assert(memcmp(dec, bytes, n) == 0);
}

/* RFC 4648 §10 (no character of those vectors differs between the two
 * alphabets; padding dropped), and the two characters that do differ.
 * @relation(REQ-MFA-019) */
START_TEST(test_b64url_rfc4648_vectors)
{
    vector("", 0, "");
    vector("f", 1, "Zg");
    vector("fo", 2, "Zm8");
    vector("foo", 3, "Zm9v");
    vector("foob", 4, "Zm9vYg");
    vector("fooba", 5, "Zm9vYmE");
    vector("foobar", 6, "Zm9vYmFy");
    vector("\xfb\xff", 2, "-_8");        /* standard: +/8= */
    vector("\xff\xff\xff", 3, "____");   /* standard: //// */
    vector("\x00\x00\x00", 3, "AAAA");
    vector("\x00", 1, "AA");
}
END_TEST

static uint32_t rng_state = 12345u;
static uint8_t rnd(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return (uint8_t)(rng_state >> 16);
}

/* @relation(REQ-MFA-019) */
START_TEST(test_b64url_round_trip_many)
{
    uint8_t in[100], dec[100];
    char enc[140];
    for (size_t n = 0; n <= sizeof in; n++) {
        for (int rep = 0; rep < 20; rep++) {
            for (size_t i = 0; i < n; i++)
                in[i] = rnd();
            size_t enc_len = 0, dec_len = 0, at = 0;
            ck_assert_int_eq(dsg_b64url_encode(in, n, enc, sizeof enc, &enc_len), DSG_B64URL_OK);
            ck_assert_uint_eq(enc_len, dsg_b64url_encoded_len(n));
            ck_assert(dsg_b64url_is_valid(enc, enc_len));
            ck_assert_int_eq(dsg_b64url_decode(enc, enc_len, dec, sizeof dec, &dec_len, &at),
                             DSG_B64URL_OK);
            ck_assert_uint_eq(dec_len, n);
            ck_assert(memcmp(dec, in, n) == 0);
        }
    }
}
END_TEST

/* Every text of 0..3 characters over a mix of alphabet and other bytes:
 * accepted exactly when it is the encoding of what it decodes to.
 * @relation(REQ-MFA-019) */
START_TEST(test_b64url_accepts_exactly_canonical_texts)
{
    static const char chars[] = "AQgwBhzZ09-_+/= \0\x80";
    const size_t nc = sizeof chars - 1;
    char text[3];
    for (size_t len = 0; len <= 3; len++) {
        size_t total = 1;
        for (size_t k = 0; k < len; k++)
            total *= nc;
        for (size_t idx = 0; idx < total; idx++) {
            size_t v = idx;
            for (size_t k = 0; k < len; k++, v /= nc)
                text[k] = chars[v % nc];
            uint8_t dec[4];
            size_t dec_len = 0, at = 0, enc_len = 0;
            char enc[8];
            dsg_b64url_status st = decode_checked(text, len, dec, sizeof dec, &dec_len, &at);
            if (st != DSG_B64URL_OK)
                continue;
            ck_assert_int_eq(dsg_b64url_encode(dec, dec_len, enc, sizeof enc, &enc_len),
                             DSG_B64URL_OK);
            ck_assert_uint_eq(enc_len, len);
            ck_assert(memcmp(enc, text, len) == 0);
        }
    }
}
END_TEST

Suite *suite_b64url(void)
{
    Suite *s = suite_create("b64url");
    TCase *bad = tcase_create("refused");
    tcase_add_test(bad, test_b64url_padding_is_refused);
    tcase_add_test(bad, test_b64url_plus_slash_space_control_high_refused);
    tcase_add_test(bad, test_b64url_length_4k_plus_1_is_refused);
    tcase_add_test(bad, test_b64url_trailing_bits_are_refused);
    tcase_add_test(bad, test_b64url_decode_without_room_writes_nothing);
    tcase_add_test(bad, test_b64url_encode_without_room_writes_nothing);
    suite_add_tcase(s, bad);
    TCase *ok = tcase_create("vectors");
    tcase_add_test(ok, test_b64url_encoded_len_formula);
    tcase_add_test(ok, test_b64url_rfc4648_vectors);
    tcase_add_test(ok, test_b64url_round_trip_many);
    tcase_add_test(ok, test_b64url_accepts_exactly_canonical_texts);
    suite_add_tcase(s, ok);
    return s;
}
