/*
 * The worker sandbox, applied in a fixed order before the worker handles
 * any input (docs/sandbox.md): rlimits; chroot into var/<role>/ (storage
 * roles, as root); drop to the dsg user and check root cannot be regained;
 * RLIMIT_NPROC 0 (network roles, once the uid is dropped);
 * PR_SET_NO_NEW_PRIVS; Landlock (storage roles, where the kernel has it);
 * the SIGSYS handler; the role's seccomp filter. Any failure is fatal.
 */
#ifndef DSGD_SANDBOX_H
#define DSGD_SANDBOX_H

#include <stddef.h>
#include <sys/types.h>

#include "run/channel.h"
#include "run/roles.h"

/* The exit status of a worker whose SIGSYS handler reported a trapped call. */
#define DSGD_EXIT_SECCOMP 99
/* Syscall numbers probed for the highest one libseccomp knows; numbers
 * above it up to this bound get ENOSYS. */
#define DSGD_SYSCALL_PROBE_MAX 1023

#if defined(__SANITIZE_ADDRESS__)
#define DSGD_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define DSGD_SANITIZED 1
#endif
#endif
#ifndef DSGD_SANITIZED
#define DSGD_SANITIZED 0
#endif

typedef struct dsgd_sandbox {
    const dsgd_role *role;
    const char *roledir;     /* absolute var/<role>/ for storage roles, else NULL */
    int as_root;             /* started as root: chroot and drop to uid/gid */
    uid_t uid;
    gid_t gid;
    dsgd_chan *chan;         /* fd 3: where the SIGSYS handler reports */
    unsigned nofile;         /* network roles: RLIMIT_NOFILE (0: 8, fds 0-5 and a few) */
    /* results, for the log */
    int chrooted;
    int landlock_abi;        /* > 0: Landlock in force with this ABI; 0: unavailable; -1: not used */
    int max_known;           /* highest syscall number libseccomp knows */
    const char *failed_step; /* the step that failed */
#ifdef DSG_TEST_HOOKS
    const char *force_fail;  /* test builds: the step made to fail */
#endif
} dsgd_sandbox;

/* Applies every step in order. Returns 0, or -1 with sb->failed_step set and
 * a message in err.
 * @relation(REQ-RUN-002, REQ-RUN-003, REQ-RUN-004, REQ-RUN-005, REQ-RUN-031, REQ-RUN-032) */
__attribute__((warn_unused_result))
int dsgd_sandbox_apply(dsgd_sandbox *sb, char *err, size_t errsize);

/* The highest syscall number libseccomp can name on this architecture
 * (probed up to DSGD_SYSCALL_PROBE_MAX). @relation(REQ-RUN-003) */
int dsgd_sandbox_max_known_syscall(void);

/* The name of a syscall reported by a SIGSYS handler, into out; "unknown"
 * when libseccomp cannot name it. @relation(REQ-RUN-003) */
void dsgd_sandbox_syscall_name(unsigned nr, unsigned arch, char *out, size_t size);

#endif
