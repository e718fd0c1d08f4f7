/*
 * The dsgd master (DESIGN principle 4, OpenSSH/OpenBSD privsep): it creates
 * the state directories, takes the pidfile, and starts one worker per role
 * by fork + re-exec of its own binary with the IPC socket on fd 3 (and, for
 * the portal, the listening socket on fd 4 and its TLS setup pipe on fd 5;
 * for ctl, the control socket on fd 4; docs/sandbox.md). It reads
 * only IPC frames (through dsg_ipc_decode) and the workers' log lines; it
 * parses nothing from the network.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <arpa/inet.h>
#include <grp.h>
#include <sys/un.h>
#include <sys/syscall.h>
#include <linux/landlock.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "log/audit.h"
#include "log/audit_wire.h"
#include "run/backoff.h"
#include "run/bkup_dest.h"
#include "run/bkup_report.h"
#include "run/bkup_retention.h"
#include "run/bkup_run.h"
#include "run/role_backup.h"
#include "run/bus.h"
#include "run/channel.h"
#include "run/ctl.h"
#include "run/exchange.h"
#include "run/fwd_master.h"
#include "run/fwd_wire.h"
#include "run/log.h"
#include "run/logfwd_setup.h"
#include "run/master.h"
#include "run/portal_setup.h"
#include "run/key_setup.h"
#include "run/keys.h"
#include "run/relay.h"
#include "run/roles.h"
#include "run/sandbox.h"
#include "run/status.h"
#include "run/test_hooks.h"
#include "run/tls_cert.h"
#include "stor/key_mem.h"

typedef struct worker {
    const dsgd_role *role;
    pid_t pid;                  /* 0: not running */
    dsgd_chan chan;
    int logfd;                  /* read end of the worker's stderr pipe */
    char logbuf[512];
    size_t loglen;
    int log_midline;            /* the next bytes continue a line cut at logbuf's size */
    int ready;                  /* HELLO answered with WELCOME */
    unsigned starts;
    uint64_t started_ms;
    uint32_t last_delay_ms;     /* delay of the pending or last restart; 0: none yet */
    uint64_t restart_at;        /* 0: no restart pending */
    uint64_t next_ping;
    uint64_t ping_sent;         /* 0: no PING outstanding */
    uint8_t ping_nonce[8];
    uint32_t ping_id;
    int reaping;                /* exited: its pid must not be signalled */
    int reload_restart;         /* stopped to apply a reload: start again at once */
    int shutdown_sent;          /* SHUTDOWN sent to this run */
    uint64_t drain_due;         /* asked for its audit records (a stop, a restart):
                                 * SHUTDOWN when it answers DRAINED, or then at the
                                 * latest; 0: not asked */
    int failed;                 /* over the restart burst: down until dsgctl role restart */
    uint32_t audit_seq;         /* AUDIT messages from this run: the last one's number */
    dsgd_exit_window exits;     /* its recent exits, for dsgd.restart_burst */
    int pass;                   /* a storage role's fd 4, the master's end: backup pipes */
} worker;

static worker workers[DSGD_ROLE_COUNT];
static dsgd_settings *cfg;
static const char *exe;
static uid_t run_uid;
static gid_t run_gid;
static int as_root;
static int stopping;
static uint64_t stop_deadline;
static int stop_killed;         /* 1: the roles but logd SIGKILLed; 2: logd too */
static uint32_t config_gen = 1;
static unsigned long long relay_dropped;   /* audit messages dropped while logd was failed */
static unsigned long long stop_lost;       /* roles' records logd did not confirm at a stop */
static unsigned stop_lost_msgs;            /* ... in that many messages */
static dsgd_tls_files tls;      /* the portal's certificate and key, read at start */
static int listen_fd = -1;      /* the portal's listening socket, kept across restarts */
static int ctl_fd = -1;         /* the control socket, ctl's fd 4 */
static int fwd_pass = -1;       /* the master's end of logfwd's fd 4 (sockets to hand over) */
static dsgd_bkup_config bkup;   /* the backup run's settings (REQ-BKUP-001) */
static int64_t started_wall;    /* dsgd's start, Unix seconds: the backup timer's catch-up */
static dsgd_retention_memory retention_memory;   /* REQ-BKUP-008 */
static int retention_due = 1;   /* once after the start, then after each run */
static uint8_t *fwd_ca;         /* log.forward_ca, read at start */
static uint8_t *client_ca;      /* portal.client_ca, read at start (REQ-MFA-002) */
static size_t client_ca_len;
static size_t fwd_ca_len;
static uint64_t started_ms;     /* the master's start, for dsgctl status */
static dsgd_reload_fn reload_settings;
static dsgd_settings first;     /* the settings as first loaded, before paths were resolved */
static dsgd_config_in_force in_force;   /* the keys behind cfg, for dsgctl config show */

