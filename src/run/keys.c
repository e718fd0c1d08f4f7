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

#include "run/keys.h"

#define PATH_CAP 4200

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

/* The data key in wrapped_path under kek: read and unwrapped, or made. */
static int data_key(const dsgd_keys_owner *o, const char *role, const char *role_dir,
                    const char *file, const char *wrapped_path, const uint8_t *kek,
                    uint8_t key[DSGD_DATA_KEY_LEN], char *err, size_t n)
{
    uint8_t wrapped[DSGD_WRAPPED_LEN];
    int got = read_key(wrapped_path, o->uid, wrapped, sizeof wrapped, err, n);
    if (got < 0)
        return -1;
    if (got == 1) {
        if (dsgd_keys_unwrap(kek, wrapped, key) != 0)
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
    char dir[PATH_CAP], kek_path[PATH_CAP + 8], role_dir[PATH_CAP], wrapped[PATH_CAP + 48];
    uint8_t kek[DSGD_KEK_LEN];
    size_t k = 0;
    int rc;

    while (k < ROLE_KEYS && strcmp(role_keys[k].role, role) != 0)
        k++;
    if (k == ROLE_KEYS)
        return fail(err, n, "no data key for the %s role", role);
    snprintf(dir, sizeof dir, "%s/keys", statedir);
    snprintf(kek_path, sizeof kek_path, "%s/kek", dir);
    snprintf(role_dir, sizeof role_dir, "%s/%s", statedir, role);
    snprintf(wrapped, sizeof wrapped, "%s/%s", role_dir, role_keys[k].file);
    if (keys_dir(dir, err, n) != 0)
        return -1;
    rc = read_key(kek_path, geteuid(), kek, sizeof kek, err, n);
    if (rc == 0 && orphan_wrapped_key(statedir, kek_path, err, n) != 0)
        return -1;
    if (rc == 0)
        rc = new_key(dir, "kek", kek_path, kek, sizeof kek, err, n) == 0 ? 1 : -1;
    if (rc == 1)
        rc = data_key(owner, role, role_dir, role_keys[k].file, wrapped, kek, key, err, n);
    OPENSSL_cleanse(kek, sizeof kek);
    return rc == 0 ? 0 : -1;
}
