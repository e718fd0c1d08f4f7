/* Stored objects encrypted segment by segment: see objcrypt.h. */
#include "stor/objcrypt.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#define MSG_CAP 256
#define KEK_ID_LABEL "dsg KEK ID"

enum { OPEN = 0, DONE = 1, FAILED = 2 };

struct dsg_oc_writer {
    EVP_CIPHER_CTX *gcm;        /* the data key set; a nonce per segment */
    dsg_seg_header hdr;
    uint64_t index;             /* the segment being filled */
    size_t fill;                /* plaintext bytes in plain */
    int state;
    dsg_oc_sink sink;
    void *ctx;
    uint8_t plain[DSG_SEG_PLAIN_MAX];
    uint8_t out[DSG_SEG_STORED_MAX];
};

struct dsg_oc_reader {
    EVP_CIPHER_CTX *gcm;
    uint8_t kek[DSG_OC_KEK_LEN];   /* until the header is read, then wiped */
    uint8_t expect_id[DSG_SEG_OBJECT_ID_LEN];
    uint64_t expect_version;
    int check_id;
    int have_header;
    dsg_seg_header hdr;
    uint64_t index;             /* the segment expected next */
    size_t fill;                /* stored bytes in buf */
    int state;
    dsg_oc_sink sink;
    void *ctx;
    char msg[MSG_CAP];
    /* one full segment and one byte: enough to tell it is not the last */
    uint8_t buf[DSG_SEG_STORED_MAX + 1];
    uint8_t plain[DSG_SEG_PLAIN_MAX];
};

int dsg_oc_kek_id(const uint8_t kek[DSG_OC_KEK_LEN], uint8_t id[DSG_SEG_KEK_ID_LEN])
{
    uint8_t md[EVP_MAX_MD_SIZE];
    size_t md_len = 0;
    if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, kek, DSG_OC_KEK_LEN,
                  (const unsigned char *)KEK_ID_LABEL, sizeof KEK_ID_LABEL - 1, md, sizeof md,
                  &md_len) == NULL ||
        md_len < DSG_SEG_KEK_ID_LEN)
        return -1;
    memcpy(id, md, DSG_SEG_KEK_ID_LEN);
    return 0;
}

/* One pass of AES-256 key wrap with padding (RFC 5649): 1 when it gave
 * exactly out_len bytes. */
static int key_wrap(int enc, const uint8_t *kek, const uint8_t *in, size_t len, uint8_t *out,
                    size_t out_len)
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    uint8_t buf[DSG_SEG_WRAPPED_LEN + 16];
    int a = 0, b = 0, ok;
    if (c == NULL)
        return 0;
    EVP_CIPHER_CTX_set_flags(c, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
    ok = EVP_CipherInit_ex(c, EVP_aes_256_wrap_pad(), NULL, kek, NULL, enc) == 1 &&
         EVP_CipherUpdate(c, buf, &a, in, (int)len) == 1 &&
         EVP_CipherFinal_ex(c, buf + a, &b) == 1 && (size_t)(a + b) == out_len;
    EVP_CIPHER_CTX_free(c);
    if (ok)
        memcpy(out, buf, out_len);
    OPENSSL_cleanse(buf, sizeof buf);
    return ok;
}

int dsg_oc_key_unwrap(const uint8_t kek[DSG_OC_KEK_LEN],
                      const uint8_t wrapped[DSG_SEG_WRAPPED_LEN],
                      uint8_t key[DSG_SEG_DATA_KEY_LEN])
{
    if (key_wrap(0, kek, wrapped, DSG_SEG_WRAPPED_LEN, key, DSG_SEG_DATA_KEY_LEN))
        return 0;
    OPENSSL_cleanse(key, DSG_SEG_DATA_KEY_LEN);
    return -1;
}

/* A GCM context with key set for enc (1) or dec (0), or NULL. */
static EVP_CIPHER_CTX *gcm_new(const uint8_t *key, int enc)
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    if (c != NULL &&
        (EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) != 1 ||
         EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, DSG_SEG_NONCE_LEN, NULL) != 1 ||
         EVP_CipherInit_ex(c, NULL, NULL, key, NULL, enc) != 1)) {
        EVP_CIPHER_CTX_free(c);
        c = NULL;
    }
    return c;
}

