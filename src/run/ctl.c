/* The ctl worker: see ctl.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "log/audit.h"
#include "run/audit_out.h"
#include "run/ctl.h"
#include "run/log.h"
#include "run/refusal.h"
#include "run/roles.h"

enum {
    C_FREE = 0,
    C_READ,      /* reading the command line */
    C_QUEUED,    /* waiting for the master to be free */
    C_WAIT,      /* its request is with the master */
    C_AUDIT,     /* waiting for logd to store its record (REQ-LOG-008) */
    C_WRITE,     /* sending the answer, then closing */
    C_PART       /* sending a piece of a streamed answer, then waiting for more */
};

/* What a command does once its record is stored. */
enum { AFTER_FORWARD = 1, AFTER_WRITE = 2 };

typedef struct client {
    int fd;
    int phase;
    int refused;                        /* not authorized: answered after its line is read */
    int streamed;                       /* pieces of its answer went out: it ends with "end N" */
    int after;                          /* C_AUDIT: AFTER_FORWARD or AFTER_WRITE */
    uint32_t ticket;                    /* C_AUDIT: its record's (audit_out.h) */
    uint64_t deadline;
    struct ucred cred;
    int checking;                       /* C_QUEUED/C_WAIT: its token is being checked */
    char token[DSGD_CTL_TOKEN_LEN + 1]; /* the administrator's token it presented, "" none */
    char admin[DSGD_CTL_ADMIN_MAX + 1]; /* the administrator its token names, once checked */
    char cmd[64];                       /* the command, for the log */
    size_t in_len;
    char in[DSGD_CTL_LINE_MAX + 1];
    size_t out_len, out_off;
    char out[DSGD_CTL_ANSWER_MAX + 256];
} client;

static client clients[DSGD_CTL_CLIENTS];
static long admin_gid = -1;     /* dsgadm, or -1 when the group does not exist */
static uid_t own_uid;           /* the uid dsgd runs as: root, or the invoking user */
static char host[65] = "-";     /* the computer name of a refusal's record (REQ-ACCT-013) */
/* The client whose request is with the master; -1: none; ANSWER_OWED: its
 * client gave up, and the master's answer must be read before the next
 * request goes out, so that answers and requests stay paired. */
static int busy = -1;
#define ANSWER_OWED (-2)
static dsgd_chan *bus;          /* the channel to the master */

int dsgd_ctl_prepare(char *err, size_t errsize)
{
    int acc = 0, domain = 0;
    socklen_t l1 = sizeof acc, l2 = sizeof domain;
    struct group *g;

    if (getsockopt(DSGD_CTL_LISTEN_FD, SOL_SOCKET, SO_ACCEPTCONN, &acc, &l1) != 0 || !acc ||
        getsockopt(DSGD_CTL_LISTEN_FD, SOL_SOCKET, SO_DOMAIN, &domain, &l2) != 0 ||
        domain != AF_UNIX) {
        snprintf(err, errsize, "fd %d is not a listening UNIX socket", DSGD_CTL_LISTEN_FD);
        return -1;
    }
    /* a client that goes away before its answer is written gives EPIPE,
     * not SIGPIPE (rt_sigaction traps once sandboxed) */
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR) {
        snprintf(err, errsize, "SIGPIPE: %s", strerror(errno));
        return -1;
    }
    own_uid = getuid();
    struct utsname u;
    if (uname(&u) == 0)
        snprintf(host, sizeof host, "%s", u.nodename);
    errno = 0;
    g = getgrnam(DSGD_CTL_ADMIN_GROUP);
    if (g != NULL)
        admin_gid = (long)g->gr_gid;
    else
        dsgd_log("group %s does not exist: only uid 0%s may use the control socket",
                 DSGD_CTL_ADMIN_GROUP, own_uid != 0 ? " and dsgd's own user" : "");
    for (unsigned i = 0; i < DSGD_CTL_CLIENTS; i++)
        clients[i].fd = -1;
    return 0;
}

unsigned dsgd_ctl_nofile(void)
{
    return DSGD_CTL_CLIENTS + 8u;   /* fds 0-4, the clients, accept4 headroom */
}

static void client_close(client *c)
{
    explicit_bzero(c->in, sizeof c->in);   /* a key export's line holds a key */
    close(c->fd);
    c->fd = -1;
    c->phase = C_FREE;
}

