/*
 * The worker sandbox (docs/sandbox.md). Order (DESIGN "Workers", OpenSSH):
 * each later step cannot be undone by the code that runs after it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/landlock.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/ipc_frame.h"
#include "run/log.h"
#include "run/sandbox.h"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif

static int fail(dsgd_sandbox *sb, const char *step, char *err, size_t n,
                const char *what, int e)
{
    sb->failed_step = step;
    snprintf(err, n, "%s: %s", what, e ? strerror(e) : "failed");
    return -1;
}

/* ---- 1. rlimits ---------------------------------------------------------- */

static int set_limit(int res, rlim_t v)
{
    struct rlimit rl = { v, v };
    return setrlimit(res, &rl);
}

static int step_rlimits(dsgd_sandbox *sb, char *err, size_t n)
{
    int net = sb->role->kind == DSGD_ROLE_NETWORK;
    if (set_limit(RLIMIT_CORE, 0) != 0)
        return fail(sb, "rlimits", err, n, "RLIMIT_CORE 0", errno);
    /* a network role opens no descriptor but its accepted connections */
    if (set_limit(RLIMIT_NOFILE, net ? (sb->nofile ? sb->nofile : 8) : 32) != 0)
        return fail(sb, "rlimits", err, n, "RLIMIT_NOFILE", errno);
    if (net && set_limit(RLIMIT_FSIZE, 0) != 0)
        return fail(sb, "rlimits", err, n, "RLIMIT_FSIZE 0", errno);
    return 0;
}

/* ---- 2. chroot (storage roles, as root) ---------------------------------- */

static int step_chroot(dsgd_sandbox *sb, char *err, size_t n)
{
    if (!sb->as_root || sb->role->kind != DSGD_ROLE_STORAGE)
        return 0;
    if (chroot(sb->roledir) != 0)
        return fail(sb, "chroot", err, n, sb->roledir, errno);
    if (chdir("/") != 0)
        return fail(sb, "chroot", err, n, "chdir /", errno);
    sb->chrooted = 1;
    return 0;
}

/* ---- 3. drop to the dsg user, never to regain root ----------------------- */

static int step_drop(dsgd_sandbox *sb, char *err, size_t n)
{
    uid_t r, e, s;
    gid_t gr, ge, gs;

    if (sb->as_root) {
        if (sb->uid == 0 || sb->gid == 0)
            return fail(sb, "drop-user", err, n, "the worker user has uid or gid 0", 0);
        if (setgroups(0, NULL) != 0)
            return fail(sb, "drop-user", err, n, "setgroups(0)", errno);
        if (setresgid(sb->gid, sb->gid, sb->gid) != 0)
            return fail(sb, "drop-user", err, n, "setresgid", errno);
        if (setresuid(sb->uid, sb->uid, sb->uid) != 0)
            return fail(sb, "drop-user", err, n, "setresuid", errno);
    }
    if (getresuid(&r, &e, &s) != 0 || getresgid(&gr, &ge, &gs) != 0)
        return fail(sb, "drop-user", err, n, "getresuid", errno);
    if (r == 0 || e == 0 || s == 0)
        return fail(sb, "drop-user", err, n, "still uid 0", 0);
    if (sb->as_root && (gr != sb->gid || ge != sb->gid || gs != sb->gid))
        return fail(sb, "drop-user", err, n, "gid not dropped", 0);
    /* it must not be able to come back */
    if (setuid(0) == 0 || seteuid(0) == 0 || setgid(0) == 0)
        return fail(sb, "drop-user", err, n, "root could be regained", 0);
    return 0;
}

/* RLIMIT_NPROC counts the processes of the uid: only once it is dropped, and
 * only for the network role (other workers share the uid but keep their
 * own limit; the limit is checked on the forking process). */
static int step_nproc(dsgd_sandbox *sb, char *err, size_t n)
{
    if (sb->role->kind != DSGD_ROLE_NETWORK)
        return 0;
    if (set_limit(RLIMIT_NPROC, 0) != 0)
        return fail(sb, "rlimits", err, n, "RLIMIT_NPROC 0", errno);
    return 0;
}

/* ---- 4. no new privileges ------------------------------------------------ */

