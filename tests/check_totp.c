/*
 * Unit tests of TOTP (src/auth/totp.h, src/auth/totp_hmac.h,
 * src/auth/totp_uri.h, src/core/b32.h): REQ-MFA-005.
 *
 * Bad input first: digits outside 6..8, HMACs of the wrong length,
 * candidates of the wrong length or with a non-digit, malformed windows,
 * times before 1970; then replay (the same step twice, an earlier step
 * after a later one) and the window's edges; then the RFC 4226 §5.4 and
 * Appendix D vectors, the RFC 6238 Appendix B table, 6, 7 and 8 digits,
 * new secrets, base32 (RFC 4648 §10) and the otpauth:// URI.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "auth/totp.h"
#include "auth/totp_hmac.h"
#include "auth/totp_uri.h"
#include "core/b32.h"

Suite *suite_totp(void);

/* RFC 4226 Appendix D and RFC 6238 Appendix B seeds (ASCII). */
static const uint8_t SEED20[] = "12345678901234567890";
static const uint8_t SEED32[] = "12345678901234567890123456789012";

#define NOW 1000u   /* an arbitrary current step */

/* A window of skew 1 around NOW whose codes are 100, 200, 300. */
static const uint32_t WINDOW3[3] = { 100, 200, 300 };

static dsg_totp_status verify(const char *cand, unsigned digits, uint64_t last, uint64_t *matched)
{
    return dsg_totp_verify(cand, strlen(cand), digits, NOW, 1, last, WINDOW3, 3, matched);
}

/* @relation(REQ-MFA-005) */
START_TEST(test_totp_digits_outside_6_to_8_refused)
{
    uint64_t m = 42;
    ck_assert_int_eq(verify("00100", 5, 0, &m), DSG_TOTP_ERR_DIGITS);
    ck_assert_int_eq(verify("000000100", 9, 0, &m), DSG_TOTP_ERR_DIGITS);
    ck_assert_int_eq(verify("", 0, 0, &m), DSG_TOTP_ERR_DIGITS);
    ck_assert_uint_eq(m, 42);
    uint8_t mac[20] = { 0 };
    uint32_t code = 7;
    ck_assert_int_eq(dsg_totp_truncate(mac, 20, 5, &code), DSG_TOTP_ERR_DIGITS);
    ck_assert_int_eq(dsg_totp_truncate(mac, 20, 9, &code), DSG_TOTP_ERR_DIGITS);
    ck_assert_uint_eq(code, 7);
    ck_assert_int_eq(dsg_totp_hotp(DSG_TOTP_SHA1, SEED20, 20, 10, 0, &code), DSG_TOTP_ERR_DIGITS);
}
END_TEST

/* @relation(REQ-MFA-005) */
START_TEST(test_totp_mac_length_refused)
{
    uint8_t mac[65] = { 0 };
    uint32_t code = 7;
    ck_assert_int_eq(dsg_totp_truncate(mac, 0, 6, &code), DSG_TOTP_ERR_MAC);
    ck_assert_int_eq(dsg_totp_truncate(mac, 19, 6, &code), DSG_TOTP_ERR_MAC);
    ck_assert_int_eq(dsg_totp_truncate(mac, 65, 6, &code), DSG_TOTP_ERR_MAC);
    ck_assert_uint_eq(code, 7);
    ck_assert_int_eq(dsg_totp_truncate(mac, 20, 6, &code), DSG_TOTP_OK);
    ck_assert_int_eq(dsg_totp_truncate(mac, 64, 6, &code), DSG_TOTP_OK);
}
END_TEST