static void stop_logd_when_alone(void);
static void shutdown_worker(struct worker *w);
static void alert(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void syslog_alert(const char *msg);
static void master_record(const char *event, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int send_own(struct worker *w, uint8_t kind, const uint8_t *body, size_t len);
static void pass_on(struct worker *from, struct worker *to, uint8_t kind, const uint8_t *head,
                    size_t head_len, const dsgd_msg *m);

static unsigned index_of(const worker *w)
{
    return (unsigned)(w - workers);
}

static struct worker *role_worker(const char *name)
{
    for (unsigned i = 0; i < DSGD_ROLE_COUNT; i++)
        if (strcmp(workers[i].role->name, name) == 0)
            return &workers[i];
    return NULL;
}

static int is_up(const worker *w)
{
    return w->pid > 0 && w->ready && w->chan.fd >= 0;
}

/* dsgd.roles (REQ-RUN-001): a role left out is never started. */
static int enabled(const worker *w)
{
    return (cfg->roles_enabled >> index_of(w)) & 1u;
}


/* ---- state directories, user, pidfile --------------------------------- */

/* Creates path (mode) if missing. A role's directory (owned) is then made
 * the worker user's with exactly that mode, through a descriptor opened
 * without following a symlink; the state directory, which the operator may
 * have chosen, is left as it is when it exists. */
static int make_dir(const char *path, mode_t mode, int owned)
{
    int created = mkdir(path, mode) == 0;
    int fd;
    if (!created && errno != EEXIST) {
        dsgd_log("cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        dsgd_log("%s is not a directory: %s", path, strerror(errno));
        return -1;
    }
    if (owned && as_root && fchown(fd, run_uid, run_gid) != 0) {
        dsgd_log("cannot chown %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if ((owned || created) && fchmod(fd, mode) != 0) {
        dsgd_log("cannot chmod %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

static int prepare_dirs(void)
{
    char path[DSGD_PATH_MAX + 64];
    for (unsigned i = 0; i < DSGD_ROLE_COUNT; i++) {
        if (dsgd_roles[i].kind != DSGD_ROLE_STORAGE)
            continue;
        snprintf(path, sizeof path, "%s/%s", cfg->statedir, dsgd_roles[i].name);
        if (make_dir(path, 0700, 1) != 0)
            return -1;
        dsgd_log("state of %s: %s (mode 0700, uid %u)", dsgd_roles[i].name, path,
                 (unsigned)run_uid);
    }
    return 0;
}

static long read_pid(int fd)
{
    char buf[32];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    char *end;
    long pid;
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    pid = strtol(buf, &end, 10);
    if (end == buf || pid <= 0)
        return 0;
    return pid;
}

/* The pidfile is created with O_EXCL and held with flock for the master's
 * life: a second instance finds it locked and refuses; an unlocked one left
 * by a dead master is stale and replaced. */
static int pidfile_take(void)
{
    for (int attempt = 0; attempt < 3; attempt++) {
        int fd = open(cfg->pidfile, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd >= 0) {
            if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
                dsgd_log("cannot lock %s: %s", cfg->pidfile, strerror(errno));
                close(fd);
                return -1;
            }
            return fd;
        }
        if (errno != EEXIST) {
            dsgd_log("cannot create pidfile %s: %s", cfg->pidfile, strerror(errno));
            return -1;
        }
        int old = open(cfg->pidfile, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (old < 0) {
            if (errno == ENOENT)
                continue;
            dsgd_log("cannot open pidfile %s: %s", cfg->pidfile, strerror(errno));
            return -1;
        }
        long pid = read_pid(old);
        if (flock(old, LOCK_SH | LOCK_NB) != 0 || pid == 0) {
            /* locked, or still empty: an instance holds it or is starting */
            dsgd_log("dsgd is already running (pid %ld, pidfile %s): refusing to start",
                     pid, cfg->pidfile);
            close(old);
            return -1;
        }
        dsgd_log("removing stale pidfile %s (pid %ld is not running)", cfg->pidfile, pid);
        if (unlink(cfg->pidfile) != 0 && errno != ENOENT) {
            dsgd_log("cannot remove stale pidfile %s: %s", cfg->pidfile, strerror(errno));
            close(old);
            return -1;
        }
        close(old);
    }
    dsgd_log("cannot take pidfile %s", cfg->pidfile);
    return -1;
}

static int pidfile_write(int fd)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, buf, (size_t)n, 0) != n) {
        dsgd_log("cannot write pidfile %s: %s", cfg->pidfile, strerror(errno));
        return -1;
    }
    return 0;
}

/* ---- starting workers ---------------------------------------------------- */

static void set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        (void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* The portal's listening socket (REQ-RUN-041): opened once by the master,
 * non-blocking, SO_REUSEADDR, and inherited by every portal on fd 4. */
static int open_listener(void)
{
    struct sockaddr_in sa;
    int one = 1;
    int fd;

    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(cfg->portal_port);
    if (inet_pton(AF_INET, cfg->portal_addr, &sa.sin_addr) != 1) {
        dsgd_log("portal listen address '%s' is not an IPv4 address", cfg->portal_addr);
        return -1;
    }
    fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 128) != 0) {
        dsgd_log("cannot listen on %s:%u: %s", cfg->portal_addr, (unsigned)cfg->portal_port,
                 strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* The control socket's path: <statedir>/run/dsgctl.sock unless ctl.socket
 * is set, and a relative ctl.socket is taken from the directory dsgd
 * starts in. */
static int absolute_ctl_socket(void)
{
    char cwd[DSGD_PATH_MAX], path[sizeof cfg->ctl_socket];
    int n;
    if (cfg->ctl_socket[0] == '\0') {
        n = snprintf(path, sizeof path, "%s/run/dsgctl.sock", cfg->statedir);
        if (n < 0 || (size_t)n >= sizeof path) {
            dsgd_log("%s/run/dsgctl.sock is longer than %zu bytes: set ctl.socket",
                     cfg->statedir, sizeof path - 1);
            return -1;
        }
        memcpy(cfg->ctl_socket, path, (size_t)n + 1);
        return 0;
    }
    if (cfg->ctl_socket[0] == '/')
        return 0;
    n = getcwd(cwd, sizeof cwd) == NULL ? -1
        : snprintf(path, sizeof path, "%s/%s", cwd, cfg->ctl_socket);
    if (n < 0 || (size_t)n >= sizeof path) {
        dsgd_log("ctl.socket: %s/%s is longer than %zu bytes", cwd, cfg->ctl_socket,
                 sizeof path - 1);
        return -1;
    }
    memcpy(cfg->ctl_socket, path, (size_t)n + 1);
    return 0;
}

/* The directory of the control socket: created 0750 root:dsgadm when
 * missing, so that only root and the administrators' group reach the
 * socket in it; an existing directory is the operator's and left as is. */
static int ctl_dir(const char *path, long gid)
{
    char dir[sizeof cfg->ctl_socket];
    char *slash;
    snprintf(dir, sizeof dir, "%s", path);
    slash = strrchr(dir, '/');
    if (slash == NULL || slash == dir)
        return 0;
    *slash = '\0';
    if (mkdir(dir, 0750) == 0) {
        if (as_root && gid >= 0 && chown(dir, 0, (gid_t)gid) != 0) {
            dsgd_log("cannot chown %s: %s", dir, strerror(errno));
            return -1;
        }
    } else if (errno != EEXIST) {
        dsgd_log("cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    return 0;
}

/* The control socket (REQ-RUN-021): opened by the master, mode 0660, group
 * dsgadm, served by the ctl worker on its fd 4. A stale socket left by a
 * dsgd that died is replaced: the pidfile says none is running. */
static int open_ctl_socket(void)
{
    struct sockaddr_un sa;
    struct group *g = getgrnam(DSGD_CTL_ADMIN_GROUP);
    long gid = g != NULL ? (long)g->gr_gid : -1;
    struct stat st;
    mode_t old;
    int fd, rc;

    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if (strlen(cfg->ctl_socket) >= sizeof sa.sun_path) {
        dsgd_log("ctl.socket '%s' is longer than %zu bytes", cfg->ctl_socket,
                 sizeof sa.sun_path - 1);
        return -1;
    }
    memcpy(sa.sun_path, cfg->ctl_socket, strlen(cfg->ctl_socket) + 1);
    if (ctl_dir(cfg->ctl_socket, gid) != 0)
        return -1;
    if (lstat(cfg->ctl_socket, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            dsgd_log("ctl.socket %s exists and is not a socket: not replacing it", cfg->ctl_socket);
            return -1;
        }
        unlink(cfg->ctl_socket);
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        dsgd_log("control socket: %s", strerror(errno));
        return -1;
    }
    old = umask(0117);   /* bind creates it 0660, never wider */
    rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
    umask(old);
    if (rc != 0 || (as_root && chown(cfg->ctl_socket, 0, gid >= 0 ? (gid_t)gid : 0) != 0) ||
        chmod(cfg->ctl_socket, 0660) != 0 || listen(fd, 16) != 0) {
        dsgd_log("cannot serve the control socket %s: %s", cfg->ctl_socket, strerror(errno));
        close(fd);
        return -1;
    }
    dsgd_log("control socket %s (mode 0660, group %s)", cfg->ctl_socket,
             gid >= 0 ? DSGD_CTL_ADMIN_GROUP : "root: group " DSGD_CTL_ADMIN_GROUP " does not exist");
    return fd;
}

/* log.forward_ca (REQ-LOG-047): the CA certificates logfwd checks the
 * collectors against, read once at start, like the portal's certificate,
 * and handed to every logfwd as bytes (it can open no file). */
static int read_forward_ca(void)
{
    struct stat st;
    int fd = open(cfg->fwd.ca, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    ssize_t got = -1;
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
        st.st_size <= DSGD_LOGFWD_CA_MAX && (fwd_ca = malloc((size_t)st.st_size)) != NULL)
        got = read(fd, fwd_ca, (size_t)st.st_size);
    if (fd >= 0)
        close(fd);
    if (got <= 0 || got != (ssize_t)st.st_size) {
        dsgd_log("log.forward_ca %s: cannot read it (a regular file of 1 to %u bytes): %s",
                 cfg->fwd.ca, DSGD_LOGFWD_CA_MAX, fd < 0 ? strerror(errno) : "bad file");
        return -1;
    }
    fwd_ca_len = (size_t)got;
    dsgd_log("log.forward: %u collector(s) (%s), certificates checked against %s",
             cfg->fwd.targets.n, cfg->fwd.list, cfg->fwd.ca);
    return 0;
}

/* portal.client_ca (REQ-MFA-002): the CA certificates a terminal's client
 * certificate must chain to, read once at start like the portal's own
 * certificate and handed to the portal as bytes (it opens no file). */
static int read_client_ca(void)
{
    struct stat st;
    int fd = open(cfg->portal_client_ca, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    ssize_t got = -1;
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
        st.st_size <= DSGD_PORTAL_CLIENT_CA_MAX &&
        (client_ca = malloc((size_t)st.st_size)) != NULL)
        got = read(fd, client_ca, (size_t)st.st_size);
    if (fd >= 0)
        close(fd);
    if (got <= 0 || got != (ssize_t)st.st_size) {
        dsgd_log("portal.client_ca %s: cannot read it (a regular file of 1 to %u bytes): %s",
                 cfg->portal_client_ca, DSGD_PORTAL_CLIENT_CA_MAX,
                 fd < 0 ? strerror(errno) : "bad file");
        return -1;
    }
    client_ca_len = (size_t)got;
    dsgd_log("portal: client certificates asked for, checked against %s", cfg->portal_client_ca);
    return 0;
}

/* In the child, between fork and exec: async-signal-safe calls only.
 * listen and setup are the worker's fds 4 (the portal's or ctl's socket)
 * and 5 (the portal's setup pipe), or -1. */
/* The data keys of the auth role (REQ-MFA-018) and the share role
 * (REQ-STOR-007), unwrapped with the master's key-encryption key once at
 * start and handed to every start of the role over its setup pipe (keys.h,
 * key_setup.h). */
static uint8_t *auth_key, *share_key;   /* in key memory (REQ-STOR-010) */

/* The key memory (src/stor/key_mem.h) and the two data keys' room in it. */
static int key_mem_open(void)
{
    char err[256];
    if (auth_key != NULL)
        return 0;
    if (dsgd_key_mem_open("keys", err, sizeof err) != 0) {
        dsgd_log("keys: %s", err);
        return -1;
    }
    auth_key = dsg_key_mem_new(DSGD_DATA_KEY_LEN);
    share_key = dsg_key_mem_new(DSGD_DATA_KEY_LEN);
    if (auth_key == NULL || share_key == NULL) {
        dsgd_log("keys: no key memory for the data keys");
        return -1;
    }
    return 0;
}

/* A start refused for its keys (REQ-STOR-015): a security alert at once,
 * outside logd, and a note the next start records as key-open-failed. */
static void key_failure(const char *what, const char *err)
{
    char line[600];
    alert("keys: %s: %.500s", what, err);
    snprintf(line, sizeof line, "%s: %.500s", what, err);
    dsgd_keys_note(cfg->statedir, DSGD_KEYS_NOTE_FAILED, line);
}

static int role_key_load(const char *role, uint8_t key[DSGD_DATA_KEY_LEN])
{
    char err[1024];
    OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
    const dsgd_keys_owner owner = { run_uid, run_gid };
    if (dsgd_keys_role_key(cfg->statedir, role, &owner, key, err, sizeof err) != 0) {
        dsgd_log("%s: %s", role, err);
        key_failure(role, err);
        return -1;
    }
    dsgd_log("%s: data key unwrapped with %s/keys/kek", role, cfg->statedir);
    return 0;
}

/* KEK IDs in hex, for messages and records (docs/keys.md). */
static void kek_ids(const dsgd_kek_rotation *r, char old[2 * DSGD_KEK_ID_LEN + 1],
                    char next[2 * DSGD_KEK_ID_LEN + 1])
{
    for (unsigned i = 0; i < DSGD_KEK_ID_LEN; i++) {
        snprintf(old + 2 * i, 3, "%02x", r->old_id[i]);
        snprintf(next + 2 * i, 3, "%02x", r->new_id[i]);
    }
}

/* The record of a rotation finished at start, sent once the relay is up. */
static char kek_finished[160];

/* A KEK rotation that a crash or an error left unfinished (REQ-STOR-008):
 * finished before any data key is read and any role starts. */
static int finish_kek_rotation(void)
{
    char err[1024], old[2 * DSGD_KEK_ID_LEN + 1], next[2 * DSGD_KEK_ID_LEN + 1];
    dsgd_kek_rotation r;
    const dsgd_keys_owner owner = { run_uid, run_gid };
    OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
    int rc = dsgd_keys_finish_rotation(cfg->statedir, &owner, &r, err, sizeof err);
    if (rc < 0) {
        dsgd_log("keys: %s", err);
        key_failure("the rotation left unfinished", err);
        return -1;
    }
    if (rc == 0)
        return 0;
    kek_ids(&r, old, next);
    snprintf(kek_finished, sizeof kek_finished,
             "KEK ID %s -> %s: %u data keys re-wrapped; an interrupted rotation finished at start",
             old, next, r.rewrapped);
    dsgd_log("keys: finished the interrupted rotation of %s/keys/kek: %u data keys re-wrapped, "
             "KEK ID %s -> %s", cfg->statedir, r.rewrapped, old, next);
    return 0;
}

/* The KEK ID of var/keys/kek in hex (docs/keys.md), for records: 0, or -1
 * after logging why (hex is then "unknown"). */
static int kek_id_hex(char hex[2 * DSGD_KEK_ID_LEN + 1])
{
    char err[1024] = "there is no KEK";
    uint8_t id[DSGD_KEK_ID_LEN];
    if (dsgd_keys_kek_id(cfg->statedir, id, err, sizeof err) != 1) {
        dsgd_log("keys: %s", err);
        snprintf(hex, 2 * DSGD_KEK_ID_LEN + 1, "unknown");
        return -1;
    }
    for (unsigned i = 0; i < DSGD_KEK_ID_LEN; i++)
        snprintf(hex + 2 * i, 3, "%02x", id[i]);
    return 0;
}

static int kek_exists(void)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/keys/kek", cfg->statedir);
    return access(path, F_OK) == 0;
}

/* The first start made the KEK (REQ-STOR-007): where it is and its ID are
 * printed for the operator to escrow it, and noted for the start that
 * reaches logd to record as key-generated (REQ-STOR-015), this one or, if
 * it fails later, the next. Once per start. */
static void note_new_kek(int had_kek)
{
    static int noted;
    char hex[2 * DSGD_KEK_ID_LEN + 1], line[200];
    if (had_kek || noted || !kek_exists())
        return;
    noted = 1;
    (void)kek_id_hex(hex);
    dsgd_log("keys: generated the key-encryption key %s/keys/kek (mode 0600, KEK ID %s): "
             "escrow it with `dsgctl key export` (docs/keys.md)", cfg->statedir, hex);
    snprintf(line, sizeof line, "KEK ID %s: the key-encryption key generated at the first start",
             hex);
    dsgd_keys_note(cfg->statedir, DSGD_KEYS_NOTE_GENERATED, line);
}

/* The keys `dsgctl key import` restored while dsgd was stopped
 * (REQ-STOR-009): its marker recorded as keys-imported, then removed. */
static void record_import(void)
{
    char detail[480], err[1024];
    int rc = dsgd_keys_import_marker(cfg->statedir, detail, sizeof detail, err, sizeof err);
    if (rc < 0) {
        dsgd_log("keys: the marker of a key import is left as it is: %s", err);
        master_record("keys-imported", "an unreadable marker: %.400s", err);
        return;
    }
    if (rc == 0)
        return;
    char id[2 * DSGD_KEK_ID_LEN + 1];
    (void)kek_id_hex(id);
    dsgd_log("keys: the keys were imported from an escrow file while dsgd was stopped: %s",
             detail);
    master_record("keys-imported", "%s; KEK ID %s", detail, id);
    if (dsgd_keys_import_marker_done(cfg->statedir, err, sizeof err) != 0)
        dsgd_log("keys: %s", err);
}

/* A verified restore (REQ-BKUP-006): the audit trail's continuation
 * recorded as backup-restored, naming the backup, then its marker removed. */
static void record_restore(void)
{
    char detail[1100], err[1024];
    int rc = dsgd_keys_restore_marker(cfg->statedir, detail, sizeof detail, err, sizeof err);
    if (rc < 0) {
        dsgd_log("backup: the marker of a restore is left as it is: %s", err);
        master_record("backup-restored", "an unreadable marker: %.400s", err);
        return;
    }
    if (rc == 0)
        return;
    dsgd_log("backup: the state directory was restored from a backup: %s; the audit trail "
             "continues from it", detail);
    master_record("backup-restored", "%.1000s", detail);
    if (dsgd_keys_restore_marker_done(cfg->statedir, err, sizeof err) != 0)
        dsgd_log("backup: %s", err);
}

/* A restore that did not finish its verification (REQ-BKUP-006): dsgd
 * does not start on its state directory. 0, or -1. */
static int check_restore(void)
{
    char detail[1100], err[1024];
    int rc = dsgd_keys_restore_unfinished(cfg->statedir, detail, sizeof detail, err, sizeof err);
    if (rc == 0)
        return 0;
    if (rc < 0)
        dsgd_log("%s: a restore's marker that cannot be read: refusing to start", err);
    else
        dsgd_log("%s was restored from a backup and the restore did not finish its "
                 "verification (%s): refusing to start on it; restore again into an empty "
                 "directory (docs/backup.md, \"Restoring a backup\")", cfg->statedir, detail);
    return -1;
}

/* Key events noted while logd could not run (REQ-STOR-015): recorded
 * now, one record per note (event, and the words before each note's
 * "TIME what"), then forgotten. */
static void record_key_notes(dsgd_keys_note_kind kind, const char *event, const char *words)
{
    char detail[1100], err[1024], *line, *next;
    int rc = dsgd_keys_notes(cfg->statedir, kind, detail, sizeof detail, err, sizeof err);
    if (rc < 0) {
        master_record(event, "an unreadable note: %.400s", err);
        return;
    }
    if (rc == 0)
        return;
    for (line = detail; line != NULL; line = next) {
        if ((next = strstr(line, "\n ")) != NULL)
            *next = '\0', next += 2;
        master_record(event, "%s%.500s", words, line);
    }
    if (dsgd_keys_notes_done(cfg->statedir, kind, err, sizeof err) != 0)
        dsgd_log("keys: %s", err);
}

/* The data key a worker's role gets on its setup pipe, or NULL. */
static const uint8_t *role_data_key(const worker *w)
{
    if (strcmp(w->role->name, "auth") == 0)
        return auth_key;
    return strcmp(w->role->name, "share") == 0 ? share_key : NULL;
}

/* The sockets and key material of the enabled roles, before any worker
 * starts (REQ-RUN-001, REQ-RUN-041): a role left out of dsgd.roles opens
 * nothing. 0, or -1 after logging why (errors still reach the terminal). */
static int open_role_resources(void)
{
    worker *portal = role_worker("portal"), *ctl = role_worker("ctl");
    if (enabled(portal)) {
        OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
        if (dsgd_tls_files_load(cfg->statedir, &tls) != 0 || (listen_fd = open_listener()) < 0)
            return -1;
        if (cfg->portal_client_ca[0] != '\0' && read_client_ca() != 0)
            return -1;
        dsgd_log("portal: listening on %s:%u: https://localhost:%u/api/v1/health",
                 cfg->portal_addr, (unsigned)cfg->portal_port, (unsigned)cfg->portal_port);
    }
    if (enabled(ctl) && (ctl_fd = open_ctl_socket()) < 0)
        return -1;
    if (key_mem_open() != 0 || finish_kek_rotation() != 0)
        return -1;
    int had_kek = kek_exists(), rc = 0;
    if (enabled(role_worker("auth")))
        rc = role_key_load("auth", auth_key);
    note_new_kek(had_kek);   /* even when the start fails after making it */
    if (rc == 0 && enabled(role_worker("share")))
        rc = role_key_load("share", share_key);
    note_new_kek(had_kek);
    if (rc != 0)
        return -1;
    if (enabled(&workers[DSGD_ROLE_LOGFWD]) && read_forward_ca() != 0)
        return -1;
    for (unsigned i = 0; i < DSGD_ROLE_COUNT; i++)
        if (!enabled(&workers[i]))
            dsgd_log("%s: %s: not started", workers[i].role->name,
                     i == DSGD_ROLE_LOGFWD ? "log.forward names no collector" : "not in dsgd.roles");
    return 0;
}

static void exec_worker(int sock, int logw, int listen, int setup, char *const argv[])
{
    static char *const envp[] = { NULL };
    sigset_t none;
    int s = fcntl(sock, F_DUPFD_CLOEXEC, 10);
    int l = fcntl(logw, F_DUPFD_CLOEXEC, 10);
    int lf = listen >= 0 ? fcntl(listen, F_DUPFD_CLOEXEC, 10) : -1;
    int sf = setup >= 0 ? fcntl(setup, F_DUPFD_CLOEXEC, 10) : -1;
    int nul = open("/dev/null", O_RDWR | O_CLOEXEC);

    if (s < 0 || l < 0 || nul < 0 || dup2(nul, 0) < 0 || dup2(nul, 1) < 0 ||
        dup2(l, 2) < 0 || dup2(s, 3) < 0)
        _exit(127);
    if (listen >= 0 && (lf < 0 || dup2(lf, DSGD_PORTAL_LISTEN_FD) < 0))
        _exit(127);
    if (setup >= 0 && (sf < 0 || dup2(sf, DSGD_SETUP_FD) < 0))
        _exit(127);
    closefrom(setup >= 0 ? DSGD_SETUP_FD + 1 : listen >= 0 ? DSGD_PORTAL_LISTEN_FD + 1 : 4);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    /* Ctrl-C and a hangup on the terminal are for the master, which stops
     * the workers itself with SHUTDOWN (SIG_IGN survives the exec). */
    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    execve(exe, argv, envp);
    static const char msg[] = "exec of the worker binary failed\n";
    ssize_t w = write(2, msg, sizeof msg - 1);
    (void)w;
    _exit(127);
}

static void close_pair(int p[2])
{
    for (int i = 0; i < 2; i++)
        if (p[i] >= 0)
            close(p[i]);
    p[0] = p[1] = -1;
}

/* logfwd's fd 5, the setup pipe (settings, CA certificates, collectors),
 * and its fd 4, a socketpair for the connected sockets (REQ-RUN-053). */
static int logfwd_resources(int *setup, int pass[2])
{
    dsgd_logfwd_setup ls = {
        .tls_min_version = cfg->portal_tls_min_version,
        .handshake_timeout_ms = cfg->fwd.timeout_ms,
        .tls12_ciphers = cfg->portal_tls12_ciphers,
        .tls12_ciphers_len = strlen(cfg->portal_tls12_ciphers),
        .ca = fwd_ca, .ca_len = fwd_ca_len,
        .list = cfg->fwd.list, .list_len = strlen(cfg->fwd.list),
    };
    if ((*setup = dsgd_logfwd_setup_pipe(&ls)) < 0)
        return -1;
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pass) != 0) {
        dsgd_log("logfwd: cannot create its socket for connections: %s", strerror(errno));
        close(*setup);
        *setup = -1;
        return -1;
    }
    set_nonblock(pass[0]);
    return 0;
}

static void start_worker(worker *w)
{
    char *argv[14];
    /* logd: 5 decimal u32s; auth: 26 and its texts; share: 1 and the template */
    static char logd_arg[64], auth_arg[12288], share_arg[1100];
    int sv[2], lp[2], a = 0, setup = -1;
    int is_portal = strcmp(w->role->name, "portal") == 0;
    int is_ctl = strcmp(w->role->name, "ctl") == 0;
    int is_logfwd = index_of(w) == DSGD_ROLE_LOGFWD;
    int pass[2] = { -1, -1 };
    pid_t pid;

    argv[a++] = (char *)exe;
    argv[a++] = (char *)"--worker";
    argv[a++] = (char *)w->role->name;
    argv[a++] = (char *)"-s";
    argv[a++] = cfg->statedir;
    argv[a++] = (char *)"-u";
    argv[a++] = cfg->user;
    if (strcmp(w->role->name, "logd") == 0 &&
        dsgd_settings_logd_arg(&cfg->logd, logd_arg, sizeof logd_arg) == 0) {
        argv[a++] = (char *)"-L";
        argv[a++] = logd_arg;
    }
    if (strcmp(w->role->name, "auth") == 0 &&
        dsgd_settings_auth_arg(&cfg->auth, auth_arg, sizeof auth_arg) == 0) {
        argv[a++] = (char *)"-L";
        argv[a++] = auth_arg;
    }
    if (strcmp(w->role->name, "share") == 0 &&
        dsgd_settings_share_arg(&cfg->share, share_arg, sizeof share_arg) == 0) {
        argv[a++] = (char *)"-L";
        argv[a++] = share_arg;
    }
    if (strcmp(w->role->name, "logd") == 0 && cfg->fwd.targets.n > 0) {
        argv[a++] = (char *)"-F";
        argv[a++] = cfg->fwd.list;
    }
#ifdef DSG_TEST_HOOKS
    /* the first start only, so that the restarted worker stays up */
    const char *hook = dsgd_test_hook_for(w->role->name);
    if (hook != NULL && w->starts == 0) {
        argv[a++] = (char *)"-T";
        argv[a++] = (char *)hook;
    }
#endif
    argv[a] = NULL;

    w->restart_at = 0;
    if (is_portal) {
        dsgd_portal_setup ps = {
            .max_conns = cfg->portal_max_conns,
            .handshake_timeout_ms = cfg->portal_handshake_ms,
            .head_timeout_ms = cfg->portal_head_ms,
            .keepalive_timeout_ms = cfg->portal_keepalive_ms,
            .max_request_line = cfg->portal_max_request_line,
            .max_header_bytes = cfg->portal_max_header_bytes,
            .max_header_count = cfg->portal_max_header_count,
            .hsts_max_age = cfg->portal_hsts_max_age,
            .body_timeout_ms = cfg->portal_body_ms,
            .api_max_body_bytes = cfg->portal_api_max_body,
            .upload_max_hi = (uint32_t)(cfg->portal_upload_max >> 32),
            .upload_max_lo = (uint32_t)cfg->portal_upload_max,
            .json_max_depth = cfg->portal_json_max_depth,
            .json_max_tokens = cfg->portal_json_max_tokens,
            .tls_min_version = cfg->portal_tls_min_version,
            .tls12_ciphers = cfg->portal_tls12_ciphers,
            .tls12_ciphers_len = strlen(cfg->portal_tls12_ciphers),
            .cert = tls.cert, .cert_len = tls.cert_len,
            .key = tls.key, .key_len = tls.key_len,
            .client_ca = client_ca, .client_ca_len = client_ca_len,
        };
        setup = dsgd_portal_setup_pipe(&ps);
        if (setup < 0) {
            w->restart_at = dsgd_now_ms() + cfg->restart_delay_max_ms;
            return;
        }
    }
    if (role_data_key(w) != NULL &&
        (setup = dsgd_key_setup_pipe(w->role->name, role_data_key(w))) < 0) {
        w->restart_at = dsgd_now_ms() + cfg->restart_delay_max_ms;
        return;
    }
    if (is_logfwd && logfwd_resources(&setup, pass) != 0) {
        w->restart_at = dsgd_now_ms() + cfg->restart_delay_max_ms;
        return;
    }
    /* a storage role's fd 4: the backup pipes' way in (run/role_backup.h) */
    if (w->role->kind == DSGD_ROLE_STORAGE &&
        socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pass) != 0) {
        dsgd_log("%s: cannot create its socket for backups: %s", w->role->name, strerror(errno));
        if (setup >= 0)
            close(setup);
        w->restart_at = dsgd_now_ms() + cfg->restart_delay_max_ms;
        return;
    }
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0 ||
        pipe2(lp, O_CLOEXEC) != 0) {
        dsgd_log("%s: cannot create its channel: %s", w->role->name, strerror(errno));
        if (setup >= 0)
            close(setup);
        close_pair(pass);
        w->restart_at = dsgd_now_ms() + cfg->restart_delay_max_ms;
        return;
    }
    pid = fork();
    if (pid < 0) {
        dsgd_log("%s: fork: %s", w->role->name, strerror(errno));
        close(sv[0]); close(sv[1]); close(lp[0]); close(lp[1]);
        if (setup >= 0)
            close(setup);
        close_pair(pass);
        w->restart_at = dsgd_now_ms() + cfg->restart_delay_max_ms;
        return;
    }
    if (pid == 0)
        exec_worker(sv[1], lp[1], is_portal ? listen_fd : is_ctl ? ctl_fd : pass[1], setup, argv);
    if (setup >= 0)
        close(setup);
    if (is_logfwd) {
        close(pass[1]);
        fwd_pass = pass[0];
    } else if (pass[1] >= 0) {
        close(pass[1]);
        set_nonblock(pass[0]);
        w->pass = pass[0];
    }
    close(sv[1]);
    close(lp[1]);
    set_nonblock(sv[0]);
    set_nonblock(lp[0]);
    dsgd_chan_init(&w->chan, sv[0], DSG_IPC_PEER_MASTER);
    w->logfd = lp[0];
    w->loglen = 0;
    w->log_midline = 0;
    w->pid = pid;
    w->ready = 0;
    w->audit_seq = 0;
    w->shutdown_sent = 0;
    w->drain_due = 0;
    w->started_ms = dsgd_now_ms();
    w->ping_sent = 0;
    w->next_ping = w->started_ms + cfg->ping_interval_ms;
    if (w->starts == 0)
        dsgd_log("%s[%d] started", w->role->name, (int)pid);
    else
        dsgd_log("%s[%d] started (restart %u, restarted after %u ms)", w->role->name,
                 (int)pid, w->starts, w->last_delay_ms);
    w->starts++;
}

/* ---- worker I/O ------------------------------------------------------------ */

/* One line of a worker's log, or a piece of one cut at logbuf's size
 * (continued: not its start). */
static void relay_line(worker *w, const char *p, size_t n, int continued)
{
    char clean[sizeof w->logbuf + 1];
    size_t k = 0;
    for (size_t i = 0; i < n && k < sizeof clean - 1; i++)
        clean[k++] = (p[i] >= 0x20 && p[i] < 0x7f) ? p[i] : '?';
    clean[k] = '\0';
    dsgd_log("%s[%d]: %s", w->role->name, (int)w->pid, clean);
    if (!continued && strncmp(clean, "ALERT: ", 7) == 0) {   /* dsgd_log_alert's */
        char msg[sizeof clean + 48];
        snprintf(msg, sizeof msg, "%s[%d]: %s", w->role->name, (int)w->pid, clean + 7);
        syslog_alert(msg);
    }
}

/* Reads what the log pipe holds; returns 1 at EOF. */
static int read_log(worker *w)
{
    if (w->logfd < 0)
        return 1;
    ssize_t r = read(w->logfd, w->logbuf + w->loglen, sizeof w->logbuf - w->loglen);
    if (r < 0)
        return errno == EAGAIN || errno == EINTR ? 0 : 1;
    if (r == 0) {
        if (w->loglen > 0)
            relay_line(w, w->logbuf, w->loglen, w->log_midline);
        w->loglen = 0;
        close(w->logfd);
        w->logfd = -1;
        return 1;
    }
    w->loglen += (size_t)r;
    size_t start = 0;
    for (size_t i = 0; i < w->loglen; i++) {
        if (w->logbuf[i] == '\n') {
            relay_line(w, w->logbuf + start, i - start, w->log_midline);
            w->log_midline = 0;
            start = i + 1;
        }
    }
    if (start == 0 && w->loglen == sizeof w->logbuf) {
        relay_line(w, w->logbuf, w->loglen, w->log_midline);   /* an over-long line is cut */
        w->log_midline = 1;
        start = w->loglen;
    }
    memmove(w->logbuf, w->logbuf + start, w->loglen - start);
    w->loglen -= start;
    return 0;
}

/* Closes the channel after a bad frame (REQ-RUN-007): the worker is killed
 * and restarted once reaped. */
/* A signal that cannot be delivered (no CAP_KILL towards the dsg user)
 * would leave a worker running and the master waiting: say so. */
static void signal_worker(const worker *w, int sig)
{
    if (kill(w->pid, sig) != 0)
        dsgd_log("%s[%d]: cannot send SIG%s: %s", w->role->name, (int)w->pid,
                 sigabbrev_np(sig), strerror(errno));
}

static void drop_worker(worker *w, const char *why)
{
    dsgd_log("%s[%d]: %s: closing its channel and restarting it", w->role->name,
             (int)w->pid, why);
    master_record("channel-closed", "%s[%d]: %s", w->role->name, (int)w->pid, why);
    dsgd_chan_close(&w->chan);
    if (w->pid > 0 && !w->reaping)
        signal_worker(w, SIGKILL);
}

/* ---- dsgctl status, for the ctl worker ---------------------------------- */

static int landlock_abi(void)
{
    long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
    return abi > 0 ? (int)abi : 0;
}

static const char *worker_state(const worker *w)
{
    if (w->pid > 0)
        return w->ready ? "running" : "starting";
    if (w->failed)
        return "failed";
    return w->restart_at != 0 ? "restarting" : "stopped";
}

/* ---- the audit trail's file system (REQ-LOG-009) -------------------------- */

#define STORAGE_CHECK_MS 10000u

static uint64_t next_storage_check;
static unsigned storage_alerted;   /* the last threshold alerted; 0: none */

/* Used share of the file system holding var/logd, as df counts it (blocks
 * in use against those in use and those free to unprivileged users),
 * rounded up; -1 when it cannot be read. */
static int storage_used(uint64_t *capacity)
{
    char path[sizeof cfg->statedir + 8];
    struct statvfs v;
    uint64_t used, avail;
    snprintf(path, sizeof path, "%s/logd", cfg->statedir);
    if (statvfs(path, &v) != 0 || v.f_blocks == 0 || v.f_blocks < v.f_bfree)
        return -1;
    used = (uint64_t)(v.f_blocks - v.f_bfree);
    avail = (uint64_t)v.f_bavail;
    *capacity = (uint64_t)v.f_blocks * v.f_frsize;
    return used + avail == 0 ? 100 : (int)((used * 100 + used + avail - 1) / (used + avail));
}

/* An alert and a record when the share reaches log.storage_warn_percent,
 * and again at each further 5 %; quiet again once under it.
 * @relation(REQ-LOG-009) */
static void watch_storage(uint64_t now)
{
    uint64_t capacity = 0;
    unsigned warn = cfg->log_storage_warn_percent, level;
    int pct;
    if (now < next_storage_check)
        return;
    next_storage_check = now + STORAGE_CHECK_MS;
    if ((pct = storage_used(&capacity)) < 0)
        return;
    if ((unsigned)pct < warn) {
        if (storage_alerted != 0)
            dsgd_log("audit: the audit trail's file system is %d%% full again, under %u%%", pct,
                     warn);
        storage_alerted = 0;
        return;
    }
    level = warn + ((unsigned)pct - warn) / 5 * 5;
    if (level <= storage_alerted)
        return;
    storage_alerted = level;
    alert("audit: the audit trail's file system is %d%% full (log.storage_warn_percent %u%%): "
          "add space, or export and prune", pct, warn);
    master_record("storage-warning", "%d%% used of %llu bytes", pct,
                  (unsigned long long)capacity);
}

static void fill_status(dsgd_status *st)
{
    uint64_t now = dsgd_now_ms();
    int ll = landlock_abi();
    memset(st, 0, sizeof *st);
    st->version = DSGD_VERSION;
    st->pid = (int)getpid();
    st->uptime_ms = now - started_ms;
    st->config_generation = config_gen;
    st->sanitized = DSGD_SANITIZED;
    st->storage_used_percent = storage_used(&st->storage_capacity_bytes);
    st->storage_warn_percent = cfg->log_storage_warn_percent;
    for (unsigned i = 0; i < DSGD_ROLE_COUNT && st->nroles < DSGD_STATUS_ROLES_MAX; i++) {
        const worker *w = &workers[i];
        dsgd_role_status *r;
        if (!enabled(w))
            continue;
        r = &st->roles[st->nroles++];
        r->name = w->role->name;
        r->state = worker_state(w);
        r->pid = (int)w->pid;
        r->uid = w->pid > 0 ? (int)run_uid : -1;
        r->uptime_ms = w->pid > 0 ? now - w->started_ms : 0;
        r->restarts = w->starts > 0 ? w->starts - 1 : 0;
        dsgd_status_read_proc(r->pid, r);
        /* a storage role that is up has Landlock whenever the kernel has it:
         * otherwise its sandbox step failed and it exited */
        r->landlock_abi = w->pid > 0 && w->ready && w->role->kind == DSGD_ROLE_STORAGE &&
                          !DSGD_SANITIZED ? ll : 0;
    }
}

/* ctl's command that a role runs: who asked (from) and who runs it (to),
 * each by index and run; from_start 0: none. */
static struct { unsigned from, from_start, to, to_start; } cmd_wait;

/* The answer to ctl's command: the exit status dsgctl is to give, then
 * the output; ctl's request is done. */
static int ctl_answer(worker *w, uint8_t status, const uint8_t *text, size_t len)
{
    static uint8_t out[DSGD_BUS_BODY_MAX];
    if (len > sizeof out - 1)
        len = sizeof out - 1;
    out[0] = status;
    memcpy(out + 1, text, len);
    if (send_own(w, DSGD_MSG_CTL_ANSWER, out, len + 1) != 0)
        return -1;
    return dsgd_bus_done(&w->chan, 1);
}

static int ctl_status(worker *w, int json)
{
    static uint8_t out[DSGD_BUS_BODY_MAX - 1];
    static dsgd_status st;
    size_t len;
    fill_status(&st);
    len = json ? dsgd_status_json(&st, out, sizeof out)
               : dsgd_status_text(&st, (char *)out, sizeof out);
    return len == 0 ? -1 : ctl_answer(w, 0, out, len);
}

/* `dsgctl storage usage [--json]` (REQ-STOR-014): each storage area's
 * files and its file system's free space. */
static int ctl_storage_usage(worker *w, int json)
{
    static uint8_t out[DSGD_BUS_BODY_MAX - 1];
    static dsgd_area_usage areas[DSGD_USAGE_AREAS];
    dsgd_usage_measure(cfg->statedir, cfg->bkup_dest, areas);
    size_t len = json ? dsgd_usage_json(areas, DSGD_USAGE_AREAS, out, sizeof out)
                      : dsgd_usage_text(areas, DSGD_USAGE_AREAS, (char *)out, sizeof out);
    return len == 0 ? -1 : ctl_answer(w, 0, out, len);
}

/* `dsgctl config show [--json]` (REQ-RUN-018): the keys in force. */
static int ctl_config_show(worker *w, int json)
{
    static uint8_t out[DSGD_BUS_BODY_MAX - 1];
    size_t len = json ? dsgd_config_show_json(&in_force, config_gen, out, sizeof out)
                      : dsgd_config_show_text(&in_force, config_gen, (char *)out, sizeof out);
    return len == 0 ? -1 : ctl_answer(w, 0, out, len);
}

/* The share role's history question that logd answers (REQ-SHARE-017):
 * the share run that asked and the logd run that answers; from_start 0:
 * none. logd runs one command at a time, so a history and ctl's command
 * to logd never run together: the later one is told to try again. */
static struct { unsigned from_start, to_start; } hist_wait;

/* A command a role runs (`log verify|prune|export` by logd): passed on to
 * the role, and ctl waits for its report (ctl sends one command at a
 * time). A role that is not running answers 69 with down. */
static int ctl_via_role(worker *w, const char *role, const char *down, uint8_t kind,
                        const uint8_t *line, size_t len)
{
    static const char busy[] = "logd is answering a portal user's access history: try again\n";
    worker *r = role_worker(role);
    if (cmd_wait.from_start != 0)
        return -1;
    if (index_of(r) == DSGD_ROLE_LOGD && hist_wait.from_start != 0)
        return ctl_answer(w, 75, (const uint8_t *)busy, sizeof busy - 1);
    if (r == NULL || !is_up(r) || send_own(r, kind, line, len) != 0)
        return ctl_answer(w, 69, (const uint8_t *)down, strlen(down));
    cmd_wait.from = index_of(w);
    cmd_wait.from_start = w->starts;
    cmd_wait.to = index_of(r);
    cmd_wait.to_start = r->starts;
    return 0;
}

/* Whether w runs the command ctl waits for: only its reports and parts
 * are taken. */
static int runs_command(const worker *w)
{
    return cmd_wait.from_start != 0 && index_of(w) == cmd_wait.to &&
           w->starts == cmd_wait.to_start;
}

/* The role's report, or its absence: to the ctl run that asked, if it is
 * still the same. */
static void ctl_role_report(uint8_t status, const uint8_t *text, size_t len)
{
    worker *c = &workers[cmd_wait.from];
    if (cmd_wait.from_start == 0)
        return;
    if (c->starts == cmd_wait.from_start && c->pid > 0 && c->ready && c->chan.fd >= 0 &&
        ctl_answer(c, status, text, len) != 0)
        drop_worker(c, "cannot answer its command");
    cmd_wait.from_start = 0;
}

/* A piece of a streamed answer (bus.h), from the role on to the ctl run
 * that asked: the role gets its room back when ctl has written the piece
 * to its client, so nothing on the way holds more than a window of
 * pieces. */
static void ctl_role_part(worker *role, const dsgd_msg *m)
{
    worker *c = &workers[cmd_wait.from];
    if (c->starts == cmd_wait.from_start && is_up(c)) {
        pass_on(role, c, DSGD_MSG_CTL_PART, NULL, 0, m);
        return;
    }
    if (dsgd_bus_done(&role->chan, 1) != 0)   /* nobody to take it: dropped */
        drop_worker(role, "cannot give back bus credit");
}

/* Who asked for a key command: ctl appends the administrator and the
 * client's uid and pid to the line, exactly " --admin NAME --uid U --pid
 * P", here p..end. Checked against that form, never interpreted further:
 * 0 with who = "admin NAME uid U pid P", or -1. */
static int who_of(const char *p, const char *end, char *who, size_t n)
{
    static const char admin[] = " --admin ";
    size_t name = 0, uid, pid;
    if (end - p <= (ptrdiff_t)sizeof admin - 1 || memcmp(p, admin, sizeof admin - 1) != 0)
        return -1;
    p += sizeof admin - 1;
    while (p + name < end && (unsigned char)p[name] > ' ' && p[name] != 0x7f)
        name++;
    if (name == 0 || name > DSGD_CTL_ADMIN_MAX || end - (p + name) < 8 ||
        memcmp(p + name, " --uid ", 7) != 0)
        return -1;
    const char *u = p + name + 7;
    for (uid = 0; u + uid < end && u[uid] >= '0' && u[uid] <= '9' && uid < 10; uid++)
        ;
    if (uid == 0 || end - (u + uid) < 8 || memcmp(u + uid, " --pid ", 7) != 0)
        return -1;
    const char *q = u + uid + 7;
    for (pid = 0; q + pid < end && q[pid] >= '0' && q[pid] <= '9' && pid < 10; pid++)
        ;
    if (pid == 0 || q + pid != end)
        return -1;
    snprintf(who, n, "admin %.*s uid %.*s pid %.*s", (int)name, p, (int)uid, u, (int)pid, q);
    return 0;
}

/* "key rotate kek" and who asked: 0, or -1. */
static int rotate_who(const dsgd_msg *m, char *who, size_t n)
{
    static const char verb[] = "key rotate kek";
    const char *b = (const char *)m->body;
    if (m->len <= sizeof verb - 1 || memcmp(b, verb, sizeof verb - 1) != 0)
        return -1;
    return who_of(b + sizeof verb - 1, b + m->len, who, n);
}

/* A decimal number of 1..7 digits without a leading zero at p, and the
 * blank after it: the byte after the blank, or NULL. */
static const char *dec_arg(const char *p, const char *end, uint32_t *v)
{
    size_t k = 0;
    *v = 0;
    while (p + k < end && k < 8 && p[k] >= '0' && p[k] <= '9')
        *v = *v * 10 + (uint32_t)(p[k++] - '0');
    if (k == 0 || k > 7 || (k > 1 && p[0] == '0') || p + k >= end || p[k] != ' ')
        return NULL;
    return p + k + 1;
}

/* len bytes in lowercase hex at p into out: the byte after, or NULL. */
static const char *hex_arg(const char *p, const char *end, uint8_t *out, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    if (end - p < (ptrdiff_t)(2 * len))
        return NULL;
    for (size_t i = 0; i < 2 * len; i++) {
        const char *d = p[i] != '\0' ? strchr(digits, p[i]) : NULL;
        if (d == NULL)
            return NULL;
        if (i % 2 == 0)
            out[i / 2] = (uint8_t)((d - digits) << 4);
        else
            out[i / 2] |= (uint8_t)(d - digits);
    }
    return p + 2 * len;
}

/* `key export` as ctl passes it on (REQ-STOR-009), exactly "key export
 * passphrase N R P SALT KEY" (decimal; the 16-byte salt and the 32-byte
 * key dsgctl derived, lowercase hex) or "key export public PUB" (the raw
 * X25519 key in hex), then who asked: 0 with q and who, or -1. */
static int export_req(const dsgd_msg *m, dsgd_escrow_req *q, char *who, size_t n)
{
    static const char pass[] = "key export passphrase ", pub[] = "key export public ";
    const char *p = (const char *)m->body, *end = p + m->len;
    memset(q, 0, sizeof *q);
    if (m->len > sizeof pass - 1 && memcmp(p, pass, sizeof pass - 1) == 0) {
        q->mode = DSG_ESCROW_PASSPHRASE;
        p = dec_arg(p + sizeof pass - 1, end, &q->scrypt.n);
        p = p != NULL ? dec_arg(p, end, &q->scrypt.r) : NULL;
        p = p != NULL ? dec_arg(p, end, &q->scrypt.p) : NULL;
        p = p != NULL ? hex_arg(p, end, q->scrypt.salt, sizeof q->scrypt.salt) : NULL;
        p = p != NULL && p < end && *p == ' ' ? hex_arg(p + 1, end, q->key, sizeof q->key) : NULL;
        if (p == NULL || !dsg_escrow_scrypt_ok(q->scrypt.n, q->scrypt.r, q->scrypt.p))
            p = NULL;
    } else if (m->len > sizeof pub - 1 && memcmp(p, pub, sizeof pub - 1) == 0) {
        q->mode = DSG_ESCROW_PUBLIC_KEY;
        p = hex_arg(p + sizeof pub - 1, end, q->recipient, sizeof q->recipient);
    } else {
        return -1;
    }
    if (p == NULL || who_of(p, end, who, n) != 0) {
        OPENSSL_cleanse(q, sizeof *q);
        return -1;
    }
    return 0;
}

/* The SHA-256 of data in hex, or "-". */
static void sha256_hex(const uint8_t *data, size_t len, char out[65])
{
    uint8_t md[32];
    unsigned mdlen = 0;
    if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != sizeof md) {
        snprintf(out, 65, "-");
        return;
    }
    for (unsigned i = 0; i < sizeof md; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* `dsgctl key export` (REQ-STOR-009): the master, which alone opens the
 * KEK and may read logd's keys, builds the escrow file and answers its
 * bytes in hex; dsgctl writes it. Recorded with the mode, the file's
 * SHA-256 and who asked, never a key. */
static int ctl_key_export(worker *w, dsgd_escrow_req *q, const char *who)
{
    static char text[2 * DSG_ESCROW_MAX + 200];
    uint8_t file[DSG_ESCROW_MAX];
    char err[1024], mode[120], digest[65], recipient[65];
    size_t len = 0, at;
    const dsgd_keys_owner owner = { run_uid, run_gid };
    int rc = dsgd_keys_escrow(cfg->statedir, &owner, q, file, sizeof file, &len, err, sizeof err);
    if (q->mode == DSG_ESCROW_PASSPHRASE)
        snprintf(mode, sizeof mode, "passphrase (scrypt N=%u r=%u p=%u)", q->scrypt.n,
                 q->scrypt.r, q->scrypt.p);
    else {
        sha256_hex(q->recipient, sizeof q->recipient, recipient);
        snprintf(mode, sizeof mode, "public key (X25519 recipient SHA-256 %.16s)", recipient);
    }
    OPENSSL_cleanse(q, sizeof *q);
    if (rc != 0) {
        dsgd_log("keys: the key export (%s, %s) failed: %s", mode, who, err);
        master_record("key-export-failed", "%s; %.200s; %.250s", mode, who, err);
        int n = snprintf(text, sizeof text, "key_export_failed %s\n", err);
        return ctl_answer(w, 1, (const uint8_t *)text, (size_t)n);
    }
    sha256_hex(file, len, digest);
    char id[2 * DSGD_KEK_ID_LEN + 1];
    (void)kek_id_hex(id);
    dsgd_log("keys: the KEK %s/keys/kek (KEK ID %s) and logd's chain.key and sign.key exported "
             "(%s): %s, %zu bytes, SHA-256 %s", cfg->statedir, id, who, mode, len, digest);
    master_record("key-exported", "the KEK (KEK ID %s) and logd's chain.key and sign.key; %s; "
                  "%zu bytes, SHA-256 %s; %s", id, mode, len, digest, who);
    at = (size_t)snprintf(text, sizeof text, "escrow ");
    for (size_t i = 0; i < len; i++)
        at += (size_t)snprintf(text + at, sizeof text - at, "%02x", file[i]);
    at += (size_t)snprintf(text + at, sizeof text - at, "\nsha256 %s\n", digest);
    return ctl_answer(w, 0, (const uint8_t *)text, at);
}

/* `dsgctl key rotate kek` (REQ-STOR-008): the master, which alone may
 * open the KEK, replaces it and re-wraps the roles' data keys under the
 * new one; the roles keep their data keys and are not restarted. Recorded
 * with the KEK IDs before and after, and who asked. */
static int ctl_key_rotate(worker *w, const char *who)
{
    char text[1400], err[1024], old[2 * DSGD_KEK_ID_LEN + 1], next[2 * DSGD_KEK_ID_LEN + 1];
    dsgd_kek_rotation r;
    const dsgd_keys_owner owner = { run_uid, run_gid };
    int n;
    if (dsgd_keys_rotate_kek(cfg->statedir, &owner, &r, err, sizeof err) != 0) {
        dsgd_log("keys: the rotation of %s/keys/kek failed (%s): %s", cfg->statedir, who, err);
        master_record("kek-rotation-failed", "%.200s; %.280s", who, err);
        n = snprintf(text, sizeof text, "kek_rotation_failed %s\n", err);
        return ctl_answer(w, 1, (const uint8_t *)text, (size_t)n);
    }
    kek_ids(&r, old, next);
    dsgd_log("keys: %s/keys/kek rotated (%s): %u data keys re-wrapped, KEK ID %s -> %s%s",
             cfg->statedir, who, r.rewrapped, old, next,
             r.resumed ? " (an interrupted rotation finished)" : "");
    master_record("kek-rotated", "KEK ID %s -> %s: %u data keys re-wrapped%s; %s", old, next,
                  r.rewrapped, r.resumed ? " (an interrupted rotation finished)" : "", who);
    n = snprintf(text, sizeof text,
                 "rotated the key-encryption key %s/keys/kek: %u data keys re-wrapped%s\n"
                 "old KEK ID %s\nnew KEK ID %s\n",
                 cfg->statedir, r.rewrapped,
                 r.resumed ? " (an interrupted rotation finished with its new key)" : "", old,
                 next);
    return ctl_answer(w, 0, (const uint8_t *)text, n > 0 && (size_t)n < sizeof text
                                                       ? (size_t)n : strlen(text));
}

/* "backup now" and who asked: 0, or -1. */
static int backup_who(const dsgd_msg *m, char *who, size_t n)
{
    static const char verb[] = "backup now";
    const char *b = (const char *)m->body;
    if (m->len <= sizeof verb - 1 || memcmp(b, verb, sizeof verb - 1) != 0)
        return -1;
    return who_of(b + sizeof verb - 1, b + m->len, who, n);
}

/* `dsgctl backup now` (REQ-BKUP-001): the run starts and the answer says
 * its ID; the run goes on in the loop (run/bkup_run.h). */
static int ctl_backup_now(worker *w, const char *who)
{
    char text[1200];
    int rc = dsgd_bkup_now(&bkup, who, text, sizeof text);
    if (rc != 0)
        strncat(text, "\n", sizeof text - strlen(text) - 1);
    return ctl_answer(w, (uint8_t)(rc != 0 ? 1 : 0), (const uint8_t *)text, strlen(text));
}

/* `dsgctl backup list` (REQ-BKUP-001). */
static int ctl_backup_list(worker *w)
{
    static char text[DSGD_BUS_BODY_MAX - 8];
    size_t len = dsgd_bkup_list(&bkup, text, sizeof text);
    return ctl_answer(w, 0, (const uint8_t *)text, len);
}

/* `dsgctl backup pubkey` (REQ-BKUP-004): the public key that verifies
 * every backup this gateway signs. */
static int ctl_backup_pubkey(worker *w)
{
    char text[1200];
    int rc = dsgd_bkup_pubkey(&bkup, text, sizeof text);
    if (rc != 0)
        strncat(text, "\n", sizeof text - strlen(text) - 1);
    return ctl_answer(w, (uint8_t)(rc != 0 ? 1 : 0), (const uint8_t *)text, strlen(text));
}

static void bkup_record(const char *event, const char *detail);

/* `dsgctl backup drill` (REQ-BKUP-007): its result recorded, a pass kept
 * for the warning. */
static int ctl_backup_drill(worker *w, const dsgd_msg *m)
{
    char id[17], who[160], text[600];
    const char *tail;
    int passed;
    const char *b = (const char *)m->body;
    if (dsgd_bkup_report_parse(b, m->len, "backup drill", id, &passed, &tail) != 0 ||
        who_of(tail, b + m->len, who, sizeof who) != 0) {
        static const char bad[] = "backup drill: the report is not of the form dsgctl sends "
                                  "(docs/control.md)\n";
        return ctl_answer(w, 64, (const uint8_t *)bad, sizeof bad - 1);
    }
    int rc = dsgd_bkup_drill_report(cfg->statedir, id, passed, who, (int64_t)time(NULL),
                                    bkup_record, text, sizeof text);
    if (rc != 0)
        dsgd_log("backup: %s", text);
    return ctl_answer(w, (uint8_t)(rc != 0 ? 1 : 0), (const uint8_t *)text, strlen(text));
}

/* `dsgctl backup verify ID` (REQ-BKUP-005): its result recorded. */
static int ctl_backup_verify(worker *w, const dsgd_msg *m)
{
    static const char keyless[] = " keyless", decrypted[] = " decrypted";
    char id[17], who[160], text[300];
    const char *tail, *b = (const char *)m->body, *end = b + m->len;
    int passed, with_key = -1;
    if (dsgd_bkup_report_parse(b, m->len, "backup verify", id, &passed, &tail) == 0) {
        size_t left = (size_t)(end - tail);
        if (left >= sizeof keyless - 1 && memcmp(tail, keyless, sizeof keyless - 1) == 0)
            with_key = 0, tail += sizeof keyless - 1;
        else if (left >= sizeof decrypted - 1 &&
                 memcmp(tail, decrypted, sizeof decrypted - 1) == 0)
            with_key = 1, tail += sizeof decrypted - 1;
    }
    if (with_key < 0 || who_of(tail, end, who, sizeof who) != 0) {
        static const char bad[] = "backup verify: the report is not of the form dsgctl sends "
                                  "(docs/control.md)\n";
        return ctl_answer(w, 64, (const uint8_t *)bad, sizeof bad - 1);
    }
    dsgd_bkup_verify_report(id, passed, with_key, who, bkup_record, text, sizeof text);
    return ctl_answer(w, 0, (const uint8_t *)text, strlen(text));
}

/* Every 10 minutes, with bkup.dest set: an alert and a record when the
 * newest verified backup is older than 24 h + bkup.max_duration (or none
 * was made in that long), once until a newer one verifies (REQ-BKUP-013). */
static void overdue_check(void)
{
    static int64_t next, alerted = -2;
    int64_t now = (int64_t)time(NULL);
    if (now < next || bkup.dest == NULL || bkup.dest[0] == '\0')
        return;
    next = now + 600;
    int64_t newest = dsgd_bkup_newest_verified(&bkup);
    if (!dsgd_bkup_overdue(newest, started_wall, now, cfg->bkup_max_ms) || newest == alerted)
        return;
    alerted = newest;
    if (newest < 0) {
        alert("backup: no verified backup in %s since dsgd started %lld hours ago (over 24 h + "
              "bkup.max_duration)", bkup.dest, (long long)((now - started_wall) / 3600));
        master_record("backup-overdue", "no verified backup in %s since dsgd started",
                      bkup.dest);
    } else {
        alert("backup: the newest verified backup in %s is %lld hours old (over 24 h + "
              "bkup.max_duration)", bkup.dest, (long long)((now - newest) / 3600));
        master_record("backup-overdue", "the newest verified backup in %s is %lld hours old",
                      bkup.dest, (long long)((now - newest) / 3600));
    }
}

/* At start and once a day: no drill passed for bkup.drill_max_age. */
static void drill_check(void)
{
    static int64_t next;
    int64_t now = (int64_t)time(NULL);
    char id[17];
    if (now < next)
        return;
    next = now + 86400;
    int64_t last = dsgd_bkup_drill_last(cfg->statedir, id);
    if (!dsgd_bkup_drill_overdue(last, dsgd_bkup_last_start(&bkup) >= 0, now,
                                 cfg->bkup_drill_max_s))
        return;
    if (last < 0)
        dsgd_log("WARNING: backup: no restore drill has passed on this gateway: run `dsgctl "
                 "backup drill` (docs/backup.md, \"Restore drills\")");
    else
        dsgd_log("WARNING: backup: the last restore drill that passed (backup %s) is %lld days "
                 "old, over bkup.drill_max_age: run `dsgctl backup drill`", id,
                 (long long)((now - last) / 86400));
}

/* ---- the backup run's ways to the roles (run/bkup_run.h) --------------- */

static int bkup_up(const char *role)
{
    worker *w = role_worker(role);
    return w != NULL && is_up(w) && w->pass >= 0;
}

/* The pipe on the role's fd 4 (SCM_RIGHTS), then DSGD_MSG_BACKUP: the
 * pipe is in the role's socket before the message that asks for it. */
static int bkup_ask(const char *role, int fd, const char *id)
{
    worker *w = role_worker(role);
    union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } ctl;
    uint8_t b = 'B';
    struct iovec iov = { &b, 1 };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
                         .msg_controllen = sizeof ctl.buf };
    memset(ctl.buf, 0, sizeof ctl.buf);
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &fd, sizeof fd);
    if (sendmsg(w->pass, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) != 1) {
        dsgd_log("%s: the backup pipe cannot be passed: %s", role, strerror(errno));
        return -1;
    }
    if (send_own(w, DSGD_MSG_BACKUP, (const uint8_t *)id, DSGD_BACKUP_ID_LEN) != 0) {
        /* the pipe waits in the role's socket with no question for it: a
         * later run would take it instead of its own */
        drop_worker(w, "cannot ask for its backup copy");
        return -1;
    }
    return 0;
}

/* Its record; a failed or refused backup also raises the master's own
 * alert (its log and the host's syslog), until the NOC's alerts exist
 * (REQ-BKUP-013). */
static void bkup_record(const char *event, const char *detail)
{
    master_record(event, "%s", detail);
    if (strcmp(event, "backup-failed") == 0)
        alert("backup: %.400s", detail);
}

/* The configuration in force, as `dsgctl config show` prints it. */
static size_t bkup_config(char *out, size_t cap)
{
    return dsgd_config_show_text(&in_force, config_gen, out, cap);
}

/* In the backup writer (a fork of the master): the keys it inherited,
 * which it never uses, wiped first. */
static void bkup_wipe(void)
{
    if (auth_key != NULL)
        OPENSSL_cleanse(auth_key, DSGD_DATA_KEY_LEN);
    if (share_key != NULL)
        OPENSSL_cleanse(share_key, DSGD_DATA_KEY_LEN);
    dsgd_tls_files_wipe(&tls);
}

/* A verified backup holds logd's trail up to its copy (REQ-BKUP-010). */
static void bkup_verified(const char *id)
{
    worker *w = role_worker("logd");
    if (w != NULL && is_up(w) &&
        send_own(w, DSGD_MSG_BACKUP_VERIFIED, (const uint8_t *)id, DSGD_BACKUP_ID_LEN) != 0)
        dsgd_log("backup %s: cannot tell logd it verified", id);
}

static const dsgd_bkup_ops bkup_ops = { bkup_up, bkup_ask, bkup_record, bkup_config,
                                        bkup_wipe, bkup_verified };


/* Whether every storage role the backup copies is up. */
static int bkup_roles_up(void)
{
    for (unsigned i = 0; i < bkup.nroles; i++)
        if (!bkup_up(bkup.roles[i]))
            return 0;
    return 1;
}

/* bkup.recipient_pubkey read (REQ-BKUP-003), before anything starts: 0,
 * or -1 (a key file that is not an X25519 public key). */
static int bkup_recipient(void)
{
    char err[600];
    bkup.recipient_file = cfg->bkup_recipient;
    if (dsgd_bkup_read_recipient(&bkup, err, sizeof err) != 0) {
        dsgd_log("%s", err);
        return -1;
    }
    return 0;
}

/* The retention job (REQ-BKUP-008), once after the start (as soon as logd
 * takes the records) and after each backup run ends. */
static void bkup_retention(void)
{
    static const dsgd_retention_ops ops = { bkup_record, NULL };
    if (!retention_due || bkup.dest == NULL || bkup.dest[0] == '\0' || !bkup_up("logd"))
        return;
    retention_due = 0;
    dsgd_retention_config c = { bkup.dest, cfg->bkup_retention_days, cfg->bkup_retention_min,
                                cfg->bkup_retention_clock, cfg->ntp_max_offset_ms };
    (void)dsgd_retention_run(&c, &ops, &retention_memory, (int64_t)time(NULL));
}

/* The backup run's settings, once the roles are known. */
static int bkup_setup(void)
{
    static const char *const storage[] = { "auth", "logd", "share" };   /* manifest order */
    bkup.dest = cfg->bkup_dest;
    bkup.statedir = cfg->statedir;
    bkup.max_ms = cfg->bkup_max_ms;
    bkup.nroles = 0;
    for (unsigned i = 0; i < sizeof storage / sizeof storage[0]; i++)
        if (enabled(role_worker(storage[i])))
            bkup.roles[bkup.nroles++] = storage[i];
    dsgd_bkup_init(&bkup_ops);
    if (bkup.have_recipient)
        dsgd_log("backup: every backup is encrypted to %s", bkup.recipient_file);
    unsigned stale = dsgd_bkup_settle_stale(&bkup);
    if (stale > 0)
        dsgd_log("backup: %u run(s) the last stop cut short marked failed", stale);
    if (bkup.dest[0] == '\0')
        dsgd_log("backup: bkup.dest is not set: dsgd takes no backups");
    else
        dsgd_log("backup: daily at %02u:%02u UTC into %s", cfg->bkup_daily_minute / 60,
                 cfg->bkup_daily_minute % 60, bkup.dest);
    if (bkup.dest[0] != '\0')
        dsgd_log("backup: retention: %u days, the newest %u verified kept%s", cfg->bkup_retention_days,
                 cfg->bkup_retention_min, cfg->bkup_retention_clock ? ", while the kernel "
                 "reports its clock synchronised" : "");
    if (bkup.dest[0] != '\0' && !cfg->bkup_retention_clock)
        dsgd_log("WARNING: bkup.retention_clock_check = none: the retention job deletes backups "
                 "by a clock nothing checks; a clock set forward deletes backups before their "
                 "time (REQ-BKUP-008)");
    started_wall = (int64_t)time(NULL);
    return 0;
}

static void restart_for_reload(worker *w);

/* `dsgctl role restart ROLE` (REQ-RUN-008): a failed, stopped or waiting
 * role starts at once with its backoff and burst count cleared; a running
 * one is stopped and started again, except ctl, which serves the command. */
static int ctl_role_restart(worker *w, worker *target)
{
    char text[160];
    int n, was_failed = target->failed;
    if (!enabled(target)) {
        n = snprintf(text, sizeof text, "%s is not in dsgd.roles: it is not started\n",
                     target->role->name);
        return ctl_answer(w, 64, (const uint8_t *)text, (size_t)n);
    }
    if (stopping || (target == w && target->pid != 0)) {
        n = snprintf(text, sizeof text, "%s\n", stopping ? "dsgd is stopping"
                     : "ctl serves this command and is running: it restarts only when failed");
        return ctl_answer(w, 70, (const uint8_t *)text, (size_t)n);
    }
    if (strcmp(target->role->name, "logd") == 0 && relay_dropped > 0) {
        dsgd_log("audit: %llu messages of audit records were dropped while logd was failed",
                 relay_dropped);
        relay_dropped = 0;
    }
    target->failed = 0;
    memset(&target->exits, 0, sizeof target->exits);
    target->last_delay_ms = 0;
    if (target->pid != 0) {
        restart_for_reload(target);
        n = snprintf(text, sizeof text, "%s[%d]: stopping it to start it again\n",
                     target->role->name, (int)target->pid);
    } else {
        start_worker(target);
        n = snprintf(text, sizeof text, "%s: %s (pid %d)\n", target->role->name,
                     was_failed ? "was failed, started" : "started", (int)target->pid);
    }
    dsgd_log("%s: restarted by dsgctl role restart%s", target->role->name,
             was_failed ? " (it was failed)" : "");
    return ctl_answer(w, 0, (const uint8_t *)text, (size_t)n);
}

/* "role restart " and a role's name, exactly; NULL for anything else. */
static worker *role_restart_target(const dsgd_msg *m)
{
    static const char verb[] = "role restart ";
    size_t v = sizeof verb - 1;
    if (m->len <= v || memcmp(m->body, verb, v) != 0)
        return NULL;
    for (unsigned i = 0; i < DSGD_ROLE_COUNT; i++) {
        const char *name = workers[i].role->name;
        if (m->len - v == strlen(name) && memcmp(m->body + v, name, m->len - v) == 0)
            return &workers[i];
    }
    return NULL;
}

/* A dsgctl command from ctl (REQ-RUN-023): the master runs only the exact
 * commands it knows, and passes `log prune ...` and `log export ...` on to
 * logd, which parses their options (REQ-LOG-044, REQ-LOG-045),
 * `account ...`, `org ...` and `terminal ...` to auth (REQ-ACCT-001,
 * REQ-ACCT-016, REQ-MFA-016) and
 * `area ...` and `rights ...` to share (REQ-SHARE-006, REQ-ACCT-009); it
 * runs `key rotate kek` (REQ-STOR-008) and `key export` (REQ-STOR-009)
 * itself. */
static int ctl_command(worker *w, const dsgd_msg *m)
{
    static const char logd_down[] =
        "logd is not running: try again, or use a copy with --offline\n";
    static const char auth_down[] = "auth is not running (dsgd.roles, dsgctl status)\n";
    static const char share_down[] = "share is not running (dsgd.roles, dsgctl status)\n";
    worker *target = role_restart_target(m);
    char who[160];
    if (target != NULL)
        return ctl_role_restart(w, target);
    if (rotate_who(m, who, sizeof who) == 0)
        return ctl_key_rotate(w, who);
    if (backup_who(m, who, sizeof who) == 0)
        return ctl_backup_now(w, who);
    if (m->len == 11 && memcmp(m->body, "backup list", 11) == 0)
        return ctl_backup_list(w);
    if (m->len == 13 && memcmp(m->body, "backup pubkey", 13) == 0)
        return ctl_backup_pubkey(w);
    if (m->len > 13 && memcmp(m->body, "backup drill ", 13) == 0)
        return ctl_backup_drill(w, m);
    if (m->len > 14 && memcmp(m->body, "backup verify ", 14) == 0)
        return ctl_backup_verify(w, m);
    dsgd_escrow_req escrow;
    if (export_req(m, &escrow, who, sizeof who) == 0)
        return ctl_key_export(w, &escrow, who);
    if (m->len > 11 && memcmp(m->body, "key export ", 11) == 0) {   /* ctl passes it on as is */
        static const char bad[] = "key export: the arguments are not of the form dsgctl sends "
                                  "(docs/control.md)\n";
        return ctl_answer(w, 64, (const uint8_t *)bad, sizeof bad - 1);
    }
    static const char *const known[] = { "status", "status --json", "log verify", "config show",
                                         "config show --json", "storage usage",
                                         "storage usage --json" };
    size_t k = 0;
    while (k < sizeof known / sizeof known[0] &&
           !(m->len == strlen(known[k]) && memcmp(m->body, known[k], m->len) == 0))
        k++;
    if (k == sizeof known / sizeof known[0] &&
        ((m->len > 10 && memcmp(m->body, "log prune ", 10) == 0) ||
         (m->len > 11 && memcmp(m->body, "log export ", 11) == 0)))
        return ctl_via_role(w, "logd", logd_down, DSGD_MSG_ROLE_COMMAND, m->body, m->len);
    if (k == sizeof known / sizeof known[0] &&
        ((m->len > 8 && memcmp(m->body, "account ", 8) == 0) ||
         (m->len > 4 && memcmp(m->body, "org ", 4) == 0) ||        /* REQ-ACCT-016 */
         (m->len > 9 && memcmp(m->body, "terminal ", 9) == 0)))   /* REQ-MFA-016 */
        return ctl_via_role(w, "auth", auth_down, DSGD_MSG_ROLE_COMMAND, m->body, m->len);
    if (k == sizeof known / sizeof known[0] &&
        ((m->len > 5 && memcmp(m->body, "area ", 5) == 0) ||
         (m->len > 7 && memcmp(m->body, "rights ", 7) == 0)))
        return ctl_via_role(w, "share", share_down, DSGD_MSG_ROLE_COMMAND, m->body, m->len);
    switch (k) {
    case 0: return ctl_status(w, 0);
    case 1: return ctl_status(w, 1);
    case 2: return ctl_via_role(w, "logd", logd_down, DSGD_MSG_LOG_VERIFY, NULL, 0);
    case 3: return ctl_config_show(w, 0);
    case 4: return ctl_config_show(w, 1);
    case 5: return ctl_storage_usage(w, 0);
    case 6: return ctl_storage_usage(w, 1);
    default: return -1;
    }
}

/* ---- the bus: messages passed on between roles (REQ-RUN-050) ----------- */

static dsgd_chan *relay_chan_of(unsigned i)
{
    return is_up(&workers[i]) ? &workers[i].chan : NULL;
}

static void audit_settled(uint32_t tag, int delivered);

/* The sender's window gets one message back, if it is the same run; an
 * audit message's sender also hears what became of it. */
static void relay_give_back(unsigned from, unsigned run, uint32_t tag, int delivered)
{
    worker *w = &workers[from];
    if (tag != 0)
        audit_settled(tag, delivered);
    if (w->starts == run && is_up(w) && w->chan.ch.state != DSG_IPC_STATE_CLOSED &&
        dsgd_bus_done(&w->chan, 1) != 0)   /* after SHUTDOWN: nothing more to it */
        drop_worker(w, "cannot give back bus credit");
}

static void relay_failed(unsigned i, const char *why)
{
    drop_worker(&workers[i], why);
}

static const dsgd_relay_ops relay_ops = { relay_chan_of, relay_give_back, relay_failed };

/* A message of the master's own to w (no role's window involved). */
static int send_own(worker *w, uint8_t kind, const uint8_t *body, size_t len)
{
    return dsgd_relay_send(index_of(w), DSGD_RELAY_MASTER, 0, 0, kind, NULL, 0, body, len);
}

/* A role's message passed on to `to`, with the sender's role number or
 * name in front when `head` says so; the sender's window gets the message
 * back once `to` has finished with it. */
static void pass_tagged(worker *from, worker *to, uint32_t tag, uint8_t kind,
                        const uint8_t *head, size_t head_len, const dsgd_msg *m)
{
    if (dsgd_relay_send(index_of(to), index_of(from), from->starts, tag, kind, head, head_len,
                        m->body, m->len) != 0)
        dsgd_log("%s[%d]: a message to %s could not be passed on (too long or no memory)",
                 from->role->name, (int)from->pid, to->role->name);
}

static void pass_on(worker *from, worker *to, uint8_t kind, const uint8_t *head,
                    size_t head_len, const dsgd_msg *m)
{
    pass_tagged(from, to, 0, kind, head, head_len, m);
}

/* ---- audit records and their acknowledgements (REQ-LOG-001, REQ-LOG-008) */

/* An AUDIT message on its way to logd: whose, which of the sender's, since
 * when the master holds it. Its tag on the relay is its index + 1. */
typedef struct audit_flight {
    int used;
    unsigned from, start;
    uint32_t seq;
    uint64_t at;
    int late;                   /* LATE already told */
    int refused;                /* logd said it could not store it all */
    unsigned records;           /* how many it holds */
} audit_flight;

/* every role's window of AUDIT messages at once */
static audit_flight flights[DSGD_ROLE_COUNT * DSGD_BUS_WINDOW];
static int audit_outage;        /* a record unconfirmed past log.ack_timeout, or refused */

/* Tells the sender, if the same run, what became of one of its messages:
 * DSGD_MSG_AUDIT_ACK (bus.h). */
static void audit_ack(const audit_flight *f, uint8_t result)
{
    worker *w = &workers[f->from];
    uint8_t body[DSGD_AUDIT_ACK_LEN];
    if (w->starts != f->start || !is_up(w))
        return;
    dsg_ipc_put_u32(body, f->seq);
    body[4] = result;
    if (send_own(w, DSGD_MSG_AUDIT_ACK, body, sizeof body) != 0)
        drop_worker(w, "cannot send an audit acknowledgement");
}

/* The relay is done with the message: logd finished it (stored, unless it
 * said it refused part of it) or it was dropped (lost). */
static void audit_settled(uint32_t tag, int delivered)
{
    audit_flight *f;
    if (tag == 0 || tag > sizeof flights / sizeof flights[0] || !flights[tag - 1].used)
        return;
    f = &flights[tag - 1];
    if (!delivered && stopping) {   /* counted, and logged once the stop is over */
        stop_lost += f->records;
        stop_lost_msgs++;
    }
    if (delivered && !f->refused && audit_outage) {
        audit_outage = 0;
        dsgd_log("audit: logd stores records again");
    }
    audit_ack(f, !delivered ? DSGD_AUDIT_ACK_LOST
                 : f->refused ? DSGD_AUDIT_ACK_REFUSED : DSGD_AUDIT_ACK_STORED);
    f->used = 0;
}

/* logd could not store all of the oldest message it holds (it says so
 * before giving the message's credit back): an alert, and the sender
 * hears REFUSED. */
static void audit_refused(void)
{
    uint32_t tag = dsgd_relay_oldest_tag(index_of(role_worker("logd")));
    if (tag == 0 || tag > sizeof flights / sizeof flights[0])
        return;
    flights[tag - 1].refused = 1;
    if (audit_outage)
        return;
    audit_outage = 1;
    alert("audit: logd could not store records of %s: operations that must be recorded "
          "fail until it does", workers[flights[tag - 1].from].role->name);
}

/* One message past log.ack_timeout: its sender hears it is late, and the
 * first such message of an outage raises the alert (REQ-LOG-008). */
static void audit_late(audit_flight *f, uint64_t now)
{
    f->late = 1;
    audit_ack(f, DSGD_AUDIT_ACK_LATE);
    if (audit_outage)
        return;
    audit_outage = 1;
    alert("audit: logd has not stored the records of %s within %u ms (log.ack_timeout, "
          "held %llu ms): operations that must be recorded fail until it does",
          workers[f->from].role->name, cfg->log_ack_timeout_ms,
          (unsigned long long)(now - f->at));
}

/* Finds the messages that passed log.ack_timeout (when act); returns the
 * next deadline of those that have not (UINT64_MAX: none). */
static uint64_t audit_deadlines(uint64_t now, int act)
{
    uint64_t next = UINT64_MAX;
    for (size_t i = 0; i < sizeof flights / sizeof flights[0]; i++) {
        audit_flight *f = &flights[i];
        uint64_t due = f->at + cfg->log_ack_timeout_ms;
        if (!f->used || f->late)
            continue;
        if (act && now >= due)
            audit_late(f, now);
        else if (due < next)
            next = due;
    }
    return next;
}

/* logd is failed (REQ-RUN-008): nothing will store what waits for it, so
 * it is dropped and counted rather than held, and its senders, whose
 * fail-closed operations fail, keep their windows open for the commands
 * that bring logd back. */
static int logd_failed(void)
{
    worker *l = role_worker("logd");
    return l != NULL && l->failed;
}

static void audit_drop_waiting(void)
{
    unsigned l = index_of(role_worker("logd"));
    relay_dropped += dsgd_relay_pending(l);
    (void)dsgd_relay_gone(l, 0);
}

static uint32_t flight_new(worker *w)
{
    for (size_t i = 0; i < sizeof flights / sizeof flights[0]; i++)
        if (!flights[i].used) {
            flights[i] = (audit_flight){ 1, index_of(w), w->starts, ++w->audit_seq,
                                         dsgd_now_ms(), 0, 0, 0 };
            return (uint32_t)i + 1;
        }
    return 0;
}

/* A system record of the master's own (type 101, source "master",
 * docs/events.md): what happened to a role. It waits for logd like every
 * role's records; the master has no window to free (REQ-LOG-006). */
static void master_record(const char *event, const char *fmt, ...)
{
    static const uint8_t head[] = { 6, 'm', 'a', 's', 't', 'e', 'r' };
    uint8_t body[1024];
    char detail[512];
    size_t used = 0;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    dsg_audit_field f[2] = {
        { "event", (const uint8_t *)event, strlen(event) },
        { "detail", (const uint8_t *)detail, n < 0 ? 0 : strlen(detail) },
    };
    if (logd_failed()) {
        relay_dropped++;
        return;
    }
    if (dsg_audit_wire_put(body, sizeof body, &used, DSG_AUDIT_TYPE_SYSTEM, f, 2) != 0 ||
        dsgd_relay_send(index_of(role_worker("logd")), DSGD_RELAY_MASTER, 0, 0, DSGD_MSG_AUDIT,
                        head, sizeof head, body, used) != 0)
        dsgd_log("audit: the master's record %s (%s) is lost", event, detail);
}

/* How many records an AUDIT message holds, by their u32 length prefixes
 * (log/audit_wire.h), for the count of what a stop loses; logd checks the
 * records themselves. */
static unsigned records_in(const uint8_t *b, size_t len)
{
    unsigned n = 0;
    for (size_t off = 0; len - off >= 4 && dsg_ipc_get_u32(b + off) <= len - off - 4; n++)
        off += 4 + dsg_ipc_get_u32(b + off);
    return n;
}

/* Audit records (REQ-LOG-001): to logd, with the sending role's name in
 * front: the source comes from the channel, never from the record. */
static int relay_audit(worker *w, const dsgd_msg *m)
{
    uint8_t head[1 + 32];
    size_t name = strlen(w->role->name);
    uint32_t tag;
    if (name >= sizeof head || m->len > DSGD_BUS_BODY_MAX - 1 - name)
        return -1;
    if ((tag = flight_new(w)) == 0)   /* more than every window: cannot happen */
        return -1;
    flights[tag - 1].records = records_in(m->body, m->len);
    if (logd_failed()) {
        relay_dropped++;
        relay_give_back(index_of(w), w->starts, tag, 0);
        return 0;
    }
    head[0] = (uint8_t)name;
    memcpy(head + 1, w->role->name, name);
    pass_tagged(w, role_worker("logd"), tag, DSGD_MSG_AUDIT, head, 1 + name, m);
    return 0;
}

/* ---- HTTP exchanges: portal <-> the roles serving routes (REQ-RUN-017) --- */

/* The last ROUTES message of each role, replayed to a portal that starts. */
static struct {
    unsigned run;               /* the run that sent it; 0: none */
    size_t len;
    uint8_t body[DSGD_BUS_BODY_MAX];
} routes_of[DSGD_ROLE_COUNT];

static void send_routes(worker *portal, unsigned i)
{
    uint8_t head = (uint8_t)workers[i].role->id;
    if (routes_of[i].run == 0 || !is_up(portal))
        return;
    if (dsgd_relay_send(index_of(portal), DSGD_RELAY_MASTER, 0, 0, DSGD_MSG_HTTP_ROUTES, &head, 1,
                        routes_of[i].body, routes_of[i].len) != 0)
        drop_worker(portal, "cannot send it the routes of a role");
}

static void on_routes(worker *w, const dsgd_msg *m)
{
    static dsgd_route check[DSGD_ROUTES_MAX];
    unsigned i = index_of(w);
    size_t n;
    if (dsgd_xch_routes_get(m->body, m->len, (uint8_t)w->role->id, check, &n) != 0) {
        drop_worker(w, "malformed routes");
        return;
    }
    memcpy(routes_of[i].body, m->body, m->len);
    routes_of[i].len = m->len;
    routes_of[i].run = w->starts;
    dsgd_log("%s[%d] serves %zu route%s", w->role->name, (int)w->pid, n, n == 1 ? "" : "s");
    send_routes(role_worker("portal"), i);
    if (dsgd_bus_done(&w->chan, 1) != 0)
        drop_worker(w, "cannot give back bus credit");
}

/* The role a portal message is for: one that has registered routes in its
 * current run and is up; NULL otherwise. */
static worker *serving_role(uint8_t id)
{
    for (unsigned i = 0; i < DSGD_ROLE_COUNT; i++)
        if (workers[i].role->id == id && routes_of[i].run == workers[i].starts &&
            is_up(&workers[i]))
            return &workers[i];
    return NULL;
}

/* A request for a role that is not there: the master answers 503 in its
 * place, so that the portal's client is not left waiting. */
static void answer_unavailable(worker *portal, const dsgd_msg *m)
{
    static const char body[] =
        "{\"error\":\"service-unavailable\",\"message\":\"the service is not running; try again later\"}";
    dsgd_xch_request r;
    uint8_t out[DSGD_XCH_ANSWER_HEAD_MAX + sizeof body];
    size_t len;
    if (dsgd_xch_request_get(m->body, m->len, &r) != 0 ||
        (len = dsgd_xch_answer_put(out, sizeof out, r.id, 503, NULL, (const uint8_t *)body,
                                   sizeof body - 1)) == 0 ||
        send_own(portal, DSGD_MSG_HTTP_ANSWER, out, len) != 0)
        drop_worker(portal, "a request the master cannot answer");
}

/* REQUEST, BODY, END from the portal: to the role whose number leads. */
static void from_portal(worker *p, const dsgd_msg *m)
{
    worker *to = m->len >= 1 ? serving_role(m->body[0]) : NULL;
    if (to != NULL) {
        pass_on(p, to, m->kind, NULL, 0, m);
        return;
    }
    if (m->kind == DSGD_MSG_HTTP_REQUEST)
        answer_unavailable(p, m);
    if (dsgd_bus_done(&p->chan, 1) != 0)   /* dropped: the role is gone */
        drop_worker(p, "cannot give back bus credit");
}

/* A role went away: the portal ends its exchanges with it; a portal went
 * away: every role serving routes forgets its exchanges. */
static void tell_gone(const worker *gone)
{
    uint8_t id = (uint8_t)gone->role->id;
    int portal = strcmp(gone->role->name, "portal") == 0;
    if (!portal && routes_of[index_of(gone)].run != gone->starts)
        return;   /* it served no route: no exchange to end */
    for (unsigned i = 0; i < DSGD_ROLE_COUNT; i++) {
        worker *w = &workers[i];
        int peer = portal ? routes_of[i].run == w->starts : strcmp(w->role->name, "portal") == 0;
        if (w != gone && peer && is_up(w) && send_own(w, DSGD_MSG_GONE, &id, 1) != 0)
            drop_worker(w, "cannot tell it a peer went away");
    }
}

/* What was on its way to w when it went away. Records for logd that were
 * still waiting wait for the next logd (at a stop there is none: they are
 * lost, and counted); those it had not confirmed may or
 * may not be stored (its next verify tells), and their senders get the
 * room back so that they do not stall. Anything else for w is dropped, and
 * w's peers end their exchanges with it. */
static void passed_on_gone(worker *w)
{
    int logd = strcmp(w->role->name, "logd") == 0;
    unsigned lost = dsgd_relay_gone(index_of(w), logd && !stopping);
    if (logd && lost > 0)
        dsgd_log("audit: logd stopped with %u messages of records not confirmed", lost);
    tell_gone(w);
}

/* A frame of a worker's bus stream: each message is handled by what the
 * sending role may ask for; anything else is a protocol error. */
static int is_exchange_kind(uint8_t kind)
{
    return kind == DSGD_MSG_HTTP_REQUEST || kind == DSGD_MSG_HTTP_BODY ||
           kind == DSGD_MSG_HTTP_END || kind == DSGD_MSG_HTTP_MORE;
}

/* What a role that serves routes sends the portal: answers, and the head,
 * pieces and end of streamed ones. */
static int is_answer_kind(uint8_t kind)
{
    return kind == DSGD_MSG_HTTP_ANSWER || kind == DSGD_MSG_HTTP_STREAM ||
           kind == DSGD_MSG_HTTP_DATA || kind == DSGD_MSG_HTTP_DONE;
}

/* ---- who holds a session (REQ-ACCT-014) ----------------------------------- */

/* A role that serves routes asks the auth role whose a session token is:
 * the question goes on with the asker's number in front, which the master
 * takes from the channel, so that no role can have another's answer. */
static void who_ask(worker *w, const dsgd_msg *m)
{
    worker *auth = role_worker("auth");
    uint8_t id = (uint8_t)w->role->id;
    if (is_up(auth)) {
        pass_on(w, auth, DSGD_MSG_WHO_ASK, &id, 1, m);
        return;
    }
    /* no auth role: nobody can vouch for the session */
    dsgd_xch_who_is no = { id, 0, 503, NULL, 0, NULL, 0, 0, 0 };
    dsgd_xch_who_ask a;
    uint8_t out[16];
    size_t len;
    if (dsgd_xch_who_ask_get(m->body, m->len, &a, 0) != 0) {
        drop_worker(w, "a malformed session question");
        return;
    }
    no.qid = a.qid;
    if ((len = dsgd_xch_who_is_put(out, sizeof out, &no)) == 0 ||
        send_own(w, DSGD_MSG_WHO_IS, out, len) != 0)
        drop_worker(w, "cannot answer its session question");
    else if (dsgd_bus_done(&w->chan, 1) != 0)
        drop_worker(w, "cannot give back bus credit");
}

/* The share role reduced an account's or an organisation's rights: the
 * auth role ends their sessions (REQ-ACCT-010). With no auth role running
 * there is no session to end. */
static void sessions_end(worker *share, const dsgd_msg *m)
{
    worker *auth = role_worker("auth");
    if (is_up(auth)) {
        pass_on(share, auth, DSGD_MSG_SESSIONS_END, NULL, 0, m);
        return;
    }
    if (dsgd_bus_done(&share->chan, 1) != 0)
        drop_worker(share, "cannot give back bus credit");
}

/* ---- an item's access history for the portal (REQ-SHARE-017) ------------ */

/* The end of the share role's history question: logd's exit status and
 * text (0: the history is complete), to the share run that asked. */
static void history_end(unsigned start, uint8_t status, const uint8_t *text, size_t len)
{
    worker *share = role_worker("share");
    uint8_t out[512];
    if (len > sizeof out - 1)
        len = sizeof out - 1;
    out[0] = status;
    memcpy(out + 1, text, len);
    if (share->starts == start && is_up(share) &&
        send_own(share, DSGD_MSG_HISTORY_END, out, len + 1) != 0)
        drop_worker(share, "cannot end its history question");
}

/* The share role asks for an item's history: the master writes the one
 * read-only logd command it stands for (dsgd_xch_history_line), so the
 * share role reads the audit trail only the way dsgctl's export does
 * and can run nothing else there. logd busy or down: 75 or 69. */
static void history_ask(worker *share, const dsgd_msg *m)
{
    static const char busy[] = "logd is running another command";
    static const char down[] = "logd is not running";
    worker *l = role_worker("logd");
    char line[256];
    size_t n = dsgd_xch_history_line(m->body, m->len, line, sizeof line);
    if (n == 0) {
        drop_worker(share, "a malformed history question");
        return;
    }
    if (dsgd_bus_done(&share->chan, 1) != 0) {
        drop_worker(share, "cannot give back bus credit");
        return;
    }
    if (hist_wait.from_start != 0 || (cmd_wait.from_start != 0 && cmd_wait.to == index_of(l))) {
        history_end(share->starts, 75, (const uint8_t *)busy, sizeof busy - 1);
        return;
    }
    if (!is_up(l) || send_own(l, DSGD_MSG_ROLE_COMMAND, (const uint8_t *)line, n) != 0) {
        history_end(share->starts, 69, (const uint8_t *)down, sizeof down - 1);
        return;
    }
    hist_wait.from_start = share->starts;
    hist_wait.to_start = l->starts;
}

/* Whether w is the logd run answering the share role's history. */
static int answers_history(const worker *w)
{
    return hist_wait.from_start != 0 && index_of(w) == DSGD_ROLE_LOGD &&
           w->starts == hist_wait.to_start;
}

/* logd's answer: its pieces on to the share role (logd's window back when
 * the share role has taken each), its report as the end. */
static void history_answer(worker *l, const dsgd_msg *m)
{
    worker *share = role_worker("share");
    if (m->kind == DSGD_MSG_ROLE_PART && share->starts == hist_wait.from_start &&
        is_up(share)) {
        pass_on(l, share, DSGD_MSG_HISTORY_PART, NULL, 0, m);
        return;
    }
    if (m->kind == DSGD_MSG_ROLE_REPORT) {
        history_end(hist_wait.from_start, m->body[0], m->body + 1, m->len - 1);
        hist_wait.from_start = 0;
    }
    if (dsgd_bus_done(&l->chan, 1) != 0)
        drop_worker(l, "cannot give back bus credit");
}

/* The auth role's answer goes to the role its first byte names. */
static void who_is(worker *auth, const dsgd_msg *m)
{
    worker *to = m->len >= 1 ? serving_role(m->body[0]) : NULL;
    if (to != NULL) {
        pass_on(auth, to, DSGD_MSG_WHO_IS, NULL, 0, m);
        return;
    }
    if (dsgd_bus_done(&auth->chan, 1) != 0)   /* the asker is gone */
        drop_worker(auth, "cannot give back bus credit");
}

/* ---- forwarding the audit trail (REQ-LOG-047, REQ-RUN-053) --------------- */

static int is_forward_kind(uint8_t kind)
{
    return kind == DSGD_MSG_FWD_BATCH || kind == DSGD_MSG_FWD_ACK || kind == DSGD_MSG_FWD_STATE;
}

static void fwd_to_logd(const uint8_t *body, size_t len)
{
    worker *l = role_worker("logd");
    if (!l->failed && send_own(l, DSGD_MSG_FWD_STATE, body, len) != 0)
        dsgd_log("log.forward: a state change could not be passed on to logd");
}

static void fwd_to_logfwd(const uint8_t *body, size_t len)
{
    worker *f = &workers[DSGD_ROLE_LOGFWD];
    if (is_up(f) && send_own(f, DSGD_MSG_FWD_STATE, body, len) != 0)
        drop_worker(f, "cannot send it a message");
}

static void fwd_record(const char *event, const char *detail)
{
    master_record(event, "%s", detail);
}

static const dsgd_fwd_master_ops fwd_ops = { fwd_to_logd, fwd_to_logfwd, fwd_record };

/* logd's batches go to logfwd, logfwd's acknowledgements to logd, each
 * holding its sender's window until the other has finished with it; a
 * batch for a logfwd that is not up is dropped (logd sends it again on
 * the next connection). logfwd's state changes are the master's. */
static void on_forward(worker *w, const dsgd_msg *m)
{
    worker *fwd = &workers[DSGD_ROLE_LOGFWD];
    int from_logd = index_of(w) == DSGD_ROLE_LOGD;
    if (from_logd && m->kind == DSGD_MSG_FWD_BATCH && is_up(fwd)) {
        pass_on(w, fwd, m->kind, NULL, 0, m);
        return;
    }
    if (!from_logd && m->kind == DSGD_MSG_FWD_ACK) {
        pass_on(w, role_worker("logd"), m->kind, NULL, 0, m);
        return;
    }
    int taken = from_logd ? m->kind == DSGD_MSG_FWD_BATCH   /* logfwd is not up: dropped */
                          : m->kind == DSGD_MSG_FWD_STATE &&
                                dsgd_fwd_master_state(m->body, m->len) == 0;
    if (!taken)
        drop_worker(w, "a malformed or misdirected forwarding message");
    else if (dsgd_bus_done(&w->chan, 1) != 0)
        drop_worker(w, "cannot give back bus credit");
}

/* A bus message of a worker's: passed on only as its role may send it. A
 * role's only way to the audit trail is DSGD_MSG_AUDIT, a record to
 * append, and the share role's DSGD_MSG_HISTORY_ASK, which the master
 * turns into a read-only export of one item's history; any other message
 * to logd drops the worker. @relation(REQ-ACCT-019) */
static void on_bus(worker *w, const dsg_ipc_frame *f)
{
    dsgd_msg m;
    int is_logd = strcmp(w->role->name, "logd") == 0;
    int is_portal = strcmp(w->role->name, "portal") == 0;
    int r = dsgd_bus_receive(&w->chan, f, &m);
    if (r == 0) {
        if (f->type == DSG_IPC_CREDIT) {
            dsgd_relay_credit(index_of(w), dsg_ipc_get_u32(f->payload));
            if (is_logd)
                stop_logd_when_alone();
        }
        return;
    }
    if (r < 0) {
        drop_worker(w, "an unexpected stream frame");
        return;
    }
    if (m.kind == DSGD_MSG_DRAINED && w->drain_due != 0 && m.len == 0) {
        shutdown_worker(w);   /* its records are all on their way to logd */
        return;
    }
    if ((m.kind == DSGD_MSG_ROLE_REPORT || m.kind == DSGD_MSG_ROLE_PART) &&
        answers_history(w) && m.len >= 1) {
        history_answer(w, &m);
        return;
    }
    if (m.kind == DSGD_MSG_ROLE_REPORT && runs_command(w) && m.len >= 1) {
        ctl_role_report(m.body[0], m.body + 1, m.len - 1);
        if (dsgd_bus_done(&w->chan, 1) != 0)
            drop_worker(w, "cannot give back bus credit");
        return;
    }
    if (m.kind == DSGD_MSG_AUDIT_UNSTORED && is_logd && m.len == 0) {
        audit_refused();
        if (dsgd_bus_done(&w->chan, 1) != 0)
            drop_worker(w, "cannot give back bus credit");
        return;
    }
    if (m.kind == DSGD_MSG_ROLE_PART && runs_command(w) && m.len >= 1) {
        ctl_role_part(w, &m);
        return;
    }
    if (is_forward_kind(m.kind) && (is_logd || index_of(w) == DSGD_ROLE_LOGFWD)) {
        on_forward(w, &m);
        return;
    }
    if (m.kind == DSGD_MSG_AUDIT && !is_logd) {
        if (relay_audit(w, &m) != 0)
            drop_worker(w, "an audit message too long to pass on");
        return;
    }
    if (m.kind == DSGD_MSG_CTL_REQUEST && strcmp(w->role->name, "ctl") == 0) {
        if (ctl_command(w, &m) != 0)
            drop_worker(w, "a control command the master does not run");
        return;
    }
    if (m.kind == DSGD_MSG_HTTP_ROUTES && !is_portal) {
        on_routes(w, &m);
        return;
    }
    if (is_exchange_kind(m.kind) && is_portal) {
        from_portal(w, &m);
        return;
    }
    if (is_answer_kind(m.kind) && routes_of[index_of(w)].run == w->starts) {
        pass_on(w, role_worker("portal"), m.kind, NULL, 0, &m);
        return;
    }
    if (m.kind == DSGD_MSG_WHO_ASK && routes_of[index_of(w)].run == w->starts &&
        !is_portal && strcmp(w->role->name, "auth") != 0) {
        who_ask(w, &m);
        return;
    }
    if (m.kind == DSGD_MSG_WHO_IS && strcmp(w->role->name, "auth") == 0) {
        who_is(w, &m);
        return;
    }
    if (m.kind == DSGD_MSG_HISTORY_ASK && strcmp(w->role->name, "share") == 0) {
        history_ask(w, &m);
        return;
    }
    if (m.kind == DSGD_MSG_SESSIONS_END && strcmp(w->role->name, "share") == 0) {
        sessions_end(w, &m);
        return;
    }
    if (m.kind == DSGD_MSG_BACKUP_DONE && w->role->kind == DSGD_ROLE_STORAGE) {
        if (dsgd_bkup_role_done(w->role->name, m.body, m.len) != 0)
            drop_worker(w, "a backup answer no run waits for");
        else if (dsgd_bus_done(&w->chan, 1) != 0)
            drop_worker(w, "cannot give back bus credit");
        return;
    }
    drop_worker(w, "a message its role may not send");
}

static void on_frame(worker *w, const dsg_ipc_frame *f)
{
    dsg_ipc_status st;
    char name[64];
    uint8_t p[8];

    switch (f->type) {
    case DSG_IPC_HELLO: {
        uint32_t version = dsg_ipc_get_u32(f->payload);
        uint32_t role = dsg_ipc_get_u32(f->payload + 4);
        if (version != DSG_IPC_VERSION || role != w->role->id) {
            snprintf(name, sizeof name, "HELLO with version %u role %u", version, role);
            if (dsgd_chan_send(&w->chan, DSG_IPC_SHUTDOWN, 0, NULL, 0, &st) != DSGD_CHAN_FRAME) {
                /* dropped below either way */
            }
            drop_worker(w, name);
            return;
        }
        dsg_ipc_put_u32(p, DSG_IPC_VERSION);
        dsg_ipc_put_u32(p + 4, config_gen);
        if (dsgd_chan_send(&w->chan, DSG_IPC_WELCOME, f->request_id, p, 8, &st) != DSGD_CHAN_FRAME) {
            drop_worker(w, "cannot send WELCOME");
            return;
        }
        /* a failed write means the worker is already gone (e.g. killed by
         * its filter right after WELCOME): its last frames, a SECCOMP_KILL
         * report among them, are still read before the EOF */
        if (dsgd_bus_open(&w->chan) != 0)
            dsgd_log("%s[%d]: cannot open its bus stream", w->role->name, (int)w->pid);
        w->ready = 1;
        dsgd_log("%s[%d] ready (HELLO version %u)", w->role->name, (int)w->pid, version);
        dsgd_relay_flush(index_of(w));   /* what waited for it (a new logd: records) */
        if (index_of(w) == DSGD_ROLE_LOGFWD)
            dsgd_fwd_master_logfwd(fwd_pass);
        if (index_of(w) == DSGD_ROLE_LOGD)
            dsgd_fwd_master_logd_ready();
        if (strcmp(w->role->name, "portal") == 0)
            for (unsigned i = 0; i < DSGD_ROLE_COUNT; i++)
                send_routes(w, i);
        return;
    }
    case DSG_IPC_PONG:
        if (w->ping_sent == 0 || f->request_id != w->ping_id ||
            memcmp(f->payload, w->ping_nonce, 8) != 0) {
            drop_worker(w, "PONG that answers no PING");
            return;
        }
        w->ping_sent = 0;
        return;
    case DSG_IPC_PING:
        memcpy(p, f->payload, 8);
        if (dsgd_chan_send(&w->chan, DSG_IPC_PONG, f->request_id, p, 8, &st) != DSGD_CHAN_FRAME)
            drop_worker(w, "cannot send PONG");
        return;
    case DSG_IPC_SECCOMP_KILL: {
        uint32_t nr = dsg_ipc_get_u32(f->payload);
        uint32_t arch = dsg_ipc_get_u32(f->payload + 4);
        dsgd_sandbox_syscall_name(nr, arch, name, sizeof name);
        master_record("seccomp-kill", "%s[%d]: %s (syscall %u)", w->role->name, (int)w->pid,
                      name, nr);
        dsgd_log("%s[%d] killed by seccomp: %s (syscall %u, arch 0x%08x)", w->role->name,
                 (int)w->pid, name, nr, arch);
        return;
    }
    case DSG_IPC_STREAM_OPEN:
    case DSG_IPC_DATA:
    case DSG_IPC_CREDIT:
    case DSG_IPC_END:
    case DSG_IPC_ABORT:
    case DSG_IPC_STREAM_CLOSE:
        on_bus(w, f);
        return;
    default:
        snprintf(name, sizeof name, "unexpected frame type %u", (unsigned)f->type);
        drop_worker(w, name);
        return;
    }
}

/* A frame the worker sent before it read our SHUTDOWN is refused. When it
 * is a message of audit records (the role did not hand them over in time),
 * the loss is said, with the count when the frame came whole. */
static void crossed_shutdown(const worker *w)
{
    const dsgd_chan *c = &w->chan;
    const uint8_t *body = c->buf + DSG_IPC_HEADER_SIZE + 1;
    uint32_t len;
    if (c->len <= DSG_IPC_HEADER_SIZE || c->buf[0] != DSG_IPC_DATA || c->buf[1] != 0 ||
        c->buf[DSG_IPC_HEADER_SIZE] != DSGD_MSG_AUDIT)
        return;
    len = dsg_ipc_get_u32(c->buf + 4);
    if (len >= 1 && c->len - DSG_IPC_HEADER_SIZE >= len)
        dsgd_log("audit: %s[%d]: %u record(s) sent as SHUTDOWN went to it: lost",
                 w->role->name, (int)w->pid, records_in(body, len - 1));
    else
        dsgd_log("audit: %s[%d]: a message of records sent as SHUTDOWN went to it: lost",
                 w->role->name, (int)w->pid);
}

/* Reads once from the channel and handles every complete frame. */
static void read_chan(worker *w)
{
    dsg_ipc_frame f;
    dsg_ipc_status st;
    int rd = 1;
    char why[80];

    while (w->chan.fd >= 0) {
        dsgd_chan_rc rc = dsgd_chan_next(&w->chan, rd, &f, &st);
        rd = 0;
        switch (rc) {
        case DSGD_CHAN_FRAME:
            on_frame(w, &f);
            continue;
        case DSGD_CHAN_AGAIN:
            return;
        case DSGD_CHAN_EOF:
            /* the worker closed its end: it is exiting, or broken; either
             * way it is reaped (and, unless stopping, restarted) */
            dsgd_chan_close(&w->chan);
            if (!stopping && !w->reaping)
                signal_worker(w, SIGKILL);
            return;
        case DSGD_CHAN_BAD:
            if (st == DSG_IPC_ERR_CLOSED) {
                /* sent before the worker read our SHUTDOWN (e.g. its HELLO):
                 * nothing more is read; it exits, or the stop timeout kills it */
                crossed_shutdown(w);
                dsgd_chan_close(&w->chan);
                return;
            }
            snprintf(why, sizeof why, "bad frame (%s)", dsg_ipc_status_token(st));
            drop_worker(w, why);
            return;
        case DSGD_CHAN_IO:
        default:
            dsgd_chan_close(&w->chan);
            return;
        }
    }
}

/* ---- supervision -------------------------------------------------------- */

/* An alert: a line on the master's log and a LOG_ALERT message to the
 * host's syslog, neither of which goes through logd (REQ-RUN-008,
 * REQ-LOG-008). The master only: a sandboxed worker may not open the
 * syslog socket. */
static void syslog_alert(const char *msg)
{
    static int opened;
    if (!opened) {
        openlog("dsgd", LOG_PID, LOG_DAEMON);
        opened = 1;
    }
    syslog(LOG_ALERT, "%s", msg);
}

static void alert(const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    dsgd_log("ALERT: %s", msg);
    syslog_alert(msg);
}

/* More than dsgd.restart_burst exits within dsgd.restart_interval: the
 * role stays down until an operator starts it again (REQ-RUN-008). */
static void mark_failed(worker *w)
{
    master_record("role-failed", "%s: over dsgd.restart_burst", w->role->name);
    w->failed = 1;
    w->restart_at = 0;
    alert("%s exited more than %u times within %u ms (dsgd.restart_burst, "
          "dsgd.restart_interval): marked failed and not restarted until "
          "`dsgctl role restart %s`", w->role->name, cfg->restart_burst,
          cfg->restart_interval_ms, w->role->name);
    if (strcmp(w->role->name, "logd") != 0)
        return;
    alert("audit: logd is failed: audit records are dropped and counted, and operations "
          "that must be recorded fail, until `dsgctl role restart logd`");
    audit_drop_waiting();
}

static worker *find_pid(pid_t pid)
{
    for (unsigned i = 0; i < DSGD_ROLE_COUNT; i++)
        if (workers[i].pid == pid)
            return &workers[i];
    return NULL;
}

static void reaped(worker *w, int status)
{
    uint64_t now = dsgd_now_ms();
    /* what it wrote before dying: its SECCOMP_KILL report and last log lines */
    w->reaping = 1;
    for (int i = 0; i < 64 && w->chan.fd >= 0; i++)
        read_chan(w);
    for (int i = 0; i < 64 && read_log(w) == 0; i++)
        ;
    if (WIFEXITED(status)) {
        dsgd_log("%s[%d] exited with status %d", w->role->name, (int)w->pid,
                 WEXITSTATUS(status));
        master_record("role-exited", "%s[%d]: status %d", w->role->name, (int)w->pid,
                      WEXITSTATUS(status));
    } else if (WIFSIGNALED(status)) {
        const char *sig = sigabbrev_np(WTERMSIG(status));
        dsgd_log("%s[%d] killed by signal %d (SIG%s)", w->role->name, (int)w->pid,
                 WTERMSIG(status), sig ? sig : "?");
        master_record("role-exited", "%s[%d]: signal SIG%s", w->role->name, (int)w->pid,
                      sig ? sig : "?");
    }
    dsgd_chan_close(&w->chan);
    if (w->logfd >= 0)
        close(w->logfd);
    w->logfd = -1;
    w->pid = 0;
    w->ready = 0;
    w->reaping = 0;
    w->drain_due = 0;
    passed_on_gone(w);
    if (index_of(w) == DSGD_ROLE_LOGFWD) {
        dsgd_fwd_master_logfwd(-1);
        if (fwd_pass >= 0)
            close(fwd_pass);
        fwd_pass = -1;
    }
    if (index_of(w) == DSGD_ROLE_LOGD)
        dsgd_fwd_master_logd_gone();
    if (w->pass >= 0)
        close(w->pass);
    w->pass = -1;
    dsgd_bkup_role_gone(w->role->name);
    if (answers_history(w)) {
        static const char gone[] = "logd stopped before it finished";
        history_end(hist_wait.from_start, 69, (const uint8_t *)gone, sizeof gone - 1);
        hist_wait.from_start = 0;
    }
    if (runs_command(w)) {
        char gone[80];
        int n = snprintf(gone, sizeof gone, "%s stopped before it finished: try again\n",
                         w->role->name);
        ctl_role_report(69, (const uint8_t *)gone, (size_t)n);
    }
    if (stopping) {
        stop_logd_when_alone();
        return;
    }
    if (w->reload_restart) {
        w->reload_restart = 0;
        w->restart_at = now;
        dsgd_log("%s: starting again with configuration generation %u", w->role->name,
                 config_gen);
        return;
    }
    if (dsgd_exit_window_add(&w->exits, now, cfg->restart_burst, cfg->restart_interval_ms)) {
        mark_failed(w);
        return;
    }
    w->last_delay_ms = dsgd_backoff_next(w->last_delay_ms, now - w->started_ms,
                                         cfg->restart_delay_ms, cfg->restart_delay_max_ms,
                                         cfg->restart_reset_ms);
    w->restart_at = now + w->last_delay_ms;
    dsgd_log("%s: restarting in %u ms (backoff)", w->role->name, w->last_delay_ms);
}

static void reap(void)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        worker *w = find_pid(pid);
        if (w != NULL)
            reaped(w, status);
        else if (dsgd_bkup_reaped(pid, status))
            retention_due = 1;
    }
}

