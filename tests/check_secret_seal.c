/*
 * Unit tests of the sealing of secrets at rest (src/auth/secret_seal.h):
 * REQ-MFA-018. A round trip, fresh nonces, then what must not open:
 * another key, another owner, any changed byte, a cut or overlong blob.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "auth/secret_seal.h"

Suite *suite_secret_seal(void);

static const uint8_t KEY[DSG_SEAL_KEY_LEN] = "0123456789abcdef0123456789abcdef";
static const uint8_t SECRET[20] = "12345678901234567890";

#define SEALED_LEN (sizeof SECRET + DSG_SEAL_OVERHEAD)

static void seal(uint8_t out[SEALED_LEN])
{
    ck_assert_int_eq(dsg_secret_seal(KEY, "sato", SECRET, sizeof SECRET, out), 0);
}

/* @relation(REQ-MFA-018) */
START_TEST(test_seal_round_trip)
{
    uint8_t sealed[SEALED_LEN], plain[DSG_SEAL_MAX];
    size_t n = 0;
    seal(sealed);
    ck_assert(memmem(sealed, sizeof sealed, SECRET, 4) == NULL);   /* no clear bytes */
    ck_assert_int_eq(dsg_secret_open(KEY, "sato", sealed, sizeof sealed, plain, &n), 0);
    ck_assert_uint_eq(n, sizeof SECRET);
    ck_assert_mem_eq(plain, SECRET, sizeof SECRET);
}
END_TEST

/* @relation(REQ-MFA-018) */
START_TEST(test_seal_fresh_nonce_each_time)
{
    uint8_t a[SEALED_LEN], b[SEALED_LEN];
    seal(a);
    seal(b);
    ck_assert(memcmp(a, b, DSG_SEAL_NONCE_LEN) != 0);
    ck_assert(memcmp(a, b, sizeof a) != 0);
}
END_TEST

/* @relation(REQ-MFA-018) */
START_TEST(test_seal_wrong_key_refused)
{
    uint8_t sealed[SEALED_LEN], plain[DSG_SEAL_MAX], other[DSG_SEAL_KEY_LEN];
    size_t n = 0;
    memcpy(other, KEY, sizeof other);
    other[31] ^= 1;
    seal(sealed);
    ck_assert_int_eq(dsg_secret_open(other, "sato", sealed, sizeof sealed, plain, &n), -1);
    ck_assert(memmem(plain, sizeof SECRET, SECRET, 4) == NULL);
}
END_TEST

/* @relation(REQ-MFA-018) */
START_TEST(test_seal_wrong_owner_refused)
{
    uint8_t sealed[SEALED_LEN], plain[DSG_SEAL_MAX];
    size_t n = 0;
    seal(sealed);
    ck_assert_int_eq(dsg_secret_open(KEY, "suzuki", sealed, sizeof sealed, plain, &n), -1);
    ck_assert_int_eq(dsg_secret_open(KEY, "sat", sealed, sizeof sealed, plain, &n), -1);
    ck_assert_int_eq(dsg_secret_open(KEY, "", sealed, sizeof sealed, plain, &n), -1);
}
END_TEST

/* Every byte (nonce, ciphertext, tag), every bit position in turn.
 * @relation(REQ-MFA-018) */
START_TEST(test_seal_flipped_byte_refused)
{
    uint8_t sealed[SEALED_LEN], plain[DSG_SEAL_MAX];
    size_t n = 0;
    seal(sealed);
    for (size_t i = 0; i < sizeof sealed; i++) {
        sealed[i] ^= (uint8_t)(1u << (i % 8));
        ck_assert_msg(dsg_secret_open(KEY, "sato", sealed, sizeof sealed, plain, &n) == -1,
                      "byte %zu flipped opened", i);
        sealed[i] ^= (uint8_t)(1u << (i % 8));
    }
    ck_assert_int_eq(dsg_secret_open(KEY, "sato", sealed, sizeof sealed, plain, &n), 0);
}
END_TEST

/* @relation(REQ-MFA-018) */
START_TEST(test_seal_bad_lengths_refused)
{
    uint8_t sealed[DSG_SEAL_MAX + DSG_SEAL_OVERHEAD + 1], plain[DSG_SEAL_MAX + 1];
    size_t n = 0;
    memset(plain, 7, sizeof plain);
    ck_assert_int_eq(dsg_secret_seal(KEY, "sato", plain, 0, sealed), -1);
    ck_assert_int_eq(dsg_secret_seal(KEY, "sato", plain, DSG_SEAL_MAX + 1, sealed), -1);
    ck_assert_int_eq(dsg_secret_seal(KEY, "sato", plain, DSG_SEAL_MAX, sealed), 0);
    ck_assert_int_eq(dsg_secret_open(KEY, "sato", sealed, DSG_SEAL_MAX + DSG_SEAL_OVERHEAD,
                                     plain, &n), 0);
    ck_assert_uint_eq(n, DSG_SEAL_MAX);
    seal(sealed);
    ck_assert_int_eq(dsg_secret_open(KEY, "sato", sealed, DSG_SEAL_OVERHEAD, plain, &n), -1);
    ck_assert_int_eq(dsg_secret_open(KEY, "sato", sealed, SEALED_LEN - 1, plain, &n), -1);
    ck_assert_int_eq(dsg_secret_open(KEY, "sato", sealed, sizeof sealed, plain, &n), -1);
}
END_TEST

Suite *suite_secret_seal(void)
{
    Suite *s = suite_create("secret_seal");
    TCase *c = tcase_create("seal");
    tcase_add_test(c, test_seal_round_trip);
    tcase_add_test(c, test_seal_fresh_nonce_each_time);
    tcase_add_test(c, test_seal_wrong_key_refused);
    tcase_add_test(c, test_seal_wrong_owner_refused);
    tcase_add_test(c, test_seal_flipped_byte_refused);
    tcase_add_test(c, test_seal_bad_lengths_refused);
    suite_add_tcase(s, c);
    return s;
}