/* @relation(REQ-MFA-005) */
START_TEST(test_totp_wrong_length_or_non_digit_refused)
{
    uint64_t m = 42;
    ck_assert_int_eq(verify("", 6, 0, &m), DSG_TOTP_ERR_FORMAT);
    ck_assert_int_eq(verify("00010", 6, 0, &m), DSG_TOTP_ERR_FORMAT);      /* too short */
    ck_assert_int_eq(verify("0000100", 6, 0, &m), DSG_TOTP_ERR_FORMAT);    /* too long */
    ck_assert_int_eq(verify("000100", 7, 0, &m), DSG_TOTP_ERR_FORMAT);
    ck_assert_int_eq(verify("00010a", 6, 0, &m), DSG_TOTP_ERR_FORMAT);
    ck_assert_int_eq(verify(" 00100", 6, 0, &m), DSG_TOTP_ERR_FORMAT);
    ck_assert_int_eq(verify("+00100", 6, 0, &m), DSG_TOTP_ERR_FORMAT);
    ck_assert_int_eq(verify("-00100", 6, 0, &m), DSG_TOTP_ERR_FORMAT);
    ck_assert_int_eq(verify("0001/0", 6, 0, &m), DSG_TOTP_ERR_FORMAT);   /* '0' - 1 */
    ck_assert_int_eq(verify("0001:0", 6, 0, &m), DSG_TOTP_ERR_FORMAT);   /* '9' + 1 */
    ck_assert_int_eq(dsg_totp_verify("000\0100", 7, 7, NOW, 1, 0, WINDOW3, 3, &m),
                     DSG_TOTP_ERR_FORMAT);
    ck_assert_int_eq(dsg_totp_verify("\xd9\xa0\xd9\xa0\xd9\xa1", 6, 6, NOW, 1, 0, WINDOW3, 3, &m),
                     DSG_TOTP_ERR_FORMAT);   /* Arabic-Indic digits are not ASCII digits */
    ck_assert_uint_eq(m, 42);
}
END_TEST

/* @relation(REQ-MFA-005) */
START_TEST(test_totp_malformed_window_refused)
{
    uint64_t m = 42;
    uint32_t codes[DSG_TOTP_WINDOW_MAX + 2] = { 0 };
    /* ncodes not 2 skew + 1 */
    ck_assert_int_eq(dsg_totp_verify("000000", 6, 6, NOW, 1, 0, codes, 2, &m), DSG_TOTP_ERR_WINDOW);
    ck_assert_int_eq(dsg_totp_verify("000000", 6, 6, NOW, 1, 0, codes, 4, &m), DSG_TOTP_ERR_WINDOW);
    ck_assert_int_eq(dsg_totp_verify("000000", 6, 6, NOW, 0, 0, codes, 0, &m), DSG_TOTP_ERR_WINDOW);
    /* skew above the maximum */
    ck_assert_int_eq(dsg_totp_verify("000000", 6, 6, NOW, DSG_TOTP_SKEW_MAX + 1, 0, codes,
                                     DSG_TOTP_WINDOW_MAX + 2, &m), DSG_TOTP_ERR_WINDOW);
    /* steps below 0 or above 2^64 - 1 */
    ck_assert_int_eq(dsg_totp_verify("000000", 6, 6, 0, 1, 0, codes, 3, &m), DSG_TOTP_ERR_WINDOW);
    ck_assert_int_eq(dsg_totp_verify("000000", 6, 6, UINT64_MAX, 1, 0, codes, 3, &m),
                     DSG_TOTP_ERR_WINDOW);
    ck_assert_uint_eq(m, 42);
    /* the edges themselves are fine */
    ck_assert_int_eq(dsg_totp_verify("000000", 6, 6, 1, 1, 0, codes, 3, &m), DSG_TOTP_OK);
    ck_assert_uint_eq(m, 2);
    ck_assert_int_eq(dsg_totp_verify("000000", 6, 6, UINT64_MAX - 1, 1, 0, codes, 3, &m),
                     DSG_TOTP_OK);
    ck_assert_uint_eq(m, UINT64_MAX);
    ck_assert_int_eq(dsg_totp_verify("000000", 6, 6, DSG_TOTP_SKEW_MAX, DSG_TOTP_SKEW_MAX, 0,
                                     codes, DSG_TOTP_WINDOW_MAX, &m), DSG_TOTP_OK);
    uint32_t code = 0;
    ck_assert_int_eq(dsg_totp_window_codes(DSG_TOTP_SHA1, SEED20, 20, 6, 0, 1, codes, 3, &(size_t){ 0 }),
                     DSG_TOTP_ERR_WINDOW);
    ck_assert_int_eq(dsg_totp_window_codes(DSG_TOTP_SHA1, SEED20, 20, 6, NOW, 1, codes, 2, &(size_t){ 0 }),
                     DSG_TOTP_ERR_ROOM);
    ck_assert_int_eq(dsg_totp_hotp((dsg_totp_alg)7, SEED20, 20, 6, 0, &code), DSG_TOTP_ERR_ALG);
    ck_assert_int_eq(dsg_totp_hotp(DSG_TOTP_SHA1, SEED20, 15, 6, 0, &code), DSG_TOTP_ERR_SECRET);
}
END_TEST

