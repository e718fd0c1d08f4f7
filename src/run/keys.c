/* The master's keys: see keys.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "io/fdio.h"
#include "log/timefmt.h"
#include "run/keys.h"
#include "run/log.h"
#include "stor/objcrypt.h"

#define PATH_CAP 4200

_Static_assert(DSGD_KEK_LEN == DSG_OC_KEK_LEN && DSGD_KEK_ID_LEN == DSG_SEG_KEK_ID_LEN,
               "the KEK and its ID are the object codec's");

static int fail(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, n, fmt, ap);
    va_end(ap);
    return -1;
}

/* One pass of AES-256 key wrap with padding (RFC 5649): 1 when it worked
 * and gave exactly out_len bytes. */
static int kw(int enc, const uint8_t *kek, const uint8_t *in, size_t len, uint8_t *out,
              size_t out_len)
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    uint8_t buf[DSGD_WRAPPED_LEN + 16];
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

int dsgd_keys_wrap(const uint8_t kek[DSGD_KEK_LEN], const uint8_t key[DSGD_DATA_KEY_LEN],
                   uint8_t out[DSGD_WRAPPED_LEN])
{
    return kw(1, kek, key, DSGD_DATA_KEY_LEN, out, DSGD_WRAPPED_LEN) ? 0 : -1;
}

int dsgd_keys_unwrap(const uint8_t kek[DSGD_KEK_LEN], const uint8_t wrapped[DSGD_WRAPPED_LEN],
                     uint8_t out[DSGD_DATA_KEY_LEN])
{
    if (kw(0, kek, wrapped, DSGD_WRAPPED_LEN, out, DSGD_DATA_KEY_LEN))
        return 0;
    OPENSSL_cleanse(out, DSGD_DATA_KEY_LEN);
    return -1;
}

/* The owner and mode rule of st (a key file or its directory, want_dir):
 * owned by uid, no group or other permission. */
static int check_owner_mode(const char *path, const struct stat *st, int want_dir, uid_t uid,
                            char *err, size_t n)
{
    if (want_dir ? !S_ISDIR(st->st_mode) : !S_ISREG(st->st_mode))
        return fail(err, n, "key %s %s is not a %s: refusing to start",
                    want_dir ? "directory" : "file", path, want_dir ? "directory" : "regular file");
    if (st->st_uid != uid || (st->st_mode & 077) != 0)
        return fail(err, n, "key %s %s has owner uid %u and mode %04o: it must be owned by uid %u"
                    " with no group or other permissions (chmod %s %s): refusing to start",
                    want_dir ? "directory" : "file", path, (unsigned)st->st_uid,
                    (unsigned)(st->st_mode & 07777), (unsigned)uid, want_dir ? "700" : "600",
                    path);
    return 0;
}

/* A key file of uid of exactly len bytes into out: 1, 0 when it is
 * missing, -1. */
static int read_key(const char *path, uid_t uid, uint8_t *out, size_t len, char *err, size_t n)
{
    struct stat st;
    uint8_t extra;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        return 0;
    if (fd < 0)
        return fail(err, n, "key file %s: %s", path,
                    errno == ELOOP ? "a symbolic link: refusing to start" : strerror(errno));
    if (fstat(fd, &st) != 0 || check_owner_mode(path, &st, 0, uid, err, n) != 0) {
        close(fd);
        return -1;
    }
    ssize_t got = read(fd, out, len);
    ssize_t more = got == (ssize_t)len ? read(fd, &extra, 1) : 0;
    close(fd);
    if (got != (ssize_t)len || more != 0) {
        OPENSSL_cleanse(out, len);
        return fail(err, n, "key file %s: not %zu bytes: refusing to start", path, len);
    }
    return 1;
}

/* NAME.new (0600, exclusive) in the directory d, fsync, renamed to NAME,
 * d synced; path is d/NAME, for messages. Relative to d, so that only d's
 * own permissions count (write_as). */
