/* A dsgd worker: sandbox, handshake, IPC loop. */
#ifndef DSGD_WORKER_H
#define DSGD_WORKER_H

/* The worker's exit statuses besides 0 (SHUTDOWN) and DSGD_EXIT_SECCOMP. */
#define DSGD_EXIT_SANDBOX 1   /* a sandbox step failed */
#define DSGD_EXIT_PROTOCOL 2  /* the master sent a bad frame: channel closed */
#define DSGD_EXIT_EOF 3       /* the master closed the channel */

/* Runs the worker for `dsgd --worker ROLE -s STATEDIR -u USER [-L LOGD]
 * [-F FORWARD]` with the IPC socket on fd 3; returns the exit status. logd
 * is logd's settings (dsgd_settings_logd_arg) or NULL for the defaults;
 * forward is log.forward for logd (NULL: none); hook is a test hook name
 * or NULL (test builds only). @relation(REQ-RUN-002, REQ-RUN-030, REQ-LOG-047) */
int dsgd_worker_main(const char *role, const char *statedir, const char *user,
                     const char *logd, const char *forward, const char *hook);

#endif
