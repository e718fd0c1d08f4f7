/*
 * The ctl worker (REQ-RUN-021, REQ-RUN-023): serves the control socket the
 * master opened (fd 4, a listening AF_UNIX socket of mode 0660, group
 * dsgadm). Each client sends one command line and gets one answer; the ctl
 * worker checks the client with SO_PEERCRED and SO_PEERGROUPS, logs every
 * command with the client's uid and pid, and asks the master over IPC for
 * what only the master knows.
 *
 * The client protocol: one line, at most DSGD_CTL_LINE_MAX bytes, e.g.
 * "status", "status --json", "config show", "config show --json", "role
 * restart ROLE", "log verify", "log prune --before T", "log export ..." or
 * "key rotate kek",
 * then the answer: a first line "ok" (or "ok N": the command ran and dsgctl
 * is to exit with N, e.g. 1 when verification found a break) or "error
 * <code> <message>", then the output, then the ctl worker closes. A
 * streamed answer (log export) is "ok stream", then pieces "data LEN" and
 * LEN bytes, then "end N" and a message; each piece is taken from the
 * master only once the client has the one before. ctl adds the client's
 * --uid and --pid to "log prune" (a client that sends them is refused),
 * and the administrator, uid and pid to "key rotate kek".
 * Codes: not-authorized, unknown-command, unknown-role, bad-request, busy,
 * unavailable, audit-unavailable.
 *
 * Fail-closed (REQ-LOG-008): every command is recorded in the audit trail
 * with its result, and its answer is held until logd has stored that
 * record; `role restart` and `key rotate kek`, which change the gateway,
 * are also recorded as requested and reach the master only once that
 * record is stored (but `role restart logd`, which brings the audit trail
 * back). A
 * record not stored in time (the master's answer, src/run/bus.h) fails the
 * command with `error audit-unavailable` (dsgctl exits 75).
 *
 * A command goes to the master as a DSGD_MSG_CTL_REQUEST message on the bus
 * (src/run/bus.h) and comes back as a DSGD_MSG_CTL_ANSWER; one command is
 * with the master at a time.
 */
#ifndef DSGD_CTL_H
#define DSGD_CTL_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "run/bus.h"
#include "run/channel.h"

#define DSGD_CTL_LISTEN_FD 4
#define DSGD_CTL_LINE_MAX 4096u
#define DSGD_CTL_CLIENTS 8u
#define DSGD_CTL_ANSWER_MAX 65536u    /* one DATA frame */
#define DSGD_CTL_CLIENT_TIMEOUT_MS 10000u
#define DSGD_CTL_ADMIN_GROUP "dsgadm"
#define DSGD_CTL_TOKEN_LEN 22u        /* an administrator's token: 128 bits, base64url */
#define DSGD_CTL_ADMIN_MAX 64u        /* bytes of an administrator's user ID */

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

/* An audit acknowledgement came in: commands waiting on their record move
 * on, or fail with `error audit-unavailable` (REQ-LOG-008).
 * @relation(REQ-LOG-008) */
void dsgd_ctl_audited(dsgd_chan *chan);

/* A bus message from the master: an answer, or a piece of a streamed one.
 * 0, or -1: a message the ctl worker did not ask for (the channel is then
 * closed). @relation(REQ-RUN-023, REQ-LOG-045) */
int dsgd_ctl_message(const dsgd_msg *m, dsgd_chan *chan);

#endif
