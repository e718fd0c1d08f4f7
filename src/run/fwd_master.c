/* The master's side of forwarding: see fwd_master.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "run/backoff.h"
#include "run/fwd_master.h"
#include "run/fwd_wire.h"
#include "run/log.h"

enum { IDLE = 0, CONNECTING = 1, HANDED = 2, UP = 3 };

typedef struct mcoll {
    int state;
    int fd;              /* CONNECTING: the socket */
    uint32_t gen;        /* of the latest connection */
    uint64_t at;         /* IDLE: next attempt; CONNECTING: deadline */
    uint64_t up_since;
    uint32_t delay;      /* the last retry delay; 0: none yet */
} mcoll;

static struct {
    dsgd_fwd_targets t;
    uint32_t initial_ms, max_ms, timeout_ms;
    dsgd_fwd_master_ops ops;
    int pass_fd;
    int stopping;
    mcoll c[DSGD_FWD_MAX];
} fm = { .pass_fd = -1 };

void dsgd_fwd_master_init(const struct dsgd_fwd_settings *f, uint32_t retry_initial_ms,
                          const dsgd_fwd_master_ops *ops)
{
    fm.t = f->targets;
    fm.initial_ms = retry_initial_ms;
    fm.max_ms = f->retry_max_ms;
    fm.timeout_ms = f->timeout_ms;
    fm.ops = *ops;
    for (unsigned k = 0; k < DSGD_FWD_MAX; k++)
        fm.c[k] = (mcoll){ IDLE, -1, 0, 0, 0, 0 };
}

static void tell(void (*to)(const uint8_t *, size_t), unsigned k, int up)
{
    uint8_t b[DSGD_FWD_STATE_LEN];
    dsgd_fwd_state_put(b, (uint8_t)k, fm.c[k].gen, up);
    to(b, sizeof b);
}

/* The next attempt after a failure or a connection that went down. */
static void retry_later(unsigned k, const char *why)
{
    mcoll *c = &fm.c[k];
    uint64_t now = dsgd_now_ms();
    uint64_t uptime = c->state == UP ? now - c->up_since : 0;
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->delay = dsgd_backoff_next(c->delay, uptime, fm.initial_ms, fm.max_ms, fm.max_ms);
    c->state = IDLE;
    c->at = now + c->delay;
    dsgd_log("log.forward %s: %s; connecting again in %u ms", fm.t.t[k].text, why, c->delay);
}

static void handover(unsigned k)
{
    mcoll *c = &fm.c[k];
    union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } ctl;
    uint8_t body[DSGD_FWD_HANDOVER_LEN];
    struct iovec iov = { body, sizeof body };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
                         .msg_controllen = sizeof ctl.buf };
    memset(ctl.buf, 0, sizeof ctl.buf);
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &c->fd, sizeof c->fd);
    c->gen++;
    dsgd_fwd_handover_put(body, (uint8_t)k, c->gen);
    if (fm.pass_fd < 0) {
        retry_later(k, "logfwd is not running");
        return;
    }
    if (sendmsg(fm.pass_fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)sizeof body) {
        retry_later(k, "cannot pass the socket to logfwd");
        return;
    }
    close(c->fd);
    c->fd = -1;
    c->state = HANDED;
    dsgd_log("log.forward %s: connected; socket passed to logfwd (connection %u)",
             fm.t.t[k].text, c->gen);
}

static void start_connect(unsigned k, uint64_t now)
{
    mcoll *c = &fm.c[k];
    const dsgd_fwd_target *t = &fm.t.t[k];
    struct sockaddr_in6 a6;
    struct sockaddr_in a4;
    memset(&a6, 0, sizeof a6);
    memset(&a4, 0, sizeof a4);
    a6.sin6_family = AF_INET6;
    a6.sin6_port = htons(t->port);
    memcpy(&a6.sin6_addr, t->ip, 16);
    a4.sin_family = AF_INET;
    a4.sin_port = htons(t->port);
    memcpy(&a4.sin_addr, t->ip, 4);
    c->fd = socket(t->v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int rc = c->fd < 0 ? -1
             : t->v6 ? connect(c->fd, (struct sockaddr *)&a6, sizeof a6)
                     : connect(c->fd, (struct sockaddr *)&a4, sizeof a4);
    if (rc == 0) {
        handover(k);
        return;
    }
    if (errno != EINPROGRESS) {
        char why[160];
        snprintf(why, sizeof why, "connect: %s", strerror(errno));
        retry_later(k, why);
        return;
    }
    c->state = CONNECTING;
    c->at = now + fm.timeout_ms;
}

/* A connect that finished: handed over, or failed. */
static void connected(unsigned k)
{
    mcoll *c = &fm.c[k];
    int e = 0;
    socklen_t l = sizeof e;
    char why[160];
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &l) != 0)
        e = errno;
    if (e == EINPROGRESS)
        return;
    if (e == 0) {
        handover(k);
        return;
    }
    snprintf(why, sizeof why, "connect: %s", strerror(e));
    retry_later(k, why);
}

