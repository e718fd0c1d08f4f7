/*
 * Unit tests of ES256 (src/auth/es256.h): REQ-MFA-023 (assertion
 * signatures), REQ-MFA-022 (the credential key, packed self attestation).
 *
 * A software authenticator made with OpenSSL: a new P-256 key, its x and
 * y exported as a COSE key would carry them, and a DER signature over
 * authData || SHA-256(clientDataJSON). Bad input first: keys off the curve
 * (y + 1, x all zero), signatures in another encoding (raw r || s, empty,
 * long-form length, trailing byte), tampered signatures and data, another
 * key; then the good signature, and packed self attestation.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "auth/es256.h"
#include "authenticator.h"

Suite *suite_es256(void);

static const char CLIENT_DATA[] =
    "{\"type\":\"webauthn.get\",\"challenge\":\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\","
    "\"origin\":\"https://dsg.example.jp\",\"crossOrigin\":false}";

static uint8_t auth_data[37];   /* rpIdHash, flags UP|UV, counter 7 */
static uint8_t cdh[32];         /* SHA-256(clientDataJSON) */

static struct authn A, B;
static EVP_PKEY *KA;   /* A's key, rebuilt from x and y */
static uint8_t SIG[DSG_ES256_SIG_MAX];
static size_t SIG_LEN;

static void setup(void)
{
    memset(auth_data, 0x5A, 32);
    auth_data[32] = 0x05;
    auth_data[33] = auth_data[34] = auth_data[35] = 0;
    auth_data[36] = 7;
    SHA256((const unsigned char *)CLIENT_DATA, strlen(CLIENT_DATA), cdh);
    make_authn(&A);
    make_authn(&B);
    ck_assert_int_eq(dsg_es256_key_from_xy(A.x, A.y, &KA), DSG_ES256_OK);
    SIG_LEN = sign(&A, auth_data, sizeof auth_data, cdh, SIG);
}

static void teardown(void)
{
    EVP_PKEY_free(A.key);
    EVP_PKEY_free(B.key);
    EVP_PKEY_free(KA);
}

static dsg_es256_status verify_sig(EVP_PKEY *key, const uint8_t *sig, size_t len)
{
    return dsg_es256_verify(key, auth_data, sizeof auth_data, cdh, sig, len);
}

/* ---- keys ------------------------------------------------------------------------ */

/* @relation(REQ-MFA-022) */
START_TEST(test_es256_off_curve_key_refused)
{
    /* y + 1 (big-endian, with carry) */
    uint8_t y1[32];
    memcpy(y1, A.y, 32);
    for (int i = 31; i >= 0 && ++y1[i] == 0; i--)
        ;
    EVP_PKEY *k = (EVP_PKEY *)1;
    ck_assert_int_eq(dsg_es256_key_from_xy(A.x, y1, &k), DSG_ES256_BAD_KEY);
    ck_assert_ptr_null(k);
    uint8_t zero[32] = { 0 };
    k = (EVP_PKEY *)1;
    ck_assert_int_eq(dsg_es256_key_from_xy(zero, A.y, &k), DSG_ES256_BAD_KEY);
    ck_assert_ptr_null(k);
    /* (0, 0): what an all-zero COSE key would give */
    ck_assert_int_eq(dsg_es256_key_from_xy(zero, zero, &k), DSG_ES256_BAD_KEY);
    ck_assert_ptr_null(k);
    /* coordinates >= p: x = p (P-256's prime, FIPS 186-4 D.1.2.3) */
    static const uint8_t p[32] = {
        0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff };
    ck_assert_int_eq(dsg_es256_key_from_xy(p, A.y, &k), DSG_ES256_BAD_KEY);
    ck_assert_ptr_null(k);
}
END_TEST

/* @relation(REQ-MFA-022) */
START_TEST(test_es256_null_arguments_refused)
{
    EVP_PKEY *k = (EVP_PKEY *)1;
    ck_assert_int_eq(dsg_es256_key_from_xy(NULL, A.y, &k), DSG_ES256_ERR_ARGS);
    ck_assert_ptr_null(k);
    ck_assert_int_eq(dsg_es256_key_from_xy(A.x, NULL, &k), DSG_ES256_ERR_ARGS);
    ck_assert_int_eq(dsg_es256_key_from_xy(A.x, A.y, NULL), DSG_ES256_ERR_ARGS);
    ck_assert_int_eq(verify_sig(NULL, SIG, SIG_LEN), DSG_ES256_ERR_ARGS);
    ck_assert_int_eq(dsg_es256_verify(KA, NULL, 37, cdh, SIG, SIG_LEN), DSG_ES256_ERR_ARGS);
    ck_assert_int_eq(dsg_es256_verify(KA, auth_data, 37, NULL, SIG, SIG_LEN), DSG_ES256_ERR_ARGS);
    ck_assert_int_eq(dsg_es256_verify(KA, auth_data, 37, cdh, NULL, 70), DSG_ES256_ERR_ARGS);
}
END_TEST

