/* A backup's member files: see bk_member.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "bkup/bk_member.h"
#include "stor/objcrypt.h"
#include "io/fdio.h"

#define HKDF_INFO "dsg-backup-member-v1 X25519 HKDF-SHA-256 AES-256-GCM"
#define TRAILER_MAGIC "DSGZ"
#define OBJECT_VERSION 1u
#define CHUNK 16384u
#define MSG_CAP 512

enum { OPEN = 0, DONE = 1, FAILED = 2 };

static const char *const roles[DSG_BK_ROLES] = {
    "auth", "edge", "endpoint", "logd", "master", "noc", "portal", "share", "soc",
};

const char *dsg_bk_role_name(unsigned r)
{
    return r < DSG_BK_ROLES ? roles[r] : NULL;
}

int dsg_bk_role_of(const char *s)
{
    for (unsigned r = 0; r < DSG_BK_ROLES; r++)
        if (strcmp(roles[r], s) == 0)
            return (int)r;
    return -1;
}

static int id_bytes_ok(const uint8_t *p)
{
    for (unsigned i = 0; i < DSG_BK_ID_LEN; i++) {
        uint8_t c = p[i];
        int ok = i == 8 ? c == 'T' : i == 15 ? c == 'Z' : c >= '0' && c <= '9';
        if (!ok)
            return 0;
    }
    return 1;
}

int dsg_bk_id_ok(const char *id)
{
    return strlen(id) == DSG_BK_ID_LEN && id_bytes_ok((const uint8_t *)id);
}

static int name_byte_ok(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-' || c == '/';
}

int dsg_bk_key_id(const uint8_t pub[DSG_X25519_LEN], uint8_t id[DSG_BK_KEY_ID_LEN])
{
    uint8_t md[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    if (EVP_Digest(pub, DSG_X25519_LEN, md, &n, EVP_sha256(), NULL) != 1 || n != 32)
        return -1;
    memcpy(id, md, DSG_BK_KEY_ID_LEN);
    return 0;
}

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static uint64_t get64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

/* ---- the header -------------------------------------------------------------- */

dsg_bk_status dsg_bk_member_header_parse(const uint8_t *buf, size_t len,
                                         dsg_bk_member_header *h)
{
    size_t m = len < 4 ? len : 4;
    if (memcmp(buf, DSG_BK_MAGIC, m) != 0)
        return DSG_BK_FORMAT;
    if (len < DSG_BK_FIXED_LEN)
        return DSG_BK_TRUNCATED;
    if (buf[4] != DSG_BK_FORMAT_V1 || buf[5] != DSG_BK_SUITE_X25519_AES256GCM ||
        !id_bytes_ok(buf + 46) || buf[62] >= DSG_BK_ROLES || buf[63] == 0)
        return DSG_BK_FORMAT;
    size_t nl = buf[63];
    if (len < DSG_BK_FIXED_LEN + nl)
        return DSG_BK_TRUNCATED;
    for (size_t i = 0; i < nl; i++)
        if (!name_byte_ok(buf[DSG_BK_FIXED_LEN + i]))
            return DSG_BK_FORMAT;
    memcpy(h->key_id, buf + 6, DSG_BK_KEY_ID_LEN);
    memcpy(h->eph, buf + 14, DSG_X25519_LEN);
    memcpy(h->id, buf + 46, DSG_BK_ID_LEN);
    h->id[DSG_BK_ID_LEN] = '\0';
    h->role = buf[62];
    memcpy(h->name, buf + DSG_BK_FIXED_LEN, nl);
    h->name[nl] = '\0';
    h->name_len = nl;
    h->len = DSG_BK_FIXED_LEN + nl;
    return DSG_BK_OK;
}

