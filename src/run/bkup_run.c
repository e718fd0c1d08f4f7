/* The master's backup run: see bkup_run.h. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "bkup/bk_backup.h"
#include "bkup/bk_stream.h"
#include "core/bkup_manifest.h"
#include "ctl/key_escrow.h"
#include "io/fdio.h"
#include "log/timefmt.h"
#include "run/bkup_run.h"
#include "run/log.h"
#include "run/role_backup.h"

#define RESULT_MAX 1000u
#define LIST_MAX 200u   /* backups `backup list` shows, the newest: one bus message */
#define SIGN_KEY "backup-sign.key"

static dsgd_bkup_ops ops;

/* The run going on (pid != 0), or the last one. */
static struct {
    pid_t pid;                           /* the writer; 0: no run */
    int result;                          /* the writer's result pipe, read end */
    char id[DSGD_BACKUP_ID_LEN + 1];
    char dest[4096];
    char start[DSG_BK_TIME_LEN + 1];
    char actor[200];
    char roles[64];
    const char *role[DSGD_BKUP_MAX_ROLES];
    int wr[DSGD_BKUP_MAX_ROLES];         /* write ends not yet passed on */
    unsigned nroles, asking;             /* the role asked; nroles: all done */
    int waiting;                         /* the asked role has not answered */
    char role_failed[300];               /* the first role's failure */
    struct timespec began;               /* CLOCK_MONOTONIC, for bkup.max_duration */
    uint32_t max_ms;
    int overdue;                         /* killed for bkup.max_duration */
} run = { .result = -1 };

/* Roles asked whose answer has not come yet, across runs: a run that
 * ended without an answer (stopped for bkup.max_duration) leaves its role
 * finishing; no new run starts before it answers or goes down. */
static const char *pending[DSGD_BKUP_MAX_ROLES];

void dsgd_bkup_init(const dsgd_bkup_ops *o)
{
    ops = *o;
}

static int refuse(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int refuse(char *out, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, n, fmt, ap);
    va_end(ap);
    return 1;
}

int dsgd_bkup_read_recipient(dsgd_bkup_config *c, char *err, size_t n)
{
    uint8_t priv[32];
    char why[300];
    c->have_recipient = 0;
    if (c->recipient_file[0] == '\0')
        return 0;
    if (dsg_ke_x25519(c->recipient_file, 1, priv, why, sizeof why) == DSG_KE_OK) {
        OPENSSL_cleanse(priv, sizeof priv);
        snprintf(err, n, "bkup.recipient_pubkey %s holds a private key: only the public key "
                 "may be on the gateway (openssl pkey -in KEY -pubout)", c->recipient_file);
        return -1;
    }
    if (dsg_ke_x25519(c->recipient_file, 0, c->recipient, why, sizeof why) != DSG_KE_OK) {
        snprintf(err, n, "bkup.recipient_pubkey %s: %s", c->recipient_file, why);
        return -1;
    }
    c->have_recipient = 1;
    return 0;
}

/* The signing key of statedir/keys, made at the first run. */
static int sign_key(const dsgd_bkup_config *c, uint8_t key[DSG_BK_SIGN_KEY_LEN], char *err,
                    size_t n)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/keys/%s", c->statedir, SIGN_KEY);
    if (access(path, F_OK) != 0 && errno == ENOENT) {
        if (dsg_bk_signkey_create(path, err, n) != DSG_BK_OK)
            return -1;
        dsgd_log("backup: made the backup-signing key %s", path);
    }
    return dsg_bk_signkey_load(path, key, err, n) == DSG_BK_OK ? 0 : -1;
}

int dsgd_bkup_pubkey(const dsgd_bkup_config *c, char *out, size_t n)
{
    uint8_t key[DSG_BK_SIGN_KEY_LEN];
    if (sign_key(c, key, out, n) != 0)
        return -1;
    int rc = dsg_bk_signkey_public_pem(key, out, n) == DSG_BK_OK ? 0 : -1;
    OPENSSL_cleanse(key, sizeof key);
    if (rc != 0)
        snprintf(out, n, "the public key could not be written");
    return rc;
}

/* The backup's state file DEST/ID.state (0600), replaced whole. */
/* What the running backup does now, for `dsgctl backup now`'s progress:
 * the role it reads, "writer" once every role answered, "-" at the end. */
static const char *current(const char *state)
{
    if (strcmp(state, "running") != 0)
        return "-";
    return run.asking < run.nroles ? run.role[run.asking] : "writer";
}