static int write_key_at(int d, const char *name, const char *path, const uint8_t *data,
                        size_t len, char *err, size_t n)
{
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%s.new", name);
    (void)unlinkat(d, tmp, 0);   /* left over from an interrupted start */
    int fd = openat(d, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return fail(err, n, "%s.new: %s", path, strerror(errno));
    int ok = write(fd, data, len) == (ssize_t)len && fsync(fd) == 0;
    ok = close(fd) == 0 && ok && renameat(d, tmp, d, name) == 0;
    if (!ok) {
        int e = errno;
        (void)unlinkat(d, tmp, 0);
        return fail(err, n, "%s: cannot write it: %s", path, strerror(e));
    }
    if (fsync(d) != 0)
        return fail(err, n, "%s: cannot sync its directory: %s", path, strerror(errno));
    return 0;
}

/* The directory dir opened (not through a symbolic link): its fd, or -1. */
static int open_dir(const char *dir, char *err, size_t n)
{
    int d = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (d < 0)
        fail(err, n, "%s: %s", dir, strerror(errno));
    return d;
}

/* STATE/keys: created 0700 when missing; refused unless the master's with
 * mode 0700 (no group or other permission). */
static int keys_dir(const char *dir, char *err, size_t n)
{
    struct stat st;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return fail(err, n, "cannot create %s: %s", dir, strerror(errno));
    if (lstat(dir, &st) != 0)
        return fail(err, n, "%s: %s", dir, strerror(errno));
    return check_owner_mode(dir, &st, 1, geteuid(), err, n);
}

/* A new random key of len bytes in out, written to dir/name. */
static int new_key(const char *dir, const char *name, const char *path, uint8_t *out,
                   size_t len, char *err, size_t n)
{
    int d, rc;
    if (RAND_bytes(out, (int)len) != 1)
        return fail(err, n, "%s: no random bytes for a new key", path);
    if ((d = open_dir(dir, err, n)) < 0)
        return -1;
    rc = write_key_at(d, name, path, out, len, err, n);
    close(d);
    return rc;
}

/* Writes the wrapped key as owner (the auth role's user) into dir, that
 * user's directory: a master that is root has no CAP_DAC_OVERRIDE under
 * the unit and may not write there otherwise, so it opens the directory
 * first, then takes the user's filesystem IDs for the write. */
static int write_as(const dsgd_keys_owner *o, const char *dir, const char *name,
                    const char *path, const uint8_t *data, size_t len, char *err, size_t n)
{
    int d = open_dir(dir, err, n), rc;
    if (d < 0)
        return -1;
    if (geteuid() != 0 || o->uid == 0) {
        rc = write_key_at(d, name, path, data, len, err, n);
        close(d);
        return rc;
    }
    (void)setfsgid(o->gid);
    (void)setfsuid(o->uid);
    rc = (uid_t)setfsuid((uid_t)-1) == o->uid && (gid_t)setfsgid((gid_t)-1) == o->gid
             ? write_key_at(d, name, path, data, len, err, n)
             : fail(err, n, "%s: cannot write as uid %u", path, (unsigned)o->uid);
    (void)setfsuid(0);
    (void)setfsgid(0);
    close(d);
    return rc;
}

/* The wrapped data keys of the roles, under the state directory: the KEK
 * opens them all. */
static const struct {
    const char *role, *file, *purpose;
} role_keys[] = {
    { "auth", "totp.key.wrapped", "the TOTP secrets sealed under that data key" },
    { "share", "store.key.wrapped", "the stored objects whose data keys it wraps" },
};
#define ROLE_KEYS (sizeof role_keys / sizeof role_keys[0])

/* The data key in wrapped_path under kek (or next, the KEK of an
 * unfinished rotation, when not NULL): read and unwrapped, or made. */
static int data_key(const dsgd_keys_owner *o, const char *role, const char *role_dir,
                    const char *file, const char *wrapped_path, const uint8_t *kek,
                    const uint8_t *next, uint8_t key[DSGD_DATA_KEY_LEN], char *err, size_t n)
{
    uint8_t wrapped[DSGD_WRAPPED_LEN];
    int got = read_key(wrapped_path, o->uid, wrapped, sizeof wrapped, err, n);
    if (got < 0)
        return -1;
    if (got == 1) {
        if (dsgd_keys_unwrap(kek, wrapped, key) != 0 &&
            (next == NULL || dsgd_keys_unwrap(next, wrapped, key) != 0))
            return fail(err, n, "the data key %s does not unwrap under the key-encryption key "
                        "(another KEK, or a damaged file): refusing to start the %s role "
                        "(docs/keys.md)", wrapped_path, role);
        return 0;
    }
    if (RAND_bytes(key, DSGD_DATA_KEY_LEN) != 1 || dsgd_keys_wrap(kek, key, wrapped) != 0)
        return fail(err, n, "%s: cannot make a new data key", wrapped_path);
    return write_as(o, role_dir, file, wrapped_path, wrapped, sizeof wrapped, err, n);
}

/* A wrapped data key of any role that exists while the KEK does not: a new
 * KEK could not open it. 0 when there is none, else -1 with the message. */
static int orphan_wrapped_key(const char *statedir, const char *kek_path, char *err, size_t n)
{
    char path[PATH_CAP + 48];
    struct stat st;
    for (size_t i = 0; i < ROLE_KEYS; i++) {
        snprintf(path, sizeof path, "%s/%s/%s", statedir, role_keys[i].role, role_keys[i].file);
        if (lstat(path, &st) == 0)
            return fail(err, n, "the key-encryption key %s is missing while the wrapped data "
                        "key %s exists: restore %s from its backup (a new one could not open "
                        "%s; docs/keys.md): refusing to start",
                        kek_path, path, kek_path, role_keys[i].purpose);
    }
    return 0;
}

int dsgd_keys_role_key(const char *statedir, const char *role, const dsgd_keys_owner *owner,
                       uint8_t key[DSGD_DATA_KEY_LEN], char *err, size_t n)
{
    char dir[PATH_CAP], kek_path[PATH_CAP + 8], next_path[PATH_CAP + 16], role_dir[PATH_CAP],
        wrapped[PATH_CAP + 48];
    uint8_t kek[DSGD_KEK_LEN], next[DSGD_KEK_LEN];
    size_t k = 0;
    int rc, has_next = 0;

    while (k < ROLE_KEYS && strcmp(role_keys[k].role, role) != 0)
        k++;
    if (k == ROLE_KEYS)
        return fail(err, n, "no data key for the %s role", role);
    snprintf(dir, sizeof dir, "%s/keys", statedir);
    snprintf(kek_path, sizeof kek_path, "%s/kek", dir);
    snprintf(next_path, sizeof next_path, "%s/kek.new", dir);
    snprintf(role_dir, sizeof role_dir, "%s/%s", statedir, role);
    snprintf(wrapped, sizeof wrapped, "%s/%s", role_dir, role_keys[k].file);
    if (keys_dir(dir, err, n) != 0)
        return -1;
    rc = read_key(kek_path, geteuid(), kek, sizeof kek, err, n);
    if (rc == 0 && orphan_wrapped_key(statedir, kek_path, err, n) != 0)
        return -1;
    if (rc == 0)
        rc = new_key(dir, "kek", kek_path, kek, sizeof kek, err, n) == 0 ? 1 : -1;
    if (rc == 1 && (has_next = read_key(next_path, geteuid(), next, sizeof next, err, n)) < 0)
        rc = -1;
    if (rc == 1)
        rc = data_key(owner, role, role_dir, role_keys[k].file, wrapped, kek,
                      has_next == 1 ? next : NULL, key, err, n);
    OPENSSL_cleanse(kek, sizeof kek);
    OPENSSL_cleanse(next, sizeof next);
    return rc == 0 ? 0 : -1;
}

int dsgd_keys_kek_id(const char *statedir, uint8_t id[DSGD_KEK_ID_LEN], char *err, size_t n)
{
    char path[PATH_CAP + 16];
    uint8_t kek[DSGD_KEK_LEN];
    snprintf(path, sizeof path, "%s/keys/kek", statedir);
    int rc = read_key(path, geteuid(), kek, sizeof kek, err, n);
    if (rc == 1 && dsg_oc_kek_id(kek, id) != 0)
        rc = fail(err, n, "%s: cannot derive its KEK ID", path);
    OPENSSL_cleanse(kek, sizeof kek);
    return rc;
}

/* ---- rotation (REQ-STOR-008) --------------------------------------------- */

/* The wrapped data key of role_keys[i] under next: re-wrapped when it is
 * under old, left when it is under next already (an interrupted
 * rotation). 1 when it is under next now, 0 when the file does not exist,
 * -1. */
static int rewrap_one(const char *statedir, size_t i, const dsgd_keys_owner *o,
                      const uint8_t *old, const uint8_t *next, char *err, size_t n)
{
    char role_dir[PATH_CAP], path[PATH_CAP + 48];
    uint8_t wrapped[DSGD_WRAPPED_LEN], key[DSGD_DATA_KEY_LEN];
    int rc;
    snprintf(role_dir, sizeof role_dir, "%s/%s", statedir, role_keys[i].role);
    snprintf(path, sizeof path, "%s/%s", role_dir, role_keys[i].file);
    rc = read_key(path, o->uid, wrapped, sizeof wrapped, err, n);
    if (rc != 1)
        return rc;
    if (dsgd_keys_unwrap(next, wrapped, key) == 0) {
        OPENSSL_cleanse(key, sizeof key);
        return 1;
    }
    if (dsgd_keys_unwrap(old, wrapped, key) != 0)
        return fail(err, n, "the data key %s unwraps under neither the key-encryption key nor "
                    "the new one (another KEK, or a damaged file): it is left as it is",
                    path);
    rc = dsgd_keys_wrap(next, key, wrapped) == 0
             ? write_as(o, role_dir, role_keys[i].file, path, wrapped, sizeof wrapped, err, n)
             : fail(err, n, "%s: cannot wrap it under the new key-encryption key", path);
    OPENSSL_cleanse(key, sizeof key);
    return rc == 0 ? 1 : -1;
}

/* Steps 2 and 3 of a rotation: every wrapped data key under next, then
 * keys/kek.new renamed over keys/kek and the directory synced. */
static int finish(const char *statedir, const char *dir, const dsgd_keys_owner *o,
                  const uint8_t *old, const uint8_t *next, dsgd_kek_rotation *out, char *err,
                  size_t n)
{
    int d, rc = 0;
    out->rewrapped = 0;
    if (dsg_oc_kek_id(old, out->old_id) != 0 || dsg_oc_kek_id(next, out->new_id) != 0)
        return fail(err, n, "cannot compute the KEK IDs");
    for (size_t i = 0; i < ROLE_KEYS && rc >= 0; i++)
        if ((rc = rewrap_one(statedir, i, o, old, next, err, n)) == 1)
            out->rewrapped++;
    if (rc < 0 || (d = open_dir(dir, err, n)) < 0)
        return -1;
    rc = renameat(d, "kek.new", d, "kek") == 0 && fsync(d) == 0
             ? 0 : fail(err, n, "%s/kek.new: cannot rename it to kek: %s", dir, strerror(errno));
    close(d);
    return rc;
}

/* The KEK and, when it exists, kek.new of dir: the number read (0: no KEK,
 * 1: the KEK alone, 2: both), or -1. */
static int read_keks(const char *dir, uint8_t *old, uint8_t *next, char *err, size_t n)
{
    char path[PATH_CAP + 16];
    snprintf(path, sizeof path, "%s/kek", dir);
    int rc = read_key(path, geteuid(), old, DSGD_KEK_LEN, err, n);
    if (rc != 1)
        return rc;
    snprintf(path, sizeof path, "%s/kek.new", dir);
    rc = read_key(path, geteuid(), next, DSGD_KEK_LEN, err, n);
    return rc < 0 ? -1 : 1 + rc;
}

/* Step 1: a new random KEK into next, written to dir/kek.new (as kek.new.new,
 * fsync'ed, renamed, the directory synced). */
static int new_next(const char *dir, uint8_t *next, char *err, size_t n)
{
    char path[PATH_CAP + 16];
    int d, rc;
    snprintf(path, sizeof path, "%s/kek.new", dir);
    if (RAND_priv_bytes(next, DSGD_KEK_LEN) != 1)
        return fail(err, n, "no random bytes for a new key-encryption key");
    if ((d = open_dir(dir, err, n)) < 0)
        return -1;
    rc = write_key_at(d, "kek.new", path, next, DSGD_KEK_LEN, err, n);
    close(d);
    return rc;
}

int dsgd_keys_rotate_kek(const char *statedir, const dsgd_keys_owner *owner,
                         dsgd_kek_rotation *out, char *err, size_t n)
{
    char dir[PATH_CAP];
    uint8_t old[DSGD_KEK_LEN], next[DSGD_KEK_LEN];
    int rc;
    snprintf(dir, sizeof dir, "%s/keys", statedir);
    if (keys_dir(dir, err, n) != 0)
        return -1;
    rc = read_keks(dir, old, next, err, n);
    if (rc == 0)
        rc = fail(err, n, "%s/kek: no key-encryption key to rotate", dir);
    out->resumed = rc == 2;
    if (rc == 1)
        rc = new_next(dir, next, err, n) == 0 ? 2 : -1;
    if (rc == 2)
        rc = finish(statedir, dir, owner, old, next, out, err, n);
    OPENSSL_cleanse(old, sizeof old);
    OPENSSL_cleanse(next, sizeof next);
    return rc == 0 ? 0 : -1;
}

int dsgd_keys_finish_rotation(const char *statedir, const dsgd_keys_owner *owner,
                              dsgd_kek_rotation *out, char *err, size_t n)
{
    char dir[PATH_CAP], path[PATH_CAP + 16];
    uint8_t old[DSGD_KEK_LEN], next[DSGD_KEK_LEN];
    struct stat st;
    int rc;
    snprintf(dir, sizeof dir, "%s/keys", statedir);
    snprintf(path, sizeof path, "%s/kek.new", dir);
    if (lstat(path, &st) != 0 && errno == ENOENT)
        return 0;   /* no rotation left unfinished (nor, maybe, any key yet) */
    if (keys_dir(dir, err, n) != 0)
        return -1;
    rc = read_keks(dir, old, next, err, n);
    snprintf(path, sizeof path, "%s/kek", dir);
    /* no KEK: kek.new is the temporary file of a first start's KEK, cut
     * short before any data key was wrapped, unless a wrapped key exists */
    if (rc == 0)
        rc = orphan_wrapped_key(statedir, path, err, n);
    else if (rc == 1)
        rc = 0;   /* kek.new went away meanwhile: nothing to finish */
    else if (rc == 2)
        rc = finish(statedir, dir, owner, old, next, out, err, n) == 0 ? 1 : -1;
    out->resumed = rc == 1;
    OPENSSL_cleanse(old, sizeof old);
    OPENSSL_cleanse(next, sizeof next);
    return rc;
}

/* ---- escrow (REQ-STOR-009) -------------------------------------------------- */

/* The key file path of o (a regular file, not a link, owned by o->uid, no
 * group or other permission), at most max bytes, into out and *len; read
 * under o's filesystem IDs, since a master that is root has no
 * CAP_DAC_OVERRIDE under the unit and may not enter logd's directory. */
static int read_as(const dsgd_keys_owner *o, const char *path, uint8_t *out, size_t max,
                   size_t *len, char *err, size_t n)
{
    struct stat st;
    int as = geteuid() == 0 && o->uid != 0, fd, e;
    if (as) {
        (void)setfsgid(o->gid);
        (void)setfsuid(o->uid);
    }
    fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    e = errno;
    if (as) {
        (void)setfsuid(0);
        (void)setfsgid(0);
    }
    if (fd < 0)
        return fail(err, n, "key file %s: %s", path,
                    e == ELOOP ? "a symbolic link" : strerror(e));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != o->uid ||
        (st.st_mode & 077) != 0) {
        close(fd);
        return fail(err, n, "key file %s is not a regular file of uid %u without group or other "
                    "permissions", path, (unsigned)o->uid);
    }
    ssize_t got = read(fd, out, max), more = got >= 0 && (size_t)got == max ? 1 : 0;
    uint8_t extra;
    if (more)
        more = read(fd, &extra, 1);
    close(fd);
    if (got <= 0 || more != 0) {
        OPENSSL_cleanse(out, max);
        return fail(err, n, "key file %s: empty, unreadable or longer than %zu bytes", path, max);
    }
    *len = (size_t)got;
    return 0;
}

