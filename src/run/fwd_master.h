/*
 * The master's side of forwarding (REQ-LOG-047, REQ-RUN-053;
 * docs/sandbox.md "The logfwd role"): it makes the TCP connections to the
 * collectors of log.forward and hands each connected socket to logfwd,
 * which alone speaks TLS on it; the master reads nothing from the
 * network. A connection is a non-blocking connect(2) to the numeric
 * address, given log.forward_timeout; once connected, the socket goes to
 * logfwd over its fd 4 with SCM_RIGHTS and the master closes its copy.
 * logfwd says when the TLS connection is up and when it went down; the
 * master passes that on to logd, and connects again after a delay that
 * starts at dsgd.restart_delay and doubles up to log.forward_retry_max
 * (reset once a connection stayed up that long). Every connection has a
 * generation number, so news of an old one is told apart.
 */
#ifndef DSGD_FWD_MASTER_H
#define DSGD_FWD_MASTER_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "run/settings.h"

typedef struct dsgd_fwd_master_ops {
    /* a FWD_STATE body for logd (up or down) */
    void (*to_logd)(const uint8_t *body, size_t len);
    /* a FWD_STATE body for logfwd (down: drop that connection) */
    void (*to_logfwd)(const uint8_t *body, size_t len);
    /* a system record of the master's (forward-up, forward-down) */
    void (*record)(const char *event, const char *detail);
} dsgd_fwd_master_ops;

/* The collectors and timings; no connection until logfwd is ready.
 * @relation(REQ-LOG-047) */
void dsgd_fwd_master_init(const struct dsgd_fwd_settings *f, uint32_t retry_initial_ms,
                          const dsgd_fwd_master_ops *ops);

/* logfwd is ready and takes sockets on pass_fd (the master's end of its
 * fd 4), or is gone (-1): its connections are down. @relation(REQ-RUN-053) */
void dsgd_fwd_master_logfwd(int pass_fd);

/* A new logd is ready: it hears of every connection that is up.
 * @relation(REQ-LOG-047) */
void dsgd_fwd_master_logd_ready(void);

/* logd went away: every connection is dropped, so that the next logd
 * starts each collector's stream at a frame boundary. @relation(REQ-LOG-047) */
void dsgd_fwd_master_logd_gone(void);

/* FWD_STATE from logfwd: 0, or -1 when malformed. @relation(REQ-LOG-047) */
int dsgd_fwd_master_state(const uint8_t *body, size_t len);

/* The sockets still connecting, for poll. @relation(REQ-LOG-047) */
size_t dsgd_fwd_master_pollfds(struct pollfd *pf, size_t max);

/* What poll found on them. @relation(REQ-LOG-047) */
void dsgd_fwd_master_events(const struct pollfd *pf, size_t n);

/* When something is due (UINT64_MAX: nothing). @relation(REQ-LOG-047) */
uint64_t dsgd_fwd_master_due(void);

/* Starts the connections that are due, ends those past their timeout.
 * @relation(REQ-LOG-047) */
void dsgd_fwd_master_timers(uint64_t now);

/* dsgd is stopping: no new connection. @relation(REQ-LOG-047) */
void dsgd_fwd_master_stop(void);

#endif
