/* The escrow file of the gateway's keys: see escrow.h. */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "stor/escrow.h"
#include "stor/x25519.h"

#define MAGIC "DSGE"
#define VERSION 1u
#define PREFIX_LEN 6u                              /* magic, version, mode */
#define NONCE_LEN 12u
#define TAG_LEN 16u
#define PASS_FIELDS (12u + DSG_ESCROW_SALT_LEN)    /* N, r, p, salt */
#define PUB_FIELDS DSG_ESCROW_PUB_LEN
#define TAIL_LEN (NONCE_LEN + 4u)                  /* nonce, payload length */
#define HEADER_MAX (PREFIX_LEN + PUB_FIELDS + TAIL_LEN)
#define PAYLOAD_MAX (1u + 3u * 3u + 3u + 9u + 8u + 2u * DSG_ESCROW_KEY_LEN + DSG_ESCROW_SIGN_MAX)
#define HKDF_INFO "dsg-escrow-v1 X25519 HKDF-SHA-256 AES-256-GCM"

_Static_assert(HEADER_MAX + PAYLOAD_MAX + TAG_LEN <= DSG_ESCROW_MAX, "an escrow file fits");

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int dsg_escrow_scrypt_ok(uint32_t n, uint32_t r, uint32_t p)
{
    return n >= DSG_ESCROW_N_MIN && n <= DSG_ESCROW_N_MAX && (n & (n - 1)) == 0 && r >= 1 &&
           r <= 32 && p >= 1 && p <= 16 && (uint64_t)128 * r * n <= (uint64_t)1 << 30;
}

dsg_escrow_status dsg_escrow_derive(const uint8_t *pass, size_t len, const dsg_escrow_scrypt *s,
                                    uint8_t key[DSG_ESCROW_KEY_LEN])
{
    if (len < DSG_ESCROW_PASS_MIN || len > DSG_ESCROW_PASS_MAX ||
        !dsg_escrow_scrypt_ok(s->n, s->r, s->p))
        return DSG_ESCROW_BAD_ARG;
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "SCRYPT", NULL);
    EVP_KDF_CTX *c = kdf != NULL ? EVP_KDF_CTX_new(kdf) : NULL;
    uint64_t n = s->n, maxmem = (uint64_t)128 * s->r * (s->n + 2) + (uint64_t)128 * s->r * s->p +
                                ((uint64_t)1 << 20);
    uint32_t r = s->r, p = s->p;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, (void *)pass, len),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)s->salt,
                                          DSG_ESCROW_SALT_LEN),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
        OSSL_PARAM_construct_end(),
    };
    int ok = c != NULL && EVP_KDF_derive(c, key, DSG_ESCROW_KEY_LEN, params) == 1;
    EVP_KDF_CTX_free(c);
    EVP_KDF_free(kdf);
    if (!ok)
        OPENSSL_cleanse(key, DSG_ESCROW_KEY_LEN);
    return ok ? DSG_ESCROW_OK : DSG_ESCROW_CRYPTO;
}

/* ---- the payload ------------------------------------------------------------ */

static const char *const names[3] = { "kek", "chain.key", "sign.key" };

static size_t put_entry(uint8_t *out, size_t at, const char *name, const uint8_t *v, size_t len)
{
    size_t nl = strlen(name);
    out[at] = (uint8_t)nl;
    memcpy(out + at + 1, name, nl);
    out[at + 1 + nl] = (uint8_t)(len >> 8);
    out[at + 2 + nl] = (uint8_t)len;
    memcpy(out + at + 3 + nl, v, len);
    return at + 3 + nl + len;
}

static size_t payload(const dsg_escrow_keys *k, uint8_t out[PAYLOAD_MAX])
{
    size_t at = 1;
    out[0] = 3;
    at = put_entry(out, at, names[0], k->kek, DSG_ESCROW_KEY_LEN);
    at = put_entry(out, at, names[1], k->chain_key, DSG_ESCROW_KEY_LEN);
    return put_entry(out, at, names[2], k->sign_key, k->sign_len);
}

