/* The backup-signing key and the manifest's signature: see bk_sign.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/buffer.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "bkup/bk_sign.h"

static dsg_bk_status fail(dsg_bk_status st, char *err, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static dsg_bk_status fail(dsg_bk_status st, char *err, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, n, fmt, ap);
    va_end(ap);
    return st;
}

static EVP_PKEY *private_key(const uint8_t key[DSG_BK_SIGN_KEY_LEN])
{
    return EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, key, DSG_BK_SIGN_KEY_LEN);
}

/* Syncs the directory path lies in. */
static int sync_parent(const char *path)
{
    char copy[PATH_MAX];
    if (snprintf(copy, sizeof copy, "%s", path) >= (int)sizeof copy)
        return -1;
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

dsg_bk_status dsg_bk_signkey_create(const char *path, char *err, size_t n)
{
    uint8_t key[DSG_BK_SIGN_KEY_LEN];
    EVP_PKEY *k = NULL;
    if (RAND_priv_bytes(key, sizeof key) != 1 || (k = private_key(key)) == NULL) {
        OPENSSL_cleanse(key, sizeof key);
        return fail(DSG_BK_CRYPTO, err, n, "cannot generate an Ed25519 key");
    }
    EVP_PKEY_free(k);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        OPENSSL_cleanse(key, sizeof key);
        return fail(errno == EEXIST ? DSG_BK_EXISTS : DSG_BK_IO, err, n, "%s: %s", path,
                    strerror(errno));
    }
    int ok = write(fd, key, sizeof key) == (ssize_t)sizeof key && fsync(fd) == 0;
    int e = errno;
    OPENSSL_cleanse(key, sizeof key);
    if (close(fd) != 0 || !ok || sync_parent(path) != 0) {
        unlink(path);
        return fail(DSG_BK_IO, err, n, "%s: cannot write: %s", path, strerror(ok ? errno : e));
    }
    return DSG_BK_OK;
}

dsg_bk_status dsg_bk_signkey_load(const char *path, uint8_t key[DSG_BK_SIGN_KEY_LEN], char *err,
                                  size_t n)
{
    struct stat st;
    uint8_t buf[DSG_BK_SIGN_KEY_LEN + 1];
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return fail(errno == ELOOP ? DSG_BK_ARGS : DSG_BK_IO, err, n, "signing key %s: %s%s",
                    path, strerror(errno), errno == ELOOP ? " (a symbolic link: refusing it)" : "");
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return fail(DSG_BK_ARGS, err, n, "signing key %s is not a regular file: refusing it",
                    path);
    }
    if (st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
        close(fd);
        return fail(DSG_BK_ARGS, err, n, "signing key %s has owner uid %u and mode %04o: it "
                    "must be owned by uid %u with no group or other permissions (chmod 600 %s): "
                    "refusing it", path, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777),
                    (unsigned)geteuid(), path);
    }
    ssize_t got = read(fd, buf, sizeof buf);
    close(fd);
    if (got != (ssize_t)DSG_BK_SIGN_KEY_LEN) {
        OPENSSL_cleanse(buf, sizeof buf);
        return fail(got < 0 ? DSG_BK_IO : DSG_BK_ARGS, err, n,
                    "signing key %s: %s, a signing key has %u bytes", path,
                    got < 0 ? strerror(errno) : got > (ssize_t)DSG_BK_SIGN_KEY_LEN
                                                ? "too long" : "too short",
                    DSG_BK_SIGN_KEY_LEN);
    }
    memcpy(key, buf, DSG_BK_SIGN_KEY_LEN);
    OPENSSL_cleanse(buf, sizeof buf);
    return DSG_BK_OK;
}

dsg_bk_status dsg_bk_signkey_public_pem(const uint8_t key[DSG_BK_SIGN_KEY_LEN], char *out,
                                        size_t cap)
{
    EVP_PKEY *k = private_key(key);
    BIO *b = k != NULL ? BIO_new(BIO_s_mem()) : NULL;
    BUF_MEM *m = NULL;
    int ok = b != NULL && PEM_write_bio_PUBKEY(b, k) == 1;
    if (ok) {
        BIO_get_mem_ptr(b, &m);
        ok = m->length < cap;
        if (ok) {
            memcpy(out, m->data, m->length);
            out[m->length] = '\0';
        }
    }
    BIO_free(b);
    EVP_PKEY_free(k);
    return ok ? DSG_BK_OK : DSG_BK_CRYPTO;
}

/* The raw key of k when it is an Ed25519 public key: 1, else 0; k freed. */
static int raw_ed25519(EVP_PKEY *k, uint8_t pub[DSG_BK_SIGN_KEY_LEN])
{
    size_t len = DSG_BK_SIGN_KEY_LEN;
    int ok = k != NULL && EVP_PKEY_get_base_id(k) == EVP_PKEY_ED25519 &&
             EVP_PKEY_get_raw_public_key(k, pub, &len) == 1 && len == DSG_BK_SIGN_KEY_LEN;
    EVP_PKEY_free(k);
    return ok;
}

dsg_bk_status dsg_bk_signkey_read_public(const char *path, uint8_t pub[DSG_BK_SIGN_KEY_LEN],
                                         char *err, size_t n)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return fail(DSG_BK_IO, err, n, "%s: %s", path, strerror(errno));
    EVP_PKEY *k = PEM_read_PUBKEY(f, NULL, NULL, NULL);
    fclose(f);
    return raw_ed25519(k, pub)
               ? DSG_BK_OK
               : fail(DSG_BK_ARGS, err, n, "%s is not an Ed25519 public key in PEM", path);
}

dsg_bk_status dsg_bk_signkey_public_of(const char *pem, size_t len,
                                       uint8_t pub[DSG_BK_SIGN_KEY_LEN])
{
    BIO *b = len <= INT32_MAX ? BIO_new_mem_buf(pem, (int)len) : NULL;
    EVP_PKEY *k = b != NULL ? PEM_read_bio_PUBKEY(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    return raw_ed25519(k, pub) ? DSG_BK_OK : DSG_BK_ARGS;
}

dsg_bk_status dsg_bk_sign(const uint8_t key[DSG_BK_SIGN_KEY_LEN], const uint8_t *msg, size_t len,
                          uint8_t sig[DSG_BK_SIG_LEN])
{
    EVP_PKEY *k = private_key(key);
    EVP_MD_CTX *c = k != NULL ? EVP_MD_CTX_new() : NULL;
    size_t sl = DSG_BK_SIG_LEN;
    int ok = c != NULL && EVP_DigestSignInit(c, NULL, NULL, NULL, k) == 1 &&
             EVP_DigestSign(c, sig, &sl, msg, len) == 1 && sl == DSG_BK_SIG_LEN;
    EVP_MD_CTX_free(c);
    EVP_PKEY_free(k);
    return ok ? DSG_BK_OK : DSG_BK_CRYPTO;
}

int dsg_bk_sig_ok(const uint8_t pub[DSG_BK_SIGN_KEY_LEN], const uint8_t *msg, size_t len,
                  const uint8_t sig[DSG_BK_SIG_LEN])
{
    EVP_PKEY *k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, DSG_BK_SIGN_KEY_LEN);
    EVP_MD_CTX *c = k != NULL ? EVP_MD_CTX_new() : NULL;
    int ok = c != NULL && EVP_DigestVerifyInit(c, NULL, NULL, NULL, k) == 1 &&
             EVP_DigestVerify(c, sig, DSG_BK_SIG_LEN, msg, len) == 1;
    EVP_MD_CTX_free(c);
    EVP_PKEY_free(k);
    return ok;
}