void dsgd_fwd_master_logfwd(int pass_fd)
{
    fm.pass_fd = pass_fd;
    for (unsigned k = 0; k < fm.t.n; k++) {
        mcoll *c = &fm.c[k];
        if (pass_fd >= 0 || (c->state != HANDED && c->state != UP))
            continue;
        tell(fm.ops.to_logd, k, 0);
        if (c->state == UP)
            fm.ops.record("forward-down", fm.t.t[k].text);
        c->state = IDLE;
        c->at = dsgd_now_ms();   /* again as soon as logfwd is back */
    }
}

void dsgd_fwd_master_logd_ready(void)
{
    for (unsigned k = 0; k < fm.t.n; k++)
        if (fm.c[k].state == UP)
            tell(fm.ops.to_logd, k, 1);
}

void dsgd_fwd_master_logd_gone(void)
{
    for (unsigned k = 0; k < fm.t.n; k++)
        if (fm.c[k].state == HANDED || fm.c[k].state == UP)
            tell(fm.ops.to_logfwd, k, 0);
}

int dsgd_fwd_master_state(const uint8_t *body, size_t len)
{
    uint8_t k;
    uint32_t gen;
    int up;
    if (dsgd_fwd_state_get(body, len, &k, &gen, &up) != 0 || k >= fm.t.n)
        return -1;
    mcoll *c = &fm.c[k];
    if (gen != c->gen || (c->state != HANDED && c->state != UP))
        return 0;   /* an older connection's news */
    tell(fm.ops.to_logd, k, up);
    if (up && c->state == HANDED) {
        c->state = UP;
        c->up_since = dsgd_now_ms();
        fm.ops.record("forward-up", fm.t.t[k].text);
    } else if (!up) {
        if (c->state == UP)
            fm.ops.record("forward-down", fm.t.t[k].text);
        retry_later(k, c->state == UP ? "connection down" : "TLS not established");
    }
    return 0;
}

size_t dsgd_fwd_master_pollfds(struct pollfd *pf, size_t max)
{
    size_t n = 0;
    for (unsigned k = 0; k < fm.t.n && n < max; k++)
        if (fm.c[k].state == CONNECTING)
            pf[n++] = (struct pollfd){ fm.c[k].fd, POLLOUT, 0 };
    return n;
}

void dsgd_fwd_master_events(const struct pollfd *pf, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (unsigned k = 0; k < fm.t.n; k++)
            if (pf[i].revents != 0 && fm.c[k].state == CONNECTING && fm.c[k].fd == pf[i].fd)
                connected(k);
}

uint64_t dsgd_fwd_master_due(void)
{
    uint64_t next = UINT64_MAX;
    for (unsigned k = 0; k < fm.t.n; k++) {
        const mcoll *c = &fm.c[k];
        int waits = c->state == CONNECTING || (c->state == IDLE && fm.pass_fd >= 0 && !fm.stopping);
        if (waits && c->at < next)
            next = c->at;
    }
    return next;
}

void dsgd_fwd_master_timers(uint64_t now)
{
    for (unsigned k = 0; k < fm.t.n; k++) {
        mcoll *c = &fm.c[k];
        if (c->state == CONNECTING && now >= c->at)
            retry_later(k, "connect timeout (log.forward_timeout)");
        else if (c->state == IDLE && now >= c->at && fm.pass_fd >= 0 && !fm.stopping)
            start_connect(k, now);
    }
}

void dsgd_fwd_master_stop(void)
{
    fm.stopping = 1;
    for (unsigned k = 0; k < fm.t.n; k++)
        if (fm.c[k].state == CONNECTING) {
            close(fm.c[k].fd);
            fm.c[k].fd = -1;
            fm.c[k].state = IDLE;
        }
}