static void shutdown_worker(worker *w)
{
    dsg_ipc_status st;
    w->drain_due = 0;
    if (w->pid == 0 || w->shutdown_sent)
        return;
    w->shutdown_sent = 1;
    if (w->chan.fd < 0 ||
        dsgd_chan_send(&w->chan, DSG_IPC_SHUTDOWN, 0, NULL, 0, &st) != DSGD_CHAN_FRAME)
        signal_worker(w, SIGTERM);
}

/* logd stops last, once every other role has stopped and every record
 * they sent is committed, so that its final checkpoint covers them. */
static void stop_logd_when_alone(void)
{
    worker *l = role_worker("logd");
    if (!stopping || l == NULL || dsgd_relay_pending(index_of(l)) > 0)
        return;
    for (unsigned i = 0; i < DSGD_ROLE_COUNT; i++)
        if (&workers[i] != l && workers[i].pid != 0)
            return;
    shutdown_worker(l);
}

static uint32_t handover_ms(void);

/* A stop (or a restart) asks a role but logd first for the audit records
 * it still holds (DSGD_MSG_DRAIN, REQ-LOG-043): SHUTDOWN closes the
 * channel, and what a role sends after it never arrives. The role answers
 * DRAINED after its last AUDIT message, and gets SHUTDOWN then, or at due
 * at the latest; one that is not up gets it at once. */
