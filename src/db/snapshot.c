/* Online copies of a database: see snapshot.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/snapshot.h"
#include "io/fdio.h"

struct dsg_db_snapshot {
    sqlite3 *dst;
    sqlite3_backup *backup;
    int created;   /* the temporary file is ours to remove */
    int done;
    char path[];
};

static int fail(char *err, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, n, fmt, ap);
    va_end(ap);
    return -1;
}

/* The copy's connection, its file created empty first (0600, exclusive).
 * The copy needs no journal: a copy cut short is thrown away. */
static int open_copy(dsg_db_snapshot *s, char *err, size_t n)
{
    int fd = open(s->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return fail(err, n, "%s: %s", s->path, strerror(errno));
    s->created = 1;
    close(fd);
    if (sqlite3_open_v2(s->path, &s->dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
        sqlite3_exec(s->dst, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF", NULL, NULL,
                     NULL) != SQLITE_OK)
        return fail(err, n, "%s: %s", s->path,
                    s->dst != NULL ? sqlite3_errmsg(s->dst) : "out of memory");
    return 0;
}

void dsg_db_snapshot_abort(dsg_db_snapshot *s)
{
    if (s == NULL)
        return;
    if (s->backup != NULL)
        sqlite3_backup_finish(s->backup);
    sqlite3_close_v2(s->dst);
    if (s->created)
        unlink(s->path);
    free(s);
}

int dsg_db_snapshot_begin(sqlite3 *src, const char *tmp_path, dsg_db_snapshot **out, char *err,
                          size_t n)
{
    size_t len = strlen(tmp_path);
    dsg_db_snapshot *s = calloc(1, sizeof *s + len + 1);
    *out = NULL;
    if (s == NULL)
        return fail(err, n, "out of memory");
    memcpy(s->path, tmp_path, len + 1);
    if (open_copy(s, err, n) != 0) {
        dsg_db_snapshot_abort(s);   /* a file found there is not ours: it stays */
        return -1;
    }
    s->backup = sqlite3_backup_init(s->dst, "main", src, "main");
    if (s->backup == NULL) {
        fail(err, n, "the copy of the database cannot start: %s", sqlite3_errmsg(s->dst));
        dsg_db_snapshot_abort(s);
        return -1;
    }
    *out = s;
    return 0;
}

int dsg_db_snapshot_step(dsg_db_snapshot *s, int pages, char *err, size_t n)
{
    if (s->done)
        return 0;
    int rc = sqlite3_backup_step(s->backup, pages > 0 ? pages : 1);
    if (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        return 1;
    if (rc != SQLITE_DONE)
        return fail(err, n, "copying the database: %s", sqlite3_errstr(rc));
    s->done = 1;
    return 0;
}

/* All of in's bytes to out: 0 with the count, or -1 with a message. */
static int pour(int in, int out, uint64_t *bytes, char *err, size_t n)
{
    static char buf[65536];
    *bytes = 0;
    for (;;) {
        ssize_t got = read(in, buf, sizeof buf);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return fail(err, n, "reading the copy: %s", strerror(errno));
        if (got == 0)
            return 0;
        if (dsg_write_all(out, buf, (size_t)got) != 0)
            return fail(err, n, "writing the copy: %s", strerror(errno));
        *bytes += (uint64_t)got;
    }
}

/* The complete copy closed, its file as it will be poured: 0, or -1. */
static int close_copy(dsg_db_snapshot *s, char *err, size_t n)
{
    if (!s->done)
        return fail(err, n, "the copy is not complete");
    int rc = sqlite3_backup_finish(s->backup);
    s->backup = NULL;
    if (rc != SQLITE_OK)
        return fail(err, n, "finishing the copy: %s", sqlite3_errmsg(s->dst));
    if (sqlite3_close(s->dst) != SQLITE_OK)
        return fail(err, n, "closing the copy: %s", sqlite3_errmsg(s->dst));
    s->dst = NULL;
    return 0;
}

int dsg_db_snapshot_take(dsg_db_snapshot *s, int *fd, uint64_t *bytes, char *err, size_t n)
{
    struct stat st;
    int rc = -1;
    *fd = -1;
    *bytes = 0;
    if (close_copy(s, err, n) == 0) {
        *fd = open(s->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (*fd < 0 || fstat(*fd, &st) != 0) {
            fail(err, n, "%s: %s", s->path, strerror(errno));
        } else {
            *bytes = (uint64_t)st.st_size;
            rc = 0;
        }
    }
    if (rc != 0 && *fd >= 0) {
        close(*fd);
        *fd = -1;
    }
    dsg_db_snapshot_abort(s);   /* the file's name goes; an open descriptor keeps it */
    return rc;
}

int dsg_db_snapshot_finish(dsg_db_snapshot *s, int fd, uint64_t *bytes, char *err, size_t n)
{
    int rc = -1;
    *bytes = 0;
    if (close_copy(s, err, n) == 0) {
        int in = open(s->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        rc = in < 0 ? fail(err, n, "%s: %s", s->path, strerror(errno))
                    : pour(in, fd, bytes, err, n);
        if (in >= 0)
            close(in);
    }
    dsg_db_snapshot_abort(s);
    return rc;
}
