/*
 * TOTP, the shell: OpenSSL's HMAC and RAND_bytes around the proved
 * decisions of src/auth/totp.c.
 */
#include "auth/totp_hmac.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

static const char *digest_name(dsg_totp_alg alg)
{
    switch (alg) {
    case DSG_TOTP_SHA1:
        return "SHA1";
    case DSG_TOTP_SHA256:
        return "SHA256";
    default:
        return NULL;
    }
}

size_t dsg_totp_secret_len(dsg_totp_alg alg)
{
    switch (alg) {
    case DSG_TOTP_SHA1:
        return 20;
    case DSG_TOTP_SHA256:
        return 32;
    default:
        return 0;
    }
}

dsg_totp_status dsg_totp_secret_new(dsg_totp_alg alg, uint8_t *out, size_t cap, size_t *len)
{
    size_t n = dsg_totp_secret_len(alg);
    if (n == 0)
        return DSG_TOTP_ERR_ALG;
    if (cap < n)
        return DSG_TOTP_ERR_ROOM;
    if (RAND_bytes(out, (int)n) != 1) {
        OPENSSL_cleanse(out, n);
        return DSG_TOTP_ERR_CRYPTO;
    }
    *len = n;
    return DSG_TOTP_OK;
}

/* HMAC(secret, msg) with the digest of alg into mac[0 .. *mac_len). */
static int hmac(const char *digest, const uint8_t *secret, size_t secret_len,
                const uint8_t *msg, size_t msg_len, uint8_t mac[DSG_TOTP_MAC_MAX],
                size_t *mac_len)
{
    EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *c = m != NULL ? EVP_MAC_CTX_new(m) : NULL;
    OSSL_PARAM params[2];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)digest, 0);
    params[1] = OSSL_PARAM_construct_end();
    int ok = c != NULL && EVP_MAC_init(c, secret, secret_len, params) == 1 &&
             EVP_MAC_update(c, msg, msg_len) == 1 &&
             EVP_MAC_final(c, mac, mac_len, DSG_TOTP_MAC_MAX) == 1;
    EVP_MAC_CTX_free(c);
    EVP_MAC_free(m);
    return ok ? 0 : -1;
}

dsg_totp_status dsg_totp_hotp(dsg_totp_alg alg, const uint8_t *secret, size_t secret_len,
                              unsigned digits, uint64_t counter, uint32_t *code)
{
    const char *digest = digest_name(alg);
    if (digest == NULL)
        return DSG_TOTP_ERR_ALG;
    if (secret_len < DSG_TOTP_SECRET_MIN || secret_len > DSG_TOTP_SECRET_MAX)
        return DSG_TOTP_ERR_SECRET;
    if (digits < DSG_TOTP_DIGITS_MIN || digits > DSG_TOTP_DIGITS_MAX)
        return DSG_TOTP_ERR_DIGITS;
    uint8_t msg[8], mac[DSG_TOTP_MAC_MAX];
    size_t mac_len = 0;
    for (int i = 7; i >= 0; i--, counter >>= 8)   /* RFC 4226 §5.2: big-endian */
        msg[i] = (uint8_t)(counter & 0xff);
    dsg_totp_status st = DSG_TOTP_ERR_CRYPTO;
    if (hmac(digest, secret, secret_len, msg, sizeof msg, mac, &mac_len) == 0)
        st = dsg_totp_truncate(mac, mac_len, digits, code);
    OPENSSL_cleanse(mac, sizeof mac);
    return st;
}

dsg_totp_status dsg_totp_window_codes(dsg_totp_alg alg, const uint8_t *secret,
                                      size_t secret_len, unsigned digits, uint64_t now_step,
                                      uint32_t skew, uint32_t *codes, size_t cap,
                                      size_t *ncodes)
{
    if (skew > DSG_TOTP_SKEW_MAX || now_step < skew || now_step > UINT64_MAX - skew)
        return DSG_TOTP_ERR_WINDOW;
    size_t n = 2 * (size_t)skew + 1;
    if (cap < n)
        return DSG_TOTP_ERR_ROOM;
    for (size_t i = 0; i < n; i++) {
        dsg_totp_status st =
            dsg_totp_hotp(alg, secret, secret_len, digits, now_step - skew + i, &codes[i]);
        if (st != DSG_TOTP_OK) {
            OPENSSL_cleanse(codes, n * sizeof codes[0]);
            return st;
        }
    }
    *ncodes = n;
    return DSG_TOTP_OK;
}

dsg_totp_status dsg_totp_check(dsg_totp_alg alg, const uint8_t *secret, size_t secret_len,
                               unsigned digits, int64_t unix_sec, uint32_t skew,
                               uint64_t last_step, const char *cand, size_t cand_len,
                               uint64_t *matched)
{
    uint64_t now = 0;
    dsg_totp_status st = dsg_totp_step(unix_sec, &now);
    if (st != DSG_TOTP_OK)
        return st;
    uint32_t codes[DSG_TOTP_WINDOW_MAX];
    size_t n = 0;
    st = dsg_totp_window_codes(alg, secret, secret_len, digits, now, skew, codes,
                               DSG_TOTP_WINDOW_MAX, &n);
    if (st == DSG_TOTP_OK)
        st = dsg_totp_verify(cand, cand_len, digits, now, skew, last_step, codes, n, matched);
    OPENSSL_cleanse(codes, sizeof codes);
    return st;
}
