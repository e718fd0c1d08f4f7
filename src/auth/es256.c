/*
 * ES256 for WebAuthn through OpenSSL 3 (REQ-MFA-004, REQ-MFA-003). See
 * es256.h.
 */
#include "auth/es256.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/params.h>

#define GROUP_P256 "prime256v1"
#define POINT_LEN (1u + 2u * DSG_ES256_COORD_LEN)   /* 0x04 || x || y (SEC 1 §2.3.3) */

/* 1 when key is an EC key on P-256. */
static int is_p256(EVP_PKEY *key)
{
    char group[32];
    size_t len = 0;
    if (!EVP_PKEY_is_a(key, "EC"))
        return 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       &len) != 1)
        return 0;
    return strcmp(group, GROUP_P256) == 0;
}

/* 0 when key passes EVP_PKEY_public_check (the point is on the curve, not
 * at infinity, of the group's order), 1 when it fails, -1 on an error. */
static int public_check(EVP_PKEY *key)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
    if (ctx == NULL)
        return -1;
    int ok = EVP_PKEY_public_check(ctx);
    EVP_PKEY_CTX_free(ctx);
    return ok == 1 ? 0 : 1;
}

dsg_es256_status dsg_es256_key_from_xy(const uint8_t *x, const uint8_t *y, EVP_PKEY **key)
{
    if (key == NULL)
        return DSG_ES256_ERR_ARGS;
    *key = NULL;
    if (x == NULL || y == NULL)
        return DSG_ES256_ERR_ARGS;
    uint8_t point[POINT_LEN];
    point[0] = 0x04;   /* uncompressed */
    memcpy(point + 1, x, DSG_ES256_COORD_LEN);
    memcpy(point + 1 + DSG_ES256_COORD_LEN, y, DSG_ES256_COORD_LEN);
    char group[] = GROUP_P256;   /* OSSL_PARAM wants non-const buffers; fromdata only reads */
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point),
        OSSL_PARAM_construct_end()
    };
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (ctx == NULL)
        return DSG_ES256_ERR_CRYPTO;
    EVP_PKEY *pkey = NULL;
    int ok = EVP_PKEY_fromdata_init(ctx) == 1 &&
             EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) == 1;
    EVP_PKEY_CTX_free(ctx);
    if (!ok) {
        /* OpenSSL refuses to decode a point off the curve already */
        ERR_clear_error();
        return DSG_ES256_BAD_KEY;
    }
    int bad = public_check(pkey);
    if (bad != 0) {
        EVP_PKEY_free(pkey);
        ERR_clear_error();
        return bad < 0 ? DSG_ES256_ERR_CRYPTO : DSG_ES256_BAD_KEY;
    }
    *key = pkey;
    return DSG_ES256_OK;
}

/* 1 when sig[0 .. len) is one ECDSA-Sig-Value in DER and nothing else: it
 * decodes, and encodes back to the very same bytes. */
static int strict_der(const uint8_t *sig, size_t len)
{
    if (len == 0 || len > DSG_ES256_SIG_MAX)
        return 0;
    const unsigned char *p = sig;
    ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)len);
    if (s == NULL) {
        ERR_clear_error();
        return 0;
    }
    int same = 0;
    if (p == sig + len) {
        unsigned char *der = NULL;
        int der_len = i2d_ECDSA_SIG(s, &der);
        same = der_len > 0 && (size_t)der_len == len && memcmp(der, sig, len) == 0;
        OPENSSL_free(der);
    }
    ECDSA_SIG_free(s);
    return same;
}

dsg_es256_status dsg_es256_verify(EVP_PKEY *key, const uint8_t *auth_data, size_t auth_data_len,
                                  const uint8_t *client_data_hash, const uint8_t *sig,
                                  size_t sig_len)
{
    if (key == NULL || (auth_data == NULL && auth_data_len != 0) || client_data_hash == NULL ||
        (sig == NULL && sig_len != 0))
        return DSG_ES256_ERR_ARGS;
    if (!strict_der(sig, sig_len))
        return DSG_ES256_BAD_ENCODING;
    if (!is_p256(key))
        return DSG_ES256_BAD_KEY;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (md == NULL)
        return DSG_ES256_ERR_CRYPTO;
    dsg_es256_status st = DSG_ES256_ERR_CRYPTO;
    /* WebAuthn §7.2 step 20: the signed data is authData || hash(clientDataJSON) */
    if (EVP_DigestVerifyInit_ex(md, NULL, "SHA256", NULL, NULL, key, NULL) == 1 &&
        EVP_DigestVerifyUpdate(md, auth_data, auth_data_len) == 1 &&
        EVP_DigestVerifyUpdate(md, client_data_hash, DSG_ES256_HASH_LEN) == 1) {
        int v = EVP_DigestVerifyFinal(md, sig, sig_len);
        st = v == 1 ? DSG_ES256_OK : v == 0 ? DSG_ES256_BAD_SIGNATURE : DSG_ES256_ERR_CRYPTO;
    }
    EVP_MD_CTX_free(md);
    if (st != DSG_ES256_OK)
        ERR_clear_error();
    return st;
}

dsg_es256_status dsg_es256_verify_packed_self(EVP_PKEY *credential_key, int64_t alg,
                                              const uint8_t *auth_data, size_t auth_data_len,
                                              const uint8_t *client_data_hash,
                                              const uint8_t *sig, size_t sig_len)
{
    /* §8.2 self attestation: alg must be the credential key's algorithm;
     * dsg accepts only ES256 credentials (REQ-MFA-003) */
    if (alg != DSG_ES256_COSE_ALG)
        return DSG_ES256_BAD_ALG;
    return dsg_es256_verify(credential_key, auth_data, auth_data_len, client_data_hash, sig,
                            sig_len);
}

const char *dsg_es256_status_token(dsg_es256_status status)
{
    switch (status) {
    case DSG_ES256_OK:
        return "ok";
    case DSG_ES256_BAD_SIGNATURE:
        return "bad-signature";
    case DSG_ES256_BAD_ENCODING:
        return "bad-signature-encoding";
    case DSG_ES256_BAD_KEY:
        return "bad-key";
    case DSG_ES256_BAD_ALG:
        return "bad-alg";
    case DSG_ES256_ERR_ARGS:
        return "bad-args";
    case DSG_ES256_ERR_CRYPTO:
        return "crypto";
    default:
        return "unknown";
    }
}