/* One segment through GCM: in[0 .. len) to out, with tag written (enc) or
 * checked (dec). DSG_OC_OK, ERR_TOO_LARGE (position), ERR_INTEGRITY (dec:
 * the tag does not verify) or ERR_CRYPTO. */
static dsg_oc_status gcm_segment(EVP_CIPHER_CTX *c, int enc, const dsg_seg_header *h,
                                 uint64_t index, int last, const uint8_t *in, size_t len,
                                 uint8_t *out, uint8_t *tag)
{
    uint8_t nonce[DSG_SEG_NONCE_LEN], ad[DSG_SEG_AD_LEN];
    int n = 0, fin = 0;
    if (dsg_seg_nonce(index, last, nonce) != DSG_SEG_OK ||
        dsg_seg_ad(h->object_id, h->version, index, last, ad) != DSG_SEG_OK)
        return DSG_OC_ERR_TOO_LARGE;
    if (EVP_CipherInit_ex(c, NULL, NULL, NULL, nonce, enc) != 1 ||
        EVP_CipherUpdate(c, NULL, &n, ad, (int)sizeof ad) != 1 ||
        EVP_CipherUpdate(c, out, &n, in, (int)len) != 1 || (size_t)n != len)
        return DSG_OC_ERR_CRYPTO;
    if (!enc && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, DSG_SEG_TAG_LEN, tag) != 1)
        return DSG_OC_ERR_CRYPTO;
    if (EVP_CipherFinal_ex(c, out + n, &fin) != 1 || fin != 0)
        return enc ? DSG_OC_ERR_CRYPTO : DSG_OC_ERR_INTEGRITY;
    if (enc && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, DSG_SEG_TAG_LEN, tag) != 1)
        return DSG_OC_ERR_CRYPTO;
    return DSG_OC_OK;
}

/* ---- the writer ---------------------------------------------------------- */

static dsg_oc_status writer_fail(dsg_oc_writer *w, dsg_oc_status st)
{
    w->state = FAILED;
    OPENSSL_cleanse(w->plain, sizeof w->plain);
    return st;
}

/* Seals the segment in w->plain as the last one or not, writes it. */
static dsg_oc_status seal(dsg_oc_writer *w, int last)
{
    dsg_oc_status st = gcm_segment(w->gcm, 1, &w->hdr, w->index, last, w->plain, w->fill,
                                   w->out, w->out + w->fill);
    if (st != DSG_OC_OK)
        return writer_fail(w, st);
    if (w->sink(w->ctx, w->out, w->fill + DSG_SEG_TAG_LEN) != 0)
        return writer_fail(w, DSG_OC_ERR_SINK);
    w->index++;
    w->fill = 0;
    return DSG_OC_OK;
}

dsg_oc_status dsg_oc_writer_new(const uint8_t kek[DSG_OC_KEK_LEN],
                                const uint8_t object_id[DSG_SEG_OBJECT_ID_LEN],
                                uint64_t version, dsg_oc_sink sink, void *ctx,
                                dsg_oc_writer **out)
{
    uint8_t key[DSG_SEG_DATA_KEY_LEN], head[DSG_SEG_HEADER_LEN];
    dsg_oc_writer *w = calloc(1, sizeof *w);
    dsg_oc_status st = DSG_OC_ERR_CRYPTO;
    *out = w;
    if (w == NULL)
        return DSG_OC_ERR_CRYPTO;
    w->sink = sink;
    w->ctx = ctx;
    w->hdr.format = DSG_SEG_FORMAT_V1;
    w->hdr.algorithm = DSG_SEG_ALG_AES256GCM;
    memcpy(w->hdr.object_id, object_id, DSG_SEG_OBJECT_ID_LEN);
    w->hdr.version = version;
    if (RAND_priv_bytes(key, sizeof key) == 1 && dsg_oc_kek_id(kek, w->hdr.kek_id) == 0 &&
        key_wrap(1, kek, key, sizeof key, w->hdr.wrapped_key, DSG_SEG_WRAPPED_LEN) &&
        (w->gcm = gcm_new(key, 1)) != NULL &&
        dsg_seg_header_encode(&w->hdr, head, sizeof head) == DSG_SEG_OK)
        st = sink(ctx, head, sizeof head) == 0 ? DSG_OC_OK : DSG_OC_ERR_SINK;
    OPENSSL_cleanse(key, sizeof key);
    if (st != DSG_OC_OK)
        w->state = FAILED;
    return st;
}

