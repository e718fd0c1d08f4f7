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
#include "log/timefmt.h"
#include "run/log.h"
#include "run/role_backup.h"

#define PAGES_A_TURN 64                 /* 256 KiB of 4 KiB pages: a short pause */
#define BYTES_A_TURN (256u * 1024u)     /* at most this much written a turn */

enum { IDLE = 0, COPYING, SENDING, ANSWER };

static struct {
    const char *dir;
    int (*source)(dsgd_backup_source *src);
    int phase;
    int fd;                                 /* the pipe, non-blocking */
    int blocked;                            /* the pipe is full: wait for POLLOUT */
    int no_room;                            /* the answer waits for bus room */
    char id[DSGD_BACKUP_ID_LEN + 1];
    char tmp[4300];
    dsgd_backup_source src;
    unsigned dbs, at;                       /* databases; the one copied or sent */
    dsg_db_snapshot *snap;
    int copy[DSGD_BACKUP_DBS];              /* the complete copies, read-only */
    uint64_t size[DSGD_BACKUP_DBS];
    int files;                              /* the databases are sent: files next */
    /* what goes out now: a frame's head, then `left` bytes of `in` */
    uint8_t head[DSG_BK_STREAM_HEAD_MAX];
    size_t head_len, head_off;
    int in;
    uint64_t left;
    uint8_t buf[65536];
    size_t buf_len, buf_off;
    int end_sent;
    uint64_t members, bytes;
    uint8_t status;
    char msg[400];
} job = { .fd = -1, .in = -1, .copy = { -1, -1 } };

/* The temporary copies a storage role makes (begin_copy: ".backup-" and
 * its database's name), with SQLite's journal of each. */
static const char *const tmp_names[] = {
    ".backup-auth.db", ".backup-audit.db", ".backup-share.db", ".backup-search.db",
    ".backup-auth.db-journal", ".backup-audit.db-journal", ".backup-share.db-journal",
    ".backup-search.db-journal",
};

void dsgd_role_backup_init(const char *dir, int (*source)(dsgd_backup_source *src))
{
    char path[4300];
    job.dir = dir;
    job.source = source;
    /* a copy a killed run left is plaintext beside the store: gone at start */
    for (size_t i = 0; i < sizeof tmp_names / sizeof tmp_names[0]; i++) {
        snprintf(path, sizeof path, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/",
                 tmp_names[i]);
        if (unlink(path) == 0)
            dsgd_log("backup: removed %s, left by a copy cut short", tmp_names[i]);
    }
}

int dsgd_role_backup_busy(void)
{
    return job.phase != IDLE && !job.blocked && !(job.phase == ANSWER && job.no_room);
}

int dsgd_role_backup_retry_ms(void)
{
    return job.phase == ANSWER && job.no_room ? 50 : -1;
}

