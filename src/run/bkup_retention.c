/* The backup retention job: see bkup_retention.h. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/bkup_retain.h"
#include "run/bkup_retention.h"
#include "run/clock_sync.h"
#include "run/log.h"
#include "run/role_backup.h"

#define ID_LEN DSGD_BACKUP_ID_LEN
#define DEPS_PER_BACKUP 32u      /* a manifest's depends lines, at most */
#define MANIFEST_HEAD 8192u      /* the depends lines come before the roles */
#define TREE_DEPTH 16            /* a backup is ROLE/NAME with NAME's segments */

enum { SKIP_UNSYNCED, SKIP_BEHIND, SKIP_LIST };

/* What DEST holds of one ID. */
typedef struct entry {
    char id[ID_LEN + 1];
    unsigned has_dir : 1, has_state : 1, has_partial : 1, has_unverified : 1;
} entry;

typedef struct listing {
    entry *e;
    dsg_bkr_item *items;
    size_t n;
} listing;

int64_t dsgd_retention_id_time(const char *id, size_t len)
{
    struct tm tm;
    char buf[ID_LEN + 1];
    if (len != ID_LEN)
        return -1;
    for (size_t i = 0; i < ID_LEN; i++)
        if (i == 8 ? id[i] != 'T' : i == 15 ? id[i] != 'Z' : (id[i] < '0' || id[i] > '9'))
            return -1;
    memcpy(buf, id, ID_LEN);
    buf[ID_LEN] = '\0';
    memset(&tm, 0, sizeof tm);
    const char *end = strptime(buf, "%Y%m%dT%H%M%SZ", &tm);
    if (end != buf + ID_LEN)
        return -1;
    time_t t = timegm(&tm);
    char again[ID_LEN + 1];
    struct tm back;
    /* 20260231 would pass strptime and become March: refused */
    if (gmtime_r(&t, &back) == NULL ||
        strftime(again, sizeof again, "%Y%m%dT%H%M%SZ", &back) != ID_LEN ||
        memcmp(again, buf, ID_LEN) != 0)
        return -1;
    return (int64_t)t;
}

static entry *find_or_add(listing *l, const char *id)
{
    for (size_t i = 0; i < l->n; i++)
        if (memcmp(l->e[i].id, id, ID_LEN) == 0)
            return &l->e[i];
    if (l->n == DSG_BKR_MAX)
        return NULL;
    entry *e = &l->e[l->n++];
    memset(e, 0, sizeof *e);
    memcpy(e->id, id, ID_LEN);
    return e;
}

/* One name of DEST into the listing: 0, or -1 when the listing is full.
 * Its kind from lstat, not from readdir's d_type, which some file systems
 * leave unknown: a link is never taken for a backup. */
