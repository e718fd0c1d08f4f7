/* The offline decryptor of stored objects: see storage_decrypt.h. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* O_NOFOLLOW, O_CLOEXEC, fsync */
#endif

#include "ctl/storage_decrypt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "stor/objcrypt.h"

#define HEX_ID_LEN (2u * DSG_SEG_OBJECT_ID_LEN)
#define PATH_CAP 4096u
#define PARTIAL ".partial"
#define CHUNK 65536u

/* Where the plaintext goes. */
typedef struct sd_out {
    int fd;
    const char *path;        /* FILE, or NULL for standard output */
    int discard;             /* verify only: the plaintext goes nowhere */
    char partial[PATH_CAP];  /* FILE.partial */
    int created;             /* FILE.partial is this run's */
    uint64_t bytes;
    int write_errno;         /* why the sink refused, 0 when it did not */
} sd_out;

/* The keys, wiped before dsg_storage_decrypt returns. */
typedef struct sd_keys {
    uint8_t kek[DSG_SD_KEK_LEN];
    uint8_t wrapped[DSG_SD_STORE_KEY_LEN];
    uint8_t store_key[DSG_SEG_DATA_KEY_LEN];
} sd_keys;

static dsg_sd_status fail(char *err, size_t n, dsg_sd_status st, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static dsg_sd_status fail(char *err, size_t n, dsg_sd_status st, const char *fmt, ...)
{
    va_list ap;
    if (n == 0)
        return st;
    va_start(ap, fmt);
    vsnprintf(err, n, fmt, ap);
    va_end(ap);
    return st;
}

/* ---- the object file's name --------------------------------------------- */

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* A decimal u64 without sign or leading zeros, the whole of s. */
static int parse_version(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    if (s[0] == '\0' || (s[0] == '0' && s[1] != '\0'))
        return -1;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10u)
            return -1;
        v = v * 10u + d;
    }
    *out = v;
    return 0;
}

int dsg_sd_object_name(const char *path, uint8_t id[DSG_SEG_OBJECT_ID_LEN], uint64_t *version)
{
    const char *base = strrchr(path, '/');
    uint8_t got[DSG_SEG_OBJECT_ID_LEN];
    uint64_t v;
    base = base != NULL ? base + 1 : path;
    if (strlen(base) < HEX_ID_LEN + 2u || base[HEX_ID_LEN] != '.')
        return -1;
    for (size_t i = 0; i < DSG_SEG_OBJECT_ID_LEN; i++) {
        int hi = hex_digit(base[2 * i]), lo = hex_digit(base[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        got[i] = (uint8_t)(hi * 16 + lo);
    }
    if (parse_version(base + HEX_ID_LEN + 1, &v) != 0)
        return -1;
    memcpy(id, got, sizeof got);
    *version = v;
    return 0;
}

int dsg_sd_default_store_key(const char *kek_path, char *out, size_t cap)
{
    const char *slash = strrchr(kek_path, '/');
    int w;
    if (slash == NULL) {                 /* the KEK in the working directory */
        w = snprintf(out, cap, "../%s", DSG_SD_STORE_KEY_FILE);
    } else {
        size_t dir_len = (size_t)(slash - kek_path), at;
        while (dir_len > 0 && kek_path[dir_len - 1] == '/')
            dir_len--;
        at = dir_len;                    /* the start of the directory's last component */
        while (at > 0 && kek_path[at - 1] != '/')
            at--;
        const char *last = kek_path + at;
        size_t last_len = dir_len - at;
        if (dir_len == 0)                /* the root's parent is the root */
            w = snprintf(out, cap, "/%s", DSG_SD_STORE_KEY_FILE);
        else if ((last_len == 1 && last[0] == '.') ||
                 (last_len == 2 && last[0] == '.' && last[1] == '.'))
            w = snprintf(out, cap, "%.*s/../%s", (int)dir_len, kek_path, DSG_SD_STORE_KEY_FILE);
        else                             /* "var/keys" -> "var/", "keys" -> "" */
            w = snprintf(out, cap, "%.*s%s", (int)at, kek_path, DSG_SD_STORE_KEY_FILE);
    }
    return w >= 0 && (size_t)w < cap ? 0 : -1;
}

/* ---- the key files ------------------------------------------------------- */

/* Exactly len bytes from fd into buf: 0, or -1 (errno; EIO when short). */
static int read_exact(int fd, uint8_t *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t r = read(fd, buf + got, len - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            if (r == 0)
                errno = EIO;
            return -1;
        }
        got += (size_t)r;
    }
    return 0;
}

/* The key file path into buf[len]: a regular file of exactly len bytes.
 * what names the file in messages, kind the key it must hold. */
static dsg_sd_status read_key(const char *what, const char *kind, const char *path,
                              uint8_t *buf, size_t len, char *err, size_t n)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    dsg_sd_status rc = DSG_SD_OK;
    if (fd < 0)
        return fail(err, n, DSG_SD_NOINPUT, "cannot read the %s %s: %s", what, path,
                    strerror(errno));
    if (fstat(fd, &st) != 0)
        rc = fail(err, n, DSG_SD_NOINPUT, "cannot read the %s %s: %s", what, path,
                  strerror(errno));
    else if (!S_ISREG(st.st_mode))
        rc = fail(err, n, DSG_SD_NOINPUT, "the %s %s is not a regular file", what, path);
    else if ((uintmax_t)st.st_size != len)
        rc = fail(err, n, DSG_SD_USAGE, "the %s %s has %jd bytes, not the %zu of a %s",
                  what, path, (intmax_t)st.st_size, len, kind);
    else if (read_exact(fd, buf, len) != 0)
        rc = fail(err, n, DSG_SD_NOINPUT, "cannot read the %s %s: %s", what, path,
                  strerror(errno));
    close(fd);
    return rc;
}

