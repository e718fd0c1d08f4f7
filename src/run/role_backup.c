/* A storage role's part of a backup run: see role_backup.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bkup/bk_stream.h"
#include "db/db.h"
#include "db/snapshot.h"
#include "io/fdio.h"
#include "log/timefmt.h"
#include "run/log.h"
#include "run/role_backup.h"

#define PAGES_A_TURN 64   /* 256 KiB of 4 KiB pages: a short pause for the role */

enum { IDLE = 0, COPYING, FILES, ANSWER };

static struct {
    const char *dir;
    int (*source)(dsgd_backup_source *src);
    int phase;
    int fd;
    char id[DSGD_BACKUP_ID_LEN + 1];
    char tmp[4300];
    dsgd_backup_source src;
    unsigned dbs, at;                       /* databases; the one being copied */
    dsg_db_snapshot *snap[DSGD_BACKUP_DBS];
    uint64_t size[DSGD_BACKUP_DBS];
    uint64_t members, bytes;
    uint8_t status;
    char msg[400];
} job = { .fd = -1 };

void dsgd_role_backup_init(const char *dir, int (*source)(dsgd_backup_source *src))
{
    job.dir = dir;
    job.source = source;
}

int dsgd_role_backup_busy(void)
{
    return job.phase != IDLE;
}

/* The pipe the master put on fd 4 before its message: exactly one. */
static int take_pipe(void)
{
    union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } ctl;
    uint8_t b;
    struct iovec iov = { &b, 1 };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
                         .msg_controllen = sizeof ctl.buf };
    int fd = -1;
    ssize_t r = recvmsg(DSGD_BACKUP_PASS_FD, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    struct cmsghdr *cm = r == 1 ? CMSG_FIRSTHDR(&mh) : NULL;
    if (cm != NULL && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
        cm->cmsg_len == CMSG_LEN(sizeof(int)) && !(mh.msg_flags & MSG_CTRUNC))
        memcpy(&fd, CMSG_DATA(cm), sizeof fd);
    return fd;
}

/* The run ends: the pipe closed, the answer due. */
static void over(uint8_t status, const char *fmt, const char *what)
{
    for (unsigned i = 0; i < DSGD_BACKUP_DBS; i++) {
        dsg_db_snapshot_abort(job.snap[i]);
        job.snap[i] = NULL;
    }
    if (status != 0 && job.fd >= 0 && dsg_bk_stream_fail(job.fd, what) != 0)
        dsgd_log("backup %s: the failure could not be sent: %s", job.id, strerror(errno));
    if (job.fd >= 0)
        close(job.fd);
    job.fd = -1;
    job.status = status;
    snprintf(job.msg, sizeof job.msg, fmt, what);
    job.phase = ANSWER;
}

/* The copy of database i begun, in a temporary file beside it. 0, or -1
 * (the run is over). */
static int begin_copy(unsigned i)
{
    char err[300];
    snprintf(job.tmp, sizeof job.tmp, "%s%s.backup-%s", job.dir,
             job.dir[strlen(job.dir) - 1] == '/' ? "" : "/", job.src.db_name[i]);
    unlink(job.tmp);   /* ours, left by a run cut short (a crash) */
    if (dsg_db_snapshot_begin(job.src.db[i], job.tmp, &job.snap[i], err, sizeof err) != 0) {
        job.snap[i] = NULL;
        over(1, "%s", err);
        return -1;
    }
    dsgd_log("backup %s: copying %s", job.id, job.src.db_name[i]);
    return 0;
}

int dsgd_role_backup_start(const dsgd_msg *m, dsgd_chan *chan)
{
    if (m->len != DSGD_BACKUP_ID_LEN || job.phase != IDLE || job.source == NULL ||
        dsgd_bus_done(chan, 1) != 0)
        return -1;
    memcpy(job.id, m->body, DSGD_BACKUP_ID_LEN);
    job.id[DSGD_BACKUP_ID_LEN] = '\0';
    job.members = job.bytes = 0;
    job.dbs = job.at = 0;
    job.phase = COPYING;
    job.fd = take_pipe();
    if (job.fd < 0) {
        over(1, "%s", "no pipe from the master on fd 4");
        return 0;
    }
    memset(&job.src, 0, sizeof job.src);
    if (job.source(&job.src) != 0 || job.src.db[0] == NULL) {
        over(1, "%s", "nothing to back up: the store is not open");
        return 0;
    }
    while (job.dbs < DSGD_BACKUP_DBS && job.src.db[job.dbs] != NULL)
        job.dbs++;
    (void)begin_copy(0);
    return 0;
}