/* The control record of a command or a refusal (REQ-RUN-021): the
 * peer's uid, gid and pid as the kernel gave them, the command as logged
 * (at most 40 bytes, a login's step without its body: no secret), the
 * result, and the administrator whose login it ran under (REQ-ACCT-012). */
static uint32_t record(const client *c, const char *result)
{
    uint32_t ticket = 0;
    char uid[16], gid[16], pid[16];
    int nu = snprintf(uid, sizeof uid, "%u", (unsigned)c->cred.uid);
    int ng = snprintf(gid, sizeof gid, "%u", (unsigned)c->cred.gid);
    int np = snprintf(pid, sizeof pid, "%d", (int)c->cred.pid);
    const char *cmd = c->cmd[0] ? c->cmd : "-";
    dsg_audit_field f[6] = {
        { "uid", (const uint8_t *)uid, (size_t)nu },
        { "gid", (const uint8_t *)gid, (size_t)ng },
        { "pid", (const uint8_t *)pid, (size_t)np },
        { "command", (const uint8_t *)cmd, strlen(cmd) },
        { "result", (const uint8_t *)result, strlen(result) },
        { "admin", (const uint8_t *)c->admin, strlen(c->admin) },
    };
    if (dsgd_audit_out_add_ticket(DSG_AUDIT_TYPE_CONTROL, f, c->admin[0] ? 6 : 5, &ticket) != 0)
        dsgd_log("audit: the record of uid %u pid %d: %s was dropped", (unsigned)c->cred.uid,
                 (int)c->cred.pid, cmd);
    dsgd_audit_out_flush();   /* on its way now, if the bus has room */
    return ticket;
}

static void answer(client *c, const char *first_line, const uint8_t *body, size_t len)
{
    int n = snprintf(c->out, sizeof c->out, "%s\n", first_line);
    if (n < 0 || (size_t)n + len > sizeof c->out)
        n = snprintf(c->out, sizeof c->out, "error internal the answer is too long\n"), len = 0;
    if (len > 0)   /* an error has no body (NULL) */
        memcpy(c->out + n, body, len);
    c->out_len = (size_t)n + len;
    c->out_off = 0;
    c->phase = C_WRITE;
    c->deadline = dsgd_now_ms() + DSGD_CTL_CLIENT_TIMEOUT_MS;
}

/* A command refused for want of the right (not in dsgadm, no valid
 * administrator's login) is also a warning in アカウント管理操作ログ. */
static void record_refusal(const client *c, const char *code, const char *message)
{
    char uid[16], pid[16], actor[24], detail[320];
    snprintf(uid, sizeof uid, "%u", (unsigned)c->cred.uid);
    snprintf(pid, sizeof pid, "%d", (int)c->cred.pid);
    snprintf(actor, sizeof actor, "uid:%u", (unsigned)c->cred.uid);
    snprintf(detail, sizeof detail, "%s refused on the control socket: %s: %s",
             c->cmd[0] ? c->cmd : "-", code, message);
    (void)dsgd_refusal_record("dsgd/ctl", DSGD_EVENT_CTL_REFUSED, host, actor, detail, uid, pid);
}

static void fail(client *c, const char *code, const char *message)
{
    char line[256];
    snprintf(line, sizeof line, "error %s %s", code, message);
    dsgd_log("uid %u pid %d: %s: error %s", (unsigned)c->cred.uid, (int)c->cred.pid,
             c->cmd[0] ? c->cmd : "-", code);
    (void)record(c, code);
    if (strcmp(code, "admin_login_required") == 0 || strcmp(code, "reauth_required") == 0)
        record_refusal(c, code, message);
    answer(c, line, NULL, 0);
}

/* The command's record was not stored within log.ack_timeout (the
 * master's LATE answer), logd stopped, or the bus is stuck behind an
 * outage: the command fails closed (REQ-LOG-008). */
static void audit_failed(client *c)
{
    static const char why[] = "the audit trail did not store the record of this command "
                              "(logd stopped, unable to write, or not within "
                              "log.ack_timeout): the command failed";
    c->after = 0;
    if (!c->streamed) {
        fail(c, "audit-unavailable", why);
        return;
    }
    /* pieces went out already: the stream ends with the failure */
    dsgd_log("uid %u pid %d: %s: error audit-unavailable", (unsigned)c->cred.uid,
             (int)c->cred.pid, c->cmd);
    answer(c, "end 75", (const uint8_t *)why, sizeof why - 1);
}

