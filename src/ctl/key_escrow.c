/* dsgctl's side of key escrow: see key_escrow.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "ctl/key_escrow.h"
#include "log/audit.h"
#include "stor/objcrypt.h"

#define PATH_CAP 4200
#define DIR_CAP 4096
#define WRAPPED_LEN 40u

static dsg_ke_status fail(dsg_ke_status st, char *err, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static dsg_ke_status fail(dsg_ke_status st, char *err, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, n, fmt, ap);
    va_end(ap);
    return st;
}

/* At most max bytes of path into out: its length, or -1 (errno; E2BIG
 * when it is longer). */
static ssize_t read_small(const char *path, uint8_t *out, size_t max)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    size_t got = 0;
    ssize_t r = 1;
    if (fd < 0)
        return -1;
    while (got < max && (r = read(fd, out + got, max - got)) > 0)
        got += (size_t)r;
    uint8_t extra;
    if (r >= 0 && got == max && read(fd, &extra, 1) == 1) {
        errno = E2BIG;
        r = -1;
    }
    int e = errno;
    close(fd);
    errno = e;
    return r < 0 ? -1 : (ssize_t)got;
}

dsg_ke_status dsg_ke_passphrase(const char *path, uint8_t *out, size_t *len, char *err, size_t n)
{
    ssize_t got = read_small(path, out, DSG_ESCROW_PASS_MAX + 2);
    if (got < 0 && errno == E2BIG) {
        OPENSSL_cleanse(out, DSG_ESCROW_PASS_MAX + 2);
        return fail(DSG_KE_USAGE, err, n, "the passphrase file %s holds more than %u bytes", path,
                    DSG_ESCROW_PASS_MAX);
    }
    if (got < 0)
        return fail(DSG_KE_NOINPUT, err, n, "the passphrase file %s: %s", path, strerror(errno));
    if (got > 0 && out[got - 1] == '\n')
        got--;
    if (got > 0 && out[got - 1] == '\r')
        got--;
    if (got < (ssize_t)DSG_ESCROW_PASS_MIN || got > (ssize_t)DSG_ESCROW_PASS_MAX) {
        OPENSSL_cleanse(out, DSG_ESCROW_PASS_MAX + 2);
        return fail(DSG_KE_USAGE, err, n, "the passphrase in %s has %zd bytes: it needs %u to %u",
                    path, got, DSG_ESCROW_PASS_MIN, DSG_ESCROW_PASS_MAX);
    }
    *len = (size_t)got;
    return DSG_KE_OK;
}

dsg_ke_status dsg_ke_x25519(const char *path, int want_private, uint8_t raw[DSG_ESCROW_PUB_LEN],
                            char *err, size_t n)
{
    FILE *f = fopen(path, "r");
    EVP_PKEY *k = NULL;
    size_t len = DSG_ESCROW_PUB_LEN;
    if (f == NULL)
        return fail(DSG_KE_NOINPUT, err, n, "%s: %s", path, strerror(errno));
    k = want_private ? PEM_read_PrivateKey(f, NULL, NULL, NULL)
                     : PEM_read_PUBKEY(f, NULL, NULL, NULL);
    if (k == NULL && !want_private) {   /* a private key file names its public key too */
        rewind(f);
        k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    }
    fclose(f);
    int ok = k != NULL && EVP_PKEY_get_base_id(k) == EVP_PKEY_X25519 &&
             (want_private ? EVP_PKEY_get_raw_private_key(k, raw, &len)
                           : EVP_PKEY_get_raw_public_key(k, raw, &len)) == 1 &&
             len == DSG_ESCROW_PUB_LEN;
    EVP_PKEY_free(k);
    if (!ok)
        return fail(DSG_KE_DATAERR, err, n, "%s is not an X25519 %s key in PEM (openssl genpkey "
                    "-algorithm X25519; openssl pkey -pubout)", path,
                    want_private ? "private" : "public");
    return DSG_KE_OK;
}