/* The member key and the object ID of the header hdr[0 .. len): 0, or -1. */
static int member_key(const uint8_t priv[DSG_X25519_LEN], const uint8_t peer[DSG_X25519_LEN],
                      const uint8_t recipient[DSG_X25519_LEN], const uint8_t *hdr, size_t len,
                      uint8_t key[DSG_X25519_LEN], uint8_t object_id[DSG_SEG_OBJECT_ID_LEN])
{
    uint8_t info[sizeof HKDF_INFO + DSG_BK_HEADER_MAX], md[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    memcpy(info, HKDF_INFO, sizeof HKDF_INFO);   /* its NUL too */
    memcpy(info + sizeof HKDF_INFO, hdr, len);
    if (EVP_Digest(hdr, len, md, &n, EVP_sha256(), NULL) != 1 || n != 32)
        return -1;
    memcpy(object_id, md, DSG_SEG_OBJECT_ID_LEN);
    return dsg_x25519_hkdf(priv, peer, hdr + 14, recipient, info, sizeof HKDF_INFO + len, key);
}

/* ---- the writer -------------------------------------------------------------- */

struct dsg_bk_member_writer {
    int fd;
    int state;
    uint64_t stored;
    EVP_MD_CTX *sha;
    dsg_oc_writer *oc;
};

/* The writer's sink: to the file, counted and hashed. */
static int store(void *ctx, const uint8_t *p, size_t n)
{
    dsg_bk_member_writer *w = ctx;
    if (dsg_write_all(w->fd, p, n) != 0 || EVP_DigestUpdate(w->sha, p, n) != 1)
        return -1;
    w->stored += n;
    return 0;
}

/* The header of (id, role, name) to recipient into hdr, its length in
 * *len, the ephemeral private key in eph. */
static dsg_bk_status build_header(const uint8_t recipient[DSG_X25519_LEN], const char *id,
                                  unsigned role, const char *name, uint8_t *hdr, size_t *len,
                                  uint8_t eph[DSG_X25519_LEN])
{
    size_t nl = strlen(name);
    if (!dsg_bk_id_ok(id) || role >= DSG_BK_ROLES || nl == 0 || nl > DSG_BK_NAME_MAX)
        return DSG_BK_ARGS;
    for (size_t i = 0; i < nl; i++)
        if (!name_byte_ok((uint8_t)name[i]))
            return DSG_BK_ARGS;
    memcpy(hdr, DSG_BK_MAGIC, 4);
    hdr[4] = DSG_BK_FORMAT_V1;
    hdr[5] = DSG_BK_SUITE_X25519_AES256GCM;
    if (dsg_bk_key_id(recipient, hdr + 6) != 0 || dsg_x25519_keygen(eph, hdr + 14) != 0)
        return DSG_BK_CRYPTO;
    memcpy(hdr + 46, id, DSG_BK_ID_LEN);
    hdr[62] = (uint8_t)role;
    hdr[63] = (uint8_t)nl;
    memcpy(hdr + DSG_BK_FIXED_LEN, name, nl);
    *len = DSG_BK_FIXED_LEN + nl;
    return DSG_BK_OK;
}

dsg_bk_status dsg_bk_member_writer_new(int fd, const uint8_t recipient[DSG_X25519_LEN],
                                       const char *id, unsigned role, const char *name,
                                       dsg_bk_member_writer **out)
{
    uint8_t hdr[DSG_BK_HEADER_MAX], eph[DSG_X25519_LEN], key[DSG_X25519_LEN];
    uint8_t object_id[DSG_SEG_OBJECT_ID_LEN];
    size_t hlen = 0;
    dsg_bk_member_writer *w = calloc(1, sizeof *w);
    *out = w;
    if (w == NULL)
        return DSG_BK_CRYPTO;
    w->fd = fd;
    w->state = FAILED;
    w->sha = EVP_MD_CTX_new();
    if (w->sha == NULL || EVP_DigestInit_ex(w->sha, EVP_sha256(), NULL) != 1)
        return DSG_BK_CRYPTO;
    dsg_bk_status st = build_header(recipient, id, role, name, hdr, &hlen, eph);
    if (st == DSG_BK_OK)
        st = member_key(eph, recipient, recipient, hdr, hlen, key, object_id) == 0
                 ? DSG_BK_OK : DSG_BK_CRYPTO;
    OPENSSL_cleanse(eph, sizeof eph);
    if (st == DSG_BK_OK && store(w, hdr, hlen) != 0)
        st = DSG_BK_IO;
    if (st == DSG_BK_OK) {
        dsg_oc_status os = dsg_oc_writer_new(key, object_id, OBJECT_VERSION, store, w, &w->oc);
        st = os == DSG_OC_OK ? DSG_BK_OK : os == DSG_OC_ERR_SINK ? DSG_BK_IO : DSG_BK_CRYPTO;
    }
    OPENSSL_cleanse(key, sizeof key);
    if (st == DSG_BK_OK)
        w->state = OPEN;
    return st;
}

static dsg_bk_status oc_status(dsg_oc_status os)
{
    return os == DSG_OC_OK ? DSG_BK_OK : os == DSG_OC_ERR_SINK ? DSG_BK_IO : DSG_BK_CRYPTO;
}

dsg_bk_status dsg_bk_member_write(dsg_bk_member_writer *w, const uint8_t *p, size_t n)
{
    if (w->state != OPEN)
        return DSG_BK_STATE;
    dsg_bk_status st = oc_status(dsg_oc_writer_push(w->oc, p, n));
    if (st != DSG_BK_OK)
        w->state = FAILED;
    return st;
}

dsg_bk_status dsg_bk_member_finish(dsg_bk_member_writer *w, uint64_t *stored,
                                   uint8_t sha256[DSG_BK_SHA256_LEN])
{
    uint8_t trailer[DSG_BK_TRAILER_LEN];
    unsigned n = 0;
    if (w->state != OPEN)
        return DSG_BK_STATE;
    w->state = FAILED;
    dsg_bk_status st = oc_status(dsg_oc_writer_finish(w->oc));
    if (st != DSG_BK_OK)
        return st;
    memcpy(trailer, TRAILER_MAGIC, 4);
    put64(trailer + 4, w->stored);
    if (store(w, trailer, sizeof trailer) != 0)
        return DSG_BK_IO;
    if (EVP_DigestFinal_ex(w->sha, sha256, &n) != 1 || n != DSG_BK_SHA256_LEN)
        return DSG_BK_CRYPTO;
    *stored = w->stored;
    w->state = DONE;
    return DSG_BK_OK;
}

void dsg_bk_member_writer_free(dsg_bk_member_writer *w)
{
    if (w == NULL)
        return;
    dsg_oc_writer_free(w->oc);
    EVP_MD_CTX_free(w->sha);
    OPENSSL_cleanse(w, sizeof *w);
    free(w);
}

/* ---- the reader -------------------------------------------------------------- */

struct dsg_bk_member_reader {
    int fd;
    int state;
    int eof;
    dsg_oc_reader *oc;
    EVP_MD_CTX *sha;            /* of every byte read from fd */
    uint64_t read_bytes;
    uint64_t body;              /* bytes before the trailer so far */
    size_t tail_fill;
    size_t pos, fill;           /* plaintext handed out, held */
    char msg[MSG_CAP];
    uint8_t tail[DSG_BK_TRAILER_LEN];
    uint8_t in[DSG_BK_TRAILER_LEN + CHUNK];
    uint8_t plain[2 * DSG_SEG_PLAIN_MAX];
};

static dsg_bk_status reader_fail(dsg_bk_member_reader *r, dsg_bk_status st, const char *fmt,
                                 ...) __attribute__((format(printf, 3, 4)));

static dsg_bk_status reader_fail(dsg_bk_member_reader *r, dsg_bk_status st, const char *fmt,
                                 ...)
{
    va_list ap;
    int at = snprintf(r->msg, sizeof r->msg, "%s: ", dsg_bk_status_token(st));
    va_start(ap, fmt);
    if (at > 0 && (size_t)at < sizeof r->msg)
        vsnprintf(r->msg + at, sizeof r->msg - (size_t)at, fmt, ap);
    va_end(ap);
    r->state = FAILED;
    OPENSSL_cleanse(r->plain, sizeof r->plain);
    return st;
}

/* The objcrypt reader's sink: verified plaintext into r->plain. */
static int take_plain(void *ctx, const uint8_t *p, size_t n)
{
    dsg_bk_member_reader *r = ctx;
    if (n > sizeof r->plain - r->fill)
        return -1;
    memcpy(r->plain + r->fill, p, n);
    r->fill += n;
    return 0;
}

/* Up to cap bytes of fd, all of them unless the file ends: the count, or
 * -1 (errno). */
static ssize_t read_full(int fd, uint8_t *p, size_t cap)
{
    size_t got = 0;
    while (got < cap) {
        ssize_t n = read(fd, p + got, cap - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

/* Up to cap bytes of the member's file (read_full), each hashed and
 * counted: what the plaintext comes from is what the digest covers. */
static ssize_t reader_read(dsg_bk_member_reader *r, uint8_t *p, size_t cap)
{
    ssize_t n = read_full(r->fd, p, cap);
    if (n > 0 && EVP_DigestUpdate(r->sha, p, (size_t)n) != 1) {
        errno = ENOMEM;
        return -1;
    }
    if (n > 0)
        r->read_bytes += (uint64_t)n;
    return n;
}

/* Checks the header read from fd against what the caller expects, and
 * sets up the objcrypt reader under the member key. */
static dsg_bk_status open_header(dsg_bk_member_reader *r, const uint8_t priv[DSG_X25519_LEN],
                                 const char *id, unsigned role, const char *name)
{
    uint8_t hdr[DSG_BK_HEADER_MAX], pub[DSG_X25519_LEN], kid[DSG_BK_KEY_ID_LEN];
    uint8_t key[DSG_X25519_LEN], object_id[DSG_SEG_OBJECT_ID_LEN];
    dsg_bk_member_header h;
    ssize_t got = reader_read(r, hdr, DSG_BK_FIXED_LEN);
    if (got < 0)
        return reader_fail(r, DSG_BK_IO, "cannot read: %s", strerror(errno));
    dsg_bk_status st = dsg_bk_member_header_parse(hdr, (size_t)got, &h);
    if (st == DSG_BK_TRUNCATED && got == (ssize_t)DSG_BK_FIXED_LEN) {
        ssize_t more = reader_read(r, hdr + got, hdr[63]);
        if (more < 0)
            return reader_fail(r, DSG_BK_IO, "cannot read: %s", strerror(errno));
        got += more;
        st = dsg_bk_member_header_parse(hdr, (size_t)got, &h);
    }
    if (st == DSG_BK_TRUNCATED)
        return reader_fail(r, st, "the file ends inside the member header (%zd bytes)", got);
    if (st != DSG_BK_OK)
        return reader_fail(r, st, "not a dsg backup member (magic, version, suite or a "
                           "header field)");
    if (strcmp(h.id, id) != 0)
        return reader_fail(r, DSG_BK_OTHER_BACKUP, "the file is a member of backup %s, not %s",
                           h.id, id);
    if (h.role != role || strcmp(h.name, name) != 0)
        return reader_fail(r, DSG_BK_OTHER_MEMBER, "the file is the member %s %s, not %s %s",
                           dsg_bk_role_name(h.role), h.name, dsg_bk_role_name(role), name);
    if (dsg_x25519_public(priv, pub) != 0 || dsg_bk_key_id(pub, kid) != 0)
        return reader_fail(r, DSG_BK_CRYPTO, "OpenSSL failed");
    if (memcmp(kid, h.key_id, sizeof kid) != 0)
        return reader_fail(r, DSG_BK_WRONG_KEY, "the member is encrypted to another recipient "
                           "key (the wrong private key)");
    if (member_key(priv, h.eph, pub, hdr, h.len, key, object_id) != 0)
        return reader_fail(r, DSG_BK_TAMPERED, "the ephemeral key of the header is refused");
    dsg_oc_status os = dsg_oc_reader_new(key, object_id, OBJECT_VERSION, take_plain, r, &r->oc);
    OPENSSL_cleanse(key, sizeof key);
    if (os != DSG_OC_OK)
        return reader_fail(r, DSG_BK_CRYPTO, "out of memory");
    r->body = h.len;
    return DSG_BK_OK;
}

dsg_bk_status dsg_bk_member_reader_new(int fd, const uint8_t priv[DSG_X25519_LEN],
                                       const char *id, unsigned role, const char *name,
                                       dsg_bk_member_reader **out)
{
    dsg_bk_member_reader *r = calloc(1, sizeof *r);
    *out = r;
    if (r == NULL)
        return DSG_BK_CRYPTO;
    r->fd = fd;
    r->sha = EVP_MD_CTX_new();
    if (r->sha == NULL || EVP_DigestInit_ex(r->sha, EVP_sha256(), NULL) != 1)
        return reader_fail(r, DSG_BK_CRYPTO, "out of memory");
    return open_header(r, priv, id, role, name);
}

dsg_bk_status dsg_bk_member_reader_digest(dsg_bk_member_reader *r, uint64_t *bytes,
                                          uint8_t sha256[DSG_BK_SHA256_LEN])
{
    unsigned len = 0;
    if (r->state != DONE || r->pos != r->fill)
        return DSG_BK_STATE;
    if (EVP_DigestFinal_ex(r->sha, sha256, &len) != 1 || len != DSG_BK_SHA256_LEN)
        return DSG_BK_CRYPTO;
    r->state = FAILED;   /* the digest is given once */
    *bytes = r->read_bytes;
    return DSG_BK_OK;
}

/* objcrypt's verdict as the member's: a changed header gives another member
 * key (stor.key); a segment that does not verify is tampered with, unless
 * the file ends before its final segment. */
static dsg_bk_status oc_fail(dsg_bk_member_reader *r, dsg_oc_status os, int at_end)
{
    if (os == DSG_OC_ERR_KEY)
        return reader_fail(r, DSG_BK_TAMPERED, "the member header does not verify under this "
                           "key (a changed byte in the header)");
    if (os == DSG_OC_ERR_FORMAT || os == DSG_OC_ERR_ALGORITHM)
        return reader_fail(r, at_end ? DSG_BK_TRUNCATED : DSG_BK_TAMPERED, "%s",
                           dsg_oc_reader_error(r->oc));
    if (os == DSG_OC_ERR_INTEGRITY)
        return reader_fail(r, DSG_BK_TAMPERED, "%s", dsg_oc_reader_error(r->oc));
    return reader_fail(r, DSG_BK_CRYPTO, "%s", dsg_oc_reader_error(r->oc));
}

/* The next chunk of fd to the objcrypt reader, holding back the last
 * DSG_BK_TRAILER_LEN bytes read (the trailer, once the file ends). */
static dsg_bk_status feed(dsg_bk_member_reader *r)
{
    memcpy(r->in, r->tail, r->tail_fill);
    ssize_t n = reader_read(r, r->in + r->tail_fill, CHUNK);
    if (n < 0)
        return reader_fail(r, DSG_BK_IO, "cannot read: %s", strerror(errno));
    size_t all = r->tail_fill + (size_t)n;
    r->eof = n == 0;
    size_t keep = all < DSG_BK_TRAILER_LEN ? all : DSG_BK_TRAILER_LEN;
    dsg_oc_status os = dsg_oc_reader_push(r->oc, r->in, all - keep);
    r->body += all - keep;
    memcpy(r->tail, r->in + all - keep, keep);
    r->tail_fill = keep;
    return os == DSG_OC_OK ? DSG_BK_OK : oc_fail(r, os, 0);
}

/* The file has ended: the trailer, then the final segment. */
static dsg_bk_status finish(dsg_bk_member_reader *r)
{
    if (r->tail_fill < DSG_BK_TRAILER_LEN || memcmp(r->tail, TRAILER_MAGIC, 4) != 0 ||
        get64(r->tail + 4) != r->body)
        return reader_fail(r, DSG_BK_TRUNCATED, "the file ends without its trailer after %llu "
                           "bytes (cut short)",
                           (unsigned long long)(r->body + r->tail_fill));
    dsg_oc_status os = dsg_oc_reader_finish(r->oc);
    if (os != DSG_OC_OK)
        return oc_fail(r, os, 1);
    r->state = DONE;
    return DSG_BK_OK;
}

dsg_bk_status dsg_bk_member_read(dsg_bk_member_reader *r, uint8_t *buf, size_t cap,
                                 size_t *got)
{
    *got = 0;
    if (r->state == FAILED)
        return DSG_BK_STATE;
    while (r->pos == r->fill && r->state == OPEN) {
        r->pos = r->fill = 0;
        dsg_bk_status st = r->eof ? finish(r) : feed(r);
        if (st != DSG_BK_OK)
            return st;
    }
    size_t n = r->fill - r->pos < cap ? r->fill - r->pos : cap;
    memcpy(buf, r->plain + r->pos, n);
    r->pos += n;
    *got = n;
    return DSG_BK_OK;
}

const char *dsg_bk_member_reader_error(const dsg_bk_member_reader *r)
{
    return r->msg;
}

void dsg_bk_member_reader_free(dsg_bk_member_reader *r)
{
    if (r == NULL)
        return;
    dsg_oc_reader_free(r->oc);
    EVP_MD_CTX_free(r->sha);
    OPENSSL_cleanse(r, sizeof *r);
    free(r);
}

const char *dsg_bk_status_token(dsg_bk_status st)
{
    static const char *const tokens[] = {
        "ok", "bkup.format", "bkup.truncated", "bkup.wrong_key", "bkup.other_backup",
        "bkup.other_member", "bkup.tampered", "bkup.signature", "bkup.missing", "bkup.extra",
        "bkup.database", "bkup.args", "bkup.exists", "bkup.io", "bkup.crypto", "bkup.state",
    };
    unsigned i = (unsigned)st;
    return i < sizeof tokens / sizeof tokens[0] ? tokens[i] : "bkup.unknown_status";
}