/* The wrapped store key read and unwrapped with k->kek (kek_name names
 * it) into k->store_key. */
static dsg_sd_status open_store_key(const char *kek_name, const char *store_key_path, sd_keys *k,
                                    char *err, size_t n)
{
    dsg_sd_status rc = read_key("wrapped store key file", "wrapped store key", store_key_path,
                                k->wrapped, sizeof k->wrapped, err, n);
    if (rc != DSG_SD_OK)
        return rc;
    if (dsg_oc_key_unwrap(k->kek, k->wrapped, k->store_key) != 0)
        return fail(err, n, DSG_SD_KEY, "stor.key: the KEK %s does not open the store key %s "
                    "(another KEK, or a damaged file)", kek_name, store_key_path);
    return DSG_SD_OK;
}

/* ---- the output ------------------------------------------------------------ */

/* Checked before anything is read: FILE does not exist, FILE.partial fits. */
static dsg_sd_status out_check(sd_out *o, char *err, size_t n)
{
    struct stat st;
    if (o->path == NULL || o->discard)
        return DSG_SD_OK;
    if (o->path[0] == '\0')
        return fail(err, n, DSG_SD_USAGE, "the output file name is empty");
    int w = snprintf(o->partial, sizeof o->partial, "%s" PARTIAL, o->path);
    if (w < 0 || (size_t)w >= sizeof o->partial)
        return fail(err, n, DSG_SD_USAGE, "the output file name %s is too long", o->path);
    if (lstat(o->path, &st) == 0)
        return fail(err, n, DSG_SD_CANTCREAT, "the output file %s exists: it is not replaced",
                    o->path);
    return DSG_SD_OK;
}