int dsg_ke_state_dir_of(const char *text, size_t len, char *out, size_t cap)
{
    return dsg_ke_config_text(text, len, "dsgd.state_dir", out, cap) == 0 && out[0] != '\0'
               ? 0 : -1;
}

int dsg_ke_config_text(const char *text, size_t len, const char *name, char *out, size_t cap)
{
    char key[80];
    int kn = snprintf(key, sizeof key, "%s = \"", name);
    size_t k = kn > 0 && (size_t)kn < sizeof key ? (size_t)kn : sizeof key, used = 0;
    for (size_t i = 0; kn > 0 && (size_t)kn < sizeof key && i + k <= len; i++) {
        if ((i != 0 && text[i - 1] != '\n') || memcmp(text + i, key, k) != 0)
            continue;
        for (size_t j = i + k; j < len && text[j] != '\n'; j++) {
            char c = text[j];
            if (c == '"')
                return out[used] = '\0', 0;
            if (c == '\\' && (j + 1 >= len || (text[j + 1] != '"' && text[j + 1] != '\\')))
                return -1;
            if (c == '\\')
                c = text[++j];
            if (used + 1 >= cap)
                return -1;
            out[used++] = c;
        }
        return -1;
    }
    return -1;
}

dsg_ke_status dsg_ke_destination(const char *dest, const char *statedir, char *err, size_t n)
{
    char dir[PATH_CAP], real_dir[PATH_MAX], real_state[PATH_MAX];
    struct stat st;
    const char *slash = strrchr(dest, '/');
    if (dest[0] == '\0' || (slash != NULL && slash[1] == '\0'))
        return fail(DSG_KE_CANTCREAT, err, n, "%s: not a file name", dest);
    if (lstat(dest, &st) == 0)
        return fail(DSG_KE_CANTCREAT, err, n, "%s exists: an escrow file is never replaced", dest);
    snprintf(dir, sizeof dir, "%.*s", slash == NULL ? 1 : slash == dest ? 1 : (int)(slash - dest),
             slash == NULL ? "." : dest);
    if (realpath(dir, real_dir) == NULL)
        return fail(DSG_KE_CANTCREAT, err, n, "%s: %s", dir, strerror(errno));
    if (realpath(statedir, real_state) == NULL)
        return fail(DSG_KE_CANTCREAT, err, n, "the state directory %s: %s", statedir,
                    strerror(errno));
    size_t sl = strlen(real_state);
    if (strncmp(real_dir, real_state, sl) == 0 &&
        (real_dir[sl] == '\0' || real_dir[sl] == '/' || strcmp(real_state, "/") == 0))
        return fail(DSG_KE_CANTCREAT, err, n, "%s lies in the state directory %s: keep the escrow "
                    "file away from the data it opens (another disk, offline media)", dest,
                    real_state);
    return DSG_KE_OK;
}


dsg_ke_status dsg_ke_read(const char *path, uint8_t *buf, size_t cap, size_t *len, char *err,
                          size_t n)
{
    ssize_t got = read_small(path, buf, cap);
    if (got < 0)
        return fail(DSG_KE_NOINPUT, err, n, "%s: %s", path, strerror(errno));
    *len = (size_t)got;
    return DSG_KE_OK;
}

dsg_ke_status dsg_ke_open(const uint8_t *in, size_t len, const char *pass, const char *priv,
                          dsg_escrow_keys *k, char *err, size_t n)
{
    uint8_t p[DSG_ESCROW_PASS_MAX + 2];
    size_t plen = 0;
    dsg_ke_status st = pass != NULL ? dsg_ke_passphrase(pass, p, &plen, err, n)
                                    : dsg_ke_x25519(priv, 1, p, err, n);
    if (st != DSG_KE_OK) {
        OPENSSL_cleanse(p, sizeof p);
        return st == DSG_KE_DATAERR ? DSG_KE_USAGE : st;   /* the operator's key file */
    }
    dsg_escrow_status es = pass != NULL ? dsg_escrow_open_passphrase(in, len, p, plen, k)
                                        : dsg_escrow_open_private(in, len, p, k);
    OPENSSL_cleanse(p, sizeof p);
    if (es == DSG_ESCROW_OK)
        return DSG_KE_OK;
    return fail(es == DSG_ESCROW_DENIED ? DSG_KE_DENIED
                : es == DSG_ESCROW_BAD_ARG ? DSG_KE_USAGE
                : es == DSG_ESCROW_CRYPTO ? DSG_KE_SOFTWARE : DSG_KE_DATAERR,
                err, n, "%s", dsg_escrow_status_text(es));
}

