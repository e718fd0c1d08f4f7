/*
 * A software WebAuthn authenticator for the tests (tests/check_es256.c,
 * tests/check_webauthn.c, the seeds of fuzz/webauthn): a P-256 key, new
 * or given, its x and y as a COSE key carries them, and DER ECDSA
 * signatures over data || hash. Assertions fail the calling test.
 */
#ifndef DSG_TESTS_AUTHENTICATOR_H
#define DSG_TESTS_AUTHENTICATOR_H

#include <check.h>
#include <stdint.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "auth/es256.h"

/* A software authenticator. */
struct authn {
    EVP_PKEY *key;
    uint8_t x[32], y[32];
};

/* The authenticator of an existing P-256 key (taken over). */
static inline void authn_of_key(struct authn *a, EVP_PKEY *key)
{
    a->key = key;
    ck_assert_ptr_nonnull(a->key);
    uint8_t pub[65];
    size_t len = 0;
    ck_assert_int_eq(EVP_PKEY_get_octet_string_param(a->key, OSSL_PKEY_PARAM_PUB_KEY, pub,
                                                     sizeof pub, &len), 1);
    ck_assert_uint_eq(len, 65);
    ck_assert_uint_eq(pub[0], 0x04);
    memcpy(a->x, pub + 1, 32);
    memcpy(a->y, pub + 33, 32);
}

/* An authenticator with a new key. */
static inline void make_authn(struct authn *a)
{
    authn_of_key(a, EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"));
}

/* The authenticator's DER signature over data || hash. */
static inline size_t sign(const struct authn *a, const uint8_t *data, size_t len,
                          const uint8_t *hash, uint8_t *sig)
{
    uint8_t msg[2048];
    ck_assert(len + 32 <= sizeof msg);
    memcpy(msg, data, len);
    memcpy(msg + len, hash, 32);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    ck_assert_ptr_nonnull(md);
    size_t sig_len = DSG_ES256_SIG_MAX;
    ck_assert_int_eq(EVP_DigestSignInit_ex(md, NULL, "SHA256", NULL, NULL, a->key, NULL), 1);
    ck_assert_int_eq(EVP_DigestSign(md, sig, &sig_len, msg, len + 32), 1);
    EVP_MD_CTX_free(md);
    return sig_len;
}

#endif
