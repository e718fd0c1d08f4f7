/*
 * A dsgd worker: started by the master as `dsgd --worker ROLE ...` with the
 * IPC socket on fd 3 and the log pipe on fd 2. It sandboxes itself before
 * it reads a byte from the channel, says HELLO, and then answers PING and
 * SHUTDOWN. The portal also prepares its TLS server before the sandbox
 * (portal.c) and, once WELCOMEd, serves it from the same poll loop.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/audit_out.h"
#include "run/bus.h"
#include "run/channel.h"
#include "run/log.h"
#include "run/roles.h"
#include "run/role_backup.h"
#include "run/role_ops.h"
#include "run/sandbox.h"
#include "run/role_http.h"
#include "run/test_hooks.h"
#include "run/worker.h"

static dsgd_chan chan;   /* global: the SIGSYS handler reads it */
static const dsgd_role_ops *ops;   /* the role's entry points (role_ops.c) */
#ifdef DSG_TEST_HOOKS
static int ignore_ping;      /* test hook no-pong */
static int ignore_shutdown;  /* test hook no-shutdown */
#else
#define ignore_ping 0
#define ignore_shutdown 0
#endif

static int draining;     /* stopping (dsgd, or this role to restart): records asked for */
static int drained;      /* DSGD_MSG_DRAINED sent: audit records are held */

/* A stop begins (DSGD_MSG_DRAIN, REQ-LOG-043): the records queued so far
 * are to go out before SHUTDOWN, which closes the channel; the portal
 * takes no new connection from now on. */
static int drain(const dsgd_msg *m)
{
    if (m->len != 0 || draining || dsgd_bus_done(&chan, 1) != 0) {
        dsgd_log("a malformed or repeated DRAIN from the master: closing the channel");
        return DSGD_EXIT_PROTOCOL;
    }
    draining = 1;
    if (ops->stop_accepting != NULL)
        ops->stop_accepting();
    return -1;
}

/* Once nothing is queued, DRAINED follows the last AUDIT message on the
 * bus and tells the master it may send SHUTDOWN; what is recorded after
 * it is held (and counted at SHUTDOWN). Without room on the bus it waits
 * for the next CREDIT. 0, or -1 when the channel is broken. */
static int hand_over(void)
{
    int r;
    if (!draining || drained || dsgd_audit_out_queued() > 0)
        return 0;
    if ((r = dsgd_bus_send(&chan, DSGD_MSG_DRAINED, NULL, 0)) != 0)
        return r > 0 ? 0 : -1;
    drained = 1;
    dsgd_audit_out_hold();
    return 0;
}

/* What became of one of this role's AUDIT messages (REQ-LOG-008): any
 * role may get one; the ctl worker has commands waiting on it, a role
 * serving HTTP held answers (the loop's dsgd_role_http_flush sends them). */
static int audit_ack(const dsgd_msg *m)
{
    if (dsgd_audit_out_ack(m->body, m->len) != 0) {
        dsgd_log("a malformed audit acknowledgement from the master: closing the channel");
        return DSGD_EXIT_PROTOCOL;
    }
    /* Its credit cannot go out once the master has closed its end after
     * a SHUTDOWN this role has yet to read (a stop, a reload): the ack
     * still counts, and the next frame read is that SHUTDOWN, or the end
     * of the channel. */
    if (dsgd_bus_done(&chan, 1) != 0)
        dsgd_log("the credit for an audit acknowledgement could not be sent");
    if (ops->audited != NULL)
        ops->audited(&chan);
    return -1;
}

/* A frame of the master's bus stream: a message goes to the role's
 * handler; anything the role does not take closes the channel. */
static int on_bus(const dsg_ipc_frame *f)
{
    dsgd_msg m;
    int r = dsgd_bus_receive(&chan, f, &m);
    if (r == 1 && m.kind == DSGD_MSG_AUDIT_ACK)
        return audit_ack(&m);
    if (r == 1 && m.kind == DSGD_MSG_DRAIN)
        return drain(&m);
    if (r == 1 && m.kind == DSGD_MSG_BACKUP && ops->backup != NULL) {
        if (dsgd_role_backup_start(&m, &chan) == 0)
            return -1;
        dsgd_log("a malformed or second backup request from the master: closing the channel");
        return DSGD_EXIT_PROTOCOL;
    }
    if (r == 0 || (r == 1 && ops->message != NULL && ops->message(&m, &chan) == 0))
        return -1;
    if (r == 1)
        dsgd_log("unexpected message kind %u from the master: closing the channel",
                 (unsigned)m.kind);
    else
        dsgd_log("unexpected stream frame type %u from the master: closing the channel",
                 (unsigned)f->type);
    return DSGD_EXIT_PROTOCOL;
}