/* The directory of path opened, for its fsync. */
static int dir_of(const char *path)
{
    char dir[PATH_CAP];
    const char *slash = strrchr(path, '/');
    snprintf(dir, sizeof dir, "%.*s", slash == NULL ? 1 : slash == path ? 1 : (int)(slash - path),
             slash == NULL ? "." : path);
    return open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

dsg_ke_status dsg_ke_write(const char *dest, const uint8_t *data, size_t len, char *err, size_t n)
{
    int fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600), d;
    if (fd < 0)
        return fail(errno == EEXIST ? DSG_KE_CANTCREAT : DSG_KE_IOERR, err, n, "%s: %s", dest,
                    strerror(errno));
    int ok = fchmod(fd, 0600) == 0 && write(fd, data, len) == (ssize_t)len && fsync(fd) == 0;
    int e = errno;
    ok = close(fd) == 0 && ok;
    if (ok && (d = dir_of(dest)) >= 0) {
        ok = fsync(d) == 0;
        e = errno;
        close(d);
    } else if (ok) {
        ok = 0;
        e = errno;
    }
    if (!ok) {
        unlink(dest);
        return fail(DSG_KE_IOERR, err, n, "%s: cannot write it: %s", dest, strerror(e));
    }
    return DSG_KE_OK;
}

/* ---- import --------------------------------------------------------------------- */

/* Whether something answers on the UNIX socket path. */
static int answers(const char *path)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof a.sun_path)
        return 0;
    memcpy(a.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int up = fd >= 0 && connect(fd, (const struct sockaddr *)&a, sizeof a) == 0;
    if (fd >= 0)
        close(fd);   /* ctl closes a client that sends no line, unrecorded */
    return up;
}

/* Whether dsgd runs on statedir: its pid file (STATE/dsgd.pid) is locked,
 * or its control socket (socket, else STATE/run/dsgctl.sock) answers. */
static dsg_ke_status not_running(const char *statedir, const char *socket, char *err, size_t n)
{
    char path[PATH_CAP];
    snprintf(path, sizeof path, "%s/dsgd.pid", statedir);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    int locked = fd >= 0 && flock(fd, LOCK_SH | LOCK_NB) != 0;
    if (fd >= 0)
        close(fd);
    if (locked)
        return fail(DSG_KE_REFUSED, err, n, "dsgd is running (its pid file %s is locked): stop it "
                    "first; keys are imported only into a stopped or fresh installation", path);
    if (socket == NULL)
        snprintf(path, sizeof path, "%s/run/dsgctl.sock", statedir);
    if (answers(socket != NULL ? socket : path))
        return fail(DSG_KE_REFUSED, err, n, "dsgd is running (its control socket %s answers): "
                    "stop it first; keys are imported only into a stopped or fresh installation",
                    socket != NULL ? socket : path);
    return DSG_KE_OK;
}