static void ask_records(worker *w, uint64_t due)
{
    if (w->drain_due != 0)
        return;   /* asked already, for a restart */
    if (!is_up(w) || w->shutdown_sent || send_own(w, DSGD_MSG_DRAIN, NULL, 0) != 0) {
        shutdown_worker(w);
        return;
    }
    w->drain_due = due;
}

/* The roles' records a stop could not store: one line, never silence. */
static void report_stop_lost(void)
{
    (void)dsgd_relay_gone(index_of(role_worker("logd")), 0);   /* no logd took them */
    if (stop_lost_msgs > 0)
        dsgd_log("audit: %llu record(s) of the roles (%u message(s)) not confirmed by logd "
                 "before the stop: lost", stop_lost, stop_lost_msgs);
}

static void begin_stop(int sig)
{
    if (stopping)
        return;
    stopping = 1;
    stop_deadline = dsgd_now_ms() + cfg->shutdown_timeout_ms;
    dsgd_log("SIG%s received: stopping every worker, logd last (timeout %u ms)",
             sigabbrev_np(sig), cfg->shutdown_timeout_ms);
    /* no new connection once the portal has gone (REQ-RUN-009): the
     * listening socket closes with the portal's copy of it */
    if (listen_fd >= 0)
        close(listen_fd);
    listen_fd = -1;
    dsgd_fwd_master_stop();
    uint64_t due = dsgd_now_ms() + handover_ms();
    for (unsigned i = 0; i < DSGD_ROLE_COUNT; i++) {
        worker *w = &workers[i];
        w->restart_at = 0;
        if (strcmp(w->role->name, "logd") != 0)
            ask_records(w, due);
    }
    stop_logd_when_alone();
}