static int handle(const dsg_ipc_frame *f, int *ready)
{
    dsg_ipc_status st;
    uint8_t p[8];

    switch (f->type) {
    case DSG_IPC_WELCOME:
        if (dsg_ipc_get_u32(f->payload) != DSG_IPC_VERSION) {
            dsgd_log("WELCOME with protocol version %u, want %u: closing the channel",
                     dsg_ipc_get_u32(f->payload), DSG_IPC_VERSION);
            return DSGD_EXIT_PROTOCOL;
        }
        *ready = 1;
        if (dsgd_bus_open(&chan) != 0)
            return DSGD_EXIT_PROTOCOL;
        dsgd_audit_out_start(&chan);
        if (ops->bus_open != NULL && ops->bus_open(&chan) != 0) {
            dsgd_log("cannot start serving on the bus: closing the channel");
            return DSGD_EXIT_PROTOCOL;
        }
        return -1;
    case DSG_IPC_PING:
        if (ignore_ping)
            return -1;
        memcpy(p, f->payload, 8);
        if (dsgd_chan_send(&chan, DSG_IPC_PONG, f->request_id, p, 8, &st) != DSGD_CHAN_FRAME) {
            dsgd_log("cannot send PONG (%s)", dsg_ipc_status_token(st));
            return DSGD_EXIT_PROTOCOL;
        }
        return -1;
    case DSG_IPC_PONG:
        return -1;
    case DSG_IPC_SHUTDOWN:
        if (ignore_shutdown) {
            dsgd_log("test hook no-shutdown: SHUTDOWN ignored");
            return -1;
        }
        dsgd_audit_out_abandon();   /* the channel is closed: nothing more goes out */
        dsgd_log("SHUTDOWN received: exiting");
        if (ops->stop != NULL)
            ops->stop();
        return 0;
    case DSG_IPC_STREAM_OPEN:
    case DSG_IPC_DATA:
    case DSG_IPC_CREDIT:
    case DSG_IPC_END:
    case DSG_IPC_ABORT:
    case DSG_IPC_STREAM_CLOSE:
        return on_bus(f);
    default:
        dsgd_log("unexpected frame type %u: closing the channel", (unsigned)f->type);
        return DSGD_EXIT_PROTOCOL;
    }
}

static int loop(const char *hook, int max_known)
{
    int ready = 0, hook_done = hook == NULL;
    (void)max_known;
    for (;;) {
        static struct pollfd pf[1 + 2 * 256];
        dsg_ipc_frame f;
        dsg_ipc_status st;
        int rd = 1, timeout = -1;
        size_t n = 0;

        dsgd_audit_out_flush();   /* what the last round recorded, or waited for credit */
        if (hand_over() != 0)
            return DSGD_EXIT_PROTOCOL;
        dsgd_role_http_flush();   /* answers that waited for credit or their audit record */
        pf[0].fd = 3;
        pf[0].events = POLLIN;
        pf[0].revents = 0;
        if (ready && ops->pollfds != NULL)
            n = ops->pollfds(pf + 1, sizeof pf / sizeof pf[0] - 2, &timeout);
        size_t nb = ready ? dsgd_role_backup_pollfd(pf + 1 + n) : 0;   /* a full backup pipe */
        int due = ready && ops->timeout != NULL ? ops->timeout() : -1;
        if (due >= 0 && (timeout < 0 || due < timeout))
            timeout = due;
        if (dsgd_role_backup_busy())
            timeout = 0;   /* the next piece of a backup, between the other work */
        int retry = dsgd_role_backup_retry_ms();   /* its answer, when the bus has room */
        if (retry >= 0 && (timeout < 0 || retry < timeout))
            timeout = retry;
        if (poll(pf, 1 + n + nb, timeout) < 0) {
            if (errno == EINTR)
                continue;
            dsgd_log("poll: %s", strerror(errno));
            return DSGD_EXIT_PROTOCOL;
        }
        if (ready && ops->events != NULL)
            ops->events(pf + 1, n, &chan);
        if (ready && ops->tick != NULL)
            ops->tick();
        if (ready && dsgd_role_backup_step(&chan) != 0)
            return DSGD_EXIT_PROTOCOL;
        if (pf[0].revents == 0)
            continue;
        for (;;) {
            dsgd_chan_rc rc = dsgd_chan_next(&chan, rd, &f, &st);
            rd = 0;
            if (rc == DSGD_CHAN_AGAIN)
                break;
            if (rc == DSGD_CHAN_EOF) {
                dsgd_log("the master closed the channel: exiting");
                return DSGD_EXIT_EOF;
            }
            if (rc == DSGD_CHAN_BAD) {
                dsgd_log("bad frame from the master (%s): closing the channel",
                         dsg_ipc_status_token(st));
                return DSGD_EXIT_PROTOCOL;
            }
            if (rc == DSGD_CHAN_IO) {
                dsgd_log("read: %s", strerror(errno));
                return DSGD_EXIT_PROTOCOL;
            }
            int r = handle(&f, &ready);
            if (r >= 0)
                return r;
        }
        if (ops->settle != NULL && ops->settle() != 0)   /* e.g. one commit for all that came */
            return DSGD_EXIT_PROTOCOL;
        if (ready && !hook_done) {
            hook_done = 1;
#ifdef DSG_TEST_HOOKS
            if (strcmp(hook, "no-pong") == 0) {
                dsgd_log("test hook no-pong: PINGs go unanswered");
                ignore_ping = 1;
            } else if (strcmp(hook, "no-shutdown") == 0) {
                dsgd_log("test hook no-shutdown: SHUTDOWN will be ignored");
                ignore_shutdown = 1;
            } else if (dsgd_test_hook_run(hook, &chan, max_known) != 0) {
                return DSGD_EXIT_PROTOCOL;
            }
#endif
        }
    }
}