/* One entry at in[*at..len) into k; which of names it was in *which. */
static int take_entry(const uint8_t *in, size_t len, size_t *at, dsg_escrow_keys *k, int *which)
{
    size_t nl, vl, i = *at;
    if (i >= len || (nl = in[i]) == 0 || len - i - 1 < nl + 2)
        return -1;
    vl = (size_t)in[i + 1 + nl] << 8 | in[i + 2 + nl];
    if (len - i - 3 - nl < vl)
        return -1;
    const uint8_t *name = in + i + 1, *v = in + i + 3 + nl;
    *which = -1;
    for (int w = 0; w < 3; w++)
        if (strlen(names[w]) == nl && memcmp(names[w], name, nl) == 0)
            *which = w;
    if (*which < 0 || (*which < 2 && vl != DSG_ESCROW_KEY_LEN) ||
        (*which == 2 && (vl == 0 || vl > DSG_ESCROW_SIGN_MAX)))
        return -1;
    memcpy(*which == 0 ? k->kek : *which == 1 ? k->chain_key : k->sign_key, v, vl);
    if (*which == 2)
        k->sign_len = vl;
    *at = i + 3 + nl + vl;
    return 0;
}

static dsg_escrow_status parse_payload(const uint8_t *in, size_t len, dsg_escrow_keys *k)
{
    size_t at = 1;
    int seen = 0, which;
    if (len < 1 || in[0] != 3)
        return DSG_ESCROW_PAYLOAD;
    for (int e = 0; e < 3; e++) {
        if (take_entry(in, len, &at, k, &which) != 0 || (seen & (1 << which)) != 0)
            return DSG_ESCROW_PAYLOAD;
        seen |= 1 << which;
    }
    return at == len && seen == 7 ? DSG_ESCROW_OK : DSG_ESCROW_PAYLOAD;
}

/* ---- AES-256-GCM --------------------------------------------------------- */

/* Seals (enc) or opens in[0..len) into out, the header hdr[0..hlen) as
 * associated data, its nonce at hdr + hlen - TAIL_LEN; the tag at tag. */
static int gcm(int enc, const uint8_t key[DSG_ESCROW_KEY_LEN], const uint8_t *hdr, size_t hlen,
               const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[TAG_LEN])
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int a = 0, b = 0;
    int ok = c != NULL &&
             EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, key, hdr + hlen - TAIL_LEN, enc) == 1 &&
             EVP_CipherUpdate(c, NULL, &a, hdr, (int)hlen) == 1 &&
             (enc || EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) == 1) &&
             EVP_CipherUpdate(c, out, &a, in, (int)len) == 1 &&
             EVP_CipherFinal_ex(c, out + a, &b) == 1 && (size_t)(a + b) == len &&
             (!enc || EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG_LEN, tag) == 1);
    EVP_CIPHER_CTX_free(c);
    return ok;
}

/* The header's nonce and payload length after its mode's fields (at
 * hdr + at), then the payload sealed under key into out. */
static dsg_escrow_status seal(const dsg_escrow_keys *k, const uint8_t key[DSG_ESCROW_KEY_LEN],
                              uint8_t *out, size_t at, size_t cap, size_t *len)
{
    uint8_t pt[PAYLOAD_MAX];
    if (k->sign_len == 0 || k->sign_len > DSG_ESCROW_SIGN_MAX)
        return DSG_ESCROW_BAD_ARG;
    size_t plen = payload(k, pt);
    if (cap < at + TAIL_LEN + plen + TAG_LEN) {
        OPENSSL_cleanse(pt, sizeof pt);
        return DSG_ESCROW_BAD_ARG;
    }
    int ok = RAND_bytes(out + at, NONCE_LEN) == 1;
    put32(out + at + NONCE_LEN, (uint32_t)plen);
    at += TAIL_LEN;
    ok = ok && gcm(1, key, out, at, pt, plen, out + at, out + at + plen);
    OPENSSL_cleanse(pt, sizeof pt);
    if (!ok)
        return DSG_ESCROW_CRYPTO;
    *len = at + plen + TAG_LEN;
    return DSG_ESCROW_OK;
}

static void prefix(uint8_t *out, uint8_t mode)
{
    memcpy(out, MAGIC, 4);
    out[4] = VERSION;
    out[5] = mode;
}

