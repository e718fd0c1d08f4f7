/*
 * The encrypted object store: see object_store.h for the layout, the
 * write/commit/sweep protocol and the errors. Shell code (files, OpenSSL)
 * around the codec src/stor/objcrypt.
 */
#define _GNU_SOURCE
#include "share/object_store.h"
#include "io/fdio.h"
#include "stor/key_mem.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#define DIR_MAX 3800u                   /* the object directory's name, its NUL included */
#define HEX_ID_LEN (2u * DSG_CAP_OBJECT_ID_LEN)
#define NAME_CAP (HEX_ID_LEN + 22u)     /* "<hex id>.<version>" */
#define PATH_CAP (DIR_MAX + 8u + NAME_CAP)
#define SWEEP_PATH_CAP (DIR_MAX + 8u + 256u)   /* DIR/tmp/ and any entry's name */
#define WRITE_BUF (4u * DSG_SEG_STORED_MAX)   /* up to four segments a write */
/* At most one segment completes per chunk pushed into the reader: a get
 * holds the plaintext of one segment only (REQ-STOR-013). */
#define READ_CHUNK DSG_SEG_PLAIN_MAX

struct dsg_obj_store {
    char dir[DIR_MAX];
    int dirfd;
    uint8_t key[DSG_OBJ_KEY_LEN];
    char msg[DSG_OBJ_MSG_CAP];
};

/* Where an object version lives and is written. */
typedef struct obj_paths {
    char name[NAME_CAP];              /* "<hex id>.<version>", for messages */
    char tmp[PATH_CAP];
    char shard[PATH_CAP];
    char final[PATH_CAP];
    char tmpdir[PATH_CAP];
} obj_paths;

struct dsg_obj_put {
    dsg_obj_store *store;
    dsg_oc_writer *w;
    EVP_MD_CTX *sha;
    int fd;
    int failed;
    uint64_t size;
    int sink_errno;                   /* why the sink refused */
    obj_paths at;
    size_t fill;
    uint8_t buf[WRITE_BUF];
};

struct dsg_obj_get {
    dsg_obj_store *store;
    dsg_oc_reader *r;
    int fd;
    int done;                         /* the whole object verified */
    dsg_obj_status err;               /* the error every later read answers */
    obj_paths at;
    size_t held, given;               /* plaintext of the segment held; handed out */
    uint8_t plain[DSG_SEG_PLAIN_MAX];
    uint8_t chunk[READ_CHUNK];
};

/* ---- errors -------------------------------------------------------------- */

const char *dsg_obj_status_token(dsg_obj_status status)
{
    switch (status) {
    case DSG_OBJ_ERR_ACCESS: return "access_denied";
    case DSG_OBJ_ERR_IO: return "stor.io";
    case DSG_OBJ_ERR_NO_SPACE: return "stor.no_space";
    case DSG_OBJ_ERR_NOT_FOUND: return "stor.not_found";
    case DSG_OBJ_ERR_EXISTS: return "stor.exists";
    case DSG_OBJ_ERR_ARGS: return "stor.args";
    case DSG_OBJ_ERR_MEMORY: return "stor.memory";
    default: return dsg_oc_status_token((dsg_oc_status)status);
    }
}

static dsg_obj_status fail(dsg_obj_store *s, dsg_obj_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records "<token>: <message>" as the store's error. */
static dsg_obj_status fail(dsg_obj_store *s, dsg_obj_status st, const char *fmt, ...)
{
    int at = snprintf(s->msg, sizeof s->msg, "%s: ", dsg_obj_status_token(st));
    va_list ap;
    if (at >= 0 && (size_t)at < sizeof s->msg) {
        va_start(ap, fmt);
        vsnprintf(s->msg + at, sizeof s->msg - (size_t)at, fmt, ap);
        va_end(ap);
    }
    return st;
}

/* An error of a file operation: NO_SPACE for a full disk or quota, else IO. */
static dsg_obj_status fail_errno(dsg_obj_store *s, int e, const char *what, const char *path)
{
    dsg_obj_status st = (e == ENOSPC || e == EDQUOT) ? DSG_OBJ_ERR_NO_SPACE : DSG_OBJ_ERR_IO;
    return fail(s, st, "%s %s: %s", what, path, strerror(e));
}

const char *dsg_obj_store_error(const dsg_obj_store *store)
{
    return store->msg;
}

/* ---- paths and files ----------------------------------------------------- */

static void hex(char *dst, const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        dst[2 * i] = digits[p[i] >> 4];
        dst[2 * i + 1] = digits[p[i] & 15u];
    }
    dst[2 * n] = '\0';
}