static int take_name(int destfd, listing *l, const char *name)
{
    struct stat st;
    size_t len = strlen(name);
    if (len < ID_LEN || dsgd_retention_id_time(name, ID_LEN) < 0 ||
        fstatat(destfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return 0;
    const char *rest = name + ID_LEN;
    int dir = S_ISDIR(st.st_mode), file = S_ISREG(st.st_mode);
    int kind = *rest == '\0' && dir                      ? 0
               : strcmp(rest, ".state") == 0 && file     ? 1
               : strcmp(rest, ".partial") == 0 && dir    ? 2
               : strcmp(rest, ".unverified") == 0 && dir ? 3
                                                         : -1;
    if (kind < 0)
        return 0;   /* ID.state.new and the like: not the job's */
    entry *e = find_or_add(l, name);
    if (e == NULL)
        return -1;
    if (kind == 0)
        e->has_dir = 1;
    else if (kind == 1)
        e->has_state = 1;
    else if (kind == 2)
        e->has_partial = 1;
    else
        e->has_unverified = 1;
    return 0;
}

/* The first bytes of the regular file dirfd/name (not a link, nor a FIFO
 * that would block the master) into buf, NUL-terminated: their length,
 * or -1. */
static ssize_t read_head(int dirfd, const char *name, char *buf, size_t cap)
{
    struct stat st;
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return -1;
    }
    size_t at = 0;
    ssize_t got = 1;
    while (at < cap - 1 && (got = read(fd, buf + at, cap - 1 - at)) > 0)
        at += (size_t)got;
    close(fd);
    if (got < 0)
        return -1;
    buf[at] = '\0';
    return (ssize_t)at;
}

/* The state of an ID: its state file's `state` line; a directory with no
 * readable state file is unknown (kept); leftovers alone are a failed run. */
static uint32_t state_of(int destfd, const entry *e)
{
    char name[ID_LEN + 8], text[2048];
    if (!e->has_state)
        return e->has_dir ? DSG_BKR_UNKNOWN : DSG_BKR_FAILED;
    snprintf(name, sizeof name, "%s.state", e->id);
    if (read_head(destfd, name, text, sizeof text) <= 0)
        return DSG_BKR_UNKNOWN;
    const char *s = strstr(text, "\nstate ");
    if (s == NULL)
        return DSG_BKR_UNKNOWN;
    s += 7;
    size_t len = strcspn(s, "\n");
    if (len == 8 && strncmp(s, "verified", 8) == 0)
        return e->has_dir ? DSG_BKR_VERIFIED : DSG_BKR_UNKNOWN;
    if (len == 6 && strncmp(s, "failed", 6) == 0)
        return DSG_BKR_FAILED;
    if (len == 7 && strncmp(s, "running", 7) == 0)
        return DSG_BKR_RUNNING;
    return DSG_BKR_UNKNOWN;
}

static int by_id(const void *a, const void *b)
{
    return memcmp(((const entry *)a)->id, ((const entry *)b)->id, ID_LEN);
}

/* DEST listed into l (sorted by ID): 0, -1 when it cannot be read, -2
 * when it holds more IDs than the decision takes. */
static int list_dest(int destfd, listing *l)
{
    int fd = dup(destfd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *de;
    int rc = 0;
    if (d == NULL) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    rewinddir(d);
    while (rc == 0 && (de = readdir(d)) != NULL)
        if (take_name(destfd, l, de->d_name) != 0)
            rc = -2;
    closedir(d);
    qsort(l->e, l->n, sizeof l->e[0], by_id);
    for (size_t i = 0; i < l->n; i++) {
        l->items[i].time = dsgd_retention_id_time(l->e[i].id, ID_LEN);
        l->items[i].state = state_of(destfd, &l->e[i]);
    }
    return rc;
}

static long index_of(const listing *l, const char *id)
{
    for (size_t i = 0; i < l->n; i++)
        if (memcmp(l->e[i].id, id, ID_LEN) == 0)
            return (long)i;
    return -1;
}

/* The depends lines of each backup directory's manifest, as edges to the
 * IDs DEST holds (one it does not hold has nothing left to keep). */
static size_t read_depends(int destfd, const listing *l, dsg_bkr_dep *deps)
{
    char text[MANIFEST_HEAD];
    size_t nd = 0;
    for (size_t i = 0; i < l->n; i++) {
        int dfd = l->e[i].has_dir ? openat(destfd, l->e[i].id, O_RDONLY | O_DIRECTORY |
                                           O_NOFOLLOW | O_CLOEXEC)
                                  : -1;
        ssize_t got = dfd >= 0 ? read_head(dfd, "manifest", text, sizeof text) : -1;
        if (dfd >= 0)
            close(dfd);
        if (got <= 0)
            continue;
        unsigned seen = 0;
        for (char *p = text; p != NULL && *p != '\0' && seen < DEPS_PER_BACKUP;) {
            char *eol = strchr(p, '\n');
            if (eol != NULL && strncmp(p, "depends ", 8) == 0 && eol - p == 8 + (long)ID_LEN) {
                long to = index_of(l, p + 8);
                if (to >= 0 && nd < DSG_BKR_DEPS_MAX) {
                    deps[nd].from = (uint32_t)i;
                    deps[nd++].to = (uint32_t)to;
                }
                seen++;
            }
            if (eol != NULL && strncmp(p, "role ", 5) == 0)
                break;   /* depends lines come before the roles */
            p = eol != NULL ? eol + 1 : NULL;
        }
    }
    return nd;
}

/* ---- deletion ------------------------------------------------------------ */

/* dirfd/name, a directory on dev, with everything in it: 0, or -1. A
 * link is removed, never followed; another filesystem stops it. */
static int remove_tree(int dirfd, const char *name, dev_t dev, int depth)
{
    struct stat st;
    if (depth > TREE_DEPTH)
        return errno = ELOOP, -1;
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_dev != dev) {
        if (fd >= 0) {
            close(fd);
            errno = EXDEV;
        }
        return -1;
    }
    DIR *d = fdopendir(fd);
    if (d == NULL) {
        close(fd);
        return -1;
    }
    struct dirent *de;
    int rc = 0;
    while (rc == 0 && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            rc = -1;
        else if (S_ISDIR(st.st_mode))
            rc = remove_tree(fd, de->d_name, dev, depth + 1);
        else
            rc = unlinkat(fd, de->d_name, 0);
        if (rc == 0 && S_ISDIR(st.st_mode))
            rewinddir(d);   /* the listing changed under readdir */
    }
    if (rc == 0)
        rc = fsync(fd);
    closedir(d);
    return rc == 0 ? unlinkat(dirfd, name, AT_REMOVEDIR) : -1;
}

/* One name of an ID (suffix "" or ".partial" ...) gone when it is there. */
static int remove_dir_name(int destfd, const char *id, const char *suffix, dev_t dev)
{
    char name[ID_LEN + 16];
    struct stat st;
    snprintf(name, sizeof name, "%s%s", id, suffix);
    if (fstatat(destfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return errno = ENOTDIR, -1;   /* a link or a file where a backup was: left */
    return remove_tree(destfd, name, dev, 0);
}

/* A backup's names, its state file last, and DEST synced: 0, or -1 with
 * errno (the state file is then kept: the list still shows it). */
static int delete_backup(int destfd, const entry *e, dev_t dev)
{
    char name[ID_LEN + 8];
    static const char *const dirs[3] = { "", ".partial", ".unverified" };
    for (unsigned k = 0; k < 3; k++)
        if (remove_dir_name(destfd, e->id, dirs[k], dev) != 0)
            return -1;
    snprintf(name, sizeof name, "%s.state", e->id);
    if (unlinkat(destfd, name, 0) != 0 && errno != ENOENT)
        return -1;
    return fsync(destfd);
}

/* ---- the run --------------------------------------------------------------- */

static int kernel_clock(uint32_t max_offset_ms, char *why, size_t n)
{
    dsgd_clock_state s;
    dsgd_clock_read(&s);
    dsgd_clock_verdict v = dsgd_clock_judge(&s, max_offset_ms);
    dsgd_clock_describe(&s, v, why, n);
    return v == DSGD_CLOCK_SYNCED;
}

/* A refusal, recorded once per cause per UTC day. */
static void skip(const dsgd_retention_config *c, const dsgd_retention_ops *ops,
                 dsgd_retention_memory *mem, int cause, int64_t now, const char *why)
{
    int64_t day = now / 86400 + 1;
    dsgd_log("backup retention: nothing deleted: %s", why);
    if (mem->skipped_day[cause] == day)
        return;
    mem->skipped_day[cause] = day;
    char d[900];
    snprintf(d, sizeof d, "nothing deleted: %.700s%s", why,
             c->clock_check ? "" : "; clock not checked (bkup.retention_clock_check = none)");
    ops->record("backup-retention-skipped", d);
}

static void record_deletion(const dsgd_retention_config *c, const dsgd_retention_ops *ops,
                            const entry *e, const dsg_bkr_item *it, int64_t now,
                            unsigned kept)
{
    char d[900];
    const char *what = it->state == DSG_BKR_VERIFIED ? "backup" : "failed run";
    snprintf(d, sizeof d, "%s: %s, age %lld days, older than bkup.retention_days %u; %u verified "
             "backups kept (bkup.retention_min_count %u)%s", e->id, what,
             (long long)((now - it->time) / 86400), c->days, kept, c->min_count,
             c->clock_check ? "" : "; clock not checked (bkup.retention_clock_check = none)");
    ops->record("backup-deleted", d);
    dsgd_log("backup retention: deleted %s", d);
}

/* The decision taken and carried out on l. */
static void carry_out(const dsgd_retention_config *c, const dsgd_retention_ops *ops, int destfd,
                      dev_t dev, const listing *l, const uint8_t *del, int64_t now,
                      dsgd_retention_result *r)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].state == DSG_BKR_VERIFIED && !del[i])
            r->kept_verified++;
    for (size_t i = 0; i < l->n; i++) {
        if (!del[i])
            continue;
        if (delete_backup(destfd, &l->e[i], dev) != 0) {
            dsgd_log("backup retention: %s could not be deleted: %s; kept for the next run",
                     l->e[i].id, strerror(errno));
            r->failed++;
            continue;
        }
        r->deleted++;
        record_deletion(c, ops, &l->e[i], &l->items[i], now, r->kept_verified);
    }
}

