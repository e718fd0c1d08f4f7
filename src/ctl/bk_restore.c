/*
 * Restoring a backup as dsgd's state directory: the steps of
 * ctl/bk_restore.h, in that order.
 */
#define _GNU_SOURCE
#include "ctl/bk_restore.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ctl/storage_decrypt.h"
#include "io/fdio.h"

#define PATH_CAP 4096u
#define WORK ".restore-work"   /* the backup decrypted, before it is moved */
#define SHARE_KEY "share/store.key.wrapped"

static dsg_rs_status fail(dsg_rs_status st, char *err, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static dsg_rs_status fail(dsg_rs_status st, char *err, size_t n, const char *fmt, ...)
{
    va_list ap;
    if (n == 0)
        return st;
    va_start(ap, fmt);
    vsnprintf(err, n, fmt, ap);
    va_end(ap);
    return st;
}

/* The roles a restore knows where to put (the storage roles dsgd runs),
 * and the master's members. */
static const char *const role_dirs[] = { "auth", "logd", "share" };
#define ROLE_DIRS (sizeof role_dirs / sizeof role_dirs[0])

static int known_role(unsigned r)
{
    const char *name = dsg_bk_role_name(r);
    if (name == NULL)
        return 0;
    for (size_t i = 0; i < ROLE_DIRS; i++)
        if (strcmp(name, role_dirs[i]) == 0)
            return 1;
    return strcmp(name, "master") == 0;
}

/* ---- step 1: a fresh state directory, a backup it can take -------------------- */

/* STATE, made (0755) when missing; an existing one must be an empty
 * directory (not a link). Its descriptor, or -1. */
static int fresh_state(const char *statedir, char *err, size_t n, dsg_rs_status *st)
{
    if (mkdir(statedir, 0755) != 0 && errno != EEXIST) {
        *st = fail(DSG_RS_FAILED, err, n, "%s: %s", statedir, strerror(errno));
        return -1;
    }
    int fd = open(statedir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0 && dsg_dir_empty(fd) == 1)
        return fd;
    *st = fail(DSG_RS_FAILED, err, n, "%s: %s", statedir,
               fd < 0 ? "not a directory that can be opened"
                      : "exists and is not empty: a restore goes to a fresh directory, never "
                        "over a state directory");
    if (fd >= 0)
        close(fd);
    return -1;
}

/* The manifest's head: a full backup of roles this restore places. */
static dsg_rs_status takes(const dsg_rs_job *j, dsg_bkm_head *h, char *err, size_t n)
{
    char why[1024];
    dsg_bk_status bs = dsg_bk_manifest_head(j->backup, j->sign_pub, h, why, sizeof why);
    if (bs != DSG_BK_OK)
        return fail(DSG_RS_FAILED, err, n, "%s: %s (%s)", j->backup, why,
                    dsg_bk_status_token(bs));
    if (h->ndepends > 0)
        return fail(DSG_RS_FAILED, err, n, "%s depends on %zu earlier backup(s): dsgd makes "
                    "full backups only, and this restore takes nothing else", j->backup,
                    h->ndepends);
    for (unsigned r = 0; r < DSG_BKM_ROLES; r++)
        if (h->role_seen[r] && !known_role(r))
            return fail(DSG_RS_FAILED, err, n, "%s holds the role %s, which this dsgctl does "
                        "not know where to restore (a newer dsg made it)", j->backup,
                        dsg_bk_role_name(r));
    return DSG_RS_OK;
}

/* ---- the markers ------------------------------------------------------------------ */

static void now_text(char out[32])
{
    time_t now = time(NULL);
    struct tm tm;
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
}

/* text as STATE/rel, root's 0600, replaced whole. */
static int put_marker(const char *statedir, const char *rel, const char *text)
{
    char path[PATH_CAP + 64];
    snprintf(path, sizeof path, "%s/%s", statedir, rel);
    return dsg_replace_file(path, text, strlen(text), 0600);
}

/* The backup's path in a marker: printable, no line break. */
static void marker_path(char *out, size_t cap, const char *p)
{
    size_t i;
    for (i = 0; p[i] != '\0' && i + 1 < cap; i++)
        out[i] = p[i] >= ' ' && p[i] < 0x7f ? p[i] : '?';
    out[i] = '\0';
}

/* STATE/keys (root's, 0700) and the partial marker in it: from now on
 * dsgd refuses STATE until the restore is verified. */
static dsg_rs_status begin(int sfd, const dsg_rs_job *j, const char *id, char *err, size_t n)
{
    char text[1200], when[32], from[800];
    if (mkdirat(sfd, "keys", 0700) != 0)
        return fail(DSG_RS_FAILED, err, n, "%s/keys: %s", j->statedir, strerror(errno));
    now_text(when);
    marker_path(from, sizeof from, j->backup);
    snprintf(text, sizeof text, "the backup %s restored from %s\nbegun at %s by uid %u\n", id,
             from, when, (unsigned)getuid());
    if (put_marker(j->statedir, DSG_RS_PARTIAL, text) != 0)
        return fail(DSG_RS_FAILED, err, n, "%s/" DSG_RS_PARTIAL ": %s", j->statedir,
                    strerror(errno));
    return DSG_RS_OK;
}

/* The verified restore: done written, then partial removed. */
static dsg_rs_status finish(int sfd, const dsg_rs_job *j, const dsg_rs_summary *s, char *err,
                            size_t n)
{
    char text[1200], when[32], from[800];
    now_text(when);
    marker_path(from, sizeof from, j->backup);
    snprintf(text, sizeof text,
             "the backup %s restored from %s\nverified at %s by uid %u\n%llu members, %llu "
             "bytes, %llu objects checked under the escrowed KEK\n",
             s->id, from, when, (unsigned)getuid(), (unsigned long long)s->members,
             (unsigned long long)s->bytes, (unsigned long long)s->objects);
    if (put_marker(j->statedir, DSG_RS_DONE, text) != 0 || unlinkat(sfd, DSG_RS_PARTIAL, 0) != 0)
        return fail(DSG_RS_FAILED, err, n, "%s/keys: cannot mark the restore verified: %s",
                    j->statedir, strerror(errno));
    int kd = openat(sfd, "keys", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int ok = kd >= 0 && fsync(kd) == 0;
    if (kd >= 0)
        close(kd);
    return ok ? DSG_RS_OK : fail(DSG_RS_FAILED, err, n, "%s/keys: cannot sync", j->statedir);
}

/* ---- step 3: the members in place ----------------------------------------------- */

/* Every entry under dfd given to uid:gid, directories 0700, files 0600;
 * anything else (a link, a device) refused. depth bounds the walk. */
static int own_tree(int dfd, uid_t uid, gid_t gid, int depth, char *bad, size_t cap)
{
    int d2 = dup(dfd);
    DIR *d = d2 >= 0 ? fdopendir(d2) : NULL;
    struct dirent *e;
    struct stat st;
    int rc = d != NULL ? 0 : -1;
    if (d == NULL && d2 >= 0)
        close(d2);
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            rc = -1;
        } else if (S_ISDIR(st.st_mode) && depth > 0) {
            int sub = openat(dfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            rc = sub >= 0 && own_tree(sub, uid, gid, depth - 1, bad, cap) == 0 &&
                         fchown(sub, uid, gid) == 0 && fchmod(sub, 0700) == 0
                     ? 0 : -1;
            if (sub >= 0)
                close(sub);
        } else if (S_ISREG(st.st_mode)) {
            rc = fchownat(dfd, e->d_name, uid, gid, AT_SYMLINK_NOFOLLOW) == 0 &&
                         fchmodat(dfd, e->d_name, 0600, 0) == 0
                     ? 0 : -1;
        } else {
            errno = EINVAL;
            rc = -1;
        }
        if (rc != 0)
            snprintf(bad, cap, "%s", e->d_name);
    }
    if (d != NULL)
        closedir(d);
    return rc;
}

/* One role's directory moved from the work directory to STATE and given
 * to the roles' user. */
static dsg_rs_status place_role(int sfd, int wfd, const char *role, uid_t uid, gid_t gid,
                                const char *statedir, char *err, size_t n)
{
    char bad[300] = "";
    if (renameat(wfd, role, sfd, role) != 0)
        return errno == ENOENT ? DSG_RS_OK
                               : fail(DSG_RS_FAILED, err, n, "%s/%s: cannot put it in place: %s",
                                      statedir, role, strerror(errno));
    int rd = openat(sfd, role, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int ok = rd >= 0 && own_tree(rd, uid, gid, 8, bad, sizeof bad) == 0 &&
             fchown(rd, uid, gid) == 0 && fchmod(rd, 0700) == 0;
    int e = errno;
    if (rd >= 0)
        close(rd);
    return ok ? DSG_RS_OK
              : fail(DSG_RS_FAILED, err, n, "%s/%s: cannot give it to uid %u (%s): %s", statedir,
                     role, (unsigned)uid, bad, strerror(e));
}

/* src (a file in sfd) copied to dst, mode 0644, owner uid:gid. */
static int copy_file(int sfd, const char *src, const char *dst, uid_t uid, gid_t gid)
{
    char buf[8192];
    int in = openat(sfd, src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0)
        return errno == ENOENT ? 0 : -1;
    int out = openat(sfd, dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    ssize_t got = 0;
    int ok = out >= 0;
    while (ok && (got = read(in, buf, sizeof buf)) > 0)
        ok = write(out, buf, (size_t)got) == got;
    ok = ok && got == 0 && fchown(out, uid, gid) == 0 && fchmod(out, 0644) == 0 &&
         fsync(out) == 0;
    close(in);
    if (out >= 0 && close(out) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

/* The decrypted roles moved to STATE, the master's members to
 * STATE/restored-backup, logd's public key beside its trail. */
static dsg_rs_status place(int sfd, const dsg_rs_job *j, uid_t uid, gid_t gid, char *err,
                           size_t n)
{
    dsg_rs_status st = DSG_RS_OK;
    int wfd = openat(sfd, WORK, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (wfd < 0)
        return fail(DSG_RS_FAILED, err, n, "%s/" WORK ": %s", j->statedir, strerror(errno));
    for (size_t i = 0; st == DSG_RS_OK && i < ROLE_DIRS; i++)
        st = place_role(sfd, wfd, role_dirs[i], uid, gid, j->statedir, err, n);
    if (st == DSG_RS_OK && renameat(wfd, "master", sfd, DSG_RS_MASTER) != 0 && errno != ENOENT)
        st = fail(DSG_RS_FAILED, err, n, "%s/" DSG_RS_MASTER ": %s", j->statedir,
                  strerror(errno));
    close(wfd);
    if (st == DSG_RS_OK && unlinkat(sfd, WORK, AT_REMOVEDIR) != 0)
        st = fail(DSG_RS_FAILED, err, n, "%s/" WORK ": not empty after the roles moved: %s",
                  j->statedir, strerror(errno));
    struct stat ls;
    if (st == DSG_RS_OK && fstatat(sfd, "logd", &ls, AT_SYMLINK_NOFOLLOW) == 0 &&
        copy_file(sfd, DSG_RS_MASTER "/logd-sign.pub", "logd/sign.pub", uid, gid) != 0)
        st = fail(DSG_RS_FAILED, err, n, "%s/logd/sign.pub: %s", j->statedir, strerror(errno));
    if (st == DSG_RS_OK && fsync(sfd) != 0)
        st = fail(DSG_RS_FAILED, err, n, "%s: cannot sync", j->statedir);
    return st;
}

/* ---- steps 4 and 5: the keys, then every object ----------------------------------- */

/* A restored role that holds encrypted data has its wrapped data key: a
 * new one could not open what the backup holds. */
static dsg_rs_status wrapped_keys_there(int sfd, char *err, size_t n)
{
    static const char *const need[][2] = { { "auth", "auth/totp.key.wrapped" },
                                           { "share", SHARE_KEY } };
    struct stat st;
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        if (fstatat(sfd, need[i][0], &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            fstatat(sfd, need[i][1], &st, AT_SYMLINK_NOFOLLOW) != 0)
            return fail(DSG_RS_FAILED, err, n, "the backup holds %s but not its wrapped data "
                        "key %s (a backup made before dsg backed it up): its encrypted data "
                        "cannot be opened", need[i][0], need[i][1]);
    return DSG_RS_OK;
}

/* The escrowed keys imported into STATE, after the import's own checks. */
static dsg_rs_status import_keys(const dsg_rs_job *j, char *err, size_t n)
{
    char msg[4400];
    dsg_ke_origin o = *j->escrow;
    o.logd_user = j->user;
    dsg_ke_status ks = dsg_ke_import(j->statedir, j->keys, &o, msg, sizeof msg);
    return ks == DSG_KE_OK ? DSG_RS_OK
                           : fail(DSG_RS_FAILED, err, n, "the escrowed keys: %s", msg);
}

typedef struct objects_walk {
    const dsg_rs_job *job;
    char store_key[PATH_CAP];
    uint64_t total, done, bytes;
    int count_only;
} objects_walk;

static void object_progress(objects_walk *w, const char *name)
{
    if (w->job->progress == NULL || w->count_only)
        return;
    dsg_bk_progress p = { "checking objects", "share", name, w->done, w->total, w->bytes, 0 };
    w->job->progress(w->job->ctx, &p);
}

/* Each object file of one shard, counted or read whole under the KEK. */
static dsg_rs_status shard_objects(objects_walk *w, const char *shard_path, const char *shard,
                                   char *err, size_t n)
{
    char path[PATH_CAP + 600], name[600], why[2048];
    DIR *d = opendir(shard_path);
    struct dirent *e;
    dsg_rs_status st = DSG_RS_OK;
    if (d == NULL)
        return fail(DSG_RS_FAILED, err, n, "%s: %s", shard_path, strerror(errno));
    while (st == DSG_RS_OK && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (w->count_only) {
            w->total++;
            continue;
        }
        uint64_t plain = 0;
        snprintf(path, sizeof path, "%s/%s", shard_path, e->d_name);
        snprintf(name, sizeof name, "objects/%s/%s", shard, e->d_name);
        object_progress(w, name);
        dsg_sd_status ss = dsg_storage_verify_kek(w->job->keys->kek, "the escrowed KEK",
                                                  w->store_key, path, &plain, why, sizeof why);
        if (ss != DSG_SD_OK)
            st = fail(DSG_RS_FAILED, err, n, "share %s: %s", name, why);
        w->done++;
        w->bytes += plain;
    }
    closedir(d);
    return st;
}

/* Every object of STATE/share/objects/AB/, counted first, then each read
 * whole and its tags checked. */
static dsg_rs_status check_objects(const dsg_rs_job *j, uint64_t *count, char *err, size_t n)
{
    char dir[PATH_CAP], shard_path[PATH_CAP + 300];
    objects_walk w = { .job = j };
    dsg_rs_status st = DSG_RS_OK;
    snprintf(dir, sizeof dir, "%s/share/objects", j->statedir);
    snprintf(w.store_key, sizeof w.store_key, "%s/" SHARE_KEY, j->statedir);
    for (w.count_only = 1; w.count_only >= 0 && st == DSG_RS_OK; w.count_only--) {
        DIR *d = opendir(dir);
        struct dirent *e;
        if (d == NULL)
            return errno == ENOENT ? DSG_RS_OK
                                   : fail(DSG_RS_FAILED, err, n, "%s: %s", dir, strerror(errno));
        while (st == DSG_RS_OK && (e = readdir(d)) != NULL) {
            if (strlen(e->d_name) != 2 || e->d_name[0] == '.')
                continue;
            snprintf(shard_path, sizeof shard_path, "%s/%s", dir, e->d_name);
            st = shard_objects(&w, shard_path, e->d_name, err, n);
        }
        closedir(d);
    }
    object_progress(&w, NULL);
    *count = w.done;
    return st;
}

/* ---- the restore ------------------------------------------------------------------ */

static dsg_rs_status roles_user(const char *user, uid_t *uid, gid_t *gid, char *err, size_t n)
{
    struct passwd *pw = getpwnam(user != NULL ? user : "dsg");
    if (pw == NULL)
        return fail(DSG_RS_USAGE, err, n, "no user %s for the roles' directories (--user NAME: "
                    "dsgd.user)", user != NULL ? user : "dsg");
    *uid = pw->pw_uid;
    *gid = pw->pw_gid;
    return DSG_RS_OK;
}

/* The decryption's progress passed on, its totals kept for the summary. */
typedef struct tap {
    const dsg_rs_job *job;
    dsg_rs_summary *sum;
} tap;

static void tap_progress(void *ctx, const dsg_bk_progress *p)
{
    tap *t = ctx;
    t->sum->members = p->members_total;
    t->sum->bytes = p->bytes_total;
    if (t->job->progress != NULL)
        t->job->progress(t->job->ctx, p);
}

/* Steps 3 to 5, once the partial marker is written. */
static dsg_rs_status restore_into(int sfd, const dsg_rs_job *j, uid_t uid, gid_t gid,
                                  dsg_rs_summary *sum, char *err, size_t n)
{
    char work[PATH_CAP + 32], why[2048];
    tap t = { j, sum };
    snprintf(work, sizeof work, "%s/" WORK, j->statedir);
    dsg_bk_status bs = dsg_bk_decrypt(j->backup, j->sign_pub, j->recipient, work, tap_progress,
                                      &t, why, sizeof why);
    if (bs != DSG_BK_OK)
        return fail(DSG_RS_FAILED, err, n, "%s (%s)", why, dsg_bk_status_token(bs));
    dsg_rs_status st = place(sfd, j, uid, gid, err, n);
    if (st == DSG_RS_OK)
        st = wrapped_keys_there(sfd, err, n);
    if (st == DSG_RS_OK)
        st = import_keys(j, err, n);
    if (st == DSG_RS_OK)
        st = check_objects(j, &sum->objects, err, n);
    return st;
}

dsg_rs_status dsg_bk_restore(const dsg_rs_job *j, dsg_rs_summary *sum, char *err, size_t n)
{
    dsg_bkm_head head;
    dsg_rs_status st;
    uid_t uid = 0;
    gid_t gid = 0;
    memset(sum, 0, sizeof *sum);
    if (n > 0)
        err[0] = '\0';
    if (geteuid() != 0)
        return fail(DSG_RS_NOPERM, err, n, "only root restores (the KEK is root's, the roles' "
                    "directories their user's)");
    if ((st = roles_user(j->user, &uid, &gid, err, n)) != DSG_RS_OK ||
        (st = takes(j, &head, err, n)) != DSG_RS_OK)
        return st;
    memcpy(sum->id, head.id, DSG_BK_ID_LEN);
    int sfd = fresh_state(j->statedir, err, n, &st);
    if (sfd < 0)
        return st;
    st = begin(sfd, j, sum->id, err, n);
    if (st == DSG_RS_OK)
        st = restore_into(sfd, j, uid, gid, sum, err, n);
    if (st == DSG_RS_OK)
        st = finish(sfd, j, sum, err, n);
    close(sfd);
    return st;
}