/* "<hex id>.<version>" into name[NAME_CAP]. */
static void name_of(const uint8_t *id, uint64_t version, char *name)
{
    hex(name, id, DSG_CAP_OBJECT_ID_LEN);
    snprintf(name + HEX_ID_LEN, NAME_CAP - HEX_ID_LEN, ".%llu", (unsigned long long)version);
}

static void paths_of(const dsg_obj_store *s, const uint8_t *id, uint64_t version, obj_paths *p)
{
    char h[HEX_ID_LEN + 1];
    hex(h, id, DSG_CAP_OBJECT_ID_LEN);
    name_of(id, version, p->name);
    snprintf(p->tmpdir, sizeof p->tmpdir, "%s/tmp", s->dir);
    snprintf(p->tmp, sizeof p->tmp, "%s/tmp/%s", s->dir, p->name);
    snprintf(p->shard, sizeof p->shard, "%s/%.2s", s->dir, h);
    snprintf(p->final, sizeof p->final, "%s/%.2s/%s", s->dir, h, p->name);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return INT64_MAX;   /* no clock: every capability is expired */
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* fsync of a directory, so that an entry made or removed in it lasts:
 * 0, or an errno. */
static int sync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int e = 0;
    if (fd < 0)
        return errno;
    if (fsync(fd) != 0)
        e = errno;
    close(fd);
    return e;
}

/* mkdir 0700 unless there; then it must be a directory, not a link. */
static dsg_obj_status make_dir(dsg_obj_store *s, const char *path, int *made)
{
    struct stat st;
    *made = 0;
    if (mkdir(path, 0700) == 0)
        *made = 1;
    else if (errno != EEXIST)
        return fail_errno(s, errno, "cannot create directory", path);
    if (lstat(path, &st) != 0)
        return fail_errno(s, errno, "cannot examine", path);
    if (!S_ISDIR(st.st_mode))
        return fail(s, DSG_OBJ_ERR_IO, "%s is not a directory (a link or a file)", path);
    return DSG_OBJ_OK;
}

/* access_denied for a token that does not check. */
static dsg_obj_status refuse(dsg_obj_store *s, const dsg_cap *cap, const char *what)
{
    char name[NAME_CAP];
    name_of(cap->object_id, cap->version, name);
    return fail(s, DSG_OBJ_ERR_ACCESS, "no capability to %s object %s (a token not minted "
                "here, changed, expired or for another operation)", what, name);
}

/* ---- the store ----------------------------------------------------------- */

dsg_obj_status dsg_obj_store_open(const char *dir, const uint8_t wrapping_key[DSG_OBJ_KEY_LEN],
                                  dsg_obj_store **out)
{
    /* in key memory: it holds the wrapping key (REQ-STOR-010) */
    dsg_obj_store *s = (dsg_obj_store *)dsg_key_mem_new(sizeof *s);
    char tmpdir[PATH_CAP];
    int made = 0;
    dsg_obj_status st;

    *out = s;
    if (s == NULL)
        return DSG_OBJ_ERR_MEMORY;
    s->dirfd = -1;
    memcpy(s->key, wrapping_key, sizeof s->key);
    size_t len = strlen(dir);
    if (len == 0 || len >= sizeof s->dir)
        return fail(s, DSG_OBJ_ERR_ARGS, "the object directory's name is empty or longer "
                    "than %u bytes", DIR_MAX - 1u);
    memcpy(s->dir, dir, len + 1);
    if ((st = make_dir(s, s->dir, &made)) != DSG_OBJ_OK)
        return st;
    s->dirfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (s->dirfd < 0)
        return fail_errno(s, errno, "cannot open", s->dir);
    snprintf(tmpdir, sizeof tmpdir, "%s/tmp", s->dir);
    if ((st = make_dir(s, tmpdir, &made)) != DSG_OBJ_OK)
        return st;
    if (made && fsync(s->dirfd) != 0)
        return fail_errno(s, errno, "cannot sync", s->dir);
    return DSG_OBJ_OK;
}

