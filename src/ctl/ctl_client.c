/* The client end of dsgd's control socket: see ctl_client.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
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
             : strncmp(code, "unavailable ", 12) == 0         ? DSG_CTL_UNREACHABLE
             : strncmp(code, "audit-unavailable ", 18) == 0   ? DSG_CTL_AUDIT
             : strncmp(code, "unknown-role ", 13) == 0        ? DSG_CTL_BAD_ARGUMENT
                                                               : DSG_CTL_REFUSED;
    }
    snprintf(err, n, "an answer that is neither ok nor error");
    return DSG_CTL_PROTOCOL;
}

dsg_ctl_result dsg_ctl_call(const char *path, const char *line, int timeout_ms, char *out,
                            size_t cap, size_t *len, int *status, char *err, size_t errsize)
{
    long long deadline = now_ms() + timeout_ms;
    char req[1024];
    int fd, n;
    dsg_ctl_result r;

    if (cap == 0)
        return DSG_CTL_PROTOCOL;
    n = snprintf(req, sizeof req, "%s\n", line);
    if (n < 0 || (size_t)n >= sizeof req || strchr(line, '\n') != NULL) {
        snprintf(err, errsize, "the command line is too long or holds a newline");
        return DSG_CTL_PROTOCOL;
    }
    if ((r = connect_to(path, &fd, err, errsize)) != DSG_CTL_OK)
        return r;
    if (send(fd, req, (size_t)n, MSG_NOSIGNAL) != n) {
        snprintf(err, errsize, "sending the command: %s", strerror(errno));
        close(fd);
        return DSG_CTL_UNREACHABLE;
    }
    r = read_all(fd, deadline, out, cap - 1, len, err, errsize);
    close(fd);
    if (r != DSG_CTL_OK)
        return r;
    out[*len] = '\0';
    return first_line(out, len, status, err, errsize);
}