/* Settings that only a restart of dsgd applies: where state, pidfile and
 * sockets are, and who the workers run as. A reload keeps the running
 * values and says which ones the file changed. */
static void keep_fixed(dsgd_settings *next)
{
#define KEEP_TEXT(field, key)                                                              \
    do {                                                                                   \
        if (strcmp(first.field, next->field) != 0)                                         \
            dsgd_log("SIGHUP: %s changed to '%s': it applies when dsgd restarts", key,   \
                     next->field);                                                         \
        memcpy(next->field, cfg->field, sizeof next->field);                               \
    } while (0)
    KEEP_TEXT(statedir, "dsgd.state_dir");
    KEEP_TEXT(pidfile, "dsgd.pidfile");
    KEEP_TEXT(user, "dsgd.user");
    KEEP_TEXT(ctl_socket, "ctl.socket");
    KEEP_TEXT(portal_addr, "portal.listen");
    KEEP_TEXT(bkup_dest, "bkup.dest");   /* checked against the state directory at start */
    KEEP_TEXT(bkup_recipient, "bkup.recipient_pubkey");   /* read at start */
    KEEP_TEXT(portal_client_ca, "portal.client_ca");
#undef KEEP_TEXT
    if (first.bkup_allow_same_fs != next->bkup_allow_same_fs)
        dsgd_log("SIGHUP: bkup.allow_same_fs changed: it applies when dsgd restarts");
    next->bkup_allow_same_fs = cfg->bkup_allow_same_fs;
    if (first.portal_port != next->portal_port)
        dsgd_log("SIGHUP: portal.listen changed to port %u: it applies when dsgd restarts",
                 (unsigned)next->portal_port);
    next->portal_port = cfg->portal_port;
    if (first.roles_enabled != next->roles_enabled)
        dsgd_log("SIGHUP: dsgd.roles changed: it applies when dsgd restarts");
    next->roles_enabled = cfg->roles_enabled;
    if (strcmp(first.fwd.list, next->fwd.list) != 0 || strcmp(first.fwd.ca, next->fwd.ca) != 0 ||
        first.fwd.retry_max_ms != next->fwd.retry_max_ms ||
        first.fwd.timeout_ms != next->fwd.timeout_ms)
        dsgd_log("SIGHUP: log.forward or its keys changed: they apply when dsgd restarts");
    next->fwd = cfg->fwd;
    next->foreground = cfg->foreground;
}