/* The imported KEK opens every wrapped data key there is. */
static dsg_ke_status kek_check(const char *statedir, const uint8_t *kek, unsigned *opened,
                               char *err, size_t n)
{
    static const char *const wrapped[] = { "auth/totp.key.wrapped", "share/store.key.wrapped" };
    char path[PATH_CAP];
    uint8_t w[WRAPPED_LEN + 1], key[DSG_OC_KEK_LEN];
    struct stat st;
    snprintf(path, sizeof path, "%s/keys/kek.new", statedir);
    if (lstat(path, &st) == 0)
        return fail(DSG_KE_REFUSED, err, n, "%s: a rotation of the KEK is unfinished: start dsgd "
                    "to finish it (or remove the file if the rotation is to be undone), then "
                    "import", path);
    *opened = 0;
    for (size_t i = 0; i < sizeof wrapped / sizeof wrapped[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", statedir, wrapped[i]);
        ssize_t got = read_small(path, w, sizeof w);
        if (got < 0 && errno == ENOENT)
            continue;
        if (got != (ssize_t)WRAPPED_LEN)
            return fail(DSG_KE_NOINPUT, err, n, "%s: %s", path,
                        got < 0 ? strerror(errno) : "not 40 bytes");
        int ok = dsg_oc_key_unwrap(kek, w, key) == 0;
        OPENSSL_cleanse(key, sizeof key);
        if (!ok)
            return fail(DSG_KE_REFUSED, err, n, "the imported KEK does not open %s: the escrow "
                        "file holds another installation's KEK, or one older than a rotation; "
                        "nothing was changed", path);
        (*opened)++;
    }
    return DSG_KE_OK;
}

/* The public key PEM of the Ed25519 PEM private key k[0..len), malloc'ed. */
static char *public_pem(const uint8_t *k, size_t len, size_t *out_len)
{
    BIO *in = BIO_new_mem_buf(k, (int)len), *out = BIO_new(BIO_s_mem());
    EVP_PKEY *key = in != NULL ? PEM_read_bio_PrivateKey(in, NULL, NULL, NULL) : NULL;
    char *pem = NULL, *p;
    long n = 0;
    if (key != NULL && out != NULL && EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 &&
        PEM_write_bio_PUBKEY(out, key) == 1 && (n = BIO_get_mem_data(out, &p)) > 0 &&
        (pem = malloc((size_t)n + 1)) != NULL) {
        memcpy(pem, p, (size_t)n);
        pem[n] = '\0';
        *out_len = (size_t)n;
    }
    EVP_PKEY_free(key);
    BIO_free(in);
    BIO_free(out);
    return pem;
}

/* logd's imported keys verify its trail and match its sign.pub. */
static dsg_ke_status log_check(const char *logd, const dsg_escrow_keys *k, int *verified,
                               char *err, size_t n)
{
    char path[PATH_CAP], e[600];
    uint8_t pub_file[4096];
    size_t plen = 0;
    struct stat st;
    dsg_ke_status rc = DSG_KE_OK;
    char *pub = public_pem(k->sign_key, k->sign_len, &plen);
    *verified = 0;
    if (pub == NULL)
        return fail(DSG_KE_DATAERR, err, n, "the escrowed sign.key is not an Ed25519 private key");
    snprintf(path, sizeof path, "%s/sign.pub", logd);
    ssize_t got = read_small(path, pub_file, sizeof pub_file);
    if (got < 0 && errno != ENOENT)   /* only a trail never started has none */
        rc = fail(DSG_KE_NOINPUT, err, n, "%s: %s", path, strerror(errno));
    else if (got >= 0 && ((size_t)got != plen || memcmp(pub_file, pub, plen) != 0))
        rc = fail(DSG_KE_REFUSED, err, n, "the escrowed sign.key is not the key of %s: the "
                  "escrow file holds another installation's audit keys; nothing was changed",
                  path);
    snprintf(path, sizeof path, "%s/audit.db", logd);
    dsg_audit_report *r = rc == DSG_KE_OK && lstat(path, &st) == 0 ? malloc(sizeof *r) : NULL;
    if (r != NULL) {
        if (dsg_audit_verify(logd, pub, plen, k->chain_key, r, e, sizeof e) != 0)
            rc = fail(DSG_KE_NOINPUT, err, n, "%s: %s", logd, e);
        else if (r->nbreaks > 0)
            rc = fail(DSG_KE_REFUSED, err, n, "the escrowed audit keys do not verify the audit "
                      "trail in %s (%u break(s); the first: source %s seq %llu %s: %s): another "
                      "installation's keys, or a damaged trail (dsgctl log verify --offline); "
                      "nothing was changed", logd, r->nbreaks, r->breaks[0].source,
                      (unsigned long long)r->breaks[0].seq,
                      dsg_audit_break_token(r->breaks[0].kind), r->breaks[0].detail);
        else
            *verified = (int)r->checkpoints + 1;
        free(r);
    } else if (rc == DSG_KE_OK && lstat(path, &st) == 0) {
        rc = fail(DSG_KE_SOFTWARE, err, n, "out of memory");
    }
    free(pub);
    return rc;
}

/* dir created with mode when missing (owner uid, gid); its owner in *o. */
static dsg_ke_status make_dir(const char *dir, mode_t mode, uid_t uid, gid_t gid, struct stat *o,
                              char *err, size_t n)
{
    if (mkdir(dir, mode) == 0 && chown(dir, uid, gid) != 0)
        return fail(DSG_KE_IOERR, err, n, "%s: %s", dir, strerror(errno));
    if (lstat(dir, o) != 0 || !S_ISDIR(o->st_mode))
        return fail(DSG_KE_IOERR, err, n, "%s: not a directory", dir);
    return DSG_KE_OK;
}

/* dir/name.new (0600, uid:gid), synced, renamed over dir/name, dir synced. */
static dsg_ke_status put_key(const char *dir, const char *name, const uint8_t *data, size_t len,
                             uid_t uid, gid_t gid, char *err, size_t n)
{
    char tmp[PATH_CAP], path[PATH_CAP];
    snprintf(tmp, sizeof tmp, "%s/%s.new", dir, name);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    (void)unlink(tmp);   /* left by an import cut short */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600), d;
    if (fd < 0)
        return fail(DSG_KE_IOERR, err, n, "%s: %s", tmp, strerror(errno));
    int ok = fchown(fd, uid, gid) == 0 && fchmod(fd, 0600) == 0 &&
             write(fd, data, len) == (ssize_t)len && fsync(fd) == 0;
    ok = close(fd) == 0 && ok && rename(tmp, path) == 0;
    int e = errno;
    if (!ok) {
        unlink(tmp);
        return fail(DSG_KE_IOERR, err, n, "%s: cannot write it: %s (run the import again)", path,
                    strerror(e));
    }
    d = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ok = d >= 0 && fsync(d) == 0;
    if (d >= 0)
        close(d);
    return ok ? DSG_KE_OK : fail(DSG_KE_IOERR, err, n, "%s: cannot sync it", dir);
}