static void decide(const dsgd_retention_config *c, const dsgd_retention_ops *ops,
                   dsgd_retention_memory *mem, int destfd, dev_t dev, listing *l,
                   dsg_bkr_dep *deps, uint8_t *del, int64_t now, dsgd_retention_result *r)
{
    char why[600] = "";
    int synced = 1;
    if (c->clock_check)
        synced = (ops->clock != NULL ? ops->clock : kernel_clock)(c->max_offset_ms, why, sizeof why);
    int64_t newest = -1;
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].time > newest)
            newest = l->items[i].time;
    size_t nd = read_depends(destfd, l, deps);
    dsg_bkr_policy p = { now, newest, c->days, c->min_count, synced };
    dsg_bkr_status st = dsg_bkr_decide(l->items, l->n, deps, nd, &p, del);
    r->skipped = st != DSG_BKR_OK;
    if (st == DSG_BKR_UNSYNCED) {
        skip(c, ops, mem, SKIP_UNSYNCED, now, why);
    } else if (st == DSG_BKR_BEHIND) {
        snprintf(why, sizeof why, "the clock is behind the newest backup %s (now %lld, its start "
                 "%lld)", l->n > 0 ? l->e[l->n - 1].id : "-", (long long)now, (long long)newest);
        skip(c, ops, mem, SKIP_BEHIND, now, why);
    } else if (st != DSG_BKR_OK) {
        snprintf(why, sizeof why, "the decision refused the list (%s)", dsg_bkr_status_token(st));
        skip(c, ops, mem, SKIP_LIST, now, why);
    } else {
        carry_out(c, ops, destfd, dev, l, del, now, r);
    }
}