static void write_state(const char *state, const char *end, uint64_t members, uint64_t bytes,
                        const char *reason)
{
    char path[4200], text[2048];
    int len = snprintf(text, sizeof text,
                       "id %s\nstate %s\nstart %s\nend %s\nroles %s\nmembers %llu\nsize %llu\n"
                       "actor %s\nreason %s\ncurrent %s\n",
                       run.id, state, run.start, end, run.roles, (unsigned long long)members,
                       (unsigned long long)bytes, run.actor, reason, current(state));
    snprintf(path, sizeof path, "%s/%s.state", run.dest, run.id);
    if (len < 0 || (size_t)len >= sizeof text ||
        dsg_replace_file(path, text, (size_t)len, 0600) != 0)
        dsgd_log("backup %s: its state file %s cannot be written: %s", run.id, path,
                 strerror(errno));
}

static void close_writes(void)
{
    for (unsigned i = 0; i < DSGD_BKUP_MAX_ROLES; i++)
        if (run.wr[i] >= 0) {
            close(run.wr[i]);
            run.wr[i] = -1;
        }
}

typedef struct totals {
    uint64_t members, bytes;
} totals;

static void count(void *ctx, const dsg_bk_progress *p)
{
    totals *t = ctx;
    t->members = p->members_total;
    t->bytes = p->bytes_total;
}

static char config_text[65536];   /* the configuration in force, for the writer */
static size_t config_len;

/* bytes as the member (master, name), through an anonymous file. */
static dsg_bk_status add_bytes(dsg_bk_writer *w, const char *name, const void *bytes,
                               size_t len, char *err, size_t n)
{
    int fd = memfd_create("dsg-bkup-master", MFD_CLOEXEC);
    dsg_bk_status st = DSG_BK_IO;
    if (fd >= 0 && (len == 0 || dsg_write_all(fd, bytes, len) == 0) && lseek(fd, 0, SEEK_SET) == 0)
        st = dsg_bk_writer_add(w, DSG_BKM_ROLE_MASTER, name, fd, err, n);
    else
        snprintf(err, n, "master %s: %s", name, strerror(errno));
    if (fd >= 0)
        close(fd);
    return st;
}

/* The public key file statedir/rel as the member (master, name), when it
 * is there. */
static dsg_bk_status add_public(dsg_bk_writer *w, const dsgd_bkup_config *c, const char *rel,
                                const char *name, char *err, size_t n)
{
    char path[4300];
    snprintf(path, sizeof path, "%s/%s", c->statedir, rel);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? DSG_BK_OK
                               : (snprintf(err, n, "%.600s: %s", path, strerror(errno)), DSG_BK_IO);
    dsg_bk_status st = dsg_bk_writer_add(w, DSG_BKM_ROLE_MASTER, name, fd, err, n);
    close(fd);
    return st;
}

/* The master's members (REQ-BKUP-001): the configuration in force and the
 * public keys, never a private key (REQ-BKUP-003). */
static dsg_bk_status master_members(dsg_bk_writer *w, const dsgd_bkup_config *c,
                                    const uint8_t key[32], char *err, size_t n)
{
    char when[DSG_BK_TIME_LEN + 8], pem[DSG_BK_PUB_PEM_MAX];
    dsg_bk_status st;
    if (dsg_time_now_rfc3339_ms(when, sizeof when) != DSG_BK_TIME_LEN ||
        dsg_bk_signkey_public_pem(key, pem, sizeof pem) != DSG_BK_OK)
        return snprintf(err, n, "master: no clock or no public key"), DSG_BK_CRYPTO;
    if ((st = dsg_bk_writer_role(w, DSG_BKM_ROLE_MASTER, when, 0, err, n)) != DSG_BK_OK ||
        (config_len > 0 &&
         (st = add_bytes(w, "config", config_text, config_len, err, n)) != DSG_BK_OK) ||
        (st = add_bytes(w, "backup-sign.pub", pem, strlen(pem), err, n)) != DSG_BK_OK ||
        (st = add_public(w, c, "logd/sign.pub", "logd-sign.pub", err, n)) != DSG_BK_OK)
        return st;
    return add_public(w, c, "tls/cert.pem", "tls-cert.pem", err, n);
}

/* The writer (a child): every role's stream into DEST/ID, the master's
 * members, committed and verified without a private key; one line on the
 * result pipe. */