dsg_oc_status dsg_oc_writer_push(dsg_oc_writer *w, const uint8_t *p, size_t n)
{
    if (w->state != OPEN)
        return DSG_OC_ERR_STATE;
    while (n > 0) {
        if (w->fill == DSG_SEG_PLAIN_MAX) {   /* more follows: not the last */
            dsg_oc_status st = seal(w, 0);
            if (st != DSG_OC_OK)
                return st;
        }
        size_t take = DSG_SEG_PLAIN_MAX - w->fill;
        if (take > n)
            take = n;
        memcpy(w->plain + w->fill, p, take);
        w->fill += take;
        p += take;
        n -= take;
    }
    return DSG_OC_OK;
}

dsg_oc_status dsg_oc_writer_finish(dsg_oc_writer *w)
{
    if (w->state != OPEN)
        return DSG_OC_ERR_STATE;
    dsg_oc_status st = seal(w, 1);
    if (st == DSG_OC_OK)
        w->state = DONE;
    return st;
}

void dsg_oc_writer_free(dsg_oc_writer *w)
{
    if (w == NULL)
        return;
    EVP_CIPHER_CTX_free(w->gcm);   /* clears the key schedule */
    OPENSSL_cleanse(w, sizeof *w);
    free(w);
}

/* ---- the reader ---------------------------------------------------------- */

static void hex(char *dst, const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        dst[2 * i] = digits[p[i] >> 4];
        dst[2 * i + 1] = digits[p[i] & 15u];
    }
    dst[2 * n] = '\0';
}

