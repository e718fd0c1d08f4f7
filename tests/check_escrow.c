/*
 * Unit tests of the escrow file format (src/stor/escrow.h), REQ-STOR-009:
 * round trips in both modes (passphrase with scrypt, X25519 public key),
 * a wrong passphrase or private key refused, every flipped byte refused,
 * every truncation and an appended byte refused, a file of the other mode
 * refused, and the scrypt bounds. scrypt runs with N = 2^10 here to stay
 * fast; the format is the same at 2^20.
 */
#define _GNU_SOURCE
#include <check.h>
#include <string.h>

#include <openssl/evp.h>

#include "stor/escrow.h"

Suite *suite_escrow(void);

static const char PASS[] = "correct horse battery staple";
static const char SIGN_PEM[] = "-----BEGIN PRIVATE KEY-----\n"
                               "MC4CAQAwBQYDK2VwBCIEIA7+Pn5fTmOKbBQ0C3qXu9Ri2cP1bm5dfkAkdq1dQZBd\n"
                               "-----END PRIVATE KEY-----\n";

static dsg_escrow_keys keys(void)
{
    dsg_escrow_keys k;
    memset(&k, 0, sizeof k);
    memcpy(k.kek, "the master's key-encryption key!", 32);
    memcpy(k.chain_key, "logd's chain key, 32 bytes long!", 32);
    memcpy(k.sign_key, SIGN_PEM, sizeof SIGN_PEM - 1);
    k.sign_len = sizeof SIGN_PEM - 1;
    return k;
}

static void same(const dsg_escrow_keys *a, const dsg_escrow_keys *b)
{
    ck_assert_mem_eq(a->kek, b->kek, 32);
    ck_assert_mem_eq(a->chain_key, b->chain_key, 32);
    ck_assert_uint_eq(a->sign_len, b->sign_len);
    ck_assert_mem_eq(a->sign_key, b->sign_key, a->sign_len);
}

/* A passphrase file of keys() with N = 2^10, r = 8, p = 1. */
static size_t pass_file(uint8_t *out)
{
    dsg_escrow_keys k = keys();
    dsg_escrow_scrypt s = { 1024, 8, 1, "0123456789abcdef" };
    uint8_t key[DSG_ESCROW_KEY_LEN];
    size_t len = 0;
    ck_assert_int_eq(dsg_escrow_derive((const uint8_t *)PASS, strlen(PASS), &s, key),
                     DSG_ESCROW_OK);
    ck_assert_int_eq(dsg_escrow_seal_derived(&k, &s, key, out, DSG_ESCROW_MAX, &len),
                     DSG_ESCROW_OK);
    return len;
}

/* A new X25519 key pair, raw. */
static void x25519(uint8_t priv[32], uint8_t pub[32])
{
    EVP_PKEY *p = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
    size_t a = 32, b = 32;
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(EVP_PKEY_get_raw_private_key(p, priv, &a), 1);
    ck_assert_int_eq(EVP_PKEY_get_raw_public_key(p, pub, &b), 1);
    EVP_PKEY_free(p);
}

static dsg_escrow_status open_pass(const uint8_t *f, size_t len, const char *pass)
{
    dsg_escrow_keys k;
    return dsg_escrow_open_passphrase(f, len, (const uint8_t *)pass, strlen(pass), &k);
}

/* @relation(REQ-STOR-009) */
START_TEST(test_escrow_passphrase_round_trip)
{
    uint8_t f[DSG_ESCROW_MAX];
    size_t len = pass_file(f);
    dsg_escrow_keys want = keys(), got;
    dsg_escrow_scrypt s;
    ck_assert_int_eq(dsg_escrow_mode(f, len), DSG_ESCROW_PASSPHRASE);
    ck_assert_int_eq(dsg_escrow_params(f, len, &s), DSG_ESCROW_OK);
    ck_assert_uint_eq(s.n, 1024);
    ck_assert_uint_eq(s.r, 8);
    ck_assert_uint_eq(s.p, 1);
    ck_assert_mem_eq(f, "DSGE\x01\x01", 6);
    ck_assert_int_eq(dsg_escrow_open_passphrase(f, len, (const uint8_t *)PASS, strlen(PASS), &got),
                     DSG_ESCROW_OK);
    same(&want, &got);
    /* no key bytes in the clear */
    ck_assert_ptr_null(memmem(f, len, want.kek, 8));
    ck_assert_ptr_null(memmem(f, len, want.chain_key, 8));
    ck_assert_ptr_null(memmem(f, len, "PRIVATE KEY", 11));
}
END_TEST