static void start_next(dsgd_chan *chan);

/* Moves a client on once its record is stored, or fails it. */
static void audit_check(client *c, dsgd_chan *chan)
{
    dsgd_audit_fate fate = dsgd_audit_out_fate(c->ticket);
    if (fate == DSGD_AUDIT_UNSTORED || (fate == DSGD_AUDIT_PENDING && dsgd_now_ms() >= c->deadline)) {
        audit_failed(c);
        return;
    }
    if (fate != DSGD_AUDIT_STORED)
        return;
    c->deadline = dsgd_now_ms() + DSGD_CTL_CLIENT_TIMEOUT_MS;
    c->phase = c->after == AFTER_FORWARD ? C_QUEUED : C_WRITE;
    if (c->phase == C_QUEUED)
        start_next(chan);
}

/* Records result and holds the client until the record is stored. */
static void hold_for_record(client *c, const char *result, int after, dsgd_chan *chan)
{
    c->ticket = record(c, result);
    c->after = after;
    c->phase = C_AUDIT;
    c->deadline = dsgd_now_ms() + DSGD_CTL_CLIENT_TIMEOUT_MS;
    audit_check(c, chan);
}

void dsgd_ctl_audited(dsgd_chan *chan)
{
    for (unsigned i = 0; i < DSGD_CTL_CLIENTS; i++)
        if (clients[i].fd >= 0 && clients[i].phase == C_AUDIT)
            audit_check(&clients[i], chan);
}

/* uid 0, dsgd's own user, or a member of dsgadm (primary or supplementary
 * group, as the kernel reports them for the peer). */
static int authorized(int fd, const struct ucred *cr)
{
    gid_t groups[256];
    socklen_t len = sizeof groups;

    if (cr->uid == 0 || cr->uid == own_uid)
        return 1;
    if (admin_gid < 0)
        return 0;
    if ((long)cr->gid == admin_gid)
        return 1;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) != 0)
        return 0;   /* ERANGE (over 256 groups) included: refused, not guessed */
    for (size_t i = 0; i < len / sizeof groups[0]; i++)
        if ((long)groups[i] == admin_gid)
            return 1;
    return 0;
}

static void accept_one(void)
{
    socklen_t len = sizeof(struct ucred);
    client *c = NULL;
    int fd;

    for (unsigned i = 0; i < DSGD_CTL_CLIENTS && c == NULL; i++)
        if (clients[i].fd < 0)
            c = &clients[i];
    if (c == NULL)
        return;
    fd = accept4(DSGD_CTL_LISTEN_FD, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
        return;
    memset(c, 0, offsetof(client, in));
    c->fd = fd;
    c->in_len = 0;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &c->cred, &len) != 0) {
        dsgd_log("SO_PEERCRED: %s: refusing the client", strerror(errno));
        client_close(c);
        return;
    }
    /* an unauthorized client's line is read too, so that it gets its
     * answer rather than a reset, and the log says what it tried */
    c->refused = !authorized(fd, &c->cred);
    c->phase = C_READ;
    c->deadline = dsgd_now_ms() + DSGD_CTL_CLIENT_TIMEOUT_MS;
}

/* The command goes to the master as one bus message; a full window leaves
 * it queued until the master gives credit back. */
static void start_request(client *c, dsgd_chan *chan)
{
    char check[128];
    const char *line = c->in;
    if (c->checking) {   /* the auth role checks the token first (REQ-ACCT-012) */
        snprintf(check, sizeof check, "account admin-check %s --uid %u --pid %d", c->token,
                 (unsigned)c->cred.uid, (int)c->cred.pid);
        line = check;
    }
    int r = dsgd_bus_send(chan, DSGD_MSG_CTL_REQUEST, (const uint8_t *)line, strlen(line));
    if (r == 1)
        return;
    if (r != 0) {
        fail(c, "unavailable", "the master did not take the request");
        return;
    }
    busy = (int)(c - clients);
    c->phase = C_WAIT;
    c->deadline = dsgd_now_ms() + DSGD_CTL_CLIENT_TIMEOUT_MS;
}

