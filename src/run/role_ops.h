/*
 * What a role plugs into the worker (worker.c): the worker sandboxes the
 * process, says HELLO, runs the poll loop and the bus, and calls these at
 * the points below. A new service adds a role by filling one of these in
 * role_ops.c; neither the worker's loop nor the master changes. Any
 * member may be NULL: the role has nothing to do at that point.
 */
#ifndef DSGD_ROLE_OPS_H
#define DSGD_ROLE_OPS_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "run/bus.h"

struct dsgd_backup_source;

/* What the master passed on the worker's command line for the role. */
typedef struct dsgd_role_args {
    const char *settings;   /* -L: the role's settings (dsgd_settings_*_arg), or NULL */
    const char *forward;    /* -F: log.forward (logd), or NULL */
} dsgd_role_args;

typedef struct dsgd_role_ops {
    const char *setup_step;   /* prepare's name in the sandbox log (docs/sandbox.md) */
    /* Before the sandbox, while files may still be read: whatever the role
     * needs from the master's descriptors. *nofile: its RLIMIT_NOFILE (left
     * alone: the default). 0, or -1 with a message. */
    int (*prepare)(const dsgd_role_args *args, uint32_t *nofile, char *err, size_t n);
    /* Sandboxed, after HELLO: a storage role opens what it owns in dir
     * ("/" when chrooted into var/<role>/). 0, or -1 with a message. */
    int (*start)(const char *dir, const dsgd_role_args *args, char *err, size_t n);
    /* WELCOMEd: the bus is open. 0, or -1 (the channel is then closed). */
    int (*bus_open)(dsgd_chan *chan);
    /* A bus message from the master: 0 when taken, -1 when the role does
     * not take it (the channel is then closed). */
    int (*message)(const dsgd_msg *m, dsgd_chan *chan);
    /* Once WELCOMEd: the role's descriptors for poll (at most max), and
     * its next deadline (lowers *timeout_ms; -1: none). */
    size_t (*pollfds)(struct pollfd *pf, size_t max, int *timeout_ms);
    /* What poll returned for them (n may be 0: a deadline passed). */
    void (*events)(const struct pollfd *pf, size_t n, dsgd_chan *chan);
    /* For a role without descriptors of its own: milliseconds until it has
     * work to do (0: now, -1: none before the next message), and that work,
     * run after every poll once WELCOMEd (timed checkpoints, the next
     * piece of a long answer). */
    int (*timeout)(void);
    void (*tick)(void);
    /* After the messages of one read from the channel: work batched over
     * them (logd's group commit). 0, or -1 when the channel is broken. */
    int (*settle)(void);
    /* An audit acknowledgement came in (REQ-LOG-008). */
    void (*audited)(dsgd_chan *chan);
    /* dsgd stops (DSGD_MSG_DRAIN): take no new work from outside. */
    void (*stop_accepting)(void);
    /* A storage role's data for a backup run (role_backup.h): 0 with src
     * filled in, or -1 when its store is not open. */
    int (*backup)(struct dsgd_backup_source *src);
    /* SHUTDOWN: last words, then the process exits. */
    void (*stop)(void);
} dsgd_role_ops;

/* The ops of the role named name; NULL for an unknown role.
 * @relation(REQ-RUN-030) */
const dsgd_role_ops *dsgd_role_ops_find(const char *name);

#endif
