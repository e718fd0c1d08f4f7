/* A backup directory: see bk_backup.h. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sqlite3.h>

#include "bkup/bk_backup.h"
#include "core/bkup_manifest.h"
#include "db/db.h"
#include "log/timefmt.h"
#include "io/fdio.h"

#define PATH_CAP 4352
#define REL_CAP (2 * DSG_BK_NAME_MAX + 16)
#define IO_CHUNK 65536u
#define MANIFEST "manifest"
#define SIGNATURE "manifest.sig"
#define RESTORE_TMP ".dsg-restore-partial"
#define SQLITE_MAGIC "SQLite format 3"   /* and its NUL: 16 bytes */

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

static void hex(char *dst, const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        dst[2 * i] = digits[p[i] >> 4];
        dst[2 * i + 1] = digits[p[i] & 15u];
    }
    dst[2 * n] = '\0';
}

/* Makes each directory of rel's path but its last segment, under dfd. */
static int make_parents(int dfd, const char *rel)
{
    char buf[REL_CAP];
    snprintf(buf, sizeof buf, "%s", rel);
    for (char *s = strchr(buf, '/'); s != NULL; s = strchr(s + 1, '/')) {
        *s = '\0';
        if (mkdirat(dfd, buf, 0700) != 0 && errno != EEXIST)
            return -1;
        *s = '/';
    }
    return 0;
}