void dsg_obj_store_close(dsg_obj_store *store)
{
    if (store == NULL)
        return;
    if (store->dirfd >= 0)
        close(store->dirfd);
    dsg_key_mem_free((uint8_t *)store, sizeof *store);
}

dsg_obj_status dsg_obj_store_room(dsg_obj_store *store, uint64_t bytes)
{
    struct statvfs fs;
    uint64_t segments = bytes / DSG_SEG_PLAIN_MAX + 1u, need, free_bytes;

    if (store->dirfd < 0)
        return fail(store, DSG_OBJ_ERR_STATE, "the store did not open");
    if (fstatvfs(store->dirfd, &fs) != 0)
        return fail_errno(store, errno, "cannot read the free space of", store->dir);
    need = DSG_SEG_HEADER_LEN + segments * DSG_SEG_TAG_LEN;
    free_bytes = fs.f_frsize != 0 && (uint64_t)fs.f_bavail > UINT64_MAX / fs.f_frsize
                     ? UINT64_MAX : (uint64_t)fs.f_bavail * fs.f_frsize;
    if (bytes > UINT64_MAX - need || bytes + need > free_bytes)
        return fail(store, DSG_OBJ_ERR_NO_SPACE, "%llu bytes do not fit in the %llu bytes "
                    "free under %s", (unsigned long long)bytes,
                    (unsigned long long)free_bytes, store->dir);
    return DSG_OBJ_OK;
}

/* ---- put ----------------------------------------------------------------- */

static int put_flush(dsg_obj_put *p)
{
    int e = dsg_write_all(p->fd, p->buf, p->fill) == 0 ? 0 : errno;
    p->fill = 0;
    return e;
}

/* The writer's sink: ciphertext into the file, up to WRITE_BUF at a time. */
static int put_sink(void *ctx, const uint8_t *b, size_t n)
{
    dsg_obj_put *p = ctx;
    int e = 0;
    if (p->fill + n > sizeof p->buf)
        e = put_flush(p);
    if (e == 0 && n >= sizeof p->buf)
        e = dsg_write_all(p->fd, b, n) == 0 ? 0 : errno;
    else if (e == 0) {
        memcpy(p->buf + p->fill, b, n);
        p->fill += n;
    }
    p->sink_errno = e;
    return e == 0 ? 0 : -1;
}

/* A codec error of the writer, or the file error its sink met. */
static dsg_obj_status put_fail(dsg_obj_put *p, dsg_oc_status st)
{
    p->failed = 1;
    if (st == DSG_OC_ERR_SINK)
        return fail_errno(p->store, p->sink_errno, "cannot write", p->at.tmp);
    return fail(p->store, (dsg_obj_status)st, "object %s: the encryption failed", p->at.name);
}

/* Frees a put; unlink_tmp: it did not commit, its temporary file goes. */
static void put_free(dsg_obj_put *p, int unlink_tmp)
{
    if (p->fd >= 0)
        close(p->fd);
    if (unlink_tmp)
        unlink(p->at.tmp);
    dsg_oc_writer_free(p->w);
    EVP_MD_CTX_free(p->sha);
    OPENSSL_cleanse(p, sizeof *p);
    free(p);
}

