/* The client end of dsgd's control socket: see ctl_client.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl/ctl_client.h"

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static dsg_ctl_result connect_to(const char *path, int *fd, char *err, size_t n)
{
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sa.sun_path) {
        snprintf(err, n, "%s: socket path too long", path);
        return DSG_CTL_UNREACHABLE;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    *fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (*fd >= 0 && connect(*fd, (struct sockaddr *)&sa, sizeof sa) == 0)
        return DSG_CTL_OK;
    int e = errno;
    if (*fd >= 0)
        close(*fd);
    if (e == EACCES || e == EPERM) {
        snprintf(err, n, "%s: %s (only root and group dsgadm may use it)", path, strerror(e));
        return DSG_CTL_DENIED;
    }
    snprintf(err, n, "cannot reach dsgd at %s: %s (is dsgd running? see ctl.socket)", path,
             strerror(e));
    return DSG_CTL_UNREACHABLE;
}

/* Reads until the daemon closes, within the deadline. */
static dsg_ctl_result read_all(int fd, long long deadline, char *buf, size_t cap, size_t *len,
                               char *err, size_t n)
{
    *len = 0;
    for (;;) {
        struct pollfd pf = { fd, POLLIN, 0 };
        long long left = deadline - now_ms();
        ssize_t r;
        if (left <= 0 || poll(&pf, 1, (int)left) == 0) {
            snprintf(err, n, "dsgd did not answer in time");
            return DSG_CTL_UNREACHABLE;
        }
        if (*len == cap) {
            snprintf(err, n, "the answer is longer than %zu bytes", cap - 1);
            return DSG_CTL_PROTOCOL;
        }
        r = read(fd, buf + *len, cap - *len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(err, n, "reading the answer: %s", strerror(errno));
            return DSG_CTL_UNREACHABLE;
        }
        if (r == 0)
            return DSG_CTL_OK;
        *len += (size_t)r;
    }
}

/* The answer's first line: "ok", "ok N" (N: 1..255), or
 * "error <code> <message>". */
static dsg_ctl_result first_line(char *out, size_t *len, int *status, char *err, size_t n)
{
    char *nl = memchr(out, '\n', *len);
    if (nl == NULL) {
        snprintf(err, n, "an answer without a status line");
        return DSG_CTL_PROTOCOL;
    }
    *nl = '\0';
    *status = 0;
    if (strncmp(out, "ok ", 3) == 0) {
        char *end;
        long v = strtol(out + 3, &end, 10);
        if (*end != '\0' || end == out + 3 || v < 1 || v > 255) {
            snprintf(err, n, "a bad status line");
            return DSG_CTL_PROTOCOL;
        }
        *status = (int)v;
        out[2] = '\0';
    }
    if (strcmp(out, "ok") == 0) {
        size_t skip = (size_t)(nl - out) + 1;
        memmove(out, nl + 1, *len - skip);
        *len -= skip;
        out[*len] = '\0';
        return DSG_CTL_OK;
    }
    if (strncmp(out, "error ", 6) == 0) {
        const char *code = out + 6, *msg = strchr(code, ' ');
        int clen = msg != NULL ? (int)(msg - code) : (int)strlen(code);
        snprintf(err, n, "%s (%.*s)", msg != NULL ? msg + 1 : "error", clen, code);
        return strncmp(code, "not-authorized ", 15) == 0      ? DSG_CTL_DENIED
             : strncmp(code, "admin_login_required ", 21) == 0 ? DSG_CTL_LOGIN_REQUIRED
             : strncmp(code, "reauth_required ", 16) == 0      ? DSG_CTL_LOGIN_REQUIRED
             : strncmp(code, "unavailable ", 12) == 0         ? DSG_CTL_UNREACHABLE
             : strncmp(code, "audit-unavailable ", 18) == 0   ? DSG_CTL_AUDIT
             : strncmp(code, "unknown-role ", 13) == 0        ? DSG_CTL_BAD_ARGUMENT
                                                               : DSG_CTL_REFUSED;
    }
    snprintf(err, n, "an answer that is neither ok nor error");
    return DSG_CTL_PROTOCOL;
}