int dsgd_worker_main(const char *rolename, const char *statedir, const char *user,
                     const char *logd, const char *forward, const char *hook)
{
    const dsgd_role *role = dsgd_role_find(rolename);
    char roledir[4200];
    char err[256];
    dsgd_sandbox sb;
    struct stat st;
    dsg_ipc_status ist;
    uint8_t hello[8];

    dsgd_log_init(rolename, 1);
    if (role == NULL) {
        dsgd_log("unknown role '%s'", rolename);
        return DSGD_EXIT_SANDBOX;
    }
    if (fstat(3, &st) != 0 || !S_ISSOCK(st.st_mode)) {
        dsgd_log("fd 3 is not the IPC socket: a worker is started by the dsgd master only");
        return DSGD_EXIT_SANDBOX;
    }
    memset(&sb, 0, sizeof sb);
    sb.role = role;
    sb.as_root = geteuid() == 0;
    sb.uid = getuid();
    sb.gid = getgid();
    sb.chan = &chan;
    if (sb.as_root) {
        struct passwd *pw = getpwnam(user);
        if (pw == NULL) {
            dsgd_log("user '%s' does not exist: workers never run as root", user);
            return DSGD_EXIT_SANDBOX;
        }
        sb.uid = pw->pw_uid;
        sb.gid = pw->pw_gid;
    }
    if (role->kind == DSGD_ROLE_STORAGE) {
        int n = snprintf(roledir, sizeof roledir, "%s/%s", statedir, role->name);
        if (n < 0 || (size_t)n >= sizeof roledir || statedir[0] != '/') {
            dsgd_log("bad state directory '%s'", statedir);
            return DSGD_EXIT_SANDBOX;
        }
        sb.roledir = roledir;
    }
    dsgd_chan_init(&chan, 3, DSG_IPC_PEER_WORKER);
#ifdef DSG_TEST_HOOKS
    if (hook != NULL && strncmp(hook, "fail-", 5) == 0) {
        sb.force_fail = hook + 5;
        hook = NULL;
    }
#endif
    ops = dsgd_role_ops_find(role->name);
    if (ops == NULL) {
        dsgd_log("role '%s' has no entry points: exiting", role->name);
        return DSGD_EXIT_SANDBOX;
    }
    /* TLS from the master's bytes and the like, while files may still be
     * opened */
    if (ops->prepare != NULL) {
        uint32_t nofile = 0;
        dsgd_role_args pre = { logd, forward };
        if (ops->prepare(&pre, &nofile, err, sizeof err) != 0) {
            dsgd_log("sandbox step %s failed: %s: exiting", ops->setup_step, err);
            return DSGD_EXIT_SANDBOX;
        }
        if (nofile != 0)
            sb.nofile = nofile;
    }
    /* a backup's writer that went away is a write error for the role, not
     * its end (role_backup.h); the filter allows no sigaction later */
    if (ops->backup != NULL)
        signal(SIGPIPE, SIG_IGN);
    /* whatever a role creates (logd's database, its -wal and -shm) is its
     * own alone: mode 0600 (REQ-LOG-006) */
    umask(077);
    if (dsgd_sandbox_apply(&sb, err, sizeof err) != 0) {
        dsgd_log("sandbox step %s failed: %s: exiting", sb.failed_step, err);
        return DSGD_EXIT_SANDBOX;
    }
    if (ops->backup != NULL)
        dsgd_role_backup_init(sb.chrooted ? "/" : roledir, ops->backup);
    if (!DSGD_SANITIZED)
        dsgd_log("sandbox complete: seccomp filter loaded (default TRAP; ENOSYS for clone3 "
                 "and syscalls %d..%d)", sb.max_known + 1, DSGD_SYSCALL_PROBE_MAX);
    dsg_ipc_put_u32(hello, DSG_IPC_VERSION);
    dsg_ipc_put_u32(hello + 4, role->id);
    if (dsgd_chan_send(&chan, DSG_IPC_HELLO, 0, hello, 8, &ist) != DSGD_CHAN_FRAME) {
        dsgd_log("cannot send HELLO (%s)", dsg_ipc_status_token(ist));
        return DSGD_EXIT_PROTOCOL;
    }
    if (ops->start != NULL) {
        /* a store is opened inside the sandbox (chroot, Landlock, filter)
         * and after HELLO, so a master that stops at once never sees a
         * HELLO after its SHUTDOWN; frames wait in the socket meanwhile */
        dsgd_role_args args = { logd, forward };
        if (ops->start(sb.chrooted ? "/" : roledir, &args, err, sizeof err) != 0) {
            dsgd_log("%s: %s: exiting", role->name, err);
            return DSGD_EXIT_SANDBOX;
        }
    }
    return loop(hook, sb.max_known);
}