static void writer(const dsgd_bkup_config *c, const int rd[], const uint8_t key[32],
                   const uint8_t pub[32], int res)
{
    char err[900], line[RESULT_MAX], dir[4200];
    dsg_bk_writer *w = NULL;
    totals t = { 0, 0 };
    dsg_bk_status st = dsg_bk_writer_new(c->dest, run.id, run.start, c->recipient, &w, err,
                                         sizeof err);
    for (unsigned i = 0; st == DSG_BK_OK && i < run.nroles; i++) {
        uint64_t m, b;
        unsigned role = strcmp(run.role[i], "auth") == 0   ? DSG_BKM_ROLE_AUTH
                        : strcmp(run.role[i], "logd") == 0 ? DSG_BKM_ROLE_LOGD
                                                           : DSG_BKM_ROLE_SHARE;
        char why[800];
        st = dsg_bk_stream_read(w, role, rd[i], &m, &b, why, sizeof why);
        if (st != DSG_BK_OK)
            snprintf(err, sizeof err, "%s: %s", run.role[i], why);
        close(rd[i]);
    }
    if (st == DSG_BK_OK)
        st = master_members(w, c, key, err, sizeof err);
    if (st == DSG_BK_OK)
        st = dsg_bk_writer_commit(w, key, err, sizeof err);
    else
        dsg_bk_writer_free(w), w = NULL;
    if (w != NULL)
        dsg_bk_writer_free(w);
    if (st == DSG_BK_OK) {
        snprintf(dir, sizeof dir, "%s/%s", c->dest, run.id);
        st = dsg_bk_verify(dir, pub, NULL, count, &t, err, sizeof err);
        if (st != DSG_BK_OK) {
            char aside[4220];   /* not to be taken for a good backup */
            snprintf(aside, sizeof aside, "%s.unverified", dir);
            if (rename(dir, aside) != 0)
                snprintf(err + strlen(err), sizeof err - strlen(err), "; left as DEST/%s",
                         run.id);
            snprintf(line, sizeof line, "unverified %s (%s)\n", err, dsg_bk_status_token(st));
            (void)!write(res, line, strlen(line));
            _exit(1);
        }
        snprintf(line, sizeof line, "verified %llu %llu\n", (unsigned long long)t.members,
                 (unsigned long long)t.bytes);
    } else {
        snprintf(line, sizeof line, "failed %s (%s)\n", err, dsg_bk_status_token(st));
    }
    (void)!write(res, line, strlen(line));
    _exit(st == DSG_BK_OK ? 0 : 1);
}

/* The raw Ed25519 public key of the signing key: 0, or -1. */
static int public_of(const uint8_t key[32], uint8_t pub[32])
{
    size_t len = 32;
    EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, key, 32);
    int ok = k != NULL && EVP_PKEY_get_raw_public_key(k, pub, &len) == 1 && len == 32;
    EVP_PKEY_free(k);
    return ok ? 0 : -1;
}

/* The backup's ID and start time, from the clock. */
static int stamp(void)
{
    struct timespec ts;
    struct tm tm;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || gmtime_r(&ts.tv_sec, &tm) == NULL ||
        strftime(run.id, sizeof run.id, "%Y%m%dT%H%M%SZ", &tm) != DSGD_BACKUP_ID_LEN)
        return -1;
    return dsg_time_rfc3339_ms(run.start, sizeof run.start, (int64_t)ts.tv_sec,
                               (int64_t)ts.tv_nsec) == DSG_BK_TIME_LEN ? 0 : -1;
}

static void record_refusal(const char *actor, const char *why)
{
    char d[700];
    snprintf(d, sizeof d, "not started: %.400s; %.200s", why, actor);
    ops.record("backup-failed", d);
    dsgd_log("backup: not started (%s): %s", actor, why);
}

/* The writer holds its read ends, its result pipe and the log (fd 2):
 * none of the master's channels, sockets or the roles' write ends, so a
 * role's stream ends when the role closes it. */
static void keep_only(const int rd[], int res)
{
    long max = sysconf(_SC_OPEN_MAX);
    for (int fd = 3; fd < (max > 0 && max < 65536 ? max : 65536); fd++) {
        int keep = fd == res;
        for (unsigned i = 0; i < run.nroles; i++)
            keep |= fd == rd[i];
        if (!keep)
            close(fd);
    }
}

/* The pipes, one a role (the read ends kept for the writer, close-on-exec
 * both), and the writer forked. 0, or -1 with the reason. */