int dsg_ctl_token_path(char *out, size_t cap)
{
    const char *file = getenv("DSGCTL_TOKEN_FILE"), *dir = getenv("XDG_RUNTIME_DIR");
    int n;
    if (file != NULL && file[0] != '\0')
        n = snprintf(out, cap, "%s", file);
    else if (dir != NULL && dir[0] == '/')
        n = snprintf(out, cap, "%s/dsgctl-token", dir);
    else if ((dir = getenv("HOME")) != NULL && dir[0] == '/')
        n = snprintf(out, cap, "%s/.dsgctl-token", dir);
    else
        return -1;
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

/* The token of the file at path into out: 1, 0 when there is none (or
 * the file is not this user's to read), -1 (with a message) when the file
 * is not the caller's own, private, regular file holding one token. */
static int read_token(const char *path, char out[DSG_CTL_TOKEN_LEN + 1], char *err, size_t n)
{
    struct stat st;
    char buf[DSG_CTL_TOKEN_LEN + 2];
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && (errno == ENOENT || errno == EACCES))
        return 0;   /* none of this user's: a command that needs a login is refused */
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
        (st.st_mode & 077) != 0) {
        snprintf(err, n, "%s: not a private file of this user (mode 0600): remove it and log in "
                         "again", path);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    ssize_t r = read(fd, buf, sizeof buf);
    close(fd);
    if (r < DSG_CTL_TOKEN_LEN || r > DSG_CTL_TOKEN_LEN + 1 ||
        (r == DSG_CTL_TOKEN_LEN + 1 && buf[DSG_CTL_TOKEN_LEN] != '\n')) {
        snprintf(err, n, "%s: not a dsgctl token: remove it and log in again", path);
        return -1;
    }
    memcpy(out, buf, DSG_CTL_TOKEN_LEN);
    out[DSG_CTL_TOKEN_LEN] = '\0';
    return 1;
}

/* The line as sent: "token=TOKEN " before it when there is a login, then
 * the newline; connected and sent. */
static dsg_ctl_result send_line(const char *path, const char *line, int *fd, char *err,
                                size_t errsize)
{
    char req[DSG_CTL_LINE_MAX + 1], file[4096], token[DSG_CTL_TOKEN_LEN + 1] = "";
    int have = 0, n;
    dsg_ctl_result r;
    if (dsg_ctl_token_path(file, sizeof file) == 0 &&
        (have = read_token(file, token, err, errsize)) < 0)
        return DSG_CTL_LOGIN_REQUIRED;
    n = snprintf(req, sizeof req, "%s%s%s%s\n", have ? "token=" : "", token, have ? " " : "",
                 line);
    if (n < 0 || (size_t)n >= sizeof req || strchr(line, '\n') != NULL) {
        snprintf(err, errsize, "the command line is too long or holds a newline");
        return DSG_CTL_PROTOCOL;
    }
    if ((r = connect_to(path, fd, err, errsize)) != DSG_CTL_OK)
        return r;
    if (send(*fd, req, (size_t)n, MSG_NOSIGNAL) != n) {
        snprintf(err, errsize, "sending the command: %s", strerror(errno));
        close(*fd);
        return DSG_CTL_UNREACHABLE;
    }
    return DSG_CTL_OK;
}

dsg_ctl_result dsg_ctl_call(const char *path, const char *line, int timeout_ms, char *out,
                            size_t cap, size_t *len, int *status, char *err, size_t errsize)
{
    long long deadline = now_ms() + timeout_ms;
    int fd;
    dsg_ctl_result r;

    if (cap == 0)
        return DSG_CTL_PROTOCOL;
    if ((r = send_line(path, line, &fd, err, errsize)) != DSG_CTL_OK)
        return r;
    r = read_all(fd, deadline, out, cap - 1, len, err, errsize);
    close(fd);
    if (r != DSG_CTL_OK)
        return r;
    out[*len] = '\0';
    return first_line(out, len, status, err, errsize);
}

/* ---- streamed answers ------------------------------------------------------ */

typedef struct reader {
    int fd, idle_ms, eof;
    size_t len, off;
    char buf[1u << 17];
} reader;

/* More bytes into the buffer (after compacting it). */
static dsg_ctl_result refill(reader *r, char *err, size_t n)
{
    struct pollfd pf = { r->fd, POLLIN, 0 };
    memmove(r->buf, r->buf + r->off, r->len - r->off);
    r->len -= r->off;
    r->off = 0;
    if (r->len == sizeof r->buf) {
        snprintf(err, n, "an answer line longer than %zu bytes", sizeof r->buf);
        return DSG_CTL_PROTOCOL;
    }
    for (;;) {
        if (poll(&pf, 1, r->idle_ms) == 0) {
            snprintf(err, n, "dsgd did not send more within %d ms", r->idle_ms);
            return DSG_CTL_UNREACHABLE;
        }
        ssize_t got = read(r->fd, r->buf + r->len, sizeof r->buf - r->len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            snprintf(err, n, "reading the answer: %s", strerror(errno));
            return DSG_CTL_UNREACHABLE;
        }
        r->eof = got == 0;
        r->len += (size_t)got;
        return DSG_CTL_OK;
    }
}