/* @relation(REQ-MFA-005) */
START_TEST(test_totp_time_before_1970_refused)
{
    uint64_t step = 42, m = 42;
    ck_assert_int_eq(dsg_totp_step(-1, &step), DSG_TOTP_ERR_TIME);
    ck_assert_int_eq(dsg_totp_step(INT64_MIN, &step), DSG_TOTP_ERR_TIME);
    ck_assert_uint_eq(step, 42);
    ck_assert_int_eq(dsg_totp_check(DSG_TOTP_SHA1, SEED20, 20, 6, -30, 1, 0, "000000", 6, &m),
                     DSG_TOTP_ERR_TIME);
    ck_assert_int_eq(dsg_totp_step(0, &step), DSG_TOTP_OK);
    ck_assert_uint_eq(step, 0);
    ck_assert_int_eq(dsg_totp_step(29, &step), DSG_TOTP_OK);
    ck_assert_uint_eq(step, 0);
    ck_assert_int_eq(dsg_totp_step(30, &step), DSG_TOTP_OK);
    ck_assert_uint_eq(step, 1);
    ck_assert_int_eq(dsg_totp_step(INT64_MAX, &step), DSG_TOTP_OK);
    ck_assert_uint_eq(step, (uint64_t)INT64_MAX / 30);
}
END_TEST

/* @relation(REQ-MFA-005) */
START_TEST(test_totp_same_step_twice_is_replay)
{
    uint64_t m = 0;
    ck_assert_int_eq(verify("000200", 6, 0, &m), DSG_TOTP_OK);
    ck_assert_uint_eq(m, NOW);
    uint64_t again = 42;
    ck_assert_int_eq(verify("000200", 6, m, &again), DSG_TOTP_REPLAY);
    ck_assert_uint_eq(again, 42);
    /* a code never seen is a mismatch, not a replay */
    ck_assert_int_eq(verify("000201", 6, m, &again), DSG_TOTP_MISMATCH);
}
END_TEST

/* @relation(REQ-MFA-005) */
START_TEST(test_totp_earlier_step_after_later_is_replay)
{
    uint64_t m = 0, m2 = 42;
    ck_assert_int_eq(verify("000300", 6, 0, &m), DSG_TOTP_OK);   /* step NOW + 1 */
    ck_assert_uint_eq(m, NOW + 1);
    ck_assert_int_eq(verify("000200", 6, m, &m2), DSG_TOTP_REPLAY);   /* step NOW */
    ck_assert_int_eq(verify("000100", 6, m, &m2), DSG_TOTP_REPLAY);   /* step NOW - 1 */
    ck_assert_uint_eq(m2, 42);
    /* last accepted NOW - 1: NOW and NOW + 1 still pass, NOW - 1 does not */
    ck_assert_int_eq(verify("000100", 6, NOW - 1, &m2), DSG_TOTP_REPLAY);
    ck_assert_int_eq(verify("000200", 6, NOW - 1, &m2), DSG_TOTP_OK);
    ck_assert_uint_eq(m2, NOW);
}
END_TEST

/* Two steps of the window with the same code: the later one is taken, so
 * storing it refuses both afterwards. @relation(REQ-MFA-005) */
START_TEST(test_totp_duplicate_code_matches_latest_step)
{
    static const uint32_t dup[3] = { 555, 1, 555 };
    uint64_t m = 0;
    ck_assert_int_eq(dsg_totp_verify("000555", 6, 6, NOW, 1, 0, dup, 3, &m), DSG_TOTP_OK);
    ck_assert_uint_eq(m, NOW + 1);
    ck_assert_int_eq(dsg_totp_verify("000555", 6, 6, NOW, 1, m, dup, 3, &m), DSG_TOTP_REPLAY);
    /* with NOW + 1 already used, NOW - 1 is no longer later than the last */
    ck_assert_int_eq(dsg_totp_verify("000555", 6, 6, NOW, 1, NOW - 2, dup, 3, &m), DSG_TOTP_OK);
    ck_assert_uint_eq(m, NOW + 1);
}
END_TEST