static int fork_writer(const dsgd_bkup_config *c, const uint8_t key[32], const uint8_t pub[32],
                       char *out, size_t n)
{
    int rd[DSGD_BKUP_MAX_ROLES], res[2];
    for (unsigned i = 0; i < DSGD_BKUP_MAX_ROLES; i++)
        rd[i] = run.wr[i] = -1;
    if (pipe2(res, O_CLOEXEC) != 0)
        return refuse(out, n, "a pipe: %s", strerror(errno)), -1;
    for (unsigned i = 0; i < run.nroles; i++) {
        int p[2];
        if (pipe2(p, O_CLOEXEC) != 0) {
            refuse(out, n, "a pipe: %s", strerror(errno));
            goto fail;
        }
        rd[i] = p[0];
        run.wr[i] = p[1];
    }
    run.pid = fork();
    if (run.pid < 0) {
        refuse(out, n, "fork: %s", strerror(errno));
        run.pid = 0;
        goto fail;
    }
    if (run.pid == 0) {
        sigset_t none;
        if (ops.wipe != NULL)
            ops.wipe();   /* the writer needs none of the master's keys */
        /* dies with the master; gains no privilege by exec */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
            _exit(1);
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        close(res[0]);
        keep_only(rd, res[1]);
        writer(c, rd, key, pub, res[1]);
    }
    close(res[1]);
    for (unsigned i = 0; i < run.nroles; i++)
        close(rd[i]);
    run.result = res[0];
    return 0;
fail:
    close(res[0]);
    close(res[1]);
    for (unsigned i = 0; i < DSGD_BKUP_MAX_ROLES; i++)
        if (rd[i] >= 0)
            close(rd[i]);
    close_writes();
    return -1;
}

/* The next role asked, or its pipe closed at once when it is not up (the
 * writer then fails on its stream, naming it). */
static void ask_next(void)
{
    while (run.asking < run.nroles) {
        unsigned i = run.asking;
        const char *r = run.role[i];
        if (ops.up(r) && ops.ask(r, run.wr[i], run.id) == 0) {
            close(run.wr[i]);   /* the role holds it now */
            run.wr[i] = -1;
            run.waiting = 1;
            pending[i] = r;
            write_state("running", "-", 0, 0, "-");   /* the role it reads now */
            return;
        }
        if (run.role_failed[0] == '\0')
            snprintf(run.role_failed, sizeof run.role_failed, "%s is not running", r);
        dsgd_log("backup %s: %s is not running: its part fails", run.id, r);
        close(run.wr[i]);
        run.wr[i] = -1;
        run.asking++;
    }
    run.waiting = 0;
    if (run.pid != 0)
        write_state("running", "-", 0, 0, "-");   /* the writer finishes */
}

