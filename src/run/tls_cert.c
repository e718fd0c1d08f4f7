/*
 * The portal's certificate and key, master side (docs/sandbox.md, "Key
 * handling"). OpenSSL 3 EVP API only, never the openssl program.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "run/log.h"
#include "run/tls_cert.h"

static void log_ssl(const char *what)
{
    char buf[256];
    unsigned long e = ERR_get_error();
    ERR_error_string_n(e, buf, sizeof buf);
    dsgd_log("%s: %s", what, e ? buf : "failed");
    ERR_clear_error();
}

static int add_ext(X509 *x, int nid, const char *value)
{
    X509V3_CTX v3;
    X509_EXTENSION *ext;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
    ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
    if (ext == NULL)
        return -1;
    int ok = X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    return ok ? 0 : -1;
}

/* A self-signed end-entity certificate for localhost: ECDSA P-256 with
 * SHA-256, CN localhost, SAN DNS:localhost and IP:127.0.0.1, a random
 * 159-bit serial (RFC 5280 4.1.2.2: positive, at most 20 octets). */
static X509 *make_cert(EVP_PKEY *pk)
{
    X509 *x = X509_new();
    X509_NAME *name;
    BIGNUM *bn = BN_new();
    time_t now = time(NULL);   /* one instant: exactly DSGD_TLS_CERT_DAYS apart */
    if (x == NULL || bn == NULL)
        goto fail;
    if (!X509_set_version(x, X509_VERSION_3) || !BN_rand(bn, 159, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
        BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL ||
        X509_time_adj_ex(X509_getm_notBefore(x), 0, 0, &now) == NULL ||
        X509_time_adj_ex(X509_getm_notAfter(x), DSGD_TLS_CERT_DAYS, 0, &now) == NULL ||
        !X509_set_pubkey(x, pk))
        goto fail;
    name = X509_get_subject_name(x);
    if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"localhost",
                                    -1, -1, 0) ||
        !X509_set_issuer_name(x, name))
        goto fail;
    if (add_ext(x, NID_basic_constraints, "critical,CA:FALSE") != 0 ||
        add_ext(x, NID_key_usage, "critical,digitalSignature") != 0 ||
        add_ext(x, NID_ext_key_usage, "serverAuth") != 0 ||
        add_ext(x, NID_subject_key_identifier, "hash") != 0 ||
        add_ext(x, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1") != 0)
        goto fail;
    if (X509_sign(x, pk, EVP_sha256()) <= 0)
        goto fail;
    BN_free(bn);
    return x;
fail:
    BN_free(bn);
    X509_free(x);
    return NULL;
}

/* Writes len bytes to path, created exclusively with mode (no symlink
 * followed), then fsync. */
static int write_new(const char *path, const char *data, long len, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) {
        dsgd_log("cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    if (fchmod(fd, mode) != 0 || write(fd, data, (size_t)len) != (ssize_t)len || fsync(fd) != 0) {
        dsgd_log("cannot write %s: %s", path, strerror(errno));
        close(fd);
        unlink(path);
        return -1;
    }
    close(fd);
    return 0;
}

/* Generates key.pem and cert.pem: each is written to a .new file and
 * renamed, the key first, so a crash leaves either nothing, or a key
 * without a certificate (refused at the next start with a message). */
static int generate(const char *keypath, const char *certpath)
{
    char tmpk[4400], tmpc[4400];
    EVP_PKEY *pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    X509 *x = NULL;
    BIO *bk = BIO_new(BIO_s_secmem()), *bc = BIO_new(BIO_s_mem());
    char *pk_pem, *c_pem;
    long pk_len, c_len;
    int rc = -1;

    snprintf(tmpk, sizeof tmpk, "%s.new", keypath);
    snprintf(tmpc, sizeof tmpc, "%s.new", certpath);
    if (pk == NULL || bk == NULL || bc == NULL || (x = make_cert(pk)) == NULL ||
        !PEM_write_bio_PrivateKey(bk, pk, NULL, NULL, 0, NULL, NULL) ||
        !PEM_write_bio_X509(bc, x)) {
        log_ssl("cannot generate the portal certificate");
        goto out;
    }
    pk_len = BIO_get_mem_data(bk, &pk_pem);
    c_len = BIO_get_mem_data(bc, &c_pem);
    (void)unlink(tmpk);
    (void)unlink(tmpc);
    if (write_new(tmpk, pk_pem, pk_len, 0600) != 0)
        goto out;
    if (write_new(tmpc, c_pem, c_len, 0644) != 0) {
        unlink(tmpk);
        goto out;
    }
    if (rename(tmpk, keypath) != 0 || rename(tmpc, certpath) != 0) {
        dsgd_log("cannot rename the new certificate or key into %s: %s", keypath, strerror(errno));
        unlink(tmpk);
        unlink(tmpc);
        goto out;
    }
    dsgd_log("generated a self-signed ECDSA P-256 certificate for localhost and 127.0.0.1, "
             "valid %d days: %s, key %s (mode 0600)", DSGD_TLS_CERT_DAYS, certpath, keypath);
    rc = 0;
out:
    BIO_free(bk);   /* a secmem BIO: its buffer is cleansed when freed */
    BIO_free(bc);
    X509_free(x);
    EVP_PKEY_free(pk);
    return rc;
}

/* Reads a regular file of at most max bytes. With secret set, it must be
 * owned by uid with no permission bit for group or others. */
static int read_file(const char *path, uint8_t *buf, size_t max, size_t *len, int secret, uid_t uid)
{
    struct stat st;
    size_t n = 0;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        dsgd_log("cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        dsgd_log("%s is not a regular file: refusing it", path);
        close(fd);
        return -1;
    }
    if (secret && (st.st_uid != uid || (st.st_mode & 077) != 0)) {
        dsgd_log("private key %s has owner uid %u and mode %04o: it must be owned by uid %u "
                 "with no group or other permissions (chmod 600 %s): refusing to start",
                 path, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777), (unsigned)uid, path);
        close(fd);
        return -1;
    }
    if (st.st_size <= 0 || (uint64_t)st.st_size > max) {
        dsgd_log("%s is empty or larger than %zu bytes: refusing it", path, max);
        close(fd);
        return -1;
    }
    while (n < max) {
        ssize_t r = read(fd, buf + n, max - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            dsgd_log("cannot read %s: %s", path, strerror(errno));
            close(fd);
            return -1;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    *len = n;
    return 0;
}

static int fingerprint(dsgd_tls_files *f)
{
    BIO *b = BIO_new_mem_buf(f->cert, (int)f->cert_len);
    X509 *x = b != NULL ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    int rc = -1;
    if (x != NULL && X509_digest(x, EVP_sha256(), md, &mdlen) && mdlen == 32) {
        for (unsigned i = 0; i < mdlen; i++)
            snprintf(f->fingerprint + 3 * i, 4, "%02X%s", md[i], i + 1 < mdlen ? ":" : "");
        rc = 0;
    } else {
        log_ssl("cannot read the certificate");
    }
    X509_free(x);
    BIO_free(b);
    return rc;
}

int dsgd_tls_files_load(const char *statedir, dsgd_tls_files *out)
{
    char dir[4200], keypath[4300], certpath[4300];
    struct stat st;
    int has_key, has_cert;
    uid_t uid = geteuid();

    memset(out, 0, sizeof *out);
    snprintf(dir, sizeof dir, "%s/tls", statedir);
    snprintf(keypath, sizeof keypath, "%s/key.pem", dir);
    snprintf(certpath, sizeof certpath, "%s/cert.pem", dir);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        dsgd_log("cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != uid) {
        dsgd_log("%s is not a directory owned by uid %u: refusing to start", dir, (unsigned)uid);
        return -1;
    }
    if ((st.st_mode & 07777) != 0700 && chmod(dir, 0700) != 0) {
        dsgd_log("cannot chmod 0700 %s: %s", dir, strerror(errno));
        return -1;
    }
    has_key = lstat(keypath, &st) == 0;
    has_cert = lstat(certpath, &st) == 0;
    if (!has_key && !has_cert) {
        if (generate(keypath, certpath) != 0)
            return -1;
    } else if (!has_key || !has_cert) {
        dsgd_log("%s exists but %s does not: provide both, or remove both to have a "
                 "self-signed pair generated", has_key ? keypath : certpath,
                 has_key ? certpath : keypath);
        return -1;
    }
    if (read_file(keypath, out->key, sizeof out->key, &out->key_len, 1, uid) != 0 ||
        read_file(certpath, out->cert, sizeof out->cert, &out->cert_len, 0, uid) != 0 ||
        fingerprint(out) != 0) {
        dsgd_tls_files_wipe(out);
        return -1;
    }
    dsgd_log("portal certificate %s, SHA-256 fingerprint %s", certpath, out->fingerprint);
    return 0;
}

void dsgd_tls_files_wipe(dsgd_tls_files *f)
{
    OPENSSL_cleanse(f->key, sizeof f->key);
    f->key_len = 0;
}
