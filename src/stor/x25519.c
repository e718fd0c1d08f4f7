/* X25519 and HKDF-SHA-256: see x25519.h. */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "stor/x25519.h"

int dsg_x25519_keygen(uint8_t priv[DSG_X25519_LEN], uint8_t pub[DSG_X25519_LEN])
{
    size_t pl = DSG_X25519_LEN, ql = DSG_X25519_LEN;
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
    int ok = k != NULL && EVP_PKEY_get_raw_private_key(k, priv, &pl) == 1 &&
             EVP_PKEY_get_raw_public_key(k, pub, &ql) == 1 && pl == DSG_X25519_LEN &&
             ql == DSG_X25519_LEN;
    EVP_PKEY_free(k);
    if (!ok)
        OPENSSL_cleanse(priv, DSG_X25519_LEN);
    return ok ? 0 : -1;
}

int dsg_x25519_public(const uint8_t priv[DSG_X25519_LEN], uint8_t pub[DSG_X25519_LEN])
{
    size_t ql = DSG_X25519_LEN;
    EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv, DSG_X25519_LEN);
    int ok = k != NULL && EVP_PKEY_get_raw_public_key(k, pub, &ql) == 1 && ql == DSG_X25519_LEN;
    EVP_PKEY_free(k);
    return ok ? 0 : -1;
}

/* The X25519 shared secret of priv and peer, refused when all zero. */
static int agree(const uint8_t priv[DSG_X25519_LEN], const uint8_t peer[DSG_X25519_LEN],
                 uint8_t secret[DSG_X25519_LEN])
{
    static const uint8_t zero[DSG_X25519_LEN];
    size_t slen = DSG_X25519_LEN;
    EVP_PKEY *own = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv, DSG_X25519_LEN);
    EVP_PKEY *other = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, peer, DSG_X25519_LEN);
    EVP_PKEY_CTX *d = own != NULL && other != NULL ? EVP_PKEY_CTX_new_from_pkey(NULL, own, NULL)
                                                   : NULL;
    int ok = d != NULL && EVP_PKEY_derive_init(d) == 1 &&
             EVP_PKEY_derive_set_peer(d, other) == 1 && EVP_PKEY_derive(d, secret, &slen) == 1 &&
             slen == DSG_X25519_LEN && CRYPTO_memcmp(secret, zero, DSG_X25519_LEN) != 0;
    EVP_PKEY_CTX_free(d);
    EVP_PKEY_free(own);
    EVP_PKEY_free(other);
    return ok;
}

int dsg_x25519_hkdf(const uint8_t priv[DSG_X25519_LEN], const uint8_t peer[DSG_X25519_LEN],
                    const uint8_t eph[DSG_X25519_LEN], const uint8_t recipient[DSG_X25519_LEN],
                    const uint8_t *info, size_t info_len, uint8_t key[DSG_X25519_LEN])
{
    uint8_t secret[DSG_X25519_LEN], salt[2 * DSG_X25519_LEN];
    int ok = agree(priv, peer, secret);
    memcpy(salt, eph, DSG_X25519_LEN);
    memcpy(salt + DSG_X25519_LEN, recipient, DSG_X25519_LEN);
    EVP_KDF *kdf = ok ? EVP_KDF_fetch(NULL, "HKDF", NULL) : NULL;
    EVP_KDF_CTX *c = kdf != NULL ? EVP_KDF_CTX_new(kdf) : NULL;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, secret, sizeof secret),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, salt, sizeof salt),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, info_len),
        OSSL_PARAM_construct_end(),
    };
    ok = c != NULL && EVP_KDF_derive(c, key, DSG_X25519_LEN, params) == 1;
    EVP_KDF_CTX_free(c);
    EVP_KDF_free(kdf);
    OPENSSL_cleanse(secret, sizeof secret);
    if (!ok)
        OPENSSL_cleanse(key, DSG_X25519_LEN);
    return ok ? 0 : -1;
}