static int step_nnp(dsgd_sandbox *sb, char *err, size_t n)
{
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return fail(sb, "no-new-privs", err, n, "PR_SET_NO_NEW_PRIVS", errno);
    if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
        return fail(sb, "no-new-privs", err, n, "PR_GET_NO_NEW_PRIVS is not 1", 0);
    return 0;
}

/* ---- 5. Landlock (storage roles) ----------------------------------------- */

static int step_landlock(dsgd_sandbox *sb, char *err, size_t n)
{
    struct landlock_ruleset_attr attr;
    struct landlock_path_beneath_attr pb;
    const char *dir;
    uint64_t fs;
    long abi;
    int rs, pfd;

    sb->landlock_abi = -1;
    if (sb->role->kind != DSGD_ROLE_STORAGE)
        return 0;
    abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
    if (abi < 0) {
        if (errno == ENOSYS || errno == EOPNOTSUPP) {
            sb->landlock_abi = 0;   /* not offered: not fatal, chroot still applies */
            return 0;
        }
        return fail(sb, "landlock", err, n, "landlock ABI query", errno);
    }
    fs = (1ull << 13) - 1u;          /* ABI 1: EXECUTE .. MAKE_SYM */
    if (abi >= 2)
        fs |= 1ull << 13;            /* REFER */
    if (abi >= 3)
        fs |= 1ull << 14;            /* TRUNCATE */
    if (abi >= 5)
        fs |= 1ull << 15;            /* IOCTL_DEV */
    memset(&attr, 0, sizeof attr);
    attr.handled_access_fs = fs;
    rs = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
    if (rs < 0)
        return fail(sb, "landlock", err, n, "landlock_create_ruleset", errno);
    dir = sb->chrooted ? "/" : sb->roledir;
    pfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (pfd < 0) {
        int e = errno;
        close(rs);
        return fail(sb, "landlock", err, n, dir, e);
    }
    memset(&pb, 0, sizeof pb);
    pb.allowed_access = fs;
    pb.parent_fd = pfd;
    if (syscall(SYS_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) != 0 ||
        syscall(SYS_landlock_restrict_self, rs, 0) != 0) {
        int e = errno;
        close(pfd);
        close(rs);
        return fail(sb, "landlock", err, n, "landlock rule", e);
    }
    close(pfd);
    close(rs);
    sb->landlock_abi = (int)abi;
    return 0;
}

/* ---- 6. the SIGSYS handler ------------------------------------------------ */

static const dsgd_chan *sigsys_chan;
static uint8_t sigsys_frame[DSG_IPC_HEADER_SIZE + 8];

/* Async-signal-safe: fills the pre-encoded SECCOMP_KILL frame, checks it
 * against a copy of the channel with the pure decoder, write(2)s it to fd 3
 * and _exit()s. The trap happens inside a syscall, never inside the decoder,
 * so the copy is consistent. */
static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
    dsg_ipc_channel copy;
    dsg_ipc_frame f;
    size_t eaten = 0;
    (void)sig;
    (void)uc;
    dsg_ipc_put_u32(sigsys_frame + DSG_IPC_HEADER_SIZE, (uint32_t)si->si_syscall);
    dsg_ipc_put_u32(sigsys_frame + DSG_IPC_HEADER_SIZE + 4, (uint32_t)si->si_arch);
    copy = sigsys_chan->ch;
    if (dsg_ipc_decode(&copy, DSG_IPC_PEER_WORKER, sigsys_frame, sizeof sigsys_frame,
                       &f, &eaten) == DSG_IPC_OK) {
        ssize_t w = write(sigsys_chan->fd, sigsys_frame, sizeof sigsys_frame);
        (void)w;
    }
    _exit(DSGD_EXIT_SECCOMP);
}

