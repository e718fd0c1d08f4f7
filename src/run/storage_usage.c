/* `dsgctl storage usage`: the measuring half (the rendering is status.c). */
#define _GNU_SOURCE
#include <ftw.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "run/log.h"
#include "run/status.h"

/* nftw's callback has no context pointer: the walk in progress. */
static struct {
    dsgd_area_usage *area;
    const char *skip;       /* a subtree left out, or NULL */
    uint64_t deadline_ms;   /* CLOCK_MONOTONIC */
    unsigned seen;
    int cut;                /* the deadline passed */
} walk;

static int count_file(const char *path, const struct stat *st, int type, struct FTW *f)
{
    (void)f;
    if (++walk.seen % 256u == 0 && dsgd_now_ms() >= walk.deadline_ms) {
        walk.cut = 1;
        return FTW_STOP;
    }
    if (type == FTW_D && walk.skip != NULL && strcmp(path, walk.skip) == 0)
        return FTW_SKIP_SUBTREE;
    if (type == FTW_F && S_ISREG(st->st_mode)) {
        walk.area->files++;
        walk.area->used_bytes += (uint64_t)st->st_blocks * 512u;
    }
    return FTW_CONTINUE;
}

static void measure(dsgd_area_usage *a, const char *skip)
{
    struct stat st;
    struct statvfs fs;
    if (a->dir[0] == '\0') {
        snprintf(a->why, sizeof a->why, "bkup.dest is not set");
        return;
    }
    if (lstat(a->dir, &st) != 0 || !S_ISDIR(st.st_mode) || statvfs(a->dir, &fs) != 0) {
        snprintf(a->why, sizeof a->why, "not a directory yet");
        return;
    }
    struct passwd *pw = getpwuid(st.st_uid);
    if (pw != NULL)
        snprintf(a->owner, sizeof a->owner, "%s", pw->pw_name);
    else
        snprintf(a->owner, sizeof a->owner, "%u", (unsigned)st.st_uid);
    a->free_bytes = (uint64_t)fs.f_bavail * fs.f_frsize;
    a->fs_bytes = (uint64_t)fs.f_blocks * fs.f_frsize;
    a->measured = 1;
    if (walk.cut || dsgd_now_ms() >= walk.deadline_ms)
        return;   /* the time is spent: incomplete */
    walk.area = a;
    walk.skip = skip;
    int rc = nftw(a->dir, count_file, 16, FTW_PHYS | FTW_MOUNT | FTW_ACTIONRETVAL);
    if (rc != 0 && !walk.cut) {
        a->measured = 0;
        snprintf(a->why, sizeof a->why, "cannot be read whole");
        return;
    }
    a->complete = !walk.cut;
}

void dsgd_usage_measure(const char *statedir, const char *bkup_dest,
                        dsgd_area_usage out[DSGD_USAGE_AREAS])
{
    static const struct { const char *area, *sub; } areas[DSGD_USAGE_AREAS - 1] = {
        { "protected-information", "share/objects" }, { "share-databases", "share" },
        { "accounts", "auth" }, { "audit-trail", "logd" }, { "keys", "keys" },
    };
    char objects[sizeof out[0].dir];
    memset(out, 0, DSGD_USAGE_AREAS * sizeof out[0]);
    walk.deadline_ms = dsgd_now_ms() + DSGD_USAGE_BUDGET_MS;
    walk.cut = 0;
    walk.seen = 0;
    for (size_t i = 0; i < DSGD_USAGE_AREAS - 1; i++) {
        out[i].area = areas[i].area;
        snprintf(out[i].dir, sizeof out[i].dir, "%s/%s", statedir, areas[i].sub);
    }
    out[DSGD_USAGE_AREAS - 1].area = "backups";
    snprintf(out[DSGD_USAGE_AREAS - 1].dir, sizeof out[0].dir, "%s", bkup_dest);
    snprintf(objects, sizeof objects, "%s", out[0].dir);
    for (size_t i = 0; i < DSGD_USAGE_AREAS; i++)
        measure(&out[i], i == 1 ? objects : NULL);
}