/* The code of step now - skew + i for the seed. */
static void code_text(uint64_t step, unsigned digits, char out[9])
{
    uint32_t code = 0;
    ck_assert_int_eq(dsg_totp_hotp(DSG_TOTP_SHA1, SEED20, 20, digits, step, &code), DSG_TOTP_OK);
    snprintf(out, 9, "%0*u", (int)digits, (unsigned)code);
}

/* Through dsg_totp_check, at a real time: the codes of now ± skew pass,
 * those of now ± (skew + 1) do not. @relation(REQ-MFA-005) */
START_TEST(test_totp_window_edges)
{
    const int64_t t = 1111111111;   /* step 37037037 */
    const uint64_t now = 37037037;
    for (uint32_t skew = 0; skew <= 2; skew++) {
        char c[9];
        uint64_t m = 0;
        for (int64_t d = -(int64_t)skew - 2; d <= (int64_t)skew + 2; d++) {
            code_text(now + (uint64_t)d, 6, c);
            dsg_totp_status st = dsg_totp_check(DSG_TOTP_SHA1, SEED20, 20, 6, t, skew, 0, c, 6, &m);
            if (d >= -(int64_t)skew && d <= (int64_t)skew) {
                ck_assert_int_eq(st, DSG_TOTP_OK);
                ck_assert_uint_eq(m, now + (uint64_t)d);
            } else {
                ck_assert_int_eq(st, DSG_TOTP_MISMATCH);
            }
        }
    }
    /* the first and the last second of the step give the same window */
    char c[9];
    uint64_t m = 0;
    code_text(now - 1, 6, c);
    ck_assert_int_eq(dsg_totp_check(DSG_TOTP_SHA1, SEED20, 20, 6, 1111111110, 1, 0, c, 6, &m), DSG_TOTP_OK);
    ck_assert_int_eq(dsg_totp_check(DSG_TOTP_SHA1, SEED20, 20, 6, 1111111139, 1, 0, c, 6, &m), DSG_TOTP_OK);
    ck_assert_int_eq(dsg_totp_check(DSG_TOTP_SHA1, SEED20, 20, 6, 1111111140, 1, 0, c, 6, &m), DSG_TOTP_MISMATCH);
}
END_TEST

/* RFC 4226 §5.4: the worked example of dynamic truncation.
 * @relation(REQ-MFA-005) */
START_TEST(test_totp_rfc4226_truncation_example)
{
    static const uint8_t mac[20] = { 0x1f, 0x86, 0x98, 0x69, 0x0e, 0x02, 0xca, 0x16, 0x61, 0x85,
                                     0x50, 0xef, 0x7f, 0x19, 0xda, 0x8e, 0x94, 0x5b, 0x55, 0x5a };
    uint32_t code = 0;
    ck_assert_int_eq(dsg_totp_truncate(mac, 20, 6, &code), DSG_TOTP_OK);
    ck_assert_uint_eq(code, 872921);   /* 0x50ef7f19 = 1357872921 */
    ck_assert_int_eq(dsg_totp_truncate(mac, 20, 7, &code), DSG_TOTP_OK);
    ck_assert_uint_eq(code, 7872921);
    ck_assert_int_eq(dsg_totp_truncate(mac, 20, 8, &code), DSG_TOTP_OK);
    ck_assert_uint_eq(code, 57872921);
    /* the top bit of the first byte is cleared; offset 15 reads mac[15..18] */
    uint8_t hi[20];
    memset(hi, 0xff, sizeof hi);
    ck_assert_int_eq(dsg_totp_truncate(hi, 20, 8, &code), DSG_TOTP_OK);
    ck_assert_uint_eq(code, 0x7fffffffu % 100000000u);
}
END_TEST

/* RFC 4226 Appendix D: HOTP of the 20-byte seed, counters 0..9.
 * @relation(REQ-MFA-005) */