/* The keys keep_fixed keeps: config show reports the value in force. */
static void keep_fixed_keys(dsgd_config_in_force *next)
{
    static const dsg_config_id fixed[] = {
        DSG_CFG_DSGD_STATE_DIR, DSG_CFG_DSGD_PIDFILE, DSG_CFG_DSGD_USER, DSG_CFG_DSGD_ROLES,
        DSG_CFG_CTL_SOCKET, DSG_CFG_PORTAL_LISTEN, DSG_CFG_LOG_FORWARD, DSG_CFG_LOG_FORWARD_CA,
        DSG_CFG_LOG_FORWARD_RETRY_MAX, DSG_CFG_LOG_FORWARD_TIMEOUT, DSG_CFG_PORTAL_CLIENT_CA,
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        next->cfg.v[fixed[i]] = in_force.cfg.v[fixed[i]];
        next->from_cmdline[fixed[i]] = in_force.from_cmdline[fixed[i]];
    }
}

/* The settings the portal receives at exec: a change needs a new portal. */
static int portal_settings_differ(const dsgd_settings *a, const dsgd_settings *b)
{
    return a->portal_max_conns != b->portal_max_conns ||
           a->portal_handshake_ms != b->portal_handshake_ms ||
           a->portal_head_ms != b->portal_head_ms ||
           a->portal_keepalive_ms != b->portal_keepalive_ms ||
           a->portal_max_request_line != b->portal_max_request_line ||
           a->portal_max_header_bytes != b->portal_max_header_bytes ||
           a->portal_max_header_count != b->portal_max_header_count ||
           a->portal_hsts_max_age != b->portal_hsts_max_age ||
           a->portal_body_ms != b->portal_body_ms ||
           a->portal_api_max_body != b->portal_api_max_body ||
           a->portal_upload_max != b->portal_upload_max ||
           a->portal_json_max_depth != b->portal_json_max_depth ||
           a->portal_json_max_tokens != b->portal_json_max_tokens ||
           a->portal_tls_min_version != b->portal_tls_min_version ||
           strcmp(a->portal_tls12_ciphers, b->portal_tls12_ciphers) != 0;
}

