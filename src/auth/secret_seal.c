/* A secret kept at rest under a data key: see secret_seal.h. */
#include "auth/secret_seal.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

/* One GCM pass: enc 1 seals (writes tag), 0 opens (checks tag). 1 when
 * it succeeded. */
static int gcm(int enc, const uint8_t *key, const uint8_t *nonce, const char *owner,
               const uint8_t *in, size_t len, uint8_t *out, uint8_t *tag)
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int n = 0, fin = 0, ok;
    size_t ad = strlen(owner);
    ok = c != NULL && ad <= 1024 &&
         EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) == 1 &&
         EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, DSG_SEAL_NONCE_LEN, NULL) == 1 &&
         EVP_CipherInit_ex(c, NULL, NULL, key, nonce, enc) == 1 &&
         EVP_CipherUpdate(c, NULL, &n, (const unsigned char *)owner, (int)ad) == 1 &&
         EVP_CipherUpdate(c, out, &n, in, (int)len) == 1 && (size_t)n == len &&
         (enc || EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, DSG_SEAL_TAG_LEN, tag) == 1) &&
         EVP_CipherFinal_ex(c, out + n, &fin) == 1 && fin == 0 &&
         (!enc || EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, DSG_SEAL_TAG_LEN, tag) == 1);
    EVP_CIPHER_CTX_free(c);
    return ok;
}

int dsg_secret_seal(const uint8_t key[DSG_SEAL_KEY_LEN], const char *owner, const uint8_t *in,
                    size_t len, uint8_t *out)
{
    if (len < 1 || len > DSG_SEAL_MAX || RAND_bytes(out, DSG_SEAL_NONCE_LEN) != 1)
        return -1;
    if (!gcm(1, key, out, owner, in, len, out + DSG_SEAL_NONCE_LEN,
             out + DSG_SEAL_NONCE_LEN + len)) {
        OPENSSL_cleanse(out, len + DSG_SEAL_OVERHEAD);
        return -1;
    }
    return 0;
}

int dsg_secret_open(const uint8_t key[DSG_SEAL_KEY_LEN], const char *owner, const uint8_t *in,
                    size_t len, uint8_t *out, size_t *out_len)
{
    uint8_t tag[DSG_SEAL_TAG_LEN];
    size_t plain;
    if (len <= DSG_SEAL_OVERHEAD || len > DSG_SEAL_MAX + DSG_SEAL_OVERHEAD)
        return -1;
    plain = len - DSG_SEAL_OVERHEAD;
    memcpy(tag, in + DSG_SEAL_NONCE_LEN + plain, sizeof tag);
    if (!gcm(0, key, in, owner, in + DSG_SEAL_NONCE_LEN, plain, out, tag)) {
        OPENSSL_cleanse(out, plain);
        return -1;
    }
    *out_len = plain;
    return 0;
}