/* logd's chain.key (32 bytes) and sign.key into k. */
static int read_logd_keys(const char *statedir, const dsgd_keys_owner *o, dsg_escrow_keys *k,
                          char *err, size_t n)
{
    char path[PATH_CAP + 32];
    size_t len = 0;
    snprintf(path, sizeof path, "%s/logd/chain.key", statedir);
    if (read_as(o, path, k->chain_key, sizeof k->chain_key, &len, err, n) != 0)
        return -1;
    if (len != sizeof k->chain_key)
        return fail(err, n, "key file %s: %zu bytes, a chain key has 32", path, len);
    snprintf(path, sizeof path, "%s/logd/sign.key", statedir);
    return read_as(o, path, k->sign_key, sizeof k->sign_key, &k->sign_len, err, n);
}

int dsgd_keys_escrow(const char *statedir, const dsgd_keys_owner *logd_owner,
                     const dsgd_escrow_req *q, uint8_t *out, size_t cap, size_t *len, char *err,
                     size_t n)
{
    char dir[PATH_CAP];
    dsg_escrow_keys k;
    uint8_t next[DSGD_KEK_LEN];
    dsg_escrow_status st = DSG_ESCROW_BAD_ARG;
    int rc;
    snprintf(dir, sizeof dir, "%s/keys", statedir);
    if (keys_dir(dir, err, n) != 0)
        return -1;
    memset(&k, 0, sizeof k);
    rc = read_keks(dir, k.kek, next, err, n);
    if (rc == 0)
        rc = fail(err, n, "%s/kek: no key-encryption key to export", dir);
    else if (rc == 2)
        rc = fail(err, n, "%s/kek.new: a rotation of the KEK is unfinished: run dsgctl key rotate "
                  "kek to finish it, then export", dir);
    if (rc == 1)
        rc = read_logd_keys(statedir, logd_owner, &k, err, n);
    if (rc == 0 && q->mode == DSG_ESCROW_PASSPHRASE)
        st = dsg_escrow_seal_derived(&k, &q->scrypt, q->key, out, cap, len);
    else if (rc == 0 && q->mode == DSG_ESCROW_PUBLIC_KEY)
        st = dsg_escrow_seal_public(&k, q->recipient, out, cap, len);
    if (rc == 0 && st != DSG_ESCROW_OK)
        rc = fail(err, n, "cannot build the escrow file: %s", dsg_escrow_status_text(st));
    OPENSSL_cleanse(&k, sizeof k);
    OPENSSL_cleanse(next, sizeof next);
    return rc == 0 ? 0 : -1;
}