/* SHUTDOWN (once the role has handed over its audit records, as at a
 * stop), then a start without backoff once it has exited (reaped). */
static void restart_for_reload(worker *w)
{
    if (w->pid == 0) {
        return;   /* not running: its next start takes the new settings */
    }
    w->reload_restart = 1;
    if (strcmp(w->role->name, "logd") == 0)
        shutdown_worker(w);
    else   /* as long as a record may wait for logd before it is late */
        ask_records(w, dsgd_now_ms() + cfg->log_ack_timeout_ms);
}

/* SIGHUP (REQ-RUN-048): the configuration is read again from where it came
 * from; an invalid file changes nothing. Master settings apply at once,
 * portal settings by restarting the portal, and the locations and the
 * user only when dsgd restarts. The reload, and whose settings changed, is
 * recorded first. @relation(REQ-ACCT-019) */
static void reload(void)
{
    static dsgd_settings next;
    static dsgd_config_in_force next_keys;
    char err[600];
    int portal_changed, logd_changed, auth_changed, share_changed;

    memset(&next, 0, sizeof next);
    if (reload_settings == NULL || reload_settings(&next, &next_keys, err, sizeof err) != 0) {
        dsgd_log("SIGHUP: configuration not reloaded, generation %u stays in force: %s",
                 config_gen, reload_settings == NULL ? "no source" : err);
        return;
    }
    keep_fixed(&next);
    keep_fixed_keys(&next_keys);
    in_force = next_keys;
    portal_changed = portal_settings_differ(cfg, &next);
    logd_changed = memcmp(&cfg->logd, &next.logd, sizeof next.logd) != 0;
    auth_changed = memcmp(&cfg->auth, &next.auth, sizeof next.auth) != 0;
    share_changed = memcmp(&cfg->share, &next.share, sizeof next.share) != 0;
    int any = portal_changed || logd_changed || auth_changed || share_changed;
    *cfg = next;
    config_gen++;
    /* recorded before any role restarts with the new settings: a change to
     * logd's (the audit trail's own) is on record under the old ones
     * (REQ-ACCT-019) */
    master_record("reloaded", "configuration generation %u; settings changed: %s%s%s%s%s",
                  config_gen, portal_changed ? "portal " : "", logd_changed ? "logd " : "",
                  auth_changed ? "auth " : "", share_changed ? "share " : "",
                  any ? "" : "none (master only)");
    dsgd_log("SIGHUP: configuration reloaded, generation %u%s%s%s%s%s", config_gen,
             portal_changed ? "; restarting the portal to apply it" : "",
             logd_changed ? "; restarting logd to apply it" : "",
             auth_changed ? "; restarting auth to apply it" : "",
             share_changed ? "; restarting share to apply it" : "",
             any ? "" : "; workers keep running");
    if (portal_changed)
        restart_for_reload(role_worker("portal"));
    if (logd_changed)
        restart_for_reload(role_worker("logd"));
    if (auth_changed)
        restart_for_reload(role_worker("auth"));
    if (share_changed)
        restart_for_reload(role_worker("share"));
}