dsgd_retention_result dsgd_retention_run(const dsgd_retention_config *c,
                                         const dsgd_retention_ops *ops,
                                         dsgd_retention_memory *mem, int64_t now)
{
    dsgd_retention_result r = { 0, 0, 0, 0 };
    struct stat st;
    if (c->dest == NULL || c->dest[0] == '\0')
        return r;
    int destfd = open(c->dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    listing l = { calloc(DSG_BKR_MAX, sizeof(entry)), calloc(DSG_BKR_MAX, sizeof(dsg_bkr_item)),
                  0 };
    dsg_bkr_dep *deps = calloc(DSG_BKR_DEPS_MAX, sizeof *deps);
    uint8_t *del = calloc(DSG_BKR_MAX, 1);
    r.skipped = 1;
    if (destfd < 0 || fstat(destfd, &st) != 0 || l.e == NULL || l.items == NULL ||
        deps == NULL || del == NULL) {
        dsgd_log("backup retention: %s cannot be read: %s", c->dest, strerror(errno));
    } else {
        int rc = list_dest(destfd, &l);
        if (rc == 0)
            decide(c, ops, mem, destfd, st.st_dev, &l, deps, del, now, &r);
        else
            skip(c, ops, mem, SKIP_LIST, now, rc == -2 ? "bkup.dest holds more backups than one run "
                                                      "judges (4096)"
                                                    : "bkup.dest cannot be listed");
    }
    if (destfd >= 0)
        close(destfd);
    free(l.e);
    free(l.items);
    free(deps);
    free(del);
    return r;
}