#define MARKER "imported"
static const char *const note_files[] = { "generated", "open-failed" };
#define MARKER_MAX 1024u

/* The marker keys/name as printable ASCII, its lines joined by sep (of 2
 * bytes): 1, 0 when there is none, -1. */
static int read_marker(const char *statedir, const char *name, const char *sep, char *detail,
                       size_t cap, char *err, size_t n)
{
    char path[PATH_CAP + 16], text[MARKER_MAX + 1];
    struct stat st;
    size_t used = 0;
    snprintf(path, sizeof path, "%s/keys/%s", statedir, name);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        return 0;
    if (fd < 0)
        return fail(err, n, "%s: %s", path, strerror(errno));
    int ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
             (st.st_mode & 077) == 0;
    ssize_t got = ok ? read(fd, text, MARKER_MAX + 1) : -1;
    close(fd);
    if (!ok || got <= 0 || got > (ssize_t)MARKER_MAX)
        return fail(err, n, "%s: not a private regular file of uid %u of 1 to %u bytes", path,
                    (unsigned)geteuid(), MARKER_MAX);
    for (ssize_t i = 0; i < got && used + 3 < cap; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n' && i + 1 < got) {
            memcpy(detail + used, sep, 2);
            used += 2;
        } else if (c >= ' ' && c < 0x7f) {
            detail[used++] = (char)c;
        } else if (c != '\n') {
            return fail(err, n, "%s: a byte that is not printable ASCII", path);
        }
    }
    detail[used] = '\0';
    return 1;
}