dsg_escrow_status dsg_escrow_seal_derived(const dsg_escrow_keys *k, const dsg_escrow_scrypt *s,
                                          const uint8_t key[DSG_ESCROW_KEY_LEN], uint8_t *out,
                                          size_t cap, size_t *len)
{
    if (!dsg_escrow_scrypt_ok(s->n, s->r, s->p) || cap < PREFIX_LEN + PASS_FIELDS)
        return DSG_ESCROW_BAD_ARG;
    prefix(out, DSG_ESCROW_PASSPHRASE);
    put32(out + 6, s->n);
    put32(out + 10, s->r);
    put32(out + 14, s->p);
    memcpy(out + 18, s->salt, DSG_ESCROW_SALT_LEN);
    return seal(k, key, out, PREFIX_LEN + PASS_FIELDS, cap, len);
}

/* ---- X25519 ---------------------------------------------------------------- */

/* The AES key of a public-key file: src/stor/x25519.h's construction, the
 * info naming the format. */
static int hkdf_key(const uint8_t priv[DSG_ESCROW_PUB_LEN], const uint8_t peer[DSG_ESCROW_PUB_LEN],
                    const uint8_t eph[DSG_ESCROW_PUB_LEN],
                    const uint8_t recipient[DSG_ESCROW_PUB_LEN], uint8_t key[DSG_ESCROW_KEY_LEN])
{
    return dsg_x25519_hkdf(priv, peer, eph, recipient, (const uint8_t *)HKDF_INFO,
                           sizeof HKDF_INFO - 1, key) == 0;
}

dsg_escrow_status dsg_escrow_seal_public(const dsg_escrow_keys *k,
                                         const uint8_t pub[DSG_ESCROW_PUB_LEN], uint8_t *out,
                                         size_t cap, size_t *len)
{
    uint8_t key[DSG_ESCROW_KEY_LEN], eph[DSG_X25519_LEN];
    dsg_escrow_status st = DSG_ESCROW_CRYPTO;
    if (cap < PREFIX_LEN + PUB_FIELDS)
        return DSG_ESCROW_BAD_ARG;
    prefix(out, DSG_ESCROW_PUBLIC_KEY);
    if (dsg_x25519_keygen(eph, out + PREFIX_LEN) == 0 &&
        hkdf_key(eph, pub, out + PREFIX_LEN, pub, key))
        st = seal(k, key, out, PREFIX_LEN + PUB_FIELDS, cap, len);
    OPENSSL_cleanse(key, sizeof key);
    OPENSSL_cleanse(eph, sizeof eph);
    return st;
}

/* ---- opening --------------------------------------------------------------- */

/* The header's length, or -(a status). */
static long header_len(const uint8_t *in, size_t len)
{
    size_t h;
    if (len < PREFIX_LEN)
        return len >= 4 && memcmp(in, MAGIC, 4) == 0 ? -(long)DSG_ESCROW_TRUNCATED
                                                     : -(long)DSG_ESCROW_FORMAT;
    if (memcmp(in, MAGIC, 4) != 0 || in[4] != VERSION)
        return -(long)DSG_ESCROW_FORMAT;
    if (in[5] == DSG_ESCROW_PASSPHRASE)
        h = PREFIX_LEN + PASS_FIELDS + TAIL_LEN;
    else if (in[5] == DSG_ESCROW_PUBLIC_KEY)
        h = PREFIX_LEN + PUB_FIELDS + TAIL_LEN;
    else
        return -(long)DSG_ESCROW_FORMAT;
    if (len < h)
        return -(long)DSG_ESCROW_TRUNCATED;
    if (in[5] == DSG_ESCROW_PASSPHRASE && !dsg_escrow_scrypt_ok(get32(in + 6), get32(in + 10),
                                                                 get32(in + 14)))
        return -(long)DSG_ESCROW_FORMAT;
    uint32_t plen = get32(in + h - 4);
    if (plen == 0 || plen > PAYLOAD_MAX)
        return -(long)DSG_ESCROW_FORMAT;
    if (len != h + plen + TAG_LEN)
        return -(long)DSG_ESCROW_TRUNCATED;
    return (long)h;
}