/* @relation(REQ-STOR-009) */
START_TEST(test_escrow_public_round_trip)
{
    uint8_t f[DSG_ESCROW_MAX], f2[DSG_ESCROW_MAX], priv[32], pub[32], other[32], other_pub[32];
    size_t len = 0, len2 = 0;
    dsg_escrow_keys want = keys(), got;
    x25519(priv, pub);
    x25519(other, other_pub);
    ck_assert_int_eq(dsg_escrow_seal_public(&want, pub, f, sizeof f, &len), DSG_ESCROW_OK);
    ck_assert_int_eq(dsg_escrow_mode(f, len), DSG_ESCROW_PUBLIC_KEY);
    ck_assert_int_eq(dsg_escrow_open_private(f, len, priv, &got), DSG_ESCROW_OK);
    same(&want, &got);
    ck_assert_int_eq(dsg_escrow_open_private(f, len, other, &got), DSG_ESCROW_DENIED);
    /* a fresh ephemeral key each time */
    ck_assert_int_eq(dsg_escrow_seal_public(&want, pub, f2, sizeof f2, &len2), DSG_ESCROW_OK);
    ck_assert_uint_eq(len, len2);
    ck_assert_int_ne(memcmp(f + 6, f2 + 6, 32), 0);
    ck_assert_ptr_null(memmem(f, len, want.kek, 8));
}
END_TEST

/* @relation(REQ-STOR-009) */
START_TEST(test_escrow_wrong_passphrase)
{
    uint8_t f[DSG_ESCROW_MAX];
    size_t len = pass_file(f);
    ck_assert_int_eq(open_pass(f, len, "correct horse battery stapler"), DSG_ESCROW_DENIED);
    ck_assert_int_eq(open_pass(f, len, "short"), DSG_ESCROW_BAD_ARG);
    dsg_escrow_keys k;
    uint8_t priv[32] = { 9 };
    ck_assert_int_eq(dsg_escrow_open_private(f, len, priv, &k), DSG_ESCROW_WRONG_MODE);
}
END_TEST

/* @relation(REQ-STOR-009) */
START_TEST(test_escrow_flipped_bytes)
{
    uint8_t f[DSG_ESCROW_MAX], g[DSG_ESCROW_MAX], priv[32], pub[32];
    size_t len = pass_file(f), plen = 0;
    dsg_escrow_keys k = keys(), got;
    for (size_t i = 0; i < len; i++)
        for (unsigned bit = 0; bit < 8; bit += 7) {
            f[i] ^= (uint8_t)(1u << bit);
            ck_assert_int_ne(open_pass(f, len, PASS), DSG_ESCROW_OK);
            f[i] ^= (uint8_t)(1u << bit);
        }
    ck_assert_int_eq(open_pass(f, len, PASS), DSG_ESCROW_OK);
    x25519(priv, pub);
    ck_assert_int_eq(dsg_escrow_seal_public(&k, pub, g, sizeof g, &plen), DSG_ESCROW_OK);
    for (size_t i = 0; i < plen; i++)
        for (unsigned bit = 0; bit < 8; bit++) {
            g[i] ^= (uint8_t)(1u << bit);
            ck_assert_int_ne(dsg_escrow_open_private(g, plen, priv, &got), DSG_ESCROW_OK);
            g[i] ^= (uint8_t)(1u << bit);
        }
    ck_assert_int_eq(dsg_escrow_open_private(g, plen, priv, &got), DSG_ESCROW_OK);
}
END_TEST