static void start_next(dsgd_chan *chan)
{
    for (unsigned i = 0; i < DSGD_CTL_CLIENTS && busy == -1; i++)
        if (clients[i].fd >= 0 && clients[i].phase == C_QUEUED)
            start_request(&clients[i], chan);
}

/* A prune is recorded with who asked (REQ-LOG-007): ctl, not the client,
 * names the peer's uid and pid. */
static int add_who(client *c)
{
    size_t n = strlen(c->in);
    if (strstr(c->in, " --uid") != NULL || strstr(c->in, " --pid") != NULL ||
        strstr(c->in, " --admin") != NULL) {
        fail(c, "bad-request", "--uid, --pid and --admin are set by dsgd, not by the client");
        return -1;
    }
    int w = snprintf(c->in + n, sizeof c->in - n, "%s%s --uid %u --pid %d",
                     c->admin[0] ? " --admin " : "", c->admin, (unsigned)c->cred.uid,
                     (int)c->cred.pid);
    if (w < 0 || (size_t)w >= sizeof c->in - n) {
        fail(c, "bad-request", "the command line is too long");
        return -1;
    }
    return 0;
}

/* "account VERB ...", "org VERB ..." (organisations' networks,
 * REQ-ACCT-016) or "terminal VERB ..." (registered terminals, REQ-MFA-016)
 * with a verb the auth role runs, or "area VERB ..." or
 * "rights VERB ..." with one the share role runs: the verb, else NULL.
 * changes: set to whether the command changes stored data. */
static const char *role_verb_changes(const char *line, int *changes)
{
    static const struct { const char *group, *verb; int changes; } verbs[] = {
        { "account ", "apply", 1 }, { "account ", "approve", 1 }, { "account ", "reject", 1 },
        { "account ", "credentials", 1 }, { "account ", "bootstrap", 1 },
        { "account ", "unlock", 1 }, { "account ", "logout", 1 }, { "account ", "list", 0 },
        { "account ", "show", 0 }, { "account ", "applications", 0 },
        { "account ", "sessions", 0 }, { "account ", "expire", 1 },
        { "account ", "review", 0 }, { "org ", "add", 1 }, { "org ", "networks", 1 },
        { "org ", "list", 0 }, { "org ", "show", 0 },
        { "terminal ", "register", 1 }, { "terminal ", "revoke", 1 }, { "terminal ", "list", 0 },
        { "area ", "apply", 1 }, { "area ", "approve", 1 }, { "area ", "reject", 1 },
        { "area ", "close", 1 },
        { "area ", "list", 0 }, { "area ", "show", 0 }, { "area ", "applications", 0 },
        { "rights ", "apply", 1 }, { "rights ", "approve", 1 }, { "rights ", "reject", 1 },
        { "rights ", "applications", 0 }, { "rights ", "area", 0 },
        { "rights ", "account", 0 }, { "rights ", "org", 0 }, { "rights ", "check", 0 },
        { "rights ", "all", 0 },
    };
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
        size_t g = strlen(verbs[i].group), n = strlen(verbs[i].verb);
        if (strncmp(line, verbs[i].group, g) == 0 && strncmp(line + g, verbs[i].verb, n) == 0 &&
            (line[g + n] == '\0' || line[g + n] == ' ')) {
            *changes = verbs[i].changes;
            return verbs[i].verb;
        }
    }
    return NULL;
}

static const char *role_verb(const char *line)
{
    int changes;
    return role_verb_changes(line, &changes);
}

/* "key export passphrase ..." or "key export public ..." (REQ-STOR-009):
 * the mode ("key export passphrase"), else NULL. The master checks the
 * arguments against their fixed form. */
static const char *key_export(const char *line)
{
    static const char *const modes[] = { "key export passphrase ", "key export public " };
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        if (strncmp(line, modes[i], strlen(modes[i])) == 0)
            return modes[i];
    return NULL;
}

/* The commands the master runs, exactly as the master knows them:
 * "role restart ROLE" for each role of the roles table too; `log prune`
 * and `log export` go on to logd, which parses their options. */