/* @relation(REQ-MFA-023) */
START_TEST(test_es256_other_curve_key_refused)
{
    EVP_PKEY *p384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    ck_assert_ptr_nonnull(p384);
    ck_assert_int_eq(verify_sig(p384, SIG, SIG_LEN), DSG_ES256_BAD_KEY);
    EVP_PKEY_free(p384);
    EVP_PKEY *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    ck_assert_ptr_nonnull(ed);
    ck_assert_int_eq(verify_sig(ed, SIG, SIG_LEN), DSG_ES256_BAD_KEY);
    EVP_PKEY_free(ed);
}
END_TEST

/* ---- signature encodings ------------------------------------------------------ */

/* @relation(REQ-MFA-023) */
START_TEST(test_es256_not_der_refused)
{
    /* raw r || s, as a COSE/JWS signature would be */
    const unsigned char *p = SIG;
    ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)SIG_LEN);
    ck_assert_ptr_nonnull(s);
    uint8_t raw[64];
    ck_assert_int_eq(BN_bn2binpad(ECDSA_SIG_get0_r(s), raw, 32), 32);
    ck_assert_int_eq(BN_bn2binpad(ECDSA_SIG_get0_s(s), raw + 32, 32), 32);
    ECDSA_SIG_free(s);
    ck_assert_int_eq(verify_sig(KA, raw, sizeof raw), DSG_ES256_BAD_ENCODING);
    /* empty */
    ck_assert_int_eq(verify_sig(KA, SIG, 0), DSG_ES256_BAD_ENCODING);
    ck_assert_int_eq(dsg_es256_verify(KA, auth_data, 37, cdh, NULL, 0), DSG_ES256_BAD_ENCODING);
    /* a trailing byte, a byte short */
    uint8_t longer[DSG_ES256_SIG_MAX + 2];
    memcpy(longer, SIG, SIG_LEN);
    longer[SIG_LEN] = 0;
    ck_assert_int_eq(verify_sig(KA, longer, SIG_LEN + 1), DSG_ES256_BAD_ENCODING);
    ck_assert_int_eq(verify_sig(KA, SIG, SIG_LEN - 1), DSG_ES256_BAD_ENCODING);
    /* BER, not DER: the sequence length in long form (0x81 L) */
    ck_assert_uint_lt(SIG[1], 0x80);
    uint8_t ber[DSG_ES256_SIG_MAX + 2];
    ber[0] = 0x30;
    ber[1] = 0x81;
    memcpy(ber + 2, SIG + 1, SIG_LEN - 1);
    ck_assert_int_eq(verify_sig(KA, ber, SIG_LEN + 1), DSG_ES256_BAD_ENCODING);
    /* r with a needless leading zero byte */
    ck_assert_uint_eq(SIG[2], 0x02);
    size_t rlen = SIG[3];
    uint8_t pad[DSG_ES256_SIG_MAX + 2];
    pad[0] = 0x30;
    pad[1] = (uint8_t)(SIG[1] + 1);
    pad[2] = 0x02;
    pad[3] = (uint8_t)(rlen + 1);
    pad[4] = 0x00;
    memcpy(pad + 5, SIG + 4, SIG_LEN - 4);
    ck_assert_uint_lt(SIG[4], 0x80);   /* DER: a high first byte already has its zero */
    ck_assert_int_eq(verify_sig(KA, pad, SIG_LEN + 1), DSG_ES256_BAD_ENCODING);
}
END_TEST

/* ---- tampering ------------------------------------------------------------------ */

/* @relation(REQ-MFA-023) */
START_TEST(test_es256_tampered_refused)
{
    /* the last byte of s flipped */
    uint8_t bad[DSG_ES256_SIG_MAX];
    memcpy(bad, SIG, SIG_LEN);
    bad[SIG_LEN - 1] ^= 0x01;
    ck_assert_int_eq(verify_sig(KA, bad, SIG_LEN), DSG_ES256_BAD_SIGNATURE);
    /* every byte of authData, one at a time (counter, flags, rpIdHash) */
    for (size_t i = 0; i < sizeof auth_data; i++) {
        auth_data[i] ^= 0x80;
        ck_assert_int_eq(verify_sig(KA, SIG, SIG_LEN), DSG_ES256_BAD_SIGNATURE);
        auth_data[i] ^= 0x80;
    }
    /* a byte of clientDataHash */
    cdh[31] ^= 0x01;
    ck_assert_int_eq(verify_sig(KA, SIG, SIG_LEN), DSG_ES256_BAD_SIGNATURE);
    cdh[31] ^= 0x01;
    /* authData shorter: the signed message is not authData || hash */
    ck_assert_int_eq(dsg_es256_verify(KA, auth_data, 36, cdh, SIG, SIG_LEN),
                     DSG_ES256_BAD_SIGNATURE);
    /* another authenticator's key */
    EVP_PKEY *kb = NULL;
    ck_assert_int_eq(dsg_es256_key_from_xy(B.x, B.y, &kb), DSG_ES256_OK);
    ck_assert_int_eq(verify_sig(kb, SIG, SIG_LEN), DSG_ES256_BAD_SIGNATURE);
    EVP_PKEY_free(kb);
    /* r = 0 in DER: refused by OpenSSL's range check */
    static const uint8_t zero_r[] = { 0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01 };
    ck_assert_int_eq(verify_sig(KA, zero_r, sizeof zero_r), DSG_ES256_BAD_SIGNATURE);
}
END_TEST

