/*
 * Password hashing with scrypt through OpenSSL 3 (REQ-MFA-008), and what
 * the auth role builds on it: dummy verification (REQ-MFA-012), history
 * (REQ-MFA-010), temporary passwords (REQ-MFA-009). See pw_hash.h.
 */
#include "auth/pw_hash.h"

#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#define DERIVE_MAX 1024u   /* longest key dsg_scrypt_derive hands out */

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* What one computation needs: V is 128 * r * N bytes, B 128 * r * p, and
 * OpenSSL counts two more blocks of 128 * r (crypto/kdfs/scrypt.c). */
static uint64_t scrypt_memory(const dsg_scrypt_params *prm)
{
    uint64_t n = (uint64_t)1 << prm->log2_n;
    return 128u * (uint64_t)prm->r * (n + prm->p + 2u);
}

int dsg_scrypt_params_is_valid(const dsg_scrypt_params *prm)
{
    if (prm->log2_n < DSG_SCRYPT_LN_MIN || prm->log2_n > DSG_SCRYPT_LN_MAX)
        return 0;
    if (prm->r < 1u || prm->r > DSG_SCRYPT_R_MAX)
        return 0;
    if (prm->p < 1u || prm->p > DSG_SCRYPT_P_MAX)
        return 0;
    return scrypt_memory(prm) <= DSG_SCRYPT_MAXMEM;
}

int dsg_scrypt_derive(const uint8_t *pw, size_t pw_len, const uint8_t *salt,
                      size_t salt_len, const dsg_scrypt_params *prm,
                      uint8_t *out, size_t out_len)
{
    if (!dsg_scrypt_params_is_valid(prm) || out_len == 0 || out_len > DERIVE_MAX)
        return -1;
    uint64_t n = (uint64_t)1 << prm->log2_n;
    uint32_t r = prm->r, p = prm->p;
    uint64_t maxmem = scrypt_memory(prm);
    /* OSSL_PARAM wants non-const buffers; EVP_KDF_derive only reads them. */
    uint8_t empty = 0;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
            pw_len ? (void *)(uintptr_t)pw : &empty, pw_len),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
            salt_len ? (void *)(uintptr_t)salt : &empty, salt_len),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
        OSSL_PARAM_construct_end()
    };
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "SCRYPT", NULL);
    if (kdf == NULL)
        return -2;
    EVP_KDF_CTX *ctx = EVP_KDF_CTX_new(kdf);
    EVP_KDF_free(kdf);
    if (ctx == NULL)
        return -2;
    int ok = EVP_KDF_derive(ctx, out, out_len, params);
    EVP_KDF_CTX_free(ctx);
    if (ok != 1) {
        OPENSSL_cleanse(out, out_len);
        return -2;
    }
    return 0;
}

/* Base64 without padding: 4 characters per 3 bytes, 2 or 3 for the rest. */
static size_t b64_len(size_t n)
{
    return n / 3u * 4u + (n % 3u ? n % 3u + 1u : 0u);
}

static void b64_encode(const uint8_t *in, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3u) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1u < n)
            v |= (uint32_t)in[i + 1u] << 8;
        if (i + 2u < n)
            v |= in[i + 2u];
        size_t chars = n - i >= 3u ? 4u : n - i + 1u;
        for (size_t k = 0; k < chars; k++)
            out[o++] = b64_alphabet[(v >> (18u - 6u * k)) & 0x3Fu];
    }
}

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Decodes exactly b64_len(n) characters into n bytes; 0, or -1 for a
 * character outside the alphabet or non-zero unused bits at the end (so
 * that each byte string has one encoding only). */