/* The marker the master records at its next start (keys-imported). */
static dsg_ke_status put_marker(const char *keys, const dsg_ke_origin *o, char *err, size_t n)
{
    char text[1024], file[300], digest[65], when[32];
    uint8_t md[32];
    unsigned mdlen = 0;
    time_t now = time(NULL);
    struct tm tm;
    size_t i;
    for (i = 0; o->file[i] != '\0' && i < sizeof file - 1; i++)
        file[i] = o->file[i] >= ' ' && o->file[i] < 0x7f && o->file[i] != ';' ? o->file[i] : '?';
    file[i] = '\0';
    if (EVP_Digest(o->bytes, o->len, md, &mdlen, EVP_sha256(), NULL) != 1)
        return fail(DSG_KE_SOFTWARE, err, n, "SHA-256 failed");
    for (i = 0; i < sizeof md; i++)
        snprintf(digest + 2 * i, 3, "%02x", md[i]);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    int len = snprintf(text, sizeof text,
                       "the KEK and logd's chain.key and sign.key imported at %s\nuid %u\n"
                       "escrow file %s\nSHA-256 %s\nmode %s\n",
                       when, (unsigned)o->uid, file, digest, o->mode);
    return put_key(keys, "imported", (const uint8_t *)text, (size_t)len, geteuid(), getegid(),
                   err, n);
}