static int put_allowed(const dsg_cap *cap, int64_t now)
{
    return dsg_cap_check(cap, DSG_ACCESS_UPLOAD, cap->object_id, cap->version, now) ||
           dsg_cap_check(cap, DSG_ACCESS_NEW_VERSION, cap->object_id, cap->version, now);
}

dsg_obj_status dsg_obj_put_begin(dsg_obj_store *store, const dsg_cap *cap, dsg_obj_put **out)
{
    dsg_obj_put *p;
    struct stat st;
    dsg_oc_status oc;

    *out = NULL;
    if (!put_allowed(cap, now_ms()))
        return refuse(store, cap, "write");
    if (store->dirfd < 0)
        return fail(store, DSG_OBJ_ERR_STATE, "the store did not open");
    if ((p = calloc(1, sizeof *p)) == NULL)
        return fail(store, DSG_OBJ_ERR_MEMORY, "no memory for an upload");
    p->store = store;
    p->fd = -1;
    paths_of(store, cap->object_id, cap->version, &p->at);
    int e = lstat(p->at.final, &st) == 0 ? EEXIST : errno;
    if (e != ENOENT) {
        dsg_obj_status r = e == EEXIST ? fail(store, DSG_OBJ_ERR_EXISTS, "object %s is "
                                              "committed already", p->at.name)
                                       : fail_errno(store, e, "cannot examine", p->at.final);
        put_free(p, 0);
        return r;
    }
    p->fd = open(p->at.tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (p->fd < 0) {
        e = errno;
        dsg_obj_status r = e == EEXIST ? fail(store, DSG_OBJ_ERR_EXISTS, "object %s is being "
                                              "written already", p->at.name)
                                       : fail_errno(store, e, "cannot create", p->at.tmp);
        put_free(p, 0);
        return r;
    }
    if ((p->sha = EVP_MD_CTX_new()) == NULL || EVP_DigestInit_ex(p->sha, EVP_sha256(), NULL) != 1) {
        put_free(p, 1);
        return fail(store, DSG_OBJ_ERR_CRYPTO, "cannot set up SHA-256");
    }
    oc = dsg_oc_writer_new(store->key, cap->object_id, cap->version, put_sink, p, &p->w);
    if (oc != DSG_OC_OK) {
        dsg_obj_status r = put_fail(p, oc);
        put_free(p, 1);
        return r;
    }
    *out = p;
    return DSG_OBJ_OK;
}

dsg_obj_status dsg_obj_put_push(dsg_obj_put *put, const uint8_t *p, size_t n)
{
    dsg_oc_status oc;
    if (put->failed)
        return fail(put->store, DSG_OBJ_ERR_STATE, "object %s: the upload failed already",
                    put->at.name);
    if (n == 0)
        return DSG_OBJ_OK;
    if (EVP_DigestUpdate(put->sha, p, n) != 1) {
        put->failed = 1;
        return fail(put->store, DSG_OBJ_ERR_CRYPTO, "object %s: SHA-256 failed", put->at.name);
    }
    put->size += n;
    oc = dsg_oc_writer_push(put->w, p, n);
    return oc == DSG_OC_OK ? DSG_OBJ_OK : put_fail(put, oc);
}

/* The file sealed, flushed, synced and closed: OK or the error. */
static dsg_obj_status put_seal(dsg_obj_put *p)
{
    dsg_oc_status oc = dsg_oc_writer_finish(p->w);
    int e, fd = p->fd;
    if (oc != DSG_OC_OK)
        return put_fail(p, oc);
    if ((e = put_flush(p)) != 0)
        return fail_errno(p->store, e, "cannot write", p->at.tmp);
    p->fd = -1;
    e = fsync(fd) != 0 ? errno : 0;
    if (close(fd) != 0 && e == 0)
        e = errno;
    return e == 0 ? DSG_OBJ_OK : fail_errno(p->store, e, "cannot sync", p->at.tmp);
}

/* The sealed file moved to its shard, both directories synced. */
static dsg_obj_status put_move(dsg_obj_put *p)
{
    struct stat st;
    int made = 0, e;
    dsg_obj_status r = make_dir(p->store, p->at.shard, &made);
    if (r != DSG_OBJ_OK)
        return r;
    if (made && fsync(p->store->dirfd) != 0)
        return fail_errno(p->store, errno, "cannot sync", p->store->dir);
    if (lstat(p->at.final, &st) == 0)
        return fail(p->store, DSG_OBJ_ERR_EXISTS, "object %s is committed already", p->at.name);
    if (rename(p->at.tmp, p->at.final) != 0)
        return fail_errno(p->store, errno, "cannot move it to", p->at.final);
    if ((e = sync_dir(p->at.shard)) != 0 || (e = sync_dir(p->at.tmpdir)) != 0) {
        unlink(p->at.final);   /* not known to be durable: not committed */
        return fail_errno(p->store, e, "cannot sync the directories of", p->at.final);
    }
    return DSG_OBJ_OK;
}

dsg_obj_status dsg_obj_put_commit(dsg_obj_put *put, uint64_t *size,
                                  uint8_t sha256[DSG_OBJ_SHA256_LEN])
{
    unsigned md_len = 0;
    dsg_obj_status r;

    if (put->failed)
        r = fail(put->store, DSG_OBJ_ERR_STATE, "object %s: the upload failed already",
                 put->at.name);
    else if (EVP_DigestFinal_ex(put->sha, sha256, &md_len) != 1 ||
             md_len != DSG_OBJ_SHA256_LEN)
        r = fail(put->store, DSG_OBJ_ERR_CRYPTO, "object %s: SHA-256 failed", put->at.name);
    else if ((r = put_seal(put)) == DSG_OBJ_OK)
        r = put_move(put);
    if (r == DSG_OBJ_OK)
        *size = put->size;
    else
        OPENSSL_cleanse(sha256, DSG_OBJ_SHA256_LEN);
    put_free(put, r != DSG_OBJ_OK);
    return r;
}

void dsg_obj_put_abort(dsg_obj_put *put)
{
    if (put != NULL)
        put_free(put, 1);
}

/* ---- get ----------------------------------------------------------------- */

/* The reader's sink: one verified segment's plaintext, held until handed
 * out. */
static int get_sink(void *ctx, const uint8_t *b, size_t n)
{
    dsg_obj_get *g = ctx;
    if (n > sizeof g->plain - g->held)   /* more than a segment: cannot happen */
        return -1;
    memcpy(g->plain + g->held, b, n);
    g->held += n;
    return 0;
}

static dsg_obj_status get_fail(dsg_obj_get *g, dsg_obj_status st)
{
    g->err = st;
    OPENSSL_cleanse(g->plain, sizeof g->plain);
    g->held = g->given = 0;
    return st;
}

/* The next chunk of the file through the reader (its end: finish it). */
static dsg_obj_status get_fill(dsg_obj_get *g)
{
    ssize_t k;
    dsg_oc_status oc;
    do
        k = read(g->fd, g->chunk, sizeof g->chunk);
    while (k < 0 && errno == EINTR);
    if (k < 0)
        return get_fail(g, fail_errno(g->store, errno, "cannot read", g->at.final));
    oc = k == 0 ? dsg_oc_reader_finish(g->r) : dsg_oc_reader_push(g->r, g->chunk, (size_t)k);
    if (oc != DSG_OC_OK) {
        snprintf(g->store->msg, sizeof g->store->msg, "%s", dsg_oc_reader_error(g->r));
        return get_fail(g, (dsg_obj_status)oc);
    }
    if (k == 0)
        g->done = 1;
    return DSG_OBJ_OK;
}

dsg_obj_status dsg_obj_get_open(dsg_obj_store *store, const dsg_cap *cap, dsg_obj_get **out)
{
    dsg_obj_get *g;
    dsg_oc_status oc;

    *out = NULL;
    if (!dsg_cap_check(cap, DSG_ACCESS_READ, cap->object_id, cap->version, now_ms()))
        return refuse(store, cap, "read");
    if (store->dirfd < 0)
        return fail(store, DSG_OBJ_ERR_STATE, "the store did not open");
    if ((g = calloc(1, sizeof *g)) == NULL)
        return fail(store, DSG_OBJ_ERR_MEMORY, "no memory for a download");
    g->store = store;
    g->fd = -1;
    paths_of(store, cap->object_id, cap->version, &g->at);
    g->fd = open(g->at.final, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (g->fd < 0) {
        int e = errno;
        dsg_obj_status r = e == ENOENT ? fail(store, DSG_OBJ_ERR_NOT_FOUND, "object %s is "
                                              "not stored", g->at.name)
                                       : fail_errno(store, e, "cannot open", g->at.final);
        dsg_obj_get_close(g);
        return r;
    }
    oc = dsg_oc_reader_new(store->key, cap->object_id, cap->version, get_sink, g, &g->r);
    if (oc != DSG_OC_OK) {
        dsg_obj_get_close(g);
        return fail(store, (dsg_obj_status)oc, "no memory for a download");
    }
    *out = g;
    return DSG_OBJ_OK;
}

dsg_obj_status dsg_obj_get_read(dsg_obj_get *get, uint8_t *out, size_t max, size_t *n)
{
    size_t k;
    *n = 0;
    if (get->err != DSG_OBJ_OK)
        return get->err;
    if (max == 0)
        return fail(get->store, DSG_OBJ_ERR_ARGS, "a read of 0 bytes");
    while (get->given == get->held && !get->done) {
        get->held = get->given = 0;
        dsg_obj_status r = get_fill(get);
        if (r != DSG_OBJ_OK)
            return r;
    }
    k = get->held - get->given;
    if (k > max)
        k = max;
    memcpy(out, get->plain + get->given, k);
    get->given += k;
    *n = k;
    return DSG_OBJ_OK;
}

void dsg_obj_get_close(dsg_obj_get *get)
{
    if (get == NULL)
        return;
    if (get->fd >= 0)
        close(get->fd);
    dsg_oc_reader_free(get->r);
    OPENSSL_cleanse(get, sizeof *get);
    free(get);
}

/* ---- removal ------------------------------------------------------------- */

dsg_obj_status dsg_obj_remove(dsg_obj_store *store,
                              const uint8_t object_id[DSG_CAP_OBJECT_ID_LEN], uint64_t version)
{
    obj_paths at;
    int e;
    paths_of(store, object_id, version, &at);
    if (unlink(at.final) != 0)
        return errno == ENOENT ? fail(store, DSG_OBJ_ERR_NOT_FOUND, "object %s is not stored",
                                      at.name)
                               : fail_errno(store, errno, "cannot remove", at.final);
    if ((e = sync_dir(at.shard)) != 0)
        return fail_errno(store, e, "cannot sync", at.shard);
    return DSG_OBJ_OK;
}

long dsg_obj_sweep_tmp(dsg_obj_store *store)
{
    char tmpdir[DIR_MAX + 8u], path[SWEEP_PATH_CAP];
    struct dirent *d;
    long removed = 0;
    int failed = 0, e;
    DIR *dp;

    snprintf(tmpdir, sizeof tmpdir, "%s/tmp", store->dir);
    if ((dp = opendir(tmpdir)) == NULL) {
        fail_errno(store, errno, "cannot list", tmpdir);
        return -1;
    }
    while ((errno = 0, d = readdir(dp)) != NULL) {
        if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", tmpdir, d->d_name);
        if (unlink(path) == 0)
            removed++;
        else if (!failed) {
            failed = 1;
            fail_errno(store, errno, "cannot remove", path);
        }
    }
    if (errno != 0 && !failed) {
        failed = 1;
        fail_errno(store, errno, "cannot list", tmpdir);
    }
    closedir(dp);
    if ((e = sync_dir(tmpdir)) != 0 && !failed) {
        failed = 1;
        fail_errno(store, e, "cannot sync", tmpdir);
    }
    return failed ? -1 : removed;
}