size_t dsgd_role_backup_pollfd(struct pollfd *pf)
{
    if (job.phase != SENDING || !job.blocked)
        return 0;
    *pf = (struct pollfd){ job.fd, POLLOUT, 0 };
    return 1;
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
    if (fd >= 0 && fcntl(fd, F_SETFL, O_NONBLOCK) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* The run ends: everything closed, the answer due. A failure is told on
 * the pipe too when it has room (the writer otherwise sees the stream
 * end early; the master has the reason from the answer). */
static void over(uint8_t status, const char *fmt, const char *what)
{
    uint8_t f[DSG_BK_STREAM_HEAD_MAX];
    dsg_db_snapshot_abort(job.snap);
    job.snap = NULL;
    for (unsigned i = 0; i < DSGD_BACKUP_DBS; i++)
        close_fd(&job.copy[i]);
    close_fd(&job.in);
    if (status != 0 && job.fd >= 0 && job.head_off == job.head_len && job.buf_off == job.buf_len &&
        job.left == 0)
        (void)!write(job.fd, f, dsg_bk_stream_fail(f, what));
    close_fd(&job.fd);
    job.status = status;
    snprintf(job.msg, sizeof job.msg, fmt, what);
    job.phase = ANSWER;
    job.no_room = 0;
    job.blocked = 0;
}

/* The copy of database i begun, in a temporary file beside it (ours when
 * a run cut short left one). 0, or -1 (the run is over). */
static int begin_copy(unsigned i)
{
    char err[300];
    snprintf(job.tmp, sizeof job.tmp, "%s%s.backup-%s", job.dir,
             job.dir[strlen(job.dir) - 1] == '/' ? "" : "/", job.src.db_name[i]);
    unlink(job.tmp);
    if (dsg_db_snapshot_begin(job.src.db[i], job.tmp, &job.snap, err, sizeof err) != 0) {
        job.snap = NULL;
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
    job.files = job.end_sent = job.blocked = 0;
    job.head_len = job.head_off = job.buf_len = job.buf_off = 0;
    job.left = 0;
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

/* Every copy is complete: the role line goes out first (the time the last
 * copy completed, the main database's schema version). */
static void copies_complete(void)
{
    char when[DSG_BK_TIME_LEN + 8];
    long schema = dsg_db_version(job.src.db[0]);
    if (job.src.copied != NULL)
        job.src.copied(job.id);
    if (dsg_time_now_rfc3339_ms(when, sizeof when) != DSG_BK_TIME_LEN || schema < 0) {
        over(1, "%s", "no clock or no schema version");
        return;
    }
    job.head_len = dsg_bk_stream_role(job.head, when, (uint32_t)schema);
    job.head_off = 0;
    job.at = 0;
    job.phase = SENDING;
}

/* One step of the copy of the current database; the next one, or the
 * sending, when it is complete. */
static void copy_step(void)
{
    char err[300];
    unsigned i = job.at;
    int r = dsg_db_snapshot_step(job.snap, PAGES_A_TURN, err, sizeof err);
    if (r < 0) {
        over(1, "%s", err);
        return;
    }
    if (r > 0)
        return;
    r = dsg_db_snapshot_take(job.snap, &job.copy[i], &job.size[i], err, sizeof err);
    job.snap = NULL;
    if (r != 0) {
        over(1, "%s", err);
        return;
    }
    if (++job.at < job.dbs) {
        (void)begin_copy(job.at);
        return;
    }
    copies_complete();
}

/* The next item: a database's copy, then the role's files, then the end
 * mark; 1 when there is one, 0 when all went out, -1 when the run is over. */
static int next_item(void)
{
    char name[256], err[300], path[4600];
    uint64_t limit = UINT64_MAX;
    struct stat st;
    if (job.at < job.dbs) {
        unsigned i = job.at++;
        job.head_len = dsg_bk_stream_member(job.head, job.src.db_name[i], job.size[i]);
        job.in = job.copy[i];
        job.copy[i] = -1;
        job.left = job.size[i];
    } else if (job.end_sent) {
        return 0;
    } else {
        int r = job.src.next_file != NULL
                    ? job.src.next_file(name, sizeof name, &limit, err, sizeof err) : 0;
        if (r < 0)
            return over(1, "%s", err), -1;
        if (r == 0) {
            job.head_len = dsg_bk_stream_end(job.head);
            job.end_sent = 1;
            job.left = 0;
        } else {
            snprintf(path, sizeof path, "%s/%s", job.dir, name);
            job.in = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
            if (job.in < 0 || fstat(job.in, &st) != 0 || !S_ISREG(st.st_mode)) {
                snprintf(err, sizeof err, "%s: %s", name, job.in < 0 ? strerror(errno)
                                                                     : "not a regular file");
                return over(1, "%s", err), -1;
            }
            job.left = (uint64_t)st.st_size < limit ? (uint64_t)st.st_size : limit;
            job.head_len = dsg_bk_stream_member(job.head, name, job.left);
        }
    }
    job.head_off = 0;
    if (job.head_len == 0)
        return over(1, "%s", "a member name of 1 to 255 bytes"), -1;
    if (!job.end_sent) {
        job.members++;
        job.bytes += job.left;
    }
    return 1;
}

/* bytes to the pipe: how many it took (0 when full: wait), or -1. */
static ssize_t out(const uint8_t *p, size_t len)
{
    ssize_t w = write(job.fd, p, len);
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        job.blocked = errno != EINTR;
        return 0;
    }
    return w;
}

/* As much as the pipe takes this turn, up to BYTES_A_TURN. */
static void send_step(void)
{
    size_t budget = BYTES_A_TURN;
    char err[300];
    job.blocked = 0;
    while (budget > 0 && !job.blocked) {
        ssize_t w;
        if (job.head_off < job.head_len) {
            if ((w = out(job.head + job.head_off, job.head_len - job.head_off)) < 0)
                break;
            job.head_off += (size_t)w;
        } else if (job.buf_off < job.buf_len) {
            if ((w = out(job.buf + job.buf_off, job.buf_len - job.buf_off)) < 0)
                break;
            job.buf_off += (size_t)w;
            budget -= (size_t)w < budget ? (size_t)w : budget;
        } else if (job.left > 0) {
            ssize_t got = read(job.in, job.buf, job.left < sizeof job.buf ? (size_t)job.left
                                                                         : sizeof job.buf);
            if (got <= 0) {
                snprintf(err, sizeof err, "reading a member: %s",
                         got == 0 ? "it ended before its size" : strerror(errno));
                over(1, "%s", err);
                return;
            }
            job.buf_len = (size_t)got;
            job.buf_off = 0;
            job.left -= (uint64_t)got;
        } else {
            close_fd(&job.in);
            int r = next_item();
            if (r < 0)
                return;
            if (r == 0) {
                snprintf(err, sizeof err, "%llu members, %llu bytes",
                         (unsigned long long)job.members, (unsigned long long)job.bytes);
                over(0, "%s", err);
                return;
            }
        }
    }
    if (!job.blocked && budget > 0) {
        snprintf(err, sizeof err, "the pipe: %s", strerror(errno));
        over(1, "%s", err);
    }
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
    job.no_room = r > 0;   /* the master's credit wakes the loop: no spinning meanwhile */
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
    case SENDING:
        send_step();
        return 0;
    case ANSWER:
        return answer(chan);
    default:
        return 0;
    }
}