/* The owner of a STATE/logd made here: the user o names. */
static dsg_ke_status logd_owner(const dsg_ke_origin *o, uid_t *uid, gid_t *gid, char *err,
                                size_t n)
{
    struct passwd *pw = getpwnam(o->logd_user != NULL ? o->logd_user : "dsg");
    if (pw == NULL)
        return fail(DSG_KE_USAGE, err, n,
                    "no user %s for logd's directory (--user NAME: dsgd.user)",
                    o->logd_user != NULL ? o->logd_user : "dsg");
    *uid = pw->pw_uid;
    *gid = pw->pw_gid;
    return DSG_KE_OK;
}

/* The checks, then the keys written (logd's, then the KEK), then the marker. */
static dsg_ke_status import_into(const char *statedir, const dsg_escrow_keys *k,
                                 const dsg_ke_origin *o, char *msg, size_t n)
{
    char keys[DIR_CAP], logd[DIR_CAP];
    struct stat ks, ls;
    unsigned opened = 0;
    int verified = 0;
    uid_t lu = 0;
    gid_t lg = 0;
    dsg_ke_status st;
    snprintf(keys, sizeof keys, "%s/keys", statedir);
    snprintf(logd, sizeof logd, "%s/logd", statedir);
    if ((st = not_running(statedir, o->socket, msg, n)) != DSG_KE_OK ||
        (st = kek_check(statedir, k->kek, &opened, msg, n)) != DSG_KE_OK ||
        (st = log_check(logd, k, &verified, msg, n)) != DSG_KE_OK)
        return st;
    if (lstat(logd, &ls) != 0 && (st = logd_owner(o, &lu, &lg, msg, n)) != DSG_KE_OK)
        return st;
    if ((st = make_dir(statedir, 0755, geteuid(), getegid(), &ks, msg, n)) != DSG_KE_OK ||
        (st = make_dir(keys, 0700, geteuid(), getegid(), &ks, msg, n)) != DSG_KE_OK ||
        (st = make_dir(logd, 0700, lu, lg, &ls, msg, n)) != DSG_KE_OK)
        return st;
    if ((st = put_key(logd, "chain.key", k->chain_key, sizeof k->chain_key, ls.st_uid, ls.st_gid,
                      msg, n)) != DSG_KE_OK ||
        (st = put_key(logd, "sign.key", k->sign_key, k->sign_len, ls.st_uid, ls.st_gid, msg,
                      n)) != DSG_KE_OK ||
        (st = put_key(keys, "kek", k->kek, sizeof k->kek, geteuid(), getegid(), msg, n)) !=
            DSG_KE_OK ||
        (st = put_marker(keys, o, msg, n)) != DSG_KE_OK)
        return st;
    snprintf(msg, n, "imported the KEK into %s/kek (it opens %u wrapped data key%s) and logd's "
             "chain.key and sign.key into %s (%s); dsgd records the import at its next start",
             keys, opened, opened == 1 ? "" : "s", logd,
             verified > 0 ? "they verify its audit trail" : "no audit trail yet");
    return DSG_KE_OK;
}

dsg_ke_status dsg_ke_import(const char *statedir, const dsg_escrow_keys *k,
                            const dsg_ke_origin *o, char *msg, size_t n)
{
    if (geteuid() != 0)
        return fail(DSG_KE_NOPERM, msg, n, "only root imports keys (the KEK is root's)");
    if (strlen(statedir) > DIR_CAP - 64)
        return fail(DSG_KE_USAGE, msg, n, "the state directory's path is too long");
    if (k->sign_len == 0 || k->sign_len > DSG_ESCROW_SIGN_MAX)
        return fail(DSG_KE_DATAERR, msg, n, "the escrowed sign.key is empty or too long");
    return import_into(statedir, k, o, msg, n);
}