int dsgd_bkup_now(const dsgd_bkup_config *c, const char *actor, char *out, size_t n)
{
    uint8_t key[DSG_BK_SIGN_KEY_LEN], pub[32];
    char why[600], d[900];
    if (run.pid != 0)
        return refuse(out, n, "backup_running the backup %s is still running", run.id);
    for (unsigned k = 0; k < DSGD_BKUP_MAX_ROLES; k++)
        if (pending[k] != NULL) {
            snprintf(why, sizeof why, "%s is still finishing its copy for the backup %s",
                     pending[k], run.id);
            record_refusal(actor, why);
            return refuse(out, n, "backup_running %s: try again", why);
        }
    if (c->dest[0] == '\0') {
        record_refusal(actor, "no bkup.dest");
        return refuse(out, n, "backup_refused no bkup.dest: set it to a directory on another "
                              "disk (docs/backup.md)");
    }
    if (!c->have_recipient) {
        record_refusal(actor, "no bkup.recipient_pubkey");
        return refuse(out, n, "backup_refused no bkup.recipient_pubkey: every backup is "
                              "encrypted to the operator's public key (dsgctl backup keygen)");
    }
    memset(&run, 0, sizeof run);
    run.result = -1;
    for (unsigned i = 0; i < DSGD_BKUP_MAX_ROLES; i++)
        run.wr[i] = -1;
    snprintf(run.dest, sizeof run.dest, "%s", c->dest);
    snprintf(run.actor, sizeof run.actor, "%s", actor);
    for (unsigned i = 0; i < c->nroles; i++) {
        run.role[run.nroles++] = c->roles[i];
        snprintf(run.roles + strlen(run.roles), sizeof run.roles - strlen(run.roles), "%s%s",
                 i > 0 ? "," : "", c->roles[i]);
    }
    if (stamp() != 0 || sign_key(c, key, why, sizeof why) != 0 || public_of(key, pub) != 0) {
        if (run.start[0] == '\0')
            snprintf(why, sizeof why, "no clock");
        record_refusal(actor, why);
        OPENSSL_cleanse(key, sizeof key);
        return refuse(out, n, "backup_failed %s", why);
    }
    snprintf(d, sizeof d, "%s/%s", c->dest, run.id);
    snprintf(why, sizeof why, "%s/%s.partial", c->dest, run.id);
    char state[4200];
    snprintf(state, sizeof state, "%s/%s.state", c->dest, run.id);
    if (access(d, F_OK) == 0 || access(why, F_OK) == 0 || access(state, F_OK) == 0) {
        OPENSSL_cleanse(key, sizeof key);
        return refuse(out, n, "backup_running a backup %s was started within this second: "
                              "try again", run.id);
    }
    config_len = ops.config != NULL ? ops.config(config_text, sizeof config_text) : 0;
    int rc = fork_writer(c, key, pub, why, sizeof why);
    OPENSSL_cleanse(key, sizeof key);
    if (rc != 0) {
        record_refusal(actor, why);
        return refuse(out, n, "backup_failed %s", why);
    }
    clock_gettime(CLOCK_MONOTONIC, &run.began);
    run.max_ms = c->max_ms;
    write_state("running", "-", 0, 0, "-");
    snprintf(d, sizeof d, "%s in %s; roles %s; %s", run.id, c->dest, run.roles, actor);
    ops.record("backup-started", d);
    dsgd_log("backup %s: started (%s) into %s: %s", run.id, actor, c->dest, run.roles);
    ask_next();
    snprintf(out, n, "started the backup %s in %s/%s (roles %s): dsgctl backup list shows "
                     "when it is verified\n", run.id, c->dest, run.id, run.roles);
    return 0;
}

int dsgd_bkup_role_done(const char *role, const uint8_t *body, size_t len)
{
    unsigned i = run.asking;
    if (len < 1 || body[0] > 1)
        return -1;
    for (unsigned k = 0; (run.pid == 0 || !run.waiting) && k < DSGD_BKUP_MAX_ROLES; k++)
        if (pending[k] != NULL && strcmp(pending[k], role) == 0) {
            pending[k] = NULL;   /* the answer of a run that ended without it */
            dsgd_log("backup: %s answered after its run ended: %.*s", role,
                     (int)(len - 1 > 300 ? 300 : len - 1), (const char *)body + 1);
            return 0;
        }
    if (run.pid == 0 || !run.waiting || i >= run.nroles || strcmp(run.role[i], role) != 0)
        return -1;
    pending[i] = NULL;
    if (body[0] != 0 && run.role_failed[0] == '\0')
        snprintf(run.role_failed, sizeof run.role_failed, "%s: %.*s", role,
                 (int)(len - 1 > 250 ? 250 : len - 1), (const char *)body + 1);
    dsgd_log("backup %s: %s %s: %.*s", run.id, role, body[0] == 0 ? "copied" : "FAILED",
             (int)(len - 1 > 300 ? 300 : len - 1), (const char *)body + 1);
    run.asking++;
    ask_next();
    return 0;
}

/* Milliseconds since the run began. */
static uint64_t run_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)(now.tv_sec - run.began.tv_sec) * 1000u +
           (uint64_t)((now.tv_nsec - run.began.tv_nsec) / 1000000);
}

void dsgd_bkup_tick(void)
{
    for (unsigned k = 0; k < DSGD_BKUP_MAX_ROLES; k++)
        if (pending[k] != NULL && (run.pid == 0 || !run.waiting) && !ops.up(pending[k]))
            pending[k] = NULL;   /* gone: no answer will come */
    if (run.pid != 0 && !run.overdue && run.max_ms > 0 && run_ms() > run.max_ms) {
        run.overdue = 1;
        dsgd_log("backup %s: not finished within bkup.max_duration (%u ms): stopped", run.id,
                 run.max_ms);
        kill(run.pid, SIGKILL);   /* reaped as failed; the roles' pipes break */
        close_writes();
        run.waiting = 0;
        return;
    }
    if (run.pid == 0 || !run.waiting || ops.up(run.role[run.asking]))
        return;
    if (run.role_failed[0] == '\0')
        snprintf(run.role_failed, sizeof run.role_failed, "%s stopped during its copy",
                 run.role[run.asking]);
    dsgd_log("backup %s: %s stopped during its copy", run.id, run.role[run.asking]);
    pending[run.asking] = NULL;
    run.asking++;
    ask_next();
}