/* The next line, without its LF, NUL-terminated in place. */
static dsg_ctl_result next_line(reader *r, char **line, char *err, size_t n)
{
    for (;;) {
        char *lf = memchr(r->buf + r->off, '\n', r->len - r->off);
        if (lf != NULL) {
            *lf = '\0';
            *line = r->buf + r->off;
            r->off = (size_t)(lf - r->buf) + 1;
            return DSG_CTL_OK;
        }
        if (r->eof) {
            snprintf(err, n, "the answer ended in the middle of a line");
            return DSG_CTL_PROTOCOL;
        }
        dsg_ctl_result rc = refill(r, err, n);
        if (rc != DSG_CTL_OK)
            return rc;
    }
}

static int write_out(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/* LEN bytes of a piece to out; a failed write is remembered in *werr. */
static dsg_ctl_result copy_piece(reader *r, size_t len, int out, int *werr, char *err, size_t n)
{
    while (len > 0) {
        if (r->off == r->len) {
            if (r->eof) {
                snprintf(err, n, "the answer ended in the middle of a piece");
                return DSG_CTL_PROTOCOL;
            }
            dsg_ctl_result rc = refill(r, err, n);
            if (rc != DSG_CTL_OK)
                return rc;
            continue;
        }
        size_t k = r->len - r->off < len ? r->len - r->off : len;
        if (!*werr && write_out(out, r->buf + r->off, k) != 0)
            *werr = errno != 0 ? errno : EIO;
        r->off += k;
        len -= k;
    }
    return DSG_CTL_OK;
}

/* Everything up to EOF, NUL-terminated, from r->off. */
static dsg_ctl_result rest(reader *r, char *err, size_t n)
{
    while (!r->eof) {
        dsg_ctl_result rc = refill(r, err, n);
        if (rc != DSG_CTL_OK)
            return rc;
        if (r->len == sizeof r->buf) {
            snprintf(err, n, "the answer is too long");
            return DSG_CTL_PROTOCOL;
        }
    }
    r->buf[r->len < sizeof r->buf ? r->len : sizeof r->buf - 1] = '\0';
    return DSG_CTL_OK;
}

/* After "ok stream": pieces, then "end N" and the message. */
static dsg_ctl_result pieces(reader *r, int out, int *status, char *err, size_t n)
{
    int werr = 0;
    for (;;) {
        char *line, *end;
        dsg_ctl_result rc = next_line(r, &line, err, n);
        if (rc != DSG_CTL_OK)
            return rc;
        if (strncmp(line, "data ", 5) == 0) {
            unsigned long len = strtoul(line + 5, &end, 10);
            if (*end != '\0' || end == line + 5 || len > sizeof r->buf)
                break;
            if ((rc = copy_piece(r, len, out, &werr, err, n)) != DSG_CTL_OK)
                return rc;
            if (werr) {   /* no reader: stop here, dsgd drops the rest */
                *status = 74;
                snprintf(err, n, "writing the output: %s", strerror(werr));
                return DSG_CTL_OK;
            }
            continue;
        }
        if (strncmp(line, "end ", 4) != 0)
            break;
        long v = strtol(line + 4, &end, 10);
        if (*end != '\0' || end == line + 4 || v < 0 || v > 255)
            break;
        memmove(r->buf, r->buf + r->off, r->len - r->off);   /* the message at buf[0] */
        r->len -= r->off;
        r->off = 0;
        if ((rc = rest(r, err, n)) != DSG_CTL_OK)
            return rc;
        *status = (int)v;
        snprintf(err, n, "%s", r->buf);
        err[strcspn(err, "\n")] = '\0';
        return DSG_CTL_OK;
    }
    snprintf(err, n, "a streamed answer with a bad line");
    return DSG_CTL_PROTOCOL;
}

dsg_ctl_result dsg_ctl_stream(const char *path, const char *line, int idle_ms, int out_fd,
                              int *status, char *err, size_t errsize)
{
    static reader r;
    char *first;
    int fd;
    dsg_ctl_result rc;
    if ((rc = send_line(path, line, &fd, err, errsize)) != DSG_CTL_OK)
        return rc;
    memset(&r, 0, offsetof(reader, buf));
    r.fd = fd;
    r.idle_ms = idle_ms;
    rc = next_line(&r, &first, err, errsize);
    if (rc == DSG_CTL_OK && strcmp(first, "ok stream") == 0) {
        rc = pieces(&r, out_fd, status, err, errsize);
    } else if (rc == DSG_CTL_OK) {
        first[strlen(first)] = '\n';   /* the whole answer, as dsg_ctl_call reads it */
        r.off = 0;
        if ((rc = rest(&r, err, errsize)) == DSG_CTL_OK) {
            size_t len = r.len;
            rc = first_line(r.buf, &len, status, err, errsize);
            if (rc == DSG_CTL_OK && *status == 0 && write_out(out_fd, r.buf, len) != 0)
                *status = 74;
            if (rc == DSG_CTL_OK && *status != 0)
                snprintf(err, errsize, "%.*s", (int)strcspn(r.buf, "\n"), r.buf);
        }
    }
    close(fd);
    return rc;
}
