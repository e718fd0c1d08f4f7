/*
 * The portal worker's TLS front end (docs/sandbox.md): prepared before the
 * sandbox from what the master handed over on fds 4 and 5, then driven by
 * the worker's poll loop.
 */
#ifndef DSGD_PORTAL_H
#define DSGD_PORTAL_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "run/bus.h"

/* Before the sandbox: checks that fd 4 is a listening TCP socket, reads the
 * setup pipe on fd 5 to EOF and closes it, builds the SSL_CTX from the
 * certificate and key bytes and wipes them. Returns 0, or -1 with a message
 * in err. @relation(REQ-RUN-042) */
__attribute__((warn_unused_result))
int dsgd_portal_prepare(char *err, size_t errsize);

/* The RLIMIT_NOFILE the portal needs: fds 0-4 plus its connections.
 * @relation(REQ-RUN-043) */
uint32_t dsgd_portal_nofile(void);

/* The portal's descriptors for poll (at most max), and its next deadline
 * (lowers *timeout_ms; -1: none). @relation(REQ-RUN-043) */
size_t dsgd_portal_pollfds(struct pollfd *pf, size_t max, int *timeout_ms);

/* Handles what poll returned for them. @relation(REQ-RUN-043) */
void dsgd_portal_events(const struct pollfd *pf, size_t n);

/* Once WELCOMEd: the bus on which requests for the roles' routes go.
 * @relation(REQ-RUN-017) */
void dsgd_portal_bus(dsgd_chan *bus);

/* dsgd stops: no new connection from now on. @relation(REQ-RUN-009) */
void dsgd_portal_stop_accepting(void);

/* A message from the master (routes, answers, a role gone): 0 when
 * handled, -1 when the channel is to be closed. @relation(REQ-RUN-017) */
int dsgd_portal_message(const dsgd_msg *m);

#endif
