/* Where backups go: see bkup_dest.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "run/bkup_dest.h"

/* Whether path is dir itself or lies under it (both resolved). */
static int within(const char *path, const char *dir)
{
    size_t k = strlen(dir);
    return strncmp(path, dir, k) == 0 && (path[k] == '\0' || path[k] == '/' ||
                                          (k == 1 && dir[0] == '/'));
}

int dsgd_bkup_dest_check(const char *dest, const char *statedir, int allow_same_fs,
                         char *resolved, size_t cap, char *warn, size_t wn, char *err, size_t n)
{
    char real[PATH_MAX];
    struct stat d, s;
    resolved[0] = warn[0] = '\0';
    if (dest[0] == '\0')
        return 0;
    if (realpath(dest, real) == NULL || stat(real, &d) != 0) {
        snprintf(err, n, "bkup.dest %s: %s: create it on a disk other than the state "
                 "directory's", dest, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(d.st_mode)) {
        snprintf(err, n, "bkup.dest %s is not a directory", real);
        return -1;
    }
    if (strlen(real) >= cap) {
        snprintf(err, n, "bkup.dest %s: the path is too long", real);
        return -1;
    }
    if (within(real, statedir) || within(statedir, real)) {
        snprintf(err, n, "bkup.dest %s and the state directory %s lie one inside the other: "
                 "backups go outside the state directory, on another disk", real, statedir);
        return -1;
    }
    if (stat(statedir, &s) != 0) {
        snprintf(err, n, "the state directory %s: %s", statedir, strerror(errno));
        return -1;
    }
    if (d.st_dev == s.st_dev && !allow_same_fs) {
        snprintf(err, n, "bkup.dest %s is on the filesystem of the state directory %s "
                 "(device %u:%u): a backup there dies with the disk it protects; use another "
                 "disk, or set bkup.allow_same_fs = true on a development machine", real,
                 statedir, major(d.st_dev), minor(d.st_dev));
        return -1;
    }
    if (d.st_dev == s.st_dev)
        snprintf(warn, wn, "WARNING: bkup.dest %s is on the filesystem of the state directory "
                 "%s (bkup.allow_same_fs = true): a backup there dies with the disk it "
                 "protects", real, statedir);
    memcpy(resolved, real, strlen(real) + 1);
    return 0;
}