void dsgd_bkup_role_gone(const char *role)
{
    for (unsigned k = 0; k < DSGD_BKUP_MAX_ROLES; k++)
        if (pending[k] != NULL && strcmp(pending[k], role) == 0 &&
            !(run.pid != 0 && run.waiting && k == run.asking))
            pending[k] = NULL;   /* its next run never heard of the copy: no answer comes */
}

void dsgd_bkup_stop(void)
{
    char end[DSG_BK_TIME_LEN + 8];
    if (run.pid == 0)
        return;
    kill(run.pid, SIGKILL);
    (void)waitpid(run.pid, NULL, 0);
    close_writes();
    if (run.result >= 0)
        close(run.result);
    run.result = -1;
    run.pid = 0;
    run.waiting = 0;
    if (dsg_time_now_rfc3339_ms(end, sizeof end) != DSG_BK_TIME_LEN)
        snprintf(end, sizeof end, "-");
    write_state("failed", end, 0, 0, "dsgd stopped during the run");
    dsgd_log("backup %s: FAILED: dsgd stopped during the run", run.id);
}

int dsgd_bkup_reaped(pid_t pid, int status)
{
    char line[RESULT_MAX + 1] = "", end[DSG_BK_TIME_LEN + 8], d[1400];
    unsigned long long members = 0, bytes = 0;
    if (run.pid == 0 || pid != run.pid)
        return 0;
    ssize_t got = read(run.result, line, RESULT_MAX);
    line[got > 0 ? got : 0] = '\0';
    line[strcspn(line, "\n")] = '\0';
    close(run.result);
    run.result = -1;
    close_writes();
    run.pid = 0;
    run.waiting = 0;
    run.asking = run.nroles;
    if (dsg_time_now_rfc3339_ms(end, sizeof end) != DSG_BK_TIME_LEN)
        snprintf(end, sizeof end, "-");
    if (status == 0 && sscanf(line, "verified %llu %llu", &members, &bytes) == 2) {
        write_state("verified", end, members, bytes, "-");
        snprintf(d, sizeof d, "%s: %llu members, %llu bytes; signature, sizes and SHA-256 "
                 "checked; %s%s%.300s", run.id, members, bytes, run.actor,
                 run.role_failed[0] != '\0' ? "; a role reported: " : "", run.role_failed);
        ops.record("backup-verified", d);
        dsgd_log("backup %s: verified: %llu members, %llu bytes", run.id, members, bytes);
        if (ops.verified != NULL)
            ops.verified(run.id);
        return 1;
    }
    const char *why = line[0] != '\0' ? line : "the writer ended without a result";
    if (run.overdue)
        why = "not finished within bkup.max_duration: stopped";
    if (run.role_failed[0] != '\0' && strncmp(why, "unverified", 10) != 0) {
        snprintf(d, sizeof d, "%s", run.role_failed);
        why = d;
    }
    char reason[800];
    snprintf(reason, sizeof reason, "%.700s%s", why,
             WIFSIGNALED(status) && !run.overdue ? " (the writer was killed)" : "");
    for (char *p = reason; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    write_state("failed", end, 0, 0, reason);
    snprintf(d, sizeof d, "%s: %.700s; %s", run.id, reason, run.actor);
    ops.record("backup-failed", d);
    dsgd_log("backup %s: FAILED: %s", run.id, reason);
    return 1;
}

/* One state file into a line of the list. */
static size_t list_line(const char *path, char *out, size_t n)
{
    char text[2048], f[9][800];
    static const char *const keys[9] = { "id ", "state ", "start ", "end ", "roles ",
                                         "members ", "size ", "actor ", "reason " };
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    ssize_t got = fd >= 0 ? read(fd, text, sizeof text - 1) : -1;
    if (fd >= 0)
        close(fd);
    if (got <= 0)
        return 0;
    text[got] = '\0';
    for (unsigned k = 0; k < 9; k++) {
        char *p = strstr(text, keys[k]);
        snprintf(f[k], sizeof f[k], "-");
        while (p != NULL && p != text && p[-1] != '\n')
            p = strstr(p + 1, keys[k]);
        if (p != NULL)
            snprintf(f[k], sizeof f[k], "%.*s", (int)strcspn(p + strlen(keys[k]), "\n"),
                     p + strlen(keys[k]));
    }
    int len = snprintf(out, n, "%-16.16s  %-24.24s  %-24.24s  %-15.40s  %12.20s  %-9.9s  %.160s\n",
                       f[0], f[2], f[3], f[4], f[6], f[1], strcmp(f[1], "failed") == 0 ? f[8] : "");
    return len > 0 && (size_t)len < n ? (size_t)len : 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t dsgd_bkup_list(const dsgd_bkup_config *c, char *out, size_t n)
{
    char *names[LIST_MAX], path[4400];
    size_t k = 0, seen = 0, at;
    int len = snprintf(out, n, "%-16s  %-24s  %-24s  %-15s  %12s  %-9s  %s\n", "ID", "START",
                       "END", "ROLES", "SIZE", "STATE", "REASON");
    at = len > 0 ? (size_t)len : 0;
    DIR *d = c->dest[0] != '\0' ? opendir(c->dest) : NULL;
    struct dirent *e;
    /* the newest LIST_MAX, what one answer holds, in any number of runs */
    while (d != NULL && (e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name), old = 0;
        if (l != DSGD_BACKUP_ID_LEN + 6 || strcmp(e->d_name + DSGD_BACKUP_ID_LEN, ".state") != 0)
            continue;
        seen++;
        if (k == LIST_MAX) {   /* full: the oldest kept gives way to a newer one */
            for (size_t i = 1; i < k; i++)
                if (strcmp(names[i], names[old]) < 0)
                    old = i;
            if (strcmp(e->d_name, names[old]) < 0)
                continue;
            free(names[old]);
            names[old] = names[--k];
        }
        if ((names[k] = strdup(e->d_name)) != NULL)
            k++;
    }
    if (d != NULL)
        closedir(d);
    qsort(names, k, sizeof names[0], by_name);
    if (seen > k) {
        len = snprintf(out + at, n - at, "(%zu older backups not listed)\n", seen - k);
        at += len > 0 && (size_t)len < n - at ? (size_t)len : 0;
    }
    for (size_t i = 0; i < k; i++) {
        if (at < n) {
            snprintf(path, sizeof path, "%s/%s", c->dest, names[i]);
            at += list_line(path, out + at, n - at);
        }
        free(names[i]);
    }
    return at;
}

/* ---- the daily timer (REQ-BKUP-001) ---------------------------------------------- */

int64_t dsgd_bkup_due(int64_t now, uint32_t daily_minute, int64_t last, int64_t started,
                      uint32_t catch_up_s)
{
    int64_t day = now >= 0 ? now - now % 86400 : now - (86400 + now % 86400) % 86400;
    int64_t sched = day + (int64_t)daily_minute * 60;
    if (sched > now)
        sched -= 86400;
    if (last >= sched)
        return sched + 86400;
    if (started <= sched)
        return sched;
    if (last < 0)
        return sched + 86400;
    return started + (catch_up_s < 60 ? catch_up_s : 60);
}

/* The start of backup ID (YYYYMMDDTHHMMSSZ), or -1. */
static int64_t id_time(const char *id)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *end = strptime(id, "%Y%m%dT%H%M%SZ", &tm);
    if (end == NULL || end != id + DSGD_BACKUP_ID_LEN)
        return -1;
    return (int64_t)timegm(&tm);
}

int64_t dsgd_bkup_last_start(const dsgd_bkup_config *c)
{
    int64_t last = -1;
    DIR *d = c->dest[0] != '\0' ? opendir(c->dest) : NULL;
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        char id[DSGD_BACKUP_ID_LEN + 1];
        if (strlen(e->d_name) < DSGD_BACKUP_ID_LEN)
            continue;
        memcpy(id, e->d_name, DSGD_BACKUP_ID_LEN);
        id[DSGD_BACKUP_ID_LEN] = '\0';
        const char *rest = e->d_name + DSGD_BACKUP_ID_LEN;
        int64_t t = *rest == '\0' || strcmp(rest, ".state") == 0 ? id_time(id) : -1;
        if (t > last)
            last = t;
    }
    if (d != NULL)
        closedir(d);
    return last;
}