static dsg_oc_status reader_fail(dsg_oc_reader *r, dsg_oc_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records the error: its token, the object and version -- the ones asked
 * for when the reader was given them, else the header's once known --
 * then the message. */
static dsg_oc_status reader_fail(dsg_oc_reader *r, dsg_oc_status st, const char *fmt, ...)
{
    char id[2 * DSG_SEG_OBJECT_ID_LEN + 1];
    int at = snprintf(r->msg, sizeof r->msg, "%s: ", dsg_oc_status_token(st));
    va_list ap;
    if ((r->check_id || r->have_header) && at >= 0 && (size_t)at < sizeof r->msg) {
        hex(id, r->check_id ? r->expect_id : r->hdr.object_id, DSG_SEG_OBJECT_ID_LEN);
        at += snprintf(r->msg + at, sizeof r->msg - (size_t)at, "object %s version %llu: ",
                       id, (unsigned long long)(r->check_id ? r->expect_version
                                                            : r->hdr.version));
    }
    if (at >= 0 && (size_t)at < sizeof r->msg) {
        va_start(ap, fmt);
        vsnprintf(r->msg + at, sizeof r->msg - (size_t)at, fmt, ap);
        va_end(ap);
    }
    r->state = FAILED;
    OPENSSL_cleanse(r->plain, sizeof r->plain);
    return st;
}

/* Drops the first n bytes of r->buf. */
static void consume(dsg_oc_reader *r, size_t n)
{
    memmove(r->buf, r->buf + n, r->fill - n);
    r->fill -= n;
}

/* The header, once its bytes are in: checked, the data key unwrapped. */
static dsg_oc_status read_header(dsg_oc_reader *r)
{
    uint8_t key[DSG_SEG_DATA_KEY_LEN], kek_id[DSG_SEG_KEK_ID_LEN];
    char want[2 * DSG_SEG_KEK_ID_LEN + 1], got[2 * DSG_SEG_KEK_ID_LEN + 1];
    char found[2 * DSG_SEG_OBJECT_ID_LEN + 1];
    dsg_seg_status ss = dsg_seg_header_parse(r->buf, r->fill, &r->hdr);
    if (ss == DSG_SEG_ERR_ALGORITHM)
        return reader_fail(r, DSG_OC_ERR_ALGORITHM, "the header names algorithm %u, not one "
                           "of the register (docs/keys.md)", (unsigned)(r->buf[6] * 256u + r->buf[7]));
    if (ss != DSG_SEG_OK)
        return reader_fail(r, DSG_OC_ERR_FORMAT, "not a dsg object (%s header)",
                           dsg_seg_status_token(ss));
    r->have_header = 1;
    if (r->check_id && (memcmp(r->hdr.object_id, r->expect_id, DSG_SEG_OBJECT_ID_LEN) != 0 ||
                        r->hdr.version != r->expect_version)) {
        hex(found, r->hdr.object_id, DSG_SEG_OBJECT_ID_LEN);
        return reader_fail(r, DSG_OC_ERR_INTEGRITY, "the header names object %s version %llu "
                           "instead (a file moved or swapped)", found,
                           (unsigned long long)r->hdr.version);
    }
    if (dsg_oc_kek_id(r->kek, kek_id) != 0)
        return reader_fail(r, DSG_OC_ERR_CRYPTO, "cannot compute the KEK ID");
    if (memcmp(kek_id, r->hdr.kek_id, sizeof kek_id) != 0) {
        hex(want, r->hdr.kek_id, DSG_SEG_KEK_ID_LEN);
        hex(got, kek_id, DSG_SEG_KEK_ID_LEN);
        return reader_fail(r, DSG_OC_ERR_KEY, "written under the key-encryption key %s, "
                           "this key is %s (the wrong key)", want, got);
    }
    if (!key_wrap(0, r->kek, r->hdr.wrapped_key, DSG_SEG_WRAPPED_LEN, key, sizeof key))
        return reader_fail(r, DSG_OC_ERR_KEY, "the wrapped data key does not unwrap under the "
                           "key-encryption key (a damaged header)");
    r->gcm = gcm_new(key, 0);
    OPENSSL_cleanse(key, sizeof key);
    if (r->gcm == NULL)
        return reader_fail(r, DSG_OC_ERR_CRYPTO, "cannot set up AES-256-GCM");
    consume(r, DSG_SEG_HEADER_LEN);
    return DSG_OC_OK;
}

/* Verifies, then releases, every segment r->buf holds that can be told;
 * at_end 1 when no stored byte follows. */
static dsg_oc_status drain(dsg_oc_reader *r, int at_end)
{
    if (!r->have_header) {
        if (r->fill < DSG_SEG_HEADER_LEN && !at_end)
            return DSG_OC_OK;
        dsg_oc_status st = read_header(r);
        OPENSSL_cleanse(r->kek, sizeof r->kek);   /* used once: no copy outlives the header */
        if (st != DSG_OC_OK)
            return st;
    }
    while (r->state == OPEN) {
        dsg_seg_frame f;
        dsg_seg_status ss = dsg_seg_frame_next(r->fill, at_end, r->index, &f);
        if (ss == DSG_SEG_NEED_MORE)
            return DSG_OC_OK;
        if (ss == DSG_SEG_ERR_SHORT)
            return reader_fail(r, DSG_OC_ERR_INTEGRITY, "segment %llu: missing or cut short "
                               "(the object ends before its final segment)",
                               (unsigned long long)r->index);
        if (ss != DSG_SEG_OK)
            return reader_fail(r, DSG_OC_ERR_INTEGRITY, "segment %llu: more than 2^32 segments",
                               (unsigned long long)r->index);
        dsg_oc_status st = gcm_segment(r->gcm, 0, &r->hdr, r->index, f.last, r->buf, f.ct_len,
                                       r->plain, r->buf + f.ct_len);
        if (st == DSG_OC_ERR_INTEGRITY)
            return reader_fail(r, st, "segment %llu%s: the tag does not verify (altered, "
                               "moved, from another object or version, or not the %s)",
                               (unsigned long long)r->index, f.last ? " (the final one)" : "",
                               f.last ? "last segment" : "segment that follows");
        if (st != DSG_OC_OK)
            return reader_fail(r, st, "segment %llu: cannot decrypt",
                               (unsigned long long)r->index);
        if (r->sink(r->ctx, r->plain, f.ct_len) != 0)
            return reader_fail(r, DSG_OC_ERR_SINK, "segment %llu: the sink refused it",
                               (unsigned long long)r->index);
        consume(r, f.eaten);
        if (f.last)
            r->state = DONE;
        else
            r->index++;
    }
    return DSG_OC_OK;
}

dsg_oc_status dsg_oc_reader_new(const uint8_t kek[DSG_OC_KEK_LEN], const uint8_t *expect_id,
                                uint64_t expect_version, dsg_oc_sink sink, void *ctx,
                                dsg_oc_reader **out)
{
    dsg_oc_reader *r = calloc(1, sizeof *r);
    *out = r;
    if (r == NULL)
        return DSG_OC_ERR_CRYPTO;
    memcpy(r->kek, kek, sizeof r->kek);
    if (expect_id != NULL) {
        memcpy(r->expect_id, expect_id, sizeof r->expect_id);
        r->expect_version = expect_version;
        r->check_id = 1;
    }
    r->sink = sink;
    r->ctx = ctx;
    return DSG_OC_OK;
}

dsg_oc_status dsg_oc_reader_push(dsg_oc_reader *r, const uint8_t *p, size_t n)
{
    if (r->state == FAILED)
        return DSG_OC_ERR_STATE;
    while (n > 0) {
        if (r->state == DONE)   /* cannot happen: only the end tells the last segment */
            return reader_fail(r, DSG_OC_ERR_INTEGRITY, "bytes after the final segment");
        size_t take = sizeof r->buf - r->fill;
        if (take > n)
            take = n;
        memcpy(r->buf + r->fill, p, take);
        r->fill += take;
        p += take;
        n -= take;
        dsg_oc_status st = drain(r, 0);
        if (st != DSG_OC_OK)
            return st;
    }
    return DSG_OC_OK;
}

dsg_oc_status dsg_oc_reader_finish(dsg_oc_reader *r)
{
    if (r->state != OPEN)
        return DSG_OC_ERR_STATE;
    if (!r->have_header && r->fill < DSG_SEG_HEADER_LEN)
        return reader_fail(r, DSG_OC_ERR_FORMAT, "not a dsg object (%zu bytes, under the "
                           "%u of a header)", r->fill, DSG_SEG_HEADER_LEN);
    dsg_oc_status st = drain(r, 1);
    if (st == DSG_OC_OK && r->state != DONE)   /* drain at the end reaches a verdict */
        st = reader_fail(r, DSG_OC_ERR_INTEGRITY, "segment %llu: no final segment",
                         (unsigned long long)r->index);
    return st;
}

const dsg_seg_header *dsg_oc_reader_header(const dsg_oc_reader *r)
{
    return r->have_header ? &r->hdr : NULL;
}

uint64_t dsg_oc_reader_index(const dsg_oc_reader *r)
{
    return r->index;
}

const char *dsg_oc_reader_error(const dsg_oc_reader *r)
{
    return r->msg;
}

void dsg_oc_reader_free(dsg_oc_reader *r)
{
    if (r == NULL)
        return;
    EVP_CIPHER_CTX_free(r->gcm);
    OPENSSL_cleanse(r, sizeof *r);
    free(r);
}

const char *dsg_oc_status_token(dsg_oc_status status)
{
    static const char *const tokens[] = {
        "ok", "stor.integrity", "stor.key", "stor.format", "stor.unknown_algorithm",
        "stor.too_large", "stor.sink", "stor.crypto", "stor.state",
    };
    unsigned i = (unsigned)status;
    return i < sizeof tokens / sizeof tokens[0] ? tokens[i] : "stor.unknown_status";
}