static int remove_marker(const char *statedir, const char *name, char *err, size_t n)
{
    char dir[PATH_CAP];
    snprintf(dir, sizeof dir, "%s/keys", statedir);
    int d = open_dir(dir, err, n), rc;
    if (d < 0)
        return -1;
    rc = unlinkat(d, name, 0) == 0 && fsync(d) == 0
             ? 0 : fail(err, n, "%s/%s: cannot remove it: %s", dir, name, strerror(errno));
    close(d);
    return rc;
}

int dsgd_keys_import_marker(const char *statedir, char *detail, size_t cap, char *err, size_t n)
{
    return read_marker(statedir, MARKER, "; ", detail, cap, err, n);
}

int dsgd_keys_import_marker_done(const char *statedir, char *err, size_t n)
{
    return remove_marker(statedir, MARKER, err, n);
}

/* The names dsgctl backup restore gives its markers (ctl/bk_restore.h). */
#define RESTORE_PARTIAL "restore-partial"
#define RESTORED "restored"

int dsgd_keys_restore_unfinished(const char *statedir, char *detail, size_t cap, char *err,
                                 size_t n)
{
    return read_marker(statedir, RESTORE_PARTIAL, "; ", detail, cap, err, n);
}

int dsgd_keys_restore_marker(const char *statedir, char *detail, size_t cap, char *err, size_t n)
{
    return read_marker(statedir, RESTORED, "; ", detail, cap, err, n);
}