/* @relation(REQ-STOR-009) */
START_TEST(test_escrow_truncated)
{
    uint8_t f[DSG_ESCROW_MAX + 1];
    size_t len = pass_file(f);
    for (size_t cut = 0; cut < len; cut++) {
        dsg_escrow_status st = open_pass(f, cut, PASS);
        ck_assert_int_ne(st, DSG_ESCROW_OK);
        if (cut >= 4)
            ck_assert_int_eq(st, DSG_ESCROW_TRUNCATED);
    }
    f[len] = 0;
    ck_assert_int_eq(open_pass(f, len + 1, PASS), DSG_ESCROW_TRUNCATED);
    ck_assert_int_eq(open_pass((const uint8_t *)"PK\x03\x04 not an escrow file", 24, PASS),
                     DSG_ESCROW_FORMAT);
}
END_TEST

/* scrypt as RFC 7914 defines it: the key Python's hashlib.scrypt gives for
 * the same passphrase, salt, N = 2^10, r = 8, p = 1. @relation(REQ-STOR-009) */
START_TEST(test_escrow_scrypt_known_answer)
{
    static const uint8_t want[32] = {
        0xec, 0x09, 0xf3, 0x22, 0xcc, 0x31, 0xc0, 0x48, 0xa7, 0xa7, 0x0c,
        0xfe, 0x9e, 0xdc, 0x9d, 0x9d, 0xd6, 0x1f, 0x54, 0x73, 0xef, 0x38,
        0x00, 0xa6, 0x5f, 0xd5, 0x6f, 0xa3, 0xc8, 0x4e, 0xd6, 0xa3,
    };
    dsg_escrow_scrypt s = { 1024, 8, 1, "0123456789abcdef" };
    uint8_t key[32];
    ck_assert_int_eq(dsg_escrow_derive((const uint8_t *)PASS, strlen(PASS), &s, key),
                     DSG_ESCROW_OK);
    ck_assert_mem_eq(key, want, sizeof want);
}
END_TEST

/* @relation(REQ-STOR-009) */
START_TEST(test_escrow_bounds)
{
    dsg_escrow_keys k = keys();
    dsg_escrow_scrypt s = { 1024, 8, 1, "0123456789abcdef" };
    uint8_t key[32] = { 0 }, f[DSG_ESCROW_MAX];
    size_t len;
    ck_assert(dsg_escrow_scrypt_ok(1048576, 8, 1));
    ck_assert(!dsg_escrow_scrypt_ok(1048576, 9, 1));   /* over 1 GiB */
    ck_assert(!dsg_escrow_scrypt_ok(3000, 8, 1));      /* not a power of two */
    ck_assert(!dsg_escrow_scrypt_ok(512, 8, 1));
    ck_assert(!dsg_escrow_scrypt_ok(1024, 0, 1));
    ck_assert(!dsg_escrow_scrypt_ok(1024, 8, 17));
    s.n = 2048 + 1;
    ck_assert_int_eq(dsg_escrow_seal_derived(&k, &s, key, f, sizeof f, &len), DSG_ESCROW_BAD_ARG);
    s.n = 1024;
    ck_assert_int_eq(dsg_escrow_derive((const uint8_t *)"fifteen bytes..", 15, &s, key),
                     DSG_ESCROW_BAD_ARG);
    k.sign_len = DSG_ESCROW_SIGN_MAX + 1;
    ck_assert_int_eq(dsg_escrow_seal_derived(&k, &s, key, f, sizeof f, &len), DSG_ESCROW_BAD_ARG);
    k.sign_len = 10;
    ck_assert_int_eq(dsg_escrow_seal_derived(&k, &s, key, f, 40, &len), DSG_ESCROW_BAD_ARG);
}
END_TEST

Suite *suite_escrow(void)
{
    Suite *s = suite_create("escrow");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_escrow_passphrase_round_trip);
    tcase_add_test(tc, test_escrow_public_round_trip);
    tcase_add_test(tc, test_escrow_wrong_passphrase);
    tcase_add_test(tc, test_escrow_flipped_bytes);
    tcase_add_test(tc, test_escrow_truncated);
    tcase_add_test(tc, test_escrow_scrypt_known_answer);
    tcase_add_test(tc, test_escrow_bounds);
    suite_add_tcase(s, tc);
    return s;
}