/* logd's share of dsgd.shutdown_timeout: the others are SIGKILLed this
 * long before the end, so that logd, stopping last, still writes its final
 * checkpoint (REQ-RUN-009); a quarter, at most 10 s. */
static uint32_t logd_reserve_ms(void)
{
    uint32_t q = cfg->shutdown_timeout_ms / 4;
    return q < 10000 ? q : 10000;
}

/* How long a stop waits for a role to hand over its audit records: half
 * the time the roles get before their SIGKILL, so that SHUTDOWN still has
 * the other half. */
static uint32_t handover_ms(void)
{
    return (cfg->shutdown_timeout_ms - logd_reserve_ms()) / 2;
}

/* When the next SIGKILL of a stop is due. */
static uint64_t stop_kill_at(void)
{
    return stop_killed == 0 ? stop_deadline - logd_reserve_ms() : stop_deadline;
}

/* First the roles but logd, then logd itself. */
static void stop_kill(void)
{
    uint32_t waited = cfg->shutdown_timeout_ms - (stop_killed == 0 ? logd_reserve_ms() : 0);
    for (unsigned i = 0; i < DSGD_ROLE_COUNT; i++) {
        int is_logd = strcmp(workers[i].role->name, "logd") == 0;
        if (workers[i].pid > 0 && (stop_killed == 1 || !is_logd)) {
            dsgd_log("%s[%d] did not stop within %u ms: SIGKILL", workers[i].role->name,
                     (int)workers[i].pid, waited);
            signal_worker(&workers[i], SIGKILL);
        }
    }
    stop_killed++;
}

static void timers(uint64_t now)
{
    dsg_ipc_status st;
    for (unsigned i = 0; i < DSGD_ROLE_COUNT; i++) {
        worker *w = &workers[i];
        if (!stopping && w->pid == 0 && w->restart_at != 0 && now >= w->restart_at)
            start_worker(w);
        if (w->drain_due != 0 && now >= w->drain_due) {
            dsgd_log("%s[%d] did not hand over its audit records in time: SHUTDOWN "
                     "(it logs how many it loses)", w->role->name, (int)w->pid);
            shutdown_worker(w);
        }
        if (w->pid == 0 || !w->ready || w->chan.fd < 0 || stopping)
            continue;
        if (w->ping_sent != 0 && now - w->ping_sent >= cfg->ping_timeout_ms) {
            drop_worker(w, "no PONG within the ping timeout");
            continue;
        }
        if (w->ping_sent == 0 && now >= w->next_ping) {
            w->ping_id++;
            for (int k = 0; k < 8; k++)
                w->ping_nonce[k] = (uint8_t)(now >> (k * 8)) ^ (uint8_t)w->ping_id;
            if (dsgd_chan_send(&w->chan, DSG_IPC_PING, w->ping_id, w->ping_nonce, 8, &st)
                != DSGD_CHAN_FRAME) {
                drop_worker(w, "cannot send PING");
                continue;
            }
            w->ping_sent = now;
            w->next_ping = now + cfg->ping_interval_ms;
        }
    }
    (void)audit_deadlines(now, 1);
    watch_storage(now);
    dsgd_fwd_master_timers(now);
    if (stopping && stop_killed < 2 && now >= stop_kill_at())
        stop_kill();
}

static int poll_timeout(uint64_t now)
{
    uint64_t next = UINT64_MAX;
    for (unsigned i = 0; i < DSGD_ROLE_COUNT; i++) {
        worker *w = &workers[i];
        if (w->pid == 0 && w->restart_at != 0 && w->restart_at < next)
            next = w->restart_at;
        if (w->pid != 0 && w->ready) {
            uint64_t t = w->ping_sent ? w->ping_sent + cfg->ping_timeout_ms : w->next_ping;
            if (t < next)
                next = t;
        }
        if (w->drain_due != 0 && w->drain_due < next)
            next = w->drain_due;
    }
    if (stopping && stop_killed < 2 && stop_kill_at() < next)
        next = stop_kill_at();
    uint64_t ack_due = audit_deadlines(now, 0);
    if (ack_due < next)
        next = ack_due;
    if (next_storage_check < next)
        next = next_storage_check;
    if (dsgd_fwd_master_due() < next)
        next = dsgd_fwd_master_due();
    if (bkup.dest != NULL && bkup.dest[0] != '\0' && now + dsgd_bkup_wait_ms() < next)
        next = now + dsgd_bkup_wait_ms();
    if (next == UINT64_MAX)
        return -1;
    return next <= now ? 0 : (int)(next - now > 60000 ? 60000 : next - now);
}

static int all_stopped(void)
{
    for (unsigned i = 0; i < DSGD_ROLE_COUNT; i++)
        if (workers[i].pid != 0)
            return 0;
    return 1;
}

static int run_loop(int sfd)
{
    for (;;) {
        struct pollfd pf[1 + 2 * DSGD_ROLE_COUNT + DSGD_FWD_MAX];
        worker *who[1 + 2 * DSGD_ROLE_COUNT];
        int kind[1 + 2 * DSGD_ROLE_COUNT];
        nfds_t n = 0, nw;

        if (stopping && all_stopped()) {
            report_stop_lost();
            return 0;
        }
        pf[n].fd = sfd; pf[n].events = POLLIN; who[n] = NULL; kind[n] = 0; n++;
        for (unsigned i = 0; i < DSGD_ROLE_COUNT; i++) {
            worker *w = &workers[i];
            if (w->pid == 0)
                continue;
            if (w->chan.fd >= 0) {
                pf[n].fd = w->chan.fd; pf[n].events = POLLIN; who[n] = w; kind[n] = 1; n++;
            }
            if (w->logfd >= 0) {
                pf[n].fd = w->logfd; pf[n].events = POLLIN; who[n] = w; kind[n] = 2; n++;
            }
        }
        nw = n;   /* then the sockets connecting to collectors */
        n += dsgd_fwd_master_pollfds(pf + nw, DSGD_FWD_MAX);
        if (poll(pf, n, poll_timeout(dsgd_now_ms())) < 0 && errno != EINTR) {
            dsgd_log("poll: %s", strerror(errno));
            return 1;
        }
        dsgd_fwd_master_events(pf + nw, n - nw);
        for (nfds_t i = 1; i < nw; i++) {
            if (pf[i].revents == 0 || who[i]->pid == 0)
                continue;
            if (kind[i] == 1 && who[i]->chan.fd == pf[i].fd)
                read_chan(who[i]);
            else if (kind[i] == 2 && who[i]->logfd == pf[i].fd)
                (void)read_log(who[i]);
        }
        if (pf[0].revents & POLLIN) {
            struct signalfd_siginfo si;
            while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
                if (si.ssi_signo == SIGCHLD)
                    reap();
                else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
                    begin_stop((int)si.ssi_signo);
                else if (si.ssi_signo == SIGHUP)
                    reload();
            }
        }
        timers(dsgd_now_ms());
        dsgd_bkup_tick();
        if (!stopping) {
            dsgd_bkup_timer(&bkup, cfg->bkup_daily_minute, cfg->bkup_catch_up_ms, started_wall,
                            bkup_roles_up());
            drill_check();
            overdue_check();
            bkup_retention();
        }
    }
}

/* ---- start and stop ----------------------------------------------------- */

static int daemonize(void)
{
    char path[DSGD_PATH_MAX + 16];
    int logfd, nul;
    pid_t pid;

    snprintf(path, sizeof path, "%s/dsgd.log", cfg->statedir);
    logfd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0640);
    nul = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (logfd < 0 || nul < 0) {
        dsgd_log("cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    dsgd_log("daemonizing; log: %s", path);
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid > 0)
        _exit(0);
    if (setsid() < 0)
        return -1;
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid > 0)
        _exit(0);
    if (dup2(nul, 0) < 0 || dup2(nul, 1) < 0 || dup2(logfd, 2) < 0)
        return -1;
    close(nul);
    close(logfd);
    dsgd_log_init("master", 0);
    return 0;
}

/* bkup.dest against the state directory (REQ-BKUP-016): refused before
 * anything starts, or resolved, with a warning at every start when it
 * shares the state directory's filesystem. 0, or -1. */
static int check_bkup_dest(void)
{
    char resolved[DSGD_PATH_MAX], warn[DSGD_PATH_MAX * 2 + 200], err[DSGD_PATH_MAX * 2 + 300];
    if (dsgd_bkup_dest_check(cfg->bkup_dest, cfg->statedir, cfg->bkup_allow_same_fs, resolved,
                             sizeof resolved, warn, sizeof warn, err, sizeof err) != 0) {
        dsgd_log("%s: refusing to start", err);
        return -1;
    }
    if (warn[0] != '\0')
        dsgd_log("%s", warn);
    memcpy(cfg->bkup_dest, resolved, strlen(resolved) + 1);
    return 0;
}

int dsgd_master_main(dsgd_settings *s, const dsgd_config_in_force *in, const char *self_exe,
                     dsgd_reload_fn reload)
{
    char abs[DSGD_PATH_MAX];
    sigset_t set;
    int pidfd, sfd, rc;

    cfg = s;
    first = *s;
    in_force = *in;
    exe = self_exe;
    reload_settings = reload;
    dsgd_log_init("master", 0);
#ifdef DSG_TEST_HOOKS
    /* test builds: a short PING interval and timeout, so liveness is testable */
    const char *ping = getenv("DSG_TEST_PING_MS");
    if (ping != NULL && atoi(ping) > 0) {
        cfg->ping_interval_ms = (uint32_t)atoi(ping);
        cfg->ping_timeout_ms = (uint32_t)atoi(ping);
        dsgd_log("test build: PING interval and timeout %u ms", cfg->ping_interval_ms);
    }
    const char *stop = getenv("DSG_TEST_SHUTDOWN_MS");
    if (stop != NULL && atoi(stop) > 0) {
        cfg->shutdown_timeout_ms = (uint32_t)atoi(stop);
        dsgd_log("test build: shutdown timeout %u ms", cfg->shutdown_timeout_ms);
    }
#endif
    as_root = geteuid() == 0;
    run_uid = geteuid();
    run_gid = getegid();
    if (as_root) {
        struct passwd *pw = getpwnam(cfg->user);
        if (pw == NULL) {
            dsgd_log("user '%s' does not exist: workers never run as root, so dsgd needs it. "
                     "Create it (as root: useradd --system --no-create-home --shell "
                     "/usr/sbin/nologin %s; `make run` and `make install` do this); "
                     "dsgd never creates users", cfg->user, cfg->user);
            return 1;
        }
        if (pw->pw_uid == 0 || pw->pw_gid == 0) {
            dsgd_log("user '%s' has uid or gid 0: workers never run as root", cfg->user);
            return 1;
        }
        run_uid = pw->pw_uid;
        run_gid = pw->pw_gid;
    }
    if (make_dir(cfg->statedir, 0755, 0) != 0)
        return 1;
    if (realpath(cfg->statedir, abs) == NULL || strlen(abs) >= sizeof cfg->statedir) {
        dsgd_log("cannot resolve %s: %s", cfg->statedir, strerror(errno));
        return 1;
    }
    memcpy(cfg->statedir, abs, strlen(abs) + 1);
    if (check_restore() != 0 || check_bkup_dest() != 0 || bkup_recipient() != 0)
        return 1;
    if (cfg->pidfile[0] == '\0') {
        int n = snprintf(cfg->pidfile, sizeof cfg->pidfile, "%s/dsgd.pid", cfg->statedir);
        if (n < 0 || (size_t)n >= sizeof cfg->pidfile) {
            dsgd_log("state directory path too long: %s", cfg->statedir);
            return 1;
        }
    }
    if (prepare_dirs() != 0 || absolute_ctl_socket() != 0)
        return 1;
    /* dsgctl config show gives the paths in force */
    if (dsgd_config_resolved(&in_force, DSG_CFG_DSGD_STATE_DIR, cfg->statedir) != 0 ||
        dsgd_config_resolved(&in_force, DSG_CFG_DSGD_PIDFILE, cfg->pidfile) != 0 ||
        dsgd_config_resolved(&in_force, DSG_CFG_CTL_SOCKET, cfg->ctl_socket) != 0)
        return 1;
    pidfd = pidfile_take();
    if (pidfd < 0)
        return 1;
    /* the portal's key material and socket, before any worker starts
     * (REQ-RUN-041); errors still reach the terminal */
    for (unsigned i = 0; i < DSGD_ROLE_COUNT; i++) {
        workers[i].role = &dsgd_roles[i];
        workers[i].logfd = -1;
        workers[i].chan.fd = -1;
        workers[i].pass = -1;
    }
    if (open_role_resources() != 0 || bkup_setup() != 0) {
        unlink(cfg->pidfile);
        return 1;
    }
    if (!cfg->foreground && daemonize() != 0) {
        dsgd_log("cannot daemonize: %s", strerror(errno));
        unlink(cfg->pidfile);
        return 1;
    }
    if (pidfile_write(pidfd) != 0) {
        unlink(cfg->pidfile);
        return 1;
    }
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGCHLD);
    signal(SIGPIPE, SIG_IGN);
    if (sigprocmask(SIG_BLOCK, &set, NULL) != 0 ||
        (sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
        dsgd_log("signalfd: %s", strerror(errno));
        unlink(cfg->pidfile);
        return 1;
    }
    started_ms = dsgd_now_ms();
    dsgd_log("dsgd %s started: state %s, pidfile %s, workers as %s (uid %u)%s",
             DSGD_VERSION, cfg->statedir, cfg->pidfile, as_root ? cfg->user : "the invoking user",
             (unsigned)run_uid, DSGD_SANITIZED ? "; SANITIZER BUILD: WORKER SANDBOX OFF" : "");
    dsgd_relay_init(&relay_ops);
    if (kek_finished[0] != '\0')   /* waits for logd like every record */
        master_record("kek-rotated", "%s", kek_finished);
    record_key_notes(DSGD_KEYS_NOTE_GENERATED, "key-generated", "at ");
    record_key_notes(DSGD_KEYS_NOTE_FAILED, "key-open-failed", "a start refused for its keys at ");
    record_restore();
    record_import();
    dsgd_fwd_master_init(&cfg->fwd, cfg->restart_delay_ms, &fwd_ops);
    for (unsigned i = 0; i < DSGD_ROLE_COUNT; i++)
        if (enabled(&workers[i]))
            start_worker(&workers[i]);
    rc = run_loop(sfd);
    dsgd_bkup_stop();
    dsgd_tls_files_wipe(&tls);
    free(fwd_ca);
    free(client_ca);
    if (listen_fd >= 0)
        close(listen_fd);
    if (ctl_fd >= 0) {
        close(ctl_fd);
        unlink(cfg->ctl_socket);
    }
    if (unlink(cfg->pidfile) != 0)
        dsgd_log("cannot remove pidfile %s: %s", cfg->pidfile, strerror(errno));
    close(pidfd);
    dsgd_log("stopped");
    return rc;
}