int64_t dsgd_bkup_newest_verified(const dsgd_bkup_config *c)
{
    int64_t newest = -1;
    char path[4400], text[2048];
    DIR *d = c->dest[0] != '\0' ? opendir(c->dest) : NULL;
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        char id[DSGD_BACKUP_ID_LEN + 1];
        if (strlen(e->d_name) != DSGD_BACKUP_ID_LEN + 6 ||
            strcmp(e->d_name + DSGD_BACKUP_ID_LEN, ".state") != 0)
            continue;
        memcpy(id, e->d_name, DSGD_BACKUP_ID_LEN);
        id[DSGD_BACKUP_ID_LEN] = '\0';
        int64_t t = id_time(id);
        if (t <= newest)
            continue;
        snprintf(path, sizeof path, "%s/%s", c->dest, e->d_name);
        int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        ssize_t got = fd >= 0 ? read(fd, text, sizeof text - 1) : -1;
        if (fd >= 0)
            close(fd);
        text[got > 0 ? got : 0] = '\0';
        if (strstr(text, "\nstate verified\n") != NULL)
            newest = t;
    }
    if (d != NULL)
        closedir(d);
    return newest;
}

int dsgd_bkup_overdue(int64_t newest_verified, int64_t started, int64_t now, uint32_t max_ms)
{
    int64_t limit = 86400 + (int64_t)(max_ms / 1000);
    return now - (newest_verified >= 0 ? newest_verified : started) > limit;
}