/* Every copy is complete: the role line, then the databases. */
static void databases(void)
{
    char err[300], when[DSG_BK_TIME_LEN + 8];
    long schema = dsg_db_version(job.src.db[0]);
    if (job.src.copied != NULL)
        job.src.copied();
    if (dsg_time_now_rfc3339_ms(when, sizeof when) != DSG_BK_TIME_LEN || schema < 0) {
        over(1, "%s", "no clock or no schema version");
        return;
    }
    if (dsg_bk_stream_role(job.fd, when, (uint32_t)schema) != 0) {
        over(1, "the pipe: %s", strerror(errno));
        return;
    }
    for (unsigned i = 0; i < job.dbs; i++) {
        uint64_t poured = 0;
        if (dsg_bk_stream_member(job.fd, job.src.db_name[i], job.size[i]) != 0) {
            over(1, "the pipe: %s", strerror(errno));
            return;
        }
        int rc = dsg_db_snapshot_finish(job.snap[i], job.fd, &poured, err, sizeof err);
        job.snap[i] = NULL;
        if (rc != 0 || poured != job.size[i]) {
            over(1, "%s", rc != 0 ? err : "a copy changed size while it was sent");
            return;
        }
        job.members++;
        job.bytes += poured;
    }
    job.phase = FILES;
}

/* One step of the copy of the current database; the next one, or all
 * sent, when it is complete. */
static void copy_step(void)
{
    char err[300];
    unsigned i = job.at;
    int r = dsg_db_snapshot_step(job.snap[i], PAGES_A_TURN, err, sizeof err);
    if (r < 0) {
        over(1, "%s", err);
        return;
    }
    if (r > 0)
        return;
    if (dsg_db_snapshot_size(job.snap[i], &job.size[i], err, sizeof err) != 0) {
        over(1, "%s", err);
        return;
    }
    if (++job.at < job.dbs) {
        (void)begin_copy(job.at);
        return;
    }
    databases();
}

/* size bytes of in to the pipe: 0, or -1 (errno). */
static int copy_bytes(int in, uint64_t size)
{
    static char buf[65536];
    while (size > 0) {
        ssize_t got = read(in, buf, size < sizeof buf ? (size_t)size : sizeof buf);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            errno = got == 0 ? EIO : errno;
            return -1;
        }
        if (dsg_write_all(job.fd, buf, (size_t)got) != 0)
            return -1;
        size -= (uint64_t)got;
    }
    return 0;
}

/* The next file, whole or to its limit. */
static void next_file(void)
{
    char name[256], err[300], path[4600];
    uint64_t limit = UINT64_MAX;
    struct stat st;
    int r = job.src.next_file != NULL ? job.src.next_file(name, sizeof name, &limit, err,
                                                          sizeof err) : 0;
    if (r < 0) {
        over(1, "%s", err);
        return;
    }
    if (r == 0) {
        if (dsg_bk_stream_end(job.fd) != 0) {
            over(1, "the pipe: %s", strerror(errno));
            return;
        }
        snprintf(err, sizeof err, "%llu members, %llu bytes", (unsigned long long)job.members,
                 (unsigned long long)job.bytes);
        over(0, "%s", err);
        return;
    }
    snprintf(path, sizeof path, "%s/%s", job.dir, name);
    int in = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0 || fstat(in, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, sizeof err, "%s: %s", name, in < 0 ? strerror(errno) : "not a file");
        if (in >= 0)
            close(in);
        over(1, "%s", err);
        return;
    }
    uint64_t size = (uint64_t)st.st_size < limit ? (uint64_t)st.st_size : limit;
    int rc = dsg_bk_stream_member(job.fd, name, size) != 0 || copy_bytes(in, size) != 0;
    close(in);
    if (rc) {
        snprintf(err, sizeof err, "%s: %s", name, strerror(errno));
        over(1, "%s", err);
        return;
    }
    job.members++;
    job.bytes += size;
}

/* DSGD_MSG_BACKUP_DONE: sent, or left for a later turn without room. */
static int answer(dsgd_chan *chan)
{
    uint8_t body[1 + sizeof job.msg];
    size_t len = strlen(job.msg);
    body[0] = job.status;
    memcpy(body + 1, job.msg, len);
    int r = dsgd_bus_send(chan, DSGD_MSG_BACKUP_DONE, body, 1 + len);
    if (r < 0)
        return -1;
    if (r == 0) {
        dsgd_log("backup %s: %s: %s", job.id, job.status == 0 ? "copied" : "FAILED", job.msg);
        job.phase = IDLE;
    }
    return 0;
}

int dsgd_role_backup_step(dsgd_chan *chan)
{
    switch (job.phase) {
    case COPYING:
        copy_step();
        return 0;
    case FILES:
        next_file();
        return 0;
    case ANSWER:
        return answer(chan);
    default:
        return 0;
    }
}
