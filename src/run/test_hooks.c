/* Test hooks (DSG_TEST_HOOKS builds only): see test_hooks.h. */
#ifdef DSG_TEST_HOOKS
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "run/bus.h"
#include "run/log.h"
#include "run/logd.h"
#include "run/test_hooks.h"

const char *dsgd_test_hook_for(const char *role)
{
    const char *v = getenv("DSG_TEST_HOOK");
    size_t n = strlen(role);
    if (v == NULL || strncmp(v, role, n) != 0 || v[n] != ':' || v[n + 1] == '\0')
        return NULL;
    return v + n + 1;
}

static void syscall_result(const char *hook, long r)
{
    if (r < 0)
        dsgd_log("test hook %s: failed: %s", hook, strerror(errno));
    else
        dsgd_log("test hook %s: succeeded (%ld)", hook, r);
}

int dsgd_test_hook_run(const char *hook, dsgd_chan *c, int max_known)
{
    dsgd_log("test hook %s: running", hook);
    if (strcmp(hook, "openat") == 0) {
        syscall_result(hook, syscall(SYS_openat, AT_FDCWD, "/etc/passwd", O_RDONLY));
    } else if (strcmp(hook, "socket") == 0) {
        syscall_result(hook, syscall(SYS_socket, AF_INET, SOCK_STREAM, 0));
    } else if (strcmp(hook, "execve") == 0) {
        static char *const argv[] = { (char *)"/bin/true", NULL };
        syscall_result(hook, syscall(SYS_execve, "/bin/true", argv, argv + 1));
    } else if (strcmp(hook, "execveat") == 0) {
        static char *const argv[] = { (char *)"/bin/true", NULL };
        syscall_result(hook, syscall(SYS_execveat, AT_FDCWD, "/bin/true", argv, argv + 1, 0));
    } else if (strcmp(hook, "openat2") == 0) {
        struct { uint64_t flags, mode, resolve; } how = { O_RDONLY, 0, 0 };
        syscall_result(hook, syscall(SYS_openat2, AT_FDCWD, "/etc/passwd", &how, sizeof how));
#ifdef SYS_creat
    } else if (strcmp(hook, "creat") == 0) {
        syscall_result(hook, syscall(SYS_creat, "/tmp/dsg-hook-creat", 0600));
#endif
    } else if (strcmp(hook, "sigsys") == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = SIG_IGN;
        syscall_result(hook, sigaction(SIGSYS, &sa, NULL));
    } else if (strcmp(hook, "clone3") == 0) {
        syscall_result(hook, syscall(SYS_clone3, NULL, 0));
    } else if (strcmp(hook, "newsys") == 0) {
        syscall_result(hook, syscall(max_known + 1, 0, 0, 0));
    } else if (strcmp(hook, "open-outside") == 0) {
        /* the storage role tries files outside var/<role>/ */
        static const char *const paths[] = { "/etc/passwd", "../../../../etc/passwd",
                                             "../run/dsgctl.sock", "/proc/self/status" };
        for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
            int fd = open(paths[i], O_RDONLY | O_CLOEXEC);
            if (fd >= 0) {
                dsgd_log("test hook %s: OPENED %s (not confined)", hook, paths[i]);
                close(fd);
            } else {
                dsgd_log("test hook %s: open %s failed: %s", hook, paths[i], strerror(errno));
            }
        }
    } else if (strcmp(hook, "append-many") == 0) {
        /* logd appends portal access records until it is killed (the
         * kill -9 case of REQ-RUN-020); the loop starves the IPC channel */
        static const char *const v[] = { "2026-01-01T00:00:00.000Z", "192.0.2.1", "/hook",
                                         "GET", "test", "200" };
        static const char *const k[] = { "access_time", "source_ip", "url", "method",
                                         "user_agent", "status" };
        dsg_audit_field f[6];
        char err[256];
        uint64_t seq = 0;
        for (int i = 0; i < 6; i++) {
            f[i].name = k[i];
            f[i].value = (const uint8_t *)v[i];
            f[i].len = strlen(v[i]);
        }
        for (int i = 0; i < 100000; i++)
            if (dsgd_logd_append("portal", DSG_AUDIT_TYPE_PORTAL_ACCESS, f, 6, &seq, err,
                                 sizeof err) != 0) {
                dsgd_log("test hook %s: %s", hook, err);
                return -1;
            }
        dsgd_log("test hook %s: appended up to seq %llu", hook, (unsigned long long)seq);
    } else if (strcmp(hook, "slow-commit") == 0) {
        /* logd waits before each commit of records, as on a loaded machine:
         * the roles' credit comes back late and their records wait */
        dsgd_logd_test_hook_slow(300);
    } else if (strcmp(hook, "no-commit") == 0) {
        dsgd_logd_test_hook_slow(-1);   /* logd takes records and never commits them */
    } else if (strcmp(hook, "bad-frame") == 0) {
        /* raw bytes that dsg_ipc_decode refuses: unknown type 99 */
        static const unsigned char bad[12] = { 99, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
        ssize_t w = write(c->fd, bad, sizeof bad);
        syscall_result(hook, w);
    } else if (strcmp(hook, "bus-forbidden") == 0) {
        /* a well-formed bus message of a kind only the master sends */
        syscall_result(hook, dsgd_bus_send(c, DSGD_MSG_LOG_VERIFY, NULL, 0));
    } else {
        dsgd_log("test hook %s: unknown hook", hook);
        return -1;
    }
    return 0;
}
#else
/* ISO C forbids an empty translation unit. */
typedef int dsgd_test_hooks_absent;
#endif