static int known_command(const char *line)
{
    if (strncmp(line, "role restart ", 13) == 0)
        return dsgd_role_find(line + 13) != NULL;
    if (strncmp(line, "log prune ", 10) == 0 || strncmp(line, "log export ", 11) == 0 ||
        strncmp(line, "backup drill ", 13) == 0 ||   /* the master checks their form */
        strncmp(line, "backup verify ", 14) == 0)
        return 1;
    if (role_verb(line) != NULL || strncmp(line, "login ", 6) == 0 ||
        strcmp(line, "logout") == 0 || key_export(line) != NULL)
        return 1;
    static const char *const known[] = { "status", "status --json", "config show",
                                         "config show --json", "log verify",
                                         "key rotate kek", "storage usage",
                                         "storage usage --json", "backup now", "backup list",
                                         "backup pubkey" };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(line, known[i]) == 0)
            return 1;
    return 0;
}

/* A leading "token=TOKEN " (the administrator's login, REQ-ACCT-012) into
 * c->token and off the line. 0, or -1 when it is malformed. */
static int take_token(client *c)
{
    static const char key[] = "token=";
    size_t k = sizeof key - 1, n = DSGD_CTL_TOKEN_LEN;
    if (strncmp(c->in, key, k) != 0)
        return 0;
    if (strlen(c->in) <= k + n || c->in[k + n] != ' ' ||
        strspn(c->in + k, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != n)
        return -1;
    memcpy(c->token, c->in + k, n);
    c->token[n] = '\0';
    memmove(c->in, c->in + k + n + 1, strlen(c->in + k + n + 1) + 1);
    return 0;
}

/* What the log shows of the line: at most 40 bytes of it, of a login
 * step only "login ROUTE" (its body holds the credential), and of a key
 * export only its mode (its arguments hold the passphrase's key). */
static void command_for_log(client *c)
{
    size_t n = strlen(c->in), shown;
    const char *mode = key_export(c->in);
    if (strncmp(c->in, "login ", 6) == 0)
        n = 6 + strcspn(c->in + 6, " ");
    else if (mode != NULL)
        n = strlen(mode) - 1;
    shown = n < 40 ? n : 40;
    memcpy(c->cmd, c->in, shown);
    memcpy(c->cmd + shown, n > shown ? "..." : "", n > shown ? 4 : 1);
}

/* Every command needs an administrator's login (REQ-ACCT-012) but the
 * health probe `status`, which shows no account and changes nothing, and
 * the bootstrap of the first administrators (root only, REQ-ACCT-021);
 * login and logout are handled before. */
static int needs_admin(const char *line)
{
    return strcmp(line, "status") != 0 && strcmp(line, "status --json") != 0 &&
           strncmp(line, "account bootstrap ", 18) != 0;
}

/* "login ROUTE BODY" and "logout" go to the auth role as account commands
 * with who asked (a logout with its token). 0, or -1 when failed. */
static int login_line(client *c)
{
    char line[DSGD_CTL_LINE_MAX + 1];
    int n;
    if (strcmp(c->in, "logout") == 0 && c->token[0] == '\0') {
        fail(c, "admin_login_required", "no administrator login to end");
        return -1;
    }
    if (strcmp(c->in, "logout") == 0)
        n = snprintf(line, sizeof line, "account admin-logout %s", c->token);
    else
        n = snprintf(line, sizeof line, "account %s", c->in);
    if (n < 0 || (size_t)n >= sizeof line) {
        fail(c, "bad-request", "the command line is too long");
        return -1;
    }
    memcpy(c->in, line, (size_t)n + 1);
    return add_who(c);
}

/* The command, its token checked where it needs one. */
static void run_command(client *c, dsgd_chan *chan)
{
    /* a command that changes the gateway runs only once its request is
     * stored; every command answers only once its result is. Restarting
     * logd is how the audit trail comes back: its request cannot be stored
     * first, its result can (by the new logd). */
    int changes = strcmp(c->in, "key rotate kek") == 0 ||   /* REQ-STOR-008 */
                  strcmp(c->in, "backup now") == 0 ||       /* REQ-BKUP-001 */
                  strncmp(c->in, "backup drill ", 13) == 0 ||   /* REQ-BKUP-007 */
                  strncmp(c->in, "backup verify ", 14) == 0 ||  /* REQ-BKUP-005 */
                  key_export(c->in) != NULL;                /* REQ-STOR-009 */
    if ((changes || role_verb_changes(c->in, &changes) != NULL) && add_who(c) != 0)
        return;
    if ((strncmp(c->in, "role restart ", 13) == 0 && strcmp(c->in + 13, "logd") != 0) ||
        changes) {
        hold_for_record(c, "requested", AFTER_FORWARD, chan);
        return;
    }
    if (strncmp(c->in, "log prune ", 10) == 0 && add_who(c) != 0)
        return;
    c->phase = C_QUEUED;
    start_next(chan);
}

static void command(client *c, dsgd_chan *chan)
{
    c->in[strcspn(c->in, "\n")] = '\0';
    int bad_token = take_token(c) != 0;
    command_for_log(c);
    if (c->refused) {
        dsgd_log("refused uid %u gid %u pid %d: not uid 0 and not in group %s: %s",
                 (unsigned)c->cred.uid, (unsigned)c->cred.gid, (int)c->cred.pid,
                 DSGD_CTL_ADMIN_GROUP, c->cmd);
        (void)record(c, "not-authorized");
        record_refusal(c, "not-authorized", "not root and not in group " DSGD_CTL_ADMIN_GROUP);
        answer(c, "error not-authorized only root and members of group " DSGD_CTL_ADMIN_GROUP
                  " may use the control socket", NULL, 0);
        return;
    }
    if (bad_token) {
        fail(c, "bad-request", "a malformed token= prefix");
        return;
    }
    if (strncmp(c->in, "role restart ", 13) == 0 && dsgd_role_find(c->in + 13) == NULL) {
        fail(c, "unknown-role", "no such role (roles: portal, logd, ctl, auth, share)");
        return;
    }
    if (!known_command(c->in)) {
        fail(c, "unknown-command", "commands: status [--json], config show [--json], "
                                   "role restart ROLE, log verify, log prune, log export, "
                                   "key rotate kek, key export, backup now|list|pubkey|drill|verify, "
                                   "login, logout, "
                                   "account apply|approve|reject|list|show|"
                                   "applications|credentials, org add|networks|list|show, "
                                   "terminal register|revoke|list, "
                                   "area apply|approve|reject|close|list|show|applications, "
                                   "rights apply|approve|reject|applications|area|account|"
                                   "org|check");
        return;
    }
    if (strncmp(c->in, "login ", 6) == 0 || strcmp(c->in, "logout") == 0) {
        if (login_line(c) == 0) {
            c->phase = C_QUEUED;
            start_next(chan);
        }
        return;
    }
    if (!needs_admin(c->in)) {
        run_command(c, chan);
        return;
    }
    if (c->token[0] == '\0') {
        fail(c, "admin_login_required", "this command needs an administrator's login: "
                                        "run dsgctl login");
        return;
    }
    c->checking = 1;   /* run_command once the auth role has checked the token */
    c->phase = C_QUEUED;
    start_next(chan);
}

/* A decision on an application: approve or reject. */
static int decision(const char *line)
{
    return strncmp(line, "account approve ", 16) == 0 || strncmp(line, "account reject ", 15) == 0 ||
           strncmp(line, "area approve ", 13) == 0 || strncmp(line, "area reject ", 12) == 0 ||
           strncmp(line, "rights approve ", 15) == 0 || strncmp(line, "rights reject ", 14) == 0;
}

/* The auth role's answer to a token check: "admin USER" lets the command
 * run under that administrator; anything else refuses it. */
static void checked(client *c, const dsgd_msg *m, dsgd_chan *chan)
{
    static const char ok[] = "admin ";
    size_t k = sizeof ok - 1, n = m->len - 1;
    const char *text = (const char *)m->body + 1;
    const char *nl = n > k ? memchr(text + k, '\n', n - k) : NULL;
    size_t name = nl != NULL ? (size_t)(nl - (text + k)) : 0;
    c->checking = 0;
    if (n > 6 && memcmp(text, "error ", 6) != 0 && memcmp(text, ok, k) != 0) {
        char why[200];   /* the master's word: the auth role is not running */
        const char *end = memchr(text, '\n', n);
        snprintf(why, sizeof why, "no administrator login can be checked: %.*s",
                 (int)(end != NULL ? (size_t)(end - text) : n), text);
        fail(c, "admin_login_required", why);
        return;
    }
    if (m->body[0] != 0 || n <= k || memcmp(text, ok, k) != 0 || name == 0 ||
        name > DSGD_CTL_ADMIN_MAX || k + name + 1 != n) {
        fail(c, "admin_login_required", "no valid administrator login (expired, ended, "
                                        "or another user's): run dsgctl login");
        return;
    }
    /* "admin USER stale": a login older than auth.reauth_max_age, which a
     * decision on an application may not run under (REQ-MFA-015) */
    int stale = name > 6 && memcmp(text + k + name - 6, " stale", 6) == 0;
    if (stale)
        name -= 6;
    memcpy(c->admin, text + k, name);
    c->admin[name] = '\0';
    if (stale && decision(c->in)) {
        fail(c, "reauth_required", "a decision needs a login younger than "
                                   "auth.reauth_max_age: run dsgctl login again");
        return;
    }
    run_command(c, chan);
}

static void read_line(client *c, dsgd_chan *chan)
{
    ssize_t r = read(c->fd, c->in + c->in_len, DSGD_CTL_LINE_MAX - c->in_len);
    if (r < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (r <= 0) {
        client_close(c);
        return;
    }
    c->in_len += (size_t)r;
    c->in[c->in_len] = '\0';
    if (memchr(c->in, '\0', c->in_len) != NULL)
        fail(c, "bad-request", "the command line holds a NUL byte");
    else if (strchr(c->in, '\n') != NULL)
        command(c, chan);
    else if (c->in_len == DSGD_CTL_LINE_MAX)
        fail(c, "bad-request", "the command line is too long");
}

/* The master gets the credit of a piece back once it is with the client
 * (or the client is gone), so logd sends the next (bus.h). */
static void piece_done(void)
{
    if (bus != NULL && dsgd_bus_done(bus, 1) != 0)
        dsgd_log("cannot give the master back its credit");
}

/* A client that goes away while pieces of its answer still come: they
 * and the end are read and dropped. */
static void stream_abandoned(client *c)
{
    dsgd_log("uid %u pid %d: %s: the client went away during the answer", (unsigned)c->cred.uid,
             (int)c->cred.pid, c->cmd);
    (void)record(c, "abandoned");
    piece_done();
    busy = ANSWER_OWED;
    client_close(c);
}

static void write_answer(client *c)
{
    ssize_t w = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
    if (w < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (w <= 0) {
        if (c->phase == C_PART)
            stream_abandoned(c);
        else
            client_close(c);
        return;
    }
    c->out_off += (size_t)w;
    if (c->out_off < c->out_len)
        return;
    if (c->phase == C_PART) {
        c->phase = C_WAIT;
        c->deadline = dsgd_now_ms() + DSGD_CTL_CLIENT_TIMEOUT_MS;
        piece_done();
        return;
    }
    client_close(c);
}

size_t dsgd_ctl_pollfds(struct pollfd *pf, size_t max, int *timeout_ms)
{
    uint64_t now = dsgd_now_ms();
    size_t n = 0;
    int room = 0;

    for (unsigned i = 0; i < DSGD_CTL_CLIENTS && n < max; i++) {
        client *c = &clients[i];
        room |= c->fd < 0;
        if (c->fd < 0)
            continue;
        uint64_t left = c->deadline > now ? c->deadline - now : 0;
        if (*timeout_ms < 0 || left < (uint64_t)*timeout_ms)
            *timeout_ms = (int)left;
        if (c->phase != C_READ && c->phase != C_WRITE && c->phase != C_PART)
            continue;
        pf[n].fd = c->fd;
        pf[n].events = c->phase == C_READ ? POLLIN : POLLOUT;
        pf[n].revents = 0;
        n++;
    }
    if (room && n < max) {
        pf[n].fd = DSGD_CTL_LISTEN_FD;
        pf[n].events = POLLIN;
        pf[n].revents = 0;
        n++;
    }
    return n;
}

static client *by_fd(int fd)
{
    for (unsigned i = 0; i < DSGD_CTL_CLIENTS; i++)
        if (clients[i].fd == fd)
            return &clients[i];
    return NULL;
}

static void expire(dsgd_chan *chan)
{
    uint64_t now = dsgd_now_ms();
    for (unsigned i = 0; i < DSGD_CTL_CLIENTS; i++) {
        client *c = &clients[i];
        if (c->fd < 0 || now < c->deadline)
            continue;
        if (c->phase == C_PART) {
            stream_abandoned(c);
        } else if (c->phase == C_WAIT && c->streamed) {
            static const char late[] = "logd did not send the rest in time\n";
            busy = ANSWER_OWED;
            (void)record(c, "unavailable");
            answer(c, "end 69", (const uint8_t *)late, sizeof late - 1);
        } else if (c->phase == C_WAIT) {
            busy = ANSWER_OWED;   /* the late answer is read and dropped */
            fail(c, "unavailable", "the master did not answer in time");
        } else if (c->phase == C_AUDIT ||
                   (c->phase == C_QUEUED && !dsgd_audit_out_keeping_up())) {
            audit_failed(c);   /* queued behind records logd has not taken */
        } else if (c->phase == C_QUEUED) {
            fail(c, "unavailable", "the master did not take the command in time");
        } else if (c->phase == C_READ) {
            fail(c, "bad-request", "no command line in time");
        } else {
            client_close(c);
        }
    }
    start_next(chan);
}

void dsgd_ctl_events(const struct pollfd *pf, size_t n, dsgd_chan *chan)
{
    bus = chan;
    for (size_t i = 0; i < n; i++) {
        client *c;
        if (pf[i].revents == 0)
            continue;
        if (pf[i].fd == DSGD_CTL_LISTEN_FD) {
            accept_one();
            continue;
        }
        if ((c = by_fd(pf[i].fd)) == NULL)
            continue;
        if (c->phase == C_READ)
            read_line(c, chan);
        else if (c->phase == C_WRITE || c->phase == C_PART)
            write_answer(c);
    }
    expire(chan);
}

/* The master's answer: to its client, if it is still there (a late answer
 * to a client that timed out is dropped). */
/* A piece of a streamed answer: the first is preceded by "ok stream",
 * each goes as "data LEN" and its bytes; its credit goes back once the
 * client has it. */
static int stream_piece(const dsgd_msg *m, dsgd_chan *chan)
{
    bus = chan;
    if (busy < 0 || clients[busy].phase != C_WAIT)
        return dsgd_bus_done(chan, 1);   /* its client is gone: dropped */
    client *c = &clients[busy];
    int n = snprintf(c->out, sizeof c->out, "%sdata %zu\n", c->streamed ? "" : "ok stream\n",
                     m->len);
    if (n < 0 || (size_t)n + m->len > sizeof c->out)
        return -1;
    memcpy(c->out + n, m->body, m->len);
    c->out_len = (size_t)n + m->len;
    c->out_off = 0;
    c->streamed = 1;
    c->phase = C_PART;
    c->deadline = dsgd_now_ms() + DSGD_CTL_CLIENT_TIMEOUT_MS;
    return 0;
}

int dsgd_ctl_message(const dsgd_msg *m, dsgd_chan *chan)
{
    char first[16], result[16];
    if (m->kind == DSGD_MSG_CTL_PART && m->len >= 1)
        return stream_piece(m, chan);
    if (m->kind != DSGD_MSG_CTL_ANSWER || m->len < 1)
        return -1;
    if (busy >= 0 && clients[busy].phase == C_WAIT && clients[busy].checking) {
        client *c = &clients[busy];
        busy = -1;
        if (dsgd_bus_done(chan, 1) != 0)
            return -1;
        checked(c, m, chan);
        start_next(chan);
        return 0;
    }
    if (busy >= 0 && clients[busy].phase == C_WAIT) {
        client *c = &clients[busy];
        /* "ok", or "ok N" for a command that ran and gives exit status N;
         * "end N" after pieces */
        snprintf(first, sizeof first, c->streamed ? "end %u" : m->body[0] ? "ok %u" : "ok",
                 (unsigned)m->body[0]);
        snprintf(result, sizeof result, m->body[0] ? "status %u" : "ok", (unsigned)m->body[0]);
        dsgd_log("uid %u pid %d: %s: %s", (unsigned)c->cred.uid, (int)c->cred.pid, c->cmd, result);
        answer(c, first, m->body + 1, m->len - 1);
        hold_for_record(c, result, AFTER_WRITE, chan);
    }
    busy = -1;
    if (dsgd_bus_done(chan, 1) != 0)
        return -1;
    start_next(chan);
    return 0;
}