static int step_sigsys(dsgd_sandbox *sb, char *err, size_t n)
{
    struct sigaction sa;
    sigset_t set;

    sigsys_chan = sb->chan;
    dsg_ipc_encode_header(sigsys_frame, DSG_IPC_SECCOMP_KILL, 8u, 0u);
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigsys;
    sa.sa_flags = SA_SIGINFO;
    sigfillset(&sa.sa_mask);
    if (sigaction(SIGSYS, &sa, NULL) != 0)
        return fail(sb, "sigsys-handler", err, n, "sigaction(SIGSYS)", errno);
    sigemptyset(&set);
    sigaddset(&set, SIGSYS);
    if (sigprocmask(SIG_UNBLOCK, &set, NULL) != 0)
        return fail(sb, "sigsys-handler", err, n, "unblock SIGSYS", errno);
    return 0;
}

/* ---- 7. the seccomp filter ------------------------------------------------ */

int dsgd_sandbox_max_known_syscall(void)
{
    int max = -1;
    for (int nr = 0; nr <= DSGD_SYSCALL_PROBE_MAX; nr++) {
        char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
        if (name != NULL) {
            max = nr;
            free(name);
        }
    }
    return max;
}

void dsgd_sandbox_syscall_name(unsigned nr, unsigned arch, char *out, size_t size)
{
    char *name = seccomp_syscall_resolve_num_arch(arch, (int)nr);
    snprintf(out, size, "%s", name != NULL ? name : "unknown");
    free(name);
}

#define RULE(act, sys, ...)                                                  \
    do {                                                                     \
        int rc_ = seccomp_rule_add(ctx, (act), SCMP_SYS(sys), __VA_ARGS__);  \
        if (rc_ != 0) {                                                      \
            what = #sys;                                                     \
            goto fail_rule;                                                  \
        }                                                                    \
    } while (0)