int dsgd_keys_restore_marker_done(const char *statedir, char *err, size_t n)
{
    return remove_marker(statedir, RESTORED, err, n);
}

void dsgd_keys_note(const char *statedir, dsgd_keys_note_kind kind, const char *what)
{
    char path[PATH_CAP + 16], line[600], when[32] = "-";
    struct stat st;
    snprintf(path, sizeof path, "%s/keys/%s", statedir, note_files[kind]);
    (void)dsg_time_now_rfc3339_ms(when, sizeof when);
    int len = snprintf(line, sizeof line, "%s %.500s\n", when, what);
    for (int i = 0; i < len - 1; i++)   /* one line of printable ASCII */
        if ((unsigned char)line[i] < ' ' || (unsigned char)line[i] >= 0x7f)
            line[i] = '?';
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
        (uint64_t)st.st_size + (uint64_t)len <= MARKER_MAX &&
        dsg_write_all(fd, line, (size_t)len) != 0)
        dsgd_log("keys: cannot note the failure in %s", path);
    close(fd);
}

int dsgd_keys_notes(const char *statedir, dsgd_keys_note_kind kind, char *detail, size_t cap,
                    char *err, size_t n)
{
    return read_marker(statedir, note_files[kind], "\n ", detail, cap, err, n);
}

int dsgd_keys_notes_done(const char *statedir, dsgd_keys_note_kind kind, char *err, size_t n)
{
    return remove_marker(statedir, note_files[kind], err, n);
}