START_TEST(test_totp_rfc4226_hotp_vectors)
{
    static const uint32_t want[10] = { 755224, 287082, 359152, 969429, 338314,
                                       254676, 287922, 162583, 399871, 520489 };
    for (uint64_t c = 0; c < 10; c++) {
        uint32_t code = 0;
        ck_assert_int_eq(dsg_totp_hotp(DSG_TOTP_SHA1, SEED20, 20, 6, c, &code), DSG_TOTP_OK);
        ck_assert_uint_eq(code, want[c]);
    }
}
END_TEST

/* RFC 6238 Appendix B: 8 digits, SHA-1 and SHA-256 with their seeds,
 * checked through dsg_totp_check (skew 0) as well. @relation(REQ-MFA-005) */
START_TEST(test_totp_rfc6238_vectors)
{
    static const struct {
        int64_t t;
        uint64_t step;
        const char *sha1, *sha256;
    } v[] = {
        { 59, 0x1, "94287082", "46119246" },
        { 1111111109, 0x23523EC, "07081804", "68084774" },
        { 1111111111, 0x23523ED, "14050471", "67062674" },
        { 1234567890, 0x273EF07, "89005924", "91819424" },
        { 2000000000, 0x3F940AA, "69279037", "90698825" },
        { 20000000000, 0x27BC86AA, "65353130", "77737706" },
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        uint64_t step = 0, m = 0;
        uint32_t code = 0;
        char text[9];
        ck_assert_int_eq(dsg_totp_step(v[i].t, &step), DSG_TOTP_OK);
        ck_assert_uint_eq(step, v[i].step);
        ck_assert_int_eq(dsg_totp_hotp(DSG_TOTP_SHA1, SEED20, 20, 8, step, &code), DSG_TOTP_OK);
        snprintf(text, sizeof text, "%08u", (unsigned)code);
        ck_assert_str_eq(text, v[i].sha1);
        ck_assert_int_eq(dsg_totp_hotp(DSG_TOTP_SHA256, SEED32, 32, 8, step, &code), DSG_TOTP_OK);
        snprintf(text, sizeof text, "%08u", (unsigned)code);
        ck_assert_str_eq(text, v[i].sha256);
        ck_assert_int_eq(dsg_totp_check(DSG_TOTP_SHA1, SEED20, 20, 8, v[i].t, 0, 0, v[i].sha1, 8, &m),
                         DSG_TOTP_OK);
        ck_assert_uint_eq(m, step);
        ck_assert_int_eq(dsg_totp_check(DSG_TOTP_SHA256, SEED32, 32, 8, v[i].t, 0, 0, v[i].sha256, 8, &m),
                         DSG_TOTP_OK);
        /* the SHA-1 code is not the SHA-256 one */
        ck_assert_int_eq(dsg_totp_check(DSG_TOTP_SHA256, SEED32, 32, 8, v[i].t, 0, 0, v[i].sha1, 8, &m),
                         DSG_TOTP_MISMATCH);
    }
}
END_TEST

/* 6, 7 and 8 digits are the last 6, 7 and 8 digits of the same number.
 * @relation(REQ-MFA-005) */
START_TEST(test_totp_6_7_8_digits)
{
    /* RFC 6238 Appendix B, T = 1234567890, SHA-1: 89005924 */
    const int64_t t = 1234567890;
    uint64_t m = 0;
    ck_assert_int_eq(dsg_totp_check(DSG_TOTP_SHA1, SEED20, 20, 6, t, 1, 0, "005924", 6, &m), DSG_TOTP_OK);
    ck_assert_int_eq(dsg_totp_check(DSG_TOTP_SHA1, SEED20, 20, 7, t, 1, 0, "9005924", 7, &m), DSG_TOTP_OK);
    ck_assert_int_eq(dsg_totp_check(DSG_TOTP_SHA1, SEED20, 20, 8, t, 1, 0, "89005924", 8, &m), DSG_TOTP_OK);
    ck_assert_int_eq(dsg_totp_check(DSG_TOTP_SHA1, SEED20, 20, 7, t, 1, 0, "005924", 6, &m), DSG_TOTP_ERR_FORMAT);
    ck_assert_int_eq(dsg_totp_check(DSG_TOTP_SHA1, SEED20, 20, 6, t, 1, 0, "89005924", 8, &m), DSG_TOTP_ERR_FORMAT);
    ck_assert_int_eq(dsg_totp_check(DSG_TOTP_SHA1, SEED20, 20, 6, t, 1, 0, "005925", 6, &m), DSG_TOTP_MISMATCH);
    ck_assert_str_eq(dsg_totp_status_token(DSG_TOTP_REPLAY), "replay");
    ck_assert_str_eq(dsg_totp_status_token((dsg_totp_status)99), "unknown");
}
END_TEST