static dsg_sd_status out_open(sd_out *o, char *err, size_t n)
{
    if (o->discard)
        return DSG_SD_OK;
    if (o->path == NULL) {
        o->fd = STDOUT_FILENO;
        return DSG_SD_OK;
    }
    o->fd = open(o->partial, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (o->fd < 0)
        return fail(err, n, DSG_SD_CANTCREAT, "cannot create %s: %s%s", o->partial,
                    strerror(errno),
                    errno == EEXIST ? " (left by an earlier run? remove it)" : "");
    o->created = 1;
    return DSG_SD_OK;
}

/* The object's plaintext, one verified segment at a time. */
static int out_sink(void *ctx, const uint8_t *p, size_t len)
{
    sd_out *o = ctx;
    if (o->discard) {
        o->bytes += len;
        return 0;
    }
    while (len > 0) {
        ssize_t w = write(o->fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            o->write_errno = w < 0 ? errno : EIO;
            return -1;
        }
        p += w;
        len -= (size_t)w;
        o->bytes += (uint64_t)w;
    }
    return 0;
}

/* The directory path lies in, synced as well as it can be: FILE is
 * complete whatever this gives. */
static void sync_parent(const char *path)
{
    char dir[PATH_CAP];
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    int fd = open(dir, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

/* FILE.partial synced and put in place as FILE, never replacing a file:
 * a hard link, or where the file system has none, a rename after FILE
 * was found missing. */
static dsg_sd_status out_commit(sd_out *o, char *err, size_t n)
{
    int e = 0;
    if (o->path == NULL || o->discard)
        return DSG_SD_OK;
    if (fsync(o->fd) != 0)
        e = errno;
    if (close(o->fd) != 0 && e == 0)
        e = errno;
    o->fd = -1;
    if (e != 0)
        return fail(err, n, DSG_SD_IOERR, "cannot write %s: %s", o->partial, strerror(e));
    if (link(o->partial, o->path) == 0) {
        unlink(o->partial);
    } else if (errno == EPERM || errno == ENOTSUP || errno == EOPNOTSUPP || errno == EMLINK) {
        struct stat st;
        if (lstat(o->path, &st) == 0)
            e = EEXIST;
        else if (rename(o->partial, o->path) != 0)
            e = errno;
    } else {
        e = errno;
    }
    if (e != 0)
        return fail(err, n, e == EEXIST ? DSG_SD_CANTCREAT : DSG_SD_IOERR,
                    "cannot put %s in place as %s: %s", o->partial, o->path, strerror(e));
    sync_parent(o->path);
    return DSG_SD_OK;
}

/* After a failure: FILE.partial, when this run made it, closed and removed. */
static void out_abort(sd_out *o)
{
    if (o->path == NULL || o->discard || !o->created)
        return;
    if (o->fd >= 0)
        close(o->fd);
    o->fd = -1;
    unlink(o->partial);
}

/* ---- streaming --------------------------------------------------------------- */

/* The exit status and message of the reader's failure st. */
static dsg_sd_status reader_status(const dsg_oc_reader *r, dsg_oc_status st, const sd_out *o,
                                   const char *object_path, const char *store_key_path,
                                   char *err, size_t n)
{
    const char *msg = r != NULL ? dsg_oc_reader_error(r) : "";
    switch (st) {
    case DSG_OC_ERR_INTEGRITY:
        return fail(err, n, DSG_SD_INTEGRITY, "%s (file %s)", msg, object_path);
    case DSG_OC_ERR_KEY:
        return fail(err, n, DSG_SD_KEY, "%s (file %s: the store key %s does not open its data "
                    "key)", msg, object_path, store_key_path);
    case DSG_OC_ERR_FORMAT:
    case DSG_OC_ERR_ALGORITHM:
        return fail(err, n, DSG_SD_DATAERR, "%s (file %s)", msg, object_path);
    case DSG_OC_ERR_SINK:
        return fail(err, n, DSG_SD_IOERR, "cannot write %s: %s",
                    o->path != NULL ? o->partial : "standard output", strerror(o->write_errno));
    default:
        return fail(err, n, DSG_SD_SOFTWARE, "%s: %s (file %s)", dsg_oc_status_token(st),
                    msg[0] != '\0' ? msg : "OpenSSL or the memory failed", object_path);
    }
}

/* The object file in through the reader, its plaintext out. */
static dsg_sd_status stream(int in, const char *object_path, const char *store_key_path,
                            const uint8_t *store_key, const uint8_t *id, uint64_t version,
                            sd_out *o, char *err, size_t n)
{
    dsg_oc_reader *r = NULL;
    uint8_t *buf = malloc(CHUNK);
    dsg_oc_status st = DSG_OC_ERR_CRYPTO;
    dsg_sd_status rc = DSG_SD_OK;
    if (buf != NULL)
        st = dsg_oc_reader_new(store_key, id, version, out_sink, o, &r);
    while (st == DSG_OC_OK) {
        ssize_t got = read(in, buf, CHUNK);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            rc = fail(err, n, DSG_SD_IOERR, "cannot read %s: %s", object_path, strerror(errno));
            break;
        }
        if (got == 0) {
            st = dsg_oc_reader_finish(r);
            break;
        }
        st = dsg_oc_reader_push(r, buf, (size_t)got);
    }
    if (rc == DSG_SD_OK && st != DSG_OC_OK)
        rc = reader_status(r, st, o, object_path, store_key_path, err, n);
    dsg_oc_reader_free(r);
    free(buf);
    return rc;
}

/* The object, the keys loaded, to the output. */
static dsg_sd_status decrypt_object(const char *object_path, const char *store_key_path,
                                    const sd_keys *k, const uint8_t *id, uint64_t version,
                                    sd_out *o, char *err, size_t n)
{
    struct stat st;
    int in = open(object_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    dsg_sd_status rc;
    if (in < 0)
        return fail(err, n, DSG_SD_NOINPUT, "cannot read the object %s: %s", object_path,
                    strerror(errno));
    if (fstat(in, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(in);
        return fail(err, n, DSG_SD_NOINPUT, "the object %s is not a regular file", object_path);
    }
    rc = out_open(o, err, n);
    if (rc == DSG_SD_OK)
        rc = stream(in, object_path, store_key_path, k->store_key, id, version, o, err, n);
    if (rc == DSG_SD_OK)
        rc = out_commit(o, err, n);
    if (rc != DSG_SD_OK)
        out_abort(o);
    close(in);
    return rc;
}

/* What a decryption is asked: the object file and the object and version
 * its name says, and where the plaintext goes. */
typedef struct sd_job {
    const char *object_path;
    uint8_t id[DSG_SEG_OBJECT_ID_LEN];
    uint64_t version;
    sd_out out;
} sd_job;

/* The checks that need no key, first: the object file's name, then that
 * the output can be made. */
static dsg_sd_status job_of(const char *object_path, const char *out_path, int discard, sd_job *j,
                            char *err, size_t n)
{
    static const sd_job zero;
    *j = zero;
    j->object_path = object_path;
    j->out.fd = -1;
    j->out.path = out_path;
    j->out.discard = discard;
    if (dsg_sd_object_name(object_path, j->id, &j->version) != 0)
        return fail(err, n, DSG_SD_USAGE, "the object file %s is not named <32 hex digits>."
                    "<version> as the store names it (objects/ab/<id>.<version>): its name "
                    "tells which object and version to expect", object_path);
    return out_check(&j->out, err, n);
}

/* The job done with k->kek (kek_name names it): the store key, then the
 * object; k wiped. */
static dsg_sd_status decrypt_with(sd_keys *k, const char *kek_name, const char *store_key_path,
                                  sd_job *j, uint64_t *plain_bytes, char *err, size_t n)
{
    dsg_sd_status rc = open_store_key(kek_name, store_key_path, k, err, n);
    if (rc == DSG_SD_OK)
        rc = decrypt_object(j->object_path, store_key_path, k, j->id, j->version, &j->out, err,
                            n);
    OPENSSL_cleanse(k, sizeof *k);
    if (plain_bytes != NULL)
        *plain_bytes = j->out.bytes;
    return rc;
}

dsg_sd_status dsg_storage_decrypt(const char *kek_path, const char *store_key_path,
                                  const char *object_path, const char *out_path,
                                  uint64_t *plain_bytes, char *err, size_t n)
{
    char default_key[PATH_CAP];
    sd_keys keys;
    sd_job job;
    dsg_sd_status rc;
    if (n > 0)
        err[0] = '\0';
    if (plain_bytes != NULL)
        *plain_bytes = 0;
    if (kek_path == NULL || object_path == NULL)
        return fail(err, n, DSG_SD_USAGE, "no KEK file or no object given");
    if (store_key_path == NULL) {
        if (dsg_sd_default_store_key(kek_path, default_key, sizeof default_key) != 0)
            return fail(err, n, DSG_SD_USAGE, "the KEK file name %s is too long", kek_path);
        store_key_path = default_key;
    }
    if ((rc = job_of(object_path, out_path, 0, &job, err, n)) != DSG_SD_OK)
        return rc;
    rc = read_key("KEK file", "key-encryption key", kek_path, keys.kek, sizeof keys.kek, err, n);
    if (rc != DSG_SD_OK) {
        OPENSSL_cleanse(&keys, sizeof keys);
        return rc;
    }
    return decrypt_with(&keys, kek_path, store_key_path, &job, plain_bytes, err, n);
}

/* dsg_storage_decrypt_kek and dsg_storage_verify_kek: discard says which. */
static dsg_sd_status with_kek(const uint8_t kek[DSG_SD_KEK_LEN], const char *kek_name,
                              const char *store_key_path, const char *object_path,
                              const char *out_path, int discard, uint64_t *plain_bytes, char *err,
                              size_t n)
{
    sd_keys keys;
    sd_job job;
    dsg_sd_status rc;
    if (n > 0)
        err[0] = '\0';
    if (plain_bytes != NULL)
        *plain_bytes = 0;
    if (kek == NULL || store_key_path == NULL || object_path == NULL)
        return fail(err, n, DSG_SD_USAGE, "no KEK, no store key file or no object given");
    if ((rc = job_of(object_path, out_path, discard, &job, err, n)) != DSG_SD_OK)
        return rc;
    memcpy(keys.kek, kek, sizeof keys.kek);
    return decrypt_with(&keys, kek_name, store_key_path, &job, plain_bytes, err, n);
}

dsg_sd_status dsg_storage_decrypt_kek(const uint8_t kek[DSG_SD_KEK_LEN], const char *kek_name,
                                      const char *store_key_path, const char *object_path,
                                      const char *out_path, uint64_t *plain_bytes, char *err,
                                      size_t n)
{
    return with_kek(kek, kek_name, store_key_path, object_path, out_path, 0, plain_bytes, err,
                    n);
}

dsg_sd_status dsg_storage_verify_kek(const uint8_t kek[DSG_SD_KEK_LEN], const char *kek_name,
                                     const char *store_key_path, const char *object_path,
                                     uint64_t *plain_bytes, char *err, size_t n)
{
    return with_kek(kek, kek_name, store_key_path, object_path, NULL, 1, plain_bytes, err, n);
}