static int step_seccomp(dsgd_sandbox *sb, char *err, size_t n)
{
    int storage = sb->role->kind == DSGD_ROLE_STORAGE;
    int logfwd = strcmp(sb->role->name, "logfwd") == 0;
    const char *what = "seccomp_init";
    scmp_filter_ctx ctx;
    int rc;

    sb->max_known = dsgd_sandbox_max_known_syscall();
    if (sb->max_known < 0)
        return fail(sb, "seccomp", err, n, "libseccomp knows no syscall", 0);
    ctx = seccomp_init(SCMP_ACT_TRAP);
    if (ctx == NULL)
        return fail(sb, "seccomp", err, n, what, 0);

    /* the IPC loop: fd 3 (the channel) and fd 2 (the log pipe) */
    if (storage) {
        RULE(SCMP_ACT_ALLOW, read, 0);
        RULE(SCMP_ACT_ALLOW, write, 0);
    } else {
        RULE(SCMP_ACT_ALLOW, read, 1, SCMP_A0(SCMP_CMP_EQ, 3));
        RULE(SCMP_ACT_ALLOW, write, 1, SCMP_A0(SCMP_CMP_EQ, 3));
        RULE(SCMP_ACT_ALLOW, write, 1, SCMP_A0(SCMP_CMP_EQ, 2));
        /* the portal's TLS server (docs/sandbox.md): connections it accepted
         * on the inherited listening socket (fd 4) are fds 5 and up; it
         * creates and opens nothing else, so they are all sockets. logfwd's
         * fds 5 and up are the sockets the master passed it on fd 4 */
        if (!logfwd)
            RULE(SCMP_ACT_ALLOW, accept4, 1, SCMP_A0(SCMP_CMP_EQ, 4));
        RULE(SCMP_ACT_ALLOW, read, 1, SCMP_A0(SCMP_CMP_GE, 5));
        RULE(SCMP_ACT_ALLOW, write, 1, SCMP_A0(SCMP_CMP_GE, 5));
        RULE(SCMP_ACT_ALLOW, close, 1, SCMP_A0(SCMP_CMP_GE, 5));
        /* OpenSSL's DRBG reseeds from getrandom; with it allowed OpenSSL
         * never falls back to opening /dev/urandom */
        RULE(SCMP_ACT_ALLOW, getrandom, 0);
        /* OpenSSL's DRBG compares getpid() with its own to notice a fork */
        RULE(SCMP_ACT_ALLOW, getpid, 0);
    }
    if (logfwd) {
        /* connected sockets from the master, on fd 4 only (SCM_RIGHTS) */
        RULE(SCMP_ACT_ALLOW, recvmsg, 1, SCMP_A0(SCMP_CMP_EQ, 4));
        /* the bytes a collector's TCP has not acknowledged (REQ-LOG-047) */
        RULE(SCMP_ACT_ALLOW, ioctl, 2, SCMP_A0(SCMP_CMP_GE, 5), SCMP_A1(SCMP_CMP_EQ, SIOCOUTQ));
    }
    if (strcmp(sb->role->name, "ctl") == 0) {
        /* who is on the other end of a control connection (REQ-RUN-021) */
        RULE(SCMP_ACT_ALLOW, getsockopt, 3, SCMP_A0(SCMP_CMP_GE, 5),
             SCMP_A1(SCMP_CMP_EQ, SOL_SOCKET), SCMP_A2(SCMP_CMP_EQ, SO_PEERCRED));
        RULE(SCMP_ACT_ALLOW, getsockopt, 3, SCMP_A0(SCMP_CMP_GE, 5),
             SCMP_A1(SCMP_CMP_EQ, SOL_SOCKET), SCMP_A2(SCMP_CMP_EQ, SO_PEERGROUPS));
    }
    RULE(SCMP_ACT_ALLOW, poll, 0);
    RULE(SCMP_ACT_ALLOW, ppoll, 0);
    RULE(SCMP_ACT_ALLOW, clock_gettime, 0);
    RULE(SCMP_ACT_ALLOW, exit_group, 0);
    RULE(SCMP_ACT_ALLOW, exit, 0);
    RULE(SCMP_ACT_ALLOW, rt_sigreturn, 0);
    RULE(SCMP_ACT_ALLOW, restart_syscall, 0);
    /* memory: never executable */
    RULE(SCMP_ACT_ALLOW, brk, 0);
    RULE(SCMP_ACT_ALLOW, mmap, 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
    RULE(SCMP_ACT_ALLOW, mprotect, 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
    RULE(SCMP_ACT_ALLOW, munmap, 0);
    RULE(SCMP_ACT_ALLOW, mremap, 0);
    RULE(SCMP_ACT_ALLOW, madvise, 0);
    RULE(SCMP_ACT_ALLOW, futex, 0);
    if (storage) {
        /* files, inside var/<role>/ only: the chroot and Landlock confine them */
        RULE(SCMP_ACT_ALLOW, openat, 0);
        RULE(SCMP_ACT_ALLOW, close, 0);
        RULE(SCMP_ACT_ALLOW, fstat, 0);
        RULE(SCMP_ACT_ALLOW, newfstatat, 0);
        RULE(SCMP_ACT_ALLOW, lseek, 0);
        RULE(SCMP_ACT_ALLOW, fsync, 0);
        RULE(SCMP_ACT_ALLOW, fdatasync, 0);
        /* a store (docs/sandbox.md, "Allowed in the storage roles only"): SQLite's
         * unix VFS reads and writes pages at offsets, locks with fcntl,
         * maps the WAL index (-shm, never executable: the mmap rule above),
         * sizes and removes its -wal/-shm files; the key files are written
         * to *.new and renamed; ownership checks read the euid */
        RULE(SCMP_ACT_ALLOW, pread64, 0);
        RULE(SCMP_ACT_ALLOW, pwrite64, 0);
        RULE(SCMP_ACT_ALLOW, fcntl, 0);
        RULE(SCMP_ACT_ALLOW, ftruncate, 0);
        RULE(SCMP_ACT_ALLOW, unlink, 0);
        RULE(SCMP_ACT_ALLOW, rename, 0);
        RULE(SCMP_ACT_ALLOW, geteuid, 0);
        /* `dsgctl log verify` through logd opens a second, read-only
         * connection, which asks whether a -wal file exists */
        RULE(SCMP_ACT_ALLOW, access, 0);
        RULE(SCMP_ACT_ALLOW, faccessat, 0);
        /* SQLite seeds its PRNG with the pid; OpenSSL's DRBG, used for the
         * keys made at first start, reseeds from getrandom */
        RULE(SCMP_ACT_ALLOW, getpid, 0);
        RULE(SCMP_ACT_ALLOW, getrandom, 0);
    }
    if (storage) {
        /* a backup's pipe from the master, on fd 4 only (SCM_RIGHTS,
         * run/role_backup.h); it is then written like any descriptor */
        RULE(SCMP_ACT_ALLOW, recvmsg, 1, SCMP_A0(SCMP_CMP_EQ, 4));
    }
    if (storage && strcmp(sb->role->name, "share") == 0) {
        /* the object store (src/share/object_store.h): its shard
         * directories made on first use, the temporary files the start-up
         * sweep lists, the free space checked before an upload */
        RULE(SCMP_ACT_ALLOW, mkdir, 0);
        RULE(SCMP_ACT_ALLOW, mkdirat, 0);
        RULE(SCMP_ACT_ALLOW, getdents64, 0);
        RULE(SCMP_ACT_ALLOW, fstatfs, 0);
    }
    /* the SIGSYS handler stays: replacing it kills the whole process */
    RULE(SCMP_ACT_KILL_PROCESS, rt_sigaction, 1, SCMP_A0(SCMP_CMP_EQ, SIGSYS));
    /* glibc falls back only on ENOSYS */
    RULE(SCMP_ACT_ERRNO(ENOSYS), clone3, 0);
    for (int nr = sb->max_known + 1; nr <= DSGD_SYSCALL_PROBE_MAX; nr++) {
        rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0);
        if (rc != 0) {
            what = "ENOSYS above the known syscalls";
            goto fail_rule;
        }
    }
    rc = seccomp_load(ctx);
    seccomp_release(ctx);
    if (rc != 0)
        return fail(sb, "seccomp", err, n, "seccomp_load", -rc);
    return 0;

fail_rule:
    seccomp_release(ctx);
    return fail(sb, "seccomp", err, n, what, 0);
}

typedef int (*step_fn)(dsgd_sandbox *, char *, size_t);
static const struct step {
    const char *name;
    step_fn fn;
} steps[] = {
    { "rlimits", step_rlimits },
    { "chroot", step_chroot },
    { "drop-user", step_drop },
    { "rlimits", step_nproc },
    { "no-new-privs", step_nnp },
    { "landlock", step_landlock },
    { "sigsys-handler", step_sigsys },
};

/* Test builds can make any step fail, to show that failing is fatal. */
static int forced(const dsgd_sandbox *sb, const char *step, char *err, size_t n)
{
#ifdef DSG_TEST_HOOKS
    if (sb->force_fail != NULL && strcmp(sb->force_fail, step) == 0) {
        snprintf(err, n, "forced by the test hook");
        return 1;
    }
#else
    (void)sb;
    (void)step;
    (void)err;
    (void)n;
#endif
    return 0;
}

int dsgd_sandbox_apply(dsgd_sandbox *sb, char *err, size_t errsize)
{
    sb->chrooted = 0;
    sb->landlock_abi = -1;
    sb->max_known = -1;
    sb->failed_step = NULL;
    if (DSGD_SANITIZED) {
        /* ASan/UBSan need syscalls and files no filter allows */
        dsgd_log("SANDBOX OFF: sanitizer build; no rlimits, chroot, Landlock or "
                 "seccomp filter (never run a sanitizer build in production)");
        if (step_drop(sb, err, errsize) != 0 || step_nnp(sb, err, errsize) != 0)
            return -1;
        return 0;
    }
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        if (forced(sb, steps[i].name, err, errsize)) {
            sb->failed_step = steps[i].name;
            return -1;
        }
        if (steps[i].fn(sb, err, errsize) != 0)
            return -1;
    }
    char ll[32];
    if (sb->landlock_abi > 0)
        snprintf(ll, sizeof ll, "active (ABI %d)", sb->landlock_abi);
    else
        snprintf(ll, sizeof ll, "%s", sb->landlock_abi == 0 ? "unavailable" : "not used");
    dsgd_log("sandbox: uid %u gid %u, chroot %s, Landlock %s, loading the %s seccomp filter",
             (unsigned)getuid(), (unsigned)getgid(), sb->chrooted ? sb->roledir : "no", ll,
             sb->role->kind == DSGD_ROLE_STORAGE ? "storage" : "network");
    if (forced(sb, "seccomp", err, errsize)) {
        sb->failed_step = "seccomp";
        return -1;
    }
    return step_seccomp(sb, err, errsize);
}