/* @relation(REQ-MFA-005) */
START_TEST(test_totp_new_secrets)
{
    uint8_t a[32], b[32];
    size_t na = 0, nb = 0;
    ck_assert_int_eq(dsg_totp_secret_new((dsg_totp_alg)0, a, sizeof a, &na), DSG_TOTP_ERR_ALG);
    ck_assert_int_eq(dsg_totp_secret_new(DSG_TOTP_SHA256, a, 31, &na), DSG_TOTP_ERR_ROOM);
    ck_assert_int_eq(dsg_totp_secret_new(DSG_TOTP_SHA1, a, sizeof a, &na), DSG_TOTP_OK);
    ck_assert_uint_eq(na, 20);
    ck_assert_int_eq(dsg_totp_secret_new(DSG_TOTP_SHA256, a, sizeof a, &na), DSG_TOTP_OK);
    ck_assert_int_eq(dsg_totp_secret_new(DSG_TOTP_SHA256, b, sizeof b, &nb), DSG_TOTP_OK);
    ck_assert_uint_eq(na, 32);
    ck_assert_uint_eq(nb, 32);
    ck_assert(memcmp(a, b, 32) != 0);
    ck_assert_uint_eq(dsg_totp_secret_len(DSG_TOTP_SHA1), 20);
    ck_assert_uint_eq(dsg_totp_secret_len(DSG_TOTP_SHA256), 32);
    ck_assert_uint_eq(dsg_totp_secret_len((dsg_totp_alg)3), 0);
}
END_TEST

static void b32_vector(const char *in, const char *want)
{
    char out[64];
    size_t len = 0;
    memset(out, 'x', sizeof out);
    ck_assert_int_eq(dsg_b32_encode((const uint8_t *)in, strlen(in), out, sizeof out, &len), 0);
    ck_assert_uint_eq(len, strlen(want));
    ck_assert(memcmp(out, want, len) == 0);
    ck_assert_int_eq(out[len], 'x');
    /* one short: refused, nothing written */
    char small[64];
    memset(small, 'y', sizeof small);
    size_t keep = 99;
    if (len > 0) {
        ck_assert_int_eq(dsg_b32_encode((const uint8_t *)in, strlen(in), small, len - 1, &keep), -1);
        ck_assert_uint_eq(keep, 99);
        ck_assert_int_eq(small[0], 'y');
    }
}