/* Syncs the directory rel's last segment lies in, under dfd. */
static int sync_dir_of(int dfd, const char *rel)
{
    char buf[REL_CAP];
    snprintf(buf, sizeof buf, "%s", rel);
    char *s = strrchr(buf, '/');
    int fd = s == NULL ? dup(dfd)
                       : (*s = '\0', openat(dfd, buf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static void member_path(char *out, size_t cap, unsigned role, const char *name)
{
    snprintf(out, cap, "%s/%s", dsg_bk_role_name(role), name);
}

/* ---- the writer -------------------------------------------------------------- */

struct dsg_bk_writer {
    int dfd;                        /* DEST/ID.partial */
    char dest[PATH_CAP], id[DSG_BK_ID_LEN + 1];
    uint8_t recipient[DSG_X25519_LEN];
    dsg_bkm_head head;
    dsg_bkm_member *m;
    size_t count, cap;
    uint8_t *text;                  /* the names and digests the members point into */
    size_t text_len, text_cap;
};

static void now_time(char out[DSG_BK_TIME_LEN + 1])
{
    if (dsg_time_now_rfc3339_ms(out, DSG_BK_TIME_LEN + 1) != DSG_BK_TIME_LEN)
        out[0] = '\0';   /* refused by the manifest's rules, at the first role */
}

dsg_bk_status dsg_bk_writer_new(const char *dest, const char *id, const char *created,
                                const uint8_t recipient[DSG_X25519_LEN], dsg_bk_writer **out,
                                char *err, size_t n)
{
    char path[PATH_CAP + 32], when[DSG_BK_TIME_LEN + 1];
    struct stat st;
    *out = NULL;
    if (!dsg_bk_id_ok(id))
        return fail(DSG_BK_ARGS, err, n, "backup ID '%s' is not YYYYMMDDTHHMMSSZ", id);
    if (created == NULL)
        now_time(when);
    else if (strlen(created) != DSG_BK_TIME_LEN)
        return fail(DSG_BK_ARGS, err, n, "time '%s' is not YYYY-MM-DDTHH:MM:SS.mmmZ", created);
    if (strlen(dest) >= PATH_CAP)
        return fail(DSG_BK_ARGS, err, n, "destination path too long");
    snprintf(path, sizeof path, "%s/%s", dest, id);
    if (lstat(path, &st) == 0)
        return fail(DSG_BK_EXISTS, err, n, "%s exists: refusing to write a backup over it", path);
    snprintf(path, sizeof path, "%s/%s.partial", dest, id);
    if (mkdir(path, 0700) != 0)
        return fail(errno == EEXIST ? DSG_BK_EXISTS : DSG_BK_IO, err, n, "%s: %s%s", path,
                    strerror(errno), errno == EEXIST ? " (an unfinished backup: remove it)" : "");
    dsg_bk_writer *w = calloc(1, sizeof *w);
    if (w == NULL || (w->dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
        free(w);
        rmdir(path);
        return fail(DSG_BK_IO, err, n, "%s: cannot open", path);
    }
    snprintf(w->dest, sizeof w->dest, "%s", dest);
    memcpy(w->id, id, sizeof w->id);
    memcpy(w->recipient, recipient, DSG_X25519_LEN);
    memcpy(w->head.id, id, DSG_BKM_ID_LEN);
    memcpy(w->head.created, created != NULL ? created : when, DSG_BKM_TIME_LEN);
    w->head.dsg_major = DSG_BK_DSG_MAJOR;
    w->head.dsg_minor = DSG_BK_DSG_MINOR;
    w->head.dsg_patch = DSG_BK_DSG_PATCH;
    *out = w;
    return DSG_BK_OK;
}

/* Whether the proved writer takes head with the members m[0 .. k): the
 * manifest's own rules, so a backup never holds what its manifest refuses. */
static int manifest_takes(const dsg_bkm_head *head, const dsg_bkm_member *m, size_t k,
                          const uint8_t *text, size_t text_len)
{
    uint8_t out[2048];
    size_t len = 0;
    dsg_bkm_status st = dsg_bkm_write(head, m, k, text, text_len, out, sizeof out, &len);
    return st == DSG_BKM_OK || st == DSG_BKM_ERR_SPACE;
}

dsg_bk_status dsg_bk_writer_role(dsg_bk_writer *w, unsigned role, const char *snapshot,
                                 uint32_t schema, char *err, size_t n)
{
    if (role >= DSG_BK_ROLES || w->head.role_seen[role])
        return fail(DSG_BK_ARGS, err, n, "role %u: unknown or given twice", role);
    if (strlen(snapshot) != DSG_BK_TIME_LEN)
        return fail(DSG_BK_ARGS, err, n, "role %s: time '%s' is not YYYY-MM-DDTHH:MM:SS.mmmZ",
                    dsg_bk_role_name(role), snapshot);
    dsg_bkm_head h = w->head;
    h.role_seen[role] = 1;
    memcpy(h.role_time[role], snapshot, DSG_BKM_TIME_LEN);
    h.role_schema[role] = schema;
    if (!manifest_takes(&h, NULL, 0, NULL, 0))
        return fail(DSG_BK_ARGS, err, n, "role %s: the manifest refuses its time '%s', schema "
                    "%u or the backup's ID or creation time", dsg_bk_role_name(role), snapshot,
                    (unsigned)schema);
    w->head = h;
    return DSG_BK_OK;
}

/* Room for one more member and its name and digest. */
static int grow(dsg_bk_writer *w, size_t name_len)
{
    if (w->count == w->cap) {
        size_t c = w->cap == 0 ? 64 : 2 * w->cap;
        dsg_bkm_member *m = realloc(w->m, c * sizeof *m);
        if (m == NULL)
            return -1;
        w->m = m;
        w->cap = c;
    }
    size_t need = w->text_len + name_len + DSG_BKM_DIGEST_HEX;
    if (need > w->text_cap) {
        size_t c = w->text_cap == 0 ? 16384 : w->text_cap;
        while (c < need)
            c *= 2;
        uint8_t *t = realloc(w->text, c);
        if (t == NULL)
            return -1;
        w->text = t;
        w->text_cap = c;
    }
    return 0;
}

/* Encrypts fd to the member file out of (role, name): to fd's end, or
 * exactly `left` bytes when it is not UINT64_MAX (an end before is IO). */
static dsg_bk_status encrypt_fd(dsg_bk_writer *w, unsigned role, const char *name, int fd,
                                uint64_t left, int out, uint64_t *size,
                                uint8_t sha[DSG_BK_SHA256_LEN])
{
    static uint8_t buf[IO_CHUNK];
    int to_end = left == UINT64_MAX;
    dsg_bk_member_writer *mw = NULL;
    dsg_bk_status st = dsg_bk_member_writer_new(out, w->recipient, w->id, role, name, &mw);
    while (st == DSG_BK_OK) {
        size_t want = !to_end && left < sizeof buf ? (size_t)left : sizeof buf;
        ssize_t got = want > 0 ? read(fd, buf, want) : 0;
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            st = got < 0 || (!to_end && left > 0) ? DSG_BK_IO
                                                  : dsg_bk_member_finish(mw, size, sha);
            break;
        }
        if (!to_end)
            left -= (uint64_t)got;
        st = dsg_bk_member_write(mw, buf, (size_t)got);
    }
    dsg_bk_member_writer_free(mw);
    OPENSSL_cleanse(buf, sizeof buf);
    return st;
}

dsg_bk_status dsg_bk_writer_add(dsg_bk_writer *w, unsigned role, const char *name, int fd,
                                char *err, size_t n)
{
    return dsg_bk_writer_add_n(w, role, name, fd, UINT64_MAX, err, n);
}

dsg_bk_status dsg_bk_writer_add_n(dsg_bk_writer *w, unsigned role, const char *name, int fd,
                                  uint64_t len, char *err, size_t n)
{
    char rel[REL_CAP];
    size_t nl = strlen(name);
    uint64_t size = 0;
    uint8_t sha[DSG_BK_SHA256_LEN];
    if (role >= DSG_BK_ROLES || !w->head.role_seen[role])
        return fail(DSG_BK_ARGS, err, n, "member %s: its role has no role line",
                    name);
    if (nl == 0 || nl > DSG_BK_NAME_MAX)
        return fail(DSG_BK_ARGS, err, n, "member %s: a name of 1 to 255 bytes", name);
    /* the manifest's bounds before any memory grows: its offsets are 32
     * bits, and a stream naming members without end must not exhaust it */
    if (w->count >= DSG_BKM_MEMBERS_MAX ||
        w->text_len + nl + DSG_BKM_DIGEST_HEX > DSG_BKM_TEXT_MAX / 2)
        return fail(DSG_BK_ARGS, err, n, "member %s: the backup has too many members "
                    "(at most %u) or names", name, DSG_BKM_MEMBERS_MAX);
    if (grow(w, nl) != 0)
        return fail(DSG_BK_CRYPTO, err, n, "member %s: memory", name);
    dsg_bkm_member *x = &w->m[w->count];
    x->role = role;
    x->name_off = (uint32_t)w->text_len;
    x->name_len = (uint32_t)nl;
    x->size = 0;
    x->digest_off = (uint32_t)(w->text_len + nl);
    memcpy(w->text + w->text_len, name, nl);
    memset(w->text + x->digest_off, '0', DSG_BKM_DIGEST_HEX);
    if (!manifest_takes(&w->head, x, 1, w->text, w->text_len + nl + DSG_BKM_DIGEST_HEX))
        return fail(DSG_BK_ARGS, err, n, "member name '%s' breaks the manifest's name rule "
                    "(docs/backup.md, \"Member names\")", name);
    member_path(rel, sizeof rel, role, name);
    if (make_parents(w->dfd, rel) != 0)
        return fail(DSG_BK_IO, err, n, "%s: %s", rel, strerror(errno));
    int out = openat(w->dfd, rel, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (out < 0)
        return fail(errno == EEXIST ? DSG_BK_EXISTS : DSG_BK_IO, err, n, "member %s: %s", rel,
                    errno == EEXIST ? "given twice" : strerror(errno));
    dsg_bk_status st = encrypt_fd(w, role, name, fd, len, out, &size, sha);
    if (st == DSG_BK_OK && fsync(out) != 0)
        st = DSG_BK_IO;
    if (close(out) != 0 && st == DSG_BK_OK)
        st = DSG_BK_IO;
    if (st != DSG_BK_OK) {
        unlinkat(w->dfd, rel, 0);
        return fail(st, err, n, "member %s: %s", rel, st == DSG_BK_IO
                    ? "cannot read the input or write the member" : dsg_bk_status_token(st));
    }
    x->size = (int64_t)size;
    char digest[2 * DSG_BK_SHA256_LEN + 1];
    hex(digest, sha, DSG_BK_SHA256_LEN);
    memcpy(w->text + x->digest_off, digest, DSG_BKM_DIGEST_HEX);
    w->text_len += nl + DSG_BKM_DIGEST_HEX;
    w->count++;
    return DSG_BK_OK;
}

/* The manifest's order: by role, then by the name's bytes (text). */
static int by_role_name(const void *a, const void *b, void *text)
{
    const dsg_bkm_member *x = a, *y = b;
    const uint8_t *sort_text = text;
    if (x->role != y->role)
        return x->role < y->role ? -1 : 1;
    size_t k = x->name_len < y->name_len ? x->name_len : y->name_len;
    int c = memcmp(sort_text + x->name_off, sort_text + y->name_off, k);
    if (c != 0)
        return c;
    return x->name_len == y->name_len ? 0 : x->name_len < y->name_len ? -1 : 1;
}

/* data written to name in dfd (0600, exclusive), synced. */
static int write_file(int dfd, const char *name, const uint8_t *data, size_t len)
{
    int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    int ok = dsg_write_all(fd, data, len) == 0 && fsync(fd) == 0;
    return close(fd) == 0 && ok ? 0 : -1;
}

/* Syncs every directory under dfd (members were synced as written). */
static int sync_tree(int dfd, int depth)
{
    int rc = fsync(dfd), d2 = dup(dfd);
    DIR *d = d2 >= 0 ? fdopendir(d2) : NULL;
    if (d == NULL) {
        if (d2 >= 0)
            close(d2);
        return -1;
    }
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (e->d_type != DT_DIR || strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        int sub = openat(dfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        rc = sub < 0 || depth > 200 ? -1 : sync_tree(sub, depth + 1);
        if (sub >= 0)
            close(sub);
    }
    closedir(d);
    return rc;
}

/* The manifest of w, malloc'ed, its length in *len. */
static dsg_bk_status manifest_text(dsg_bk_writer *w, uint8_t **out, size_t *len)
{
    size_t cap = 1024 + DSG_BKM_ROLES * 64 + w->count * DSG_BKM_LINE_MAX;
    *out = malloc(cap);
    if (*out == NULL)
        return DSG_BK_CRYPTO;
    qsort_r(w->m, w->count, sizeof *w->m, by_role_name, w->text);
    dsg_bkm_status st = dsg_bkm_write(&w->head, w->m, w->count, w->text, w->text_len, *out,
                                      cap, len);
    return st == DSG_BKM_OK ? DSG_BK_OK : DSG_BK_ARGS;
}

dsg_bk_status dsg_bk_writer_commit(dsg_bk_writer *w, const uint8_t key[DSG_BK_SIGN_KEY_LEN],
                                   char *err, size_t n)
{
    char from[PATH_CAP + 32], to[PATH_CAP + 32];
    uint8_t *text = NULL, sig[DSG_BK_SIG_LEN];
    size_t len = 0;
    dsg_bk_status st = manifest_text(w, &text, &len);
    if (st != DSG_BK_OK) {
        free(text);
        return fail(st, err, n, "the manifest cannot be written (%s)",
                    st == DSG_BK_ARGS ? "no role line, or a record it refuses" : "memory");
    }
    st = dsg_bk_sign(key, text, len, sig);
    if (st == DSG_BK_OK && (write_file(w->dfd, MANIFEST, text, len) != 0 ||
                            write_file(w->dfd, SIGNATURE, sig, sizeof sig) != 0 ||
                            sync_tree(w->dfd, 0) != 0))
        st = DSG_BK_IO;
    free(text);
    if (st != DSG_BK_OK)
        return fail(st, err, n, "%s/%s.partial: cannot write the manifest, its signature or "
                    "sync: %s", w->dest, w->id, strerror(errno));
    snprintf(from, sizeof from, "%s/%s.partial", w->dest, w->id);
    snprintf(to, sizeof to, "%s/%s", w->dest, w->id);
    if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) != 0)
        return fail(errno == EEXIST ? DSG_BK_EXISTS : DSG_BK_IO, err, n, "%s: %s", to,
                    strerror(errno));
    int dd = open(w->dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int ok = dd >= 0 && fsync(dd) == 0;
    if (dd >= 0)
        close(dd);
    return ok ? DSG_BK_OK : fail(DSG_BK_IO, err, n, "%s: cannot sync", w->dest);
}

void dsg_bk_writer_free(dsg_bk_writer *w)
{
    if (w == NULL)
        return;
    if (w->dfd >= 0)
        close(w->dfd);
    free(w->m);
    free(w->text);
    free(w);
}

/* ---- reading a backup -------------------------------------------------------- */

typedef struct loaded {
    uint8_t *text;
    size_t len;
    dsg_bkm_head head;
    dsg_bkm_member *m;
    size_t count;
    char id[DSG_BK_ID_LEN + 1];
    uint64_t bytes;              /* the members' stored sizes, summed */
} loaded;

static void unload(loaded *L)
{
    free(L->text);
    free(L->m);
    memset(L, 0, sizeof *L);
}

/* The whole of name in dfd, at most max bytes, malloc'ed. */
static dsg_bk_status read_whole(int dfd, const char *name, size_t max, uint8_t **out,
                                size_t *len)
{
    struct stat st;
    int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? DSG_BK_MISSING : DSG_BK_IO;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > max) {
        close(fd);
        return DSG_BK_FORMAT;
    }
    size_t size = (size_t)st.st_size, got = 0;
    *out = malloc(size + 1);
    ssize_t r = 1;
    while (*out != NULL && got < size && (r = read(fd, *out + got, size - got)) > 0)
        got += (size_t)r;
    close(fd);
    if (*out == NULL || got != size)
        return DSG_BK_IO;
    *len = size;
    return DSG_BK_OK;
}

/* The manifest of dfd, its signature verified under pub before it is parsed. */
static dsg_bk_status load(int dfd, const uint8_t pub[DSG_BK_SIGN_KEY_LEN], loaded *L,
                          char *err, size_t n)
{
    uint8_t *sig = NULL;
    size_t slen = 0, at = 0;
    memset(L, 0, sizeof *L);
    dsg_bk_status st = read_whole(dfd, MANIFEST, DSG_BKM_TEXT_MAX, &L->text, &L->len);
    if (st != DSG_BK_OK)
        return fail(st, err, n, MANIFEST ": %s", st == DSG_BK_MISSING ? "missing"
                    : st == DSG_BK_FORMAT ? "not a regular file of at most 1 GiB"
                                          : "cannot read");
    st = read_whole(dfd, SIGNATURE, DSG_BK_SIG_LEN, &sig, &slen);
    if (st != DSG_BK_OK || slen != DSG_BK_SIG_LEN) {
        free(sig);
        return fail(DSG_BK_SIGNATURE, err, n, SIGNATURE ": %s", st == DSG_BK_MISSING
                    ? "missing" : "not a file of the 64 bytes of an Ed25519 signature");
    }
    int ok = dsg_bk_sig_ok(pub, L->text, L->len, sig);
    free(sig);
    if (!ok)
        return fail(DSG_BK_SIGNATURE, err, n, SIGNATURE ": the signature does not verify under "
                    "this public key (the manifest was changed, or another key signed it)");
    size_t cap = L->len / 81 + 1;
    L->m = malloc(cap * sizeof *L->m);
    if (L->m == NULL)
        return fail(DSG_BK_CRYPTO, err, n, "out of memory");
    dsg_bkm_status ps = dsg_bkm_parse(L->text, L->len, &L->head, L->m, cap, &L->count, &at);
    if (ps != DSG_BKM_OK)
        return fail(DSG_BK_FORMAT, err, n, MANIFEST ": %s at byte %zu", dsg_bkm_status_token(ps),
                    at);
    memcpy(L->id, L->head.id, DSG_BK_ID_LEN);
    L->id[DSG_BK_ID_LEN] = '\0';
    for (size_t i = 0; i < L->count; i++)
        L->bytes += (uint64_t)L->m[i].size;
    return DSG_BK_OK;
}

static void name_of(const loaded *L, size_t i, char out[DSG_BK_NAME_MAX + 1])
{
    memcpy(out, L->text + L->m[i].name_off, L->m[i].name_len);
    out[L->m[i].name_len] = '\0';
}

static void report(dsg_bk_progress_fn fn, void *ctx, const char *phase, const loaded *L,
                   size_t i, uint64_t bytes)
{
    char name[DSG_BK_NAME_MAX + 1];
    if (fn == NULL)
        return;
    dsg_bk_progress p = { phase, NULL, NULL, i, L->count, bytes, L->bytes };
    if (i < L->count) {
        name_of(L, i, name);
        p.role = dsg_bk_role_name(L->m[i].role);
        p.name = name;
    }
    fn(ctx, &p);
}

/* Member i: a regular file of its size and SHA-256. */
static dsg_bk_status check_member(int dfd, const loaded *L, size_t i, char *err, size_t n)
{
    static uint8_t buf[IO_CHUNK];
    char name[DSG_BK_NAME_MAX + 1], rel[REL_CAP], got[2 * DSG_BK_SHA256_LEN + 1];
    uint8_t md[DSG_BK_SHA256_LEN];
    struct stat st;
    unsigned mdl = 0;
    name_of(L, i, name);
    member_path(rel, sizeof rel, L->m[i].role, name);
    int fd = openat(dfd, rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return fail(errno == ENOENT ? DSG_BK_MISSING : DSG_BK_IO, err, n, "%s: %s", rel,
                    errno == ENOENT ? "missing" : strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return fail(DSG_BK_TAMPERED, err, n, "%s: not a regular file", rel);
    }
    if (st.st_size != L->m[i].size) {
        close(fd);
        int shorter = st.st_size < L->m[i].size;
        return fail(shorter ? DSG_BK_TRUNCATED : DSG_BK_TAMPERED, err, n,
                    "%s: %lld bytes, the manifest says %lld%s", rel, (long long)st.st_size,
                    (long long)L->m[i].size, shorter ? " (cut short)" : "");
    }
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    int ok = c != NULL && EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1;
    ssize_t r;
    while (ok && (r = read(fd, buf, sizeof buf)) != 0)
        ok = r > 0 ? EVP_DigestUpdate(c, buf, (size_t)r) == 1 : errno == EINTR;
    ok = ok && EVP_DigestFinal_ex(c, md, &mdl) == 1;
    EVP_MD_CTX_free(c);
    close(fd);
    if (!ok)
        return fail(DSG_BK_IO, err, n, "%s: cannot read", rel);
    hex(got, md, sizeof md);
    if (memcmp(got, L->text + L->m[i].digest_off, DSG_BKM_DIGEST_HEX) != 0)
        return fail(DSG_BK_TAMPERED, err, n, "%s: SHA-256 %s, the manifest says %.64s", rel, got,
                    (const char *)L->text + L->m[i].digest_off);
    return DSG_BK_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every file under dfd (rel its path from the top) is listed in paths[0 .. k)
 * or, at the top, the manifest or its signature. */
static dsg_bk_status walk(int dfd, const char *rel, char **paths, size_t k, char *err,
                          size_t n)
{
    int d2 = dup(dfd);
    DIR *d = d2 >= 0 ? fdopendir(d2) : NULL;
    struct dirent *e;
    dsg_bk_status st = DSG_BK_OK;
    if (d == NULL) {
        if (d2 >= 0)
            close(d2);
        return fail(DSG_BK_IO, err, n, "%s: cannot list", rel[0] ? rel : ".");
    }
    while (st == DSG_BK_OK && (e = readdir(d)) != NULL) {
        char path[REL_CAP + 256], *key = path;
        struct stat sb;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s%s%s", rel, rel[0] ? "/" : "", e->d_name);
        if (fstatat(dfd, e->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
            st = fail(DSG_BK_IO, err, n, "%s: %s", path, strerror(errno));
        } else if (S_ISDIR(sb.st_mode) && strlen(path) < REL_CAP) {
            int sub = openat(dfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            st = sub < 0 ? fail(DSG_BK_IO, err, n, "%s: cannot open", path)
                         : walk(sub, path, paths, k, err, n);
            if (sub >= 0)
                close(sub);
        } else if (!S_ISREG(sb.st_mode) ||
                   (!(rel[0] == '\0' && (strcmp(path, MANIFEST) == 0 ||
                                         strcmp(path, SIGNATURE) == 0)) &&
                    bsearch(&key, paths, k, sizeof *paths, cmp_str) == NULL)) {
            st = fail(DSG_BK_EXTRA, err, n, "%s: not a member the manifest lists", path);
        }
    }
    closedir(d);
    return st;
}

/* No file in dfd the manifest does not list. */
static dsg_bk_status no_extra(int dfd, const loaded *L, char *err, size_t n)
{
    char **paths = calloc(L->count + 1, sizeof *paths);
    dsg_bk_status st = paths != NULL ? DSG_BK_OK : DSG_BK_CRYPTO;
    for (size_t i = 0; st == DSG_BK_OK && i < L->count; i++) {
        char name[DSG_BK_NAME_MAX + 1];
        name_of(L, i, name);
        paths[i] = malloc(REL_CAP);
        if (paths[i] == NULL)
            st = DSG_BK_CRYPTO;
        else
            member_path(paths[i], REL_CAP, L->m[i].role, name);
    }
    if (st == DSG_BK_OK) {
        qsort(paths, L->count, sizeof *paths, cmp_str);
        st = walk(dfd, "", paths, L->count, err, n);
    } else {
        fail(st, err, n, "out of memory");
    }
    for (size_t i = 0; paths != NULL && i < L->count; i++)
        free(paths[i]);
    free(paths);
    return st;
}

/* The keyless checks: signature, then each member, then no extra file. */
static dsg_bk_status check_all(int dfd, const uint8_t pub[DSG_BK_SIGN_KEY_LEN], loaded *L,
                               dsg_bk_progress_fn fn, void *ctx, char *err, size_t n)
{
    uint64_t bytes = 0;
    dsg_bk_status st = load(dfd, pub, L, err, n);
    for (size_t i = 0; st == DSG_BK_OK && i < L->count; i++) {
        report(fn, ctx, "checking", L, i, bytes);
        st = check_member(dfd, L, i, err, n);
        bytes += (uint64_t)L->m[i].size;
    }
    if (st == DSG_BK_OK)
        st = no_extra(dfd, L, err, n);
    if (st == DSG_BK_OK)
        report(fn, ctx, "checking", L, L->count, bytes);
    return st;
}

/* PRAGMA integrity_check of the database at path, opened immutable (it
 * writes nothing beside the file). 1 when "ok". */
static int db_ok(const char *path, char *why, size_t n)
{
    char uri[PATH_CAP + REL_CAP + 32];
    sqlite3 *db = NULL;
    int len = snprintf(uri, sizeof uri, "file:%s?immutable=1", path);
    if (len < 0 || (size_t)len >= sizeof uri) {
        snprintf(why, n, "the path is too long");
        return 0;
    }
    int ok = sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) ==
                 SQLITE_OK && dsg_db_integrity_ok(db, why, n);
    if (db != NULL && !ok && why[0] == '\0')
        snprintf(why, n, "%s", sqlite3_errmsg(db));
    sqlite3_close_v2(db);
    return ok;
}

/* The database in fd (a memfd) passes integrity_check: 1, else 0 with why.
 * Opened from a private mapping of fd; a WAL-mode header is read as a
 * rollback one there (the copy has no WAL file to go with it). */
static int db_ok_fd(int fd, char *why, size_t n)
{
    struct stat st;
    sqlite3 *db = NULL;
    if (fstat(fd, &st) != 0 || st.st_size < 100) {
        snprintf(why, n, "not a database");
        return 0;
    }
    size_t len = (size_t)st.st_size;
    uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
        snprintf(why, n, "cannot map the copy: %s", strerror(errno));
        return 0;
    }
    if (p[18] == 2 && p[19] == 2)
        p[18] = p[19] = 1;
    int ok = sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
             sqlite3_deserialize(db, "main", p, (sqlite3_int64)len, (sqlite3_int64)len,
                                 SQLITE_DESERIALIZE_READONLY) == SQLITE_OK &&
             dsg_db_integrity_ok(db, why, n);
    if (db != NULL && !ok && why[0] == '\0')
        snprintf(why, n, "%s", sqlite3_errmsg(db));
    sqlite3_close_v2(db);
    munmap(p, len);
    return ok;
}

/* Where a member's plaintext goes: out (-1: nowhere), or, with tmp set and
 * a plaintext that begins as an SQLite database, a new anonymous file in
 * memory (memfd: verify writes no restored data anywhere, REQ-BKUP-005)
 * whose /proc/self/fd path goes to tmp. */
typedef struct sink {
    int out;
    char *tmp;
    int is_db;
} sink;

static dsg_bk_status put_plain(sink *s, const uint8_t *p, size_t len, int first)
{
    if (first && len >= 16 && memcmp(p, SQLITE_MAGIC, 16) == 0) {
        s->is_db = 1;
        if (s->out < 0 && s->tmp != NULL) {
            s->out = memfd_create("dsg-bkup-verify", MFD_CLOEXEC);
            if (s->out < 0)
                return DSG_BK_IO;
            snprintf(s->tmp, PATH_CAP, "/proc/self/fd/%d", s->out);
        }
    }
    return s->out < 0 || dsg_write_all(s->out, p, len) == 0 ? DSG_BK_OK : DSG_BK_IO;
}

/* The bytes reader r decrypted are member i as the manifest lists it: its
 * size and SHA-256, taken from the very bytes read (the file may have
 * changed since check_member read it). */
static dsg_bk_status same_as_listed(dsg_bk_member_reader *r, const loaded *L, size_t i,
                                    const char *rel, char *err, size_t n)
{
    uint8_t md[DSG_BK_SHA256_LEN];
    char got[2 * DSG_BK_SHA256_LEN + 1];
    uint64_t bytes = 0;
    if (dsg_bk_member_reader_digest(r, &bytes, md) != DSG_BK_OK)
        return fail(DSG_BK_CRYPTO, err, n, "%s: no digest of what was read", rel);
    hex(got, md, sizeof md);
    if (bytes != (uint64_t)L->m[i].size ||
        memcmp(got, L->text + L->m[i].digest_off, DSG_BKM_DIGEST_HEX) != 0)
        return fail(DSG_BK_TAMPERED, err, n, "%s: changed while it was read (%llu bytes, "
                    "SHA-256 %s; the manifest says %lld, %.64s)", rel, (unsigned long long)bytes,
                    got, (long long)L->m[i].size, (const char *)L->text + L->m[i].digest_off);
    return DSG_BK_OK;
}

/* Decrypts member i of dfd to s; what was decrypted must be what the
 * manifest lists. */
static dsg_bk_status decrypt_member(int dfd, const loaded *L, size_t i,
                                    const uint8_t priv[DSG_X25519_LEN], sink *s, char *err,
                                    size_t n)
{
    static uint8_t buf[IO_CHUNK];
    char name[DSG_BK_NAME_MAX + 1], rel[REL_CAP];
    name_of(L, i, name);
    member_path(rel, sizeof rel, L->m[i].role, name);
    int fd = openat(dfd, rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return fail(DSG_BK_IO, err, n, "%s: %s", rel, strerror(errno));
    dsg_bk_member_reader *r = NULL;
    dsg_bk_status st = dsg_bk_member_reader_new(fd, priv, L->id, L->m[i].role, name, &r);
    for (int first = 1; st == DSG_BK_OK; first = 0) {
        size_t got = 0;
        st = dsg_bk_member_read(r, buf, sizeof buf, &got);
        if (st != DSG_BK_OK || got == 0)
            break;
        if (put_plain(s, buf, got, first) != DSG_BK_OK) {
            OPENSSL_cleanse(buf, sizeof buf);
            dsg_bk_member_reader_free(r);
            close(fd);
            return fail(DSG_BK_IO, err, n, "%s: cannot write the plaintext: %s", rel,
                        strerror(errno));
        }
    }
    if (st != DSG_BK_OK)
        fail(st, err, n, "%s: %s", rel, r != NULL ? dsg_bk_member_reader_error(r)
                                                  : "out of memory");
    else
        st = same_as_listed(r, L, i, rel, err, n);
    dsg_bk_member_reader_free(r);
    OPENSSL_cleanse(buf, sizeof buf);
    close(fd);
    return st;
}

/* Member i decrypted and, a database, checked in memory (a memfd, gone
 * when closed). */
static dsg_bk_status decrypt_check(int dfd, const loaded *L, size_t i,
                                   const uint8_t priv[DSG_X25519_LEN], char *err, size_t n)
{
    char mem[PATH_CAP] = "", why[256] = "", name[DSG_BK_NAME_MAX + 1];
    sink s = { -1, mem, 0 };
    dsg_bk_status st = decrypt_member(dfd, L, i, priv, &s, err, n);
    if (st == DSG_BK_OK && s.is_db && !db_ok_fd(s.out, why, sizeof why)) {
        name_of(L, i, name);
        st = fail(DSG_BK_DATABASE, err, n, "%s/%s: the database fails: %s",
                  dsg_bk_role_name(L->m[i].role), name, why);
    }
    if (s.out >= 0)
        close(s.out);
    return st;
}

static int open_dir(const char *dir)
{
    return open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

dsg_bk_status dsg_bk_manifest_head(const char *dir, const uint8_t pub[DSG_BK_SIGN_KEY_LEN],
                                  dsg_bkm_head *head, char *err, size_t n)
{
    loaded L;
    int dfd = open_dir(dir);
    if (dfd < 0)
        return fail(DSG_BK_ARGS, err, n, "%s: %s", dir, strerror(errno));
    dsg_bk_status st = load(dfd, pub, &L, err, n);
    if (st == DSG_BK_OK)
        *head = L.head;
    unload(&L);
    close(dfd);
    return st;
}

dsg_bk_status dsg_bk_verify(const char *dir, const uint8_t pub[DSG_BK_SIGN_KEY_LEN],
                            const uint8_t *priv, dsg_bk_progress_fn progress, void *ctx,
                            char *err, size_t n)
{
    loaded L;
    uint64_t bytes = 0;
    int dfd = open_dir(dir);
    if (dfd < 0)
        return fail(DSG_BK_ARGS, err, n, "%s: %s", dir, strerror(errno));
    dsg_bk_status st = check_all(dfd, pub, &L, progress, ctx, err, n);
    for (size_t i = 0; priv != NULL && st == DSG_BK_OK && i < L.count; i++) {
        report(progress, ctx, "decrypting", &L, i, bytes);
        st = decrypt_check(dfd, &L, i, priv, err, n);
        bytes += (uint64_t)L.m[i].size;
    }
    if (priv != NULL && st == DSG_BK_OK)
        report(progress, ctx, "decrypting", &L, L.count, bytes);
    unload(&L);
    close(dfd);
    return st;
}

/* ---- restoring --------------------------------------------------------------- */

/* Whether the directory fd is ours alone: owned by this user, writable by
 * no one else (nobody can plant a symbolic link in what is restored). */
static int private_dir(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 && st.st_uid == geteuid() && (st.st_mode & 022) == 0;
}

/* to, made when missing; an existing one must be an empty directory of
 * ours that no one else may write to. */
static int open_fresh(const char *to, char *err, size_t n, dsg_bk_status *st)
{
    if (mkdir(to, 0700) != 0 && errno != EEXIST) {
        *st = fail(DSG_BK_IO, err, n, "%s: %s", to, strerror(errno));
        return -1;
    }
    int fd = open(to, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int empty = fd >= 0 && dsg_dir_empty(fd) == 1;
    if (fd < 0 || !empty) {
        *st = fail(fd < 0 ? DSG_BK_IO : DSG_BK_EXISTS, err, n, "%s: %s", to,
                   fd < 0 ? "not a directory that can be opened"
                          : "exists and is not empty: restore goes to a fresh directory");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (!private_dir(fd)) {
        *st = fail(DSG_BK_ARGS, err, n, "%s: not owned by uid %u or writable by group or others: "
                   "restore goes to a directory no one else may write to", to,
                   (unsigned)geteuid());
        close(fd);
        return -1;
    }
    return fd;
}

/* Member i decrypted into tfd/ROLE/NAME through RESTORE_TMP, then a
 * database checked where it lies. */
static dsg_bk_status restore_member(int dfd, int tfd, const char *to, const loaded *L, size_t i,
                                    const uint8_t priv[DSG_X25519_LEN], char *err, size_t n)
{
    char name[DSG_BK_NAME_MAX + 1], rel[REL_CAP], path[PATH_CAP + REL_CAP], why[256] = "";
    name_of(L, i, name);
    member_path(rel, sizeof rel, L->m[i].role, name);
    sink s = { openat(tfd, RESTORE_TMP, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                      0600), NULL, 0 };
    if (s.out < 0)
        return fail(DSG_BK_IO, err, n, "%s/" RESTORE_TMP ": %s", to, strerror(errno));
    dsg_bk_status st = decrypt_member(dfd, L, i, priv, &s, err, n);
    if (st == DSG_BK_OK && fsync(s.out) != 0)
        st = fail(DSG_BK_IO, err, n, "%s: cannot sync: %s", rel, strerror(errno));
    close(s.out);
    if (st == DSG_BK_OK && (make_parents(tfd, rel) != 0 ||
                            renameat2(tfd, RESTORE_TMP, tfd, rel, RENAME_NOREPLACE) != 0 ||
                            sync_dir_of(tfd, rel) != 0))
        st = fail(DSG_BK_IO, err, n, "%s/%s: %s", to, rel, strerror(errno));
    unlinkat(tfd, RESTORE_TMP, 0);
    snprintf(path, sizeof path, "%s/%s", to, rel);
    if (st == DSG_BK_OK && s.is_db && !db_ok(path, why, sizeof why))
        st = fail(DSG_BK_DATABASE, err, n, "%s: the database fails: %s", rel, why);
    return st;
}

dsg_bk_status dsg_bk_decrypt(const char *dir, const uint8_t pub[DSG_BK_SIGN_KEY_LEN],
                             const uint8_t priv[DSG_X25519_LEN], const char *to,
                             dsg_bk_progress_fn progress, void *ctx, char *err, size_t n)
{
    loaded L;
    uint64_t bytes = 0;
    dsg_bk_status st = DSG_BK_OK;
    int dfd = open_dir(dir);
    if (dfd < 0)
        return fail(DSG_BK_ARGS, err, n, "%s: %s", dir, strerror(errno));
    int tfd = open_fresh(to, err, n, &st);
    if (tfd < 0) {
        close(dfd);
        return st;
    }
    st = check_all(dfd, pub, &L, progress, ctx, err, n);
    for (size_t i = 0; st == DSG_BK_OK && i < L.count; i++) {
        report(progress, ctx, "restoring", &L, i, bytes);
        st = restore_member(dfd, tfd, to, &L, i, priv, err, n);
        bytes += (uint64_t)L.m[i].size;
    }
    if (st == DSG_BK_OK && fsync(tfd) != 0)
        st = fail(DSG_BK_IO, err, n, "%s: cannot sync", to);
    if (st == DSG_BK_OK)
        report(progress, ctx, "restoring", &L, L.count, bytes);
    unload(&L);
    close(tfd);
    close(dfd);
    return st;
}