static int b64_decode(const char *in, size_t n, uint8_t *out)
{
    size_t len = b64_len(n), o = 0;
    uint32_t acc = 0;
    unsigned bits = 0;
    for (size_t i = 0; i < len; i++) {
        int v = b64_value(in[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6u;
        if (bits >= 8u) {
            bits -= 8u;
            out[o++] = (uint8_t)(acc >> bits);
            acc &= (1u << bits) - 1u;
        }
    }
    return acc == 0 ? 0 : -1;   /* the leftover bits must be zero */
}

/* A decimal number without sign or leading zero, up to max, at s[*pos..len),
 * ending before a byte that is not a digit. */
static int parse_decimal(const char *s, size_t len, size_t *pos, uint32_t max,
                         uint32_t *value)
{
    size_t i = *pos;
    uint32_t v = 0;
    if (i >= len || s[i] < '0' || s[i] > '9')
        return -1;
    if (s[i] == '0' && i + 1u < len && s[i + 1u] >= '0' && s[i + 1u] <= '9')
        return -1;   /* leading zero */
    while (i < len && s[i] >= '0' && s[i] <= '9') {
        v = v * 10u + (uint32_t)(s[i] - '0');
        if (v > max)
            return -1;
        i++;
    }
    *pos = i;
    *value = v;
    return 0;
}

/* The literal text lit at s[*pos..len). */
static int expect(const char *s, size_t len, size_t *pos, const char *lit)
{
    size_t n = strlen(lit);
    if (len - *pos < n || memcmp(s + *pos, lit, n) != 0)
        return -1;
    *pos += n;
    return 0;
}

int dsg_pw_hash_parse(const char *s, size_t len, dsg_pw_hash_rec *rec)
{
    dsg_pw_hash_rec tmp;
    size_t pos = 0;
    if (len > DSG_PW_HASH_STR_MAX)
        return -1;
    if (expect(s, len, &pos, "$scrypt$ln=") != 0 ||
        parse_decimal(s, len, &pos, DSG_SCRYPT_LN_MAX, &tmp.params.log2_n) != 0 ||
        expect(s, len, &pos, ",r=") != 0 ||
        parse_decimal(s, len, &pos, DSG_SCRYPT_R_MAX, &tmp.params.r) != 0 ||
        expect(s, len, &pos, ",p=") != 0 ||
        parse_decimal(s, len, &pos, DSG_SCRYPT_P_MAX, &tmp.params.p) != 0 ||
        expect(s, len, &pos, "$") != 0)
        return -1;
    if (!dsg_scrypt_params_is_valid(&tmp.params))
        return -1;
    size_t salt_chars = b64_len(DSG_PW_SALT_LEN), hash_chars = b64_len(DSG_PW_HASH_LEN);
    if (len - pos != salt_chars + 1u + hash_chars || s[pos + salt_chars] != '$')
        return -1;
    if (b64_decode(s + pos, DSG_PW_SALT_LEN, tmp.salt) != 0 ||
        b64_decode(s + pos + salt_chars + 1u, DSG_PW_HASH_LEN, tmp.hash) != 0)
        return -1;
    *rec = tmp;
    OPENSSL_cleanse(&tmp, sizeof tmp);
    return 0;
}

int dsg_pw_hash_format(const dsg_pw_hash_rec *rec, char *out, size_t cap)
{
    char salt[32], hash[48];
    if (!dsg_scrypt_params_is_valid(&rec->params))
        return -1;
    size_t salt_chars = b64_len(DSG_PW_SALT_LEN), hash_chars = b64_len(DSG_PW_HASH_LEN);
    b64_encode(rec->salt, DSG_PW_SALT_LEN, salt);
    b64_encode(rec->hash, DSG_PW_HASH_LEN, hash);
    salt[salt_chars] = '\0';
    hash[hash_chars] = '\0';
    int n = snprintf(out, cap, "$scrypt$ln=%u,r=%u,p=%u$%s$%s",
                     (unsigned)rec->params.log2_n, (unsigned)rec->params.r,
                     (unsigned)rec->params.p, salt, hash);
    if (n < 0 || (size_t)n >= cap) {
        if (cap > 0)
            out[0] = '\0';
        return -1;
    }
    return n;
}

int dsg_pw_hash_new(const uint8_t *pw, size_t pw_len,
                    const dsg_scrypt_params *prm, char *out, size_t cap)
{
    dsg_pw_hash_rec rec;
    if (!dsg_scrypt_params_is_valid(prm) || cap == 0)
        return -1;
    rec.params = *prm;
    if (RAND_bytes(rec.salt, (int)sizeof rec.salt) != 1)
        return -2;
    if (dsg_scrypt_derive(pw, pw_len, rec.salt, sizeof rec.salt, prm,
                          rec.hash, sizeof rec.hash) != 0)
        return -2;
    int n = dsg_pw_hash_format(&rec, out, cap);
    OPENSSL_cleanse(&rec, sizeof rec);
    return n;
}

/* Recomputes the hash of rec's salt and parameters: 1 match, 0 not, -1. */
static int verify_rec(const dsg_pw_hash_rec *rec, const uint8_t *pw, size_t pw_len)
{
    uint8_t got[DSG_PW_HASH_LEN];
    if (dsg_scrypt_derive(pw, pw_len, rec->salt, sizeof rec->salt, &rec->params,
                          got, sizeof got) != 0)
        return -1;
    int same = CRYPTO_memcmp(got, rec->hash, sizeof got) == 0;
    OPENSSL_cleanse(got, sizeof got);
    return same;
}

int dsg_pw_verify(const char *stored, size_t stored_len,
                  const uint8_t *pw, size_t pw_len)
{
    dsg_pw_hash_rec rec;
    if (dsg_pw_hash_parse(stored, stored_len, &rec) != 0)
        return -1;
    int v = verify_rec(&rec, pw, pw_len);
    OPENSSL_cleanse(&rec, sizeof rec);
    return v;
}

int dsg_pw_verify_dummy(const uint8_t *pw, size_t pw_len,
                        const dsg_scrypt_params *prm)
{
    /* The same parse-free path as a stored record: derive with the
     * configured cost, compare, and throw the answer away. */
    dsg_pw_hash_rec rec;
    memset(&rec, 0, sizeof rec);
    if (!dsg_scrypt_params_is_valid(prm))
        return -1;
    rec.params = *prm;
    int v = verify_rec(&rec, pw, pw_len);
    return v < 0 ? -1 : 0;
}

int dsg_pw_needs_rehash(const char *stored, size_t stored_len,
                        const dsg_scrypt_params *configured)
{
    dsg_pw_hash_rec rec;
    if (dsg_pw_hash_parse(stored, stored_len, &rec) != 0)
        return -1;
    const dsg_scrypt_params *s = &rec.params;
    return s->log2_n < configured->log2_n || s->r < configured->r ||
           s->p < configured->p;
}

int dsg_pw_in_history(const char *const *hashes, const size_t *lens, size_t n,
                      const uint8_t *pw, size_t pw_len)
{
    int found = 0;
    for (size_t i = 0; i < n; i++) {
        int v = dsg_pw_verify(hashes[i], lens[i], pw, pw_len);
        if (v < 0)
            return -1;
        found |= v;
    }
    return found;
}

/* The alphabet of temporary passwords: the four classes, no space and no
 * quote or backslash (they are retyped by hand). */
static const char temp_upper[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
static const char temp_lower[] = "abcdefghijklmnopqrstuvwxyz";
static const char temp_digit[] = "0123456789";
static const char temp_other[] = "!#$%&*+-=?@^_~";
#define TEMP_ALPHABET_SIZE (26u + 26u + 10u + 14u)
#define TEMP_TRIES 64

static char temp_char(unsigned k)
{
    if (k < 26u)
        return temp_upper[k];
    if (k < 52u)
        return temp_lower[k - 26u];
    if (k < 62u)
        return temp_digit[k - 52u];
    return temp_other[k - 62u];
}

/* One character uniform over the alphabet: bytes at or above the largest
 * multiple of the alphabet size are drawn again (no modulo bias). */
static int draw_char(char *c)
{
    const unsigned limit = 256u - 256u % TEMP_ALPHABET_SIZE;
    for (;;) {
        uint8_t b;
        if (RAND_bytes(&b, 1) != 1)
            return -1;
        if (b < limit) {
            *c = temp_char(b % TEMP_ALPHABET_SIZE);
            return 0;
        }
    }
}

static int all_classes(const char *s, size_t n)
{
    int u = 0, l = 0, d = 0, o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= 'A' && s[i] <= 'Z')
            u = 1;
        else if (s[i] >= 'a' && s[i] <= 'z')
            l = 1;
        else if (s[i] >= '0' && s[i] <= '9')
            d = 1;
        else
            o = 1;
    }
    return u && l && d && o;
}

int dsg_pw_issue_temporary(const dsg_pw_policy *policy, const uint8_t *uid,
                           size_t uid_len, char *out, size_t cap,
                           size_t *out_len)
{
    /* The policy and user ID are judged once, on a password that breaks
     * only rules: DSG_PW_BAD_ARGS says they are out of range. */
    if (dsg_pw_check(policy, (const uint8_t *)"", 0, uid, uid_len) & DSG_PW_BAD_ARGS)
        return -1;
    size_t len = policy->min_length > DSG_PW_TEMP_LENGTH ? policy->min_length
                                                        : DSG_PW_TEMP_LENGTH;
    if (cap <= len)
        return -1;
    for (int attempt = 0; attempt < TEMP_TRIES; attempt++) {
        for (size_t i = 0; i < len; i++) {
            if (draw_char(&out[i]) != 0) {
                OPENSSL_cleanse(out, cap);
                return -2;
            }
        }
        out[len] = '\0';
        if (all_classes(out, len) &&
            dsg_pw_check(policy, (const uint8_t *)out, len, uid, uid_len) == 0) {
            *out_len = len;
            return 0;
        }
    }
    OPENSSL_cleanse(out, cap);
    return -2;
}