/* RFC 4648 §10 base32 vectors, padding dropped. @relation(REQ-MFA-005) */
START_TEST(test_totp_base32_vectors)
{
    b32_vector("", "");
    b32_vector("f", "MY");
    b32_vector("fo", "MZXQ");
    b32_vector("foo", "MZXW6");
    b32_vector("foob", "MZXW6YQ");
    b32_vector("fooba", "MZXW6YTB");
    b32_vector("foobar", "MZXW6YTBOI");
    b32_vector("12345678901234567890", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    b32_vector("\xff\xff\xff\xff\xff", "77777777");
}
END_TEST

/* @relation(REQ-MFA-005) */
START_TEST(test_totp_uri_refusals)
{
    char out[256];
    size_t len = 0;
    ck_assert_int_eq(dsg_totp_uri("", "alice", DSG_TOTP_SHA1, 6, SEED20, 20, out, sizeof out, &len),
                     DSG_TOTP_ERR_LABEL);
    ck_assert_int_eq(dsg_totp_uri("dsg", "", DSG_TOTP_SHA1, 6, SEED20, 20, out, sizeof out, &len),
                     DSG_TOTP_ERR_LABEL);
    ck_assert_int_eq(dsg_totp_uri(NULL, "a", DSG_TOTP_SHA1, 6, SEED20, 20, out, sizeof out, &len),
                     DSG_TOTP_ERR_LABEL);
    ck_assert_int_eq(dsg_totp_uri("dsg", "a", (dsg_totp_alg)9, 6, SEED20, 20, out, sizeof out, &len),
                     DSG_TOTP_ERR_ALG);
    ck_assert_int_eq(dsg_totp_uri("dsg", "a", DSG_TOTP_SHA1, 9, SEED20, 20, out, sizeof out, &len),
                     DSG_TOTP_ERR_DIGITS);
    ck_assert_int_eq(dsg_totp_uri("dsg", "a", DSG_TOTP_SHA1, 6, SEED20, 15, out, sizeof out, &len),
                     DSG_TOTP_ERR_SECRET);
    /* one byte short of the URI and its NUL */
    size_t need = 0;
    ck_assert_int_eq(dsg_totp_uri("dsg", "a", DSG_TOTP_SHA1, 6, SEED20, 20, out, sizeof out, &need),
                     DSG_TOTP_OK);
    ck_assert_int_eq(dsg_totp_uri("dsg", "a", DSG_TOTP_SHA1, 6, SEED20, 20, out, need, &len),
                     DSG_TOTP_ERR_ROOM);
    ck_assert_str_eq(out, "");
    ck_assert_int_eq(dsg_totp_uri("dsg", "a", DSG_TOTP_SHA1, 6, SEED20, 20, out, need + 1, &len),
                     DSG_TOTP_OK);
    ck_assert_uint_eq(len, need);
}
END_TEST

/* @relation(REQ-MFA-005) */
START_TEST(test_totp_uri_form)
{
    char out[512];
    size_t len = 0;
    ck_assert_int_eq(dsg_totp_uri("ACME Co", "john.doe@email.com", DSG_TOTP_SHA1, 6, SEED20, 20,
                                  out, sizeof out, &len), DSG_TOTP_OK);
    ck_assert_str_eq(out, "otpauth://totp/ACME%20Co:john.doe%40email.com"
                          "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME%20Co"
                          "&algorithm=SHA1&digits=6&period=30");
    ck_assert_uint_eq(len, strlen(out));
    /* a ':' or '&' in a name cannot move the separators */
    ck_assert_int_eq(dsg_totp_uri("a:b&c", "x?y=z", DSG_TOTP_SHA256, 8, SEED32, 32,
                                  out, sizeof out, &len), DSG_TOTP_OK);
    ck_assert_str_eq(out, "otpauth://totp/a%3Ab%26c:x%3Fy%3Dz"
                          "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA"
                          "&issuer=a%3Ab%26c&algorithm=SHA256&digits=8&period=30");
}
END_TEST

Suite *suite_totp(void)
{
    Suite *s = suite_create("totp");
    TCase *bad = tcase_create("refused");
    tcase_add_test(bad, test_totp_digits_outside_6_to_8_refused);
    tcase_add_test(bad, test_totp_mac_length_refused);
    tcase_add_test(bad, test_totp_wrong_length_or_non_digit_refused);
    tcase_add_test(bad, test_totp_malformed_window_refused);
    tcase_add_test(bad, test_totp_time_before_1970_refused);
    suite_add_tcase(s, bad);
    TCase *replay = tcase_create("replay and window");
    tcase_add_test(replay, test_totp_same_step_twice_is_replay);
    tcase_add_test(replay, test_totp_earlier_step_after_later_is_replay);
    tcase_add_test(replay, test_totp_duplicate_code_matches_latest_step);
    tcase_add_test(replay, test_totp_window_edges);
    suite_add_tcase(s, replay);
    TCase *vec = tcase_create("vectors");
    tcase_add_test(vec, test_totp_rfc4226_truncation_example);
    tcase_add_test(vec, test_totp_rfc4226_hotp_vectors);
    tcase_add_test(vec, test_totp_rfc6238_vectors);
    tcase_add_test(vec, test_totp_6_7_8_digits);
    tcase_add_test(vec, test_totp_new_secrets);
    tcase_add_test(vec, test_totp_base32_vectors);
    tcase_add_test(vec, test_totp_uri_refusals);
    tcase_add_test(vec, test_totp_uri_form);
    suite_add_tcase(s, vec);
    return s;
}