int dsg_escrow_mode(const uint8_t *in, size_t len)
{
    long h = header_len(in, len);
    return h < 0 ? (int)h : in[5];
}

dsg_escrow_status dsg_escrow_params(const uint8_t *in, size_t len, dsg_escrow_scrypt *s)
{
    int m = dsg_escrow_mode(in, len);
    if (m < 0)
        return (dsg_escrow_status)-m;
    if (m != DSG_ESCROW_PASSPHRASE)
        return DSG_ESCROW_WRONG_MODE;
    s->n = get32(in + 6);
    s->r = get32(in + 10);
    s->p = get32(in + 14);
    memcpy(s->salt, in + 18, DSG_ESCROW_SALT_LEN);
    return DSG_ESCROW_OK;
}

/* The payload of in under key into k. */
static dsg_escrow_status open_with(const uint8_t *in, size_t len, const uint8_t *key,
                                   dsg_escrow_keys *k)
{
    uint8_t pt[PAYLOAD_MAX], tag[TAG_LEN];
    long h = header_len(in, len);
    if (h < 0)
        return (dsg_escrow_status)-h;
    size_t plen = len - (size_t)h - TAG_LEN;
    memcpy(tag, in + len - TAG_LEN, TAG_LEN);
    dsg_escrow_status st = gcm(0, key, in, (size_t)h, in + h, plen, pt, tag)
                               ? parse_payload(pt, plen, k) : DSG_ESCROW_DENIED;
    OPENSSL_cleanse(pt, sizeof pt);
    if (st != DSG_ESCROW_OK)
        OPENSSL_cleanse(k, sizeof *k);
    return st;
}

dsg_escrow_status dsg_escrow_open_passphrase(const uint8_t *in, size_t len, const uint8_t *pass,
                                             size_t plen, dsg_escrow_keys *k)
{
    dsg_escrow_scrypt s;
    uint8_t key[DSG_ESCROW_KEY_LEN];
    dsg_escrow_status st = dsg_escrow_params(in, len, &s);
    if (st == DSG_ESCROW_OK)
        st = dsg_escrow_derive(pass, plen, &s, key);
    if (st == DSG_ESCROW_OK)
        st = open_with(in, len, key, k);
    OPENSSL_cleanse(key, sizeof key);
    return st;
}

dsg_escrow_status dsg_escrow_open_private(const uint8_t *in, size_t len,
                                          const uint8_t priv[DSG_ESCROW_PUB_LEN],
                                          dsg_escrow_keys *k)
{
    uint8_t key[DSG_ESCROW_KEY_LEN], own_pub[DSG_ESCROW_PUB_LEN];
    int m = dsg_escrow_mode(in, len);
    if (m < 0)
        return (dsg_escrow_status)-m;
    if (m != DSG_ESCROW_PUBLIC_KEY)
        return DSG_ESCROW_WRONG_MODE;
    dsg_escrow_status st = DSG_ESCROW_CRYPTO;
    if (dsg_x25519_public(priv, own_pub) == 0)
        st = hkdf_key(priv, in + PREFIX_LEN, in + PREFIX_LEN, own_pub, key)
                 ? open_with(in, len, key, k) : DSG_ESCROW_DENIED;
    OPENSSL_cleanse(key, sizeof key);
    return st;
}

const char *dsg_escrow_status_text(dsg_escrow_status st)
{
    switch (st) {
    case DSG_ESCROW_OK: return "ok";
    case DSG_ESCROW_FORMAT:
        return "not a dsg escrow file (magic, version, mode or a header field)";
    case DSG_ESCROW_TRUNCATED: return "the file is cut short or has bytes after its end";
    case DSG_ESCROW_WRONG_MODE:
        return "the file is protected the other way (passphrase or public key)";
    case DSG_ESCROW_DENIED:
        return "it does not open: the wrong passphrase or key, or a changed byte";
    case DSG_ESCROW_PAYLOAD: return "it opens but does not hold the KEK, chain.key and sign.key";
    case DSG_ESCROW_BAD_ARG:
        return "a passphrase of 16 to 1024 bytes and scrypt parameters in range are needed";
    case DSG_ESCROW_CRYPTO: return "OpenSSL failed";
    default: return "unknown escrow status";
    }
}
