/*
 * The ctl worker (REQ-RUN-021, REQ-RUN-023): serves the control socket the
 * master opened (fd 4, a listening AF_UNIX socket of mode 0660, group
 * dsgadm). Each client sends one command line and gets one answer; the ctl
 * worker checks the client with SO_PEERCRED and SO_PEERGROUPS, logs every
 * command with the client's uid and pid, and asks the master over IPC for
 * what only the master knows.
 *
 * The client protocol: one line, at most DSGD_CTL_LINE_MAX bytes, e.g.
 * "status" or "status --json", then the answer: a first line "ok" or
 * "error <code> <message>", then the output, then the ctl worker closes.
 * Codes: not-authorized, unknown-command, bad-request, busy, unavailable.
 *
 * Streams to and from the master (STREAM_OPEN kinds in dsgd_ctl_kind): the
 * ctl worker opens a request stream with no data (total 0) and ends it; the
 * master closes it and answers with a stream of that kind holding the output.
 */
#ifndef DSGD_CTL_H
#define DSGD_CTL_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "run/channel.h"

#define DSGD_CTL_LISTEN_FD 4
#define DSGD_CTL_LINE_MAX 1024u
#define DSGD_CTL_CLIENTS 8u
#define DSGD_CTL_ANSWER_MAX 65536u    /* one DATA frame */
#define DSGD_CTL_CLIENT_TIMEOUT_MS 10000u
#define DSGD_CTL_ADMIN_GROUP "dsgadm"

typedef enum dsgd_ctl_kind {
    DSGD_CTL_KIND_STATUS_TEXT = 1,
    DSGD_CTL_KIND_STATUS_JSON = 2
} dsgd_ctl_kind;

/* Before the sandbox: checks that fd 4 is a listening AF_UNIX socket and
 * looks up the dsgadm group. 0, or -1 with a message. @relation(REQ-RUN-021) */
__attribute__((warn_unused_result))
int dsgd_ctl_prepare(char *err, size_t errsize);

/* The RLIMIT_NOFILE the ctl worker needs. @relation(REQ-RUN-021) */
unsigned dsgd_ctl_nofile(void);

/* Its descriptors for poll, and its next deadline. @relation(REQ-RUN-021) */
size_t dsgd_ctl_pollfds(struct pollfd *pf, size_t max, int *timeout_ms);

/* Handles what poll returned; chan is the channel to the master.
 * @relation(REQ-RUN-021, REQ-RUN-023) */
void dsgd_ctl_events(const struct pollfd *pf, size_t n, dsgd_chan *chan);

/* A stream frame from the master. 0, or -1: a frame the ctl worker did not
 * ask for (the channel is then closed). @relation(REQ-RUN-023) */
int dsgd_ctl_frame(const dsg_ipc_frame *f, dsgd_chan *chan);

#endif