/* ---- accepted ------------------------------------------------------------------- */

/* @relation(REQ-MFA-023) */
START_TEST(test_es256_good_signature_accepted)
{
    ck_assert_int_eq(verify_sig(KA, SIG, SIG_LEN), DSG_ES256_OK);
    /* the authenticator's own key object verifies too */
    ck_assert_int_eq(verify_sig(A.key, SIG, SIG_LEN), DSG_ES256_OK);
    /* a second signature (ECDSA is randomised) */
    uint8_t sig2[DSG_ES256_SIG_MAX];
    size_t len2 = sign(&A, auth_data, sizeof auth_data, cdh, sig2);
    ck_assert_int_eq(verify_sig(KA, sig2, len2), DSG_ES256_OK);
    /* longer authData (attested credential data) */
    uint8_t longer[200];
    memset(longer, 0x33, sizeof longer);
    memcpy(longer, auth_data, sizeof auth_data);
    len2 = sign(&A, longer, sizeof longer, cdh, sig2);
    ck_assert_int_eq(dsg_es256_verify(KA, longer, sizeof longer, cdh, sig2, len2), DSG_ES256_OK);
}
END_TEST

/* @relation(REQ-MFA-022) */
START_TEST(test_es256_packed_self_attestation)
{
    ck_assert_int_eq(dsg_es256_verify_packed_self(KA, -7, auth_data, sizeof auth_data, cdh, SIG,
                                                  SIG_LEN), DSG_ES256_OK);
    ck_assert_int_eq(dsg_es256_verify_packed_self(KA, -8, auth_data, sizeof auth_data, cdh, SIG,
                                                  SIG_LEN), DSG_ES256_BAD_ALG);
    ck_assert_int_eq(dsg_es256_verify_packed_self(KA, -257, auth_data, sizeof auth_data, cdh,
                                                  SIG, SIG_LEN), DSG_ES256_BAD_ALG);
    ck_assert_int_eq(dsg_es256_verify_packed_self(KA, 7, auth_data, sizeof auth_data, cdh, SIG,
                                                  SIG_LEN), DSG_ES256_BAD_ALG);
    uint8_t bad[DSG_ES256_SIG_MAX];
    memcpy(bad, SIG, SIG_LEN);
    bad[SIG_LEN - 2] ^= 0x40;
    ck_assert_int_eq(dsg_es256_verify_packed_self(KA, -7, auth_data, sizeof auth_data, cdh, bad,
                                                  SIG_LEN), DSG_ES256_BAD_SIGNATURE);
}
END_TEST

/* @relation(REQ-MFA-023) */
START_TEST(test_es256_status_tokens_distinct)
{
    for (int a = DSG_ES256_OK; a <= DSG_ES256_ERR_CRYPTO; a++) {
        ck_assert_str_ne(dsg_es256_status_token((dsg_es256_status)a), "unknown");
        for (int b = a + 1; b <= DSG_ES256_ERR_CRYPTO; b++)
            ck_assert_str_ne(dsg_es256_status_token((dsg_es256_status)a),
                             dsg_es256_status_token((dsg_es256_status)b));
    }
    ck_assert_str_eq(dsg_es256_status_token((dsg_es256_status)99), "unknown");
}
END_TEST

Suite *suite_es256(void)
{
    Suite *s = suite_create("es256");
    TCase *bad = tcase_create("refused");
    tcase_add_checked_fixture(bad, setup, teardown);
    tcase_add_test(bad, test_es256_off_curve_key_refused);
    tcase_add_test(bad, test_es256_null_arguments_refused);
    tcase_add_test(bad, test_es256_other_curve_key_refused);
    tcase_add_test(bad, test_es256_not_der_refused);
    tcase_add_test(bad, test_es256_tampered_refused);
    suite_add_tcase(s, bad);
    TCase *good = tcase_create("accepted");
    tcase_add_checked_fixture(good, setup, teardown);
    tcase_add_test(good, test_es256_good_signature_accepted);
    tcase_add_test(good, test_es256_packed_self_attestation);
    tcase_add_test(good, test_es256_status_tokens_distinct);
    suite_add_tcase(s, good);
    return s;
}