static struct {
    int loaded;
    int64_t last;       /* the newest backup's start, or the last attempt */
    int64_t due;
} timer = { 0, -1, 0 };

void dsgd_bkup_timer(const dsgd_bkup_config *c, uint32_t daily_minute, uint32_t catch_up_ms,
                     int64_t started, int roles_up)
{
    char out[1200];
    int64_t now = (int64_t)time(NULL);
    if (c->dest[0] == '\0')
        return;
    if (!timer.loaded) {
        timer.last = dsgd_bkup_last_start(c);
        timer.loaded = 1;
    }
    if (run.pid != 0 && timer.last < now)
        timer.last = now;   /* a run goes on: the day's backup is being made */
    timer.due = dsgd_bkup_due(now, daily_minute, timer.last, started, catch_up_ms / 1000);
    if (now < timer.due || run.pid != 0)
        return;
    if (!roles_up && now < started + (int64_t)(catch_up_ms / 1000))
        return;   /* a catch-up waits for the roles, up to its limit */
    timer.last = now;
    dsgd_log("backup: the daily backup is due (bkup.daily_time %02u:%02u UTC)",
             daily_minute / 60, daily_minute % 60);
    if (dsgd_bkup_now(c, "dsgd", out, sizeof out) != 0)
        dsgd_log("backup: the daily backup did not start: %s", out);
}

uint32_t dsgd_bkup_wait_ms(void)
{
    int64_t now = (int64_t)time(NULL);
    if (!timer.loaded || timer.due <= now)
        return timer.loaded ? 1000 : 60000;
    return timer.due - now > 60 ? 60000 : (uint32_t)(timer.due - now) * 1000;
}

/* One state file still running rewritten as failed: 1, else 0. */
static unsigned settle_one(const char *path)
{
    char text[2048], next[2400], tmp[4500];
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    ssize_t got = fd >= 0 ? read(fd, text, sizeof text - 1) : -1;
    if (fd >= 0)
        close(fd);
    if (got <= 0)
        return 0;
    text[got] = '\0';
    char *st = strstr(text, "\nstate running\n"), *reason = strstr(text, "\nreason ");
    if (st == NULL || reason == NULL || reason < st)
        return 0;
    *reason = '\0';
    int len = snprintf(next, sizeof next, "%.*s\nstate failed\n%s\nreason dsgd stopped before "
                       "the run ended\n", (int)(st - text), text, st + 15);
    snprintf(tmp, sizeof tmp, "%s.new", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    int ok = fd >= 0 && len > 0 && (size_t)len < sizeof next &&
             dsg_write_all(fd, next, (size_t)len) == 0 && fsync(fd) == 0;
    if (fd >= 0)
        close(fd);
    return ok && rename(tmp, path) == 0 ? 1 : 0;
}

unsigned dsgd_bkup_settle_stale(const dsgd_bkup_config *c)
{
    char path[4400];
    unsigned n = 0;
    DIR *d = c->dest[0] != '\0' ? opendir(c->dest) : NULL;
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (strlen(e->d_name) != DSGD_BACKUP_ID_LEN + 6 ||
            strcmp(e->d_name + DSGD_BACKUP_ID_LEN, ".state") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", c->dest, e->d_name);
        n += settle_one(path);
    }
    if (d != NULL)
        closedir(d);
    return n;
}
